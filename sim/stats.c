/* stats.c — histograms and batch means (see stats.h). */
#include "stats.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#define SUB_BITS 7                  /* 128 bins per octave */
#define SUB (1 << SUB_BITS)
#define E_MIN (-30)
#define E_MAX 30                    /* octaves E_MIN .. E_MAX-1 */
#define N_BINS (1 + (E_MAX - E_MIN) * SUB)

int ew_hist_init(ew_hist *h)
{
    h->n = 0;
    h->h = gsl_histogram_alloc(N_BINS);
    if (!h->h)
        return -1;
    double *r = h->h->range;
    r[0] = 0.0;
    for (int e = E_MIN; e < E_MAX; e++)
        for (int k = 0; k < SUB; k++)
            r[1 + (e - E_MIN) * SUB + k] = ldexp(1.0 + (double)k / SUB, e);
    r[N_BINS] = ldexp(1.0, E_MAX);
    gsl_histogram_reset(h->h);
    return 0;
}

void ew_hist_free(ew_hist *h)
{
    if (h && h->h) {
        gsl_histogram_free(h->h);
        h->h = NULL;
    }
}

/* Bin index straight from the bits of the double: exponent and the top
 * SUB_BITS of the mantissa (no search, no logarithm). */
static size_t bin_of(double x)
{
    if (!(x >= 0x1p-30))
        return 0;
    if (x >= 0x1p30)
        return N_BINS - 1;
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int e = (int)((bits >> 52) & 0x7ff) - 1023;
    size_t k = (size_t)((bits >> (52 - SUB_BITS)) & (SUB - 1));
    return 1 + (size_t)(e - E_MIN) * SUB + k;
}

void ew_hist_add(ew_hist *h, double x)
{
    h->h->bin[bin_of(x)] += 1.0;
    h->n++;
}

void ew_hist_merge(ew_hist *into, const ew_hist *from)
{
    gsl_histogram_add(into->h, from->h);
    into->n += from->n;
}

double ew_hist_quantile(const ew_hist *h, double q)
{
    /* Walk the counts to the bin holding the q·n-th sample and interpolate
     * linearly inside it. (GSL's histogram pdf normalises its cumulative sum
     * to a few ulps below 1, so that q = 1 falls off its end.) */
    if (h->n == 0)
        return NAN;
    double target = q * (double)h->n, cum = 0.0;
    size_t n = gsl_histogram_bins(h->h), last = 0;
    for (size_t i = 0; i < n; i++) {
        double c = h->h->bin[i];
        if (c <= 0.0)
            continue;
        last = i;
        if (cum + c >= target) {
            double f = (target - cum) / c;
            return h->h->range[i] + f * (h->h->range[i + 1] - h->h->range[i]);
        }
        cum += c;
    }
    return h->h->range[last + 1];   /* q·n past the total by rounding */
}

void ew_batch_means_init(ew_batch_means *b)
{
    memset(b, 0, sizeof *b);
    b->size = 1;
}

void ew_batch_means_close_(ew_batch_means *b)
{
    b->sum[b->n_full++] = b->part;
    b->part = 0.0;
    b->part_n = 0;
    if (b->n_full == EW_BATCHES) {
        for (int i = 0; i < EW_BATCHES / 2; i++)
            b->sum[i] = b->sum[2 * i] + b->sum[2 * i + 1];
        b->n_full = EW_BATCHES / 2;
        b->size *= 2;
    }
}

double ew_ci95_halfwidth(const double *x, size_t n)
{
    if (n < 2)
        return NAN;
    double sd = gsl_stats_sd(x, 1, n);
    return gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
}

double ew_batch_means_ci95(const ew_batch_means *b)
{
    double m[EW_BATCHES];
    for (int i = 0; i < b->n_full; i++)
        m[i] = b->sum[i] / (double)b->size;
    return ew_ci95_halfwidth(m, (size_t)b->n_full);
}
