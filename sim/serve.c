/* serve.c — serving sites: GPU replicas of one AI model with continuous
 * batching, in the manner of vLLM (W. Kwon et al., "Efficient Memory
 * Management for Large Language Model Serving with PagedAttention", SOSP
 * 2023).
 *
 * A replica holds a FIFO of waiting requests and a running batch of at most
 * max_batch. At every step boundary it admits waiting requests, first come
 * first served, while their KV cache (prompt and output so far) fits the
 * budget left after the weights; admitted requests are prefilled in one
 * phase during which decoding pauses, and the prefill yields each one's
 * first token. With prefill_chunk = C > 0 (chunked prefill, Sarathi-Serve,
 * Agrawal et al., OSDI 2024), decoding does not pause: each step decodes the
 * batch and prefills up to C tokens of the oldest request still in prefill,
 * one event per such step. Then the batch decodes one token per
 * request per step. A decode run is not simulated step by step: it is
 * planned to the next change of its composition (the first completion, or
 * the step at which the KV cache would overflow) and its time and energy
 * come in closed form from models/inference/cost.h. An arrival during a run
 * cuts it at the next step boundary so that the newcomer is admitted there.
 * When the KV cache is full the newest running request is preempted: its
 * cache is dropped and it goes back to the head of the queue, to be
 * prefilled again over its prompt and the output it had (vLLM's
 * recomputation). Image models run one request at a time, steps × the cost
 * of a denoising step.
 *
 * Energy attribution (documented rule): a prefill phase's energy is charged
 * to each request prefilled by its own prefill cost; a decode run's energy
 * is shared equally among the requests in it (each made the same number of
 * tokens); a mixed step's energy is shared per token processed (one per
 * decoding request, the chunk's tokens to the request in prefill); idle
 * replica time, at idle power, is charged to no query and
 * reported apart. Energy is spread evenly over each phase's duration in the
 * power time series (exact per phase, flat within it).
 */
#include "run_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum phase { IDLE, PREFILL, DECODE, IMAGE, MIXED, OFFLINE };

struct replica {
    const ew_deployment *dp;
    const ew_serving_spec *sv;
    uint32_t server;        /* world index */
    uint32_t site;
    enum phase phase;
    uint32_t gen;           /* bumped when the pending event is replaced */
    double t0_s;            /* start of the phase, or of idleness [s] */
    double t_end_s;         /* time of the pending event [s] */
    uint64_t k;             /* decode: steps planned up to t_end */
    uint32_t batch;         /* decode: requests in the run */
    double ctx0;            /* decode: sum of contexts at the first step [tokens] */
    double phase_energy_j;  /* prefill, image and mixed phases [J] */
    uint32_t chunk_id;      /* mixed: the request whose prompt is in the step */
    double chunk;           /* mixed: its tokens in the step */
    uint32_t *running;      /* query ids */
    uint32_t n_running;
    uint32_t wait_head, wait_tail;
    double kv_used;         /* tokens of KV cache held */
    int image;              /* serves a diffusion model */
};

static int schedule_phase_end(run *R, replica *rp, double t_end)
{
    rp->gen++;
    rp->t_end_s = t_end;
    return ew_engine_schedule(&R->eng, t_end, EV_REPLICA, rp->server, rp->gen);
}

/* Charges energy spent over [t0, t1] to the replica, its server and site;
 * the phase's ledger (every layer, carbon, water, money) in *led, for the
 * queries it served. */
static int charge(run *R, replica *rp, double t0, double t1, double energy_j, int idle,
                  ew_ledger *led)
{
    site_acc *a = &R->sites[rp->site];
    account_phase(R, rp->site, t0, t1, energy_j, idle, led);
    a->host_energy_j += led->host_j;
    ew_ledger_add(idle ? &a->led_idle : &a->led_busy, led, 1.0);
    if (R->node_cost_usd)
        R->node_cost_usd[rp->server] += led->cost_inc_usd;
    R->w.servers[rp->server].energy_j += energy_j;
    if (idle)
        a->idle_energy_j += energy_j;
    else {
        a->busy_s += t1 - t0;
        R->w.servers[rp->server].busy_slot_s += t1 - t0;
    }
    return run_spread_energy(R, rp->site, t0, t1, energy_j);
}

/* Query id carries the share f of a phase's ledger. */
static void attribute(run *R, uint32_t id, const ew_ledger *led, double f)
{
    ew_ledger_add(&R->ql[id].led, led, f);
    ew_ledger_add(&R->led_inflight, led, f);
}

static double idle_power_w(const replica *rp)
{
    return rp->dp->laws.idle_w * rp->dp->tp;
}

/* Network time of a query served at site k: the round trip from its client
 * and its prompt and answer over the client's access [s]; the bytes moved
 * in *bytes. */
static double network_s(run *R, uint32_t id, uint32_t k, double *bytes)
{
    const ew_scenario *s = R->s;
    *bytes = 0.0;
    if (!s->has_net || !s->n_clients)
        return 0.0;
    const query_llm *ql = &R->ql[id];
    const ew_client_spec *c = &s->clients[R->q[id].client];
    *bytes = s->classes[R->q[id].cls].kind == EW_CLASS_IMAGE
                 ? (double)ql->prompt * s->net.bytes_per_token + s->net.bytes_per_image
                 : ((double)ql->prompt + ql->output) * s->net.bytes_per_token;
    return ew_world_rtt_s(&R->w, c->region, c->access, k) +
           *bytes / s->net.bandwidth_bytes_per_s[c->access];
}

/* The query whose original is root has all its executions done (or failed). */
static void finish_query(run *R, uint32_t root, double now)
{
    query *q = &R->q[root];
    query_llm *ql = &R->ql[root];
    R->n_done++;
    ew_ledger_add(&R->led_inflight, &ql->led, -1.0);
    if (ql->failed) {
        R->failed_queries++;
        ew_ledger_add(&R->led_failed, &ql->led, 1.0);
        run_query_release(R, root);
        return;
    }
    site_acc *a = &R->sites[ql->site_done];
    ew_ledger_add(&a->led_done, &ql->led, 1.0);
    a->n_done_all++;
    a->tokens_done_all += ql->output;
    double bytes, net = network_s(R, root, ql->site_done, &bytes);
    if (run_record_latency(R, a, q->arrival_s, now, net))
        a->query_energy_j += ql->energy_j;
    if (R->s->has_net && R->s->n_clients) {
        ew_ledger nl;
        account_network(R, q->client, bytes, now, &nl);
        a->network_energy_j += nl.gpu_j;
        ew_ledger_add(&a->led_network, &nl, 1.0);
    }
    run_record_sojourn(R, a, q->arrival_s, now);
    run_record_query(R, root, ql->site_done, now, net);
    run_query_release(R, root);
}

/* Execution id is done on replica rp. */
static void complete(run *R, replica *rp, uint32_t id, double now)
{
    query *q = &R->q[id];
    query_llm *ql = &R->ql[id];
    site_acc *a = &R->sites[rp->site];
    ew_server *sv = &R->w.servers[rp->server];
    uint32_t old_n = sv->in_system--;
    a->in_system--;
    sv->completions++;
    a->completions++;
    run_count_changed(R, rp->server, old_n);
    uint32_t root = ql->root;
    if (root == id) {   /* the original: its own latency figures */
        ql->site_done = rp->site;
        ql->done_s = now;
        if (q->arrival_s >= R->s->warmup_s) {
            double ttft = q->first_token_s - q->arrival_s;
            ew_hist_add(&a->ttft_hist, ttft);
            a->ttft_sum_s += ttft;
            a->n_ttft++;
            if (ql->output > 1) {
                double tpot = (now - q->first_token_s) / (ql->output - 1);
                ew_hist_add(&a->tpot_hist, tpot);
                a->tpot_sum_s += tpot;
                a->n_tpot++;
            }
            a->output_tokens += ql->output;
        }
    } else {            /* a check: its energy is the query's */
        R->ql[root].energy_j += ql->energy_j;
        R->ql[root].lost_j += ql->lost_j;
        ew_ledger_add(&R->ql[root].led, &ql->led, 1.0);
        run_query_release(R, id);
    }
    if (R->node_reward_usd) {   /* the operator is paid for every execution it finishes */
        const ew_site_economics *e = &R->s->sites[rp->site].econ;
        R->node_reward_usd[rp->server] +=
            e->reward_usd_per_query +
            e->reward_usd_per_1k_tokens * ((double)ql->prompt + ql->output) / 1000.0;
    }
    if (--R->ql[root].pending == 0)
        finish_query(R, root, now);
}

uint32_t serve_verify_executions(run *R)
{
    const ew_verify_spec *v = &R->s->verify;
    if (v->mode == EW_VERIFY_REPLICATE)
        return v->k;
    if (v->mode == EW_VERIFY_SPOT)
        return gsl_rng_uniform(R->rng[EW_STREAM_VERIFY]) < v->p ? 2 : 1;
    return 1;
}

int serve_no_server(run *R, uint32_t id, double now)
{
    query_llm *ql = &R->ql[id];
    uint32_t root = ql->root;
    if (root == id) {
        ql->failed = 1;
        ql->site_done = 0;
    } else {   /* a check that found no server: what it spent served nothing */
        ew_ledger_add(&R->led_inflight, &ql->led, -1.0);
        ew_ledger_add(&R->led_failed, &ql->led, 1.0);
        run_query_release(R, id);
    }
    if (--R->ql[root].pending == 0)
        finish_query(R, root, now);
    return EW_OK;
}

int serve_add_checks(run *R, uint32_t id, double now, uint32_t n, uint32_t server)
{
    for (uint32_t c = 0; c < n; c++) {
        uint32_t cid;
        if (run_query_alloc(R, &cid))
            return EW_ENOMEM;
        R->q[cid] = R->q[id];
        R->q[cid].next = EW_NONE;
        R->ql[cid] = R->ql[id];
        R->ql[cid].pending = 0;
        R->ql[cid].led = (ew_ledger){0};
        int rc = run_dispatch(R, cid, now, server, NULL);
        if (rc == EW_RUN_NO_SERVER)
            rc = serve_no_server(R, cid, now);
        if (rc)
            return rc;
    }
    return EW_OK;
}

/* Removes the requests that have all their tokens from the running set. */
static void retire_finished(run *R, replica *rp, double now)
{
    uint32_t kept = 0;
    for (uint32_t j = 0; j < rp->n_running; j++) {
        uint32_t id = rp->running[j];
        const query_llm *ql = &R->ql[id];
        if (ql->generated >= ql->output) {
            rp->kv_used -= (double)ql->prompt + ql->generated;
            complete(R, rp, id, now);
        } else {
            rp->running[kept++] = id;
        }
    }
    rp->n_running = kept;
}

/* Request id's prefill is done at now: it yields the next token, which
 * takes a place in the KV cache; the first ever is its first token. */
static void prefill_done(run *R, replica *rp, uint32_t id, double now)
{
    query_llm *ql = &R->ql[id];
    ql->prefilling = 0;
    ql->generated++;
    rp->kv_used += 1.0;
    if (isnan(R->q[id].first_token_s))
        R->q[id].first_token_s = now;
}

/* Ends the phase in progress at `now`, which is its planned end. */
static int finish_phase(run *R, replica *rp, double now)
{
    ew_ledger led;
    switch (rp->phase) {
    case DECODE: {
        ew_cost c = ew_cost_decode_steps(rp->dp, rp->batch, rp->ctx0, rp->k);
        if (charge(R, rp, rp->t0_s, now, c.energy_j, 0, &led))
            return EW_ENOMEM;
        double share = c.energy_j / rp->batch;
        for (uint32_t j = 0; j < rp->n_running; j++) {
            query_llm *ql = &R->ql[rp->running[j]];
            ql->generated += (uint32_t)rp->k;
            ql->energy_j += share;
            attribute(R, rp->running[j], &led, 1.0 / rp->batch);
        }
        rp->kv_used += (double)rp->batch * (double)rp->k;
        break;
    }
    case PREFILL:
        if (charge(R, rp, rp->t0_s, now, rp->phase_energy_j, 0, &led))
            return EW_ENOMEM;
        for (uint32_t j = 0; j < rp->n_running; j++) {
            query_llm *ql = &R->ql[rp->running[j]];
            if (!ql->prefilling)
                continue;
            double e = ew_cost_prefill(rp->dp, (double)ql->prompt + ql->generated, 0).energy_j;
            ql->energy_j += e;
            attribute(R, rp->running[j], &led, e / rp->phase_energy_j);
            prefill_done(R, rp, rp->running[j], now);
        }
        break;
    case IMAGE: {
        query *q = &R->q[rp->running[0]];
        query_llm *ql = &R->ql[rp->running[0]];
        if (charge(R, rp, rp->t0_s, now, rp->phase_energy_j, 0, &led))
            return EW_ENOMEM;
        ql->energy_j += rp->phase_energy_j;
        attribute(R, rp->running[0], &led, 1.0);
        ql->generated = ql->output;
        q->first_token_s = now;
        break;
    }
    case MIXED: {
        if (charge(R, rp, rp->t0_s, now, rp->phase_energy_j, 0, &led))
            return EW_ENOMEM;
        double per_token = rp->phase_energy_j / (rp->batch + rp->chunk),
               f = 1.0 / (rp->batch + rp->chunk);
        for (uint32_t j = 0; j < rp->n_running; j++) {
            uint32_t id = rp->running[j];
            if (R->ql[id].prefilling)
                continue;
            R->ql[id].generated++;
            R->ql[id].energy_j += per_token;
            attribute(R, id, &led, f);
        }
        rp->kv_used += rp->batch;
        query_llm *ql = &R->ql[rp->chunk_id];
        ql->energy_j += per_token * rp->chunk;
        attribute(R, rp->chunk_id, &led, f * rp->chunk);
        ql->prefilled += (uint32_t)rp->chunk;
        if (ql->prefilled == ql->prompt + ql->generated)
            prefill_done(R, rp, rp->chunk_id, now);
        break;
    }
    case IDLE:
        if (charge(R, rp, rp->t0_s, now, idle_power_w(rp) * (now - rp->t0_s), 1, &led))
            return EW_ENOMEM;
        break;
    case OFFLINE:
        break;
    }
    retire_finished(R, rp, now);
    return EW_OK;
}

static uint32_t wait_pop(run *R, replica *rp)
{
    uint32_t id = rp->wait_head;
    rp->wait_head = R->q[id].next;
    if (rp->wait_head == EW_NONE)
        rp->wait_tail = EW_NONE;
    R->q[id].next = EW_NONE;
    return id;
}

static void wait_push_front(run *R, replica *rp, uint32_t id)
{
    R->q[id].next = rp->wait_head;
    rp->wait_head = id;
    if (rp->wait_tail == EW_NONE)
        rp->wait_tail = id;
}

/* Chooses and schedules what the replica does next, from `now`. */
static int start_next(run *R, replica *rp, double now)
{
    rp->t0_s = now;
    if (rp->image) {
        if (rp->wait_head == EW_NONE) {
            rp->phase = IDLE;
            return EW_OK;
        }
        uint32_t id = wait_pop(R, rp);
        rp->running[0] = id;
        rp->n_running = 1;
        ew_cost c = ew_cost_diffusion(rp->dp, R->s->classes[R->q[id].cls].steps, 1);
        rp->phase = IMAGE;
        rp->phase_energy_j = c.energy_j;
        return schedule_phase_end(R, rp, now + c.time_s);
    }
    double budget = rp->dp->kv_budget_tokens;
    /* admit, first come first served, what fits the batch and the KV cache */
    double prefill_s = 0.0, prefill_j = 0.0;
    while (rp->wait_head != EW_NONE && rp->n_running < rp->sv->max_batch) {
        query *q = &R->q[rp->wait_head];
        const query_llm *ql = &R->ql[rp->wait_head];
        double need = (double)ql->prompt + ql->generated + 1.0;
        if (rp->kv_used + need > budget)
            break;
        uint32_t id = wait_pop(R, rp);
        /* a preempted request is prefilled again over its prompt and the
         * output it had (recomputation) */
        R->ql[id].prefilling = 1;
        R->ql[id].prefilled = 0;
        if (isnan(q->first_token_s))
            R->ql[id].admitted_s = now;
        rp->kv_used += (double)ql->prompt + ql->generated;
        rp->running[rp->n_running++] = id;
        if (rp->sv->prefill_chunk)
            continue;   /* prefilled chunk by chunk, alongside decoding */
        ew_cost c = ew_cost_prefill(rp->dp, (double)ql->prompt + ql->generated, 0);
        prefill_s += c.time_s;
        prefill_j += c.energy_j;
    }
    if (prefill_s > 0.0) {
        rp->phase = PREFILL;
        rp->phase_energy_j = prefill_j;
        return schedule_phase_end(R, rp, now + prefill_s);
    }
    while (rp->n_running > 0) {
        uint32_t b = 0, chunk_id = EW_NONE;
        uint64_t k_done = UINT64_MAX;
        double ctx = 0.0;
        for (uint32_t j = 0; j < rp->n_running; j++) {
            uint32_t id = rp->running[j];
            const query_llm *ql = &R->ql[id];
            if (R->ql[id].prefilling) {   /* chunked prefill: oldest first */
                if (chunk_id == EW_NONE)
                    chunk_id = id;
                continue;
            }
            uint64_t left = ql->output - ql->generated;
            if (left < k_done)
                k_done = left;
            ctx += (double)ql->prompt + ql->generated;
            b++;
        }
        /* each step writes one token per decoding request into the KV cache */
        double room = b ? floor((budget - rp->kv_used) / b) : INFINITY;
        if (room >= 1.0 && chunk_id != EW_NONE) {
            const query_llm *ql = &R->ql[chunk_id];
            double left = (double)ql->prompt + ql->generated - ql->prefilled;
            rp->phase = MIXED;
            rp->batch = b;
            rp->chunk_id = chunk_id;
            rp->chunk = fmin(left, (double)rp->sv->prefill_chunk);
            ew_cost c = ew_cost_mixed_step(rp->dp, b, ctx, rp->chunk, ql->prefilled);
            rp->phase_energy_j = c.energy_j;
            return schedule_phase_end(R, rp, now + c.time_s);
        }
        if (room >= 1.0) {
            rp->phase = DECODE;
            rp->batch = b;
            rp->ctx0 = ctx;
            rp->k = room < (double)k_done ? (uint64_t)room : k_done;
            ew_cost c = ew_cost_decode_steps(rp->dp, b, ctx, rp->k);
            return schedule_phase_end(R, rp, now + c.time_s);
        }
        /* the cache is full: preempt the newest request (recomputed later) */
        uint32_t id = rp->running[--rp->n_running];
        const query_llm *ql = &R->ql[id];
        rp->kv_used -= (double)ql->prompt + ql->generated;
        wait_push_front(R, rp, id);
        R->sites[rp->site].preemptions++;
        if (rp->n_running == 0)
            return start_next(R, rp, now);   /* it now runs alone */
    }
    rp->phase = IDLE;
    return EW_OK;
}

int serve_arrive(run *R, uint32_t i, uint32_t id, double now)
{
    replica *rp = &R->replicas[R->replica_of[i]];
    ew_server *sv = &R->w.servers[i];
    site_acc *a = &R->sites[rp->site];
    if (run_touch(R, i, now))
        return EW_ENOMEM;
    uint32_t old_n = sv->in_system++;
    a->in_system++;
    sv->arrivals++;
    a->arrivals++;
    int rc = run_count_changed(R, i, old_n);
    if (rc)
        return rc;
    if (rp->wait_tail == EW_NONE)
        rp->wait_head = id;
    else
        R->q[rp->wait_tail].next = id;
    rp->wait_tail = id;
    if (rp->phase == IDLE) {
        if ((rc = finish_phase(R, rp, now)))
            return rc;
        return start_next(R, rp, now);
    }
    if (rp->phase == DECODE && !rp->image) {
        /* cut the run at the next step boundary, where the newcomer is admitted */
        uint64_t done = ew_decode_steps_within(rp->dp, rp->batch, rp->ctx0, rp->k, now - rp->t0_s);
        if (done + 1 < rp->k) {
            rp->k = done + 1;
            double t = rp->t0_s + ew_cost_decode_steps(rp->dp, rp->batch, rp->ctx0, rp->k).time_s;
            return schedule_phase_end(R, rp, t);
        }
    }
    return EW_OK;
}

int serve_on_event(ew_engine *e, const ew_event *ev, void *ctx)
{
    run *R = ctx;
    replica *rp = &R->replicas[R->replica_of[ev->target]];
    if (ev->arg != rp->gen)
        return EW_OK;   /* replaced by an earlier boundary */
    if (run_touch(R, ev->target, e->now_s))
        return EW_ENOMEM;
    int rc = finish_phase(R, rp, e->now_s);
    if (!rc)
        rc = start_next(R, rp, e->now_s);
    return rc ? rc : run_drained(R);
}

/* Energy of the phase in progress from its start to now, pro rata of its
 * planned time (a phase cut short: the run's end, a departing node). */
static double phase_energy_so_far(const replica *rp, double now)
{
    if (rp->phase == IDLE)
        return idle_power_w(rp) * (now - rp->t0_s);
    if (rp->phase == OFFLINE)
        return 0.0;
    double full = rp->phase == DECODE
                      ? ew_cost_decode_steps(rp->dp, rp->batch, rp->ctx0, rp->k).energy_j
                      : rp->phase_energy_j;
    double span = rp->t_end_s - rp->t0_s;
    return span > 0.0 ? full * (now - rp->t0_s) / span : 0.0;
}

int serve_node_offline(run *R, uint32_t i, double now, int leaving)
{
    replica *rp = &R->replicas[R->replica_of[i]];
    if (!leaving) {   /* back: idle from now */
        rp->phase = IDLE;
        rp->t0_s = now;
        return EW_OK;
    }
    if (rp->phase == OFFLINE)
        return EW_OK;
    site_acc *a = &R->sites[rp->site];
    int idle = rp->phase == IDLE;
    double e = phase_energy_so_far(rp, now);
    ew_ledger led;
    if (charge(R, rp, rp->t0_s, now, e, idle, &led))
        return EW_ENOMEM;
    if (!idle)
        a->lost_energy_j += e;   /* the step in progress produced nothing */
    rp->phase = OFFLINE;
    rp->gen++;                   /* its pending event is void */
    /* every request on it, running or waiting, is lost and sent elsewhere */
    uint32_t n = rp->n_running, ids_on_stack[64], *ids = ids_on_stack;
    for (uint32_t w = rp->wait_head; w != EW_NONE; w = R->q[w].next)
        n++;
    if (n > 64 && !(ids = malloc(n * sizeof *ids)))
        return EW_ENOMEM;
    uint32_t m = 0;
    for (uint32_t j = 0; j < rp->n_running; j++)
        ids[m++] = rp->running[j];
    for (uint32_t w = rp->wait_head; w != EW_NONE; w = R->q[w].next)
        ids[m++] = w;
    /* the step in progress is charged to the requests in it, in equal shares */
    double share = !idle && rp->n_running ? e / rp->n_running : 0.0;
    for (uint32_t j = 0; j < rp->n_running; j++) {
        R->ql[rp->running[j]].lost_j += share;
        attribute(R, rp->running[j], &led, 1.0 / rp->n_running);
    }
    if (!idle && !rp->n_running)
        ew_ledger_add(&R->led_partial, &led, 1.0);
    rp->n_running = 0;
    rp->wait_head = rp->wait_tail = EW_NONE;
    rp->kv_used = 0.0;
    ew_server *sv = &R->w.servers[i];
    int rc = EW_OK;
    for (uint32_t j = 0; j < m && rc == EW_OK; j++) {
        uint32_t id = ids[j];
        query_llm *ql = &R->ql[id];
        uint32_t old_n = sv->in_system--;
        a->in_system--;
        a->lost_exec++;
        run_count_changed(R, i, old_n);
        a->lost_energy_j += ql->energy_j;
        ql->lost_j += ql->energy_j;
        ql->energy_j = 0.0;
        ql->generated = ql->prefilled = 0;
        ql->prefilling = 0;
        R->q[id].first_token_s = NAN;
        R->q[id].next = EW_NONE;
        ql->dispatched_s = now;
        rc = run_dispatch(R, id, now, EW_NONE, NULL);
        if (rc == EW_RUN_NO_SERVER)
            rc = serve_no_server(R, id, now);
    }
    if (ids != ids_on_stack)
        free(ids);
    return rc;
}

int serve_finish(run *R, double T)
{
    for (uint32_t r = 0; r < R->n_replicas; r++) {
        replica *rp = &R->replicas[r];
        if (rp->phase == OFFLINE)
            continue;
        ew_ledger led;
        if (charge(R, rp, rp->t0_s, T, phase_energy_so_far(rp, T), rp->phase == IDLE, &led))
            return EW_ENOMEM;
        if (rp->phase != IDLE)   /* cut short: it finished nothing */
            ew_ledger_add(&R->led_partial, &led, 1.0);
    }
    return EW_OK;
}

int serve_init(run *R)
{
    const ew_scenario *s = R->s;
    uint32_t n = 0;
    for (uint32_t k = 0; k < s->n_sites; k++)
        if (s->sites[k].serving)
            n += R->site_first[k + 1] - R->site_first[k];
    if (n == 0)
        return EW_OK;
    R->replicas = calloc(n, sizeof *R->replicas);
    R->replica_of = malloc(R->w.n_servers * sizeof *R->replica_of);
    if (!R->replicas || !R->replica_of)
        return EW_ENOMEM;
    for (uint32_t i = 0; i < R->w.n_servers; i++)
        R->replica_of[i] = EW_NONE;
    for (uint32_t k = 0; k < s->n_sites; k++) {
        const ew_site_spec *sp = &s->sites[k];
        if (!sp->serving)
            continue;
        for (uint32_t i = R->site_first[k]; i < R->site_first[k + 1]; i++) {
            replica *rp = &R->replicas[R->n_replicas];
            rp->dp = &sp->serve.deployment;
            rp->sv = &sp->serve;
            rp->server = i;
            rp->site = k;
            rp->phase = IDLE;
            rp->wait_head = rp->wait_tail = EW_NONE;
            rp->image = sp->serve.deployment.model->kind == EW_MODEL_DIFFUSION;
            rp->running = malloc((rp->image ? 1 : sp->serve.max_batch) * sizeof *rp->running);
            if (!rp->running)
                return EW_ENOMEM;
            R->replica_of[i] = R->n_replicas++;
        }
    }
    return EW_OK;
}

void serve_free(run *R)
{
    for (uint32_t r = 0; r < R->n_replicas; r++)
        free(R->replicas[r].running);
    free(R->replicas);
    free(R->replica_of);
    R->replicas = NULL;
    R->replica_of = NULL;
    R->n_replicas = 0;
}
