/* power_of_two.c — two online servers drawn at random, the one with fewer
 * queries in system (M. Mitzenmacher, "The power of two choices in
 * randomized load balancing", IEEE TPDS 12(10), 2001): nearly the balance
 * of join-the-shortest-queue for the cost of two looks. */
#include "routing.h"

static uint32_t pick(void *state, const ew_world *w, const ew_route_query *q, gsl_rng *r)
{
    (void)state;
    uint32_t a = ew_world_random_online(w, q->group, q->except, r);
    uint32_t b = ew_world_random_online(w, q->group, q->except, r);
    if (a == EW_NONE || b == EW_NONE)
        return a;
    return w->servers[b].in_system < w->servers[a].in_system ? b : a;
}

const ew_routing_policy ew_routing_power_of_two = {
    "power_of_two", "the less loaded of two random online servers", 0, NULL, pick, NULL};
