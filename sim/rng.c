/* rng.c — per-purpose random streams (see rng.h). */
#include "rng.h"

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t ew_rng_seed(uint64_t seed, uint32_t replication, uint32_t purpose)
{
    return splitmix64(splitmix64(splitmix64(seed) ^ replication) ^ ((uint64_t)purpose << 32));
}

gsl_rng *ew_rng_alloc(uint64_t seed, uint32_t replication, uint32_t purpose)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r) {
        uint64_t s = ew_rng_seed(seed, replication, purpose);
        /* MT19937 takes 32 bits of seed: fold the halves so both count */
        gsl_rng_set(r, (unsigned long)((s ^ (s >> 32)) & 0xffffffffUL));
    }
    return r;
}
