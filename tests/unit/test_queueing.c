/* test_queueing.c — the whole engine (scenario → ew_run → results) against
 * queueing theory: M/M/1, M/M/c, M/D/1 and M/G/1 mean sojourn times, M/M/1
 * sojourn percentiles, Little's law, utilisation, mean power of a linear
 * power model, weighted routing over unequal sites, and join-the-shortest-
 * queue against random routing.
 *
 * Every case is one long run (10^6 arrivals, fixed seed) of a stable queue.
 * Means are judged by the run's own 95% batch-means half-width, and the test
 * also demands that half-width be small, so that a loose run cannot pass by
 * having a wide interval. Rates are non-round (μ = 1/0.73 s and the like) so
 * that an off-by-a-factor bug cannot pass by luck. Sources:
 *   [K]  L. Kleinrock, Queueing Systems, Vol. 1: Theory, Wiley 1975:
 *        §3.2 M/M/1 (W = 1/(μ − λ)), §3.5 M/M/m (Erlang's C formula),
 *        ch. 5 M/G/1 (the Pollaczek–Khinchine mean-value formula, and the
 *        sojourn-time transform whose M/M/1 case is exponential with rate
 *        μ − λ under FCFS).
 *   [L]  J. D. C. Little, "A proof for the queuing formula L = λW",
 *        Operations Research 9(3), 1961.
 *   [FWB] X. Fan, W.-D. Weber, L. A. Barroso, ISCA 2007: P = P_idle +
 *        (P_busy − P_idle)·u, the power model of models/power/power.h.
 * Warm-up: latency statistics skip the first 300 mean service times
 * (run.warmup), which removes the bias of starting empty; mean_in_system
 * and utilisation are always over the whole run (see test_little_law).
 */
#define EW_TEST_NAME "test_queueing"
#include "ew_test.h"

#define N_ARRIVALS 1000000     /* per run [1] */
#define WARMUP_SERVICES 300.0  /* warm-up in mean service times [1] */
#define P_IDLE_W 87.5
#define P_BUSY_W 312.0

/* ---- running a scenario written in the test ---- */


/* |sim − want| <= k·ci and ci <= max_rel·want: the mean is inside its own
 * (k times) 95% interval, and that interval is narrow enough to mean something. */
static void check_in_ci(const char *what, double sim, double ci, double k, double want,
                        double max_rel)
{
    print_message("  %-44s want %-12.7g sim %-12.7g |diff| %.4g, ci95 %.4g (%.2f%%), "
                  "tol %.1f ci\n", what, want, sim, fabs(sim - want), ci, 100.0 * ci / want, k);
    if (!(ci <= max_rel * want))
        fail_msg("%s: 95%% half-width %.6g is %.3g%% of %.6g (at most %.3g%% asked)", what, ci,
                 100.0 * ci / want, want, 100.0 * max_rel);
    if (!(fabs(sim - want) <= k * ci))
        fail_msg("%s: simulated %.10g, expected %.10g: |diff| %.4g > %.1f × ci95 %.4g", what,
                 sim, want, fabs(sim - want), k, ci);
}

/* ---- the single-queue cases ---- */

typedef enum { MM1_05, MM1_09, MM4_08, MD1_07, MG1_06, N_CASES } case_id;

typedef struct queue_case {
    const char *label;
    uint64_t seed;
    const char *dist;      /* workload.service.distribution */
    double cv;             /* 0: not written (exponential, deterministic) */
    double mean_s;         /* E[S] = 1/μ [s] */
    uint32_t slots;        /* c servers in one FCFS queue */
    double rho;            /* λ / (c μ) */
} queue_case;

static const queue_case cases[N_CASES] = {
    [MM1_05] = {"M/M/1 rho 0.5", 1105, "exponential", 0.0, 0.73, 1, 0.5},
    [MM1_09] = {"M/M/1 rho 0.9", 1109, "exponential", 0.0, 0.73, 1, 0.9},
    [MM4_08] = {"M/M/4 rho 0.8", 4408, "exponential", 0.0, 1.37, 4, 0.8},
    [MD1_07] = {"M/D/1 rho 0.7", 1707, "deterministic", 0.0, 0.61, 1, 0.7},
    [MG1_06] = {"M/G/1 gamma cv 2 rho 0.6", 1606, "gamma", 2.0, 0.53, 1, 0.6},
};

static double lambda_of(const queue_case *c)
{
    return c->rho * (double)c->slots / c->mean_s;
}

/* Results per case, with warm-up ([1]) and without ([0]); run on first use. */
static ew_results *results[N_CASES][2];

static ew_results *get(case_id id, int warm)
{
    if (results[id][warm])
        return results[id][warm];
    const queue_case *c = &cases[id];
    char cv[64] = "";
    if (c->cv > 0.0)
        snprintf(cv, sizeof cv, ", cv: %.17g", c->cv);
    results[id][warm] = run_yaml(
        "name: queue\n"
        "seed: %llu\n"
        "run: {max_arrivals: %d, warmup: %.17gs, bin: 60s}\n"
        "workload:\n"
        "  arrivals: {process: poisson, rate: %.17g/s}\n"
        "  service: {distribution: %s, mean: %.17gs%s}\n"
        "routing: {policy: uniform}\n"
        "sites:\n"
        "  - {name: q, servers: 1, slots: %u, power: {idle: %.17gW, busy: %.17gW}}\n",
        (unsigned long long)c->seed, N_ARRIVALS, warm ? WARMUP_SERVICES * c->mean_s : 0.0,
        lambda_of(c), c->dist, c->mean_s, cv, c->slots, P_IDLE_W, P_BUSY_W);
    const ew_results *r = results[id][warm];
    assert_int_equal(r->total.arrivals, N_ARRIVALS);
    assert_int_equal(r->total.arrivals, r->total.completions + r->total.in_flight);
    return results[id][warm];
}

static int teardown_group(void **state)
{
    (void)state;
    for (int i = 0; i < N_CASES; i++)
        for (int w = 0; w < 2; w++) {
            ew_results_free(results[i][w]);
            results[i][w] = NULL;
        }
    return 0;
}

/* ---- formulas ---- */

/* M/M/1 mean sojourn W = 1/(μ − λ) [K §3.2]. */
static double mm1_w(double lambda, double mu)
{
    return 1.0 / (mu - lambda);
}

/* Erlang's C formula [K §3.5]: the probability that an arrival to M/M/c with
 * offered load a = λ/μ < c has to wait,
 *   C(c, a) = (a^c/c! · c/(c − a)) / (Σ_{k=0}^{c−1} a^k/k! + a^c/c! · c/(c − a)). */
static double erlang_c(unsigned c, double a)
{
    double term = 1.0, sum = 0.0;   /* term = a^k / k! */
    for (unsigned k = 0; k < c; k++) {
        sum += term;
        term *= a / (double)(k + 1);
    }
    double top = term * (double)c / ((double)c - a);
    return top / (sum + top);
}

/* Pollaczek–Khinchine [K §5]: M/G/1 mean sojourn
 *   W = E[S] + λ E[S²] / (2 (1 − ρ)),  ρ = λ E[S],  E[S²] = (1 + cv²) E[S]². */
static double pk_w(double lambda, double mean_s, double cv)
{
    double rho = lambda * mean_s, es2 = (1.0 + cv * cv) * mean_s * mean_s;
    return mean_s + lambda * es2 / (2.0 * (1.0 - rho));
}

/* ---- tests ---- */

/* M/M/1, μ = 1/0.73 s: W = 1/(μ − λ) = 1.46 s at ρ = 0.5, 7.3 s at ρ = 0.9.
 * Tolerance: the run's 95% half-width, which must itself be under 2% (ρ 0.5)
 * and 5% (ρ 0.9) of W. */
static void test_mm1_mean_sojourn(void **state)
{
    (void)state;
    for (case_id id = MM1_05; id <= MM1_09; id++) {
        const queue_case *c = &cases[id];
        const ew_results *r = get(id, 1);
        double want = mm1_w(lambda_of(c), 1.0 / c->mean_s);
        check_in_ci(c->label, r->total.sojourn_mean_s, r->total.sojourn_ci95_s, 1.0, want,
                    id == MM1_05 ? 0.02 : 0.05);
    }
}

/* FCFS M/M/1 sojourn is exponential with rate μ − λ [K ch. 5], so its
 * q-quantile is −ln(1 − q)/(μ − λ): p50 = ln 2, p95 = ln 20, p99 = ln 100
 * over (μ − λ). Within 3%: the histogram bins are at most 0.8% wide and
 * the sampling error of a quantile over 10^6 samples is a few tenths of a
 * percent. */
static void test_mm1_percentiles(void **state)
{
    (void)state;
    const queue_case *c = &cases[MM1_05];
    const ew_results *r = get(MM1_05, 1);
    double theta = 1.0 / c->mean_s - lambda_of(c);
    check_rel("M/M/1 rho 0.5 p50 = ln 2/(mu - lambda)", r->total.sojourn_p50_s,
              log(2.0) / theta, 0.03);
    check_rel("M/M/1 rho 0.5 p95 = ln 20/(mu - lambda)", r->total.sojourn_p95_s,
              log(20.0) / theta, 0.03);
    check_rel("M/M/1 rho 0.5 p99 = ln 100/(mu - lambda)", r->total.sojourn_p99_s,
              log(100.0) / theta, 0.03);
}

/* M/M/4 (one server, four slots, one FCFS queue), 1/μ = 1.37 s, ρ = 0.8:
 * a = λ/μ = 3.2, W = C(4, a)/(4μ − λ) + 1/μ [K §3.5]; C(4, 3.2) ≈ 0.5964,
 * W ≈ 2.391 s. Tolerance: the run's 95% half-width, itself under 3% of W. */
static void test_mmc_erlang_c(void **state)
{
    (void)state;
    const queue_case *c = &cases[MM4_08];
    const ew_results *r = get(MM4_08, 1);
    double lambda = lambda_of(c), mu = 1.0 / c->mean_s;
    double want = erlang_c(c->slots, lambda / mu) / ((double)c->slots * mu - lambda) + 1.0 / mu;
    check_in_ci(c->label, r->total.sojourn_mean_s, r->total.sojourn_ci95_s, 1.0, want, 0.03);
}

/* M/D/1, service 0.61 s, ρ = 0.7: P-K with cv = 0,
 * W = 1/μ + ρ/(2μ(1 − ρ)) = 0.61·(1 + 0.7/0.6) ≈ 1.3217 s [K §5].
 * M/G/1, gamma service of mean 0.53 s and cv 2 (E[S²] = 5/μ²), ρ = 0.6:
 * W = 1/μ + λ E[S²]/(2(1 − ρ)) = 0.53·(1 + 0.6·5/0.8) = 2.5175 s [K §5].
 * Tolerance: the run's 95% half-width, under 2% (M/D/1) and 5% (M/G/1,
 * whose heavy service tail widens it) of W. */
static void test_mg1_pollaczek_khinchine(void **state)
{
    (void)state;
    const queue_case *d = &cases[MD1_07], *g = &cases[MG1_06];
    const ew_results *rd = get(MD1_07, 1), *rg = get(MG1_06, 1);
    double want_d = 1.0 / (1.0 / d->mean_s) +
                    d->rho / (2.0 * (1.0 / d->mean_s) * (1.0 - d->rho));
    assert_true(fabs(want_d - pk_w(lambda_of(d), d->mean_s, 0.0)) <= 1e-12 * want_d);
    check_in_ci(d->label, rd->total.sojourn_mean_s, rd->total.sojourn_ci95_s, 1.0, want_d, 0.02);
    check_in_ci(g->label, rg->total.sojourn_mean_s, rg->total.sojourn_ci95_s, 1.0,
                pk_w(lambda_of(g), g->mean_s, g->cv), 0.05);
}

/* Little's law L = λW [L] holds on every sample path: over [0, T],
 *   ∫ N dt = Σ_completed W_i + Σ_in-flight (T − a_i),
 * so mean_in_system = (completions/T)·sojourn_mean + (a few in-flight ages)/T
 * exactly when every completion is a latency sample, i.e. without warm-up.
 * With warm-up, sojourn_mean leaves out the first arrivals (shorter waits,
 * the queue starting empty) while mean_in_system keeps them: the identity
 * is then only approximate (by about warm-up/T, < 0.1% here). So Little is
 * checked on the same scenarios run without warm-up, within 1%, and the
 * warm-up runs are checked too, within the same 1%, to show the warm-up
 * does not matter at this run length. */
static void test_little_law(void **state)
{
    (void)state;
    for (case_id id = 0; id < N_CASES; id++) {
        for (int warm = 0; warm < 2; warm++) {
            const ew_results *r = get(id, warm);
            const ew_site_result *t = &r->total;
            char what[96];
            snprintf(what, sizeof what, "%s: Little%s", cases[id].label,
                     warm ? " (warm-up run)" : "");
            double lw = (double)t->completions / r->duration_s * t->sojourn_mean_s;
            check_rel(what, t->mean_in_system, lw, 0.01);
            if (!warm) {
                /* without warm-up every completion is a sample, and the
                 * in-flight queries' ages can only add to ∫ N dt */
                assert_int_equal(t->latency_samples, t->completions);
                assert_true(t->mean_in_system * r->duration_s >=
                            (double)t->completions * t->sojourn_mean_s * (1.0 - 1e-12));
            }
        }
    }
}

/* Utilisation: busy slot-time / (slots × T) = ρ = λ E[S]/c [K §3.2, §3.5],
 * within 1%. Busy time / T is about Σ S_i / Σ A_i over 10^6 arrivals, a
 * ratio of sums with relative error √((cv_A² + cv_S²)/10^6) ≈ 0.1–0.25%
 * (cv_A = 1; cv_S = 0 to 2). */
static void test_utilisation(void **state)
{
    (void)state;
    for (case_id id = 0; id < N_CASES; id++) {
        char what[96];
        snprintf(what, sizeof what, "%s: utilisation", cases[id].label);
        check_rel(what, get(id, 1)->total.utilisation, cases[id].rho, 0.01);
    }
}

/* Mean power of M/M/1 under the linear model [FWB]: time-average of
 * P_idle + (P_busy − P_idle)·busy is P_idle + ρ(P_busy − P_idle):
 * 87.5 + 0.5·224.5 = 199.75 W at ρ = 0.5, 87.5 + 0.9·224.5 = 289.55 W at
 * ρ = 0.9. Tolerance: the run's mean_power_ci95_w, itself under 1% of it. */
static void test_mm1_mean_power(void **state)
{
    (void)state;
    for (case_id id = MM1_05; id <= MM1_09; id++) {
        const ew_results *r = get(id, 1);
        char what[96];
        snprintf(what, sizeof what, "%s: mean power [W]", cases[id].label);
        double want = P_IDLE_W + cases[id].rho * (P_BUSY_W - P_IDLE_W);
        check_in_ci(what, r->total.mean_power_w, r->total.mean_power_ci95_w, 1.0, want, 0.01);
        check_rel("  energy = mean power × duration", r->total.energy_j,
                  r->total.mean_power_w * r->duration_s, 1e-12);
    }
}

/* Weighted routing over three unequal sites. The weight of a server is by
 * default speed × slots, so server i receives λ·w_i/Σw and its load is
 * λ_i E[S]/(speed_i·slots_i) = λ E[S]/Σ_j(servers_j·slots_j·speed_j): every
 * server, hence every site, at the same ρ. With λ = 0.6 × capacity, each
 * site's utilisation is 0.6, within 2% (a site sees ~10^5 to 5·10^5
 * arrivals; sampling error well under 1%). Service exponential, mean
 * 0.47 s; sites (servers × slots × speed): 4 × 1 × 0.8, 3 × 2 × 1.9,
 * 2 × 1 × 3.3: capacity 21.2/0.47 ≈ 45.1/s. */
static void test_weighted_routing_utilisation(void **state)
{
    (void)state;
    const double mean_s = 0.47, rho = 0.6;
    double capacity = (4 * 1 * 0.8 + 3 * 2 * 1.9 + 2 * 1 * 3.3) / mean_s;
    ew_results *r = run_yaml(
        "name: weighted\n"
        "seed: 3606\n"
        "run: {max_arrivals: %d, bin: 60s}\n"
        "workload:\n"
        "  arrivals: {process: poisson, rate: %.17g/s}\n"
        "  service: {distribution: exponential, mean: %.17gs}\n"
        "routing: {policy: weighted}\n"
        "sites:\n"
        "  - {name: slow, servers: 4, slots: 1, speed: 0.8, power: {idle: 41.3W, busy: 97.1W}}\n"
        "  - {name: mid, servers: 3, slots: 2, speed: 1.9, power: {idle: 88.4W, busy: 263.2W}}\n"
        "  - {name: fast, servers: 2, slots: 1, speed: 3.3, power: {idle: 151.7W, busy: 505.9W}}\n",
        N_ARRIVALS, rho * capacity, mean_s);
    assert_int_equal(r->n_sites, 3);
    for (uint32_t k = 0; k < r->n_sites; k++) {
        char what[96];
        snprintf(what, sizeof what, "weighted: site %s utilisation", r->sites[k].name);
        check_rel(what, r->sites[k].utilisation, rho, 0.02);
    }
    check_rel("weighted: total utilisation", r->total.utilisation, rho, 0.01);
    /* Little's law holds for each site as well (no warm-up here) [L] */
    for (uint32_t k = 0; k < r->n_sites; k++) {
        const ew_site_result *s = &r->sites[k];
        char what[96];
        snprintf(what, sizeof what, "weighted: site %s Little", s->name);
        check_rel(what, s->mean_in_system,
                  (double)s->completions / r->duration_s * s->sojourn_mean_s, 0.01);
    }
    ew_results_free(r);
}

/* Join-the-shortest-queue against uniform random routing: 8 identical
 * servers, 1/μ = 0.83 s, total load ρ = 0.9. Same seed, so both see the
 * same arrival times and the same service demands (separate random streams,
 * sim/rng.h: common random numbers). Uniform splitting makes each server an
 * M/M/1 with rate λ/8 [K §3.2]: W = 1/(μ − λ/8) = 8.3 s, checked within the
 * run's 95% half-width (itself under 5%). Shortest-queue must do strictly
 * better: its W plus its half-width below uniform's W minus uniform's. */
static void test_shortest_queue_vs_uniform(void **state)
{
    (void)state;
    const double mean_s = 0.83, rho = 0.9;
    const unsigned n = 8;
    double lambda = rho * n / mean_s;
    ew_results *r[2];
    const char *policy[2] = {"uniform", "shortest_queue"};
    for (int p = 0; p < 2; p++)
        r[p] = run_yaml("name: jsq\n"
                        "seed: 8090\n"
                        "run: {max_arrivals: %d, warmup: %.17gs, bin: 60s}\n"
                        "workload:\n"
                        "  arrivals: {process: poisson, rate: %.17g/s}\n"
                        "  service: {distribution: exponential, mean: %.17gs}\n"
                        "routing: {policy: %s}\n"
                        "sites:\n"
                        "  - {name: s, servers: %u, power: {idle: 87.5W, busy: 312W}}\n",
                        N_ARRIVALS, WARMUP_SERVICES * mean_s, lambda, mean_s, policy[p], n);
    const ew_site_result *u = &r[0]->total, *j = &r[1]->total;
    /* common random numbers: the same arrivals, so the same horizon */
    assert_int_equal(u->arrivals, j->arrivals);
    assert_true(r[0]->duration_s == r[1]->duration_s);
    check_in_ci("uniform, 8 servers: W = 1/(mu - lambda/8)", u->sojourn_mean_s, u->sojourn_ci95_s,
                1.0, mm1_w(lambda / n, 1.0 / mean_s), 0.05);
    print_message("  shortest_queue W %.5g ± %.3g s, uniform W %.5g ± %.3g s\n",
                  j->sojourn_mean_s, j->sojourn_ci95_s, u->sojourn_mean_s, u->sojourn_ci95_s);
    assert_true(j->sojourn_mean_s < u->sojourn_mean_s);
    assert_true(j->sojourn_mean_s + j->sojourn_ci95_s < u->sojourn_mean_s - u->sojourn_ci95_s);
    ew_results_free(r[0]);
    ew_results_free(r[1]);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mm1_mean_sojourn),
        cmocka_unit_test(test_mm1_percentiles),
        cmocka_unit_test(test_mmc_erlang_c),
        cmocka_unit_test(test_mg1_pollaczek_khinchine),
        cmocka_unit_test(test_little_law),
        cmocka_unit_test(test_utilisation),
        cmocka_unit_test(test_mm1_mean_power),
        cmocka_unit_test(test_weighted_routing_utilisation),
        cmocka_unit_test(test_shortest_queue_vs_uniform),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_group);
}
