/* replicate.h — independent replications, run in parallel with OpenMP, and
 * their summary: every figure as a mean over replications with a 95%
 * Student-t confidence interval, percentiles from the replications'
 * histograms merged (not averaged).
 *
 * A job is one replication of one scenario (one arm of one sweep point).
 * Replication r draws from streams (seed, r, purpose) (sim/rng.h), so the
 * same job gives the same numbers on any thread, and the arms and sweep
 * points of one replication share their arrivals (common random numbers).
 * Jobs run in any order; each writes only its own slots, histograms merge
 * by adding whole counts (exact in any order), and the summary is computed
 * afterwards in replication order: the results are the same bytes for any
 * number of threads.
 *
 * Mean and interval of a figure x over n replications:
 *   mean = (1/n) Σ x_r,  half-width = t(0.975, n−1) · s / √n,
 *   s the sample standard deviation (NAN for n < 2).
 * Percentile fields (sojourn, latency, ttft, tpot p50/p95/p99) take their
 * value from the merged histogram and their half-width from the spread of
 * the per-replication percentiles; maxima take the maximum.
 */
#ifndef EW_REPLICATE_H
#define EW_REPLICATE_H

#include <stddef.h>
#include <stdint.h>

#include "ew.h"
#include "results.h"
#include "scenario.h"

/* The replications of one scenario variant (an arm, or a sweep point's arm). */
typedef struct ew_aggregate {
    uint32_t n_reps;
    uint32_t n_sites;
    ew_site_result *reps;   /* [n_reps × (n_sites + 1)]: per replication, sites then total */
    ew_hist *hists;         /* [(n_sites + 1) × EW_N_HISTS]: merged over replications */
    ew_results *res;        /* replication 0's results; after ew_aggregate_finish its site
                             * figures are the means (counts rounded), its time series the
                             * mean over replications; servers and query records stay
                             * replication 0's */
    double *mean, *ci95;    /* [(n_sites + 1) × ew_n_site_fields], after finish */
    uint64_t events;        /* all replications [1] */
    double wall_s;          /* sum over replications of the loops' wall time [s] */
    size_t n_bins;          /* time-series bins of every replication (0: lengths differ) */
    double *bins;           /* [n_reps × (n_sites + 1) × n_bins]: power per site, then arrivals */
} ew_aggregate;

/* Prepares agg for n_reps replications of scenario s. EW_OK or EW_ENOMEM. */
int ew_aggregate_init(ew_aggregate *agg, const ew_scenario *s, uint32_t n_reps);
void ew_aggregate_free(ew_aggregate *agg);

/* One replication to run: scenario s (an arm already applied), into agg. */
typedef struct ew_job {
    const ew_scenario *s;
    uint32_t rep;
    ew_aggregate *agg;
} ew_job;

typedef struct ew_job_options {
    int progress;           /* nonzero: a progress line on stderr (when it is a terminal) */
    int keep_detail;        /* nonzero: keep replication 0's servers, records, time series,
                             * and average the time series; zero: site figures only */
    const char *what;       /* shown in the progress line, e.g. the scenario name */
} ew_job_options;

/* Runs the jobs in parallel (OpenMP; OMP_NUM_THREADS threads). Stops
 * starting new jobs after a failure and reports the failed job of lowest
 * index. */
int ew_run_jobs(ew_job *jobs, size_t n, const ew_job_options *opt, ew_error *err);

/* Adds one finished replication to agg (takes ownership of r). Used by
 * ew_run_jobs and by the MPI gather, which rebuilds r from messages. */
int ew_aggregate_add(ew_aggregate *agg, uint32_t rep, ew_results *r, int keep_detail);

/* Computes means and intervals once every replication is in. */
int ew_aggregate_finish(ew_aggregate *agg);

/* The summary value and half-width of site k (n_sites: the total) for
 * field f (an index into ew_site_fields). */
double ew_aggregate_mean(const ew_aggregate *agg, uint32_t k, size_t f);
double ew_aggregate_ci95(const ew_aggregate *agg, uint32_t k, size_t f);
/* The index of the field called name in ew_site_fields, or (size_t)-1. */
size_t ew_site_field_index(const char *name);
/* The merged histogram of site k (n_sites: the total), kind EW_HIST_*. */
const ew_hist *ew_aggregate_hist(const ew_aggregate *agg, uint32_t k, int kind);

#endif
