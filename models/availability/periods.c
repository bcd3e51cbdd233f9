/* periods.c — on and off period lengths of an edge node (see availability.h),
 * each family given by its mean so that scenarios compare like with like.
 *
 *   exponential       rate 1/m.
 *   Weibull (k)       scale λ = m / Γ(1 + 1/k); mean λ·Γ(1 + 1/k),
 *                     variance λ²·[Γ(1 + 2/k) − Γ(1 + 1/k)²].
 *   log-normal (cv)   σ² = ln(1 + cv²), μ = ln m − σ²/2, so that
 *                     E = exp(μ + σ²/2) = m and cv² = exp(σ²) − 1.
 *   hyper-exp. (cv)   two exponential phases with balanced means (each phase
 *                     contributes m/2 to the mean): p1 = (1 + r)/2 with
 *                     r = sqrt((cv² − 1)/(cv² + 1)), phase means m/(2·p1) and
 *                     m/(2·p2), i.e. rates 2·p1/m and 2·p2/m. This is Morse's
 *                     two-stage hyper-exponential (P. M. Morse, "Queues,
 *                     Inventories and Maintenance", Wiley 1958) as coded in
 *                     the function hyperx of MacDougall's smpl ("Simulating
 *                     Computer Systems: Techniques and Tools", MIT Press 1987),
 *                     the form the ComBoS BOINC simulator uses for volunteer
 *                     hosts (github.com/arcos-combos/combos, Files/rand.c).
 *                     Check: E[X²] = m²/(2·p1·p2) gives cv² = 1/(2·p1·p2) − 1,
 *                     which the p1 above solves. cv = 1 is the exponential.
 *   fixed             m.
 *
 * Times in seconds. Draws use GSL (gsl_ran_exponential, gsl_ran_weibull,
 * gsl_ran_lognormal and gsl_rng_uniform for the phase) on the caller's
 * generator, so a stream repeats bit for bit.
 */
#include "availability.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

/* Below this Weibull shape Γ(1 + 1/k) exceeds 3.6e6 and draws span more than
 * a hundred orders of magnitude, so many round to 0 or overflow; the fitted
 * availability shapes in the sources cited in availability.h are 0.3 to 0.6
 * (SETI@home) and the ones in the literature on desktop grids are near 1. */
#define WEIBULL_K_MIN 0.1

const char *const ew_period_kind_names[] = {"exponential", "weibull", "lognormal",
                                            "hyperexponential", "fixed", NULL};

static int refuse(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

static int finite_positive(double x)
{
    return x > 0.0 && x <= DBL_MAX;
}

int ew_period_init(ew_period_dist *d, const char **why)
{
    if (why)
        *why = NULL;
    if (!finite_positive(d->mean_s))
        return refuse(why, "mean must be a finite number > 0 s");
    double m = d->mean_s;
    switch (d->kind) {
    case EW_PERIOD_EXPONENTIAL:
    case EW_PERIOD_FIXED:
        d->p1 = m;
        d->p2 = d->p3 = 0.0;
        return 0;
    case EW_PERIOD_WEIBULL: {
        double k = d->shape;
        if (!(k > 0.0) || !isfinite(k))
            return refuse(why, "Weibull shape k must be a finite number > 0");
        if (k < WEIBULL_K_MIN)
            return refuse(why, "Weibull shape k must be >= 0.1 (below it draws underflow "
                               "or overflow in double precision)");
        d->p1 = m / gsl_sf_gamma(1.0 + 1.0 / k);   /* scale λ [s] */
        d->p2 = k;
        d->p3 = 0.0;
        return 0;
    }
    case EW_PERIOD_LOGNORMAL: {
        double cv = d->shape;
        if (!(cv > 0.0) || !isfinite(cv))
            return refuse(why, "log-normal cv must be a finite number > 0");
        double s2 = log1p(cv * cv);
        if (!isfinite(s2))
            return refuse(why, "log-normal cv too large: ln(1 + cv^2) overflows");
        d->p1 = log(m) - 0.5 * s2;   /* μ [ln s] */
        d->p2 = sqrt(s2);            /* σ [1] */
        d->p3 = 0.0;
        return 0;
    }
    case EW_PERIOD_HYPEREXP: {
        double cv = d->shape;
        if (!(cv > 0.0) || !isfinite(cv))
            return refuse(why, "hyper-exponential cv must be a finite number >= 1");
        if (cv < 1.0)
            return refuse(why, "hyper-exponential cv must be >= 1 (a mixture of "
                               "exponentials is never less variable than one)");
        double c2 = cv * cv;
        double r = sqrt((c2 - 1.0) / (c2 + 1.0));
        /* p2 = (1 − r)/2 written without the cancellation for large cv */
        double p2 = 1.0 / ((c2 + 1.0) * (1.0 + r));
        double p1 = 1.0 - p2;
        d->p1 = p1;                  /* probability of phase 1 [1] */
        d->p2 = m / (2.0 * p1);      /* mean of phase 1 [s] */
        d->p3 = m / (2.0 * p2);      /* mean of phase 2 [s] */
        if (!(p2 > 0.0) || !finite_positive(d->p3))
            return refuse(why, "hyper-exponential cv too large for double precision");
        if (c2 == 1.0)
            d->p1 = 1.0;             /* one phase: the same draws as an exponential */
        return 0;
    }
    }
    return refuse(why, "unknown distribution kind");
}

static double draw_once(const ew_period_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case EW_PERIOD_EXPONENTIAL:
        return gsl_ran_exponential(r, d->p1);
    case EW_PERIOD_WEIBULL:
        return gsl_ran_weibull(r, d->p1, d->p2);
    case EW_PERIOD_LOGNORMAL:
        return gsl_ran_lognormal(r, d->p1, d->p2);
    case EW_PERIOD_HYPEREXP:
        if (d->p1 >= 1.0)
            return gsl_ran_exponential(r, d->p2);
        return gsl_ran_exponential(r, gsl_rng_uniform(r) < d->p1 ? d->p2 : d->p3);
    case EW_PERIOD_FIXED:
        return d->p1;
    }
    return d->mean_s;
}

double ew_period_draw(const ew_period_dist *d, gsl_rng *r)
{
    /* The continuous families reach 0 only by rounding (gsl_ran_exponential
     * returns 0 when its uniform is exactly 0, about once in 2^32 draws) and
     * infinity never for parameters ew_period_init accepts; such a draw is
     * redrawn, which leaves the law of the result unchanged since both events
     * have probability 0 in the exact distribution. The bound only guards
     * against a struct that ew_period_init never accepted. */
    for (int tries = 0; tries < 64; tries++) {
        double x = draw_once(d, r);
        if (finite_positive(x))
            return x;
    }
    return finite_positive(d->mean_s) ? d->mean_s : DBL_MIN;
}

/* Length-biased period L* (density x f(x) / mean):
 *   exponential (mean m): Gamma(2, m);  fixed m: m;
 *   Weibull (k, λ): (L* / λ)^k ~ Gamma(1 + 1/k, 1), so L* = λ · G^(1/k);
 *   log-normal (μ, σ): log-normal (μ + σ², σ);
 *   hyper-exponential: phase i chosen with probability p_i m_i / mean, then
 *     Gamma(2, m_i) within it. */
static double draw_length_biased(const ew_period_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case EW_PERIOD_EXPONENTIAL:
        return gsl_ran_gamma(r, 2.0, d->p1);
    case EW_PERIOD_FIXED:
        return d->p1;
    case EW_PERIOD_WEIBULL:
        return d->p1 * pow(gsl_ran_gamma(r, 1.0 + 1.0 / d->p2, 1.0), 1.0 / d->p2);
    case EW_PERIOD_LOGNORMAL:
        return gsl_ran_lognormal(r, d->p1 + d->p2 * d->p2, d->p2);
    case EW_PERIOD_HYPEREXP: {
        double w1 = d->p1 * d->p2 / d->mean_s;   /* share of time in phase-1 periods */
        return gsl_ran_gamma(r, 2.0, gsl_rng_uniform(r) < w1 ? d->p2 : d->p3);
    }
    }
    return d->mean_s;
}

double ew_period_draw_residual(const ew_period_dist *d, gsl_rng *r)
{
    for (int tries = 0; tries < 64; tries++) {
        double x = gsl_rng_uniform_pos(r) * draw_length_biased(d, r);
        if (finite_positive(x))
            return x;
    }
    return finite_positive(d->mean_s) ? d->mean_s : DBL_MIN;
}
