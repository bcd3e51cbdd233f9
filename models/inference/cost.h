/* cost.h — what a piece of inference work costs on a deployment: FLOPs,
 * bytes moved, seconds and joules (roofline with achieved rates, capped).
 *
 * For an LLM with N active parameters, L layers, hidden size d, KV width
 * d_kv = kv_heads·d/heads, a forward pass over T new tokens attending to
 * contexts reads the weights once and costs
 *   FLOPs  = 2·N·T + attention (4·L·d per token per attended token: QKᵀ and
 *            attention × V, with the causal half for prefill)
 *   bytes  = weights + KV read (each request's context × kv bytes per token)
 *            + KV written (T × kv bytes per token) + activations.
 * Time = max(FLOPs / achieved FLOP/s, bytes / achieved B/s,
 *            dynamic energy / (cap − static)) + overhead per step
 *            + tensor-parallel all-reduce time;
 * energy = static·time + J/FLOP·FLOPs + J/byte·bytes, so that it never
 * exceeds cap × time: a capped device runs slower instead.
 * Sources and the exact counts are in cost.c.
 */
#ifndef EW_COST_H
#define EW_COST_H

#include <stdint.h>

#include "../../sim/ew.h"
#include "../device/device.h"
#include "model.h"

typedef struct ew_cost {
    double flops;      /* [FLOP] */
    double bytes;      /* moved to or from device memory [B] */
    double time_s;     /* [s] */
    double energy_j;   /* all devices of the deployment [J] */
    int capped;        /* 1 if the power cap set the time */
} ew_cost;

/* A model placed on tp devices of one kind (tensor parallel). */
typedef struct ew_deployment {
    const ew_ai_model *model;
    const ew_device *device;
    ew_device_laws laws;
    ew_precision precision;          /* weights */
    uint32_t tp;                     /* devices [1] */
    double weights_bytes;            /* whole model [B] */
    double kv_bytes_per_token;       /* [B] */
    double kv_budget_tokens;         /* KV cache room over all devices [tokens] */
} ew_deployment;

/* Places model m on device d: with tp = 0 the fewest devices (1, 2, 4, 8)
 * that hold the weights plus the KV cache of max_batch requests at
 * max_context tokens (and the runtime reserve); with tp > 0 exactly tp, or
 * EW_EINVAL with a message naming model, device, memory needed and available. */
int ew_deploy(const ew_ai_model *m, const ew_device *d, const ew_device_laws *laws,
              ew_precision precision, uint32_t tp, uint32_t max_batch, uint32_t max_context,
              ew_deployment *out, ew_error *err);

/* Prefill of `tokens` new prompt tokens for one request whose context
 * already holds `context` tokens. */
ew_cost ew_cost_prefill(const ew_deployment *dp, double tokens, double context);
/* One decode step of `batch` requests whose contexts sum to sum_context. */
ew_cost ew_cost_decode_step(const ew_deployment *dp, uint32_t batch, double sum_context);
/* One step that decodes `batch` requests (contexts summing to sum_context)
 * and prefills `chunk` tokens of another request whose context already holds
 * chunk_context tokens, in one forward pass: the weights are read once
 * (chunked prefill, A. Agrawal et al., "Taming throughput-latency tradeoff
 * in LLM inference with Sarathi-Serve", OSDI 2024). With chunk = 0 it is
 * ew_cost_decode_step; with batch = 0 it is ew_cost_prefill. */
ew_cost ew_cost_mixed_step(const ew_deployment *dp, uint32_t batch, double sum_context,
                           double chunk, double chunk_context);
/* k consecutive decode steps of the same batch, the contexts growing by one
 * token per request per step (sum_context at the first step): the exact sum
 * of ew_cost_decode_step over the k steps, in closed form. */
ew_cost ew_cost_decode_steps(const ew_deployment *dp, uint32_t batch, double sum_context,
                             uint64_t k);
/* How many of those steps finish within t_s (the largest n <= k with
 * time(n) <= t_s). */
uint64_t ew_decode_steps_within(const ew_deployment *dp, uint32_t batch, double sum_context,
                                uint64_t k, double t_s);
/* Image generation: `steps` denoising steps for a batch of images. */
ew_cost ew_cost_diffusion(const ew_deployment *dp, uint32_t steps, uint32_t batch);

#endif
