/* test_energy.c — exact energy accounting of the run driver (sim/run.c).
 *
 * Power is piecewise constant between events, so a schedule with
 * deterministic arrivals and service has an energy that can be worked out by
 * hand: the sum over states of draw × time in that state. Draws follow the
 * linear model of models/power/power.h (X. Fan, W.-D. Weber, L. A. Barroso,
 * ISCA 2007): a server that is on (or waking) draws
 *   P = P_idle + (P_busy − P_idle) · busy_slots / slots,
 * and P_off when off. The horizon is half-open, [0, T): an event at T is
 * not handled. Each hand value is written in the comment of its test and
 * again as arithmetic in the code; the tolerance is 1e-9 relative (what
 * remains is rounding of event times such as 2.5k + 1.1) unless stated.
 *
 * The last test runs stochastic multi-site scenarios and checks that the
 * independent integrals agree: per site (from counts of servers off and
 * slots busy), per server (from its state), per time bin, and in total.
 */
#define EW_TEST_NAME "test_energy"
#include "ew_test.h"

#define TOL 1e-9        /* relative, for hand-computed energies and times */


static void check_bin(const ew_results *r, uint32_t site, size_t b, double want_w)
{
    char what[64];
    snprintf(what, sizeof what, "site %u bin %zu power [W]", site, b);
    check_rel(what, r->bin_power_w[(size_t)site * r->n_bins + b], want_w, TOL);
}

/* ---- one server, constructed schedules ---- */

#define S1_YAML                                                                        \
    "name: schedule\n"                                                                 \
    "seed: 5\n"                                                                        \
    "run: {duration: %s, bin: 100s}\n"                                                 \
    "workload:\n"                                                                      \
    "  arrivals: {process: deterministic, rate: 0.4/s}\n"                              \
    "  service: {distribution: deterministic, mean: 1.1s}\n"                           \
    "routing: {policy: uniform}\n"                                                     \
    "sites:\n"                                                                         \
    "  - {name: one, servers: 1, power: {off: 3.1W, idle: 83.2W, busy: 291.7W}}\n"

/* Arrivals every 1/0.4 = 2.5 s from t = 0, each served for 1.1 s, alone
 * (1.1 < 2.5: no queue), on one server at 83.2 W idle and 291.7 W busy,
 * over [0, 1000 s).
 *   Arrivals: 2.5k < 1000 ⇔ k = 0..399: 400 (the one at t = 1000 is outside
 *     the half-open horizon). The last, at 997.5 s, leaves at 998.6 s, so
 *     400 completions and none in flight.
 *   Busy time 400 × 1.1 = 440 s, idle 1000 − 440 = 560 s.
 *   Energy 291.7 × 440 + 83.2 × 560 = 128348 + 46592 = 174940 J; mean power
 *     174.94 W; utilisation and mean number in system 0.44; every sojourn is
 *     exactly the service time, 1.1 s.
 *   Bins of 100 s: [100j, 100j + 100) holds the 40 arrivals 100j + 2.5i,
 *     i = 0..39, each finished by 100j + 98.6: 44 s busy, 56 s idle, so
 *     every bin is (291.7 × 44 + 83.2 × 56)/100 = 174.94 W. */
static void test_schedule_one_server(void **state)
{
    (void)state;
    ew_results *r = run_yaml(S1_YAML, "1000s");
    const ew_site_result *t = &r->total;
    assert_true(r->duration_s == 1000.0);
    assert_int_equal(t->arrivals, 400);
    assert_int_equal(t->completions, 400);
    assert_int_equal(t->in_flight, 0);
    assert_int_equal(t->latency_samples, 400);
    assert_int_equal(r->n_servers, 1);
    assert_int_equal(r->servers[0].arrivals, 400);
    assert_int_equal(r->servers[0].completions, 400);
    check_rel("busy time [s]", r->servers[0].busy_slot_s, 400 * 1.1, TOL);
    check_rel("off time [s]", r->servers[0].off_s, 0.0, 0.0);
    check_rel("energy [J]", t->energy_j, 291.7 * 440.0 + 83.2 * 560.0, TOL);
    check_rel("server energy [J]", r->servers[0].energy_j, 174940.0, TOL);
    check_rel("mean power [W]", t->mean_power_w, 174.94, TOL);
    check_rel("energy per query [J]", t->energy_per_query_j, 174940.0 / 400.0, TOL);
    check_rel("utilisation", t->utilisation, 0.44, TOL);
    check_rel("mean in system", t->mean_in_system, 0.44, TOL);
    check_rel("sojourn mean [s]", t->sojourn_mean_s, 1.1, 1e-12);
    check_rel("sojourn max [s]", t->sojourn_max_s, 1.1, 1e-12);
    assert_int_equal(r->n_bins, 10);
    for (size_t b = 0; b < r->n_bins; b++) {
        check_bin(r, 0, b, (291.7 * 44.0 + 83.2 * 56.0) / 100.0);
        assert_true(r->bin_arrivals[b] == 40.0);
    }
    ew_results_free(r);
}

/* The same schedule cut at T = 998.2 s, inside the last service:
 *   Arrivals 2.5k < 998.2 ⇔ k = 0..399: still 400; the last, at 997.5 s,
 *     would leave at 998.6 s > T: 399 completions, 1 in flight.
 *   Busy 399 × 1.1 + (998.2 − 997.5) = 438.9 + 0.7 = 439.6 s, idle
 *     998.2 − 439.6 = 558.6 s.
 *   Energy 291.7 × 439.6 + 83.2 × 558.6 = 128231.32 + 46475.52 = 174706.84 J.
 *   Bins 0..8 as above (174.94 W); bin 9 is [900, 998.2), 98.2 s wide, with
 *     39 × 1.1 + 0.7 = 43.6 s busy and 54.6 s idle:
 *     (291.7 × 43.6 + 83.2 × 54.6)/98.2 = 17260.84/98.2 ≈ 175.7723 W.
 *   Sojourn samples: the 399 completed, all 1.1 s. */
static void test_schedule_cut_in_service(void **state)
{
    (void)state;
    ew_results *r = run_yaml(S1_YAML, "998.2s");
    const ew_site_result *t = &r->total;
    assert_int_equal(t->arrivals, 400);
    assert_int_equal(t->completions, 399);
    assert_int_equal(t->in_flight, 1);
    assert_int_equal(t->latency_samples, 399);
    check_rel("busy time [s]", r->servers[0].busy_slot_s, 399 * 1.1 + 0.7, TOL);
    check_rel("energy [J]", t->energy_j, 291.7 * 439.6 + 83.2 * 558.6, TOL);
    check_rel("energy [J], by hand", t->energy_j, 174706.84, TOL);
    check_rel("server energy [J]", r->servers[0].energy_j, 174706.84, TOL);
    check_rel("mean power [W]", t->mean_power_w, 174706.84 / 998.2, TOL);
    check_rel("mean in system", t->mean_in_system, 439.6 / 998.2, TOL);
    check_rel("sojourn mean [s]", t->sojourn_mean_s, 1.1, 1e-12);
    assert_int_equal(r->n_bins, 10);
    for (size_t b = 0; b < 9; b++)
        check_bin(r, 0, b, 174.94);
    check_bin(r, 0, 9, (291.7 * 43.6 + 83.2 * 54.6) / 98.2);
    ew_results_free(r);
}

/* ---- several slots ---- */

/* One server with 3 slots, speed 1.5, idle 61.3 W, busy 247.9 W; demand
 * 3.15 s, so each query is served for 3.15/1.5 = 2.1 s; arrivals every
 * 1/0.8 = 1.25 s from 0; T = 100 s.
 *   Query k is in service over [1.25k, 1.25k + 2.1). Queries k and k + 1
 *   overlap over [1.25(k + 1), 1.25k + 2.1), 0.85 s; k and k + 2 never
 *   (2.5 > 2.1). So at most 2 of the 3 slots are busy, nobody waits, and the
 *   server is never idle (2.1 > 1.25).
 *   Arrivals 1.25k < 100 ⇔ k = 0..79: 80. Query 79 ([98.75, 100.85)) is cut
 *   at T: 79 completions, 1 in flight.
 *   Two busy: overlaps k = 0..78, all ending by 99.6 < T: 79 × 0.85 = 67.15 s.
 *   One busy: 100 − 67.15 = 32.85 s.
 *   Busy slot-time 32.85 + 2 × 67.15 = 167.15 slot·s = 79 × 2.1 + 1.25.
 *   P1 = 61.3 + 186.6/3 = 123.5 W, P2 = 61.3 + 2 × 186.6/3 = 185.7 W;
 *   energy 123.5 × 32.85 + 185.7 × 67.15 = 4056.975 + 12469.755
 *   = 16526.73 J. Utilisation 167.15/(3 × 100); in system = busy slots.
 *   Bins of 25 s: bin 0 holds the overlaps k = 0..18 (the one starting at
 *   25 s belongs to bin 1): 19 × 0.85 = 16.15 s with 2 busy, 8.85 s with 1;
 *   bins 1..3 hold 20 overlaps each: 17 s with 2 busy, 8 s with 1. */
static void test_three_slots_linear_power(void **state)
{
    (void)state;
    ew_results *r = run_yaml(
        "name: slots\n"
        "seed: 6\n"
        "run: {duration: 100s, bin: 25s}\n"
        "workload:\n"
        "  arrivals: {process: deterministic, rate: 0.8/s}\n"
        "  service: {distribution: deterministic, mean: 3.15s}\n"
        "routing: {policy: uniform}\n"
        "sites:\n"
        "  - {name: three, servers: 1, slots: 3, speed: 1.5,\n"
        "     power: {off: 5.2W, idle: 61.3W, busy: 247.9W}}\n");
    const ew_site_result *t = &r->total;
    const double p1 = 61.3 + (247.9 - 61.3) / 3.0, p2 = 61.3 + 2.0 * (247.9 - 61.3) / 3.0;
    assert_int_equal(t->arrivals, 80);
    assert_int_equal(t->completions, 79);
    assert_int_equal(t->in_flight, 1);
    check_rel("busy slot-time [slot s]", r->servers[0].busy_slot_s, 79 * 2.1 + 1.25, TOL);
    check_rel("busy slot-time, by overlaps", r->servers[0].busy_slot_s, 32.85 + 2 * 67.15, TOL);
    check_rel("energy [J]", t->energy_j, p1 * 32.85 + p2 * 67.15, TOL);
    check_rel("energy [J], by hand", t->energy_j, 16526.73, TOL);
    check_rel("server energy [J]", r->servers[0].energy_j, 16526.73, TOL);
    check_rel("utilisation", t->utilisation, 167.15 / 300.0, TOL);
    check_rel("mean in system", t->mean_in_system, 167.15 / 100.0, TOL);
    check_rel("sojourn mean [s]", t->sojourn_mean_s, 2.1, 1e-12);
    assert_int_equal(r->n_bins, 4);
    check_bin(r, 0, 0, (p1 * 8.85 + p2 * 16.15) / 25.0);
    for (size_t b = 1; b < 4; b++)
        check_bin(r, 0, b, (p1 * 8.0 + p2 * 17.0) / 25.0);
    ew_results_free(r);
}

/* ---- sleep and wake ---- */

#define SLEEP_YAML                                                                     \
    "name: sleep\n"                                                                    \
    "seed: 7\n"                                                                        \
    "run: {duration: 1000s, bin: 100s}\n"                                              \
    "workload:\n"                                                                      \
    "  arrivals: {process: deterministic, rate: 0.05/s}\n"                             \
    "  service: {distribution: deterministic, mean: 2s}\n"                             \
    "routing: {policy: %s}\n"                                                          \
    "sites:\n"                                                                         \
    "  - {name: napper, servers: %d, power: {off: 4.5W, idle: 71.4W, busy: 233.9W},\n"  \
    "     sleep: {after: 7s, wake: 3s}}\n"

/* One server that sleeps after 7 s idle and takes 3 s (at idle power) to
 * wake; arrivals every 20 s from 0, 2 s of service; T = 1000 s.
 *   [0, 20): the arrival at 0 finds the server on: busy [0, 2), idle
 *     [2, 9), off [9, 20). (The idle timer set at time 0 for t = 7 is stale.)
 *   Each later period [20k, 20k + 20), k = 1..49: the arrival finds it off,
 *     wake [20k, 20k + 3), busy [20k + 3, 20k + 5), idle to 20k + 12, off to
 *     20k + 20; the last period ends exactly at T.
 *   Arrivals 20k < 1000: 50, all completed (the last at 985 s).
 *   Busy 2 + 49 × 2 = 100 s; at idle power (idle + waking) 7 + 49 × 10 =
 *   497 s; off 11 + 49 × 8 = 403 s (sum 1000).
 *   Energy 233.9 × 100 + 71.4 × 497 + 4.5 × 403 = 23390 + 35485.8 + 1813.5
 *   = 60689.3 J; off share 0.403.
 *   Sojourn: 2 s for the first query, 3 + 2 = 5 s (wake included) for the
 *   49 others: mean (2 + 49 × 5)/50 = 4.94 s, max 5 s.
 *   Bins of 100 s: bin 0 is the first period plus 4 others: busy 10, idle
 *   power 7 + 4 × 10 = 47, off 11 + 4 × 8 = 43 s; bins 1..9 are 5 periods:
 *   busy 10, idle power 50, off 40 s. */
static void test_sleep_wake_one_server(void **state)
{
    (void)state;
    ew_results *r = run_yaml(SLEEP_YAML, "uniform", 1);
    const ew_site_result *t = &r->total;
    assert_int_equal(t->arrivals, 50);
    assert_int_equal(t->completions, 50);
    assert_int_equal(t->in_flight, 0);
    check_rel("busy time [s]", r->servers[0].busy_slot_s, 100.0, TOL);
    check_rel("off time [s]", r->servers[0].off_s, 403.0, TOL);
    check_rel("off share", t->off_share, 0.403, TOL);
    check_rel("energy [J]", t->energy_j, 233.9 * 100.0 + 71.4 * 497.0 + 4.5 * 403.0, TOL);
    check_rel("energy [J], by hand", t->energy_j, 60689.3, TOL);
    check_rel("server energy [J]", r->servers[0].energy_j, 60689.3, TOL);
    check_rel("sojourn mean [s]", t->sojourn_mean_s, (2.0 + 49 * 5.0) / 50.0, 1e-12);
    check_rel("sojourn max [s]", t->sojourn_max_s, 5.0, 1e-12);
    assert_int_equal(r->n_bins, 10);
    check_bin(r, 0, 0, (233.9 * 10.0 + 71.4 * 47.0 + 4.5 * 43.0) / 100.0);
    for (size_t b = 1; b < 10; b++)
        check_bin(r, 0, b, (233.9 * 10.0 + 71.4 * 50.0 + 4.5 * 40.0) / 100.0);
    ew_results_free(r);
}

/* The same site with 2 servers and shortest_queue routing, which is
 * deterministic: the fewest queries in system, and among equals the server
 * that reached that count first (models/routing/shortest_queue.c), with the
 * servers in index order at the start. Each query leaves (t = 20k + 5 at
 * most) before the next comes, so the arrival at 20k goes to the server
 * that has been empty longer: the two alternate, server 0 at 0, 40, 80, …,
 * server 1 at 20, 60, 100, ….
 *   Server 1 gets nothing before 20 s: its idle timer from time 0 puts it
 *   to sleep at 7 s: idle [0, 7), off [7, 20). Then for each arrival a =
 *   20 + 40j, j = 0..24: wake [a, a + 3), busy [a + 3, a + 5), idle to
 *   a + 12, off to a + 40 (the last: off [992, 1000), 8 s).
 *     busy 25 × 2 = 50 s; idle power 7 + 25 × 10 = 257 s;
 *     off 13 + 24 × 28 + 8 = 693 s (sum 1000).
 *   Server 0: busy [0, 2), idle [2, 9), off [9, 40); then for a = 40j,
 *   j = 1..24: wake 3, busy 2, idle 7, off 28 s (the last ends at T).
 *     busy 2 + 24 × 2 = 50 s; idle power 7 + 24 × 10 = 247 s;
 *     off 31 + 24 × 28 = 703 s (sum 1000).
 *   E0 = 233.9 × 50 + 71.4 × 247 + 4.5 × 703 = 11695 + 17635.8 + 3163.5
 *      = 32494.3 J;
 *   E1 = 233.9 × 50 + 71.4 × 257 + 4.5 × 693 = 11695 + 18349.8 + 3118.5
 *      = 33163.3 J; site 65657.6 J; off share (703 + 693)/2000 = 0.698.
 *   Sojourn: 2 s for the very first query, 5 s for the 49 others: 4.94 s. */
static void test_sleep_wake_two_servers_from_time_zero(void **state)
{
    (void)state;
    ew_results *r = run_yaml(SLEEP_YAML, "shortest_queue", 2);
    const ew_site_result *t = &r->total;
    assert_int_equal(r->n_servers, 2);
    assert_int_equal(t->arrivals, 50);
    assert_int_equal(t->completions, 50);
    assert_int_equal(r->servers[0].arrivals, 25);
    assert_int_equal(r->servers[1].arrivals, 25);
    check_rel("server 0 busy [s]", r->servers[0].busy_slot_s, 50.0, TOL);
    check_rel("server 1 busy [s]", r->servers[1].busy_slot_s, 50.0, TOL);
    check_rel("server 0 off [s]", r->servers[0].off_s, 703.0, TOL);
    check_rel("server 1 off [s]", r->servers[1].off_s, 693.0, TOL);
    check_rel("server 0 energy [J]", r->servers[0].energy_j,
              233.9 * 50.0 + 71.4 * 247.0 + 4.5 * 703.0, TOL);
    check_rel("server 1 energy [J]", r->servers[1].energy_j,
              233.9 * 50.0 + 71.4 * 257.0 + 4.5 * 693.0, TOL);
    check_rel("site energy [J], by hand", t->energy_j, 32494.3 + 33163.3, TOL);
    check_rel("off share", t->off_share, 0.698, TOL);
    check_rel("sojourn mean [s]", t->sojourn_mean_s, 4.94, 1e-12);
    ew_results_free(r);
}

/* ---- conservation on stochastic runs ---- */

/* Three sites like scenarios/default.yaml (log-normal service, an hour-of-
 * day profile, sleep on the frugal site), with non-round figures. Hour 0 is
 * quiet (1.2/s) so that frugal servers do fall asleep even under
 * shortest_queue, which hands work to the longest-idle server first and so
 * keeps every server busy once the rate is above about 77 servers / 47 s. The run
 * keeps several integrals of the same power, computed independently:
 *   site energy_j          from the site's counts of servers off and slots busy;
 *   Σ server energy_j      from each server's own state;
 *   Σ_b bin_power_w·width  from the same site power, cut at bin edges;
 *   server identity        E = P_off·off_s + P_idle·(T − off_s)
 *                              + (P_busy − P_idle)·busy_slot_s/slots,
 *                          the linear model integrated term by term;
 * and counts that must add up: arrivals = completions + in_flight for each
 * site and in total, servers' arrivals and completions = their site's, sites'
 * = the total's, Σ bin_arrivals = arrivals. Tolerances: site vs its servers
 * 1e-12 relative (the same sums in another order: a few hundred thousand
 * additions of rounding ~1e-16, random in sign, give ~1e-13), bins and the
 * term-by-term identity 1e-9. */
#define CONSERVE_YAML                                                                  \
    "name: conserve\n"                                                                 \
    "seed: 9117\n"                                                                     \
    "run: {%s, bin: 15min}\n"                                                          \
    "workload:\n"                                                                      \
    "  arrivals:\n"                                                                    \
    "    process: poisson\n"                                                           \
    "    rate: 23.7/s\n"                                                               \
    "    profile: [0.05, 1.9, 1.15, 0.8, 1, 1, 1, 1, 1, 1, 1, 1,\n"                   \
    "              1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"                              \
    "  service: {distribution: lognormal, mean: 1.73s, cv: 1.6}\n"                     \
    "routing: {policy: %s}\n"                                                          \
    "sites:\n"                                                                         \
    "  - {name: fast, servers: 12, slots: 4, speed: 2.3,\n"                            \
    "     power: {off: 9.7W, idle: 243.1W, busy: 871.4W}}\n"                           \
    "  - {name: middle, servers: 25, slots: 2, speed: 1.1,\n"                          \
    "     power: {off: 7.9W, idle: 117.3W, busy: 389.6W}}\n"                           \
    "  - {name: frugal, servers: 40, slots: 1, speed: 0.45,\n"                         \
    "     power: {off: 2.3W, idle: 29.4W, busy: 88.8W}, sleep: {after: 47s, wake: 13.5s}}\n"

typedef struct site_power { double off_w, idle_w, busy_w; uint32_t slots; } site_power;
static const site_power conserve_power[3] = {
    {9.7, 243.1, 871.4, 4}, {7.9, 117.3, 389.6, 2}, {2.3, 29.4, 88.8, 1}};

static void check_conservation(const ew_results *r)
{
    const double T = r->duration_s;
    const ew_site_result *t = &r->total;
    assert_int_equal(r->n_sites, 3);
    size_t n_bins = (size_t)ceil(T / r->bin_s);
    assert_int_equal(r->n_bins, n_bins);
    assert_true(T - (double)(n_bins - 1) * r->bin_s < r->bin_s);   /* last bin partial */
    uint64_t arrivals = 0, completions = 0, in_flight = 0;
    double energy = 0.0, bin_arrivals = 0.0;
    for (uint32_t k = 0; k < r->n_sites; k++) {
        const ew_site_result *s = &r->sites[k];
        const site_power *p = &conserve_power[k];
        char what[96];
        assert_int_equal(s->arrivals, s->completions + s->in_flight);
        uint64_t sv_arr = 0, sv_done = 0;
        double sv_energy = 0.0, sv_busy = 0.0;
        for (uint32_t i = 0; i < r->n_servers; i++) {
            const ew_server_result *sv = &r->servers[i];
            if (sv->site != k)
                continue;
            sv_arr += sv->arrivals;
            sv_done += sv->completions;
            sv_energy += sv->energy_j;
            sv_busy += sv->busy_slot_s;
            double by_terms = p->off_w * sv->off_s + p->idle_w * (T - sv->off_s) +
                              (p->busy_w - p->idle_w) * sv->busy_slot_s / p->slots;
            if (!(fabs(sv->energy_j - by_terms) <= TOL * by_terms))
                fail_msg("server %u of site %s: energy %.15g J, but off/idle/busy terms give "
                         "%.15g J", i, s->name, sv->energy_j, by_terms);
            if (!(sv->energy_j >= p->off_w * T * (1 - TOL) && sv->energy_j <= p->busy_w * T))
                fail_msg("server %u: energy %.15g J outside [P_off T, P_busy T]", i, sv->energy_j);
        }
        assert_int_equal(sv_arr, s->arrivals);
        assert_int_equal(sv_done, s->completions);
        snprintf(what, sizeof what, "%s: site energy = sum of servers", s->name);
        check_rel(what, s->energy_j, sv_energy, 1e-12);
        snprintf(what, sizeof what, "%s: utilisation from servers", s->name);
        check_rel(what, s->utilisation, sv_busy / (T * s->servers * s->slots), 1e-12);
        double bins = 0.0;
        for (size_t b = 0; b < n_bins; b++)
            bins += r->bin_power_w[(size_t)k * n_bins + b] *
                    fmin(r->bin_s, T - (double)b * r->bin_s);
        snprintf(what, sizeof what, "%s: site energy = sum of bins", s->name);
        check_rel(what, bins, s->energy_j, TOL);
        snprintf(what, sizeof what, "%s: mean power x T", s->name);
        check_rel(what, s->mean_power_w * T, s->energy_j, 1e-12);
        arrivals += s->arrivals;
        completions += s->completions;
        in_flight += s->in_flight;
        energy += s->energy_j;
    }
    for (size_t b = 0; b < n_bins; b++)
        bin_arrivals += r->bin_arrivals[b];
    assert_int_equal(t->arrivals, arrivals);
    assert_int_equal(t->completions, completions);
    assert_int_equal(t->in_flight, in_flight);
    assert_int_equal(t->arrivals, t->completions + t->in_flight);
    assert_true(bin_arrivals == (double)t->arrivals);
    check_rel("total energy = sum of sites", t->energy_j, energy, 1e-12);
    /* the sleep code ran: the frugal site slept, the others never */
    print_message("  off share: fast %.4g, middle %.4g, frugal %.4g\n", r->sites[0].off_share,
                  r->sites[1].off_share, r->sites[2].off_share);
    assert_true(r->sites[0].off_share == 0.0 && r->sites[1].off_share == 0.0);
    assert_true(r->sites[2].off_share > 0.01);
}

/* weighted routing, ended by the horizon: 2 h 7 min 13.5 s = 7633.5 s,
 * 8 full bins of 15 min and a last one of 433.5 s */
static void test_conservation_weighted(void **state)
{
    (void)state;
    ew_results *r = run_yaml(CONSERVE_YAML, "duration: 7633.5s", "weighted");
    assert_true(r->duration_s == 7633.5);
    check_conservation(r);
    ew_results_free(r);
}

/* shortest_queue routing, ended by max_arrivals at the time the next
 * arrival would come (T is arbitrary, so the last bin is partial) */
static void test_conservation_shortest_queue(void **state)
{
    (void)state;
    ew_results *r = run_yaml(CONSERVE_YAML, "max_arrivals: 150000", "shortest_queue");
    assert_int_equal(r->total.arrivals, 150000);
    check_conservation(r);
    ew_results_free(r);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule_one_server),
        cmocka_unit_test(test_schedule_cut_in_service),
        cmocka_unit_test(test_three_slots_linear_power),
        cmocka_unit_test(test_sleep_wake_one_server),
        cmocka_unit_test(test_sleep_wake_two_servers_from_time_zero),
        cmocka_unit_test(test_conservation_weighted),
        cmocka_unit_test(test_conservation_shortest_queue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
