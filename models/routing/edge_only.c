/* edge_only.c — edge nodes only: the nearest edge site (shortest round trip
 * from the client) with a node that has room, its least loaded node; if
 * none has room, the least loaded edge node anywhere. */
#include "routing.h"

static int is_edge(const ew_world *w, const ew_route_query *q, uint32_t k)
{
    (void)q;
    return w->site[k].edge;
}

static double rtt(const ew_world *w, const ew_route_query *q, uint32_t k)
{
    return ew_world_rtt_s(w, q->client_region, q->client_access, k);
}

static uint32_t pick(void *state, const ew_world *w, const ew_route_query *q, gsl_rng *r)
{
    (void)state, (void)r;
    uint32_t i = ew_routing_best_site(w, q, is_edge, rtt);
    return i != EW_NONE ? i : ew_routing_least_loaded(w, q, is_edge);
}

const ew_routing_policy ew_routing_edge_only = {
    "edge_only", "edge nodes only: nearest with room, else least loaded", 1, NULL, pick, NULL};
