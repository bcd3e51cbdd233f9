/* run.c — the run driver: the world's state and the handlers of its events.
 *
 * Events: ARRIVAL (a query comes in, is routed to a server, and the next
 * arrival is scheduled), DEPARTURE (a query finishes on a server), WAKE (a
 * sleeping server is ready), SLEEP (an idle server's timer runs out).
 * Energy is integrated exactly at every change of state: power is piecewise
 * constant between events, so E += P·(now − t_last) with no time step, per
 * server and, independently, per site (from integer counts of servers off
 * and slots busy), which is what the conservation test compares.
 * Serving sites (GPU replicas with continuous batching) are in serve.c.
 */
#include "run_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_randist.h>

static double wall_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* ---- bins ---- */

static int ensure_bins(run *R, size_t need)
{
    if (need <= R->cap_bins)
        return 0;
    size_t cap = R->cap_bins ? R->cap_bins : 64;
    while (cap < need)
        cap *= 2;
    for (uint32_t k = 0; k < R->s->n_sites; k++) {
        double *b = realloc(R->sites[k].bin_energy_j, cap * sizeof *b);
        if (!b)
            return -1;
        memset(b + R->cap_bins, 0, (cap - R->cap_bins) * sizeof *b);
        R->sites[k].bin_energy_j = b;
    }
    double *a = realloc(R->bin_arrivals, cap * sizeof *a);
    if (!a)
        return -1;
    memset(a + R->cap_bins, 0, (cap - R->cap_bins) * sizeof *a);
    R->bin_arrivals = a;
    R->cap_bins = cap;
    return 0;
}

/* ---- integration ---- */

static double site_power_w(const site_acc *a)
{
    return ew_power_linear_site_w(&a->power, a->servers, a->n_off, a->busy_slots, a->slots);
}

static int site_advance(run *R, site_acc *a, double now)
{
    double dt = now - a->t_last_s;
    if (dt <= 0.0)
        return 0;
    a->energy_j += a->power_w * dt;
    a->n_integral += (double)a->in_system * dt;
    if (now <= a->bin_end_s) {   /* the common case: still in the same bin */
        a->bin_energy_j[a->bin] += a->power_w * dt;
    } else {
        double t = a->t_last_s, bin = R->s->bin_s;
        if (ensure_bins(R, (size_t)(now / bin) + 2))
            return -1;
        while (t < now) {
            double end = fmin(now, a->bin_end_s);
            a->bin_energy_j[a->bin] += a->power_w * (end - t);
            t = end;
            if (t == a->bin_end_s && t < now) {
                a->bin++;
                a->bin_end_s = (double)(a->bin + 1) * bin;
            }
        }
    }
    a->t_last_s = now;
    return 0;
}

int run_spread_energy(run *R, uint32_t k, double t0, double t1, double energy_j)
{
    site_acc *a = &R->sites[k];
    double bin = R->s->bin_s;
    a->energy_j += energy_j;
    if (!(t1 > t0)) {   /* an instant: all in the bin of t0 */
        size_t b = (size_t)(t0 / bin);
        if (ensure_bins(R, b + 2))
            return -1;
        a->bin_energy_j[b] += energy_j;
        return 0;
    }
    if (ensure_bins(R, (size_t)(t1 / bin) + 2))
        return -1;
    double per_s = energy_j / (t1 - t0), t = t0;
    size_t b = (size_t)(t0 / bin);
    while (t < t1) {
        double end = fmin(t1, (double)(b + 1) * bin);
        if (end > t)
            a->bin_energy_j[b] += per_s * (end - t);
        t = end > t ? end : (double)(b + 1) * bin;
        b++;
    }
    return 0;
}

void run_record_query(run *R, uint32_t id, uint32_t site, double now, double network_s)
{
    const query *q = &R->q[id];
    const query_llm *ql = &R->ql[id];
    if (!R->cap_records || q->arrival_s < R->s->warmup_s)
        return;
    if (R->record_seen++ & (R->record_stride - 1))   /* the stride is a power of two */
        return;
    if (R->n_records == R->cap_records) {   /* keep every other one: stride doubles */
        for (size_t j = 0; j < R->n_records / 2; j++)
            R->records[j] = R->records[2 * j];
        R->n_records /= 2;
        R->record_stride *= 2;
        if ((R->record_seen - 1) & (R->record_stride - 1))
            return;
    }
    ew_query_record *rec = &R->records[R->n_records++];
    *rec = (ew_query_record){.arrival_s = q->arrival_s, .network_s = network_s, .cls = q->cls,
                             .site = site, .client = q->client};
    if (R->s->classes[q->cls].kind == EW_CLASS_GENERIC) {
        double service = q->demand_s / R->s->sites[site].speed;
        rec->generation_s = service;
        rec->queue_s = now - q->arrival_s - service;
        rec->ttft_s = NAN;
    } else {   /* telescoping: arrival, dispatched, admitted, first token, done, now */
        rec->lost_s = ql->dispatched_s - q->arrival_s;
        rec->queue_s = ql->admitted_s - ql->dispatched_s;
        rec->prefill_s = q->first_token_s - ql->admitted_s;
        rec->generation_s = ql->done_s - q->first_token_s;
        rec->verify_s = now - ql->done_s;
        rec->ttft_s = q->first_token_s - q->arrival_s;
        rec->energy_j = ql->energy_j;
        rec->lost_energy_j = ql->lost_j;
        rec->host_j = ql->led.host_j;
        rec->facility_j = ql->led.facility_j;
        rec->inc_j = ql->led.gpu_inc_j + ql->led.host_inc_j + ql->led.facility_inc_j;
        rec->co2_g = ql->led.co2_g;
        rec->water_l = ql->led.water_l;
        rec->electricity_usd = ql->led.cost_usd;
        rec->prompt = ql->prompt;
        rec->output = ql->output;
    }
    rec->latency_s = network_s + (now - q->arrival_s);
}

static void server_advance(ew_server *sv, double now)
{
    double dt = now - sv->t_last_s;
    sv->energy_j += sv->power_w * dt;
    sv->busy_slot_s += (double)sv->busy * dt;
    if (sv->state == EW_SERVER_OFF)
        sv->off_s += dt;
    sv->t_last_s = now;
}

/* Brings server i and its site up to `now` before a change of state. */
static int touch(run *R, uint32_t i, double now)
{
    ew_server *sv = &R->w.servers[i];
    server_advance(sv, now);
    return site_advance(R, &R->sites[sv->site], now);
}

/* After a change: new draw for the server and its site. */
static void repower(run *R, uint32_t i)
{
    ew_server *sv = &R->w.servers[i];
    site_acc *a = &R->sites[sv->site];
    sv->power_w = ew_power_linear_w(&a->power, sv->state, sv->busy, a->slots);
    a->power_w = site_power_w(a);
}

int run_count_changed(run *R, uint32_t i, uint32_t old_n)
{
    if (!R->w.track_load)   /* nothing to keep current: skip the call */
        return 0;
    return ew_world_count_changed(&R->w, i, old_n) ? EW_ENOMEM : 0;
}

/* ---- queries ---- */

int run_query_alloc(run *R, uint32_t *id)
{
    if (R->q_free == EW_NONE) {
        if (R->q_cap >= EW_NONE / 2)
            return EW_ENOMEM;
        uint32_t cap = R->q_cap ? 2 * R->q_cap : 1024;
        query *q = realloc(R->q, cap * sizeof *q);
        if (q)
            R->q = q;
        query_llm *ql = realloc(R->ql, cap * sizeof *ql);
        if (ql)
            R->ql = ql;
        if (!q || !ql)
            return EW_ENOMEM;
        for (uint32_t k = R->q_cap; k < cap; k++)
            q[k].next = k + 1 < cap ? k + 1 : EW_NONE;
        R->q_free = R->q_cap;
        R->q_cap = cap;
    }
    *id = R->q_free;
    R->q_free = R->q[*id].next;
    return 0;
}

void run_query_release(run *R, uint32_t id)
{
    R->q[id].next = R->q_free;
    R->q_free = id;
}

/* Puts query id into service on server i (a slot is free and the server on). */
static int start_service(run *R, uint32_t i, uint32_t id, double now)
{
    ew_server *sv = &R->w.servers[i];
    site_acc *a = &R->sites[sv->site];
    sv->busy++;
    a->busy_slots++;
    return ew_engine_schedule(&R->eng, now + R->q[id].demand_s / a->speed, EV_DEPARTURE, i, id);
}

/* Fills free slots of server i from its queue, first come first served. */
static int serve_queue(run *R, uint32_t i, double now)
{
    ew_server *sv = &R->w.servers[i];
    uint32_t slots = R->sites[sv->site].slots;
    while (sv->queue_head != EW_NONE && sv->busy < slots) {
        uint32_t id = sv->queue_head;
        sv->queue_head = R->q[id].next;
        if (sv->queue_head == EW_NONE)
            sv->queue_tail = EW_NONE;
        int rc = start_service(R, i, id, now);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- handlers ---- */

/* A query routed to plain server i: served now if a slot is free, else
 * queued (waking the server if it sleeps). */
static int arrive_plain(run *R, uint32_t i, uint32_t id, double now)
{
    ew_server *sv = &R->w.servers[i];
    site_acc *a = &R->sites[sv->site];
    if (touch(R, i, now))
        return EW_ENOMEM;
    uint32_t old_n = sv->in_system++;
    a->in_system++;
    sv->arrivals++;
    a->arrivals++;
    if (old_n == 0)
        sv->sleep_gen++;   /* a pending sleep timer is now stale */
    int rc = run_count_changed(R, i, old_n);
    if (rc)
        return rc;
    if (sv->state == EW_SERVER_ON && sv->busy < a->slots) {
        rc = start_service(R, i, id, now);
    } else {
        if (sv->queue_tail == EW_NONE)
            sv->queue_head = id;
        else
            R->q[sv->queue_tail].next = id;
        sv->queue_tail = id;
        if (sv->state == EW_SERVER_OFF) {
            sv->state = EW_SERVER_WAKING;
            a->n_off--;
            rc = ew_engine_schedule(&R->eng, now + R->s->sites[sv->site].wake_s, EV_WAKE, i, 0);
        }
    }
    repower(R, i);
    return rc;
}

/* A token count drawn from d, rounded and clamped to [1, max]. */
static uint32_t draw_tokens(const ew_token_dist *d, gsl_rng *r)
{
    double x;
    switch (d->kind) {
    case EW_TOKENS_UNIFORM:
        x = d->a + (d->b - d->a) * gsl_rng_uniform(r);
        break;
    case EW_TOKENS_LOGNORMAL: {
        double var_log = log1p(d->b * d->b);
        x = gsl_ran_lognormal(r, log(d->a) - 0.5 * var_log, sqrt(var_log));
        break;
    }
    case EW_TOKENS_EXPONENTIAL:
        x = gsl_ran_exponential(r, d->a);
        break;
    default:
        x = d->a;
    }
    x = floor(x + 0.5);
    return x < 1.0 ? 1u : x > (double)d->max ? d->max : (uint32_t)x;
}

int run_dispatch(run *R, uint32_t id, double now, uint32_t except, uint32_t *server)
{
    const query *q = &R->q[id];
    ew_route_query rq = {R->group_of_class[q->cls], EW_NONE, EW_ACCESS_FIBRE, except};
    if (R->s->n_clients) {
        rq.client_region = R->s->clients[q->client].region;
        rq.client_access = R->s->clients[q->client].access;
    }
    R->w.now_s = now;
    uint32_t i = R->policy->pick(R->policy_state[rq.group], &R->w, &rq,
                                 R->rng[EW_STREAM_ROUTING]);
    if (server)
        *server = i;
    if (i == EW_NONE)
        return EW_RUN_NO_SERVER;
    if (R->replica_of && R->replica_of[i] != EW_NONE)
        return serve_arrive(R, i, id, now);
    return arrive_plain(R, i, id, now);
}

static int on_arrival(ew_engine *e, const ew_event *ev, void *ctx)
{
    (void)ev;
    run *R = ctx;
    double now = e->now_s;
    if (R->s->max_arrivals && R->n_arrivals == R->s->max_arrivals) {
        if (!R->s->drain)
            return EW_ENGINE_STOP;   /* the run ends where the next arrival would come */
        R->arrivals_over = 1;        /* serve what came, then end (run_drained) */
        return run_drained(R);
    }
    R->n_arrivals++;
    uint32_t id;
    int rc = run_query_alloc(R, &id);
    if (rc)
        return rc;
    query *q = &R->q[id];
    q->arrival_s = now;
    q->next = EW_NONE;
    q->cls = R->class_table ? (uint16_t)gsl_ran_discrete(R->rng[EW_STREAM_CLASS], R->class_table)
                            : 0;
    q->client = R->client_table
                    ? (uint16_t)gsl_ran_discrete(R->rng[EW_STREAM_CLIENT], R->client_table) : 0;
    const ew_class_spec *cl = &R->s->classes[q->cls];
    uint32_t executions = 1;
    if (cl->kind == EW_CLASS_GENERIC) {   /* query_llm unused: left as it is */
        q->demand_s = ew_service_draw(&R->service, R->rng[EW_STREAM_SERVICE]);
    } else {
        query_llm *ql = &R->ql[id];
        *ql = (query_llm){.admitted_s = now, .dispatched_s = now, .output = 1, .root = id};
        q->first_token_s = NAN;
        if (cl->kind == EW_CLASS_LLM) {
            ql->prompt = draw_tokens(&cl->prompt, R->rng[EW_STREAM_TOKENS]);
            ql->output = draw_tokens(&cl->output, R->rng[EW_STREAM_TOKENS]);
        }
        executions = serve_verify_executions(R);
        ql->pending = (uint16_t)executions;
    }
    if (now >= R->arrival_bin_end_s) {
        R->arrival_bin = (size_t)(now / R->s->bin_s);
        while ((double)(R->arrival_bin + 1) * R->s->bin_s <= now)
            R->arrival_bin++;   /* division may round down at a bin edge */
        R->arrival_bin_end_s = (double)(R->arrival_bin + 1) * R->s->bin_s;
        if (ensure_bins(R, R->arrival_bin + 2))
            return EW_ENOMEM;
    }
    R->bin_arrivals[R->arrival_bin] += 1.0;

    uint32_t server;
    rc = run_dispatch(R, id, now, EW_NONE, &server);
    if (rc == EW_RUN_NO_SERVER)
        if (cl->kind == EW_CLASS_GENERIC) {
            R->failed_queries++;
            R->n_done++;
            run_query_release(R, id);
            rc = EW_OK;
        } else {
            rc = serve_no_server(R, id, now);
        }
    else if (rc == EW_OK && executions > 1)
        rc = serve_add_checks(R, id, now, executions - 1, server);
    if (rc)
        return rc;
    double next = ew_arrivals_next(&R->arrivals, now, R->rng[EW_STREAM_ARRIVALS]);
    return next < R->horizon_s || R->s->max_arrivals ? ew_engine_schedule(e, next, EV_ARRIVAL, 0, 0)
                                                      : 0;
}

static void record_sojourn(run *R, site_acc *a, double arrival_s, double now)
{
    if (arrival_s < R->s->warmup_s)
        return;
    double w = now - arrival_s;
    ew_hist_add(&a->hist, w);
    ew_batch_means_add(&a->bm, w);
    ew_batch_means_add(&R->bm_all, w);
    a->sojourn_sum_s += w;
    R->sojourn_sum_all_s += w;
    a->n_lat++;
    R->n_lat_all++;
    if (w > a->sojourn_max_s)
        a->sojourn_max_s = w;
}

int run_record_latency(run *R, site_acc *a, double arrival_s, double now, double network_s)
{
    if (arrival_s < R->s->warmup_s)
        return 0;
    double lat = now - arrival_s + network_s;
    ew_hist_add(&a->lat_hist, lat);
    a->lat_sum_s += lat;
    a->network_sum_s += network_s;
    a->n_queries++;
    return 1;
}

int run_drained(const run *R)
{
    return R->arrivals_over && R->n_done == R->n_arrivals ? EW_ENGINE_STOP : 0;
}

/* For serve.c (run.c calls the static versions, which the compiler inlines). */
int run_touch(run *R, uint32_t i, double now)
{
    return touch(R, i, now);
}

void run_record_sojourn(run *R, site_acc *a, double arrival_s, double now)
{
    record_sojourn(R, a, arrival_s, now);
}

static int maybe_sleep(run *R, uint32_t i, double now)
{
    ew_server *sv = &R->w.servers[i];
    double after = R->s->sites[sv->site].sleep_after_s;
    if (sv->in_system == 0 && sv->state == EW_SERVER_ON && isfinite(after))
        return ew_engine_schedule(&R->eng, now + after, EV_SLEEP, i, sv->sleep_gen);
    return 0;
}

static int on_departure(ew_engine *e, const ew_event *ev, void *ctx)
{
    run *R = ctx;
    double now = e->now_s;
    uint32_t i = ev->target, id = ev->arg;
    ew_server *sv = &R->w.servers[i];
    site_acc *a = &R->sites[sv->site];
    if (touch(R, i, now))
        return EW_ENOMEM;
    const query *q = &R->q[id];
    double net = 0.0;
    if (R->s->n_clients)
        net = ew_world_rtt_s(&R->w, R->s->clients[q->client].region,
                             R->s->clients[q->client].access, sv->site);
    run_record_latency(R, a, q->arrival_s, now, net);
    record_sojourn(R, a, q->arrival_s, now);
    run_record_query(R, id, sv->site, now, net);
    run_query_release(R, id);
    sv->busy--;
    a->busy_slots--;
    uint32_t old_n = sv->in_system--;
    a->in_system--;
    sv->completions++;
    a->completions++;
    R->n_done++;
    int rc = run_count_changed(R, i, old_n);
    if (!rc)
        rc = serve_queue(R, i, now);
    if (!rc)
        rc = maybe_sleep(R, i, now);
    repower(R, i);
    return rc ? rc : run_drained(R);
}

static int on_wake(ew_engine *e, const ew_event *ev, void *ctx)
{
    run *R = ctx;
    uint32_t i = ev->target;
    if (touch(R, i, e->now_s))
        return EW_ENOMEM;
    R->w.servers[i].state = EW_SERVER_ON;
    int rc = serve_queue(R, i, e->now_s);
    repower(R, i);
    return rc;
}

static int on_sleep(ew_engine *e, const ew_event *ev, void *ctx)
{
    run *R = ctx;
    uint32_t i = ev->target;
    ew_server *sv = &R->w.servers[i];
    if (ev->arg != sv->sleep_gen || sv->in_system != 0 || sv->state != EW_SERVER_ON)
        return 0;   /* work came in since the timer was set */
    if (touch(R, i, e->now_s))
        return EW_ENOMEM;
    sv->state = EW_SERVER_OFF;
    R->sites[sv->site].n_off++;
    repower(R, i);
    return 0;
}

/* Server i gains (set) or loses a reason to be offline at now; a serving
 * node that leaves loses its work (serve.c), one that comes back idles. */
static int set_offline(run *R, uint32_t i, uint32_t bit, int set, double now)
{
    ew_server *sv = &R->w.servers[i];
    int was_on = sv->offline == 0;
    if (touch(R, i, now) || ew_world_set_offline(&R->w, i, bit, set))
        return EW_ENOMEM;
    int is_on = sv->offline == 0;
    if (was_on == is_on)
        return EW_OK;
    if (!is_on)
        R->offline_since[i] = now;
    else
        sv->off_s += now - R->offline_since[i];
    if (R->replica_of && R->replica_of[i] != EW_NONE)
        return serve_node_offline(R, i, now, !is_on);
    return EW_OK;
}

/* The next change of node i's availability after `now`, given whether it
 * is now available; +infinity when its trace has no more. At time 0 a
 * period is already under way: what is left of it (residual life). */
static double next_toggle(run *R, uint32_t i, int available, double now)
{
    const ew_avail_spec *av = &R->s->sites[R->w.servers[i].site].avail;
    if (av->mode == EW_AVAIL_PERIODS) {
        const ew_period_dist *d = available ? &av->on : &av->off;
        gsl_rng *r = R->rng[EW_STREAM_AVAIL];
        return now + (now == 0.0 ? ew_period_draw_residual(d, r) : ew_period_draw(d, r));
    }
    const ew_trace *t = av->trace;
    uint32_t node = (i - R->site_first[R->w.servers[i].site]) % t->n_nodes;
    uint32_t c = R->trace_cursor[i];
    if (c >= t->first[node + 1])
        return INFINITY;
    return available ? t->intervals[c].end_s : t->intervals[c].start_s;
}

static int on_node(ew_engine *e, const ew_event *ev, void *ctx)
{
    run *R = ctx;
    uint32_t i = ev->target;
    int available = ev->arg == 1;
    if (!available && R->s->sites[R->w.servers[i].site].avail.mode == EW_AVAIL_TRACE)
        R->trace_cursor[i]++;   /* that interval is over */
    int rc = set_offline(R, i, EW_OFF_AWAY, !available, e->now_s);
    if (rc)
        return rc;
    double t = next_toggle(R, i, available, e->now_s);
    return isfinite(t) ? ew_engine_schedule(e, t, EV_NODE, i, available ? 0 : 1) : EW_OK;
}

static int on_outage(ew_engine *e, const ew_event *ev, void *ctx)
{
    run *R = ctx;
    const ew_outage_spec *o = &R->s->outages[ev->target];
    for (uint32_t k = 0; k < R->s->n_sites; k++) {
        if (o->site != EW_NONE ? k != o->site : R->s->sites[k].region != o->region)
            continue;
        for (uint32_t i = R->site_first[k]; i < R->site_first[k + 1]; i++) {
            int rc = set_offline(R, i, EW_OFF_OUTAGE, ev->arg == 1, e->now_s);
            if (rc)
                return rc;
        }
    }
    return ev->arg == 1 ? ew_engine_schedule(e, o->to_s, EV_OUTAGE, ev->target, 0) : EW_OK;
}

/* Each node starts in equilibrium: available with the long-run probability
 * mean(on) / (mean(on) + mean(off)), for the residual of a period under way
 * (or as its trace says at time 0); outages are scheduled. */
static int start_availability(run *R)
{
    const ew_scenario *s = R->s;
    int any = s->n_outages > 0;
    for (uint32_t k = 0; k < s->n_sites; k++)
        any |= s->sites[k].avail.mode != EW_AVAIL_ALWAYS;
    if (!any)
        return EW_OK;
    R->offline_since = calloc(R->w.n_servers, sizeof *R->offline_since);
    R->trace_cursor = calloc(R->w.n_servers, sizeof *R->trace_cursor);
    if (!R->offline_since || !R->trace_cursor)
        return EW_ENOMEM;
    for (uint32_t k = 0; k < s->n_sites; k++) {
        const ew_avail_spec *av = &s->sites[k].avail;
        if (av->mode == EW_AVAIL_ALWAYS)
            continue;
        double p_on = av->mode == EW_AVAIL_PERIODS ? av->on.mean_s / (av->on.mean_s + av->off.mean_s)
                                                   : 0.0;
        for (uint32_t i = R->site_first[k]; i < R->site_first[k + 1]; i++) {
            int available;
            if (av->mode == EW_AVAIL_PERIODS) {
                available = gsl_rng_uniform(R->rng[EW_STREAM_AVAIL]) < p_on;
            } else {
                uint32_t node = (i - R->site_first[k]) % av->trace->n_nodes;
                uint32_t c = av->trace->first[node];
                R->trace_cursor[i] = c;
                available = c < av->trace->first[node + 1] && av->trace->intervals[c].start_s <= 0.0;
            }
            if (!available && set_offline(R, i, EW_OFF_AWAY, 1, 0.0))
                return EW_ENOMEM;
            double t = next_toggle(R, i, available, 0.0);
            if (isfinite(t) && ew_engine_schedule(&R->eng, t, EV_NODE, i, available ? 0 : 1))
                return EW_ENOMEM;
        }
    }
    for (uint32_t o = 0; o < s->n_outages; o++)
        if (ew_engine_schedule(&R->eng, s->outages[o].from_s, EV_OUTAGE, o, 1))
            return EW_ENOMEM;
    return EW_OK;
}

static void on_progress(const ew_engine *e, void *ctx)
{
    run *R = ctx;
    double wall = wall_since(&R->wall0);
    if (wall < 2.0 || wall - R->last_print < 0.5)
        return;
    R->last_print = wall;
    R->printed = 1;
    double done = isfinite(R->horizon_s) ? e->now_s / R->horizon_s
                                         : (double)R->n_arrivals / (double)R->s->max_arrivals;
    if (R->s->max_arrivals && isfinite(R->horizon_s))
        done = fmax(done, (double)R->n_arrivals / (double)R->s->max_arrivals);
    double left = done > 0 ? wall * (1.0 - done) / done : 0.0;
    fprintf(stderr, "\r%s: %5.1f%% simulated, %.1f M events/s, about %.0f s left   ",
            R->s->name, 100.0 * done, (double)e->events / wall / 1e6, left);
}

/* ---- set-up and results ---- */

static void run_free(run *R)
{
    serve_free(R);
    account_free(R);
    if (R->sites)
        for (uint32_t k = 0; k < R->s->n_sites; k++) {
            free(R->sites[k].bin_energy_j);
            ew_hist_free(&R->sites[k].hist);
            ew_hist_free(&R->sites[k].lat_hist);
            ew_hist_free(&R->sites[k].ttft_hist);
            ew_hist_free(&R->sites[k].tpot_hist);
        }
    for (uint32_t g = 0; R->policy_state && g < R->w.n_groups; g++)
        if (R->policy->free)
            R->policy->free(R->policy_state[g]);
    ew_world_free(&R->w);
    free(R->policy_state);
    free(R->sites);
    free(R->site_first);
    free(R->site_info);
    free(R->rtt_base_s);
    free(R->w.servers);
    free(R->q);
    free(R->ql);
    free(R->bin_arrivals);
    free(R->records);
    free(R->offline_since);
    free(R->trace_cursor);
    free(R->group_of_class);
    if (R->class_table)
        gsl_ran_discrete_free(R->class_table);
    if (R->client_table)
        gsl_ran_discrete_free(R->client_table);
    for (int k = 0; k < EW_STREAMS; k++)
        if (R->rng[k])
            gsl_rng_free(R->rng[k]);
    ew_engine_free(&R->eng);
}

/* Servers a site puts in the world: its servers, or for a serving site its
 * model replicas (servers × GPUs per server / devices per replica). */
static uint32_t site_units(const ew_site_spec *sp)
{
    if (sp->disabled)
        return 0;   /* not part of this arm */
    return sp->serving ? sp->servers * sp->serve.replicas_per_server : sp->servers;
}

/* Mean of a token distribution (clamping aside). */
static double tokens_mean(const ew_token_dist *d)
{
    return d->kind == EW_TOKENS_UNIFORM ? 0.5 * (d->a + d->b) : d->a;
}

/* Time for a site to serve one typical request alone [s], for routing's
 * predictions: the first class it serves, prefill and decode at batch 1. */
static double request_time_s(const ew_scenario *s, const ew_site_spec *sp)
{
    if (!sp->serving)
        return s->service_mean_s / sp->speed;
    const ew_deployment *dp = &sp->serve.deployment;
    for (uint32_t c = 0; c < s->n_classes; c++) {
        const ew_class_spec *cl = &s->classes[c];
        if (cl->kind == EW_CLASS_GENERIC || strcmp(cl->model, sp->serve.model))
            continue;
        if (cl->kind == EW_CLASS_IMAGE)
            return ew_cost_diffusion(dp, cl->steps, 1).time_s;
        double p = tokens_mean(&cl->prompt), o = tokens_mean(&cl->output);
        return ew_cost_prefill(dp, p, 0).time_s +
               ew_cost_decode_steps(dp, 1, p + 1, (uint64_t)(o > 1 ? o - 1 : 0)).time_s;
    }
    return 1.0;
}

/* Routing groups: the plain servers (for generic classes) and, per model
 * that a class asks for, the sites serving it. Each class routes within its
 * group. Fills the world's site table and round-trip table too. */
static int build_world(run *R)
{
    const ew_scenario *s = R->s;
    uint32_t *group_of_site = malloc(s->n_sites * sizeof *group_of_site);
    R->group_of_class = malloc(s->n_classes * sizeof *R->group_of_class);
    R->site_info = calloc(s->n_sites, sizeof *R->site_info);
    if (!group_of_site || !R->group_of_class || !R->site_info) {
        free(group_of_site);
        return EW_ENOMEM;
    }
    const char *keys[64];
    uint32_t n_groups = 0;
    for (uint32_t c = 0; c < s->n_classes; c++) {
        const char *key = s->classes[c].kind == EW_CLASS_GENERIC ? "" : s->classes[c].model;
        uint32_t g = 0;
        while (g < n_groups && strcmp(keys[g], key) != 0)
            g++;
        if (g == n_groups)
            keys[n_groups++] = key;
        R->group_of_class[c] = g;
    }
    for (uint32_t k = 0; k < s->n_sites; k++) {
        const ew_site_spec *sp = &s->sites[k];
        ew_site_info *si = &R->site_info[k];
        group_of_site[k] = EW_NONE;
        for (uint32_t g = 0; g < n_groups; g++)
            if (keys[g][0] ? sp->serving && !strcmp(sp->serve.model, keys[g]) : !sp->serving)
                group_of_site[k] = g;
        si->first = R->site_first[k];
        si->end = R->site_first[k + 1];
        si->region = sp->region;
        si->access = sp->access;
        si->edge = sp->edge;
        si->room = sp->serving ? (sp->serve.deployment.model->kind == EW_MODEL_DIFFUSION
                                      ? 1 : sp->serve.max_batch)
                               : sp->slots;
        si->request_s = request_time_s(s, sp);
        si->price_usd_per_kwh = sp->tariff_usd_per_kwh;
        si->carbon_g_per_kwh = sp->zone ? sp->zone->carbon_g_per_kwh : 0.0;
    }
    R->w.site = R->site_info;
    R->w.n_sites = s->n_sites;
    if (s->regions && s->has_net) {
        uint32_t n = (uint32_t)ew_region_catalog_count(s->regions);
        R->rtt_base_s = malloc((size_t)n * n * sizeof *R->rtt_base_s);
        if (!R->rtt_base_s) {
            free(group_of_site);
            return EW_ENOMEM;
        }
        for (uint32_t a = 0; a < n; a++)
            for (uint32_t b = 0; b < n; b++) {
                const ew_region *ra = ew_region_catalog_at(s->regions, a),
                                *rb = ew_region_catalog_at(s->regions, b);
                R->rtt_base_s[(size_t)a * n + b] = ew_rtt_core_s(&s->net, ra, rb);
            }
        R->w.rtt_base_s = R->rtt_base_s;
        R->w.n_regions = n;
        R->w.net = &s->net;
    }
    R->w.track_load = R->policy->uses_load;
    int rc = ew_world_init(&R->w, n_groups, group_of_site);
    free(group_of_site);
    if (rc || !(R->policy_state = calloc(n_groups ? n_groups : 1, sizeof *R->policy_state)))
        return EW_ENOMEM;
    for (uint32_t g = 0; g < n_groups; g++)
        if (R->policy->init && R->policy->init(&R->policy_state[g], &R->w, g))
            return EW_ENOMEM;
    if (s->n_classes > 1) {
        double p[64];
        for (uint32_t c = 0; c < s->n_classes; c++)
            p[c] = s->classes[c].share;
        if (!(R->class_table = gsl_ran_discrete_preproc(s->n_classes, p)))
            return EW_ENOMEM;
    }
    if (s->n_clients > 1) {
        double *p = malloc(s->n_clients * sizeof *p);
        if (!p)
            return EW_ENOMEM;
        for (uint32_t c = 0; c < s->n_clients; c++)
            p[c] = s->clients[c].share;
        R->client_table = gsl_ran_discrete_preproc(s->n_clients, p);
        free(p);
        if (!R->client_table)
            return EW_ENOMEM;
    }
    return EW_OK;
}

#define EW_RECORDS 10000   /* completed queries kept as a sample in results.h5 */

static int run_init(run *R, const ew_scenario *s, const ew_run_options *opt)
{
    R->s = s;
    R->q_free = EW_NONE;
    R->horizon_s = s->duration_s;
    R->w.scenario = s;
    ew_batch_means_init(&R->bm_all);
    if (ew_engine_init(&R->eng, R))
        return EW_ENOMEM;
    R->eng.handlers[EV_ARRIVAL] = on_arrival;
    R->eng.handlers[EV_DEPARTURE] = on_departure;
    R->eng.handlers[EV_WAKE] = on_wake;
    R->eng.handlers[EV_SLEEP] = on_sleep;
    R->eng.handlers[EV_REPLICA] = serve_on_event;
    R->eng.handlers[EV_NODE] = on_node;
    R->eng.handlers[EV_OUTAGE] = on_outage;
    if (opt->progress && isatty(STDERR_FILENO))
        R->eng.progress = on_progress;
    for (int k = 0; k < EW_STREAMS; k++)
        if (!(R->rng[k] = ew_rng_alloc(s->seed, opt->replication, (uint32_t)k)))
            return EW_ENOMEM;
    ew_arrivals_init(&R->arrivals, s);
    ew_service_init(&R->service, s);
    R->cap_records = EW_RECORDS;
    R->record_stride = 1;
    if (!(R->records = malloc(R->cap_records * sizeof *R->records)))
        return EW_ENOMEM;

    uint32_t n = 0;
    for (uint32_t k = 0; k < s->n_sites; k++)
        n += site_units(&s->sites[k]);
    R->sites = calloc(s->n_sites, sizeof *R->sites);
    R->site_first = malloc((s->n_sites + 1) * sizeof *R->site_first);
    R->w.servers = calloc(n, sizeof *R->w.servers);
    if (!R->sites || !R->site_first || !R->w.servers)
        return EW_ENOMEM;
    R->w.n_servers = n;
    R->w.site_first = R->site_first;
    uint32_t i = 0;
    for (uint32_t k = 0; k < s->n_sites; k++) {
        const ew_site_spec *sp = &s->sites[k];
        site_acc *a = &R->sites[k];
        if (!sp->serving)   /* serving sites' energy comes from serve.c */
            a->power = (ew_power_levels){sp->off_w, sp->idle_w, sp->busy_w};
        a->speed = sp->speed;
        a->servers = site_units(sp);
        a->slots = sp->slots;
        a->bin_end_s = s->bin_s;
        ew_batch_means_init(&a->bm);
        if (ew_hist_init(&a->hist) || ew_hist_init(&a->lat_hist) ||
            (sp->serving && (ew_hist_init(&a->ttft_hist) || ew_hist_init(&a->tpot_hist))))
            return EW_ENOMEM;
        R->site_first[k] = i;
        for (uint32_t j = 0; j < a->servers; j++, i++) {
            ew_server *sv = &R->w.servers[i];
            sv->site = k;
            sv->state = EW_SERVER_ON;
            sv->queue_head = sv->queue_tail = EW_NONE;
            sv->power_w = a->power.idle_w;
        }
        a->power_w = site_power_w(a);
    }
    R->site_first[s->n_sites] = n;
    if (ensure_bins(R, isfinite(s->duration_s) ? (size_t)ceil(s->duration_s / s->bin_s) + 1 : 64))
        return EW_ENOMEM;
    R->policy = ew_routing_find(s->routing);
    if (!R->policy || build_world(R) || serve_init(R) || account_init(R) || start_availability(R))
        return EW_ENOMEM;
    /* idle servers that may sleep start their timers at time 0 */
    for (uint32_t j = 0; j < n; j++)
        if (maybe_sleep(R, j, 0.0))
            return EW_ENOMEM;
    double first = ew_arrivals_next(&R->arrivals, 0.0, R->rng[EW_STREAM_ARRIVALS]);
    if (s->arrivals == EW_ARRIVALS_DETERMINISTIC)
        first = 0.0;   /* evenly spaced from time 0 */
    return ew_engine_schedule(&R->eng, first, EV_ARRIVAL, 0, 0);
}

static void fill_site(ew_site_result *r, const site_acc *a, double T, const double *bin_w,
                      size_t n_bins)
{
    r->servers = a->servers;
    r->slots = a->slots;
    r->arrivals = a->arrivals;
    r->completions = a->completions;
    r->in_flight = a->in_system;
    r->latency_samples = a->n_lat;
    r->throughput_per_s = (double)a->completions / T;
    r->mean_in_system = a->n_integral / T;
    r->sojourn_mean_s = a->n_lat ? a->sojourn_sum_s / (double)a->n_lat : NAN;
    r->sojourn_ci95_s = ew_batch_means_ci95(&a->bm);
    r->sojourn_p50_s = ew_hist_quantile(&a->hist, 0.50);
    r->sojourn_p95_s = ew_hist_quantile(&a->hist, 0.95);
    r->sojourn_p99_s = ew_hist_quantile(&a->hist, 0.99);
    r->sojourn_max_s = a->n_lat ? a->sojourn_max_s : NAN;
    /* interpolation inside the lowest bin [0, 2^-30 s) can exceed a tiny maximum */
    r->sojourn_p50_s = fmin(r->sojourn_p50_s, r->sojourn_max_s);
    r->sojourn_p95_s = fmin(r->sojourn_p95_s, r->sojourn_max_s);
    r->sojourn_p99_s = fmin(r->sojourn_p99_s, r->sojourn_max_s);
    r->energy_j = a->energy_j;
    r->mean_power_w = a->energy_j / T;
    r->energy_per_query_j = a->completions ? a->energy_j / (double)a->completions : NAN;
    /* CI of mean power: bins grouped into at most 32 batches, leaving out
     * the last bin, which may be partial */
    size_t nb = n_bins > 1 ? n_bins - 1 : n_bins;
    double m[32];
    size_t k = nb < 32 ? nb : 32, per = k ? nb / k : 0;
    for (size_t b = 0; b < k; b++) {
        m[b] = 0.0;
        for (size_t j = 0; j < per; j++)
            m[b] += bin_w[b * per + j];
        m[b] /= (double)per;
    }
    r->mean_power_ci95_w = ew_ci95_halfwidth(m, k);

    int serving = a->ttft_hist.h != NULL;
    r->ttft_mean_s = serving && a->n_ttft ? a->ttft_sum_s / (double)a->n_ttft : NAN;
    r->ttft_p50_s = serving ? ew_hist_quantile(&a->ttft_hist, 0.50) : NAN;
    r->ttft_p95_s = serving ? ew_hist_quantile(&a->ttft_hist, 0.95) : NAN;
    r->ttft_p99_s = serving ? ew_hist_quantile(&a->ttft_hist, 0.99) : NAN;
    r->tpot_mean_s = serving && a->n_tpot ? a->tpot_sum_s / (double)a->n_tpot : NAN;
    r->tpot_p50_s = serving ? ew_hist_quantile(&a->tpot_hist, 0.50) : NAN;
    r->tpot_p95_s = serving ? ew_hist_quantile(&a->tpot_hist, 0.95) : NAN;
    r->output_tokens = a->output_tokens;
    r->preemptions = a->preemptions;
    r->idle_energy_j = serving ? a->idle_energy_j : NAN;
    r->query_energy_j = serving ? a->query_energy_j : NAN;
    r->query_energy_mean_j = serving && a->n_ttft ? a->query_energy_j / (double)a->n_ttft : NAN;
    r->energy_per_output_token_j =
        serving && a->output_tokens ? a->query_energy_j / (double)a->output_tokens : NAN;
    r->queries = a->n_queries;
    r->failed = a->failed_queries;
    r->latency_mean_s = a->n_queries ? a->lat_sum_s / (double)a->n_queries : NAN;
    r->latency_p50_s = ew_hist_quantile(&a->lat_hist, 0.50);
    r->latency_p95_s = ew_hist_quantile(&a->lat_hist, 0.95);
    r->latency_p99_s = ew_hist_quantile(&a->lat_hist, 0.99);
    r->network_mean_s = a->n_queries ? a->network_sum_s / (double)a->n_queries : NAN;
    r->lost_executions = a->lost_exec;
    r->lost_energy_j = a->lost_energy_j;
    r->network_energy_j = a->network_energy_j;
    r->host_energy_j = a->host_energy_j;
}

/* Moves h into the results' slot (the run keeps an empty histogram). */
static void keep_hist(ew_results *res, uint32_t site, int kind, ew_hist *h)
{
    res->hists[(size_t)site * EW_N_HISTS + (size_t)kind] = *h;
    h->h = NULL;
    h->n = 0;
}

static int collect(run *R, ew_results **out, double wall_s)
{
    const ew_scenario *s = R->s;
    double T = R->eng.now_s;
    ew_results *res = calloc(1, sizeof *res);
    if (!res)
        return EW_ENOMEM;
    *out = res;
    snprintf(res->scenario_name, sizeof res->scenario_name, "%s", s->name);
    res->seed = s->seed;
    res->duration_s = T;
    res->events = R->eng.events;
    res->wall_s = wall_s;
    res->n_sites = s->n_sites;
    res->n_servers = R->w.n_servers;
    res->bin_s = s->bin_s;
    res->n_bins = T > 0 ? (size_t)ceil(T / s->bin_s) : 0;
    if (res->n_bins == 0)
        res->n_bins = 1;
    res->sites = calloc(s->n_sites, sizeof *res->sites);
    res->servers = calloc(R->w.n_servers, sizeof *res->servers);
    res->bin_power_w = calloc((size_t)s->n_sites * res->n_bins, sizeof *res->bin_power_w);
    res->bin_arrivals = calloc(res->n_bins, sizeof *res->bin_arrivals);
    res->hists = calloc(((size_t)s->n_sites + 1) * EW_N_HISTS, sizeof *res->hists);
    ew_hist all;
    if (!res->sites || !res->servers || !res->bin_power_w || !res->bin_arrivals || !res->hists ||
        ew_hist_init(&all))
        return EW_ENOMEM;
    for (size_t b = 0; b < res->n_bins; b++) {
        double width = fmin(s->bin_s, T - (double)b * s->bin_s);
        res->bin_arrivals[b] = R->bin_arrivals[b];
        for (uint32_t k = 0; k < s->n_sites; k++)
            res->bin_power_w[(size_t)k * res->n_bins + b] =
                width > 0 ? R->sites[k].bin_energy_j[b] / width : 0.0;
    }
    double off_s_all = 0.0;
    for (uint32_t k = 0; k < s->n_sites; k++) {
        ew_site_result *r = &res->sites[k];
        snprintf(r->name, sizeof r->name, "%s", s->sites[k].name);
        fill_site(r, &R->sites[k], T, res->bin_power_w + (size_t)k * res->n_bins, res->n_bins);
        double off_s = 0.0, busy = 0.0;
        for (uint32_t i = R->site_first[k]; i < R->site_first[k + 1]; i++) {
            const ew_server *sv = &R->w.servers[i];
            res->servers[i] = (ew_server_result){sv->site, sv->arrivals, sv->completions,
                                                 sv->busy_slot_s, sv->off_s, sv->energy_j};
            off_s += sv->off_s;
            busy += sv->busy_slot_s;
        }
        r->off_share = off_s / (T * r->servers);
        r->utilisation = busy / (T * (double)r->servers * r->slots);
        off_s_all += off_s;
        ew_hist_merge(&all, &R->sites[k].hist);
    }
    /* the total is built from the sites, as a site of its own */
    ew_site_result *t = &res->total;
    snprintf(t->name, sizeof t->name, "all");
    double busy_all = 0.0, capacity = 0.0, *sum_w = calloc(res->n_bins, sizeof *sum_w);
    if (!sum_w) {
        ew_hist_free(&all);
        return EW_ENOMEM;
    }
    uint32_t slots = res->sites[0].slots;   /* 0 where sites differ */
    for (uint32_t k = 0; k < s->n_sites; k++) {
        const ew_site_result *r = &res->sites[k];
        t->servers += r->servers;
        if (r->slots != slots)
            slots = 0;
        t->arrivals += r->arrivals;
        t->completions += r->completions;
        t->in_flight += r->in_flight;
        t->latency_samples += r->latency_samples;
        t->mean_in_system += r->mean_in_system;
        t->energy_j += r->energy_j;
        busy_all += r->utilisation * (double)r->servers * r->slots;
        capacity += (double)r->servers * r->slots;
        if (r->sojourn_max_s > t->sojourn_max_s || k == 0)
            t->sojourn_max_s = r->sojourn_max_s;
        for (size_t b = 0; b < res->n_bins; b++)
            sum_w[b] += res->bin_power_w[(size_t)k * res->n_bins + b];
    }
    site_acc tot = {0};
    tot.servers = t->servers;
    tot.slots = 1;
    tot.arrivals = t->arrivals;
    tot.completions = t->completions;
    tot.in_system = t->in_flight;
    tot.n_integral = t->mean_in_system * T;
    tot.energy_j = t->energy_j;
    tot.n_lat = R->n_lat_all;
    tot.sojourn_sum_s = R->sojourn_sum_all_s;
    tot.sojourn_max_s = t->sojourn_max_s;
    tot.bm = R->bm_all;
    tot.hist = all;
    if (ew_hist_init(&tot.lat_hist)) {
        ew_hist_free(&all);
        free(sum_w);
        return EW_ENOMEM;
    }
    uint64_t edge_queries = 0;
    for (uint32_t k = 0; k < s->n_sites; k++) {
        const site_acc *a = &R->sites[k];
        ew_hist_merge(&tot.lat_hist, &a->lat_hist);
        tot.lat_sum_s += a->lat_sum_s;
        tot.network_sum_s += a->network_sum_s;
        tot.n_queries += a->n_queries;
        tot.failed_queries += a->failed_queries;   /* 0: failures belong to no site */
        tot.lost_exec += a->lost_exec;
        tot.lost_energy_j += a->lost_energy_j;
        tot.network_energy_j += a->network_energy_j;
        tot.host_energy_j += a->host_energy_j;
        if (s->sites[k].edge)
            edge_queries += a->n_queries;
        res->sites[k].edge_share = s->sites[k].edge ? 1.0 : 0.0;
    }
    int any_serving = 0;
    for (uint32_t k = 0; k < s->n_sites; k++) {
        const site_acc *a = &R->sites[k];
        if (!a->ttft_hist.h)
            continue;
        if (!any_serving && (ew_hist_init(&tot.ttft_hist) || ew_hist_init(&tot.tpot_hist))) {
            ew_hist_free(&tot.ttft_hist);
            ew_hist_free(&all);
            free(sum_w);
            return EW_ENOMEM;
        }
        any_serving = 1;
        ew_hist_merge(&tot.ttft_hist, &a->ttft_hist);
        ew_hist_merge(&tot.tpot_hist, &a->tpot_hist);
        tot.ttft_sum_s += a->ttft_sum_s;
        tot.tpot_sum_s += a->tpot_sum_s;
        tot.n_ttft += a->n_ttft;
        tot.n_tpot += a->n_tpot;
        tot.output_tokens += a->output_tokens;
        tot.preemptions += a->preemptions;
        tot.idle_energy_j += a->idle_energy_j;
        tot.query_energy_j += a->query_energy_j;
    }
    fill_site(t, &tot, T, sum_w, res->n_bins);
    t->edge_share = tot.n_queries ? (double)edge_queries / (double)tot.n_queries : 0.0;
    t->failed = R->failed_queries;
    for (uint32_t k = 0; k < s->n_sites; k++) {
        keep_hist(res, k, EW_HIST_SOJOURN, &R->sites[k].hist);
        keep_hist(res, k, EW_HIST_LATENCY, &R->sites[k].lat_hist);
        keep_hist(res, k, EW_HIST_TTFT, &R->sites[k].ttft_hist);
        keep_hist(res, k, EW_HIST_TPOT, &R->sites[k].tpot_hist);
    }
    keep_hist(res, s->n_sites, EW_HIST_SOJOURN, &all);
    keep_hist(res, s->n_sites, EW_HIST_LATENCY, &tot.lat_hist);
    keep_hist(res, s->n_sites, EW_HIST_TTFT, &tot.ttft_hist);
    keep_hist(res, s->n_sites, EW_HIST_TPOT, &tot.tpot_hist);
    res->records = R->records;   /* the sample moves to the results */
    res->n_records = R->n_records;
    R->records = NULL;
    t->slots = slots;
    t->utilisation = busy_all / capacity;
    t->off_share = off_s_all / (T * t->servers);
    free(sum_w);
    ew_hist_free(&all);
    return account_collect(R, res);
}

int ew_run(const ew_scenario *s, const ew_run_options *opt, ew_results **out, ew_error *err)
{
    *out = NULL;
    run R = {0};
    int rc = run_init(&R, s, opt);
    if (rc) {
        run_free(&R);
        return ew_error_set(err, rc, "%s: out of memory setting up the run", s->name);
    }
    clock_gettime(CLOCK_MONOTONIC, &R.wall0);
    rc = ew_engine_run(&R.eng, R.horizon_s);
    double wall = wall_since(&R.wall0);
    if (R.printed)
        fprintf(stderr, "\r%*s\r", 70, "");
    if (rc < 0) {
        run_free(&R);
        return ew_error_set(err, rc, "%s: out of memory at t = %g s (%llu events)", s->name,
                            R.eng.now_s, (unsigned long long)R.eng.events);
    }
    rc = EW_OK;   /* the horizon, or EW_ENGINE_STOP at max_arrivals: both normal ends */
    /* bring every server and site to the end of the run */
    double T = R.eng.now_s;
    for (uint32_t i = 0; i < R.w.n_servers; i++) {
        server_advance(&R.w.servers[i], T);
        if (R.offline_since && R.w.servers[i].offline)   /* away until the end */
            R.w.servers[i].off_s += T - R.offline_since[i];
    }
    for (uint32_t k = 0; k < s->n_sites; k++)
        if (site_advance(&R, &R.sites[k], T))
            rc = EW_ENOMEM;
    if (rc == EW_OK && serve_finish(&R, T))
        rc = EW_ENOMEM;
    if (rc == EW_OK)
        rc = collect(&R, out, wall);
    run_free(&R);
    if (rc) {
        ew_results_free(*out);
        *out = NULL;
        return ew_error_set(err, rc, "%s: out of memory collecting results", s->name);
    }
    return EW_OK;
}

void ew_results_free(ew_results *r)
{
    if (!r)
        return;
    free(r->sites);
    free(r->servers);
    free(r->bin_power_w);
    free(r->bin_arrivals);
    free(r->records);
    ew_results_drop_hists(r);
    free(r);
}

void ew_results_drop_hists(ew_results *r)
{
    if (!r->hists)
        return;
    for (size_t i = 0; i < ((size_t)r->n_sites + 1) * EW_N_HISTS; i++)
        ew_hist_free(&r->hists[i]);
    free(r->hists);
    r->hists = NULL;
}
