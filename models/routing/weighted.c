/* weighted.c — a server is chosen with probability proportional to its
 * site's `weight` (default: speed × slots, its service capacity, which gives
 * every server the same utilisation). Sampling in O(1) with Walker's alias
 * method as implemented by GSL (gsl_ran_discrete); an offline or excluded
 * pick is drawn again (up to 16 times), then falls back to uniform. */
#include "routing.h"

#include <stdlib.h>
#include <gsl/gsl_randist.h>

typedef struct weighted {
    gsl_ran_discrete_t *table;
    const uint32_t *servers;   /* the group's servers; NULL when they are 0, 1, ..., n-1 */
} weighted;

static void release(void *state)
{
    weighted *wt = state;
    if (!wt)
        return;
    if (wt->table)
        gsl_ran_discrete_free(wt->table);
    free(wt);
}

static int init(void **state, const ew_world *w, uint32_t g)
{
    const ew_group *gr = &w->groups[g];
    weighted *wt = calloc(1, sizeof *wt);
    double *p = calloc(gr->n_servers ? gr->n_servers : 1, sizeof *p);
    if (!wt || !p) {
        free(p);
        release(wt);
        return -1;
    }
    int identity = 1;
    for (uint32_t j = 0; j < gr->n_servers; j++) {
        p[j] = w->scenario->sites[w->servers[gr->servers[j]].site].weight;
        identity &= gr->servers[j] == j;
    }
    wt->table = gsl_ran_discrete_preproc(gr->n_servers, p);
    wt->servers = identity ? NULL : gr->servers;   /* picks need no lookup */
    free(p);
    if (!wt->table) {
        release(wt);
        return -1;
    }
    *state = wt;
    return 0;
}

static uint32_t pick(void *state, const ew_world *w, const ew_route_query *q, gsl_rng *r)
{
    const weighted *wt = state;
    for (int tries = 0; tries < 16; tries++) {
        uint32_t j = (uint32_t)gsl_ran_discrete(r, wt->table);
        uint32_t i = wt->servers ? wt->servers[j] : j;
        if (ew_world_is_online(w, i) && i != q->except)
            return i;
    }
    return ew_world_random_online(w, q->group, q->except, r);
}

const ew_routing_policy ew_routing_weighted = {
    "weighted", "each server with probability proportional to its site's weight", 0,
    init, pick, release};
