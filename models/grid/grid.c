/* grid.c — grid zones, hour-of-day carbon profiles, prices and water
 * (data/grid/, see grid.h).
 *
 * Exact mean of a piecewise-constant profile: in local hours x = t/3600 +
 * utc_offset_h the intensity is v[floor(x) mod 24], so its integral from 0
 * to x is F(x) = floor(x/24)·S + Σ_{h<⌊y⌋} v[h] + (y - ⌊y⌋)·v[⌊y⌋] with
 * y = x mod 24 and S the sum of the 24 values; the mean over [x0, x1] is
 * (F(x1) - F(x0)) / (x1 - x0). Whole days are taken off both ends first so
 * the subtraction stays small.
 */
#include "grid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../device/csvtable.h"

struct ew_grid {
    size_t n;
    ew_grid_zone *z;
};

/* dir + "/" + name in a fresh buffer (NULL when out of memory). */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int read_table(const char *dir, const char *name, const char *const *cols, size_t ncols,
                      int *ix, ew_csv_table **t, ew_error *err)
{
    *t = NULL;
    char *path = join(dir, name);
    if (!path)
        return ew_error_set(err, EW_ENOMEM, "%s/%s: out of memory", dir, name);
    int rc = ew_csv_table_read(path, t, err);
    free(path);
    if (rc == EW_OK && (rc = ew_csv_require(*t, cols, ncols, ix, err)) != EW_OK) {
        ew_csv_table_free(*t);
        *t = NULL;
    }
    return rc;
}

static int need_source(const ew_csv_table *t, size_t r, int col, ew_error *err)
{
    if (!t->cells[r][col][0])
        return ew_csv_cell_error(t, r, col, "the source of the row's figures", err);
    return EW_OK;
}

/* An integer in [lo, hi] written as a plain number. */
static int integer_in(const ew_csv_table *t, size_t r, int col, int lo, int hi, const char *expect,
                      int *out, ew_error *err)
{
    double v;
    int rc = ew_csv_number(t, r, col, 0, 0.0, (double)lo, expect, &v, err);
    if (rc != EW_OK)
        return rc;
    if (v > (double)hi || v != floor(v))
        return ew_csv_cell_error(t, r, col, expect, err);
    *out = (int)v;
    return EW_OK;
}

/* Zone index of the cell, or an error naming the expectation. */
static int zone_of(const ew_grid *g, const ew_csv_table *t, size_t r, int col, int *zi,
                   ew_error *err)
{
    *zi = ew_grid_find(g, t->cells[r][col]);
    if (*zi < 0)
        return ew_csv_cell_error(t, r, col, "a zone of zones.csv", err);
    return EW_OK;
}

/* ---- zones.csv ---------------------------------------------------------- */

enum { Z_ZONE, Z_NAME, Z_OFFSET, Z_CARBON, Z_SOURCE, Z_COUNT };
static const char *const zone_cols[Z_COUNT] = {"zone", "name", "utc_offset_h",
                                               "carbon_g_per_kwh", "source"};

static int load_zones(const char *dir, ew_grid *g, ew_error *err)
{
    ew_csv_table *t;
    int ix[Z_COUNT];
    int rc = read_table(dir, "zones.csv", zone_cols, Z_COUNT, ix, &t, err);
    if (rc != EW_OK)
        return rc;
    if (t->nrows == 0) {
        rc = ew_error_set(err, EW_EINVAL, "%s:%d:1: zones: expected at least one row, got none",
                          t->path, t->header_line);
        goto done;
    }
    g->z = calloc(t->nrows, sizeof *g->z);
    if (!g->z) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", t->path);
        goto done;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        ew_grid_zone *z = &g->z[r];
        if ((rc = ew_csv_string(t, r, ix[Z_ZONE], 0, z->zone, sizeof z->zone, err)) ||
            (rc = ew_csv_string(t, r, ix[Z_NAME], 0, z->name, sizeof z->name, err)) ||
            (rc = need_source(t, r, ix[Z_SOURCE], err)) ||
            (rc = ew_csv_number(t, r, ix[Z_OFFSET], 0, 0.0, -12.0,
                                "an offset in [-12, 14] [h]", &z->utc_offset_h, err)) ||
            (rc = ew_csv_number(t, r, ix[Z_CARBON], 0, 0.0, 0.0, "a number >= 0 [gCO2e/kWh]",
                                &z->carbon_g_per_kwh, err)))
            goto done;
        if (z->utc_offset_h > 14.0) {
            rc = ew_csv_cell_error(t, r, ix[Z_OFFSET], "an offset in [-12, 14] [h]", err);
            goto done;
        }
        if (ew_grid_find(g, z->zone) >= 0) {
            rc = ew_error_set(err, EW_EINVAL,
                              "%s:%d:%d: zone: expected a unique zone, got \"%s\" (already on "
                              "line %d)",
                              t->path, t->lines[r], ix[Z_ZONE] + 1, z->zone,
                              t->lines[ew_grid_find(g, z->zone)]);
            goto done;
        }
        for (int m = 0; m < EW_GRID_MONTHS; m++)
            for (int h = 0; h < 24; h++)
                z->carbon_hourly[m][h] = z->carbon_g_per_kwh;
        z->price_residential_usd_per_kwh = NAN;
        z->price_industrial_usd_per_kwh = NAN;
        z->water_l_per_kwh = NAN;
        g->n++;
    }
done:
    ew_csv_table_free(t);
    return rc;
}

/* ---- profiles.csv ------------------------------------------------------- */

enum { P_ZONE, P_MONTH, P_HOUR, P_CARBON, P_SOURCE, P_COUNT };
static const char *const prof_cols[P_COUNT] = {"zone", "month", "hour", "carbon_g_per_kwh",
                                               "source"};

static int load_profiles(const char *dir, ew_grid *g, ew_error *err)
{
    ew_csv_table *t;
    int ix[P_COUNT];
    int rc = read_table(dir, "profiles.csv", prof_cols, P_COUNT, ix, &t, err);
    if (rc != EW_OK)
        return rc;
    /* row index that gave each (zone, month, hour), -1 for none */
    size_t cells = g->n * EW_GRID_MONTHS * 24;
    long *seen = malloc(cells * sizeof *seen);
    if (!seen) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", t->path);
        goto done;
    }
    for (size_t i = 0; i < cells; i++)
        seen[i] = -1;
    for (size_t r = 0; r < t->nrows; r++) {
        int zi, m, h;
        double v;
        if ((rc = zone_of(g, t, r, ix[P_ZONE], &zi, err)) ||
            (rc = integer_in(t, r, ix[P_MONTH], 0, 12, "a month 0..12 (0: all year)", &m,
                             err)) ||
            (rc = integer_in(t, r, ix[P_HOUR], 0, 23, "a local hour 0..23", &h, err)) ||
            (rc = ew_csv_number(t, r, ix[P_CARBON], 0, 0.0, 0.0, "a number >= 0 [gCO2e/kWh]",
                                &v, err)) ||
            (rc = need_source(t, r, ix[P_SOURCE], err)))
            goto done;
        size_t k = ((size_t)zi * EW_GRID_MONTHS + (size_t)m) * 24 + (size_t)h;
        if (seen[k] >= 0) {
            rc = ew_error_set(err, EW_EINVAL,
                              "%s:%d:%d: hour: expected a unique (zone, month, hour), got hour "
                              "%d of zone \"%s\" month %d again (already on line %d)",
                              t->path, t->lines[r], ix[P_HOUR] + 1, h, g->z[zi].zone, m,
                              t->lines[seen[k]]);
            goto done;
        }
        seen[k] = (long)r;
        g->z[zi].carbon_hourly[m][h] = v;
    }
    for (size_t zi = 0; zi < g->n; zi++) {
        ew_grid_zone *z = &g->z[zi];
        int given[EW_GRID_MONTHS] = {0};
        for (int m = 0; m < EW_GRID_MONTHS; m++) {
            const long *s = &seen[(zi * EW_GRID_MONTHS + (size_t)m) * 24];
            long first = -1;
            int count = 0, missing = -1;
            for (int h = 0; h < 24; h++) {
                if (s[h] < 0) {
                    if (missing < 0)
                        missing = h;
                    continue;
                }
                count++;
                if (first < 0 || s[h] < first)
                    first = s[h];
            }
            if (count > 0 && count < 24) {
                rc = ew_error_set(err, EW_EINVAL,
                                  "%s:%d:%d: hour: expected all 24 hours 0..23 of zone \"%s\" "
                                  "month %d, got %d (hour %d missing)",
                                  t->path, t->lines[first], ix[P_HOUR] + 1, z->zone, m, count,
                                  missing);
                goto done;
            }
            given[m] = count == 24;
        }
        int nmonths = 0;
        for (int m = 1; m < EW_GRID_MONTHS; m++)
            nmonths += given[m];
        if (!given[0] && nmonths == 0)
            continue;   /* flat at the yearly average */
        z->has_profile = 1;
        if (!given[0])
            for (int h = 0; h < 24; h++) {
                double s = 0.0;
                for (int m = 1; m < EW_GRID_MONTHS; m++)
                    if (given[m])
                        s += z->carbon_hourly[m][h];
                z->carbon_hourly[0][h] = s / nmonths;
            }
        for (int m = 1; m < EW_GRID_MONTHS; m++)
            if (!given[m])
                memcpy(z->carbon_hourly[m], z->carbon_hourly[0], sizeof z->carbon_hourly[m]);
        /* the profile gives the shape, zones.csv the level: scaled so that
         * the all-year day averages the yearly figure */
        double mean = 0.0;
        for (int h = 0; h < 24; h++)
            mean += z->carbon_hourly[0][h] / 24.0;
        if (mean > 0.0)
            for (int m = 0; m < EW_GRID_MONTHS; m++)
                for (int h = 0; h < 24; h++)
                    z->carbon_hourly[m][h] *= z->carbon_g_per_kwh / mean;
    }
done:
    free(seen);
    ew_csv_table_free(t);
    return rc;
}

/* ---- prices.csv and water.csv ------------------------------------------- */

/* Marks zone zi as given by row r; a second row for it is an error. */
static int once(const ew_grid *g, const ew_csv_table *t, size_t r, int col, int zi, int *row_of,
                ew_error *err)
{
    if (row_of[zi] >= 0)
        return ew_error_set(err, EW_EINVAL,
                            "%s:%d:%d: zone: expected one row per zone, got \"%s\" again "
                            "(already on line %d)",
                            t->path, t->lines[r], col + 1, g->z[zi].zone, t->lines[row_of[zi]]);
    row_of[zi] = (int)r;
    return EW_OK;
}

/* Every zone of zones.csv must have had a row. */
static int all_given(const ew_grid *g, const ew_csv_table *t, int col, const int *row_of,
                     ew_error *err)
{
    for (size_t zi = 0; zi < g->n; zi++)
        if (row_of[zi] < 0)
            return ew_error_set(err, EW_EINVAL,
                                "%s:%d:%d: zone: expected a row for every zone of zones.csv, "
                                "got none for \"%s\"",
                                t->path, t->header_line, col + 1, g->z[zi].zone);
    return EW_OK;
}

/* Reads the figures of row r into zone z; ix as in the table's columns. */
typedef int (*zone_row_fn)(const ew_csv_table *t, size_t r, const int *ix, ew_grid_zone *z,
                           ew_error *err);

/* A table of one row per zone of zones.csv: columns cols[0] = "zone",
 * cols[ncols - 1] = "source", the figures between read by read_row. */
static int load_per_zone(const char *dir, const char *file, const char *const *cols,
                         size_t ncols, zone_row_fn read_row, ew_grid *g, ew_error *err)
{
    ew_csv_table *t;
    int ix[8];
    int rc = read_table(dir, file, cols, ncols, ix, &t, err);
    if (rc != EW_OK)
        return rc;
    int *row_of = malloc(g->n * sizeof *row_of);
    if (!row_of) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", t->path);
        goto done;
    }
    for (size_t i = 0; i < g->n; i++)
        row_of[i] = -1;
    for (size_t r = 0; r < t->nrows; r++) {
        int zi;
        if ((rc = zone_of(g, t, r, ix[0], &zi, err)) ||
            (rc = once(g, t, r, ix[0], zi, row_of, err)) ||
            (rc = need_source(t, r, ix[ncols - 1], err)) ||
            (rc = read_row(t, r, ix, &g->z[zi], err)))
            goto done;
    }
    rc = all_given(g, t, ix[0], row_of, err);
done:
    free(row_of);
    ew_csv_table_free(t);
    return rc;
}

enum { C_ZONE, C_RES, C_IND, C_SOURCE, C_COUNT };
static const char *const price_cols[C_COUNT] = {"zone", "residential_usd_per_kwh",
                                                "industrial_usd_per_kwh", "source"};

static int price_row(const ew_csv_table *t, size_t r, const int *ix, ew_grid_zone *z,
                     ew_error *err)
{
    int rc;
    if ((rc = ew_csv_number(t, r, ix[C_RES], 1, NAN, 0.0,
                            "a number >= 0 [USD/kWh] or empty (unknown)",
                            &z->price_residential_usd_per_kwh, err)) ||
        (rc = ew_csv_number(t, r, ix[C_IND], 1, NAN, 0.0,
                            "a number >= 0 [USD/kWh] or empty (unknown)",
                            &z->price_industrial_usd_per_kwh, err)))
        return rc;
    return EW_OK;
}

enum { W_ZONE, W_WATER, W_SOURCE, W_COUNT };
static const char *const water_cols[W_COUNT] = {"zone", "water_l_per_kwh", "source"};

static int water_row(const ew_csv_table *t, size_t r, const int *ix, ew_grid_zone *z,
                     ew_error *err)
{
    return ew_csv_number(t, r, ix[W_WATER], 0, 0.0, 0.0, "a number >= 0 [L/kWh]",
                         &z->water_l_per_kwh, err);
}

/* ---- public API ----------------------------------------------------------- */

int ew_grid_load(const char *dir, ew_grid **out, ew_error *err)
{
    *out = NULL;
    ew_grid *g = calloc(1, sizeof *g);
    if (!g)
        return ew_error_set(err, EW_ENOMEM, "%s: out of memory", dir);
    int rc;
    if ((rc = load_zones(dir, g, err)) || (rc = load_profiles(dir, g, err)) ||
        (rc = load_per_zone(dir, "prices.csv", price_cols, C_COUNT, price_row, g, err)) ||
        (rc = load_per_zone(dir, "water.csv", water_cols, W_COUNT, water_row, g, err))) {
        ew_grid_free(g);
        return rc;
    }
    *out = g;
    return EW_OK;
}

void ew_grid_free(ew_grid *g)
{
    if (!g)
        return;
    free(g->z);
    free(g);
}

size_t ew_grid_count(const ew_grid *g)
{
    return g ? g->n : 0;
}

const ew_grid_zone *ew_grid_at(const ew_grid *g, size_t i)
{
    return g && i < g->n ? &g->z[i] : NULL;
}

int ew_grid_find(const ew_grid *g, const char *zone)
{
    if (!g || !zone)
        return -1;
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->z[i].zone, zone) == 0)
            return (int)i;
    return -1;
}

static const double *profile(const ew_grid_zone *z, int month)
{
    return z->carbon_hourly[month >= 0 && month < EW_GRID_MONTHS ? month : 0];
}

/* floor(x) mod 24 in 0..23 */
static int hour_of(double x)
{
    double k = floor(x);
    double h = k - 24.0 * floor(k / 24.0);
    int i = (int)h;
    return i < 0 ? 0 : i > 23 ? 23 : i;
}

double ew_grid_carbon_at(const ew_grid_zone *z, int month, double t_s)
{
    return profile(z, month)[hour_of(t_s / 3600.0 + z->utc_offset_h)];
}

/* ∫_0^y v[floor(u)] du for y in [0, 48) (one day of wrap-around allowed). */
static double partial(const double *v, double sum, double y)
{
    double acc = 0.0;
    if (y < 0.0)
        y = 0.0;   /* rounding just below a day boundary */
    if (y >= 24.0) {
        acc = sum;
        y -= 24.0;
    }
    int k = (int)floor(y);
    if (k > 23)
        k = 23;
    for (int h = 0; h < k; h++)
        acc += v[h];
    return acc + (y - k) * v[k];
}

double ew_grid_carbon_mean(const ew_grid_zone *z, int month, double t0_s, double t1_s)
{
    if (t1_s < t0_s) {
        double s = t0_s;
        t0_s = t1_s;
        t1_s = s;
    }
    if (t1_s == t0_s)
        return ew_grid_carbon_at(z, month, t0_s);
    const double *v = profile(z, month);
    double sum = 0.0;
    for (int h = 0; h < 24; h++)
        sum += v[h];
    double x0 = t0_s / 3600.0 + z->utc_offset_h, x1 = t1_s / 3600.0 + z->utc_offset_h;
    double day0 = floor(x0 / 24.0);
    double a = x0 - 24.0 * day0, b = x1 - 24.0 * day0;   /* a in [0, 24) */
    double days = floor(b / 24.0);                        /* whole days to b's day */
    double bb = b - 24.0 * days;                          /* in [0, 24) */
    double integral = days * sum + partial(v, sum, bb) - partial(v, sum, a);
    return integral / (x1 - x0);
}
