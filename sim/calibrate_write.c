/* calibrate_write.c — the outputs of a calibration fit: the calibration file
 * that models/device/laws.c reads (law,value,units,source, with '#'
 * provenance lines) and the Markdown report of the fit and its
 * leave-one-out check (see calibrate.h). Both are written to a temporary
 * file beside the target and renamed into place, so a failure leaves the
 * previous file untouched.
 */
#include "calibrate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <csv.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* ---- files written whole ------------------------------------------------ */

typedef struct out_file {
    FILE *f;
    const char *path;
    char tmp[4200];
} out_file;

static int out_open(out_file *o, const char *path, ew_error *err)
{
    o->path = path;
    if (snprintf(o->tmp, sizeof o->tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof o->tmp)
        return ew_error_set(err, EW_EIO, "%s: path too long", path);
    if (!(o->f = fopen(o->tmp, "w")))
        return ew_error_set(err, EW_EIO, "%s: cannot write: %s", path, strerror(errno));
    return EW_OK;
}

static int out_commit(out_file *o, ew_error *err)
{
    int bad = ferror(o->f);
    if (fclose(o->f) != 0)
        bad = 1;
    o->f = NULL;
    if (bad) {
        unlink(o->tmp);
        return ew_error_set(err, EW_EIO, "%s: write failed", o->path);
    }
    if (rename(o->tmp, o->path) != 0) {
        int e = errno;
        unlink(o->tmp);
        return ew_error_set(err, EW_EIO, "%s: cannot write: %s", o->path, strerror(e));
    }
    return EW_OK;
}

static void out_abort(out_file *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    unlink(o->tmp);
}

/* ---- provenance ---------------------------------------------------------- */

#define MAX_NAMES 6

typedef struct names {
    size_t n, more;
    char s[MAX_NAMES][96];
    size_t count[MAX_NAMES];
} names;

static void names_add(names *a, const char *s)
{
    for (size_t i = 0; i < a->n; i++)
        if (!strcmp(a->s[i], s)) {
            a->count[i]++;
            return;
        }
    if (a->n == MAX_NAMES) {
        a->more++;
        return;
    }
    snprintf(a->s[a->n], sizeof a->s[a->n], "%s", s[0] ? s : "(empty)");
    a->count[a->n++] = 1;
}

/* "a, b (and 2 more)" or with counts "a (12 rows), b (3 rows)". */
static void names_str(const names *a, int counts, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < a->n && len < n; i++) {
        int w = counts ? snprintf(buf + len, n - len, "%s%s (%zu rows)", i ? ", " : "", a->s[i],
                                  a->count[i])
                       : snprintf(buf + len, n - len, "%s%s", i ? ", " : "", a->s[i]);
        len += w > 0 ? (size_t)w : 0;
    }
    if (a->more && len < n)
        snprintf(buf + len, n - len, " and %zu more", a->more);
    if (!a->n)
        snprintf(buf, n, "unknown");
}

typedef struct range {
    double lo, hi;
} range;

static void range_add(range *r, double v)
{
    if (!isfinite(v))
        return;
    if (!(r->lo <= v))
        r->lo = v;
    if (!(r->hi >= v))
        r->hi = v;
}

static void range_str(const range *r, const char *unit, char *buf, size_t n)
{
    if (!isfinite(r->lo))
        snprintf(buf, n, "not recorded");
    else if (r->lo == r->hi)
        snprintf(buf, n, "%.6g %s", r->lo, unit);
    else
        snprintf(buf, n, "%.6g-%.6g %s", r->lo, r->hi, unit);
}

typedef struct prov {
    names drivers, versions, sources;
    char t_first[40], t_last[40];
    char measured[32];              /* date of the first row, or "unknown" */
    range sm_before, sm_after, mem, temp, limit;
} prov;

/* The date of a timestamp: "YYYY-MM-DD..." as written, or seconds since 1970. */
static void date_of(const char *ts, char *buf, size_t n)
{
    if (strlen(ts) >= 10 && ts[4] == '-' && ts[7] == '-') {
        snprintf(buf, n, "%.10s", ts);
        return;
    }
    char *end;
    double s = strtod(ts, &end);
    if (ts[0] && !*end && s > 0 && s < 1e11) {
        time_t tt = (time_t)s;
        struct tm tm;
        if (gmtime_r(&tt, &tm) && strftime(buf, n, "%Y-%m-%d", &tm))
            return;
    }
    snprintf(buf, n, "unknown");
}

static void prov_collect(const ew_calib_raw *raw, const ew_calib_fit *fit, prov *p)
{
    memset(p, 0, sizeof *p);
    range none = {NAN, NAN};
    p->sm_before = p->sm_after = p->mem = p->temp = p->limit = none;
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *q = &raw->pt[i];
        if (!ew_calib_row_used(fit, q))
            continue;
        names_add(&p->drivers, q->driver);
        names_add(&p->versions, q->version);
        names_add(&p->sources, q->energy_source);
        if (q->timestamp[0]) {
            if (!p->t_first[0] || strcmp(q->timestamp, p->t_first) < 0)
                snprintf(p->t_first, sizeof p->t_first, "%s", q->timestamp);
            if (strcmp(q->timestamp, p->t_last) > 0)
                snprintf(p->t_last, sizeof p->t_last, "%s", q->timestamp);
        }
        range_add(&p->sm_before, q->sm_mhz_before);
        range_add(&p->sm_after, q->sm_mhz_after);
        range_add(&p->mem, q->mem_mhz);
        range_add(&p->temp, q->temp_c_before);
        range_add(&p->temp, q->temp_c_after);
        range_add(&p->limit, q->power_limit_w);
    }
    date_of(p->t_first, p->measured, sizeof p->measured);
}

/* ---- the laws in file order --------------------------------------------- */

static void add_law(ew_calib_law *out, size_t *n, const char *name, const char *units,
                    const ew_calib_value *v)
{
    snprintf(out[*n].name, sizeof out[*n].name, "%s", name);
    out[*n].units = units;
    out[(*n)++].v = v;
}

size_t ew_calib_laws(const ew_calib_fit *f, ew_calib_law *out)
{
    static const ew_precision precs[] = {EW_PREC_FP32, EW_PREC_BF16, EW_PREC_FP8, EW_PREC_INT8,
                                         EW_PREC_INT4};
    size_t n = 0;
    char name[32];
    for (size_t i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "flops_per_s_%s", ew_precision_name(precs[i]));
        add_law(out, &n, name, "FLOP/s", &f->flops_per_s[precs[i]]);
    }
    add_law(out, &n, "bytes_per_s", "B/s", &f->bytes_per_s);
    add_law(out, &n, "step_overhead_s", "s", &f->step_overhead_s);
    add_law(out, &n, "static_w", "W", &f->static_w);
    for (size_t i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "j_per_flop_%s", ew_precision_name(precs[i]));
        add_law(out, &n, name, "J/FLOP", &f->j_per_flop[precs[i]]);
    }
    add_law(out, &n, "j_per_byte", "J/B", &f->j_per_byte);
    add_law(out, &n, "idle_w", "W", &f->idle_w);
    add_law(out, &n, "power_cap_w", "W", &f->power_cap_w);
    return n;
}

int ew_calib_write(const char *path, const ew_calib_raw *raw, const ew_calib_fit *fit,
                   const ew_calib_meta *meta, ew_error *err)
{
    ew_calib_law laws[EW_CALIB_N_LAWS];
    size_t nl = ew_calib_laws(fit, laws), n_ok = 0;
    for (size_t i = 0; i < nl; i++)
        n_ok += laws[i].v->ok != 0;
    if (!n_ok)
        return ew_error_set(err, EW_EINVAL,
                            "%s: no law could be determined from the measurements (%s)",
                            raw->path, fit->flops_per_s[EW_PREC_BF16].method);
    prov p;
    prov_collect(raw, fit, &p);
    out_file o;
    int rc = out_open(&o, path, err);
    if (rc)
        return rc;
    FILE *f = o.f;
    char drv[600], ver[600], src[600], b1[64], b2[64], b3[64], b4[64], b5[64];
    names_str(&p.drivers, 0, drv, sizeof drv);
    names_str(&p.versions, 0, ver, sizeof ver);
    names_str(&p.sources, 1, src, sizeof src);
    range_str(&p.sm_before, "MHz", b1, sizeof b1);
    range_str(&p.sm_after, "MHz", b2, sizeof b2);
    range_str(&p.mem, "MHz", b3, sizeof b3);
    range_str(&p.temp, "C", b4, sizeof b4);
    range_str(&p.limit, "W", b5, sizeof b5);
    fprintf(f, "# %s calibration: device laws fitted to measurements by `edgewatt calibrate fit`"
               " (edgewatt %s)\n", meta && meta->name ? meta->name : fit->device, EW_VERSION);
    fprintf(f, "# fitted: %s; raw file: %s (%zu rows; %zu used: %s kernels and idle of this "
               "device)\n", meta && meta->fit_date ? meta->fit_date : "unknown", raw->path,
            raw->n, fit->n_used, fit->cpu ? "CPU" : "GPU");
    fprintf(f, "# device: %s; driver: %s; measuring program: ew-calib %s\n", fit->device, drv,
            ver);
    fprintf(f, "# measured: %s to %s\n", p.t_first[0] ? p.t_first : "unknown",
            p.t_last[0] ? p.t_last : "unknown");
    fprintf(f, "# clocks seen: SM %s before, %s after each point; memory %s; temperature %s; "
               "power limit %s\n", b1, b2, b3, b4, b5);
    fprintf(f, "# energy: %s\n", src);
    for (size_t i = 0; i < nl; i++)
        if (!laws[i].v->ok)
            fprintf(f, "# not written: %s: %s\n", laws[i].name, laws[i].v->method);
    if (fit->step_overhead_s.ok)
        fprintf(f, "# not written: step_overhead_s: the fit gives the fixed time of one kernel "
                   "call (%.4g s); the simulator's law is per forward step, many kernels, so "
                   "its default stays until a whole step is measured\n",
                fit->step_overhead_s.value);
    fputs("law,value,units,source\n", f);
    for (size_t i = 0; i < nl; i++) {
        const ew_calib_value *v = laws[i].v;
        if (!v->ok || v == &fit->step_overhead_s)
            continue;
        char cell[1200];
        char se[48] = "";
        if (isfinite(v->se) && v->value > 0.0)
            snprintf(se, sizeof se, "; standard error %.2g%%", 100.0 * v->se / v->value);
        snprintf(cell, sizeof cell,
                 "measured %s with ew-calib %s on %s (raw file %s); fitted %s by edgewatt "
                 "calibrate fit: %s%s",
                 p.measured, ver, fit->device, raw->path,
                 meta && meta->fit_date ? meta->fit_date : "unknown", v->method, se);
        fprintf(f, "%s,%.6g,%s,", laws[i].name, v->value, laws[i].units);
        csv_fwrite(f, cell, strlen(cell));   /* quoted, inner quotes doubled */
        fputc('\n', f);
    }
    if (ferror(f)) {
        out_abort(&o);
        return ew_error_set(err, EW_EIO, "%s: write failed", path);
    }
    return out_commit(&o, err);
}

/* ---- the report ---------------------------------------------------------- */

static void shape_str(const ew_calib_point *p, char *buf, size_t n)
{
    double y = p->bytes / p->repetitions;
    switch (p->kernel) {
    case EW_CAL_GEMM:
    case EW_CAL_CPU_GEMM:
        snprintf(buf, n, "M=%g N=%g K=%g", p->m, p->n, p->k);
        break;
    case EW_CAL_GEMV_BATCH:
        snprintf(buf, n, "B=%g N=%g K=%g", p->batch > 0 ? p->batch : p->m, p->n, p->k);
        break;
    case EW_CAL_ATTENTION:
        snprintf(buf, n, "B=%g context=%g", p->batch, p->context);
        break;
    case EW_CAL_IDLE:
        snprintf(buf, n, "%.3g s", p->seconds);
        break;
    default:
        snprintf(buf, n, "%.4g MB/call", y / 1e6);
        break;
    }
}

static void fmt_value(const ew_calib_value *v, const char *units, char *buf, size_t n)
{
    if (!v->ok)
        snprintf(buf, n, "-");
    else if (!strcmp(units, "FLOP/s"))
        snprintf(buf, n, "%.4g TFLOP/s", v->value / 1e12);
    else if (!strcmp(units, "B/s"))
        snprintf(buf, n, "%.4g GB/s", v->value / 1e9);
    else if (!strcmp(units, "J/FLOP"))
        snprintf(buf, n, "%.4g pJ/FLOP", v->value * 1e12);
    else if (!strcmp(units, "J/B"))
        snprintf(buf, n, "%.4g pJ/B", v->value * 1e12);
    else if (!strcmp(units, "s"))
        snprintf(buf, n, "%.4g us", v->value * 1e6);
    else
        snprintf(buf, n, "%.4g %s", v->value, units);
}

static int cmp_shape(const void *a, const void *b)
{
    const ew_calib_point *p = *(const ew_calib_point *const *)a;
    const ew_calib_point *q = *(const ew_calib_point *const *)b;
    if (p->precision != q->precision)
        return p->precision < q->precision ? -1 : 1;
    if (p->m != q->m)
        return p->m < q->m ? -1 : 1;
    if (p->n != q->n)
        return p->n < q->n ? -1 : 1;
    if (p->k != q->k)
        return p->k < q->k ? -1 : 1;
    return p->line < q->line ? -1 : p->line > q->line;
}

static const char *pass(double v, double limit)
{
    return isfinite(v) && v <= limit ? "PASS" : "FAIL";
}

static void report_shapes(FILE *f, const ew_calib_raw *raw, const ew_calib_fit *fit,
                          const ew_calib_point **rows, double *buf)
{
    size_t n = 0;
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *p = &raw->pt[i];
        if (ew_calib_row_used(fit, p) &&
            (p->kernel == EW_CAL_GEMM || p->kernel == EW_CAL_CPU_GEMM) && p->flops > 0.0)
            rows[n++] = p;
    }
    fputs("\n## GEMM rate against shape\n\n", f);
    if (!n) {
        fputs("No GEMM rows.\n", f);
        return;
    }
    qsort(rows, n, sizeof *rows, cmp_shape);
    fputs("laws.c has one rate per precision (the fitted R above); the "
          "achieved rate FLOPs/seconds depends on the shape, most of all on M (tokens):\n\n"
          "| precision | M | shapes | median TFLOP/s | min | max | median / R |\n"
          "|---|---:|---:|---:|---:|---:|---:|\n", f);
    for (size_t i = 0; i < n;) {
        size_t j = i, m = 0;
        while (j < n && rows[j]->precision == rows[i]->precision && rows[j]->m == rows[i]->m) {
            buf[m++] = rows[j]->flops / rows[j]->seconds;
            j++;
        }
        gsl_sort(buf, 1, m);
        double med = gsl_stats_median_from_sorted_data(buf, 1, m);
        const ew_calib_value *r = rows[i]->precision < EW_PREC_COUNT
                                      ? &fit->flops_per_s[rows[i]->precision] : NULL;
        char frac[32] = "-";
        if (r && r->ok)
            snprintf(frac, sizeof frac, "%.3f", med / r->value);
        fprintf(f, "| %s | %g | %zu | %.4g | %.4g | %.4g | %s |\n",
                r ? ew_precision_name(rows[i]->precision) : rows[i]->precision_name, rows[i]->m,
                m, med / 1e12, buf[0] / 1e12, buf[m - 1] / 1e12, frac);
        i = j;
    }
    fputs("\nEach GEMM row:\n\n| line | precision (as run) | shape | time per call [us] | "
          "TFLOP/s |\n|---:|---|---|---:|---:|\n", f);
    for (size_t i = 0; i < n; i++) {
        char s[96];
        shape_str(rows[i], s, sizeof s);
        fprintf(f, "| %d | %s | %s | %.4g | %.4g |\n", rows[i]->line, rows[i]->precision_name, s,
                1e6 * rows[i]->seconds / rows[i]->repetitions,
                rows[i]->flops / rows[i]->seconds / 1e12);
    }
}

static void report_streams(FILE *f, const ew_calib_raw *raw, const ew_calib_fit *fit)
{
    fputs("\n## Bandwidth rows\n\n| line | kernel | size | time per call [us] | GB/s | of "
          "bytes_per_s |\n|---:|---|---|---:|---:|---:|\n", f);
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *p = &raw->pt[i];
        if (!ew_calib_row_used(fit, p) || !(p->kernel == EW_CAL_STREAM_READ ||
                                            p->kernel == EW_CAL_STREAM_COPY ||
                                            p->kernel == EW_CAL_CPU_TRIAD))
            continue;
        char s[96], frac[32] = "-";
        shape_str(p, s, sizeof s);
        double bw = p->bytes / p->seconds;
        if (fit->bytes_per_s.ok)
            snprintf(frac, sizeof frac, "%.3f", bw / fit->bytes_per_s.value);
        fprintf(f, "| %d | %s | %s | %.4g | %.4g | %s |\n", p->line,
                ew_calib_kernel_name(p->kernel), s, 1e6 * p->seconds / p->repetitions, bw / 1e9,
                frac);
    }
}

static void report_energy(FILE *f, const ew_calib_raw *raw, const ew_calib_fit *fit)
{
    fputs("\n## Energy regression\n\n", f);
    if (!isfinite(fit->energy_r2) && !fit->static_w.ok) {
        fprintf(f, "Not fitted: %s.\n", fit->static_w.method);
        return;
    }
    fprintf(f, "J = P_s*seconds + sum_p e_p*FLOPs_p + e_b*bytes over %zu kernel rows with "
               "measured energy, %zu parameters, no intercept, weights 1/J^2 "
               "(gsl_multifit_linear on rows divided by J). R^2 of joules (unweighted) %.6f; "
               "relative residuals rms %.3g%%, worst %.3g%%.\n\n"
               "| line | kernel | precision | shape | seconds | J measured | J fitted | "
               "residual |\n|---:|---|---|---|---:|---:|---:|---:|\n",
            fit->energy_n, fit->energy_p, fit->energy_r2, 100.0 * fit->energy_rel_rms,
            100.0 * fit->energy_rel_max);
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *p = &raw->pt[i];
        if (!ew_calib_row_used(fit, p) || p->kernel == EW_CAL_IDLE || !isfinite(p->joules) ||
            !(p->joules > 0.0))
            continue;
        double t, e, s;
        ew_calib_predict(fit, p, &t, &e, &s);
        char sh[96];
        shape_str(p, sh, sizeof sh);
        fprintf(f, "| %d | %s | %s | %s | %.4g | %.5g | %.5g | %+.2f%% |\n", p->line,
                ew_calib_kernel_name(p->kernel), p->precision_name, sh, p->seconds, p->joules, e,
                100.0 * (e - p->joules) / p->joules);
    }
}

static void report_cap(FILE *f, const ew_calib_raw *raw, const ew_calib_fit *fit)
{
    fputs("\n## Power cap\n\n", f);
    if (!fit->power_cap_w.ok) {
        fprintf(f, "Not determined: %s.\n", fit->power_cap_w.method);
        return;
    }
    fprintf(f, "Limit %.4g W. %zu kernel rows drew within 3%% of it on average (at the cap the "
               "device slows down instead of drawing more; the simulator's roofline has the "
               "same third term).\n", fit->power_cap_w.value, fit->cap_n_at);
    if (!fit->cap_n_at)
        return;
    fputs("\n| line | kernel | shape | avg W | SM MHz before | SM MHz after |\n"
          "|---:|---|---|---:|---:|---:|\n", f);
    for (size_t i = 0; i < raw->n; i++) {
        const ew_calib_point *p = &raw->pt[i];
        if (!ew_calib_row_used(fit, p) || p->kernel == EW_CAL_IDLE || !isfinite(p->avg_w) ||
            p->avg_w < 0.97 * fit->power_cap_w.value)
            continue;
        char sh[96];
        shape_str(p, sh, sizeof sh);
        fprintf(f, "| %d | %s | %s | %.4g | %.5g | %.5g |\n", p->line,
                ew_calib_kernel_name(p->kernel), sh, p->avg_w, p->sm_mhz_before,
                p->sm_mhz_after);
    }
}

static void pct(double v, char *buf, size_t n)
{
    if (isfinite(v))
        snprintf(buf, n, "%+.2f%%", 100.0 * v);
    else
        snprintf(buf, n, "n/a");
}

static void report_loo(FILE *f, const ew_calib_raw *raw, const ew_calib_fit *fit,
                       const ew_calib_loo *l)
{
    fputs("\n## Leave-one-out check\n\n", f);
    if (!l) {
        fputs("Not run.\n", f);
        return;
    }
    fprintf(f,
            "Each kernel row in turn is left out, every law is refitted to the others, and the "
            "row is predicted. Time per call: t0 + max(F/R_p, Y/BW_c, (e_p*F + e_b*Y)/(cap - "
            "P_s)), the simulator's roofline (models/inference/cost.c) with the kernel call's "
            "t0 and each kernel class's bandwidth. "
            "Energy: P_s*seconds + e_p*FLOPs + e_b*bytes at the measured seconds (the energy "
            "law alone); 'energy at predicted time' uses the predicted time instead, as the "
            "simulator does. Acceptance (issue 4, on the H100): median <= %.0f%%, worst <= "
            "%.0f%%.\n\n",
            100.0 * EW_CALIB_LOO_MEDIAN, 100.0 * EW_CALIB_LOO_WORST);
    fputs("| | points | median abs. error | worst | median <= 10% | worst <= 25% |\n"
          "|---|---:|---:|---:|---|---|\n", f);
    const struct { const char *name; size_t n; double med, worst; int acceptance; } s[] = {
        {"time", l->n_time, l->time_median, l->time_worst, 1},
        {"energy", l->n_energy, l->energy_median, l->energy_worst, 1},
        {"energy at predicted time", l->n_sim, l->sim_median, l->sim_worst, 0},
    };
    for (size_t i = 0; i < 3; i++) {
        char a[32], b[32];
        pct(s[i].med, a, sizeof a);
        pct(s[i].worst, b, sizeof b);
        fprintf(f, "| %s | %zu | %s | %s | %s | %s |\n", s[i].name, s[i].n, a + (a[0] == '+'),
                b + (b[0] == '+'), s[i].acceptance ? pass(s[i].med, EW_CALIB_LOO_MEDIAN) : "(info)",
                s[i].acceptance ? pass(s[i].worst, EW_CALIB_LOO_WORST) : "(info)");
    }
    if (fit->cpu)
        fputs("\nThe CPU rows sweep thread counts (batch column) and sizes; the laws hold the "
              "best rate, so rows at other thread counts run slower than predicted. The "
              "acceptance is for GPU data.\n", f);
    if (l->n_time < l->n || (l->n_energy < l->n && fit->static_w.ok))
        fprintf(f, "\n%zu of %zu rows could not be predicted in time and %zu in energy: left "
                   "out, a law they need rests on them alone (or energy was not measured).\n",
                l->n - l->n_time, l->n, l->n - l->n_energy);
    fputs("\n| line | kernel | precision | shape | t measured [us] | t predicted [us] | error | "
          "J measured | J predicted | error | J at predicted t: error |\n"
          "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n", f);
    for (size_t i = 0; i < l->n; i++) {
        const ew_calib_loo_point *q = &l->pt[i];
        const ew_calib_point *p = &raw->pt[q->row];
        char sh[96], e1[32], e2[32], e3[32];
        shape_str(p, sh, sizeof sh);
        pct(q->time_err, e1, sizeof e1);
        pct(q->energy_err, e2, sizeof e2);
        pct(q->sim_err, e3, sizeof e3);
        fprintf(f, "| %d | %s | %s | %s | %.4g | %.4g | %s | %.5g | %.5g | %s | %s |\n", p->line,
                ew_calib_kernel_name(p->kernel), p->precision_name, sh,
                1e6 * p->seconds / p->repetitions, 1e6 * q->time_s, e1, p->joules, q->energy_j,
                e2, e3);
    }
}

int ew_calib_report_write(const char *path, const ew_calib_raw *raw, const ew_calib_fit *fit,
                          const ew_calib_loo *loo, const ew_calib_meta *meta, ew_error *err)
{
    const ew_calib_point **rows = malloc((raw->n + 1) * sizeof *rows);
    double *buf = malloc((raw->n + 1) * sizeof *buf);
    if (!rows || !buf) {
        free(rows);
        free(buf);
        return ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
    }
    out_file o;
    int rc = out_open(&o, path, err);
    if (rc) {
        free(rows);
        free(buf);
        return rc;
    }
    FILE *f = o.f;
    prov p;
    prov_collect(raw, fit, &p);
    char drv[600], ver[600], src[600], b1[64], b2[64], b3[64], b4[64], b5[64];
    names_str(&p.drivers, 0, drv, sizeof drv);
    names_str(&p.versions, 0, ver, sizeof ver);
    names_str(&p.sources, 1, src, sizeof src);
    range_str(&p.sm_before, "MHz", b1, sizeof b1);
    range_str(&p.sm_after, "MHz", b2, sizeof b2);
    range_str(&p.mem, "MHz", b3, sizeof b3);
    range_str(&p.temp, "C", b4, sizeof b4);
    range_str(&p.limit, "W", b5, sizeof b5);

    fprintf(f, "# Calibration fit: %s\n\n", meta && meta->name ? meta->name : fit->device);
    fprintf(f, "- raw file: `%s` (%zu rows; %zu used: the %s kernels and idle rows of \"%s\"; "
               "%zu left out)\n", raw->path, raw->n, fit->n_used, fit->cpu ? "CPU" : "GPU",
            fit->device, fit->n_other);
    fprintf(f, "- measured: %s to %s with ew-calib %s; driver %s\n",
            p.t_first[0] ? p.t_first : "unknown", p.t_last[0] ? p.t_last : "unknown", ver, drv);
    fprintf(f, "- clocks: SM %s before and %s after each point; memory %s; temperature %s; "
               "power limit %s\n", b1, b2, b3, b4, b5);
    fprintf(f, "- energy: %s\n", src);
    fprintf(f, "- fitted: %s by edgewatt %s (`edgewatt calibrate fit`)\n",
            meta && meta->fit_date ? meta->fit_date : "unknown", EW_VERSION);

    ew_calib_law laws[EW_CALIB_N_LAWS];
    size_t nl = ew_calib_laws(fit, laws);
    fputs("\n## Laws\n\n| law | value | SI value | units | standard error | rows | fit rms | "
          "fit worst | method |\n|---|---:|---:|---|---:|---:|---:|---:|---|\n", f);
    for (size_t i = 0; i < nl; i++) {
        const ew_calib_value *v = laws[i].v;
        if (!v->ok)
            continue;
        char val[48], se[32] = "-", rms[32] = "-", mx[32] = "-";
        fmt_value(v, laws[i].units, val, sizeof val);
        if (isfinite(v->se) && v->value > 0.0)
            snprintf(se, sizeof se, "%.2g%%", 100.0 * v->se / v->value);
        if (isfinite(v->rel_rms))
            snprintf(rms, sizeof rms, "%.2g%%", 100.0 * v->rel_rms);
        if (isfinite(v->rel_max))
            snprintf(mx, sizeof mx, "%.2g%%", 100.0 * v->rel_max);
        fprintf(f, "| %s | %s | %.6g | %s | %s | %zu | %s | %s | %s |\n", laws[i].name, val,
                v->value, laws[i].units, se, v->n, rms, mx, v->method);
    }
    fputs("\nNot written (the simulator keeps the datasheet default for these):\n\n", f);
    for (size_t i = 0; i < nl; i++)
        if (!laws[i].v->ok)
            fprintf(f, "- `%s`: %s\n", laws[i].name, laws[i].v->method);
    if (fit->step_overhead_s.ok)
        fprintf(f, "\nThe fitted overhead (%.4g s) is the fixed time of one kernel call "
                   "(launch and synchronisation); laws.c's step_overhead_s is per forward step, "
                   "which issues many kernels (fewer and cheaper inside a CUDA graph), so it is "
                   "not written to the calibration file and the default stays.\n",
                fit->step_overhead_s.value);
    if (!fit->cpu && isfinite(fit->time_rel_rms))
        fprintf(f, "\nKernel times: one fit of t = t0 + max(F/R_p, Y/BW_c) over %zu rows "
                   "(relative residuals rms %.3g%%, worst %.3g%%; %zu rounds of "
                   "reassigning each row to the term it is bound by, %s).\n",
                fit->time_n, 100.0 * fit->time_rel_rms, 100.0 * fit->time_rel_max,
                fit->time_rounds, fit->time_converged ? "settled" : "not settled: best kept");
    if (!fit->cpu) {
        fputs("\n## Kernel classes\n\nAchieved bandwidth of each kernel class in the time "
              "fit. `bytes_per_s` above is the GEMM class's (weights streamed by matrix "
              "products at small M, as in decoding), or the streams' where no GEMM is bound by "
              "its bytes. gemv_batch and attention are written here (calib/gpu_kernels.cu) and "
              "compute in fp32 on the CUDA cores: their FLOPs count under fp32.\n\n"
              "| class | GB/s | of streams | standard error | rows bound by bytes | method |\n"
              "|---|---:|---:|---:|---:|---|\n", f);
        const ew_calib_value *st = &fit->class_bw[EW_CAL_BW_STREAM];
        for (int c = 0; c < EW_CAL_BW_COUNT; c++) {
            const ew_calib_value *v = &fit->class_bw[c];
            if (!v->ok) {
                fprintf(f, "| %s | - | - | - | - | %s |\n",
                        ew_calib_bw_class_name((ew_calib_bw_class)c), v->method);
                continue;
            }
            char frac[32] = "-", se[32] = "-";
            if (st->ok)
                snprintf(frac, sizeof frac, "%.3f", v->value / st->value);
            if (isfinite(v->se))
                snprintf(se, sizeof se, "%.2g%%", 100.0 * v->se / v->value);
            fprintf(f, "| %s | %.5g | %s | %s | %zu | %s |\n",
                    ew_calib_bw_class_name((ew_calib_bw_class)c), v->value / 1e9, frac, se, v->n,
                    v->method);
        }
    }
    fputs("\nfp16 rows count as bf16: laws.c has one rate and one energy per FLOP for both.\n",
          f);

    report_shapes(f, raw, fit, rows, buf);
    report_streams(f, raw, fit);
    report_energy(f, raw, fit);
    if (fit->idle_w.ok)
        fprintf(f, "\n## Idle\n\n%.4g W: %s.\n", fit->idle_w.value, fit->idle_w.method);
    report_cap(f, raw, fit);
    report_loo(f, raw, fit, loo);
    free(rows);
    free(buf);
    if (ferror(f)) {
        out_abort(&o);
        return ew_error_set(err, EW_EIO, "%s: write failed", path);
    }
    return out_commit(&o, err);
}
