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
                                       "sites", NULL};
static const char *const run_keys[] = {"duration", "max_arrivals", "bin", "warmup", NULL};
static const char *const workload_keys[] = {"arrivals", "service", NULL};
static const char *const arrivals_keys[] = {"process", "rate", "profile", NULL};
static const char *const service_keys[] = {"distribution", "mean", "cv", NULL};
static const char *const routing_keys[] = {"policy", NULL};
static const char *const site_keys[] = {"name", "servers", "slots", "speed", "weight", "power",
                                        "sleep", NULL};
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

static int load_workload(ew_scenario *s, ew_yaml *y, yaml_node_t *node, ew_error *err)
{
    ew_ymap w, a, sv;
    int rc, proc, dist;
    if ((rc = ew_ymap_open(&w, y, node, "workload", workload_keys, err)))
        return rc;
    if (!node)
        return ew_yaml_fail(y, ew_yaml_root(y), "workload", err,
                            "missing (required: arrivals and service)");
    yaml_node_t *an = ew_ymap_get(&w, "arrivals"), *sn = ew_ymap_get(&w, "service");
    if (!an)
        return ew_yaml_fail(y, node, "workload.arrivals", err, "missing (required: process and rate)");
    if (!sn)
        return ew_yaml_fail(y, node, "workload.service", err, "missing (required: distribution and mean)");
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

    site->sleep_after_s = INFINITY;
    site->wake_s = 0.0;
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
    if ((rc = load_run(s, y, ew_ymap_get(&top, "run"), err)) ||
        (rc = load_workload(s, y, ew_ymap_get(&top, "workload"), err)) ||
        (rc = load_routing(s, y, ew_ymap_get(&top, "routing"), err)) ||
        (rc = load_sites(s, y, ew_ymap_get(&top, "sites"), err)))
        return rc;
    return EW_OK;
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

void ew_scenario_free(ew_scenario *s)
{
    if (!s)
        return;
    free(s->sites);
    free(s->source_text);
    free(s->effective_text);
    free(s);
}

double ew_scenario_capacity_per_s(const ew_scenario *s)
{
    double cap = 0.0;
    for (uint32_t k = 0; k < s->n_sites; k++)
        cap += (double)s->sites[k].servers * s->sites[k].slots * s->sites[k].speed;
    return cap / s->service_mean_s;
}
