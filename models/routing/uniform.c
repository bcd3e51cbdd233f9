/* uniform.c — every server equally likely, whatever its speed or load
 * (random routing; each server then sees a Poisson stream of rate λ/n). */
#include "routing.h"

static uint32_t pick(void *state, const ew_world *w, gsl_rng *r)
{
    (void)state;
    return (uint32_t)gsl_rng_uniform_int(r, w->n_servers);
}

const ew_routing_policy ew_routing_uniform = {
    "uniform", "each server with equal probability", NULL, pick, NULL, NULL};
