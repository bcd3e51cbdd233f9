/* figures.c — figure tables, replication tables and provenance (see figures.h). */
#include "figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../models/device/csvtable.h"

#define TOTAL(g) ((g)->n_sites)

static const char *arm_name(const char *const *names, size_t a)
{
    return names ? names[a] : "all";
}

int ew_fig_add_total(ew_table *t, const ew_aggregate *const *g, size_t n, const char *col,
                     const char *field, int ci)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return EW_ENOMEM;
    size_t f = ew_site_field_index(field);
    for (size_t a = 0; a < n; a++)
        v[a] = ci ? ew_aggregate_ci95(g[a], TOTAL(g[a]), f) : ew_aggregate_mean(g[a], TOTAL(g[a]), f);
    const ew_field *fd = &ew_site_fields[f];
    char desc[200];
    snprintf(desc, sizeof desc, "%s%s", ci ? "95% half-width: " : "", fd->description);
    int rc = ew_table_add_num(t, col, fd->units, desc, v);
    free(v);
    return rc;
}

int ew_fig_add_totals(ew_table *t, const ew_aggregate *const *g, size_t n)
{
    int rc = EW_OK;
    for (size_t f = 0; f < ew_n_site_fields && !rc; f++)
        for (int ci = 0; ci < 2 && !rc; ci++) {
            char col[EW_TABLE_NAME_MAX];
            snprintf(col, sizeof col, "%s%s", ew_site_fields[f].name, ci ? "_ci95" : "");
            if (!ew_table_column(t, col))   /* a headline column may already hold it */
                rc = ew_fig_add_total(t, g, n, col, ew_site_fields[f].name, ci);
        }
    return rc;
}

static ew_table *energy_by_boundary(const ew_aggregate *const *g, const char *const *names,
                                    size_t n)
{
    static const char *const b[][3] = {
        {"b1_accelerator_wh", "b1_ci95_wh", "wh_b1_accelerator"},
        {"b2_host_wh", "b2_ci95_wh", "wh_b2_host"},
        {"b3_idle_wh", "b3_ci95_wh", "wh_b3_idle"},
        {"b4_facility_wh", "b4_ci95_wh", "wh_b4_facility"},
        {"b5_network_wh", "b5_ci95_wh", "wh_b5_network"}};
    ew_table *t = ew_table_new("energy_by_boundary",
                               "energy per query at the five cumulative boundaries, per arm "
                               "(attributional view), mean and 95% half-width over replications",
                               n);
    const char **arms = malloc((n ? n : 1) * sizeof *arms);
    int rc = !t || !arms ? EW_ENOMEM : EW_OK;
    for (size_t a = 0; a < n && arms; a++)
        arms[a] = arm_name(names, a);
    if (rc == EW_OK)
        rc = ew_table_add_text(t, "arm", "arm of the scenario", arms);
    for (size_t i = 0; i < 5 && rc == EW_OK; i++)
        if (!(rc = ew_fig_add_total(t, g, n, b[i][0], b[i][2], 0)))
            rc = ew_fig_add_total(t, g, n, b[i][1], b[i][2], 1);
    free(arms);
    if (rc) {
        ew_table_free(t);
        return NULL;
    }
    return t;
}

ew_table *ew_fig_latency_cdf(const ew_aggregate *g, const char *const *names, size_t n)
{
    enum { NQ = 201 };
    double q[NQ], *v = malloc(NQ * sizeof *v);
    for (int i = 0; i < NQ; i++)   /* 0.5% steps, the tail in 0.1% */
        q[i] = i < 196 ? 0.005 * (i + 1) : 0.98 + 0.004 * (i - 195);
    q[NQ - 1] = 0.999;
    ew_table *t = ew_table_new("latency_cdf",
                               "end-to-end latency at quantile q, per arm, from the "
                               "replications' merged histograms", NQ);
    int rc = !t || !v ? EW_ENOMEM : ew_table_add_num(t, "q", "1", "cumulative share", q);
    for (size_t a = 0; a < n && rc == EW_OK; a++) {
        const ew_hist *h = ew_aggregate_hist(&g[a], TOTAL(&g[a]), EW_HIST_LATENCY);
        if (!h || !h->n)   /* no geography: the sojourn is the latency */
            h = ew_aggregate_hist(&g[a], TOTAL(&g[a]), EW_HIST_SOJOURN);
        for (int i = 0; i < NQ; i++)
            v[i] = h && h->n ? ew_hist_quantile(h, q[i]) : NAN;
        rc = ew_table_add_num(t, arm_name(names, a), "s", "latency at quantile q", v);
    }
    free(v);
    if (rc) {
        ew_table_free(t);
        return NULL;
    }
    return t;
}

/* Power of data-centre and edge sites per bin, and the power-weighted grid
 * intensity of each kind over the bin. */
static ew_table *power_by_kind(const ew_scenario *s, const ew_aggregate *g, const char *arm)
{
    const ew_results *r = g->res;
    size_t nb = r->n_bins;
    char name[EW_TABLE_NAME_MAX];
    snprintf(name, sizeof name, "power_by_kind-%s", arm);
    ew_table *t = ew_table_new(name, "power of data-centre and edge sites over the run, with "
                                     "the grid carbon intensity they draw from", nb);
    double *col = malloc(5 * (nb ? nb : 1) * sizeof *col);
    if (!t || !col) {
        ew_table_free(t);
        free(col);
        return NULL;
    }
    double *th = col, *kw[2] = {col + nb, col + 2 * nb}, *ci[2] = {col + 3 * nb, col + 4 * nb};
    for (size_t b = 0; b < nb; b++) {
        double t0 = (double)b * r->bin_s, t1 = fmin(t0 + r->bin_s, r->duration_s);
        double w[2] = {0, 0}, wc[2] = {0, 0}, wz[2] = {0, 0};
        for (uint32_t k = 0; k < r->n_sites; k++) {
            int e = s->sites[k].edge ? 1 : 0;
            double p = r->bin_power_w[(size_t)k * nb + b];
            w[e] += p;
            const ew_grid_zone *z = s->sites[k].zone;
            if (z && p > 0) {
                double off = s->utc_offset_s;
                wc[e] += p * ew_grid_carbon_mean(z, s->month, t0 - off, t1 - off);
                wz[e] += p;
            }
        }
        th[b] = t0 / 3600.0;
        for (int e = 0; e < 2; e++) {
            kw[e][b] = w[e] / 1000.0;
            ci[e][b] = wz[e] > 0 ? wc[e] / wz[e] : NAN;
        }
    }
    int rc = ew_table_add_num(t, "t_h", "h", "start of the bin", th);
    if (!rc)
        rc = ew_table_add_num(t, "dc_kw", "kW", "data-centre sites, mean power in the bin", kw[0]);
    if (!rc)
        rc = ew_table_add_num(t, "edge_kw", "kW", "edge sites, mean power in the bin", kw[1]);
    if (!rc)
        rc = ew_table_add_num(t, "dc_gco2_per_kwh", "gCO2e/kWh",
                              "grid intensity behind data-centre power", ci[0]);
    if (!rc)
        rc = ew_table_add_num(t, "edge_gco2_per_kwh", "gCO2e/kWh",
                              "grid intensity behind edge power", ci[1]);
    free(col);
    if (rc) {
        ew_table_free(t);
        return NULL;
    }
    return t;
}

ew_table *ew_fig_frontier(const ew_aggregate *const *g, const char *const *labels, size_t n)
{
    ew_table *t = ew_table_new("frontier", "energy per query (top boundary) against latency, "
                                           "per arm or sweep point", n);
    int rc = !t ? EW_ENOMEM : ew_table_add_text(t, "label", "arm, or sweep point and arm", labels);
    if (!rc)
        rc = ew_fig_add_total(t, g, n, "wh_per_query", "wh_b5_network", 0);
    if (!rc)
        rc = ew_fig_add_total(t, g, n, "wh_ci95", "wh_b5_network", 1);
    if (!rc)
        rc = ew_fig_add_total(t, g, n, "latency_p95_s", "latency_p95_s", 0);
    if (!rc)
        rc = ew_fig_add_total(t, g, n, "latency_mean_s", "latency_mean_s", 0);
    if (!rc)
        rc = ew_fig_add_total(t, g, n, "latency_mean_ci95_s", "latency_mean_s", 1);
    if (rc) {
        ew_table_free(t);
        return NULL;
    }
    return t;
}

static ew_table *headline(const ew_aggregate *const *g, const char *const *names, size_t n)
{
    static const char *const cols[][3] = {   /* column, field, 1: half-width */
        {"wh_per_query", "wh_b5_network", "0"},   {"wh_ci95", "wh_b5_network", "1"},
        {"latency_p50_s", "latency_p50_s", "0"},  {"latency_p95_s", "latency_p95_s", "0"},
        {"co2_g_per_query", "co2_g_per_query", "0"}, {"co2_ci95_g", "co2_g_per_query", "1"},
        {"water_l_per_1k", "water_l_per_1k_queries", "0"},
        {"usd_per_1k_queries", "usd_per_1k_queries", "0"}, {"edge_share", "edge_share", "0"}};
    ew_table *t = ew_table_new("headline", "the headline figures of each arm", n);
    const char **arms = malloc((n ? n : 1) * sizeof *arms);
    double *reps = malloc((n ? n : 1) * sizeof *reps);
    int rc = !t || !arms || !reps ? EW_ENOMEM : EW_OK;
    for (size_t a = 0; a < n && rc == EW_OK; a++) {
        arms[a] = arm_name(names, a);
        reps[a] = g[a]->n_reps;
    }
    if (!rc)
        rc = ew_table_add_text(t, "arm", "arm of the scenario", arms);
    if (!rc)
        rc = ew_table_add_num(t, "replications", "1", "independent replications", reps);
    for (size_t c = 0; c < sizeof cols / sizeof cols[0] && !rc; c++)
        rc = ew_fig_add_total(t, g, n, cols[c][0], cols[c][1], cols[c][2][0] == '1');
    free(arms);
    free(reps);
    if (rc) {
        ew_table_free(t);
        return NULL;
    }
    return t;
}

/* Every field's mean and half-width, a row per arm and site. */
static ew_table *replication_summary(const ew_aggregate *g, const char *const *names, size_t n)
{
    size_t rows = 0;
    for (size_t a = 0; a < n; a++)
        rows += (size_t)g[a].n_sites + 1;
    ew_table *t = ew_table_new("summary", "mean over replications and 95% half-width "
                                          "(Student t) of every field, per arm and site", rows);
    const char **arm = malloc(rows * sizeof *arm), **site = malloc(rows * sizeof *site);
    double *v = malloc(rows * sizeof *v);
    int rc = !t || !arm || !site || !v ? EW_ENOMEM : EW_OK;
    for (size_t a = 0, i = 0; a < n && !rc; a++)
        for (uint32_t k = 0; k <= g[a].n_sites; k++, i++) {
            arm[i] = arm_name(names, a);
            site[i] = k < g[a].n_sites ? g[a].res->sites[k].name : "all";
        }
    if (!rc)
        rc = ew_table_add_text(t, "arm", "arm of the scenario", arm);
    if (!rc)
        rc = ew_table_add_text(t, "site", "site, or all", site);
    for (size_t f = 0; f < ew_n_site_fields && !rc; f++)
        for (int ci = 0; ci < 2 && !rc; ci++) {
            for (size_t a = 0, i = 0; a < n; a++)
                for (uint32_t k = 0; k <= g[a].n_sites; k++, i++)
                    v[i] = ci ? ew_aggregate_ci95(&g[a], k, f) : ew_aggregate_mean(&g[a], k, f);
            char col[EW_TABLE_NAME_MAX];
            snprintf(col, sizeof col, "%s%s", ew_site_fields[f].name, ci ? "_ci95" : "");
            rc = ew_table_add_num(t, col, ew_site_fields[f].units, ew_site_fields[f].description, v);
        }
    free(arm);
    free(site);
    free(v);
    if (rc) {
        ew_table_free(t);
        return NULL;
    }
    return t;
}

/* Every field of the total, a row per arm and replication. */
static ew_table *replication_totals(const ew_aggregate *g, const char *const *names, size_t n)
{
    size_t rows = 0;
    for (size_t a = 0; a < n; a++)
        rows += g[a].n_reps;
    ew_table *t = ew_table_new("totals", "the total of every replication, per arm", rows);
    const char **arm = malloc(rows * sizeof *arm);
    double *v = malloc(rows * sizeof *v);
    int rc = !t || !arm || !v ? EW_ENOMEM : EW_OK;
    for (size_t a = 0, i = 0; a < n && !rc; a++)
        for (uint32_t r = 0; r < g[a].n_reps; r++, i++) {
            arm[i] = arm_name(names, a);
            v[i] = r;
        }
    if (!rc)
        rc = ew_table_add_text(t, "arm", "arm of the scenario", arm);
    if (!rc)
        rc = ew_table_add_num(t, "replication", "1", "replication index (its random streams)", v);
    for (size_t f = 0; f < ew_n_site_fields && !rc; f++) {
        for (size_t a = 0, i = 0; a < n; a++)
            for (uint32_t r = 0; r < g[a].n_reps; r++, i++)
                v[i] = ew_field_value(&ew_site_fields[f],
                                      &g[a].reps[(size_t)r * (g[a].n_sites + 1) + g[a].n_sites]);
        rc = ew_table_add_num(t, ew_site_fields[f].name, ew_site_fields[f].units,
                              ew_site_fields[f].description, v);
    }
    free(arm);
    free(v);
    if (rc) {
        ew_table_free(t);
        return NULL;
    }
    return t;
}

/* ---- provenance ---- */

static ew_table *provenance_devices(const ew_scenario *s)
{
    size_t n = 0;
    for (uint32_t k = 0; k < s->n_sites; k++)
        n += s->sites[k].serving ? 1 : 0;
    ew_table *t = ew_table_new("devices", "the device laws each serving site used", n);
    const char **col[4];
    for (int c = 0; c < 4; c++)
        col[c] = malloc((n ? n : 1) * sizeof **col);
    char (*tp)[16] = malloc((n ? n : 1) * sizeof *tp);
    int rc = !t || !col[0] || !col[1] || !col[2] || !col[3] || !tp ? EW_ENOMEM : EW_OK;
    for (uint32_t k = 0, i = 0; k < s->n_sites && !rc; k++) {
        const ew_site_spec *sp = &s->sites[k];
        if (!sp->serving)
            continue;
        snprintf(tp[i], sizeof tp[i], "%u", sp->serve.deployment.tp);
        col[0][i] = sp->name;
        col[1][i] = sp->serve.device;
        col[2][i] = sp->serve.model;
        col[3][i] = sp->serve.deployment.laws.origin;
        i++;
    }
    static const char *const names[] = {"site", "device", "model", "laws"};
    static const char *const desc[] = {"serving site", "device catalogue name", "model served",
                                       "where the device's time and energy laws came from"};
    for (int c = 0; c < 4 && !rc; c++)
        rc = ew_table_add_text(t, names[c], desc[c], col[c]);
    if (!rc) {
        const char **tps = malloc((n ? n : 1) * sizeof *tps);
        for (size_t i = 0; tps && i < n; i++)
            tps[i] = tp[i];
        rc = tps ? ew_table_add_text(t, "devices_per_replica", "tensor-parallel devices", tps)
                 : EW_ENOMEM;
        free(tps);
    }
    for (int c = 0; c < 4; c++)
        free(col[c]);
    free(tp);
    if (rc) {
        ew_table_free(t);
        return NULL;
    }
    return t;
}

/* The distinct values of the file's `source` column, joined by " | ". */
static char *sources_of(const char *path, size_t *rows)
{
    ew_csv_table *ct = NULL;
    ew_error e = {0};
    *rows = 0;
    if (ew_csv_table_read(path, &ct, &e))
        return NULL;
    int c = ew_csv_col(ct, "source");
    size_t cap = 1, len = 0;
    for (size_t r = 0; c >= 0 && r < ct->nrows; r++)
        cap += strlen(ct->cells[r][c]) + 3;
    char *out = calloc(cap, 1);
    for (size_t r = 0; out && c >= 0 && r < ct->nrows; r++) {
        const char *src = ct->cells[r][c];
        int seen = 0;
        for (size_t q = 0; q < r && !seen; q++)
            seen = !strcmp(ct->cells[q][c], src);
        if (seen || !*src)
            continue;
        len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " | " : "", src);
    }
    *rows = ct->nrows;
    ew_csv_table_free(ct);
    return out;
}

static ew_table *provenance_data(const ew_scenario *s)
{
    static const char *const files[] = {
        "devices.csv", "device_defaults.csv", "models.csv", "hosts.csv", "regions.csv",
        "network.csv", "availability.csv", "facilities.csv", "economics.csv",
        "grid/zones.csv", "grid/profiles.csv", "grid/prices.csv", "grid/water.csv"};
    enum { N = sizeof files / sizeof files[0] };
    char *src[N] = {0};
    const char *names[N], *texts[N];
    double rows[N];
    size_t n = 0;
    for (size_t i = 0; i < N; i++) {
        char path[1024];
        size_t r;
        snprintf(path, sizeof path, "%s/%s", s->data_dir, files[i]);
        if (!(src[n] = sources_of(path, &r)))
            continue;
        names[n] = files[i];
        texts[n] = src[n];
        rows[n] = (double)r;
        n++;
    }
    ew_table *t = ew_table_new("data", "data files of the catalogues and their sources", n);
    int rc = !t ? EW_ENOMEM : ew_table_add_text(t, "file", "under the data folder", names);
    if (!rc)
        rc = ew_table_add_num(t, "rows", "1", "data rows", rows);
    if (!rc)
        rc = ew_table_add_text(t, "sources", "the distinct sources its rows name", texts);
    for (size_t i = 0; i < n; i++)
        free(src[i]);
    if (rc) {
        ew_table_free(t);
        return NULL;
    }
    return t;
}

int ew_write_tables(hid_t file, const char *group, ew_table *const *t, size_t n, ew_error *err)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_obj_track_times(gcpl, 0);
    hid_t g = H5Gcreate2(file, group, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    if (g < 0)
        return ew_error_set(err, EW_ELIB, "cannot create group %s", group);
    int rc = EW_OK;
    for (size_t i = 0; i < n && rc == EW_OK; i++)
        rc = t[i] ? ew_table_write_h5(g, t[i], err)
                  : ew_error_set(err, EW_ENOMEM, "out of memory building %s", group);
    H5Gclose(g);
    return rc;
}

int ew_write_provenance(hid_t file, const ew_scenario *s, ew_error *err)
{
    ew_table *t[2] = {provenance_devices(s), provenance_data(s)};
    int rc = ew_write_tables(file, "provenance", t, 2, err);
    ew_table_free(t[0]);
    ew_table_free(t[1]);
    return rc;
}

static int write_root_attrs(hid_t file, const ew_scenario *s, uint32_t reps)
{
    hid_t sp = H5Screate(H5S_SCALAR), st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, strlen(s->title) + 1);
    H5Tset_cset(st, H5T_CSET_UTF8);
    hid_t a = H5Acreate2(file, "scenario_title", st, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t e = a < 0 ? -1 : H5Awrite(a, st, s->title);
    if (a >= 0)
        H5Aclose(a);
    hid_t b = H5Acreate2(file, "replications", H5T_STD_U32LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t e2 = b < 0 ? -1 : H5Awrite(b, H5T_NATIVE_UINT32, &reps);
    if (b >= 0)
        H5Aclose(b);
    H5Tclose(st);
    H5Sclose(sp);
    return e < 0 || e2 < 0 ? EW_ELIB : EW_OK;
}

int ew_figures_write(const char *h5_path, const ew_scenario *s, const ew_aggregate *g,
                     const char *const *names, size_t n, ew_error *err)
{
    const ew_aggregate *gp[16];
    const char *labels[16];
    for (size_t a = 0; a < n && a < 16; a++) {
        gp[a] = &g[a];
        labels[a] = arm_name(names, a);
    }
    H5E_auto2_t old;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(h5_path, H5F_ACC_RDWR, H5P_DEFAULT);
    int rc = f < 0 ? ew_error_set(err, EW_EIO, "%s: cannot reopen", h5_path) : EW_OK;
    ew_table *fig[20] = {0};
    size_t nf = 0;
    if (!rc) {
        fig[nf++] = energy_by_boundary(gp, names, n);
        fig[nf++] = ew_fig_latency_cdf(g, names, n);
        for (size_t a = 0; a < n; a++)
            fig[nf++] = power_by_kind(s, &g[a], labels[a]);
        fig[nf++] = ew_fig_frontier(gp, labels, n);
        fig[nf++] = headline(gp, names, n);
        rc = ew_write_tables(f, "figures", fig, nf, err);
    }
    for (size_t i = 0; i < nf; i++)
        ew_table_free(fig[i]);
    if (!rc) {
        ew_table *rt[2] = {replication_summary(g, names, n), replication_totals(g, names, n)};
        rc = ew_write_tables(f, "replications", rt, 2, err);
        ew_table_free(rt[0]);
        ew_table_free(rt[1]);
    }
    if (!rc)
        rc = ew_write_provenance(f, s, err);
    if (!rc && write_root_attrs(f, s, g[0].n_reps))
        rc = ew_error_set(err, EW_ELIB, "%s: cannot write the root attributes", h5_path);
    if (f >= 0 && H5Fclose(f) < 0 && !rc)
        rc = ew_error_set(err, EW_EIO, "%s: cannot close", h5_path);
    H5Eset_auto2(H5E_DEFAULT, old, old_data);
    return rc;
}
