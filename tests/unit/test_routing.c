/* test_routing.c — the routing policies (models/routing/), the load pools
 * they read (models/routing/pool.c) and the world's bookkeeping of online
 * servers (sim/world.c).
 *
 * Worlds are built as build_world in sim/run.c builds them: a scenario
 * loaded by ew_scenario_load_string (plain sites only), its site table
 * filled by hand (first/end, region, access, edge, room = slots, request_s
 * = mean demand / speed, carbon from the region's grid zone, price from the
 * tariff), the round-trip table 2·great_circle/v_fibre·route_factor from
 * data/regions.csv and data/network.csv (read from the repository root),
 * groups chosen by each test, track_load from the scenario's policy's
 * uses_load (unless a test says), ew_world_init, then every policy's init
 * for every group. Servers' counts move through ew_world_count_changed and
 * nodes leave and return through ew_world_set_offline, as the run driver
 * does.
 *
 * Random policies are checked by Pearson's χ² test at the 1% level
 * (statistic Σ (O − E)²/E on k − 1 degrees of freedom, p-value from GSL's
 * gsl_cdf_chisq_Q) against probabilities derived by hand. Deterministic
 * policies are checked on hand-built states whose answers are derived in
 * the comments, then against a brute-force model of their rule (a scan of
 * every server) over random changes of counts and availability. The
 * brute-force model's tie rule: fewest queries in system; among equals in
 * one site the server that reached that count first (or came back online
 * first); across sites the earlier site of the group. Random streams from
 * sim/rng.h with fixed seeds.
 *
 * Round trips quoted below are from de (Berlin 52.52 N 13.405 E) on fibre,
 * by haversine (R = 6371.0088 km), v = 200,000 km/s, route factor 1.137,
 * last mile fibre 24 ms, datacentre 0.5 ms (data/network.csv):
 *   us-east (Ashburn)  6726.61 km  76.4816 ms + 24 + 0.5  = 100.9816 ms
 *   fr (Paris)          877.46 km   9.9768 ms + 24 + 24   =  57.9768 ms
 *   jp (Tokyo)         8915.54 km 101.3697 ms + 24 + 24   = 149.3697 ms
 *   pl (Warsaw)         517.17 km   5.8803 ms + 24 + 24   =  53.8803 ms
 *   no (Oslo)           838.19 km   9.5303 ms + 24 + 24   =  57.5303 ms
 */
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
#include "../../models/network/network.h"
#include "../../models/routing/pool.h"
#include "../../models/routing/routing.h"

#define N_POLICIES 10
#define MAX_GROUPS 4
#define BIT_NODE 1u     /* a node's own availability */
#define BIT_OUTAGE 2u   /* an outage of its site or region */
#define BIT_OTHER 4u

/* In a forked child: let a crash kill the child (cmocka's handlers, which
 * the child inherits, would carry on with the test run inside it). */
static void default_signals(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        signal(sigs[k], SIG_DFL);
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

/* Fails with the counts when obs is not consistent with p at the 1% level. */
static void chi2_check(const char *what, const uint64_t *obs, const double *p, size_t k,
                       uint64_t n)
{
    double x;
    double pv = chi2_p(obs, p, k, n, &x);
    if (!(pv > 0.01)) {
        char buf[1024];
        size_t len = 0;
        for (size_t i = 0; i < k && len < sizeof buf - 64; i++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, " %llu/%.0f",
                                    (unsigned long long)obs[i], p[i] * (double)n);
        fail_msg("%s: χ² = %.2f on %zu df, p = %.3g (observed/expected:%s)", what, x, k - 1, pv,
                 buf);
    }
}

static int near_rel(double got, double want, double tol)
{
    return fabs(got - want) <= tol * fabs(want);
}

static void check_rel(const char *what, double got, double want, double tol)
{
    if (!near_rel(got, want, tol))
        fail_msg("%s: got %.12g, expected %.12g (relative tolerance %.1e)", what, got, want, tol);
}

/* ---- worlds ---- */

typedef struct test_world {
    ew_scenario *s;
    ew_world w;
    uint32_t *site_first;
    ew_site_info *site;
    ew_region_catalog *regions;   /* our own copy of data/regions.csv, NULL without geography */
    ew_network_params net;
    double *rtt_base_s;
    uint32_t n_groups;
    void *state[N_POLICIES][MAX_GROUPS];
    int started;
    /* for the brute-force model: when each server reached its present
     * count, or came back online (a step number; lower = earlier) */
    int64_t *stamp;
    int64_t step;
} test_world;

/* Loads the scenario and fills the servers and the site table (before
 * ew_world_init, so that a test may set starting counts). */
static void world_load(test_world *tw, const char *text)
{
    ew_error err = {0};
    memset(tw, 0, sizeof *tw);
    if (ew_scenario_load_string("routing.yaml", text, NULL, 0, &tw->s, &err))
        fail_msg("scenario refused: %s\n%s", err.msg, text);
    const ew_scenario *s = tw->s;
    uint32_t n = 0;
    for (uint32_t k = 0; k < s->n_sites; k++) {
        assert_false(s->sites[k].serving);
        n += s->sites[k].servers;
    }
    tw->site_first = malloc((s->n_sites + 1) * sizeof *tw->site_first);
    tw->site = calloc(s->n_sites, sizeof *tw->site);
    tw->stamp = calloc(n, sizeof *tw->stamp);
    tw->w.servers = calloc(n, sizeof *tw->w.servers);
    assert_non_null(tw->site_first);
    assert_non_null(tw->site);
    assert_non_null(tw->stamp);
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

    if (s->regions) {
        /* the round-trip table, from the catalogues as they are on disk */
        if (ew_region_catalog_load("data/regions.csv", &tw->regions, &err) != EW_OK)
            fail_msg("data/regions.csv: %s", err.msg);
        if (ew_network_params_load("data/network.csv", &tw->net, &err) != EW_OK)
            fail_msg("data/network.csv: %s", err.msg);
        uint32_t nr = (uint32_t)ew_region_catalog_count(tw->regions);
        assert_int_equal(nr, ew_region_catalog_count(s->regions));
        tw->rtt_base_s = malloc((size_t)nr * nr * sizeof *tw->rtt_base_s);
        assert_non_null(tw->rtt_base_s);
        for (uint32_t a = 0; a < nr; a++)
            for (uint32_t b = 0; b < nr; b++) {
                const ew_region *ra = ew_region_catalog_at(tw->regions, a),
                                *rb = ew_region_catalog_at(tw->regions, b);
                double d = ew_great_circle_km(ra->lat_deg, ra->lon_deg, rb->lat_deg, rb->lon_deg);
                tw->rtt_base_s[(size_t)a * nr + b] =
                    2.0 * d / tw->net.fibre_km_per_s * tw->net.route_factor;
            }
        tw->w.rtt_base_s = tw->rtt_base_s;
        tw->w.n_regions = nr;
        tw->w.net = &tw->net;
    }
    for (uint32_t k = 0; k < s->n_sites; k++) {
        const ew_site_spec *sp = &s->sites[k];
        ew_site_info *si = &tw->site[k];
        si->first = tw->site_first[k];
        si->end = tw->site_first[k + 1];
        si->group = EW_NONE;
        si->region = sp->region;
        si->access = sp->access;
        si->edge = sp->edge;
        si->room = sp->slots;
        si->request_s = s->service_mean_s / sp->speed;
        si->price_usd_per_kwh = sp->tariff_usd_per_kwh;
        si->carbon_g_per_kwh = 0.0;
        if (sp->region != EW_NONE) {
            const ew_region *mine = ew_region_catalog_at(tw->regions, sp->region);
            assert_string_equal(mine->code, ew_region_catalog_at(s->regions, sp->region)->code);
            assert_non_null(sp->zone);
            assert_string_equal(sp->zone->zone, mine->grid_zone);
            si->carbon_g_per_kwh = sp->zone->carbon_g_per_kwh;
        }
    }
    tw->w.site = tw->site;
    tw->w.n_sites = s->n_sites;
}

/* ew_world_init with these groups (NULL: every site in group 0, as
 * build_world groups plain sites for generic queries) and load pools kept
 * or not (track_load < 0: as build_world sets it, from the scenario's
 * policy), then every policy's state for every group. */
static void world_start(test_world *tw, uint32_t n_groups, const uint32_t *group_of_site,
                        int track_load)
{
    uint32_t all0[64];
    if (!group_of_site) {
        assert_true(tw->w.n_sites <= 64);
        for (uint32_t k = 0; k < tw->w.n_sites; k++)
            all0[k] = 0;
        group_of_site = all0;
        n_groups = 1;
    }
    assert_true(n_groups <= MAX_GROUPS);
    if (track_load < 0) {
        const ew_routing_policy *pol = ew_routing_find(tw->s->routing);
        assert_non_null(pol);
        track_load = pol->uses_load;
    }
    tw->w.track_load = track_load;
    assert_int_equal(ew_world_init(&tw->w, n_groups, group_of_site), 0);
    tw->n_groups = n_groups;
    tw->started = 1;
    for (int p = 0; p < N_POLICIES; p++) {
        const ew_routing_policy *pol = ew_routing_at(p);
        assert_non_null(pol);
        for (uint32_t g = 0; g < n_groups; g++)
            if (pol->init && pol->init(&tw->state[p][g], &tw->w, g))
                fail_msg("%s: init for group %u failed", pol->name, g);
    }
    /* ew_world_init puts each site's servers in its pool in index order */
    for (uint32_t i = 0; i < tw->w.n_servers; i++)
        tw->stamp[i] = (int64_t)i - (int64_t)tw->w.n_servers;
}

static void world_build(test_world *tw, const char *text)
{
    world_load(tw, text);
    world_start(tw, 1, NULL, -1);
}

static void world_free(test_world *tw)
{
    for (int p = 0; p < N_POLICIES; p++)
        for (uint32_t g = 0; g < tw->n_groups; g++)
            if (ew_routing_at(p)->free)
                ew_routing_at(p)->free(tw->state[p][g]);
    if (tw->started)
        ew_world_free(&tw->w);
    free(tw->w.servers);
    free(tw->site_first);
    free(tw->site);
    free(tw->stamp);
    free(tw->rtt_base_s);
    ew_region_catalog_free(tw->regions);
    ew_scenario_free(tw->s);
}

static int policy_index(const ew_routing_policy *p)
{
    for (int i = 0; ew_routing_at(i); i++)
        if (ew_routing_at(i) == p)
            return i;
    fail_msg("policy %s is not in the table", p->name);
    return -1;
}

static uint32_t pick(const test_world *tw, const ew_routing_policy *p, const ew_route_query *q,
                     gsl_rng *r)
{
    return p->pick(tw->state[policy_index(p)][q->group], &tw->w, q, r);
}

/* A query of group g from the scenario's first client (or from nowhere). */
static ew_route_query query(const test_world *tw, uint32_t g, uint32_t except)
{
    ew_route_query q = {g, EW_NONE, EW_ACCESS_FIBRE, except};
    if (tw->s->n_clients) {
        q.client_region = tw->s->clients[0].region;
        q.client_access = tw->s->clients[0].access;
    }
    return q;
}

/* Server i now holds n queries (the run driver's arrive and depart). */
static void set_count(test_world *tw, uint32_t i, uint32_t n)
{
    uint32_t old = tw->w.servers[i].in_system;
    if (old == n)
        return;
    tw->w.servers[i].in_system = n;
    tw->stamp[i] = tw->step++;
    assert_int_equal(ew_world_count_changed(&tw->w, i, old), 0);
}

/* Sets (offline = 1) or clears a reason for server i to be offline. */
static void set_offline(test_world *tw, uint32_t i, uint32_t bit, int offline)
{
    int was = ew_world_is_online(&tw->w, i);
    assert_int_equal(ew_world_set_offline(&tw->w, i, bit, offline), 0);
    if (!was && ew_world_is_online(&tw->w, i))
        tw->stamp[i] = tw->step++;   /* back in its pool, behind the others of its count */
}

/* ---- the brute-force model ---- */

static uint32_t group_of_server(const test_world *tw, uint32_t i)
{
    return tw->w.site[tw->w.servers[i].site].group;
}

/* The least loaded online server of site k other than except (ties: the
 * first to reach its count), its count in *n; EW_NONE if none. */
static uint32_t bf_site_least(const test_world *tw, uint32_t k, uint32_t except, uint32_t *n)
{
    const ew_world *w = &tw->w;
    uint32_t best = EW_NONE;
    for (uint32_t i = w->site[k].first; i < w->site[k].end; i++) {
        if (!ew_world_is_online(w, i) || i == except)
            continue;
        if (best == EW_NONE || w->servers[i].in_system < w->servers[best].in_system ||
            (w->servers[i].in_system == w->servers[best].in_system &&
             tw->stamp[i] < tw->stamp[best]))
            best = i;
    }
    if (best != EW_NONE && n)
        *n = w->servers[best].in_system;
    return best;
}

typedef int (*bf_keep)(const test_world *, const ew_route_query *, uint32_t);
typedef double (*bf_score)(const test_world *, const ew_route_query *, uint32_t);

static uint32_t bf_least_loaded(const test_world *tw, const ew_route_query *q, bf_keep keep)
{
    const ew_group *g = &tw->w.groups[q->group];
    uint32_t best = EW_NONE, best_n = 0;
    for (uint32_t j = 0; j < g->n_sites; j++) {
        uint32_t k = g->sites[j], n = 0;
        if (keep && !keep(tw, q, k))
            continue;
        uint32_t i = bf_site_least(tw, k, q->except, &n);
        if (i != EW_NONE && (best == EW_NONE || n < best_n)) {
            best = i;
            best_n = n;
        }
    }
    return best;
}

/* Over the kept sites whose least loaded server has room: the least score,
 * ties to the lower load, then to the earlier site. */
static uint32_t bf_best_site(const test_world *tw, const ew_route_query *q, bf_keep keep,
                             bf_score score)
{
    const ew_group *g = &tw->w.groups[q->group];
    uint32_t best = EW_NONE, best_n = 0;
    double best_sc = 0.0;
    for (uint32_t j = 0; j < g->n_sites; j++) {
        uint32_t k = g->sites[j], n = 0;
        if (keep && !keep(tw, q, k))
            continue;
        uint32_t i = bf_site_least(tw, k, q->except, &n);
        if (i == EW_NONE || n >= tw->w.site[k].room)
            continue;
        double sc = score(tw, q, k);
        if (best == EW_NONE || sc < best_sc || (sc == best_sc && n < best_n)) {
            best = i;
            best_n = n;
            best_sc = sc;
        }
    }
    return best;
}

static double bf_predict(const test_world *tw, const ew_route_query *q, uint32_t k, uint32_t n)
{
    return ew_routing_predict_s(&tw->w, q, k, n);
}

static uint32_t bf_latency(const test_world *tw, const ew_route_query *q)
{
    const ew_group *g = &tw->w.groups[q->group];
    uint32_t best = EW_NONE;
    double best_s = 0.0;
    for (uint32_t j = 0; j < g->n_sites; j++) {
        uint32_t k = g->sites[j], n = 0;
        uint32_t i = bf_site_least(tw, k, q->except, &n);
        if (i == EW_NONE)
            continue;
        double t = bf_predict(tw, q, k, n);
        if (best == EW_NONE || t < best_s) {
            best = i;
            best_s = t;
        }
    }
    return best;
}

static int bf_is_edge(const test_world *tw, const ew_route_query *q, uint32_t k)
{
    (void)q;
    return tw->w.site[k].edge;
}

static int bf_is_dc(const test_world *tw, const ew_route_query *q, uint32_t k)
{
    (void)q;
    return !tw->w.site[k].edge;
}

static int bf_meets(const test_world *tw, const ew_route_query *q, uint32_t k)
{
    uint32_t n = 0;
    if (bf_site_least(tw, k, q->except, &n) == EW_NONE)
        return 0;
    return bf_predict(tw, q, k, n) <= tw->s->latency_objective_s;
}

static double bf_rtt(const test_world *tw, const ew_route_query *q, uint32_t k)
{
    return ew_world_rtt_s(&tw->w, q->client_region, q->client_access, k);
}

static double bf_carbon(const test_world *tw, const ew_route_query *q, uint32_t k)
{
    (void)q;
    return tw->w.site[k].carbon_g_per_kwh;
}

static double bf_price(const test_world *tw, const ew_route_query *q, uint32_t k)
{
    (void)q;
    return tw->w.site[k].price_usd_per_kwh;
}

/* What a deterministic policy must return, by its rule. */
static uint32_t bf_expected(const test_world *tw, const ew_routing_policy *p,
                            const ew_route_query *q)
{
    uint32_t i;
    if (p == &ew_routing_shortest_queue)
        return bf_least_loaded(tw, q, NULL);
    if (p == &ew_routing_dc_only)
        return bf_least_loaded(tw, q, bf_is_dc);
    if (p == &ew_routing_edge_only) {
        i = bf_best_site(tw, q, bf_is_edge, bf_rtt);
        return i != EW_NONE ? i : bf_least_loaded(tw, q, bf_is_edge);
    }
    if (p == &ew_routing_edge_first) {
        i = bf_best_site(tw, q, bf_is_edge, bf_rtt);
        if (i == EW_NONE)
            i = bf_least_loaded(tw, q, bf_is_dc);
        return i != EW_NONE ? i : bf_least_loaded(tw, q, bf_is_edge);
    }
    if (p == &ew_routing_latency_aware)
        return bf_latency(tw, q);
    if (p == &ew_routing_carbon_aware) {
        i = bf_best_site(tw, q, bf_meets, bf_carbon);
        return i != EW_NONE ? i : bf_latency(tw, q);
    }
    if (p == &ew_routing_cost_aware) {
        i = bf_best_site(tw, q, bf_meets, bf_price);
        return i != EW_NONE ? i : bf_latency(tw, q);
    }
    fail_msg("%s is not deterministic", p->name);
    return EW_NONE;
}

/* Describes the world's counts in buf, for failure messages. */
static const char *describe(const test_world *tw, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < tw->w.n_servers && len + 32 < size; i++)
        len += (size_t)snprintf(buf + len, size - len, " %u:%u%s", i, tw->w.servers[i].in_system,
                                ew_world_is_online(&tw->w, i) ? "" : "(off)");
    return buf;
}

static void expect_pick_r(const test_world *tw, const ew_routing_policy *p,
                          const ew_route_query *q, uint32_t want, const char *where, gsl_rng *r)
{
    uint32_t got = pick(tw, p, q, r);
    if (got != want) {
        char buf[2048];
        fail_msg("%s: %s picked %d, expected %d (except %d; counts%s)", where, p->name,
                 (int)got, (int)want, (int)q->except, describe(tw, buf, sizeof buf));
    }
}

/* For deterministic policies, which draw no random number. */
static void expect_pick(const test_world *tw, const ew_routing_policy *p, const ew_route_query *q,
                        uint32_t want, const char *where)
{
    expect_pick_r(tw, p, q, want, where, NULL);
}

/* ---- the table ---- */

/* The ten policies of routing.c's table, in its order. */
static void test_table(void **state)
{
    (void)state;
    static const char *const names[N_POLICIES] = {
        "uniform",   "weighted",      "shortest_queue", "dc_only",    "edge_only",
        "edge_first", "latency_aware", "carbon_aware",  "cost_aware", "power_of_two"};
    const ew_routing_policy *const ptrs[N_POLICIES] = {
        &ew_routing_uniform,    &ew_routing_weighted,       &ew_routing_shortest_queue,
        &ew_routing_dc_only,    &ew_routing_edge_only,      &ew_routing_edge_first,
        &ew_routing_latency_aware, &ew_routing_carbon_aware, &ew_routing_cost_aware,
        &ew_routing_power_of_two};
    int n = 0;
    while (ew_routing_at(n))
        n++;
    assert_int_equal(n, N_POLICIES);
    assert_null(ew_routing_at(-1));
    assert_null(ew_routing_at(N_POLICIES));
    assert_null(ew_routing_at(1000));
    for (int i = 0; i < N_POLICIES; i++) {
        const ew_routing_policy *p = ew_routing_find(names[i]);
        assert_non_null(p);
        assert_ptr_equal(p, ptrs[i]);
        assert_ptr_equal(ew_routing_at(i), p);
        assert_string_equal(p->name, names[i]);
        assert_non_null(p->pick);
        assert_non_null(p->summary);
        assert_true(strlen(p->summary) > 0);
        if (p->free)
            p->free(NULL);   /* must accept NULL */
    }
    /* the policies that read the load pools (ew_world_least_loaded): all
     * but the random ones; power_of_two compares in_system directly */
    static const int uses_load[N_POLICIES] = {0, 0, 1, 1, 1, 1, 1, 1, 1, 0};
    for (int i = 0; i < N_POLICIES; i++)
        if (ptrs[i]->uses_load != uses_load[i])
            fail_msg("%s: uses_load %d, expected %d", names[i], ptrs[i]->uses_load,
                     uses_load[i]);
    /* weighted is the one that keeps state (its alias table) */
    assert_non_null(ew_routing_weighted.init);
    assert_non_null(ew_routing_weighted.free);
    assert_null(ew_routing_find("nearest"));
    assert_null(ew_routing_find(""));
    assert_null(ew_routing_find("Uniform"));
    assert_null(ew_routing_find("edge"));
    assert_null(ew_routing_find("power_of_two "));
}

/* ---- pool.c ---- */

/* Walks every bucket of the pool: each server in the bucket of its count,
 * links consistent both ways, FIFO by the step it reached the count, and
 * every server of the model in exactly one bucket. */
static void pool_check_all(const ew_pool *p, const int *in, const uint32_t *cnt,
                           const int64_t *stamp, uint32_t n_servers, uint32_t size, int64_t step)
{
    uint32_t total = 0;
    for (uint32_t c = 0; c < p->n_buckets; c++) {
        uint32_t prev = UINT32_MAX;
        for (uint32_t i = p->head[c]; i != UINT32_MAX; i = p->next[i]) {
            if (i >= n_servers || !in[i] || cnt[i] != c)
                fail_msg("step %lld: bucket %u holds server %u (in %d, count %u)",
                         (long long)step, c, i, i < n_servers ? in[i] : -1,
                         i < n_servers ? cnt[i] : 0u);
            assert_int_equal(p->prev[i], prev);
            if (prev != UINT32_MAX && !(stamp[prev] < stamp[i]))
                fail_msg("step %lld: bucket %u: server %u (reached at %lld) before %u (at %lld)",
                         (long long)step, c, prev, (long long)stamp[prev], i, (long long)stamp[i]);
            prev = i;
            assert_true(++total <= size);
        }
        assert_int_equal(p->tail[c], prev);
    }
    assert_int_equal(total, size);
    assert_int_equal(p->size, size);
}

/* 200 servers, 360000 random operations in five phases, after each one
 * ew_pool_min compared with a scan of the model (the least count; among
 * equals the smallest step at which the server reached it), and every 97
 * operations the whole bucket structure:
 *   1. churn near 0 (adds with counts 0..9, ±1 moves, 5% removals);
 *   2. counts climb (p(+1) = 0.75): past the 64 buckets allocated at init;
 *   3. adds with counts up to 400 and jumps to any count up to 100 above
 *      (grow on add and on move, several buckets at once);
 *   4. counts fall (p(+1) = 0.25) back to 0, where ties are many;
 *   5. heavy churn (35% removals), then every server removed: empty again. */
static void test_pool_brute_force(void **state)
{
    (void)state;
    enum { N = 200 };
    static const struct {
        int steps;
        double p_up, p_remove, p_jump, p_big_add;
    } phases[] = {{40000, 0.5, 0.05, 0.0, 0.0},
                  {80000, 0.75, 0.01, 0.0, 0.0},
                  {40000, 0.5, 0.05, 0.1, 0.3},
                  {160000, 0.25, 0.01, 0.0, 0.0},
                  {40000, 0.5, 0.35, 0.02, 0.05}};
    ew_pool p;
    assert_int_equal(ew_pool_init(&p, N), 0);
    uint32_t n = 12345;
    assert_int_equal(ew_pool_min(&p, &n), UINT32_MAX);
    assert_int_equal(n, 12345);   /* untouched when empty */
    int in[N] = {0};
    uint32_t cnt[N] = {0}, size = 0, peak = 0;
    int64_t stamp[N] = {0}, step = 0;
    uint64_t ties = 0;
    gsl_rng *r = ew_rng_alloc(271828, 0, EW_STREAM_ROUTING);
    for (size_t ph = 0; ph < sizeof phases / sizeof phases[0]; ph++) {
        for (int k = 0; k < phases[ph].steps; k++, step++) {
            uint32_t i = (uint32_t)gsl_rng_uniform_int(r, N);
            if (!in[i]) {
                uint32_t c = gsl_rng_uniform(r) < phases[ph].p_big_add
                                 ? (uint32_t)gsl_rng_uniform_int(r, 401)
                                 : (uint32_t)gsl_rng_uniform_int(r, 10);
                assert_int_equal(ew_pool_add(&p, i, c), 0);
                in[i] = 1;
                cnt[i] = c;
                stamp[i] = step;
                size++;
            } else {
                double u = gsl_rng_uniform(r);
                if (u < phases[ph].p_remove) {
                    ew_pool_remove(&p, i, cnt[i]);
                    in[i] = 0;
                    size--;
                } else {
                    uint32_t c;
                    if (u < phases[ph].p_remove + phases[ph].p_jump) {
                        do
                            c = (uint32_t)gsl_rng_uniform_int(r, cnt[i] + 100);
                        while (c == cnt[i]);
                    } else {
                        int up = cnt[i] == 0 || gsl_rng_uniform(r) < phases[ph].p_up;
                        c = up ? cnt[i] + 1 : cnt[i] - 1;
                    }
                    assert_int_equal(ew_pool_move(&p, i, cnt[i], c), 0);
                    cnt[i] = c;
                    stamp[i] = step;
                }
            }
            if (in[i] && cnt[i] > peak)
                peak = cnt[i];
            /* the model's least loaded */
            uint32_t want = UINT32_MAX, n_min = 0;
            for (uint32_t j = 0; j < N; j++)
                if (in[j] && (want == UINT32_MAX || cnt[j] < cnt[want] ||
                              (cnt[j] == cnt[want] && stamp[j] < stamp[want])))
                    want = j;
            for (uint32_t j = 0; j < N && want != UINT32_MAX; j++)
                n_min += in[j] && cnt[j] == cnt[want];
            ties += n_min > 1;
            uint32_t got = ew_pool_min(&p, &n);
            if (got != want || (want != UINT32_MAX && n != cnt[want]))
                fail_msg("phase %zu step %lld: ew_pool_min gave %u (count %u), the model %u "
                         "(count %u, reached at step %lld)", ph + 1, (long long)step, got, n, want,
                         want != UINT32_MAX ? cnt[want] : 0u,
                         want != UINT32_MAX ? (long long)stamp[want] : -1LL);
            assert_int_equal(p.size, size);
            if (step % 97 == 0)
                pool_check_all(&p, in, cnt, stamp, N, size, step);
        }
    }
    pool_check_all(&p, in, cnt, stamp, N, size, step);
    assert_true(peak > 300);      /* well past the 64 buckets of ew_pool_init */
    assert_true(ties > 100000);   /* the FIFO rule among equals was exercised */
    for (uint32_t i = 0; i < N; i++)
        if (in[i]) {
            ew_pool_remove(&p, i, cnt[i]);
            in[i] = 0;
            size--;
        }
    assert_int_equal(size, 0);
    assert_int_equal(ew_pool_min(&p, &n), UINT32_MAX);
    pool_check_all(&p, in, cnt, stamp, N, 0, step);
    /* empty, then refilled above zero: the least is the new lowest */
    assert_int_equal(ew_pool_add(&p, 17, 5), 0);
    assert_int_equal(ew_pool_add(&p, 3, 9), 0);
    assert_int_equal(ew_pool_min(&p, &n), 17);
    assert_int_equal(n, 5);
    assert_int_equal(ew_pool_move(&p, 17, 5, 10), 0);   /* 17 to 10: 3 (at 9) is the least */
    assert_int_equal(ew_pool_min(&p, &n), 3);
    assert_int_equal(n, 9);
    ew_pool_free(&p);
    ew_pool_free(&p);   /* freed pools are zeroed: a second free is harmless */
    ew_pool_free(NULL);
    gsl_rng_free(r);
}

/* ---- the world's bookkeeping ---- */

/* Every group's online list against a scan of the servers, every site's
 * pool against the brute-force least loaded (with and without except). */
static void check_world(const test_world *tw, const char *where)
{
    const ew_world *w = &tw->w;
    for (uint32_t g = 0; g < w->n_groups; g++) {
        const ew_group *gr = &w->groups[g];
        uint32_t online = 0;
        for (uint32_t j = 0; j < gr->n_sites; j++)
            for (uint32_t i = w->site[gr->sites[j]].first; i < w->site[gr->sites[j]].end; i++)
                online += ew_world_is_online(w, i) ? 1u : 0u;
        if (gr->n_online != online)
            fail_msg("%s: group %u lists %u online, %u are", where, g, gr->n_online, online);
        for (uint32_t j = 0; j < gr->n_online; j++) {
            uint32_t i = gr->online[j];
            assert_true(i < w->n_servers);
            assert_true(ew_world_is_online(w, i));
            assert_int_equal(group_of_server(tw, i), g);
            assert_int_equal(w->online_pos[i], j);
        }
    }
    for (uint32_t i = 0; i < w->n_servers; i++)
        if (group_of_server(tw, i) == EW_NONE || !ew_world_is_online(w, i))
            assert_int_equal(w->online_pos[i], EW_NONE);
    for (uint32_t k = 0; k < w->n_sites; k++) {
        uint32_t online = 0;
        for (uint32_t i = w->site[k].first; i < w->site[k].end; i++)
            online += ew_world_is_online(w, i) ? 1u : 0u;
        if (w->site[k].group == EW_NONE || !w->track_load) {
            /* a site no query can use, or pools not kept: empty */
            assert_int_equal(w->site_pool[k].size, 0);
            assert_int_equal(ew_world_least_loaded(w, k, EW_NONE, NULL), EW_NONE);
            continue;
        }
        assert_int_equal(w->site_pool[k].size, online);
        uint32_t n_bf = 0, n = 0;
        uint32_t want = bf_site_least(tw, k, EW_NONE, &n_bf);
        uint32_t got = ew_world_least_loaded(w, k, EW_NONE, &n);
        if (got != want || (want != EW_NONE && n != n_bf))
            fail_msg("%s: site %u: least loaded %d (count %u), expected %d (count %u)", where, k,
                     (int)got, n, (int)want, n_bf);
        if (want == EW_NONE)
            continue;
        /* the least loaded excluded: the next by the same rule */
        uint32_t want2 = bf_site_least(tw, k, want, &n_bf);
        got = ew_world_least_loaded(w, k, want, &n);
        if (got != want2 || (want2 != EW_NONE && n != n_bf))
            fail_msg("%s: site %u except %u: least loaded %d (count %u), expected %d (count %u)",
                     where, k, want, (int)got, n, (int)want2, n_bf);
    }
}

/* Four sites in two groups and one unused site (as build_world leaves a
 * serving site whose model no class asks for): a (5 servers) and d (6) in
 * group 0, b (4) in group 1, c (3) in none. */
static const char bookkeeping_text[] =
    "name: b\nrun: {duration: 1h}\n"
    "workload: {arrivals: {rate: 1/s}, service: {distribution: exponential, mean: 1s}}\n"
    "sites:\n"
    "  - {name: a, servers: 5, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: b, servers: 4, slots: 3, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: c, servers: 3, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: d, servers: 6, speed: 1.7, power: {idle: 1W, busy: 2W}}\n";
static const uint32_t bookkeeping_groups[] = {0, 1, EW_NONE, 0};

/* Groups as chosen: group 0 holds sites 0 and 3, servers 0..4 and 12..17
 * (11); group 1 site 1, servers 5..8. Reasons to be offline are bits: a
 * server with two set stays offline until both are cleared. Then 40000
 * random changes of counts (±1, also while offline, as a node drains) and
 * of reasons (three bits), the lists and pools checked after each. */
static void world_bookkeeping(int track_load)
{
    test_world tw;
    world_load(&tw, bookkeeping_text);
    world_start(&tw, 2, bookkeeping_groups, track_load);
    ew_world *w = &tw.w;
    assert_int_equal(w->n_servers, 18);
    assert_int_equal(w->groups[0].n_sites, 2);
    assert_int_equal(w->groups[0].sites[0], 0);
    assert_int_equal(w->groups[0].sites[1], 3);
    assert_int_equal(w->groups[0].n_servers, 11);
    assert_int_equal(w->groups[0].n_online, 11);
    assert_int_equal(w->groups[1].n_sites, 1);
    assert_int_equal(w->groups[1].n_servers, 4);
    for (uint32_t j = 0; j < 5; j++)
        assert_int_equal(w->groups[0].servers[j], j);
    for (uint32_t j = 5; j < 11; j++)
        assert_int_equal(w->groups[0].servers[j], j + 7);
    assert_int_equal(w->site[2].group, EW_NONE);
    check_world(&tw, "start");

    set_offline(&tw, 3, BIT_NODE, 1);
    set_offline(&tw, 3, BIT_OUTAGE, 1);
    assert_int_equal(w->groups[0].n_online, 10);
    set_offline(&tw, 3, BIT_NODE, 0);   /* the outage still holds it */
    assert_false(ew_world_is_online(w, 3));
    assert_int_equal(w->groups[0].n_online, 10);
    check_world(&tw, "two reasons, one cleared");
    set_offline(&tw, 3, BIT_OUTAGE, 0);
    assert_true(ew_world_is_online(w, 3));
    assert_int_equal(w->groups[0].n_online, 11);
    set_offline(&tw, 3, BIT_OUTAGE, 0);   /* clearing a clear bit changes nothing */
    assert_int_equal(w->groups[0].n_online, 11);
    check_world(&tw, "both cleared");
    /* the unused site: reasons recorded, no list or pool touched */
    set_offline(&tw, 10, BIT_NODE, 1);
    assert_false(ew_world_is_online(w, 10));
    set_count(&tw, 10, 4);
    set_offline(&tw, 10, BIT_NODE, 0);
    check_world(&tw, "unused site");

    gsl_rng *r = ew_rng_alloc(8080, (uint32_t)track_load, EW_STREAM_ROUTING);
    char where[64];
    for (int k = 0; k < 40000; k++) {
        uint32_t i = (uint32_t)gsl_rng_uniform_int(r, w->n_servers);
        if (gsl_rng_uniform(r) < 0.7) {
            uint32_t c = w->servers[i].in_system;
            set_count(&tw, i, c == 0 || gsl_rng_uniform(r) < 0.55 ? c + 1 : c - 1);
        } else {
            static const uint32_t bits[] = {BIT_NODE, BIT_OUTAGE, BIT_OTHER};
            /* each bit set 12% of the time: a node is offline 1 − 0.88³ = 32% */
            set_offline(&tw, i, bits[gsl_rng_uniform_int(r, 3)], gsl_rng_uniform(r) < 0.12);
        }
        snprintf(where, sizeof where, "random step %d", k);
        check_world(&tw, where);
        uint32_t g = (uint32_t)gsl_rng_uniform_int(r, 2);
        uint32_t got = ew_world_random_online(w, g, EW_NONE, r);
        if (w->groups[g].n_online == 0)
            assert_int_equal(got, EW_NONE);
        else if (got >= w->n_servers || !ew_world_is_online(w, got) ||
                 group_of_server(&tw, got) != g)
            fail_msg("%s: random online of group %u gave %d", where, g, (int)got);
    }
    gsl_rng_free(r);
    world_free(&tw);
}

/* With the pools kept (a policy that reads load) and without (uniform,
 * weighted and power_of_two: build_world leaves them empty). */
static void test_world_bookkeeping(void **state)
{
    (void)state;
    world_bookkeeping(1);
    world_bookkeeping(0);
}

/* ---- ew_world_random_online ---- */

static const char nine_text[] =
    "name: n\nrun: {duration: 1h}\n"
    "workload: {arrivals: {rate: 1/s}, service: {distribution: exponential, mean: 1s}}\n"
    "sites:\n"
    "  - {name: a, servers: 4, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: b, servers: 3, speed: 2.2, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: c, servers: 2, slots: 3, power: {idle: 1W, busy: 2W}}\n";

/* Nine servers; 1 and 5 leave, 1 returns, 7 leaves: 7 online (0, 2, 3, 4,
 * 6, 8, 1 in some order of the list). With except at the first, a middle
 * and the last position of the online list, each other online server
 * has probability 1/6; with except offline (5) or EW_NONE, 1/7. 210000
 * draws each, χ² on 5 or 6 df. Excepted and offline servers: never. */
static void test_random_online_except(void **state)
{
    (void)state;
    enum { N = 210000 };
    test_world tw;
    world_build(&tw, nine_text);
    ew_world *w = &tw.w;
    set_offline(&tw, 1, BIT_NODE, 1);
    set_offline(&tw, 5, BIT_NODE, 1);
    set_offline(&tw, 1, BIT_NODE, 0);
    set_offline(&tw, 7, BIT_OUTAGE, 1);
    assert_int_equal(w->groups[0].n_online, 7);
    const ew_group *gr = &w->groups[0];
    const uint32_t excepts[] = {gr->online[0], gr->online[3], gr->online[6], 5, EW_NONE};
    gsl_rng *r = ew_rng_alloc(1618, 0, EW_STREAM_ROUTING);
    for (size_t e = 0; e < sizeof excepts / sizeof excepts[0]; e++) {
        uint32_t except = excepts[e];
        uint64_t obs[9] = {0};
        for (int k = 0; k < N; k++) {
            uint32_t i = ew_world_random_online(w, 0, except, r);
            if (i >= 9 || i == except || !ew_world_is_online(w, i))
                fail_msg("except %d: drew %d", (int)except, (int)i);
            obs[i]++;
        }
        uint64_t o[9];
        double p[9];
        size_t m = 0;
        int others = except != EW_NONE && ew_world_is_online(w, except) ? 6 : 7;
        for (uint32_t i = 0; i < 9; i++)
            if (ew_world_is_online(w, i) && i != except) {
                o[m] = obs[i];
                p[m++] = 1.0 / others;
            }
        assert_int_equal(m, others);
        char what[64];
        snprintf(what, sizeof what, "random online, except %d", (int)except);
        chi2_check(what, o, p, m, N);
    }
    /* only the excepted server online, then none: nothing to draw */
    for (uint32_t i = 0; i < 9; i++)
        if (i != 4)
            set_offline(&tw, i, BIT_OTHER, 1);
    assert_int_equal(ew_world_random_online(w, 0, EW_NONE, r), 4);
    assert_int_equal(ew_world_random_online(w, 0, 4, r), EW_NONE);
    set_offline(&tw, 4, BIT_OTHER, 1);
    assert_int_equal(ew_world_random_online(w, 0, EW_NONE, r), EW_NONE);
    gsl_rng_free(r);
    world_free(&tw);
}

/* ---- uniform ---- */

/* Seven servers in two sites of different speeds; 1 and 5 offline. Uniform
 * ignores speed and load, so each of the five online servers gets 1/5 of
 * 10^6 picks (χ² on 4 df; p > 0.01) and 1 and 5 none. With except = 3, the
 * four others 1/4 each (χ² on 3 df) and 3 none. Loads are set unequal to
 * show they do not matter. */
static const char uniform_text[] =
    "name: u\nrun: {duration: 1h}\n"
    "workload: {arrivals: {rate: 1/s}, service: {distribution: exponential, mean: 1s}}\n"
    "routing: {policy: uniform}\n"
    "sites:\n"
    "  - {name: a, servers: 3, speed: 3.5, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: b, servers: 4, speed: 0.4, power: {idle: 1W, busy: 2W}}\n";

static void test_uniform_chi2(void **state)
{
    (void)state;
    enum { N = 1000000 };
    test_world tw;
    world_build(&tw, uniform_text);
    const ew_routing_policy *p = ew_routing_find(tw.s->routing);
    assert_ptr_equal(p, &ew_routing_uniform);
    assert_int_equal(tw.w.n_servers, 7);
    static const uint32_t load[7] = {4, 0, 9, 1, 3, 0, 2};
    for (uint32_t i = 0; i < 7; i++)
        set_count(&tw, i, load[i]);
    set_offline(&tw, 1, BIT_NODE, 1);
    set_offline(&tw, 5, BIT_OUTAGE, 1);
    gsl_rng *r = ew_rng_alloc(20250101, 0, EW_STREAM_ROUTING);
    static const uint32_t online[5] = {0, 2, 3, 4, 6};

    ew_route_query q = query(&tw, 0, EW_NONE);
    uint64_t obs[7] = {0};
    for (int k = 0; k < N; k++) {
        uint32_t i = pick(&tw, p, &q, r);
        if (i >= 7)
            fail_msg("pick %d returned server %d of 7", k, (int)i);
        obs[i]++;
    }
    assert_int_equal(obs[1], 0);
    assert_int_equal(obs[5], 0);
    uint64_t o[5];
    const double prob[5] = {0.2, 0.2, 0.2, 0.2, 0.2};
    for (int j = 0; j < 5; j++)
        o[j] = obs[online[j]];
    chi2_check("uniform over 5 online", o, prob, 5, N);

    q.except = 3;
    memset(obs, 0, sizeof obs);
    for (int k = 0; k < N; k++) {
        uint32_t i = pick(&tw, p, &q, r);
        if (i >= 7 || i == 3 || i == 1 || i == 5)
            fail_msg("pick %d with except 3 returned server %d", k, (int)i);
        obs[i]++;
    }
    const uint64_t o4[4] = {obs[0], obs[2], obs[4], obs[6]};
    const double prob4[4] = {0.25, 0.25, 0.25, 0.25};
    chi2_check("uniform over 4 online, except 3", o4, prob4, 4, N);
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
 * give p < 10^-6.
 * Then c (server 5) offline: the weights of the others renormalised, 1.5/7.2
 * and 1.4/7.2 (a redrawn pick of c is drawn again; all 16 draws land on c
 * with probability 0.368^16 = 1.2·10^-7, too rare to show). Then also
 * except = 0: 1.5/5.7 and 1.4/5.7 (16 misses: 0.5^16 = 1.5·10^-5, about 15
 * uniform picks in 10^6, far below the test's resolution). */
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
    check_rel("weight of a", tw.s->sites[0].weight, 1.5, 1e-12);
    check_rel("weight of b", tw.s->sites[1].weight, 1.4, 1e-12);
    check_rel("weight of c", tw.s->sites[2].weight, 4.2, 1e-12);
    const ew_routing_policy *p = ew_routing_find(tw.s->routing);   /* the default */
    assert_ptr_equal(p, &ew_routing_weighted);
    gsl_rng *r = ew_rng_alloc(4711, 3, EW_STREAM_ROUTING);
    ew_route_query q = query(&tw, 0, EW_NONE);
    uint64_t obs[6] = {0}, by_site[3] = {0};
    for (int k = 0; k < N; k++) {
        uint32_t i = pick(&tw, p, &q, r);
        if (i >= 6)
            fail_msg("pick %d returned server %d of 6", k, (int)i);
        obs[i]++;
        by_site[tw.w.servers[i].site]++;
    }
    const double total = 11.4;
    const double prob[6] = {1.5 / total, 1.5 / total, 1.4 / total,
                            1.4 / total, 1.4 / total, 4.2 / total};
    const double site_prob[3] = {3.0 / total, 4.2 / total, 4.2 / total};
    chi2_check("weighted by server", obs, prob, 6, N);
    chi2_check("weighted by site", by_site, site_prob, 3, N);
    const double equal[6] = {1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0};
    double x;
    assert_true(chi2_p(obs, equal, 6, N, &x) < 1e-6);

    set_offline(&tw, 5, BIT_NODE, 1);
    memset(obs, 0, sizeof obs);
    for (int k = 0; k < N; k++) {
        uint32_t i = pick(&tw, p, &q, r);
        if (i >= 5)
            fail_msg("pick %d with c offline returned server %d", k, (int)i);
        obs[i]++;
    }
    const double prob5[5] = {1.5 / 7.2, 1.5 / 7.2, 1.4 / 7.2, 1.4 / 7.2, 1.4 / 7.2};
    chi2_check("weighted, c offline", obs, prob5, 5, N);

    q.except = 0;
    memset(obs, 0, sizeof obs);
    for (int k = 0; k < N; k++) {
        uint32_t i = pick(&tw, p, &q, r);
        if (i == 0 || i >= 5)
            fail_msg("pick %d with c offline and except 0 returned server %d", k, (int)i);
        obs[i]++;
    }
    const double prob4[4] = {1.5 / 5.7, 1.4 / 5.7, 1.4 / 5.7, 1.4 / 5.7};
    chi2_check("weighted, c offline, except 0", obs + 1, prob4, 4, N);

    /* nothing online but the excepted server: none */
    for (uint32_t i = 1; i < 5; i++)
        set_offline(&tw, i, BIT_OTHER, 1);
    assert_int_equal(pick(&tw, p, &q, r), EW_NONE);
    gsl_rng_free(r);
    world_free(&tw);
}

/* The weighted policy on groups whose servers are not 0, 1, ..., n − 1:
 * the bookkeeping world (group 0: a, servers 0..4, weight 1 each, and d,
 * servers 12..17, speed 1.7: weight 1.7 each; group 1: b, servers 5..8,
 * 3 slots: weight 3 each; site c in no group). Group 0: total 5 + 6·1.7 =
 * 15.2, a server of a 1/15.2, of d 1.7/15.2 (χ² on 10 df); group 1: 1/4
 * each (χ² on 3 df). Servers of c (9..11) and of the other group: never. */
static void test_weighted_groups(void **state)
{
    (void)state;
    enum { N = 600000 };
    test_world tw;
    world_load(&tw, bookkeeping_text);
    world_start(&tw, 2, bookkeeping_groups, -1);
    assert_int_equal(tw.w.track_load, 0);   /* the default policy, weighted, reads no load */
    const ew_routing_policy *p = &ew_routing_weighted;
    assert_ptr_equal(ew_routing_find(tw.s->routing), p);
    check_rel("weight of d", tw.s->sites[3].weight, 1.7, 1e-12);
    gsl_rng *r = ew_rng_alloc(606, 0, EW_STREAM_ROUTING);
    uint64_t obs[18] = {0};
    ew_route_query q = query(&tw, 0, EW_NONE);
    for (int k = 0; k < N; k++) {
        uint32_t i = pick(&tw, p, &q, r);
        if (i >= 18 || group_of_server(&tw, i) != 0)
            fail_msg("group 0: weighted picked %d", (int)i);
        obs[i]++;
    }
    uint64_t o[11];
    double prob[11];
    for (uint32_t j = 0; j < 5; j++) {
        o[j] = obs[j];
        prob[j] = 1.0 / 15.2;
    }
    for (uint32_t j = 0; j < 6; j++) {
        o[5 + j] = obs[12 + j];
        prob[5 + j] = 1.7 / 15.2;
    }
    chi2_check("weighted, group 0 (sites a and d)", o, prob, 11, N);
    q = query(&tw, 1, EW_NONE);
    memset(obs, 0, sizeof obs);
    for (int k = 0; k < N; k++) {
        uint32_t i = pick(&tw, p, &q, r);
        if (i < 5 || i > 8)
            fail_msg("group 1: weighted picked %d", (int)i);
        obs[i]++;
    }
    const double quarter[4] = {0.25, 0.25, 0.25, 0.25};
    chi2_check("weighted, group 1 (site b)", obs + 5, quarter, 4, N);
    gsl_rng_free(r);
    world_free(&tw);
}

/* ---- shortest queue ---- */

/* Sites a (20 servers) and b (30, 4 slots, speed 2.5) in group 0, c (10) in
 * group 1. */
static const char jsq_text[] =
    "name: j\nrun: {duration: 1h}\n"
    "workload: {arrivals: {rate: 1/s}, service: {distribution: exponential, mean: 1s}}\n"
    "routing: {policy: shortest_queue}\n"
    "sites:\n"
    "  - {name: a, servers: 20, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: b, servers: 30, slots: 4, speed: 2.5, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: c, servers: 10, power: {idle: 1W, busy: 2W}}\n";
static const uint32_t jsq_groups[] = {0, 0, 1};

static void jsq_compare(const test_world *tw, uint32_t g, uint32_t except, const char *phase,
                        int64_t step, uint32_t *picked)
{
    ew_route_query q = query(tw, g, except);
    uint32_t want = bf_expected(tw, &ew_routing_shortest_queue, &q);
    uint32_t got = pick(tw, &ew_routing_shortest_queue, &q, NULL);
    if (got != want) {
        const ew_server *sv = tw->w.servers;
        fail_msg("%s step %lld, group %u, except %d: picked %d (%u in system, reached at %lld), "
                 "expected %d (%u in system, reached at %lld)", phase, (long long)step, g,
                 (int)except, (int)got, got < tw->w.n_servers ? sv[got].in_system : 0u,
                 got < tw->w.n_servers ? (long long)tw->stamp[got] : -1LL, (int)want,
                 want < tw->w.n_servers ? sv[want].in_system : 0u,
                 want < tw->w.n_servers ? (long long)tw->stamp[want] : -1LL);
    }
    if (picked)
        *picked = got;
}

/* Five phases, after every change a pick for each group compared with the
 * brute-force model (in group 0 a least count spans two sites; ties go to
 * site a, then to the first to reach the count):
 *   1. 60000 random ±1 changes (p = 0.5, never below 0): small counts, many ties;
 *   2. 100000 with p(+1) = 0.7: counts climb to several hundred;
 *   3. 140000 with p(+1) = 0.3: back down to 0;
 *   4. 60000 with nodes leaving and returning (2% of steps; a returning
 *      node joins its count's queue last), counts moving while offline, and
 *      every third pick with a random except;
 *   5. 100000 as a run does it: an arrival joins the picked server (+1) or
 *      a departure leaves a random non-empty one (−1), half and half. */
static void test_shortest_queue_brute_force(void **state)
{
    (void)state;
    test_world tw;
    world_load(&tw, jsq_text);
    world_start(&tw, 2, jsq_groups, -1);
    ew_world *w = &tw.w;
    assert_int_equal(w->n_servers, 60);
    assert_ptr_equal(ew_routing_find(tw.s->routing), &ew_routing_shortest_queue);
    gsl_rng *r = ew_rng_alloc(99, 0, EW_STREAM_ROUTING);
    ew_route_query q0 = query(&tw, 0, EW_NONE), q1 = query(&tw, 1, EW_NONE);
    /* all at 0: the first server of each group */
    assert_int_equal(pick(&tw, &ew_routing_shortest_queue, &q0, NULL), 0);
    assert_int_equal(pick(&tw, &ew_routing_shortest_queue, &q1, NULL), 50);

    static const struct { int steps; double p_up, p_leave, p_except; } phases[] = {
        {60000, 0.5, 0, 0}, {100000, 0.7, 0, 0}, {140000, 0.3, 0, 0}, {60000, 0.5, 0.02, 0.33}};
    uint32_t peak = 0, cross_site_ties = 0;
    int ties = 0;
    char name[32];
    for (size_t ph = 0; ph < sizeof phases / sizeof phases[0]; ph++) {
        snprintf(name, sizeof name, "phase %zu", ph + 1);
        for (int k = 0; k < phases[ph].steps; k++) {
            uint32_t i = (uint32_t)gsl_rng_uniform_int(r, 60);
            if (gsl_rng_uniform(r) < phases[ph].p_leave) {
                set_offline(&tw, i, BIT_NODE, ew_world_is_online(w, i));
            } else {
                uint32_t c = w->servers[i].in_system;
                set_count(&tw, i, c == 0 || gsl_rng_uniform(r) < phases[ph].p_up ? c + 1 : c - 1);
            }
            if (w->servers[i].in_system > peak)
                peak = w->servers[i].in_system;
            uint32_t except = EW_NONE;
            if (gsl_rng_uniform(r) < phases[ph].p_except)
                except = (uint32_t)gsl_rng_uniform_int(r, 50);
            uint32_t got;
            jsq_compare(&tw, 0, except, name, tw.step, &got);
            jsq_compare(&tw, 1, EW_NONE, name, tw.step, NULL);
            uint32_t n_min = 0, in_a = 0;
            for (uint32_t j = 0; j < 50 && got != EW_NONE; j++)
                if (ew_world_is_online(w, j) && j != except &&
                    w->servers[j].in_system == w->servers[got].in_system) {
                    n_min++;
                    in_a += j < 20;
                }
            if (got == EW_NONE)
                continue;
            ties += n_min > 1;
            cross_site_ties += in_a > 0 && in_a < n_min;
        }
    }
    assert_true(peak > 300);             /* phase 2 went well past small counts */
    assert_true(ties > 10000);           /* the tie rule was exercised */
    assert_true(cross_site_ties > 1000); /* and the earlier-site rule */
    for (uint32_t i = 0; i < 60; i++)
        set_offline(&tw, i, BIT_NODE, 0);
    for (int k = 0; k < 100000; k++) {
        uint32_t i;
        if (gsl_rng_uniform(r) < 0.5) {
            i = pick(&tw, &ew_routing_shortest_queue, &q0, r);
            set_count(&tw, i, w->servers[i].in_system + 1);
        } else {
            int tries = 0;
            do
                i = (uint32_t)gsl_rng_uniform_int(r, 50);
            while (w->servers[i].in_system == 0 && ++tries < 1000);
            if (w->servers[i].in_system == 0)
                continue;
            set_count(&tw, i, w->servers[i].in_system - 1);
        }
        jsq_compare(&tw, 0, EW_NONE, "phase 5", tw.step, NULL);
    }
    /* every server of group 0 offline: none, while group 1 still has some */
    for (uint32_t i = 0; i < 50; i++)
        set_offline(&tw, i, BIT_OUTAGE, 1);
    assert_int_equal(pick(&tw, &ew_routing_shortest_queue, &q0, NULL), EW_NONE);
    assert_true(pick(&tw, &ew_routing_shortest_queue, &q1, NULL) >= 50);
    gsl_rng_free(r);
    world_free(&tw);
}

/* A world that is not empty when routing starts: counts 3 1 4 1 5 9 2 6
 * 5 3 ... (digits of π) on the first servers, 7 on the rest (site b from
 * server 20). The pick is server 1 (count 1, first in index order; server 3
 * also has 1); after server 1 rises to 2, server 3. After 3 rises to 2 the
 * least count 2 is held by 6 (since the start), then 1 and 3 (in the order
 * they reached it): 6. After 6 rises, 1. With except = 1, then 3. */
static void test_shortest_queue_initial_counts(void **state)
{
    (void)state;
    static const uint32_t digits[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
    test_world tw;
    world_load(&tw, jsq_text);
    ew_world *w = &tw.w;
    for (uint32_t i = 0; i < 50; i++)
        w->servers[i].in_system = i < 10 ? digits[i] : 7;
    world_start(&tw, 2, jsq_groups, -1);
    const ew_routing_policy *p = &ew_routing_shortest_queue;
    ew_route_query q = query(&tw, 0, EW_NONE);
    expect_pick(&tw, p, &q, 1, "initial counts");
    set_count(&tw, 1, 2);
    expect_pick(&tw, p, &q, 3, "1 rose to 2");
    set_count(&tw, 3, 2);
    expect_pick(&tw, p, &q, 6, "3 rose to 2");
    set_count(&tw, 6, 3);
    expect_pick(&tw, p, &q, 1, "6 rose to 3");
    q.except = 1;
    expect_pick(&tw, p, &q, 3, "except 1");
    world_free(&tw);
}

/* The same with large starting counts (100, 70, 200 on servers 0..2, 150 on
 * the rest of group 0): the pools must place them, whatever their size, and
 * the pick is server 1. Run in a child process: an out-of-bounds write here
 * would otherwise corrupt the rest of the run. Child exit: 0 ok, 2 init
 * failed, 3 wrong pick (the pick is printed), else a sanitizer's code. */
static void test_shortest_queue_large_initial_counts(void **state)
{
    (void)state;
    test_world tw;
    world_load(&tw, jsq_text);
    ew_world *w = &tw.w;
    for (uint32_t i = 0; i < 50; i++)
        w->servers[i].in_system = i == 0 ? 100 : i == 1 ? 70 : i == 2 ? 200 : 150;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        default_signals();
        w->track_load = 1;
        if (ew_world_init(w, 2, jsq_groups))
            _exit(2);
        ew_route_query q = {0, EW_NONE, EW_ACCESS_FIBRE, EW_NONE};
        uint32_t got = ew_routing_shortest_queue.pick(NULL, w, &q, NULL);
        if (got != 1) {
            fprintf(stderr, "large initial counts: picked %d, expected 1\n", (int)got);
            _exit(3);
        }
        ew_world_free(w);
        _exit(0);
    }
    int status = 0;
    pid_t waited = waitpid(pid, &status, 0);
    world_free(&tw);   /* before any failure, so that a failure leaks nothing */
    assert_int_equal(waited, pid);
    if (WIFSIGNALED(status))
        fail_msg("world with counts >= 64 crashed (signal %d)", WTERMSIG(status));
    if (WEXITSTATUS(status) != 0)
        fail_msg("world with counts 100, 70, 200, 150...: %s (child exit %d)",
                 WEXITSTATUS(status) == 2   ? "ew_world_init failed"
                 : WEXITSTATUS(status) == 3 ? "wrong pick (see above)"
                                            : "a sanitizer report (see above)",
                 WEXITSTATUS(status));
}

/* ---- dc_only ---- */

/* Edge sites listed first, so that "the first site" is an edge site:
 * e1 (edge, servers 0..3), dc1 (4..6), e2 (edge, 7..8), dc2 (9..10). */
static const char dc_text[] =
    "name: d\nrun: {duration: 1h}\n"
    "workload: {arrivals: {rate: 1/s}, service: {distribution: exponential, mean: 1s}}\n"
    "routing: {policy: dc_only}\n"
    "sites:\n"
    "  - {name: e1, kind: edge, servers: 4, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: dc1, servers: 3, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: e2, kind: edge, servers: 2, slots: 2, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: dc2, kind: datacentre, servers: 2, slots: 2, speed: 2, "
    "power: {idle: 1W, busy: 2W}}\n";

/* All idle: dc1's first server, 4 (edge e1 is earlier but excluded).
 * Data centres loaded 7, 5, 6 | 5, 8 and edge nodes idle: the least count
 * among data-centre servers is 5, at 5 (dc1) and 9 (dc2): the earlier site,
 * 5. After 5 rises to 6: 9. With except = 9: dc2 offers 10 (8), dc1 its
 * count 6, where 6 has been since before 5 reached it: 6. Then random
 * changes against the brute force
 * (never an edge server). Every data-centre server offline: EW_NONE, with
 * eight idle edge nodes online. */
static void test_dc_only(void **state)
{
    (void)state;
    test_world tw;
    world_build(&tw, dc_text);
    const ew_routing_policy *p = ew_routing_find(tw.s->routing);
    assert_ptr_equal(p, &ew_routing_dc_only);
    ew_world *w = &tw.w;
    assert_int_equal(w->n_servers, 11);
    assert_true(w->site[0].edge && w->site[2].edge);
    assert_false(w->site[1].edge || w->site[3].edge);
    ew_route_query q = query(&tw, 0, EW_NONE);
    expect_pick(&tw, p, &q, 4, "all idle");
    static const uint32_t dc[5] = {4, 5, 6, 9, 10}, load[5] = {7, 5, 6, 5, 8};
    for (int j = 0; j < 5; j++)
        set_count(&tw, dc[j], load[j]);
    expect_pick(&tw, p, &q, 5, "data centres loaded, edges idle");
    set_count(&tw, 5, 6);
    expect_pick(&tw, p, &q, 9, "5 rose to 6");
    q.except = 9;
    expect_pick(&tw, p, &q, 6, "except 9");
    q.except = EW_NONE;

    gsl_rng *r = ew_rng_alloc(31337, 0, EW_STREAM_ROUTING);
    for (int k = 0; k < 30000; k++) {
        uint32_t i = (uint32_t)gsl_rng_uniform_int(r, w->n_servers);
        if (gsl_rng_uniform(r) < 0.1) {
            set_offline(&tw, i, BIT_NODE, gsl_rng_uniform(r) < 0.4);
        } else {
            uint32_t c = w->servers[i].in_system;
            /* edge nodes stay lighter than the data centre */
            double up = w->site[w->servers[i].site].edge ? 0.3 : 0.6;
            set_count(&tw, i, c == 0 || gsl_rng_uniform(r) < up ? c + 1 : c - 1);
        }
        q.except = gsl_rng_uniform(r) < 0.3 ? dc[gsl_rng_uniform_int(r, 5)] : EW_NONE;
        uint32_t want = bf_expected(&tw, p, &q), got = pick(&tw, p, &q, r);
        if (got != want || (got != EW_NONE && w->site[w->servers[got].site].edge))
            fail_msg("random step %d: dc_only picked %d, expected %d", k, (int)got, (int)want);
    }
    q.except = EW_NONE;
    for (uint32_t i = 0; i < 11; i++) {
        set_count(&tw, i, 0);
        set_offline(&tw, i, BIT_NODE, 0);
    }
    for (int j = 0; j < 5; j++)
        set_offline(&tw, dc[j], BIT_OUTAGE, 1);
    expect_pick(&tw, p, &q, EW_NONE, "every data-centre server offline");
    set_offline(&tw, 10, BIT_OUTAGE, 0);
    expect_pick(&tw, p, &q, 10, "10 back");
    gsl_rng_free(r);
    world_free(&tw);
}

/* ---- geography: round trips, predictions, edge and carbon and cost ---- */

/* A client in de on fibre; the latency objective 500 ms. Sites, servers,
 * room (slots), request_s = 200 ms / speed, round trip from de (header):
 *   0 dc_us  us-east datacentre  0..2   room 4  0.05 s  100.9816 ms
 *   1 e_fr   fr edge             3..4   room 2  0.4 s    57.9768 ms
 *   2 e_jp   jp edge (tariff 0.05 USD/kWh)  5..6  room 2  0.4 s  149.3697 ms
 *   3 e_pl   pl edge             7..9   room 2  0.4 s    53.8803 ms
 *   4 e_no   no edge            10..11  room 2  0.4 s    57.5303 ms
 *   5 e_no_b no edge            12      room 2  0.4 s    57.5303 ms
 *   6 x_de   de datacentre      13..14  (group 1; group 0 is sites 0..5)
 * Carbon [g/kWh] and price [USD/kWh] from data/grid (edge nodes pay the
 * residential price): us-east 403 / 0.1426 (the tariff: data centres would
 * pay the industrial price), fr 44.18 / 0.3149, jp 482.32 / 0.05 (the
 * tariff), pl 614.98 / 0.2814, no 30.75 / 0.1201, de 344.14 / 0.4244 (the
 * tariff). Sites are listed out of distance order. */
static const char geo_text[] =
    "name: g\nrun: {duration: 1h}\n"
    "workload:\n"
    "  arrivals: {rate: 1/s}\n"
    "  service: {distribution: exponential, mean: 200ms}\n"
    "  clients: [{region: de, access: fibre, share: 1}]\n"
    "routing: {policy: edge_first, latency_objective: 500ms}\n"
    "sites:\n"
    "  - {name: dc_us, region: us-east, tariff: 0.1426 USD/kWh, servers: 3, slots: 4, speed: 4, "
    "power: {idle: 1W, busy: 2W}}\n"
    "  - {name: e_fr, kind: edge, region: fr, servers: 2, slots: 2, speed: 0.5, "
    "power: {idle: 1W, busy: 2W}}\n"
    "  - {name: e_jp, kind: edge, region: jp, tariff: 0.05 USD/kWh, servers: 2, slots: 2, "
    "speed: 0.5, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: e_pl, kind: edge, region: pl, servers: 3, slots: 2, speed: 0.5, "
    "power: {idle: 1W, busy: 2W}}\n"
    "  - {name: e_no, kind: edge, region: no, servers: 2, slots: 2, speed: 0.5, "
    "power: {idle: 1W, busy: 2W}}\n"
    "  - {name: e_no_b, kind: edge, region: no, servers: 1, slots: 2, speed: 0.5, "
    "power: {idle: 1W, busy: 2W}}\n"
    "  - {name: x_de, region: de, tariff: 0.4244 USD/kWh, servers: 2, "
    "power: {idle: 1W, busy: 2W}}\n";
static const uint32_t geo_groups[] = {0, 0, 0, 0, 0, 0, 1};

static void geo_build(test_world *tw)
{
    world_load(tw, geo_text);
    world_start(tw, 2, geo_groups, -1);
    assert_int_equal(tw->w.n_servers, 15);
    assert_non_null(tw->w.net);
}

/* ew_world_rtt_s against the header's hand figures (rounded to 0.1 µs:
 * relative 1e-5), and ew_routing_predict_s = rtt + request_s·(1 + ⌊n/room⌋):
 * dc_us at 27 in system: 0.1009816 + 0.05·(1 + 6) = 0.4509816 s; at 28:
 * 0.05·8 → 0.5009816 s; e_pl at 0 and 1: 0.0538803 + 0.4 = 0.4538803 s; at
 * 2: + 0.8 → 0.8538803 s. Without geography (no client region) the round
 * trip is 0. The site table's carbon and price as in the header. */
static void test_rtt_and_predict(void **state)
{
    (void)state;
    test_world tw;
    geo_build(&tw);
    const ew_world *w = &tw.w;
    ew_route_query q = query(&tw, 0, EW_NONE);
    check_rel("last mile, fibre", tw.net.last_mile_s[EW_ACCESS_FIBRE], 0.024, 1e-12);
    check_rel("last mile, datacentre", tw.net.last_mile_s[EW_ACCESS_DATACENTRE], 0.0005, 1e-12);
    assert_int_equal(w->site[0].access, EW_ACCESS_DATACENTRE);
    assert_int_equal(w->site[1].access, EW_ACCESS_FIBRE);
    static const double rtt[6] = {0.1009816, 0.0579768, 0.1493697, 0.0538803, 0.0575303,
                                  0.0575303};
    for (uint32_t k = 0; k < 6; k++) {
        char what[96];
        snprintf(what, sizeof what, "rtt de -> %s", tw.s->sites[k].name);
        check_rel(what, ew_world_rtt_s(w, q.client_region, q.client_access, k), rtt[k], 1e-5);
    }
    /* x_de: same region, fibre client + datacentre server: 24.5 ms */
    check_rel("rtt de -> x_de", ew_world_rtt_s(w, q.client_region, q.client_access, 6), 0.0245,
              1e-9);
    assert_true(ew_world_rtt_s(w, EW_NONE, EW_ACCESS_FIBRE, 0) == 0.0);
    check_rel("predict dc_us, 27", ew_routing_predict_s(w, &q, 0, 27), 0.4509816, 1e-6);
    check_rel("predict dc_us, 28", ew_routing_predict_s(w, &q, 0, 28), 0.5009816, 1e-6);
    check_rel("predict e_pl, 0", ew_routing_predict_s(w, &q, 3, 0), 0.4538803, 1e-6);
    check_rel("predict e_pl, 1", ew_routing_predict_s(w, &q, 3, 1), 0.4538803, 1e-6);
    check_rel("predict e_pl, 2", ew_routing_predict_s(w, &q, 3, 2), 0.8538803, 1e-6);
    check_rel("predict e_jp, 0", ew_routing_predict_s(w, &q, 2, 0), 0.5493697, 1e-6);
    ew_route_query nowhere = {0, EW_NONE, EW_ACCESS_FIBRE, EW_NONE};
    check_rel("predict e_pl, 3, no geography", ew_routing_predict_s(w, &nowhere, 3, 3), 0.8,
              1e-12);
    static const double carbon[7] = {403, 44.18, 482.32, 614.98, 30.75, 30.75, 344.14};
    static const double price[7] = {0.1426, 0.3149, 0.05, 0.2814, 0.1201, 0.1201, 0.4244};
    for (uint32_t k = 0; k < 7; k++) {
        check_rel("carbon", w->site[k].carbon_g_per_kwh, carbon[k], 1e-12);
        check_rel("price", w->site[k].price_usd_per_kwh, price[k], 1e-12);
    }
    check_rel("latency objective", tw.s->latency_objective_s, 0.5, 1e-12);
    world_free(&tw);
}

/* edge_first and edge_only on hand-built states (see the table above geo_text):
 *   a. all idle: the nearest edge site is e_pl (53.88 ms): 7, for both.
 *      With except = 7: 8 (e_pl's next, idle).
 *   b. e_pl at 2, 1, 2 (room 2): its least loaded node, 8, has room: 8.
 *   c. 8 to 2, e_pl full: e_no and e_no_b tie at 57.53 ms, both idle: the
 *      earlier site, e_no: 10.
 *   d. 10, 11 to 1: e_no's least is 1, e_no_b's 0: the lower load, 12.
 *   e. e_no, e_no_b full (2): e_fr at 57.98 ms: 3.
 *   f. e_fr's nodes offline: e_jp at 149.37 ms: 5.
 *   g. 5 to 2, 6 offline: every edge node full or offline. Data centre at
 *      9, 3, 3 (0 first, then 1, then 2), more loaded than any edge node:
 *      edge_first takes it, the least loaded, first to reach 3: 1.
 *      edge_only: the least loaded edge node; all online ones at 2, the
 *      earliest site holding one is e_jp: 5.
 *   h. the data centre offline: edge_first as edge_only: 5. With 5 at 3:
 *      e_pl's nodes at 2 reached it in the order 7, 9 (step b), 8 (c): 7.
 *   i. the data centre back (cleared in the order 0, 1, 2): edge_first 1
 *      (3 in system, back before 2), edge_only 7.
 *   k. every edge node offline: edge_only EW_NONE, edge_first 1.
 * Group 1 (x_de only, a data centre): edge_first 13, edge_only EW_NONE. */
static void test_edge_first_and_only(void **state)
{
    (void)state;
    test_world tw;
    geo_build(&tw);
    const ew_routing_policy *ef = &ew_routing_edge_first, *eo = &ew_routing_edge_only;
    assert_ptr_equal(ew_routing_find(tw.s->routing), ef);
    ew_route_query q = query(&tw, 0, EW_NONE), q1 = query(&tw, 1, EW_NONE);
    expect_pick(&tw, ef, &q, 7, "a. all idle");
    expect_pick(&tw, eo, &q, 7, "a. all idle");
    expect_pick(&tw, ef, &q1, 13, "group 1");
    expect_pick(&tw, eo, &q1, EW_NONE, "group 1");
    q.except = 7;
    expect_pick(&tw, ef, &q, 8, "a. except 7");
    expect_pick(&tw, eo, &q, 8, "a. except 7");
    q.except = EW_NONE;
    set_count(&tw, 7, 2);
    set_count(&tw, 8, 1);
    set_count(&tw, 9, 2);
    expect_pick(&tw, ef, &q, 8, "b. e_pl at 2 1 2");
    expect_pick(&tw, eo, &q, 8, "b. e_pl at 2 1 2");
    set_count(&tw, 8, 2);
    expect_pick(&tw, ef, &q, 10, "c. e_pl full");
    expect_pick(&tw, eo, &q, 10, "c. e_pl full");
    set_count(&tw, 10, 1);
    set_count(&tw, 11, 1);
    expect_pick(&tw, ef, &q, 12, "d. e_no at 1");
    expect_pick(&tw, eo, &q, 12, "d. e_no at 1");
    set_count(&tw, 10, 2);
    set_count(&tw, 11, 2);
    set_count(&tw, 12, 2);
    expect_pick(&tw, ef, &q, 3, "e. e_no, e_no_b full");
    expect_pick(&tw, eo, &q, 3, "e. e_no, e_no_b full");
    set_offline(&tw, 3, BIT_NODE, 1);
    set_offline(&tw, 4, BIT_NODE, 1);
    expect_pick(&tw, ef, &q, 5, "f. e_fr offline");
    expect_pick(&tw, eo, &q, 5, "f. e_fr offline");
    set_count(&tw, 5, 2);
    set_offline(&tw, 6, BIT_NODE, 1);
    set_count(&tw, 0, 9);
    set_count(&tw, 1, 3);
    set_count(&tw, 2, 3);
    expect_pick(&tw, ef, &q, 1, "g. every edge node full or offline");
    expect_pick(&tw, eo, &q, 5, "g. every edge node full or offline");
    for (uint32_t i = 0; i < 3; i++)
        set_offline(&tw, i, BIT_OUTAGE, 1);
    expect_pick(&tw, ef, &q, 5, "h. no data centre online");
    expect_pick(&tw, eo, &q, 5, "h. no data centre online");
    set_count(&tw, 5, 3);
    expect_pick(&tw, ef, &q, 7, "h. 5 at 3");
    expect_pick(&tw, eo, &q, 7, "h. 5 at 3");
    for (uint32_t i = 0; i < 3; i++)
        set_offline(&tw, i, BIT_OUTAGE, 0);
    expect_pick(&tw, ef, &q, 1, "i. data centre back");
    expect_pick(&tw, eo, &q, 7, "i. data centre back");
    for (uint32_t i = 3; i < 13; i++)
        set_offline(&tw, i, BIT_OUTAGE, 1);
    expect_pick(&tw, ef, &q, 1, "k. every edge node offline");
    expect_pick(&tw, eo, &q, EW_NONE, "k. every edge node offline");
    world_free(&tw);
}

/* Only edge sites, no data centre (e_pl 0..1, e_fr 2..3, room 2): idle,
 * e_pl's 0; e_pl full (2, 2): e_fr's 2; everything full at 2 except 3 at 3
 * and 1 at 4: the least loaded edge node, 0 (e_pl, the earlier site; 2 is
 * at 2 too). Then 0 to 5: 2. */
static const char edge_only_text[] =
    "name: e\nrun: {duration: 1h}\n"
    "workload:\n"
    "  arrivals: {rate: 1/s}\n"
    "  service: {distribution: exponential, mean: 200ms}\n"
    "  clients: [{region: de, access: fibre, share: 1}]\n"
    "routing: {policy: edge_first}\n"
    "sites:\n"
    "  - {name: e_pl, kind: edge, region: pl, servers: 2, slots: 2, power: {idle: 1W, busy: 2W}}\n"
    "  - {name: e_fr, kind: edge, region: fr, servers: 2, slots: 2, power: {idle: 1W, busy: 2W}}\n";

static void test_edge_first_no_datacentre(void **state)
{
    (void)state;
    test_world tw;
    world_build(&tw, edge_only_text);
    const ew_routing_policy *ef = &ew_routing_edge_first;
    ew_route_query q = query(&tw, 0, EW_NONE);
    expect_pick(&tw, ef, &q, 0, "idle");
    set_count(&tw, 0, 2);
    set_count(&tw, 1, 2);
    expect_pick(&tw, ef, &q, 2, "e_pl full");
    set_count(&tw, 2, 2);
    set_count(&tw, 3, 3);
    set_count(&tw, 1, 4);
    expect_pick(&tw, ef, &q, 0, "all full, no data centre");
    expect_pick(&tw, &ew_routing_edge_only, &q, 0, "all full, no data centre");
    set_count(&tw, 0, 5);
    expect_pick(&tw, ef, &q, 2, "0 at 5");
    world_free(&tw);
}

/* latency_aware by hand: all idle, dc_us predicts 0.1510 s against e_pl's
 * 0.4539: 0. Every dc_us server at 27 (0 first): 0.4510 < 0.4539, still 0;
 * at 28: 0.5010 > 0.4539: e_pl's 7. Group 1: 13. */
static void test_latency_aware(void **state)
{
    (void)state;
    test_world tw;
    geo_build(&tw);
    const ew_routing_policy *p = &ew_routing_latency_aware;
    ew_route_query q = query(&tw, 0, EW_NONE), q1 = query(&tw, 1, EW_NONE);
    expect_pick(&tw, p, &q, 0, "all idle");
    expect_pick(&tw, p, &q1, 13, "group 1");
    for (uint32_t i = 0; i < 3; i++)
        set_count(&tw, i, 27);
    expect_pick(&tw, p, &q, 0, "data centre at 27");
    for (uint32_t i = 0; i < 3; i++)
        set_count(&tw, i, 28);
    expect_pick(&tw, p, &q, 7, "data centre at 28");
    q.except = 7;
    expect_pick(&tw, p, &q, 8, "data centre at 28, except 7");
    world_free(&tw);
}

/* carbon_aware by hand (objective 500 ms; e_jp predicts 0.549 s, never
 * meets it while the objective is 500 ms):
 *   idle: cleanest meeting it: e_no and e_no_b (30.75), tie on carbon, equal
 *     load: the earlier, e_no: 10.
 *   10, 11 at 1 (predict 0.4575 s, room): e_no_b at 0, the lower load: 12.
 *   e_no, e_no_b full: e_fr (44.18): 3; e_fr at 1, 1: still 3 (first to 1).
 *   e_fr full: us-east (403) against pl (614.98): 0.
 *   data centre offline: objective 500 ms: e_pl 7; objective 1 s: e_jp
 *     (482.32, predict 0.549 s) beats e_pl: 5.
 *   fallback: objective 300 ms, data centre back at 28 (0.501 s): no site
 *     meets it; latency_aware: e_pl (0.4539 s, idle) against dc_us (0.5010),
 *     e_jp (0.5494): 7.
 *   objective 100 ms, all idle: fallback to latency_aware: dc_us, 0. */
static void test_carbon_aware(void **state)
{
    (void)state;
    test_world tw;
    geo_build(&tw);
    const ew_routing_policy *p = &ew_routing_carbon_aware;
    ew_route_query q = query(&tw, 0, EW_NONE);
    expect_pick(&tw, p, &q, 10, "idle");
    set_count(&tw, 10, 1);
    set_count(&tw, 11, 1);
    expect_pick(&tw, p, &q, 12, "e_no at 1");
    set_count(&tw, 10, 2);
    set_count(&tw, 11, 2);
    set_count(&tw, 12, 2);
    expect_pick(&tw, p, &q, 3, "e_no, e_no_b full");
    set_count(&tw, 3, 1);
    set_count(&tw, 4, 1);
    expect_pick(&tw, p, &q, 3, "e_fr at 1");
    set_count(&tw, 3, 2);
    set_count(&tw, 4, 2);
    expect_pick(&tw, p, &q, 0, "e_fr full");
    for (uint32_t i = 0; i < 3; i++)
        set_offline(&tw, i, BIT_NODE, 1);
    expect_pick(&tw, p, &q, 7, "data centre offline");
    tw.s->latency_objective_s = 1.0;
    expect_pick(&tw, p, &q, 5, "data centre offline, objective 1 s");
    tw.s->latency_objective_s = 0.3;
    for (uint32_t i = 0; i < 3; i++) {
        set_count(&tw, i, 28);
        set_offline(&tw, i, BIT_NODE, 0);
    }
    expect_pick(&tw, p, &q, 7, "no site meets 300 ms");
    for (uint32_t i = 0; i < 15; i++)
        set_count(&tw, i, 0);
    tw.s->latency_objective_s = 0.1;
    expect_pick(&tw, p, &q, 0, "no site meets 100 ms, idle");
    world_free(&tw);
}

/* cost_aware by hand (objective 500 ms):
 *   idle: cheapest meeting it: e_no, e_no_b (0.1201; e_jp's 0.05 tariff
 *     misses the objective at 0.549 s): 10.
 *   objective 600 ms: e_jp meets it: 5.
 *   objective 500 ms, e_no, e_no_b full: us-east (0.1426): 0.
 *   data centre at 28 (0.501 s, misses): e_pl (0.2814) before e_fr
 *     (0.3149): 7.
 *   objective 100 ms, all idle: none meets it: latency_aware, 0. */
static void test_cost_aware(void **state)
{
    (void)state;
    test_world tw;
    geo_build(&tw);
    const ew_routing_policy *p = &ew_routing_cost_aware;
    ew_route_query q = query(&tw, 0, EW_NONE);
    expect_pick(&tw, p, &q, 10, "idle");
    tw.s->latency_objective_s = 0.6;
    expect_pick(&tw, p, &q, 5, "objective 600 ms");
    tw.s->latency_objective_s = 0.5;
    set_count(&tw, 10, 2);
    set_count(&tw, 11, 2);
    set_count(&tw, 12, 2);
    expect_pick(&tw, p, &q, 0, "e_no, e_no_b full");
    for (uint32_t i = 0; i < 3; i++)
        set_count(&tw, i, 28);
    expect_pick(&tw, p, &q, 7, "data centre at 28");
    for (uint32_t i = 0; i < 15; i++)
        set_count(&tw, i, 0);
    tw.s->latency_objective_s = 0.1;
    expect_pick(&tw, p, &q, 0, "no site meets 100 ms");
    world_free(&tw);
}

/* Every deterministic policy against its brute-force rule on the geography
 * world over 40000 random states: counts 0..6 drifting (edge nodes around
 * their room of 2, the data centre around its 4), nodes leaving and
 * returning (10% of steps), except a random server of the group or none,
 * objectives 0.3, 0.5 and 0.8 s in turn. Group 1 checked too. Each policy
 * must also never return an offline or excepted server, nor one of another
 * group. */
static void test_geo_brute_force(void **state)
{
    (void)state;
    static const ew_routing_policy *const pols[] = {
        &ew_routing_shortest_queue, &ew_routing_dc_only,        &ew_routing_edge_only,
        &ew_routing_edge_first,     &ew_routing_latency_aware, &ew_routing_carbon_aware,
        &ew_routing_cost_aware};
    static const double objective[] = {0.3, 0.5, 0.8};
    test_world tw;
    geo_build(&tw);
    ew_world *w = &tw.w;
    gsl_rng *r = ew_rng_alloc(5150, 2, EW_STREAM_ROUTING);
    uint64_t hits[7][16] = {{0}};
    for (int k = 0; k < 40000; k++) {
        uint32_t i = (uint32_t)gsl_rng_uniform_int(r, w->n_servers);
        if (gsl_rng_uniform(r) < 0.1) {
            set_offline(&tw, i, BIT_NODE, gsl_rng_uniform(r) < 0.35);
        } else {
            uint32_t c = w->servers[i].in_system, top = w->site[w->servers[i].site].edge ? 3 : 6;
            int up = c == 0 || (c < top && gsl_rng_uniform(r) < 0.5);
            set_count(&tw, i, up ? c + 1 : c - 1);
        }
        tw.s->latency_objective_s = objective[(k / 100) % 3];
        for (uint32_t g = 0; g < 2; g++) {
            uint32_t except = EW_NONE;
            if (gsl_rng_uniform(r) < 0.3)
                except = g == 0 ? (uint32_t)gsl_rng_uniform_int(r, 13)
                                : 13 + (uint32_t)gsl_rng_uniform_int(r, 2);
            ew_route_query q = query(&tw, g, except);
            for (size_t j = 0; j < sizeof pols / sizeof pols[0]; j++) {
                uint32_t want = bf_expected(&tw, pols[j], &q);
                uint32_t got = pick(&tw, pols[j], &q, r);
                if (got != want) {
                    char buf[2048];
                    fail_msg("random step %d, group %u, objective %g s: %s picked %d, expected %d "
                             "(except %d; counts%s)", k, g, tw.s->latency_objective_s,
                             pols[j]->name, (int)got, (int)want, (int)except,
                             describe(&tw, buf, sizeof buf));
                }
                if (got != EW_NONE &&
                    (got == except || !ew_world_is_online(w, got) ||
                     group_of_server(&tw, got) != g))
                    fail_msg("random step %d: %s returned %d", k, pols[j]->name, (int)got);
                if (got != EW_NONE)
                    hits[j][got]++;
            }
        }
    }
    /* the random states reached every kind of answer: edge_first chose a
     * data-centre server and edge nodes; edge_only never a data-centre one */
    uint64_t ef_dc = hits[3][0] + hits[3][1] + hits[3][2], ef_edge = 0;
    for (uint32_t i = 3; i < 13; i++)
        ef_edge += hits[3][i];
    assert_true(ef_dc > 100 && ef_edge > 100);
    assert_int_equal(hits[2][0] + hits[2][1] + hits[2][2], 0);
    uint64_t dc_edge = 0;
    for (uint32_t i = 3; i < 13; i++)
        dc_edge += hits[1][i];
    assert_int_equal(dc_edge, 0);
    gsl_rng_free(r);
    world_free(&tw);
}

/* ---- power of two ---- */

/* Nine servers in two sites. Online with distinct loads: 0:3, 3:0, 4:5,
 * 5:1, 7:4, 8:2; server 1 online with load 0 but excepted; 2 and 6 offline
 * with load 0. Two independent uniform draws over the six, the lesser load
 * kept: the pick has the j-th lowest load (j = 0..5) with probability
 * P(min rank = j) = ((6 − j)² − (5 − j)²)/36 = (11 − 2j)/36: 11, 9, 7, 5,
 * 3, 1 /36 (χ² on 5 df; 10^6 picks). Mean load 55/36 = 1.528 against
 * uniform's 2.5, and its distribution stochastically lower than uniform's
 * (the CDFs, compared at every load). Then an exact check with random
 * loads: a copy of the stream drawn twice with ew_world_random_online must
 * give the two candidates, and the pick is one with the lesser load. */
static void test_power_of_two(void **state)
{
    (void)state;
    enum { N = 1000000 };
    test_world tw;
    world_build(&tw, nine_text);
    ew_world *w = &tw.w;
    const ew_routing_policy *p = &ew_routing_power_of_two, *u = &ew_routing_uniform;
    static const uint32_t load[9] = {3, 0, 0, 0, 5, 1, 0, 4, 2};
    for (uint32_t i = 0; i < 9; i++)
        set_count(&tw, i, load[i]);
    set_offline(&tw, 2, BIT_NODE, 1);
    set_offline(&tw, 6, BIT_OUTAGE, 1);
    ew_route_query q = query(&tw, 0, 1);
    gsl_rng *r = ew_rng_alloc(1729, 0, EW_STREAM_ROUTING);
    uint64_t by_load[6] = {0}, by_load_u[6] = {0};
    double sum = 0.0;
    for (int k = 0; k < N; k++) {
        uint32_t i = pick(&tw, p, &q, r);
        if (i >= 9 || i == 1 || i == 2 || i == 6)
            fail_msg("power_of_two pick %d returned %d (offline 2, 6; except 1)", k, (int)i);
        by_load[w->servers[i].in_system]++;
        sum += w->servers[i].in_system;
        i = pick(&tw, u, &q, r);
        by_load_u[w->servers[i].in_system]++;
    }
    const double prob[6] = {11 / 36.0, 9 / 36.0, 7 / 36.0, 5 / 36.0, 3 / 36.0, 1 / 36.0};
    chi2_check("power of two, by load rank", by_load, prob, 6, N);
    check_rel("power of two, mean load", sum / N, 55.0 / 36.0, 0.01);
    uint64_t cdf = 0, cdf_u = 0;
    for (int j = 0; j < 5; j++) {
        cdf += by_load[j];
        cdf_u += by_load_u[j];
        if (!(cdf > cdf_u))
            fail_msg("P(load <= %d): power of two %llu, uniform %llu of %d", j,
                     (unsigned long long)cdf, (unsigned long long)cdf_u, N);
    }

    /* exact: random loads and availability, the same stream replayed */
    gsl_rng *copy = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(copy);
    for (int k = 0; k < 100000; k++) {
        uint32_t i = (uint32_t)gsl_rng_uniform_int(r, 9);
        if (gsl_rng_uniform(r) < 0.05)
            set_offline(&tw, i, BIT_NODE, gsl_rng_uniform(r) < 0.3);
        else
            set_count(&tw, i, (uint32_t)gsl_rng_uniform_int(r, 8));
        q.except = gsl_rng_uniform(r) < 0.3 ? (uint32_t)gsl_rng_uniform_int(r, 9) : EW_NONE;
        assert_int_equal(gsl_rng_memcpy(copy, r), GSL_SUCCESS);
        uint32_t a = ew_world_random_online(w, 0, q.except, copy);
        uint32_t b = ew_world_random_online(w, 0, q.except, copy);
        uint32_t got = pick(&tw, p, &q, r);
        if (a == EW_NONE) {
            assert_int_equal(got, EW_NONE);
            continue;
        }
        uint32_t best = w->servers[a].in_system <= w->servers[b].in_system ? a : b;
        if ((got != a && got != b) ||
            w->servers[got].in_system != w->servers[best].in_system ||
            got == q.except || !ew_world_is_online(w, got))
            fail_msg("step %d: power_of_two picked %d (load %u), the draws were %d (%u) and %d "
                     "(%u), except %d", k, (int)got, got < 9 ? w->servers[got].in_system : 0u,
                     (int)a, w->servers[a].in_system, (int)b, w->servers[b].in_system,
                     (int)q.except);
    }
    /* one candidate only: it; none: EW_NONE */
    for (uint32_t i = 0; i < 9; i++)
        set_offline(&tw, i, BIT_OTHER, i != 4);
    q.except = EW_NONE;
    set_offline(&tw, 4, BIT_NODE, 0);
    set_offline(&tw, 4, BIT_OUTAGE, 0);
    assert_int_equal(pick(&tw, p, &q, r), 4);
    q.except = 4;
    assert_int_equal(pick(&tw, p, &q, r), EW_NONE);
    gsl_rng_free(copy);
    gsl_rng_free(r);
    world_free(&tw);
}

/* Every policy, random or not, on a group with no online server other
 * than the excepted one returns EW_NONE; with none online at all, too. */
static void test_all_policies_none(void **state)
{
    (void)state;
    test_world tw;
    geo_build(&tw);
    gsl_rng *r = ew_rng_alloc(42, 0, EW_STREAM_ROUTING);
    for (uint32_t i = 0; i < 13; i++)
        if (i != 8)
            set_offline(&tw, i, BIT_OUTAGE, 1);
    for (int j = 0; j < N_POLICIES; j++) {
        const ew_routing_policy *p = ew_routing_at(j);
        ew_route_query q = query(&tw, 0, 8);
        expect_pick_r(&tw, p, &q, EW_NONE, "only the excepted server online", r);
        q.except = EW_NONE;
        /* 8 is an edge node: dc_only has nothing; every other policy 8 */
        uint32_t got = pick(&tw, p, &q, r);
        assert_int_equal(got, p == &ew_routing_dc_only ? EW_NONE : 8);
    }
    set_offline(&tw, 8, BIT_OUTAGE, 1);
    for (int j = 0; j < N_POLICIES; j++) {
        ew_route_query q = query(&tw, 0, EW_NONE);
        expect_pick_r(&tw, ew_routing_at(j), &q, EW_NONE, "none online", r);
        q = query(&tw, 1, EW_NONE);   /* group 1 untouched */
        uint32_t got = pick(&tw, ew_routing_at(j), &q, r);
        if (ew_routing_at(j) == &ew_routing_edge_only)
            assert_int_equal(got, EW_NONE);
        else
            assert_true(got == 13 || got == 14);
    }
    gsl_rng_free(r);
    world_free(&tw);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_pool_brute_force),
        cmocka_unit_test(test_world_bookkeeping),
        cmocka_unit_test(test_random_online_except),
        cmocka_unit_test(test_uniform_chi2),
        cmocka_unit_test(test_weighted_chi2),
        cmocka_unit_test(test_weighted_groups),
        cmocka_unit_test(test_shortest_queue_brute_force),
        cmocka_unit_test(test_shortest_queue_initial_counts),
        cmocka_unit_test(test_shortest_queue_large_initial_counts),
        cmocka_unit_test(test_dc_only),
        cmocka_unit_test(test_rtt_and_predict),
        cmocka_unit_test(test_edge_first_and_only),
        cmocka_unit_test(test_edge_first_no_datacentre),
        cmocka_unit_test(test_latency_aware),
        cmocka_unit_test(test_carbon_aware),
        cmocka_unit_test(test_cost_aware),
        cmocka_unit_test(test_geo_brute_force),
        cmocka_unit_test(test_power_of_two),
        cmocka_unit_test(test_all_policies_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
