/* edge_first.c — the DePIN pitch: the nearest edge node that holds the
 * model and has room; when none has, the data centre (least loaded); when
 * there is no data centre either, the least loaded edge node. */
#include "routing.h"

static int is_edge(const ew_world *w, const ew_route_query *q, uint32_t k)
{
    (void)q;
    return w->site[k].edge;
}

static int is_dc(const ew_world *w, const ew_route_query *q, uint32_t k)
{
    (void)q;
    return !w->site[k].edge;
}

static double rtt(const ew_world *w, const ew_route_query *q, uint32_t k)
{
    return ew_world_rtt_s(w, q->client_region, q->client_access, k);
}

static uint32_t pick(void *state, const ew_world *w, const ew_route_query *q, gsl_rng *r)
{
    (void)state, (void)r;
    uint32_t i = ew_routing_best_site(w, q, is_edge, rtt);
    if (i == EW_NONE)
        i = ew_routing_least_loaded(w, q, is_dc);
    return i != EW_NONE ? i : ew_routing_least_loaded(w, q, is_edge);
}

const ew_routing_policy ew_routing_edge_first = {
    "edge_first", "nearest edge node with room, else the data centre", 1, NULL, pick, NULL};
