/* output.h — text outputs of a run: summary.csv (one row per site and one
 * for all sites), power.csv (the binned time series, which the gnuplot
 * scripts in plots/ read), and the summary table printed on stdout.
 * CSV files are written with libcsv's quoting; numbers with %.10g, so the
 * same results always give the same bytes.
 */
#ifndef EW_OUTPUT_H
#define EW_OUTPUT_H

#include <stdio.h>

#include "ew.h"
#include "replicate.h"
#include "results.h"

/* summary.csv: for each arm (names NULL: one arm, named "") a row per site
 * and one for all sites, with the mean over replications of every field,
 * energy_per_query_wh, the number of replications, then each field's 95%
 * half-width as <field>_ci95 (nan for one replication). */
int ew_output_summary_csv(const char *path, const ew_aggregate *g, const char *const *names,
                          size_t n, ew_error *err);
/* The headline figures of each arm with their intervals (replications > 1). */
void ew_output_replications_table(FILE *f, const ew_aggregate *g, const char *const *names,
                                  size_t n);
int ew_output_power_csv(const char *path, const ew_results *r, ew_error *err);
/* The human-readable summary: one column per site and one for all. */
void ew_output_table(FILE *f, const ew_results *r);
/* The arms side by side: energy per query, latency, edge share, losses,
 * and each arm's difference from the first. */
void ew_output_arms_table(FILE *f, const ew_results *const *r, const char *const *names,
                          size_t n);
/* The accounting of each arm (names may be NULL for one run): energy per
 * query at each boundary in both views, carbon (operational and embodied),
 * water, cost and the operators' profit. */
void ew_output_accounting_table(FILE *f, const ew_results *const *r, const char *const *names,
                                size_t n);

#endif
