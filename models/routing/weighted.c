/* weighted.c — a server is chosen with probability proportional to its
 * site's `weight` (default: speed × slots, i.e. its service capacity, which
 * gives every server the same utilisation). Sampling in O(1) with Walker's
 * alias method as implemented by GSL (gsl_ran_discrete). */
#include "routing.h"

#include <stdlib.h>
#include <gsl/gsl_randist.h>

static int init(void **state, const ew_world *w)
{
    double *p = malloc(w->n_servers * sizeof *p);
    if (!p)
        return -1;
    for (uint32_t i = 0; i < w->n_servers; i++)
        p[i] = w->scenario->sites[w->servers[i].site].weight;
    *state = gsl_ran_discrete_preproc(w->n_servers, p);
    free(p);
    return *state ? 0 : -1;
}

static uint32_t pick(void *state, const ew_world *w, gsl_rng *r)
{
    (void)w;
    return (uint32_t)gsl_ran_discrete(r, state);
}

static void release(void *state)
{
    if (state)
        gsl_ran_discrete_free(state);
}

const ew_routing_policy ew_routing_weighted = {
    "weighted", "each server with probability proportional to its site's weight",
    init, pick, NULL, release};
