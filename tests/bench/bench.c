/* bench.c — `make bench`: speed and memory of the engine, and of serving
 * sites (the H100 chat scenario). Each case runs in
 * a child process of its own so that its peak memory (ru_maxrss) is its
 * own; the same scenario at 10^6 and 10^7 arrivals shows whether memory
 * grows with queries served (it must not). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

#include <omp.h>

#include "replicate.h"
#include "run.h"
#include "scenario.h"

static int bench_case(const char *label, const char *path, const char *const *sets, int n_sets)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        ew_error err = {0};
        ew_scenario *s;
        ew_results *r;
        ew_run_options o = {0, 0};
        if (ew_scenario_load(path, sets, n_sets, &s, &err) || ew_run(s, &o, &r, &err)) {
            fprintf(stderr, "bench: %s\n", err.msg);
            _exit(1);
        }
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("%-34s %10llu arrivals %11llu events %7.2f s wall  %6.2f M events/s  "
               "%6.2f M arrivals/s  %6.2f events/query  peak %7.1f MiB\n",
               label, (unsigned long long)r->total.arrivals, (unsigned long long)r->events,
               r->wall_s, (double)r->events / r->wall_s / 1e6,
               (double)r->total.arrivals / r->wall_s / 1e6,
               (double)r->events / (double)r->total.arrivals, (double)ru.ru_maxrss / 1024.0);
        ew_results_free(r);
        ew_scenario_free(s);
        fflush(stdout);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Wall time of n replications of path on `threads` threads [s]. */
static double replications_wall(const char *path, const char *const *sets, int n_sets,
                                uint32_t n, int threads)
{
    ew_error err = {0};
    ew_scenario *s;
    if (ew_scenario_load(path, sets, n_sets, &s, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return NAN;
    }
    ew_aggregate agg;
    ew_job jobs[64];
    for (uint32_t r = 0; r < n && r < 64; r++)
        jobs[r] = (ew_job){s, r, &agg};
    ew_job_options jo = {0, 0, s->name};
    omp_set_num_threads(threads);
    double t0 = omp_get_wtime();
    int rc = ew_aggregate_init(&agg, s, n) || ew_run_jobs(jobs, n, &jo, &err) ||
             ew_aggregate_finish(&agg);
    double wall = omp_get_wtime() - t0;
    ew_aggregate_free(&agg);
    ew_scenario_free(s);
    return rc ? NAN : wall;
}

/* Replications side by side: 8 of them on 1 thread and on 2. */
static int bench_replications(void)
{
    const char *sets[] = {"run.max_arrivals=1000000"};
    const char *path = "scenarios/bench-10k.yaml";
    double t1 = replications_wall(path, sets, 1, 8, 1), t2 = replications_wall(path, sets, 1, 8, 2);
    printf("%-34s 1 thread %7.2f s  2 threads %7.2f s  speed-up %.2f (target >= 1.7)\n",
           "8 replications of 10^6 arrivals", t1, t2, t1 / t2);
    return isnan(t1) || isnan(t2) ? -1 : 0;
}

int main(void)
{
    gsl_set_error_handler_off();
    const char *path = "scenarios/bench-10k.yaml";
    const char *small[] = {"run.max_arrivals=1000000"};
    const char *jsq[] = {"routing.policy=shortest_queue"};
    printf("edgewatt bench: one core (the replications line: 1 and 2 threads); wall time is the event loop only\n\n");
    int rc = 0;
    rc |= bench_case("engine 10k servers, 10^6 arrivals", path, small, 1);
    rc |= bench_case("engine 10k servers, 10^7 arrivals", path, NULL, 0);
    rc |= bench_case("  same, shortest_queue routing", path, jsq, 1);
    /* serving: continuous batching on GPU replicas (queries/s of wall time
     * and events per query are the figures to watch) */
    const char *chat[] = {"run.max_arrivals=1000000"};
    rc |= bench_case("chat: 10^6 queries, 16 H100s", "scenarios/dc-h100-chat.yaml", chat, 1);
    /* the edge at scale: a million home nodes coming and going, a day */
    rc |= bench_case("edge-1m: 10^6 nodes, 1 day", "scenarios/edge-1m.yaml", NULL, 0);
    /* replications in parallel (OpenMP): the speed-up on two cores */
    rc |= bench_replications();
    return rc ? 1 : 0;
}
