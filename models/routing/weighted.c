/* weighted.c — a server is chosen with probability proportional to its
 * site's `weight` (default: speed × slots, i.e. its service capacity, which
 * gives every server the same utilisation). Sampling in O(1) with Walker's
 * alias method as implemented by GSL (gsl_ran_discrete). */
#include "routing.h"

#include <stdlib.h>
#include <gsl/gsl_randist.h>

typedef struct weighted {
    gsl_ran_discrete_t *table;
    const uint32_t *servers;   /* NULL: the list is 0, 1, ..., n-1 */
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

static int init(void **state, const ew_world *w, const uint32_t *servers, uint32_t n)
{
    weighted *wt = calloc(1, sizeof *wt);
    double *p = calloc(n ? n : 1, sizeof *p);
    if (!wt || !p) {
        free(p);
        release(wt);
        return -1;
    }
    for (uint32_t j = 0; j < n; j++)
        p[j] = w->scenario->sites[w->servers[servers[j]].site].weight;
    wt->table = gsl_ran_discrete_preproc(n, p);
    wt->servers = servers;
    if (n == w->n_servers) {
        uint32_t j = 0;
        while (j < n && servers[j] == j)
            j++;
        if (j == n)
            wt->servers = NULL;   /* picks need no lookup */
    }
    free(p);
    if (!wt->table) {
        release(wt);
        return -1;
    }
    *state = wt;
    return 0;
}

static uint32_t pick(void *state, const ew_world *w, gsl_rng *r)
{
    (void)w;
    const weighted *wt = state;
    uint32_t j = (uint32_t)gsl_ran_discrete(r, wt->table);
    return wt->servers ? wt->servers[j] : j;
}

const ew_routing_policy ew_routing_weighted = {
    "weighted", "each server with probability proportional to its site's weight",
    init, pick, NULL, release};
