/* routing.h — the policy that picks a server for each arriving query.
 * A policy is one file in models/routing/ and one line in the table of
 * routing.c; the run driver only calls through this interface.
 */
#ifndef EW_ROUTING_H
#define EW_ROUTING_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "../../sim/world.h"

typedef struct ew_routing_policy {
    const char *name;      /* value of routing.policy in a scenario */
    const char *summary;   /* one line for --help and messages */
    /* Builds the policy's state into *state for choosing among the n
     * servers listed (indexes into w->servers, in increasing order; the
     * list outlives the state). Returns 0, or -1 if allocation fails. */
    int (*init)(void **state, const ew_world *w, const uint32_t *servers, uint32_t n);
    /* The chosen server index, one of the list given to init. */
    uint32_t (*pick)(void *state, const ew_world *w, gsl_rng *r);
    /* Told that server i (one of the list) changed its in_system from old_n
     * to its present value. Called after every change; NULL for a policy that
     * does not look at load. Returns 0, or -1 if out of memory. */
    int (*on_count)(void *state, const ew_world *w, uint32_t i, uint32_t old_n);
    void (*free)(void *state);   /* must accept NULL */
} ew_routing_policy;

/* The policy with this name, or NULL. */
const ew_routing_policy *ew_routing_find(const char *name);
/* The i-th known policy (NULL past the end), for listings and messages. */
const ew_routing_policy *ew_routing_at(int i);

extern const ew_routing_policy ew_routing_uniform;
extern const ew_routing_policy ew_routing_weighted;
extern const ew_routing_policy ew_routing_shortest_queue;

#endif
