/* laws.c — the time and energy laws of a device (see device.h).
 *
 * Defaults, from the device's family row in <data_dir>/device_defaults.csv
 * applied to its datasheet row in devices.csv (units SI):
 *   flops_per_s[p]  = peak_flops[p] × gemm_efficiency        [FLOP/s]
 *   bytes_per_s     = memory bandwidth × bandwidth_efficiency [B/s]
 *   static_w        = max(static_fraction × TDP, idle_w)       [W]
 *   j_per_flop[p]   = (TDP − static_w) / flops_per_s[p]        [J/FLOP]
 *                     (a compute-bound kernel at full rate draws about TDP)
 *   j_per_byte      = max(0, memory_power_fraction × TDP − static_w) / bytes_per_s
 *                     (a memory-bound kernel at full bandwidth draws that
 *                     fraction of TDP)                          [J/B]
 *   power_cap_w     = TDP;  idle_w = idle_w of the datasheet row  [W]
 *   step_overhead_s = step_overhead_us × 1e-6                  [s]
 *   link_bytes_per_s = link_gbs × 1e9 × link_efficiency        [B/s]
 *   link_latency_s  = link_latency_us × 1e-6 (per all-reduce)  [s]
 * A precision the device does not support (peak 0) gets rate 0 and 0 J/FLOP.
 * The sources of each family's numbers are in the CSV itself.
 *
 * Calibration: when <data_dir>/calibration/<device name>.csv exists, each of
 * its rows replaces one law; laws it does not name keep the default above
 * (they are not re-derived from the calibrated ones). Format: CSV with the
 * header `law,value,units,source`, '#' comment lines allowed, one row per law:
 *   law                         units
 *   flops_per_s_<p>             FLOP/s   p = fp32, bf16, fp8, int8, int4
 *   j_per_flop_<p>              J/FLOP
 *   bytes_per_s                 B/s
 *   j_per_byte                  J/B
 *   static_w, idle_w, power_cap_w   W
 *   step_overhead_s, link_latency_s s
 *   link_bytes_per_s            B/s
 * The units cell must be exactly as above (a guard against a value written
 * in the wrong unit), value a number >= 0 (> 0 for bytes_per_s and
 * power_cap_w), source non-empty (the measurement: tool, date, conditions);
 * an unknown law or one named twice is refused. `origin` says which file
 * and how many laws it set.
 */
#include "device.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "csvtable.h"

typedef struct family_defaults {
    double gemm_eff, bw_eff, static_frac, mem_power_frac, step_us, link_eff, link_lat_us;
} family_defaults;

enum { F_FAMILY, F_GEMM, F_BW, F_STATIC, F_MEMP, F_STEP, F_LINK, F_LAT, F_SOURCE, F_COUNT };
static const char *const fcols[F_COUNT] = {
    "family", "gemm_efficiency", "bandwidth_efficiency", "static_fraction",
    "memory_power_fraction", "step_overhead_us", "link_efficiency", "link_latency_us",
    "source"};

/* A fraction in [lo, 1]; lo > 0 means strictly positive. */
static int fraction(const ew_csv_table *t, size_t r, int c, int positive, double *out,
                    ew_error *err)
{
    const char *expect = positive ? "a number in (0, 1]" : "a number in [0, 1]";
    int rc = ew_csv_number(t, r, c, 0, 0.0, 0.0, expect, out, err);
    if (rc == EW_OK && (*out > 1.0 || (positive && *out <= 0.0)))
        rc = ew_csv_cell_error(t, r, c, expect, err);
    return rc;
}

static int read_family(const char *path, const char *family, const char *device,
                       family_defaults *f, ew_error *err)
{
    ew_csv_table *t = NULL;
    int rc = ew_csv_table_read(path, &t, err);
    if (rc != EW_OK)
        return rc;
    int ix[F_COUNT];
    if ((rc = ew_csv_require(t, fcols, F_COUNT, ix, err)) != EW_OK)
        goto done;
    int found = -1;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *name = t->cells[r][ix[F_FAMILY]];
        family_defaults v;
        if (!name[0]) {
            rc = ew_csv_cell_error(t, r, ix[F_FAMILY], "a family name", err);
            goto done;
        }
        if (!t->cells[r][ix[F_SOURCE]][0]) {
            rc = ew_csv_cell_error(t, r, ix[F_SOURCE], "the source of the row's figures", err);
            goto done;
        }
        for (size_t j = 0; j < r; j++)
            if (strcmp(t->cells[j][ix[F_FAMILY]], name) == 0) {
                rc = ew_error_set(err, EW_EINVAL,
                                  "%s:%d:%d: family: expected a unique name, got \"%s\" "
                                  "(already on line %d)",
                                  path, t->lines[r], ix[F_FAMILY] + 1, name, t->lines[j]);
                goto done;
            }
        /* every row is checked, not only the one asked for */
        if ((rc = fraction(t, r, ix[F_GEMM], 1, &v.gemm_eff, err)) ||
            (rc = fraction(t, r, ix[F_BW], 1, &v.bw_eff, err)) ||
            (rc = fraction(t, r, ix[F_STATIC], 0, &v.static_frac, err)) ||
            (rc = fraction(t, r, ix[F_MEMP], 0, &v.mem_power_frac, err)) ||
            (rc = ew_csv_number(t, r, ix[F_STEP], 0, 0.0, 0.0, "a number >= 0 [us]",
                                &v.step_us, err)) ||
            (rc = fraction(t, r, ix[F_LINK], 0, &v.link_eff, err)) ||
            (rc = ew_csv_number(t, r, ix[F_LAT], 0, 0.0, 0.0, "a number >= 0 [us]",
                                &v.link_lat_us, err)))
            goto done;
        if (strcmp(name, family) == 0) {
            found = (int)r;
            *f = v;
        }
    }
    if (found < 0)
        rc = ew_error_set(err, EW_EINVAL,
                          "%s:%d:%d: family: expected a row for \"%s\" (family of device "
                          "\"%s\"), got none",
                          path, t->header_line, ix[F_FAMILY] + 1, family, device);
done:
    ew_csv_table_free(t);
    return rc;
}

static void apply_defaults(const ew_device *d, const family_defaults *f, ew_device_laws *L)
{
    memset(L, 0, sizeof *L);
    L->idle_w = d->idle_w;
    L->static_w = f->static_frac * d->tdp_w;
    if (L->static_w < d->idle_w)
        L->static_w = d->idle_w;
    L->power_cap_w = d->tdp_w;
    double dyn_w = d->tdp_w - L->static_w;
    for (int p = 0; p < EW_PREC_COUNT; p++) {
        L->flops_per_s[p] = d->peak_flops[p] * f->gemm_eff;
        L->j_per_flop[p] = L->flops_per_s[p] > 0.0 ? dyn_w / L->flops_per_s[p] : 0.0;
    }
    L->bytes_per_s = d->mem_bw_bytes_per_s * f->bw_eff;
    double mem_w = f->mem_power_frac * d->tdp_w - L->static_w;
    L->j_per_byte = mem_w > 0.0 && L->bytes_per_s > 0.0 ? mem_w / L->bytes_per_s : 0.0;
    L->step_overhead_s = f->step_us * 1e-6;
    L->link_bytes_per_s = d->link_bytes_per_s * f->link_eff;
    L->link_latency_s = f->link_lat_us * 1e-6;
}

/* The calibration laws: name, unit, where the value goes. */
typedef struct law {
    char name[24];
    const char *units;
    double *slot;
    int positive;
} law;

static size_t law_table(ew_device_laws *L, law *tab)
{
    size_t n = 0;
    for (int p = 0; p < EW_PREC_COUNT; p++) {
        snprintf(tab[n].name, sizeof tab[n].name, "flops_per_s_%s",
                 ew_precision_name((ew_precision)p));
        tab[n].units = "FLOP/s";
        tab[n].slot = &L->flops_per_s[p];
        tab[n++].positive = 0;
        snprintf(tab[n].name, sizeof tab[n].name, "j_per_flop_%s",
                 ew_precision_name((ew_precision)p));
        tab[n].units = "J/FLOP";
        tab[n].slot = &L->j_per_flop[p];
        tab[n++].positive = 0;
    }
    const struct { const char *name, *units; double *slot; int positive; } rest[] = {
        {"bytes_per_s", "B/s", &L->bytes_per_s, 1},
        {"j_per_byte", "J/B", &L->j_per_byte, 0},
        {"static_w", "W", &L->static_w, 0},
        {"idle_w", "W", &L->idle_w, 0},
        {"power_cap_w", "W", &L->power_cap_w, 1},
        {"step_overhead_s", "s", &L->step_overhead_s, 0},
        {"link_bytes_per_s", "B/s", &L->link_bytes_per_s, 0},
        {"link_latency_s", "s", &L->link_latency_s, 0},
    };
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++) {
        snprintf(tab[n].name, sizeof tab[n].name, "%s", rest[i].name);
        tab[n].units = rest[i].units;
        tab[n].slot = rest[i].slot;
        tab[n++].positive = rest[i].positive;
    }
    return n;
}

#define MAX_LAWS (2 * EW_PREC_COUNT + 8)

static int apply_calibration(const char *path, ew_device_laws *L, int *n_set, ew_error *err)
{
    ew_csv_table *t = NULL;
    int rc = ew_csv_table_read(path, &t, err);
    if (rc != EW_OK)
        return rc;
    static const char *const ccols[] = {"law", "value", "units", "source"};
    int ix[4];
    law tab[MAX_LAWS];
    int seen[MAX_LAWS] = {0};
    size_t nlaw = law_table(L, tab);
    *n_set = 0;
    if ((rc = ew_csv_require(t, ccols, 4, ix, err)) != EW_OK)
        goto done;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *name = t->cells[r][ix[0]];
        size_t k = 0;
        while (k < nlaw && strcmp(tab[k].name, name) != 0)
            k++;
        if (k == nlaw) {
            rc = ew_csv_cell_error(t, r, ix[0],
                                   "a law of ew_device_laws (flops_per_s_<precision>, "
                                   "j_per_flop_<precision>, bytes_per_s, j_per_byte, static_w, "
                                   "idle_w, power_cap_w, step_overhead_s, link_bytes_per_s, "
                                   "link_latency_s)",
                                   err);
            goto done;
        }
        if (seen[k]) {
            rc = ew_error_set(err, EW_EINVAL, "%s:%d:%d: law: \"%s\" given twice (first on line %d)",
                              path, t->lines[r], ix[0] + 1, name, t->lines[seen[k] - 1]);
            goto done;
        }
        if (strcmp(t->cells[r][ix[2]], tab[k].units) != 0) {
            char expect[48];
            snprintf(expect, sizeof expect, "\"%s\" for %s", tab[k].units, tab[k].name);
            rc = ew_csv_cell_error(t, r, ix[2], expect, err);
            goto done;
        }
        if (!t->cells[r][ix[3]][0]) {
            rc = ew_csv_cell_error(t, r, ix[3], "the source of the measurement", err);
            goto done;
        }
        double v;
        const char *expect = tab[k].positive ? "a number > 0" : "a number >= 0";
        if ((rc = ew_csv_number(t, r, ix[1], 0, 0.0, 0.0, expect, &v, err)) != EW_OK)
            goto done;
        if (tab[k].positive && v <= 0.0) {
            rc = ew_csv_cell_error(t, r, ix[1], expect, err);
            goto done;
        }
        *tab[k].slot = v;
        seen[k] = (int)r + 1;
        (*n_set)++;
    }
done:
    ew_csv_table_free(t);
    return rc;
}

int ew_device_laws_get(const ew_device *d, const char *data_dir, ew_device_laws *out,
                       ew_error *err)
{
    if (!data_dir)
        data_dir = "data";
    char path[1024];
    if (snprintf(path, sizeof path, "%s/device_defaults.csv", data_dir) >= (int)sizeof path)
        return ew_error_set(err, EW_EINVAL, "%s: data directory path too long", data_dir);
    family_defaults f = {0};
    int rc = read_family(path, d->family, d->name, &f, err);
    if (rc != EW_OK)
        return rc;
    ew_device_laws L;
    apply_defaults(d, &f, &L);
    int n = snprintf(L.origin, sizeof L.origin, "datasheet defaults (family %s, %s)", d->family,
                     path);
    if (n < 0 || (size_t)n >= sizeof L.origin)
        L.origin[sizeof L.origin - 1] = '\0';

    if (snprintf(path, sizeof path, "%s/calibration/%s.csv", data_dir, d->name) >=
        (int)sizeof path)
        return ew_error_set(err, EW_EINVAL, "%s: data directory path too long", data_dir);
    if (access(path, F_OK) == 0) {
        int n_set = 0;
        if ((rc = apply_calibration(path, &L, &n_set, err)) != EW_OK)
            return rc;
        n = snprintf(L.origin, sizeof L.origin,
                     "calibration %s (%d of %d laws; others: datasheet defaults, family %s)",
                     path, n_set, MAX_LAWS, d->family);
        if (n < 0 || (size_t)n >= sizeof L.origin)
            L.origin[sizeof L.origin - 1] = '\0';
    } else if (errno != ENOENT) {
        return ew_error_set(err, EW_EIO, "%s: cannot check: %s", path, strerror(errno));
    }
    *out = L;
    return EW_OK;
}
