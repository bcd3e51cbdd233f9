/* network.c — network parameters (data/network.csv), great-circle distance
 * and round-trip time (see network.h).
 *
 * Distance: haversine on a sphere of the mean Earth radius R = 6371.0088 km
 * (IUGG mean radius R1),
 *   h = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2),   d = 2 R asin(√h)   [km].
 * Round trip: RTT = core(a, b) + last_mile(x) + last_mile(y) [s], the
 * formula of network.h, with core(a, b) = measured(a, b) − 2 last_mile(dc)
 * for a pair in the measured table (rtt_table.c) and 2 d / v_fibre ·
 * route_factor otherwise. sim/world.c adds the two last miles to a table of
 * core values in the same order, so filling that table with ew_rtt_core_s
 * gives identical doubles.
 *
 * The file holds one row per parameter and access type (access "all" for
 * the parameters that do not depend on it), each in the unit named here and
 * nowhere else: ms, Mbps and kWh/GB are converted to s, B/s and J/B on load.
 */
#include "network.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../device/csvtable.h"

const char *const ew_access_names[] = {"fibre", "cable", "dsl", "mobile", "datacentre", NULL};

#define EARTH_RADIUS_KM 6371.0088
#define C_VACUUM_KM_PER_S 299792.458

enum { P_FIBRE, P_ROUTE, P_LAST_MILE, P_BANDWIDTH, P_ENERGY, P_TOKEN, P_IMAGE, P_COUNT };

typedef struct param_spec {
    const char *name;      /* value of the parameter column */
    const char *unit;      /* the only unit accepted for it */
    int per_access;        /* one row per access type, else one row with access "all" */
    double min;            /* smallest valid value [file unit] */
    int min_excluded;      /* value must be > min rather than >= min */
    double max;            /* largest valid value [file unit] */
    double to_si;          /* file unit -> unit of ew_network_params */
    const char *expect;    /* what a valid value is, for messages */
} param_spec;

static const param_spec params[P_COUNT] = {
    {"fibre_km_per_s", "km/s", 0, 0.0, 1, C_VACUUM_KM_PER_S, 1.0,
     "a speed in (0, 299792.458] [km/s]"},
    {"route_factor", "1", 0, 1.0, 0, HUGE_VAL, 1.0, "a factor >= 1 [1] (a route is never "
                                                     "shorter than the great circle)"},
    {"last_mile_ms", "ms", 1, 0.0, 0, HUGE_VAL, 1e-3, "a number >= 0 [ms]"},
    {"bandwidth_mbps", "Mbps", 1, 0.0, 1, HUGE_VAL, 1e6 / 8.0, "a number > 0 [Mbps]"},
    {"energy_kwh_per_gb", "kWh/GB", 1, 0.0, 0, HUGE_VAL, 3.6e6 / 1e9, "a number >= 0 [kWh/GB]"},
    {"bytes_per_token", "B/token", 0, 0.0, 1, HUGE_VAL, 1.0, "a number > 0 [B/token]"},
    {"bytes_per_image", "B", 0, 0.0, 1, HUGE_VAL, 1.0, "a number > 0 [B]"},
};

enum { C_PARAM, C_ACCESS, C_VALUE, C_UNIT, C_SOURCE, C_NOTE, C_COUNT };

static const char *const cols[C_COUNT] = {"parameter", "access", "value", "unit", "source", "note"};

/* Where parameter p for access a (ignored unless per access) is stored. */
static double *slot(ew_network_params *n, int p, int a)
{
    switch (p) {
    case P_FIBRE: return &n->fibre_km_per_s;
    case P_ROUTE: return &n->route_factor;
    case P_LAST_MILE: return &n->last_mile_s[a];
    case P_BANDWIDTH: return &n->bandwidth_bytes_per_s[a];
    case P_ENERGY: return &n->j_per_byte[a];
    case P_TOKEN: return &n->bytes_per_token;
    default: return &n->bytes_per_image;
    }
}

static int lookup(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

static int param_of(const char *s)
{
    for (int p = 0; p < P_COUNT; p++)
        if (strcmp(s, params[p].name) == 0)
            return p;
    return -1;
}

/* Reads row r into n and marks it in seen (line of each parameter × access). */
static int load_row(const ew_csv_table *t, size_t r, const int *ix, ew_network_params *n,
                    int seen[P_COUNT][EW_ACCESS_COUNT], ew_error *err)
{
    const char *const *cell = (const char *const *)t->cells[r];
    int p = param_of(cell[ix[C_PARAM]]);
    if (p < 0)
        return ew_csv_cell_error(t, r, ix[C_PARAM],
                                 "one of fibre_km_per_s, route_factor, last_mile_ms, "
                                 "bandwidth_mbps, energy_kwh_per_gb, bytes_per_token, "
                                 "bytes_per_image",
                                 err);
    const param_spec *ps = &params[p];
    int a = 0;
    if (ps->per_access) {
        a = lookup(cell[ix[C_ACCESS]], ew_access_names, EW_ACCESS_COUNT);
        if (a < 0)
            return ew_csv_cell_error(t, r, ix[C_ACCESS],
                                     "one of fibre, cable, dsl, mobile, datacentre", err);
    } else if (strcmp(cell[ix[C_ACCESS]], "all") != 0) {
        char what[96];
        snprintf(what, sizeof what, "all (%s does not depend on the access)", ps->name);
        return ew_csv_cell_error(t, r, ix[C_ACCESS], what, err);
    }
    if (strcmp(cell[ix[C_UNIT]], ps->unit) != 0) {
        char what[96];
        snprintf(what, sizeof what, "%s (the unit of %s)", ps->unit, ps->name);
        return ew_csv_cell_error(t, r, ix[C_UNIT], what, err);
    }
    double v;
    int rc = ew_csv_number(t, r, ix[C_VALUE], 0, 0.0, ps->min, ps->expect, &v, err);
    if (rc != EW_OK)
        return rc;
    if ((ps->min_excluded && v <= ps->min) || v > ps->max)
        return ew_csv_cell_error(t, r, ix[C_VALUE], ps->expect, err);
    if (!cell[ix[C_SOURCE]][0])
        return ew_csv_cell_error(t, r, ix[C_SOURCE], "the source of the row's figure", err);
    if (seen[p][a])
        return ew_error_set(err, EW_EINVAL,
                            "%s:%d:%d: parameter: expected one row per parameter and access, "
                            "got %s for %s again (first on line %d)",
                            t->path, t->lines[r], ix[C_PARAM] + 1, ps->name,
                            ps->per_access ? ew_access_names[a] : "all", seen[p][a]);
    seen[p][a] = t->lines[r];
    *slot(n, p, a) = v * ps->to_si;
    return EW_OK;
}

int ew_network_params_load(const char *path, ew_network_params *out, ew_error *err)
{
    ew_csv_table *t = NULL;
    int rc = ew_csv_table_read(path, &t, err);
    if (rc != EW_OK)
        return rc;
    int ix[C_COUNT];
    int seen[P_COUNT][EW_ACCESS_COUNT];
    ew_network_params n;
    memset(seen, 0, sizeof seen);
    memset(&n, 0, sizeof n);
    if ((rc = ew_csv_require(t, cols, C_COUNT, ix, err)) != EW_OK)
        goto done;
    for (size_t r = 0; r < t->nrows; r++)
        if ((rc = load_row(t, r, ix, &n, seen, err)) != EW_OK)
            goto done;
    for (int p = 0; p < P_COUNT; p++)
        for (int a = 0; a < (params[p].per_access ? EW_ACCESS_COUNT : 1); a++)
            if (!seen[p][a]) {
                rc = ew_error_set(err, EW_EINVAL,
                                  "%s:%d:1: parameter: expected a row for %s with access %s, "
                                  "got none",
                                  path, t->header_line, params[p].name,
                                  params[p].per_access ? ew_access_names[a] : "all");
                goto done;
            }
    n.measured = NULL;
    *out = n;
done:
    ew_csv_table_free(t);
    return rc;
}

double ew_great_circle_km(double lat1_deg, double lon1_deg, double lat2_deg, double lon2_deg)
{
    const double rad = 3.14159265358979323846 / 180.0;
    double phi1 = lat1_deg * rad, phi2 = lat2_deg * rad;
    double s_phi = sin((phi2 - phi1) / 2.0), s_lam = sin((lon2_deg - lon1_deg) * rad / 2.0);
    double h = s_phi * s_phi + cos(phi1) * cos(phi2) * s_lam * s_lam;
    if (h > 1.0)
        h = 1.0;   /* rounding near the antipode */
    return 2.0 * EARTH_RADIUS_KM * asin(sqrt(h));
}

double ew_rtt_core_s(const ew_network_params *p, const ew_region *a, const ew_region *b)
{
    if (!p || !a || !b)
        return NAN;
    double measured_s, dc2 = 2.0 * p->last_mile_s[EW_ACCESS_DATACENTRE];
    if (ew_rtt_table_find(p->measured, a->code, b->code, &measured_s))
        return measured_s - dc2;
    double d = ew_great_circle_km(a->lat_deg, a->lon_deg, b->lat_deg, b->lon_deg);
    const ew_rtt_fit *f = ew_rtt_table_fit(p->measured);
    if (f && d > 0.0)   /* one place (a region with itself): no core */
        return f->intercept_s + f->s_per_km * d - dc2;
    return 2.0 * d / p->fibre_km_per_s * p->route_factor;
}

double ew_rtt_s(const ew_network_params *p, const ew_region *a, ew_access xa,
                const ew_region *b, ew_access xb)
{
    if (!p || !a || !b || (unsigned)xa >= EW_ACCESS_COUNT || (unsigned)xb >= EW_ACCESS_COUNT)
        return NAN;
    return ew_rtt_core_s(p, a, b) + p->last_mile_s[xa] + p->last_mile_s[xb];
}
