/* test_grid.c — the grid data (data/grid/) and its loader (models/grid/grid.h):
 * the shipped tables cover every region of data/regions.csv; the mean
 * intensity over an interval equals the integral worked out by hand in the
 * comments for a constructed profile v[h] = 100 + 10 h + 0.25 h² (non-round
 * values, a fractional UTC offset, intervals across midnight and longer than
 * a day); the month fallback rules; bad files refused with their line. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "ew_tmp.h"

#include "ew.h"
#include "../../models/grid/grid.h"
#include "../../models/network/network.h"


static double v_of(int h)
{
    return 100.0 + 10.0 * h + 0.25 * h * h;
}

/* ---- building grid folders ------------------------------------------------ */

static char text[65536];

static void add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void add(const char *fmt, ...)
{
    size_t n = strlen(text);
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(text + n, sizeof text - n, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof text - n);
}

/* 24 rows of zone/month with v[h]·scale + shift, except hour `skip` (-1: none). */
static void add_day(const char *zone, int month, double scale, double shift, int skip)
{
    for (int h = 0; h < 24; h++)
        if (h != skip)
            add("%s,%d,%d,%.17g,test profile,\n", zone, month, h, v_of(h) * scale + shift);
}

#define ZONES                                                                                   \
    "zone,name,utc_offset_h,carbon_g_per_kwh,year,source,note\n"                               \
    "# three test zones; A and B yearly = the mean of the test profile v, 6241 / 24\n"            \
    "A,Zone A,5.5,260.041666666666667,2024,test,\n"                                             \
    "B,Zone B,-8,260.041666666666667,2024,test,\n"                                              \
    "C,Zone C,0,77.75,2024,test,\n"
#define PRICES_ABC                                                                              \
    "zone,residential_usd_per_kwh,industrial_usd_per_kwh,year,source,note\n"                   \
    "A,0.25,0.125,2024,test,\n"                                                                 \
    "B,0.3,,2024,test,no industrial source\n"                                                   \
    "C,0.1,0.05,2024,test,\n"
#define WATER_ABC                                                                               \
    "zone,water_l_per_kwh,year,source,note\n"                                                   \
    "A,1.5,2020,test,\n"                                                                        \
    "B,2.5,2020,test,\n"                                                                        \
    "C,3.5,2020,test,\n"
#define PROFILE_HEADER "zone,month,hour,carbon_g_per_kwh,source,note\n# local standard hours\n"

/* Writes the four files into tmpdir (profiles from `text`). */
static void write_grid(const char *zones, const char *prices, const char *water)
{
    write_tmp("zones.csv", zones);
    write_tmp("profiles.csv", text);
    write_tmp("prices.csv", prices);
    write_tmp("water.csv", water);
}

static ew_grid *load_ok(void)
{
    ew_grid *g = NULL;
    ew_error err = {0};
    if (ew_grid_load(tmpdir, &g, &err) != EW_OK)
        fail_msg("refused: %s", err.msg);
    return g;
}

/* The loader must refuse with EW_EINVAL and a message starting
 * "TMPDIR/FILE:LINE:COL: " and containing `frag`. */
static void expect_refusal(const char *file, int line, int col, const char *frag)
{
    ew_grid *g = NULL;
    ew_error err = {0};
    int rc = ew_grid_load(tmpdir, &g, &err);
    char path[600];
    snprintf(path, sizeof path, "%s/%s", tmpdir, file);
    expect_load_refusal(rc, &err, path, line, col, frag);
    assert_null(g);
}

/* ---- the shipped tables --------------------------------------------------- */

static void test_shipped_grid_covers_regions(void **state)
{
    (void)state;
    ew_grid *g = NULL;
    ew_error err = {0};
    if (ew_grid_load(EW_DATA_DIR "/grid", &g, &err) != EW_OK)
        fail_msg("%s", err.msg);
    size_t n = ew_grid_count(g);
    assert_int_equal(n, count_rows(EW_DATA_DIR "/grid/zones.csv"));
    ew_region_catalog *c = NULL;
    if (ew_region_catalog_load(EW_DATA_DIR "/regions.csv", &c, &err) != EW_OK)
        fail_msg("%s", err.msg);
    for (size_t i = 0; i < ew_region_catalog_count(c); i++) {
        const ew_region *r = ew_region_catalog_at(c, i);
        int zi = ew_grid_find(g, r->grid_zone);
        if (zi < 0)
            fail_msg("region %s: grid zone %s missing from data/grid/zones.csv", r->code,
                     r->grid_zone);
    }
    for (size_t i = 0; i < n; i++) {
        const ew_grid_zone *z = ew_grid_at(g, i);
        assert_true(z->utc_offset_h >= -12.0 && z->utc_offset_h <= 14.0);
        assert_true(z->carbon_g_per_kwh > 0.0 && z->carbon_g_per_kwh < 1500.0);
        assert_true(z->water_l_per_kwh > 0.0);
        assert_true(!isnan(z->price_residential_usd_per_kwh));
        for (int m = 0; m < EW_GRID_MONTHS; m++)
            for (int h = 0; h < 24; h++)
                assert_true(z->carbon_hourly[m][h] > 0.0 && z->carbon_hourly[m][h] < 1500.0);
        assert_int_equal(ew_grid_find(g, z->zone), (int)i);
    }
    assert_null(ew_grid_at(g, n));
    assert_int_equal(ew_grid_find(g, "ATLANTIS"), -1);
    static const char *const with_profile[] = {"DE", "GB", "FR", "US-CAL-CISO", "US-MIDA-PJM"};
    for (size_t i = 0; i < sizeof with_profile / sizeof with_profile[0]; i++) {
        const ew_grid_zone *z = ew_grid_at(g, (size_t)ew_grid_find(g, with_profile[i]));
        if (!z->has_profile)
            fail_msg("%s: expected a sourced profile", with_profile[i]);
        /* only month 0 is shipped: every month falls back to it */
        assert_memory_equal(z->carbon_hourly[7], z->carbon_hourly[0], sizeof z->carbon_hourly[0]);
    }
    /* spot checks against data/grid: California is cleanest at midday (solar), Germany
       dirtiest in the evening; Poland has no profile so it is flat at 614.98 */
    const ew_grid_zone *ca = ew_grid_at(g, (size_t)ew_grid_find(g, "US-CAL-CISO"));
    assert_true(ca->carbon_hourly[0][12] < ca->carbon_hourly[0][0]);
    assert_rel(ca->utc_offset_h, -8.0, 1e-12, "US-CAL-CISO offset");
    const ew_grid_zone *in = ew_grid_at(g, (size_t)ew_grid_find(g, "IN"));
    assert_rel(in->utc_offset_h, 5.5, 1e-12, "IN offset (Asia/Kolkata)");
    const ew_grid_zone *pl = ew_grid_at(g, (size_t)ew_grid_find(g, "PL"));
    assert_true(!pl->has_profile);
    assert_rel(pl->carbon_hourly[11][17], 614.98, 1e-12, "PL flat");
    assert_rel(ew_grid_carbon_mean(pl, 3, 1234.5, 98765.4), 614.98, 1e-12, "PL flat mean");
    ew_region_catalog_free(c);
    ew_grid_free(g);
    ew_grid_free(NULL);
}

/* ---- exact means on a constructed profile --------------------------------- */

static void test_mean_is_exact_integral(void **state)
{
    (void)state;
    text[0] = '\0';
    add(PROFILE_HEADER);
    add_day("A", 0, 1.0, 0.0, -1);
    add_day("B", 0, 1.0, 0.0, -1);
    write_grid(ZONES, PRICES_ABC, WATER_ABC);
    ew_grid *g = load_ok();
    const ew_grid_zone *a = ew_grid_at(g, 0), *b = ew_grid_at(g, 1);
    assert_true(a->has_profile && b->has_profile);

    /* v[0] = 100, v[1] = 110.25, v[2] = 121, v[5] = 156.25, v[6] = 169, v[23] = 462.25 */
    /* point values: zone A is UTC+5.5, so t = 1800 s is local 06:00 exactly */
    assert_rel(ew_grid_carbon_at(a, 0, 1800.0), 169.0, 1e-15, "A at 00:30 UTC = 06:00 local");
    assert_rel(ew_grid_carbon_at(a, 0, 1799.5), 156.25, 1e-15, "A just before 06:00 local");
    assert_rel(ew_grid_carbon_at(a, 0, 18.5 * 3600.0), 100.0, 1e-15, "A at local midnight");
    assert_rel(ew_grid_carbon_at(a, 0, -5.5 * 3600.0 - 1.0), 462.25, 1e-15, "A before t = 0");
    assert_rel(ew_grid_carbon_at(b, 0, 0.0), v_of(16), 1e-15, "B at 00:00 UTC = 16:00 local");
    assert_rel(ew_grid_carbon_at(a, 99, 1800.0), 169.0, 1e-15, "month outside 0..12 reads 0");

    /* A over 17:45..21:00 UTC = local 23:15 (day 0) .. 02:30 (day 1), 3.25 h:
       0.75·462.25 + 100 + 110.25 + 0.5·121 = 346.6875 + 210.25 + 60.5 = 617.4375;
       mean = 617.4375 / 3.25 = 189.980769230769... */
    double t0 = 17.75 * 3600.0, t1 = 21.0 * 3600.0;
    assert_rel(ew_grid_carbon_mean(a, 0, t0, t1), 617.4375 / 3.25, 1e-12, "A across midnight");
    assert_rel(ew_grid_carbon_mean(a, 0, t1, t0), 617.4375 / 3.25, 1e-12, "A reversed");
    /* shifted by whole days: the same */
    assert_rel(ew_grid_carbon_mean(a, 0, t0 + 5 * 86400.0, t1 + 5 * 86400.0), 617.4375 / 3.25,
               1e-12, "A five days later");

    /* B (UTC-8) over t = 0 .. 30 h: local -8 .. 22 h = hours 16..23 of the previous day
       and 0..21: Σ_0^23 v + Σ_16^21 v. Σ_0^23 v = 2400 + 10·276 + 0.25·4324 = 6241;
       Σ_16^21 v = 324 + 342.25 + 361 + 380.25 + 400 + 420.25 = 2227.75;
       mean = (6241 + 2227.75) / 30 = 282.2916666... */
    assert_rel(ew_grid_carbon_mean(b, 0, 0.0, 30 * 3600.0), 8468.75 / 30.0, 1e-12,
               "B over 30 h");
    /* a whole day averages the 24 values: 6241 / 24 */
    assert_rel(ew_grid_carbon_mean(a, 0, 1234.0, 1234.0 + 86400.0), 6241.0 / 24.0, 1e-12,
               "A over any 24 h");
    /* inside one piece: the piece's value; empty interval: the value at t0 */
    assert_rel(ew_grid_carbon_mean(a, 0, 1900.0, 2000.0), 169.0, 1e-12, "A inside 06:00..07:00");
    assert_rel(ew_grid_carbon_mean(a, 0, 1800.0, 1800.0), 169.0, 1e-15, "A empty interval");

    /* independent check: sum over 1-second steps (each step lies inside one piece since
       every boundary falls on a whole second here) */
    double s = 0.0;
    for (long t = (long)t0; t < (long)t1; t++)
        s += ew_grid_carbon_at(a, 0, (double)t);
    assert_rel(ew_grid_carbon_mean(a, 0, t0, t1), s / (t1 - t0), 1e-12, "A against a sum");
    ew_grid_free(g);
}

/* ---- month fallback rules --------------------------------------------------- */

static void test_month_fallbacks(void **state)
{
    (void)state;
    text[0] = '\0';
    add(PROFILE_HEADER);
    add_day("A", 3, 0.5, 0.0, -1);    /* A: months 3 and 5, no month 0 */
    add_day("A", 5, 1.5, 0.0, -1);
    add_day("B", 0, 1.0, 0.0, -1);    /* B: month 0 and month 2 */
    add_day("B", 2, 0.5, 0.0, -1);
    write_grid(ZONES, PRICES_ABC, WATER_ABC);   /* C: no rows */
    ew_grid *g = load_ok();
    const ew_grid_zone *a = ew_grid_at(g, 0), *b = ew_grid_at(g, 1), *c = ew_grid_at(g, 2);
    for (int h = 0; h < 24; h++) {
        double m3 = 0.5 * v_of(h), m5 = 1.5 * v_of(h);
        /* month 0 = hour-by-hour mean of the given months */
        assert_rel(a->carbon_hourly[0][h], (m3 + m5) / 2.0, 1e-15, "A month 0");
        assert_rel(a->carbon_hourly[3][h], m3, 1e-15, "A month 3");
        assert_rel(a->carbon_hourly[5][h], m5, 1e-15, "A month 5");
        /* months without rows use month 0 */
        assert_rel(a->carbon_hourly[1][h], (m3 + m5) / 2.0, 1e-15, "A month 1");
        assert_rel(a->carbon_hourly[12][h], (m3 + m5) / 2.0, 1e-15, "A month 12");
        assert_rel(b->carbon_hourly[0][h], v_of(h), 1e-15, "B month 0");
        assert_rel(b->carbon_hourly[2][h], 0.5 * v_of(h), 1e-15, "B month 2");
        assert_rel(b->carbon_hourly[9][h], v_of(h), 1e-15, "B month 9");
        for (int m = 0; m < EW_GRID_MONTHS; m++)
            assert_rel(c->carbon_hourly[m][h], 77.75, 1e-15, "C flat at its yearly average");
    }
    assert_true(a->has_profile && b->has_profile);
    assert_true(!c->has_profile);
    /* prices and water: an empty price reads NAN */
    assert_rel(a->price_industrial_usd_per_kwh, 0.125, 1e-15, "A industrial");
    assert_true(isnan(b->price_industrial_usd_per_kwh));
    assert_rel(c->water_l_per_kwh, 3.5, 1e-15, "C water");
    /* month 5 of A at local 10:00 (04:30 UTC): 1.5·(100 + 100 + 25) = 337.5 */
    assert_rel(ew_grid_carbon_at(a, 5, 4.5 * 3600.0), 337.5, 1e-15, "A month 5 at 10:00");
    ew_grid_free(g);
}

/* The profile gives the shape, zones.csv the level: the test profile v
 * averages 6241 / 24, so zone C's days are v scaled by 77.75 / (6241 / 24),
 * every month by the same factor. */
static void test_profile_scaled_to_yearly(void **state)
{
    (void)state;
    text[0] = '\0';
    add(PROFILE_HEADER);
    add_day("C", 0, 1.0, 0.0, -1);
    add_day("C", 7, 2.0, 0.0, -1);
    write_grid(ZONES, PRICES_ABC, WATER_ABC);
    ew_grid *g = load_ok();
    const ew_grid_zone *c = ew_grid_at(g, 2);
    double k = 77.75 / (6241.0 / 24.0), mean = 0.0;
    for (int h = 0; h < 24; h++) {
        assert_rel(c->carbon_hourly[0][h], k * v_of(h), 1e-12, "C month 0, scaled");
        assert_rel(c->carbon_hourly[7][h], 2.0 * k * v_of(h), 1e-12, "C month 7, same factor");
        mean += c->carbon_hourly[0][h] / 24.0;
    }
    assert_rel(mean, 77.75, 1e-12, "C all-year day averages its yearly figure");
    ew_grid_free(g);
}

/* ---- bad files -------------------------------------------------------------- */

/* The profile text: 24 rows of A month 0 (lines 3..26), then `extra`. */
static void profile_with(const char *extra)
{
    text[0] = '\0';
    add(PROFILE_HEADER);
    add_day("A", 0, 1.0, 0.0, -1);
    add("%s", extra);
}

static void test_bad_files(void **state)
{
    (void)state;
    profile_with("ZZ,0,0,100,test,\n");
    write_grid(ZONES, PRICES_ABC, WATER_ABC);
    expect_refusal("profiles.csv", 27, 1, "zone: expected a zone of zones.csv, got \"ZZ\"");

    profile_with("A,0,5,100,test,\n");
    write_grid(ZONES, PRICES_ABC, WATER_ABC);
    expect_refusal("profiles.csv", 27, 3, "hour: expected a unique (zone, month, hour)");

    profile_with("A,1,24,100,test,\n");
    write_grid(ZONES, PRICES_ABC, WATER_ABC);
    expect_refusal("profiles.csv", 27, 3, "hour: expected a local hour 0..23, got \"24\"");

    profile_with("A,1,2.5,100,test,\n");
    write_grid(ZONES, PRICES_ABC, WATER_ABC);
    expect_refusal("profiles.csv", 27, 3, "hour: expected a local hour 0..23, got \"2.5\"");

    profile_with("A,13,0,100,test,\n");
    write_grid(ZONES, PRICES_ABC, WATER_ABC);
    expect_refusal("profiles.csv", 27, 2, "month: expected a month 0..12");

    profile_with("A,2,0,-1,test,\n");
    write_grid(ZONES, PRICES_ABC, WATER_ABC);
    expect_refusal("profiles.csv", 27, 4, "carbon_g_per_kwh: expected a number >= 0");

    profile_with("A,2,0,100,,\n");
    write_grid(ZONES, PRICES_ABC, WATER_ABC);
    expect_refusal("profiles.csv", 27, 5, "source: expected the source");

    /* an incomplete day: B month 4 without hour 7, rows from line 27 */
    profile_with("");
    add_day("B", 4, 1.0, 0.0, 7);
    write_grid(ZONES, PRICES_ABC, WATER_ABC);
    expect_refusal("profiles.csv", 27, 3,
                   "hour: expected all 24 hours 0..23 of zone \"B\" month 4, got 23 (hour 7 "
                   "missing)");

    /* zones of zones.csv missing from prices.csv and water.csv */
    profile_with("");
    write_grid(ZONES,
               "zone,residential_usd_per_kwh,industrial_usd_per_kwh,year,source,note\n"
               "A,0.25,0.125,2024,test,\n"
               "C,0.1,0.05,2024,test,\n",
               WATER_ABC);
    expect_refusal("prices.csv", 1, 1,
                   "zone: expected a row for every zone of zones.csv, got none for \"B\"");
    write_grid(ZONES, PRICES_ABC,
               "zone,water_l_per_kwh,year,source,note\n"
               "A,1.5,2020,test,\n"
               "B,2.5,2020,test,\n");
    expect_refusal("water.csv", 1, 1,
                   "zone: expected a row for every zone of zones.csv, got none for \"C\"");
    write_grid(ZONES, PRICES_ABC, WATER_ABC "B,2.5,2020,test,\n");
    expect_refusal("water.csv", 5, 1, "zone: expected one row per zone, got \"B\" again");
    write_grid(ZONES, PRICES_ABC "D,0.1,0.05,2024,test,\n", WATER_ABC);
    expect_refusal("prices.csv", 5, 1, "zone: expected a zone of zones.csv, got \"D\"");

    /* zones.csv itself */
    write_grid(ZONES "A,Again,1,1,2024,test,\n", PRICES_ABC, WATER_ABC);
    expect_refusal("zones.csv", 6, 1, "zone: expected a unique zone, got \"A\"");
    write_grid("zone,name,utc_offset_h,carbon_g_per_kwh,year,source,note\n"
               "A,Zone A,15,1,2024,test,\n",
               PRICES_ABC, WATER_ABC);
    expect_refusal("zones.csv", 2, 3, "utc_offset_h: expected an offset in [-12, 14] [h]");
    write_grid("zone,name,utc_offset_h,year,source,note\n", PRICES_ABC, WATER_ABC);
    expect_refusal("zones.csv", 1, 1, "header: missing column \"carbon_g_per_kwh\"");

    /* a missing file: EW_EIO naming it */
    write_grid(ZONES, PRICES_ABC, WATER_ABC);
    char path[600];
    snprintf(path, sizeof path, "%s/water.csv", tmpdir);
    assert_int_equal(unlink(path), 0);
    ew_grid *g = NULL;
    ew_error err = {0};
    assert_int_equal(ew_grid_load(tmpdir, &g, &err), EW_EIO);
    assert_null(g);
    assert_non_null(strstr(err.msg, "water.csv"));
    print_message("  refused: %s\n", err.msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_grid_covers_regions),
        cmocka_unit_test_setup_teardown(test_mean_is_exact_integral, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_month_fallbacks, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_profile_scaled_to_yearly, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_bad_files, make_tmpdir, remove_tmpdir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
