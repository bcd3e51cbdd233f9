/* test_catalog.c — the device and model catalogues (data/devices.csv,
 * data/models.csv), the device laws (data/device_defaults.csv and
 * calibration files) and the rule that every figure in data/ names its
 * source. Run from the repository root. Expected numbers are worked out by
 * hand from the CSV rows quoted beside them; files for the bad-input and
 * calibration cases are written to a temporary directory. */
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

#include "ew.h"
#include "../../models/device/csvtable.h"
#include "../../models/device/device.h"
#include "../../models/inference/model.h"

#define REL_TOL 1e-9

static void assert_close(double got, double want, const char *what)
{
    double scale = fabs(want) > 0.0 ? fabs(want) : 1.0;
    if (fabs(got - want) > REL_TOL * scale)
        fail_msg("%s: got %.12g, want %.12g", what, got, want);
}

/* ---- helpers for temporary files ---------------------------------------- */





#define DEV_HEADER                                                                             \
    "name,label,vendor,kind,segment,family,launch_year,tdp_w,idle_w,idle_basis,memory_gb,"    \
    "memory_bw_gbs,fp32_tflops,bf16_tflops,fp8_tflops,int8_tops,int4_tops,link_gbs,price_usd," \
    "embodied_kgco2e,source,note\n"
/* A made-up device with non-round figures, used by the temporary-file tests. */
#define DEV_ROW(name, tdp)                                                                     \
    name ",Test GPU,Acme,gpu,consumer,testfam,2021," tdp ",13.5,estimate,12,437.5,21.7,"       \
    "86.9,173.8,,,16,,,\"test row, made up\",\n"

/* ---- the shipped catalogues ---------------------------------------------- */

static void test_devices_all_load(void **state)
{
    (void)state;
    ew_device_catalog *c = NULL;
    ew_error err = {0};
    if (ew_device_catalog_load("data/devices.csv", &c, &err) != EW_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(ew_device_catalog_count(c), count_rows("data/devices.csv"));
    static const char *const required[] = {
        "h100-sxm", "h100-pcie", "h200-sxm", "a100-sxm-80gb", "a100-sxm-40gb", "l4", "l40s",
        "a10g", "v100-sxm2-32gb", "a40", "rtx-2080-ti", "rtx-3060", "rtx-3080", "rtx-3090",
        "rtx-4060", "rtx-4070", "rtx-4080", "rtx-4090"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!ew_device_find(c, required[i]))
            fail_msg("device %s missing from data/devices.csv", required[i]);
    int cpus = 0, desktop = 0, laptop = 0;
    for (size_t i = 0; i < ew_device_catalog_count(c); i++) {
        const ew_device *d = ew_device_catalog_at(c, i);
        assert_true(d->tdp_w > 0.0 && d->idle_w >= 0.0 && d->idle_w <= d->tdp_w);
        assert_true(d->mem_bytes > 0.0 && d->mem_bw_bytes_per_s > 0.0);
        assert_true(d->peak_flops[EW_PREC_BF16] > 0.0 && d->peak_flops[EW_PREC_FP32] > 0.0);
        if (!strcmp(d->kind, "cpu")) {
            cpus++;
            desktop += !strcmp(d->segment, "desktop");
            laptop += !strcmp(d->segment, "laptop");
        }
        /* every device's family has defaults, so its laws can be built */
        ew_device_laws L;
        if (ew_device_laws_get(d, "data", &L, &err) != EW_OK)
            fail_msg("%s: %s", d->name, err.msg);
        assert_true(L.flops_per_s[EW_PREC_BF16] > 0.0 && L.bytes_per_s > 0.0);
        assert_true(L.static_w >= L.idle_w && L.static_w < L.power_cap_w);
    }
    assert_true(cpus >= 2 && desktop >= 1 && laptop >= 1);
    assert_null(ew_device_find(c, "no-such-gpu"));
    assert_null(ew_device_catalog_at(c, ew_device_catalog_count(c)));
    ew_device_catalog_free(c);
    ew_device_catalog_free(NULL);
}

static void test_models_all_load(void **state)
{
    (void)state;
    ew_model_catalog *c = NULL;
    ew_error err = {0};
    if (ew_model_catalog_load("data/models.csv", &c, &err) != EW_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(ew_model_catalog_count(c), count_rows("data/models.csv"));
    static const char *const required[] = {
        "llama-3.2-1b", "llama-3.2-3b", "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b",
        "mistral-7b", "qwen2.5-14b", "qwen2.5-32b", "mixtral-8x7b", "sdxl", "flux.1-dev"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!ew_model_find(c, required[i]))
            fail_msg("model %s missing from data/models.csv", required[i]);
    for (size_t i = 0; i < ew_model_catalog_count(c); i++) {
        const ew_ai_model *m = ew_model_catalog_at(c, i);
        assert_true(m->params > 0.0 && m->active_params <= m->params);
        if (m->kind == EW_MODEL_DIFFUSION) {
            assert_true(m->step_flops > 0.0 && m->steps > 0 && m->resolution_px > 0);
        } else {
            assert_true(m->layers && m->hidden && m->heads && m->kv_heads && m->ffn);
            assert_int_equal(m->heads % m->kv_heads, 0);
            assert_true(ew_model_kv_bytes_per_token(m, m->precision) > 0.0);
        }
    }
    /* Mixtral: 46.7e9 held, 12.9e9 per token (models.csv) */
    const ew_ai_model *mx = ew_model_find(c, "mixtral-8x7b");
    assert_close(mx->params, 46.7e9, "mixtral params");
    assert_close(mx->active_params, 12.9e9, "mixtral active");
    /* SDXL: 13522 GFLOP per step, 50 steps at 1024 px */
    const ew_ai_model *sd = ew_model_find(c, "sdxl");
    assert_int_equal(sd->kind, EW_MODEL_DIFFUSION);
    assert_close(sd->step_flops, 13522e9, "sdxl step flops");
    assert_int_equal(sd->steps, 50);
    assert_int_equal(sd->resolution_px, 1024);
    assert_close(ew_model_kv_bytes_per_token(sd, EW_PREC_BF16), 0.0, "diffusion kv");
    ew_model_catalog_free(c);
    ew_model_catalog_free(NULL);
}

/* h100-sxm row: 700 W, idle 70 W (measured), 80 GB, 3350 GB/s, 67 / 989 / 1979 / 1979
 * TFLOPS fp32 / bf16 / fp8 / int8, no int4 rate, 450 GB/s NVLink per direction. */
static void test_h100_row(void **state)
{
    (void)state;
    ew_device_catalog *c = NULL;
    ew_error err = {0};
    assert_int_equal(ew_device_catalog_load("data/devices.csv", &c, &err), EW_OK);
    const ew_device *d = ew_device_find(c, "h100-sxm");
    assert_non_null(d);
    assert_string_equal(d->kind, "gpu");
    assert_string_equal(d->segment, "datacenter");
    assert_string_equal(d->family, "hopper");
    assert_int_equal(d->launch_year, 2022);
    assert_close(d->tdp_w, 700.0, "tdp");
    assert_close(d->idle_w, 70.0, "idle");
    assert_int_equal(d->idle_estimated, 0);
    assert_close(d->mem_bytes, 80e9, "memory");
    assert_close(d->mem_bw_bytes_per_s, 3.35e12, "bandwidth");
    assert_close(d->peak_flops[EW_PREC_FP32], 67e12, "fp32");
    assert_close(d->peak_flops[EW_PREC_BF16], 989e12, "bf16");
    assert_close(d->peak_flops[EW_PREC_FP8], 1979e12, "fp8");
    assert_close(d->peak_flops[EW_PREC_INT8], 1979e12, "int8");
    /* int4 weights compute at the activation precision (device.h): the bf16 rate */
    assert_close(d->peak_flops[EW_PREC_INT4], 989e12, "int4");
    assert_close(d->link_bytes_per_s, 450e9, "link");
    /* the A100 has no fp8: empty cell, rate 0 */
    assert_close(ew_device_find(c, "a100-sxm-80gb")->peak_flops[EW_PREC_FP8], 0.0, "a100 fp8");
    ew_device_catalog_free(c);
}

/* llama-3.1-8b row: 32 layers, hidden 4096, 32 heads, 8 KV heads, FFN 14336, vocab 128256.
 * KV cache per token = 2 (K, V) x 32 layers x 8 heads x 128 (4096/32) x 2 B = 131072 B at
 * bf16, half that with fp8 weights (fp8 cache); int4 weights keep a bf16 cache. */
static void test_llama_8b_row(void **state)
{
    (void)state;
    ew_model_catalog *c = NULL;
    ew_error err = {0};
    assert_int_equal(ew_model_catalog_load("data/models.csv", &c, &err), EW_OK);
    const ew_ai_model *m = ew_model_find(c, "llama-3.1-8b");
    assert_non_null(m);
    assert_int_equal(m->kind, EW_MODEL_LLM);
    assert_int_equal(m->layers, 32);
    assert_int_equal(m->hidden, 4096);
    assert_int_equal(m->heads, 32);
    assert_int_equal(m->kv_heads, 8);
    assert_int_equal(m->ffn, 14336);
    assert_int_equal(m->vocab, 128256);
    assert_int_equal(m->max_context, 131072);
    assert_int_equal(m->precision, EW_PREC_BF16);
    assert_close(m->params, 8.03e9, "params");
    assert_close(m->active_params, 8.03e9, "active = params when empty");
    assert_close(ew_model_kv_bytes_per_token(m, EW_PREC_BF16), 131072.0, "kv bf16");
    assert_close(ew_model_kv_bytes_per_token(m, EW_PREC_FP8), 65536.0, "kv fp8");
    assert_close(ew_model_kv_bytes_per_token(m, EW_PREC_INT4), 131072.0, "kv int4");
    /* Llama 3.2 1B: head size 2048/32 = 64: 2 x 16 x 8 x 64 x 2 = 32768 B */
    assert_close(ew_model_kv_bytes_per_token(ew_model_find(c, "llama-3.2-1b"), EW_PREC_BF16),
                 32768.0, "kv 1b");
    ew_model_catalog_free(c);
}

static void test_precision(void **state)
{
    (void)state;
    static const char *const names[] = {"fp32", "bf16", "fp8", "int8", "int4"};
    static const double bytes[] = {4.0, 2.0, 1.0, 1.0, 0.5};
    for (int p = 0; p < EW_PREC_COUNT; p++) {
        ew_precision q;
        assert_string_equal(ew_precision_name((ew_precision)p), names[p]);
        assert_int_equal(ew_precision_parse(names[p], &q), 0);
        assert_int_equal(q, p);
        assert_close(ew_precision_bytes((ew_precision)p), bytes[p], names[p]);
    }
    ew_precision q;
    assert_int_equal(ew_precision_parse("fp16", &q), 0);
    assert_int_equal(q, EW_PREC_BF16);
    assert_int_equal(ew_precision_parse("fp64", &q), -1);
    assert_int_equal(ew_precision_parse("BF16", &q), -1);
}

/* ---- laws ---------------------------------------------------------------- */

/* rtx-4090 (devices.csv): TDP 450 W, idle 20 W, 1008 GB/s, bf16 165.2, fp8 330.3, int8 660.6
 * TFLOPS, fp32 82.6, link 32 GB/s. ada-consumer (device_defaults.csv): gemm 0.85, bandwidth
 * 0.80, static 0.13, memory power 0.60, step 500 us, link 0.41, latency 50 us.
 *   static_w    = max(0.13 x 450, 20) = 58.5 W
 *   flops bf16  = 165.2e12 x 0.85 = 140.42e12;  J/FLOP = (450 - 58.5) / 140.42e12
 *   bytes_per_s = 1008e9 x 0.80 = 806.4e9;       J/B = (0.60 x 450 - 58.5) / 806.4e9
 *   link        = 32e9 x 0.41 = 13.12e9 B/s */
static void test_laws_defaults_4090(void **state)
{
    (void)state;
    ew_device_catalog *c = NULL;
    ew_error err = {0};
    assert_int_equal(ew_device_catalog_load("data/devices.csv", &c, &err), EW_OK);
    const ew_device *d = ew_device_find(c, "rtx-4090");
    ew_device_laws L;
    if (ew_device_laws_get(d, "data", &L, &err) != EW_OK)
        fail_msg("%s", err.msg);
    assert_close(L.static_w, 58.5, "static");
    assert_close(L.idle_w, 20.0, "idle");
    assert_close(L.power_cap_w, 450.0, "cap");
    assert_close(L.flops_per_s[EW_PREC_BF16], 140.42e12, "flops bf16");
    assert_close(L.flops_per_s[EW_PREC_FP32], 82.6e12 * 0.85, "flops fp32");
    assert_close(L.flops_per_s[EW_PREC_FP8], 330.3e12 * 0.85, "flops fp8");
    assert_close(L.flops_per_s[EW_PREC_INT8], 660.6e12 * 0.85, "flops int8");
    assert_close(L.j_per_flop[EW_PREC_BF16], 391.5 / 140.42e12, "J/FLOP bf16");
    assert_close(L.j_per_flop[EW_PREC_INT8], 391.5 / (660.6e12 * 0.85), "J/op int8");
    assert_close(L.bytes_per_s, 806.4e9, "bytes/s");
    assert_close(L.j_per_byte, 211.5 / 806.4e9, "J/B");
    assert_close(L.step_overhead_s, 500e-6, "step");
    assert_close(L.link_bytes_per_s, 13.12e9, "link");
    assert_close(L.link_latency_s, 50e-6, "latency");
    assert_non_null(strstr(L.origin, "datasheet defaults"));
    assert_non_null(strstr(L.origin, "ada-consumer"));

    /* h100-sxm, hopper: static = max(0.10 x 700, 70) = 70 W, the idle floor and the fraction
     * agree; J/B = (0.43 x 700 - 70) / (3.35e12 x 0.89) */
    d = ew_device_find(c, "h100-sxm");
    assert_int_equal(ew_device_laws_get(d, "data", &L, &err), EW_OK);
    assert_close(L.static_w, 70.0, "h100 static");
    assert_close(L.flops_per_s[EW_PREC_BF16], 989e12 * 0.80, "h100 flops");
    assert_close(L.j_per_byte, (301.0 - 70.0) / (3.35e12 * 0.89), "h100 J/B");
    assert_close(L.link_bytes_per_s, 450e9, "h100 link");
    assert_close(L.link_latency_s, 26e-6, "h100 latency");

    /* a100 has no fp8: rate 0 and 0 J/FLOP, not a division by zero */
    d = ew_device_find(c, "a100-sxm-80gb");
    assert_int_equal(ew_device_laws_get(d, "data", &L, &err), EW_OK);
    assert_close(L.flops_per_s[EW_PREC_FP8], 0.0, "a100 fp8 rate");
    assert_close(L.j_per_flop[EW_PREC_FP8], 0.0, "a100 fp8 J");
    ew_device_catalog_free(c);
}

#define DEF_HEADER                                                                            \
    "family,gemm_efficiency,bandwidth_efficiency,static_fraction,memory_power_fraction,"     \
    "step_overhead_us,link_efficiency,link_latency_us,source,note\n"

static const ew_device *load_tmp_device(ew_device_catalog **c)
{
    ew_error err = {0};
    const char *p = write_tmp("devices.csv", "# comment line\n" DEV_HEADER DEV_ROW("tgpu", "312.5"));
    if (ew_device_catalog_load(p, c, &err) != EW_OK)
        fail_msg("%s", err.msg);
    return ew_device_find(*c, "tgpu");
}

/* Test device: TDP 312.5 W, idle 13.5 W, 437.5 GB/s, bf16 86.9 TFLOPS, link 16 GB/s.
 * testfam: gemm 0.75, bw 0.8, static 0.2, memory power 0.1, 250 us, link 0.5, 40 us.
 * static = max(62.5, 13.5) = 62.5 W; memory power 0.1 x 312.5 = 31.25 W < static: J/B = 0. */
static void test_laws_calibration_overrides(void **state)
{
    (void)state;
    ew_device_catalog *c = NULL;
    ew_error err = {0};
    const ew_device *d = load_tmp_device(&c);
    assert_non_null(d);
    write_tmp("device_defaults.csv", DEF_HEADER
              "testfam,0.75,0.8,0.2,0.1,250,0.5,40,made up for the test,\n"
              "otherfam,0.5,0.5,0.5,0.5,1,0.5,1,made up,\n");
    ew_device_laws def, cal;
    if (ew_device_laws_get(d, tmpdir, &def, &err) != EW_OK)
        fail_msg("%s", err.msg);
    assert_close(def.static_w, 62.5, "static");
    assert_close(def.flops_per_s[EW_PREC_BF16], 86.9e12 * 0.75, "flops");
    assert_close(def.j_per_flop[EW_PREC_BF16], 250.0 / (86.9e12 * 0.75), "J/FLOP");
    assert_close(def.bytes_per_s, 437.5e9 * 0.8, "bytes/s");
    assert_close(def.j_per_byte, 0.0, "J/B clamped at 0");
    assert_close(def.step_overhead_s, 250e-6, "step");
    assert_close(def.link_bytes_per_s, 8e9, "link");
    assert_close(def.link_latency_s, 40e-6, "latency");

    char dir[300];
    snprintf(dir, sizeof dir, "%s/calibration", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    write_tmp("calibration/tgpu.csv",
              "# measured by hand for the test\n"
              "law,value,units,source\n"
              "flops_per_s_bf16,5.5e13,FLOP/s,made-up bench run\n"
              "j_per_byte,3.25e-10,J/B,made-up bench run\n"
              "static_w,71,W,made-up bench run\n");
    if (ew_device_laws_get(d, tmpdir, &cal, &err) != EW_OK)
        fail_msg("%s", err.msg);
    assert_close(cal.flops_per_s[EW_PREC_BF16], 5.5e13, "calibrated flops");
    assert_close(cal.j_per_byte, 3.25e-10, "calibrated J/B");
    assert_close(cal.static_w, 71.0, "calibrated static");
    /* everything else exactly as the defaults (not re-derived from the calibrated laws) */
    for (int p = 0; p < EW_PREC_COUNT; p++) {
        if (p != EW_PREC_BF16)
            assert_true(cal.flops_per_s[p] == def.flops_per_s[p]);
        assert_true(cal.j_per_flop[p] == def.j_per_flop[p]);
    }
    assert_true(cal.bytes_per_s == def.bytes_per_s);
    assert_true(cal.idle_w == def.idle_w);
    assert_true(cal.power_cap_w == def.power_cap_w);
    assert_true(cal.step_overhead_s == def.step_overhead_s);
    assert_true(cal.link_bytes_per_s == def.link_bytes_per_s);
    assert_true(cal.link_latency_s == def.link_latency_s);
    assert_non_null(strstr(cal.origin, "calibration"));
    assert_non_null(strstr(cal.origin, "tgpu.csv"));
    assert_non_null(strstr(cal.origin, "3 of"));

    /* bad calibration files: unknown law, wrong unit, negative value, twice, no source */
    static const struct { const char *row, *expect; } bad[] = {
        {"flops_per_s_fp64,1,FLOP/s,x\n", "tgpu.csv:2:1: law: expected a law"},
        {"static_w,71,kW,x\n", "tgpu.csv:2:3: units: expected \"W\" for static_w"},
        {"static_w,-1,W,x\n", "tgpu.csv:2:2: value: expected a number >= 0"},
        {"static_w,1,W,x\nstatic_w,2,W,x\n", "tgpu.csv:3:1: law: \"static_w\" given twice"},
        {"static_w,1,W,\n", "tgpu.csv:2:4: source: expected the source"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "law,value,units,source\n%s", bad[i].row);
        write_tmp("calibration/tgpu.csv", text);
        err.msg[0] = '\0';
        assert_int_equal(ew_device_laws_get(d, tmpdir, &cal, &err), EW_EINVAL);
        if (!strstr(err.msg, bad[i].expect))
            fail_msg("message \"%s\" lacks \"%s\"", err.msg, bad[i].expect);
    }

    /* a family with no row in the defaults file */
    write_tmp("calibration/tgpu.csv", "law,value,units,source\n");
    write_tmp("device_defaults.csv", DEF_HEADER "otherfam,0.5,0.5,0.5,0.5,1,0.5,1,made up,\n");
    assert_int_equal(ew_device_laws_get(d, tmpdir, &cal, &err), EW_EINVAL);
    assert_non_null(strstr(err.msg, "device_defaults.csv:"));
    assert_non_null(strstr(err.msg, "\"testfam\""));
    ew_device_catalog_free(c);
}

/* ---- bad inputs ---------------------------------------------------------- */

static void expect_device_error(const char *text, int code, const char *fragment)
{
    const char *p = write_tmp("bad.csv", text);
    ew_device_catalog *c = (ew_device_catalog *)1;
    ew_error err = {0};
    assert_int_equal(ew_device_catalog_load(p, &c, &err), code);
    assert_null(c);
    assert_int_equal(err.code, code);
    if (!strstr(err.msg, fragment))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, fragment);
}

static void test_bad_devices(void **state)
{
    (void)state;
    /* tdp_w dropped from the header (and the row) */
    expect_device_error(
        "name,label,vendor,kind,segment,family,launch_year,idle_w,idle_basis,memory_gb,"
        "memory_bw_gbs,fp32_tflops,bf16_tflops,fp8_tflops,int8_tops,int4_tops,link_gbs,"
        "price_usd,embodied_kgco2e,source,note\n"
        "x,X,Acme,gpu,consumer,f,2021,13.5,estimate,12,437.5,21.7,86.9,,,,16,,,src,\n",
        EW_EINVAL, "bad.csv:1:1: header: missing column \"tdp_w\"");
    /* the comment lines count: the row is on line 4, tdp_w is field 8 */
    expect_device_error("# a comment\n\n" DEV_HEADER DEV_ROW("x", "lots"), EW_EINVAL,
                        "bad.csv:4:8: tdp_w: expected a number > 0 [W], got \"lots\"");
    expect_device_error(DEV_HEADER DEV_ROW("x", "-250"), EW_EINVAL,
                        "bad.csv:2:8: tdp_w: expected a number > 0 [W], got \"-250\"");
    expect_device_error(DEV_HEADER DEV_ROW("x", "0x10"), EW_EINVAL, "bad.csv:2:8: tdp_w");
    expect_device_error(DEV_HEADER DEV_ROW("x", "inf"), EW_EINVAL, "bad.csv:2:8: tdp_w");
    expect_device_error(DEV_HEADER DEV_ROW("x", "250") DEV_ROW("y", "250") DEV_ROW("x", "250"),
                        EW_EINVAL,
                        "bad.csv:4:1: name: expected a unique name, got \"x\" (already on line 2)");
    /* idle above TDP */
    expect_device_error(DEV_HEADER DEV_ROW("x", "10"), EW_EINVAL, "bad.csv:2:9: idle_w");
    /* a row with a missing source */
    expect_device_error(DEV_HEADER
                        "x,X,Acme,gpu,consumer,f,,250,13.5,estimate,12,437.5,21.7,86.9,,,,16,,,,\n",
                        EW_EINVAL, "bad.csv:2:21: source: expected the source");
    /* unknown kind, wrong field count, broken quoting */
    expect_device_error(DEV_HEADER
                        "x,X,Acme,tpu,consumer,f,,250,13.5,estimate,12,437.5,21.7,86.9,,,,16,,,s,\n",
                        EW_EINVAL, "bad.csv:2:4: kind: expected gpu or cpu, got \"tpu\"");
    expect_device_error(DEV_HEADER "x,X,Acme\n", EW_EINVAL,
                        "bad.csv:2:1: row: expected 22 fields");
    expect_device_error(DEV_HEADER "x,\"X,Acme\n", EW_EINVAL, "bad.csv:2:1: malformed CSV");
    expect_device_error("# only a comment\n", EW_EINVAL, "expected a header line");

    /* missing file: EW_EIO naming the path */
    char path[512];
    snprintf(path, sizeof path, "%s/no-such-file.csv", tmpdir);
    ew_device_catalog *c = NULL;
    ew_error err = {0};
    assert_int_equal(ew_device_catalog_load(path, &c, &err), EW_EIO);
    assert_null(c);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "cannot open"));
}

#define MOD_HEADER                                                                             \
    "name,label,kind,params_b,active_params_b,layers,hidden,heads,kv_heads,ffn,vocab,"        \
    "max_context,precision,step_gflops,steps,resolution_px,source,note\n"

static void expect_model_error(const char *text, const char *fragment)
{
    const char *p = write_tmp("badm.csv", text);
    ew_model_catalog *c = NULL;
    ew_error err = {0};
    assert_int_equal(ew_model_catalog_load(p, &c, &err), EW_EINVAL);
    assert_null(c);
    if (!strstr(err.msg, fragment))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, fragment);
}

static void test_bad_models(void **state)
{
    (void)state;
    const char *ok = MOD_HEADER "m,M,llm,7.5,,32,4096,32,8,14336,32000,8192,bf16,,,,src,\n";
    ew_model_catalog *c = NULL;
    ew_error err = {0};
    assert_int_equal(ew_model_catalog_load(write_tmp("okm.csv", ok), &c, &err), EW_OK);
    assert_close(ew_model_catalog_at(c, 0)->active_params, 7.5e9, "active defaults to params");
    ew_model_catalog_free(c);
    expect_model_error(MOD_HEADER "m,M,llm,7.5,,32,4096,32,6,14336,32000,8192,bf16,,,,src,\n",
                       "badm.csv:2:9: kv_heads: expected a divisor of heads");
    expect_model_error(MOD_HEADER "m,M,llm,7.5,9,32,4096,32,8,14336,32000,8192,bf16,,,,src,\n",
                       "badm.csv:2:5: active_params_b");
    expect_model_error(MOD_HEADER "m,M,llm,7.5,,32.5,4096,32,8,14336,32000,8192,bf16,,,,src,\n",
                       "badm.csv:2:6: layers: expected an integer >= 1");
    expect_model_error(MOD_HEADER "m,M,llm,7.5,,32,4096,32,8,14336,32000,8192,fp12,,,,src,\n",
                       "badm.csv:2:13: precision");
    expect_model_error(MOD_HEADER "m,M,diffusion,2.6,,,,,,,,,bf16,,50,1024,src,\n",
                       "badm.csv:2:14: step_gflops: expected a number > 0 [GFLOP]");
    expect_model_error(MOD_HEADER "m,M,llm,7.5,,32,4096,32,8,14336,32000,8192,bf16,,,,src,\n"
                                  "m,M,llm,7.5,,32,4096,32,8,14336,32000,8192,bf16,,,,src,\n",
                       "badm.csv:3:1: name: expected a unique name");
}

/* ---- every figure in data/ names its source ------------------------------- */

static void check_sources(const char *dir, int *files)
{
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("%s: cannot open directory", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        assert_int_equal(stat(p, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            if (strcmp(p, "data/calibration") != 0)   /* measured laws, own format */
                check_sources(p, files);
            continue;
        }
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".csv") != 0)
            continue;
        ew_csv_table *t = NULL;
        ew_error err = {0};
        if (ew_csv_table_read(p, &t, &err) != EW_OK)
            fail_msg("%s", err.msg);
        int col = ew_csv_col(t, "source");
        if (col < 0)
            fail_msg("%s:%d: header has no \"source\" column", p, t->header_line);
        for (size_t r = 0; r < t->nrows; r++)
            if (!t->cells[r][col][0])
                fail_msg("%s:%d: empty source", p, t->lines[r]);
        ew_csv_table_free(t);
        (*files)++;
    }
    closedir(d);
}

static void test_every_data_csv_has_sources(void **state)
{
    (void)state;
    int files = 0;
    check_sources("data", &files);
    assert_true(files >= 3);   /* devices, device_defaults, models at least */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_devices_all_load),
        cmocka_unit_test(test_models_all_load),
        cmocka_unit_test(test_h100_row),
        cmocka_unit_test(test_llama_8b_row),
        cmocka_unit_test(test_precision),
        cmocka_unit_test(test_laws_defaults_4090),
        cmocka_unit_test_setup_teardown(test_laws_calibration_overrides, make_tmpdir,
                                        remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_bad_devices, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_bad_models, make_tmpdir, remove_tmpdir),
        cmocka_unit_test(test_every_data_csv_has_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
