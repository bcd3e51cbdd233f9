/* calib.h — what the parts of ew-calib share: the options, the raw output
 * (one CSV row per measured point, '#' notes between them) and the two
 * measuring entry points, the CPU one (cpu_kernels.c) and the GPU one
 * (gpu_kernels.cu, or a stub in main.c when the program was built without
 * nvcc). The row format is written out in main.c's header comment.
 */
#ifndef EW_CALIB_H
#define EW_CALIB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ew_calib_opts {
    double min_s;              /* each point runs at least this long [s] */
    int quick;                 /* tiny sizes: a smoke test, not a calibration */
    int gpu_index;             /* CUDA device index */
    const char *kernels;       /* comma-separated kernel names to run; NULL: all */
    const char *powercap_root; /* powercap sysfs folder for RAPL */
} ew_calib_opts;

/* One measured point. Integers < 0 and doubles that are NAN are written as
 * empty cells. Strings are borrowed for the duration of the write. */
typedef struct ew_calib_row {
    const char *device;        /* NVML name, or the CPU model name */
    const char *driver;        /* NVIDIA driver version, or "linux <release>" */
    const char *kernel;        /* gemm, stream_read, ..., cpu_triad */
    const char *precision;     /* bf16, fp16, fp8, fp32, fp64; "" for idle */
    int64_t m, n, k, batch, context;
    int64_t repetitions;
    double seconds;            /* all repetitions [s] */
    double joules;             /* all repetitions [J]; NAN when unmeasured */
    double avg_watts;          /* joules / energy window [W]; NAN when unmeasured */
    uint64_t flops, bytes;     /* all repetitions */
    double sm_clock_mhz_before, sm_clock_mhz_after, mem_clock_mhz; /* [MHz] */
    double temp_c_before, temp_c_after;                            /* [°C] */
    double power_limit_w;                                          /* enforced [W] */
    const char *energy_source; /* nvml_energy, nvml_power_sampling, rapl, unmeasured */
} ew_calib_row;

typedef struct ew_calib_out ew_calib_out; /* the output stream (main.c) */

/* Sets every optional field of r to empty (integers -1, doubles NAN). */
void ew_calib_row_init(ew_calib_row *r);

/* Appends r (the header first, once); adds the timestamp and the program
 * version. 0, or -1 when the write failed (errno says why). */
int ew_calib_row_write(ew_calib_out *out, const ew_calib_row *r);

/* Appends a '#' note line to the output and echoes it on stderr. */
void ew_calib_note(ew_calib_out *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A progress line on stderr (not in the output). */
void ew_calib_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 1 if `kernel` is among o->kernels (or o->kernels is NULL). */
int ew_calib_wants(const ew_calib_opts *o, const char *kernel);

/* The CPU's model name from /proc/cpuinfo ("unknown CPU" if absent). */
void ew_calib_cpu_model(char *buf, size_t n);

/* The CPU benchmarks (cpu_gemm, cpu_triad) as o asks. 0, or -1 with why
 * filled (a write error, a wrong result, no memory). */
int ew_calib_cpu_run(const ew_calib_opts *o, ew_calib_out *out, char *why, size_t why_len);

/* The GPU benchmarks. 0; -1 when nothing could be measured (no GPU build,
 * no NVML, no device: why says which, nothing was written); -2 when a
 * measurement failed part way (a CUDA or cuBLAS error, a wrong result, a
 * write error: why names the call, file and line). */
int ew_calib_gpu_run(const ew_calib_opts *o, ew_calib_out *out, char *why, size_t why_len);

#ifdef __cplusplus
}
#endif

#endif
