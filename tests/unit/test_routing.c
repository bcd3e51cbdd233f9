/* test_routing.c — the routing policies (models/routing/): the table, the
 * frequencies of the random policies by Pearson's χ² test at the 1% level
 * (statistic Σ (O − E)²/E on k − 1 degrees of freedom, p-value from GSL's
 * gsl_cdf_chisq_Q), and join-the-shortest-queue against a brute-force scan
 * of the same rule (fewest in system; among equals, the one that reached
 * that count first). Worlds are built as run.c builds them, from scenarios
 * loaded by ew_scenario_load_string, so weights come from the loader's
 * defaults; random streams from sim/rng.h with fixed seeds. */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "ew.h"
#include "rng.h"
#include "scenario.h"
#include "world.h"
#include "../../models/routing/routing.h"

/* In a forked child: let a crash kill the child (cmocka's handlers, which
 * the child inherits, would carry on with the test run inside it). */
static void default_signals(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        signal(sigs[k], SIG_DFL);
}

/* The list 0, 1, ..., n-1: routing among all servers. */
static const uint32_t *all_ids(uint32_t n)
{
    static uint32_t ids[4096];
    assert_true(n <= 4096);
    for (uint32_t j = 0; j < n; j++)
        ids[j] = j;
    return ids;
}

/* ---- worlds ---- */

typedef struct test_world {
    ew_scenario *s;
    ew_world w;
    uint32_t *site_first;
} test_world;

static void world_build(test_world *tw, const char *text)
{
    ew_error err = {0};
    memset(tw, 0, sizeof *tw);
    if (ew_scenario_load_string("routing.yaml", text, NULL, 0, &tw->s, &err))
        fail_msg("scenario refused: %s", err.msg);
    const ew_scenario *s = tw->s;
    uint32_t n = 0;
    for (uint32_t k = 0; k < s->n_sites; k++)
        n += s->sites[k].servers;
    tw->site_first = malloc((s->n_sites + 1) * sizeof *tw->site_first);
    tw->w.servers = calloc(n, sizeof *tw->w.servers);
    assert_non_null(tw->site_first);
    assert_non_null(tw->w.servers);
    tw->w.scenario = s;
    tw->w.n_servers = n;
    tw->w.site_first = tw->site_first;
    uint32_t i = 0;
    for (uint32_t k = 0; k < s->n_sites; k++) {
        tw->site_first[k] = i;
        for (uint32_t j = 0; j < s->sites[k].servers; j++, i++) {
            tw->w.servers[i].site = k;
            tw->w.servers[i].state = EW_SERVER_ON;
            tw->w.servers[i].queue_head = tw->w.servers[i].queue_tail = EW_NONE;
        }
    }
    tw->site_first[s->n_sites] = n;
}

static void world_free(test_world *tw)
{
    free(tw->w.servers);
    free(tw->site_first);
    ew_scenario_free(tw->s);
}

/* Pearson's χ² p-value of observed counts against probabilities p. */
static double chi2_p(const uint64_t *obs, const double *p, size_t k, uint64_t n, double *stat)
{
    double x = 0.0;
    for (size_t i = 0; i < k; i++) {
        double e = p[i] * (double)n;
        x += ((double)obs[i] - e) * ((double)obs[i] - e) / e;
    }
    *stat = x;
    return gsl_cdf_chisq_Q(x, (double)(k - 1));
}

/* ---- the table ---- */

static void test_table(void **state)
{
    (void)state;
    static const char *const names[] = {"uniform", "weighted", "shortest_queue"};
    int n = 0;
    while (ew_routing_at(n))
        n++;
    assert_int_equal(n, 3);
    assert_null(ew_routing_at(-1));
    for (int i = 0; i < 3; i++) {
        const ew_routing_policy *p = ew_routing_find(names[i]);
        assert_non_null(p);
        assert_string_equal(p->name, names[i]);
        assert_non_null(p->pick);
        assert_non_null(p->summary);
    }
    assert_ptr_equal(ew_routing_find("uniform"), &ew_routing_uniform);
    assert_ptr_equal(ew_routing_find("weighted"), &ew_routing_weighted);
    assert_ptr_equal(ew_routing_find("shortest_queue"), &ew_routing_shortest_queue);
    assert_null(ew_routing_find("nearest"));
    assert_null(ew_routing_find(""));
    assert_null(ew_routing_find("Uniform"));
}

/* ---- uniform ---- */

/* Five servers in two sites of different speeds: uniform ignores speed, so
 * each gets 1/5 of 10^6 picks. χ² on 4 degrees of freedom; p > 0.01. */
static const char uniform_text[] =
    "name: u\nrun: {duration: 1h}\n"
    "workload: {arrivals: {rate: 1/s}, service: {distribution: exponential, mean: 1s}}\n"
    "routing: {policy: uniform}\n"
    "sites:\n"
    "  - {name: a, servers: 2, speed: 3.5, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: b, servers: 3, speed: 0.4, power: {idle: 1W, busy: 2W}}\n";

static void test_uniform_chi2(void **state)
{
    (void)state;
    enum { N = 1000000 };
    test_world tw;
    world_build(&tw, uniform_text);
    const ew_routing_policy *p = ew_routing_find(tw.s->routing);
    assert_ptr_equal(p, &ew_routing_uniform);
    void *st = NULL;
    assert_non_null(p->init);
    assert_int_equal(p->init(&st, &tw.w, all_ids(tw.w.n_servers), tw.w.n_servers), 0);
    gsl_rng *r = ew_rng_alloc(20250101, 0, EW_STREAM_ROUTING);
    uint64_t obs[5] = {0};
    for (int k = 0; k < N; k++) {
        uint32_t i = p->pick(st, &tw.w, r);
        if (i >= 5)
            fail_msg("pick %d returned server %u of 5", k, i);
        obs[i]++;
    }
    const double prob[5] = {0.2, 0.2, 0.2, 0.2, 0.2};
    double x;
    double pv = chi2_p(obs, prob, 5, N, &x);
    if (!(pv > 0.01))
        fail_msg("uniform: χ² = %.2f on 4 df, p = %.3g (counts %llu %llu %llu %llu %llu)", x, pv,
                 (unsigned long long)obs[0], (unsigned long long)obs[1],
                 (unsigned long long)obs[2], (unsigned long long)obs[3],
                 (unsigned long long)obs[4]);
    p->free(st);
    gsl_rng_free(r);
    world_free(&tw);
}

/* ---- weighted ---- */

/* Three sites: a (2 servers, speed 1.5: weight 1.5 × 1 slot = 1.5 each),
 * b (3 servers, 2 slots, speed 0.7: weight 1.4 each), c (1 server, speed 2,
 * explicit weight 4.2). Total weight 2·1.5 + 3·1.4 + 4.2 = 11.4, so a server
 * of a is picked with probability 1.5/11.4 = 0.13158, of b 1.4/11.4 =
 * 0.12281, of c 4.2/11.4 = 0.36842; by site 3/11.4, 4.2/11.4, 4.2/11.4.
 * χ² on 5 (servers) and 2 (sites) degrees of freedom; p > 0.01. As a check
 * that the test can tell, the same counts against equal probabilities must
 * give p < 10^-6. */
static const char weighted_text[] =
    "name: w\nrun: {duration: 1h}\n"
    "workload: {arrivals: {rate: 1/s}, service: {distribution: exponential, mean: 1s}}\n"
    "sites:\n"
    "  - {name: a, servers: 2, speed: 1.5, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: b, servers: 3, slots: 2, speed: 0.7, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: c, servers: 1, speed: 2, weight: 4.2, power: {idle: 1W, busy: 2W}}\n";

static void test_weighted_chi2(void **state)
{
    (void)state;
    enum { N = 1000000 };
    test_world tw;
    world_build(&tw, weighted_text);
    /* the loader's weights, by hand: speed × slots unless given */
    assert_true(fabs(tw.s->sites[0].weight - 1.5) <= 1e-12);
    assert_true(fabs(tw.s->sites[1].weight - 1.4) <= 1e-12);
    assert_true(fabs(tw.s->sites[2].weight - 4.2) <= 1e-12);
    const ew_routing_policy *p = ew_routing_find(tw.s->routing);   /* the default */
    assert_ptr_equal(p, &ew_routing_weighted);
    void *st = NULL;
    assert_non_null(p->init);
    assert_int_equal(p->init(&st, &tw.w, all_ids(tw.w.n_servers), tw.w.n_servers), 0);
    gsl_rng *r = ew_rng_alloc(4711, 3, EW_STREAM_ROUTING);
    uint64_t obs[6] = {0}, by_site[3] = {0};
    for (int k = 0; k < N; k++) {
        uint32_t i = p->pick(st, &tw.w, r);
        if (i >= 6)
            fail_msg("pick %d returned server %u of 6", k, i);
        obs[i]++;
        by_site[tw.w.servers[i].site]++;
    }
    const double total = 11.4;
    const double prob[6] = {1.5 / total, 1.5 / total, 1.4 / total,
                            1.4 / total, 1.4 / total, 4.2 / total};
    const double site_prob[3] = {3.0 / total, 4.2 / total, 4.2 / total};
    double x;
    double pv = chi2_p(obs, prob, 6, N, &x);
    if (!(pv > 0.01))
        fail_msg("weighted by server: χ² = %.2f on 5 df, p = %.3g (counts %llu %llu %llu %llu "
                 "%llu %llu; expected %.0f %.0f %.0f ...)", x, pv, (unsigned long long)obs[0],
                 (unsigned long long)obs[1], (unsigned long long)obs[2],
                 (unsigned long long)obs[3], (unsigned long long)obs[4],
                 (unsigned long long)obs[5], prob[0] * N, prob[2] * N, prob[5] * N);
    pv = chi2_p(by_site, site_prob, 3, N, &x);
    if (!(pv > 0.01))
        fail_msg("weighted by site: χ² = %.2f on 2 df, p = %.3g", x, pv);
    const double equal[6] = {1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0};
    pv = chi2_p(obs, equal, 6, N, &x);
    assert_true(pv < 1e-6);
    p->free(st);
    p->free(NULL);   /* must accept NULL */
    gsl_rng_free(r);
    world_free(&tw);
}

/* ---- shortest queue ---- */

/* The brute-force model of the rule: the server with the fewest in system;
 * among equals, the one whose count changed to that value earliest
 * (reached[i] is the step of server i's last change; before any change,
 * servers reached their starting counts in index order). */
static uint32_t brute_pick(const ew_world *w, const int64_t *reached, uint32_t *min_count)
{
    uint32_t best = 0;
    for (uint32_t i = 1; i < w->n_servers; i++) {
        uint32_t a = w->servers[i].in_system, b = w->servers[best].in_system;
        if (a < b || (a == b && reached[i] < reached[best]))
            best = i;
    }
    uint32_t m = UINT32_MAX;
    for (uint32_t i = 0; i < w->n_servers; i++)
        if (w->servers[i].in_system < m)
            m = w->servers[i].in_system;
    *min_count = m;
    return best;
}

static const char jsq_text[] =
    "name: j\nrun: {duration: 1h}\n"
    "workload: {arrivals: {rate: 1/s}, service: {distribution: exponential, mean: 1s}}\n"
    "routing: {policy: shortest_queue}\n"
    "sites:\n"
    "  - {name: a, servers: 20, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: b, servers: 30, slots: 4, speed: 2.5, power: {idle: 1W, busy: 2W}}\n";

static void change(const ew_routing_policy *p, void *st, ew_world *w, int64_t *reached,
                   uint32_t i, int delta, int64_t step)
{
    uint32_t old = w->servers[i].in_system;
    w->servers[i].in_system = (uint32_t)((int64_t)old + delta);
    reached[i] = step;
    assert_int_equal(p->on_count(st, w, i, old), 0);
}

/* Four phases on 50 servers, after every change a pick compared with the
 * brute-force model:
 *   1. 60000 random ±1 changes (p = 0.5, never below 0): small counts, many ties;
 *   2. 100000 with p(+1) = 0.7: counts climb to ~800 (past any small table);
 *   3. 140000 with p(+1) = 0.3: back down to 0;
 *   4. 100000 as a run does it: an arrival joins the picked server (+1) or
 *      a departure leaves a random non-empty one (−1), half and half. */
static void test_shortest_queue_brute_force(void **state)
{
    (void)state;
    test_world tw;
    world_build(&tw, jsq_text);
    ew_world *w = &tw.w;
    assert_int_equal(w->n_servers, 50);
    const ew_routing_policy *p = ew_routing_find(tw.s->routing);
    assert_ptr_equal(p, &ew_routing_shortest_queue);
    void *st = NULL;
    assert_int_equal(p->init(&st, w, all_ids(w->n_servers), w->n_servers), 0);
    gsl_rng *r = ew_rng_alloc(99, 0, EW_STREAM_ROUTING);
    int64_t reached[50];
    for (int i = 0; i < 50; i++)
        reached[i] = i - 50;
    uint32_t m;
    assert_int_equal(p->pick(st, w, r), 0);   /* all at 0: the first in index order */

    static const struct { int steps; double p_up; } phases[] = {
        {60000, 0.5}, {100000, 0.7}, {140000, 0.3}};
    int64_t step = 0;
    uint32_t peak = 0;
    int ties = 0;
    for (int ph = 0; ph < 3; ph++) {
        for (int k = 0; k < phases[ph].steps; k++, step++) {
            uint32_t i = (uint32_t)gsl_rng_uniform_int(r, 50);
            int up = w->servers[i].in_system == 0 || gsl_rng_uniform(r) < phases[ph].p_up;
            change(p, st, w, reached, i, up ? 1 : -1, step);
            if (w->servers[i].in_system > peak)
                peak = w->servers[i].in_system;
            uint32_t want = brute_pick(w, reached, &m);
            uint32_t got = p->pick(st, w, r);
            if (got >= 50 || w->servers[got].in_system != m)
                fail_msg("phase %d step %lld: picked %u with %u in system, the minimum is %u",
                         ph + 1, (long long)step, got,
                         got < 50 ? w->servers[got].in_system : 0u, m);
            if (got != want)
                fail_msg("phase %d step %lld: picked %u (reached %u at step %lld), the first "
                         "to reach %u was %u (at step %lld)", ph + 1, (long long)step, got, m,
                         (long long)reached[got], m, want, (long long)reached[want]);
            uint32_t n_min = 0;
            for (uint32_t j = 0; j < 50; j++)
                n_min += w->servers[j].in_system == m;
            ties += n_min > 1;
        }
    }
    assert_true(peak > 300);   /* phase 2 went well past small counts */
    assert_true(ties > 10000); /* the tie rule was exercised */
    for (int k = 0; k < 100000; k++, step++) {
        uint32_t i;
        if (gsl_rng_uniform(r) < 0.5) {
            i = p->pick(st, w, r);
            change(p, st, w, reached, i, +1, step);
        } else {
            int tries = 0;
            do
                i = (uint32_t)gsl_rng_uniform_int(r, 50);
            while (w->servers[i].in_system == 0 && ++tries < 1000);
            if (w->servers[i].in_system == 0)
                continue;
            change(p, st, w, reached, i, -1, step);
        }
        uint32_t want = brute_pick(w, reached, &m);
        uint32_t got = p->pick(st, w, r);
        if (got != want)
            fail_msg("phase 4 step %lld: picked %u (%u in system), expected %u (%u in system)",
                     (long long)step, got, got < 50 ? w->servers[got].in_system : 0u, want, m);
    }
    p->free(st);
    p->free(NULL);
    gsl_rng_free(r);
    world_free(&tw);
}

/* A world that is not empty when the policy starts: counts 3 1 4 1 5 9 2 6
 * 5 3 ... (digits of π) on the first servers, 7 on the rest. The pick is
 * server 1 (count 1, first in index order; server 3 also has 1); after
 * server 1 rises to 2, server 3. */
static void test_shortest_queue_initial_counts(void **state)
{
    (void)state;
    static const uint32_t digits[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
    test_world tw;
    world_build(&tw, jsq_text);
    ew_world *w = &tw.w;
    for (uint32_t i = 0; i < w->n_servers; i++)
        w->servers[i].in_system = i < 10 ? digits[i] : 7;
    const ew_routing_policy *p = &ew_routing_shortest_queue;
    void *st = NULL;
    assert_int_equal(p->init(&st, w, all_ids(w->n_servers), w->n_servers), 0);
    assert_int_equal(p->pick(st, w, NULL), 1);
    int64_t reached[50];
    for (int i = 0; i < 50; i++)
        reached[i] = i - 50;
    change(p, st, w, reached, 1, +1, 0);
    assert_int_equal(p->pick(st, w, NULL), 3);
    change(p, st, w, reached, 3, +1, 1);    /* 1 and 3 at 2, and 6 (since the start) */
    assert_int_equal(p->pick(st, w, NULL), 6);
    change(p, st, w, reached, 6, +1, 2);    /* now 1 reached 2 first */
    assert_int_equal(p->pick(st, w, NULL), 1);
    p->free(st);
    world_free(&tw);
}

/* The same with large starting counts (100, 70, 200 on servers 0..2, 150 on
 * the rest): the policy must place them, whatever their size, and pick
 * server 1. Run in a child process: an out-of-bounds write here would
 * otherwise corrupt the rest of the run. Child exit: 0 ok, 2 init failed,
 * 3 wrong pick (the pick is printed), else a sanitizer's code. */
static void test_shortest_queue_large_initial_counts(void **state)
{
    (void)state;
    test_world tw;
    world_build(&tw, jsq_text);
    ew_world *w = &tw.w;
    for (uint32_t i = 0; i < w->n_servers; i++)
        w->servers[i].in_system = i == 0 ? 100 : i == 1 ? 70 : i == 2 ? 200 : 150;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        default_signals();
        void *st = NULL;
        if (ew_routing_shortest_queue.init(&st, w, all_ids(w->n_servers), w->n_servers))
            _exit(2);
        uint32_t got = ew_routing_shortest_queue.pick(st, w, NULL);
        if (got != 1) {
            fprintf(stderr, "large initial counts: picked %u, expected 1\n", got);
            _exit(3);
        }
        ew_routing_shortest_queue.free(st);
        _exit(0);
    }
    int status = 0;
    pid_t waited = waitpid(pid, &status, 0);
    world_free(&tw);   /* before any failure, so that a failure leaks nothing */
    assert_int_equal(waited, pid);
    if (WIFSIGNALED(status))
        fail_msg("init with counts >= 64 crashed (signal %d)", WTERMSIG(status));
    if (WEXITSTATUS(status) != 0)
        fail_msg("init with counts 100, 70, 200, 150...: %s (child exit %d)",
                 WEXITSTATUS(status) == 2   ? "init failed"
                 : WEXITSTATUS(status) == 3 ? "wrong pick (see above)"
                                            : "a sanitizer report (see above)",
                 WEXITSTATUS(status));
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_uniform_chi2),
        cmocka_unit_test(test_weighted_chi2),
        cmocka_unit_test(test_shortest_queue_brute_force),
        cmocka_unit_test(test_shortest_queue_initial_counts),
        cmocka_unit_test(test_shortest_queue_large_initial_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
