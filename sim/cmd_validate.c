/* cmd_validate.c — `edgewatt validate`: predicts the published measurements
 * in data/validation.csv with the cost model and the catalogues' laws, and
 * prints predicted against published with the error in percent and the
 * boundary each figure counts. Nothing is fitted to these rows. Errors are
 * summarised per metric, never pooled; a row that cannot be predicted is
 * printed with its reason and makes the command exit 2 naming its line.
 *
 * Predictions (see the header of data/validation.csv):
 *   j_per_request        prefill(prompt) + output × E_step(B, B·(prompt + output/2)) / B:
 *                        steady-state serving at batch B, each request charged 1/B
 *                        of every step it is in, at its mean context;
 *   j_per_output_token   j_per_request / output;
 *   j_per_response       prefill(prompt) + E of output − 1 decode steps at batch 1;
 *   decode_tokens_per_s  output / time of output decode steps at batch 1.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "commands.h"
#include "ew.h"
#include "scenario.h"
#include "../models/device/csvtable.h"
#include "../models/device/device.h"
#include "../models/inference/cost.h"
#include "../models/inference/model.h"

static const char usage[] =
    "usage: edgewatt validate [--data DIR] [--csv]\n"
    "  predicts each measurement of DIR/validation.csv and prints the error\n";

typedef struct row_in {
    char id[64], model[48], device[48], precision[16], metric[32], boundary[64];
    double gpus, batch, prompt, output, published;
} row_in;

/* One predicted row: its absolute error [%], device, metric and the origin
 * of its laws. */
typedef struct row_out {
    double abs_err;
    char device[48], metric[32], origin[256];
} row_out;

/* Prints the median and worst absolute error of the rows grouped by metric,
 * and by device first when by_device, groups in the order of first
 * appearance; `buf` holds n doubles. */
static void summarise(const row_out *ro, size_t n, int by_device, double *buf)
{
    for (size_t i = 0; i < n; i++) {
        size_t first = 0, m = 0;
        while (strcmp(ro[first].metric, ro[i].metric) != 0 ||
               (by_device && strcmp(ro[first].device, ro[i].device) != 0))
            first++;
        if (first != i)
            continue;
        for (size_t j = i; j < n; j++)
            if (!strcmp(ro[j].metric, ro[i].metric) &&
                (!by_device || !strcmp(ro[j].device, ro[i].device)))
                buf[m++] = ro[j].abs_err;
        gsl_sort(buf, 1, m);
        double med = gsl_stats_median_from_sorted_data(buf, 1, m);
        if (by_device)
            printf("  %-16s %-19s %2zu rows  median %5.1f%%  worst %5.1f%%  laws: %s\n",
                   ro[i].device, ro[i].metric, m, med, buf[m - 1], ro[i].origin);
        else
            printf("  %-19s %2zu predictions: median absolute error %5.1f%%, worst %5.1f%%\n",
                   ro[i].metric, m, med, buf[m - 1]);
    }
}

static double predict(const row_in *in, const ew_deployment *dp)
{
    double b = in->batch;
    int per_token = !strcmp(in->metric, "j_per_output_token");
    if (per_token || !strcmp(in->metric, "j_per_request")) {
        ew_cost pre = ew_cost_prefill(dp, in->prompt, 0);
        ew_cost step = ew_cost_decode_step(dp, (uint32_t)b, b * (in->prompt + in->output / 2));
        double j = pre.energy_j + in->output * step.energy_j / b;
        return per_token ? j / in->output : j;
    }
    if (!strcmp(in->metric, "j_per_response")) {
        ew_cost pre = ew_cost_prefill(dp, in->prompt, 0);
        ew_cost run = ew_cost_decode_steps(dp, 1, in->prompt + 1, (uint64_t)in->output - 1);
        return pre.energy_j + run.energy_j;
    }
    if (!strcmp(in->metric, "decode_tokens_per_s")) {
        ew_cost run = ew_cost_decode_steps(dp, 1, in->prompt, (uint64_t)in->output);
        return in->output / run.time_s;
    }
    return NAN;
}

int ew_cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                         {"csv", no_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *data = ew_default_data_dir();
    int csv = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd')
            data = optarg;
        else if (c == 'c')
            csv = 1;
        else {
            fputs(usage, c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
    }
    if (optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
    ew_error err = {0};
    ew_csv_table *t = NULL;
    ew_device_catalog *dc = NULL;
    ew_model_catalog *mc = NULL;
    char path[600];
    static const char *const cols[] = {"id", "model", "device", "gpus", "precision", "batch",
                                       "prompt_tokens", "output_tokens", "metric", "published",
                                       "boundary"};
    int ix[11];
    snprintf(path, sizeof path, "%s/validation.csv", data);
    int rc = ew_csv_table_read(path, &t, &err);
    if (rc == EW_OK)
        rc = ew_csv_require(t, cols, 11, ix, &err);
    snprintf(path, sizeof path, "%s/devices.csv", data);
    if (rc == EW_OK)
        rc = ew_device_catalog_load(path, &dc, &err);
    snprintf(path, sizeof path, "%s/models.csv", data);
    if (rc == EW_OK)
        rc = ew_model_catalog_load(path, &mc, &err);
    row_out *ro = t ? calloc(t->nrows + 1, sizeof *ro) : NULL;
    double *group = t ? calloc(t->nrows + 1, sizeof *group) : NULL;
    int *skipped_line = t ? calloc(t->nrows + 1, sizeof *skipped_line) : NULL;
    size_t n_skipped = 0;
    size_t n_err = 0;
    if (rc == EW_OK && (!ro || !group || !skipped_line))
        rc = ew_error_set(&err, EW_ENOMEM, "out of memory");
    if (rc == EW_OK) {
        if (csv)
            puts("id,device,gpus,model,precision,batch,metric,published,predicted,error_pct,"
                 "boundary,laws");
        else
            printf("%-20s %-14s %-13s %-5s %5s %-19s %10s %10s %8s  %s\n", "id", "device",
                   "model", "prec", "batch", "metric", "published", "predicted", "error",
                   "published boundary (edgewatt: GPU only)");
    }
    for (size_t r = 0; rc == EW_OK && r < t->nrows; r++) {
        row_in in;
        if ((rc = ew_csv_string(t, r, ix[0], 0, in.id, sizeof in.id, &err)) ||
            (rc = ew_csv_string(t, r, ix[1], 0, in.model, sizeof in.model, &err)) ||
            (rc = ew_csv_string(t, r, ix[2], 0, in.device, sizeof in.device, &err)) ||
            (rc = ew_csv_number(t, r, ix[3], 0, 0, 1, "a number of GPUs >= 1", &in.gpus, &err)) ||
            (rc = ew_csv_string(t, r, ix[4], 0, in.precision, sizeof in.precision, &err)) ||
            (rc = ew_csv_number(t, r, ix[5], 0, 0, 1, "a batch >= 1", &in.batch, &err)) ||
            (rc = ew_csv_number(t, r, ix[6], 0, 0, 1, "tokens >= 1", &in.prompt, &err)) ||
            (rc = ew_csv_number(t, r, ix[7], 0, 0, 2, "tokens >= 2", &in.output, &err)) ||
            (rc = ew_csv_string(t, r, ix[8], 0, in.metric, sizeof in.metric, &err)) ||
            (rc = ew_csv_number(t, r, ix[9], 0, 0, 0, "a number >= 0", &in.published, &err)) ||
            (rc = ew_csv_string(t, r, ix[10], 1, in.boundary, sizeof in.boundary, &err)))
            break;
        const ew_device *d = ew_device_find(dc, in.device);
        const ew_ai_model *m = ew_model_find(mc, in.model);
        ew_precision p;
        ew_device_laws laws;
        ew_deployment dp;
        ew_error why = {0};
        const char *skip = NULL;
        if (!d)
            skip = "device not in the catalogue";
        else if (!m)
            skip = "model not in the catalogue";
        else if (ew_precision_parse(in.precision, &p))
            skip = "unknown precision";
        else if (ew_device_laws_get(d, data, &laws, &why) ||
                 ew_deploy(m, d, &laws, p, (uint32_t)in.gpus, 1,
                           (uint32_t)(in.prompt + in.output), &dp, &why))
            skip = why.msg;
        double pred = skip ? NAN : predict(&in, &dp);
        if (!skip && isnan(pred))
            skip = "unknown metric";
        double e = skip ? NAN : 100.0 * (pred - in.published) / in.published;
        if (skip) {
            skipped_line[n_skipped++] = t->lines[r];
        } else {
            row_out *o = &ro[n_err++];
            o->abs_err = fabs(e);
            snprintf(o->device, sizeof o->device, "%s", in.device);
            snprintf(o->metric, sizeof o->metric, "%s", in.metric);
            snprintf(o->origin, sizeof o->origin, "%s", dp.laws.origin);
        }
        if (csv)
            printf("%s,%s,%.0f,%s,%s,%.0f,%s,%.6g,%.6g,%.3g,\"%s\",\"%s\"\n", in.id, in.device,
                   in.gpus, in.model, in.precision, in.batch, in.metric, in.published, pred, e,
                   in.boundary, skip ? skip : dp.laws.origin);
        else if (skip)
            printf("%-20s skipped: %s\n", in.id, skip);
        else
            printf("%-20s %.0fx%-12s %-13s %-5s %5.0f %-19s %10.4g %10.4g %+7.1f%%  %s\n", in.id,
                   in.gpus, in.device, in.model, in.precision, in.batch, in.metric, in.published,
                   pred, e, in.boundary);
    }
    if (rc == EW_OK && !csv && n_err) {
        /* A per-token row restates a per-request row of the same measurement,
         * so errors are summarised per metric, never pooled across metrics. */
        printf("\nBy device and metric (median and worst absolute error):\n");
        summarise(ro, n_err, 1, group);
        printf("\nBy metric:\n");
        summarise(ro, n_err, 0, group);
        printf("\nLaws: the datasheet defaults of data/device_defaults.csv unless a device has a "
               "calibration file (--csv shows which). Assumptions per row: "
               "data/validation.csv.\n");
    }
    if (rc == EW_OK && n_skipped) {
        /* a row that names an unknown device, model, precision or metric is a
         * defect of the data, not a prediction to leave out quietly */
        size_t cap = sizeof err.msg;
        int k = snprintf(err.msg, cap, "%s: %zu of %zu rows could not be predicted (line",
                         t->path, n_skipped, t->nrows);
        for (size_t i = 0; i < n_skipped && k > 0 && (size_t)k < cap; i++)
            k += snprintf(err.msg + k, cap - (size_t)k, "%s %d",
                          i ? "," : n_skipped > 1 ? "s" : "", skipped_line[i]);
        if (k > 0 && (size_t)k < cap)
            snprintf(err.msg + k, cap - (size_t)k, "; each row's reason is in the output)");
        rc = EW_EINVAL;
    }
    free(ro);
    free(group);
    free(skipped_line);
    ew_csv_table_free(t);
    ew_device_catalog_free(dc);
    ew_model_catalog_free(mc);
    if (rc) {
        fprintf(stderr, "edgewatt: %s\n", err.msg);
        return ew_exit_code(rc);
    }
    return 0;
}
