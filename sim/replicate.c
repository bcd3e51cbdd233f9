/* replicate.c — parallel replications and their summary (see replicate.h). */
#include "replicate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <omp.h>
#include <gsl/gsl_statistics_double.h>

#include "run.h"

int ew_aggregate_init(ew_aggregate *agg, const ew_scenario *s, uint32_t n_reps)
{
    memset(agg, 0, sizeof *agg);
    agg->n_reps = n_reps;
    agg->n_sites = s->n_sites;
    size_t rows = (size_t)s->n_sites + 1;
    agg->reps = calloc((size_t)n_reps * rows, sizeof *agg->reps);
    agg->hists = calloc(rows * EW_N_HISTS, sizeof *agg->hists);
    agg->n_bins = (size_t)-1;   /* not yet known */
    if (!agg->reps || !agg->hists) {
        ew_aggregate_free(agg);
        return EW_ENOMEM;
    }
    return EW_OK;
}

void ew_aggregate_free(ew_aggregate *agg)
{
    if (agg->hists)
        for (size_t i = 0; i < ((size_t)agg->n_sites + 1) * EW_N_HISTS; i++)
            ew_hist_free(&agg->hists[i]);
    free(agg->hists);
    free(agg->reps);
    free(agg->mean);
    free(agg->ci95);
    free(agg->bins);
    ew_results_free(agg->res);
    memset(agg, 0, sizeof *agg);
}

/* Keeps replication rep's time series, the first time allocating room for
 * all of them; series of unequal length (runs ended by max_arrivals) are
 * not averaged. Called inside the critical section. */
static int keep_bins(ew_aggregate *agg, uint32_t rep, const ew_results *r)
{
    size_t rows = (size_t)agg->n_sites + 1;
    if (agg->n_bins == (size_t)-1) {
        agg->n_bins = r->n_bins;
        agg->bins = calloc((size_t)agg->n_reps * rows * r->n_bins, sizeof *agg->bins);
        if (!agg->bins)
            return EW_ENOMEM;
    }
    if (agg->n_bins != r->n_bins || !agg->bins) {
        agg->n_bins = 0;
        return EW_OK;
    }
    double *b = agg->bins + (size_t)rep * rows * agg->n_bins;
    memcpy(b, r->bin_power_w, (size_t)agg->n_sites * agg->n_bins * sizeof *b);
    memcpy(b + (size_t)agg->n_sites * agg->n_bins, r->bin_arrivals, agg->n_bins * sizeof *b);
    return EW_OK;
}

int ew_aggregate_add(ew_aggregate *agg, uint32_t rep, ew_results *r, int keep_detail)
{
    size_t rows = (size_t)agg->n_sites + 1;
    ew_site_result *row = agg->reps + (size_t)rep * rows;
    memcpy(row, r->sites, agg->n_sites * sizeof *row);
    row[agg->n_sites] = r->total;
    int rc = EW_OK;
#pragma omp critical(ew_aggregate)
    {
        for (size_t i = 0; r->hists && i < rows * EW_N_HISTS && rc == EW_OK; i++) {
            if (!r->hists[i].h)
                continue;
            if (!agg->hists[i].h && ew_hist_init(&agg->hists[i]))
                rc = EW_ENOMEM;
            else
                ew_hist_merge(&agg->hists[i], &r->hists[i]);
        }
        if (rc == EW_OK && keep_detail)
            rc = keep_bins(agg, rep, r);
        agg->events += r->events;
        agg->wall_s += r->wall_s;
    }
    ew_results_drop_hists(r);
    if (rep == 0 && keep_detail) {
        agg->res = r;
    } else if (rep == 0) {
        free(r->servers);   /* the summary needs the site figures only */
        free(r->records);
        r->servers = NULL;
        r->records = NULL;
        r->n_servers = 0;
        r->n_records = 0;
        agg->res = r;
    } else {
        ew_results_free(r);
    }
    return rc;
}

size_t ew_site_field_index(const char *name)
{
    for (size_t f = 0; f < ew_n_site_fields; f++)
        if (!strcmp(ew_site_fields[f].name, name))
            return f;
    return (size_t)-1;
}

static void set_field(const ew_field *f, ew_site_result *r, double v)
{
    char *p = (char *)r + f->offset;
    switch (f->type) {
    case EW_FIELD_U32: *(uint32_t *)(void *)p = isfinite(v) ? (uint32_t)llround(v) : 0; break;
    case EW_FIELD_U64: *(uint64_t *)(void *)p = isfinite(v) ? (uint64_t)llround(v) : 0; break;
    case EW_FIELD_F64: *(double *)(void *)p = v; break;
    }
}

/* Which merged histogram a percentile field reads, and at which quantile;
 * 0 if the field is no percentile. */
static int percentile_of(const char *name, int *kind, double *q)
{
    static const struct { const char *prefix; int kind; } kinds[] = {
        {"sojourn_", EW_HIST_SOJOURN}, {"latency_", EW_HIST_LATENCY},
        {"ttft_", EW_HIST_TTFT},       {"tpot_", EW_HIST_TPOT}};
    static const struct { const char *suffix; double q; } qs[] = {
        {"p50_s", 0.50}, {"p95_s", 0.95}, {"p99_s", 0.99}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t n = strlen(kinds[i].prefix);
        if (strncmp(name, kinds[i].prefix, n))
            continue;
        for (size_t j = 0; j < sizeof qs / sizeof qs[0]; j++)
            if (!strcmp(name + n, qs[j].suffix)) {
                *kind = kinds[i].kind;
                *q = qs[j].q;
                return 1;
            }
    }
    return 0;
}

/* The summary of field f at site k: value into *mean, half-width into *ci. */
static void summarise(const ew_aggregate *agg, uint32_t k, size_t f, double *x, double *mean,
                      double *ci)
{
    size_t rows = (size_t)agg->n_sites + 1, n = agg->n_reps;
    const ew_field *fd = &ew_site_fields[f];
    for (size_t r = 0; r < n; r++)
        x[r] = ew_field_value(fd, &agg->reps[r * rows + k]);
    double sum = 0.0;
    for (size_t r = 0; r < n; r++)
        sum += x[r];
    *mean = sum / (double)n;
    *ci = ew_ci95_halfwidth(x, n);
    int kind;
    double q;
    if (percentile_of(fd->name, &kind, &q)) {
        const ew_hist *h = &agg->hists[(size_t)k * EW_N_HISTS + (size_t)kind];
        if (h->h && h->n > 0)
            *mean = ew_hist_quantile(h, q);
    } else if (!strcmp(fd->name, "sojourn_max_s")) {
        *mean = gsl_stats_max(x, 1, n);
        *ci = NAN;
    }
}

/* The time series of replication 0 become the means over replications. */
static void average_bins(ew_aggregate *agg)
{
    ew_results *r = agg->res;
    size_t rows = (size_t)agg->n_sites + 1, nb = agg->n_bins;
    if (!nb || nb != r->n_bins || agg->n_reps < 2)
        return;
    for (size_t i = 0; i < rows * nb; i++) {
        double sum = 0.0;
        for (size_t rep = 0; rep < agg->n_reps; rep++)
            sum += agg->bins[rep * rows * nb + i];
        double m = sum / (double)agg->n_reps;
        if (i < (size_t)agg->n_sites * nb)
            r->bin_power_w[i] = m;
        else
            r->bin_arrivals[i - (size_t)agg->n_sites * nb] = m;
    }
}

int ew_aggregate_finish(ew_aggregate *agg)
{
    size_t rows = (size_t)agg->n_sites + 1;
    agg->mean = malloc(rows * ew_n_site_fields * sizeof *agg->mean);
    agg->ci95 = malloc(rows * ew_n_site_fields * sizeof *agg->ci95);
    double *x = malloc(agg->n_reps * sizeof *x);
    if (!agg->mean || !agg->ci95 || !x || !agg->res) {
        free(x);
        return EW_ENOMEM;
    }
    for (uint32_t k = 0; k < rows; k++) {
        ew_site_result *out = k < agg->n_sites ? &agg->res->sites[k] : &agg->res->total;
        for (size_t f = 0; f < ew_n_site_fields; f++) {
            size_t i = (size_t)k * ew_n_site_fields + f;
            summarise(agg, k, f, x, &agg->mean[i], &agg->ci95[i]);
            set_field(&ew_site_fields[f], out, agg->mean[i]);
        }
    }
    free(x);
    average_bins(agg);
    agg->res->events = agg->events;
    agg->res->wall_s = agg->wall_s;
    return EW_OK;
}

double ew_aggregate_mean(const ew_aggregate *agg, uint32_t k, size_t f)
{
    return agg->mean[(size_t)k * ew_n_site_fields + f];
}

double ew_aggregate_ci95(const ew_aggregate *agg, uint32_t k, size_t f)
{
    return agg->ci95[(size_t)k * ew_n_site_fields + f];
}

const ew_hist *ew_aggregate_hist(const ew_aggregate *agg, uint32_t k, int kind)
{
    const ew_hist *h = &agg->hists[(size_t)k * EW_N_HISTS + (size_t)kind];
    return h->h ? h : NULL;
}

/* ---- running the jobs ---- */

typedef struct progress {
    int on;
    size_t done, total;
    uint64_t events;
    double t0, last;
    const char *what;
} progress;

static void progress_tick(progress *p, uint64_t events)
{
    p->done++;
    p->events += events;
    if (!p->on)
        return;
    double now = omp_get_wtime();
    if (now - p->last < 0.5 && p->done < p->total)
        return;
    p->last = now;
    double el = now - p->t0, left = el / (double)p->done * (double)(p->total - p->done);
    fprintf(stderr, "\r%s: %zu/%zu runs, %.2f M events/s, %.0f s left   ", p->what, p->done,
            p->total, el > 0 ? (double)p->events / el / 1e6 : 0.0, left);
    if (p->done == p->total)
        fputc('\n', stderr);
}

int ew_run_jobs(ew_job *jobs, size_t n, const ew_job_options *opt, ew_error *err)
{
    int *rcs = calloc(n ? n : 1, sizeof *rcs);
    ew_error *errs = calloc(n ? n : 1, sizeof *errs);
    if (!rcs || !errs) {
        free(rcs);
        free(errs);
        return ew_error_set(err, EW_ENOMEM, "out of memory");
    }
    progress p = {opt->progress && n > 1 && isatty(2), 0, n, 0, omp_get_wtime(), 0.0,
                  opt->what ? opt->what : "edgewatt"};
    int failed = 0;
    /* one run on its own keeps ew_run's finer progress line */
    ew_run_options ro = {0, opt->progress && n == 1};
#pragma omp parallel for schedule(dynamic, 1) firstprivate(ro)
    for (size_t i = 0; i < n; i++) {
        int stop;
#pragma omp atomic read
        stop = failed;
        if (stop)
            continue;
        ew_results *r = NULL;
        ro.replication = jobs[i].rep;
        int rc = ew_run(jobs[i].s, &ro, &r, &errs[i]);
        if (rc == EW_OK) {
            uint64_t ev = r->events;
            rc = ew_aggregate_add(jobs[i].agg, jobs[i].rep, r, opt->keep_detail);
            if (rc)
                ew_error_set(&errs[i], rc, "%s: out of memory merging replications",
                             jobs[i].s->name);
#pragma omp critical(ew_progress)
            progress_tick(&p, ev);
        }
        rcs[i] = rc;
        if (rc) {
#pragma omp atomic write
            failed = 1;
        }
    }
    int rc = EW_OK;
    for (size_t i = 0; i < n && rc == EW_OK; i++)
        if (rcs[i]) {
            rc = rcs[i];
            *err = errs[i];
        }
    free(rcs);
    free(errs);
    return rc;
}
