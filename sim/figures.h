/* figures.h — the tables behind the figures and the report (sim/figtable.h
 * gives their columns), built from the replications' summaries, and the
 * provenance of a run: which device laws (catalogue or calibration) and
 * which data files, with their sources, it used.
 *
 * results.h5 gains, beside output_h5.h's layout:
 *   /figures/<table>        energy_by_boundary, latency_cdf, power_by_kind-<arm>,
 *                           frontier, headline
 *   /replications/summary   every field's mean and 95% half-width, per arm and site
 *   /replications/totals    every field of the total, per arm and replication
 *   /provenance/devices     site, device, model, laws (their origin)
 *   /provenance/data        file, rows, sources
 *   root attributes scenario_title, replications (uint32)
 */
#ifndef EW_FIGURES_H
#define EW_FIGURES_H

#include <stddef.h>
#include <hdf5.h>

#include "ew.h"
#include "figtable.h"
#include "replicate.h"
#include "scenario.h"

/* Adds the groups above to the results file at h5_path (already written by
 * ew_output_h5_arms) for the arms g[0..n) of scenario s (names NULL: one
 * arm, named "all" in the tables). */
int ew_figures_write(const char *h5_path, const ew_scenario *s, const ew_aggregate *g,
                     const char *const *names, size_t n, ew_error *err);

/* The pieces, for the sweep command. */
/* Appends column col: field of the total of each of g[0..n), its mean over
 * replications, or its 95% half-width when ci. */
int ew_fig_add_total(ew_table *t, const ew_aggregate *const *g, size_t n, const char *col,
                     const char *field, int ci);
/* Appends every field of the totals and its half-width (<field>,
 * <field>_ci95), except columns the table already has. */
int ew_fig_add_totals(ew_table *t, const ew_aggregate *const *g, size_t n);
ew_table *ew_fig_frontier(const ew_aggregate *const *g, const char *const *labels, size_t n);
ew_table *ew_fig_latency_cdf(const ew_aggregate *g, const char *const *names, size_t n);
int ew_write_provenance(hid_t file, const ew_scenario *s, ew_error *err);
/* Writes tables t[0..n) under group `group` (created) of an open file. */
int ew_write_tables(hid_t file, const char *group, ew_table *const *t, size_t n, ew_error *err);

#endif
