/* test_availability.c — on/off period laws and availability traces
 * (models/availability). Run from the repository root.
 *
 * Expected numbers come from the laws themselves, with non-round inputs:
 * the mean of every family is the mean it was given; Weibull variance
 * λ²·[Γ(1 + 2/k) − Γ(1 + 1/k)²]; log-normal and hyper-exponential cv as
 * given; an alternating renewal process is available a fraction
 * mean(on) / (mean(on) + mean(off)) of the time in the long run (renewal-
 * reward theorem). Sample sizes are chosen so that every tolerance is at
 * least four standard errors wide (the standard errors are worked out beside
 * each check). Trace files for the bad-input cases go to a temporary folder.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "ew_tmp.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

#include "ew.h"
#include "../../models/availability/availability.h"
#include "../../models/device/csvtable.h"

#define N_DRAWS 1000000

static void check_rel(const char *what, double got, double want, double tol)
{
    double rel = fabs(got - want) / fabs(want);
    print_message("  %-46s want %-14.8g got %-14.8g rel %.2e (tol %.0e)\n", what, want, got,
                  rel, tol);
    if (!(rel <= tol))
        fail_msg("%s: got %.12g, want %.12g (relative error %.3e > %.1e)", what, got, want, rel,
                 tol);
}

static ew_period_dist make(ew_period_kind kind, double mean_s, double shape)
{
    ew_period_dist d = {kind, mean_s, shape, 0.0, 0.0, 0.0};
    const char *why = NULL;
    if (ew_period_init(&d, &why) != 0)
        fail_msg("ew_period_init refused kind %d mean %g shape %g: %s", (int)kind, mean_s,
                 shape, why ? why : "(no reason)");
    return d;
}

static gsl_rng *rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed);
    return r;
}

/* ---- names and derived parameters -------------------------------------- */

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(ew_period_kind_names[EW_PERIOD_EXPONENTIAL], "exponential");
    assert_string_equal(ew_period_kind_names[EW_PERIOD_WEIBULL], "weibull");
    assert_string_equal(ew_period_kind_names[EW_PERIOD_LOGNORMAL], "lognormal");
    assert_string_equal(ew_period_kind_names[EW_PERIOD_HYPEREXP], "hyperexponential");
    assert_string_equal(ew_period_kind_names[EW_PERIOD_FIXED], "fixed");
    assert_null(ew_period_kind_names[EW_PERIOD_FIXED + 1]);
}

static void test_derived_parameters(void **state)
{
    (void)state;
    /* Weibull k = 2: Γ(1 + 1/2) = √π/2, so scale = 2·m/√π */
    ew_period_dist w = make(EW_PERIOD_WEIBULL, 7313.0, 2.0);
    check_rel("weibull k=2 scale = 2 m / sqrt(pi)", w.p1, 2.0 * 7313.0 / sqrt(acos(-1.0)), 1e-12);
    /* log-normal cv = 0.75: σ² = ln(1.5625), μ = ln m − σ²/2 */
    ew_period_dist l = make(EW_PERIOD_LOGNORMAL, 2718.0, 0.75);
    check_rel("lognormal sigma^2 = ln(1 + cv^2)", l.p2 * l.p2, log(1.5625), 1e-12);
    check_rel("lognormal mu = ln m - sigma^2/2", l.p1, log(2718.0) - 0.5 * log(1.5625), 1e-12);
    /* hyper-exponential cv = 2.3: r = sqrt(4.29/6.29), p1 = (1 + r)/2,
     * phase means m/(2 p1) and m/(2 (1 − p1)) */
    double r = sqrt(4.29 / 6.29), p1 = 0.5 * (1.0 + r);
    ew_period_dist h = make(EW_PERIOD_HYPEREXP, 5150.5, 2.3);
    check_rel("hyperexp p1 = (1 + r)/2", h.p1, p1, 1e-12);
    check_rel("hyperexp phase-1 mean m/(2 p1)", h.p2, 5150.5 / (2.0 * p1), 1e-12);
    check_rel("hyperexp phase-2 mean m/(2 p2)", h.p3, 5150.5 / (2.0 * (1.0 - p1)), 1e-9);
    /* each phase carries half the mean (balanced means) */
    check_rel("hyperexp p1 * mean1 = m/2", h.p1 * h.p2, 5150.5 / 2.0, 1e-12);
    check_rel("hyperexp p2 * mean2 = m/2", (1.0 - h.p1) * h.p3, 5150.5 / 2.0, 1e-9);
}

/* cv = 1 hyper-exponential is the exponential: the same numbers from the
 * same stream. */
static void test_hyperexp_cv1_is_exponential(void **state)
{
    (void)state;
    ew_period_dist e = make(EW_PERIOD_EXPONENTIAL, 1234.5, 0.0);
    ew_period_dist h = make(EW_PERIOD_HYPEREXP, 1234.5, 1.0);
    gsl_rng *a = rng(77), *b = rng(77);
    for (int i = 0; i < 1000; i++)
        assert_true(ew_period_draw(&e, a) == ew_period_draw(&h, b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void test_fixed(void **state)
{
    (void)state;
    ew_period_dist f = make(EW_PERIOD_FIXED, 3601.5, 0.0);
    gsl_rng *r = rng(1);
    for (int i = 0; i < 10; i++)
        assert_true(ew_period_draw(&f, r) == 3601.5);
    gsl_rng_free(r);
}

static void test_init_refusals(void **state)
{
    (void)state;
    static const struct {
        ew_period_kind kind;
        double mean_s, shape;
        const char *fragment;
    } bad[] = {
        {EW_PERIOD_EXPONENTIAL, 0.0, 0.0, "mean"},
        {EW_PERIOD_EXPONENTIAL, -60.0, 0.0, "mean"},
        {EW_PERIOD_FIXED, 0.0, 0.0, "mean"},
        {EW_PERIOD_WEIBULL, 3600.0, 0.0, "shape k"},
        {EW_PERIOD_WEIBULL, 3600.0, -0.6, "shape k"},
        {EW_PERIOD_WEIBULL, 3600.0, 0.05, "shape k"},   /* Γ(21) = 2.4e18: refused */
        {EW_PERIOD_WEIBULL, -3600.0, 0.6, "mean"},
        {EW_PERIOD_LOGNORMAL, 3600.0, 0.0, "cv"},
        {EW_PERIOD_LOGNORMAL, 3600.0, -1.3, "cv"},
        {EW_PERIOD_HYPEREXP, 3600.0, 0.0, "cv"},
        {EW_PERIOD_HYPEREXP, 3600.0, 0.99, "cv must be >= 1"},
        {(ew_period_kind)99, 3600.0, 1.0, "unknown"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ew_period_dist d = {bad[i].kind, bad[i].mean_s, bad[i].shape, 0.0, 0.0, 0.0};
        const char *why = NULL;
        if (ew_period_init(&d, &why) != -1)
            fail_msg("case %zu (kind %d, mean %g, shape %g) was accepted", i, (int)bad[i].kind,
                     bad[i].mean_s, bad[i].shape);
        assert_non_null(why);
        if (!strstr(why, bad[i].fragment))
            fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i, why, bad[i].fragment);
        assert_int_equal(ew_period_init(&d, NULL), -1);   /* why may be NULL */
    }
    ew_period_dist d = {EW_PERIOD_EXPONENTIAL, NAN, 0.0, 0.0, 0.0, 0.0};
    assert_int_equal(ew_period_init(&d, NULL), -1);
    d.mean_s = INFINITY;
    assert_int_equal(ew_period_init(&d, NULL), -1);
    d = (ew_period_dist){EW_PERIOD_LOGNORMAL, 3600.0, NAN, 0.0, 0.0, 0.0};
    assert_int_equal(ew_period_init(&d, NULL), -1);
}

/* ---- sample moments of 10^6 draws --------------------------------------- */

typedef struct moments { double mean, var; } moments;

/* Welford's running mean and variance; fails if any draw is <= 0. */
static moments sample(const ew_period_dist *d, unsigned long seed)
{
    gsl_rng *r = rng(seed);
    double mean = 0.0, m2 = 0.0;
    for (long i = 1; i <= N_DRAWS; i++) {
        double x = ew_period_draw(d, r);
        if (!(x > 0.0) || !isfinite(x))
            fail_msg("draw %ld is %g, expected a finite number > 0", i, x);
        double delta = x - mean;
        mean += delta / (double)i;
        m2 += delta * (x - mean);
    }
    gsl_rng_free(r);
    return (moments){mean, m2 / (N_DRAWS - 1)};
}

/* Relative standard errors with n = 10^6: mean cv/1000; variance
 * sqrt((κ − 1)/n) with κ the kurtosis; cv half that. Worked out per case. */
static void test_sample_moments(void **state)
{
    (void)state;
    /* exponential, m = 4211.3 s: se(mean) 0.10% (tolerance 1% = 10 se) */
    ew_period_dist e = make(EW_PERIOD_EXPONENTIAL, 4211.3, 0.0);
    moments me = sample(&e, 11);
    check_rel("exponential mean", me.mean, 4211.3, 0.01);
    check_rel("exponential cv = 1", sqrt(me.var) / me.mean, 1.0, 0.03);

    /* Weibull k = 0.6, m = 13337.7 s: cv 1.758, κ 40.5; se(mean) 0.18%,
     * se(var) 0.63% (tolerances 1% and 3%: 5.7 and 4.8 se) */
    static const double ks[] = {0.6, 2.1, 0.393};
    static const double ms[] = {13337.7, 977.9, 37258.92};
    for (int i = 0; i < 2; i++) {
        double k = ks[i], m = ms[i];
        ew_period_dist w = make(EW_PERIOD_WEIBULL, m, k);
        double g1 = gsl_sf_gamma(1.0 + 1.0 / k), g2 = gsl_sf_gamma(1.0 + 2.0 / k);
        double lambda = m / g1;
        moments mw = sample(&w, 21 + (unsigned long)i);
        char what[64];
        snprintf(what, sizeof what, "weibull k=%.1f mean", k);
        check_rel(what, mw.mean, m, 0.01);
        snprintf(what, sizeof what, "weibull k=%.1f variance (gamma formula)", k);
        check_rel(what, mw.var, lambda * lambda * (g2 - g1 * g1), 0.03);
    }
    /* the volunteer profile's shape, k = 0.393: cv 3.23, se(mean) 0.32%
     * (tolerance 1% = 3.1 se); its variance (κ 324) is too noisy to test */
    ew_period_dist wv = make(EW_PERIOD_WEIBULL, ms[2], ks[2]);
    check_rel("weibull k=0.393 mean", sample(&wv, 23).mean, ms[2], 0.01);

    /* log-normal cv = 1.3, m = 2718.28 s: w = 1 + cv² = 2.69,
     * κ = w⁴ + 2w³ + 3w² − 3 = 110; se(mean) 0.13%, se(cv) 0.52% */
    ew_period_dist l = make(EW_PERIOD_LOGNORMAL, 2718.28, 1.3);
    moments ml = sample(&l, 31);
    check_rel("lognormal mean", ml.mean, 2718.28, 0.01);
    check_rel("lognormal cv", sqrt(ml.var) / ml.mean, 1.3, 0.03);

    /* hyper-exponential cv = 2.3, m = 5150.5 s: se(mean) 0.23%, se(cv)
     * 0.41% (moments n!·Σ p_i m_i^n); cv = 1.6: 0.16% and 0.29% */
    static const double cvs[] = {2.3, 1.6};
    for (int i = 0; i < 2; i++) {
        ew_period_dist h = make(EW_PERIOD_HYPEREXP, 5150.5, cvs[i]);
        moments mh = sample(&h, 41 + (unsigned long)i);
        char what[64];
        snprintf(what, sizeof what, "hyperexp cv=%.1f mean", cvs[i]);
        check_rel(what, mh.mean, 5150.5, 0.01);
        snprintf(what, sizeof what, "hyperexp cv=%.1f cv", cvs[i]);
        check_rel(what, sqrt(mh.var) / mh.mean, cvs[i], 0.03);
    }
}

/* ---- alternating renewal process ---------------------------------------- */

#define N_BATCHES 40

/* Simulates on, off, on, ... from t = 0 over N_BATCHES batches of
 * batch_s each and returns the available fraction of each batch. */
static void renewal(const ew_period_dist *on, const ew_period_dist *off, double batch_s,
                    unsigned long seed, double *frac)
{
    gsl_rng *r = rng(seed);
    double horizon = batch_s * N_BATCHES, t = 0.0;
    double on_s[N_BATCHES] = {0};
    int up = 1;
    while (t < horizon) {
        double len = ew_period_draw(up ? on : off, r);
        if (up) {
            /* spread [t, t + len) over the batches it covers */
            double a = t, b = fmin(t + len, horizon);
            while (a < b) {
                int k = (int)(a / batch_s);
                if (k >= N_BATCHES)
                    break;
                double edge = fmin(b, (k + 1) * batch_s);
                on_s[k] += edge - a;
                a = edge;
            }
        }
        t += len;
        up = !up;
    }
    for (int k = 0; k < N_BATCHES; k++)
        frac[k] = on_s[k] / batch_s;
    gsl_rng_free(r);
}

static void test_available_fraction(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        ew_period_kind on_kind;
        double on_mean_s, on_shape;
        ew_period_kind off_kind;
        double off_mean_s, off_shape;
    } cases[] = {
        {"exponential on / exponential off", EW_PERIOD_EXPONENTIAL, 13337.7, 0.0,
         EW_PERIOD_EXPONENTIAL, 4211.3, 0.0},
        {"weibull k=0.6 on / weibull k=2.1 off", EW_PERIOD_WEIBULL, 13337.7, 0.6,
         EW_PERIOD_WEIBULL, 4211.3, 2.1},
        {"weibull k=2.1 on / weibull k=0.6 off", EW_PERIOD_WEIBULL, 2963.4, 2.1,
         EW_PERIOD_WEIBULL, 7771.9, 0.6},
        {"weibull k=0.6 on / exponential off", EW_PERIOD_WEIBULL, 977.9, 0.6,
         EW_PERIOD_EXPONENTIAL, 5150.5, 0.0},
        {"hyperexp cv=2.3 on / lognormal cv=1.3 off", EW_PERIOD_HYPEREXP, 6113.1, 2.3,
         EW_PERIOD_LOGNORMAL, 2718.28, 1.3},
    };
    double tq = gsl_cdf_tdist_Pinv(0.975, N_BATCHES - 1);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ew_period_dist on = make(cases[c].on_kind, cases[c].on_mean_s, cases[c].on_shape);
        ew_period_dist off = make(cases[c].off_kind, cases[c].off_mean_s, cases[c].off_shape);
        double cycle = cases[c].on_mean_s + cases[c].off_mean_s;
        double want = cases[c].on_mean_s / cycle;
        double frac[N_BATCHES];
        /* 25,000 mean cycles a batch, 10^6 in all */
        renewal(&on, &off, 25000.0 * cycle, 1000 + (unsigned long)c, frac);
        double mean = 0.0, ss = 0.0;
        for (int k = 0; k < N_BATCHES; k++)
            mean += frac[k] / N_BATCHES;
        for (int k = 0; k < N_BATCHES; k++)
            ss += (frac[k] - mean) * (frac[k] - mean);
        double half = tq * sqrt(ss / (N_BATCHES - 1) / N_BATCHES);
        print_message("  %-44s want %.6f sim %.6f +- %.6f (95%%, %d batch means)\n",
                      cases[c].name, want, mean, half, N_BATCHES);
        if (!(fabs(mean - want) <= half))
            fail_msg("%s: available fraction %.6f, expected %.6f within the 95%% interval "
                     "+-%.6f",
                     cases[c].name, mean, want, half);
        /* and the interval is tight enough for the check to mean something */
        if (!(half < 0.01 * want))
            fail_msg("%s: interval +-%.6f wider than 1%% of %.6f", cases[c].name, half, want);
    }
}

/* ---- the defaults in data/availability.csv ------------------------------- */

static void test_default_profiles(void **state)
{
    (void)state;
    ew_csv_table *t = NULL;
    ew_error err = {0};
    if (ew_csv_table_read("data/availability.csv", &t, &err) != EW_OK)
        fail_msg("%s", err.msg);
    static const char *const names[] = {"profile", "phase", "distribution", "mean_h",
                                        "shape",   "source", "note"};
    int ix[7];
    if (ew_csv_require(t, names, 7, ix, &err) != EW_OK)
        fail_msg("%s", err.msg);
    static const char *const required[] = {"volunteer", "gaming-pc", "always-on"};
    int seen_on[3] = {0}, seen_off[3] = {0};
    for (size_t r = 0; r < t->nrows; r++) {
        const char *profile = t->cells[r][ix[0]], *phase = t->cells[r][ix[1]];
        const char *dist = t->cells[r][ix[2]];
        int kind = -1;
        for (int k = 0; ew_period_kind_names[k]; k++)
            if (strcmp(dist, ew_period_kind_names[k]) == 0)
                kind = k;
        if (kind < 0)
            fail_msg("data/availability.csv:%d: unknown distribution \"%s\"", t->lines[r], dist);
        if (strcmp(phase, "on") != 0 && strcmp(phase, "off") != 0)
            fail_msg("data/availability.csv:%d: phase \"%s\"", t->lines[r], phase);
        double mean_h, shape;
        if (ew_csv_number(t, r, ix[3], 0, 0.0, 0.0, "mean [h]", &mean_h, &err) != EW_OK ||
            ew_csv_number(t, r, ix[4], 1, 0.0, 0.0, "shape", &shape, &err) != EW_OK)
            fail_msg("%s", err.msg);
        if (!t->cells[r][ix[5]][0])
            fail_msg("data/availability.csv:%d: empty source", t->lines[r]);
        ew_period_dist d = {(ew_period_kind)kind, mean_h * 3600.0, shape, 0.0, 0.0, 0.0};
        const char *why = NULL;
        if (ew_period_init(&d, &why) != 0)
            fail_msg("data/availability.csv:%d: %s", t->lines[r], why);
        for (int q = 0; q < 3; q++)
            if (strcmp(profile, required[q]) == 0)
                (strcmp(phase, "on") == 0 ? seen_on : seen_off)[q]++;

        /* the volunteer row's figures follow from the published parameters:
         * Weibull k 0.393, scale 2.964 h; log-normal μ −0.586, σ 2.444 (ln h) */
        if (strcmp(profile, "volunteer") == 0 && strcmp(phase, "on") == 0) {
            check_rel("volunteer on: 2.964 h * Gamma(1 + 1/0.393)", mean_h,
                      2.964 * gsl_sf_gamma(1.0 + 1.0 / 0.393), 1e-5);
            check_rel("volunteer on: k", shape, 0.393, 1e-12);
        }
        if (strcmp(profile, "volunteer") == 0 && strcmp(phase, "off") == 0) {
            check_rel("volunteer off: exp(mu + sigma^2/2)", mean_h,
                      exp(-0.586 + 0.5 * 2.444 * 2.444), 1e-5);
            check_rel("volunteer off: sqrt(exp(sigma^2) - 1)", shape,
                      sqrt(expm1(2.444 * 2.444)), 1e-5);
        }
    }
    for (int q = 0; q < 3; q++)
        if (seen_on[q] != 1 || seen_off[q] != 1)
            fail_msg("profile %s: %d on and %d off rows, expected one each", required[q],
                     seen_on[q], seen_off[q]);
    ew_csv_table_free(t);
}

/* ---- traces ------------------------------------------------------------- */





/* Sorted, disjoint, non-empty intervals inside [0, end_s], and an index
 * that covers them all. */
static void check_well_formed(const ew_trace *tr)
{
    assert_true(tr->n_nodes > 0);
    assert_int_equal(tr->first[0], 0);
    double latest = 0.0;
    for (uint32_t n = 0; n < tr->n_nodes; n++) {
        assert_true(tr->first[n] <= tr->first[n + 1]);
        for (uint32_t i = tr->first[n]; i < tr->first[n + 1]; i++) {
            const ew_interval *iv = &tr->intervals[i];
            assert_true(iv->start_s >= 0.0);
            assert_true(iv->end_s > iv->start_s);
            if (i > tr->first[n])
                assert_true(iv->start_s > tr->intervals[i - 1].end_s);
            latest = fmax(latest, iv->end_s);
        }
    }
    assert_true(latest == tr->end_s);
}

static void test_trace_sample_loads(void **state)
{
    (void)state;
    const char *path = "data/traces/edge-sample.csv";
    ew_trace *tr = NULL;
    ew_error err = {0};
    if (ew_trace_load(path, &tr, &err) != EW_OK)
        fail_msg("%s", err.msg);
    check_well_formed(tr);
    assert_true(tr->n_nodes >= 20 && tr->n_nodes <= 50);
    assert_true(tr->end_s <= 2 * 86400.0);
    /* every data row is one interval: the generator already merged touching ones */
    ew_csv_table *t = NULL;
    assert_int_equal(ew_csv_table_read(path, &t, &err), EW_OK);
    assert_int_equal(tr->first[tr->n_nodes], t->nrows);
    ew_csv_table_free(t);
    print_message("  %s: %u nodes, %u intervals, last end %.0f s\n", path,
                  (unsigned)tr->n_nodes, (unsigned)tr->first[tr->n_nodes], tr->end_s);
    ew_trace_free(tr);
    ew_trace_free(NULL);
}

/* Rows in any node order, a node with no row, touching intervals, comments,
 * an extra column. */
static void test_trace_layout(void **state)
{
    (void)state;
    const char *path = write_tmp("layout.csv",
                                 "# a comment before the header\n"
                                 "node,start_s,end_s,source,note\n"
                                 "3,100.5,200.25,hand,\n"
                                 "0,0,60,hand,first\n"
                                 "# a comment between rows\n"
                                 "3,200.25,300,hand,touches the one before\n"
                                 "0,120,180,hand,\n"
                                 "1,7,8.5,hand,\n"
                                 "3,400,450.75,hand,\n");
    ew_trace *tr = NULL;
    ew_error err = {0};
    if (ew_trace_load(path, &tr, &err) != EW_OK)
        fail_msg("%s", err.msg);
    check_well_formed(tr);
    assert_int_equal(tr->n_nodes, 4);   /* nodes 0 .. 3 */
    static const uint32_t first[] = {0, 2, 3, 3, 5};
    for (int n = 0; n <= 4; n++)
        assert_int_equal(tr->first[n], first[n]);   /* node 2 has none: never available */
    static const double iv[][2] = {{0, 60}, {120, 180}, {7, 8.5}, {100.5, 300}, {400, 450.75}};
    for (int i = 0; i < 5; i++) {
        assert_true(tr->intervals[i].start_s == iv[i][0]);
        assert_true(tr->intervals[i].end_s == iv[i][1]);
    }
    assert_true(tr->end_s == 450.75);
    ew_trace_free(tr);
}

static void test_trace_bad(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text, *fragment;
    } bad[] = {
        {"overlap.csv", "node,start_s,end_s,source\n0,0,100,x\n0,50,200,x\n",
         "overlap.csv:3:2: start_s: expected no overlap with node 0's interval on line 2"},
        {"overlap-comment.csv", "# comment\nnode,start_s,end_s,source\n5,10,20,x\n5,19.5,30,x\n",
         "overlap-comment.csv:4:2: start_s: expected no overlap"},
        {"unsorted.csv", "node,start_s,end_s,source\n2,100,200,x\n1,0,5,x\n2,0,50,x\n",
         "unsorted.csv:4:2: start_s: expected node 2's rows sorted by start"},
        {"end-before-start.csv", "node,start_s,end_s,source\n0,100,50,x\n",
         "end-before-start.csv:2:3: end_s: expected an end > start_s (100 s), got \"50\""},
        {"end-equals-start.csv", "node,start_s,end_s,source\n0,100,200,x\n1,70,70,x\n",
         "end-equals-start.csv:3:3: end_s: expected an end > start_s"},
        {"negative-start.csv", "node,start_s,end_s,source\n0,-5,10,x\n",
         "negative-start.csv:2:2: start_s: expected a time >= 0 [s], got \"-5\""},
        {"negative-end.csv", "node,start_s,end_s,source\n0,0,-10,x\n",
         "negative-end.csv:2:3: end_s: expected an end > start_s"},
        {"fraction-node.csv", "node,start_s,end_s,source\n1.5,0,10,x\n",
         "fraction-node.csv:2:1: node: expected an integer node id >= 0 and <= 9999999, "
         "got \"1.5\""},
        {"negative-node.csv", "node,start_s,end_s,source\n-1,0,10,x\n",
         "negative-node.csv:2:1: node: expected an integer node id >= 0, got \"-1\""},
        {"text-node.csv", "node,start_s,end_s,source\nnode7,0,10,x\n",
         "text-node.csv:2:1: node: expected an integer node id"},
        {"huge-node.csv", "node,start_s,end_s,source\n4000000000,0,10,x\n",
         "huge-node.csv:2:1: node: expected an integer node id >= 0 and <= 9999999"},
        {"missing-column.csv", "node,start_s,source\n0,0,x\n",
         "missing-column.csv:1:1: header: missing column \"end_s\""},
        {"missing-source.csv", "node,start_s,end_s\n0,0,10\n",
         "missing-source.csv:1:1: header: missing column \"source\""},
        {"empty-source.csv", "node,start_s,end_s,source\n0,0,10,\n",
         "empty-source.csv:2:4: source: expected the source of the interval"},
        {"short-row.csv", "node,start_s,end_s,source\n0,0,10\n",
         "short-row.csv:2:1: row: expected 4 fields"},
        {"no-rows.csv", "# nothing\nnode,start_s,end_s,source\n",
         "no-rows.csv:2:1: trace: expected at least one interval"},
        {"nan-time.csv", "node,start_s,end_s,source\n0,nan,10,x\n",
         "nan-time.csv:2:2: start_s: expected a time >= 0 [s]"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *path = write_tmp(bad[i].name, bad[i].text);
        ew_trace dummy, *tr = &dummy;   /* must be reset to NULL */
        ew_error err = {0};
        int rc = ew_trace_load(path, &tr, &err);
        if (rc != EW_EINVAL)
            fail_msg("%s: rc %d, expected EW_EINVAL (%s)", bad[i].name, rc, err.msg);
        assert_null(tr);
        assert_int_equal(err.code, EW_EINVAL);
        if (!strstr(err.msg, bad[i].fragment))
            fail_msg("%s: message \"%s\" lacks \"%s\"", bad[i].name, err.msg, bad[i].fragment);
        if (!strstr(err.msg, tmpdir))
            fail_msg("%s: message \"%s\" does not name the file", bad[i].name, err.msg);
    }
    /* a missing file is bad input too, named in the message */
    char missing[600];
    snprintf(missing, sizeof missing, "%s/no-such-trace.csv", tmpdir);
    ew_trace *tr = NULL;
    ew_error err = {0};
    assert_int_equal(ew_trace_load(missing, &tr, &err), EW_EINVAL);
    assert_int_equal(err.code, EW_EINVAL);
    assert_null(tr);
    assert_non_null(strstr(err.msg, missing));
    /* and err may be NULL */
    assert_int_equal(ew_trace_load(missing, &tr, NULL), EW_EINVAL);
}

/* Residual life: what is left of a period under way at a random moment has
 * mean E[L²] / (2 E[L]) = m (1 + cv²) / 2 (Ross, Stochastic Processes, §3.4).
 * For each family, 10^6 draws of ew_period_draw_residual: sample mean within
 * 1% of that (2% for the heavy-tailed ones, whose sample mean converges
 * slowly). cv² per family: exponential 1; fixed 0; Weibull
 * Γ(1 + 2/k) / Γ(1 + 1/k)² − 1; log-normal and hyper-exponential as given. */
static void test_residual_life_means(void **state)
{
    (void)state;
    const double m = 3.7 * 3600.0;
    double gk = gsl_sf_gamma(1.0 + 2.0 / 1.7) / pow(gsl_sf_gamma(1.0 + 1.0 / 1.7), 2) - 1.0;
    struct { ew_period_kind kind; double shape, cv2, tol; } cases[] = {
        {EW_PERIOD_EXPONENTIAL, 0, 1.0, 0.01},
        {EW_PERIOD_FIXED, 0, 0.0, 0.01},
        {EW_PERIOD_WEIBULL, 1.7, gk, 0.01},
        {EW_PERIOD_LOGNORMAL, 0.8, 0.64, 0.01},
        {EW_PERIOD_HYPEREXP, 1.9, 3.61, 0.02},
    };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 4711);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ew_period_dist d = {cases[c].kind, m, cases[c].shape, 0, 0, 0};
        assert_int_equal(ew_period_init(&d, NULL), 0);
        double sum = 0.0;
        for (int j = 0; j < 1000000; j++) {
            double x = ew_period_draw_residual(&d, r);
            assert_true(x > 0.0);
            sum += x;
        }
        double want = m * (1.0 + cases[c].cv2) / 2.0, got = sum / 1e6;
        print_message("  %s: residual mean %.6g s, theory %.6g s\n",
                      ew_period_kind_names[cases[c].kind], got, want);
        assert_true(fabs(got - want) <= cases[c].tol * want);
    }
    gsl_rng_free(r);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_residual_life_means),
        cmocka_unit_test(test_derived_parameters),
        cmocka_unit_test(test_hyperexp_cv1_is_exponential),
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_init_refusals),
        cmocka_unit_test(test_sample_moments),
        cmocka_unit_test(test_available_fraction),
        cmocka_unit_test(test_default_profiles),
        cmocka_unit_test(test_trace_sample_loads),
        cmocka_unit_test(test_trace_layout),
        cmocka_unit_test(test_trace_bad),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
