/* cmd_catalog.c — `edgewatt devices`, `edgewatt models` and `edgewatt cost`:
 * what the catalogues hold, and what a query costs on a device without a
 * simulation. The calculator calls the same functions as the simulator
 * (models/inference/cost.h), so the two agree exactly. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ew.h"
#include "scenario.h"
#include "../models/device/device.h"
#include "../models/inference/cost.h"
#include "../models/inference/model.h"

static int fail(const ew_error *err)
{
    fprintf(stderr, "edgewatt: %s\n", err->msg);
    return ew_exit_code(err->code);
}

/* Options shared by devices and models: --data DIR, --csv. */
static int list_options(int argc, char **argv, const char **data, int *csv, const char *usage)
{
    static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                         {"csv", no_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd')
            *data = optarg;
        else if (c == 'c')
            *csv = 1;
        else {
            fputs(usage, c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
    }
    if (optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
    return -1;
}

int ew_cmd_devices(int argc, char **argv)
{
    const char *data = ew_default_data_dir();
    int csv = 0;
    int rc = list_options(argc, argv, &data, &csv,
                          "usage: edgewatt devices [--data DIR] [--csv]\n"
                          "  the accelerators and CPUs of DIR/devices.csv, with the laws used\n");
    if (rc >= 0)
        return rc;
    char path[600];
    snprintf(path, sizeof path, "%s/devices.csv", data);
    ew_device_catalog *cat;
    ew_error err = {0};
    if ((rc = ew_device_catalog_load(path, &cat, &err)))
        return fail(&err);
    if (csv)
        puts("name,kind,segment,memory_gb,bandwidth_gbs,bf16_tflops,tdp_w,idle_w,idle_estimated,"
             "achieved_bf16_tflops,achieved_bandwidth_gbs,laws");
    else
        printf("%-16s %-4s %-10s %7s %8s %8s %6s %7s  %s\n", "name", "kind", "segment", "mem GB",
               "BW GB/s", "bf16 TF", "TDP W", "idle W", "laws");
    for (size_t i = 0; i < ew_device_catalog_count(cat); i++) {
        const ew_device *d = ew_device_catalog_at(cat, i);
        ew_device_laws laws;
        const char *origin = "?";
        if (ew_device_laws_get(d, data, &laws, &err) == EW_OK)
            origin = laws.origin;
        else
            memset(&laws, 0, sizeof laws);
        if (csv)
            printf("%s,%s,%s,%.4g,%.4g,%.4g,%.4g,%.4g,%d,%.4g,%.4g,\"%s\"\n", d->name, d->kind,
                   d->segment, d->mem_bytes / 1e9, d->mem_bw_bytes_per_s / 1e9,
                   d->peak_flops[EW_PREC_BF16] / 1e12, d->tdp_w, d->idle_w, d->idle_estimated,
                   laws.flops_per_s[EW_PREC_BF16] / 1e12, laws.bytes_per_s / 1e9, origin);
        else
            printf("%-16s %-4s %-10s %7.0f %8.0f %8.1f %6.0f %6.0f%s  %s\n", d->name, d->kind,
                   d->segment, d->mem_bytes / 1e9, d->mem_bw_bytes_per_s / 1e9,
                   d->peak_flops[EW_PREC_BF16] / 1e12, d->tdp_w, d->idle_w,
                   d->idle_estimated ? "*" : " ", origin);
    }
    if (!csv)
        puts("* idle power is a documented estimate (see data/devices.csv)");
    ew_device_catalog_free(cat);
    return 0;
}

static const char *kind_name(ew_model_kind k)
{
    return k == EW_MODEL_LLM ? "llm" : k == EW_MODEL_DIFFUSION ? "diffusion" : "embedding";
}

int ew_cmd_models(int argc, char **argv)
{
    const char *data = ew_default_data_dir();
    int csv = 0;
    int rc = list_options(argc, argv, &data, &csv,
                          "usage: edgewatt models [--data DIR] [--csv]\n"
                          "  the AI models of DIR/models.csv\n");
    if (rc >= 0)
        return rc;
    char path[600];
    snprintf(path, sizeof path, "%s/models.csv", data);
    ew_model_catalog *cat;
    ew_error err = {0};
    if ((rc = ew_model_catalog_load(path, &cat, &err)))
        return fail(&err);
    if (csv)
        puts("name,kind,params_b,active_params_b,layers,hidden,heads,kv_heads,precision,"
             "weights_gb,kv_kib_per_token,max_context");
    else
        printf("%-18s %-9s %8s %8s %6s %6s %5s %3s %5s %8s %9s %8s\n", "name", "kind", "params B",
               "active B", "layers", "hidden", "heads", "kv", "prec", "weights", "KV/token",
               "context");
    for (size_t i = 0; i < ew_model_catalog_count(cat); i++) {
        const ew_ai_model *m = ew_model_catalog_at(cat, i);
        double wgb = m->params * ew_precision_bytes(m->precision) / 1e9;
        double kv = m->kind == EW_MODEL_LLM ? ew_model_kv_bytes_per_token(m, m->precision) / 1024 : 0;
        if (csv)
            printf("%s,%s,%.4g,%.4g,%u,%u,%u,%u,%s,%.4g,%.4g,%u\n", m->name, kind_name(m->kind),
                   m->params / 1e9, m->active_params / 1e9, m->layers, m->hidden, m->heads,
                   m->kv_heads, ew_precision_name(m->precision), wgb, kv, m->max_context);
        else
            printf("%-18s %-9s %8.2f %8.2f %6u %6u %5u %3u %5s %6.1fGB %6.0fKiB %8u\n", m->name,
                   kind_name(m->kind), m->params / 1e9, m->active_params / 1e9, m->layers,
                   m->hidden, m->heads, m->kv_heads, ew_precision_name(m->precision), wgb, kv,
                   m->max_context);
    }
    ew_model_catalog_free(cat);
    return 0;
}

static const char cost_usage[] =
    "usage: edgewatt cost --model M --device D [--gpus K] [--precision P] [--batch B]\n"
    "                     [--context C] [--prompt N] [--output N] [--steps N] [--data DIR] [--csv]\n"
    "  prefill of --prompt tokens; one decode step of --batch requests at --context tokens\n"
    "  each; and a whole query (prefill, then --output - 1 decode steps in a batch of --batch\n"
    "  such queries, the query charged 1/batch of each step), as the simulator computes them.\n"
    "  Image models: --steps denoising steps (default: the model's).\n";

static double arg_number(const char *opt, const char *s, double lo, ew_error *err, int *bad)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v < lo) {
        ew_error_set(err, EW_EINVAL, "%s '%s': expected a number >= %g", opt, s, lo);
        *bad = 1;
    }
    return v;
}

int ew_cmd_cost(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, NULL, 'm'},   {"device", required_argument, NULL, 'd'},
        {"gpus", required_argument, NULL, 'g'},    {"precision", required_argument, NULL, 'p'},
        {"batch", required_argument, NULL, 'b'},   {"context", required_argument, NULL, 'c'},
        {"prompt", required_argument, NULL, 'P'},  {"output", required_argument, NULL, 'o'},
        {"steps", required_argument, NULL, 's'},   {"data", required_argument, NULL, 'D'},
        {"csv", no_argument, NULL, 'C'},           {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *model = NULL, *device = NULL, *prec = NULL, *data = ew_default_data_dir();
    double gpus = 0, batch = 1, context = 1024, prompt = 512, output = 256, steps = 0;
    int csv = 0, bad = 0, c;
    ew_error err = {0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1 && !bad) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'd': device = optarg; break;
        case 'p': prec = optarg; break;
        case 'D': data = optarg; break;
        case 'C': csv = 1; break;
        case 'g': gpus = arg_number("--gpus", optarg, 1, &err, &bad); break;
        case 'b': batch = arg_number("--batch", optarg, 1, &err, &bad); break;
        case 'c': context = arg_number("--context", optarg, 0, &err, &bad); break;
        case 'P': prompt = arg_number("--prompt", optarg, 1, &err, &bad); break;
        case 'o': output = arg_number("--output", optarg, 1, &err, &bad); break;
        case 's': steps = arg_number("--steps", optarg, 1, &err, &bad); break;
        case 'h': fputs(cost_usage, stdout); return 0;
        default: fputs(cost_usage, stderr); return 2;
        }
    }
    if (bad)
        return fail(&err);
    if (!model || !device || optind != argc) {
        fputs(cost_usage, stderr);
        return 2;
    }
    ew_device_catalog *dc = NULL;
    ew_model_catalog *mc = NULL;
    char path[600];
    snprintf(path, sizeof path, "%s/devices.csv", data);
    int rc = ew_device_catalog_load(path, &dc, &err);
    snprintf(path, sizeof path, "%s/models.csv", data);
    if (rc == EW_OK)
        rc = ew_model_catalog_load(path, &mc, &err);
    const ew_device *d = rc ? NULL : ew_device_find(dc, device);
    const ew_ai_model *m = rc ? NULL : ew_model_find(mc, model);
    if (rc == EW_OK && !d)
        rc = ew_error_set(&err, EW_EINVAL, "--device: unknown \"%s\" (edgewatt devices lists them)",
                          device);
    if (rc == EW_OK && !m)
        rc = ew_error_set(&err, EW_EINVAL, "--model: unknown \"%s\" (edgewatt models lists them)",
                          model);
    ew_precision p = m ? m->precision : EW_PREC_BF16;
    if (rc == EW_OK && prec && ew_precision_parse(prec, &p))
        rc = ew_error_set(&err, EW_EINVAL, "--precision: unknown \"%s\" (fp32, bf16, fp16, fp8, "
                          "int8, int4)", prec);
    ew_device_laws laws;
    ew_deployment dp;
    uint32_t b = (uint32_t)batch;
    if (rc == EW_OK)
        rc = ew_device_laws_get(d, data, &laws, &err);
    if (rc == EW_OK)
        rc = ew_deploy(m, d, &laws, p, (uint32_t)gpus, 1,
                       m->kind == EW_MODEL_LLM ? (uint32_t)(prompt + output) : 1, &dp, &err);
    if (rc) {
        ew_device_catalog_free(dc);
        ew_model_catalog_free(mc);
        return fail(&err);
    }
    if (m->kind == EW_MODEL_DIFFUSION) {
        uint32_t n = steps > 0 ? (uint32_t)steps : m->steps;
        ew_cost img = ew_cost_diffusion(&dp, n, b);
        if (csv)
            printf("item,tokens,batch,context,time_s,energy_j,flops,bytes,capped\n"
                   "image,%u,%u,0,%.17g,%.17g,%.17g,%.17g,%d\n", n, b, img.time_s,
                   img.energy_j / b, img.flops, img.bytes, img.capped);
        else
            printf("%s on %u x %s (%s), %u steps, batch %u: %.4g s, %.5g J per image%s\n"
                   "laws: %s\n", m->name, dp.tp, d->name, ew_precision_name(p), n, b, img.time_s,
                   img.energy_j / b, img.capped ? " (power-capped)" : "", dp.laws.origin);
        ew_device_catalog_free(dc);
        ew_model_catalog_free(mc);
        return 0;
    }
    /* the same decomposition as sim/serve.c: prefill yields the first token,
     * then output - 1 decode steps with contexts prompt + 1, prompt + 2, ... */
    ew_cost pre = ew_cost_prefill(&dp, prompt, 0);
    ew_cost step = ew_cost_decode_step(&dp, b, batch * context);
    uint64_t k = (uint64_t)output - 1;
    ew_cost run = ew_cost_decode_steps(&dp, b, batch * (prompt + 1), k);
    double q_time = pre.time_s + run.time_s, q_energy = pre.energy_j + run.energy_j / batch;
    if (csv) {
        puts("item,tokens,batch,context,time_s,energy_j,flops,bytes,capped");
        printf("prefill,%.0f,1,0,%.17g,%.17g,%.17g,%.17g,%d\n", prompt, pre.time_s, pre.energy_j,
               pre.flops, pre.bytes, pre.capped);
        printf("decode_step,%u,%u,%.0f,%.17g,%.17g,%.17g,%.17g,%d\n", b, b, context, step.time_s,
               step.energy_j, step.flops, step.bytes, step.capped);
        printf("query,%.0f,%u,%.0f,%.17g,%.17g,%.17g,%.17g,%d\n", output, b, prompt, q_time,
               q_energy, pre.flops + run.flops / batch, pre.bytes + run.bytes / batch,
               pre.capped || run.capped);
    } else {
        printf("%s (%s) on %u x %s; laws: %s\n", m->name, ew_precision_name(p), dp.tp, d->name,
               dp.laws.origin);
        printf("  KV cache room %.0f tokens; weights %.1f GB\n", dp.kv_budget_tokens,
               dp.weights_bytes / 1e9);
        printf("  prefill of %.0f tokens:        %9.4g ms  %9.4g J%s\n", prompt, pre.time_s * 1e3,
               pre.energy_j, pre.capped ? "  (power-capped)" : "");
        printf("  decode step, batch %u at %.0f: %9.4g ms  %9.4g J (%.4g J per token)%s\n", b,
               context, step.time_s * 1e3, step.energy_j, step.energy_j / b,
               step.capped ? "  (power-capped)" : "");
        printf("  query of %.0f + %.0f tokens:    %9.4g s   %9.4g J (%.4g Wh), %.4g J per output "
               "token\n", prompt, output, q_time, q_energy, q_energy / 3600, q_energy / output);
    }
    ew_device_catalog_free(dc);
    ew_model_catalog_free(mc);
    return 0;
}
