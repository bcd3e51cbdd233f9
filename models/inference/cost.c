/* cost.c — the cost of inference work on a deployment: FLOPs, bytes moved,
 * seconds and joules, by the roofline model at achieved rates with a power cap.
 *
 * Symbols: N = params (held in memory), Na = active_params (used per token),
 * L layers, d hidden, kv = bytes of KV cache per token of context
 * (ew_model_kv_bytes_per_token: 2·L·kv_heads·(d/heads)·bytes), bw = bytes per
 * weight (precision), a = activation bytes per element (2; 4 at fp32),
 * T = new tokens in the step, tp = devices.
 *
 * FLOPs of a forward step (Kaplan et al., "Scaling Laws for Neural Language
 * Models", 2020: 2 FLOPs per parameter per token, one multiply and one add):
 *   F = 2·Na·T + 4·L·d·A,
 * where A counts (new token, attended token) pairs and each pair costs, per
 * layer, 2·d for q·kᵀ over all heads plus 2·d for the weighted sum of V.
 * Grouped-query attention does not change this (every query head still
 * attends over d/heads dimensions); it only shrinks kv. Na counts the
 * embedding and LM-head matrices as the catalogue does, so 2·Na·T slightly
 * overcounts the embedding lookup, which is not a product.
 *   prefill of p tokens after c cached ones (causal): A = Σ_{i=1..p}(c + i)
 *                                                       = p·c + p(p+1)/2;
 *   decode step of B requests with contexts c_b:    A = Σ_b (c_b + 1)
 *                                                       = Σc + B.
 * Bytes to and from device memory:
 *   Y = Wstep + kv·C + kv·T + 2·a·d·L·T,
 * weights once per step, each request's cached context C read, the T new
 * tokens' K and V written, and the residual stream written and read back
 * once per layer (2·a·d per token per layer; intermediate tensors of fused
 * kernels stay on chip and are not counted). For prefill C = c: the new
 * tokens' K and V are used from on-chip tiles as they are made (FlashAttention)
 * and are counted only once, as writes. KV sizes and the memory-bound nature
 * of decode: R. Pope et al., "Efficiently Scaling Transformer Inference",
 * arXiv 2022 (MLSys 2023).
 *   Mixture of experts (Na < N): model.h has no expert count, so every MoE
 * model is taken to route top-k = 2 of E = 8 experts per layer (Mixtral
 * 8x7B). With uniform independent routing, T tokens touch on average
 * E_T = E·(1 − (1 − k/E)^T) experts, and the step reads
 *   Wstep = bw·(Na + (N − Na)·(E_T − k)/(E − k))    (clamped to [0, N·bw]),
 * which is Na·bw for one token and tends to N·bw for large batches; it is
 * the shared weights plus E_T experts' weights when the shared part is
 * N − E·(N − Na)/(E − k) >= 0. Dense models read N·bw every step.
 *
 * Time (roofline: S. Williams, A. Waterman, D. Patterson, "Roofline", CACM
 * 52(4), 2009), each of tp devices doing 1/tp of the FLOPs and bytes at the
 * achieved rates R [FLOP/s] and BW [B/s] of the laws:
 *   t_k = max(F/(tp·R), Y/(tp·BW), D/(tp·(cap − P_s))),   D = e_f·F + e_b·Y,
 *   t   = t_k + overhead + t_ar,
 * the third term being the power cap: a device whose dynamic power D/(tp·t_k)
 * would exceed cap − P_s runs slower instead (`capped`). Tensor parallelism
 * (Megatron-LM, Shoeybi et al. 2019; costs as in Pope et al.) does two
 * all-reduces per layer of T·d·a bytes; a ring all-reduce moves 2(tp − 1)/tp
 * of them per device over the link:
 *   t_ar = 2·L·(2·(tp − 1)/tp · T·d·a / link + link_latency)   (tp > 1),
 * not overlapped with compute. Energy over all devices:
 *   E = tp·P_s·t + D  <=  tp·cap·t,
 * with equality on the kernel part when capped (P_s <= cap is checked when
 * deploying). Link transfers cost static power only; their bytes are not
 * device-memory bytes and are not in Y.
 *   Precision: weights of int4 are dequantised and multiplied at bf16 (fp32
 * where the device has no bf16 rate, as llama.cpp on CPUs); int8 and fp8
 * weights run at the int8 and fp8 rates (W8A8). Activations and the
 * all-reduce are 16-bit except at fp32.
 *
 * Memory fit (ew_deploy): weights + kv·max_batch·max_context must fit in
 * (1 − 0.10) of tp devices' memory; the 10% reserve is vLLM's default
 * gpu_memory_utilization = 0.9 (W. Kwon et al., "Efficient Memory Management
 * for Large Language Model Serving with PagedAttention", SOSP 2023), for the
 * CUDA context, activations and fragmentation. The KV budget is what is left:
 *   kv_budget_tokens = (tp·mem·0.9 − weights) / kv.
 * Weights are assumed to split evenly over the tp devices.
 *
 * Diffusion: each of s denoising steps costs step_flops per image and reads
 * the weights once (activation traffic is omitted: a step is compute-bound
 * by more than an order of magnitude, so it changes neither time nor, much,
 * energy); s steps cost s times one step.
 *
 * Units: FLOP, B, s, J, W throughout.
 */
#include "cost.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MOE_EXPERTS 8.0     /* E: assumed for every MoE model (Mixtral 8x7B) */
#define MOE_TOP_K 2.0       /* k */
#define MEM_RESERVE 0.10    /* fraction of device memory kept back (vLLM 0.9) */
#define GB 1e9

/* Precision of the arithmetic for weights stored at p, given the rates. */
static ew_precision compute_precision(ew_precision p, const ew_device_laws *laws)
{
    if (p == EW_PREC_INT4)
        return laws->flops_per_s[EW_PREC_BF16] > 0.0 ? EW_PREC_BF16 : EW_PREC_FP32;
    return p;
}

static double act_bytes(const ew_deployment *dp)
{
    return compute_precision(dp->precision, &dp->laws) == EW_PREC_FP32 ? 4.0 : 2.0;
}

/* Weight bytes read by a step of `tokens` new tokens (MoE rule above). */
static double weights_read(const ew_deployment *dp, double tokens)
{
    const ew_ai_model *m = dp->model;
    if (!(m->active_params < m->params) || m->params <= 0.0)
        return dp->weights_bytes;
    double touched = MOE_EXPERTS * (1.0 - pow(1.0 - MOE_TOP_K / MOE_EXPERTS, tokens));
    double frac = (touched - MOE_TOP_K) / (MOE_EXPERTS - MOE_TOP_K);
    double params = m->active_params + (m->params - m->active_params) * frac;
    if (params < 0.0)
        params = 0.0;
    if (params > m->params)
        params = m->params;
    return dp->weights_bytes * params / m->params;
}

/* Tensor-parallel all-reduce time of a step of `tokens` new tokens. */
static double allreduce_s(const ew_deployment *dp, double tokens)
{
    if (dp->tp <= 1)
        return 0.0;
    double tp = (double)dp->tp;
    double msg = tokens * (double)dp->model->hidden * act_bytes(dp);
    double one = 2.0 * (tp - 1.0) / tp * msg / dp->laws.link_bytes_per_s
                 + dp->laws.link_latency_s;
    return 2.0 * (double)dp->model->layers * one;
}

/* The three kernel-time terms of F FLOPs and Y bytes, per unit (seconds per
 * FLOP and per byte), so that lines in j can be formed from them. */
typedef struct rates {
    double s_per_flop;      /* 1/(tp·R) */
    double s_per_byte;      /* 1/(tp·BW) */
    double j_per_flop;      /* e_f */
    double j_per_byte;      /* e_b */
    double s_per_j;         /* 1/(tp·(cap − P_s)) */
    double static_w;        /* tp·P_s */
} rates;

static rates rates_of(const ew_deployment *dp)
{
    ew_precision cp = compute_precision(dp->precision, &dp->laws);
    double tp = (double)dp->tp;
    rates r;
    r.s_per_flop = 1.0 / (tp * dp->laws.flops_per_s[cp]);
    r.s_per_byte = 1.0 / (tp * dp->laws.bytes_per_s);
    r.j_per_flop = dp->laws.j_per_flop[cp];
    r.j_per_byte = dp->laws.j_per_byte;
    r.s_per_j = 1.0 / (tp * (dp->laws.power_cap_w - dp->laws.static_w));
    r.static_w = tp * dp->laws.static_w;
    return r;
}

/* One step of F FLOPs and Y bytes plus fixed_s of overhead and all-reduce. */
static ew_cost step_cost(const ew_deployment *dp, double flops, double bytes, double fixed_s)
{
    ew_cost c = {flops, bytes, 0.0, 0.0, 0};
    rates r = rates_of(dp);
    double dyn_j = r.j_per_flop * flops + r.j_per_byte * bytes;
    double t_c = flops * r.s_per_flop, t_m = bytes * r.s_per_byte, t_p = dyn_j * r.s_per_j;
    double t_k = t_c > t_m ? t_c : t_m;
    if (t_p > t_k) {
        t_k = t_p;
        c.capped = 1;
    }
    c.time_s = t_k + fixed_s;
    c.energy_j = r.static_w * c.time_s + dyn_j;
    return c;
}

ew_cost ew_cost_prefill(const ew_deployment *dp, double tokens, double context)
{
    ew_cost zero = {0.0, 0.0, 0.0, 0.0, 0};
    if (!(tokens > 0.0))
        return zero;
    const ew_ai_model *m = dp->model;
    double L = (double)m->layers, d = (double)m->hidden;
    double pairs = tokens * context + tokens * (tokens + 1.0) / 2.0;
    double flops = 2.0 * m->active_params * tokens + 4.0 * L * d * pairs;
    double bytes = weights_read(dp, tokens) + dp->kv_bytes_per_token * (context + tokens)
                   + 2.0 * act_bytes(dp) * d * L * tokens;
    double fixed = dp->laws.step_overhead_s + allreduce_s(dp, tokens);
    return step_cost(dp, flops, bytes, fixed);
}

ew_cost ew_cost_mixed_step(const ew_deployment *dp, uint32_t batch, double sum_context,
                           double chunk, double chunk_context)
{
    if (!(chunk > 0.0))
        return ew_cost_decode_step(dp, batch, sum_context);
    if (batch == 0)
        return ew_cost_prefill(dp, chunk, chunk_context);
    /* the sum of both parts' FLOPs and bytes, but one weight read, one
     * overhead and one all-reduce for all the step's tokens */
    const ew_ai_model *m = dp->model;
    double B = (double)batch, L = (double)m->layers, d = (double)m->hidden;
    double kv = dp->kv_bytes_per_token, tokens = B + chunk;
    double pairs = (sum_context + B) + chunk * chunk_context + chunk * (chunk + 1.0) / 2.0;
    double flops = 2.0 * m->active_params * tokens + 4.0 * L * d * pairs;
    double bytes = weights_read(dp, tokens) + kv * (sum_context + B) +
                   kv * (chunk_context + chunk) + 2.0 * act_bytes(dp) * d * L * tokens;
    double fixed = dp->laws.step_overhead_s + allreduce_s(dp, tokens);
    return step_cost(dp, flops, bytes, fixed);
}

/* Decode step j (0-based) of a batch whose contexts sum to s0 at j = 0:
 * FLOPs f0 + f1·j and bytes y0 + y1·j, with f1 = 4·L·d·B and y1 = kv·B. */
typedef struct decode_lines {
    double f0, f1, y0, y1;
    double fixed_s;     /* overhead + all-reduce, the same every step */
} decode_lines;

static decode_lines decode_lines_of(const ew_deployment *dp, uint32_t batch, double s0)
{
    const ew_ai_model *m = dp->model;
    double B = (double)batch, L = (double)m->layers, d = (double)m->hidden;
    double kv = dp->kv_bytes_per_token;
    decode_lines l;
    l.f0 = 2.0 * m->active_params * B + 4.0 * L * d * (s0 + B);
    l.f1 = 4.0 * L * d * B;
    l.y0 = weights_read(dp, B) + kv * (s0 + B) + 2.0 * act_bytes(dp) * d * L * B;
    l.y1 = kv * B;
    l.fixed_s = dp->laws.step_overhead_s + allreduce_s(dp, B);
    return l;
}

ew_cost ew_cost_decode_step(const ew_deployment *dp, uint32_t batch, double sum_context)
{
    ew_cost zero = {0.0, 0.0, 0.0, 0.0, 0};
    if (batch == 0)
        return zero;
    decode_lines l = decode_lines_of(dp, batch, sum_context);
    return step_cost(dp, l.f0, l.y0, l.fixed_s);
}

/* Σ_{j=lo}^{hi−1} (a + b·j). */
static double series(double a, double b, uint64_t lo, uint64_t hi)
{
    double n = (double)(hi - lo);
    return n * a + b * n * ((double)lo + (double)hi - 1.0) / 2.0;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* Σ_{j=0}^{n−1} of the kernel time max_i(a[i] + b[i]·j) over the three lines
 * (compute, memory, cap). The upper envelope of lines changes only where two
 * of them cross; between consecutive crossings x1 < x2 the integer steps
 * j ∈ [⌈x1⌉, ⌈x2⌉) all have the same maximal line, whose values form an
 * arithmetic series. Sets *capped when the cap line is strictly highest in
 * some segment. */
static double envelope_sum(const double a[3], const double b[3], uint64_t n, int *capped)
{
    uint64_t cut[5];
    size_t nc = 0;
    cut[nc++] = 0;
    cut[nc++] = n;
    for (int i = 0; i < 3; i++)
        for (int m = i + 1; m < 3; m++) {
            if (b[i] == b[m])
                continue;
            double x = (a[m] - a[i]) / (b[i] - b[m]);
            if (x > 0.0 && x < (double)n) {
                uint64_t c = (uint64_t)ceil(x);
                if (c < n)
                    cut[nc++] = c;
            }
        }
    qsort(cut, nc, sizeof cut[0], cmp_u64);
    double sum = 0.0;
    for (size_t s = 0; s + 1 < nc; s++) {
        uint64_t lo = cut[s], hi = cut[s + 1];
        if (hi <= lo)
            continue;
        double mid = ((double)lo + (double)hi - 1.0) / 2.0;
        int w = 0;
        for (int i = 1; i < 3; i++)
            if (a[i] + b[i] * mid > a[w] + b[w] * mid)
                w = i;
        if (w == 2) {
            /* strictly above both others somewhere in the segment */
            double v0 = a[2] + b[2] * (double)lo, v1 = a[2] + b[2] * (double)(hi - 1);
            if ((v0 > a[0] + b[0] * (double)lo && v0 > a[1] + b[1] * (double)lo)
                || (v1 > a[0] + b[0] * (double)(hi - 1) && v1 > a[1] + b[1] * (double)(hi - 1)))
                *capped = 1;
        }
        sum += series(a[w], b[w], lo, hi);
    }
    return sum;
}

/* Closed-form sum of the first n steps (n <= k is free to choose). */
static ew_cost decode_sum(const ew_deployment *dp, const decode_lines *l, uint64_t n)
{
    ew_cost c = {0.0, 0.0, 0.0, 0.0, 0};
    if (n == 0)
        return c;
    rates r = rates_of(dp);
    double a[3] = {l->f0 * r.s_per_flop, l->y0 * r.s_per_byte,
                   (r.j_per_flop * l->f0 + r.j_per_byte * l->y0) * r.s_per_j};
    double b[3] = {l->f1 * r.s_per_flop, l->y1 * r.s_per_byte,
                   (r.j_per_flop * l->f1 + r.j_per_byte * l->y1) * r.s_per_j};
    c.flops = series(l->f0, l->f1, 0, n);
    c.bytes = series(l->y0, l->y1, 0, n);
    c.time_s = envelope_sum(a, b, n, &c.capped) + (double)n * l->fixed_s;
    c.energy_j = r.static_w * c.time_s + r.j_per_flop * c.flops + r.j_per_byte * c.bytes;
    return c;
}

ew_cost ew_cost_decode_steps(const ew_deployment *dp, uint32_t batch, double sum_context,
                             uint64_t k)
{
    ew_cost zero = {0.0, 0.0, 0.0, 0.0, 0};
    if (batch == 0 || k == 0)
        return zero;
    decode_lines l = decode_lines_of(dp, batch, sum_context);
    return decode_sum(dp, &l, k);
}

uint64_t ew_decode_steps_within(const ew_deployment *dp, uint32_t batch, double sum_context,
                                uint64_t k, double t_s)
{
    if (batch == 0 || k == 0 || !(t_s > 0.0))
        return 0;
    decode_lines l = decode_lines_of(dp, batch, sum_context);
    if (decode_sum(dp, &l, k).time_s <= t_s)
        return k;
    /* time(lo) <= t_s < time(hi); time(n) increases with n */
    uint64_t lo = 0, hi = k;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (decode_sum(dp, &l, mid).time_s <= t_s)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

ew_cost ew_cost_diffusion(const ew_deployment *dp, uint32_t steps, uint32_t batch)
{
    ew_cost zero = {0.0, 0.0, 0.0, 0.0, 0};
    if (steps == 0 || batch == 0)
        return zero;
    const ew_ai_model *m = dp->model;
    /* Latent tokens per image for the all-reduce: 8× VAE downsampling and
     * 2×2 patches (DiT, SD3, FLUX), so (side/16)²; only matters for tp > 1. */
    double side = (double)m->resolution_px / 16.0;
    double fixed = dp->laws.step_overhead_s + allreduce_s(dp, (double)batch * side * side);
    ew_cost one = step_cost(dp, m->step_flops * (double)batch, dp->weights_bytes, fixed);
    double s = (double)steps;
    ew_cost c = {one.flops * s, one.bytes * s, one.time_s * s, one.energy_j * s, one.capped};
    return c;
}

static int fits(double need_bytes, uint32_t tp, const ew_device *d)
{
    return need_bytes <= (double)tp * d->mem_bytes * (1.0 - MEM_RESERVE);
}

int ew_deploy(const ew_ai_model *m, const ew_device *d, const ew_device_laws *laws,
              ew_precision precision, uint32_t tp, uint32_t max_batch, uint32_t max_context,
              ew_deployment *out, ew_error *err)
{
    if (!m || !d || !laws || !out)
        return ew_error_set(err, EW_EINVAL, "deploy: model, device, laws and output are required");
    if ((int)precision < 0 || precision >= EW_PREC_COUNT)
        return ew_error_set(err, EW_EINVAL, "model %s: unknown precision %d", m->name,
                            (int)precision);
    const char *pn = ew_precision_name(precision);
    if (!(m->params > 0.0) || !(m->active_params > 0.0) || m->active_params > m->params)
        return ew_error_set(err, EW_EINVAL,
                            "model %s: need 0 < active_params <= params, got %g and %g", m->name,
                            m->active_params, m->params);
    int llm = m->kind != EW_MODEL_DIFFUSION;
    if (llm && (m->layers == 0 || m->hidden == 0 || m->heads == 0 || m->kv_heads == 0))
        return ew_error_set(err, EW_EINVAL,
                            "model %s: layers, hidden, heads and kv_heads must be > 0", m->name);
    if (!llm && !(m->step_flops > 0.0))
        return ew_error_set(err, EW_EINVAL, "model %s: step_flops must be > 0 for diffusion",
                            m->name);
    ew_precision cp = compute_precision(precision, laws);
    if (!(d->peak_flops[cp] > 0.0) || !(laws->flops_per_s[cp] > 0.0))
        return ew_error_set(err, EW_EINVAL,
                            "model %s (%s): device %s has no %s rate (peak %g FLOP/s, achieved %g "
                            "FLOP/s)",
                            m->name, pn, d->name, ew_precision_name(cp), d->peak_flops[cp],
                            laws->flops_per_s[cp]);
    if (!(laws->bytes_per_s > 0.0) || !(laws->static_w >= 0.0)
        || !(laws->power_cap_w > laws->static_w) || !(laws->j_per_flop[cp] >= 0.0)
        || !(laws->j_per_byte >= 0.0) || !(laws->step_overhead_s >= 0.0))
        return ew_error_set(err, EW_EINVAL,
                            "device %s laws (%s): need bytes_per_s > 0, 0 <= static_w < "
                            "power_cap_w and energies and overhead >= 0, got %g B/s, static %g W, "
                            "cap %g W",
                            d->name, laws->origin, laws->bytes_per_s, laws->static_w,
                            laws->power_cap_w);
    if (!(d->mem_bytes > 0.0))
        return ew_error_set(err, EW_EINVAL, "device %s: memory must be > 0, got %g B", d->name,
                            d->mem_bytes);
    int has_link = laws->link_bytes_per_s > 0.0 && laws->link_latency_s >= 0.0;
    if (tp > 1 && !has_link)
        return ew_error_set(err, EW_EINVAL,
                            "model %s (%s): %u devices of %s requested but the device has no "
                            "tensor-parallel link (link_bytes_per_s %g)",
                            m->name, pn, tp, d->name, laws->link_bytes_per_s);

    uint32_t batch = max_batch ? max_batch : 1;
    uint32_t ctx = max_context ? max_context : m->max_context;
    double weights = m->params * ew_precision_bytes(precision);
    double kv_tok = llm ? ew_model_kv_bytes_per_token(m, precision) : 0.0;
    double kv = kv_tok * (double)batch * (double)ctx;

    uint32_t chosen = 0, tried = tp;
    if (tp > 0) {
        if (fits(weights + kv, tp, d))
            chosen = tp;
    } else {
        static const uint32_t options[] = {1, 2, 4, 8};
        for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
            if (options[i] > 1 && !has_link)
                break;
            tried = options[i];
            if (fits(weights + kv, options[i], d)) {
                chosen = options[i];
                break;
            }
        }
    }
    if (!chosen) {
        double hold = (double)tried * d->mem_bytes, reserve = MEM_RESERVE * hold;
        return ew_error_set(err, EW_EINVAL,
                            "model %s (%s) needs %.1f GB (weights %.1f GB + KV %.1f GB for %u x "
                            "%u tokens + reserve %.1f GB) but %u device%s of %s hold%s %.1f GB",
                            m->name, pn, (weights + kv + reserve) / GB, weights / GB, kv / GB,
                            batch, ctx, reserve / GB, tried, tried == 1 ? "" : "s", d->name,
                            tried == 1 ? "s" : "", hold / GB);
    }
    memset(out, 0, sizeof *out);
    out->model = m;
    out->device = d;
    out->laws = *laws;
    out->precision = precision;
    out->tp = chosen;
    out->weights_bytes = weights;
    out->kv_bytes_per_token = kv_tok;
    out->kv_budget_tokens =
        kv_tok > 0.0 ? ((double)chosen * d->mem_bytes * (1.0 - MEM_RESERVE) - weights) / kv_tok
                     : 0.0;
    return EW_OK;
}
