/* shortest_queue.c — join the shortest queue: the online server with the
 * fewest queries in system (waiting + in service) over all the group's
 * sites; among equals, the earlier site, and within a site the server that
 * reached that count first. O(sites) per pick from the sites' load pools. */
#include "routing.h"

static uint32_t pick(void *state, const ew_world *w, const ew_route_query *q, gsl_rng *r)
{
    (void)state, (void)r;
    return ew_routing_least_loaded(w, q, NULL);
}

const ew_routing_policy ew_routing_shortest_queue = {
    "shortest_queue",
    "the server with the fewest queries in system (first to reach that count on ties)", 1,
    NULL, pick, NULL};
