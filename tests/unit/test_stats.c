/* test_stats.c — the log-linear histogram and batch means (sim/stats.h).
 * Expected values: exponential quantiles −ln(1−q)/λ (inverse of the CDF
 * 1 − e^(−λx)); the bin layout of stats.h (128 bins per octave, so a bin is
 * at most 2^e/128 wide at a lower edge of at least 2^e: 1/128 = 0.78%);
 * Student-t half-widths t(0.975, k−1)·s/√k with t from a table of Student's
 * t critical values, to 4 decimals: t(0.975, ν) = 12.7062 (ν = 1), 2.7764
 * (4), 2.0244 (38), 2.0117 (47), 1.9996 (61); the 3-decimal table of the
 * NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2, agrees
 * (12.706, 2.776, ...). Random samples come from GSL's MT19937 with fixed
 * seeds. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_histogram.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "stats.h"

static void assert_rel(double got, double want, double rel, const char *what)
{
    if (!(fabs(got - want) <= rel * fabs(want)))
        fail_msg("%s: got %.10g, expected %.10g (relative tolerance %g, off by %.3g)", what, got,
                 want, rel, fabs(got - want) / fabs(want));
}

/* ---- histogram ---- */

/* 10^6 exponential samples at λ = 3.7/s: the 0.5, 0.9, 0.99 quantiles are
 * ln 2/λ = 0.18734 s, ln 10/λ = 0.62231 s, ln 100/λ = 1.24463 s. Sampling
 * error of the 0.99 quantile: √(q(1−q)/n)/f(x_q) = √(0.0099/10^6)/(0.037) =
 * 0.0027 s, 0.2% of the value; bin width ≤ 0.8%, interpolated: 1% holds. */
static void test_hist_exponential_quantiles(void **state)
{
    (void)state;
    const double rate = 3.7;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 31337);
    ew_hist h;
    assert_int_equal(ew_hist_init(&h), 0);
    for (int i = 0; i < 1000000; i++)
        ew_hist_add(&h, gsl_ran_exponential(r, 1.0 / rate));   /* GSL takes the mean */
    assert_int_equal(h.n, 1000000);
    static const double qs[] = {0.5, 0.9, 0.99};
    for (size_t k = 0; k < 3; k++) {
        char what[64];
        snprintf(what, sizeof what, "exponential quantile %.2f", qs[k]);
        assert_rel(ew_hist_quantile(&h, qs[k]), -log(1.0 - qs[k]) / rate, 0.01, what);
    }
    /* and the median is not the mean (1/λ = 0.27): the quantile is not a mean */
    assert_true(ew_hist_quantile(&h, 0.5) < 0.9 / rate);
    ew_hist_free(&h);
    ew_hist_free(&h);   /* a second free is a no-op (h->h is NULL) */
    gsl_rng_free(r);
}

/* The layout: edges strictly increasing; the values 2^-30 and 2^30 are edges
 * (the covered range); each of the 60 octaves 2^e, e = -30..29, holds 128
 * bins; every bin above 2^-30 spans at most 0.8% of its lower edge (1/128
 * = 0.78125% exactly, by the layout). The one bin below 2^-30, [0, 2^-30),
 * collects the tiny values: its lower edge is 0, so the ratio does not
 * apply to it. */
static void test_hist_layout(void **state)
{
    (void)state;
    ew_hist h;
    assert_int_equal(ew_hist_init(&h), 0);
    const gsl_histogram *g = h.h;
    assert_int_equal(g->n, 1 + 60 * 128);
    size_t first = g->n, octave_edges = 0;
    for (size_t i = 0; i < g->n; i++) {
        double lo = g->range[i], hi = g->range[i + 1];
        if (!(hi > lo))
            fail_msg("bin %zu: edges %.17g, %.17g not increasing", i, lo, hi);
        if (lo == 0x1p-30)
            first = i;
        if (lo >= 0x1p-30) {
            if (!((hi - lo) / lo <= 0.008))
                fail_msg("bin %zu [%.17g, %.17g) spans %.4f%% of its lower edge", i, lo, hi,
                         100.0 * (hi - lo) / lo);
            assert_rel((hi - lo) / lo, 1.0 / 128.0, 1.0, "bin width");
            int e;
            if (frexp(lo, &e) == 0.5)   /* lo is a power of two */
                octave_edges++;
        } else {
            assert_true(hi <= 0x1p-30);
        }
    }
    assert_int_equal(first, 1);
    assert_true(g->range[g->n] == 0x1p30);
    assert_int_equal(octave_edges, 60);
    /* bins within one octave, e.g. [1, 2): 128 bins of width 1/128 */
    size_t in_octave = 0;
    for (size_t i = 0; i < g->n; i++)
        if (g->range[i] >= 1.0 && g->range[i] < 2.0) {
            in_octave++;
            assert_true(g->range[i + 1] - g->range[i] == 1.0 / 128.0);
        }
    assert_int_equal(in_octave, 128);
    ew_hist_free(&h);
}

/* Every value goes to the bin whose [lower, upper) holds it: checked at
 * every edge, just below every edge, and for 2·10^5 log-uniform values over
 * [2^-36, 2^36], against gsl_histogram_find on the same ranges (values below
 * 2^-30 belong to the first bin, at or above 2^30 to the last). */
static size_t expected_bin(const gsl_histogram *g, double x)
{
    if (x < g->range[0] || x < 0x1p-30)
        return 0;
    if (x >= g->range[g->n])
        return g->n - 1;
    size_t i;
    assert_int_equal(gsl_histogram_find(g, x, &i), GSL_SUCCESS);
    return i;
}

static void check_lands(ew_hist *h, double x)
{
    size_t want = expected_bin(h->h, x);
    double before = h->h->bin[want];
    uint64_t n = h->n;
    ew_hist_add(h, x);
    if (h->h->bin[want] != before + 1.0)
        fail_msg("%.17g (%a) did not land in bin %zu [%.17g, %.17g)", x, x, want,
                 h->h->range[want], h->h->range[want + 1]);
    assert_int_equal(h->n, n + 1);
}

static void test_hist_binning(void **state)
{
    (void)state;
    ew_hist h;
    assert_int_equal(ew_hist_init(&h), 0);
    for (size_t i = 1; i <= h.h->n; i++) {
        double edge = h.h->range[i];
        check_lands(&h, edge);
        check_lands(&h, nextafter(edge, 0.0));
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 777);
    for (int k = 0; k < 200000; k++)
        check_lands(&h, ldexp(1.0, -36) * exp2(72.0 * gsl_rng_uniform(r)));
    /* the total count matches the sum over bins */
    assert_true(gsl_histogram_sum(h.h) == (double)h.n);
    gsl_rng_free(r);
    ew_hist_free(&h);
}

/* Out of range: 0, a subnormal and values below 2^-30 all count in the first
 * bin, [0, 2^-30); 2^30, 7.5e12, 1e300 and +inf in the last, whose upper
 * edge is 2^30. Quantiles stay inside those bins. */
static void test_hist_out_of_range(void **state)
{
    (void)state;
    ew_hist lo, hi;
    assert_int_equal(ew_hist_init(&lo), 0);
    assert_int_equal(ew_hist_init(&hi), 0);
    const double tiny[] = {0.0, 4.9e-324, 1e-12, 3.3e-10, nextafter(0x1p-30, 0.0)};
    const double huge[] = {0x1p30, 2.2e9, 7.5e12, 1e300, INFINITY};
    for (int i = 0; i < 5; i++) {
        ew_hist_add(&lo, tiny[i]);
        ew_hist_add(&hi, huge[i]);
    }
    size_t last = hi.h->n - 1;
    assert_true(lo.h->bin[0] == 5.0);
    assert_true(gsl_histogram_sum(lo.h) == 5.0);
    assert_true(hi.h->bin[last] == 5.0);
    assert_true(gsl_histogram_sum(hi.h) == 5.0);
    for (int k = 0; k <= 4; k++) {
        double q = 0.25 * k;
        double a = ew_hist_quantile(&lo, q), b = ew_hist_quantile(&hi, q);
        if (!(a >= 0.0 && a <= 0x1p-30))
            fail_msg("tiny values: quantile %.2f = %.17g, outside [0, 2^-30]", q, a);
        if (!(b >= hi.h->range[last] && b <= 0x1p30))
            fail_msg("huge values: quantile %.2f = %.17g, outside the last bin", q, b);
    }
    /* half tiny, half huge: the 0.25 quantile is tiny, the 0.75 huge */
    ew_hist_merge(&lo, &hi);
    assert_true(ew_hist_quantile(&lo, 0.25) <= 0x1p-30);
    assert_true(ew_hist_quantile(&lo, 0.75) >= lo.h->range[last]);
    ew_hist_free(&lo);
    ew_hist_free(&hi);
}

/* A histogram of a single repeated value 3.0 (bin [3, 3 + 2/128)): any
 * quantile lies in that bin, and the 0 quantile is its lower edge 3.0. */
static void test_hist_single_value(void **state)
{
    (void)state;
    ew_hist h;
    assert_int_equal(ew_hist_init(&h), 0);
    for (int i = 0; i < 10; i++)
        ew_hist_add(&h, 3.0);
    assert_true(ew_hist_quantile(&h, 0.0) == 3.0);
    for (int k = 1; k <= 9; k++) {
        double x = ew_hist_quantile(&h, 0.1 * k);
        if (!(x >= 3.0 && x <= 3.0 + 2.0 / 128.0))
            fail_msg("quantile %.1f of ten 3.0s is %.17g, outside [3, 3.015625]", 0.1 * k, x);
    }
    ew_hist_free(&h);
}

/* q = 1 is inside the contract (0 <= q <= 1): it is the top of the data,
 * so it lies in the bin of the largest sample. Checked for every sample
 * size n = 1..200 of the values 1 + 0.37·i, i < n, and for ten 3.0s. */
static void test_hist_quantile_at_one(void **state)
{
    (void)state;
    int bad = 0;
    char first[256] = "";
    for (int n = 1; n <= 200; n++) {
        ew_hist h;
        assert_int_equal(ew_hist_init(&h), 0);
        for (int i = 0; i < n; i++)
            ew_hist_add(&h, 1.0 + 0.37 * i);
        size_t b;
        assert_int_equal(gsl_histogram_find(h.h, 1.0 + 0.37 * (n - 1), &b), GSL_SUCCESS);
        double x = ew_hist_quantile(&h, 1.0);
        if (!(x >= h.h->range[b] && x <= h.h->range[b + 1]) && bad++ == 0)
            snprintf(first, sizeof first, "n = %d: quantile 1.0 is %.17g, the largest sample "
                     "%.17g is in [%.17g, %.17g)", n, x, 1.0 + 0.37 * (n - 1), h.h->range[b],
                     h.h->range[b + 1]);
        ew_hist_free(&h);
    }
    if (bad)
        fail_msg("%d of 200 sample sizes give a quantile 1.0 outside the top bin; first: %s", bad,
                 first);
    ew_hist h;
    assert_int_equal(ew_hist_init(&h), 0);
    for (int i = 0; i < 10; i++)
        ew_hist_add(&h, 3.0);
    double x = ew_hist_quantile(&h, 1.0);
    if (!(x >= 3.0 && x <= 3.0 + 2.0 / 128.0))
        fail_msg("quantile 1.0 of ten 3.0s is %.17g, outside [3, 3.015625]", x);
    ew_hist_free(&h);
}

static void test_hist_empty_is_nan(void **state)
{
    (void)state;
    ew_hist h;
    assert_int_equal(ew_hist_init(&h), 0);
    assert_true(isnan(ew_hist_quantile(&h, 0.5)));
    assert_true(isnan(ew_hist_quantile(&h, 0.0)));
    assert_true(isnan(ew_hist_quantile(&h, 1.0)));
    /* merging an empty one keeps it empty */
    ew_hist e2;
    assert_int_equal(ew_hist_init(&e2), 0);
    ew_hist_merge(&h, &e2);
    assert_int_equal(h.n, 0);
    assert_true(isnan(ew_hist_quantile(&h, 0.5)));
    ew_hist_free(&h);
    ew_hist_free(&e2);
}

/* Two histograms of different samples (exponential, λ = 3.7/s, and
 * lognormal, ζ = 0.4, σ = 1.3), merged, equal one histogram of all the
 * samples bin for bin (counts are whole numbers: exact equality), and so
 * every quantile is equal too. */
static void test_hist_merge(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2718);
    ew_hist a, b, all;
    assert_int_equal(ew_hist_init(&a), 0);
    assert_int_equal(ew_hist_init(&b), 0);
    assert_int_equal(ew_hist_init(&all), 0);
    for (int i = 0; i < 100000; i++) {
        double x = gsl_ran_exponential(r, 1.0 / 3.7);
        ew_hist_add(&a, x);
        ew_hist_add(&all, x);
    }
    for (int i = 0; i < 70000; i++) {
        double x = gsl_ran_lognormal(r, 0.4, 1.3);
        ew_hist_add(&b, x);
        ew_hist_add(&all, x);
    }
    ew_hist_merge(&a, &b);
    assert_int_equal(a.n, 170000);
    assert_int_equal(all.n, 170000);
    assert_int_equal(b.n, 70000);   /* the source is left as it was */
    assert_true(gsl_histogram_sum(b.h) == 70000.0);
    for (size_t i = 0; i < all.h->n; i++)
        if (a.h->bin[i] != all.h->bin[i])
            fail_msg("bin %zu: merged %.0f, all samples %.0f", i, a.h->bin[i], all.h->bin[i]);
    for (int k = 0; k <= 100; k++)
        assert_true(ew_hist_quantile(&a, 0.01 * k) == ew_hist_quantile(&all, 0.01 * k));
    ew_hist_free(&a);
    ew_hist_free(&b);
    ew_hist_free(&all);
    gsl_rng_free(r);
}

/* ---- batch means ---- */

/* With samples 0, 1, 2, ..., 999 the batches are known exactly. 1000 samples
 * settle at batch size 16 (62·16 = 992 in 62 full batches, 32 <= 62 < 64;
 * size 8 would give 125 batches), 8 samples in the open batch. Batch j
 * holds 16j..16j+15, sum 256j + 120; the open one 992..999, sum 7964. The
 * batch means 16j + 7.5 (j = 0..61) have s = 16·√(62·63/12) = 288.666 and
 * the interval half-width is t(0.975, 61)·s/√62 = 1.9996 × 36.6606 = 73.307. */
static void test_batch_means_exact(void **state)
{
    (void)state;
    ew_batch_means b;
    ew_batch_means_init(&b);
    assert_true(isnan(ew_batch_means_ci95(&b)));
    for (int i = 0; i < 1000; i++)
        ew_batch_means_add(&b, (double)i);
    assert_int_equal(b.n_full, 62);
    assert_int_equal(b.size, 16);
    assert_int_equal(b.part_n, 8);
    assert_true(b.part == 7964.0);
    for (int j = 0; j < 62; j++)
        if (b.sum[j] != 256.0 * j + 120.0)
            fail_msg("batch %d: sum %.17g, expected %.17g", j, b.sum[j], 256.0 * j + 120.0);
    assert_rel(ew_batch_means_ci95(&b), 73.307, 2e-4, "half-width of batches of 0..999");
}

/* fewer than 2 full batches: no interval */
static void test_batch_means_too_few(void **state)
{
    (void)state;
    ew_batch_means b;
    ew_batch_means_init(&b);
    ew_batch_means_add(&b, 4.2);
    assert_int_equal(b.n_full, 1);
    assert_true(isnan(ew_batch_means_ci95(&b)));
    ew_batch_means_add(&b, 5.1);
    /* two batches of one: |5.1 − 4.2|/√2 = s, half-width t(0.975,1)·s/√2 = 12.7062 × 0.45 */
    assert_rel(ew_batch_means_ci95(&b), 12.7062 * 0.45, 2e-4, "two batches of one");
}

/* i.i.d. N(μ = 12.3, σ = 4.7), 10^5 samples. The batch count stays in
 * 32..63 from the first merge on, and the full batches plus the open one
 * always hold every sample. At 10^5: 48 batches of 2048 (98304 samples;
 * 2048·32 <= 98304 < 2048·64) and 1696 in the open batch. The half-width is
 * t(0.975, 47)·s/√48 with s ≈ σ/√2048: within 20% of 1.96 σ/√n = 0.029131
 * (the ratio's own spread is about 1/√(2·47) = 10%, plus 3.5% from t and
 * the open batch; this seed gives 0.885, and the mean over many runs is
 * checked to 3% in test_batch_means_coverage). */
static void test_batch_means_normal(void **state)
{
    (void)state;
    const double mu = 12.3, sigma = 4.7;
    enum { N = 100000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 8675309);
    ew_batch_means b;
    ew_batch_means_init(&b);
    double total = 0.0;
    for (uint64_t n = 1; n <= N; n++) {
        double x = mu + gsl_ran_gaussian_ziggurat(r, sigma);
        total += x;
        ew_batch_means_add(&b, x);
        if ((uint64_t)b.n_full * b.size + b.part_n != n)
            fail_msg("after %llu samples: %d batches of %llu + %llu open",
                     (unsigned long long)n, b.n_full, (unsigned long long)b.size,
                     (unsigned long long)b.part_n);
        if (n >= 64 && (b.n_full < 32 || b.n_full >= 64))
            fail_msg("after %llu samples: %d full batches, expected 32..63",
                     (unsigned long long)n, b.n_full);
        assert_true(b.part_n < b.size);
        assert_true((b.size & (b.size - 1)) == 0);   /* a power of two */
    }
    assert_int_equal(b.n_full, 48);
    assert_int_equal(b.size, 2048);
    assert_int_equal(b.part_n, 1696);
    double kept = b.part;
    for (int j = 0; j < b.n_full; j++)
        kept += b.sum[j];
    assert_rel(kept, total, 1e-9, "sum over batches and the open one");
    double hw = ew_batch_means_ci95(&b);
    assert_rel(hw, 1.96 * sigma / sqrt((double)N), 0.20, "batch-means half-width");
    gsl_rng_free(r);
}

/* 400 independent repetitions of 10^4 N(μ, σ²) samples (39 batches of 256):
 * the interval mean ± half-width covers μ in 95% of them in theory; the
 * binomial spread is √(0.95·0.05/400) = 1.1%, so 90%..99% is over 3 spreads
 * wide each side. The mean half-width matches c4(39)·t(0.975, 38)·σ/√(39·256)
 * (c4(k) = √(2/(k−1))·Γ(k/2)/Γ((k−1)/2) = 0.99344 is E[s]/σ; t = 2.0244)
 * within 3% (the mean of 400 half-widths has a spread of 0.6%). */
static void test_batch_means_coverage(void **state)
{
    (void)state;
    const double mu = -3.7, sigma = 2.9;
    enum { REPS = 400, N = 10000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1234567);
    int covered = 0;
    double hw_sum = 0.0;
    for (int rep = 0; rep < REPS; rep++) {
        ew_batch_means b;
        ew_batch_means_init(&b);
        double sum = 0.0;
        for (int i = 0; i < N; i++) {
            double x = mu + gsl_ran_gaussian_ziggurat(r, sigma);
            sum += x;
            ew_batch_means_add(&b, x);
        }
        assert_int_equal(b.n_full, 39);
        assert_int_equal(b.size, 256);
        /* the interval is centred on the mean of the full batches */
        double m = 0.0;
        for (int j = 0; j < b.n_full; j++)
            m += b.sum[j];
        m /= (double)b.n_full * (double)b.size;
        double hw = ew_batch_means_ci95(&b);
        assert_true(isfinite(hw) && hw > 0.0);
        hw_sum += hw;
        if (fabs(m - mu) <= hw)
            covered++;
        (void)sum;
    }
    double coverage = (double)covered / REPS;
    if (!(coverage >= 0.90 && coverage <= 0.99))
        fail_msg("coverage %.3f over %d repetitions, expected 0.90..0.99", coverage, REPS);
    double k = 39.0;
    double c4 = sqrt(2.0 / (k - 1.0)) * exp(lgamma(k / 2.0) - lgamma((k - 1.0) / 2.0));
    assert_rel(c4, 0.99344, 1e-4, "c4(39)");
    assert_rel(hw_sum / REPS, c4 * 2.0244 * sigma / sqrt(k * 256.0), 0.03,
               "mean batch-means half-width");
    gsl_rng_free(r);
}

/* ew_ci95_halfwidth by hand.
 * x = 2.1, 3.4, 1.9, 4.6, 2.8: mean 14.8/5 = 2.96; squared deviations
 * 0.7396 + 0.1936 + 1.1236 + 2.6896 + 0.0256 = 4.772; s² = 4.772/4 = 1.193,
 * s = 1.092245; t(0.975, 4) = 2.7764 (table); 2.7764 × 1.092245/√5 = 1.35618.
 * x = 1.5, 4.0: s = 2.5/√2, s/√2 = 1.25; t(0.975, 1) = 12.7062: 15.8828. */
static void test_ci95_by_hand(void **state)
{
    (void)state;
    const double x5[] = {2.1, 3.4, 1.9, 4.6, 2.8};
    assert_rel(ew_ci95_halfwidth(x5, 5), 1.35618, 1e-4, "5 values");
    const double x2[] = {1.5, 4.0};
    assert_rel(ew_ci95_halfwidth(x2, 2), 15.8828, 1e-4, "2 values");
    /* a constant vector has no spread */
    const double c[] = {6.25, 6.25, 6.25};
    assert_true(ew_ci95_halfwidth(c, 3) == 0.0);
    /* n < 2: no interval */
    assert_true(isnan(ew_ci95_halfwidth(x5, 1)));
    assert_true(isnan(ew_ci95_halfwidth(x5, 0)));
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hist_exponential_quantiles),
        cmocka_unit_test(test_hist_layout),
        cmocka_unit_test(test_hist_binning),
        cmocka_unit_test(test_hist_out_of_range),
        cmocka_unit_test(test_hist_single_value),
        cmocka_unit_test(test_hist_quantile_at_one),
        cmocka_unit_test(test_hist_empty_is_nan),
        cmocka_unit_test(test_hist_merge),
        cmocka_unit_test(test_batch_means_exact),
        cmocka_unit_test(test_batch_means_too_few),
        cmocka_unit_test(test_batch_means_normal),
        cmocka_unit_test(test_batch_means_coverage),
        cmocka_unit_test(test_ci95_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
