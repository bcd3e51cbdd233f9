/* test_calendar.c — the event calendar (sim/calendar.h) and the event loop
 * (sim/engine.h), through their public functions only. The reference for
 * every ordering is the definition in calendar.h: events leave in increasing
 * time, and events at the same time in the order they were scheduled (a
 * stable sort by time), here computed by qsort on (time, insertion number)
 * or by a textbook binary heap written below. Workloads are random (GSL
 * MT19937, fixed seeds); their times sit on grids so that exact ties are
 * frequent, and spread from near to far (1e-9 to 1e9 s, negative, bimodal)
 * so that every tier of the calendar is used. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "calendar.h"
#include "engine.h"
#include "ew.h"

/* In a forked child: let a crash kill the child (cmocka's handlers, which
 * the child inherits, would carry on with the test run inside it). */
static void default_signals(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        signal(sigs[k], SIG_DFL);
}

/* ---- references ---- */

typedef struct ref_event { double t_s; uint32_t id; } ref_event;

/* (time, insertion id): a total order, so qsort gives the stable sort */
static int ref_cmp(const void *a, const void *b)
{
    const ref_event *x = a, *y = b;
    if (x->t_s != y->t_s)
        return x->t_s < y->t_s ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* A textbook binary heap on (time, insertion id), independent of the
 * calendar's code: the reference for interleaved workloads. */
typedef struct ref_heap { ref_event *a; size_t n, cap; } ref_heap;

static void ref_push(ref_heap *h, double t_s, uint32_t id)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 1024;
        h->a = realloc(h->a, h->cap * sizeof *h->a);
        assert_non_null(h->a);
    }
    ref_event e = {t_s, id};
    size_t i = h->n++;
    while (i > 0 && ref_cmp(&e, &h->a[(i - 1) / 2]) < 0) {
        h->a[i] = h->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->a[i] = e;
}

static ref_event ref_pop(ref_heap *h)
{
    ref_event top = h->a[0], last = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && ref_cmp(&h->a[c + 1], &h->a[c]) < 0)
            c++;
        if (ref_cmp(&h->a[c], &last) >= 0)
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n > 0)
        h->a[i] = last;
    return top;
}

/* ---- time distributions, each with exact ties ---- */

typedef enum tdist {
    T_GRID,        /* 0.37·k, k < 97: ~1000 events per value at 10^5 */
    T_SAME,        /* every event at 3.7 s */
    T_LOGWIDE,     /* 10^u, u uniform in [-9, 9], rounded to 3 significant digits */
    T_SIGNED,      /* -500..500 in steps of 0.25 */
    T_BIMODAL,     /* 99% in [0, 1) on a grid of 1/64, 1% at 10^6 + k */
    T_NDIST
} tdist;

static const char *const tdist_name[] = {"grid", "same", "logwide", "signed", "bimodal"};

static double draw_time(gsl_rng *r, tdist d)
{
    switch (d) {
    case T_GRID:
        return 0.37 * (double)gsl_rng_uniform_int(r, 97);
    case T_SAME:
        return 3.7;
    case T_LOGWIDE: {
        double x = pow(10.0, -9.0 + 18.0 * gsl_rng_uniform(r));
        double scale = pow(10.0, floor(log10(x)) - 2.0);
        return round(x / scale) * scale;
    }
    case T_SIGNED:
        return 0.25 * ((double)gsl_rng_uniform_int(r, 4001) - 2000.0);
    case T_BIMODAL:
        if (gsl_rng_uniform(r) < 0.99)
            return (double)gsl_rng_uniform_int(r, 64) / 64.0;
        return 1e6 + (double)gsl_rng_uniform_int(r, 10);
    case T_NDIST:
        break;
    }
    return 0.0;
}

/* 10^5 events pushed, then popped: the pop sequence must be the stable sort
 * by time of the push sequence, for every time distribution. */
static void test_pop_order_is_stable_sort(void **state)
{
    (void)state;
    enum { N = 100000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    ref_event *ref = malloc(N * sizeof *ref);
    assert_non_null(ref);
    for (int d = 0; d < T_NDIST; d++) {
        gsl_rng_set(r, 20240611u + (unsigned long)d);
        ew_calendar c;
        assert_int_equal(ew_calendar_init(&c, 16), 0);
        for (uint32_t i = 0; i < N; i++) {
            ref[i] = (ref_event){draw_time(r, (tdist)d), i};
            assert_int_equal(ew_calendar_push(&c, ref[i].t_s, i % 16, i, ~i), 0);
        }
        assert_int_equal(ew_calendar_size(&c), N);
        qsort(ref, N, sizeof *ref, ref_cmp);
        ew_event ev;
        for (uint32_t k = 0; k < N; k++) {
            const ew_event *top = ew_calendar_peek(&c);
            assert_non_null(top);
            assert_true(ew_calendar_next_time(&c) == ref[k].t_s);
            assert_int_equal(ew_calendar_pop(&c, &ev), 0);
            if (ev.t_s != ref[k].t_s || ev.target != ref[k].id)
                fail_msg("%s: pop %u: got (t=%.17g, id=%u), stable sort says (t=%.17g, id=%u)",
                         tdist_name[d], k, ev.t_s, ev.target, ref[k].t_s, ref[k].id);
            /* the payload rides with its event; the key is (insertion << 4 | kind) */
            assert_int_equal(ev.arg, ~ref[k].id);
            assert_int_equal(ew_event_kind(&ev), ref[k].id % 16);
            assert_int_equal(ev.key >> EW_EVENT_KIND_BITS, ref[k].id);
            assert_int_equal(ew_calendar_size(&c), N - k - 1);
        }
        assert_int_equal(ew_calendar_pop(&c, &ev), -1);
        assert_null(ew_calendar_peek(&c));
        assert_true(isinf(ew_calendar_next_time(&c)) && ew_calendar_next_time(&c) > 0);
        ew_calendar_free(&c);
    }
    free(ref);
    gsl_rng_free(r);
}

/* ---- interleaved workloads against the reference heap ---- */

typedef enum hold {
    H_EXP,         /* new time = now + Exp(mean 1): the classic hold model */
    H_GRID,        /* now + 0.5·k, k < 7 (0 included: ties with now) */
    H_SPREAD,      /* now + 10^-3 (90%) or now + 10^3 (10%): near and far at once */
    H_ANY,         /* uniform on [now - 50, now + 50] rounded to 1/8: also into the past */
    H_NHOLD
} hold;

static const char *const hold_name[] = {"exp", "grid", "spread", "any"};

static double hold_time(gsl_rng *r, hold h, double now)
{
    switch (h) {
    case H_EXP:
        return now - log1p(-gsl_rng_uniform(r));
    case H_GRID:
        return now + 0.5 * (double)gsl_rng_uniform_int(r, 7);
    case H_SPREAD:
        return now + (gsl_rng_uniform(r) < 0.9 ? 1e-3 : 1e3);
    case H_ANY:
        return now + 0.125 * ((double)gsl_rng_uniform_int(r, 801) - 400.0);
    case H_NHOLD:
        break;
    }
    return now;
}

/* 3·10^5 operations per workload, starting from a heap capacity of 3:
 * the population rises to ~6·10^4 (push probability 0.7), holds (0.5) and
 * drains (0.3), so the calendar grows, reorganises and empties while events
 * are pending. Every pop must return the reference's earliest event. */
static void test_interleaved_against_reference(void **state)
{
    (void)state;
    enum { OPS = 300000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int h = 0; h < H_NHOLD; h++) {
        gsl_rng_set(r, 977u + (unsigned long)h);
        ref_heap q = {0};
        ew_calendar c;
        assert_int_equal(ew_calendar_init(&c, 3), 0);
        uint32_t next_id = 0;
        size_t max_n = 0;
        double now = 0.0;
        for (int op = 0; op < OPS; op++) {
            double p_push = op < OPS / 3 ? 0.7 : op < 2 * OPS / 3 ? 0.5 : 0.3;
            if (q.n == 0 || gsl_rng_uniform(r) < p_push) {
                double t = hold_time(r, (hold)h, now);
                ref_push(&q, t, next_id);
                assert_int_equal(ew_calendar_push(&c, t, next_id % 7, next_id, 0), 0);
                next_id++;
            } else {
                ref_event want = ref_pop(&q);
                ew_event got;
                assert_int_equal(ew_calendar_pop(&c, &got), 0);
                if (got.t_s != want.t_s || got.target != want.id)
                    fail_msg("%s: op %d: popped (t=%.17g, id=%u), expected (t=%.17g, id=%u)",
                             hold_name[h], op, got.t_s, got.target, want.t_s, want.id);
                now = got.t_s;
            }
            if (ew_calendar_size(&c) != q.n)
                fail_msg("%s: op %d: size %zu, reference %zu", hold_name[h], op,
                         ew_calendar_size(&c), q.n);
            if (q.n > max_n)
                max_n = q.n;
        }
        assert_true(max_n > 20000);
        while (q.n) {
            ref_event want = ref_pop(&q);
            ew_event got;
            assert_int_equal(ew_calendar_pop(&c, &got), 0);
            if (got.t_s != want.t_s || got.target != want.id)
                fail_msg("%s: drain: popped (t=%.17g, id=%u), expected (t=%.17g, id=%u)",
                         hold_name[h], got.t_s, got.target, want.t_s, want.id);
        }
        assert_int_equal(ew_calendar_size(&c), 0);
        ew_calendar_free(&c);
        free(q.a);
    }
    ew_calendar_free(NULL);   /* x_free(NULL) is a no-op */
    gsl_rng_free(r);
}

/* Growth alone: a calendar initialised for 1 event takes 5000 in decreasing
 * time (each new one the earliest), keeps all of them and gives them back
 * in order. */
static void test_growth_from_one(void **state)
{
    (void)state;
    ew_calendar c;
    assert_int_equal(ew_calendar_init(&c, 1), 0);
    for (uint32_t i = 0; i < 5000; i++) {
        assert_int_equal(ew_calendar_push(&c, 5000.5 - (double)i, 0, i, 0), 0);
        assert_int_equal(ew_calendar_peek(&c)->target, i);
    }
    assert_int_equal(ew_calendar_size(&c), 5000);
    ew_event ev;
    for (uint32_t k = 0; k < 5000; k++) {
        assert_int_equal(ew_calendar_pop(&c, &ev), 0);
        assert_int_equal(ev.target, 4999 - k);
        assert_true(ev.t_s == 1.5 + (double)k);
    }
    ew_calendar_free(&c);
}

/* replace_top(t) must leave the calendar exactly as pop then push(t) does:
 * same events, same sequence numbers, so the same order afterwards. Two
 * calendars run the same random workload, one with replace_top, one with
 * pop + push; every event removed from each must be identical, for near
 * (in the current heap) and far (bucketed) new times alike. */
static void test_replace_top_is_pop_then_push(void **state)
{
    (void)state;
    enum { OPS = 300000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int h = 0; h < H_NHOLD; h++) {
        gsl_rng_set(r, 4242u + (unsigned long)h);
        ew_calendar a, b;
        assert_int_equal(ew_calendar_init(&a, 8), 0);
        assert_int_equal(ew_calendar_init(&b, 8), 0);
        uint32_t id = 0;
        double now = 0.0;
        int n_replace = 0;
        for (int op = 0; op < OPS; op++) {
            double u = gsl_rng_uniform(r);
            double t = hold_time(r, (hold)h, now);
            double p_push = op < OPS / 3 ? 0.5 : op < 2 * OPS / 3 ? 0.34 : 0.2;
            if (ew_calendar_size(&a) == 0 || u < p_push) {
                assert_int_equal(ew_calendar_push(&a, t, id % 16, id, id * 3u), 0);
                assert_int_equal(ew_calendar_push(&b, t, id % 16, id, id * 3u), 0);
                id++;
            } else if (u < p_push + 0.33) {
                ew_event ea = *ew_calendar_peek(&a), eb;   /* what replace_top removes */
                assert_int_equal(ew_calendar_replace_top(&a, t, id % 16, id, id * 3u), 0);
                assert_int_equal(ew_calendar_pop(&b, &eb), 0);
                assert_int_equal(ew_calendar_push(&b, t, id % 16, id, id * 3u), 0);
                id++;
                n_replace++;
                if (memcmp(&ea, &eb, sizeof ea) != 0)
                    fail_msg("%s: op %d: replace_top removed (t=%.17g, key=%llu), pop gave "
                             "(t=%.17g, key=%llu)", hold_name[h], op, ea.t_s,
                             (unsigned long long)ea.key, eb.t_s, (unsigned long long)eb.key);
                now = ea.t_s;
            } else {
                ew_event ea, eb;
                assert_int_equal(ew_calendar_pop(&a, &ea), 0);
                assert_int_equal(ew_calendar_pop(&b, &eb), 0);
                if (memcmp(&ea, &eb, sizeof ea) != 0)
                    fail_msg("%s: op %d: replace_top calendar popped (t=%.17g, key=%llu), "
                             "pop+push calendar (t=%.17g, key=%llu)", hold_name[h], op, ea.t_s,
                             (unsigned long long)ea.key, eb.t_s, (unsigned long long)eb.key);
                now = ea.t_s;
            }
            assert_int_equal(ew_calendar_size(&a), ew_calendar_size(&b));
        }
        assert_true(n_replace > OPS / 4);
        ew_event ea, eb;
        while (ew_calendar_pop(&a, &ea) == 0) {
            assert_int_equal(ew_calendar_pop(&b, &eb), 0);
            assert_memory_equal(&ea, &eb, sizeof ea);
        }
        assert_int_equal(ew_calendar_size(&b), 0);
        ew_calendar_free(&a);
        ew_calendar_free(&b);
    }
    gsl_rng_free(r);
}

/* replace_top onto a calendar holding one event, and with the new event
 * later than all others (it must sink to the end, not stay first). */
static void test_replace_top_edges(void **state)
{
    (void)state;
    ew_calendar c;
    assert_int_equal(ew_calendar_init(&c, 4), 0);
    assert_int_equal(ew_calendar_push(&c, 1.5, 0, 1, 0), 0);
    assert_non_null(ew_calendar_peek(&c));
    assert_int_equal(ew_calendar_replace_top(&c, 0.25, 0, 2, 0), 0);
    assert_int_equal(ew_calendar_size(&c), 1);
    assert_int_equal(ew_calendar_peek(&c)->target, 2);
    assert_true(ew_calendar_next_time(&c) == 0.25);
    for (uint32_t i = 3; i < 10; i++)
        assert_int_equal(ew_calendar_push(&c, 0.25 * (double)i, 0, i, 0), 0);
    assert_int_equal(ew_calendar_peek(&c)->target, 2);
    assert_int_equal(ew_calendar_replace_top(&c, 9.75, 0, 99, 0), 0);   /* removes 2 */
    ew_event ev;
    for (uint32_t i = 3; i < 10; i++) {
        assert_int_equal(ew_calendar_pop(&c, &ev), 0);
        assert_int_equal(ev.target, i);
    }
    assert_int_equal(ew_calendar_pop(&c, &ev), 0);
    assert_int_equal(ev.target, 99);
    assert_int_equal(ew_calendar_size(&c), 0);
    ew_calendar_free(&c);
}

/* An event at +infinity ("never", which engine.h's t_s >= now allows) is
 * the last to leave, after many finite ones (enough to make the calendar
 * spread its events out), and the calendar must not spin on it. Run in a
 * child process with a 3 s alarm, so that a hang is reported as a failure
 * and the other tests still run. Child exit codes: 0 ok; 10 + step where
 * a check failed. */
static int infinite_time_child(void)
{
    ew_calendar c;
    if (ew_calendar_init(&c, 0))
        return 10;
    if (ew_calendar_push(&c, INFINITY, 0, 999999, 0))
        return 11;
    for (uint32_t i = 0; i < 3000; i++)
        if (ew_calendar_push(&c, 0.75 * (double)(i % 1500), 0, i, 0))
            return 12;
    ew_event ev;
    for (uint32_t k = 0; k < 3000; k++) {
        /* value 0.75·j is held by ids j and j + 1500, in that order */
        if (ew_calendar_pop(&c, &ev) || ev.target != k / 2 + (k % 2) * 1500)
            return 13;
    }
    if (!isinf(ew_calendar_next_time(&c)))
        return 14;
    if (ew_calendar_pop(&c, &ev) || ev.target != 999999 || ew_calendar_size(&c) != 0)
        return 15;
    ew_calendar_free(&c);
    return 0;
}

static void test_infinite_time(void **state)
{
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        default_signals();
        alarm(3);
        _exit(infinite_time_child());
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        fail_msg("an event at +infinity: the calendar %s (signal %d)",
                 WTERMSIG(status) == SIGALRM ? "hung: no answer within 3 s" : "crashed",
                 WTERMSIG(status));
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0)
        fail_msg("an event at +infinity: check %d failed", WEXITSTATUS(status));
}

/* ---- engine ---- */

typedef struct trace {
    ew_event ev[4096];
    double now[4096];
    int n;
    int stop_at;          /* return EW_ENGINE_STOP on this handled event (1-based), 0: never */
    int fail_at;          /* return EW_EIO on this one */
} trace;

static int record(ew_engine *e, const ew_event *ev, void *ctx)
{
    trace *tr = ctx;
    tr->ev[tr->n] = *ev;
    tr->now[tr->n] = e->now_s;
    tr->n++;
    if (tr->n == tr->stop_at)
        return EW_ENGINE_STOP;
    if (tr->n == tr->fail_at)
        return EW_EIO;
    return 0;
}

static void engine_setup(ew_engine *e, trace *tr)
{
    memset(tr, 0, sizeof *tr);
    assert_int_equal(ew_engine_init(e, tr), 0);
    for (uint32_t k = 0; k < EW_ENGINE_KINDS; k++)
        e->handlers[k] = record;
}

/* Events at 0.7, 1.9, 2.6 (twice), 4.1 with horizon 2.6: [0, 2.6) is run,
 * so only 0.7 and 1.9; both 2.6 events and 4.1 stay; the clock reads 2.6. */
static void test_engine_half_open_horizon(void **state)
{
    (void)state;
    ew_engine e;
    trace *tr = malloc(sizeof *tr);
    assert_non_null(tr);
    engine_setup(&e, tr);
    assert_int_equal(ew_engine_schedule(&e, 2.6, 1, 30, 0), 0);
    assert_int_equal(ew_engine_schedule(&e, 0.7, 2, 10, 0), 0);
    assert_int_equal(ew_engine_schedule(&e, 4.1, 3, 40, 0), 0);
    assert_int_equal(ew_engine_schedule(&e, 1.9, 4, 20, 0), 0);
    assert_int_equal(ew_engine_schedule(&e, 2.6, 5, 31, 0), 0);
    assert_int_equal(ew_engine_run(&e, 2.6), 0);
    assert_int_equal(tr->n, 2);
    assert_int_equal(tr->ev[0].target, 10);
    assert_int_equal(ew_event_kind(&tr->ev[0]), 2);
    assert_true(tr->now[0] == 0.7);
    assert_int_equal(tr->ev[1].target, 20);
    assert_true(tr->now[1] == 1.9);
    assert_true(e.now_s == 2.6);
    assert_int_equal(e.events, 2);
    assert_int_equal(ew_calendar_size(&e.cal), 3);
    assert_true(ew_calendar_next_time(&e.cal) == 2.6);

    /* running to the same horizon again handles nothing */
    assert_int_equal(ew_engine_run(&e, 2.6), 0);
    assert_int_equal(tr->n, 2);
    /* to infinity: the rest, ties in scheduling order; the clock stays at the last event */
    assert_int_equal(ew_engine_run(&e, INFINITY), 0);
    assert_int_equal(tr->n, 5);
    assert_int_equal(tr->ev[2].target, 30);
    assert_int_equal(tr->ev[3].target, 31);
    assert_int_equal(tr->ev[4].target, 40);
    assert_true(e.now_s == 4.1);
    assert_int_equal(ew_calendar_size(&e.cal), 0);

    /* an empty calendar still advances the clock to a finite horizon */
    assert_int_equal(ew_engine_run(&e, 7.25), 0);
    assert_true(e.now_s == 7.25);
    ew_engine_free(&e);
    free(tr);
}

/* A handler returning EW_ENGINE_STOP ends the run at its event's time; that
 * event is consumed, later ones stay and a second run resumes with them. A
 * negative status is returned as it is. */
static void test_engine_stop_and_error(void **state)
{
    (void)state;
    ew_engine e;
    trace *tr = malloc(sizeof *tr);
    assert_non_null(tr);
    engine_setup(&e, tr);
    for (uint32_t i = 0; i < 6; i++)
        assert_int_equal(ew_engine_schedule(&e, 1.25 * (double)(i + 1), 0, i, 0), 0);
    tr->stop_at = 3;                  /* the event at 3.75 */
    assert_int_equal(ew_engine_run(&e, 100.0), EW_ENGINE_STOP);
    assert_int_equal(tr->n, 3);
    assert_true(e.now_s == 3.75);
    assert_int_equal(ew_calendar_size(&e.cal), 3);
    assert_true(ew_calendar_next_time(&e.cal) == 5.0);

    tr->fail_at = 4;                  /* the event at 5.0 */
    assert_int_equal(ew_engine_run(&e, 100.0), EW_EIO);
    assert_int_equal(tr->n, 4);
    assert_int_equal(tr->ev[3].target, 3);
    assert_true(e.now_s == 5.0);
    assert_int_equal(ew_calendar_size(&e.cal), 2);

    assert_int_equal(ew_engine_run(&e, 100.0), 0);
    assert_int_equal(tr->n, 6);
    assert_int_equal(tr->ev[5].target, 5);
    assert_true(e.now_s == 100.0);
    ew_engine_free(&e);
    free(tr);
}

/* FIFO on ties: at t = 2.5 three events are pending (A, B, C). A schedules
 * A1 at now and A2 at now; B schedules B1 at now. The order must be
 * A, B, C, A1, A2, B1: new events at the current time run after those
 * already pending at it, and among themselves in scheduling order. */
enum { T_A = 1, T_B, T_C, T_A1, T_A2, T_B1, T_LATE };

static int fifo_handler(ew_engine *e, const ew_event *ev, void *ctx)
{
    trace *tr = ctx;
    tr->ev[tr->n] = *ev;
    tr->now[tr->n] = e->now_s;
    tr->n++;
    if (ev->target == T_A) {
        ew_engine_schedule(e, e->now_s, 0, T_A1, 0);
        ew_engine_schedule(e, e->now_s, 0, T_A2, 0);
    } else if (ev->target == T_B) {
        ew_engine_schedule(e, e->now_s, 0, T_B1, 0);
    }
    return 0;
}

static void test_engine_fifo_on_ties(void **state)
{
    (void)state;
    ew_engine e;
    trace *tr = malloc(sizeof *tr);
    assert_non_null(tr);
    engine_setup(&e, tr);
    e.handlers[0] = fifo_handler;
    assert_int_equal(ew_engine_schedule(&e, 2.5, 0, T_A, 0), 0);
    assert_int_equal(ew_engine_schedule(&e, 3.0, 0, T_LATE, 0), 0);
    assert_int_equal(ew_engine_schedule(&e, 2.5, 0, T_B, 0), 0);
    assert_int_equal(ew_engine_schedule(&e, 2.5, 0, T_C, 0), 0);
    assert_int_equal(ew_engine_run(&e, INFINITY), 0);
    static const uint32_t want[] = {T_A, T_B, T_C, T_A1, T_A2, T_B1, T_LATE};
    assert_int_equal(tr->n, 7);
    for (int k = 0; k < 7; k++)
        if (tr->ev[k].target != want[k])
            fail_msg("handled event %d is %u, expected %u", k, tr->ev[k].target, want[k]);
    for (int k = 0; k < 6; k++)
        assert_true(tr->now[k] == 2.5);
    ew_engine_free(&e);
    free(tr);
}

/* ---- engine against a plain heap ----
 * Each handled event schedules 0, 1 or 2 children at now + d: d on a grid
 * that includes 0 (ties with the current time and with pending events), and
 * 1 time in 20 about 100 s later (far events). Which and when depend only on
 * the event's own id (a hash), so the engine and a reference loop (pop,
 * handle, push on the textbook heap above) make the same decisions exactly
 * as long as they handle the same events in the same order. The handled
 * sequences (time, key, target, arg) must be identical: the engine's
 * deferred pop (replace_top for the first event a handler schedules) may not
 * change the order. */

static uint64_t mix(uint64_t x)   /* SplitMix64 finaliser */
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

typedef struct child_plan { int n; double d[2]; } child_plan;

static child_plan plan_for(uint32_t id)
{
    uint64_t h = mix(id);
    child_plan p;
    /* 0, 1, 2 children with probabilities 0.3, 0.4, 0.3: one child per
     * event on average, so the population stays near its start */
    unsigned u = (unsigned)(h % 10);
    p.n = u < 3 ? 0 : u < 7 ? 1 : 2;
    for (int k = 0; k < 2; k++) {
        uint64_t b = h >> (8 + 16 * k);
        p.d[k] = 0.5 * (double)(b % 7) + ((b >> 4) % 20 == 0 ? 100.0 : 0.0);
    }
    return p;
}

/* the event the scheduling of id makes (kind, target, arg from the id) */
static ew_event event_of(double t_s, uint32_t id)
{
    return (ew_event){t_s, (uint64_t)id << EW_EVENT_KIND_BITS | id % 5, id % 1000, id};
}

typedef struct tree_ctx {
    ew_event *seen;
    size_t n, cap;
    uint32_t next_id;
} tree_ctx;

static void tree_record(tree_ctx *t, const ew_event *ev)
{
    if (t->n < t->cap)
        t->seen[t->n] = *ev;
    t->n++;
}

static int tree_handler(ew_engine *e, const ew_event *ev, void *ctx)
{
    tree_ctx *t = ctx;
    tree_record(t, ev);
    child_plan p = plan_for(ev->arg);
    for (int k = 0; k < p.n; k++) {
        uint32_t id = t->next_id++;
        if (ew_engine_schedule(e, e->now_s + p.d[k], id % 5, id % 1000, id))
            return EW_ENOMEM;
    }
    return 0;
}

static void test_engine_matches_plain_heap(void **state)
{
    (void)state;
    enum { START = 2000, CAP = 600000 };
    const double until = 600.0;

    tree_ctx te = {malloc(CAP * sizeof(ew_event)), 0, CAP, 0};
    tree_ctx tp = {malloc(CAP * sizeof(ew_event)), 0, CAP, 0};
    assert_non_null(te.seen);
    assert_non_null(tp.seen);

    ew_engine e;
    assert_int_equal(ew_engine_init(&e, &te), 0);
    for (uint32_t k = 0; k < EW_ENGINE_KINDS; k++)
        e.handlers[k] = tree_handler;
    ref_heap q = {0};
    for (uint32_t i = 0; i < START; i++) {
        double t = 0.25 * (double)(mix(i + 1000000u) % 40);
        uint32_t id = te.next_id++;
        tp.next_id++;
        assert_int_equal(ew_engine_schedule(&e, t, id % 5, id % 1000, id), 0);
        ref_push(&q, t, id);
    }
    assert_int_equal(ew_engine_run(&e, until), 0);

    /* the reference loop: pop, handle, push (the sequence number is the id) */
    while (q.n > 0 && q.a[0].t_s < until) {
        ref_event r = ref_pop(&q);
        ew_event ev = event_of(r.t_s, r.id);
        tree_record(&tp, &ev);
        child_plan p = plan_for(r.id);
        for (int k = 0; k < p.n; k++)
            ref_push(&q, r.t_s + p.d[k], tp.next_id++);
    }

    assert_true(te.n <= CAP && tp.n <= CAP);
    assert_true(tp.n > 100000);   /* a workload worth the name */
    size_t n = te.n < tp.n ? te.n : tp.n;
    for (size_t k = 0; k < n; k++)
        if (memcmp(&te.seen[k], &tp.seen[k], sizeof(ew_event)) != 0)
            fail_msg("event %zu: engine handled (t=%.17g, key=%llu, arg=%u), plain heap "
                     "(t=%.17g, key=%llu, arg=%u)", k, te.seen[k].t_s,
                     (unsigned long long)te.seen[k].key, te.seen[k].arg, tp.seen[k].t_s,
                     (unsigned long long)tp.seen[k].key, tp.seen[k].arg);
    assert_int_equal(te.n, tp.n);
    assert_int_equal(e.events, tp.n);
    assert_true(e.now_s == until);
    /* what is left pending is the same too */
    assert_int_equal(ew_calendar_size(&e.cal), q.n);
    while (q.n > 0) {
        ref_event r = ref_pop(&q);
        ew_event a, b = event_of(r.t_s, r.id);
        assert_int_equal(ew_calendar_pop(&e.cal, &a), 0);
        assert_memory_equal(&a, &b, sizeof a);
    }
    ew_engine_free(&e);
    free(q.a);
    free(te.seen);
    free(tp.seen);
}

/* A handler that schedules and then stops: the scheduled event (which took
 * the stopping event's place at the root) must stay, and the stopping event
 * must not be handled twice. */
static int schedule_then_stop(ew_engine *e, const ew_event *ev, void *ctx)
{
    trace *tr = ctx;
    tr->ev[tr->n++] = *ev;
    if (ev->target == 1) {
        ew_engine_schedule(e, e->now_s + 0.5, 0, 2, 0);
        return EW_ENGINE_STOP;
    }
    return 0;
}

static void test_engine_schedule_then_stop(void **state)
{
    (void)state;
    ew_engine e;
    trace *tr = malloc(sizeof *tr);
    assert_non_null(tr);
    engine_setup(&e, tr);
    e.handlers[0] = schedule_then_stop;
    assert_int_equal(ew_engine_schedule(&e, 1.5, 0, 1, 0), 0);
    assert_int_equal(ew_engine_schedule(&e, 3.0, 0, 3, 0), 0);
    assert_int_equal(ew_engine_run(&e, 10.0), EW_ENGINE_STOP);
    assert_int_equal(tr->n, 1);
    assert_int_equal(ew_calendar_size(&e.cal), 2);
    assert_true(e.now_s == 1.5);
    assert_int_equal(ew_engine_run(&e, 10.0), 0);
    assert_int_equal(tr->n, 3);
    assert_int_equal(tr->ev[1].target, 2);
    assert_true(tr->ev[1].t_s == 2.0);
    assert_int_equal(tr->ev[2].target, 3);
    ew_engine_free(&e);
    free(tr);
}

/* progress is called once every 2^20 handled events: 2^21 + 5 events give 2 calls. */
static int count_only(ew_engine *e, const ew_event *ev, void *ctx)
{
    (void)ev;
    (void)ctx;
    uint64_t *left = e->ctx;
    if (*left > 0) {
        (*left)--;
        return ew_engine_schedule(e, e->now_s + 1e-3, 0, 0, 0);
    }
    return 0;
}

static int progress_calls;
static void on_progress(const ew_engine *e, void *ctx)
{
    (void)ctx;
    assert_true((e->events & ((1u << 20) - 1)) == 0);
    progress_calls++;
}

static void test_engine_progress(void **state)
{
    (void)state;
    uint64_t left = (1u << 21) + 4;   /* events after the first */
    ew_engine e;
    assert_int_equal(ew_engine_init(&e, &left), 0);
    e.handlers[0] = count_only;
    e.progress = on_progress;
    progress_calls = 0;
    assert_int_equal(ew_engine_schedule(&e, 0.0, 0, 0, 0), 0);
    assert_int_equal(ew_engine_run(&e, INFINITY), 0);
    assert_int_equal(e.events, (1u << 21) + 5);
    assert_int_equal(progress_calls, 2);
    ew_engine_free(&e);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pop_order_is_stable_sort),
        cmocka_unit_test(test_interleaved_against_reference),
        cmocka_unit_test(test_growth_from_one),
        cmocka_unit_test(test_replace_top_is_pop_then_push),
        cmocka_unit_test(test_replace_top_edges),
        cmocka_unit_test(test_infinite_time),
        cmocka_unit_test(test_engine_half_open_horizon),
        cmocka_unit_test(test_engine_stop_and_error),
        cmocka_unit_test(test_engine_fifo_on_ties),
        cmocka_unit_test(test_engine_matches_plain_heap),
        cmocka_unit_test(test_engine_schedule_then_stop),
        cmocka_unit_test(test_engine_progress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
