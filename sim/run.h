/* run.h — one simulation of a scenario: builds the world, runs the event
 * loop over the horizon and returns the results.
 */
#ifndef EW_RUN_H
#define EW_RUN_H

#include "ew.h"
#include "results.h"
#include "scenario.h"

typedef struct ew_run_options {
    uint32_t replication;   /* selects independent random streams */
    int progress;           /* nonzero: a progress line on stderr for long runs */
} ew_run_options;

/* Runs scenario s. On success *out is owned by the caller (ew_results_free).
 * Returns EW_OK, or EW_ENOMEM/EW_ELIB with err filled. */
int ew_run(const ew_scenario *s, const ew_run_options *opt, ew_results **out,
           ew_error *err);

#endif
