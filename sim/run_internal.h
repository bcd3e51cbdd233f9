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
#include "rng.h"
#include "run.h"
#include "stats.h"
#include "world.h"
#include "../models/power/power.h"
#include "../models/routing/routing.h"
#include "../models/workload/workload.h"

enum { EV_ARRIVAL, EV_DEPARTURE, EV_WAKE, EV_SLEEP, EV_REPLICA };

/* Extra random streams beyond rng.h's (new purposes get new numbers, so
 * the existing streams, and so the arrivals, stay the same). */
enum { EW_STREAM_CLASS = EW_STREAM_COUNT, EW_STREAM_TOKENS, EW_STREAMS };

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
    uint16_t prefilling;    /* 1 while in a prefill phase */
} query;

typedef struct query_llm {
    double energy_j;        /* GPU energy attributed so far [J] */
    uint32_t prompt;        /* prompt tokens */
    uint32_t output;        /* output tokens wanted (1 for an image) */
    uint32_t generated;     /* output tokens so far */
    uint32_t prefilled;     /* chunked prefill: tokens of the current prefill done */
} query_llm;

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
    uint32_t n_groups;
    uint32_t *group_of_server;  /* [n_servers] */
    uint32_t *group_of_class;   /* [n_classes] */
    uint32_t **group_servers;   /* [n_groups]: the servers of each group */
    uint32_t *group_size;
    gsl_ran_discrete_t *class_table;   /* class by share; NULL with one class */
    ew_arrivals arrivals;
    ew_service service;
    gsl_rng *rng[EW_STREAMS];
    uint64_t n_arrivals;
    uint64_t n_done;         /* completions, all sites */
    int arrivals_over;       /* drain: max_arrivals reached, no more will come */
    double *bin_arrivals;
    size_t cap_bins;
    size_t arrival_bin;      /* bin of the last arrival */
    double arrival_bin_end_s;
    ew_batch_means bm_all;
    double sojourn_sum_all_s, sojourn_max_all_s;
    uint64_t n_lat_all;
    double horizon_s;
    replica *replicas;       /* serving sites' replicas (serve.c) */
    uint32_t n_replicas;
    uint32_t *replica_of;    /* [n_servers]: replica index, or EW_NONE */
    ew_query_record *records;   /* sample: every stride-th completion */
    size_t n_records, cap_records;
    uint64_t record_stride, record_seen;
    /* progress */
    struct timespec wall0;
    double last_print;
    int printed;
} run;

/* run.c, for serve.c */
/* EW_ENGINE_STOP when a draining run has served every query, else 0. */
int run_drained(const run *R);
int run_touch(run *R, uint32_t i, double now);
int run_count_changed(run *R, uint32_t i, uint32_t old_n);
void run_query_release(run *R, uint32_t id);
void run_record_sojourn(run *R, site_acc *a, double arrival_s, double now);
void run_record_query(run *R, uint32_t id, uint32_t site, double now);
/* Adds energy spent evenly over [t0, t1] to site k's bins. */
int run_spread_energy(run *R, uint32_t k, double t0, double t1, double energy_j);

/* serve.c */
int serve_init(run *R);
void serve_free(run *R);
/* A query routed to serving server i (a replica) at now. */
int serve_arrive(run *R, uint32_t i, uint32_t id, double now);
int serve_on_event(ew_engine *e, const ew_event *ev, void *ctx);
/* Charges each replica's phase in progress (pro rata) and idle time up to T. */
int serve_finish(run *R, double T);

#endif
