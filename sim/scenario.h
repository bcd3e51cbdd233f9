/* scenario.h — a scenario file decoded, checked and in SI units.
 *
 * Format (YAML; units written out, every value range-checked):
 *   name: default                 # results folder name: letters, digits . _ -
 *   title: "A day of chat"        # optional, for figures
 *   seed: 42
 *   run: {duration: 24h, max_arrivals: 1e7, bin: 15min, warmup: 0s}
 *   workload:
 *     arrivals: {process: poisson, rate: 500/s, profile: [24 multipliers]}
 *     service:  {distribution: lognormal, mean: 200ms, cv: 1.5}
 *   routing: {policy: weighted}
 *   sites:
 *     - {name: big, servers: 40, slots: 1, speed: 2.0,
 *        power: {off: 10W, idle: 120W, busy: 400W}, sleep: {after: 10min, wake: 45s}}
 * See README.md for every key.
 */
#ifndef EW_SCENARIO_H
#define EW_SCENARIO_H

#include <stdint.h>

#include "ew.h"

#define EW_NAME_MAX 64
#define EW_HOURS 24

typedef enum ew_arrival_process {
    EW_ARRIVALS_POISSON,        /* exponential gaps, rate × profile[hour] */
    EW_ARRIVALS_DETERMINISTIC   /* evenly spaced at 1/rate (no profile) */
} ew_arrival_process;

typedef enum ew_service_dist {
    EW_SERVICE_EXPONENTIAL,
    EW_SERVICE_DETERMINISTIC,
    EW_SERVICE_LOGNORMAL,
    EW_SERVICE_GAMMA
} ew_service_dist;

typedef struct ew_site_spec {
    char name[EW_NAME_MAX];
    uint32_t servers;        /* identical servers [1] */
    uint32_t slots;          /* queries served at once per server [1] */
    double speed;            /* service time = demand / speed [1] */
    double weight;           /* routing weight per server [1] */
    double off_w;            /* draw when switched off [W] */
    double idle_w;           /* draw when on and serving nothing [W] */
    double busy_w;           /* draw with every slot serving [W] */
    double sleep_after_s;    /* idle time before switching off [s]; INFINITY: never */
    double wake_s;           /* time from off to ready, drawn at idle power [s] */
} ew_site_spec;

typedef struct ew_scenario {
    char name[EW_NAME_MAX];
    char title[256];
    char file[512];                   /* where it was read from */
    uint64_t seed;
    double duration_s;                /* horizon [s]; INFINITY if set by max_arrivals */
    uint64_t max_arrivals;            /* stop after this many arrivals; 0: no limit */
    double bin_s;                     /* width of time-series bins [s] */
    double warmup_s;                  /* latency statistics ignore arrivals before [s] */
    ew_arrival_process arrivals;
    double rate_per_s;                /* base arrival rate [1/s] */
    double profile[EW_HOURS];         /* hour-of-day multipliers of the rate [1] */
    ew_service_dist service;
    double service_mean_s;            /* mean demand at speed 1 [s] */
    double service_cv;                /* coefficient of variation [1] */
    char routing[EW_NAME_MAX];        /* routing policy name (models/routing) */
    ew_site_spec *sites;
    uint32_t n_sites;
    char *source_text;                /* the file as read */
    char *effective_text;             /* the scenario after --set, as YAML */
} ew_scenario;

/* Reads, overrides (sets[i] = "key.path=value") and checks a scenario.
 * On success *out is owned by the caller (ew_scenario_free). Errors are
 * EW_EINVAL with "file:line:col: key.path: expected ..., got ...". */
int ew_scenario_load(const char *path, const char *const *sets, int n_sets,
                     ew_scenario **out, ew_error *err);
/* The same from text in memory; `name` stands for the file in messages. */
int ew_scenario_load_string(const char *name, const char *text,
                            const char *const *sets, int n_sets,
                            ew_scenario **out, ew_error *err);
void ew_scenario_free(ew_scenario *s);

/* Service-rate capacity of the whole scenario: sum over servers of
 * slots × speed / mean demand [queries/s]. */
double ew_scenario_capacity_per_s(const ew_scenario *s);

#endif
