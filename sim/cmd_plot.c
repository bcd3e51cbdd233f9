/* cmd_plot.c — `edgewatt plot RESULTS.h5 [-o DIR] [--format png|pdf|svg]
 * [--title T]`: the figure tables of a results file as CSV files and
 * figures (ew_plot_results in plot.c does the work). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ew.h"
#include "plot.h"

static const char usage[] =
    "usage: edgewatt plot RESULTS.h5 [-o DIR] [--format png|pdf|svg] [--title T]\n"
    "\n"
    "  Writes each table under /figures of RESULTS.h5 as DIR/<table>.csv and draws\n"
    "  it with gnuplot (plots/<kind>.gp) into DIR/<table>.<format>.\n"
    "  -o, --output DIR  where to write (default: the folder holding RESULTS.h5)\n"
    "  -f, --format F    png (default), pdf or svg\n"
    "  -t, --title T     title in the corner of each figure (default: the scenario's)\n"
    "\n"
    "Exit status: 0 success, 1 run-time failure (gnuplot missing or failing,\n"
    "an unwritable folder), 2 bad input.\n";

int ew_cmd_plot(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'f'},
        {"title", required_argument, NULL, 't'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    ew_plot_options opt = { NULL, "png", NULL };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:f:t:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': opt.out_dir = optarg; break;
        case 'f': opt.format = optarg; break;
        case 't': opt.title = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "edgewatt plot: expected one results file\n%s", usage);
        return 2;
    }
    const char *h5 = argv[optind];
    size_t drawn = 0;
    ew_error err = {0};
    int rc = ew_plot_results(h5, &opt, &drawn, &err);
    if (rc == EW_PLOT_SKIPPED) {
        /* the CSVs are there, but the figures this command is for are not */
        fprintf(stderr, "edgewatt plot: gnuplot is not installed: tables written as CSV, "
                        "no figures drawn\n");
        return 1;
    }
    if (rc != EW_OK) {
        fprintf(stderr, "edgewatt plot: %s\n", err.msg);
        return ew_exit_code(rc);
    }
    if (drawn == 0)
        fprintf(stderr, "edgewatt plot: %s holds no figure tables (/figures)\n", h5);
    else
        printf("%zu figure%s (%s) in %s\n", drawn, drawn == 1 ? "" : "s", opt.format,
               opt.out_dir ? opt.out_dir : "the folder of the results file");
    return 0;
}
