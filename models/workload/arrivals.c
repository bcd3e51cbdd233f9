/* arrivals.c — Poisson arrivals with an hour-of-day profile, or evenly
 * spaced ones (see workload.h for the equations and source). */
#include "workload.h"

#include <math.h>
#include <gsl/gsl_randist.h>

#define HOUR_S 3600.0

void ew_arrivals_init(ew_arrivals *a, const ew_scenario *s)
{
    a->process = s->arrivals;
    a->rate_per_s = s->rate_per_s;
    a->flat = 1;
    for (int h = 0; h < EW_HOURS; h++) {
        a->profile[h] = s->profile[h];
        if (s->profile[h] != 1.0)
            a->flat = 0;
    }
}

static int hour_of(double t_s)
{
    double h = fmod(floor(t_s / HOUR_S), (double)EW_HOURS);
    return (int)h;
}

double ew_arrivals_next(const ew_arrivals *a, double now_s, gsl_rng *r)
{
    if (a->process == EW_ARRIVALS_DETERMINISTIC)
        return now_s + 1.0 / a->rate_per_s;
    double e = gsl_ran_exponential(r, 1.0);
    if (a->flat)
        return now_s + e / a->rate_per_s;
    /* Walk hour by hour, spending the unit-rate exponential e on Λ. A whole
     * day of zero rate would never end: the scenario loader refuses it. */
    double t = now_s;
    for (;;) {
        double rate = a->rate_per_s * a->profile[hour_of(t)];
        double hour_end = (floor(t / HOUR_S) + 1.0) * HOUR_S;
        if (rate > 0.0 && t + e / rate <= hour_end)
            return t + e / rate;
        e -= rate * (hour_end - t);
        t = hour_end;
    }
}

double ew_arrivals_expected(const ew_arrivals *a, double t_s)
{
    if (a->process == EW_ARRIVALS_DETERMINISTIC || a->flat)
        return a->rate_per_s * t_s;
    double total = 0.0, t = 0.0;
    while (t < t_s) {
        double hour_end = fmin((floor(t / HOUR_S) + 1.0) * HOUR_S, t_s);
        total += a->rate_per_s * a->profile[hour_of(t)] * (hour_end - t);
        t = hour_end;
    }
    return total;
}
