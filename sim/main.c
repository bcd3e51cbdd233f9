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
#include "output_h5.h"
#include "plot.h"
#include "resdir.h"
#include "run.h"
#include "scenario.h"

static const char usage[] =
    "usage: edgewatt run SCENARIO [-o DIR] [--seed N] [--set key.path=value]... [--quiet]\n"
    "       edgewatt devices | models [--csv]     the catalogues\n"
    "       edgewatt cost --model M --device D ... what a query costs (--help for more)\n"
    "       edgewatt validate                     predictions against published measurements\n"
    "       edgewatt --help | --version\n"
    "\n"
    "  run SCENARIO     simulate SCENARIO (a YAML file) and write results.h5, summary.csv,\n"
    "                   power.csv and power.png into results/<name>/ (or DIR)\n"
    "  -o, --output DIR results folder (replaced whole when the run succeeds)\n"
    "      --seed N     random seed (overrides the scenario's seed)\n"
    "      --set K=V    override a scenario value, e.g. --set sites[0].servers=20\n"
    "                   --set run.duration=2h (repeatable; stored with the results)\n"
    "  -q, --quiet      no table and no progress line\n"
    "      --no-plot    skip the figure\n"
    "\n"
    "Exit status: 0 success, 1 run-time failure, 2 bad input.\n";

static int fail(const ew_error *err)
{
    fprintf(stderr, "edgewatt: %s\n", err->msg);
    return ew_exit_code(err->code);
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"seed", required_argument, NULL, 'S'},
        {"set", required_argument, NULL, 's'},    {"quiet", no_argument, NULL, 'q'},
        {"no-plot", no_argument, NULL, 'P'},      {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *out_dir = NULL;
    const char *sets[66];
    char seed_set[64];
    int n_sets = 0, quiet = 0, plot = 1, c;
    ew_error err = {0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out_dir = optarg; break;
        case 'q': quiet = 1; break;
        case 'P': plot = 0; break;
        case 'h': fputs(usage, stdout); return 0;
        case 'S': /* --seed N is --set seed=N */
        case 's':
            if (n_sets == 64) {
                fprintf(stderr, "edgewatt: at most 64 --set options\n");
                return 2;
            }
            if (c == 'S') {
                char *end;
                strtoull(optarg, &end, 10);
                if (!*optarg || *end || *optarg == '-') {
                    fprintf(stderr, "edgewatt: --seed '%s': expected a whole number >= 0\n",
                            optarg);
                    return 2;
                }
                snprintf(seed_set, sizeof seed_set, "seed=%s", optarg);
                sets[n_sets++] = seed_set;
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
    ew_scenario *s;
    int rc = ew_scenario_load(argv[optind], sets, n_sets, &s, &err);
    if (rc)
        return fail(&err);

    char final[4096];
    if (out_dir)
        snprintf(final, sizeof final, "%s", out_dir);
    else
        snprintf(final, sizeof final, "results/%s", s->name);
    ew_resdir dir;
    if ((rc = ew_resdir_begin(&dir, final, &err))) {
        ew_scenario_free(s);
        return fail(&err);
    }
    ew_results *r = NULL;
    ew_run_options ro = {0, !quiet};
    char h5[4200], csv[4200], power[4200], png[4200];
    ew_resdir_file(&dir, "results.h5", h5, sizeof h5);
    ew_resdir_file(&dir, "summary.csv", csv, sizeof csv);
    ew_resdir_file(&dir, "power.csv", power, sizeof power);
    ew_resdir_file(&dir, "power.png", png, sizeof png);
    if (!(rc = ew_run(s, &ro, &r, &err)) && !(rc = ew_output_h5(h5, s, r, &err)) &&
        !(rc = ew_output_summary_csv(csv, r, &err)) && !(rc = ew_output_power_csv(power, r, &err))) {
        const char *figure = "power.png";
        if (plot) {
            ew_error perr = {0};
            int prc = ew_plot_power(power, png, s->title[0] ? s->title : s->name, r->duration_s, &perr);
            if (prc == EW_PLOT_SKIPPED) {
                figure = "no figure: gnuplot is not installed";
            } else if (prc) {
                fprintf(stderr, "edgewatt: warning: %s; the figure was skipped\n", perr.msg);
                figure = "no figure: gnuplot failed";
            }
        } else {
            figure = "no figure (--no-plot)";
        }
        if (r->total.completions > 0 && r->total.latency_samples == 0)
            fprintf(stderr, "edgewatt: warning: no query arrived after the warm-up (%g s): "
                            "latency statistics are empty\n", s->warmup_s);
        rc = ew_resdir_commit(&dir, &err);
        if (!rc && !quiet) {
            ew_output_table(stdout, r);
            printf("wall time %.3f s, %.2f M events/s\n", r->wall_s,
                   r->wall_s > 0 ? (double)r->events / r->wall_s / 1e6 : 0.0);
            printf("results in %s/ (results.h5, summary.csv, power.csv; %s)\n", dir.final, figure);
        }
    }
    if (rc)
        ew_resdir_abort(&dir);
    ew_results_free(r);
    ew_scenario_free(s);
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
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[1], cmds[i].name)) {
            char name[32];   /* getopt's messages start with argv[0] */
            snprintf(name, sizeof name, "edgewatt %s", cmds[i].name);
            argv[1] = name;
            return cmds[i].cmd(argc - 1, argv + 1);
        }
    fprintf(stderr, "edgewatt: unknown command \"%s\" (known: run, devices, models, cost, "
                    "validate)\n%s", argv[1], usage);
    return 2;
}
