/* main.c — ew-calib, the measuring program of edgewatt's calibration: runs
 * micro-benchmarks on the GPU (gpu_kernels.cu: cuBLAS GEMM, streaming,
 * decode-shaped kernels, idle) and the CPU (cpu_kernels.c: blocked SGEMM,
 * triad), each timed and, where the machine allows, metered in joules, and
 * writes one raw CSV row per point for `edgewatt calibrate fit`. Only this
 * file prints errors and chooses exit codes: 0 success, 1 cannot measure
 * what was asked (no GPU build, no driver or NVML, no device) or a failure
 * part way, 2 bad options.
 *
 * Raw format. Optional '#' lines first (program, machine, command line,
 * date, device facts), then the header
 *   device,driver,kernel,precision,m,n,k,batch,context,repetitions,seconds,
 *   joules,avg_watts,flops,bytes,sm_clock_mhz_before,sm_clock_mhz_after,
 *   mem_clock_mhz,temp_c_before,temp_c_after,power_limit_w,energy_source,
 *   timestamp,program_version
 * then one row per point; '#' note lines (a skipped point and why, a
 * correctness check, the end) may come between rows and last. An empty
 * cell means "does not apply" or "not measured", never zero.
 *   device       NVML name ("NVIDIA H100 80GB HBM3"), or the CPU model name
 *                from /proc/cpuinfo
 *   driver       NVIDIA driver version; for CPU rows "linux <kernel release>"
 *   kernel       gemm | stream_read | stream_copy | gemv_batch | attention |
 *                idle | cpu_gemm | cpu_triad
 *   precision    bf16 | fp16 | fp8 (e4m3 in, bf16 out) | fp32 | fp64; empty for idle
 *   m, n, k      gemm: Y[m×n] = X[m×k]·W[n×k]^T (m tokens, W an LLM weight);
 *                cpu_gemm: m = n = k (square); gemv_batch: n output rows, k
 *                inputs; attention: n = query width d (4 heads × 128), k =
 *                d_kv (128, one KV head); stream_*, cpu_triad: n = elements
 *                per array (of the precision's size)
 *   batch        gemv_batch, attention: B vectors / requests; cpu rows: OpenMP threads
 *   context      attention: KV-cache length L
 *   repetitions  calls timed together (after a warm-up)
 *   seconds      elapsed time of all repetitions [s] (CUDA events; CPU:
 *                CLOCK_MONOTONIC; idle: the energy window on the host clock)
 *   joules       energy of all repetitions [J]; empty when unmeasured
 *   avg_watts    joules / energy window [W]; the window encloses the timed
 *                repetitions (GPU: plus at most one counter period after them,
 *                see nvml.h), and its length is joules / avg_watts
 *   flops        floating-point operations of all repetitions, counted from
 *                the shapes (exact integers; formulas in the kernels' files)
 *   bytes        device-memory bytes of all repetitions: each input read and
 *                each output written once per call (the minimum traffic)
 *   sm_clock_mhz_before/after, mem_clock_mhz (after), temp_c_before/after,
 *   power_limit_w  from NVML around the window; empty for CPU rows
 *   energy_source  nvml_energy | nvml_power_sampling | rapl | unmeasured
 *   timestamp    end of the point, UTC, ISO 8601 (2026-11-20T14:03:07Z)
 *   program_version  edgewatt's version
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "calib.h"

#ifndef EW_VERSION
#define EW_VERSION "unknown"
#endif

static const char header[] =
    "device,driver,kernel,precision,m,n,k,batch,context,repetitions,seconds,joules,"
    "avg_watts,flops,bytes,sm_clock_mhz_before,sm_clock_mhz_after,mem_clock_mhz,"
    "temp_c_before,temp_c_after,power_limit_w,energy_source,timestamp,program_version";

static const char *const kernel_names[] = {"gemm",       "stream_read", "stream_copy",
                                           "gemv_batch", "attention",   "idle",
                                           "cpu_gemm",   "cpu_triad"};

static const char usage[] =
    "usage: ew-calib [--cpu-only | --gpu-only] [--gpu N] [--out FILE] [--min-seconds S]\n"
    "                [--quick] [--kernels LIST] [--powercap DIR]\n"
    "Measures time and energy of GPU and CPU micro-benchmarks and writes one raw CSV\n"
    "row per point (the input of `edgewatt calibrate fit`).\n"
    "  --gpu N          CUDA device index (default 0)\n"
    "  --cpu-only       only the CPU kernels (cpu_gemm, cpu_triad)\n"
    "  --gpu-only       only the GPU kernels; exit 1 if the GPU cannot be measured\n"
    "                   (by default the GPU is measured where it can be, else skipped\n"
    "                   with a note)\n"
    "  --out FILE       write the CSV to FILE (default: standard output); rows are\n"
    "                   flushed as they come, the last line is '# done: ...'\n"
    "  --min-seconds S  each point runs at least S seconds (default 2)\n"
    "  --quick          tiny sizes and 0.05 s per point: a smoke test, not a calibration\n"
    "  --kernels LIST   only these kernels (comma-separated): gemm, stream_read,\n"
    "                   stream_copy, gemv_batch, attention, idle, cpu_gemm, cpu_triad\n"
    "  --powercap DIR   powercap sysfs folder for RAPL (default /sys/class/powercap)\n"
    "  --help           this text\n"
    "Environment: EW_NVML_LIB names the NVML library (default libnvidia-ml.so.1).\n"
    "Exit status: 0 success, 1 cannot measure what was asked or failed part way,\n"
    "2 bad options.\n";

struct ew_calib_out {
    FILE *f;
    int header_written;
    long rows;
    int write_error;
};

void ew_calib_row_init(ew_calib_row *r)
{
    memset(r, 0, sizeof *r);
    r->device = r->driver = r->kernel = r->precision = "";
    r->m = r->n = r->k = r->batch = r->context = -1;
    r->joules = r->avg_watts = NAN;
    r->sm_clock_mhz_before = r->sm_clock_mhz_after = r->mem_clock_mhz = NAN;
    r->temp_c_before = r->temp_c_after = r->power_limit_w = NAN;
    r->energy_source = "unmeasured";
}

/* A CSV field, quoted when it holds a comma, a quote or a line break. */
static void put_str(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void put_int(FILE *f, int64_t v)
{
    if (v >= 0)
        fprintf(f, "%lld", (long long)v);
}

static void put_num(FILE *f, double v)
{
    if (!isnan(v))
        fprintf(f, "%.9g", v);
}

static void put_header(ew_calib_out *o)
{
    if (!o->header_written) {
        fprintf(o->f, "%s\n", header);
        o->header_written = 1;
    }
}

int ew_calib_row_write(ew_calib_out *o, const ew_calib_row *r)
{
    put_header(o);
    FILE *f = o->f;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    put_str(f, r->device);
    fputc(',', f);
    put_str(f, r->driver);
    fputc(',', f);
    put_str(f, r->kernel);
    fputc(',', f);
    put_str(f, r->precision);
    const int64_t ints[] = {r->m, r->n, r->k, r->batch, r->context, r->repetitions};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        fputc(',', f);
        put_int(f, ints[i]);
    }
    fputc(',', f);
    put_num(f, r->seconds);
    fputc(',', f);
    put_num(f, r->joules);
    fputc(',', f);
    put_num(f, r->avg_watts);
    fprintf(f, ",%llu,%llu", (unsigned long long)r->flops, (unsigned long long)r->bytes);
    const double state[] = {r->sm_clock_mhz_before, r->sm_clock_mhz_after, r->mem_clock_mhz,
                            r->temp_c_before,       r->temp_c_after,       r->power_limit_w};
    for (size_t i = 0; i < sizeof state / sizeof state[0]; i++) {
        fputc(',', f);
        put_num(f, state[i]);
    }
    fputc(',', f);
    put_str(f, r->energy_source);
    fprintf(f, ",%s,%s\n", stamp, EW_VERSION);
    o->rows++;
    if (fflush(f) != 0 || ferror(f)) {
        o->write_error = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

void ew_calib_note(ew_calib_out *o, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(o->f, "# %s\n", buf);
    fflush(o->f);
    if (o->f != stdout)
        fprintf(stderr, "ew-calib: %s\n", buf);
}

void ew_calib_progress(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ew-calib: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int ew_calib_wants(const ew_calib_opts *o, const char *kernel)
{
    if (!o->kernels)
        return 1;
    size_t n = strlen(kernel);
    for (const char *p = o->kernels; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, kernel, n) == 0)
            return 1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

#ifndef EW_CALIB_CUDA
/* Built without nvcc: the GPU part is this stub. */
int ew_calib_gpu_run(const ew_calib_opts *o, ew_calib_out *out, char *why, size_t why_len)
{
    (void)o;
    (void)out;
    snprintf(why, why_len,
             "this ew-calib has no GPU part: nvcc was not found when it was built "
             "(install the CUDA toolkit, then run make calib again)");
    return -1;
}
#endif

/* Checks that every name in a comma list is a kernel; NULL, or the bad one. */
static const char *bad_kernel(const char *list, char *buf, size_t n)
{
    for (const char *p = list;;) {
        size_t len = strcspn(p, ",");
        int ok = 0;
        for (size_t i = 0; i < sizeof kernel_names / sizeof kernel_names[0]; i++)
            if (strlen(kernel_names[i]) == len && strncmp(p, kernel_names[i], len) == 0)
                ok = 1;
        if (!ok) {
            snprintf(buf, n, "%.*s", (int)len, p);
            return buf;
        }
        p += len;
        if (!*p)
            return NULL;
        p++;
    }
}

static int parse_double(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static void preamble(ew_calib_out *o, int argc, char **argv)
{
    char host[256] = "unknown", cpu[256], cmd[1024] = "", stamp[32];
    struct utsname u;
    gethostname(host, sizeof host - 1);
    ew_calib_cpu_model(cpu, sizeof cpu);
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(cmd);
        snprintf(cmd + len, sizeof cmd - len, "%s%s", i ? " " : "", argv[i]);
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(o->f, "# ew-calib %s: raw measurements for `edgewatt calibrate fit`\n",
            EW_VERSION);
    if (uname(&u) == 0)
        fprintf(o->f, "# machine: %s, %s %s %s, CPU %s, %ld logical CPUs online\n", host,
                u.sysname, u.release, u.machine, cpu, sysconf(_SC_NPROCESSORS_ONLN));
    fprintf(o->f, "# command: %s\n", cmd);
    fprintf(o->f, "# date: %s\n", stamp);
    fflush(o->f);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"gpu", required_argument, NULL, 'g'},      {"cpu-only", no_argument, NULL, 'C'},
        {"gpu-only", no_argument, NULL, 'G'},       {"out", required_argument, NULL, 'o'},
        {"min-seconds", required_argument, NULL, 's'}, {"quick", no_argument, NULL, 'q'},
        {"kernels", required_argument, NULL, 'k'},  {"powercap", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    ew_calib_opts o = {2.0, 0, 0, NULL, "/sys/class/powercap"};
    int cpu_only = 0, gpu_only = 0, min_given = 0, c;
    const char *out_path = NULL;
    char bad[64];
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'g': {
            char *end = NULL;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || v < 0 || v > 1023) {
                fprintf(stderr, "ew-calib: --gpu: expected a device index 0..1023, got \"%s\"\n",
                        optarg);
                return 2;
            }
            o.gpu_index = (int)v;
            break;
        }
        case 'C': cpu_only = 1; break;
        case 'G': gpu_only = 1; break;
        case 'o': out_path = optarg; break;
        case 's':
            if (parse_double(optarg, &o.min_s) || o.min_s <= 0.0 || o.min_s > 3600.0) {
                fprintf(stderr,
                        "ew-calib: --min-seconds: expected a number in (0, 3600] [s], got \"%s\"\n",
                        optarg);
                return 2;
            }
            min_given = 1;
            break;
        case 'q': o.quick = 1; break;
        case 'k':
            if (!optarg[0] || bad_kernel(optarg, bad, sizeof bad)) {
                fprintf(stderr,
                        "ew-calib: --kernels: unknown kernel \"%s\" (known: gemm, stream_read, "
                        "stream_copy, gemv_batch, attention, idle, cpu_gemm, cpu_triad)\n",
                        optarg[0] ? bad : "");
                return 2;
            }
            o.kernels = optarg;
            break;
        case 'p': o.powercap_root = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: {
            const char *name = NULL;
            int is_long = strncmp(argv[optind - 1], "--", 2) == 0;
            for (const struct option *lo = longopts; is_long && optopt && lo->name; lo++)
                if (lo->val == optopt)
                    name = lo->name;
            if (name)
                fprintf(stderr, "ew-calib: --%s: expected a value after it (see --help)\n",
                        name);
            else
                fprintf(stderr, "ew-calib: %s: unknown option (see --help)\n",
                        argv[optind - 1]);
            return 2;
        }
        }
    }
    if (optind < argc) {
        fprintf(stderr, "ew-calib: unexpected argument \"%s\" (see --help)\n", argv[optind]);
        return 2;
    }
    if (cpu_only && gpu_only) {
        fprintf(stderr, "ew-calib: --cpu-only and --gpu-only: choose one\n");
        return 2;
    }
    if (o.quick && !min_given)
        o.min_s = 0.05;

    ew_calib_out out = {stdout, 0, 0, 0};
    if (out_path) {
        out.f = fopen(out_path, "w");
        if (!out.f) {
            fprintf(stderr, "ew-calib: %s: cannot write: %s\n", out_path, strerror(errno));
            return 1;
        }
    }
    double t0 = mono_s();
    char why[1024] = "";
    int rc = 0;
    preamble(&out, argc, argv);
    if (!cpu_only) {
        int g = ew_calib_gpu_run(&o, &out, why, sizeof why);
        if (g == -1 && !gpu_only) {
            ew_calib_note(&out, "GPU not measured: %s", why);
            why[0] = '\0';
        } else if (g != 0) {
            rc = 1;
        }
    }
    if (rc == 0 && !gpu_only && ew_calib_cpu_run(&o, &out, why, sizeof why) != 0)
        rc = 1;
    if (rc == 0 && out.write_error) {
        snprintf(why, sizeof why, "%s: write failed: %s", out_path ? out_path : "stdout",
                 strerror(out.write_error));
        rc = 1;
    }
    if (rc == 0) {
        put_header(&out);
        fprintf(out.f, "# done: %ld rows in %.1f s\n", out.rows, mono_s() - t0);
    } else if (out.rows > 0) {
        fprintf(out.f, "# stopped after %ld rows: %s\n", out.rows, why);
    }
    int close_failed = out_path ? fclose(out.f) != 0 : fflush(stdout) != 0;
    if (rc == 0 && close_failed) {
        snprintf(why, sizeof why, "%s: write failed: %s", out_path ? out_path : "stdout",
                 strerror(errno));
        rc = 1;
    }
    if (rc != 0) {
        if (out_path && out.rows == 0)
            remove(out_path); /* nothing measured: leave no file behind */
        fprintf(stderr, "ew-calib: %s\n", why);
    }
    return rc;
}
