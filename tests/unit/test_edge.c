/* test_edge.c — the edge network in whole runs (issue: the DePIN edge
 * network against the data centre):
 *   - availability: each node's share of time offered against the
 *     alternating-renewal value mean(on)/(mean(on)+mean(off)), for
 *     exponential and Weibull periods, within a 95% t-interval over nodes;
 *   - a node that leaves mid-query never completes it: the query completes
 *     elsewhere, the lost execution and its energy are reported, and the
 *     time it spent there is its `lost` latency component;
 *   - latency components add up to the end-to-end latency for every query;
 *   - dc_only uses no edge node; two arms see identical arrivals;
 *   - no query is served by a site whose model is not the query's;
 *   - verification ×k: k executions per query exactly, and about k times
 *     the GPU energy.
 */
#define EW_TEST_NAME "test_edge"
#include "ew_test.h"


/* 300 nodes over 3000 h, periods with means 2.7 h on and 1.3 h off: each
 * node lives ~750 cycles, so its off share has sd ≈ 0.01 and the mean over
 * 300 nodes is known to ~0.001. Theory: 1.3 / (2.7 + 1.3) = 0.325. */
static void check_availability(const char *dist, const char *shape)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name: avail\nrun: {duration: 3000h, bin: 100h}\n"
             "workload:\n  arrivals: {rate: 0.001/s}\n"
             "  classes: [{name: c, kind: llm, model: llama-3.2-1b, share: 1, prompt_tokens: 50, "
             "output_tokens: 20}]\n"
             "sites:\n  - {name: n, kind: edge, servers: 300,\n"
             "     availability: {on: {distribution: %s, mean: 2.7h%s}, off: {distribution: %s, "
             "mean: 1.3h%s}},\n"
             "     serving: {device: rtx-3060, model: llama-3.2-1b, max_context: 1024}}\n",
             dist, shape, dist, shape);
    ew_scenario *s = load_scenario(text);
    ew_results *r = run_scenario(s);
    double x[300];
    for (uint32_t i = 0; i < 300; i++)
        x[i] = r->servers[i].off_s / r->duration_s;
    double mean = 0.0;
    for (int i = 0; i < 300; i++)
        mean += x[i] / 300.0;
    double ci = ew_ci95_halfwidth(x, 300), want = 1.3 / (2.7 + 1.3);
    print_message("  %s periods: offline share %.5f ± %.5f, theory %.5f\n", dist, mean, ci, want);
    assert_true(fabs(mean - want) <= ci);
    assert_true(ci < 0.005);   /* narrow enough to mean something */
    check_rel("site off_share = mean over nodes", r->sites[0].off_share, mean, 1e-9);
    ew_results_free(r);
    ew_scenario_free(s);
}

static void test_availability_exponential(void **state)
{
    (void)state;
    check_availability("exponential", "");
}

static void test_availability_weibull(void **state)
{
    (void)state;
    check_availability("weibull", ", shape: 0.7");
}

/* One query at t = 0 to the only edge node (edge_first), 500 output tokens
 * on an RTX 4090 (about 10 s); the node's site is down from 3 s to 1000 s.
 * The query is lost at 3 s, sent to the data centre, and finishes there. */
static const char leave_text[] =
    "name: leave\nrun: {max_arrivals: 1, drain: true, bin: 1s}\n"
    "workload:\n  arrivals: {process: deterministic, rate: 1/s}\n"
    "  clients: [{region: de, share: 1, access: fibre}]\n"
    "  classes: [{name: c, kind: llm, model: llama-3.1-8b, share: 1, prompt_tokens: 300, "
    "output_tokens: 500}]\n"
    "routing: {policy: edge_first}\n"
    "sites:\n"
    "  - {name: dc, region: de, servers: 1, serving: {device: h100-sxm, model: llama-3.1-8b,"
    " max_context: 2048}}\n"
    "  - {name: home, kind: edge, region: de, servers: 1, access: fibre, host: gaming-pc,"
    " serving: {device: rtx-4090, model: llama-3.1-8b, max_batch: 4, max_context: 2048}}\n"
    "outages: [{site: home, from: 3s, to: 1000s}]\n";

static void test_node_leaves_mid_query(void **state)
{
    (void)state;
    ew_scenario *s = load_scenario(leave_text);
    ew_results *r = run_scenario(s);
    const ew_site_result *dc = &r->sites[0], *home = &r->sites[1];
    assert_int_equal(home->arrivals, 1);
    assert_int_equal(home->completions, 0);      /* never completes where it was lost */
    assert_int_equal(home->lost_executions, 1);
    assert_true(home->lost_energy_j > 0.0);
    assert_int_equal(dc->arrivals, 1);
    assert_int_equal(dc->completions, 1);
    assert_int_equal(dc->queries, 1);
    assert_int_equal(r->total.queries, 1);
    assert_int_equal(r->total.failed, 0);
    assert_int_equal(r->n_records, 1);
    const ew_query_record *q = &r->records[0];
    check_rel("time lost with the node [s]", q->lost_s, 3.0, 1e-12);
    check_rel("its lost energy = the site's [J]", q->lost_energy_j, home->lost_energy_j, 1e-12);
    check_rel("served at the data centre", (double)q->site, 0.0, 0.0);
    ew_results_free(r);
    ew_scenario_free(s);
}

/* Components of every sampled query add up to its latency; dc_only sends
 * nothing to the edge; both arms see the same arrivals. */
static const char arms_text[] =
    "name: arms\nrun: {duration: 20min, bin: 1s}\n"
    "workload:\n  arrivals: {rate: 6/s}\n"
    "  clients: [{region: de, share: 0.6, access: cable}, {region: fr, share: 0.4, access: fibre}]\n"
    "  classes: [{name: c, kind: llm, model: llama-3.1-8b, share: 1,\n"
    "             prompt_tokens: {distribution: lognormal, mean: 500, cv: 1, max: 3000},\n"
    "             output_tokens: {distribution: uniform, min: 100, max: 300}}]\n"
    "routing: {policy: edge_first}\n"
    "sites:\n"
    "  - {name: dc, region: de, servers: 1, serving: {device: h100-sxm, model: llama-3.1-8b,"
    " gpus_per_server: 4, max_context: 4096}}\n"
    "  - {name: home, kind: edge, region: fr, servers: 60, access: fibre, host: gaming-pc,\n"
    "     availability: {on: {distribution: exponential, mean: 10min},"
    " off: {distribution: exponential, mean: 5min}},\n"
    "     serving: {device: rtx-4090, model: llama-3.1-8b, max_batch: 2, max_context: 4096}}\n"
    "arms: [{name: dc, routing: dc_only}, {name: edge, routing: edge_first}]\n";

static void test_arms_and_components(void **state)
{
    (void)state;
    ew_scenario *s = load_scenario(arms_text);
    ew_results *r[2];
    for (int a = 0; a < 2; a++) {
        ew_scenario_apply_arm(s, &s->arms[a]);
        r[a] = run_scenario(s);
    }
    assert_int_equal(r[0]->sites[1].arrivals, 0);   /* dc_only: no edge node */
    assert_true(r[1]->sites[1].queries > 0);
    /* the same query arrivals, second by second (a site's `arrivals` counts
     * the executions routed to it, which include re-dispatches) */
    assert_int_equal(r[0]->n_bins, r[1]->n_bins);
    double n0 = 0.0, n1 = 0.0;
    for (size_t b = 0; b < r[0]->n_bins; b++) {
        assert_true(r[0]->bin_arrivals[b] == r[1]->bin_arrivals[b]);
        n0 += r[0]->bin_arrivals[b];
        n1 += r[1]->bin_arrivals[b];
    }
    assert_true(n0 == n1 && n0 > 5000);
    assert_true(r[1]->total.lost_executions > 0);   /* nodes came and went */
    for (int a = 0; a < 2; a++)
        for (size_t i = 0; i < r[a]->n_records; i++) {
            const ew_query_record *q = &r[a]->records[i];
            double sum = q->network_s + q->lost_s + q->queue_s + q->prefill_s + q->generation_s +
                         q->verify_s;
            if (!(fabs(sum - q->latency_s) <= 1e-9 * q->latency_s))
                fail_msg("arm %d record %zu: components %.17g != latency %.17g", a, i, sum,
                         q->latency_s);
            assert_true(q->network_s > 0.0);
        }
    for (int a = 0; a < 2; a++)
        ew_results_free(r[a]);
    ew_scenario_free(s);
}

/* Two models: the 70B only on the data centre (4 × H100, tensor parallel),
 * the 8B on the data centre and on home cards that cannot hold the 70B. */
static void test_models_go_where_they_fit(void **state)
{
    (void)state;
    ew_results *r = run_yaml(
        "name: fit\nrun: {duration: 10min, bin: 1min}\n"
        "workload:\n  arrivals: {rate: 3/s}\n"
        "  classes:\n"
        "    - {name: small, kind: llm, model: llama-3.1-8b, share: 0.6, prompt_tokens: 200,"
        " output_tokens: 100}\n"
        "    - {name: large, kind: llm, model: llama-3.1-70b, share: 0.4, prompt_tokens: 200,"
        " output_tokens: 100}\n"
        "routing: {policy: power_of_two}\n"
        "sites:\n"
        "  - {name: dc-small, servers: 1, serving: {device: h100-sxm, model: llama-3.1-8b,"
        " max_context: 2048}}\n"
        "  - {name: dc-large, servers: 1, serving: {device: h100-sxm, model: llama-3.1-70b,"
        " gpus_per_server: 4, tp: 4, max_context: 2048}}\n"
        "  - {name: home, kind: edge, servers: 30, serving: {device: rtx-3090,"
        " model: llama-3.1-8b, max_context: 2048}}\n");
    assert_true(r->n_records > 100);
    for (size_t i = 0; i < r->n_records; i++) {
        const ew_query_record *q = &r->records[i];
        if (q->cls == 1)
            assert_int_equal(q->site, 1);   /* the 70B: only where it is served */
        else
            assert_true(q->site != 1);
    }
    ew_results_free(r);
}

/* Verification: the same 400 queries unverified and replicated ×2 on 200
 * home nodes, each run drained. Executions (site completions) are exactly
 * k × queries; GPU energy per query about k times (95% intervals from the
 * per-query sample). */
static void test_verification(void **state)
{
    (void)state;
    static const char text[] =
        "name: verify\nrun: {max_arrivals: 400, drain: true, bin: 10s}\n"
        "workload:\n  arrivals: {rate: 2/s}\n"
        "  classes: [{name: c, kind: llm, model: llama-3.2-3b, share: 1,\n"
        "             prompt_tokens: {distribution: uniform, min: 100, max: 700},\n"
        "             output_tokens: {distribution: uniform, min: 50, max: 250}}]\n"
        "routing: {policy: power_of_two}\n"
        "sites:\n  - {name: home, kind: edge, servers: 200, serving: {device: rtx-4080,"
        " model: llama-3.2-3b, max_batch: 4, max_context: 2048}}\n"
        "arms: [{name: plain}, {name: x2, verification: {mode: replicate, k: 2}}]\n";
    ew_scenario *s = load_scenario(text);
    ew_results *r[2];
    double mean[2], ci[2];
    for (int a = 0; a < 2; a++) {
        ew_scenario_apply_arm(s, &s->arms[a]);
        r[a] = run_scenario(s);
        assert_int_equal(r[a]->total.queries, 400);
        assert_int_equal(r[a]->total.completions, (uint64_t)(a + 1) * 400);   /* exactly k × */
        double *x = malloc(r[a]->n_records * sizeof *x);
        for (size_t i = 0; i < r[a]->n_records; i++)
            x[i] = r[a]->records[i].energy_j;
        mean[a] = gsl_stats_mean(x, 1, r[a]->n_records);
        ci[a] = ew_ci95_halfwidth(x, r[a]->n_records);
        free(x);
    }
    /* ratio of means: its interval from the two intervals (delta method) */
    double ratio = mean[1] / mean[0];
    double ci_ratio = ratio * sqrt(pow(ci[0] / mean[0], 2) + pow(ci[1] / mean[1], 2));
    print_message("  GPU energy per query: %.4g J, verified ×2: %.4g J, ratio %.4f ± %.4f\n",
                  mean[0], mean[1], ratio, ci_ratio);
    assert_true(fabs(ratio - 2.0) <= ci_ratio);
    for (int a = 0; a < 2; a++)
        ew_results_free(r[a]);
    ew_scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_availability_exponential),
        cmocka_unit_test(test_availability_weibull),
        cmocka_unit_test(test_node_leaves_mid_query),
        cmocka_unit_test(test_arms_and_components),
        cmocka_unit_test(test_models_go_where_they_fit),
        cmocka_unit_test(test_verification),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
