/* test_calibrate.c — the calibration fit (sim/calibrate.h): raw files made
 * here from known laws, with ±0.5% deterministic noise (GSL mt19937, fixed
 * seed) on every time and every energy, must give back those laws within
 * 1%; the leave-one-out errors stay near the noise; a CPU file without
 * energy yields the rate laws only; the calibration file written loads
 * through ew_device_laws_get; bad raw files are refused at file:line:col.
 * Run from the repository root (it reads data/ and tests/data/).
 *
 * The synthetic device (numbers chosen non-round, H100-like), with the
 * kernels the measuring program runs: per call
 *   t = t0 + max(F/R_p, Y/BW_c),   J = P_s·seconds + e_p·FLOPs + e_b·bytes,
 * R_bf16 = 6.53e14 FLOP/s, R_fp8 = 1.19e15 (tensor cores), R_fp32 = 5.17e13
 * (CUDA cores: gemv_batch and attention, written "bf16" as the program
 * writes them, compute in fp32), BW_c = 2.91e12 B/s for the streams, 2.71e12
 * for GEMMs, 2.35e12 for gemv_batch, 1.98e12 for attention (the streams'
 * FLOPs, one add per element, cost energy but no time), t0 = 8.7e-6 s,
 * P_s = 113 W, e_bf16 = 0.61e-12 J/FLOP, e_fp8 = 0.37e-12, e_fp32 = 2.3e-12,
 * e_b = 31e-12 J/B, idle 71.3 W, power limit 700 W (the largest draw, fp8
 * GEMMs, is 113 + 0.37e-12·1.19e15 = 553 W: never capped).
 * `EW_WRITE_SYNTHETIC=1 build/release/tests/test_calibrate` rewrites the
 * committed small file tests/data/raw-synthetic.csv from the same numbers.
 */
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
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "calibrate.h"
#include "ew.h"
#include "../../models/device/device.h"

/* ---- the synthetic device ----------------------------------------------- */

#define T0_S 8.7e-6
/* by ew_calib_bw_class: streams, GEMMs, gemv_batch, attention */
static const double BW_TRUE[EW_CAL_BW_COUNT] = {2.91e12, 2.71e12, 2.35e12, 1.98e12};
#define BW_B_PER_S 2.71e12   /* bytes_per_s: the GEMMs' */
#define P_STATIC_W 113.0
#define E_BYTE_J 31e-12
#define IDLE_W 71.3
#define CAP_W 700.0
/* by ew_precision: fp32, bf16, fp8 */
static const double R_TRUE[EW_PREC_COUNT] = {5.17e13, 6.53e14, 1.19e15, 0, 0};
static const double E_TRUE[EW_PREC_COUNT] = {2.3e-12, 0.61e-12, 0.37e-12, 0, 0};
/* the CPU (4 threads at best; fewer threads scale down) */
#define CPU_R_FP32 1.13e11
#define CPU_BW 1.87e10
#define CPU_T0_S 3.1e-6

#define HEADER                                                                               \
    "device,driver,kernel,precision,m,n,k,batch,context,repetitions,seconds,joules,avg_watts," \
    "flops,bytes,sm_clock_mhz_before,sm_clock_mhz_after,mem_clock_mhz,temp_c_before,"       \
    "temp_c_after,power_limit_w,energy_source,timestamp,program_version\n"

typedef struct gen {
    FILE *f;
    gsl_rng *rng;
    int row;
} gen;

/* A generator writing to f, its noise seeded with seed. */
static gen gen_start(FILE *f, unsigned long seed)
{
    gen g = {f, gsl_rng_alloc(gsl_rng_mt19937), 0};
    assert_non_null(g.rng);
    gsl_rng_set(g.rng, seed);
    return g;
}

static double noise(gen *g)
{
    return 1.0 + (gsl_rng_uniform(g->rng) - 0.5) * 0.01;   /* ±0.5% */
}

/* One GPU row: F and Y per call, timed at FLOP law q (EW_PREC_COUNT: by its
 * bytes alone) and bandwidth class c; repetitions for at least 2 s of work. */
static void gpu_row(gen *g, const char *kernel, const char *prec, ew_precision q,
                    ew_calib_bw_class c, double m, double n, double k, double batch,
                    double context, double F, double Y)
{
    double t = T0_S + fmax(q < EW_PREC_COUNT ? F / R_TRUE[q] : 0.0, Y / BW_TRUE[c]);
    double reps = ceil(2.0 / t);
    double seconds = reps * t * noise(g);
    double e_flop = F > 0 ? E_TRUE[q < EW_PREC_COUNT ? q : EW_PREC_FP32] : 0.0;
    double joules = (P_STATIC_W * seconds + e_flop * F * reps + E_BYTE_J * Y * reps) * noise(g);
    fprintf(g->f,
            "Synthetic H100 (tests/unit/test_calibrate.c),synthetic,%s,%s,%.0f,%.0f,%.0f,%.0f,"
            "%.0f,%.0f,%.9g,%.9g,%.6g,%.0f,%.0f,1980,1980,2619,41,52,700,nvml_energy,"
            "2025-01-01T00:%02d:%02dZ,synthetic-1\n",
            kernel, prec, m, n, k, batch, context, reps, seconds, joules, joules / seconds,
            F * reps, Y * reps, g->row / 60 % 60, g->row % 60);
    g->row++;
}

static void gemm(gen *g, const char *prec, double m, double n, double k)
{
    double in = prec[2] == '8' ? 1.0 : 2.0;   /* fp8 1, bf16 and fp16 2 */
    gpu_row(g, "gemm", prec, prec[2] == '8' ? EW_PREC_FP8 : EW_PREC_BF16, EW_CAL_BW_GEMM, m, n,
            k, 0, 0, 2.0 * m * n * k, in * (m * k + k * n) + 2.0 * m * n);   /* bf16 out */
}

static void gemv(gen *g, double b, double n, double k)
{
    gpu_row(g, "gemv_batch", "bf16", EW_PREC_FP32, EW_CAL_BW_GEMV, 0, n, k, b, 0,
            2.0 * b * n * k, 2.0 * (n * k + b * k + b * n));
}

/* decode attention, 32 query heads and 8 KV heads of 128: per (request,
 * cached token) 4·32·128 FLOPs and K and V of 8·128 bf16 values each */
static void attention(gen *g, double b, double ctx)
{
    gpu_row(g, "attention", "bf16", EW_PREC_FP32, EW_CAL_BW_ATTENTION, 0, 0, 0, b, ctx,
            4.0 * b * ctx * 32 * 128, b * ctx * 2 * 8 * 128 * 2 + b * 2 * 32 * 128 * 2);
}

/* stream_read of n fp32 (one add each) and stream_copy of n fp32 */
static void streams(gen *g, double n)
{
    gpu_row(g, "stream_read", "fp32", EW_PREC_COUNT, EW_CAL_BW_STREAM, 0, n, 0, 0, 0, n, 4.0 * n);
    gpu_row(g, "stream_copy", "fp32", EW_PREC_COUNT, EW_CAL_BW_STREAM, 0, n, 0, 0, 0, 0, 8.0 * n);
}

static void idle(gen *g, double s)
{
    double seconds = s * noise(g), joules = IDLE_W * seconds * noise(g);
    fprintf(g->f,
            "Synthetic H100 (tests/unit/test_calibrate.c),synthetic,idle,,,,,,,1,%.9g,%.9g,%.6g,"
            "0,0,345,345,2619,33,33,700,nvml_energy,2025-01-01T01:00:%02dZ,synthetic-1\n",
            seconds, joules, joules / seconds, g->row++ % 60);
}

static void cpu_row(gen *g, const char *kernel, double m, double threads, double F, double Y)
{
    double rate = CPU_R_FP32 * threads / 4.0 * (threads == 4 ? 1.0 : 1.05);
    double bw = CPU_BW * (threads == 4 ? 1.0 : threads == 2 ? 0.8 : 0.45);
    double t = CPU_T0_S + (F > 0 ? F / rate : Y / bw);
    double reps = ceil(2.0 / t);
    fprintf(g->f,
            "Synthetic CPU (tests/unit/test_calibrate.c),linux synthetic,%s,%s,%.0f,%.0f,%.0f,"
            "%.0f,,%.0f,%.9g,,,%.0f,%.0f,,,,,,,unmeasured,2025-01-01T02:00:%02dZ,synthetic-1\n",
            kernel, F > 0 ? "fp32" : "", m, F > 0 ? m : 0, F > 0 ? m : 0, threads, reps,
            reps * t * noise(g), F * reps, Y * reps, g->row++ % 60);
}

static void cpu_rows(gen *g)
{
    static const double threads[] = {1, 2, 4}, sizes[] = {512, 1024, 2048};
    for (size_t i = 0; i < 3; i++) {
        for (size_t j = 0; j < 3; j++)
            cpu_row(g, "cpu_gemm", sizes[j], threads[i], 2.0 * pow(sizes[j], 3),
                    3.0 * 4.0 * sizes[j] * sizes[j]);
        for (size_t j = 1; j <= 2; j++)   /* triad a = b + s·c on 2^25, 2^26 doubles */
            cpu_row(g, "cpu_triad", 0, threads[i], 0, 3.0 * 8.0 * pow(2.0, 24 + (double)j));
    }
}

/* The full GPU set (and, with cpu, the CPU rows of the same machine), or
 * the small set committed as tests/data/raw-synthetic.csv. */
static void generate(FILE *f, int small, int cpu)
{
    gen g = gen_start(f, 20250101);
    fprintf(f, "# SYNTHETIC raw calibration data, not a measurement: made by\n"
               "# tests/unit/test_calibrate.c from known laws (R_bf16 6.53e14 FLOP/s, R_fp8 "
               "1.19e15,\n# R_fp32 5.17e13 on the CUDA cores for gemv_batch and attention; BW "
               "2.91e12 B/s for\n# streams, 2.71e12 GEMMs, 2.35e12 gemv_batch, 1.98e12 attention; "
               "t0 8.7e-6 s,\n# P_static 113 W, e_bf16 0.61e-12 J/FLOP, e_fp8 0.37e-12, e_fp32 "
               "2.3e-12, e_byte 31e-12 J/B,\n# idle 71.3 W) with +-0.5%% noise on times and "
               "energies (GSL mt19937, seed 20250101).\n");
    fputs(HEADER, f);
    static const double nk[][2] = {{4096, 4096}, {14336, 4096}, {4096, 14336}, {8192, 8192},
                                   {28672, 8192}};
    if (small) {
        static const double ms[] = {1, 16, 1024, 4096, 8192};
        for (size_t i = 0; i < 5; i++)
            for (size_t j = 0; j < 4; j += 3)
                gemm(&g, "bf16", ms[i], nk[j][0], nk[j][1]);
        for (size_t i = 2; i < 5; i++)
            gemm(&g, "fp8", ms[i], 8192, 8192);
        gemm(&g, "fp8", 16, 8192, 8192);
        gemm(&g, "bf16", 128, 128, 128);
        gemm(&g, "bf16", 512, 512, 512);
        for (double s = 26; s <= 30; s += 4)
            streams(&g, pow(2.0, s));
        static const double bs[] = {1, 4, 32};
        for (size_t i = 0; i < 3; i++) {
            gemv(&g, bs[i], 4096, 4096);
            gemv(&g, bs[i], 8192, 8192);
        }
        attention(&g, 8, 4096);
        attention(&g, 64, 16384);
        idle(&g, 10.3);
        gsl_rng_free(g.rng);
        return;
    }
    static const double ms[] = {1, 4, 16, 64, 256, 1024, 2048, 4096, 8192};
    for (size_t i = 0; i < 9; i++)
        for (size_t j = 0; j < 5; j++)
            gemm(&g, "bf16", ms[i], nk[j][0], nk[j][1]);
    for (double m = 1024; m <= 4096; m *= 4) {
        gemm(&g, "fp16", m, 4096, 4096);
        gemm(&g, "fp16", m, 8192, 8192);
    }
    static const double m8[] = {16, 1024, 4096, 8192};
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 5; j += 2)
            gemm(&g, "fp8", m8[i], nk[j][0], nk[j][1]);
    for (double s = 64; s <= 512; s *= 2)
        gemm(&g, "bf16", s, s, s);
    for (double s = 26; s <= 30; s += 2)
        streams(&g, pow(2.0, s));
    static const double bs[] = {1, 2, 4, 8, 32, 128};
    for (size_t i = 0; i < 6; i++) {
        gemv(&g, bs[i], 4096, 4096);
        gemv(&g, bs[i], 14336, 4096);
        gemv(&g, bs[i], 8192, 8192);
    }
    static const double ab[] = {1, 8, 64}, ac[] = {1024, 8192, 32768};
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++)
            attention(&g, ab[i], ac[j]);
    idle(&g, 10.3);
    idle(&g, 9.7);
    if (cpu)
        cpu_rows(&g);
    gsl_rng_free(g.rng);
}

static void generate_cpu_only(FILE *f)
{
    gen g = gen_start(f, 7);
    fputs("# synthetic CPU-only raw file (energy unmeasured)\n" HEADER, f);
    cpu_rows(&g);
    gsl_rng_free(g.rng);
}

/* ---- helpers ------------------------------------------------------------- */



static int setup(void **state)
{
    (void)state;
    gsl_set_error_handler_off();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ew_test_calibrate_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    rm_tree(tmpdir);
    return 0;
}

static const char *tmp_path(const char *rel)
{
    static char path[4][600];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", tmpdir, rel);
    return path[k];
}

static ew_calib_raw *read_ok(const char *path)
{
    ew_calib_raw *raw = NULL;
    ew_error err = {0};
    if (ew_calib_raw_read(path, &raw, &err) != EW_OK)
        fail_msg("%s refused: %s", path, err.msg);
    return raw;
}

static const char *full_file(int cpu)
{
    const char *path = tmp_path(cpu ? "full-cpu.csv" : "full.csv");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    generate(f, 0, cpu);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void check_law(const char *what, const ew_calib_value *v, double want, double tol)
{
    if (!v->ok)
        fail_msg("%s: not determined: %s", what, v->method);
    double rel = fabs(v->value - want) / want;
    print_message("  %-18s want %-12.6g got %-12.6g rel %.2e (tol %.0e)\n", what, want, v->value,
                  rel, tol);
    if (!(rel <= tol))
        fail_msg("%s: fitted %.9g, true %.9g (relative error %.3e > %.0e)", what, v->value, want,
                 rel, tol);
}

/* ---- tests --------------------------------------------------------------- */

/* Every law within 1% of the value the data were made from. The GPU rows
 * are chosen over the CPU rows of the same file (EW_CALIB_AUTO). */
static void test_fit_recovers_known_laws(void **state)
{
    (void)state;
    ew_calib_raw *raw = read_ok(full_file(1));
    ew_calib_fit f;
    ew_error err = {0};
    if (ew_calib_fit_run(raw, EW_CALIB_AUTO, (size_t)-1, &f, &err))
        fail_msg("fit failed: %s", err.msg);
    assert_int_equal(f.cpu, 0);
    assert_string_equal(f.device, "Synthetic H100 (tests/unit/test_calibrate.c)");
    assert_int_equal(f.n_other, 15);   /* the CPU rows */
    check_law("flops_per_s_bf16", &f.flops_per_s[EW_PREC_BF16], R_TRUE[EW_PREC_BF16], 0.01);
    check_law("flops_per_s_fp8", &f.flops_per_s[EW_PREC_FP8], R_TRUE[EW_PREC_FP8], 0.01);
    check_law("flops_per_s_fp32", &f.flops_per_s[EW_PREC_FP32], R_TRUE[EW_PREC_FP32], 0.01);
    check_law("bytes_per_s", &f.bytes_per_s, BW_B_PER_S, 0.01);
    check_law("step_overhead_s", &f.step_overhead_s, T0_S, 0.01);
    check_law("static_w", &f.static_w, P_STATIC_W, 0.01);
    check_law("j_per_flop_bf16", &f.j_per_flop[EW_PREC_BF16], E_TRUE[EW_PREC_BF16], 0.01);
    check_law("j_per_flop_fp8", &f.j_per_flop[EW_PREC_FP8], E_TRUE[EW_PREC_FP8], 0.01);
    check_law("j_per_flop_fp32", &f.j_per_flop[EW_PREC_FP32], E_TRUE[EW_PREC_FP32], 0.01);
    check_law("j_per_byte", &f.j_per_byte, E_BYTE_J, 0.01);
    check_law("idle_w", &f.idle_w, IDLE_W, 0.01);
    check_law("power_cap_w", &f.power_cap_w, CAP_W, 1e-12);
    /* each kernel class's bandwidth, and the time fit settled on every row's bound */
    static const char *const cls[] = {"streams", "gemm", "gemv_batch", "attention"};
    for (int c = 0; c < EW_CAL_BW_COUNT; c++)
        check_law(cls[c], &f.class_bw[c], BW_TRUE[c], 0.01);
    assert_true(f.time_converged);
    print_message("  time fit: %zu rows, %zu rounds, rms %.3g%%, worst %.3g%%\n", f.time_n,
                  f.time_rounds, 100 * f.time_rel_rms, 100 * f.time_rel_max);
    assert_true(f.time_rel_rms < 0.005 && f.time_rel_max < 0.012);
    /* fp32 rests on the CUDA-core kernels, compute-bound at batch >= 32 */
    assert_non_null(strstr(f.flops_per_s[EW_PREC_FP32].method, "gemv_batch and attention"));
    /* no int8 or int4 kernels: not determined, and said why */
    assert_false(f.flops_per_s[EW_PREC_INT8].ok);
    assert_non_null(strstr(f.flops_per_s[EW_PREC_INT8].method, "no int8 kernels"));
    assert_false(f.j_per_flop[EW_PREC_INT4].ok);
    /* energy fit quality: the noise is ±0.5% on J and on t, so residuals stay near it */
    print_message("  energy fit: R^2 %.8f, rms %.3g%%, worst %.3g%%\n", f.energy_r2,
                  100 * f.energy_rel_rms, 100 * f.energy_rel_max);
    assert_true(f.energy_r2 > 0.9999);
    assert_true(f.energy_rel_rms < 0.005);
    assert_true(f.energy_rel_max < 0.015);
    assert_true(f.static_w.se / f.static_w.value < 0.01);
    ew_calib_raw_free(raw);
}

/* Leave-one-out on the same data: each row predicted from the others to
 * about the noise (medians <= 1%, worst <= 3%), far inside the acceptance
 * (10%, 25%). Rows that alone determine a law cannot be predicted. */
static void test_leave_one_out(void **state)
{
    (void)state;
    ew_calib_raw *raw = read_ok(full_file(0));
    ew_calib_loo *l = NULL;
    ew_error err = {0};
    if (ew_calib_loo_run(raw, EW_CALIB_AUTO, &l, &err))
        fail_msg("leave-one-out failed: %s", err.msg);
    print_message("  LOO: %zu rows; time %zu predicted, median %.3g%% worst %.3g%%; energy %zu, "
                  "median %.3g%% worst %.3g%%; energy at predicted time median %.3g%% worst "
                  "%.3g%%\n", l->n, l->n_time, 100 * l->time_median, 100 * l->time_worst,
                  l->n_energy, 100 * l->energy_median, 100 * l->energy_worst,
                  100 * l->sim_median, 100 * l->sim_worst);
    assert_int_equal(l->n, raw->n - 2);   /* every row but the two idle ones */
    assert_true(l->n_time >= l->n - 2);
    assert_int_equal(l->n_energy, l->n);
    assert_true(l->time_median <= 0.01 && l->time_worst <= 0.03);
    assert_true(l->energy_median <= 0.01 && l->energy_worst <= 0.03);
    assert_true(l->sim_median <= 0.01 && l->sim_worst <= 0.03);
    ew_calib_loo_free(l);
    ew_calib_raw_free(raw);
}

/* A CPU file without energy gives the two rate laws and nothing else: the
 * best rate over the thread counts (4 threads: CPU_R_FP32 and CPU_BW, times
 * lengthened by CPU_T0_S, at most 0.2% here, and ±0.5% noise). */
static void test_cpu_only_rates(void **state)
{
    (void)state;
    const char *path = tmp_path("cpu.csv");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    generate_cpu_only(fp);
    assert_int_equal(fclose(fp), 0);
    ew_calib_raw *raw = read_ok(path);
    ew_calib_fit f;
    ew_error err = {0};
    if (ew_calib_fit_run(raw, EW_CALIB_AUTO, (size_t)-1, &f, &err))
        fail_msg("fit failed: %s", err.msg);
    assert_int_equal(f.cpu, 1);
    check_law("flops_per_s_fp32", &f.flops_per_s[EW_PREC_FP32], CPU_R_FP32, 0.01);
    check_law("bytes_per_s", &f.bytes_per_s, CPU_BW, 0.01);
    const ew_calib_value *none[] = {&f.flops_per_s[EW_PREC_BF16], &f.flops_per_s[EW_PREC_FP8],
                                    &f.j_per_flop[EW_PREC_FP32], &f.j_per_byte, &f.static_w,
                                    &f.idle_w, &f.power_cap_w, &f.step_overhead_s};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        assert_false(none[i]->ok);
        assert_true(none[i]->method[0] != '\0');
    }
    assert_non_null(strstr(f.static_w.method, "no energy measured"));

    /* the file holds two law rows, and the reasons for the others */
    const char *out = tmp_path("cpu-cal.csv");
    ew_calib_meta meta = {"synthetic-cpu", "2025-01-02"};
    if (ew_calib_write(out, raw, &f, &meta, &err))
        fail_msg("write failed: %s", err.msg);
    FILE *in = fopen(out, "r");
    assert_non_null(in);
    char line[4096];
    int laws = 0, header = 0, reasons = 0;
    while (fgets(line, sizeof line, in)) {
        if (!strncmp(line, "law,", 4))
            header = 1;
        else if (header)
            laws++;
        else if (strstr(line, "# not written: j_per_byte: no energy measured"))
            reasons++;
    }
    fclose(in);
    assert_int_equal(laws, 2);
    assert_int_equal(reasons, 1);
    /* the same rows asked for as GPU rows: refused */
    assert_int_equal(ew_calib_fit_run(raw, 0, (size_t)-1, &f, &err), EW_EINVAL);
    assert_non_null(strstr(err.msg, "no GPU kernel rows"));
    ew_calib_raw_free(raw);
}

static void copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    assert_non_null(a);
    assert_non_null(b);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0)
        assert_int_equal(fwrite(buf, 1, n, b), n);
    fclose(a);
    assert_int_equal(fclose(b), 0);
}

/* The written calibration, placed as <data>/calibration/h100-sxm.csv beside
 * copies of data/devices.csv and data/device_defaults.csv, is what
 * ew_device_laws_get returns for h100-sxm (to the 6 digits written), with
 * its origin naming the file; laws not fitted keep the datasheet default. */
static void test_written_file_loads(void **state)
{
    (void)state;
    ew_calib_raw *raw = read_ok(full_file(0));
    ew_calib_fit f;
    ew_error err = {0};
    assert_int_equal(ew_calib_fit_run(raw, EW_CALIB_AUTO, (size_t)-1, &f, &err), EW_OK);
    char data[600], cal_dir[700], cal[800];
    snprintf(data, sizeof data, "%s/data", tmpdir);
    snprintf(cal_dir, sizeof cal_dir, "%s/calibration", data);
    snprintf(cal, sizeof cal, "%s/h100-sxm.csv", cal_dir);
    assert_int_equal(mkdir(data, 0777), 0);
    assert_int_equal(mkdir(cal_dir, 0777), 0);
    copy_file("data/devices.csv", tmp_path("data/devices.csv"));
    copy_file("data/device_defaults.csv", tmp_path("data/device_defaults.csv"));
    ew_calib_meta meta = {"h100-sxm", "2025-01-02"};
    if (ew_calib_write(cal, raw, &f, &meta, &err))
        fail_msg("write failed: %s", err.msg);

    ew_device_catalog *cat = NULL;
    assert_int_equal(ew_device_catalog_load(tmp_path("data/devices.csv"), &cat, &err), EW_OK);
    const ew_device *d = ew_device_find(cat, "h100-sxm");
    assert_non_null(d);
    ew_device_laws defaults, laws;
    assert_int_equal(ew_device_laws_get(d, "data", &defaults, &err), EW_OK);
    if (ew_device_laws_get(d, data, &laws, &err))
        fail_msg("the calibration was refused: %s", err.msg);
    print_message("  origin: %s\n", laws.origin);
    assert_non_null(strstr(laws.origin, "calibration"));
    assert_non_null(strstr(laws.origin, cal));
    assert_non_null(strstr(laws.origin, "(11 of"));
    /* the per-kernel overhead is not a per-step law: the default stays */
    if (laws.step_overhead_s != defaults.step_overhead_s)
        fail_msg("step_overhead_s: loaded %.9g, the default is %.9g", laws.step_overhead_s,
                 defaults.step_overhead_s);
    const struct { const char *name; double got; const ew_calib_value *v; } rows[] = {
        {"flops fp32", laws.flops_per_s[EW_PREC_FP32], &f.flops_per_s[EW_PREC_FP32]},
        {"flops bf16", laws.flops_per_s[EW_PREC_BF16], &f.flops_per_s[EW_PREC_BF16]},
        {"flops fp8", laws.flops_per_s[EW_PREC_FP8], &f.flops_per_s[EW_PREC_FP8]},
        {"bytes_per_s", laws.bytes_per_s, &f.bytes_per_s},
        {"static_w", laws.static_w, &f.static_w},
        {"j fp32", laws.j_per_flop[EW_PREC_FP32], &f.j_per_flop[EW_PREC_FP32]},
        {"j bf16", laws.j_per_flop[EW_PREC_BF16], &f.j_per_flop[EW_PREC_BF16]},
        {"j fp8", laws.j_per_flop[EW_PREC_FP8], &f.j_per_flop[EW_PREC_FP8]},
        {"j_per_byte", laws.j_per_byte, &f.j_per_byte},
        {"idle_w", laws.idle_w, &f.idle_w},
        {"power_cap_w", laws.power_cap_w, &f.power_cap_w},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_true(rows[i].v->ok);
        if (fabs(rows[i].got - rows[i].v->value) > 1e-5 * rows[i].v->value)
            fail_msg("%s: loaded %.9g, fitted %.9g", rows[i].name, rows[i].got,
                     rows[i].v->value);
    }
    /* not calibrated: the datasheet defaults stay */
    assert_true(laws.flops_per_s[EW_PREC_INT8] == defaults.flops_per_s[EW_PREC_INT8]);
    assert_true(laws.link_bytes_per_s == defaults.link_bytes_per_s);
    assert_true(laws.link_latency_s == defaults.link_latency_s);
    ew_device_catalog_free(cat);

    /* the report is written, with the leave-one-out verdict */
    ew_calib_loo *l = NULL;
    assert_int_equal(ew_calib_loo_run(raw, EW_CALIB_AUTO, &l, &err), EW_OK);
    const char *rep = tmp_path("report.md");
    if (ew_calib_report_write(rep, raw, &f, l, &meta, &err))
        fail_msg("report failed: %s", err.msg);
    FILE *in = fopen(rep, "r");
    assert_non_null(in);
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, in);
    text[n] = '\0';
    fclose(in);
    assert_non_null(strstr(text, "## Leave-one-out check"));
    assert_non_null(strstr(text, "| time | "));
    assert_non_null(strstr(text, "PASS | PASS |"));
    assert_null(strstr(text, "FAIL"));
    assert_non_null(strstr(text, "## GEMM rate against shape"));
    ew_calib_loo_free(l);

    /* an output that cannot be written: EW_EIO, and nothing left behind */
    assert_int_equal(ew_calib_write("/nonexistent-dir/x.csv", raw, &f, &meta, &err), EW_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.csv"));
    ew_calib_raw_free(raw);
}

static const char *row_ok =
    "dev,drv,gemm,bf16,1024,4096,4096,0,0,100,0.5,150,300,3.4e12,5e9,1980,1980,2619,40,50,700,"
    "nvml_energy,2025-01-01T00:00:00Z,v1\n";

/* Bad raw files: refused with file:line:col, the column and what was expected. */
static void test_bad_raw_files(void **state)
{
    (void)state;
    const struct { const char *body; const char *expect; } bad[] = {
        {"# comment\ndevice,kernel\ndev,gemm\n", "bad.csv:2:1: header: missing column \"driver\""},
        {NULL, "bad.csv:4:11: seconds: expected a number > 0 [s], got \"abc\""},
        {NULL, "bad.csv:4:11: seconds: expected a number > 0 [s], got \"-1.5\""},
        {NULL, "bad.csv:4:11: seconds: expected a number > 0 [s], got \"0\""},
        {NULL, "bad.csv:4:3: kernel: expected a kernel (gemm,"},
        {NULL, "bad.csv:4:4: precision: expected a precision"},
        {NULL, "bad.csv:4:12: joules: expected an empty cell (energy_source is \"unmeasured\")"},
        {NULL, "bad.csv:4:14: flops: expected a number >= 0 [FLOP], got \"1e12x\""},
        {NULL, "bad.csv:4:10: repetitions: expected a whole number >= 1, got \"2.5\""},
        {NULL, "bad.csv:4:1: row: expected 24 fields"},
        {HEADER, "bad.csv:1:1: rows: expected measurements after the header, got none"},
        {NULL, "bad.csv:4:4: precision: expected the precision of the row's FLOPs"},
    };
    /* the row variants: one cell of row_ok changed (columns from 1) */
    const struct { int col; const char *cell; } change[] = {
        {0, NULL}, {11, "abc"}, {11, "-1.5"}, {11, "0"}, {3, "gemmm"}, {4, "int3"},
        {22, "unmeasured"}, {14, "1e12x"}, {10, "2.5"}, {-1, NULL}, {0, NULL}, {4, ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char body[2048];
        if (bad[i].body) {
            snprintf(body, sizeof body, "%s", bad[i].body);
        } else {
            char row[1024] = "", cells[24][128];
            int nc = 0;
            const char *s = row_ok;
            while (*s && *s != '\n') {
                size_t len = strcspn(s, ",\n");
                snprintf(cells[nc++], sizeof cells[0], "%.*s", (int)len, s);
                s += len + (s[len] == ',');
            }
            if (change[i].col > 0)
                snprintf(cells[change[i].col - 1], sizeof cells[0], "%s", change[i].cell);
            for (int c = 0; c < (change[i].col < 0 ? nc - 1 : nc); c++)
                snprintf(row + strlen(row), sizeof row - strlen(row), "%s%s", c ? "," : "",
                         cells[c]);
            snprintf(body, sizeof body, "# a raw file\n%s%s%s\n", HEADER, row_ok, row);
        }
        const char *path = tmp_path("bad.csv");
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(body, f);
        fclose(f);
        ew_calib_raw *raw = NULL;
        ew_error err = {0};
        int rc = ew_calib_raw_read(path, &raw, &err);
        print_message("  %s\n", err.msg);
        assert_int_equal(rc, EW_EINVAL);
        assert_null(raw);
        if (!strstr(err.msg, bad[i].expect))
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, err.msg, bad[i].expect);
    }
    /* a file that is not there: EW_EIO */
    ew_calib_raw *raw = NULL;
    ew_error err = {0};
    assert_int_equal(ew_calib_raw_read(tmp_path("none.csv"), &raw, &err), EW_EIO);

    /* two GPUs in one file: one device per fit */
    const char *path = tmp_path("two.csv");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%s%s%s", HEADER, row_ok, row_ok);
    fputs("dev2,drv,gemm,bf16,2048,4096,4096,0,0,100,0.9,290,300,6.8e12,5e9,1980,1980,2619,40,50,"
          "700,nvml_energy,2025-01-01T00:00:00Z,v1\n", f);
    fclose(f);
    raw = read_ok(path);
    ew_calib_fit fit;
    assert_int_equal(ew_calib_fit_run(raw, EW_CALIB_AUTO, (size_t)-1, &fit, &err), EW_EINVAL);
    assert_non_null(strstr(err.msg, "two.csv:4:1: device: expected \"dev\" as on line 2"));
    ew_calib_raw_free(raw);
}

/* tests/data/raw-synthetic.csv (used by tests/cli/test_calibrate_fit.sh) is
 * what generate() makes of the small set: the committed file and these
 * numbers cannot drift apart. */
static void test_committed_synthetic_file(void **state)
{
    (void)state;
    const char *committed = "tests/data/raw-synthetic.csv";
    if (getenv("EW_WRITE_SYNTHETIC")) {
        FILE *f = fopen(committed, "w");
        assert_non_null(f);
        generate(f, 1, 0);
        assert_int_equal(fclose(f), 0);
        print_message("  wrote %s\n", committed);
    }
    const char *path = tmp_path("small.csv");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    generate(f, 1, 0);
    assert_int_equal(fclose(f), 0);
    static char a[1 << 18], b[1 << 18];
    FILE *fa = fopen(path, "r"), *fb = fopen(committed, "r");
    assert_non_null(fa);
    if (!fb)
        fail_msg("%s: missing (run from the repository root)", committed);
    size_t na = fread(a, 1, sizeof a, fa), nb = fread(b, 1, sizeof b, fb);
    fclose(fa);
    fclose(fb);
    if (na != nb || memcmp(a, b, na) != 0)
        fail_msg("%s differs from what the generator makes now (EW_WRITE_SYNTHETIC=1 rewrites it)",
                 committed);
    /* and the small set too gives every law within 2% */
    ew_calib_raw *raw = read_ok(committed);
    ew_calib_fit fit;
    ew_error err = {0};
    assert_int_equal(ew_calib_fit_run(raw, EW_CALIB_AUTO, (size_t)-1, &fit, &err), EW_OK);
    check_law("flops_per_s_bf16", &fit.flops_per_s[EW_PREC_BF16], R_TRUE[EW_PREC_BF16], 0.02);
    check_law("flops_per_s_fp8", &fit.flops_per_s[EW_PREC_FP8], R_TRUE[EW_PREC_FP8], 0.02);
    check_law("bytes_per_s", &fit.bytes_per_s, BW_B_PER_S, 0.02);
    check_law("step_overhead_s", &fit.step_overhead_s, T0_S, 0.02);
    check_law("static_w", &fit.static_w, P_STATIC_W, 0.02);
    check_law("j_per_flop_bf16", &fit.j_per_flop[EW_PREC_BF16], E_TRUE[EW_PREC_BF16], 0.02);
    check_law("j_per_flop_fp8", &fit.j_per_flop[EW_PREC_FP8], E_TRUE[EW_PREC_FP8], 0.02);
    check_law("j_per_byte", &fit.j_per_byte, E_BYTE_J, 0.02);
    check_law("idle_w", &fit.idle_w, IDLE_W, 0.02);
    /* fp32 from the two gemv_batch rows at batch 32; attention from its two rows */
    check_law("flops_per_s_fp32", &fit.flops_per_s[EW_PREC_FP32], R_TRUE[EW_PREC_FP32], 0.02);
    check_law("attention", &fit.class_bw[EW_CAL_BW_ATTENTION], BW_TRUE[EW_CAL_BW_ATTENTION],
              0.02);
    ew_calib_raw_free(raw);
}

/* A class none of whose rows is bound by its bytes (gemv_batch at batch 64
 * and more, compute-bound on the CUDA cores) has no bandwidth, says why,
 * and its rows are predicted at bytes_per_s where the bytes would bind. */
static void test_class_not_determined(void **state)
{
    (void)state;
    const char *path = tmp_path("compute-bound-gemv.csv");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    gen g = gen_start(f, 11);
    fputs(HEADER, f);
    static const double ms[] = {1, 16, 1024, 4096}, bs[] = {64, 128, 256};
    for (size_t i = 0; i < 4; i++) {
        gemm(&g, "bf16", ms[i], 4096, 4096);
        gemm(&g, "bf16", ms[i], 8192, 8192);
    }
    streams(&g, pow(2.0, 28));
    for (size_t i = 0; i < 3; i++)
        gemv(&g, bs[i], 4096, 14336);
    gsl_rng_free(g.rng);
    assert_int_equal(fclose(f), 0);
    ew_calib_raw *raw = read_ok(path);
    ew_calib_fit fit;
    ew_error err = {0};
    assert_int_equal(ew_calib_fit_run(raw, EW_CALIB_AUTO, (size_t)-1, &fit, &err), EW_OK);
    assert_false(fit.class_bw[EW_CAL_BW_GEMV].ok);
    assert_non_null(strstr(fit.class_bw[EW_CAL_BW_GEMV].method, "bound by its bytes"));
    assert_false(fit.class_bw[EW_CAL_BW_ATTENTION].ok);
    assert_non_null(strstr(fit.class_bw[EW_CAL_BW_ATTENTION].method, "no rows"));
    check_law("flops_per_s_fp32", &fit.flops_per_s[EW_PREC_FP32], R_TRUE[EW_PREC_FP32], 0.01);
    check_law("bytes_per_s", &fit.bytes_per_s, BW_TRUE[EW_CAL_BW_GEMM], 0.01);
    /* every gemv row predicted, at its FLOPs: within the noise */
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *p = &raw->pt[i];
        if (p->kernel != EW_CAL_GEMV_BATCH)
            continue;
        double t, e, sj;
        ew_calib_predict(&fit, p, &t, &e, &sj);
        assert_true(fabs(t / (p->seconds / p->repetitions) - 1.0) < 0.01);
    }
    ew_calib_raw_free(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_recovers_known_laws),
        cmocka_unit_test(test_leave_one_out),
        cmocka_unit_test(test_cpu_only_rates),
        cmocka_unit_test(test_written_file_loads),
        cmocka_unit_test(test_bad_raw_files),
        cmocka_unit_test(test_committed_synthetic_file),
        cmocka_unit_test(test_class_not_determined),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
