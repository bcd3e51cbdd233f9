/* results.h — what one run of a scenario produced: a summary per site and
 * for all sites, totals per server, and a binned time series of power.
 * Owned by the caller of ew_run; freed with ew_results_free.
 */
#ifndef EW_RESULTS_H
#define EW_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

typedef struct ew_site_result {
    char name[EW_NAME_MAX];       /* site name, or "all" for the total */
    uint32_t servers;             /* [1] */
    uint32_t slots;               /* per server [1]; 0 in the total if sites differ */
    uint64_t arrivals;            /* queries routed here [1] */
    uint64_t completions;         /* queries finished [1] */
    uint64_t in_flight;           /* queued or in service at the end [1] */
    uint64_t latency_samples;     /* completions that arrived after the warm-up [1] */
    double throughput_per_s;      /* completions / duration [1/s] */
    double utilisation;           /* busy slot-time / (servers × slots × duration) [1] */
    double mean_in_system;        /* time average of queries in system [1] */
    double sojourn_mean_s;        /* mean arrival-to-completion time [s] */
    double sojourn_ci95_s;        /* 95% half-width by batch means [s] */
    double sojourn_p50_s, sojourn_p95_s, sojourn_p99_s, sojourn_max_s;  /* [s] */
    double energy_j;              /* integral of power over the run [J] */
    double mean_power_w;          /* energy / duration [W] */
    double mean_power_ci95_w;     /* 95% half-width by batches of time bins [W] */
    double energy_per_query_j;    /* energy / completions [J] */
    double off_share;             /* share of server-time switched off [1] */
} ew_site_result;

typedef struct ew_server_result {
    uint32_t site;                /* index into sites */
    uint64_t arrivals, completions;
    double busy_slot_s;           /* integral of busy slots [slot·s] */
    double off_s;                 /* time switched off [s] */
    double energy_j;              /* [J] */
} ew_server_result;

typedef struct ew_results {
    char scenario_name[EW_NAME_MAX];
    uint64_t seed;
    uint32_t replication;
    double duration_s;            /* simulated horizon actually run [s] */
    uint64_t events;              /* events handled [1] */
    double wall_s;                /* wall-clock time of the loop [s] (not in summary.csv) */
    ew_site_result total;
    ew_site_result *sites;        /* [n_sites] */
    uint32_t n_sites;
    ew_server_result *servers;    /* [n_servers], site by site */
    uint32_t n_servers;
    double bin_s;                 /* time-series bin width [s] */
    size_t n_bins;                /* the last bin may be partial */
    double *bin_power_w;          /* [n_sites × n_bins], site-major: mean power per bin [W] */
    double *bin_arrivals;         /* [n_bins]: arrivals per bin [1] */
} ew_results;

void ew_results_free(ew_results *r);

/* The fields of ew_site_result, for writers that list them (CSV, HDF5,
 * the table): one table, so a new field is added in one place. */
typedef enum ew_field_type { EW_FIELD_U32, EW_FIELD_U64, EW_FIELD_F64 } ew_field_type;
typedef struct ew_field {
    const char *name;          /* column / dataset name, unit as suffix */
    size_t offset;             /* offsetof(ew_site_result, ...) */
    ew_field_type type;
    const char *units;         /* SI unit, "1" for counts and ratios */
    const char *description;   /* one sentence */
} ew_field;

extern const ew_field ew_site_fields[];      /* of ew_site_result */
extern const size_t ew_n_site_fields;
extern const ew_field ew_server_fields[];    /* of ew_server_result */
extern const size_t ew_n_server_fields;

/* The value of field f of site result r, as a double. */
double ew_field_value(const ew_field *f, const ew_site_result *r);

#endif
