/* dc_only.c — the baseline: data-centre sites only, least loaded server
 * first; edge nodes are never used. */
#include "routing.h"

static int is_dc(const ew_world *w, const ew_route_query *q, uint32_t k)
{
    (void)q;
    return !w->site[k].edge;
}

static uint32_t pick(void *state, const ew_world *w, const ew_route_query *q, gsl_rng *r)
{
    (void)state, (void)r;
    return ew_routing_least_loaded(w, q, is_dc);
}

const ew_routing_policy ew_routing_dc_only = {
    "dc_only", "data centres only (the baseline), least loaded server", 1, NULL, pick, NULL};
