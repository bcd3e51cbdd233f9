/* test_network.c — regions, network parameters, measured round trips and
 * hosts (data/regions.csv, data/network.csv, data/network_rtt.csv,
 * data/hosts.csv), the haversine distance and the round-trip model of
 * models/network/network.h. Run from the repository root. Distances are
 * checked against the haversine worked out by hand in the comments and
 * against published city-to-city distances; round trips against the model
 * evaluated here independently (the fibre formula with the cosine form of
 * the central angle; measured rows read from the file with the CSV reader),
 * and against the measured round trips of shared/reference/network_energy.csv
 * (geocables.com), a source independent of the measured table (Azure).
 * Bad files are written to a temporary directory. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "ew_tmp.h"

#include "ew.h"
#include "../../models/device/csvtable.h"
#include "../../models/network/network.h"
#include "../../models/node/host.h"



/* ---- the shipped tables --------------------------------------------------- */

static void test_regions_all_load(void **state)
{
    (void)state;
    ew_region_catalog *c = NULL;
    ew_error err = {0};
    if (ew_region_catalog_load("data/regions.csv", &c, &err) != EW_OK)
        fail_msg("%s", err.msg);
    size_t n = ew_region_catalog_count(c);
    assert_int_equal(n, count_rows("data/regions.csv"));
    assert_true(n >= 24);
    static const char *const required[] = {
        "de", "fr", "gb", "pl", "es", "it", "nl", "se", "no", "us-east", "us-west",
        "us-central", "ca", "br", "in", "sg", "jp", "kr", "cn", "au", "za", "mx", "id"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (ew_region_find(c, required[i]) < 0)
            fail_msg("region %s missing from data/regions.csv", required[i]);
    /* one of each pair the brief allows */
    assert_true(ew_region_find(c, "ae") >= 0 || ew_region_find(c, "sa") >= 0);
    assert_true(ew_region_find(c, "ng") >= 0 || ew_region_find(c, "ke") >= 0);
    assert_true(ew_region_find(c, "ar") >= 0 || ew_region_find(c, "cl") >= 0);
    assert_int_equal(ew_region_find(c, "atlantis"), -1);
    int south = 0, west = 0, east = 0;
    for (size_t i = 0; i < n; i++) {
        const ew_region *g = ew_region_catalog_at(c, i);
        assert_true(g->lat_deg >= -90.0 && g->lat_deg <= 90.0);
        assert_true(g->lon_deg >= -180.0 && g->lon_deg <= 180.0);
        assert_true(g->grid_zone[0] != '\0' && g->name[0] != '\0');
        assert_int_equal(ew_region_find(c, g->code), (int)i);
        south += g->lat_deg < 0.0;
        west += g->lon_deg < -30.0;
        east += g->lon_deg > 60.0;
    }
    assert_true(south >= 4 && west >= 5 && east >= 6);   /* spread over the continents */
    assert_null(ew_region_catalog_at(c, n));
    /* spot checks against the rows (data/regions.csv): Germany */
    const ew_region *de = ew_region_catalog_at(c, (size_t)ew_region_find(c, "de"));
    assert_rel(de->lat_deg, 52.52, 1e-12, "de latitude (Berlin)");
    assert_string_equal(de->grid_zone, "DE");
    ew_region_catalog_free(c);
    ew_region_catalog_free(NULL);
}

static void test_network_loads(void **state)
{
    (void)state;
    ew_network_params p;
    ew_error err = {0};
    if (ew_network_params_load("data/network.csv", &p, &err) != EW_OK)
        fail_msg("%s", err.msg);
    /* 4 parameters independent of the access + 3 per access × 5 accesses */
    assert_int_equal(count_rows("data/network.csv"), 4 + 3 * EW_ACCESS_COUNT);
    assert_true(p.fibre_km_per_s > 190000.0 && p.fibre_km_per_s < 210000.0);
    assert_true(p.route_factor >= 1.0 && p.route_factor < 2.0);
    for (int a = 0; a < EW_ACCESS_COUNT; a++) {
        assert_true(p.last_mile_s[a] >= 0.0 && p.last_mile_s[a] < 0.2);
        assert_true(p.bandwidth_bytes_per_s[a] > 0.0);
        assert_true(p.j_per_byte[a] > 0.0);
    }
    assert_true(p.last_mile_s[EW_ACCESS_DATACENTRE] < p.last_mile_s[EW_ACCESS_FIBRE]);
    assert_true(p.bytes_per_token > 0.0 && p.bytes_per_image > p.bytes_per_token);
    assert_string_equal(ew_access_names[EW_ACCESS_FIBRE], "fibre");
    assert_string_equal(ew_access_names[EW_ACCESS_DATACENTRE], "datacentre");
    assert_null(ew_access_names[EW_ACCESS_COUNT]);
}

static void test_hosts_all_load(void **state)
{
    (void)state;
    ew_host_catalog *c = NULL;
    ew_error err = {0};
    if (ew_host_catalog_load("data/hosts.csv", &c, &err) != EW_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(ew_host_catalog_count(c), count_rows("data/hosts.csv"));
    static const char *const required[] = {"gaming-pc", "workstation", "laptop", "mini-pc",
                                           "dc-server-share"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!ew_host_find(c, required[i]))
            fail_msg("host %s missing from data/hosts.csv", required[i]);
    for (size_t i = 0; i < ew_host_catalog_count(c); i++) {
        const ew_host *h = ew_host_catalog_at(c, i);
        assert_true(h->idle_w >= 0.0 && h->idle_w <= h->busy_w);
        assert_true(h->psu_efficiency > 0.0 && h->psu_efficiency <= 1.0);
    }
    /* dc-server-share busy: (10.2 kW × 0.96 − 8 × 700 W) / 8 = (9792 − 5600) / 8 = 524 W */
    const ew_host *dc = ew_host_find(c, "dc-server-share");
    assert_rel(dc->busy_w, (10200.0 * 0.96 - 8.0 * 700.0) / 8.0, 1e-12, "dc-server-share busy_w");
    assert_rel(dc->psu_efficiency, 0.96, 1e-12, "dc-server-share psu_efficiency");
    assert_null(ew_host_find(c, "toaster"));
    assert_null(ew_host_catalog_at(c, ew_host_catalog_count(c)));
    ew_host_catalog_free(c);
    ew_host_catalog_free(NULL);
}

/* ---- great-circle distance ------------------------------------------------ */

/* City centres, WGS84 degrees (as in data/regions.csv; New York for the tests). */
#define LONDON 51.5074, -0.1278
#define NEW_YORK 40.7128, -74.0060
#define PARIS 48.8566, 2.3522
#define LOS_ANGELES 34.0522, -118.2437
#define TOKYO 35.6762, 139.6503
#define SINGAPORE 1.3521, 103.8198
#define SYDNEY -33.8688, 151.2093

static void test_great_circle(void **state)
{
    (void)state;
    /* Haversine by hand, R = 6371.0088 km:
     *   h = sin²(Δφ/2) + cos φ1 · cos φ2 · sin²(Δλ/2),   d = 2 R asin(√h).
     *
     * London (51.5074, −0.1278) – New York (40.7128, −74.0060):
     *   Δφ = −10.7946°, Δλ = −73.8782°
     *   sin²(Δφ/2) = 0.0088475467, cos φ1 = 0.6224135542, cos φ2 = 0.7579886371,
     *   sin²(Δλ/2) = 0.3611599039
     *   h = 0.0088475467 + 0.6224135542 · 0.7579886371 · 0.3611599039 = 0.1792364335
     *   c = 2 asin(√0.1792364335) = 0.8743089279 rad,  d = 6371.0088 · c = 5570.2299 km
     *   published: about 5,570 km (luxurytraveldiva.com; 5,567 km ultimate-beverage.com).
     *
     * London – Paris (48.8566, 2.3522):
     *   Δφ = −2.6508°, Δλ = 2.4800°
     *   sin²(Δφ/2) = 0.0005350215, cos φ2 = 0.6579458610, sin²(Δλ/2) = 0.0004683066
     *   h = 0.0005350215 + 0.6224135542 · 0.6579458610 · 0.0004683066 = 0.0007267998
     *   c = 0.0539249820 rad,  d = 343.5565 km
     *   published: about 344 km, Trafalgar Square to Notre-Dame (nomadtreneur.com).
     *
     * New York – Los Angeles (34.0522, −118.2437):
     *   Δφ = −6.6606°, Δλ = −44.2377°
     *   sin²(Δφ/2) = 0.0033746778, cos φ1 = 0.7579886371, cos φ2 = 0.8285277692,
     *   sin²(Δλ/2) = 0.1417741373
     *   h = 0.0033746778 + 0.7579886371 · 0.8285277692 · 0.1417741373 = 0.0924109108
     *   c = 0.6177595754 rad,  d = 3935.7517 km
     *   published: 2,446 mi = 3,936 km, JFK–LAX great circle (charitylook.com).
     */
    struct { double lat1, lon1, lat2, lon2, hand_km, published_km; const char *what; } pairs[] = {
        {LONDON, NEW_YORK, 5570.229873656523, 5570.0, "London-New York"},
        {LONDON, PARIS, 343.5565348808831, 344.0, "London-Paris"},
        {NEW_YORK, LOS_ANGELES, 3935.751690893986, 3936.0, "New York-Los Angeles"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        double d = ew_great_circle_km(pairs[i].lat1, pairs[i].lon1, pairs[i].lat2, pairs[i].lon2);
        print_message("  %-22s %.4f km (hand %.4f, published %.0f)\n", pairs[i].what, d,
                      pairs[i].hand_km, pairs[i].published_km);
        assert_rel(d, pairs[i].hand_km, 1e-9, pairs[i].what);
        assert_rel(d, pairs[i].published_km, 5e-3, pairs[i].what);
        /* symmetric */
        assert_rel(ew_great_circle_km(pairs[i].lat2, pairs[i].lon2, pairs[i].lat1, pairs[i].lon1),
                   d, 1e-12, "symmetry");
    }
    /* same point: 0; antipodes: half the circumference, π R = 20015.1 km (to 1e-7
     * only: near the antipode h -> 1 and asin(√h) turns a rounding error ε in h into
     * an angle error of order √ε, the known weakness of the haversine there); a
     * quarter meridian from the equator to the pole: π R / 2 */
    assert_true(ew_great_circle_km(TOKYO, TOKYO) == 0.0);
    assert_rel(ew_great_circle_km(10.0, 20.0, -10.0, -160.0), 3.14159265358979323846 * 6371.0088,
               1e-7, "antipodes");
    assert_rel(ew_great_circle_km(0.0, 45.0, 90.0, 0.0), 3.14159265358979323846 * 6371.0088 / 2.0,
               1e-12, "equator to pole");
}

/* ---- round-trip time ------------------------------------------------------ */

/* The formula of network.h, written out again with the cosine form of the
 * central angle (c = acos(sin φ1 sin φ2 + cos φ1 cos φ2 cos Δλ)), which is
 * well conditioned at these distances. */
static double rtt_by_hand(const ew_network_params *p, double lat1, double lon1, ew_access x,
                          double lat2, double lon2, ew_access y)
{
    const double rad = 3.14159265358979323846 / 180.0;
    double c = acos(sin(lat1 * rad) * sin(lat2 * rad) +
                    cos(lat1 * rad) * cos(lat2 * rad) * cos((lon2 - lon1) * rad));
    double d_km = 6371.0088 * c;
    return 2.0 * d_km / p->fibre_km_per_s * p->route_factor + p->last_mile_s[x] +
           p->last_mile_s[y];
}

static ew_region city(double lat, double lon)
{
    ew_region g;
    memset(&g, 0, sizeof g);
    g.lat_deg = lat;
    g.lon_deg = lon;
    return g;
}

static void test_rtt_formula_and_measured(void **state)
{
    (void)state;
    ew_network_params p;
    ew_error err = {0};
    if (ew_network_params_load("data/network.csv", &p, &err) != EW_OK)
        fail_msg("%s", err.msg);
    /* The fibre formula alone (no measured table attached: the fallback for
     * pairs that data/network_rtt.csv does not list), city coordinates,
     * data-centre access at both ends, against the measured round trips of
     * shared/reference/network_energy.csv (geocables.com). The route factor is
     * the median of the cable/great-circle ratios of the same rows
     * (data/network.csv), not fitted to these RTTs; with it two pairs fall
     * inside their ranges and two fall below (London-New York 64.3 ms,
     * London-Singapore 124.3 ms): the measured paths are longer than the cable
     * figures suggest. No single factor fits all four ranges; the acceptance
     * check with the measured table is test_rtt_measured_table. */
    struct {
        double lat1, lon1, lat2, lon2, lo_ms, hi_ms;
        int within;   /* 1: inside the measured range; 0: known to fall below it */
        const char *what;
    } pairs[] = {
        {LONDON, NEW_YORK, 70.0, 80.0, 0, "London-New York"},
        {LOS_ANGELES, TOKYO, 100.0, 115.0, 1, "Los Angeles-Tokyo"},
        {LONDON, SINGAPORE, 160.0, 180.0, 0, "London-Singapore"},
        {NEW_YORK, SYDNEY, 170.0, 200.0, 1, "New York-Sydney"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        ew_region a = city(pairs[i].lat1, pairs[i].lon1), b = city(pairs[i].lat2, pairs[i].lon2);
        double rtt = ew_rtt_s(&p, &a, EW_ACCESS_DATACENTRE, &b, EW_ACCESS_DATACENTRE);
        double want = rtt_by_hand(&p, pairs[i].lat1, pairs[i].lon1, EW_ACCESS_DATACENTRE,
                                  pairs[i].lat2, pairs[i].lon2, EW_ACCESS_DATACENTRE);
        print_message("  %-18s %.3f ms (measured %.0f-%.0f ms)%s\n", pairs[i].what, rtt * 1e3,
                      pairs[i].lo_ms, pairs[i].hi_ms,
                      pairs[i].within ? "" : "  below the range: known, see data/network.csv");
        assert_rel(rtt, want, 1e-9, pairs[i].what);
        assert_rel(ew_rtt_s(&p, &b, EW_ACCESS_DATACENTRE, &a, EW_ACCESS_DATACENTRE), rtt, 1e-12,
                   "symmetry");
        if (pairs[i].within)
            assert_true(rtt * 1e3 >= pairs[i].lo_ms && rtt * 1e3 <= pairs[i].hi_ms);
        else
            assert_true(rtt * 1e3 < pairs[i].lo_ms);
    }
    /* Pairs of shipped regions with mixed access: gb–us-east, us-west–jp,
     * gb–sg, us-east–au, de–de (distance 0: only the two last miles). */
    ew_region_catalog *c = NULL;
    if (ew_region_catalog_load("data/regions.csv", &c, &err) != EW_OK)
        fail_msg("%s", err.msg);
    struct { const char *a, *b; ew_access x, y; } rp[] = {
        {"gb", "us-east", EW_ACCESS_FIBRE, EW_ACCESS_DATACENTRE},
        {"us-west", "jp", EW_ACCESS_CABLE, EW_ACCESS_DATACENTRE},
        {"gb", "sg", EW_ACCESS_MOBILE, EW_ACCESS_DSL},
        {"us-east", "au", EW_ACCESS_DATACENTRE, EW_ACCESS_FIBRE},
        {"de", "de", EW_ACCESS_DSL, EW_ACCESS_CABLE},
    };
    for (size_t i = 0; i < sizeof rp / sizeof rp[0]; i++) {
        const ew_region *a = ew_region_catalog_at(c, (size_t)ew_region_find(c, rp[i].a));
        const ew_region *b = ew_region_catalog_at(c, (size_t)ew_region_find(c, rp[i].b));
        assert_non_null(a);
        assert_non_null(b);
        double rtt = ew_rtt_s(&p, a, rp[i].x, b, rp[i].y);
        double want = a == b ? p.last_mile_s[rp[i].x] + p.last_mile_s[rp[i].y]
                             : rtt_by_hand(&p, a->lat_deg, a->lon_deg, rp[i].x, b->lat_deg,
                                           b->lon_deg, rp[i].y);
        print_message("  %-8s %-10s -> %-8s %-10s %.3f ms\n", rp[i].a, ew_access_names[rp[i].x],
                      rp[i].b, ew_access_names[rp[i].y], rtt * 1e3);
        assert_rel(rtt, want, 1e-9, rp[i].a);
    }
    /* invalid arguments give NaN rather than reading out of bounds */
    assert_true(isnan(ew_rtt_s(&p, ew_region_catalog_at(c, 0), EW_ACCESS_COUNT,
                               ew_region_catalog_at(c, 0), EW_ACCESS_FIBRE)));
    assert_true(isnan(ew_rtt_s(NULL, ew_region_catalog_at(c, 0), EW_ACCESS_FIBRE,
                               ew_region_catalog_at(c, 0), EW_ACCESS_FIBRE)));
    ew_region_catalog_free(c);
}

/* ---- measured round trips (data/network_rtt.csv) -------------------------- */

static ew_rtt_table *load_shipped(ew_region_catalog **regions, ew_network_params *p)
{
    ew_error err = {0};
    ew_rtt_table *t = NULL;
    if (ew_region_catalog_load("data/regions.csv", regions, &err) != EW_OK ||
        ew_network_params_load("data/network.csv", p, &err) != EW_OK ||
        ew_rtt_table_load("data/network_rtt.csv", *regions, &t, &err) != EW_OK)
        fail_msg("%s", err.msg);
    assert_null(p->measured);   /* the parameters come without a table */
    p->measured = t;
    return t;
}

/* Acceptance (issue 5, item 2): the model's round trip equals its expression
 * to 1e-9 for every pair of regions, and at least three of the four region
 * pairs that stand for the reference cities lie within the measured ranges of
 * shared/reference/network_energy.csv. */
static void test_rtt_measured_table(void **state)
{
    (void)state;
    ew_region_catalog *c = NULL;
    ew_network_params p;
    ew_rtt_table *t = load_shipped(&c, &p);
    const double dc = p.last_mile_s[EW_ACCESS_DATACENTRE], fib = p.last_mile_s[EW_ACCESS_FIBRE];
    size_t nreg = ew_region_catalog_count(c);

    /* Every row, read again with the CSV reader: two data-centre endpoints get
     * the measurement itself, rtt_ms · 1e-3 [s]; a fibre client in place of
     * one data centre replaces that end's data-centre last mile by its own:
     * rtt − last_mile(dc) + last_mile(fibre). Either order of the regions. */
    ew_csv_table *rows = NULL;
    ew_error err = {0};
    if (ew_csv_table_read("data/network_rtt.csv", &rows, &err) != EW_OK)
        fail_msg("%s", err.msg);
    int ca = ew_csv_col(rows, "region_a"), cb = ew_csv_col(rows, "region_b"),
        cr = ew_csv_col(rows, "rtt_ms");
    assert_true(ca >= 0 && cb >= 0 && cr >= 0);
    assert_int_equal(ew_rtt_table_count(t), rows->nrows);
    assert_true(rows->nrows >= 100);
    char *listed = calloc(nreg * nreg, 1);
    assert_non_null(listed);
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;   /* weighted sums, w = 1/m² */
    for (size_t r = 0; r < rows->nrows; r++) {
        int ia = ew_region_find(c, rows->cells[r][ca]), ib = ew_region_find(c, rows->cells[r][cb]);
        assert_true(ia >= 0 && ib >= 0);
        const ew_region *a = ew_region_catalog_at(c, (size_t)ia),
                        *b = ew_region_catalog_at(c, (size_t)ib);
        double m = strtod(rows->cells[r][cr], NULL) * 1e-3;
        char what[64];
        snprintf(what, sizeof what, "%s-%s", a->code, b->code);
        assert_rel(ew_rtt_s(&p, a, EW_ACCESS_DATACENTRE, b, EW_ACCESS_DATACENTRE), m, 1e-9, what);
        assert_rel(ew_rtt_s(&p, b, EW_ACCESS_DATACENTRE, a, EW_ACCESS_DATACENTRE), m, 1e-9, what);
        assert_rel(ew_rtt_s(&p, a, EW_ACCESS_FIBRE, b, EW_ACCESS_DATACENTRE), m - dc + fib, 1e-9,
                   what);
        assert_rel(ew_rtt_core_s(&p, a, b), m - 2.0 * dc, 1e-9, what);
        listed[(size_t)ia * nreg + (size_t)ib] = listed[(size_t)ib * nreg + (size_t)ia] = 1;
        double d = ew_great_circle_km(a->lat_deg, a->lon_deg, b->lat_deg, b->lon_deg),
               w = 1.0 / (m * m);
        sw += w, sx += w * d, sy += w * m, sxx += w * d * d, sxy += w * d * m;
    }
    ew_csv_table_free(rows);

    /* The line that unlisted pairs take: weighted least squares (w = 1/rtt²)
     * of the rows' round trips on distance, by the normal equations here. Its
     * slope is a route factor of 1.0-3.0 on the fibre speed, its intercept a
     * few ms of routing and peering, and it misses the rows by a median 20%
     * at most (relative). */
    const ew_rtt_fit *fit = ew_rtt_table_fit(t);
    assert_non_null(fit);
    double slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx), icpt = (sy - slope * sx) / sw;
    assert_rel(fit->s_per_km, slope, 1e-9, "fit slope");
    assert_rel(fit->intercept_s, icpt, 1e-9, "fit intercept");
    double factor = fit->s_per_km * p.fibre_km_per_s / 2.0;
    print_message("  fit of %zu pairs: %.2f ms + %.3f x fibre time, median miss %.1f%%\n", fit->n,
                  fit->intercept_s * 1e3, factor, 100 * fit->median_rel_err);
    assert_true(factor >= 1.0 && factor <= 3.0);
    assert_true(fit->intercept_s >= 0 && fit->intercept_s <= 0.02);
    assert_true(fit->median_rel_err < 0.2);

    /* Every other pair takes the line (core: the line less two data-centre
     * last miles, as for a row); a region with itself, no core at all. */
    size_t n_formula = 0;
    for (size_t i = 0; i < nreg; i++)
        for (size_t j = 0; j < nreg; j++) {
            if (listed[i * nreg + j])
                continue;
            const ew_region *a = ew_region_catalog_at(c, i), *b = ew_region_catalog_at(c, j);
            double d = ew_great_circle_km(a->lat_deg, a->lon_deg, b->lat_deg, b->lon_deg);
            double want = i == j ? 2.0 * dc : fit->intercept_s + fit->s_per_km * d;
            assert_rel(ew_rtt_s(&p, a, EW_ACCESS_DATACENTRE, b, EW_ACCESS_DATACENTRE), want, 1e-9,
                       a->code);
            n_formula++;
        }
    assert_int_equal(n_formula, nreg * nreg - 2 * ew_rtt_table_count(t));
    free(listed);

    /* The reference pairs, as the regions that stand for the cities (us-east
     * is Ashburn, Virginia, for New York; us-west Los Angeles), data centres at
     * both ends. Rows of data/network_rtt.csv (Azure P50, 30 days to
     * 2026-07-30, mean of the two directions): gb-us-east 78 ms, us-west-jp
     * 107.5 ms, gb-sg 167 ms, us-east-au 201.5 ms. Measured ranges
     * (geocables.com): 70-80, 100-115, 160-180, 170-200 ms. Three lie inside;
     * us-east-au lies 1.5 ms above (every Azure snapshot read, 2023-2026, gives
     * 201-204 ms between Virginia and New South Wales). */
    struct { const char *a, *b; double table_ms, lo_ms, hi_ms; const char *what; } ref[] = {
        {"gb", "us-east", 78.0, 70.0, 80.0, "London-New York"},
        {"us-west", "jp", 107.5, 100.0, 115.0, "Los Angeles-Tokyo"},
        {"gb", "sg", 167.0, 160.0, 180.0, "London-Singapore"},
        {"us-east", "au", 201.5, 170.0, 200.0, "New York-Sydney"},
    };
    int inside = 0;
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        const ew_region *a = ew_region_catalog_at(c, (size_t)ew_region_find(c, ref[i].a));
        const ew_region *b = ew_region_catalog_at(c, (size_t)ew_region_find(c, ref[i].b));
        assert_non_null(a);
        assert_non_null(b);
        double rtt = ew_rtt_s(&p, a, EW_ACCESS_DATACENTRE, b, EW_ACCESS_DATACENTRE);
        assert_rel(rtt, ref[i].table_ms * 1e-3 - 2.0 * dc + dc + dc, 1e-9, ref[i].what);
        int in = rtt * 1e3 >= ref[i].lo_ms && rtt * 1e3 <= ref[i].hi_ms;
        inside += in;
        print_message("  %-8s %-8s %-18s %.3f ms (measured %.0f-%.0f ms) %s\n", ref[i].a,
                      ref[i].b, ref[i].what, rtt * 1e3, ref[i].lo_ms, ref[i].hi_ms,
                      in ? "inside" : "outside");
    }
    assert_true(inside >= 3);

    /* The table only replaces the core: from a fibre client in gb to a data
     * centre in us-east, 78 − 0.5 + 24 = 101.5 ms. */
    const ew_region *gb = ew_region_catalog_at(c, (size_t)ew_region_find(c, "gb"));
    const ew_region *use = ew_region_catalog_at(c, (size_t)ew_region_find(c, "us-east"));
    assert_rel(ew_rtt_s(&p, gb, EW_ACCESS_FIBRE, use, EW_ACCESS_DATACENTRE), 0.1015, 1e-9,
               "gb fibre -> us-east dc");
    /* without the table the same pair takes the formula again */
    p.measured = NULL;
    assert_rel(ew_rtt_s(&p, gb, EW_ACCESS_FIBRE, use, EW_ACCESS_DATACENTRE),
               rtt_by_hand(&p, gb->lat_deg, gb->lon_deg, EW_ACCESS_FIBRE, use->lat_deg,
                           use->lon_deg, EW_ACCESS_DATACENTRE),
               1e-9, "gb fibre -> us-east dc, formula");
    assert_true(isnan(ew_rtt_core_s(NULL, gb, use)));
    assert_true(isnan(ew_rtt_core_s(&p, gb, NULL)));
    ew_rtt_table_free(t);
    ew_region_catalog_free(c);
}

/* ---- unit conversion ------------------------------------------------------ */

#define NET_HEADER "parameter,access,value,unit,source,note\n"

/* A complete network file with made-up, non-round figures. `skip` (if not
 * NULL) drops the line that starts with it; `extra` is appended. */
static const char *network_text(const char *skip, const char *extra)
{
    static const char *const lines[] = {
        "fibre_km_per_s,all,204187.5,km/s,test,\n",
        "route_factor,all,1.2375,1,test,\n",
        "last_mile_ms,fibre,7.25,ms,test,\n",
        "last_mile_ms,cable,13.5,ms,test,\n",
        "last_mile_ms,dsl,27.75,ms,test,\n",
        "last_mile_ms,mobile,41.125,ms,test,\n",
        "last_mile_ms,datacentre,0.375,ms,test,\n",
        "bandwidth_mbps,fibre,873.6,Mbps,test,\n",
        "bandwidth_mbps,cable,412.8,Mbps,test,\n",
        "bandwidth_mbps,dsl,17.6,Mbps,test,\n",
        "bandwidth_mbps,mobile,63.2,Mbps,test,\n",
        "bandwidth_mbps,datacentre,25000,Mbps,test,\n",
        "energy_kwh_per_gb,fibre,0.0275,kWh/GB,test,\n",
        "energy_kwh_per_gb,cable,0.0325,kWh/GB,test,\n",
        "energy_kwh_per_gb,dsl,0.0475,kWh/GB,test,\n",
        "energy_kwh_per_gb,mobile,0.1375,kWh/GB,\"test, quoted\",\n",
        "energy_kwh_per_gb,datacentre,0.0125,kWh/GB,test,\n",
        "bytes_per_token,all,4.375,B/token,test,\n",
        "bytes_per_image,all,1234567,B,test,\n",
    };
    static char text[4096];
    snprintf(text, sizeof text, "# comment line\n%s", NET_HEADER);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (!skip || strncmp(lines[i], skip, strlen(skip)) != 0)
            strncat(text, lines[i], sizeof text - strlen(text) - 1);
    if (extra)
        strncat(text, extra, sizeof text - strlen(text) - 1);
    return text;
}

static void test_network_units(void **state)
{
    (void)state;
    ew_network_params p;
    ew_error err = {0};
    const char *path = write_tmp("net.csv", network_text(NULL, NULL));
    if (ew_network_params_load(path, &p, &err) != EW_OK)
        fail_msg("%s", err.msg);
    /* km/s and the factor stay as they are */
    assert_rel(p.fibre_km_per_s, 204187.5, 1e-15, "fibre");
    assert_rel(p.route_factor, 1.2375, 1e-15, "route factor");
    /* ms -> s: 7.25 ms = 0.00725 s, 41.125 ms = 0.041125 s */
    assert_rel(p.last_mile_s[EW_ACCESS_FIBRE], 0.00725, 1e-12, "fibre last mile");
    assert_rel(p.last_mile_s[EW_ACCESS_MOBILE], 0.041125, 1e-12, "mobile last mile");
    assert_rel(p.last_mile_s[EW_ACCESS_DATACENTRE], 0.000375, 1e-12, "dc last mile");
    /* Mbps -> B/s: 1 Mbit/s = 1e6 / 8 = 125,000 B/s; 873.6 Mbps = 109,200,000 B/s,
     * 17.6 Mbps = 2,200,000 B/s */
    assert_rel(p.bandwidth_bytes_per_s[EW_ACCESS_FIBRE], 109200000.0, 1e-12, "fibre bw");
    assert_rel(p.bandwidth_bytes_per_s[EW_ACCESS_DSL], 2200000.0, 1e-12, "dsl bw");
    assert_rel(p.bandwidth_bytes_per_s[EW_ACCESS_DATACENTRE], 3.125e9, 1e-12, "dc bw");
    /* kWh/GB -> J/B: 1 kWh = 3.6e6 J, 1 GB = 1e9 B, so × 3.6e-3;
     * 0.0275 kWh/GB = 9.9e-5 J/B, 0.1375 kWh/GB = 4.95e-4 J/B */
    assert_rel(p.j_per_byte[EW_ACCESS_FIBRE], 9.9e-5, 1e-12, "fibre energy");
    assert_rel(p.j_per_byte[EW_ACCESS_MOBILE], 4.95e-4, 1e-12, "mobile energy");
    assert_rel(p.j_per_byte[EW_ACCESS_DATACENTRE], 4.5e-5, 1e-12, "dc energy");
    assert_rel(p.bytes_per_token, 4.375, 1e-15, "bytes per token");
    assert_rel(p.bytes_per_image, 1234567.0, 1e-15, "bytes per image");

    /* the shipped file: 0.03 kWh/GB fixed = 1.08e-4 J/B, 0.14 mobile = 5.04e-4 J/B,
     * 24 ms fibre last mile = 0.024 s */
    if (ew_network_params_load("data/network.csv", &p, &err) != EW_OK)
        fail_msg("%s", err.msg);
    assert_rel(p.j_per_byte[EW_ACCESS_FIBRE], 1.08e-4, 1e-12, "data fibre energy");
    assert_rel(p.j_per_byte[EW_ACCESS_MOBILE], 5.04e-4, 1e-12, "data mobile energy");
    assert_rel(p.last_mile_s[EW_ACCESS_FIBRE], 0.024, 1e-12, "data fibre last mile");
}

/* ---- bad inputs ----------------------------------------------------------- */

#define REG_HEADER "code,name,lat_deg,lon_deg,grid_zone,source,note\n"
#define REG_ROW(code, lat, lon) code ",Test region," lat "," lon ",XX,test,\n"

static void test_bad_regions(void **state)
{
    (void)state;
    ew_region_catalog *c = NULL;
    ew_error err = {0};
    const char *path;

    /* line 1 comment, 2 header, 3 and 4 rows: the same code twice */
    path = write_tmp("dup.csv", "# regions\n" REG_HEADER REG_ROW("xa", "12.5", "-3.25")
                                    REG_ROW("xa", "14.5", "7.75"));
    expect_load_refusal(ew_region_catalog_load(path, &c, &err), &err, path, 4, 1,
                   "code: expected a unique region code, got \"xa\" (already on line 3)");
    assert_null(c);

    path = write_tmp("lat.csv", REG_HEADER REG_ROW("xa", "12.5", "-3.25") REG_ROW("xb", "95", "7.75"));
    expect_load_refusal(ew_region_catalog_load(path, &c, &err), &err, path, 3, 3,
                   "lat_deg: expected a latitude in [-90, 90] [deg], got \"95\"");

    path = write_tmp("latneg.csv", REG_HEADER REG_ROW("xa", "-90.5", "-3.25"));
    expect_load_refusal(ew_region_catalog_load(path, &c, &err), &err, path, 2, 3,
                   "lat_deg: expected a latitude in [-90, 90] [deg], got \"-90.5\"");

    path = write_tmp("lon.csv", REG_HEADER REG_ROW("xa", "12.5", "181"));
    expect_load_refusal(ew_region_catalog_load(path, &c, &err), &err, path, 2, 4,
                   "lon_deg: expected a longitude in [-180, 180] [deg], got \"181\"");

    path = write_tmp("nosrc.csv", REG_HEADER "xa,Test,12.5,-3.25,XX,,\n");
    expect_load_refusal(ew_region_catalog_load(path, &c, &err), &err, path, 2, 6,
                   "source: expected the source");

    path = write_tmp("nozone.csv", REG_HEADER "xa,Test,12.5,-3.25,,test,\n");
    expect_load_refusal(ew_region_catalog_load(path, &c, &err), &err, path, 2, 5,
                   "grid_zone: expected");

    path = write_tmp("nocol.csv", "code,name,lat_deg,lon_deg,source,note\nxa,T,1,2,test,\n");
    expect_load_refusal(ew_region_catalog_load(path, &c, &err), &err, path, 1, 1,
                   "header: missing column \"grid_zone\"");

    /* a missing file is an I/O error that names the file */
    snprintf(err.msg, sizeof err.msg, "%s", "");
    assert_int_equal(ew_region_catalog_load("/nonexistent/regions.csv", &c, &err), EW_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/regions.csv: cannot open"));
    assert_null(c);

    /* the well-formed rows load */
    path = write_tmp("ok.csv", REG_HEADER REG_ROW("xa", "-89.5", "-179.75") REG_ROW("xb", "90", "180"));
    if (ew_region_catalog_load(path, &c, &err) != EW_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(ew_region_catalog_count(c), 2);
    assert_int_equal(ew_region_find(c, "xb"), 1);
    assert_rel(ew_region_catalog_at(c, 0)->lat_deg, -89.5, 1e-15, "latitude");
    assert_string_equal(ew_region_catalog_at(c, 1)->grid_zone, "XX");
    ew_region_catalog_free(c);
}

static void test_bad_network(void **state)
{
    (void)state;
    ew_network_params p;
    ew_error err = {0};
    const char *path;
    /* network_text: line 1 comment, 2 header, rows from line 3 in the order listed */

    /* unknown access on an appended row (line 21, after 18 good rows) */
    path = write_tmp("acc.csv", network_text("last_mile_ms,mobile",
                                             "last_mile_ms,satellite,600,ms,test,\n"));
    expect_load_refusal(ew_network_params_load(path, &p, &err), &err, path, 21, 2,
                   "access: expected one of fibre, cable, dsl, mobile, datacentre, "
                   "got \"satellite\"");

    /* a missing parameter: no last_mile_ms row for mobile */
    path = write_tmp("miss.csv", network_text("last_mile_ms,mobile", NULL));
    expect_load_refusal(ew_network_params_load(path, &p, &err), &err, path, 2, 1,
                   "parameter: expected a row for last_mile_ms with access mobile, got none");

    path = write_tmp("miss2.csv", network_text("bytes_per_image", NULL));
    expect_load_refusal(ew_network_params_load(path, &p, &err), &err, path, 2, 1,
                   "expected a row for bytes_per_image with access all, got none");

    /* unknown parameter (line 22, after the 19 good rows) */
    path = write_tmp("par.csv", network_text(NULL, "jitter_ms,fibre,3,ms,test,\n"));
    expect_load_refusal(ew_network_params_load(path, &p, &err), &err, path, 22, 1,
                   "parameter: expected one of fibre_km_per_s, route_factor");

    /* the same parameter and access twice */
    path = write_tmp("twice.csv", network_text(NULL, "last_mile_ms,dsl,30,ms,test,\n"));
    expect_load_refusal(ew_network_params_load(path, &p, &err), &err, path, 22, 1,
                   "got last_mile_ms for dsl again (first on line 7)");

    /* wrong unit: seconds where the file promises milliseconds */
    path = write_tmp("unit.csv", network_text("last_mile_ms,cable",
                                              "last_mile_ms,cable,0.0135,s,test,\n"));
    expect_load_refusal(ew_network_params_load(path, &p, &err), &err, path, 21, 4,
                   "unit: expected ms (the unit of last_mile_ms), got \"s\"");

    /* a per-access parameter given for "all", a global one for an access */
    path = write_tmp("all.csv", network_text("bandwidth_mbps,dsl",
                                             "bandwidth_mbps,all,17.6,Mbps,test,\n"));
    expect_load_refusal(ew_network_params_load(path, &p, &err), &err, path, 21, 2,
                   "access: expected one of fibre, cable, dsl, mobile, datacentre, got \"all\"");
    path = write_tmp("glob.csv", network_text("route_factor",
                                              "route_factor,fibre,1.2375,1,test,\n"));
    expect_load_refusal(ew_network_params_load(path, &p, &err), &err, path, 21, 2,
                   "access: expected all (route_factor does not depend on the access)");

    /* out-of-range values: faster than light, a route shorter than the great
     * circle, zero bandwidth */
    path = write_tmp("c.csv", network_text("fibre_km_per_s", "fibre_km_per_s,all,300000,km/s,t,\n"));
    expect_load_refusal(ew_network_params_load(path, &p, &err), &err, path, 21, 3,
                   "value: expected a speed in (0, 299792.458] [km/s], got \"300000\"");
    path = write_tmp("rf.csv", network_text("route_factor", "route_factor,all,0.95,1,t,\n"));
    expect_load_refusal(ew_network_params_load(path, &p, &err), &err, path, 21, 3,
                   "value: expected a factor >= 1");
    path = write_tmp("bw.csv", network_text("bandwidth_mbps,fibre",
                                            "bandwidth_mbps,fibre,0,Mbps,t,\n"));
    expect_load_refusal(ew_network_params_load(path, &p, &err), &err, path, 21, 3,
                   "value: expected a number > 0 [Mbps], got \"0\"");

    /* a row without its source */
    path = write_tmp("src.csv", network_text("bytes_per_token", "bytes_per_token,all,4,B/token,,\n"));
    expect_load_refusal(ew_network_params_load(path, &p, &err), &err, path, 21, 5,
                   "source: expected the source");

    /* a refused file leaves the caller's parameters untouched */
    memset(&p, 0, sizeof p);
    p.route_factor = 7.0;
    path = write_tmp("miss3.csv", network_text("route_factor", NULL));
    assert_int_equal(ew_network_params_load(path, &p, &err), EW_EINVAL);
    assert_true(p.route_factor == 7.0 && p.fibre_km_per_s == 0.0);

    assert_int_equal(ew_network_params_load("/nonexistent/network.csv", &p, &err), EW_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/network.csv: cannot open"));
}

#define RTT_HEADER "region_a,region_b,rtt_ms,source,note\n"

static void test_bad_rtt_table(void **state)
{
    (void)state;
    ew_region_catalog *c = NULL;
    ew_rtt_table *t = NULL;
    ew_error err = {0};
    const char *path;
    if (ew_region_catalog_load("data/regions.csv", &c, &err) != EW_OK)
        fail_msg("%s", err.msg);

    /* line 1 comment, 2 header, rows from line 3 */
    path = write_tmp("unknown.csv", "# round trips\n" RTT_HEADER "gb,fr,10.5,t,\n"
                                    "gb,atlantis,12.5,t,\n");
    expect_load_refusal(ew_rtt_table_load(path, c, &t, &err), &err, path, 4, 2,
                        "region_b: expected a region code of the region catalogue (regions.csv), "
                        "got \"atlantis\"");
    assert_null(t);

    path = write_tmp("unknown_a.csv", RTT_HEADER "Gb,fr,10.5,t,\n");
    expect_load_refusal(ew_rtt_table_load(path, c, &t, &err), &err, path, 2, 1,
                        "region_a: expected a region code of the region catalogue (regions.csv), "
                        "got \"Gb\"");

    path = write_tmp("self.csv", RTT_HEADER "fr,fr,2.5,t,\n");
    expect_load_refusal(ew_rtt_table_load(path, c, &t, &err), &err, path, 2, 2,
                        "region_b: expected a region other than region_a, got \"fr\"");

    /* the same pair in the other order */
    path = write_tmp("twice.csv", "# round trips\n" RTT_HEADER "gb,fr,10.5,t,\nde,fr,18.5,t,\n"
                                  "fr,gb,11.25,t,\n");
    expect_load_refusal(ew_rtt_table_load(path, c, &t, &err), &err, path, 5, 1,
                        "region_a: expected each pair of regions once, got fr and gb again "
                        "(first on line 3)");

    path = write_tmp("zero.csv", RTT_HEADER "gb,fr,0,t,\n");
    expect_load_refusal(ew_rtt_table_load(path, c, &t, &err), &err, path, 2, 3,
                        "rtt_ms: expected a round trip > 0 [ms], got \"0\"");
    path = write_tmp("neg.csv", RTT_HEADER "gb,fr,-10.5,t,\n");
    expect_load_refusal(ew_rtt_table_load(path, c, &t, &err), &err, path, 2, 3,
                        "rtt_ms: expected a round trip > 0 [ms], got \"-10.5\"");
    path = write_tmp("word.csv", RTT_HEADER "gb,fr,fast,t,\n");
    expect_load_refusal(ew_rtt_table_load(path, c, &t, &err), &err, path, 2, 3,
                        "rtt_ms: expected a round trip > 0 [ms], got \"fast\"");

    path = write_tmp("nosrc.csv", RTT_HEADER "gb,fr,10.5,,\n");
    expect_load_refusal(ew_rtt_table_load(path, c, &t, &err), &err, path, 2, 4,
                        "source: expected the source");

    path = write_tmp("nocol.csv", "region_a,region_b,source,note\ngb,fr,t,\n");
    expect_load_refusal(ew_rtt_table_load(path, c, &t, &err), &err, path, 1, 1,
                        "header: missing column \"rtt_ms\"");

    path = write_tmp("empty.csv", "# nothing measured\n" RTT_HEADER);
    expect_load_refusal(ew_rtt_table_load(path, c, &t, &err), &err, path, 2, 1,
                        "round trips: expected at least one row, got none");
    assert_null(t);

    assert_int_equal(ew_rtt_table_load("/nonexistent/network_rtt.csv", c, &t, &err), EW_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/network_rtt.csv: cannot open"));
    assert_null(t);

    /* a good file: ms -> s (12.5 ms = 0.0125 s), either order, unlisted pairs */
    path = write_tmp("ok.csv", RTT_HEADER "gb,fr,12.5,t,\n\"de\",us-east,93.25,\"t, quoted\",n\n");
    if (ew_rtt_table_load(path, c, &t, &err) != EW_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(ew_rtt_table_count(t), 2);
    double v = -1.0;
    assert_int_equal(ew_rtt_table_find(t, "fr", "gb", &v), 1);
    assert_rel(v, 0.0125, 1e-15, "fr-gb");
    assert_int_equal(ew_rtt_table_find(t, "us-east", "de", &v), 1);
    assert_rel(v, 0.09325, 1e-15, "us-east-de");
    v = -1.0;
    assert_int_equal(ew_rtt_table_find(t, "gb", "de", &v), 0);
    assert_int_equal(ew_rtt_table_find(t, "gb", "gb", &v), 0);
    assert_int_equal(ew_rtt_table_find(NULL, "gb", "fr", &v), 0);
    assert_true(v == -1.0);   /* untouched when not listed */
    assert_int_equal(ew_rtt_table_count(NULL), 0);

    /* attached to parameters with made-up last miles (network_text): core =
     * 12.5 − 2 · 0.375 = 11.75 ms; dsl client to a cable server adds 27.75 +
     * 13.5 ms: 53.0 ms */
    ew_network_params p;
    path = write_tmp("net.csv", network_text(NULL, NULL));
    if (ew_network_params_load(path, &p, &err) != EW_OK)
        fail_msg("%s", err.msg);
    p.measured = t;
    const ew_region *gb = ew_region_catalog_at(c, (size_t)ew_region_find(c, "gb"));
    const ew_region *fr = ew_region_catalog_at(c, (size_t)ew_region_find(c, "fr"));
    assert_rel(ew_rtt_core_s(&p, fr, gb), 0.01175, 1e-12, "core fr-gb");
    assert_rel(ew_rtt_s(&p, gb, EW_ACCESS_DSL, fr, EW_ACCESS_CABLE), 0.053, 1e-12, "dsl-cable");
    ew_rtt_table_free(t);
    ew_rtt_table_free(NULL);
    ew_region_catalog_free(c);
}

#define HOST_HEADER "name,label,idle_w,busy_w,psu_efficiency,source,note\n"

static void test_bad_hosts(void **state)
{
    (void)state;
    ew_host_catalog *c = NULL;
    ew_error err = {0};
    const char *path;

    path = write_tmp("eff.csv", HOST_HEADER "box,Test box,37.5,62.5,0.875,test,\n"
                                            "hot,Hot box,37.5,62.5,1.2,test,\n");
    expect_load_refusal(ew_host_catalog_load(path, &c, &err), &err, path, 3, 5,
                   "psu_efficiency: expected an efficiency in (0, 1] [1], got \"1.2\"");
    assert_null(c);

    path = write_tmp("eff0.csv", HOST_HEADER "box,Test box,37.5,62.5,0,test,\n");
    expect_load_refusal(ew_host_catalog_load(path, &c, &err), &err, path, 2, 5,
                   "psu_efficiency: expected an efficiency in (0, 1] [1], got \"0\"");

    path = write_tmp("idle.csv", HOST_HEADER "box,Test box,62.5,37.5,0.875,test,\n");
    expect_load_refusal(ew_host_catalog_load(path, &c, &err), &err, path, 2, 4,
                   "busy_w: expected a number >= idle_w [W], got \"37.5\"");

    path = write_tmp("neg.csv", HOST_HEADER "box,Test box,-1,37.5,0.875,test,\n");
    expect_load_refusal(ew_host_catalog_load(path, &c, &err), &err, path, 2, 3,
                   "idle_w: expected a number >= 0 [W], got \"-1\"");

    path = write_tmp("dup.csv", HOST_HEADER "box,Test box,37.5,62.5,0.875,test,\n"
                                            "box,Other box,12.5,22.5,0.875,test,\n");
    expect_load_refusal(ew_host_catalog_load(path, &c, &err), &err, path, 3, 1,
                   "name: expected a unique host name, got \"box\" (already on line 2)");

    path = write_tmp("src.csv", HOST_HEADER "box,Test box,37.5,62.5,0.875,,\n");
    expect_load_refusal(ew_host_catalog_load(path, &c, &err), &err, path, 2, 6,
                   "source: expected the source");

    path = write_tmp("empty.csv", HOST_HEADER);
    expect_load_refusal(ew_host_catalog_load(path, &c, &err), &err, path, 1, 1,
                   "hosts: expected at least one row, got none");

    assert_int_equal(ew_host_catalog_load("/nonexistent/hosts.csv", &c, &err), EW_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/hosts.csv: cannot open"));

    /* equal idle and busy and an efficiency of exactly 1 are allowed */
    path = write_tmp("ok.csv", HOST_HEADER "box,Test box,37.5,37.5,1,test,\n");
    if (ew_host_catalog_load(path, &c, &err) != EW_OK)
        fail_msg("%s", err.msg);
    const ew_host *h = ew_host_find(c, "box");
    assert_non_null(h);
    assert_rel(h->idle_w, 37.5, 1e-15, "idle");
    assert_string_equal(h->label, "Test box");
    ew_host_catalog_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regions_all_load),
        cmocka_unit_test(test_network_loads),
        cmocka_unit_test(test_hosts_all_load),
        cmocka_unit_test(test_great_circle),
        cmocka_unit_test(test_rtt_formula_and_measured),
        cmocka_unit_test(test_rtt_measured_table),
        cmocka_unit_test_setup_teardown(test_network_units, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_bad_regions, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_bad_network, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_bad_rtt_table, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_bad_hosts, make_tmpdir, remove_tmpdir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
