/* test_serving.c — serving sites (sim/serve.c) against the cost model
 * (models/inference/cost.h) and against conservation:
 *   - one request at a time: the simulated latency is the prefill time plus
 *     the sum of the decode steps' times, each computed on its own by
 *     ew_cost_decode_step (1e-9), TTFT is the prefill time, and the query's
 *     GPU energy the prefill's plus the steps' energies (1e-9);
 *   - energy: site energy = idle energy + energy attributed to queries
 *     (1e-9) when every query has finished;
 *   - a KV cache too small for the batch preempts requests, and they still
 *     finish, energy still conserved;
 *   - image generation: latency and energy of steps × one denoising step;
 *   - batching at saturation: energy per output token falls and time per
 *     output token rises as max_batch grows 1, 8, 64, 256.
 * Catalogues are the project's data/ (devices.csv, models.csv).
 */
#define EW_TEST_NAME "test_serving"
#include "ew_test.h"

#include "../../models/device/device.h"
#include "../../models/inference/cost.h"
#include "../../models/inference/model.h"


/* Requests 600 s apart (so each is alone), prompt 713 and output 289 tokens
 * (non-round), Llama 3.1 8B on one H100; 5 requests in 3000 s. */
static const char single_text[] =
    "name: single\nrun: {duration: 3000s, bin: 100s}\n"
    "workload:\n"
    "  arrivals: {process: deterministic, rate: 6/h}\n"
    "  classes:\n"
    "    - {name: chat, kind: llm, model: llama-3.1-8b, share: 1,\n"
    "       prompt_tokens: 713, output_tokens: 289}\n"
    "routing: {policy: uniform}\n"
    "sites:\n"
    "  - name: dc\n"
    "    servers: 1\n"
    "    serving: {device: h100-sxm, model: llama-3.1-8b, gpus_per_server: 1, tp: 1,\n"
    "              max_batch: 8, max_context: 4096}\n";

static void test_single_request_exact(void **state)
{
    (void)state;
    ew_scenario *s = load_scenario(single_text);
    const ew_deployment *dp = &s->sites[0].serve.deployment;
    /* by hand: prefill of 713 tokens yields token 1; tokens 2..289 are 288
     * decode steps of batch 1 at contexts 714, 715, ..., 1001 */
    ew_cost pre = ew_cost_prefill(dp, 713, 0);
    double t = pre.time_s, e = pre.energy_j;
    for (int j = 0; j < 288; j++) {
        ew_cost c = ew_cost_decode_step(dp, 1, 714.0 + j);
        t += c.time_s;
        e += c.energy_j;
    }
    ew_results *r = run_scenario(s);
    assert_int_equal(r->total.arrivals, 5);   /* at 0, 600, ..., 2400 */
    assert_int_equal(r->total.completions, 5);
    check_rel("latency = prefill + 288 decode steps [s]", r->total.sojourn_mean_s, t, 1e-9);
    check_rel("longest latency, the same [s]", r->total.sojourn_max_s, t, 1e-9);
    check_rel("TTFT = prefill time [s]", r->total.ttft_mean_s, pre.time_s, 1e-9);
    check_rel("TPOT = decode time / 288 [s]", r->total.tpot_mean_s, (t - pre.time_s) / 288, 1e-9);
    check_rel("GPU energy per query [J]", r->total.query_energy_mean_j, e, 1e-9);
    check_rel("output tokens", (double)r->total.output_tokens, 5 * 289.0, 0);
    /* idle: 3000 s minus 5 busy periods, at the device's idle power */
    double idle_w = dp->laws.idle_w * dp->tp;
    check_rel("idle energy [J]", r->total.idle_energy_j, idle_w * (3000 - 5 * t), 1e-9);
    check_rel("site = idle + queries [J]", r->total.energy_j,
              r->total.idle_energy_j + r->total.query_energy_j, 1e-9);
    double bins = 0.0;
    for (size_t b = 0; b < r->n_bins; b++)
        bins += r->bin_power_w[b] * fmin(r->bin_s, r->duration_s - (double)b * r->bin_s);
    check_rel("time series integrates to the energy [J]", bins, r->total.energy_j, 1e-9);
    check_rel("utilisation = busy share", r->total.utilisation, 5 * t / 3000, 1e-9);
    assert_int_equal(r->n_records, 5);
    check_rel("record: energy [J]", r->records[2].energy_j, e, 1e-9);
    ew_results_free(r);
    ew_scenario_free(s);
}

/* An RTX 4090 (24 GB) holding Llama 3.1 8B has room for about 42,000
 * tokens of KV cache (see ew_deploy); 64 requests of ~2,000-token prompts
 * and 400-token outputs arriving at once cannot all fit: the newest are
 * preempted and recomputed, and every request still finishes. */
static const char preempt_text[] =
    "name: preempt\nrun: {max_arrivals: 64, drain: true, bin: 10s}\n"
    "workload:\n"
    "  arrivals: {process: deterministic, rate: 100/s}\n"
    "  classes:\n"
    "    - {name: chat, kind: llm, model: llama-3.1-8b, share: 1,\n"
    "       prompt_tokens: {distribution: uniform, min: 1500, max: 2500},\n"
    "       output_tokens: {distribution: uniform, min: 300, max: 500}}\n"
    "routing: {policy: uniform}\n"
    "sites:\n"
    "  - name: home\n"
    "    servers: 1\n"
    "    serving: {device: rtx-4090, model: llama-3.1-8b, tp: 1, max_batch: 64,\n"
    "              max_context: 4096}\n";

static void test_preemption_conserves(void **state)
{
    (void)state;
    ew_scenario *s = load_scenario(preempt_text);
    ew_results *r = run_scenario(s);
    print_message("  %llu requests, %llu preemptions, drained at %.2f s\n",
                  (unsigned long long)r->total.completions,
                  (unsigned long long)r->total.preemptions, r->duration_s);
    assert_true(r->total.preemptions > 0);
    assert_int_equal(r->total.arrivals, 64);
    assert_int_equal(r->total.completions, 64);
    assert_int_equal(r->total.in_flight, 0);
    /* every joule charged to the site went to a query or to idleness: the
     * two sides are summed along different paths (phase energies charged to
     * the site; prefill costs and 1/batch decode shares to queries) */
    check_rel("site = idle + completed queries [J]", r->total.energy_j,
              r->total.idle_energy_j + r->total.query_energy_j, 1e-9);
    ew_results_free(r);
    ew_scenario_free(s);
}

/* The same 64 requests 10 s apart, so that none is preempted: energy is
 * conserved the same way. */
static void test_drained_conservation(void **state)
{
    (void)state;
    ew_scenario *s = load_scenario(preempt_text);
    s->rate_per_s = 0.1;
    ew_results *r = run_scenario(s);
    assert_int_equal(r->total.preemptions, 0);
    assert_int_equal(r->total.completions, 64);
    assert_int_equal(r->total.in_flight, 0);
    check_rel("site = idle + completed queries [J]", r->total.energy_j,
              r->total.idle_energy_j + r->total.query_energy_j, 1e-9);
    ew_results_free(r);
    ew_scenario_free(s);
}

/* Chunked prefill of 713 tokens in chunks of 256 on an otherwise idle
 * replica: three steps of 256, 256 and 201 tokens attending to 0, 256 and
 * 512 earlier tokens, each exactly a prefill of that chunk, then the 288
 * decode steps as before. */
static void test_chunked_single_exact(void **state)
{
    (void)state;
    ew_scenario *s = load_scenario(single_text);
    s->sites[0].serve.prefill_chunk = 256;
    const ew_deployment *dp = &s->sites[0].serve.deployment;
    ew_cost c1 = ew_cost_prefill(dp, 256, 0), c2 = ew_cost_prefill(dp, 256, 256),
            c3 = ew_cost_prefill(dp, 201, 512);
    double ttft = c1.time_s + c2.time_s + c3.time_s, t = ttft;
    double e = c1.energy_j + c2.energy_j + c3.energy_j;
    for (int j = 0; j < 288; j++) {
        ew_cost c = ew_cost_decode_step(dp, 1, 714.0 + j);
        t += c.time_s;
        e += c.energy_j;
    }
    /* a mixed step with no decoding request is a prefill of the chunk */
    ew_cost m = ew_cost_mixed_step(dp, 0, 0, 201, 512);
    check_rel("mixed step with batch 0 = prefill [s]", m.time_s, c3.time_s, 1e-15);
    ew_cost d = ew_cost_mixed_step(dp, 3, 3000, 0, 0), dd = ew_cost_decode_step(dp, 3, 3000);
    check_rel("mixed step with no chunk = decode [J]", d.energy_j, dd.energy_j, 1e-15);
    ew_results *r = run_scenario(s);
    check_rel("TTFT = three chunks [s]", r->total.ttft_mean_s, ttft, 1e-9);
    check_rel("latency = chunks + 288 decode steps [s]", r->total.sojourn_mean_s, t, 1e-9);
    check_rel("GPU energy per query [J]", r->total.query_energy_mean_j, e, 1e-9);
    ew_results_free(r);
    ew_scenario_free(s);
}

/* Chunked prefill under load (the preemption scenario with chunks of 512):
 * every request finishes, energy is conserved, and a chunk is cheaper in
 * one pass with the decodes than apart (weights read once). */
static void test_chunked_conserves(void **state)
{
    (void)state;
    ew_scenario *s = load_scenario(preempt_text);
    s->sites[0].serve.prefill_chunk = 512;
    ew_results *r = run_scenario(s);
    assert_int_equal(r->total.completions, 64);
    assert_int_equal(r->total.in_flight, 0);
    check_rel("site = idle + completed queries [J]", r->total.energy_j,
              r->total.idle_energy_j + r->total.query_energy_j, 1e-9);
    const ew_deployment *dp = &s->sites[0].serve.deployment;
    ew_cost both = ew_cost_mixed_step(dp, 20, 20 * 2000.0, 512, 1024);
    ew_cost apart_d = ew_cost_decode_step(dp, 20, 20 * 2000.0);
    ew_cost apart_p = ew_cost_prefill(dp, 512, 1024);
    assert_true(both.energy_j < apart_d.energy_j + apart_p.energy_j);
    assert_true(both.time_s < apart_d.time_s + apart_p.time_s);
    ew_results_free(r);
    ew_scenario_free(s);
}

static const char image_text[] =
    "name: images\nrun: {duration: 1000s, bin: 100s}\n"
    "workload:\n"
    "  arrivals: {process: deterministic, rate: 0.24/min}\n"
    "  classes:\n"
    "    - {name: pictures, kind: image, model: sdxl, share: 1, steps: 37}\n"
    "routing: {policy: uniform}\n"
    "sites:\n"
    "  - name: home\n"
    "    servers: 1\n"
    "    serving: {device: rtx-4090, model: sdxl}\n";

static void test_image_exact(void **state)
{
    (void)state;
    ew_scenario *s = load_scenario(image_text);
    ew_cost c = ew_cost_diffusion(&s->sites[0].serve.deployment, 37, 1);
    ew_results *r = run_scenario(s);
    assert_int_equal(r->total.completions, 4);
    check_rel("image latency = 37 denoising steps [s]", r->total.sojourn_mean_s, c.time_s, 1e-9);
    check_rel("image GPU energy [J]", r->total.query_energy_mean_j, c.energy_j, 1e-9);
    ew_results_free(r);
    ew_scenario_free(s);
}

/* Saturation: 60 requests/s on one H100 for 120 s is more than any of the
 * four configurations can serve, so each runs its batch as full as it
 * allows. Per output token, energy falls and time rises with max_batch. */
static void test_batching_trend(void **state)
{
    (void)state;
    static const unsigned batches[] = {1, 8, 64, 256};
    double prev_e = INFINITY, prev_t = 0.0;
    for (int i = 0; i < 4; i++) {
        char text[2048];
        snprintf(text, sizeof text,
                 "name: batch\nrun: {duration: 120s, bin: 10s}\n"
                 "workload:\n"
                 "  arrivals: {process: poisson, rate: 60/s}\n"
                 "  classes:\n"
                 "    - {name: chat, kind: llm, model: llama-3.1-8b, share: 1,\n"
                 "       prompt_tokens: 600, output_tokens: {distribution: uniform, min: 200, max: 500}}\n"
                 "routing: {policy: uniform}\n"
                 "sites:\n"
                 "  - {name: dc, servers: 1, serving: {device: h100-sxm, model: llama-3.1-8b,\n"
                 "     tp: 1, max_batch: %u, max_context: 2048}}\n", batches[i]);
        ew_results *r = run_yaml("%s", text);
        double e = r->total.energy_per_output_token_j, t = r->total.tpot_mean_s;
        print_message("  max_batch %3u: %.4g J per output token, %.4g ms per output token, "
                      "%llu completed\n", batches[i], e, t * 1e3,
                      (unsigned long long)r->total.completions);
        assert_true(e < prev_e);
        assert_true(t > prev_t);
        prev_e = e;
        prev_t = t;
        ew_results_free(r);
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_request_exact),
        cmocka_unit_test(test_drained_conservation),
        cmocka_unit_test(test_preemption_conserves),
        cmocka_unit_test(test_chunked_single_exact),
        cmocka_unit_test(test_chunked_conserves),
        cmocka_unit_test(test_image_exact),
        cmocka_unit_test(test_batching_trend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
