/* run_internal.h — the run driver's state, shared by run.c (arrivals,
 * plain servers, results) and serve.c (serving sites: GPU replicas with
 * continuous batching). Private to those two files.
 */
#ifndef EW_RUN_INTERNAL_H
#define EW_RUN_INTERNAL_H

#include <stdint.h>
#include <time.h>
#include <gsl/gsl_randist.h>

#include "engine.h"
#include "ledger.h"
#include "rng.h"
#include "run.h"
#include "stats.h"
#include "world.h"
#include "../models/power/power.h"
#include "../models/routing/routing.h"
#include "../models/workload/workload.h"

enum { EV_ARRIVAL, EV_DEPARTURE, EV_WAKE, EV_SLEEP, EV_REPLICA, EV_NODE, EV_OUTAGE };

/* Why a server is offline (bits of ew_server.offline). */
enum { EW_OFF_AWAY = 1, EW_OFF_OUTAGE = 2 };

/* Extra random streams beyond rng.h's (new purposes get new numbers, so
 * the existing streams, and so the arrivals, stay the same). */
enum {
    EW_STREAM_CLASS = EW_STREAM_COUNT, EW_STREAM_TOKENS, EW_STREAM_CLIENT, EW_STREAM_AVAIL,
    EW_STREAM_VERIFY, EW_STREAMS
};

/* A query in flight: 24 bytes, the hot data of every event on plain sites.
 * Serving sites keep more per query in query_llm, a parallel array. */
typedef struct query {
    double arrival_s;       /* [s] */
    union {
        double demand_s;        /* generic class: work at speed 1 [s] */
        double first_token_s;   /* llm and image: end of its first prefill [s]; NAN before */
    };
    uint32_t next;          /* next in a queue, or in the free list */
    uint16_t cls;           /* class index (< 64) */
    uint16_t client;        /* client index (0 without geography) */
} query;

typedef struct query_llm {
    double energy_j;        /* GPU energy attributed so far [J] */
    double admitted_s;      /* last admission to a batch [s] */
    double dispatched_s;    /* last routing (arrival, or re-dispatch after a loss) [s] */
    double lost_j;          /* GPU energy of executions lost with a departing node [J] */
    double done_s;          /* original: end of its own execution [s] */
    uint32_t prompt;        /* prompt tokens */
    uint32_t output;        /* output tokens wanted (1 for an image) */
    uint32_t generated;     /* output tokens so far */
    uint32_t prefilled;     /* chunked prefill: tokens of the current prefill done */
    uint32_t root;          /* verification: the query this execution checks (itself if original) */
    uint16_t pending;       /* original: executions not yet finished */
    uint8_t prefilling;     /* 1 while in a prefill phase */
    uint8_t failed;         /* an execution found no server */
    uint32_t site_done;     /* original: site of its own execution */
    ew_ledger led;          /* its share of the phases that served it, checks and lost work included */
} query_llm;

/* What a serving site's phases cost, per replica (sim/account.c). */
typedef struct site_energy {
    double gpu_idle_w;      /* GPU draw of an idle replica [W] */
    double host_idle_w, host_busy_w;   /* its host, at the wall [W] */
    double psu_loss;        /* 1 / PSU efficiency - 1: wall loss per joule of GPU energy [1] */
    double pue, on_anyway;
    double wue_l_per_j, water_l_per_j;   /* on-site per IT joule; off-site per joule generated */
    double usd_per_j;       /* tariff */
    const ew_grid_zone *zone;   /* NULL: no carbon */
    ew_contract contract;
} site_energy;

typedef struct site_acc {
    ew_power_levels power;
    double speed;
    uint32_t servers, slots;
    uint32_t n_off;          /* servers switched off */
    uint64_t busy_slots;     /* slots serving, over all servers */
    uint64_t in_system;
    double power_w;          /* present draw of the whole site [W] (plain sites) */
    double t_last_s;
    double energy_j;         /* site-level energy [J] */
    double n_integral;       /* integral of in_system [query·s] */
    double *bin_energy_j;    /* [cap_bins] */
    size_t bin;              /* bin of t_last_s */
    double bin_end_s;        /* its end [s] */
    ew_hist hist;
    ew_batch_means bm;
    double sojourn_sum_s, sojourn_max_s;
    uint64_t n_lat, arrivals, completions;
    /* serving sites */
    ew_hist ttft_hist, tpot_hist;
    double ttft_sum_s, tpot_sum_s;
    uint64_t n_ttft, n_tpot, output_tokens, preemptions;
    double idle_energy_j;     /* replicas with nothing to do [J] */
    double query_energy_j;    /* attributed to completed queries [J] */
    double busy_s;            /* replica-time in a prefill, decode or image phase [s] */
    /* queries finished here (the site of the original execution) */
    ew_hist lat_hist;         /* end-to-end latency, network included */
    double lat_sum_s, network_sum_s, network_energy_j;
    uint64_t n_queries, failed_queries;
    /* executions */
    uint64_t lost_exec;       /* executions lost with a departing node */
    double lost_energy_j;     /* their GPU energy [J] */
    double host_energy_j;     /* the host machines around the GPUs, at the wall [J] */
    /* accounting */
    ew_ledger led_busy;       /* phases that served queries */
    ew_ledger led_idle;       /* idle replicas */
    ew_ledger led_done;       /* carried by the queries finished here */
    ew_ledger led_network;    /* their network transfers (gpu_j holds the energy) */
    uint64_t n_done_all;      /* queries finished here, warm-up included */
    uint64_t tokens_done_all; /* their output tokens */
} site_acc;

typedef struct replica replica;   /* serve.c */

typedef struct run {
    const ew_scenario *s;
    ew_world w;
    ew_engine eng;
    site_acc *sites;
    uint32_t *site_first;
    query *q;
    query_llm *ql;           /* [q_cap], parallel to q */
    uint32_t q_cap, q_free;
    const ew_routing_policy *policy;
    void **policy_state;        /* per routing group */
    uint32_t *group_of_class;   /* [n_classes] */
    gsl_ran_discrete_t *class_table;   /* class by share; NULL with one class */
    gsl_ran_discrete_t *client_table;  /* client region by share; NULL with at most one */
    ew_site_info *site_info;    /* [n_sites], the world's */
    double *rtt_base_s;         /* [n_regions²] */
    ew_arrivals arrivals;
    ew_service service;
    gsl_rng *rng[EW_STREAMS];
    uint64_t n_arrivals;
    uint64_t n_done;         /* completions, all sites */
    uint64_t failed_queries; /* queries that ended with no answer (no online server) */
    int arrivals_over;       /* drain: max_arrivals reached, no more will come */
    double *bin_arrivals;
    size_t cap_bins;
    size_t arrival_bin;      /* bin of the last arrival */
    double arrival_bin_end_s;
    ew_batch_means bm_all;
    double sojourn_sum_all_s, sojourn_max_all_s;
    uint64_t n_lat_all;
    double horizon_s;
    double *offline_since;   /* [n_servers] when it went offline (with availability or outages) */
    uint32_t *trace_cursor;  /* [n_servers] next interval of its trace node */
    replica *replicas;       /* serving sites' replicas (serve.c) */
    uint32_t n_replicas;
    uint32_t *replica_of;    /* [n_servers]: replica index, or EW_NONE */
    site_energy *se;         /* [n_sites] */
    const ew_grid_zone **client_zone;   /* [n_clients]: grid of each client region, or NULL */
    ew_ledger led_inflight;  /* carried by queries not finished yet */
    ew_ledger led_failed;    /* carried by queries that failed */
    ew_ledger led_partial;   /* phases cut at the end of the run, charged to no query */
    double *node_reward_usd; /* [n_servers]: paid to the node's operator */
    double *node_cost_usd;   /* [n_servers]: its incremental electricity */
    ew_query_record *records;   /* sample: every stride-th completion */
    size_t n_records, cap_records;
    uint64_t record_stride, record_seen;
    /* progress */
    struct timespec wall0;
    double last_print;
    int printed;
} run;

/* run.c, for serve.c */
#define EW_RUN_NO_SERVER 2   /* run_dispatch: no online server would take it */
/* Routes execution id to an online server other than `except` and hands it
 * over; the server chosen in *server (may be NULL). EW_OK, EW_RUN_NO_SERVER,
 * or a negative status. */
int run_dispatch(run *R, uint32_t id, double now, uint32_t except, uint32_t *server);
/* EW_ENGINE_STOP when a draining run has served every query, else 0. */
int run_drained(const run *R);
int run_touch(run *R, uint32_t i, double now);
int run_count_changed(run *R, uint32_t i, uint32_t old_n);
void run_query_release(run *R, uint32_t id);
void run_record_sojourn(run *R, site_acc *a, double arrival_s, double now);
int run_query_alloc(run *R, uint32_t *id);
/* Adds a query finished at site a to its end-to-end latency figures (after
 * the warm-up: returns 1 then, else 0). */
int run_record_latency(run *R, site_acc *a, double arrival_s, double now, double network_s);
/* Adds completed query id (served at site, network_s of network time) to the
 * sample of query records. */
void run_record_query(run *R, uint32_t id, uint32_t site, double now, double network_s);
/* Adds energy spent evenly over [t0, t1] to site k's bins. */
int run_spread_energy(run *R, uint32_t k, double t0, double t1, double energy_j);

/* serve.c */
/* Executions a new llm or image query gets under the scenario's verification. */
uint32_t serve_verify_executions(run *R);
/* Creates and dispatches n more executions of original query id, which went
 * to `server`, each to another server. */
int serve_add_checks(run *R, uint32_t id, double now, uint32_t n, uint32_t server);
/* Execution id found no server: counted as failed; its query finishes
 * without it (or fails, with no execution left). */
int serve_no_server(run *R, uint32_t id, double now);
/* Serving server i leaves (1) or comes back (0) at now; work on it is lost
 * and dispatched again. */
int serve_node_offline(run *R, uint32_t i, double now, int leaving);
int serve_init(run *R);
void serve_free(run *R);
/* A query routed to serving server i (a replica) at now. */
int serve_arrive(run *R, uint32_t i, uint32_t id, double now);
int serve_on_event(ew_engine *e, const ew_event *ev, void *ctx);
/* Charges each replica's phase in progress (pro rata) and idle time up to T. */
int serve_finish(run *R, double T);

/* account.c */
int account_init(run *R);
void account_free(run *R);
/* The ledger of a phase of site k over [t0, t1] that spent gpu_j on its GPUs
 * (idle: a replica with nothing to do). */
void account_phase(const run *R, uint32_t k, double t0, double t1, double gpu_j, int idle,
                   ew_ledger *out);
/* The ledger of moving `bytes` for a query of client region `region` (NULL
 * zone: energy only), finished at now. */
void account_network(const run *R, uint32_t client, double bytes, double now, ew_ledger *out);
/* Fills the accounting fields of the results. */
int account_collect(const run *R, ew_results *res);


#endif
