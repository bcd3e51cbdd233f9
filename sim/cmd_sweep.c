/* cmd_sweep.c — `edgewatt sweep`: a scenario run at every point of a sweep
 * (the scenario's sweep: block, or --param), each point with its arms and
 * replications, into one results folder: results.h5 (every point: the
 * tables /figures/sweep and /figures/frontier, /provenance), and sweep.csv
 * (the table sweep: a row per point and arm, the total's mean and 95%
 * half-width of every field).
 *
 * Every point runs replication r on the same random streams (seed, r):
 * common random numbers, so that differences between points are the
 * parameters' doing and not the dice's.
 *
 * Under mpirun (Open MPI, when built with it: EW_MPI), rank k runs the jobs
 * j with j mod size = k; rank 0 gathers the per-replication summaries and
 * the histograms (whole counts, summed exactly) and writes the results, the
 * same bytes as a local run. Built without MPI, or started without mpirun,
 * the sweep runs locally.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>
#ifdef EW_MPI
#include <mpi.h>
#endif

#include "commands.h"
#include "ew.h"
#include "figures.h"
#include "output_h5.h"
#include "plot.h"
#include "replicate.h"
#include "resdir.h"
#include "scenario.h"

static const char usage[] =
    "usage: edgewatt sweep SCENARIO [-o DIR] [--param KEY=V1,V2,...]... [--zip]\n"
    "                      [--replications N] [--seed N] [--set KEY=VALUE]... [--quiet] [--no-plot]\n"
    "\n"
    "Runs SCENARIO at every point of a sweep: the scenario's `sweep:` block, or the\n"
    "--param options (which replace it). Parameters are --set paths; their values are\n"
    "combined in the Cartesian product, or zipped (--zip: the i-th values together).\n"
    "Writes results.h5 (every point), sweep.csv (a row per point and arm) and the\n"
    "figures into results/<name>-sweep/ (or DIR). Under mpirun, points and\n"
    "replications are spread over the ranks and gathered by rank 0.\n";

typedef struct sweep {
    ew_sweep_spec spec;            /* what varies */
    size_t n_points, n_arms;
    uint32_t reps;
    ew_scenario **scen;            /* [n_points × n_arms] */
    ew_aggregate *agg;             /* [n_points × n_arms] */
    const ew_aggregate **aggp;     /* &agg[i], for the figure tables */
    char arm_names[16][EW_NAME_MAX];
    const char *names[16];         /* arm names ("all" without arms) */
    int rank, size;
} sweep;

/* ---- options ---- */

/* "--param key=v1,v2" into spec (values split at commas). */
static int add_param(ew_sweep_spec *sp, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1] || sp->n_params == EW_SWEEP_MAX_PARAMS ||
        (size_t)(eq - arg) >= sizeof sp->params[0].path) {
        fprintf(stderr, "edgewatt sweep: --param '%s': expected KEY=V1,V2,... (at most %d)\n", arg,
                EW_SWEEP_MAX_PARAMS);
        return 2;
    }
    ew_sweep_param *p = &sp->params[sp->n_params++];
    snprintf(p->path, sizeof p->path, "%.*s", (int)(eq - arg), arg);
    for (const char *v = eq + 1; *v;) {
        size_t n = strcspn(v, ",");
        char **vs = realloc(p->values, (p->n_values + 1) * sizeof *vs);
        if (!vs || n == 0 || p->n_values == EW_SWEEP_MAX_VALUES) {
            fprintf(stderr, "edgewatt sweep: --param '%s': %s\n", arg,
                    n == 0 ? "an empty value" : "too many values");
            if (vs)
                p->values = vs;
            return 2;
        }
        p->values = vs;
        vs[p->n_values++] = strndup(v, n);
        v += n + (v[n] == ',');
    }
    return 0;
}

/* ---- loading the points ---- */

/* "k=v" texts of point i into buf, for --set, and a label "k=v, k=v". */
static void point_sets(const ew_sweep_spec *sp, size_t i, char sets[][256], char *label,
                       size_t label_size)
{
    size_t len = 0;
    label[0] = '\0';
    for (uint32_t p = 0; p < sp->n_params; p++) {
        const char *v = sp->params[p].values[ew_sweep_value_index(sp, i, p)];
        snprintf(sets[p], 256, "%s=%s", sp->params[p].path, v);
        len += (size_t)snprintf(label + len, len < label_size ? label_size - len : 0, "%s%s",
                                p ? ", " : "", sets[p]);
    }
}

static int load_points(sweep *w, const char *path, const char *const *user_sets, int n_user,
                       ew_error *err)
{
    size_t n = w->n_points * w->n_arms;
    w->scen = calloc(n, sizeof *w->scen);
    w->agg = calloc(n, sizeof *w->agg);
    w->aggp = calloc(n, sizeof *w->aggp);
    if (!w->scen || !w->agg || !w->aggp)
        return ew_error_set(err, EW_ENOMEM, "out of memory");
    const char *sets[64 + EW_SWEEP_MAX_PARAMS];
    char psets[EW_SWEEP_MAX_PARAMS][256], label[2048];
    for (int i = 0; i < n_user; i++)
        sets[i] = user_sets[i];
    for (size_t i = 0; i < w->n_points; i++) {
        point_sets(&w->spec, i, psets, label, sizeof label);
        for (uint32_t p = 0; p < w->spec.n_params; p++)
            sets[n_user + (int)p] = psets[p];
        ew_error e = {0};
        size_t n_arms = 0;
        int rc = ew_scenario_load_arms(path, sets, n_user + (int)w->spec.n_params,
                                       &w->scen[i * w->n_arms], &n_arms, &e);
        if (rc == EW_OK && n_arms != w->n_arms)
            rc = ew_error_set(&e, EW_EINVAL, "the point has %zu arms, the scenario %zu", n_arms,
                              w->n_arms);
        if (rc)
            return ew_error_set(err, rc, "sweep point %zu (%s): %s", i, label, e.msg);
        for (size_t a = 0; a < w->n_arms; a++) {
            size_t v = i * w->n_arms + a;
            w->aggp[v] = &w->agg[v];
            if ((rc = ew_aggregate_init(&w->agg[v], w->scen[v], w->reps)))
                return ew_error_set(err, rc, "out of memory");
        }
    }
    return EW_OK;
}

/* Job j: replication j / (points × arms) of variant j mod (points × arms). */
static ew_job job_at(const sweep *w, size_t j)
{
    size_t v = j % (w->n_points * w->n_arms);
    return (ew_job){w->scen[v], (uint32_t)(j / (w->n_points * w->n_arms)), &w->agg[v]};
}

static int run_local(sweep *w, int quiet, ew_error *err)
{
    size_t n = w->n_points * w->n_arms * w->reps, mine = 0;
    ew_job *jobs = calloc(n, sizeof *jobs);
    if (!jobs)
        return ew_error_set(err, EW_ENOMEM, "out of memory");
    for (size_t j = 0; j < n; j++)
        if ((int)(j % (size_t)w->size) == w->rank)
            jobs[mine++] = job_at(w, j);
    ew_job_options jo = {!quiet && w->rank == 0, 0, w->scen[0]->name};
    int rc = ew_run_jobs(jobs, mine, &jo, err);
    free(jobs);
    return rc;
}

/* ---- gathering over MPI ---- */

#ifdef EW_MPI
/* Rank 0 takes every other rank's replications of variant v. */
static int gather_variant(sweep *w, size_t v)
{
    ew_aggregate *g = &w->agg[v];
    size_t rows = (size_t)g->n_sites + 1, nv = w->n_points * w->n_arms;
    size_t rep_bytes = rows * sizeof *g->reps;
    /* per-replication site results: each from the rank that ran it */
    for (uint32_t r = 0; r < g->n_reps; r++) {
        int owner = (int)(((size_t)r * nv + v) % (size_t)w->size);
        if (owner == 0)
            continue;
        ew_site_result *slot = g->reps + (size_t)r * rows;
        if (w->rank == owner)
            MPI_Send(slot, (int)rep_bytes, MPI_BYTE, 0, 1, MPI_COMM_WORLD);
        else if (w->rank == 0)
            MPI_Recv(slot, (int)rep_bytes, MPI_BYTE, owner, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    /* histograms: [present, n, counts...] per slot, summed (whole numbers: exact) */
    size_t nb = 0;
    for (size_t i = 0; i < rows * EW_N_HISTS && !nb; i++)
        nb = g->hists[i].h ? g->hists[i].h->n : 0;
    int nb_i = (int)nb, nb_max;
    MPI_Allreduce(&nb_i, &nb_max, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    nb = (size_t)nb_max;
    size_t stride = nb + 2, len = rows * EW_N_HISTS * stride;
    double *buf = calloc(len ? len : 1, sizeof *buf), *sum = calloc(len ? len : 1, sizeof *sum);
    if (!buf || !sum) {
        free(buf);
        free(sum);
        return EW_ENOMEM;
    }
    for (size_t i = 0; i < rows * EW_N_HISTS && nb; i++) {
        const ew_hist *h = &g->hists[i];
        if (!h->h)
            continue;
        buf[i * stride] = 1.0;
        buf[i * stride + 1] = (double)h->n;
        memcpy(buf + i * stride + 2, h->h->bin, nb * sizeof *buf);
    }
    MPI_Reduce(buf, sum, (int)len, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    int rc = EW_OK;
    for (size_t i = 0; w->rank == 0 && i < rows * EW_N_HISTS && nb && rc == EW_OK; i++) {
        ew_hist *h = &g->hists[i];
        if (sum[i * stride] == 0.0)
            continue;
        if (!h->h && ew_hist_init(h)) {
            rc = EW_ENOMEM;
            break;
        }
        h->n = (uint64_t)sum[i * stride + 1];
        memcpy(h->h->bin, sum + i * stride + 2, nb * sizeof *sum);
    }
    free(buf);
    free(sum);
    /* events, and the horizon of replication 0 */
    unsigned long long ev = g->events, ev_all = 0;
    MPI_Reduce(&ev, &ev_all, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    double dur = g->res ? g->res->duration_s : 0.0, dur0 = 0.0;
    MPI_Reduce(&dur, &dur0, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    if (w->rank == 0 && rc == EW_OK) {
        g->events = ev_all;
        if (!g->res) {   /* replication 0 ran elsewhere: a frame for the summary */
            ew_results *r = calloc(1, sizeof *r);
            if (!r || !(r->sites = calloc(rows, sizeof *r->sites))) {
                free(r);
                return EW_ENOMEM;
            }
            const ew_scenario *s = w->scen[v];
            snprintf(r->scenario_name, sizeof r->scenario_name, "%s", s->name);
            r->seed = s->seed;
            r->n_sites = g->n_sites;
            memcpy(r->sites, g->reps, g->n_sites * sizeof *r->sites);
            r->total = g->reps[g->n_sites];
            g->res = r;
        }
        g->res->duration_s = dur0;
    }
    return rc;
}
#endif

/* Brings every replication to rank 0 (a no-op on one process). */
static int gather(sweep *w, ew_error *err)
{
#ifdef EW_MPI
    if (w->size > 1) {
        int rc = EW_OK;
        for (size_t v = 0; v < w->n_points * w->n_arms && rc == EW_OK; v++)
            rc = gather_variant(w, v);
        if (rc)
            return ew_error_set(err, rc, "out of memory gathering the sweep");
    }
#else
    (void)w;
    (void)err;
#endif
    return EW_OK;
}

/* ---- outputs ---- */

static const char *point_value(const sweep *w, size_t i, uint32_t p)
{
    return w->spec.params[p].values[ew_sweep_value_index(&w->spec, i, p)];
}

/* The table `sweep` (figtable.h), which is also sweep.csv: a row per point
 * and arm, the headline columns the figure reads, then every field of the
 * total with its 95% half-width. */
static ew_table *sweep_figure(const sweep *w)
{
    static const char *const cols[][3] = {
        {"wh_per_query", "wh_b5_network", "0"},    {"wh_ci95", "wh_b5_network", "1"},
        {"latency_p95_s", "latency_p95_s", "0"},   {"latency_mean_s", "latency_mean_s", "0"},
        {"latency_mean_ci95_s", "latency_mean_s", "1"},
        {"co2_g_per_query", "co2_g_per_query", "0"}, {"co2_ci95_g", "co2_g_per_query", "1"},
        {"usd_per_1k_queries", "usd_per_1k_queries", "0"}, {"usd_ci95", "usd_per_1k_queries", "1"},
        {"edge_share", "edge_share", "0"},          {"edge_share_ci95", "edge_share", "1"}};
    size_t n = w->n_points * w->n_arms;
    ew_table *t = ew_table_new("sweep", "headline figures against the swept parameters", n);
    const char **text = malloc(n * sizeof *text);
    double *v = malloc(n * sizeof *v);
    int rc = !t || !text || !v ? EW_ENOMEM : EW_OK;
    for (size_t i = 0; i < n && !rc; i++)
        v[i] = (double)(i / w->n_arms);
    if (!rc)
        rc = ew_table_add_num(t, "point", "1", "sweep point", v);
    for (size_t i = 0; i < n && !rc; i++)
        text[i] = w->names[i % w->n_arms];
    if (!rc)
        rc = ew_table_add_text(t, "arm", "arm of the scenario", text);
    for (uint32_t p = 0; p < w->spec.n_params && !rc; p++) {
        for (size_t i = 0; i < n; i++)
            text[i] = point_value(w, i / w->n_arms, p);
        rc = ew_table_add_text(t, w->spec.params[p].path, "swept parameter", text);
    }
    for (size_t i = 0; i < n && !rc; i++) {   /* "0.5/s" is 0.5; "fibre" its index */
        const char *value = point_value(w, i / w->n_arms, 0);
        char *end;
        v[i] = strtod(value, &end);
        if (end == value)
            v[i] = (double)ew_sweep_value_index(&w->spec, i / w->n_arms, 0);
    }
    if (!rc)
        rc = ew_table_add_num(t, "x", "1", "the first parameter as a number (else its index)", v);
    for (size_t c = 0; c < sizeof cols / sizeof cols[0] && !rc; c++)
        rc = ew_fig_add_total(t, w->aggp, n, cols[c][0], cols[c][1], cols[c][2][0] == '1');
    for (size_t i = 0; i < n && !rc; i++)
        v[i] = w->reps;
    if (!rc)
        rc = ew_table_add_num(t, "replications", "1", "independent replications", v);
    if (!rc)
        rc = ew_fig_add_totals(t, w->aggp, n);
    free(text);
    free(v);
    if (rc) {
        ew_table_free(t);
        return NULL;
    }
    return t;
}

/* Each parameter's name in a label: the last key of its path without an
 * index ("sites[1].servers" is "servers"), or the whole path when another
 * parameter's last key is the same. */
static void param_short_names(const ew_sweep_spec *sp, char name[][192])
{
    char key[EW_SWEEP_MAX_PARAMS][192];
    for (uint32_t q = 0; q < sp->n_params; q++) {
        const char *path = sp->params[q].path, *dot = strrchr(path, '.');
        snprintf(key[q], sizeof key[q], "%s", dot ? dot + 1 : path);
        key[q][strcspn(key[q], "[")] = '\0';
    }
    for (uint32_t p = 0; p < sp->n_params; p++) {
        uint32_t q = 0;
        while (q < sp->n_params && (q == p || strcmp(key[q], key[p])))
            q++;
        const char *chosen = q < sp->n_params ? sp->params[p].path : key[p];
        snprintf(name[p], sizeof key[p], "%.*s", (int)sizeof key[p] - 1, chosen);
    }
}

/* The frontier's labels: "ARM: servers=1000 k=2" (no comma, which gnuplot
 * would split when it reads the CSV by hand). */
static ew_table *sweep_frontier(const sweep *w)
{
    size_t n = w->n_points * w->n_arms;
    char (*lab)[256] = malloc(n * sizeof *lab);
    const char **labels = malloc(n * sizeof *labels);
    ew_table *t = NULL;
    if (lab && labels) {
        char name[EW_SWEEP_MAX_PARAMS][192];
        param_short_names(&w->spec, name);
        for (size_t i = 0; i < n; i++) {
            size_t k = (size_t)snprintf(lab[i], sizeof lab[i], "%s:", w->names[i % w->n_arms]);
            for (uint32_t p = 0; p < w->spec.n_params && k < sizeof lab[i]; p++)
                k += (size_t)snprintf(lab[i] + k, sizeof lab[i] - k, " %s=%s", name[p],
                                      point_value(w, i / w->n_arms, p));
            labels[i] = lab[i];
        }
        t = ew_fig_frontier(w->aggp, labels, n);
    }
    free(lab);
    free(labels);
    return t;
}

static int write_h5(const sweep *w, const char *path, ew_error *err)
{
    const ew_results *r0 = w->agg[0].res;
    int rc = ew_output_h5_arms(path, w->scen[0], &r0, w->names, 0, err);
    if (rc)
        return rc;
    H5E_auto2_t old;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0)
        rc = ew_error_set(err, EW_EIO, "%s: cannot reopen", path);
    ew_table *fig[2] = {sweep_figure(w), sweep_frontier(w)};
    if (!rc)
        rc = ew_write_tables(f, "figures", fig, 2, err);
    if (!rc)
        rc = ew_write_provenance(f, w->scen[0], err);
    ew_table_free(fig[0]);
    ew_table_free(fig[1]);
    if (f >= 0 && H5Fclose(f) < 0 && !rc)
        rc = ew_error_set(err, EW_EIO, "%s: cannot close", path);
    H5Eset_auto2(H5E_DEFAULT, old, old_data);
    return rc;
}

static int write_outputs(const sweep *w, const char *out_dir, int plot, int quiet, ew_error *err)
{
    char final[4096];
    if (out_dir)
        snprintf(final, sizeof final, "%s", out_dir);
    else
        snprintf(final, sizeof final, "results/%s-sweep", w->scen[0]->name);
    ew_resdir dir = {0};
    int rc = ew_resdir_begin(&dir, final, err);
    if (rc)
        return rc;
    char h5[4200], csv[4200];
    ew_resdir_file(&dir, "results.h5", h5, sizeof h5);
    ew_resdir_file(&dir, "sweep.csv", csv, sizeof csv);
    rc = write_h5(w, h5, err);
    ew_table *rows = rc ? NULL : sweep_figure(w);
    if (!rc)
        rc = rows ? ew_table_write_csv(rows, csv, err) : ew_error_set(err, EW_ENOMEM, "out of memory");
    ew_table_free(rows);
    if (!rc && plot) {
        ew_error perr = {0};
        size_t drawn = 0;
        int prc = ew_plot_all(h5, dir.tmp, "png", &drawn, &perr);
        if (prc && prc != EW_PLOT_SKIPPED)
            fprintf(stderr, "edgewatt: warning: %s; figures skipped\n", perr.msg);
    }
    if (!rc)
        rc = ew_resdir_commit(&dir, err);
    if (rc) {
        ew_resdir_abort(&dir);
        return rc;
    }
    if (!quiet) {
        printf("%-6s %-48s %-10s %12s %12s %12s\n", "point", "parameters", "arm", "Wh/query",
               "+/- 95%", "latency [s]");
        size_t f = ew_site_field_index("wh_b5_network"), l = ew_site_field_index("latency_mean_s");
        for (size_t i = 0; i < w->n_points * w->n_arms; i++) {
            char sets[EW_SWEEP_MAX_PARAMS][256], label[2048];
            point_sets(&w->spec, i / w->n_arms, sets, label, sizeof label);
            const ew_aggregate *g = &w->agg[i];
            printf("%-6zu %-48.48s %-10.10s %12.4g %12.2g %12.4g\n", i / w->n_arms, label,
                   w->names[i % w->n_arms], ew_aggregate_mean(g, g->n_sites, f),
                   ew_aggregate_ci95(g, g->n_sites, f), ew_aggregate_mean(g, g->n_sites, l));
        }
        printf("results in %s/ (results.h5, sweep.csv%s)\n", dir.final, plot ? ", figures" : "");
    }
    return EW_OK;
}

/* ---- the command ---- */

static void sweep_free(sweep *w)
{
    for (size_t i = 0; w->scen && i < w->n_points * w->n_arms; i++) {
        ew_scenario_free(w->scen[i]);
        ew_aggregate_free(&w->agg[i]);
    }
    free(w->scen);
    free(w->agg);
    free(w->aggp);
    ew_sweep_spec_clear(&w->spec);
}

static void mpi_start(sweep *w, int *argc, char ***argv)
{
    w->rank = 0;
    w->size = 1;
#ifdef EW_MPI
    /* only under a launcher: a plain run stays a plain process */
    if (getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_SIZE")) {
        MPI_Init(argc, argv);
        MPI_Comm_rank(MPI_COMM_WORLD, &w->rank);
        MPI_Comm_size(MPI_COMM_WORLD, &w->size);
    }
#else
    (void)argc;
    (void)argv;
#endif
}

static int mpi_end(const sweep *w, int code)
{
#ifdef EW_MPI
    if (w->size > 1 || getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_SIZE"))
        MPI_Finalize();
#else
    (void)w;
#endif
    return code;
}

/* Every rank agrees on failure (the worst code wins). */
static int agree(const sweep *w, int rc)
{
#ifdef EW_MPI
    if (w->size > 1) {
        int all;
        MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        return all;
    }
#else
    (void)w;
#endif
    return rc;
}

int ew_cmd_sweep(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"param", required_argument, NULL, 'p'},
        {"zip", no_argument, NULL, 'z'},          {"set", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},   {"replications", required_argument, NULL, 'R'},
        {"quiet", no_argument, NULL, 'q'},        {"no-plot", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    sweep w = {0};
    mpi_start(&w, &argc, &argv);
    const char *out_dir = NULL, *sets[66];
    char extra[2][64];
    int n_sets = 0, quiet = 0, plot = 1, zip = 0, c, bad = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out_dir = optarg; break;
        case 'p': bad = add_param(&w.spec, optarg); break;
        case 'z': zip = 1; break;
        case 'q': quiet = 1; break;
        case 'P': plot = 0; break;
        case 'h': fputs(usage, stdout); return mpi_end(&w, 0);
        case 's': case 'S': case 'R':
            if (n_sets >= 64) {
                fprintf(stderr, "edgewatt sweep: at most 64 --set options\n");
                bad = 2;
            } else if (c == 's') {
                sets[n_sets++] = optarg;
            } else {   /* checked where the scenario reads them */
                char *buf = extra[c == 'R'];
                snprintf(buf, 64, "%s=%s", c == 'S' ? "seed" : "replications", optarg);
                sets[n_sets++] = buf;
            }
            break;
        default: bad = 2;
        }
    }
    if (!bad && optind != argc - 1) {
        fprintf(stderr, "edgewatt sweep: expected one scenario file\n");
        bad = 2;
    }
    if (bad) {
        if (w.rank == 0)
            fputs(usage, stderr);
        ew_sweep_spec_clear(&w.spec);
        return mpi_end(&w, 2);
    }
    const char *path = argv[optind];
    ew_error err = {0};
    ew_scenario *base = NULL;
    int rc = ew_scenario_load(path, sets, n_sets, &base, &err);
    if (rc == EW_OK) {
        if (w.spec.n_params) {
            w.spec.zip = zip;
        } else {   /* the scenario's own sweep block */
            w.spec = base->sweep;
            memset(&base->sweep, 0, sizeof base->sweep);
        }
        w.n_points = ew_sweep_points(&w.spec);
        w.n_arms = base->n_arms ? base->n_arms : 1;
        w.reps = base->replications;
        for (size_t a = 0; a < w.n_arms; a++) {
            snprintf(w.arm_names[a], sizeof w.arm_names[a], "%s",
                     base->n_arms ? base->arms[a].name : "all");
            w.names[a] = w.arm_names[a];
        }
        if (!w.spec.n_params)
            rc = ew_error_set(&err, EW_EINVAL, "%s: nothing to sweep: give a sweep: block or "
                                               "--param KEY=V1,V2,...", path);
        else if (!w.n_points)
            rc = ew_error_set(&err, EW_EINVAL, "%s: --zip needs lists of equal length", path);
    }
    if (rc == EW_OK)
        rc = load_points(&w, path, sets, n_sets, &err);
    ew_scenario_free(base);
    if (rc == EW_OK)
        rc = run_local(&w, quiet, &err);
    rc = agree(&w, rc);
    if (rc == EW_OK)
        rc = gather(&w, &err);
    for (size_t i = 0; rc == EW_OK && w.rank == 0 && i < w.n_points * w.n_arms; i++)
        if ((rc = ew_aggregate_finish(&w.agg[i])))
            ew_error_set(&err, rc, "out of memory summarising the sweep");
    if (rc == EW_OK && w.rank == 0)
        rc = write_outputs(&w, out_dir, plot, quiet, &err);
    if (rc && w.rank == 0 && err.msg[0])
        fprintf(stderr, "edgewatt: %s\n", err.msg);
    sweep_free(&w);
    return mpi_end(&w, rc ? ew_exit_code(rc) : 0);
}
