/* test_figtable.c — the figure tables (sim/figtable.h): a table written to
 * HDF5 and read back is identical (names, units, descriptions, every value
 * bit for bit, NAN and UTF-8 included); the same tables give the same file
 * bytes; the stored types are IEEE little-endian doubles and variable-length
 * UTF-8 strings; CSV bytes are exactly those worked out by hand below;
 * listing gives the table groups sorted; a missing table, a non-table and
 * bad column names are refused with EW_EINVAL and a message naming the file.
 *
 * Run as `test_figtable --fixture PATH [TITLE [--hostile-names]]` it
 * writes, instead, a small results file with every figure table, a
 * headline, provenance tables and a scenario (the scenario title TITLE; with
 * --hostile-names an arm and a parameter value that try to run commands):
 * tests/cli/test_plot.sh and test_report.sh draw from it without waiting
 * for a full run. */
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

#include "figtable.h"

/* ---- helpers ------------------------------------------------------------------ */

/* A new HDF5 file at path, object timestamps off as in results.h5. */
static hid_t create_file(const char *path)
{
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    assert_true(fcpl >= 0 && H5Pset_obj_track_times(fcpl, 0) >= 0);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    H5Pclose(fcpl);
    assert_true(f >= 0);
    return f;
}

static hid_t create_group(hid_t loc, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    assert_true(gcpl >= 0 && H5Pset_obj_track_times(gcpl, 0) >= 0);
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    assert_true(g >= 0);
    return g;
}

static void write_table(hid_t parent, const ew_table *t)
{
    ew_error err = {0};
    if (ew_table_write_h5(parent, t, &err) != EW_OK)
        fail_msg("write %s: %s", t->name, err.msg);
}

static void add_num(ew_table *t, const char *name, const char *units, const double *v)
{
    char desc[160];
    snprintf(desc, sizeof desc, "%s of each row", name);
    assert_int_equal(ew_table_add_num(t, name, units, desc, v), EW_OK);
}

static void add_text(ew_table *t, const char *name, const char *const *v)
{
    assert_int_equal(ew_table_add_text(t, name, "labels", v), EW_OK);
}

/* The whole file as a malloc'd buffer; *n its size. */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    unsigned char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    *n = fread(buf, 1, (size_t)size, f);
    buf[*n] = '\0';
    fclose(f);
    return buf;
}

/* A table with text (commas, quotes, UTF-8, empty) and numbers (NAN,
 * negative, tiny, large) over 4 rows. */
static ew_table *sample_table(const char *name)
{
    static const char *const label[] = {"dc", "edge, home", "say \"hi\" \xc2\xb5s", ""};
    static const double wh[] = {0.2375, NAN, -1.5e-300, 123456789012.0};
    static const double p95[] = {1.0 / 3.0, 2.0, 0.0, -0.0};
    ew_table *t = ew_table_new(name, "Sample rows for the round trip.", 4);
    assert_non_null(t);
    add_text(t, "label", label);
    add_num(t, "wh_per_query", "Wh", wh);
    add_num(t, "latency_p95_s", "s", p95);
    return t;
}

/* a and b agree in every name, attribute and value (bit for bit). */
static void assert_same_table(const ew_table *a, const ew_table *b)
{
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->description, b->description);
    assert_int_equal(a->n_rows, b->n_rows);
    assert_int_equal(a->n_cols, b->n_cols);
    for (size_t j = 0; j < a->n_cols; j++) {
        const ew_column *x = &a->cols[j], *y = &b->cols[j];
        assert_string_equal(x->name, y->name);
        assert_string_equal(x->units, y->units);
        assert_string_equal(x->description, y->description);
        assert_int_equal(x->is_text, y->is_text);
        for (size_t i = 0; i < a->n_rows; i++) {
            if (x->is_text)
                assert_string_equal(x->text[i], y->text[i]);
            else if (memcmp(&x->num[i], &y->num[i], sizeof(double)) != 0)
                fail_msg("%s[%zu]: %.17g != %.17g", x->name, i, x->num[i], y->num[i]);
        }
    }
}

/* ---- tests ---------------------------------------------------------------------- */

static void test_round_trip(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/round.h5", tmpdir);
    ew_table *t = sample_table("frontier"), *empty = ew_table_new("empty", "", 0);
    assert_non_null(empty);
    add_num(empty, "x", "1", NULL);
    add_text(empty, "arm", NULL);

    hid_t f = create_file(path), g = create_group(f, "figures");
    write_table(g, t);
    write_table(g, empty);
    H5Gclose(g);
    H5Fclose(f);

    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    g = H5Gopen2(f, "figures", H5P_DEFAULT);
    ew_table *back = NULL, *back_empty = NULL;
    ew_error err = {0};
    if (ew_table_read_h5(g, "frontier", &back, &err) != EW_OK ||
        ew_table_read_h5(g, "empty", &back_empty, &err) != EW_OK)
        fail_msg("read: %s", err.msg);
    assert_same_table(t, back);
    assert_same_table(empty, back_empty);
    assert_non_null(ew_table_column(back, "latency_p95_s"));
    assert_null(ew_table_column(back, "latency_p50_s"));

    /* the stored types: IEEE little-endian doubles, variable-length UTF-8 */
    hid_t d = H5Dopen2(g, "frontier/wh_per_query", H5P_DEFAULT), ty = H5Dget_type(d);
    assert_true(H5Tequal(ty, H5T_IEEE_F64LE) > 0);
    H5Tclose(ty);
    H5Dclose(d);
    d = H5Dopen2(g, "frontier/label", H5P_DEFAULT);
    ty = H5Dget_type(d);
    assert_true(H5Tis_variable_str(ty) > 0);
    assert_int_equal(H5Tget_cset(ty), H5T_CSET_UTF8);
    H5Tclose(ty);
    H5Dclose(d);
    H5Gclose(g);
    H5Fclose(f);
    ew_table_free(t);
    ew_table_free(back);
    ew_table_free(empty);
    ew_table_free(back_empty);
}

/* Two files written alike hold the same bytes: no timestamps anywhere. */
static void test_same_bytes(void **state)
{
    (void)state;
    unsigned char *buf[2];
    size_t n[2];
    for (int k = 0; k < 2; k++) {
        char path[600];
        snprintf(path, sizeof path, "%s/bytes%d.h5", tmpdir, k);
        ew_table *a = sample_table("frontier"), *b = sample_table("sweep");
        hid_t f = create_file(path), g = create_group(f, "figures");
        write_table(g, a);
        write_table(g, b);
        H5Gclose(g);
        H5Fclose(f);
        ew_table_free(a);
        ew_table_free(b);
        buf[k] = slurp(path, &n[k]);
    }
    assert_int_equal(n[0], n[1]);
    assert_memory_equal(buf[0], buf[1], n[0]);
    free(buf[0]);
    free(buf[1]);
}

/* By hand: libcsv quotes only the fields with a comma or a quote (doubling
 * the quote); %.10g gives 0.2375, 1.23456789e+11 (10 significant digits,
 * trailing zeros dropped), 0.3333333333, -1.5e-300, and -0 for -0.0; NAN is
 * an empty field. */
static void test_csv_bytes(void **state)
{
    (void)state;
    static const char want[] =
        "label,wh_per_query,latency_p95_s\n"
        "dc,0.2375,0.3333333333\n"
        "\"edge, home\",,2\n"
        "\"say \"\"hi\"\" \xc2\xb5s\",-1.5e-300,0\n"
        ",1.23456789e+11,-0\n";
    char path[600];
    snprintf(path, sizeof path, "%s/frontier.csv", tmpdir);
    ew_table *t = sample_table("frontier");
    ew_error err = {0};
    if (ew_table_write_csv(t, path, &err) != EW_OK)
        fail_msg("%s", err.msg);
    size_t n;
    unsigned char *got = slurp(path, &n);
    assert_string_equal((const char *)got, want);
    free(got);
    ew_table_free(t);

    snprintf(path, sizeof path, "%s/no/such/folder.csv", tmpdir);
    t = sample_table("frontier");
    assert_int_equal(ew_table_write_csv(t, path, &err), EW_EIO);
    assert_non_null(strstr(err.msg, path));
    ew_table_free(t);
}

/* Listing gives the groups only, sorted bytewise whatever the write order. */
static void test_list(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/list.h5", tmpdir);
    hid_t f = create_file(path), g = create_group(f, "figures");
    static const char *const order[] = {"sweep", "frontier", "power_by_kind-edge",
                                        "latency_cdf", "power_by_kind-dc"};
    for (size_t i = 0; i < 5; i++) {
        ew_table *t = sample_table(order[i]);
        write_table(g, t);
        ew_table_free(t);
    }
    /* a dataset beside the tables is not a table */
    hsize_t one = 1;
    double v = 1.0;
    hid_t sp = H5Screate_simple(1, &one, NULL);
    hid_t d = H5Dcreate2(g, "stray", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v);
    H5Dclose(d);
    H5Sclose(sp);

    char **names = NULL;
    size_t n = 0;
    ew_error err = {0};
    assert_int_equal(ew_table_list_h5(g, &names, &n, &err), EW_OK);
    static const char *const want[] = {"frontier", "latency_cdf", "power_by_kind-dc",
                                       "power_by_kind-edge", "sweep"};
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(names[i], want[i]);
        free(names[i]);
    }
    free(names);
    H5Gclose(g);
    H5Fclose(f);
}

/* A missing table, a dataset that is not a table, a table written twice and
 * names that would not read back are refused as bad input, naming the file. */
static void test_errors(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/errors.h5", tmpdir);
    hid_t f = create_file(path), g = create_group(f, "figures");
    ew_table *t = sample_table("frontier");
    write_table(g, t);

    ew_table *got = (ew_table *)1;
    ew_error err = {0};
    assert_int_equal(ew_table_read_h5(g, "headline", &got, &err), EW_EINVAL);
    assert_null(got);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "/figures/headline"));
    print_message("  refused: %s\n", err.msg);

    assert_int_equal(ew_table_read_h5(g, "frontier/wh_per_query", &got, &err), EW_EINVAL);
    assert_int_equal(ew_table_write_h5(g, t, &err), EW_EINVAL);   /* already there */
    assert_non_null(strstr(err.msg, "already exists"));

    ew_table *bad = ew_table_new("bad", "", 1);
    assert_non_null(bad);
    add_num(bad, "a,b", "1", NULL);
    assert_int_equal(ew_table_write_h5(g, bad, &err), EW_EINVAL);
    assert_non_null(strstr(err.msg, "a,b"));
    ew_table_free(bad);
    bad = ew_table_new("twice", "", 1);
    add_num(bad, "x", "1", NULL);
    add_num(bad, "x", "1", NULL);
    assert_int_equal(ew_table_write_h5(g, bad, &err), EW_EINVAL);
    assert_non_null(strstr(err.msg, "twice"));
    ew_table_free(bad);

    char long_name[EW_TABLE_NAME_MAX + 1];
    memset(long_name, 'a', EW_TABLE_NAME_MAX);
    long_name[EW_TABLE_NAME_MAX] = '\0';
    assert_int_equal(ew_table_add_num(t, long_name, "1", "", NULL), EW_EINVAL);
    ew_table_free(t);
    H5Gclose(g);
    H5Fclose(f);
}

/* ---- the fixture for the command-line tests ------------------------------------- */

#define N_CDF 99

/* The second arm's name, and the second sweep parameter's second value:
 * plain, or with --hostile-names text that would run commands if it ever
 * reached gnuplot as a command rather than a quoted string. */
static const char *arm2 = "edge_first", *objective2 = "5s";
static const char hostile_arm[] = "edge'); system('touch PWNED3'); print('";
static const char hostile_value[] = "5s` touch PWNED4` @arm \\ \"";
#define N_BINS 97
#define PI 3.14159265358979323846

/* Scalar string attribute or dataset, fixed-length as output_h5.c writes. */
static void put_string(hid_t loc, const char *name, const char *text, int dataset)
{
    hid_t ty = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR);
    H5Tset_size(ty, strlen(text) + 1);
    H5Tset_cset(ty, H5T_CSET_UTF8);
    hid_t o = dataset ? H5Dcreate2(loc, name, ty, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)
                      : H5Acreate2(loc, name, ty, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (dataset)
        H5Dwrite(o, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, text);
    else
        H5Awrite(o, ty, text);
    if (dataset)
        H5Dclose(o);
    else
        H5Aclose(o);
    H5Sclose(sp);
    H5Tclose(ty);
}

static void fixture_boundaries(hid_t g)
{
    const char *const arm[] = {"dc", arm2};
    /* cumulative boundaries [Wh per query]: each adds to the last */
    static const double b[5][2] = {{0.12, 0.31}, {0.17, 0.52}, {0.21, 1.40},
                                   {0.235, 1.40}, {0.236, 1.43}};
    static const char *const names[5] = {"b1_accelerator_wh", "b2_host_wh", "b3_idle_wh",
                                         "b4_facility_wh", "b5_network_wh"};
    static const char *const ci[5] = {"b1_ci95_wh", "b2_ci95_wh", "b3_ci95_wh", "b4_ci95_wh",
                                      "b5_ci95_wh"};
    ew_table *t = ew_table_new("energy_by_boundary", "Energy per query at each boundary.", 2);
    add_text(t, "arm", arm);
    for (int k = 0; k < 5; k++) {
        double half[2] = {b[k][0] * 0.04, b[k][1] * 0.07};
        add_num(t, names[k], "Wh", b[k]);
        add_num(t, ci[k], "Wh", half);
    }
    write_table(g, t);
    ew_table_free(t);
}

static void fixture_cdf(hid_t g)
{
    double q[N_CDF], dc[N_CDF], edge[N_CDF];
    for (int i = 0; i < N_CDF; i++) {
        q[i] = (i + 1) / 100.0;
        dc[i] = 0.4 - 1.1 * log(1.0 - q[i]);     /* exponential tails over a floor */
        edge[i] = 0.9 - 2.3 * log(1.0 - q[i]);
    }
    ew_table *t = ew_table_new("latency_cdf", "End-to-end latency quantiles.", N_CDF);
    add_num(t, "q", "1", q);
    add_num(t, "dc", "s", dc);
    add_num(t, arm2, "s", edge);
    write_table(g, t);
    ew_table_free(t);
}

static void fixture_power(hid_t g, const char *arm, double edge_scale)
{
    double th[N_BINS], dc[N_BINS], edge[N_BINS], ci_dc[N_BINS], ci_edge[N_BINS];
    for (int i = 0; i < N_BINS; i++) {
        th[i] = i * 0.25;
        double day = sin(2.0 * PI * (th[i] - 8.0) / 24.0);
        dc[i] = 42.0 + 9.0 * day * (1.0 - edge_scale);
        edge[i] = edge_scale * (310.0 + 60.0 * day);
        ci_dc[i] = 380.0 + 70.0 * cos(2.0 * PI * th[i] / 24.0);
        ci_edge[i] = edge_scale > 0.0 ? 300.0 + 90.0 * day : NAN;
    }
    char name[EW_TABLE_NAME_MAX];
    snprintf(name, sizeof name, "power_by_kind-%s", arm);
    ew_table *t = ew_table_new(name, "Power by site kind.", N_BINS);
    add_num(t, "t_h", "h", th);
    add_num(t, "dc_kw", "kW", dc);
    add_num(t, "edge_kw", "kW", edge);
    add_num(t, "dc_gco2_per_kwh", "gCO2e/kWh", ci_dc);
    add_num(t, "edge_gco2_per_kwh", "gCO2e/kWh", ci_edge);
    write_table(g, t);
    ew_table_free(t);
}

/* Rows 1 and 2 lie at the same place (an arm a sweep parameter does not
 * touch): the key names them once, "dc (2 points alike)". */
static void fixture_frontier(hid_t g)
{
    const char *const label[] = {"dc: n=10", "dc: n=100", arm2, "carbon_aware"};
    static const double wh[] = {0.236, 0.236, 1.43, 0.98}, ci[] = {0.01, 0.01, 0.1, 0.07};
    static const double p95[] = {3.9, 3.9, 9.8, 6.1}, mean[] = {1.5, 1.5, 3.2, 2.4};
    static const double mean_ci[] = {0.02, 0.02, 0.05, 0.04};
    ew_table *t = ew_table_new("frontier", "Energy against latency per arm.", 4);
    add_text(t, "label", label);
    add_num(t, "wh_per_query", "Wh", wh);
    add_num(t, "wh_ci95", "Wh", ci);
    add_num(t, "latency_p95_s", "s", p95);
    add_num(t, "latency_mean_s", "s", mean);
    add_num(t, "latency_mean_ci95_s", "s", mean_ci);
    write_table(g, t);
    ew_table_free(t);
}

/* 4 node counts over 3 decades × 2 latency objectives × 2 arms. */
static void fixture_sweep(hid_t g)
{
    enum { N = 16 };
    static const char *const nodes[] = {"100", "1000", "10000", "100000"};
    const char *const objective[] = {"2s", objective2};
    const char *const arm[] = {"dc", arm2};
    const char *point[N], *p1[N], *p2[N], *a[N];
    char point_buf[N][8];
    double x[N], wh[N], wh_ci[N], p95[N], lat[N], lat_ci[N], co2[N], co2_ci[N], usd[N],
        usd_ci[N], share[N], share_ci[N];
    for (int i = 0; i < N; i++) {
        int n = i / 4, o = (i / 2) % 2, k = i % 2;
        snprintf(point_buf[i], sizeof point_buf[i], "%d", i / 2);
        point[i] = point_buf[i];
        p1[i] = nodes[n];
        p2[i] = objective[o];
        a[i] = arm[k];
        x[i] = atof(nodes[n]);
        wh[i] = k ? 0.3 + 3.0 / (1.0 + n) + 0.1 * o : 0.24;
        wh_ci[i] = 0.05 * wh[i];
        p95[i] = k ? 4.0 + n + 2.0 * o : 3.9;
        lat[i] = p95[i] / 2.5;
        lat_ci[i] = 0.03 * lat[i];
        co2[i] = 0.4 * wh[i];
        co2_ci[i] = 0.4 * wh_ci[i];
        usd[i] = 0.5 + 0.1 * n;
        usd_ci[i] = 0.02;
        share[i] = k ? 0.2 * n : 0.0;
        share_ci[i] = 0.01;
    }
    ew_table *t = ew_table_new("sweep", "A sweep of edge size and latency objective.", N);
    add_text(t, "point", point);
    add_text(t, "arm", a);
    add_text(t, "sites[1].servers", p1);
    add_text(t, "routing.latency_objective", p2);
    add_num(t, "x", "1", x);
    add_num(t, "wh_per_query", "Wh", wh);
    add_num(t, "wh_ci95", "Wh", wh_ci);
    add_num(t, "latency_p95_s", "s", p95);
    add_num(t, "latency_mean_s", "s", lat);
    add_num(t, "latency_mean_ci95_s", "s", lat_ci);
    add_num(t, "co2_g_per_query", "gCO2e", co2);
    add_num(t, "co2_ci95_g", "gCO2e", co2_ci);
    add_num(t, "usd_per_1k_queries", "USD", usd);
    add_num(t, "usd_ci95", "USD", usd_ci);
    add_num(t, "edge_share", "1", share);
    add_num(t, "edge_share_ci95", "1", share_ci);
    write_table(g, t);
    ew_table_free(t);
}

static void fixture_headline(hid_t g)
{
    const char *const arm[] = {"dc", arm2};
    static const struct { const char *name, *units; double v[2]; } cols[] = {
        {"replications", "1", {10, 10}},          {"wh_per_query", "Wh", {0.236, 1.43}},
        {"wh_ci95", "Wh", {0.01, 0.1}},           {"latency_p50_s", "s", {1.2, 2.9}},
        {"latency_p95_s", "s", {3.9, 9.8}},       {"co2_g_per_query", "gCO2e", {0.09, 0.51}},
        {"co2_ci95_g", "gCO2e", {0.004, 0.03}},   {"water_l_per_1k", "L", {0.41, 0.2}},
        {"usd_per_1k_queries", "USD", {0.61, 0.9}}, {"edge_share", "1", {0, 0.83}},
    };
    ew_table *t = ew_table_new("headline", "The figures a reader asks first, per arm.", 2);
    add_text(t, "arm", arm);
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        add_num(t, cols[i].name, cols[i].units, cols[i].v);
    write_table(g, t);
    ew_table_free(t);
}

static void fixture_provenance(hid_t g)
{
    static const char *const dev[] = {"h100-sxm", "rtx-4090"};
    static const char *const src[] = {"datasheet (NVIDIA H100 <SXM5>)",
                                      "calibration data/calibration/rtx-4090.csv"};
    static const double tdp[] = {700, 450};
    ew_table *t = ew_table_new("devices", "The devices and where their laws come from.", 2);
    add_text(t, "device", dev);
    add_text(t, "laws", src);
    add_num(t, "tdp_w", "W", tdp);
    write_table(g, t);
    ew_table_free(t);
    static const char *const file[] = {"data/grid/intensity.csv", "data/network.csv"};
    static const char *const cite[] = {"Ember 2024 & ENTSO-E", "Aslan et al. 2018"};
    t = ew_table_new("data", "Data files used and their sources.", 2);
    add_text(t, "file", file);
    add_text(t, "source", cite);
    write_table(g, t);
    ew_table_free(t);
}

/* A results file for the command-line tests (see the file comment). */
static int write_fixture(const char *path, const char *title)
{
    hid_t f = create_file(path), g;
    put_string(f, "edgewatt_version", EW_VERSION, 0);
    put_string(f, "file_format", "edgewatt-results-1", 0);
    put_string(f, "scenario_name", "fixture", 0);
    put_string(f, "scenario_title", title, 0);
    static const struct { const char *name; uint64_t value; } ints[] = {
        {"seed", 42}, {"replication", 0}, {"replications", 10}};
    for (size_t i = 0; i < 3; i++) {
        hid_t sp = H5Screate(H5S_SCALAR), a = H5Acreate2(f, ints[i].name, H5T_NATIVE_UINT64,
                                                         sp, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, H5T_NATIVE_UINT64, &ints[i].value);
        H5Aclose(a);
        H5Sclose(sp);
    }
    g = create_group(f, "scenario");
    put_string(g, "effective", "name: fixture\nseed: 42\nrun: {duration: 24h}\n"
                               "# <b>not bold</b> & \"quoted\"\n", 1);
    H5Gclose(g);
    g = create_group(f, "figures");
    fixture_boundaries(g);
    fixture_cdf(g);
    fixture_power(g, "dc", 0.0);
    fixture_power(g, arm2, 1.0);
    fixture_frontier(g);
    fixture_sweep(g);
    fixture_headline(g);
    H5Gclose(g);
    g = create_group(f, "provenance");
    fixture_provenance(g);
    H5Gclose(g);
    return H5Fclose(f) < 0;
}

/* Writing the fixture is a test too: the fixture reads back whole. */
static void test_fixture(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/fixture.h5", tmpdir);
    assert_int_equal(write_fixture(path, "Fixture"), 0);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), g = H5Gopen2(f, "figures", H5P_DEFAULT);
    char **names = NULL;
    size_t n = 0;
    ew_error err = {0};
    assert_int_equal(ew_table_list_h5(g, &names, &n, &err), EW_OK);
    assert_int_equal(n, 7);
    for (size_t i = 0; i < n; i++) {
        ew_table *t = NULL;
        if (ew_table_read_h5(g, names[i], &t, &err) != EW_OK)
            fail_msg("%s", err.msg);
        assert_true(t->n_rows > 0 && t->n_cols > 1);
        ew_table_free(t);
        free(names[i]);
    }
    free(names);
    H5Gclose(g);
    H5Fclose(f);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--fixture")) {
        if (argc >= 5 && !strcmp(argv[4], "--hostile-names")) {
            arm2 = hostile_arm;
            objective2 = hostile_value;
        }
        return write_fixture(argv[2], argc >= 4 ? argv[3] : "Fixture: two arms");
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_csv_bytes),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_fixture),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
