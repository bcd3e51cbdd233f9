/* scenario.c — reading and checking scenario files (format in scenario.h and
 * README.md). Every value is range-checked here, so the run driver and the
 * models can trust what they are given. */
#include "scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yamlx.h"
#include "../models/device/csvtable.h"
#include "../models/routing/routing.h"

#define MAX_SERVERS 50000000u
#define MAX_BINS 10000000.0

static const char *const arrival_names[] = {"poisson", "deterministic", NULL};
static const char *const service_names[] = {"exponential", "deterministic", "lognormal",
                                            "gamma", NULL};

static const char *const top_keys[] = {"name", "title", "seed", "run", "workload", "routing",
                                       "sites", "data_dir", "verification", "outages", "arms",
                                       "replications", "sweep", NULL};
static const char *const sweep_keys[] = {"mode", "parameters", NULL};
static const char *const sweep_modes[] = {"product", "zip", NULL};
static const char *const range_keys[] = {"from", "to", "steps", "scale", NULL};
static const char *const range_scales[] = {"linear", "log", NULL};
static const char *const client_keys[] = {"region", "access", "share", NULL};
static const char *const avail_keys[] = {"profile", "on", "off", "trace", NULL};
static const char *const period_keys[] = {"distribution", "mean", "shape", "cv", NULL};
static const char *const verify_keys[] = {"mode", "k", "p", NULL};
static const char *const verify_names[] = {"none", "replicate", "spot", NULL};
static const char *const outage_keys[] = {"site", "region", "from", "to", NULL};
static const char *const arm_keys[] = {"name", "routing", "verification", "sites", NULL};
static const char *const site_kind_names[] = {"datacentre", "edge", NULL};
static const char *const run_keys[] = {"duration", "max_arrivals", "drain", "bin", "warmup",
                                       "month", "utc_offset", NULL};
static const char *const workload_keys[] = {"arrivals", "service", "classes", "clients", NULL};
static const char *const class_keys[] = {"name", "kind", "model", "share", "prompt_tokens",
                                         "output_tokens", "steps", NULL};
static const char *const tokens_keys[] = {"distribution", "value", "min", "max", "mean", "cv",
                                          NULL};
static const char *const serving_keys[] = {"device", "model", "gpus_per_server", "tp", "precision",
                                           "max_batch", "max_context", "prefill_chunk", NULL};
static const char *const class_kind_names[] = {"generic", "llm", "image", NULL};
static const char *const token_dist_names[] = {"fixed", "uniform", "lognormal", "exponential",
                                               NULL};
static const char *const arrivals_keys[] = {"process", "rate", "profile", NULL};
static const char *const service_keys[] = {"distribution", "mean", "cv", NULL};
static const char *const routing_keys[] = {"policy", "latency_objective", NULL};
static const char *const site_keys[] = {"name", "servers", "slots", "speed", "weight", "power",
                                        "sleep", "serving", "kind", "region", "access", "host",
                                        "tariff", "availability", "facility", "pue", "wue",
                                        "on_anyway", "hardware", "contract", "economics", NULL};
static const char *const hardware_names[] = {"existing", "new", NULL};
static const char *const contract_keys[] = {"renewable_share", "carbon", NULL};
static const char *const economics_keys[] = {"gpu_hour_usd", "capex_usd_per_gpu", "capex_life_y",
                                             "reward_usd_per_1k_tokens", "reward_usd_per_query",
                                             "reward_usd_per_gpu_hour", NULL};
static const char *const power_keys[] = {"off", "idle", "busy", NULL};
static const char *const sleep_keys[] = {"after", "wake", NULL};

static int load_clients(ew_scenario *s, ew_yaml *y, yaml_node_t *node, ew_error *err);

static int check_name(ew_yaml *y, yaml_node_t *n, const char *path, const char *name,
                      ew_error *err)
{
    size_t len = strlen(name);
    int ok = len > 0 && name[0] != '.';
    for (size_t i = 0; ok && i < len; i++) {
        char c = name[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '_' || c == '-';
    }
    if (!ok)
        return ew_yaml_fail(y, n, path, err,
                            "expected a name of letters, digits, '.', '_' and '-' "
                            "(not starting with '.'), got \"%s\"", name);
    return EW_OK;
}

static int load_run(ew_scenario *s, ew_yaml *y, yaml_node_t *node, ew_error *err)
{
    ew_ymap m;
    int rc = ew_ymap_open(&m, y, node, "run", run_keys, err);
    if (rc)
        return rc;
    if (!node)
        return ew_yaml_fail(y, ew_yaml_root(y), "run", err,
                            "missing (required: a mapping with duration and/or max_arrivals)");
    uint64_t max_arrivals;
    if ((rc = ew_ymap_quantity(&m, "duration", EW_Q_DURATION, 0, INFINITY, EW_POSITIVE,
                               &s->duration_s, err)) ||
        (rc = ew_ymap_count(&m, "max_arrivals", 0, 0, 1, (uint64_t)1e15, &max_arrivals, err)))
        return rc;
    s->max_arrivals = max_arrivals;
    if ((rc = ew_ymap_bool(&m, "drain", 0, &s->drain, err)))
        return rc;
    if (s->drain && s->max_arrivals == 0)
        return ew_yaml_fail(y, ew_ymap_get(&m, "drain"), "run.drain", err,
                            "needs run.max_arrivals (drain serves the queries that came, then ends)");
    if (isinf(s->duration_s) && s->max_arrivals == 0)
        return ew_yaml_fail(y, node, "run", err,
                            "give duration (e.g. 24h), max_arrivals (e.g. 1e6), or both");
    double def_bin = isfinite(s->duration_s) ? s->duration_s / 100.0 : 60.0;
    if ((rc = ew_ymap_quantity(&m, "bin", EW_Q_DURATION, 0, def_bin, EW_POSITIVE, &s->bin_s, err)) ||
        (rc = ew_ymap_quantity(&m, "warmup", EW_Q_DURATION, 0, 0.0, EW_NONNEG, &s->warmup_s, err)))
        return rc;
    if (isfinite(s->duration_s) && s->duration_s / s->bin_s > MAX_BINS)
        return ew_yaml_fail(y, ew_ymap_get(&m, "bin"), "run.bin", err,
                            "gives %.0f bins over the duration; at most %.0f",
                            ceil(s->duration_s / s->bin_s), MAX_BINS);
    if (isfinite(s->duration_s) && s->warmup_s >= s->duration_s)
        return ew_yaml_fail(y, ew_ymap_get(&m, "warmup"), "run.warmup", err,
                            "must be shorter than run.duration (%g s), got %g s",
                            s->duration_s, s->warmup_s);
    uint64_t month;
    if ((rc = ew_ymap_count(&m, "month", 0, 0, 0, 12, &month, err)) ||
        (rc = ew_ymap_quantity(&m, "utc_offset", EW_Q_DURATION, 0, 0.0,
                               (ew_range){-14 * 3600.0, 14 * 3600.0, 0, 0}, &s->utc_offset_s, err)))
        return rc;
    s->month = (int)month;
    return EW_OK;
}

static int load_profile(ew_scenario *s, ew_yaml *y, yaml_node_t *n, ew_error *err)
{
    const char *path = "workload.arrivals.profile";
    for (int h = 0; h < EW_HOURS; h++)
        s->profile[h] = 1.0;
    if (!n)
        return EW_OK;
    if (n->type != YAML_SEQUENCE_NODE)
        return ew_yaml_fail(y, n, path, err, "expected a list of 24 multipliers, one per hour, found %s",
                            ew_yaml_kind(n));
    long len = n->data.sequence.items.top - n->data.sequence.items.start;
    if (len != EW_HOURS)
        return ew_yaml_fail(y, n, path, err, "expected 24 multipliers (hours 0 to 23), got %ld", len);
    double sum = 0.0;
    for (int h = 0; h < EW_HOURS; h++) {
        char sub[64];
        snprintf(sub, sizeof sub, "%s[%d]", path, h);
        int rc = ew_yaml_quantity(y, ew_yaml_node(y, n->data.sequence.items.start[h]), sub,
                                  EW_Q_NUMBER, EW_NONNEG, &s->profile[h], err);
        if (rc)
            return rc;
        sum += s->profile[h];
    }
    if (sum <= 0.0)
        return ew_yaml_fail(y, n, path, err, "every multiplier is 0: no query would ever arrive");
    return EW_OK;
}

static int load_tokens(ew_yaml *y, yaml_node_t *n, const char *path, ew_token_dist *t,
                       ew_error *err)
{
    t->max = 1000000;
    if (n && n->type == YAML_SCALAR_NODE) {   /* "prompt_tokens: 512" is a fixed count */
        t->kind = EW_TOKENS_FIXED;
        int rc = ew_yaml_quantity(y, n, path, EW_Q_NUMBER, (ew_range){1, 1e6, 0, 0}, &t->a, err);
        if (rc == EW_OK && t->a != floor(t->a))
            return ew_yaml_fail(y, n, path, err, "expected a whole number of tokens, got %g", t->a);
        t->max = (uint32_t)t->a;
        return rc;
    }
    ew_ymap m;
    int rc, kind;
    double max;
    const ew_range tokens = {1, 1e6, 0, 0};
    if ((rc = ew_ymap_open(&m, y, n, path, tokens_keys, err)) ||
        (rc = ew_ymap_choice(&m, "distribution", 1, 0, token_dist_names, &kind, err)))
        return rc;
    t->kind = (ew_token_dist_kind)kind;
    switch (t->kind) {
    case EW_TOKENS_FIXED:
        rc = ew_ymap_quantity(&m, "value", EW_Q_NUMBER, 1, 0, tokens, &t->a, err);
        max = t->a;
        break;
    case EW_TOKENS_UNIFORM:
        if ((rc = ew_ymap_quantity(&m, "min", EW_Q_NUMBER, 1, 0, tokens, &t->a, err)) ||
            (rc = ew_ymap_quantity(&m, "max", EW_Q_NUMBER, 1, 0, tokens, &t->b, err)))
            return rc;
        if (t->b < t->a) {
            char sub[256];
            ew_ymap_subpath(&m, "max", sub, sizeof sub);
            return ew_yaml_fail(y, ew_ymap_get(&m, "max"), sub, err,
                                "must be >= min (%g), got %g", t->a, t->b);
        }
        max = t->b;
        break;
    default:
        rc = ew_ymap_quantity(&m, "mean", EW_Q_NUMBER, 1, 0, tokens, &t->a, err);
        if (!rc && t->kind == EW_TOKENS_LOGNORMAL)
            rc = ew_ymap_quantity(&m, "cv", EW_Q_NUMBER, 1, 0, (ew_range){0, 100, 1, 0}, &t->b, err);
        if (!rc)
            rc = ew_ymap_quantity(&m, "max", EW_Q_NUMBER, 0, 1e6, tokens, &max, err);
        break;
    }
    if (rc)
        return rc;
    static const char *const only[][3] = {
        {"min", "max", "mean"}, {"value", "mean", "cv"}, {"value", "min", NULL}, {"value", "min", "cv"}};
    for (int i = 0; i < 3; i++) {
        const char *k = only[t->kind][i];
        if (k && ew_ymap_get(&m, k)) {
            char sub[256];
            ew_ymap_subpath(&m, k, sub, sizeof sub);
            return ew_yaml_fail(y, ew_ymap_get(&m, k), sub, err, "does not apply to distribution %s",
                                token_dist_names[t->kind]);
        }
    }
    t->max = (uint32_t)floor(max);
    return EW_OK;
}

static int load_catalogs(ew_scenario *s, ew_error *err)
{
    if (s->devices)
        return EW_OK;
    char path[600];
    snprintf(path, sizeof path, "%s/devices.csv", s->data_dir);
    int rc = ew_device_catalog_load(path, &s->devices, err);
    if (rc == EW_OK) {
        snprintf(path, sizeof path, "%s/models.csv", s->data_dir);
        rc = ew_model_catalog_load(path, &s->models, err);
    }
    return rc;
}

static int unknown_name(ew_yaml *y, yaml_node_t *n, const char *path, const char *name,
                        const char *what, size_t count, const char *(*name_at)(const void *, size_t),
                        const void *cat, ew_error *err)
{
    char known[768] = "";
    size_t len = 0;
    for (size_t i = 0; i < count && len < sizeof known - 8; i++)
        len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "",
                                name_at(cat, i));
    return ew_yaml_fail(y, n, path, err, "unknown %s \"%s\" (known: %s)", what, name, known);
}

static const char *device_name_at(const void *c, size_t i)
{
    return ew_device_catalog_at(c, i)->name;
}

static const char *model_name_at(const void *c, size_t i)
{
    return ew_model_catalog_at(c, i)->name;
}

static int load_class(ew_scenario *s, ew_yaml *y, yaml_node_t *node, uint32_t k, ew_error *err)
{
    ew_class_spec *c = &s->classes[k];
    char path[64], sub[128];
    snprintf(path, sizeof path, "workload.classes[%u]", k);
    ew_ymap m;
    int rc, kind;
    if ((rc = ew_ymap_open(&m, y, node, path, class_keys, err)) ||
        (rc = ew_ymap_string(&m, "name", 1, NULL, c->name, sizeof c->name, err)) ||
        (rc = ew_ymap_choice(&m, "kind", 1, 0, class_kind_names, &kind, err)) ||
        (rc = ew_ymap_quantity(&m, "share", EW_Q_NUMBER, 1, 0, (ew_range){0, 1, 1, 0}, &c->share,
                               err)))
        return rc;
    snprintf(sub, sizeof sub, "%s.name", path);
    if ((rc = check_name(y, ew_ymap_get(&m, "name"), sub, c->name, err)))
        return rc;
    for (uint32_t j = 0; j < k; j++)
        if (strcmp(s->classes[j].name, c->name) == 0)
            return ew_yaml_fail(y, ew_ymap_get(&m, "name"), sub, err,
                                "\"%s\" is already the name of workload.classes[%u]", c->name, j);
    c->kind = (ew_class_kind)kind;
    static const char *const llm_only[] = {"prompt_tokens", "output_tokens", NULL};
    for (int i = 0; llm_only[i]; i++)
        if (c->kind != EW_CLASS_LLM && ew_ymap_get(&m, llm_only[i])) {
            snprintf(sub, sizeof sub, "%s.%s", path, llm_only[i]);
            return ew_yaml_fail(y, ew_ymap_get(&m, llm_only[i]), sub, err,
                                "only llm classes take token counts");
        }
    if (c->kind != EW_CLASS_IMAGE && ew_ymap_get(&m, "steps")) {
        snprintf(sub, sizeof sub, "%s.steps", path);
        return ew_yaml_fail(y, ew_ymap_get(&m, "steps"), sub, err, "only image classes take steps");
    }
    if (c->kind == EW_CLASS_GENERIC) {
        if (ew_ymap_get(&m, "model")) {
            snprintf(sub, sizeof sub, "%s.model", path);
            return ew_yaml_fail(y, ew_ymap_get(&m, "model"), sub, err,
                                "generic classes use workload.service, not a model");
        }
        return EW_OK;
    }
    if ((rc = ew_ymap_string(&m, "model", 1, NULL, c->model, sizeof c->model, err)) ||
        (rc = load_catalogs(s, err)))
        return rc;
    snprintf(sub, sizeof sub, "%s.model", path);
    c->ai = ew_model_find(s->models, c->model);
    if (!c->ai)
        return unknown_name(y, ew_ymap_get(&m, "model"), sub, c->model, "model",
                            ew_model_catalog_count(s->models), model_name_at, s->models, err);
    ew_model_kind want = c->kind == EW_CLASS_LLM ? EW_MODEL_LLM : EW_MODEL_DIFFUSION;
    if (c->ai->kind != want)
        return ew_yaml_fail(y, ew_ymap_get(&m, "model"), sub, err,
                            "%s is not a%s model, which a%s class needs", c->model,
                            want == EW_MODEL_LLM ? " language" : "n image",
                            c->kind == EW_CLASS_LLM ? "n llm" : "n image");
    if (c->kind == EW_CLASS_IMAGE) {
        uint64_t steps;
        rc = ew_ymap_count(&m, "steps", 0, c->ai->steps ? c->ai->steps : 30, 1, 10000, &steps, err);
        c->steps = (uint32_t)steps;
        return rc;
    }
    yaml_node_t *pn = ew_ymap_get(&m, "prompt_tokens"), *on = ew_ymap_get(&m, "output_tokens");
    if (!pn || !on)
        return ew_yaml_fail(y, node, pn ? "output_tokens" : "prompt_tokens", err,
                            "missing (required for llm classes: a token count or distribution)");
    snprintf(sub, sizeof sub, "%s.prompt_tokens", path);
    if ((rc = load_tokens(y, pn, sub, &c->prompt, err)))
        return rc;
    snprintf(sub, sizeof sub, "%s.output_tokens", path);
    return load_tokens(y, on, sub, &c->output, err);
}

static int load_workload(ew_scenario *s, ew_yaml *y, yaml_node_t *node, ew_error *err)
{
    ew_ymap w, a, sv;
    int rc, proc, dist;
    if ((rc = ew_ymap_open(&w, y, node, "workload", workload_keys, err)))
        return rc;
    if (!node)
        return ew_yaml_fail(y, ew_yaml_root(y), "workload", err,
                            "missing (required: arrivals, and service or classes)");
    yaml_node_t *an = ew_ymap_get(&w, "arrivals"), *sn = ew_ymap_get(&w, "service"),
                *cn = ew_ymap_get(&w, "classes");
    if (!an)
        return ew_yaml_fail(y, node, "workload.arrivals", err, "missing (required: process and rate)");
    if ((rc = ew_ymap_open(&a, y, an, "workload.arrivals", arrivals_keys, err)))
        return rc;
    if ((rc = ew_ymap_choice(&a, "process", 0, EW_ARRIVALS_POISSON, arrival_names, &proc, err)) ||
        (rc = ew_ymap_quantity(&a, "rate", EW_Q_RATE, 1, 0, EW_POSITIVE, &s->rate_per_s, err)))
        return rc;
    s->arrivals = (ew_arrival_process)proc;
    yaml_node_t *pn = ew_ymap_get(&a, "profile");
    if (pn && proc == EW_ARRIVALS_DETERMINISTIC)
        return ew_yaml_fail(y, pn, "workload.arrivals.profile", err,
                            "an hour-of-day profile needs process: poisson");
    if ((rc = load_profile(s, y, pn, err)))
        return rc;
    yaml_node_t *cln = ew_ymap_get(&w, "clients");
    if (cln && (rc = load_clients(s, y, cln, err)))
        return rc;

    /* classes: a list, shares summing to 1; none given is one generic class */
    if (cn) {
        if (cn->type != YAML_SEQUENCE_NODE)
            return ew_yaml_fail(y, cn, "workload.classes", err, "expected a list of classes, found %s",
                                ew_yaml_kind(cn));
        long n = cn->data.sequence.items.top - cn->data.sequence.items.start;
        if (n < 1 || n > 64)
            return ew_yaml_fail(y, cn, "workload.classes", err, "expected 1 to 64 classes, got %ld", n);
        s->classes = calloc((size_t)n, sizeof *s->classes);
        if (!s->classes)
            return ew_error_set(err, EW_ENOMEM, "out of memory");
        s->n_classes = (uint32_t)n;
        double sum = 0.0;
        for (uint32_t k = 0; k < s->n_classes; k++) {
            if ((rc = load_class(s, y, ew_yaml_node(y, cn->data.sequence.items.start[k]), k, err)))
                return rc;
            sum += s->classes[k].share;
        }
        if (fabs(sum - 1.0) > 1e-9)
            return ew_yaml_fail(y, cn, "workload.classes", err,
                                "shares must sum to 1, they sum to %.10g", sum);
    } else {
        s->classes = calloc(1, sizeof *s->classes);
        if (!s->classes)
            return ew_error_set(err, EW_ENOMEM, "out of memory");
        s->n_classes = 1;
        snprintf(s->classes[0].name, sizeof s->classes[0].name, "all");
        s->classes[0].kind = EW_CLASS_GENERIC;
        s->classes[0].share = 1.0;
    }
    int needs_service = 0;
    for (uint32_t k = 0; k < s->n_classes; k++)
        needs_service |= s->classes[k].kind == EW_CLASS_GENERIC;
    if (!sn && needs_service)
        return ew_yaml_fail(y, node, "workload.service", err,
                            "missing (required: distribution and mean, for generic queries)");
    if (!sn)
        return EW_OK;
    if (!needs_service)
        return ew_yaml_fail(y, sn, "workload.service", err,
                            "no generic class uses it: llm and image classes take their work "
                            "from their model");
    if ((rc = ew_ymap_open(&sv, y, sn, "workload.service", service_keys, err)) ||
        (rc = ew_ymap_choice(&sv, "distribution", 1, 0, service_names, &dist, err)) ||
        (rc = ew_ymap_quantity(&sv, "mean", EW_Q_DURATION, 1, 0, EW_POSITIVE,
                               &s->service_mean_s, err)))
        return rc;
    s->service = (ew_service_dist)dist;
    int needs_cv = dist == EW_SERVICE_LOGNORMAL || dist == EW_SERVICE_GAMMA;
    yaml_node_t *cvn = ew_ymap_get(&sv, "cv");
    if (cvn && !needs_cv)
        return ew_yaml_fail(y, cvn, "workload.service.cv", err,
                            "only lognormal and gamma take a cv (%s has cv %s)",
                            service_names[dist], dist == EW_SERVICE_EXPONENTIAL ? "1" : "0");
    s->service_cv = dist == EW_SERVICE_EXPONENTIAL ? 1.0 : 0.0;
    if (needs_cv && (rc = ew_ymap_quantity(&sv, "cv", EW_Q_NUMBER, 1, 0,
                                           (ew_range){0, 100, 1, 0}, &s->service_cv, err)))
        return rc;
    return EW_OK;
}

static int load_geography(ew_scenario *s, ew_error *err)
{
    if (s->regions)
        return EW_OK;
    char path[600];
    snprintf(path, sizeof path, "%s/regions.csv", s->data_dir);
    int rc = ew_region_catalog_load(path, &s->regions, err);
    if (rc == EW_OK) {
        snprintf(path, sizeof path, "%s/network.csv", s->data_dir);
        rc = ew_network_params_load(path, &s->net, err);
        s->has_net = rc == EW_OK;
    }
    if (rc == EW_OK) {   /* measured round trips: optional (absent: the formula alone) */
        snprintf(path, sizeof path, "%s/network_rtt.csv", s->data_dir);
        if (access(path, F_OK) == 0)
            rc = ew_rtt_table_load(path, s->regions, &s->rtt_table, err);
        s->net.measured = s->rtt_table;
    }
    if (rc == EW_OK) {
        snprintf(path, sizeof path, "%s/grid", s->data_dir);
        rc = ew_grid_load(path, &s->grid, err);
    }
    return rc;
}

static const char *region_code_at(const void *c, size_t i)
{
    return ew_region_catalog_at(c, i)->code;
}

/* The region named by a value node, as an index. */
static int region_of(ew_scenario *s, ew_yaml *y, yaml_node_t *n, const char *path,
                     uint32_t *out, ew_error *err)
{
    int rc = load_geography(s, err);
    if (rc)
        return rc;
    if (n->type != YAML_SCALAR_NODE)
        return ew_yaml_fail(y, n, path, err, "expected a region code, found %s", ew_yaml_kind(n));
    const char *code = (const char *)n->data.scalar.value;
    int i = ew_region_find(s->regions, code);
    if (i < 0)
        return unknown_name(y, n, path, code, "region", ew_region_catalog_count(s->regions),
                            region_code_at, s->regions, err);
    *out = (uint32_t)i;
    return EW_OK;
}

static int load_clients(ew_scenario *s, ew_yaml *y, yaml_node_t *node, ew_error *err)
{
    const char *path = "workload.clients";
    if (node->type != YAML_SEQUENCE_NODE)
        return ew_yaml_fail(y, node, path, err, "expected a list of client regions, found %s",
                            ew_yaml_kind(node));
    long n = node->data.sequence.items.top - node->data.sequence.items.start;
    if (n < 1 || n > 1000)
        return ew_yaml_fail(y, node, path, err, "expected 1 to 1000 client regions, got %ld", n);
    s->clients = calloc((size_t)n, sizeof *s->clients);
    if (!s->clients)
        return ew_error_set(err, EW_ENOMEM, "out of memory");
    s->n_clients = (uint32_t)n;
    double sum = 0.0;
    for (uint32_t k = 0; k < s->n_clients; k++) {
        ew_client_spec *c = &s->clients[k];
        char sub[64], rp[96];
        snprintf(sub, sizeof sub, "%s[%u]", path, k);
        ew_ymap m;
        int rc, access;
        yaml_node_t *cn = ew_yaml_node(y, node->data.sequence.items.start[k]);
        if ((rc = ew_ymap_open(&m, y, cn, sub, client_keys, err)) ||
            (rc = ew_ymap_choice(&m, "access", 0, EW_ACCESS_FIBRE, ew_access_names, &access, err)) ||
            (rc = ew_ymap_quantity(&m, "share", EW_Q_NUMBER, 1, 0, (ew_range){0, 1, 1, 0},
                                   &c->share, err)))
            return rc;
        yaml_node_t *rn = ew_ymap_get(&m, "region");
        snprintf(rp, sizeof rp, "%s.region", sub);
        if (!rn)
            return ew_yaml_fail(y, cn, rp, err, "missing (required: a region code)");
        if ((rc = region_of(s, y, rn, rp, &c->region, err)))
            return rc;
        c->access = (ew_access)access;
        sum += c->share;
    }
    if (fabs(sum - 1.0) > 1e-9)
        return ew_yaml_fail(y, node, path, err, "shares must sum to 1, they sum to %.10g", sum);
    return EW_OK;
}

static int load_period(ew_yaml *y, yaml_node_t *n, const char *path, ew_period_dist *d,
                       ew_error *err)
{
    ew_ymap m;
    int rc, kind;
    if (!n)
        return ew_yaml_fail(y, NULL, path, err, "missing (required: distribution and mean)");
    if ((rc = ew_ymap_open(&m, y, n, path, period_keys, err)) ||
        (rc = ew_ymap_choice(&m, "distribution", 1, 0, ew_period_kind_names, &kind, err)) ||
        (rc = ew_ymap_quantity(&m, "mean", EW_Q_DURATION, 1, 0, EW_POSITIVE, &d->mean_s, err)))
        return rc;
    d->kind = (ew_period_kind)kind;
    const char *param = d->kind == EW_PERIOD_WEIBULL ? "shape"
                        : d->kind == EW_PERIOD_LOGNORMAL || d->kind == EW_PERIOD_HYPEREXP ? "cv"
                                                                                          : NULL;
    const char *other = param && param[0] == 's' ? "cv" : "shape";
    if (ew_ymap_get(&m, other) || (!param && ew_ymap_get(&m, "cv"))) {
        char sub[160];
        const char *k = ew_ymap_get(&m, other) ? other : "cv";
        ew_ymap_subpath(&m, k, sub, sizeof sub);
        return ew_yaml_fail(y, ew_ymap_get(&m, k), sub, err, "does not apply to distribution %s",
                            ew_period_kind_names[kind]);
    }
    d->shape = 1.0;
    if (param && (rc = ew_ymap_quantity(&m, param, EW_Q_NUMBER, 1, 0, EW_POSITIVE, &d->shape, err)))
        return rc;
    const char *why = NULL;
    if (ew_period_init(d, &why))
        return ew_yaml_fail(y, n, path, err, "%s", why ? why : "invalid period distribution");
    return EW_OK;
}

/* availability: {profile: NAME} from data/availability.csv */
static int load_profile_periods(ew_scenario *s, ew_yaml *y, yaml_node_t *n, const char *path,
                                const char *name, ew_avail_spec *a, ew_error *err)
{
    char file[600];
    snprintf(file, sizeof file, "%s/availability.csv", s->data_dir);
    ew_csv_table *t;
    int rc = ew_csv_table_read(file, &t, err);
    if (rc)
        return rc;
    static const char *const cols[] = {"profile", "phase", "distribution", "mean_h", "shape"};
    int ix[5], found = 0;
    char known[512] = "";
    size_t len = 0;
    if ((rc = ew_csv_require(t, cols, 5, ix, err))) {
        ew_csv_table_free(t);
        return rc;
    }
    for (size_t r = 0; r < t->nrows && rc == EW_OK; r++) {
        const char *prof = t->cells[r][ix[0]];
        if (!strstr(known, prof) && len < sizeof known - 64)
            len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", len ? ", " : "", prof);
        if (strcmp(prof, name) != 0)
            continue;
        const char *phase = t->cells[r][ix[1]];
        ew_period_dist *d = !strcmp(phase, "on") ? &a->on : !strcmp(phase, "off") ? &a->off : NULL;
        if (!d)
            continue;
        int kind = 0;
        while (ew_period_kind_names[kind] && strcmp(ew_period_kind_names[kind], t->cells[r][ix[2]]))
            kind++;
        if (!ew_period_kind_names[kind]) {
            rc = ew_csv_cell_error(t, r, ix[2], "a period distribution", err);
            break;
        }
        d->kind = (ew_period_kind)kind;
        double mean_h;
        if ((rc = ew_csv_number(t, r, ix[3], 0, 0, 1e-9, "a mean > 0 [h]", &mean_h, err)) ||
            (rc = ew_csv_number(t, r, ix[4], 1, 1.0, 1e-9, "a shape or cv > 0", &d->shape, err)))
            break;
        d->mean_s = mean_h * 3600.0;
        const char *why = NULL;
        if (ew_period_init(d, &why)) {
            rc = ew_csv_cell_error(t, r, ix[2], why ? why : "valid parameters", err);
            break;
        }
        found |= d == &a->on ? 1 : 2;
    }
    ew_csv_table_free(t);
    if (rc)
        return rc;
    if (found != 3)
        return ew_yaml_fail(y, n, path, err, "unknown availability profile \"%s\" (known in %s: %s)",
                            name, file, known);
    return EW_OK;
}

static int load_availability(ew_scenario *s, ew_yaml *y, yaml_node_t *n, const char *path,
                             ew_avail_spec *a, ew_error *err)
{
    ew_ymap m;
    char sub[160], profile[64], trace[512];
    int rc;
    if ((rc = ew_ymap_open(&m, y, n, path, avail_keys, err)) ||
        (rc = ew_ymap_string(&m, "profile", 0, "", profile, sizeof profile, err)) ||
        (rc = ew_ymap_string(&m, "trace", 0, "", trace, sizeof trace, err)))
        return rc;
    int given = (profile[0] != 0) + (trace[0] != 0) + (ew_ymap_get(&m, "on") || ew_ymap_get(&m, "off"));
    if (given != 1)
        return ew_yaml_fail(y, n, path, err,
                            "give one of: profile (from availability.csv), on and off periods, "
                            "or a trace file");
    if (profile[0]) {
        a->mode = EW_AVAIL_PERIODS;
        return load_profile_periods(s, y, ew_ymap_get(&m, "profile"), path, profile, a, err);
    }
    if (trace[0]) {
        a->mode = EW_AVAIL_TRACE;
        char file[1100];
        if (trace[0] == '/')
            snprintf(file, sizeof file, "%s", trace);
        else   /* relative paths are relative to the data folder's parent, the project root */
            snprintf(file, sizeof file, "%s/../%s", s->data_dir, trace);
        if (ew_trace_load(file, &a->trace, err) == EW_OK)
            return EW_OK;
        ew_error inner = *err;
        ew_ymap_subpath(&m, "trace", sub, sizeof sub);
        return ew_yaml_fail(y, ew_ymap_get(&m, "trace"), sub, err, "%s", inner.msg);
    }
    a->mode = EW_AVAIL_PERIODS;
    ew_ymap_subpath(&m, "on", sub, sizeof sub);
    if ((rc = load_period(y, ew_ymap_get(&m, "on"), sub, &a->on, err)))
        return rc;
    ew_ymap_subpath(&m, "off", sub, sizeof sub);
    return load_period(y, ew_ymap_get(&m, "off"), sub, &a->off, err);
}

static int load_verify(ew_yaml *y, yaml_node_t *n, const char *path, ew_verify_spec *v,
                       ew_error *err)
{
    ew_ymap m;
    int rc, mode;
    uint64_t k;
    if ((rc = ew_ymap_open(&m, y, n, path, verify_keys, err)) ||
        (rc = ew_ymap_choice(&m, "mode", 1, 0, verify_names, &mode, err)))
        return rc;
    v->mode = (ew_verify_mode)mode;
    char sub[160];
    if (mode != EW_VERIFY_REPLICATE && ew_ymap_get(&m, "k")) {
        ew_ymap_subpath(&m, "k", sub, sizeof sub);
        return ew_yaml_fail(y, ew_ymap_get(&m, "k"), sub, err, "only mode replicate takes k");
    }
    if (mode != EW_VERIFY_SPOT && ew_ymap_get(&m, "p")) {
        ew_ymap_subpath(&m, "p", sub, sizeof sub);
        return ew_yaml_fail(y, ew_ymap_get(&m, "p"), sub, err, "only mode spot takes p");
    }
    if ((rc = ew_ymap_count(&m, "k", mode == EW_VERIFY_REPLICATE, 1, 1, 16, &k, err)) ||
        (rc = ew_ymap_quantity(&m, "p", EW_Q_NUMBER, mode == EW_VERIFY_SPOT, 0,
                               (ew_range){0, 1, 0, 0}, &v->p, err)))
        return rc;
    v->k = (uint32_t)k;
    return EW_OK;
}

static int site_index(const ew_scenario *s, const char *name)
{
    for (uint32_t k = 0; k < s->n_sites; k++)
        if (!strcmp(s->sites[k].name, name))
            return (int)k;
    return -1;
}

static int load_outages(ew_scenario *s, ew_yaml *y, yaml_node_t *node, ew_error *err)
{
    if (node->type != YAML_SEQUENCE_NODE)
        return ew_yaml_fail(y, node, "outages", err, "expected a list, found %s", ew_yaml_kind(node));
    long n = node->data.sequence.items.top - node->data.sequence.items.start;
    s->outages = calloc(n ? (size_t)n : 1, sizeof *s->outages);
    if (!s->outages)
        return ew_error_set(err, EW_ENOMEM, "out of memory");
    s->n_outages = (uint32_t)n;
    for (uint32_t k = 0; k < s->n_outages; k++) {
        ew_outage_spec *o = &s->outages[k];
        char path[64], sub[128], name[EW_NAME_MAX];
        snprintf(path, sizeof path, "outages[%u]", k);
        yaml_node_t *on = ew_yaml_node(y, node->data.sequence.items.start[k]);
        ew_ymap m;
        int rc;
        if ((rc = ew_ymap_open(&m, y, on, path, outage_keys, err)) ||
            (rc = ew_ymap_string(&m, "site", 0, "", name, sizeof name, err)) ||
            (rc = ew_ymap_quantity(&m, "from", EW_Q_DURATION, 1, 0, EW_NONNEG, &o->from_s, err)) ||
            (rc = ew_ymap_quantity(&m, "to", EW_Q_DURATION, 1, 0, EW_POSITIVE, &o->to_s, err)))
            return rc;
        yaml_node_t *rn = ew_ymap_get(&m, "region");
        if (!!name[0] == !!rn)
            return ew_yaml_fail(y, on, path, err, "name a site or a region (one of them)");
        o->site = o->region = EW_NONE;
        if (name[0]) {
            int i = site_index(s, name);
            snprintf(sub, sizeof sub, "%s.site", path);
            if (i < 0)
                return ew_yaml_fail(y, ew_ymap_get(&m, "site"), sub, err, "no site is named \"%s\"",
                                    name);
            o->site = (uint32_t)i;
        } else {
            snprintf(sub, sizeof sub, "%s.region", path);
            if ((rc = region_of(s, y, rn, sub, &o->region, err)))
                return rc;
        }
        if (o->to_s <= o->from_s) {
            snprintf(sub, sizeof sub, "%s.to", path);
            return ew_yaml_fail(y, ew_ymap_get(&m, "to"), sub, err,
                                "must be later than from (%g s), got %g s", o->from_s, o->to_s);
        }
    }
    return EW_OK;
}

static int load_arms(ew_scenario *s, ew_yaml *y, yaml_node_t *node, ew_error *err)
{
    if (node->type != YAML_SEQUENCE_NODE)
        return ew_yaml_fail(y, node, "arms", err, "expected a list, found %s", ew_yaml_kind(node));
    long n = node->data.sequence.items.top - node->data.sequence.items.start;
    if (n < 1 || n > 16)
        return ew_yaml_fail(y, node, "arms", err, "expected 1 to 16 arms, got %ld", n);
    s->arms = calloc((size_t)n, sizeof *s->arms);
    if (!s->arms)
        return ew_error_set(err, EW_ENOMEM, "out of memory");
    s->n_arms = (uint32_t)n;
    for (uint32_t k = 0; k < s->n_arms; k++) {
        ew_arm_spec *a = &s->arms[k];
        char path[64], sub[128];
        snprintf(path, sizeof path, "arms[%u]", k);
        yaml_node_t *an = ew_yaml_node(y, node->data.sequence.items.start[k]);
        ew_ymap m;
        int rc;
        if ((rc = ew_ymap_open(&m, y, an, path, arm_keys, err)) ||
            (rc = ew_ymap_string(&m, "name", 1, NULL, a->name, sizeof a->name, err)) ||
            (rc = ew_ymap_string(&m, "routing", 0, s->routing, a->routing, sizeof a->routing, err)))
            return rc;
        snprintf(sub, sizeof sub, "%s.name", path);
        if ((rc = check_name(y, ew_ymap_get(&m, "name"), sub, a->name, err)))
            return rc;
        for (uint32_t j = 0; j < k; j++)
            if (!strcmp(s->arms[j].name, a->name))
                return ew_yaml_fail(y, ew_ymap_get(&m, "name"), sub, err,
                                    "\"%s\" is already the name of arms[%u]", a->name, j);
        if (!ew_routing_find(a->routing)) {
            snprintf(sub, sizeof sub, "%s.routing", path);
            return ew_yaml_fail(y, ew_ymap_get(&m, "routing"), sub, err, "unknown policy \"%s\"",
                                a->routing);
        }
        a->verify = s->verify;
        yaml_node_t *vn = ew_ymap_get(&m, "verification");
        snprintf(sub, sizeof sub, "%s.verification", path);
        if (vn && (rc = load_verify(y, vn, sub, &a->verify, err)))
            return rc;
        if (!(a->uses_site = malloc(s->n_sites)))
            return ew_error_set(err, EW_ENOMEM, "out of memory");
        yaml_node_t *sn = ew_ymap_get(&m, "sites");
        memset(a->uses_site, sn ? 0 : 1, s->n_sites);
        snprintf(sub, sizeof sub, "%s.sites", path);
        if (sn && sn->type != YAML_SEQUENCE_NODE)
            return ew_yaml_fail(y, sn, sub, err, "expected a list of site names, found %s",
                                ew_yaml_kind(sn));
        for (yaml_node_item_t *it = sn ? sn->data.sequence.items.start : NULL;
             sn && it < sn->data.sequence.items.top; it++) {
            yaml_node_t *nn = ew_yaml_node(y, *it);
            int i = nn->type == YAML_SCALAR_NODE
                        ? site_index(s, (const char *)nn->data.scalar.value) : -1;
            if (i < 0)
                return ew_yaml_fail(y, nn, sub, err, "no site is named \"%s\"",
                                    nn->type == YAML_SCALAR_NODE
                                        ? (const char *)nn->data.scalar.value : "");
            a->uses_site[i] = 1;
        }
    }
    return EW_OK;
}

void ew_scenario_apply_arm(ew_scenario *s, const ew_arm_spec *a)
{
    snprintf(s->routing, sizeof s->routing, "%s", a->routing);
    s->verify = a->verify;
    for (uint32_t k = 0; k < s->n_sites; k++)
        s->sites[k].disabled = a->uses_site && !a->uses_site[k];
}

static int load_routing(ew_scenario *s, ew_yaml *y, yaml_node_t *node, ew_error *err)
{
    ew_ymap m;
    int rc = ew_ymap_open(&m, y, node, "routing", routing_keys, err);
    if (rc || (rc = ew_ymap_string(&m, "policy", 0, "weighted", s->routing,
                                   sizeof s->routing, err)) ||
        (rc = ew_ymap_quantity(&m, "latency_objective", EW_Q_DURATION, 0, INFINITY, EW_POSITIVE,
                               &s->latency_objective_s, err)))
        return rc;
    if (!ew_routing_find(s->routing)) {
        char known[256] = "";
        size_t len = 0;
        for (int i = 0; ew_routing_at(i); i++)
            len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "",
                                    ew_routing_at(i)->name);
        return ew_yaml_fail(y, ew_ymap_get(&m, "policy"), "routing.policy", err,
                            "unknown \"%s\" (known: %s)", s->routing, known);
    }
    return EW_OK;
}

static int load_serving(ew_scenario *s, ew_yaml *y, yaml_node_t *node, const char *path,
                        ew_site_spec *site, ew_error *err)
{
    ew_serving_spec *sv = &site->serve;
    ew_ymap m;
    uint64_t gpus, tp, max_batch, max_context, chunk;
    char precision[16], sub[160];
    int rc;
    if ((rc = ew_ymap_open(&m, y, node, path, serving_keys, err)) ||
        (rc = ew_ymap_string(&m, "device", 1, NULL, sv->device, sizeof sv->device, err)) ||
        (rc = ew_ymap_string(&m, "model", 1, NULL, sv->model, sizeof sv->model, err)) ||
        (rc = ew_ymap_count(&m, "gpus_per_server", 0, 1, 1, 64, &gpus, err)) ||
        (rc = ew_ymap_count(&m, "tp", 0, 0, 0, 64, &tp, err)) ||
        (rc = ew_ymap_string(&m, "precision", 0, "", precision, sizeof precision, err)) ||
        (rc = ew_ymap_count(&m, "max_batch", 0, 256, 1, 4096, &max_batch, err)) ||
        (rc = ew_ymap_count(&m, "prefill_chunk", 0, 0, 0, 1u << 20, &chunk, err)) ||
        (rc = load_catalogs(s, err)))
        return rc;
    const ew_device *d = ew_device_find(s->devices, sv->device);
    const ew_ai_model *ai = ew_model_find(s->models, sv->model);
    if (!d) {
        ew_ymap_subpath(&m, "device", sub, sizeof sub);
        return unknown_name(y, ew_ymap_get(&m, "device"), sub, sv->device, "device",
                            ew_device_catalog_count(s->devices), device_name_at, s->devices, err);
    }
    if (!ai) {
        ew_ymap_subpath(&m, "model", sub, sizeof sub);
        return unknown_name(y, ew_ymap_get(&m, "model"), sub, sv->model, "model",
                            ew_model_catalog_count(s->models), model_name_at, s->models, err);
    }
    if ((rc = ew_ymap_count(&m, "max_context", 0, ai->max_context < 8192 ? ai->max_context : 8192,
                            1, ai->max_context ? ai->max_context : 1u << 20, &max_context, err)))
        return rc;
    ew_precision prec = ai->precision;
    if (precision[0] && ew_precision_parse(precision, &prec)) {
        ew_ymap_subpath(&m, "precision", sub, sizeof sub);
        return ew_yaml_fail(y, ew_ymap_get(&m, "precision"), sub, err,
                            "unknown \"%s\" (known: fp32, bf16, fp16, fp8, int8, int4)", precision);
    }
    sv->gpus_per_server = (uint32_t)gpus;
    sv->tp = (uint32_t)tp;
    sv->max_batch = (uint32_t)max_batch;
    sv->max_context = (uint32_t)max_context;
    sv->prefill_chunk = (uint32_t)chunk;
    ew_device_laws laws;
    if ((rc = ew_device_laws_get(d, s->data_dir, &laws, err)))
        return rc;
    /* The replica must hold the weights and one request of max_context; the
     * KV cache then takes what is left, and admission and preemption keep
     * the batch within it (as vLLM does), so max_batch is not reserved. */
    ew_error derr = {0};
    if (ew_deploy(ai, d, &laws, prec, sv->tp, 1, sv->max_context, &sv->deployment, &derr))
        return ew_yaml_fail(y, node, path, err, "%s", derr.msg);
    if (sv->deployment.tp > sv->gpus_per_server)
        return ew_yaml_fail(y, node, path, err,
                            "%s needs %u %s per replica but a server holds %u (gpus_per_server)",
                            sv->model, sv->deployment.tp, sv->device, sv->gpus_per_server);
    sv->replicas_per_server = sv->gpus_per_server / sv->deployment.tp;
    return EW_OK;
}

/* "0.31 USD/kWh" (or a plain number of USD/kWh). */
static int parse_tariff(ew_yaml *y, yaml_node_t *n, const char *path, double *out, ew_error *err)
{
    if (n->type != YAML_SCALAR_NODE)
        return ew_yaml_fail(y, n, path, err, "expected a price such as 0.31 USD/kWh");
    const char *text = (const char *)n->data.scalar.value;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", text);
    char *u = strstr(buf, "USD/kWh");
    if (u)
        *u = '\0';
    double v;
    if (ew_units_parse(buf, EW_Q_NUMBER, &v) || v < 0 || v > 100)
        return ew_yaml_fail(y, n, path, err, "expected a price from 0 to 100 USD/kWh, got \"%s\"",
                            text);
    *out = v;
    return EW_OK;
}

static const char *host_name_at(const void *c, size_t i)
{
    return ew_host_catalog_at(c, i)->name;
}

/* kind, region, access, host and tariff of a site. */
static int load_site_place(ew_scenario *s, ew_yaml *y, ew_ymap *m, const char *path,
                           ew_site_spec *site, ew_error *err)
{
    char sub[160], host[32];
    int rc, kind, access;
    if ((rc = ew_ymap_choice(m, "kind", 0, 0, site_kind_names, &kind, err)))
        return rc;
    site->edge = kind == 1;
    if ((rc = ew_ymap_choice(m, "access", 0, site->edge ? EW_ACCESS_FIBRE : EW_ACCESS_DATACENTRE,
                             ew_access_names, &access, err)))
        return rc;
    site->access = (ew_access)access;
    site->region = EW_NONE;
    yaml_node_t *rn = ew_ymap_get(m, "region");
    ew_ymap_subpath(m, "region", sub, sizeof sub);
    if (rn && (rc = region_of(s, y, rn, sub, &site->region, err)))
        return rc;
    site->zone = NULL;
    site->tariff_usd_per_kwh = 0.0;
    if (site->region != EW_NONE) {
        const ew_region *g = ew_region_catalog_at(s->regions, site->region);
        int z = ew_grid_find(s->grid, g->grid_zone);
        if (z < 0)
            return ew_yaml_fail(y, rn, sub, err, "region %s names grid zone %s, which %s/grid "
                                "does not hold", g->code, g->grid_zone, s->data_dir);
        site->zone = ew_grid_at(s->grid, (size_t)z);
        /* homes pay the residential price, data centres the industrial one */
        double p = site->edge ? site->zone->price_residential_usd_per_kwh
                              : site->zone->price_industrial_usd_per_kwh;
        site->tariff_usd_per_kwh = isnan(p) ? 0.0 : p;
    }
    yaml_node_t *tn = ew_ymap_get(m, "tariff");
    ew_ymap_subpath(m, "tariff", sub, sizeof sub);
    if (tn && (rc = parse_tariff(y, tn, sub, &site->tariff_usd_per_kwh, err)))
        return rc;
    /* a serving data centre's GPUs sit in servers: their share of one by default */
    int dc_serving = !site->edge && ew_ymap_get(m, "serving");
    if ((rc = ew_ymap_string(m, "host", 0, dc_serving ? "dc-server-share" : "", host,
                             sizeof host, err)) || !host[0])
        return rc;
    if (!s->hosts) {
        char file[600];
        snprintf(file, sizeof file, "%s/hosts.csv", s->data_dir);
        if ((rc = ew_host_catalog_load(file, &s->hosts, err)))
            return rc;
    }
    site->host = ew_host_find(s->hosts, host);
    ew_ymap_subpath(m, "host", sub, sizeof sub);
    if (!site->host)
        return unknown_name(y, ew_ymap_get(m, "host"), sub, host, "host",
                            ew_host_catalog_count(s->hosts), host_name_at, s->hosts, err);
    (void)path;
    return EW_OK;
}

static const char *facility_name_at(const void *c, size_t i)
{
    return ew_facility_catalog_at(c, i)->name;
}

/* PUE, WUE, on_anyway, hardware, contract and economics of a site. */
static int load_site_accounting(ew_scenario *s, ew_yaml *y, ew_ymap *m, const char *path,
                                ew_site_spec *site, ew_error *err)
{
    char sub[160], fac[32];
    int rc, hw;
    /* facility: serving data centres default to the hyperscale fleet; homes
     * and plain sites have none unless they name one */
    int serving = ew_ymap_get(m, "serving") != NULL;
    snprintf(site->facility, sizeof site->facility, "none");
    site->pue = 1.0;
    site->wue_l_per_kwh = 0.0;
    if (ew_ymap_get(m, "facility") || (!site->edge && serving)) {
        if ((rc = ew_ymap_string(m, "facility", 0, "hyperscale", fac, sizeof fac, err)))
            return rc;
        if (!s->facilities) {
            char file[600];
            snprintf(file, sizeof file, "%s/facilities.csv", s->data_dir);
            if ((rc = ew_facility_catalog_load(file, &s->facilities, err)))
                return rc;
        }
        const ew_facility *f = ew_facility_find(s->facilities, fac);
        ew_ymap_subpath(m, "facility", sub, sizeof sub);
        if (!f)
            return unknown_name(y, ew_ymap_get(m, "facility"), sub, fac, "facility",
                                ew_facility_catalog_count(s->facilities), facility_name_at,
                                s->facilities, err);
        snprintf(site->facility, sizeof site->facility, "%s", fac);
        site->pue = f->pue;
        site->wue_l_per_kwh = f->wue_l_per_kwh;
    }
    if ((rc = ew_ymap_quantity(m, "pue", EW_Q_NUMBER, 0, site->pue, (ew_range){1, 10, 0, 0},
                               &site->pue, err)) ||
        (rc = ew_ymap_quantity(m, "wue", EW_Q_NUMBER, 0, site->wue_l_per_kwh,
                               (ew_range){0, 100, 0, 0}, &site->wue_l_per_kwh, err)) ||
        (rc = ew_ymap_quantity(m, "on_anyway", EW_Q_NUMBER, 0, 0.0, (ew_range){0, 1, 0, 0},
                               &site->on_anyway, err)) ||
        (rc = ew_ymap_choice(m, "hardware", 0, site->edge ? 0 : 1, hardware_names, &hw, err)))
        return rc;
    site->hardware_new = hw;
    site->contract = (ew_contract){EW_CONTRACT_NONE, 0.0, 0.0};
    yaml_node_t *cn = ew_ymap_get(m, "contract");
    if (cn) {
        ew_ymap c;
        ew_ymap_subpath(m, "contract", sub, sizeof sub);
        if ((rc = ew_ymap_open(&c, y, cn, sub, contract_keys, err)) ||
            (rc = ew_ymap_quantity(&c, "renewable_share", EW_Q_NUMBER, 0, NAN,
                                   (ew_range){0, 1, 0, 0}, &site->contract.renewable_share, err)) ||
            (rc = ew_ymap_quantity(&c, "carbon", EW_Q_NUMBER, 0, NAN, EW_NONNEG,
                                   &site->contract.carbon_g_per_kwh, err)))
            return rc;
        int has_share = !isnan(site->contract.renewable_share),
            has_carbon = !isnan(site->contract.carbon_g_per_kwh);
        if (has_share == has_carbon)
            return ew_yaml_fail(y, cn, sub, err, "give one of renewable_share (e.g. 0.8) or "
                                "carbon (gCO2e/kWh, e.g. 25)");
        site->contract.kind = has_share ? EW_CONTRACT_SHARE : EW_CONTRACT_INTENSITY;
    }
    ew_site_economics *e = &site->econ;
    *e = (ew_site_economics){NAN, NAN, NAN, 0.0, 0.0, 0.0};
    yaml_node_t *en = ew_ymap_get(m, "economics");
    if (en) {
        ew_ymap c;
        ew_ymap_subpath(m, "economics", sub, sizeof sub);
        if ((rc = ew_ymap_open(&c, y, en, sub, economics_keys, err)) ||
            (rc = ew_ymap_quantity(&c, "gpu_hour_usd", EW_Q_NUMBER, 0, NAN, EW_NONNEG,
                                   &e->gpu_hour_usd, err)) ||
            (rc = ew_ymap_quantity(&c, "capex_usd_per_gpu", EW_Q_NUMBER, 0, NAN, EW_NONNEG,
                                   &e->capex_usd_per_gpu, err)) ||
            (rc = ew_ymap_quantity(&c, "capex_life_y", EW_Q_NUMBER, 0, NAN, EW_POSITIVE,
                                   &e->capex_life_y, err)) ||
            (rc = ew_ymap_quantity(&c, "reward_usd_per_1k_tokens", EW_Q_NUMBER, 0, 0.0,
                                   EW_NONNEG, &e->reward_usd_per_1k_tokens, err)) ||
            (rc = ew_ymap_quantity(&c, "reward_usd_per_query", EW_Q_NUMBER, 0, 0.0, EW_NONNEG,
                                   &e->reward_usd_per_query, err)) ||
            (rc = ew_ymap_quantity(&c, "reward_usd_per_gpu_hour", EW_Q_NUMBER, 0, 0.0,
                                   EW_NONNEG, &e->reward_usd_per_gpu_hour, err)))
            return rc;
        if (!isnan(e->gpu_hour_usd) && !isnan(e->capex_usd_per_gpu))
            return ew_yaml_fail(y, en, sub, err, "give gpu_hour_usd (renting) or "
                                "capex_usd_per_gpu (owning), not both");
        if (!isnan(e->capex_usd_per_gpu) && isnan(e->capex_life_y))
            return ew_yaml_fail(y, en, sub, err, "capex_usd_per_gpu needs capex_life_y "
                                "(years over which it is amortised)");
    }
    (void)path;
    return EW_OK;
}

/* A data centre that says nothing of its costs rents its GPUs at the
 * default on-demand price of data/economics.csv, where the table has one. */
static int default_economics(ew_scenario *s, ew_site_spec *site, ew_error *err)
{
    ew_site_economics *e = &site->econ;
    if (site->edge || !isnan(e->gpu_hour_usd) || !isnan(e->capex_usd_per_gpu))
        return EW_OK;
    if (!s->econ) {
        char file[600];
        snprintf(file, sizeof file, "%s/economics.csv", s->data_dir);
        int rc = ew_econ_table_load(file, &s->econ, err);
        if (rc)
            return rc;
    }
    ew_error ignored;
    double v;
    if (ew_econ_lookup(s->econ, "gpu_hour_usd", site->serve.device, &v, &ignored) == EW_OK)
        e->gpu_hour_usd = v;
    return EW_OK;
}

static int load_site(ew_scenario *s, ew_yaml *y, yaml_node_t *node, uint32_t k, ew_error *err)
{
    ew_site_spec *site = &s->sites[k];
    char path[64], sub[96];
    snprintf(path, sizeof path, "sites[%u]", k);
    ew_ymap m, p, sl;
    uint64_t servers, slots;
    int rc;
    if ((rc = ew_ymap_open(&m, y, node, path, site_keys, err)) ||
        (rc = ew_ymap_string(&m, "name", 1, NULL, site->name, sizeof site->name, err)))
        return rc;
    snprintf(sub, sizeof sub, "%s.name", path);
    if ((rc = check_name(y, ew_ymap_get(&m, "name"), sub, site->name, err)))
        return rc;
    for (uint32_t j = 0; j < k; j++)
        if (strcmp(s->sites[j].name, site->name) == 0)
            return ew_yaml_fail(y, ew_ymap_get(&m, "name"), sub, err,
                                "\"%s\" is already the name of sites[%u]", site->name, j);
    if ((rc = load_site_place(s, y, &m, path, site, err)) ||
        (rc = load_site_accounting(s, y, &m, path, site, err)))
        return rc;
    if ((rc = ew_ymap_count(&m, "servers", 1, 0, 1, MAX_SERVERS, &servers, err)) ||
        (rc = ew_ymap_count(&m, "slots", 0, 1, 1, 1000000, &slots, err)) ||
        (rc = ew_ymap_quantity(&m, "speed", EW_Q_NUMBER, 0, 1.0, (ew_range){0, 1e6, 1, 0},
                               &site->speed, err)))
        return rc;
    site->servers = (uint32_t)servers;
    site->slots = (uint32_t)slots;
    if ((rc = ew_ymap_quantity(&m, "weight", EW_Q_NUMBER, 0, site->speed * (double)site->slots,
                               (ew_range){0, 1e12, 1, 0}, &site->weight, err)))
        return rc;
    site->sleep_after_s = INFINITY;
    site->wake_s = 0.0;

    yaml_node_t *svn = ew_ymap_get(&m, "serving");
    if (svn) {
        static const char *const plain_only[] = {"slots", "speed", "power", "sleep", NULL};
        for (int i = 0; plain_only[i]; i++)
            if (ew_ymap_get(&m, plain_only[i])) {
                snprintf(sub, sizeof sub, "%s.%s", path, plain_only[i]);
                return ew_yaml_fail(y, ew_ymap_get(&m, plain_only[i]), sub, err,
                                    "does not apply to a serving site (its GPUs' speed and power "
                                    "come from the device catalogue)");
            }
        site->serving = 1;
        snprintf(sub, sizeof sub, "%s.serving", path);
        if ((rc = load_serving(s, y, svn, sub, site, err)))
            return rc;
        yaml_node_t *an = ew_ymap_get(&m, "availability");
        snprintf(sub, sizeof sub, "%s.availability", path);
        if (an && (rc = load_availability(s, y, an, sub, &site->avail, err)))
            return rc;
        if (site->avail.mode == EW_AVAIL_TRACE && site->avail.trace->end_s <= 0.0)
            return ew_yaml_fail(y, an, sub, err, "the trace holds no interval");
        return default_economics(s, site, err);
    }
    if (ew_ymap_get(&m, "availability")) {
        snprintf(sub, sizeof sub, "%s.availability", path);
        return ew_yaml_fail(y, ew_ymap_get(&m, "availability"), sub, err,
                            "only serving sites (GPU nodes) come and go");
    }

    yaml_node_t *pn = ew_ymap_get(&m, "power");
    snprintf(sub, sizeof sub, "%s.power", path);
    if (!pn)
        return ew_yaml_fail(y, node, sub, err, "missing (required: idle and busy, e.g. {idle: 80W, busy: 300W})");
    if ((rc = ew_ymap_open(&p, y, pn, sub, power_keys, err)) ||
        (rc = ew_ymap_quantity(&p, "off", EW_Q_POWER, 0, 0.0, EW_NONNEG, &site->off_w, err)) ||
        (rc = ew_ymap_quantity(&p, "idle", EW_Q_POWER, 1, 0, EW_NONNEG, &site->idle_w, err)) ||
        (rc = ew_ymap_quantity(&p, "busy", EW_Q_POWER, 1, 0, EW_NONNEG, &site->busy_w, err)))
        return rc;
    if (site->idle_w > site->busy_w) {
        snprintf(sub, sizeof sub, "%s.power.idle", path);
        return ew_yaml_fail(y, ew_ymap_get(&p, "idle"), sub, err,
                            "idle power (%g W) must not exceed busy power (%g W)",
                            site->idle_w, site->busy_w);
    }
    if (site->off_w > site->idle_w) {
        snprintf(sub, sizeof sub, "%s.power.off", path);
        return ew_yaml_fail(y, ew_ymap_get(&p, "off"), sub, err,
                            "off power (%g W) must not exceed idle power (%g W)",
                            site->off_w, site->idle_w);
    }

    yaml_node_t *sn = ew_ymap_get(&m, "sleep");
    snprintf(sub, sizeof sub, "%s.sleep", path);
    if (sn && ((rc = ew_ymap_open(&sl, y, sn, sub, sleep_keys, err)) ||
               (rc = ew_ymap_quantity(&sl, "after", EW_Q_DURATION, 1, 0, EW_POSITIVE,
                                      &site->sleep_after_s, err)) ||
               (rc = ew_ymap_quantity(&sl, "wake", EW_Q_DURATION, 0, 0.0, EW_NONNEG,
                                      &site->wake_s, err))))
        return rc;
    return EW_OK;
}

static int load_sites(ew_scenario *s, ew_yaml *y, yaml_node_t *node, ew_error *err)
{
    if (!node)
        return ew_yaml_fail(y, ew_yaml_root(y), "sites", err,
                            "missing (required: a list of at least one site)");
    if (node->type != YAML_SEQUENCE_NODE)
        return ew_yaml_fail(y, node, "sites", err, "expected a list of sites, found %s",
                            ew_yaml_kind(node));
    long n = node->data.sequence.items.top - node->data.sequence.items.start;
    if (n < 1)
        return ew_yaml_fail(y, node, "sites", err, "expected at least one site, got none");
    if (n > 100000)
        return ew_yaml_fail(y, node, "sites", err, "at most 100000 sites, got %ld", n);
    s->sites = calloc((size_t)n, sizeof *s->sites);
    if (!s->sites)
        return ew_error_set(err, EW_ENOMEM, "out of memory");
    s->n_sites = (uint32_t)n;
    uint64_t total = 0;
    for (uint32_t k = 0; k < s->n_sites; k++) {
        int rc = load_site(s, y, ew_yaml_node(y, node->data.sequence.items.start[k]), k, err);
        if (rc)
            return rc;
        total += s->sites[k].servers;
    }
    if (total > MAX_SERVERS)
        return ew_yaml_fail(y, node, "sites", err, "%llu servers in all; at most %u",
                            (unsigned long long)total, MAX_SERVERS);
    return EW_OK;
}

/* Every class must have somewhere to go, and every request of it must fit
 * the context of every site that serves its model. */
/* ---- sweep: parameters and their values ---- */

void ew_sweep_spec_clear(ew_sweep_spec *sw)
{
    for (uint32_t p = 0; p < sw->n_params; p++) {
        for (uint32_t i = 0; sw->params[p].values && i < sw->params[p].n_values; i++)
            free(sw->params[p].values[i]);
        free(sw->params[p].values);
    }
    memset(sw, 0, sizeof *sw);
}

size_t ew_sweep_points(const ew_sweep_spec *sw)
{
    if (!sw->n_params)
        return 0;
    size_t n = sw->zip ? sw->params[0].n_values : 1;
    for (uint32_t p = 0; p < sw->n_params; p++) {
        if (sw->zip && sw->params[p].n_values != n)
            return 0;
        if (!sw->zip)
            n *= sw->params[p].n_values;
    }
    return n;
}

uint32_t ew_sweep_value_index(const ew_sweep_spec *sw, size_t i, uint32_t p)
{
    if (sw->zip)
        return (uint32_t)i;
    for (uint32_t q = sw->n_params - 1; q > p; q--)
        i /= sw->params[q].n_values;
    return (uint32_t)(i % sw->params[p].n_values);
}

static int add_value(ew_sweep_param *pr, const char *text)
{
    char **v = realloc(pr->values, (pr->n_values + 1) * sizeof *v);
    if (!v)
        return EW_ENOMEM;
    pr->values = v;
    if (!(v[pr->n_values] = strdup(text)))
        return EW_ENOMEM;
    pr->n_values++;
    return EW_OK;
}

/* {from, to, steps, scale}: steps values from `from` to `to` inclusive,
 * evenly spaced, or evenly spaced in the logarithm. */
static int load_range(ew_yaml *y, yaml_node_t *node, const char *path, ew_sweep_param *pr,
                      ew_error *err)
{
    ew_ymap m;
    double from, to;
    uint64_t steps;
    int scale, rc;
    if ((rc = ew_ymap_open(&m, y, node, path, range_keys, err)) ||
        (rc = ew_ymap_quantity(&m, "from", EW_Q_NUMBER, 1, 0, EW_ANY, &from, err)) ||
        (rc = ew_ymap_quantity(&m, "to", EW_Q_NUMBER, 1, 0, EW_ANY, &to, err)) ||
        (rc = ew_ymap_count(&m, "steps", 1, 0, 2, EW_SWEEP_MAX_VALUES, &steps, err)) ||
        (rc = ew_ymap_choice(&m, "scale", 0, 0, range_scales, &scale, err)))
        return rc;
    if (scale == 1 && !(from > 0 && to > 0))
        return ew_yaml_fail(y, node, path, err, "a log scale needs from and to > 0, got %g and %g",
                            from, to);
    for (uint64_t i = 0; i < steps; i++) {
        double u = (double)i / (double)(steps - 1);
        double v = scale ? exp(log(from) + u * (log(to) - log(from))) : from + u * (to - from);
        char text[40];
        snprintf(text, sizeof text, "%.10g", v);
        if (add_value(pr, text))
            return ew_error_set(err, EW_ENOMEM, "out of memory");
    }
    return EW_OK;
}

static int load_sweep_param(ew_yaml *y, const char *key, yaml_node_t *vn, ew_sweep_param *pr,
                            ew_error *err)
{
    char path[256];
    snprintf(path, sizeof path, "sweep.parameters.%s", key);
    if (strlen(key) >= sizeof pr->path || !*key)
        return ew_yaml_fail(y, vn, path, err, "a parameter path of 1 to %zu characters",
                            sizeof pr->path - 1);
    snprintf(pr->path, sizeof pr->path, "%s", key);
    if (vn->type == YAML_MAPPING_NODE)
        return load_range(y, vn, path, pr, err);
    if (vn->type != YAML_SEQUENCE_NODE)
        return ew_yaml_fail(y, vn, path, err,
                            "expected a list of values or {from, to, steps}, found %s",
                            ew_yaml_kind(vn));
    long n = vn->data.sequence.items.top - vn->data.sequence.items.start;
    if (n < 1 || n > EW_SWEEP_MAX_VALUES)
        return ew_yaml_fail(y, vn, path, err, "expected 1 to %d values, got %ld",
                            EW_SWEEP_MAX_VALUES, n);
    for (long i = 0; i < n; i++) {
        yaml_node_t *e = ew_yaml_node(y, vn->data.sequence.items.start[i]);
        if (e->type != YAML_SCALAR_NODE)
            return ew_yaml_fail(y, e, path, err, "expected a value, found %s", ew_yaml_kind(e));
        if (add_value(pr, (const char *)e->data.scalar.value))
            return ew_error_set(err, EW_ENOMEM, "out of memory");
    }
    return EW_OK;
}

static int load_sweep(ew_scenario *s, ew_yaml *y, yaml_node_t *node, ew_error *err)
{
    ew_ymap m;
    int mode, rc;
    if ((rc = ew_ymap_open(&m, y, node, "sweep", sweep_keys, err)) ||
        (rc = ew_ymap_choice(&m, "mode", 0, 0, sweep_modes, &mode, err)))
        return rc;
    s->sweep.zip = mode == 1;
    yaml_node_t *pn = ew_ymap_get(&m, "parameters");
    if (!pn || pn->type != YAML_MAPPING_NODE ||
        pn->data.mapping.pairs.top == pn->data.mapping.pairs.start)
        return ew_yaml_fail(y, pn ? pn : node, "sweep.parameters", err,
                            "expected a mapping of parameter paths to lists of values");
    long n = pn->data.mapping.pairs.top - pn->data.mapping.pairs.start;
    if (n > EW_SWEEP_MAX_PARAMS)
        return ew_yaml_fail(y, pn, "sweep.parameters", err, "at most %d parameters, got %ld",
                            EW_SWEEP_MAX_PARAMS, n);
    for (long i = 0; i < n; i++) {
        yaml_node_pair_t *pair = &pn->data.mapping.pairs.start[i];
        yaml_node_t *kn = ew_yaml_node(y, pair->key), *vn = ew_yaml_node(y, pair->value);
        if (kn->type != YAML_SCALAR_NODE)
            return ew_yaml_fail(y, kn, "sweep.parameters", err, "expected a parameter path");
        s->sweep.n_params++;
        if ((rc = load_sweep_param(y, (const char *)kn->data.scalar.value, vn,
                                   &s->sweep.params[i], err)))
            return rc;
    }
    if (!ew_sweep_points(&s->sweep))
        return ew_yaml_fail(y, pn, "sweep.parameters", err,
                            "mode zip needs lists of equal length");
    return EW_OK;
}

/* The node of workload.classes[c] (for messages), or the root. */
static yaml_node_t *class_node(ew_yaml *y, uint32_t c)
{
    ew_ymap top, w;
    yaml_node_t *root = ew_yaml_root(y);
    if (ew_ymap_open(&top, y, root, "", top_keys, NULL) ||
        ew_ymap_open(&w, y, ew_ymap_get(&top, "workload"), "workload", workload_keys, NULL))
        return root;
    yaml_node_t *list = ew_ymap_get(&w, "classes");
    if (!list || list->type != YAML_SEQUENCE_NODE ||
        (long)c >= list->data.sequence.items.top - list->data.sequence.items.start)
        return root;
    return ew_yaml_node(y, list->data.sequence.items.start[c]);
}

static int check_classes_served(ew_scenario *s, ew_yaml *y, ew_error *err)
{
    for (uint32_t c = 0; c < s->n_classes; c++) {
        yaml_node_t *root = class_node(y, c);
        const ew_class_spec *cl = &s->classes[c];
        char path[64];
        snprintf(path, sizeof path, "workload.classes[%u]", c);
        int served = 0;
        for (uint32_t k = 0; k < s->n_sites; k++) {
            const ew_site_spec *site = &s->sites[k];
            if (cl->kind == EW_CLASS_GENERIC ? site->serving
                                             : !site->serving || strcmp(site->serve.model, cl->model))
                continue;
            served = 1;
            if (cl->kind == EW_CLASS_LLM &&
                (uint64_t)cl->prompt.max + cl->output.max > site->serve.max_context)
                return ew_yaml_fail(y, root, path, err,
                                    "requests of up to %u prompt + %u output tokens do not fit the "
                                    "max_context of %u tokens of sites[%u] (%s)",
                                    cl->prompt.max, cl->output.max, site->serve.max_context, k,
                                    site->name);
        }
        if (!served)
            return ew_yaml_fail(y, class_node(y, c), path, err, "no site serves %s",
                                cl->kind == EW_CLASS_GENERIC ? "generic queries (a site without serving:)"
                                                              : cl->model);
    }
    return EW_OK;
}

static int decode(ew_scenario *s, ew_yaml *y, ew_error *err)
{
    yaml_node_t *root = ew_yaml_root(y);
    if (!root)
        return ew_error_set(err, EW_EINVAL,
                            "%s:1:1: (top level): the scenario is empty; expected a mapping "
                            "with name, run, workload and sites", s->file);
    ew_ymap top;
    uint64_t seed;
    int rc;
    if ((rc = ew_ymap_open(&top, y, root, "", top_keys, err)) ||
        (rc = ew_ymap_string(&top, "name", 1, NULL, s->name, sizeof s->name, err)) ||
        (rc = check_name(y, ew_ymap_get(&top, "name"), "name", s->name, err)) ||
        (rc = ew_ymap_string(&top, "title", 0, "", s->title, sizeof s->title, err)) ||
        (rc = ew_ymap_count(&top, "seed", 0, 1, 0, UINT64_MAX >> 11, &seed, err)))
        return rc;
    s->seed = seed;
    uint64_t reps;
    if ((rc = ew_ymap_count(&top, "replications", 0, 1, 1, 100000, &reps, err)))
        return rc;
    s->replications = (uint32_t)reps;
    yaml_node_t *sw = ew_ymap_get(&top, "sweep");
    if (sw && (rc = load_sweep(s, y, sw, err)))
        return rc;
    s->latency_objective_s = INFINITY;
    if ((rc = ew_ymap_string(&top, "data_dir", 0, ew_default_data_dir(), s->data_dir,
                             sizeof s->data_dir, err)))
        return rc;
    if ((rc = load_run(s, y, ew_ymap_get(&top, "run"), err)) ||
        (rc = load_workload(s, y, ew_ymap_get(&top, "workload"), err)) ||
        (rc = load_routing(s, y, ew_ymap_get(&top, "routing"), err)) ||
        (rc = load_sites(s, y, ew_ymap_get(&top, "sites"), err)))
        return rc;
    yaml_node_t *vn = ew_ymap_get(&top, "verification"), *on = ew_ymap_get(&top, "outages"),
                *an = ew_ymap_get(&top, "arms");
    if ((vn && (rc = load_verify(y, vn, "verification", &s->verify, err))) ||
        (on && (rc = load_outages(s, y, on, err))) || (an && (rc = load_arms(s, y, an, err))))
        return rc;
    return check_classes_served(s, y, err);
}

static int finish(ew_scenario *s, ew_yaml *y, const char *const *sets, int n_sets,
                  ew_scenario **out, ew_error *err)
{
    int rc = EW_OK;
    for (int i = 0; i < n_sets && rc == EW_OK; i++)
        rc = ew_yaml_set(y, sets[i], err);
    if (rc == EW_OK)
        rc = decode(s, y, err);
    if (rc == EW_OK) {
        size_t n = strlen(ew_yaml_source(y)) + 1;
        s->source_text = malloc(n);
        s->effective_text = ew_yaml_emit(y, err);
        if (!s->source_text || !s->effective_text)
            rc = s->effective_text ? ew_error_set(err, EW_ENOMEM, "out of memory") : EW_ELIB;
        else
            memcpy(s->source_text, ew_yaml_source(y), n);
    }
    ew_yaml_free(y);
    if (rc) {
        ew_scenario_free(s);
        return rc;
    }
    *out = s;
    return EW_OK;
}

int ew_scenario_load(const char *path, const char *const *sets, int n_sets,
                     ew_scenario **out, ew_error *err)
{
    *out = NULL;
    ew_scenario *s = calloc(1, sizeof *s);
    if (!s)
        return ew_error_set(err, EW_ENOMEM, "out of memory");
    snprintf(s->file, sizeof s->file, "%s", path);
    ew_yaml *y;
    int rc = ew_yaml_load_file(path, &y, err);
    if (rc) {
        free(s);
        return rc;
    }
    return finish(s, y, sets, n_sets, out, err);
}

int ew_scenario_load_string(const char *name, const char *text, const char *const *sets,
                            int n_sets, ew_scenario **out, ew_error *err)
{
    *out = NULL;
    ew_scenario *s = calloc(1, sizeof *s);
    if (!s)
        return ew_error_set(err, EW_ENOMEM, "out of memory");
    snprintf(s->file, sizeof s->file, "%s", name);
    ew_yaml *y;
    int rc = ew_yaml_load_string(name, text, &y, err);
    if (rc) {
        free(s);
        return rc;
    }
    return finish(s, y, sets, n_sets, out, err);
}

const char *ew_default_data_dir(void)
{
    const char *env = getenv("EDGEWATT_DATA");
#ifndef EW_DATA_DIR
#define EW_DATA_DIR "data"
#endif
    return env && *env ? env : EW_DATA_DIR;
}

int ew_scenario_load_arms(const char *path, const char *const *sets, int n_sets,
                          ew_scenario **arm, size_t *n, ew_error *err)
{
    int rc = ew_scenario_load(path, sets, n_sets, &arm[0], err);
    if (rc)
        return rc;
    *n = arm[0]->n_arms ? arm[0]->n_arms : 1;
    for (size_t a = 1; a < *n && rc == EW_OK; a++)
        rc = ew_scenario_load(path, sets, n_sets, &arm[a], err);
    for (size_t a = 0; a < *n && rc == EW_OK && arm[0]->n_arms; a++)
        ew_scenario_apply_arm(arm[a], &arm[a]->arms[a]);
    return rc;
}

void ew_scenario_free(ew_scenario *s)
{
    if (!s)
        return;
    ew_device_catalog_free(s->devices);
    ew_model_catalog_free(s->models);
    ew_region_catalog_free(s->regions);
    ew_rtt_table_free(s->rtt_table);
    ew_host_catalog_free(s->hosts);
    ew_grid_free(s->grid);
    ew_facility_catalog_free(s->facilities);
    ew_econ_table_free(s->econ);
    for (uint32_t k = 0; s->sites && k < s->n_sites; k++)
        ew_trace_free(s->sites[k].avail.trace);
    free(s->classes);
    free(s->clients);
    free(s->outages);
    for (uint32_t a = 0; s->arms && a < s->n_arms; a++)
        free(s->arms[a].uses_site);
    free(s->arms);
    free(s->sites);
    ew_sweep_spec_clear(&s->sweep);
    free(s->source_text);
    free(s->effective_text);
    free(s);
}

double ew_scenario_capacity_per_s(const ew_scenario *s)
{
    double cap = 0.0;
    for (uint32_t k = 0; k < s->n_sites; k++)
        if (!s->sites[k].serving)
            cap += (double)s->sites[k].servers * s->sites[k].slots * s->sites[k].speed;
    return cap / s->service_mean_s;
}
