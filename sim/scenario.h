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
#include "../models/availability/availability.h"
#include "../models/device/device.h"
#include "../models/network/network.h"
#include "../models/node/host.h"
#include "../models/grid/grid.h"
#include "../models/site/facility.h"
#include "../models/economics/econdata.h"
#include "../models/inference/cost.h"
#include "../models/inference/model.h"

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

/* A distribution of token counts, drawn as a real number, rounded to the
 * nearest whole number and clamped to [1, max]. */
typedef enum ew_token_dist_kind {
    EW_TOKENS_FIXED,       /* a */
    EW_TOKENS_UNIFORM,     /* uniform on [a, b] */
    EW_TOKENS_LOGNORMAL,   /* mean a, coefficient of variation b */
    EW_TOKENS_EXPONENTIAL  /* mean a */
} ew_token_dist_kind;

typedef struct ew_token_dist {
    ew_token_dist_kind kind;
    double a, b;
    uint32_t max;          /* [tokens] */
} ew_token_dist;

typedef enum ew_class_kind {
    EW_CLASS_GENERIC,      /* service time from workload.service, on plain sites */
    EW_CLASS_LLM,          /* prompt and output tokens, on serving sites */
    EW_CLASS_IMAGE         /* denoising steps, on serving sites */
} ew_class_kind;

typedef struct ew_class_spec {
    char name[EW_NAME_MAX];
    ew_class_kind kind;
    char model[48];                /* catalogue name (llm, image) */
    const ew_ai_model *ai;         /* resolved at load */
    double share;                  /* of arrivals [1]; shares sum to 1 */
    ew_token_dist prompt, output;  /* llm */
    uint32_t steps;                /* image: denoising steps */
} ew_class_spec;

/* A site whose servers hold GPUs serving one AI model with continuous
 * batching (models/site/serving.h). */
typedef struct ew_serving_spec {
    char device[48];               /* catalogue name */
    char model[48];                /* catalogue name */
    uint32_t gpus_per_server;      /* [1] */
    uint32_t tp;                   /* devices per replica; 0: the fewest that fit */
    uint32_t max_batch;            /* requests decoding together [1] */
    uint32_t max_context;          /* longest context a request may reach [tokens] */
    uint32_t prefill_chunk;        /* chunked prefill tokens per step; 0: off */
    ew_deployment deployment;      /* resolved at load: device, laws, tp, KV budget */
    uint32_t replicas_per_server;  /* gpus_per_server / tp */
} ew_serving_spec;

/* Where queries come from. */
typedef struct ew_client_spec {
    uint32_t region;               /* index into the region catalogue */
    ew_access access;
    double share;                  /* of arrivals [1]; shares sum to 1 */
} ew_client_spec;

/* When a site's nodes are offered: always, alternating periods, or a trace. */
typedef enum ew_avail_mode { EW_AVAIL_ALWAYS, EW_AVAIL_PERIODS, EW_AVAIL_TRACE } ew_avail_mode;
typedef struct ew_avail_spec {
    ew_avail_mode mode;
    ew_period_dist on, off;        /* EW_AVAIL_PERIODS */
    ew_trace *trace;               /* EW_AVAIL_TRACE (owned); node i follows trace node i mod n */
} ew_avail_spec;

/* A site's electricity contract, for market-based carbon: none (market =
 * location), a renewable share (market = (1 - share) x location), or a
 * contracted intensity replacing the grid's. */
typedef enum ew_contract_kind { EW_CONTRACT_NONE, EW_CONTRACT_SHARE, EW_CONTRACT_INTENSITY } ew_contract_kind;
typedef struct ew_contract {
    ew_contract_kind kind;
    double renewable_share;      /* [1] */
    double carbon_g_per_kwh;     /* [gCO2e/kWh] */
} ew_contract;

/* What a site's service costs and earns (models/economics). NAN: not given. */
typedef struct ew_site_economics {
    double gpu_hour_usd;         /* rental price per GPU-hour, electricity included [USD] */
    double capex_usd_per_gpu;    /* purchase price per GPU (server share) [USD] */
    double capex_life_y;         /* over which capex is amortised [years] */
    double reward_usd_per_1k_tokens;   /* paid to an edge operator per execution [USD] */
    double reward_usd_per_query;       /* the same, per execution [USD] */
    double reward_usd_per_gpu_hour;    /* paid to an edge operator per GPU-hour of work [USD] */
} ew_site_economics;

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
    int serving;             /* 1: a serving site (serve holds its set-up) */
    ew_serving_spec serve;
    int edge;                /* 1: home or edge nodes (kind: edge); 0: a data centre */
    uint32_t region;         /* index into the region catalogue, or EW_NONE */
    ew_access access;        /* its network access */
    const ew_host *host;     /* the machine around the GPU, or NULL */
    double tariff_usd_per_kwh;   /* electricity price [USD/kWh] */
    ew_avail_spec avail;
    /* accounting (sim/ledger.h) */
    const ew_grid_zone *zone;    /* its region's grid, or NULL (no region: no carbon) */
    char facility[32];           /* data/facilities.csv row its PUE and WUE came from */
    double pue;                  /* facility energy / IT energy [1] (homes: 1) */
    double wue_l_per_kwh;        /* on-site water per kWh of IT energy [L/kWh] */
    double on_anyway;            /* share of time the machine would be on without the network [1] */
    int hardware_new;            /* 1: bought for the network (embodied carbon in the incremental view) */
    ew_contract contract;        /* market-based carbon */
    ew_site_economics econ;
    int disabled;            /* not part of the present arm: no servers, no energy */
} ew_site_spec;

/* Extra executions to check a decentralised node's answer. */
typedef enum ew_verify_mode { EW_VERIFY_NONE, EW_VERIFY_REPLICATE, EW_VERIFY_SPOT } ew_verify_mode;
typedef struct ew_verify_spec {
    ew_verify_mode mode;
    uint32_t k;                    /* replicate: executions per query (>= 2) */
    double p;                      /* spot: probability of a second execution */
} ew_verify_spec;

/* A site's or a region's nodes taken offline for [from, to). */
typedef struct ew_outage_spec {
    uint32_t site;                 /* EW_NONE when it names a region */
    uint32_t region;               /* EW_NONE when it names a site */
    double from_s, to_s;
} ew_outage_spec;

/* A variant run on the same arrivals (common random numbers). */
typedef struct ew_arm_spec {
    char name[EW_NAME_MAX];
    char routing[EW_NAME_MAX];
    ew_verify_spec verify;
    uint8_t *uses_site;            /* [n_sites]: 1 if the site is part of this arm (all by default) */
} ew_arm_spec;

/* A sweep (edgewatt sweep): scenario values to vary, each a --set path
 * with the values it takes, in the Cartesian product or zipped. */
#define EW_SWEEP_MAX_PARAMS 8
#define EW_SWEEP_MAX_VALUES 256
typedef struct ew_sweep_param {
    char path[192];                /* as for --set: "sites[1].servers" */
    char **values;                 /* [n_values] texts, as --set takes them */
    uint32_t n_values;
} ew_sweep_param;
typedef struct ew_sweep_spec {
    int zip;                       /* 1: the i-th values together; 0: every combination */
    ew_sweep_param params[EW_SWEEP_MAX_PARAMS];
    uint32_t n_params;
} ew_sweep_spec;

/* Frees the values of a sweep spec (the spec itself is not freed). */
void ew_sweep_spec_clear(ew_sweep_spec *sw);
/* Points of the sweep: product of the value counts, or their common count
 * when zipped (0 if zipped lists differ in length). */
size_t ew_sweep_points(const ew_sweep_spec *sw);
/* The value index of parameter p at point i (the last parameter varies fastest). */
uint32_t ew_sweep_value_index(const ew_sweep_spec *sw, size_t i, uint32_t p);

typedef struct ew_scenario {
    char name[EW_NAME_MAX];
    char title[256];
    char file[512];                   /* where it was read from */
    uint64_t seed;
    uint32_t replications;            /* independent replications (sim/replicate.h) [1] */
    ew_sweep_spec sweep;              /* what `edgewatt sweep` varies; run ignores it */
    double duration_s;                /* horizon [s]; INFINITY if set by max_arrivals */
    uint64_t max_arrivals;            /* stop after this many arrivals; 0: no limit */
    int drain;                        /* after max_arrivals, run until every query is done */
    double bin_s;                     /* width of time-series bins [s] */
    double warmup_s;                  /* latency statistics ignore arrivals before [s] */
    int month;                        /* 1..12: grid profiles of that month; 0: all-year day */
    double utc_offset_s;              /* simulated clock minus UTC [s] (hour-of-day profiles) */
    ew_arrival_process arrivals;
    double rate_per_s;                /* base arrival rate [1/s] */
    double profile[EW_HOURS];         /* hour-of-day multipliers of the rate [1] */
    ew_service_dist service;
    double service_mean_s;            /* mean demand at speed 1 [s] */
    double service_cv;                /* coefficient of variation [1] */
    ew_class_spec *classes;           /* query classes; one generic class if none given */
    uint32_t n_classes;
    char data_dir[512];               /* catalogues: devices.csv, models.csv, ... */
    ew_device_catalog *devices;       /* loaded when a site serves a model */
    ew_model_catalog *models;
    char routing[EW_NAME_MAX];        /* routing policy name (models/routing) */
    double latency_objective_s;       /* for carbon- and cost-aware routing [s] */
    ew_client_spec *clients;          /* none: no geography */
    uint32_t n_clients;
    ew_region_catalog *regions;       /* loaded when regions are named */
    ew_network_params net;            /* net.measured points at rtt_table */
    ew_rtt_table *rtt_table;          /* data/network_rtt.csv, when present */
    int has_net;
    ew_host_catalog *hosts;
    ew_grid *grid;                    /* data/grid, loaded with the regions */
    ew_facility_catalog *facilities;
    ew_econ_table *econ;
    ew_verify_spec verify;
    ew_outage_spec *outages;
    uint32_t n_outages;
    ew_arm_spec *arms;                /* none: one run, as the scenario says */
    uint32_t n_arms;
    ew_site_spec *sites;
    uint32_t n_sites;
    char *source_text;                /* the file as read */
    char *effective_text;             /* the scenario after --set, as YAML */
} ew_scenario;

/* Where catalogues are read from unless a scenario says data_dir: the
 * EDGEWATT_DATA environment variable, else the data/ folder of the source
 * tree edgewatt was built from. */
const char *ew_default_data_dir(void);

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

/* Loads the scenario once per arm, arm a's routing and verification applied
 * to arm[a] (each run reads its own copy, so arms and replications can run
 * side by side); without arms, one copy. *n: the number of copies (at most
 * 16, the limit of arms). On failure the copies loaded so far stay in arm[]
 * for the caller to free. */
int ew_scenario_load_arms(const char *path, const char *const *sets, int n_sets,
                          ew_scenario **arm, size_t *n, ew_error *err);

/* Applies arm a's routing and verification to s (a copy of the scenario
 * for that arm's run). */
void ew_scenario_apply_arm(ew_scenario *s, const ew_arm_spec *a);

/* Service-rate capacity of the whole scenario: sum over servers of
 * slots × speed / mean demand [queries/s]. */
double ew_scenario_capacity_per_s(const ew_scenario *s);

#endif
