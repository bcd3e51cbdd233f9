/* uniform.c — every server equally likely, whatever its speed or load
 * (random routing; each server then sees a Poisson stream of rate λ/n). */
#include "routing.h"

#include <stdlib.h>

typedef struct uniform {
    const uint32_t *servers;   /* NULL: the list is 0, 1, ..., n-1 */
    uint32_t n;
} uniform;

/* NULL when servers is 0..n-1 (every server of w): picks need no lookup. */
static const uint32_t *unless_identity(const uint32_t *servers, uint32_t n, uint32_t all)
{
    if (n != all)
        return servers;
    for (uint32_t j = 0; j < n; j++)
        if (servers[j] != j)
            return servers;
    return NULL;
}

static int init(void **state, const ew_world *w, const uint32_t *servers, uint32_t n)
{
    uniform *u = malloc(sizeof *u);
    if (!u)
        return -1;
    *u = (uniform){unless_identity(servers, n, w->n_servers), n};
    *state = u;
    return 0;
}

static uint32_t pick(void *state, const ew_world *w, gsl_rng *r)
{
    (void)w;
    const uniform *u = state;
    uint32_t j = (uint32_t)gsl_rng_uniform_int(r, u->n);
    return u->servers ? u->servers[j] : j;
}

const ew_routing_policy ew_routing_uniform = {
    "uniform", "each server with equal probability", init, pick, NULL, free};
