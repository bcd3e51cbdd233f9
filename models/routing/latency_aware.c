/* latency_aware.c — the site with the least predicted completion time,
 * round trip included (ew_routing_predict_s), over every site of the group,
 * edge or data centre; its least loaded server. */
#include "routing.h"

#include <math.h>

static uint32_t pick(void *state, const ew_world *w, const ew_route_query *q, gsl_rng *r)
{
    (void)state, (void)r;
    const ew_group *g = &w->groups[q->group];
    uint32_t best = EW_NONE;
    double best_s = INFINITY;
    for (uint32_t j = 0; j < g->n_sites; j++) {
        uint32_t k = g->sites[j], n;
        uint32_t i = ew_world_least_loaded(w, k, q->except, &n);
        if (i == EW_NONE)
            continue;
        double t = ew_routing_predict_s(w, q, k, n);
        if (t < best_s) {
            best_s = t;
            best = i;
        }
    }
    return best;
}

const ew_routing_policy ew_routing_latency_aware = {
    "latency_aware", "least predicted completion time, round trip included", 1, NULL, pick, NULL};
