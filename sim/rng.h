/* rng.h — random streams: one GSL generator (MT19937) per purpose, seeded
 * from (scenario seed, replication, purpose) through the SplitMix64 mixer
 * (Steele, Lea and Flood, OOPSLA 2014), so that each purpose sees the same
 * numbers whatever the other purposes draw: two variants of a scenario with
 * the same seed see the same arrivals (common random numbers).
 */
#ifndef EW_RNG_H
#define EW_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

typedef enum ew_stream {
    EW_STREAM_ARRIVALS,   /* inter-arrival gaps */
    EW_STREAM_SERVICE,    /* service demands */
    EW_STREAM_ROUTING,    /* routing choices and ties */
    EW_STREAM_COUNT
} ew_stream;

/* The 64-bit seed for a stream (deterministic, well mixed). */
uint64_t ew_rng_seed(uint64_t seed, uint32_t replication, uint32_t purpose);
/* A new generator for a stream; NULL if allocation fails. Free with gsl_rng_free. */
gsl_rng *ew_rng_alloc(uint64_t seed, uint32_t replication, uint32_t purpose);

#endif
