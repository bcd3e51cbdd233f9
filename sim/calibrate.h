/* calibrate.h — fitting device laws (models/device/device.h) to the raw
 * measurements of the measuring program (calib/, ew-calib), and checking
 * the fit by leave-one-out.
 *
 * Raw file: CSV, '#' comment lines allowed, header
 *   device,driver,kernel,precision,m,n,k,batch,context,repetitions,seconds,
 *   joules,avg_watts,flops,bytes,sm_clock_mhz_before,sm_clock_mhz_after,
 *   mem_clock_mhz,temp_c_before,temp_c_after,power_limit_w,energy_source,
 *   timestamp,program_version
 * one row per measured point; seconds, joules, flops and bytes are totals
 * over `repetitions` calls; joules is empty when energy_source is
 * "unmeasured" (and a row with empty joules has no energy, whatever its
 * source); precision is empty where a row has no FLOPs. Per call:
 * t = seconds/repetitions, F = flops/repetitions, Y = bytes/repetitions.
 *
 * Which law a row's FLOPs belong to: a GEMM's (and a CPU GEMM's) to its
 * precision, on the tensor cores; gemv_batch's and attention's to fp32,
 * whatever their storage precision, because those kernels (written in
 * calib/gpu_kernels.cu) multiply and add in fp32 on the CUDA cores; the
 * streams' and the triad's are book-keeping (bandwidth kernels are timed by
 * their bytes alone, their FLOPs count in the energy only).
 *
 * Laws and how each is fitted (SI units, as laws.c reads them):
 *   GPU times       one joint weighted least squares (weights 1/t²: relative
 *                   residuals) of t = t0 + max(F/R_p, Y/BW_c) over every GPU
 *                   kernel row, with a rate R_p per FLOP law p and an achieved
 *                   bandwidth BW_c per kernel class c (streams, GEMMs,
 *                   gemv_batch, attention: a hand-written decode kernel does
 *                   not stream as fast as a copy). The max is solved by
 *                   iterating which term each row is bound by: a linear fit
 *                   for a fixed assignment, then each row reassigned, until
 *                   no row changes (50 rounds at most; the best round kept).
 *                   A rate or bandwidth that no row is bound by is not
 *                   determined. Starting values: R_p from the GEMMs with
 *                   M >= 1024 alone (t = t0 + F/R_p), BW from the streams.
 *   flops_per_s_<p> GPU: R_p of that fit (fp32: the CUDA-core rate of
 *                   gemv_batch and attention). CPU: the best achieved F/t over
 *                   the cpu_gemm rows (the rows sweep thread counts and sizes;
 *                   the best is what a tuned run gets). fp16 rows count as bf16
 *                   (laws.c has one law).
 *   bytes_per_s     GPU: BW of the GEMM class (weights streamed by matrix
 *                   products at small M, as in decoding), else of the streams.
 *                   CPU: the best Y/t over the cpu_triad rows.
 *   step_overhead_s GPU only: t0 of that fit, a time per kernel call.
 *   static_w, j_per_flop_<p>, j_per_byte
 *                    gsl_multifit_linear on the rows with measured energy
 *                    (idle excluded): J = P_s·seconds + Σ_p e_p·FLOPs_p + e_b·bytes,
 *                    no intercept, weights 1/J².
 *   idle_w           Σ joules / Σ seconds over the idle rows with measured energy.
 *   power_cap_w      the power_limit_w the program read (median of the rows).
 * FLOPs at a precision laws.c has no law for (fp64) are left out: bandwidth
 * kernels (stream, triad) count by their bytes alone; other such rows are
 * not used. A law the data cannot determine, or whose fit is not physical
 * (<= 0 where laws.c needs > 0, < 0 elsewhere), is left out and the reason
 * kept.
 */
#ifndef EW_CALIBRATE_H
#define EW_CALIBRATE_H

#include <stddef.h>

#include "ew.h"
#include "../models/device/device.h"

typedef enum ew_calib_kernel {
    EW_CAL_GEMM,
    EW_CAL_STREAM_READ,
    EW_CAL_STREAM_COPY,
    EW_CAL_GEMV_BATCH,
    EW_CAL_ATTENTION,
    EW_CAL_IDLE,
    EW_CAL_CPU_GEMM,
    EW_CAL_CPU_TRIAD,
    EW_CAL_KERNEL_COUNT
} ew_calib_kernel;

/* "gemm", "stream_read", ... as in the raw file. */
const char *ew_calib_kernel_name(ew_calib_kernel k);

/* One row of a raw file. Optional numbers are NAN when their cell is empty. */
typedef struct ew_calib_point {
    int line;                   /* line of the raw file [1-based] */
    ew_calib_kernel kernel;
    char precision_name[8];     /* as written: fp32, bf16, fp16, fp8, fp64 or "" */
    ew_precision precision;     /* fp16 reads as bf16; EW_PREC_COUNT for none (idle, streams)
                                   or one laws.c has no law for (fp64) */
    double m, n, k, batch, context;   /* shape (empty: 0) */
    double repetitions;         /* calls measured, >= 1 (empty: 1) */
    double seconds;             /* total over the calls [s], > 0 */
    double joules;              /* total [J]; NAN when unmeasured */
    double avg_w;               /* [W]; NAN if empty */
    double flops, bytes;        /* totals over the calls */
    double sm_mhz_before, sm_mhz_after, mem_mhz;   /* [MHz]; NAN if empty */
    double temp_c_before, temp_c_after;            /* [°C]; NAN if empty */
    double power_limit_w;       /* enforced limit [W]; NAN if empty */
    char device[96];            /* as the program named it, e.g. "NVIDIA H100 80GB HBM3" */
    char driver[48];
    char energy_source[48];     /* "unmeasured", or how joules were measured */
    char timestamp[40];
    char version[48];           /* program_version */
} ew_calib_point;

typedef struct ew_calib_raw {
    char *path;                 /* as given (owned) */
    size_t n;
    ew_calib_point *pt;         /* n rows in file order (owned) */
} ew_calib_raw;

/* Reads a raw file (libcsv, models/device/csvtable.h). EW_EINVAL naming
 * file:line:col for a missing column, a non-number, seconds <= 0, an
 * unknown kernel or precision, FLOPs without a precision, joules given
 * with energy_source "unmeasured", or no rows; EW_EIO when it cannot be
 * read. The caller frees *out with ew_calib_raw_free (NULL is a no-op). */
int ew_calib_raw_read(const char *path, ew_calib_raw **out, ew_error *err);
void ew_calib_raw_free(ew_calib_raw *raw);

/* 1 for the kernels that run on a CPU (cpu_gemm, cpu_triad). */
int ew_calib_kernel_is_cpu(ew_calib_kernel k);

/* Kernel classes with an achieved bandwidth of their own (GPU). */
typedef enum ew_calib_bw_class {
    EW_CAL_BW_STREAM,           /* stream_read, stream_copy */
    EW_CAL_BW_GEMM,
    EW_CAL_BW_GEMV,
    EW_CAL_BW_ATTENTION,
    EW_CAL_BW_COUNT
} ew_calib_bw_class;

/* "streams", "gemm", "gemv_batch", "attention". */
const char *ew_calib_bw_class_name(ew_calib_bw_class c);

/* One fitted law, or why there is none. */
typedef struct ew_calib_value {
    int ok;                     /* 1: determined; written to the calibration file */
    double value;               /* the law [SI units of laws.c] */
    double se;                  /* standard error [same units]; NAN when not estimated */
    size_t n;                   /* rows it rests on */
    double intercept_s;         /* rate fits: t0 of t = t0 + work/rate [s]; else NAN */
    double rel_rms, rel_max;    /* relative residuals of its fit (rms, worst |.|); NAN if none */
    char method[320];           /* how it was fitted, or why it could not be */
} ew_calib_value;

typedef struct ew_calib_fit {
    int cpu;                    /* 1: fitted to the CPU kernels, 0: to the GPU kernels */
    char device[96];            /* the device string of the rows used */
    size_t n_used;              /* rows of that device and kind (idle included) */
    size_t n_other;             /* rows left out: the other kind or another device */
    ew_calib_value flops_per_s[EW_PREC_COUNT];   /* [FLOP/s] */
    ew_calib_value j_per_flop[EW_PREC_COUNT];    /* [J/FLOP] */
    ew_calib_value bytes_per_s;                  /* [B/s] */
    ew_calib_value j_per_byte;                   /* [J/B] */
    ew_calib_value static_w, idle_w, power_cap_w;/* [W] */
    ew_calib_value step_overhead_s;              /* [s] */
    /* GPU: achieved bandwidth of each kernel class [B/s] (bytes_per_s is one of them) */
    ew_calib_value class_bw[EW_CAL_BW_COUNT];
    /* the GPU time fit as a whole */
    size_t time_n;              /* rows */
    size_t time_rounds;         /* rounds of reassignment it took */
    int time_converged;         /* 1: no row changed its bound in the last round */
    double time_rel_rms, time_rel_max;       /* relative residuals; NAN if not fitted */
    /* the energy regression as a whole */
    size_t energy_n;            /* rows */
    size_t energy_p;            /* parameters */
    double energy_r2;           /* R² of joules, unweighted; NAN if not fitted */
    double energy_rel_rms, energy_rel_max;   /* relative residuals */
    size_t cap_n_at;            /* rows whose avg_watts is within 3% of the limit */
} ew_calib_fit;

/* Which rows: want_cpu 1 the CPU kernels, 0 the GPU kernels, -1 the GPU
 * kernels when the file has any, else the CPU kernels. */
#define EW_CALIB_AUTO (-1)

/* Fits the laws to the rows of one device of the chosen kind (idle rows of
 * that device included), leaving out row `skip` (an index into raw->pt; pass
 * (size_t)-1 for none). EW_EINVAL when the file has no kernel rows of that
 * kind, or rows of that kind from two devices (one device per fit). */
int ew_calib_fit_run(const ew_calib_raw *raw, int want_cpu, size_t skip, ew_calib_fit *out,
                     ew_error *err);

/* 1 if row p is one the fit f was made from (its device and kind). */
int ew_calib_row_used(const ew_calib_fit *f, const ew_calib_point *p);

/* Predictions for row p by the laws of f, the simulator's roofline
 * (models/inference/cost.c) per call:
 *   t = t0 + max(F/R_p, Y/BW_c, (e_p·F + e_b·Y)/(cap − P_s)),
 * with p the row's FLOP law (no F/R_p term for a bandwidth kernel), BW_c the
 * achieved bandwidth of its kernel class on a GPU (bytes_per_s where that
 * is not determined, and on a CPU), t0 = step_overhead_s (0 where not
 * fitted; the cap term only where the energy laws and the cap are fitted),
 * and energies over the whole row:
 *   energy_j = P_s·seconds + e_p·FLOPs + e_b·bytes      (the measured time),
 *   sim_j    = P_s·t·repetitions + e_p·FLOPs + e_b·bytes (the predicted time).
 * Each output is NAN where a law it needs is not fitted. */
void ew_calib_predict(const ew_calib_fit *f, const ew_calib_point *p, double *time_s,
                      double *energy_j, double *sim_j);

typedef struct ew_calib_loo_point {
    size_t row;                 /* index into raw->pt */
    double time_s, energy_j, sim_j;   /* predictions of the fit without the row (NAN: none) */
    double time_err, energy_err, sim_err;   /* (predicted − measured)/measured; NAN: none */
} ew_calib_loo_point;

typedef struct ew_calib_loo {
    size_t n;                   /* kernel rows checked (idle rows are not) */
    ew_calib_loo_point *pt;     /* owned */
    size_t n_time, n_energy, n_sim;          /* how many were predicted */
    double time_median, time_worst;          /* of |relative error|; NAN if none */
    double energy_median, energy_worst;
    double sim_median, sim_worst;
} ew_calib_loo;

/* Leave-one-out: for each kernel row used by the fit (want_cpu as for
 * ew_calib_fit_run), refits without it and predicts its time per call and
 * its energy (ew_calib_predict). The caller frees *out with
 * ew_calib_loo_free (NULL is a no-op). */
int ew_calib_loo_run(const ew_calib_raw *raw, int want_cpu, ew_calib_loo **out, ew_error *err);
void ew_calib_loo_free(ew_calib_loo *loo);

/* Acceptance of issue 4 for the leave-one-out check: median <= 10%, worst <= 25%. */
#define EW_CALIB_LOO_MEDIAN 0.10
#define EW_CALIB_LOO_WORST 0.25

/* The laws of a fit, in the calibration file's order, named and in the units
 * of laws.c (flops_per_s_<p> and j_per_flop_<p> for fp32, bf16, fp8, int8,
 * int4; bytes_per_s, step_overhead_s, static_w, j_per_byte, idle_w,
 * power_cap_w): EW_CALIB_N_LAWS of them, whether fitted or not. */
typedef struct ew_calib_law {
    char name[32];
    const char *units;              /* "FLOP/s", "B/s", "s", "W", "J/FLOP", "J/B" */
    const ew_calib_value *v;        /* into the fit */
} ew_calib_law;
#define EW_CALIB_N_LAWS 16
size_t ew_calib_laws(const ew_calib_fit *f, ew_calib_law *out);

/* Provenance written with the laws. */
typedef struct ew_calib_meta {
    const char *name;           /* catalogue name of the device, or NULL */
    const char *fit_date;       /* "YYYY-MM-DD" of the fit */
} ew_calib_meta;

/* Writes the calibration file (laws.c's format; '#' provenance lines:
 * fit date, raw file, device string, drivers, clocks, temperatures,
 * program versions, laws left out and why) to path, whole or not at all
 * (a temporary beside it, then rename). EW_EINVAL when no law was fitted;
 * EW_EIO when it cannot be written. */
int ew_calib_write(const char *path, const ew_calib_raw *raw, const ew_calib_fit *fit,
                   const ew_calib_meta *meta, ew_error *err);

/* Writes the Markdown report (each law with its method, standard error and
 * fit quality; GEMM rate against shape; energy residuals; power cap;
 * leave-one-out table with pass/fail against EW_CALIB_LOO_*) to path, whole
 * or not at all. EW_EIO when it cannot be written. */
int ew_calib_report_write(const char *path, const ew_calib_raw *raw, const ew_calib_fit *fit,
                          const ew_calib_loo *loo, const ew_calib_meta *meta, ew_error *err);

#endif
