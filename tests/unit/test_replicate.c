/* test_replicate.c — replications: the coverage of the Student-t interval
 * for the M/M/1 mean sojourn, the interval's formula, percentiles from
 * merged histograms, and independence from the number of threads. */
#define EW_TEST_NAME "test_replicate.yaml"
#include "ew_test.h"

#include <stdlib.h>
#include <omp.h>
#include <gsl/gsl_cdf.h>

#include "replicate.h"

/* M/M/1 with λ = 0.5/s, μ = 1/s: mean sojourn 1/(μ − λ) = 2 s exactly. */
static const char mm1[] =
    "name: mm1\n"
    "seed: %u\n"
    "replications: %u\n"
    "run: {max_arrivals: %u, warmup: 200s, bin: 1h}\n"
    "workload:\n"
    "  arrivals: {process: poisson, rate: 0.5/s}\n"
    "  service: {distribution: exponential, mean: 1s}\n"
    "routing: {policy: uniform}\n"
    "sites:\n"
    "  - {name: server, servers: 1, power: {idle: 100W, busy: 300W}}\n";

/* Runs every replication of the scenario text into agg (finished). */
static void replicate(const char *text, ew_aggregate *agg)
{
    ew_scenario *s = load_scenario(text);
    ew_error err = {0};
    assert_int_equal(ew_aggregate_init(agg, s, s->replications), EW_OK);
    ew_job *jobs = calloc(s->replications, sizeof *jobs);
    assert_non_null(jobs);
    for (uint32_t r = 0; r < s->replications; r++)
        jobs[r] = (ew_job){s, r, agg};
    ew_job_options jo = {0, 1, "test"};
    if (ew_run_jobs(jobs, s->replications, &jo, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(ew_aggregate_finish(agg), EW_OK);
    free(jobs);
    ew_scenario_free(s);
}

static size_t field(const char *name)
{
    size_t f = ew_site_field_index(name);
    assert_true(f != (size_t)-1);
    return f;
}

/* Acceptance: over 200 independent experiments of 10 replications each,
 * the 95% interval of the mean sojourn covers 2 s in 90-99% of them. The
 * count is binomial(200, 0.95): 90-99% is 180-198, about -2.6 to +2.4 sd. */
static void interval_coverage_mm1(void **state)
{
    (void)state;
    size_t f = field("sojourn_mean_s");
    int covered = 0;
    for (unsigned e = 0; e < 200; e++) {
        char text[1024];
        snprintf(text, sizeof text, mm1, 1000 + e, 10u, 4000u);
        ew_aggregate agg;
        replicate(text, &agg);
        double m = ew_aggregate_mean(&agg, 1, f), h = ew_aggregate_ci95(&agg, 1, f);
        covered += fabs(m - 2.0) <= h;
        ew_aggregate_free(&agg);
    }
    print_message("coverage: %d of 200 intervals hold 2 s\n", covered);
    assert_in_range(covered, 180, 198);
}

/* Mean and half-width are the textbook formulas over the replications'
 * own totals; counts are averaged, not summed. */
static void interval_formula(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text, mm1, 7u, 5u, 2000u);
    ew_aggregate agg;
    replicate(text, &agg);
    size_t f = field("sojourn_mean_s"), c = field("completions");
    double x[5], sum = 0, csum = 0;
    for (int r = 0; r < 5; r++) {
        x[r] = agg.reps[r * 2 + 1].sojourn_mean_s;
        sum += x[r];
        csum += (double)agg.reps[r * 2 + 1].completions;
    }
    double mean = sum / 5, sd = gsl_stats_sd(x, 1, 5);
    assert_true(fabs(ew_aggregate_mean(&agg, 1, f) - mean) <= 1e-12 * mean);
    double h = gsl_cdf_tdist_Pinv(0.975, 4) * sd / sqrt(5.0);
    assert_true(fabs(ew_aggregate_ci95(&agg, 1, f) - h) <= 1e-12 * h);
    assert_true(fabs(ew_aggregate_mean(&agg, 1, c) - csum / 5) <= 1e-9);
    /* the replications differ: their streams are independent */
    assert_true(x[0] != x[1] && x[1] != x[2]);
    ew_aggregate_free(&agg);
}

/* The merged p95 is the p95 of all replications' queries together: it
 * lies between the smallest and largest per-replication p95, and the
 * merged histogram counts every latency sample of every replication. */
static void percentiles_merged(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text, mm1, 11u, 4u, 3000u);
    ew_aggregate agg;
    replicate(text, &agg);
    const ew_hist *h = ew_aggregate_hist(&agg, 1, EW_HIST_SOJOURN);
    assert_non_null(h);
    uint64_t samples = 0;
    double lo = INFINITY, hi = 0;
    for (int r = 0; r < 4; r++) {
        const ew_site_result *t = &agg.reps[r * 2 + 1];
        samples += t->latency_samples;
        lo = fmin(lo, t->sojourn_p95_s);
        hi = fmax(hi, t->sojourn_p95_s);
    }
    assert_int_equal(h->n, samples);
    double p95 = agg.res->total.sojourn_p95_s;
    assert_true(p95 >= lo && p95 <= hi);
    assert_true(fabs(p95 - ew_hist_quantile(h, 0.95)) == 0.0);
    /* exponential sojourn with rate μ − λ = 0.5/s: p95 = ln(20)/0.5 = 5.99 s */
    assert_true(fabs(p95 - log(20.0) / 0.5) < 0.05 * log(20.0) / 0.5);
    ew_aggregate_free(&agg);
}

/* The same replications on 1 and 2 threads give the same summary, bit for bit. */
static void thread_independent(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text, mm1, 3u, 6u, 3000u);
    ew_aggregate a1, a2;
    omp_set_num_threads(1);
    replicate(text, &a1);
    omp_set_num_threads(2);
    replicate(text, &a2);
    size_t n = 2 * ew_n_site_fields;
    assert_memory_equal(a1.mean, a2.mean, n * sizeof *a1.mean);
    assert_memory_equal(a1.ci95, a2.ci95, n * sizeof *a1.ci95);
    assert_memory_equal(a1.res->bin_power_w, a2.res->bin_power_w,
                        a1.res->n_bins * sizeof *a1.res->bin_power_w);
    ew_aggregate_free(&a1);
    ew_aggregate_free(&a2);
}

int main(void)
{
    (void)run_yaml;   /* ew_test.h helpers this file does not use */
    (void)check_rel;
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(interval_formula),
        cmocka_unit_test(percentiles_merged),
        cmocka_unit_test(thread_independent),
        cmocka_unit_test(interval_coverage_mm1),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
