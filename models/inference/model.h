/* model.h — AI models (data/models.csv): the architecture numbers that set
 * the work of a query. Dense transformers, mixture-of-experts (active
 * parameters per token apart from the total held in memory), and diffusion
 * image models (FLOPs per denoising step at a resolution, steps).
 */
#ifndef EW_MODEL_H
#define EW_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "../../sim/ew.h"
#include "../device/device.h"

typedef enum ew_model_kind { EW_MODEL_LLM, EW_MODEL_DIFFUSION, EW_MODEL_EMBEDDING } ew_model_kind;

typedef struct ew_ai_model {
    char name[48];              /* catalogue key, e.g. "llama-3.1-8b" */
    char label[96];
    ew_model_kind kind;
    double params;              /* total parameters held in memory [1] */
    double active_params;       /* parameters used per token (= params unless MoE) [1] */
    uint32_t layers, hidden, heads, kv_heads, ffn, vocab;
    uint32_t max_context;       /* [tokens] */
    ew_precision precision;     /* default weight precision */
    double step_flops;          /* diffusion: FLOPs per denoising step at resolution_px² */
    uint32_t steps;             /* diffusion: default number of steps */
    uint32_t resolution_px;     /* diffusion: image side [px] */
} ew_ai_model;

typedef struct ew_model_catalog ew_model_catalog;   /* opaque */

int ew_model_catalog_load(const char *path, ew_model_catalog **out, ew_error *err);
void ew_model_catalog_free(ew_model_catalog *c);
size_t ew_model_catalog_count(const ew_model_catalog *c);
const ew_ai_model *ew_model_catalog_at(const ew_model_catalog *c, size_t i);
const ew_ai_model *ew_model_find(const ew_model_catalog *c, const char *name);

/* Bytes of KV cache per token of context: 2 (K and V) × layers × kv_heads ×
 * (hidden / heads) × bytes per element (the KV cache is kept at bf16 unless
 * the weights are fp8, then fp8). */
double ew_model_kv_bytes_per_token(const ew_ai_model *m, ew_precision weights);

#endif
