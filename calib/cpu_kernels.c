/* cpu_kernels.c — the CPU benchmarks of ew-calib (OpenMP).
 *
 * cpu_gemm: C = A·B with A, B, C n×n fp32 row-major, n in {256, 512, 1024,
 * 2048} ({128, 256} with --quick). A blocked loop: each task owns a tile of
 * BM rows × BN columns of C and walks k in panels of BK rows of B; inside,
 * a 4 × 2·VW block of C stays in vector registers while k runs over the
 * panel. C with GCC vector extensions compiled with the calib flags (-O3
 * -march=native -ffp-contract=fast by default, so that a·b + c is one FMA),
 * not a tuned BLAS: on an AVX-512 Xeon it reached half to two thirds of a
 * core's fp32 peak, what well-compiled code gets. Per call: flops = 2·n³
 * (n³ multiply-adds); bytes = 3·4·n² (A and B read once, C written once:
 * the least traffic; the panels are re-read from cache).
 * cpu_triad: a[i] = b[i] + s·c[i] over three fp64 arrays of n elements,
 * each array max(256 MiB, 4 × the last-level cache) (8 MiB with --quick),
 * all three capped at half the available memory. Per call: flops = 2·n;
 * bytes = 3·8·n (b and c read, a written: STREAM's count, which leaves out
 * the read of a that a write-allocate cache adds).
 * Both over thread counts 1, 2, 4, ... and the number of processors (1 and
 * that number with --quick). Each point: one warm-up call; then calls
 * doubling in number until they last 2 % of --min-seconds; then enough
 * calls for --min-seconds timed together with CLOCK_MONOTONIC, and metered
 * with RAPL (package energy: the whole socket, idle cores and other
 * processes included) where readable, else "unmeasured". Inputs are
 * xorshift64* random numbers in [-1, 1), and each GEMM size's result is
 * checked against a float64 reference at 16 entries.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "calib.h"
#include "rapl.h"

/* GCC/Clang vector extensions: VW floats per register, as wide as the
 * target the calib flags name (-march=native by default) has. */
#if defined(__AVX512F__)
#define VW 16
#elif defined(__AVX__)
#define VW 8
#else
#define VW 4
#endif
typedef float vfloat __attribute__((vector_size(VW * sizeof(float))));

enum { BM = 32, BN = 128, BK = 128 };

typedef struct cpu_ctx {
    const ew_calib_opts *o;
    ew_calib_out *out;
    char device[256], driver[128];
    ew_rapl rapl;
    int rapl_ok;
} cpu_ctx;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t xorshift64s(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [-1, 1) from the top 53 bits. */
static double uniform(uint64_t *s)
{
    return (double)(xorshift64s(s) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

/* Each thread fills its own contiguous share, so pages land near it. */
static void fill_f32(float *p, size_t n, uint64_t seed)
{
#pragma omp parallel
    {
        size_t t = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
        uint64_t s = seed ^ (0x9E3779B97F4A7C15ULL * (t + 1));
        for (size_t i = n * t / nt; i < n * (t + 1) / nt; i++)
            p[i] = (float)uniform(&s);
    }
}

static void fill_f64(double *p, size_t n, uint64_t seed)
{
#pragma omp parallel
    {
        size_t t = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
        uint64_t s = seed ^ (0x9E3779B97F4A7C15ULL * (t + 1));
        for (size_t i = n * t / nt; i < n * (t + 1) / nt; i++)
            p[i] = uniform(&s);
    }
}

/* C = A·B, n a multiple of BN and BK (and so of BM and 2·VW). The 4 × 2VW
 * block of C is held in 8 vector registers while k runs over a panel: per k,
 * two vectors of a row of B and four scalars of A feed 8 vector FMAs. */
static void sgemm(size_t n, const float *restrict A, const float *restrict B,
                  float *restrict C, int threads)
{
    const size_t ti = n / BM, tj = n / BN;
#pragma omp parallel for collapse(2) schedule(static) num_threads(threads)
    for (size_t bi = 0; bi < ti; bi++)
        for (size_t bj = 0; bj < tj; bj++) {
            const size_t i0 = bi * BM, j0 = bj * BN;
            for (size_t i = i0; i < i0 + BM; i++)
                memset(C + i * n + j0, 0, BN * sizeof(float));
            for (size_t k0 = 0; k0 < n; k0 += BK)
                for (size_t i = i0; i < i0 + BM; i += 4)
                    for (size_t j = j0; j < j0 + BN; j += 2 * VW) {
                        const float *a0 = A + i * n, *a1 = a0 + n, *a2 = a1 + n, *a3 = a2 + n;
                        vfloat c[4][2];
                        memset(c, 0, sizeof c);
                        for (size_t k = k0; k < k0 + BK; k++) {
                            vfloat b0, b1;
                            memcpy(&b0, B + k * n + j, sizeof b0);
                            memcpy(&b1, B + k * n + j + VW, sizeof b1);
                            c[0][0] += a0[k] * b0;
                            c[0][1] += a0[k] * b1;
                            c[1][0] += a1[k] * b0;
                            c[1][1] += a1[k] * b1;
                            c[2][0] += a2[k] * b0;
                            c[2][1] += a2[k] * b1;
                            c[3][0] += a3[k] * b0;
                            c[3][1] += a3[k] * b1;
                        }
                        for (size_t r = 0; r < 4; r++)
                            for (size_t h = 0; h < 2; h++) {
                                float *p = C + (i + r) * n + j + h * VW;
                                vfloat t;
                                memcpy(&t, p, sizeof t);
                                t += c[r][h];
                                memcpy(p, &t, sizeof t);
                            }
                    }
        }
}

static void triad(size_t n, double *restrict a, const double *restrict b,
                  const double *restrict c, double s, int threads)
{
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t i = 0; i < n; i++)
        a[i] = b[i] + s * c[i];
}

/* What one point runs: call(arg, threads) once. */
typedef struct job {
    int kind; /* 0 gemm, 1 triad */
    size_t n;
    float *A, *B, *C;
    double *a, *b, *c, s;
} job;

static void call(const job *j, int threads)
{
    if (j->kind == 0)
        sgemm(j->n, j->A, j->B, j->C, threads);
    else
        triad(j->n, j->a, j->b, j->c, j->s, threads);
}

static double time_calls(const job *j, int threads, long calls)
{
    double t0 = now_s();
    for (long i = 0; i < calls; i++)
        call(j, threads);
    return now_s() - t0;
}

/* Measures one point and writes its row (flops and bytes per call given). */
static int run_point(cpu_ctx *x, const job *j, int threads, const char *kernel,
                     const char *precision, uint64_t flops_call, uint64_t bytes_call,
                     char *why, size_t why_len)
{
    const double min_s = x->o->min_s, probe_s = fmax(0.01, 0.02 * min_s);
    call(j, threads); /* warm-up: threads started, pages touched */
    long calls = 1;
    double t;
    while ((t = time_calls(j, threads, calls)) < probe_s && calls < (1L << 30))
        calls *= 2;
    long reps = (long)ceil(min_s * (double)calls / t);
    if (reps < 1)
        reps = 1;

    ew_rapl_snapshot before, after;
    char rwhy[512] = "";
    int metered = x->rapl_ok && ew_rapl_read(&x->rapl, &before, rwhy, sizeof rwhy) == 0;
    double seconds = time_calls(j, threads, reps);
    double joules = NAN;
    if (metered && (ew_rapl_read(&x->rapl, &after, rwhy, sizeof rwhy) != 0 ||
                    ew_rapl_joules(&x->rapl, &before, &after, seconds, &joules, rwhy,
                                   sizeof rwhy) != 0)) {
        metered = 0;
        joules = NAN;
    }
    if (x->rapl_ok && !metered)
        ew_calib_note(x->out, "%s n=%zu threads=%d: energy unmeasured: %s", kernel, j->n,
                      threads, rwhy);

    ew_calib_row r;
    ew_calib_row_init(&r);
    r.device = x->device;
    r.driver = x->driver;
    r.kernel = kernel;
    r.precision = precision;
    r.n = (int64_t)j->n;
    if (j->kind == 0)
        r.m = r.k = (int64_t)j->n;
    r.batch = threads;
    r.repetitions = reps;
    r.seconds = seconds;
    r.flops = flops_call * (uint64_t)reps;
    r.bytes = bytes_call * (uint64_t)reps;
    if (metered) {
        r.joules = joules;
        r.avg_watts = joules / seconds;
        r.energy_source = "rapl";
    }
    ew_calib_progress("%s %s n=%zu threads=%d: %ld calls in %.3f s, %.2f GFLOP/s, %.2f GB/s%s",
                      kernel, precision, j->n, threads, reps, seconds,
                      (double)r.flops / seconds * 1e-9, (double)r.bytes / seconds * 1e-9,
                      metered ? "" : ", energy unmeasured");
    if (ew_calib_row_write(x->out, &r) != 0) {
        snprintf(why, why_len, "cannot write the output");
        return -1;
    }
    return 0;
}

/* 16 entries of C against a float64 sum, within the worst-case bound of
 * float32 recursive summation, (n + 2)·2^-24·Σ|a·b| (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed., §3.1): a wrong index is off
 * by the size of the entry itself, orders of magnitude beyond it. */
static int check_gemm(const job *j, char *why, size_t why_len)
{
    uint64_t s = 0x5EEDULL + j->n;
    size_t n = j->n;
    for (int t = 0; t < 16; t++) {
        size_t i = (size_t)(xorshift64s(&s) % n), c = (size_t)(xorshift64s(&s) % n);
        double ref = 0.0, mag = 0.0;
        for (size_t k = 0; k < n; k++) {
            double p = (double)j->A[i * n + k] * (double)j->B[k * n + c];
            ref += p;
            mag += fabs(p);
        }
        double got = j->C[i * n + c], tol = ((double)n + 2.0) * 0x1p-24 * mag;
        if (!(fabs(got - ref) <= tol)) {
            snprintf(why, why_len,
                     "cpu_gemm n=%zu: C[%zu][%zu] = %.9g, expected %.9g (tolerance %.3g): "
                     "the kernel is wrong",
                     n, i, c, got, ref, tol);
            return -1;
        }
    }
    return 0;
}

static int check_triad(const job *j, char *why, size_t why_len)
{
    for (size_t t = 0; t < 16; t++) {
        size_t i = (j->n - 1) * t / 15;
        double want = j->b[i] + j->s * j->c[i];
        if (!(fabs(j->a[i] - want) <= 1e-15 * (fabs(j->b[i]) + fabs(j->s * j->c[i])))) {
            snprintf(why, why_len, "cpu_triad: a[%zu] = %.17g, expected %.17g", i, j->a[i],
                     want);
            return -1;
        }
    }
    return 0;
}

/* Size of the largest cache level of CPU 0 [bytes]; 32 MiB if unknown. */
static size_t llc_bytes(void)
{
    size_t best = 0;
    int best_level = 0;
    for (int i = 0; i < 16; i++) {
        char path[128], buf[64];
        int level = 0;
        unsigned long v = 0;
        char unit = 0;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (fscanf(f, "%d", &level) != 1)
            level = 0;
        fclose(f);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(buf, sizeof buf, f) && sscanf(buf, "%lu%c", &v, &unit) >= 1) {
            size_t bytes = v * (unit == 'K' ? 1024UL : unit == 'M' ? 1048576UL : 1UL);
            if (level > best_level || (level == best_level && bytes > best)) {
                best_level = level;
                best = bytes;
            }
        }
        fclose(f);
    }
    return best ? best : 32UL << 20;
}

/* MemAvailable from /proc/meminfo [bytes]; 0 if unknown. */
static size_t mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    unsigned long kb = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lu kB", &kb) == 1)
            break;
    fclose(f);
    return (size_t)kb * 1024;
}

void ew_calib_cpu_model(char *buf, size_t n)
{
    snprintf(buf, n, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            const char *v = strchr(line, ':');
            if (v) {
                v++;
                while (*v == ' ' || *v == '\t')
                    v++;
                snprintf(buf, n, "%.*s", (int)strcspn(v, "\n"), v);
            }
            break;
        }
    }
    fclose(f);
}

int ew_calib_cpu_run(const ew_calib_opts *o, ew_calib_out *out, char *why, size_t why_len)
{
    static const size_t gemm_full[] = {256, 512, 1024, 2048}, gemm_quick[] = {128, 256};
    cpu_ctx x;
    memset(&x, 0, sizeof x);
    x.o = o;
    x.out = out;
    ew_calib_cpu_model(x.device, sizeof x.device);
    struct utsname u;
    snprintf(x.driver, sizeof x.driver, "linux %s", uname(&u) == 0 ? u.release : "unknown");

    int want_gemm = ew_calib_wants(o, "cpu_gemm"), want_triad = ew_calib_wants(o, "cpu_triad");
    if (!want_gemm && !want_triad)
        return 0;

    char rwhy[512];
    x.rapl_ok = ew_rapl_open(o->powercap_root, &x.rapl, rwhy, sizeof rwhy) == EW_RAPL_OK;
    if (x.rapl_ok)
        ew_calib_note(out, "cpu energy: RAPL, %d package domain%s under %s", x.rapl.n,
                      x.rapl.n == 1 ? "" : "s", o->powercap_root);
    else
        ew_calib_note(out, "cpu energy unmeasured: %s", rwhy);

    int nproc = omp_get_num_procs(), threads[40], nthreads = 0;
    for (int t = 1; t < nproc && !o->quick; t *= 2)
        threads[nthreads++] = t;
    if (o->quick && nproc > 1)
        threads[nthreads++] = 1;
    threads[nthreads++] = nproc;
    ew_calib_note(out, "cpu: %s, %d processors for OpenMP, last-level cache %zu MiB", x.device,
                  nproc, llc_bytes() >> 20);

    int rc = 0;
    const size_t *sizes = o->quick ? gemm_quick : gemm_full;
    size_t nsizes = o->quick ? 2 : 4;
    for (size_t si = 0; want_gemm && si < nsizes && rc == 0; si++) {
        size_t n = sizes[si], bytes = n * n * sizeof(float);
        job j = {0, n, aligned_alloc(64, bytes), aligned_alloc(64, bytes),
                 aligned_alloc(64, bytes), NULL, NULL, NULL, 0.0};
        if (!j.A || !j.B || !j.C) {
            snprintf(why, why_len, "cpu_gemm n=%zu: out of memory", n);
            rc = -1;
        } else {
            fill_f32(j.A, n * n, 1 + n);
            fill_f32(j.B, n * n, 2 + n);
            uint64_t nn = n;
            for (int t = 0; t < nthreads && rc == 0; t++) {
                rc = run_point(&x, &j, threads[t], "cpu_gemm", "fp32", 2 * nn * nn * nn,
                               3 * 4 * nn * nn, why, why_len);
                if (rc == 0 && t == 0)
                    rc = check_gemm(&j, why, why_len);
            }
        }
        free(j.A);
        free(j.B);
        free(j.C);
    }

    if (want_triad && rc == 0) {
        size_t per = o->quick ? (size_t)8 << 20 : 4 * llc_bytes(), avail = mem_available();
        if (!o->quick && per < ((size_t)256 << 20))
            per = (size_t)256 << 20;
        if (avail && 3 * per > avail / 2) {
            per = avail / 6;
            ew_calib_note(out, "cpu_triad: arrays cut to %zu MiB each by the memory available",
                          per >> 20);
        }
        per &= ~(size_t)4095;
        size_t n = per / sizeof(double);
        job j = {1, n, NULL, NULL, NULL, aligned_alloc(64, per), aligned_alloc(64, per),
                 aligned_alloc(64, per), 1.0 + 1.0 / 3.0};
        if (!j.a || !j.b || !j.c) {
            snprintf(why, why_len, "cpu_triad: out of memory for 3 arrays of %zu MiB",
                     per >> 20);
            rc = -1;
        } else {
            fill_f64(j.a, n, 3);
            fill_f64(j.b, n, 4);
            fill_f64(j.c, n, 5);
            uint64_t nn = n;
            for (int t = 0; t < nthreads && rc == 0; t++)
                rc = run_point(&x, &j, threads[t], "cpu_triad", "fp64", 2 * nn, 3 * 8 * nn,
                               why, why_len);
            if (rc == 0)
                rc = check_triad(&j, why, why_len);
        }
        free(j.a);
        free(j.b);
        free(j.c);
    }
    return rc;
}
