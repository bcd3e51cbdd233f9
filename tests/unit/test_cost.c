/* test_cost.c — the inference cost model (models/inference/cost.c).
 *
 * Models and devices are built by hand here, not read from data/, so that
 * every expected number can be worked out from the figures in this file:
 *   Llama-3.1-8B: 32 layers, hidden 4096, 32 heads, 8 KV heads (head size
 *     128, KV width 1024), FFN 14336, vocabulary 128256, 8.03e9 parameters;
 *   Llama-3.1-70B: 80 layers, hidden 8192, 64 heads, 8 KV heads, 70.6e9;
 *   a Mixtral-8x7B-like MoE: 46.7e9 parameters, 12.9e9 active;
 *   an H100-SXM-like device: 989e12 bf16 FLOP/s peak, 3.35e12 B/s, 80e9 B,
 *     700 W, with laws picked by hand (non-round): 667.3e12 FLOP/s and
 *     2.871e12 B/s achieved, 187.3 W static, 0.391 pJ/FLOP, 61.7 pJ/B,
 *     0.83 ms per step, 371e9 B/s and 8.3 µs per all-reduce on the link.
 * Counts shared by the hand computations (bf16 weights and KV):
 *   KV bytes per token (8B) = 2 (K, V) × 32 layers × 8 heads × 128 × 2 B
 *                           = 131072 B;
 *   activation bytes per token = 2 (write, read) × 4096 × 2 B × 32 layers
 *                              = 524288 B;
 *   attention FLOPs per (new, attended) token pair = 4 × 32 × 4096 = 524288;
 *   weights = 8.03e9 × 2 B = 16.06e9 B.
 * Tolerances: 1e-12 relative for counts (they are sums of a few doubles),
 * 1e-9 for closed forms against loops.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "ew.h"
#include "../../models/inference/cost.h"

#define TOL_COUNT 1e-12
#define TOL_SUM 1e-9

static void check_rel(const char *what, double got, double want, double tol_rel)
{
    double err = want != 0.0 ? fabs(got - want) / fabs(want) : fabs(got);
    print_message("  %-48s want %-20.12g got %-20.12g rel %.2e\n", what, want, got, err);
    if (!(err <= tol_rel))
        fail_msg("%s: got %.15g, expected %.15g (relative error %.3e > %.1e)", what, got, want,
                 err, tol_rel);
}

/* ---- hand-built models, devices and laws ---- */

static ew_ai_model llm(const char *name, double params, double active, uint32_t layers,
                       uint32_t hidden, uint32_t heads, uint32_t kv_heads, uint32_t ffn,
                       uint32_t vocab)
{
    ew_ai_model m;
    memset(&m, 0, sizeof m);
    snprintf(m.name, sizeof m.name, "%s", name);
    snprintf(m.label, sizeof m.label, "%s (test)", name);
    m.kind = EW_MODEL_LLM;
    m.params = params;
    m.active_params = active;
    m.layers = layers;
    m.hidden = hidden;
    m.heads = heads;
    m.kv_heads = kv_heads;
    m.ffn = ffn;
    m.vocab = vocab;
    m.max_context = 131072;
    m.precision = EW_PREC_BF16;
    return m;
}

static ew_ai_model llama8b(void)
{
    return llm("llama-3.1-8b", 8.03e9, 8.03e9, 32, 4096, 32, 8, 14336, 128256);
}

static ew_ai_model llama70b(void)
{
    return llm("llama-3.1-70b", 70.6e9, 70.6e9, 80, 8192, 64, 8, 28672, 128256);
}

static ew_ai_model mixtral(void)
{
    return llm("mixtral-8x7b", 46.7e9, 12.9e9, 32, 4096, 32, 8, 14336, 32000);
}

static ew_device device(const char *name, double mem, double bw, double fp32, double bf16,
                        double fp8, double int8, double tdp, double link)
{
    ew_device d;
    memset(&d, 0, sizeof d);
    snprintf(d.name, sizeof d.name, "%s", name);
    snprintf(d.label, sizeof d.label, "%s (test)", name);
    snprintf(d.kind, sizeof d.kind, "gpu");
    d.mem_bytes = mem;
    d.mem_bw_bytes_per_s = bw;
    d.peak_flops[EW_PREC_FP32] = fp32;
    d.peak_flops[EW_PREC_BF16] = bf16;
    d.peak_flops[EW_PREC_FP8] = fp8;
    d.peak_flops[EW_PREC_INT8] = int8;
    d.tdp_w = tdp;
    d.link_bytes_per_s = link;
    return d;
}

static ew_device h100(void)
{
    return device("h100-sxm", 80e9, 3.35e12, 67e12, 989e12, 1979e12, 1979e12, 700.0, 450e9);
}

static ew_device rtx3090(void)
{
    return device("rtx-3090", 24e9, 936e9, 35.6e12, 71e12, 0.0, 284e12, 350.0, 32e9);
}

static ew_device a100(void)
{
    return device("a100-80gb", 80e9, 2.039e12, 19.5e12, 312e12, 0.0, 624e12, 400.0, 300e9);
}

static ew_device_laws laws_of(double f32, double f16, double f8, double i8, double bw,
                              double static_w, double jf16, double jb, double cap,
                              double overhead_s, double link, double link_lat)
{
    ew_device_laws l;
    memset(&l, 0, sizeof l);
    l.flops_per_s[EW_PREC_FP32] = f32;
    l.flops_per_s[EW_PREC_BF16] = f16;
    l.flops_per_s[EW_PREC_FP8] = f8;
    l.flops_per_s[EW_PREC_INT8] = i8;
    l.bytes_per_s = bw;
    l.static_w = static_w;
    l.idle_w = 0.4 * static_w;
    l.j_per_flop[EW_PREC_FP32] = 2.9 * jf16;
    l.j_per_flop[EW_PREC_BF16] = jf16;
    l.j_per_flop[EW_PREC_FP8] = 0.61 * jf16;
    l.j_per_flop[EW_PREC_INT8] = 0.57 * jf16;
    l.j_per_byte = jb;
    l.power_cap_w = cap;
    l.step_overhead_s = overhead_s;
    l.link_bytes_per_s = link;
    l.link_latency_s = link_lat;
    snprintf(l.origin, sizeof l.origin, "test laws");
    return l;
}

#define H100_F16 667.3e12
#define H100_BW 2.871e12
#define H100_STATIC 187.3
#define H100_JF 0.391e-12
#define H100_JB 61.7e-12
#define H100_OVH 0.83e-3
#define H100_LINK 371e9
#define H100_LAT 8.3e-6

static ew_device_laws h100_laws_cap(double cap)
{
    return laws_of(48.9e12, H100_F16, 1291.7e12, 1302.4e12, H100_BW, H100_STATIC, H100_JF,
                   H100_JB, cap, H100_OVH, H100_LINK, H100_LAT);
}

static ew_device_laws h100_laws(void)
{
    return h100_laws_cap(700.0);
}

static ew_device_laws rtx3090_laws(void)
{
    return laws_of(27.3e12, 58.1e12, 0.0, 201.7e12, 0.811e12, 61.3, 1.23e-12, 97.4e-12, 350.0,
                   0.47e-3, 24.6e9, 17.1e-6);
}

static ew_device_laws a100_laws(void)
{
    return laws_of(15.7e12, 231.4e12, 0.0, 452.9e12, 1.733e12, 97.1, 0.57e-12, 73.1e-12, 400.0,
                   0.91e-3, 237e9, 9.7e-6);
}

static ew_deployment deploy_ok(const ew_ai_model *m, const ew_device *d, const ew_device_laws *l,
                               ew_precision p, uint32_t tp, uint32_t batch, uint32_t ctx)
{
    ew_deployment dp;
    ew_error err = {0};
    if (ew_deploy(m, d, l, p, tp, batch, ctx, &dp, &err) != EW_OK)
        fail_msg("deploy refused: %s", err.msg);
    return dp;
}

/* The compute and memory terms of a cost at the deployment's rates (bf16). */
static double t_compute(const ew_deployment *dp, const ew_cost *c)
{
    return c->flops / ((double)dp->tp * dp->laws.flops_per_s[EW_PREC_BF16]);
}

static double t_memory(const ew_deployment *dp, const ew_cost *c)
{
    return c->bytes / ((double)dp->tp * dp->laws.bytes_per_s);
}

/* ---- Acceptance 1: counts for Llama-3.1-8B ---- */

/* Prefill of p = 512 tokens into an empty context on one H100.
 *   FLOPs = 2·N·p + 524288·Σ_{i=1..512} i
 *         = 2 × 8.03e9 × 512 + 524288 × (512 × 513 / 2)
 *         = 8 222 720 000 000 + 524288 × 131328
 *         = 8 222 720 000 000 + 68 853 694 464 = 8 291 573 694 464.
 *   Bytes = weights + KV written + activations
 *         = 16 060 000 000 + 512 × 131072 + 512 × 524288
 *         = 16 060 000 000 + 67 108 864 + 268 435 456 = 16 395 544 320.
 *   Compute time 8 291 573 694 464 / 667.3e12 = 12.4255 ms > memory time
 *   16 395 544 320 / 2.871e12 = 5.7108 ms: compute-bound. Dynamic energy
 *   0.391e-12 × F + 61.7e-12 × Y = 3.2420 + 1.0116 = 4.2536 J over 12.43 ms
 *   is 342 W < 700 − 187.3: not capped. */
static void test_llama8b_prefill(void **state)
{
    (void)state;
    ew_ai_model m = llama8b();
    ew_device d = h100();
    ew_device_laws l = h100_laws();
    ew_deployment dp = deploy_ok(&m, &d, &l, EW_PREC_BF16, 1, 1, 4096);
    check_rel("KV bytes per token", dp.kv_bytes_per_token, 131072.0, 0.0);
    check_rel("weights [B]", dp.weights_bytes, 16.06e9, TOL_COUNT);
    ew_cost c = ew_cost_prefill(&dp, 512.0, 0.0);
    check_rel("prefill 512 FLOPs", c.flops, 8291573694464.0, TOL_COUNT);
    check_rel("prefill 512 bytes", c.bytes, 16395544320.0, TOL_COUNT);
    double t = 8291573694464.0 / H100_F16 + H100_OVH;
    double e = H100_STATIC * t + H100_JF * 8291573694464.0 + H100_JB * 16395544320.0;
    check_rel("prefill 512 time [s]", c.time_s, t, TOL_COUNT);
    check_rel("prefill 512 energy [J]", c.energy_j, e, TOL_COUNT);
    assert_int_equal(c.capped, 0);

    /* With 1000 tokens already cached: pairs 512 × 1000 + 131328 = 643328;
     * bytes add the cached context read, 1000 × 131072 = 131 072 000. */
    ew_cost c2 = ew_cost_prefill(&dp, 512.0, 1000.0);
    check_rel("prefill 512 after 1000: FLOPs", c2.flops, 8222720000000.0 + 524288.0 * 643328.0,
              TOL_COUNT);
    check_rel("prefill 512 after 1000: bytes", c2.bytes, 16395544320.0 + 131072000.0, TOL_COUNT);
}

/* Decode steps at context 1024 per request.
 * B = 1: FLOPs = 2 × 8.03e9 + 524288 × (1024 + 1) = 16 060 000 000
 *          + 537 395 200 = 16 597 395 200;
 *        bytes = 16.06e9 + 1024 × 131072 (KV read) + 131072 (KV written)
 *          + 524288 (activations) = 16 194 873 088.
 *        Memory time 16 194 873 088 / 2.871e12 = 5.6408 ms ≫ compute time
 *        24.87 µs: memory-bound, time = 5.6408 + 0.83 ms.
 * B = 64 (contexts sum to 65536): FLOPs = 2 × 8.03e9 × 64 + 524288 × (65536
 *          + 64) = 1 027 840 000 000 + 34 393 292 800 = 1 062 233 292 800;
 *        bytes = 16.06e9 + 65536 × 131072 + 64 × 131072 + 64 × 524288
 *          = 16 060 000 000 + 8 589 934 592 + 8 388 608 + 33 554 432
 *          = 24 691 877 632.
 *        Memory 8.6004 ms > compute 1.5918 ms: still memory-bound. */
static void test_llama8b_decode(void **state)
{
    (void)state;
    ew_ai_model m = llama8b();
    ew_device d = h100();
    ew_device_laws l = h100_laws();
    ew_deployment dp = deploy_ok(&m, &d, &l, EW_PREC_BF16, 1, 64, 4096);

    ew_cost c1 = ew_cost_decode_step(&dp, 1, 1024.0);
    check_rel("decode B=1 FLOPs", c1.flops, 16597395200.0, TOL_COUNT);
    check_rel("decode B=1 bytes", c1.bytes, 16194873088.0, TOL_COUNT);
    double t1 = 16194873088.0 / H100_BW + H100_OVH;
    check_rel("decode B=1 time [s]", c1.time_s, t1, TOL_COUNT);
    check_rel("decode B=1 energy [J]", c1.energy_j,
              H100_STATIC * t1 + H100_JF * 16597395200.0 + H100_JB * 16194873088.0, TOL_COUNT);
    assert_true(t_memory(&dp, &c1) > t_compute(&dp, &c1));
    assert_int_equal(c1.capped, 0);

    ew_cost c64 = ew_cost_decode_step(&dp, 64, 65536.0);
    check_rel("decode B=64 FLOPs", c64.flops, 1062233292800.0, TOL_COUNT);
    check_rel("decode B=64 bytes", c64.bytes, 24691877632.0, TOL_COUNT);
    double t64 = 24691877632.0 / H100_BW + H100_OVH;
    check_rel("decode B=64 time [s]", c64.time_s, t64, TOL_COUNT);
    check_rel("decode B=64 energy [J]", c64.energy_j,
              H100_STATIC * t64 + H100_JF * 1062233292800.0 + H100_JB * 24691877632.0,
              TOL_COUNT);

    /* Uneven contexts cost the same as even ones with the same sum. */
    ew_cost s = ew_cost_decode_steps(&dp, 64, 65536.0, 1);
    check_rel("decode_steps k=1 = decode_step: time", s.time_s, c64.time_s, 1e-15);
    check_rel("decode_steps k=1 = decode_step: energy", s.energy_j, c64.energy_j, 1e-15);
    check_rel("decode 0 requests", ew_cost_decode_step(&dp, 0, 0.0).time_s, 0.0, 0.0);
}

/* Roofline crossover. A weights-dominated decode step of B requests is
 * compute-bound when 2·N·B / F >= W / BW, i.e. B >= B* = (F/BW)·(W/(2N)); with
 * bf16 W = 2N and B* = F/BW = 667.3e12 / 2.871e12 = 232.43. Scanning B at a
 * short context (16 tokens per request, so that the weights dominate the
 * bytes) finds the smallest B with compute time >= memory time. The exact
 * root with the per-request terms (KV 17 × 131072 + 524288 B,
 * 16.06e9 + 17 × 524288 FLOPs) is (W/BW) / (f/F − m/BW) = 241.9, so the scan
 * should give 242, 4% above B*.
 * At context 1024 decode never becomes compute-bound: each request reads
 * 1024 × 131072 B of KV (46.7 µs at 2.871e12 B/s) but adds only
 * 16.6e9 FLOPs (24.9 µs at 667.3e12 FLOP/s); attention's arithmetic
 * intensity under GQA (524288 FLOP / 131072 B = 4 FLOP/B) is far below
 * F/BW = 232, so a larger batch only adds memory time. */
static void test_crossover(void **state)
{
    (void)state;
    ew_ai_model m = llama8b();
    ew_device d = h100();
    ew_device_laws l = h100_laws();
    ew_deployment dp = deploy_ok(&m, &d, &l, EW_PREC_BF16, 1, 1, 4096);

    ew_cost one = ew_cost_decode_step(&dp, 1, 16.0);
    assert_true(t_memory(&dp, &one) > t_compute(&dp, &one));

    double b_star = (H100_F16 / H100_BW) * (dp.weights_bytes / (2.0 * m.params));
    uint32_t cross = 0;
    for (uint32_t b = 1; b <= 4096 && !cross; b++) {
        ew_cost c = ew_cost_decode_step(&dp, b, 16.0 * b);
        if (t_compute(&dp, &c) >= t_memory(&dp, &c))
            cross = b;
    }
    print_message("  crossover batch at context 16: %u (B* = F/BW = %.2f, %+.1f%%)\n", cross,
                  b_star, 100.0 * (cross - b_star) / b_star);
    assert_int_equal(cross, 242);
    assert_true(fabs(cross - b_star) <= 0.2 * b_star);

    ew_cost big = ew_cost_decode_step(&dp, 1024, 16.0 * 1024);
    assert_true(t_compute(&dp, &big) > 2.0 * t_memory(&dp, &big));
    check_rel("B=1024 compute-bound time", big.time_s, t_compute(&dp, &big) + H100_OVH,
              TOL_COUNT);

    for (uint32_t b = 1; b <= 4096; b *= 2) {
        ew_cost c = ew_cost_decode_step(&dp, b, 1024.0 * b);
        assert_true(t_memory(&dp, &c) > t_compute(&dp, &c));
    }
}

/* MoE weights: top-2 of 8 experts assumed. One token reads the active
 * parameters: bytes = 12.9e9 × 2 + 1024 × 131072 + 131072 + 524288.
 * Four tokens touch 8 × (1 − 0.75^4) = 5.46875 experts on average, so
 * 12.9e9 + (46.7e9 − 12.9e9) × (5.46875 − 2)/6 = 32.440625e9 parameters are
 * read; FLOPs still count 2 × 12.9e9 per token. */
static void test_moe(void **state)
{
    (void)state;
    ew_ai_model m = mixtral();
    ew_device d = h100();
    ew_device_laws l = h100_laws();
    ew_deployment dp = deploy_ok(&m, &d, &l, EW_PREC_BF16, 0, 8, 4096);
    assert_int_equal(dp.tp, 2);   /* 93.4e9 B of weights > 72e9 B on one */
    ew_cost c1 = ew_cost_decode_step(&dp, 1, 1024.0);
    check_rel("MoE B=1 bytes", c1.bytes, 25.8e9 + 1024.0 * 131072 + 131072 + 524288, TOL_COUNT);
    check_rel("MoE B=1 FLOPs", c1.flops, 25.8e9 + 524288.0 * 1025, TOL_COUNT);
    ew_cost c4 = ew_cost_decode_step(&dp, 4, 4096.0);
    check_rel("MoE B=4 bytes", c4.bytes, 2.0 * 32.440625e9 + 4.0 * (1025.0 * 131072 + 524288),
              TOL_COUNT);
    ew_cost c512 = ew_cost_decode_step(&dp, 512, 512.0 * 1024);
    double w512 = c512.bytes - 512.0 * (1025.0 * 131072 + 524288);
    check_rel("MoE B=512 reads all experts", w512, 93.4e9, 1e-12);
}

/* Tensor parallel: Llama-3.1-70B on 4 H100s, decode B = 64 at context 1024.
 *   KV bytes per token = 2 × 80 × 8 × 128 × 2 = 327680;
 *   FLOPs = 2 × 70.6e9 × 64 + 4 × 80 × 8192 × (65536 + 64);
 *   bytes = 141.2e9 + 65600 × 327680 + 64 × 2 × 8192 × 2 × 80;
 *   all-reduce: 2 × 80 layers × (2 × 3/4 × 64 × 8192 × 2 B / 371e9 B/s
 *     + 8.3 µs); each device does a quarter of FLOPs and bytes. */
static void test_tensor_parallel(void **state)
{
    (void)state;
    ew_ai_model m = llama70b();
    ew_device d = h100();
    ew_device_laws l = h100_laws();
    ew_deployment dp = deploy_ok(&m, &d, &l, EW_PREC_BF16, 4, 64, 4096);
    double F = 2.0 * 70.6e9 * 64 + 4.0 * 80 * 8192 * (65536.0 + 64);
    double Y = 141.2e9 + 65600.0 * 327680 + 64.0 * 2 * 8192 * 2 * 80;
    double ar = 2.0 * 80 * (2.0 * 3 / 4 * 64 * 8192 * 2 / H100_LINK + H100_LAT);
    ew_cost c = ew_cost_decode_step(&dp, 64, 65536.0);
    check_rel("70B tp4 FLOPs", c.flops, F, TOL_COUNT);
    check_rel("70B tp4 bytes", c.bytes, Y, TOL_COUNT);
    double t = fmax(F / (4 * H100_F16), Y / (4 * H100_BW)) + H100_OVH + ar;
    check_rel("70B tp4 time [s]", c.time_s, t, TOL_COUNT);
    check_rel("70B tp4 energy [J]", c.energy_j, 4 * H100_STATIC * t + H100_JF * F + H100_JB * Y,
              TOL_COUNT);
}

/* ---- memory fit ---- */

/* Llama-3.1-70B in bf16: weights 70.6e9 × 2 = 141.2 GB; KV for one request
 * of 8192 tokens = 8192 × 327680 = 2.68 GB; the reserve is 10% of what the
 * devices hold (2.4 GB on one 24 GB card): 146.3 GB needed.
 * On H100s (72 GB usable each): 2 hold 144 GB >= 143.88 GB; tp = 4 leaves
 * (288e9 − 141.2e9) / 327680 = 447 998.05 tokens of KV. 64 requests of 4096
 * tokens need 85.9 GB of KV: 227.1 GB, so 4 devices. 256 × 8192 tokens
 * (687.2 GB of KV) fit on none. Llama-3.1-8B on one H100 leaves
 * (72e9 − 16.06e9) / 131072 = 426 788.33 tokens. */
static void test_deploy_fit(void **state)
{
    (void)state;
    ew_ai_model m70 = llama70b(), m8 = llama8b();
    ew_device h = h100(), r = rtx3090(), a = a100();
    ew_device_laws hl = h100_laws(), rl = rtx3090_laws(), al = a100_laws();
    ew_deployment dp;
    ew_error err = {0};

    assert_int_equal(ew_deploy(&m70, &r, &rl, EW_PREC_BF16, 1, 1, 8192, &dp, &err), EW_EINVAL);
    print_message("  refusal: %s\n", err.msg);
    assert_non_null(strstr(err.msg, "llama-3.1-70b"));
    assert_non_null(strstr(err.msg, "rtx-3090"));
    assert_non_null(strstr(err.msg, "bf16"));
    assert_non_null(strstr(err.msg, "needs 146.3 GB"));
    assert_non_null(strstr(err.msg, "weights 141.2 GB"));
    assert_non_null(strstr(err.msg, "1 device of rtx-3090 holds 24.0 GB"));

    dp = deploy_ok(&m70, &h, &hl, EW_PREC_BF16, 4, 1, 8192);
    assert_int_equal(dp.tp, 4);
    check_rel("70B weights [B]", dp.weights_bytes, 141.2e9, TOL_COUNT);
    check_rel("70B KV per token [B]", dp.kv_bytes_per_token, 327680.0, 0.0);
    check_rel("70B tp4 KV budget [tokens]", dp.kv_budget_tokens, 447998.046875, TOL_COUNT);
    assert_int_equal(deploy_ok(&m70, &h, &hl, EW_PREC_BF16, 0, 1, 8192).tp, 2);
    assert_int_equal(deploy_ok(&m70, &h, &hl, EW_PREC_BF16, 0, 64, 4096).tp, 4);
    assert_int_equal(ew_deploy(&m70, &h, &hl, EW_PREC_BF16, 0, 256, 8192, &dp, &err), EW_EINVAL);
    print_message("  refusal: %s\n", err.msg);
    assert_non_null(strstr(err.msg, "8 devices of h100-sxm hold 640.0 GB"));
    assert_int_equal(ew_deploy(&m70, &h, &hl, EW_PREC_BF16, 1, 1, 8192, &dp, &err), EW_EINVAL);

    dp = deploy_ok(&m8, &h, &hl, EW_PREC_BF16, 0, 1, 8192);
    assert_int_equal(dp.tp, 1);
    check_rel("8B KV budget [tokens]", dp.kv_budget_tokens, 426788.330078125, TOL_COUNT);

    /* fp8 on an A100: no fp8 rate */
    assert_int_equal(ew_deploy(&m8, &a, &al, EW_PREC_FP8, 1, 1, 4096, &dp, &err), EW_EINVAL);
    print_message("  refusal: %s\n", err.msg);
    assert_non_null(strstr(err.msg, "a100-80gb"));
    assert_non_null(strstr(err.msg, "fp8"));
    /* no link, no tensor parallelism */
    ew_device_laws nolink = rl;
    nolink.link_bytes_per_s = 0.0;
    assert_int_equal(ew_deploy(&m8, &r, &nolink, EW_PREC_BF16, 2, 1, 4096, &dp, &err),
                     EW_EINVAL);
    /* a cap at or below static power is refused */
    ew_device_laws badcap = hl;
    badcap.power_cap_w = badcap.static_w;
    assert_int_equal(ew_deploy(&m8, &h, &badcap, EW_PREC_BF16, 1, 1, 4096, &dp, &err),
                     EW_EINVAL);
}

/* Precisions: int4 stores 0.5 B per weight and multiplies at the bf16 rate;
 * fp8 stores 1 B per weight and per KV element and runs at the fp8 rate.
 *   int4 8B, decode B = 1 at context 1024: bytes = 4.015e9 + 1025 × 131072
 *     + 524288, time = bytes / 2.871e12 + 0.83 ms.
 *   fp8 8B, prefill 512: F as in the bf16 test, time = F / 1291.7e12 +
 *     0.83 ms (compute-bound); bytes = 8.03e9 + 512 × 65536 + 512 × 524288. */
static void test_precisions(void **state)
{
    (void)state;
    ew_ai_model m = llama8b();
    ew_device d = h100();
    ew_device_laws l = h100_laws();
    ew_deployment q4 = deploy_ok(&m, &d, &l, EW_PREC_INT4, 1, 1, 4096);
    check_rel("int4 weights [B]", q4.weights_bytes, 4.015e9, TOL_COUNT);
    ew_cost c = ew_cost_decode_step(&q4, 1, 1024.0);
    double y = 4.015e9 + 1025.0 * 131072 + 524288;
    check_rel("int4 decode bytes", c.bytes, y, TOL_COUNT);
    check_rel("int4 decode time [s]", c.time_s, y / H100_BW + H100_OVH, TOL_COUNT);
    ew_cost p4 = ew_cost_prefill(&q4, 512.0, 0.0);
    check_rel("int4 prefill time at bf16 rate [s]", p4.time_s,
              8291573694464.0 / H100_F16 + H100_OVH, TOL_COUNT);

    ew_deployment f8 = deploy_ok(&m, &d, &l, EW_PREC_FP8, 1, 1, 4096);
    check_rel("fp8 KV per token [B]", f8.kv_bytes_per_token, 65536.0, 0.0);
    ew_cost p8 = ew_cost_prefill(&f8, 512.0, 0.0);
    check_rel("fp8 prefill FLOPs", p8.flops, 8291573694464.0, TOL_COUNT);
    check_rel("fp8 prefill bytes", p8.bytes, 8.03e9 + 512.0 * 65536 + 512.0 * 524288, TOL_COUNT);
    check_rel("fp8 prefill time [s]", p8.time_s, 8291573694464.0 / 1291.7e12 + H100_OVH,
              TOL_COUNT);
}

/* Diffusion: an SDXL-like model, 2.6e9 parameters in bf16 (5.2e9 B), 6.7e12
 * FLOPs per step at 1024², 30 steps of a batch of 2 on one H100:
 *   FLOPs = 30 × 2 × 6.7e12 = 4.02e14; bytes = 30 × 5.2e9 = 1.56e11;
 *   per step max(1.34e13 / 667.3e12, 5.2e9 / 2.871e12) = 20.08 ms
 *   (compute-bound) + 0.83 ms. */
static void test_diffusion(void **state)
{
    (void)state;
    ew_ai_model m;
    memset(&m, 0, sizeof m);
    snprintf(m.name, sizeof m.name, "sdxl");
    m.kind = EW_MODEL_DIFFUSION;
    m.params = m.active_params = 2.6e9;
    m.precision = EW_PREC_BF16;
    m.step_flops = 6.7e12;
    m.steps = 30;
    m.resolution_px = 1024;
    ew_device d = h100();
    ew_device_laws l = h100_laws();
    ew_deployment dp = deploy_ok(&m, &d, &l, EW_PREC_BF16, 0, 1, 1);
    assert_int_equal(dp.tp, 1);
    ew_cost c = ew_cost_diffusion(&dp, 30, 2);
    check_rel("diffusion FLOPs", c.flops, 4.02e14, TOL_COUNT);
    check_rel("diffusion bytes", c.bytes, 1.56e11, TOL_COUNT);
    double t = 30.0 * (1.34e13 / H100_F16 + H100_OVH);
    check_rel("diffusion time [s]", c.time_s, t, TOL_COUNT);
    check_rel("diffusion energy [J]", c.energy_j, H100_STATIC * t + H100_JF * 4.02e14
              + H100_JB * 1.56e11, TOL_COUNT);
    assert_int_equal(c.capped, 0);
}

/* ---- the power cap ---- */

/* A random deployment built by hand (not through ew_deploy, so that any
 * size goes): dense or MoE, tp 1..8, laws spanning orders of magnitude so
 * that compute-, memory- and cap-bound cases all occur. */
typedef struct rand_case {
    ew_ai_model m;
    ew_device d;
    ew_deployment dp;
} rand_case;

static double unif(gsl_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gsl_rng_uniform(r);
}

static double logu(gsl_rng *r, double lo, double hi)
{
    return exp(unif(r, log(lo), log(hi)));
}

static void rand_case_fill(rand_case *rc, gsl_rng *r)
{
    static const ew_precision precs[] = {EW_PREC_FP32, EW_PREC_BF16, EW_PREC_FP8, EW_PREC_INT8,
                                         EW_PREC_INT4};
    static const double pbytes[] = {4.0, 2.0, 1.0, 1.0, 0.5};
    uint32_t heads = 8u << gsl_rng_uniform_int(r, 3);
    uint32_t hidden = heads * (64u << gsl_rng_uniform_int(r, 2));
    uint32_t kvh = heads >> gsl_rng_uniform_int(r, 4);
    double params = logu(r, 0.3e9, 500e9);
    double active = gsl_rng_uniform(r) < 0.3 ? params * unif(r, 0.05, 0.6) : params;
    rc->m = llm("random", params, active, (uint32_t)(4 + gsl_rng_uniform_int(r, 120)), hidden,
                heads, kvh, 4 * hidden, 32000);
    rc->d = h100();
    unsigned long pi = gsl_rng_uniform_int(r, 5);
    double cap = unif(r, 30.0, 1000.0);
    ew_device_laws l = laws_of(logu(r, 1e11, 1e14), logu(r, 1e12, 2e15), logu(r, 1e12, 4e15),
                               logu(r, 1e12, 4e15), logu(r, 5e10, 5e12), unif(r, 0.0, 0.95) * cap,
                               logu(r, 1e-14, 1e-10), logu(r, 1e-12, 1e-9), cap,
                               logu(r, 1e-6, 1e-2), logu(r, 1e9, 1e12), logu(r, 1e-7, 1e-4));
    memset(&rc->dp, 0, sizeof rc->dp);
    rc->dp.model = &rc->m;
    rc->dp.device = &rc->d;
    rc->dp.laws = l;
    rc->dp.precision = precs[pi];
    rc->dp.tp = (uint32_t)(1 + gsl_rng_uniform_int(r, 8));
    rc->dp.weights_bytes = params * pbytes[pi];
    rc->dp.kv_bytes_per_token =
        2.0 * rc->m.layers * kvh * (hidden / heads) * (precs[pi] == EW_PREC_FP8 ? 1.0 : 2.0);
}

static void check_cap(const ew_deployment *dp, const ew_cost *c, const char *what)
{
    double limit = (double)dp->tp * dp->laws.power_cap_w * c->time_s;
    if (!(c->energy_j <= limit * (1.0 + 1e-12)))
        fail_msg("%s: energy %.15g J > cap × time %.15g J (tp %u, cap %g W, time %g s)", what,
                 c->energy_j, limit, dp->tp, dp->laws.power_cap_w, c->time_s);
    assert_true(c->time_s >= 0.0 && c->energy_j >= 0.0);
}

/* 10^4 random cases of every kind of work: energy <= tp × cap × time. When
 * capped, the kernel part draws exactly the cap: energy = tp·cap·(time −
 * fixed) + tp·static·fixed, checked on single steps. */
static void test_energy_within_cap(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20240917);
    rand_case rc;
    unsigned capped = 0, uncapped = 0;
    for (int i = 0; i < 10000; i++) {
        rand_case_fill(&rc, r);
        const ew_deployment *dp = &rc.dp;
        double tokens = floor(logu(r, 1.0, 32768.0));
        double ctx = floor(logu(r, 1.0, 65536.0)) - 1.0;
        uint32_t batch = (uint32_t)(1 + gsl_rng_uniform_int(r, 512));
        uint64_t k = 1 + gsl_rng_uniform_int(r, 2000);
        ew_cost c[4];
        c[0] = ew_cost_prefill(dp, tokens, ctx);
        c[1] = ew_cost_decode_step(dp, batch, ctx * batch);
        c[2] = ew_cost_decode_steps(dp, batch, ctx * batch, k);
        rc.m.kind = EW_MODEL_DIFFUSION;
        rc.m.step_flops = logu(r, 1e11, 1e14);
        rc.m.resolution_px = 1024;
        c[3] = ew_cost_diffusion(dp, (uint32_t)(1 + gsl_rng_uniform_int(r, 50)), batch % 8 + 1);
        rc.m.kind = EW_MODEL_LLM;
        static const char *what[] = {"prefill", "decode step", "decode steps", "diffusion"};
        for (int w = 0; w < 4; w++) {
            check_cap(dp, &c[w], what[w]);
            if (c[w].capped)
                capped++;
            else
                uncapped++;
        }
        if (c[1].capped) {
            /* fixed part: decode step time minus kernel time at the cap */
            double dyn = dp->laws.j_per_flop[dp->precision == EW_PREC_INT4
                                                 ? (dp->laws.flops_per_s[EW_PREC_BF16] > 0
                                                        ? EW_PREC_BF16
                                                        : EW_PREC_FP32)
                                                 : dp->precision]
                             * c[1].flops
                         + dp->laws.j_per_byte * c[1].bytes;
            double tp = (double)dp->tp;
            double t_k = dyn / (tp * (dp->laws.power_cap_w - dp->laws.static_w));
            double fixed = c[1].time_s - t_k;
            double want = tp * dp->laws.power_cap_w * t_k + tp * dp->laws.static_w * fixed;
            if (!(fabs(c[1].energy_j - want) <= 1e-9 * want))
                fail_msg("capped decode step: energy %.15g J, cap × kernel + static × rest "
                         "%.15g J", c[1].energy_j, want);
        }
    }
    print_message("  %u capped and %u uncapped costs, all within the cap\n", capped, uncapped);
    assert_true(capped > 1000 && uncapped > 1000);
    gsl_rng_free(r);
}

/* ---- decode steps in closed form ---- */

/* Σ_{j<k} ew_cost_decode_step(contexts s0 + j·B) by a loop; per-step regime
 * counts (compute, memory, cap). */
static ew_cost loop_steps(const ew_deployment *dp, uint32_t b, double s0, uint64_t k,
                          unsigned regimes[3])
{
    ew_cost sum = {0.0, 0.0, 0.0, 0.0, 0};
    for (uint64_t j = 0; j < k; j++) {
        ew_cost c = ew_cost_decode_step(dp, b, s0 + (double)j * b);
        sum.flops += c.flops;
        sum.bytes += c.bytes;
        sum.time_s += c.time_s;
        sum.energy_j += c.energy_j;
        sum.capped |= c.capped;
        if (regimes)
            regimes[c.capped ? 2 : (t_compute(dp, &c) >= t_memory(dp, &c) ? 0 : 1)]++;
    }
    return sum;
}

static void compare_steps(const char *what, const ew_deployment *dp, uint32_t b, double s0,
                          uint64_t k, unsigned regimes[3])
{
    ew_cost loop = loop_steps(dp, b, s0, k, regimes);
    ew_cost cf = ew_cost_decode_steps(dp, b, s0, k);
    char buf[96];
    snprintf(buf, sizeof buf, "%s: FLOPs", what);
    check_rel(buf, cf.flops, loop.flops, TOL_SUM);
    snprintf(buf, sizeof buf, "%s: bytes", what);
    check_rel(buf, cf.bytes, loop.bytes, TOL_SUM);
    snprintf(buf, sizeof buf, "%s: time", what);
    check_rel(buf, cf.time_s, loop.time_s, TOL_SUM);
    snprintf(buf, sizeof buf, "%s: energy", what);
    check_rel(buf, cf.energy_j, loop.energy_j, TOL_SUM);
    assert_int_equal(cf.capped, loop.capped);
}

/* A device with few FLOP/s per byte (a CPU-like part: 1.13e12 FLOP/s,
 * 87.3e9 B/s, F/BW = 12.9) and a multi-query model (1 KV head: 16384 B of KV
 * per token against 524288 attention FLOPs per token pair, 32 FLOP/B), so
 * that a growing context pushes decode from memory- to compute-bound. */
static ew_device_laws cpu_laws(double cap)
{
    return laws_of(1.13e12, 1.13e12, 0.0, 2.26e12, 87.3e9, 31.7, 41.3e-12, 0.43e-9, cap, 2.1e-5,
                   0.0, 0.0);
}

static void test_decode_steps_closed_form(void **state)
{
    (void)state;
    ew_ai_model m = llama8b();
    ew_device d = h100();
    unsigned reg[3];

    /* 8 H100s hold the KV of 384 requests of 10016 tokens (504 GB); the cost
     * functions do not enforce the KV budget (the serving layer does), but
     * these cases stay within it. */
    ew_device_laws l = h100_laws();
    ew_deployment dp = deploy_ok(&m, &d, &l, EW_PREC_BF16, 0, 384, 10016);
    assert_int_equal(dp.tp, 8);

    /* memory-bound throughout: B = 64 at context 1024, 10^4 steps */
    memset(reg, 0, sizeof reg);
    compare_steps("B=64 memory-bound", &dp, 64, 65536.0, 10000, reg);
    assert_true(reg[1] == 10000);

    /* compute-bound to memory-bound: B = 384 from context 16 (crossing near
     * context 207); then with a 600 W cap: compute, cap, memory (the dynamic
     * power of the compute-bound step rises from 375 W to 438 W at the
     * crossing as bytes per second grow, above the 412.7 W allowed, and falls
     * once memory-bound as FLOPs per byte fall). */
    memset(reg, 0, sizeof reg);
    compare_steps("B=384 compute to memory", &dp, 384, 16.0 * 384, 10000, reg);
    print_message("  steps compute/memory/capped: %u %u %u\n", reg[0], reg[1], reg[2]);
    assert_true(reg[0] > 100 && reg[1] > 100 && reg[2] == 0);
    ew_device_laws l600 = h100_laws_cap(600.0);
    ew_deployment dpc = deploy_ok(&m, &d, &l600, EW_PREC_BF16, 8, 384, 10016);
    memset(reg, 0, sizeof reg);
    compare_steps("B=384 compute, cap, memory", &dpc, 384, 16.0 * 384, 10000, reg);
    print_message("  steps compute/memory/capped: %u %u %u\n", reg[0], reg[1], reg[2]);
    assert_true(reg[0] > 10 && reg[1] > 100 && reg[2] > 10);
    ew_cost first = ew_cost_decode_step(&dpc, 384, 16.0 * 384);
    ew_cost last = ew_cost_decode_step(&dpc, 384, (16.0 + 9999.0) * 384);
    assert_true(!first.capped && t_compute(&dpc, &first) > t_memory(&dpc, &first));
    assert_true(!last.capped && t_memory(&dpc, &last) > t_compute(&dpc, &last));

    /* memory-bound to compute-bound, then into the cap */
    ew_ai_model mq = llm("mqa-1b", 1.21e9, 1.21e9, 32, 4096, 32, 1, 11008, 32000);
    ew_device cpu = device("cpu-test", 64e9, 100e9, 1.5e12, 1.5e12, 0.0, 3e12, 125.0, 0.0);
    ew_device_laws cl = cpu_laws(125.0);
    ew_deployment dq = deploy_ok(&mq, &cpu, &cl, EW_PREC_BF16, 1, 8, 32768);
    memset(reg, 0, sizeof reg);
    compare_steps("MQA memory to compute", &dq, 8, 8.0 * 100, 10000, reg);
    print_message("  steps compute/memory/capped: %u %u %u\n", reg[0], reg[1], reg[2]);
    assert_true(reg[0] > 100 && reg[1] > 100 && reg[2] == 0);
    ew_cost f = ew_cost_decode_step(&dq, 8, 800.0);
    ew_cost g = ew_cost_decode_step(&dq, 8, 8.0 * (100 + 9999));
    assert_true(t_memory(&dq, &f) > t_compute(&dq, &f) && !f.capped);
    assert_true(t_compute(&dq, &g) > t_memory(&dq, &g));
    ew_device_laws cl2 = cpu_laws(110.0);
    ew_deployment dq2 = deploy_ok(&mq, &cpu, &cl2, EW_PREC_BF16, 1, 8, 32768);
    memset(reg, 0, sizeof reg);
    compare_steps("MQA memory, cap, compute", &dq2, 8, 8.0 * 100, 10000, reg);
    print_message("  steps compute/memory/capped: %u %u %u\n", reg[0], reg[1], reg[2]);
    assert_true(reg[0] > 10 && reg[1] > 10 && reg[2] > 10);

    /* tensor parallel and MoE, and a few hundred random cases */
    ew_ai_model m70 = llama70b(), mx = mixtral();
    ew_deployment d70 = deploy_ok(&m70, &d, &l600, EW_PREC_FP8, 8, 64, 8192);
    compare_steps("70B fp8 tp8", &d70, 100, 100.0 * 30, 10000, NULL);
    ew_deployment dmx = deploy_ok(&mx, &d, &l, EW_PREC_BF16, 4, 64, 8192);
    compare_steps("Mixtral tp4", &dmx, 7, 7.0 * 300, 3000, NULL);

    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 77);
    rand_case rc;
    for (int i = 0; i < 300; i++) {
        rand_case_fill(&rc, r);
        uint32_t b = (uint32_t)(1 + gsl_rng_uniform_int(r, 300));
        double s0 = floor(logu(r, 1.0, 20000.0)) * b;
        uint64_t k = 1 + gsl_rng_uniform_int(r, 3000);
        ew_cost loop = loop_steps(&rc.dp, b, s0, k, NULL);
        ew_cost cf = ew_cost_decode_steps(&rc.dp, b, s0, k);
        if (fabs(cf.time_s - loop.time_s) > TOL_SUM * loop.time_s
            || fabs(cf.energy_j - loop.energy_j) > TOL_SUM * loop.energy_j
            || cf.capped != loop.capped)
            fail_msg("random case %d: closed form %.15g s %.15g J capped %d, loop %.15g s "
                     "%.15g J capped %d",
                     i, cf.time_s, cf.energy_j, cf.capped, loop.time_s, loop.energy_j,
                     loop.capped);
    }
    gsl_rng_free(r);
    check_rel("0 steps", ew_cost_decode_steps(&dp, 64, 1.0, 0).time_s, 0.0, 0.0);
}

/* ew_decode_steps_within against the loop: for times halfway between the
 * loop's cumulative times T_n and T_{n+1}, the answer is n; below T_1 it is
 * 0; at or beyond T_k it is k. */
static void check_within(const ew_deployment *dp, uint32_t b, double s0, uint64_t k, gsl_rng *r)
{
    double *cum = malloc((k + 1) * sizeof *cum);
    assert_non_null(cum);
    cum[0] = 0.0;
    for (uint64_t j = 0; j < k; j++)
        cum[j + 1] = cum[j] + ew_cost_decode_step(dp, b, s0 + (double)j * b).time_s;
    assert_int_equal(ew_decode_steps_within(dp, b, s0, k, 0.5 * cum[1]), 0);
    assert_int_equal(ew_decode_steps_within(dp, b, s0, k, cum[k] * 1.001), k);
    assert_int_equal(ew_decode_steps_within(dp, b, s0, k, 1e300), k);
    assert_int_equal(ew_decode_steps_within(dp, b, s0, k, 0.0), 0);
    for (int i = 0; i < 200; i++) {
        uint64_t n = gsl_rng_uniform_int(r, (unsigned long)k);
        double t = 0.5 * (cum[n] + cum[n + 1]);
        uint64_t got = ew_decode_steps_within(dp, b, s0, k, t);
        if (got != n)
            fail_msg("steps within %.15g s: got %llu, brute force %llu (of %llu)", t,
                     (unsigned long long)got, (unsigned long long)n, (unsigned long long)k);
        /* and a random time: the brute-force answer by scanning */
        double u = unif(r, 0.0, cum[k]);
        uint64_t brute = 0;
        while (brute < k && cum[brute + 1] <= u)
            brute++;
        got = ew_decode_steps_within(dp, b, s0, k, u);
        if (got != brute && fabs(cum[got > brute ? got : brute] - u) > 1e-12 * u)
            fail_msg("steps within %.15g s: got %llu, brute force %llu", u,
                     (unsigned long long)got, (unsigned long long)brute);
    }
    free(cum);
}

static void test_steps_within(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 4242);
    ew_ai_model m = llama8b();
    ew_device d = h100();
    ew_device_laws l600 = h100_laws_cap(600.0);
    ew_deployment dp = deploy_ok(&m, &d, &l600, EW_PREC_BF16, 8, 384, 10016);
    check_within(&dp, 384, 16.0 * 384, 10000, r);
    check_within(&dp, 1, 1000.0, 777, r);
    check_within(&dp, 64, 64.0 * 1024, 5000, r);
    ew_ai_model mq = llm("mqa-1b", 1.21e9, 1.21e9, 32, 4096, 32, 1, 11008, 32000);
    ew_device cpu = device("cpu-test", 64e9, 100e9, 1.5e12, 1.5e12, 0.0, 3e12, 125.0, 0.0);
    ew_device_laws cl = cpu_laws(100.0);
    ew_deployment dq = deploy_ok(&mq, &cpu, &cl, EW_PREC_BF16, 1, 4, 32768);
    check_within(&dq, 4, 400.0, 10000, r);
    rand_case rc;
    for (int i = 0; i < 20; i++) {
        rand_case_fill(&rc, r);
        uint32_t b = (uint32_t)(1 + gsl_rng_uniform_int(r, 300));
        check_within(&rc.dp, b, floor(logu(r, 1.0, 20000.0)) * b,
                     1 + gsl_rng_uniform_int(r, 3000), r);
    }
    gsl_rng_free(r);
}

/* ---- shapes ---- */

static void assert_nondecreasing(const char *what, const ew_cost *a, const ew_cost *b)
{
    if (!(b->flops >= a->flops && b->bytes >= a->bytes && b->time_s >= a->time_s
          && b->energy_j >= a->energy_j))
        fail_msg("%s: cost fell: %g→%g FLOP, %g→%g B, %g→%g s, %g→%g J", what, a->flops, b->flops,
                 a->bytes, b->bytes, a->time_s, b->time_s, a->energy_j, b->energy_j);
}

/* Prefill and decode cost rise with tokens and context (dense, MoE, capped). */
static void test_monotone(void **state)
{
    (void)state;
    ew_ai_model m8 = llama8b(), mx = mixtral();
    ew_device d = h100();
    ew_device_laws l = h100_laws(), lc = h100_laws_cap(412.6);
    ew_deployment dps[3] = {deploy_ok(&m8, &d, &l, EW_PREC_BF16, 1, 1, 4096),
                            deploy_ok(&m8, &d, &lc, EW_PREC_BF16, 1, 1, 4096),
                            deploy_ok(&mx, &d, &l, EW_PREC_BF16, 2, 1, 4096)};
    for (int i = 0; i < 3; i++) {
        const ew_deployment *dp = &dps[i];
        ew_cost prev = ew_cost_prefill(dp, 1.0, 0.0);
        for (double p = 2.0; p <= 32768.0; p = ceil(p * 1.07)) {
            ew_cost c = ew_cost_prefill(dp, p, 0.0);
            assert_nondecreasing("prefill in tokens", &prev, &c);
            prev = c;
        }
        prev = ew_cost_prefill(dp, 300.0, 0.0);
        for (double ctx = 1.0; ctx <= 100000.0; ctx = ceil(ctx * 1.1)) {
            ew_cost c = ew_cost_prefill(dp, 300.0, ctx);
            assert_nondecreasing("prefill in context", &prev, &c);
            prev = c;
        }
        for (uint32_t b = 1; b <= 256; b *= 2) {
            prev = ew_cost_decode_step(dp, b, 0.0);
            for (double ctx = 1.0; ctx <= 100000.0; ctx = ceil(ctx * 1.1)) {
                ew_cost c = ew_cost_decode_step(dp, b, ctx * b);
                assert_nondecreasing("decode in context", &prev, &c);
                prev = c;
            }
        }
        prev = ew_cost_decode_step(dp, 1, 1024.0);
        for (uint32_t b = 2; b <= 1024; b++) {
            ew_cost c = ew_cost_decode_step(dp, b, 1024.0 * b);
            assert_nondecreasing("decode in batch", &prev, &c);
            prev = c;
        }
    }
}

/* Llama-3.1-8B on one H100 at context 1024: as the batch grows 1, 8, 64,
 * 256, each request still gets one token per step, so the time per output
 * token is the step time and rises (more KV to read), while the energy per
 * output token (step energy / B) falls (weights and static power shared). */
static void test_batching(void **state)
{
    (void)state;
    ew_ai_model m = llama8b();
    ew_device d = h100();
    ew_device_laws l = h100_laws();
    ew_deployment dp = deploy_ok(&m, &d, &l, EW_PREC_BF16, 1, 256, 1100);
    static const uint32_t bs[] = {1, 8, 64, 256};
    double prev_t = 0.0, prev_e = INFINITY;
    for (size_t i = 0; i < 4; i++) {
        ew_cost c = ew_cost_decode_step(&dp, bs[i], 1024.0 * bs[i]);
        double tpot = c.time_s, e_tok = c.energy_j / bs[i];
        print_message("  B=%-3u time per output token %.4f ms, energy per output token %.4f J\n",
                      bs[i], 1e3 * tpot, e_tok);
        assert_true(tpot > prev_t);
        assert_true(e_tok < prev_e);
        prev_t = tpot;
        prev_e = e_tok;
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llama8b_prefill),
        cmocka_unit_test(test_llama8b_decode),
        cmocka_unit_test(test_crossover),
        cmocka_unit_test(test_moe),
        cmocka_unit_test(test_tensor_parallel),
        cmocka_unit_test(test_deploy_fit),
        cmocka_unit_test(test_precisions),
        cmocka_unit_test(test_diffusion),
        cmocka_unit_test(test_energy_within_cap),
        cmocka_unit_test(test_decode_steps_closed_form),
        cmocka_unit_test(test_steps_within),
        cmocka_unit_test(test_monotone),
        cmocka_unit_test(test_batching),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
