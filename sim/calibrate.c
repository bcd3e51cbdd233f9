/* calibrate.c — reading raw measurements and fitting device laws to them
 * (see calibrate.h for the laws and their fits).
 *
 * Every regression is relative: a row's residual is divided by its measured
 * value (weights 1/y²), so a 2 s GEMM and a 9 µs launch count alike, and
 * solved with gsl_multifit_linear on columns scaled to unit RMS (the raw
 * columns differ by 15 orders of magnitude: seconds against FLOPs). The
 * covariance GSL returns is σ²(XᵀX)⁻¹ with σ² estimated from the residuals,
 * so the standard errors need no further scaling.
 *
 * Time per call of a kernel (roofline at achieved rates, plus a launch
 * overhead; S. Williams et al., "Roofline", CACM 52(4), 2009):
 *   t = t0 + max(F/R_p, Y/BW_c),
 * R_p per FLOP law, BW_c per kernel class (calibrate.h).
 * Energy of a measured row (the law of models/inference/cost.c):
 *   J = P_s·t + Σ_p e_p·F_p + e_b·Y.
 */
#include "calibrate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "../models/device/csvtable.h"

static const char *const kernel_names[EW_CAL_KERNEL_COUNT] = {
    "gemm", "stream_read", "stream_copy", "gemv_batch", "attention", "idle", "cpu_gemm",
    "cpu_triad"};

const char *ew_calib_kernel_name(ew_calib_kernel k)
{
    return (unsigned)k < EW_CAL_KERNEL_COUNT ? kernel_names[k] : "?";
}

int ew_calib_kernel_is_cpu(ew_calib_kernel k)
{
    return k == EW_CAL_CPU_GEMM || k == EW_CAL_CPU_TRIAD;
}

static const char *const bw_class_names[EW_CAL_BW_COUNT] = {"streams", "gemm", "gemv_batch",
                                                            "attention"};

const char *ew_calib_bw_class_name(ew_calib_bw_class c)
{
    return (unsigned)c < EW_CAL_BW_COUNT ? bw_class_names[c] : "?";
}

/* The kernel class whose bandwidth a GPU row's bytes move at; EW_CAL_BW_COUNT
 * for idle and the CPU kernels. */
static ew_calib_bw_class bw_class_of(const ew_calib_point *p)
{
    switch (p->kernel) {
    case EW_CAL_STREAM_READ:
    case EW_CAL_STREAM_COPY: return EW_CAL_BW_STREAM;
    case EW_CAL_GEMM: return EW_CAL_BW_GEMM;
    case EW_CAL_GEMV_BATCH: return EW_CAL_BW_GEMV;
    case EW_CAL_ATTENTION: return EW_CAL_BW_ATTENTION;
    default: return EW_CAL_BW_COUNT;
    }
}

/* Bandwidth kernels: timed by their bytes alone. */
static int is_bandwidth_kernel(const ew_calib_point *p)
{
    return p->kernel == EW_CAL_STREAM_READ || p->kernel == EW_CAL_STREAM_COPY ||
           p->kernel == EW_CAL_CPU_TRIAD;
}

/* The law a row's FLOPs belong to (calibrate.h): gemv_batch and attention
 * compute in fp32 on the CUDA cores, whatever they store. */
static ew_precision law_prec(const ew_calib_point *p)
{
    if (p->kernel == EW_CAL_GEMV_BATCH || p->kernel == EW_CAL_ATTENTION)
        return EW_PREC_FP32;
    return p->precision;
}

/* ---- the raw file ------------------------------------------------------- */

enum {
    C_DEVICE, C_DRIVER, C_KERNEL, C_PREC, C_M, C_N, C_K, C_BATCH, C_CONTEXT, C_REPS,
    C_SECONDS, C_JOULES, C_AVGW, C_FLOPS, C_BYTES, C_SMB, C_SMA, C_MEM, C_TB, C_TA, C_PLIM,
    C_ESRC, C_TS, C_VER, C_COUNT
};
static const char *const raw_cols[C_COUNT] = {
    "device", "driver", "kernel", "precision", "m", "n", "k", "batch", "context",
    "repetitions", "seconds", "joules", "avg_watts", "flops", "bytes", "sm_clock_mhz_before",
    "sm_clock_mhz_after", "mem_clock_mhz", "temp_c_before", "temp_c_after", "power_limit_w",
    "energy_source", "timestamp", "program_version"};

/* An optional number >= min: NAN when the cell is empty. */
static int opt_number(const ew_csv_table *t, size_t r, int c, double min, const char *expect,
                      double *out, ew_error *err)
{
    return ew_csv_number(t, r, c, 1, NAN, min, expect, out, err);
}

static int read_row(const ew_csv_table *t, size_t r, const int *ix, ew_calib_point *p,
                    ew_error *err)
{
    memset(p, 0, sizeof *p);
    p->line = t->lines[r];
    int rc;
    if ((rc = ew_csv_string(t, r, ix[C_DEVICE], 0, p->device, sizeof p->device, err)) ||
        (rc = ew_csv_string(t, r, ix[C_DRIVER], 1, p->driver, sizeof p->driver, err)))
        return rc;
    const char *kn = t->cells[r][ix[C_KERNEL]];
    int k = 0;
    while (k < EW_CAL_KERNEL_COUNT && strcmp(kernel_names[k], kn) != 0)
        k++;
    if (k == EW_CAL_KERNEL_COUNT)
        return ew_csv_cell_error(t, r, ix[C_KERNEL],
                                 "a kernel (gemm, stream_read, stream_copy, gemv_batch, "
                                 "attention, idle, cpu_gemm, cpu_triad)",
                                 err);
    p->kernel = (ew_calib_kernel)k;
    const char *pn = t->cells[r][ix[C_PREC]];
    p->precision = EW_PREC_COUNT;   /* none, or one without a law (fp64) */
    if (!strcmp(pn, "fp32") || !strcmp(pn, "bf16") || !strcmp(pn, "fp16") || !strcmp(pn, "fp8"))
        ew_precision_parse(pn, &p->precision);
    else if (strcmp(pn, "fp64") && pn[0])
        return ew_csv_cell_error(t, r, ix[C_PREC],
                                 "a precision (fp32, bf16, fp16, fp8, fp64, or empty)", err);
    snprintf(p->precision_name, sizeof p->precision_name, "%s", pn);
    double *shape[] = {&p->m, &p->n, &p->k, &p->batch, &p->context};
    for (int i = 0; i < 5; i++)
        if ((rc = ew_csv_number(t, r, ix[C_M + i], 1, 0.0, 0.0, "a number >= 0 (empty: 0)",
                                shape[i], err)))
            return rc;
    if ((rc = ew_csv_number(t, r, ix[C_REPS], 1, 1.0, 1.0, "a whole number >= 1",
                            &p->repetitions, err)))
        return rc;
    if (p->repetitions != floor(p->repetitions))
        return ew_csv_cell_error(t, r, ix[C_REPS], "a whole number >= 1", err);
    if ((rc = ew_csv_number(t, r, ix[C_SECONDS], 0, 0.0, 0.0, "a number > 0 [s]", &p->seconds,
                            err)))
        return rc;
    if (!(p->seconds > 0.0))
        return ew_csv_cell_error(t, r, ix[C_SECONDS], "a number > 0 [s]", err);
    if ((rc = ew_csv_string(t, r, ix[C_ESRC], 0, p->energy_source, sizeof p->energy_source,
                            err)))
        return rc;
    int unmeasured = strcmp(p->energy_source, "unmeasured") == 0;
    const char *jc = t->cells[r][ix[C_JOULES]];
    if (unmeasured && jc[0])
        return ew_csv_cell_error(t, r, ix[C_JOULES],
                                 "an empty cell (energy_source is \"unmeasured\")", err);
    if ((rc = opt_number(t, r, ix[C_JOULES], 0.0, "a number >= 0 [J]", &p->joules, err)) ||
        (rc = opt_number(t, r, ix[C_AVGW], 0.0, "a number >= 0 [W] or empty", &p->avg_w,
                         err)) ||
        (rc = ew_csv_number(t, r, ix[C_FLOPS], 0, 0.0, 0.0, "a number >= 0 [FLOP]", &p->flops,
                            err)) ||
        (rc = ew_csv_number(t, r, ix[C_BYTES], 0, 0.0, 0.0, "a number >= 0 [B]", &p->bytes,
                            err)) ||
        (rc = opt_number(t, r, ix[C_SMB], 0.0, "a number >= 0 [MHz] or empty",
                         &p->sm_mhz_before, err)) ||
        (rc = opt_number(t, r, ix[C_SMA], 0.0, "a number >= 0 [MHz] or empty",
                         &p->sm_mhz_after, err)) ||
        (rc = opt_number(t, r, ix[C_MEM], 0.0, "a number >= 0 [MHz] or empty", &p->mem_mhz,
                         err)) ||
        (rc = opt_number(t, r, ix[C_TB], -273.15, "a temperature [°C] or empty",
                         &p->temp_c_before, err)) ||
        (rc = opt_number(t, r, ix[C_TA], -273.15, "a temperature [°C] or empty",
                         &p->temp_c_after, err)) ||
        (rc = opt_number(t, r, ix[C_PLIM], 0.0, "a number >= 0 [W] or empty",
                         &p->power_limit_w, err)) ||
        (rc = ew_csv_string(t, r, ix[C_TS], 1, p->timestamp, sizeof p->timestamp, err)) ||
        (rc = ew_csv_string(t, r, ix[C_VER], 1, p->version, sizeof p->version, err)))
        return rc;
    if (!pn[0] && p->flops > 0.0)
        return ew_csv_cell_error(t, r, ix[C_PREC], "the precision of the row's FLOPs", err);
    return EW_OK;
}

int ew_calib_raw_read(const char *path, ew_calib_raw **out, ew_error *err)
{
    *out = NULL;
    ew_csv_table *t = NULL;
    int rc = ew_csv_table_read(path, &t, err);
    if (rc != EW_OK)
        return rc;
    int ix[C_COUNT];
    ew_calib_raw *raw = calloc(1, sizeof *raw);
    if (!raw || !(raw->path = malloc(strlen(path) + 1))) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    strcpy(raw->path, path);
    if ((rc = ew_csv_require(t, raw_cols, C_COUNT, ix, err)) != EW_OK)
        goto done;
    if (t->nrows == 0) {
        rc = ew_error_set(err, EW_EINVAL, "%s:%d:1: rows: expected measurements after the "
                          "header, got none", path, t->header_line);
        goto done;
    }
    if (!(raw->pt = calloc(t->nrows, sizeof *raw->pt))) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        if ((rc = read_row(t, r, ix, &raw->pt[r], err)) != EW_OK)
            goto done;
        raw->n++;
    }
done:
    ew_csv_table_free(t);
    if (rc != EW_OK) {
        ew_calib_raw_free(raw);
        return rc;
    }
    *out = raw;
    return EW_OK;
}

void ew_calib_raw_free(ew_calib_raw *raw)
{
    if (!raw)
        return;
    free(raw->pt);
    free(raw->path);
    free(raw);
}

/* ---- relative least squares --------------------------------------------- */

#define MAX_P 8

typedef struct wls {
    size_t rank;
    double c[MAX_P], se[MAX_P];     /* se NAN when n == p */
    double rel_rms, rel_max;
} wls;

/* Least squares X·c ≈ y (X: n×p row-major, y > 0) minimising Σ((X_i·c − y_i)/y_i)².
 * n >= p. EW_ENOMEM, or EW_ELIB when GSL fails; a rank below p is reported
 * in out->rank, not as an error. */
static int wls_rel(size_t n, size_t p, const double *X, const double *y, wls *out)
{
    memset(out, 0, sizeof *out);
    double scale[MAX_P];
    for (size_t j = 0; j < p; j++) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += (X[i * p + j] / y[i]) * (X[i * p + j] / y[i]);
        scale[j] = s > 0.0 ? sqrt(s / (double)n) : 1.0;
    }
    gsl_matrix *A = gsl_matrix_alloc(n, p), *cov = gsl_matrix_alloc(p, p);
    gsl_vector *b = gsl_vector_alloc(n), *c = gsl_vector_alloc(p);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, p);
    int rc = EW_OK;
    if (!A || !cov || !b || !c || !w) {
        rc = EW_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        gsl_vector_set(b, i, 1.0);
        for (size_t j = 0; j < p; j++)
            gsl_matrix_set(A, i, j, X[i * p + j] / y[i] / scale[j]);
    }
    double chisq;
    if (gsl_multifit_linear(A, b, c, cov, &chisq, w) != GSL_SUCCESS) {
        rc = EW_ELIB;
        goto done;
    }
    out->rank = gsl_multifit_linear_rank(1e-10, w);
    for (size_t j = 0; j < p; j++) {
        out->c[j] = gsl_vector_get(c, j) / scale[j];
        out->se[j] = n > p ? sqrt(gsl_matrix_get(cov, j, j)) / scale[j] : NAN;
    }
    double ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = 0.0;
        for (size_t j = 0; j < p; j++)
            f += X[i * p + j] * out->c[j];
        double r = (f - y[i]) / y[i];
        ss += r * r;
        if (fabs(r) > out->rel_max)
            out->rel_max = fabs(r);
    }
    out->rel_rms = sqrt(ss / (double)n);
done:
    gsl_matrix_free(A);
    gsl_matrix_free(cov);
    gsl_vector_free(b);
    gsl_vector_free(c);
    gsl_multifit_linear_free(w);
    return rc;
}

static int lib_error(ew_error *err, int rc, const char *what)
{
    return ew_error_set(err, rc, "calibration fit: %s: %s", what,
                        rc == EW_ENOMEM ? "out of memory" : "GSL least squares failed");
}

/* ---- which rows --------------------------------------------------------- */

int ew_calib_row_used(const ew_calib_fit *f, const ew_calib_point *p)
{
    if (strcmp(p->device, f->device) != 0)
        return 0;
    return p->kernel == EW_CAL_IDLE || ew_calib_kernel_is_cpu(p->kernel) == f->cpu;
}

static int choose_rows(const ew_calib_raw *raw, int want_cpu, ew_calib_fit *f, ew_error *err)
{
    int has[2] = {0, 0};
    for (size_t i = 0; i < raw->n; i++)
        if (raw->pt[i].kernel != EW_CAL_IDLE)
            has[ew_calib_kernel_is_cpu(raw->pt[i].kernel)] = 1;
    int cpu = want_cpu == EW_CALIB_AUTO ? !has[0] : want_cpu != 0;
    if (!has[cpu])
        return ew_error_set(err, EW_EINVAL,
                            "%s: no %s kernel rows to fit (%s)", raw->path, cpu ? "CPU" : "GPU",
                            has[!cpu] ? (cpu ? "the file holds GPU kernels only"
                                             : "the file holds CPU kernels only")
                                      : "the file holds idle rows only");
    f->cpu = cpu;
    const ew_calib_point *first = NULL;
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *p = &raw->pt[i];
        if (p->kernel == EW_CAL_IDLE || ew_calib_kernel_is_cpu(p->kernel) != cpu)
            continue;
        if (!first) {
            first = p;
            snprintf(f->device, sizeof f->device, "%s", p->device);
        } else if (strcmp(p->device, first->device) != 0) {
            return ew_error_set(err, EW_EINVAL,
                                "%s:%d:1: device: expected \"%s\" as on line %d (one device per "
                                "fit), got \"%s\"",
                                raw->path, p->line, first->device, first->line, p->device);
        }
    }
    for (size_t i = 0; i < raw->n; i++) {
        if (ew_calib_row_used(f, &raw->pt[i]))
            f->n_used++;
        else
            f->n_other++;
    }
    return EW_OK;
}

/* ---- the laws ----------------------------------------------------------- */

static double per_call(double total, const ew_calib_point *p)
{
    return total / p->repetitions;
}

/* The FLOPs the laws account for: all of them at a precision with a law;
 * none for a bandwidth kernel at one without (the 2 FLOPs per 24 bytes of
 * an fp64 triad); NAN for other kernels at one without (an fp64 GEMM:
 * no law can explain it, and the row is left out). */
static double law_flops(const ew_calib_point *p)
{
    if (law_prec(p) < EW_PREC_COUNT || !(p->flops > 0.0))
        return p->flops;
    return is_bandwidth_kernel(p) ? 0.0 : NAN;
}

static void not_fitted(ew_calib_value *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void not_fitted(ew_calib_value *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->method, sizeof v->method, fmt, ap);
    va_end(ap);
    v->ok = 0;
}

static void init_value(ew_calib_value *v)
{
    memset(v, 0, sizeof *v);
    v->se = v->intercept_s = v->rel_rms = v->rel_max = NAN;
}

/* Number of distinct values in x[0..n) (relative tolerance 1e-9). */
static size_t distinct(const double *x, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < i && fabs(x[j] - x[i]) > 1e-9 * fabs(x[i]))
            j++;
        d += j == i;
    }
    return d;
}

/* A rate from time per call t against work per call x (FLOPs or bytes):
 * t = t0 + x/rate when x takes two values or more, else t = x/rate. */
static int fit_rate(size_t n, const double *x, const double *t, ew_calib_value *v,
                    const char *what, ew_error *err)
{
    double *X = calloc(2 * n, sizeof *X);
    if (!X)
        return lib_error(err, EW_ENOMEM, what);
    int line = distinct(x, n) >= 2;
    size_t p = line ? 2 : 1;
    for (size_t i = 0; i < n; i++) {
        if (line)
            X[2 * i] = 1.0;
        X[p * i + p - 1] = x[i];
    }
    wls w;
    int rc = wls_rel(n, p, X, t, &w);
    free(X);
    if (rc)
        return lib_error(err, rc, what);
    double s = w.c[p - 1];
    v->n = n;
    v->rel_rms = w.rel_rms;
    v->rel_max = w.rel_max;
    v->intercept_s = line ? w.c[0] : 0.0;
    if (!(s > 0.0)) {
        not_fitted(v, "%s: the fit gave a slope of %g s per unit of work (time not growing "
                   "with work): not determined", what, s);
        return EW_OK;
    }
    v->ok = 1;
    v->value = 1.0 / s;
    v->se = w.se[p - 1] / (s * s);
    if (line)
        snprintf(v->method, sizeof v->method,
                 "%s: weighted least squares t = t0 + work/rate per call over %zu points "
                 "(weights 1/t^2), t0 = %.4g s", what, n, w.c[0]);
    else
        snprintf(v->method, sizeof v->method,
                 "%s: one work size only, so t = work/rate through the origin over %zu points",
                 what, n);
    return EW_OK;
}

/* Large GEMMs of precision q (the rate fit). */
static int is_large_gemm(const ew_calib_point *p, ew_precision q)
{
    return p->kernel == EW_CAL_GEMM && p->precision == q && p->m >= 1024.0;
}

/* The bandwidth row p's bytes move at: its kernel class's on a GPU where
 * fitted, else bytes_per_s; NULL when neither is. */
static const ew_calib_value *bw_of(const ew_calib_fit *f, const ew_calib_point *p)
{
    ew_calib_bw_class c = bw_class_of(p);
    if (!f->cpu && c < EW_CAL_BW_COUNT && f->class_bw[c].ok)
        return &f->class_bw[c];
    return f->bytes_per_s.ok ? &f->bytes_per_s : NULL;
}

/* Roofline work time W = max(F/R_p, Y/BW_c) at the fitted rates (no F/R_p
 * for a bandwidth kernel); NAN when a needed rate is missing. */
static double roofline_s(const ew_calib_fit *f, const ew_calib_point *p)
{
    double F = per_call(law_flops(p), p), Y = per_call(p->bytes, p), w = 0.0;
    if (!isfinite(F))
        return NAN;
    if (F > 0.0 && !is_bandwidth_kernel(p)) {
        const ew_calib_value *r = &f->flops_per_s[law_prec(p)];
        if (!r->ok)
            return NAN;
        w = F / r->value;
    }
    if (Y > 0.0) {
        const ew_calib_value *bw = bw_of(f, p);
        if (!bw)
            return NAN;
        if (Y / bw->value > w)
            w = Y / bw->value;
    }
    return w;
}

static int fit_rates(const ew_calib_raw *raw, size_t skip, ew_calib_fit *f, double *x,
                     double *t, ew_error *err)
{
    for (int q = 0; q < EW_PREC_COUNT; q++) {
        ew_calib_value *v = &f->flops_per_s[q];
        const char *pn = ew_precision_name((ew_precision)q);
        if (q == EW_PREC_INT8 || q == EW_PREC_INT4) {
            not_fitted(v, "%s: the measuring program has no %s kernels", pn, pn);
            continue;
        }
        size_t n = 0, any = 0;
        double best = 0.0;
        int best_line = 0;
        for (size_t i = 0; i < raw->n; i++) {
            const ew_calib_point *p = &raw->pt[i];
            if (i == skip || !ew_calib_row_used(f, p))
                continue;
            if (f->cpu) {
                if (p->kernel == EW_CAL_CPU_GEMM && (int)p->precision == q && p->flops > 0.0) {
                    double r = p->flops / p->seconds;
                    if (r > best) {
                        best = r;
                        best_line = p->line;
                    }
                    n++;
                }
            } else {
                any += p->kernel == EW_CAL_GEMM && (int)p->precision == q;
                if (is_large_gemm(p, (ew_precision)q) && p->flops > 0.0) {
                    x[n] = per_call(p->flops, p);
                    t[n++] = per_call(p->seconds, p);
                }
            }
        }
        if (f->cpu) {
            if (!n) {
                not_fitted(v, "%s: no cpu_gemm rows at this precision", pn);
                continue;
            }
            v->ok = 1;
            v->value = best;
            v->n = n;
            snprintf(v->method, sizeof v->method,
                     "%s: the best FLOPs/seconds of %zu cpu_gemm rows (line %d of the raw file; "
                     "the rows sweep threads and sizes)", pn, n, best_line);
            continue;
        }
        if (!n) {
            not_fitted(v, any ? "%s: GEMMs measured, but none with M >= 1024 (the rate is "
                                "fitted to large shapes only)"
                              : "%s: no %s GEMM measured", pn, pn);
            continue;
        }
        char what[64];
        snprintf(what, sizeof what, "%s GEMMs with M >= 1024", pn);
        int rc = fit_rate(n, x, t, v, what, err);
        if (rc)
            return rc;
    }

    /* bandwidth */
    ew_calib_value *v = &f->bytes_per_s;
    size_t n = 0;
    double best = 0.0;
    int best_line = 0;
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *p = &raw->pt[i];
        if (i == skip || !ew_calib_row_used(f, p) || !(p->bytes > 0.0))
            continue;
        if (f->cpu && p->kernel == EW_CAL_CPU_TRIAD) {
            double r = p->bytes / p->seconds;
            if (r > best) {
                best = r;
                best_line = p->line;
            }
            n++;
        } else if (!f->cpu &&
                   (p->kernel == EW_CAL_STREAM_READ || p->kernel == EW_CAL_STREAM_COPY)) {
            x[n] = per_call(p->bytes, p);
            t[n++] = per_call(p->seconds, p);
        }
    }
    if (!n) {
        not_fitted(v, f->cpu ? "no cpu_triad rows" : "no stream_read or stream_copy rows");
    } else if (f->cpu) {
        v->ok = 1;
        v->value = best;
        v->n = n;
        snprintf(v->method, sizeof v->method,
                 "the best bytes/seconds of %zu cpu_triad rows (line %d of the raw file; the "
                 "rows sweep threads and sizes)", n, best_line);
    } else {
        int rc = fit_rate(n, x, t, v, "stream_read and stream_copy", err);
        if (rc)
            return rc;
    }
    return EW_OK;
}

/* ---- the GPU time fit ---------------------------------------------------- */

/* A row of the time fit: work per call, and the parameters its terms use. */
typedef struct time_row {
    double t, F, Y;             /* [s], [FLOP], [B] per call; F = 0 for a bandwidth kernel */
    int q;                      /* FLOP law, -1 when F = 0 */
    int c;                      /* bandwidth class, -1 when Y = 0 */
} time_row;

/* Parameters: t0, seconds per FLOP of each law, seconds per byte of each class. */
enum { TP_T0, TP_FLOP, TP_BYTE = TP_FLOP + EW_PREC_COUNT, TP_COUNT = TP_BYTE + EW_CAL_BW_COUNT };
#define TIME_ROUNDS 50

/* 1 if row r is bound by its FLOPs at th (0: by its bytes); *work = the
 * larger term, F/R_p or Y/BW_c [s]. */
static int flop_bound(const double *th, const time_row *r, double *work)
{
    double c = r->q >= 0 ? r->F * th[TP_FLOP + r->q] : 0.0;
    double m = r->c >= 0 ? r->Y * th[TP_BYTE + r->c] : 0.0;
    int b = r->q >= 0 && (r->c < 0 || c > m);
    *work = b ? c : m;
    return b;
}

static double time_pred(const double *th, const time_row *r)
{
    double w;
    flop_bound(th, r, &w);
    return th[TP_T0] + w;
}

/* Σ((predicted − t)/t)² over the rows, and the worst |relative residual|. */
static double time_objective(const double *th, const time_row *rows, size_t n, double *worst)
{
    double ss = 0.0;
    *worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double r = (time_pred(th, &rows[i]) - rows[i].t) / rows[i].t;
        ss += r * r;
        *worst = fabs(r) > *worst ? fabs(r) : *worst;
    }
    return ss;
}

/* The rows of the GPU time fit, into out (room for raw->n). */
static size_t time_rows(const ew_calib_raw *raw, size_t skip, const ew_calib_fit *f,
                        time_row *out)
{
    size_t n = 0;
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *p = &raw->pt[i];
        double F = law_flops(p);
        if (i == skip || !ew_calib_row_used(f, p) || p->kernel == EW_CAL_IDLE || !isfinite(F))
            continue;
        time_row r;
        r.t = per_call(p->seconds, p);
        r.F = is_bandwidth_kernel(p) ? 0.0 : per_call(F, p);
        r.Y = per_call(p->bytes, p);
        r.q = r.F > 0.0 ? (int)law_prec(p) : -1;
        r.c = r.Y > 0.0 ? (int)bw_class_of(p) : -1;
        if (r.q >= 0 || r.c >= 0)
            out[n++] = r;
    }
    return n;
}

/* One round: each row bound by its larger term at th; the linear weighted
 * fit for that assignment, into th (parameters no row is bound by keep
 * their value) and se. t[i] = rows[i].t; bound[i]: 1 FLOPs, 0 bytes. Returns the number of
 * rows whose bound changed (n on the first round), or (size_t)-1 with *rc
 * set when the fit cannot be made. */
static size_t time_round(const time_row *rows, const double *t, size_t n, int first,
                         char *bound, double *th, double *se, size_t *uses, double *X, int *rc)
{
    size_t changed = 0;
    for (size_t i = 0; i < n; i++) {
        double w;
        char b = (char)flop_bound(th, &rows[i], &w);
        changed += first || b != bound[i];
        bound[i] = b;
    }
    int col[TP_COUNT];
    size_t p = 0;
    for (int j = 0; j < TP_COUNT; j++)
        uses[j] = 0;
    uses[TP_T0] = n;
    for (size_t i = 0; i < n; i++)
        uses[bound[i] ? TP_FLOP + rows[i].q : TP_BYTE + rows[i].c]++;
    for (int j = 0; j < TP_COUNT; j++)
        col[j] = uses[j] ? (int)p++ : -1;
    if (p > MAX_P || n < p) {
        *rc = EW_EINVAL;
        return (size_t)-1;
    }
    memset(X, 0, n * p * sizeof *X);
    for (size_t i = 0; i < n; i++) {
        const time_row *r = &rows[i];
        X[i * p + (size_t)col[TP_T0]] = 1.0;
        if (bound[i])
            X[i * p + (size_t)col[TP_FLOP + r->q]] = r->F;
        else
            X[i * p + (size_t)col[TP_BYTE + r->c]] = r->Y;
    }
    wls w;
    *rc = wls_rel(n, p, X, t, &w);
    if (*rc)
        return (size_t)-1;
    for (int j = 0; j < TP_COUNT; j++)
        if (col[j] >= 0) {
            th[j] = w.c[col[j]];
            se[j] = w.se[col[j]];
        }
    return changed;
}

static int fit_gpu_times(const ew_calib_raw *raw, size_t skip, ew_calib_fit *f, ew_error *err)
{
    ew_calib_value *t0v = &f->step_overhead_s;
    f->time_rel_rms = f->time_rel_max = NAN;
    if (f->cpu) {
        not_fitted(t0v, "not fitted for CPUs: the CPU program measures large products and "
                        "triads, no launch-bound small kernels");
        for (int c = 0; c < EW_CAL_BW_COUNT; c++)
            not_fitted(&f->class_bw[c], "GPU kernel classes only");
        return EW_OK;
    }
    time_row *rows = malloc((raw->n + 1) * sizeof *rows);
    char *bound = malloc(raw->n + 1);
    double *X = malloc((raw->n + 1) * MAX_P * sizeof *X), *t = malloc((raw->n + 1) * sizeof *t);
    if (!rows || !bound || !X || !t) {
        free(rows);
        free(bound);
        free(X);
        free(t);
        return lib_error(err, EW_ENOMEM, "kernel times");
    }
    size_t n = time_rows(raw, skip, f, rows);
    f->time_n = n;
    for (size_t i = 0; i < n; i++)
        t[i] = rows[i].t;

    /* starting values: the separate fits, else the best achieved rates */
    double th[TP_COUNT] = {0}, se[TP_COUNT] = {0}, best_th[TP_COUNT] = {0}, best_se[TP_COUNT] = {0};
    size_t uses[TP_COUNT] = {0}, best_uses[TP_COUNT] = {0};
    int has[TP_COUNT] = {0};
    for (size_t i = 0; i < n; i++) {
        const time_row *r = &rows[i];
        if (r->q >= 0) {
            double s = r->t / r->F;
            int j = TP_FLOP + r->q;
            th[j] = has[j]++ && th[j] < s ? th[j] : s;
        }
        if (r->c >= 0) {
            double s = r->t / r->Y;
            int j = TP_BYTE + r->c;
            th[j] = has[j]++ && th[j] < s ? th[j] : s;
        }
    }
    for (int q = 0; q < EW_PREC_COUNT; q++)
        if (has[TP_FLOP + q] && f->flops_per_s[q].ok)
            th[TP_FLOP + q] = 1.0 / f->flops_per_s[q].value;
    for (int c = 0; c < EW_CAL_BW_COUNT; c++)
        if (has[TP_BYTE + c] && f->bytes_per_s.ok)
            th[TP_BYTE + c] = 1.0 / f->bytes_per_s.value;

    int rc = EW_OK;
    double best = INFINITY, best_worst = NAN;
    size_t rounds = 0;
    int converged = 0;
    for (int k = 0; n && k < TIME_ROUNDS; k++) {
        size_t changed = time_round(rows, t, n, k == 0, bound, th, se, uses, X, &rc);
        if (changed == (size_t)-1)
            break;
        rounds++;
        if (k > 0 && changed == 0) {
            converged = 1;
            break;
        }
        double worst, obj = time_objective(th, rows, n, &worst);
        if (obj < best) {
            best = obj;
            best_worst = worst;
            memcpy(best_th, th, sizeof th);
            memcpy(best_se, se, sizeof se);
            memcpy(best_uses, uses, sizeof uses);
        }
    }
    free(rows);
    free(bound);
    free(X);
    free(t);
    if (rc == EW_ENOMEM || rc == EW_ELIB)
        return lib_error(err, rc, "kernel times");

    const char *why = !n ? "no GPU kernel rows with work"
                      : rc ? "more parameters than rows (t0, a rate per FLOP law and a "
                             "bandwidth per kernel class)"
                           : NULL;
    f->time_rounds = rounds;
    f->time_converged = converged;
    if (!why) {
        f->time_rel_rms = sqrt(best / (double)n);
        f->time_rel_max = best_worst;
    }
    char how[200];
    snprintf(how, sizeof how,
             "joint weighted least squares t = t0 + max(F/R_p, Y/BW_c) per call over %zu GPU "
             "kernel rows (weights 1/t^2; %zu rounds of reassignment%s)",
             n, rounds, converged ? "" : ", not settled: the best round kept");

    /* t0 */
    if (why)
        not_fitted(t0v, "%s", why);
    else if (!(best_th[TP_T0] > 0.0))
        not_fitted(t0v, "%s gave t0 = %.4g s (<= 0): not determined", how, best_th[TP_T0]);
    else {
        t0v->ok = 1;
        t0v->value = best_th[TP_T0];
        t0v->se = best_se[TP_T0];
        t0v->n = n;
        t0v->rel_rms = f->time_rel_rms;
        t0v->rel_max = f->time_rel_max;
        snprintf(t0v->method, sizeof t0v->method, "t0 of the %s; a time per kernel call", how);
    }
    /* rates (a FLOP law without rows keeps the separate fit's reason) and bandwidths */
    for (int j = TP_FLOP; j < TP_COUNT; j++) {
        int flop = j < TP_BYTE, q = j - TP_FLOP, c = j - TP_BYTE;
        ew_calib_value *v = flop ? &f->flops_per_s[q] : &f->class_bw[c];
        const char *name = flop ? ew_precision_name((ew_precision)q) : bw_class_names[c];
        const char *rows_of = !flop ? "rows" : q == EW_PREC_FP32
                                                   ? "rows of gemv_batch and attention (fp32 on "
                                                     "the CUDA cores)"
                                                   : "GEMM rows";
        const char *bound_by = flop ? "FLOPs" : "bytes";
        if (!has[j]) {
            if (!flop)
                not_fitted(v, "%s: no rows", name);
        } else if (why) {
            not_fitted(v, "%s: %s", name, why);
        } else if (!best_uses[j]) {
            not_fitted(v, "%s: none of the %s is bound by its %s: not determined", name,
                       rows_of, bound_by);
        } else if (!(best_th[j] > 0.0)) {
            not_fitted(v, "%s: the %s gave %.4g s per %s: not physical", name, how,
                       best_th[j], flop ? "FLOP" : "byte");
        } else {
            double s = best_th[j];
            v->ok = 1;
            v->value = 1.0 / s;
            v->se = best_se[j] / (s * s);
            v->n = best_uses[j];
            v->intercept_s = best_th[TP_T0];
            v->rel_rms = f->time_rel_rms;
            v->rel_max = f->time_rel_max;
            snprintf(v->method, sizeof v->method, "%s: %s of the %s; %zu %s bound by their %s",
                     name, flop ? "R_p" : "BW_c", how, best_uses[j], rows_of, bound_by);
        }
    }
    /* the simulator's bandwidth: weights streamed by matrix products */
    ew_calib_bw_class use = f->class_bw[EW_CAL_BW_GEMM].ok ? EW_CAL_BW_GEMM : EW_CAL_BW_STREAM;
    if (f->class_bw[use].ok) {
        f->bytes_per_s = f->class_bw[use];
        snprintf(f->bytes_per_s.method, sizeof f->bytes_per_s.method,
                 "the achieved bandwidth of the %s class (%s), from the %s",
                 bw_class_names[use],
                 use == EW_CAL_BW_GEMM ? "weights streamed by matrix products at small M, as "
                                         "in decoding"
                                       : "no GEMM row is bound by its bytes",
                 how);
    }
    return EW_OK;
}

/* A kernel row whose energy was measured (a zero reading is a counter that
 * did not tick, not a measurement) and whose FLOPs have a law (not fp64). */
static int energy_row(const ew_calib_fit *f, const ew_calib_point *p)
{
    return ew_calib_row_used(f, p) && p->kernel != EW_CAL_IDLE && isfinite(p->joules) &&
           p->joules > 0.0 && isfinite(law_flops(p));
}

static int fit_energy(const ew_calib_raw *raw, size_t skip, ew_calib_fit *f, ew_error *err)
{
    /* columns: seconds, FLOPs of each precision present, bytes */
    int col_prec[EW_PREC_COUNT];
    size_t p = 1, n = 0, n_meas = 0;
    int has_bytes = 0, has_flops[EW_PREC_COUNT] = {0};
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *q = &raw->pt[i];
        if (!energy_row(f, q))
            continue;
        n_meas++;
        if (i == skip)
            continue;
        n++;
        if (law_flops(q) > 0.0)
            has_flops[law_prec(q)] = 1;
        if (q->bytes > 0.0)
            has_bytes = 1;
    }
    for (int q = 0; q < EW_PREC_COUNT; q++)
        col_prec[q] = has_flops[q] ? (int)p++ : -1;
    int col_bytes = has_bytes ? (int)p++ : -1;
    f->energy_n = n;
    f->energy_p = p;
    f->energy_r2 = f->energy_rel_rms = f->energy_rel_max = NAN;

    const char *why = NULL;
    char buf[200];
    if (!n_meas)
        why = "no energy measured (energy_source \"unmeasured\" on every kernel row)";
    else if (n < p) {
        snprintf(buf, sizeof buf, "%zu kernel rows with measured energy for %zu parameters", n,
                 p);
        why = buf;
    }
    wls w = {0};
    double *X = NULL, *y = NULL;
    if (!why) {
        X = calloc(n * p, sizeof *X);
        y = malloc(n * sizeof *y);
        if (!X || !y) {
            free(X);
            free(y);
            return lib_error(err, EW_ENOMEM, "energy");
        }
        size_t r = 0;
        for (size_t i = 0; i < raw->n; i++) {
            const ew_calib_point *q = &raw->pt[i];
            if (i == skip || !energy_row(f, q))
                continue;
            X[r * p] = q->seconds;
            if (law_flops(q) > 0.0)
                X[r * p + (size_t)col_prec[law_prec(q)]] = q->flops;
            if (col_bytes > 0)
                X[r * p + (size_t)col_bytes] = q->bytes;
            y[r++] = q->joules;
        }
        int rc = wls_rel(n, p, X, y, &w);
        if (rc) {
            free(X);
            free(y);
            return lib_error(err, rc, "energy");
        }
        if (w.rank < p) {
            snprintf(buf, sizeof buf, "the columns (seconds, FLOPs per precision, bytes) are "
                     "collinear over the %zu rows (rank %zu of %zu)", n, w.rank, p);
            why = buf;
        } else {
            double mean = gsl_stats_mean(y, 1, n), ss_res = 0.0, ss_tot = 0.0;
            for (size_t i = 0; i < n; i++) {
                double fit = 0.0;
                for (size_t j = 0; j < p; j++)
                    fit += X[i * p + j] * w.c[j];
                ss_res += (y[i] - fit) * (y[i] - fit);
                ss_tot += (y[i] - mean) * (y[i] - mean);
            }
            f->energy_r2 = ss_tot > 0.0 ? 1.0 - ss_res / ss_tot : NAN;
            f->energy_rel_rms = w.rel_rms;
            f->energy_rel_max = w.rel_max;
        }
        free(X);
        free(y);
    }
    /* one law per column */
    ew_calib_value *law[MAX_P] = {&f->static_w};
    const char *label[MAX_P] = {"P_s (static_w)"};
    for (int q = 0; q < EW_PREC_COUNT; q++)
        if (col_prec[q] > 0) {
            law[col_prec[q]] = &f->j_per_flop[q];
            label[col_prec[q]] = ew_precision_name((ew_precision)q);
        }
    if (col_bytes > 0) {
        law[col_bytes] = &f->j_per_byte;
        label[col_bytes] = "e_b (j_per_byte)";
    }
    for (int q = 0; q < EW_PREC_COUNT; q++)
        if (col_prec[q] < 0)
            not_fitted(&f->j_per_flop[q], "%s: %s", ew_precision_name((ew_precision)q),
                       why ? why : q >= EW_PREC_INT8
                                       ? "the measuring program has no such kernels"
                                       : "no row with measured energy does FLOPs at this "
                                         "precision");
    if (col_bytes < 0)
        not_fitted(&f->j_per_byte, "%s", why ? why : "no row with measured energy moves bytes");
    for (size_t j = 0; j < p; j++) {
        ew_calib_value *v = law[j];
        if (why) {
            not_fitted(v, "%s", why);
            continue;
        }
        v->n = n;
        v->value = w.c[j];
        v->se = w.se[j];
        v->rel_rms = f->energy_rel_rms;
        v->rel_max = f->energy_rel_max;
        if (v->value < 0.0) {
            not_fitted(v, "the energy fit gave %.4g (SE %.2g) for %s: negative, not physical",
                       v->value, v->se, label[j]);
            continue;
        }
        v->ok = 1;
        snprintf(v->method, sizeof v->method,
                 "gsl_multifit_linear over %zu kernel rows with measured energy: J = P_s*seconds "
                 "+ sum_p e_p*FLOPs_p + e_b*bytes, no intercept, weights 1/J^2 (R^2 %.5f, "
                 "relative residuals rms %.2g%%, worst %.2g%%)",
                 n, f->energy_r2, 100.0 * f->energy_rel_rms, 100.0 * f->energy_rel_max);
    }
    return EW_OK;
}

static void fit_idle_and_cap(const ew_calib_raw *raw, size_t skip, ew_calib_fit *f, double *x)
{
    double j = 0.0, s = 0.0;
    size_t n_idle = 0, n_idle_all = 0, n = 0;
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *p = &raw->pt[i];
        if (i == skip || !ew_calib_row_used(f, p))
            continue;
        if (p->kernel == EW_CAL_IDLE) {
            n_idle_all++;
            if (isfinite(p->joules)) {
                j += p->joules;
                s += p->seconds;
                n_idle++;
            }
        }
        if (isfinite(p->power_limit_w) && p->power_limit_w > 0.0)
            x[n++] = p->power_limit_w;
    }
    ew_calib_value *v = &f->idle_w;
    if (n_idle) {
        v->ok = 1;
        v->value = j / s;
        v->n = n_idle;
        snprintf(v->method, sizeof v->method,
                 "sum of joules / sum of seconds over %zu idle rows", n_idle);
    } else {
        not_fitted(v, n_idle_all ? "idle rows measured, but without energy (unmeasured)"
                                 : "no idle rows");
    }
    v = &f->power_cap_w;
    f->cap_n_at = 0;
    if (!n) {
        not_fitted(v, "no power limit reported (power_limit_w empty on every row)");
        return;
    }
    gsl_sort(x, 1, n);
    v->ok = 1;
    v->value = gsl_stats_median_from_sorted_data(x, 1, n);
    v->n = n;
    if (x[0] == x[n - 1])
        snprintf(v->method, sizeof v->method,
                 "the power limit the measuring program read (power_limit_w), the same on all "
                 "%zu rows", n);
    else
        snprintf(v->method, sizeof v->method,
                 "median of the power limits read on %zu rows (power_limit_w from %.4g to %.4g W)",
                 n, x[0], x[n - 1]);
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *p = &raw->pt[i];
        if (i != skip && ew_calib_row_used(f, p) && p->kernel != EW_CAL_IDLE &&
            isfinite(p->avg_w) && p->avg_w >= 0.97 * v->value)
            f->cap_n_at++;
    }
}

int ew_calib_fit_run(const ew_calib_raw *raw, int want_cpu, size_t skip, ew_calib_fit *out,
                     ew_error *err)
{
    ew_calib_fit f;
    memset(&f, 0, sizeof f);
    for (int q = 0; q < EW_PREC_COUNT; q++) {
        init_value(&f.flops_per_s[q]);
        init_value(&f.j_per_flop[q]);
    }
    init_value(&f.bytes_per_s);
    init_value(&f.j_per_byte);
    init_value(&f.static_w);
    init_value(&f.idle_w);
    init_value(&f.power_cap_w);
    init_value(&f.step_overhead_s);
    for (int c = 0; c < EW_CAL_BW_COUNT; c++)
        init_value(&f.class_bw[c]);
    int rc = choose_rows(raw, want_cpu, &f, err);
    if (rc)
        return rc;
    double *x = malloc((raw->n + 1) * sizeof *x), *t = malloc((raw->n + 1) * sizeof *t);
    if (!x || !t) {
        free(x);
        free(t);
        return ew_error_set(err, EW_ENOMEM, "calibration fit: out of memory");
    }
    if (!(rc = fit_rates(raw, skip, &f, x, t, err)) &&
        !(rc = fit_gpu_times(raw, skip, &f, err)) &&
        !(rc = fit_energy(raw, skip, &f, err)))
        fit_idle_and_cap(raw, skip, &f, x);
    free(x);
    free(t);
    if (rc)
        return rc;
    *out = f;
    return EW_OK;
}

/* ---- predictions and leave-one-out -------------------------------------- */

void ew_calib_predict(const ew_calib_fit *f, const ew_calib_point *p, double *time_s,
                      double *energy_j, double *sim_j)
{
    double F = law_flops(p), Y = p->bytes;
    double dyn = isfinite(F) ? 0.0 : NAN;   /* e_p·FLOPs + e_b·bytes [J]; NAN: a law missing */
    if (F > 0.0)
        dyn += law_prec(p) < EW_PREC_COUNT && f->j_per_flop[law_prec(p)].ok
                   ? f->j_per_flop[law_prec(p)].value * F : NAN;
    if (Y > 0.0)
        dyn += f->j_per_byte.ok ? f->j_per_byte.value * Y : NAN;
    int energy = f->static_w.ok && isfinite(dyn);

    double t = p->kernel == EW_CAL_IDLE ? NAN : roofline_s(f, p);
    if (isfinite(t) && energy && f->power_cap_w.ok && f->power_cap_w.value > f->static_w.value) {
        double t_cap = dyn / p->repetitions / (f->power_cap_w.value - f->static_w.value);
        t = t_cap > t ? t_cap : t;
    }
    if (isfinite(t) && f->step_overhead_s.ok)
        t += f->step_overhead_s.value;
    *time_s = t;
    *energy_j = energy ? f->static_w.value * p->seconds + dyn : NAN;
    *sim_j = energy && isfinite(t) ? f->static_w.value * t * p->repetitions + dyn : NAN;
}

enum { ERR_TIME, ERR_ENERGY, ERR_SIM };

static double err_of(const ew_calib_loo_point *q, int which)
{
    return which == ERR_TIME ? q->time_err : which == ERR_ENERGY ? q->energy_err : q->sim_err;
}

/* Median and worst of |error| over the points that were predicted. */
static void summarise(const ew_calib_loo *l, int which, double *buf, size_t *count,
                      double *median, double *worst)
{
    size_t m = 0;
    for (size_t i = 0; i < l->n; i++) {
        double e = err_of(&l->pt[i], which);
        if (isfinite(e))
            buf[m++] = fabs(e);
    }
    *count = m;
    if (!m) {
        *median = *worst = NAN;
        return;
    }
    gsl_sort(buf, 1, m);
    *median = gsl_stats_median_from_sorted_data(buf, 1, m);
    *worst = buf[m - 1];
}

int ew_calib_loo_run(const ew_calib_raw *raw, int want_cpu, ew_calib_loo **out, ew_error *err)
{
    *out = NULL;
    ew_calib_fit all;
    int rc = ew_calib_fit_run(raw, want_cpu, (size_t)-1, &all, err);
    if (rc)
        return rc;
    ew_calib_loo *l = calloc(1, sizeof *l);
    double *buf = malloc((raw->n + 1) * sizeof *buf);
    if (l)
        l->pt = calloc(raw->n + 1, sizeof *l->pt);
    if (!l || !l->pt || !buf) {
        free(buf);
        ew_calib_loo_free(l);
        return ew_error_set(err, EW_ENOMEM, "leave-one-out: out of memory");
    }
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *p = &raw->pt[i];
        if (!ew_calib_row_used(&all, p) || p->kernel == EW_CAL_IDLE)
            continue;
        ew_calib_fit f;
        if ((rc = ew_calib_fit_run(raw, all.cpu, i, &f, err))) {
            free(buf);
            ew_calib_loo_free(l);
            return rc;
        }
        ew_calib_loo_point *q = &l->pt[l->n++];
        q->row = i;
        ew_calib_predict(&f, p, &q->time_s, &q->energy_j, &q->sim_j);
        double t = per_call(p->seconds, p);
        q->time_err = (q->time_s - t) / t;
        q->energy_err = isfinite(p->joules) && p->joules > 0.0
                            ? (q->energy_j - p->joules) / p->joules : NAN;
        q->sim_err = isfinite(p->joules) && p->joules > 0.0
                         ? (q->sim_j - p->joules) / p->joules : NAN;
    }
    summarise(l, ERR_TIME, buf, &l->n_time, &l->time_median, &l->time_worst);
    summarise(l, ERR_ENERGY, buf, &l->n_energy, &l->energy_median, &l->energy_worst);
    summarise(l, ERR_SIM, buf, &l->n_sim, &l->sim_median, &l->sim_worst);
    free(buf);
    *out = l;
    return EW_OK;
}

void ew_calib_loo_free(ew_calib_loo *loo)
{
    if (!loo)
        return;
    free(loo->pt);
    free(loo);
}
