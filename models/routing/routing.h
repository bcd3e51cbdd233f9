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
    /* Builds the policy's state for world w into *state (NULL if it needs
     * none). Returns 0, or -1 if allocation fails. Optional. */
    int (*init)(void **state, const ew_world *w);
    /* The chosen server index (< w->n_servers). */
    uint32_t (*pick)(void *state, const ew_world *w, gsl_rng *r);
    /* Told that server i's in_system changed from old_n to its present value.
     * Optional; called after every change. Returns 0, or -1 if out of memory. */
    int (*on_count)(void *state, const ew_world *w, uint32_t i, uint32_t old_n);
    void (*free)(void *state);   /* optional; must accept NULL */
} ew_routing_policy;

/* The policy with this name, or NULL. */
const ew_routing_policy *ew_routing_find(const char *name);
/* The i-th known policy (NULL past the end), for listings and messages. */
const ew_routing_policy *ew_routing_at(int i);

extern const ew_routing_policy ew_routing_uniform;
extern const ew_routing_policy ew_routing_weighted;
extern const ew_routing_policy ew_routing_shortest_queue;

#endif
