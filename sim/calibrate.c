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
 *   t = t0 + max(F/R_p, Y/BW).
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
    if (p->precision < EW_PREC_COUNT || !(p->flops > 0.0))
        return p->flops;
    int bandwidth = p->kernel == EW_CAL_STREAM_READ || p->kernel == EW_CAL_STREAM_COPY ||
                    p->kernel == EW_CAL_CPU_TRIAD;
    return bandwidth ? 0.0 : NAN;
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

static int is_small_kernel(const ew_calib_point *p)
{
    if (p->kernel == EW_CAL_GEMV_BATCH) {
        double b = p->batch > 0.0 ? p->batch : p->m;
        return b >= 1.0 && b <= 4.0;
    }
    if (p->kernel == EW_CAL_GEMM)
        return p->m <= 16.0 || (p->m <= 512.0 && p->n <= 512.0 && p->k <= 512.0);
    return 0;
}

/* Large GEMMs of precision q (the rate fit). */
static int is_large_gemm(const ew_calib_point *p, ew_precision q)
{
    return p->kernel == EW_CAL_GEMM && p->precision == q && p->m >= 1024.0;
}

/* Roofline work time W = max(F/R, Y/BW) at the fitted rates; NAN when a
 * needed rate is missing. */
static double roofline_s(const ew_calib_fit *f, const ew_calib_point *p)
{
    double F = per_call(law_flops(p), p), Y = per_call(p->bytes, p), w = 0.0;
    if (!isfinite(F))
        return NAN;
    if (F > 0.0) {
        const ew_calib_value *r = &f->flops_per_s[p->precision];
        if (!r->ok)
            return NAN;
        w = F / r->value;
    }
    if (Y > 0.0) {
        if (!f->bytes_per_s.ok)
            return NAN;
        if (Y / f->bytes_per_s.value > w)
            w = Y / f->bytes_per_s.value;
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

static int fit_step_overhead(const ew_calib_raw *raw, size_t skip, ew_calib_fit *f, double *x,
                             double *t, ew_error *err)
{
    ew_calib_value *v = &f->step_overhead_s;
    f->step_slope = NAN;
    if (f->cpu) {
        not_fitted(v, "not fitted for CPUs: the CPU program measures large products and "
                      "triads, no launch-bound small kernels");
        return EW_OK;
    }
    if (!f->bytes_per_s.ok) {
        not_fitted(v, "needs the bandwidth (bytes_per_s), which is not determined");
        return EW_OK;
    }
    size_t n = 0;
    double wmin = INFINITY, wmax = 0.0;
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *p = &raw->pt[i];
        if (i == skip || !ew_calib_row_used(f, p) || !is_small_kernel(p))
            continue;
        double w = roofline_s(f, p);
        if (!isfinite(w))
            continue;
        x[n] = w;
        t[n++] = per_call(p->seconds, p);
        wmin = w < wmin ? w : wmin;
        wmax = w > wmax ? w : wmax;
    }
    if (!n) {
        not_fitted(v, "no small kernels (gemv_batch with batch <= 4, GEMMs with M <= 16 or "
                      "M, N, K <= 512) with fitted rates");
        return EW_OK;
    }
    v->n = n;
    /* the slope c only where the work spans a range; else c = 1 */
    if (n >= 3 && wmax - wmin >= 0.5 * wmax) {
        double *X = malloc(2 * n * sizeof *X);
        if (!X)
            return lib_error(err, EW_ENOMEM, "step overhead");
        for (size_t i = 0; i < n; i++) {
            X[2 * i] = 1.0;
            X[2 * i + 1] = x[i];
        }
        wls w;
        int rc = wls_rel(n, 2, X, t, &w);
        free(X);
        if (rc)
            return lib_error(err, rc, "step overhead");
        if (w.rank == 2 && w.c[1] > 0.0) {
            f->step_slope = w.c[1];
            v->value = w.c[0];
            v->se = w.se[0];
            v->rel_rms = w.rel_rms;
            v->rel_max = w.rel_max;
            snprintf(v->method, sizeof v->method,
                     "intercept t0 of weighted least squares t = t0 + c*W per call over %zu small "
                     "kernels (gemv_batch with batch <= 4; GEMMs with M <= 16 or M, N, K <= 512), "
                     "W = max(F/R, Y/BW) at the fitted rates, c = %.3f; a time per kernel call",
                     n, w.c[1]);
        }
    }
    if (!isfinite(f->step_slope)) {
        /* t0 = Σ((t − W)/t²) / Σ(1/t²): the same relative weights, c = 1 */
        double a = 0.0, b = 0.0;
        for (size_t i = 0; i < n; i++) {
            a += (t[i] - x[i]) / (t[i] * t[i]);
            b += 1.0 / (t[i] * t[i]);
        }
        f->step_slope = 1.0;
        v->value = a / b;
        double ss = 0.0, mx = 0.0;
        for (size_t i = 0; i < n; i++) {
            double r = (x[i] + v->value - t[i]) / t[i];
            ss += r * r;
            mx = fabs(r) > mx ? fabs(r) : mx;
        }
        v->rel_rms = sqrt(ss / (double)n);
        v->rel_max = mx;
        /* standard error of a weighted mean, weights 1/t² */
        v->se = n > 1 ? sqrt(ss / (double)(n - 1) / b) : NAN;
        snprintf(v->method, sizeof v->method,
                 "weighted mean of t - W per call over %zu small kernels (gemv_batch with batch "
                 "<= 4; GEMMs with M <= 16 or M, N, K <= 512), W = max(F/R, Y/BW) at the fitted "
                 "rates (their work spans too little to fit a slope); a time per kernel call", n);
    }
    if (!(v->value > 0.0)) {
        not_fitted(v, "the small-kernel fit gave t0 = %.4g s (<= 0): not determined", v->value);
        return EW_OK;
    }
    v->ok = 1;
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
            has_flops[q->precision] = 1;
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
                X[r * p + (size_t)col_prec[q->precision]] = q->flops;
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
        !(rc = fit_step_overhead(raw, skip, &f, x, t, err)) &&
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
        dyn += p->precision < EW_PREC_COUNT && f->j_per_flop[p->precision].ok
                   ? f->j_per_flop[p->precision].value * F : NAN;
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
