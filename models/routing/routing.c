/* routing.c — the table of routing policies (add a line to add one), and
 * the helpers several of them share. */
#include "routing.h"

#include <math.h>
#include <string.h>

static const ew_routing_policy *const policies[] = {
    &ew_routing_uniform,       &ew_routing_weighted,       &ew_routing_shortest_queue,
    &ew_routing_dc_only,       &ew_routing_edge_only,      &ew_routing_edge_first,
    &ew_routing_latency_aware, &ew_routing_carbon_aware,   &ew_routing_cost_aware,
    &ew_routing_power_of_two,
};

const ew_routing_policy *ew_routing_at(int i)
{
    if (i < 0 || (size_t)i >= sizeof policies / sizeof policies[0])
        return NULL;
    return policies[i];
}

const ew_routing_policy *ew_routing_find(const char *name)
{
    for (int i = 0; ew_routing_at(i); i++)
        if (strcmp(ew_routing_at(i)->name, name) == 0)
            return ew_routing_at(i);
    return NULL;
}

double ew_routing_predict_s(const ew_world *w, const ew_route_query *q, uint32_t k, uint32_t n)
{
    const ew_site_info *si = &w->site[k];
    double batches_ahead = floor((double)n / (si->room ? si->room : 1));
    return ew_world_rtt_s(w, q->client_region, q->client_access, k) +
           si->request_s * (1.0 + batches_ahead);
}

uint32_t ew_routing_least_loaded(const ew_world *w, const ew_route_query *q,
                                 int (*keep)(const ew_world *, const ew_route_query *, uint32_t))
{
    const ew_group *g = &w->groups[q->group];
    uint32_t best = EW_NONE, best_n = UINT32_MAX;
    for (uint32_t j = 0; j < g->n_sites; j++) {
        uint32_t k = g->sites[j], n;
        if (keep && !keep(w, q, k))
            continue;
        uint32_t i = ew_world_least_loaded(w, k, q->except, &n);
        if (i != EW_NONE && n < best_n) {
            best = i;
            best_n = n;
        }
    }
    return best;
}

uint32_t ew_routing_best_site(const ew_world *w, const ew_route_query *q,
                              int (*keep)(const ew_world *, const ew_route_query *, uint32_t),
                              double (*score)(const ew_world *, const ew_route_query *, uint32_t))
{
    const ew_group *g = &w->groups[q->group];
    uint32_t best = EW_NONE, best_n = 0;
    double best_score = INFINITY;
    for (uint32_t j = 0; j < g->n_sites; j++) {
        uint32_t k = g->sites[j], n;
        if (keep && !keep(w, q, k))
            continue;
        uint32_t i = ew_world_least_loaded(w, k, q->except, &n);
        if (i == EW_NONE || n >= w->site[k].room)
            continue;
        double sc = score(w, q, k);
        if (sc < best_score || (sc == best_score && n < best_n)) {
            best = i;
            best_n = n;
            best_score = sc;
        }
    }
    return best;
}
