/* main.c — the edgewatt command line. Only this file prints errors and
 * chooses exit codes: 0 success, 1 a run-time failure (file system, memory,
 * a library), 2 bad input (scenario, option). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include "commands.h"
#include "ew.h"
#include "output.h"
#include "figures.h"
#include "output_h5.h"
#include "plot.h"
#include "replicate.h"
#include "resdir.h"
#include "run.h"
#include "scenario.h"

static const char usage[] =
    "usage: edgewatt run SCENARIO [-o DIR] [--seed N] [--set key.path=value]... [--quiet]\n"
    "       edgewatt sweep SCENARIO [--param K=V1,V2,...]... ...  a sweep (--help for more)\n"
    "       edgewatt plot RESULTS.h5 [-o DIR] [--format png|pdf|svg]  the figures\n"
    "       edgewatt report RESULTS.h5 [-o DIR]   an HTML and Markdown report\n"
    "       edgewatt devices | models [--csv]     the catalogues\n"
    "       edgewatt cost --model M --device D ... what a query costs (--help for more)\n"
    "       edgewatt validate                     predictions against published measurements\n"
    "       edgewatt calibrate [fit RAW.csv] ...   measure a device and fit its laws (--help)\n"
    "       edgewatt --help | --version\n"
    "\n"
    "  run SCENARIO     simulate SCENARIO (a YAML file) and write results.h5, summary.csv,\n"
    "                   power.csv and power.png into results/<name>/ (or DIR)\n"
    "  -o, --output DIR results folder (replaced whole when the run succeeds)\n"
    "      --seed N     random seed (overrides the scenario's seed)\n"
    "      --set K=V    override a scenario value, e.g. --set sites[0].servers=20\n"
    "                   --set run.duration=2h (repeatable; stored with the results)\n"
    "      --replications N  independent replications (run in parallel, OMP_NUM_THREADS);\n"
    "                   summaries become means with 95% confidence intervals\n"
    "  -q, --quiet      no table and no progress line\n"
    "      --no-plot    skip the figure\n"
    "\n"
    "Exit status: 0 success, 1 run-time failure, 2 bad input.\n";

static int fail(const ew_error *err)
{
    fprintf(stderr, "edgewatt: %s\n", err->msg);
    return ew_exit_code(err->code);
}

/* Runs every replication of every arm into g[0..n). */
static int run_replications(ew_scenario *const *arm, size_t n, ew_aggregate *g, int quiet,
                            ew_error *err)
{
    uint32_t reps = arm[0]->replications;
    ew_job *jobs = calloc(n * reps, sizeof *jobs);
    if (!jobs)
        return ew_error_set(err, EW_ENOMEM, "out of memory");
    int rc = EW_OK;
    for (size_t a = 0; a < n && rc == EW_OK; a++)
        if ((rc = ew_aggregate_init(&g[a], arm[a], reps)))
            ew_error_set(err, rc, "out of memory");
    for (size_t i = 0; i < n * reps && rc == EW_OK; i++)   /* replication-major */
        jobs[i] = (ew_job){arm[i % n], (uint32_t)(i / n), &g[i % n]};
    ew_job_options jo = {!quiet, 1, arm[0]->name};
    if (rc == EW_OK)
        rc = ew_run_jobs(jobs, n * reps, &jo, err);
    for (size_t a = 0; a < n && rc == EW_OK; a++)
        if ((rc = ew_aggregate_finish(&g[a])))
            ew_error_set(err, rc, "out of memory summarising replications");
    free(jobs);
    return rc;
}

/* power.csv (power-ARM.csv per arm) and its figure; returns what to say of it. */
static int write_power(const ew_resdir *dir, const ew_scenario *s, const ew_aggregate *g,
                       const char *const *names, size_t n, int plot, const char **figure,
                       ew_error *err)
{
    *figure = !plot ? "no figures (--no-plot)"
              : s->n_arms ? "power-ARM.png and the figures of results.h5's /figures"
                          : "power.png and the figures of results.h5's /figures";
    for (size_t a = 0; a < n; a++) {
        char base[128], power[4400], png[4400], title[400];
        snprintf(base, sizeof base, s->n_arms ? "power-%s" : "power", names[a]);
        snprintf(power, sizeof power, "%s/%s.csv", dir->tmp, base);
        snprintf(png, sizeof png, "%s/%s.png", dir->tmp, base);
        snprintf(title, sizeof title, "%s%s%s", s->title[0] ? s->title : s->name,
                 s->n_arms ? " - arm " : "", names[a]);
        int rc = ew_output_power_csv(power, g[a].res, err);
        if (rc)
            return rc;
        if (!plot)
            continue;
        ew_error perr = {0};
        int prc = ew_plot_power(power, png, title, g[a].res->duration_s, &perr);
        if (prc == EW_PLOT_SKIPPED) {
            *figure = "no figure: gnuplot is not installed";
        } else if (prc) {
            fprintf(stderr, "edgewatt: warning: %s; the figure was skipped\n", perr.msg);
            *figure = "no figure: gnuplot failed";
        }
    }
    return EW_OK;
}

static void print_run(const ew_resdir *dir, const ew_scenario *s, const ew_aggregate *g,
                      const char *const *names, size_t n, const char *figure)
{
    const ew_results *res[16];
    for (size_t a = 0; a < n; a++) {
        res[a] = g[a].res;
        if (s->n_arms)
            printf("%sarm %s: routing %s\n", a ? "\n" : "", names[a], s->arms[a].routing);
        ew_output_table(stdout, g[a].res);
        printf("wall time %.3f s, %.2f M events/s\n", g[a].wall_s,
               g[a].wall_s > 0 ? (double)g[a].events / g[a].wall_s / 1e6 : 0.0);
    }
    if (s->n_arms)
        ew_output_arms_table(stdout, res, names, n);
    ew_output_accounting_table(stdout, res, s->n_arms ? names : NULL, n);
    if (g[0].n_reps > 1)
        ew_output_replications_table(stdout, g, s->n_arms ? names : NULL, n);
    printf("results in %s/ (results.h5, summary.csv, %s.csv; %s)\n", dir->final,
           s->n_arms ? "power-ARM" : "power", figure);
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"seed", required_argument, NULL, 'S'},
        {"set", required_argument, NULL, 's'},    {"quiet", no_argument, NULL, 'q'},
        {"no-plot", no_argument, NULL, 'P'},      {"help", no_argument, NULL, 'h'},
        {"replications", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0}};
    const char *out_dir = NULL;
    const char *sets[66];
    char seed_set[64], reps_set[64];
    int n_sets = 0, quiet = 0, plot = 1, c;
    ew_error err = {0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out_dir = optarg; break;
        case 'q': quiet = 1; break;
        case 'P': plot = 0; break;
        case 'h': fputs(usage, stdout); return 0;
        case 'S': /* --seed N is --set seed=N, --replications N --set replications=N */
        case 'R':
        case 's':
            if (n_sets == 64) {
                fprintf(stderr, "edgewatt: at most 64 --set options\n");
                return 2;
            }
            if (c != 's') {
                char *end;
                unsigned long long v = strtoull(optarg, &end, 10);
                if (!*optarg || *end || *optarg == '-' || (c == 'R' && v == 0)) {
                    fprintf(stderr, "edgewatt: --%s '%s': expected a whole number >= %d\n",
                            c == 'S' ? "seed" : "replications", optarg, c == 'S' ? 0 : 1);
                    return 2;
                }
                char *buf = c == 'S' ? seed_set : reps_set;
                snprintf(buf, 64, "%s=%s", c == 'S' ? "seed" : "replications", optarg);
                sets[n_sets++] = buf;
            } else {
                sets[n_sets++] = optarg;
            }
            break;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "edgewatt run: expected one scenario file\n%s", usage);
        return 2;
    }
    ew_scenario *arm[16] = {0};
    size_t n = 0;
    int rc = ew_scenario_load_arms(argv[optind], sets, n_sets, arm, &n, &err);
    if (rc) {
        for (size_t a = 0; a < 16; a++)
            ew_scenario_free(arm[a]);
        return fail(&err);
    }
    ew_scenario *s = arm[0];
    char final[4096];
    snprintf(final, sizeof final, "%s", out_dir ? out_dir : "results/");
    if (!out_dir)
        snprintf(final, sizeof final, "results/%s", s->name);
    ew_resdir dir = {0};
    ew_aggregate g[16] = {0};
    const char *names[16];
    for (size_t a = 0; a < n; a++)
        names[a] = s->n_arms ? s->arms[a].name : "";
    if ((rc = ew_resdir_begin(&dir, final, &err)) == EW_OK)
        rc = run_replications(arm, n, g, quiet, &err);
    char h5[4200], csv[4200];
    ew_resdir_file(&dir, "results.h5", h5, sizeof h5);
    ew_resdir_file(&dir, "summary.csv", csv, sizeof csv);
    const ew_results *res[16];
    for (size_t a = 0; a < n; a++)
        res[a] = g[a].res;
    if (rc == EW_OK)
        rc = ew_output_h5_arms(h5, s, res, s->n_arms ? names : NULL, n, &err);
    if (rc == EW_OK)
        rc = ew_figures_write(h5, s, g, s->n_arms ? names : NULL, n, &err);
    if (rc == EW_OK)
        rc = ew_output_summary_csv(csv, g, s->n_arms ? names : NULL, n, &err);
    const char *figure = "";
    if (rc == EW_OK)
        rc = write_power(&dir, s, g, names, n, plot, &figure, &err);
    if (rc == EW_OK && plot) {
        ew_error perr = {0};
        size_t drawn = 0;
        int prc = ew_plot_all(h5, dir.tmp, "png", &drawn, &perr);
        if (prc && prc != EW_PLOT_SKIPPED)
            fprintf(stderr, "edgewatt: warning: %s; figures skipped\n", perr.msg);
    }
    for (size_t a = 0; a < n && rc == EW_OK; a++)
        if (g[a].res->total.completions > 0 && g[a].res->total.latency_samples == 0)
            fprintf(stderr, "edgewatt: warning: no query arrived after the warm-up (%g s): "
                            "latency statistics are empty\n", s->warmup_s);
    if (rc == EW_OK)
        rc = ew_resdir_commit(&dir, &err);
    if (rc == EW_OK && !quiet)
        print_run(&dir, s, g, names, n, figure);
    if (rc && dir.tmp[0])
        ew_resdir_abort(&dir);
    for (size_t a = 0; a < n; a++) {
        ew_aggregate_free(&g[a]);
        ew_scenario_free(arm[a]);
    }
    return rc ? fail(&err) : 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();   /* GSL reports through return codes here */
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("edgewatt %s\n", EW_VERSION);
        return 0;
    }
    static const struct { const char *name; int (*cmd)(int, char **); } cmds[] = {
        {"run", cmd_run},         {"devices", ew_cmd_devices}, {"models", ew_cmd_models},
        {"cost", ew_cmd_cost},    {"validate", ew_cmd_validate},
        {"calibrate", ew_cmd_calibrate}, {"sweep", ew_cmd_sweep},
        {"plot", ew_cmd_plot},    {"report", ew_cmd_report},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[1], cmds[i].name)) {
            char name[32];   /* getopt's messages start with argv[0] */
            snprintf(name, sizeof name, "edgewatt %s", cmds[i].name);
            argv[1] = name;
            return cmds[i].cmd(argc - 1, argv + 1);
        }
    fprintf(stderr, "edgewatt: unknown command \"%s\" (known: run, devices, models, cost, "
                    "validate, calibrate, sweep, plot, report)\n%s", argv[1], usage);
    return 2;
}
