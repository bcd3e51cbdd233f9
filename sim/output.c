/* output.c — summary.csv, power.csv and the stdout table (see output.h). */
#include "output.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <csv.h>

/* Writes one field, quoted by libcsv only where needed (commas, quotes). */
static void put_text(FILE *f, const char *s, int first)
{
    if (!first)
        fputc(',', f);
    if (strpbrk(s, ",\"\r\n"))
        csv_fwrite(f, s, strlen(s));
    else
        fputs(s, f);
}

static void put_number(FILE *f, double v)
{
    if (isnan(v))
        fputs(",nan", f);
    else
        fprintf(f, ",%.10g", v);
}

static int finish(FILE *f, const char *path, ew_error *err)
{
    int bad = ferror(f);
    if (fclose(f) || bad)
        return ew_error_set(err, EW_EIO, "%s: cannot write: %s", path, strerror(errno));
    return EW_OK;
}

static void summary_row(FILE *f, const ew_aggregate *g, const char *arm, uint32_t k)
{
    const ew_results *r = g->res;
    const ew_site_result *s = k < g->n_sites ? &r->sites[k] : &r->total;
    size_t epq = ew_site_field_index("energy_per_query_j");
    put_text(f, r->scenario_name, 1);
    fprintf(f, ",%llu,%.10g", (unsigned long long)r->seed, r->duration_s);
    fputc(',', f);
    put_text(f, s->name, 1);
    fputc(',', f);
    put_text(f, arm, 1);
    for (size_t i = 0; i < ew_n_site_fields; i++)
        put_number(f, ew_aggregate_mean(g, k, i));
    put_number(f, ew_aggregate_mean(g, k, epq) / 3600.0);
    fprintf(f, ",%u", g->n_reps);
    for (size_t i = 0; i < ew_n_site_fields; i++)
        put_number(f, ew_aggregate_ci95(g, k, i));
    put_number(f, ew_aggregate_ci95(g, k, epq) / 3600.0);
    fputc('\n', f);
}

int ew_output_summary_csv(const char *path, const ew_aggregate *g, const char *const *names,
                          size_t n, ew_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return ew_error_set(err, EW_EIO, "%s: cannot create: %s", path, strerror(errno));
    fputs("scenario,seed,duration_s,site,arm", f);
    for (size_t k = 0; k < ew_n_site_fields; k++)
        fprintf(f, ",%s", ew_site_fields[k].name);
    fputs(",energy_per_query_wh,replications", f);
    for (size_t k = 0; k < ew_n_site_fields; k++)
        fprintf(f, ",%s_ci95", ew_site_fields[k].name);
    fputs(",energy_per_query_wh_ci95\n", f);
    for (size_t a = 0; a < n; a++) {
        const char *arm = names ? names[a] : "";
        for (uint32_t k = 0; k <= g[a].n_sites; k++)
            summary_row(f, &g[a], arm, k);
    }
    return finish(f, path, err);
}

void ew_output_replications_table(FILE *f, const ew_aggregate *g, const char *const *names,
                                  size_t n)
{
    static const struct { const char *label, *field; double scale; } cols[] = {
        {"Wh/query", "wh_b5_network", 1},        {"latency mean [s]", "latency_mean_s", 1},
        {"gCO2e/query", "co2_g_per_query", 1},   {"USD/1k q", "usd_per_1k_queries", 1},
        {"edge %", "edge_share", 100},
    };
    fprintf(f, "\n%u replications: mean +/- 95%% CI half-width (Student t); latency p50/p95 "
               "from the merged histograms\n%-12s", g[0].n_reps, "arm");
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        fprintf(f, " %22s", cols[c].label);
    fprintf(f, " %10s %10s\n", "p50 [s]", "p95 [s]");
    for (size_t a = 0; a < n; a++) {
        uint32_t t = g[a].n_sites;
        fprintf(f, "%-12.12s", names ? names[a] : "all");
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            size_t i = ew_site_field_index(cols[c].field);
            char cell[64];
            snprintf(cell, sizeof cell, "%.4g +/- %.2g", cols[c].scale * ew_aggregate_mean(&g[a], t, i),
                     cols[c].scale * ew_aggregate_ci95(&g[a], t, i));
            fprintf(f, " %22s", cell);
        }
        fprintf(f, " %10.4g %10.4g\n", g[a].res->total.latency_p50_s, g[a].res->total.latency_p95_s);
    }
}

void ew_output_arms_table(FILE *f, const ew_results *const *r, const char *const *names,
                          size_t n)
{
    fprintf(f, "\n%-14s %12s %12s %12s %12s %9s %9s %8s %10s\n", "arm", "J/query",
            "Wh/query", "p50 latency", "p95 latency", "edge %", "failed", "lost", "lost kWh");
    for (size_t a = 0; a < n; a++) {
        const ew_site_result *t = &r[a]->total;
        fprintf(f, "%-14.14s %12.5g %12.4g %10.4g s %10.4g s %8.2f%% %9llu %8llu %10.4g\n",
                names[a], t->energy_per_query_j, t->energy_per_query_j / 3600.0,
                t->latency_p50_s, t->latency_p95_s, 100.0 * t->edge_share,
                (unsigned long long)t->failed, (unsigned long long)t->lost_executions,
                t->lost_energy_j / 3.6e6);
    }
    for (size_t a = 1; a < n; a++) {
        const ew_site_result *t = &r[a]->total, *b = &r[0]->total;
        fprintf(f, "%-14.14s %+11.1f%% %12s %+10.4g s %+10.4g s %+8.2f pt (%s minus %s)\n",
                names[a], 100.0 * (t->energy_per_query_j / b->energy_per_query_j - 1.0), "",
                t->latency_p50_s - b->latency_p50_s, t->latency_p95_s - b->latency_p95_s,
                100.0 * (t->edge_share - b->edge_share), names[a], names[0]);
    }
}

void ew_output_accounting_table(FILE *f, const ew_results *const *r, const char *const *names,
                                size_t n)
{
    fprintf(f, "\n%-10s %-6s %9s %9s %9s %9s %9s  %9s %9s %8s %9s %9s %11s\n", "arm", "view",
            "accel", "+host", "+idle", "+facility", "+network", "gCO2e op", "embodied",
            "L/1k q", "USD/1k q", "USD/Mtok", "op. USD/h");
    fprintf(f, "%-10s %-6s %49s  %9s %9s\n", "", "", "Wh per query, cumulative boundaries ->",
            "per query", "per query");
    for (size_t a = 0; a < n; a++) {
        const ew_site_result *t = &r[a]->total;
        const char *name = names ? names[a] : "all";
        fprintf(f, "%-10.10s %-6s %9.4g %9.4g %9.4g %9.4g %9.4g  %9.4g %9.4g %8.4g %9.4g %9.4g",
                name, "attr", t->wh_b1_accelerator, t->wh_b2_host, t->wh_b3_idle,
                t->wh_b4_facility, t->wh_b5_network, t->co2_g_per_query,
                t->embodied_g_per_query, t->water_l_per_1k_queries, t->usd_per_1k_queries,
                t->usd_per_mtok);
        if (isnan(t->operator_profit_median_usd_per_h))
            fprintf(f, " %11s\n", "-");
        else
            fprintf(f, " %+11.4g\n", t->operator_profit_median_usd_per_h);
        fprintf(f, "%-10s %-6s %9.4g %9.4g %9.4g %9.4g %9.4g  %9.4g %9.4g", "", "incr",
                t->wh_inc_b1_accelerator, t->wh_inc_b2_host, t->wh_inc_b3_idle,
                t->wh_inc_b4_facility, t->wh_inc_b5_network, t->co2_inc_g_per_query,
                t->embodied_inc_g_per_query);
        if (isnan(t->operator_loss_share))
            fputc('\n', f);
        else
            fprintf(f, " %8s %9s %9s %6.1f%% lose\n", "", "", "", 100.0 * t->operator_loss_share);
        if (fabs(t->co2_market_g_per_query - t->co2_g_per_query) > 1e-12 * t->co2_g_per_query)
            fprintf(f, "%-10s %-6s market-based carbon: %.4g gCO2e/query (incremental %.4g)\n",
                    "", "", t->co2_market_g_per_query, t->co2_market_inc_g_per_query);
    }
}

int ew_output_power_csv(const char *path, const ew_results *r, ew_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return ew_error_set(err, EW_EIO, "%s: cannot create: %s", path, strerror(errno));
    fputs("t_start_s,arrivals", f);
    for (uint32_t k = 0; k < r->n_sites; k++) {
        char col[EW_NAME_MAX + 16];
        snprintf(col, sizeof col, "%s_power_w", r->sites[k].name);
        put_text(f, col, 0);
    }
    fputs(",all_power_w\n", f);
    for (size_t b = 0; b < r->n_bins; b++) {
        fprintf(f, "%.10g,%.10g", (double)b * r->bin_s, r->bin_arrivals[b]);
        double sum = 0.0;
        for (uint32_t k = 0; k < r->n_sites; k++) {
            double w = r->bin_power_w[(size_t)k * r->n_bins + b];
            sum += w;
            put_number(f, w);
        }
        put_number(f, sum);
        fputc('\n', f);
    }
    return finish(f, path, err);
}

/* Table rows: label, and how to show a site's value. */
typedef struct row {
    const char *label, *field;
    double scale;
    const char *fmt;
    int serving;   /* shown only when some site serves a model */
} row;

void ew_output_table(FILE *f, const ew_results *r)
{
    static const row rows[] = {
        {"servers", "servers", 1, "%.0f", 0},
        {"arrivals", "arrivals", 1, "%.0f", 0},
        {"completions", "completions", 1, "%.0f", 0},
        {"in flight at end", "in_flight", 1, "%.0f", 0},
        {"utilisation [%]", "utilisation", 100, "%.2f", 0},
        {"mean in system", "mean_in_system", 1, "%.4g", 0},
        {"sojourn mean [ms]", "sojourn_mean_s", 1e3, "%.4g", 0},
        {"  95% CI +/- [ms]", "sojourn_ci95_s", 1e3, "%.2g", 0},
        {"sojourn p50 [ms]", "sojourn_p50_s", 1e3, "%.4g", 0},
        {"sojourn p95 [ms]", "sojourn_p95_s", 1e3, "%.4g", 0},
        {"sojourn p99 [ms]", "sojourn_p99_s", 1e3, "%.4g", 0},
        {"latency p50 [ms]", "latency_p50_s", 1e3, "%.4g", 0},
        {"latency p95 [ms]", "latency_p95_s", 1e3, "%.4g", 0},
        {"  network [ms]", "network_mean_s", 1e3, "%.4g", 0},
        {"failed", "failed", 1, "%.0f", 0},
        {"energy [kWh]", "energy_j", 1 / 3.6e6, "%.6g", 0},
        {"mean power [kW]", "mean_power_w", 1e-3, "%.5g", 0},
        {"energy/query [J]", "energy_per_query_j", 1, "%.5g", 0},
        {"energy/query [Wh]", "energy_per_query_j", 1 / 3600.0, "%.4g", 0},
        {"time off [%]", "off_share", 100, "%.2f", 0},
        {"TTFT mean [ms]", "ttft_mean_s", 1e3, "%.4g", 1},
        {"TTFT p95 [ms]", "ttft_p95_s", 1e3, "%.4g", 1},
        {"TPOT mean [ms]", "tpot_mean_s", 1e3, "%.4g", 1},
        {"TPOT p95 [ms]", "tpot_p95_s", 1e3, "%.4g", 1},
        {"output tokens", "output_tokens", 1, "%.0f", 1},
        {"GPU J/query", "query_energy_mean_j", 1, "%.5g", 1},
        {"GPU J/output token", "energy_per_output_token_j", 1, "%.4g", 1},
        {"GPU idle [kWh]", "idle_energy_j", 1 / 3.6e6, "%.5g", 1},
        {"preemptions", "preemptions", 1, "%.0f", 1},
    };
    fprintf(f, "%s: %.6g s (%.4g h) simulated, seed %llu, %llu events (%.2f per query)\n",
            r->scenario_name, r->duration_s, r->duration_s / 3600.0, (unsigned long long)r->seed,
            (unsigned long long)r->events,
            r->total.arrivals ? (double)r->events / (double)r->total.arrivals : 0.0);
    fprintf(f, "%-20s", "");
    for (uint32_t k = 0; k < r->n_sites; k++)
        fprintf(f, " %14.14s", r->sites[k].name);
    fprintf(f, " %14s\n", "all");
    int serving = !isnan(r->total.idle_energy_j);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (rows[i].serving && !serving)
            continue;
        const ew_field *fld = NULL;
        for (size_t k = 0; k < ew_n_site_fields; k++)
            if (strcmp(ew_site_fields[k].name, rows[i].field) == 0)
                fld = &ew_site_fields[k];
        if (!fld)
            continue;
        fprintf(f, "%-20s", rows[i].label);
        for (uint32_t k = 0; k <= r->n_sites; k++) {
            const ew_site_result *s = k < r->n_sites ? &r->sites[k] : &r->total;
            char cell[32];
            snprintf(cell, sizeof cell, rows[i].fmt, ew_field_value(fld, s) * rows[i].scale);
            fprintf(f, " %14s", cell);
        }
        fputc('\n', f);
    }
}
