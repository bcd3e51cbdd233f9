/* stats.h — statistics whose memory does not grow with the number of
 * samples: a log-linear histogram for quantiles, and batch means for the
 * confidence interval of a mean from one long, autocorrelated run.
 *
 * Histogram: bins of width 2^e/128 within each octave [2^e, 2^(e+1)) for
 * e = -30..29, so each bin spans at most 0.8% of its value (the HDR
 * histogram layout, G. Tene); quantiles interpolate linearly within a bin. Values below 2^-30 fall in the first bin,
 * values at or above 2^30 in the last. Histograms of equal layout merge by
 * adding counts, so percentiles across runs are exact to the bin.
 *
 * Batch means: samples in order are cut into batches of equal size; at most
 * 64 are kept, and when full, neighbours merge pairwise (the batch size
 * doubles), so 32 to 64 batches of 2^k samples remain. The 95% interval is
 * t(0.975, k−1) · s / √k over the k batch means (A. M. Law, Simulation
 * Modeling and Analysis, 5th ed., §9.5.3).
 */
#ifndef EW_STATS_H
#define EW_STATS_H

#include <stdint.h>
#include <gsl/gsl_histogram.h>

typedef struct ew_hist {
    gsl_histogram *h;   /* ranges fixed by the layout above */
    uint64_t n;
} ew_hist;

int ew_hist_init(ew_hist *h);             /* 0, or -1 if out of memory */
void ew_hist_free(ew_hist *h);
void ew_hist_add(ew_hist *h, double x);   /* x >= 0 */
void ew_hist_merge(ew_hist *into, const ew_hist *from);
/* The q-quantile (0 <= q <= 1); NAN if empty. */
double ew_hist_quantile(const ew_hist *h, double q);

#define EW_BATCHES 64
typedef struct ew_batch_means {
    double sum[EW_BATCHES];   /* sums of the full batches */
    int n_full;
    uint64_t size;            /* samples per batch */
    double part;              /* sum of the batch being filled */
    uint64_t part_n;
} ew_batch_means;

void ew_batch_means_init(ew_batch_means *b);
/* Internal to ew_batch_means_add: stores the full batch being filled. */
void ew_batch_means_close_(ew_batch_means *b);
/* Adds the next sample (inline: called once per completed query). */
static inline void ew_batch_means_add(ew_batch_means *b, double x)
{
    b->part += x;
    if (++b->part_n == b->size)
        ew_batch_means_close_(b);
}
/* Half-width of the 95% confidence interval of the mean, from the full
 * batches; NAN with fewer than 2 batches. */
double ew_batch_means_ci95(const ew_batch_means *b);

/* Half-width of the 95% Student-t interval for the mean of n values
 * (NAN for n < 2). Used for batches of any origin, e.g. time bins. */
double ew_ci95_halfwidth(const double *x, size_t n);

#endif
