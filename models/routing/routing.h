/* routing.h — the policy that picks a server for each query. A policy is
 * one file in models/routing/ and one line in the table of routing.c; the
 * run driver only calls through this interface. Policies choose among the
 * online servers of the query's group (the servers that can serve its
 * model) and read load and distance through world.h.
 */
#ifndef EW_ROUTING_H
#define EW_ROUTING_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "../../sim/world.h"

/* What a policy knows about the query it routes. */
typedef struct ew_route_query {
    uint32_t group;             /* routing group (index into w->groups) */
    uint32_t client_region;     /* region index, or EW_NONE without geography */
    ew_access client_access;
    uint32_t except;            /* a server not to choose (a verification re-run), or EW_NONE */
} ew_route_query;

typedef struct ew_routing_policy {
    const char *name;      /* value of routing.policy in a scenario */
    const char *summary;   /* one line for --help and messages */
    int uses_load;         /* reads the sites' load pools (the world keeps them only then) */
    /* Builds the policy's state for group g (NULL if it needs none).
     * Optional. Returns 0, or -1 if allocation fails. */
    int (*init)(void **state, const ew_world *w, uint32_t g);
    /* The chosen server, or EW_NONE when no online server will do. */
    uint32_t (*pick)(void *state, const ew_world *w, const ew_route_query *q, gsl_rng *r);
    void (*free)(void *state);   /* optional; must accept NULL */
} ew_routing_policy;

/* The policy with this name, or NULL. */
const ew_routing_policy *ew_routing_find(const char *name);
/* The i-th known policy (NULL past the end), for listings and messages. */
const ew_routing_policy *ew_routing_at(int i);

/* Shared by policies: predicted completion of q at site k if sent to a
 * server holding n queries: round trip + the site's time for one request,
 * once more for every full batch ahead of it [s]. */
double ew_routing_predict_s(const ew_world *w, const ew_route_query *q, uint32_t k, uint32_t n);
/* The least loaded online server over the group's sites for which
 * keep(w, q, k) holds (all sites when keep is NULL); EW_NONE if none. */
uint32_t ew_routing_least_loaded(const ew_world *w, const ew_route_query *q,
                                 int (*keep)(const ew_world *, const ew_route_query *, uint32_t));
/* Among the group's sites for which keep holds and which have an online
 * server with room (fewer queries than its site's room), the one that
 * minimises score(w, q, k), ties to the lower load; its least loaded
 * server, or EW_NONE. */
uint32_t ew_routing_best_site(const ew_world *w, const ew_route_query *q,
                              int (*keep)(const ew_world *, const ew_route_query *, uint32_t),
                              double (*score)(const ew_world *, const ew_route_query *, uint32_t));

extern const ew_routing_policy ew_routing_uniform, ew_routing_weighted,
    ew_routing_shortest_queue, ew_routing_dc_only, ew_routing_edge_only, ew_routing_edge_first,
    ew_routing_latency_aware, ew_routing_carbon_aware, ew_routing_cost_aware,
    ew_routing_power_of_two;

#endif
