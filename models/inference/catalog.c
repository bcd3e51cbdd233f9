/* catalog.c — the AI model catalogue, data/models.csv (see model.h).
 *
 * One row per model: parameters in billions (1e9), architecture numbers as
 * in the model's config.json, the default weight precision, and for
 * diffusion models the work of one denoising step per image in GFLOP (1e9
 * FLOP) at resolution_px², with the default number of steps. Converted to
 * SI here. KV cache per token of context (Pope et al., "Efficiently Scaling
 * Transformer Inference", MLSys 2023, sec. 2): keys and values of every
 * layer for every KV head, head size hidden/heads:
 *   kv_bytes = 2 · layers · kv_heads · (hidden / heads) · bytes per element,
 * with elements at bf16 (2 B), or fp8 (1 B) when the weights are fp8.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../device/csvtable.h"

struct ew_model_catalog {
    size_t n;
    ew_ai_model *m;
};

enum {
    C_NAME, C_LABEL, C_KIND, C_PARAMS, C_ACTIVE, C_LAYERS, C_HIDDEN, C_HEADS, C_KV, C_FFN,
    C_VOCAB, C_CTX, C_PREC, C_STEP, C_STEPS, C_RES, C_SOURCE, C_NOTE, C_COUNT
};

static const char *const cols[C_COUNT] = {
    "name", "label", "kind", "params_b", "active_params_b", "layers", "hidden", "heads",
    "kv_heads", "ffn", "vocab", "max_context", "precision", "step_gflops", "steps",
    "resolution_px", "source", "note"};

/* An integer cell in [min, 2^32 - 1]; empty gives 0 when allowed. */
static int integer(const ew_csv_table *t, size_t r, int c, int allow_empty, double min,
                   uint32_t *out, ew_error *err)
{
    char expect[64];
    snprintf(expect, sizeof expect, "an integer >= %.0f%s", min,
             allow_empty ? " (or empty)" : "");
    double v;
    int rc = ew_csv_number(t, r, c, allow_empty, 0.0, 0.0, expect, &v, err);
    if (rc != EW_OK)
        return rc;
    int empty = allow_empty && !t->cells[r][c][0];
    if (!empty && (v < min || v > 4294967295.0 || v != (double)(uint64_t)v))
        return ew_csv_cell_error(t, r, c, expect, err);
    *out = (uint32_t)v;
    return EW_OK;
}

static int load_row(const ew_csv_table *t, size_t r, const int *ix, ew_ai_model *m, ew_error *err)
{
    char kind[16], prec[16];
    int rc;
    if ((rc = ew_csv_string(t, r, ix[C_NAME], 0, m->name, sizeof m->name, err)) ||
        (rc = ew_csv_string(t, r, ix[C_LABEL], 0, m->label, sizeof m->label, err)) ||
        (rc = ew_csv_string(t, r, ix[C_KIND], 0, kind, sizeof kind, err)) ||
        (rc = ew_csv_string(t, r, ix[C_PREC], 0, prec, sizeof prec, err)))
        return rc;
    if (strcmp(kind, "llm") == 0)
        m->kind = EW_MODEL_LLM;
    else if (strcmp(kind, "diffusion") == 0)
        m->kind = EW_MODEL_DIFFUSION;
    else if (strcmp(kind, "embedding") == 0)
        m->kind = EW_MODEL_EMBEDDING;
    else
        return ew_csv_cell_error(t, r, ix[C_KIND], "llm, diffusion or embedding", err);
    if (ew_precision_parse(prec, &m->precision) != 0)
        return ew_csv_cell_error(t, r, ix[C_PREC], "fp32, bf16, fp16, fp8, int8 or int4", err);
    if (!t->cells[r][ix[C_SOURCE]][0])
        return ew_csv_cell_error(t, r, ix[C_SOURCE], "the source of the row's figures", err);

    double params, active, step_gflops;
    if ((rc = ew_csv_number(t, r, ix[C_PARAMS], 0, 0.0, 0.0, "a number > 0 [1e9 parameters]",
                            &params, err)))
        return rc;
    if (params <= 0.0)
        return ew_csv_cell_error(t, r, ix[C_PARAMS], "a number > 0 [1e9 parameters]", err);
    if ((rc = ew_csv_number(t, r, ix[C_ACTIVE], 1, params, 0.0,
                            "a number > 0 and <= params_b [1e9 parameters] (or empty)", &active,
                            err)))
        return rc;
    if (active <= 0.0 || active > params)
        return ew_csv_cell_error(t, r, ix[C_ACTIVE],
                                 "a number > 0 and <= params_b [1e9 parameters] (or empty)", err);
    m->params = params * 1e9;
    m->active_params = active * 1e9;

    /* transformer shape: required for LLMs and embedders, optional for diffusion */
    int arch_optional = m->kind == EW_MODEL_DIFFUSION;
    double amin = arch_optional ? 0.0 : 1.0;
    if ((rc = integer(t, r, ix[C_LAYERS], arch_optional, amin, &m->layers, err)) ||
        (rc = integer(t, r, ix[C_HIDDEN], arch_optional, amin, &m->hidden, err)) ||
        (rc = integer(t, r, ix[C_HEADS], arch_optional, amin, &m->heads, err)) ||
        (rc = integer(t, r, ix[C_KV], arch_optional, amin, &m->kv_heads, err)) ||
        (rc = integer(t, r, ix[C_FFN], arch_optional, amin, &m->ffn, err)) ||
        (rc = integer(t, r, ix[C_VOCAB], arch_optional, amin, &m->vocab, err)) ||
        (rc = integer(t, r, ix[C_CTX], arch_optional, amin, &m->max_context, err)))
        return rc;
    if (m->heads && m->hidden % m->heads != 0)
        return ew_csv_cell_error(t, r, ix[C_HEADS], "a divisor of hidden", err);
    if (m->kv_heads && (m->kv_heads > m->heads || m->heads % m->kv_heads != 0))
        return ew_csv_cell_error(t, r, ix[C_KV], "a divisor of heads", err);

    int diff = m->kind == EW_MODEL_DIFFUSION;
    double dmin = diff ? 1.0 : 0.0;
    if ((rc = ew_csv_number(t, r, ix[C_STEP], !diff, 0.0, 0.0,
                            diff ? "a number > 0 [GFLOP]" : "a number >= 0 [GFLOP] (or empty)",
                            &step_gflops, err)) ||
        (rc = integer(t, r, ix[C_STEPS], !diff, dmin, &m->steps, err)) ||
        (rc = integer(t, r, ix[C_RES], !diff, dmin, &m->resolution_px, err)))
        return rc;
    if (diff && step_gflops <= 0.0)
        return ew_csv_cell_error(t, r, ix[C_STEP], "a number > 0 [GFLOP]", err);
    m->step_flops = step_gflops * 1e9;
    return EW_OK;
}

int ew_model_catalog_load(const char *path, ew_model_catalog **out, ew_error *err)
{
    *out = NULL;
    ew_csv_table *t = NULL;
    int rc = ew_csv_table_read(path, &t, err);
    if (rc != EW_OK)
        return rc;
    int ix[C_COUNT];
    ew_model_catalog *c = NULL;
    if ((rc = ew_csv_require(t, cols, C_COUNT, ix, err)) != EW_OK)
        goto done;
    if (t->nrows == 0) {
        rc = ew_error_set(err, EW_EINVAL, "%s:%d:1: models: expected at least one row, got none",
                          path, t->header_line);
        goto done;
    }
    c = calloc(1, sizeof *c);
    if (c)
        c->m = calloc(t->nrows, sizeof *c->m);
    if (!c || !c->m) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        ew_ai_model *m = &c->m[r];
        if ((rc = load_row(t, r, ix, m, err)) != EW_OK)
            goto done;
        for (size_t j = 0; j < r; j++)
            if (strcmp(c->m[j].name, m->name) == 0) {
                rc = ew_error_set(err, EW_EINVAL,
                                  "%s:%d:%d: name: expected a unique name, got \"%s\" "
                                  "(already on line %d)",
                                  path, t->lines[r], ix[C_NAME] + 1, m->name, t->lines[j]);
                goto done;
            }
        c->n++;
    }
done:
    ew_csv_table_free(t);
    if (rc != EW_OK) {
        ew_model_catalog_free(c);
        return rc;
    }
    *out = c;
    return EW_OK;
}

void ew_model_catalog_free(ew_model_catalog *c)
{
    if (!c)
        return;
    free(c->m);
    free(c);
}

size_t ew_model_catalog_count(const ew_model_catalog *c)
{
    return c ? c->n : 0;
}

const ew_ai_model *ew_model_catalog_at(const ew_model_catalog *c, size_t i)
{
    return c && i < c->n ? &c->m[i] : NULL;
}

const ew_ai_model *ew_model_find(const ew_model_catalog *c, const char *name)
{
    if (!c || !name)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->m[i].name, name) == 0)
            return &c->m[i];
    return NULL;
}

double ew_model_kv_bytes_per_token(const ew_ai_model *m, ew_precision weights)
{
    if (!m || m->kind == EW_MODEL_DIFFUSION || m->heads == 0)
        return 0.0;
    double elem = weights == EW_PREC_FP8 ? 1.0 : 2.0;
    double head_dim = (double)m->hidden / (double)m->heads;
    return 2.0 * (double)m->layers * (double)m->kv_heads * head_dim * elem;
}
