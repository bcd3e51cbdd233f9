/* workload.h — when queries arrive and how much work each brings.
 *
 * Arrivals: a Poisson process whose rate is piecewise constant by hour of
 * day, λ(t) = rate × profile[hour(t)], sampled exactly by inverting the
 * cumulative intensity (Λ(t_next) − Λ(t) = E with E ~ Exp(1)); see
 * P. A. W. Lewis and G. S. Shedler, "Simulation of nonhomogeneous Poisson
 * processes by thinning", Naval Res. Logist. Q. 26 (1979), §2 on inversion.
 * Or evenly spaced arrivals at 1/rate. Time 0 is midnight.
 *
 * Service demand (seconds of work at speed 1): exponential, deterministic,
 * log-normal or gamma, given by mean and coefficient of variation cv:
 * log-normal σ² = ln(1 + cv²), μ = ln(mean) − σ²/2; gamma shape 1/cv²,
 * scale mean·cv². Sampled with GSL.
 */
#ifndef EW_WORKLOAD_H
#define EW_WORKLOAD_H

#include <gsl/gsl_rng.h>

#include "../../sim/scenario.h"

typedef struct ew_arrivals {
    ew_arrival_process process;
    double rate_per_s;              /* base rate [1/s] */
    double profile[EW_HOURS];       /* multipliers by hour of day [1] */
    int flat;                       /* every multiplier is 1: no inversion needed */
} ew_arrivals;

typedef struct ew_service {
    ew_service_dist dist;
    double mean_s;                  /* [s] */
    double p1, p2;                  /* distribution parameters derived from mean, cv */
} ew_service;

void ew_arrivals_init(ew_arrivals *a, const ew_scenario *s);
/* Time of the next arrival after now_s [s]; +infinity if none will come. */
double ew_arrivals_next(const ew_arrivals *a, double now_s, gsl_rng *r);
/* Expected number of arrivals in [0, t_s] (the integral of the rate). */
double ew_arrivals_expected(const ew_arrivals *a, double t_s);

void ew_service_init(ew_service *sv, const ew_scenario *s);
/* One service demand [s at speed 1]. */
double ew_service_draw(const ew_service *sv, gsl_rng *r);

#endif
