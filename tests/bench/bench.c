/* bench.c — `make bench`: speed and memory of the engine, and of serving
 * sites (the H100 chat scenario). Each case runs in
 * a child process of its own so that its peak memory (ru_maxrss) is its
 * own; the same scenario at 10^6 and 10^7 arrivals shows whether memory
 * grows with queries served (it must not). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

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

int main(void)
{
    gsl_set_error_handler_off();
    const char *path = "scenarios/bench-10k.yaml";
    const char *small[] = {"run.max_arrivals=1000000"};
    const char *jsq[] = {"routing.policy=shortest_queue"};
    printf("edgewatt bench: one core; wall time is the event loop only\n\n");
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
    return rc ? 1 : 0;
}
