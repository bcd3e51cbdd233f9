/* ew_test.h — helpers shared by the cmocka tests that run whole scenarios.
 * Define EW_TEST_NAME (the name that stands for the scenario file in
 * messages) before including. */
#ifndef EW_TEST_H
#define EW_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>

#include "results.h"
#include "run.h"
#include "scenario.h"
#include "stats.h"

#ifndef EW_TEST_NAME
#error "define EW_TEST_NAME before including ew_test.h"
#endif

/* Loads the scenario printf(fmt, ...) and runs it; fails the test on error. */
static ew_results *run_yaml(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static ew_results *run_yaml(const char *fmt, ...)
{
    char text[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof text);
    ew_scenario *s = NULL;
    ew_error err = {0};
    if (ew_scenario_load_string(EW_TEST_NAME, text, NULL, 0, &s, &err) != EW_OK)
        fail_msg("scenario refused: %s\n%s", err.msg, text);
    ew_run_options opt = {0, 0};
    ew_results *r = NULL;
    int rc = ew_run(s, &opt, &r, &err);
    ew_scenario_free(s);
    if (rc != EW_OK)
        fail_msg("run failed: %s", err.msg);
    return r;
}

/* Loads scenario text (named EW_TEST_NAME in messages); fails the test on error. */
static inline ew_scenario *load_scenario(const char *text)
{
    ew_scenario *s = NULL;
    ew_error err = {0};
    if (ew_scenario_load_string(EW_TEST_NAME, text, NULL, 0, &s, &err))
        fail_msg("scenario refused: %s", err.msg);
    return s;
}

/* Runs a loaded scenario; fails the test on error. */
static inline ew_results *run_scenario(const ew_scenario *s)
{
    ew_run_options opt = {0, 0};
    ew_results *r = NULL;
    ew_error err = {0};
    if (ew_run(s, &opt, &r, &err))
        fail_msg("run failed: %s", err.msg);
    return r;
}

/* |sim − want| <= tol_rel·|want| (or |sim| <= tol_rel when want is 0),
 * with both numbers printed. */
static void check_rel(const char *what, double sim, double want, double tol_rel)
{
    double err = want != 0.0 ? fabs(sim - want) / fabs(want) : fabs(sim);
    print_message("  %-44s want %-18.12g sim %-18.12g rel %.2e (tol %.1e)\n", what, want, sim,
                  err, tol_rel);
    if (!(err <= tol_rel))
        fail_msg("%s: simulated %.15g, expected %.15g (relative error %.3e > %.1e)", what, sim,
                 want, err, tol_rel);
}

#endif
