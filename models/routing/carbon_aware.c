/* carbon_aware.c — among sites whose predicted completion meets the
 * scenario's latency objective (routing.latency_objective) and that have a
 * server with room, the one on the grid with the least carbon intensity now
 * (the hour's value of its zone's profile); when none meets the objective,
 * the least predicted completion time. */
#include "routing.h"

static int meets_objective(const ew_world *w, const ew_route_query *q, uint32_t k)
{
    uint32_t n;
    if (ew_world_least_loaded(w, k, q->except, &n) == EW_NONE)
        return 0;
    return ew_routing_predict_s(w, q, k, n) <= w->scenario->latency_objective_s;
}

static double carbon(const ew_world *w, const ew_route_query *q, uint32_t k)
{
    (void)q;
    const ew_site_spec *sp = &w->scenario->sites[k];
    if (!sp->zone)
        return w->site[k].carbon_g_per_kwh;
    return ew_grid_carbon_at(sp->zone, w->scenario->month, w->now_s - w->scenario->utc_offset_s);
}

static uint32_t pick(void *state, const ew_world *w, const ew_route_query *q, gsl_rng *r)
{
    uint32_t i = ew_routing_best_site(w, q, meets_objective, carbon);
    return i != EW_NONE ? i : ew_routing_latency_aware.pick(state, w, q, r);
}

const ew_routing_policy ew_routing_carbon_aware = {
    "carbon_aware", "cleanest grid among sites meeting the latency objective", 1, NULL, pick, NULL};
