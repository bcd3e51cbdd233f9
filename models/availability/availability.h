/* availability.h — when an edge node is offered to the network and when it
 * is not: alternating on and off periods drawn from a distribution each
 * (an alternating renewal process, whose long-run available fraction is
 * mean(on) / (mean(on) + mean(off))), or replayed from a trace.
 *
 * Families fitted to volunteer and desktop-grid hosts: exponential,
 * Weibull (B. Javadi, D. Kondo, J.-M. Vincent, D. P. Anderson, "Mining for
 * statistical models of availability in large-scale distributed systems",
 * MASCOTS 2009), log-normal, and two-phase hyper-exponential (D. Nurmi,
 * J. Brevik, R. Wolski, "Modeling machine availability in enterprise and
 * wide-area distributed computing environments", Euro-Par 2005). Every
 * family is given by its mean, so that scenarios compare like with like.
 */
#ifndef EW_AVAILABILITY_H
#define EW_AVAILABILITY_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "../../sim/ew.h"

typedef enum ew_period_kind {
    EW_PERIOD_EXPONENTIAL,   /* mean */
    EW_PERIOD_WEIBULL,       /* mean, shape k (scale = mean / Γ(1 + 1/k)) */
    EW_PERIOD_LOGNORMAL,     /* mean, cv (σ² = ln(1 + cv²)) */
    EW_PERIOD_HYPEREXP,      /* mean, cv >= 1 (two phases, balanced means) */
    EW_PERIOD_FIXED          /* mean (deterministic; for tests and schedules) */
} ew_period_kind;

typedef struct ew_period_dist {
    ew_period_kind kind;
    double mean_s;           /* [s] */
    double shape;            /* Weibull k; log-normal and hyper-exponential cv [1] */
    /* derived by ew_period_init */
    double p1, p2, p3;
} ew_period_dist;

/* Names for scenario files: "exponential", "weibull", "lognormal",
 * "hyperexponential", "fixed"; NULL-terminated, in enum order. */
extern const char *const ew_period_kind_names[];

/* Derives the sampling parameters. Returns 0, or -1 if the parameters are
 * out of range (mean <= 0; Weibull k <= 0; cv <= 0; hyper-exponential
 * cv < 1), with a reason in why (may be NULL). */
int ew_period_init(ew_period_dist *d, const char **why);
/* One period [s], > 0. */
double ew_period_draw(const ew_period_dist *d, gsl_rng *r);
/* What is left of a period under way at a random moment of a process in
 * equilibrium [s], > 0: U · L* with U uniform on (0, 1) and L* drawn from
 * the length-biased law x f(x) / mean (the residual life of renewal
 * theory; S. M. Ross, Stochastic Processes, 2nd ed., 1996, §3.4). For
 * the families, see periods.c. */
double ew_period_draw_residual(const ew_period_dist *d, gsl_rng *r);

/* A trace of availability intervals: node n is available during each
 * [start, end) of its list, sorted and disjoint. Read from a CSV with
 * columns node,start_s,end_s (and a source column), one interval a row. */
typedef struct ew_interval { double start_s, end_s; } ew_interval;
typedef struct ew_trace {
    uint32_t n_nodes;          /* nodes are 0 .. n_nodes - 1 */
    uint32_t *first;           /* [n_nodes + 1]: node n's intervals are [first[n], first[n+1]) */
    ew_interval *intervals;
    double end_s;              /* latest end in the trace [s] */
} ew_trace;

/* Loads a trace; refuses (EW_EINVAL, "file:line:col: column: ...") a
 * negative time, end <= start, overlapping or unsorted intervals of a node,
 * a non-integer node. A missing file is EW_EINVAL naming it. */
int ew_trace_load(const char *path, ew_trace **out, ew_error *err);
void ew_trace_free(ew_trace *t);

#endif
