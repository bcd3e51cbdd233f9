/* scenario.c — reading and checking scenario files (format in scenario.h and
 * README.md). Every value is range-checked here, so the run driver and the
 * models can trust what they are given. */
#include "scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yamlx.h"
#include "../models/routing/routing.h"

#define MAX_SERVERS 50000000u
#define MAX_BINS 10000000.0

static const char *const arrival_names[] = {"poisson", "deterministic", NULL};
static const char *const service_names[] = {"exponential", "deterministic", "lognormal",
                                            "gamma", NULL};

static const char *const top_keys[] = {"name", "title", "seed", "run", "workload", "routing",
                                       "sites", "data_dir", NULL};
static const char *const run_keys[] = {"duration", "max_arrivals", "drain", "bin", "warmup",
                                       NULL};
static const char *const workload_keys[] = {"arrivals", "service", "classes", NULL};
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
static const char *const routing_keys[] = {"policy", NULL};
static const char *const site_keys[] = {"name", "servers", "slots", "speed", "weight", "power",
                                        "sleep", "serving", NULL};
static const char *const power_keys[] = {"off", "idle", "busy", NULL};
static const char *const sleep_keys[] = {"after", "wake", NULL};

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

static int load_routing(ew_scenario *s, ew_yaml *y, yaml_node_t *node, ew_error *err)
{
    ew_ymap m;
    int rc = ew_ymap_open(&m, y, node, "routing", routing_keys, err);
    if (rc || (rc = ew_ymap_string(&m, "policy", 0, "weighted", s->routing,
                                   sizeof s->routing, err)))
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
        return load_serving(s, y, svn, sub, site, err);
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
    if ((rc = ew_ymap_string(&top, "data_dir", 0, ew_default_data_dir(), s->data_dir,
                             sizeof s->data_dir, err)))
        return rc;
    if ((rc = load_run(s, y, ew_ymap_get(&top, "run"), err)) ||
        (rc = load_workload(s, y, ew_ymap_get(&top, "workload"), err)) ||
        (rc = load_routing(s, y, ew_ymap_get(&top, "routing"), err)) ||
        (rc = load_sites(s, y, ew_ymap_get(&top, "sites"), err)))
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

void ew_scenario_free(ew_scenario *s)
{
    if (!s)
        return;
    ew_device_catalog_free(s->devices);
    ew_model_catalog_free(s->models);
    free(s->classes);
    free(s->sites);
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
