/* uniform.c — every online server of the group equally likely, whatever
 * its speed or load (random routing: each server sees a Poisson stream). */
#include "routing.h"

static uint32_t pick(void *state, const ew_world *w, const ew_route_query *q, gsl_rng *r)
{
    (void)state;
    return ew_world_random_online(w, q->group, q->except, r);
}

const ew_routing_policy ew_routing_uniform = {
    "uniform", "each online server with equal probability", 0, NULL, pick, NULL};
