/* test_scenario.c — scenario loading (sim/scenario.h) and the strict YAML
 * layer under it (sim/yamlx.h): every field of a full scenario in SI, the
 * defaults of a minimal one, --set overrides and the effective text they
 * leave, and the place, key path and value that error messages name.
 * Expected SI values are the written value times the unit's factor (units.h:
 * 1 min = 60 s, 1 h = 3600 s, k = 1e3, m = 1e-3, N/min = N/60 per s), worked
 * out in the comments. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "ew.h"
#include "scenario.h"
#include "yamlx.h"

/* |got − want| <= 1e-12·|want| (one multiplication by a unit factor), or
 * both infinite with the same sign. */
static void check_si(double got, double want, const char *what)
{
    if (isinf(want) ? got != want : !(fabs(got - want) <= 1e-12 * fabs(want)))
        fail_msg("%s: got %.17g, expected %.17g", what, got, want);
}

static void check_has(const char *text, const char *fragment)
{
    if (!strstr(text, fragment))
        fail_msg("expected \"%s\" in: %s", fragment, text);
}

/* Every field but where it came from and its texts. */
static void check_same_scenario(const ew_scenario *a, const ew_scenario *b)
{
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->title, b->title);
    assert_true(a->seed == b->seed);
    check_si(b->duration_s, a->duration_s, "duration_s");
    assert_true(a->max_arrivals == b->max_arrivals);
    check_si(b->bin_s, a->bin_s, "bin_s");
    assert_true(a->warmup_s == b->warmup_s);
    assert_int_equal(a->arrivals, b->arrivals);
    check_si(b->rate_per_s, a->rate_per_s, "rate_per_s");
    for (int h = 0; h < EW_HOURS; h++)
        assert_true(a->profile[h] == b->profile[h]);
    assert_int_equal(a->service, b->service);
    assert_true(a->service_mean_s == b->service_mean_s);
    assert_true(a->service_cv == b->service_cv);
    assert_string_equal(a->routing, b->routing);
    assert_int_equal(a->n_sites, b->n_sites);
    for (uint32_t k = 0; k < a->n_sites; k++) {
        const ew_site_spec *x = &a->sites[k], *y = &b->sites[k];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->servers, y->servers);
        assert_int_equal(x->slots, y->slots);
        assert_true(x->speed == y->speed);
        assert_true(x->weight == y->weight);
        assert_true(x->off_w == y->off_w);
        assert_true(x->idle_w == y->idle_w);
        assert_true(x->busy_w == y->busy_w);
        assert_true(x->sleep_after_s == y->sleep_after_s);
        assert_true(x->wake_s == y->wake_s);
    }
}

/* Loads text (with overrides) that must be accepted. */
static ew_scenario *load_ok(const char *name, const char *text, const char *const *sets,
                            int n_sets)
{
    ew_scenario *s = NULL;
    ew_error err = {0};
    int rc = ew_scenario_load_string(name, text, sets, n_sets, &s, &err);
    if (rc != EW_OK)
        fail_msg("%s refused (%d): %s", name, rc, err.msg);
    assert_non_null(s);
    return s;
}

/* Loads text that must be refused as bad input; returns the message. */
static const char *load_bad(const char *name, const char *text, const char *const *sets,
                            int n_sets)
{
    static ew_error err;
    static ew_scenario sentinel;
    memset(&err, 0, sizeof err);
    ew_scenario *s = &sentinel;   /* the loader must set it to NULL */
    int rc = ew_scenario_load_string(name, text, sets, n_sets, &s, &err);
    if (rc != EW_EINVAL)
        fail_msg("%s: expected EW_EINVAL, got %d (%s)", name, rc, err.msg);
    assert_null(s);
    assert_int_equal(err.code, EW_EINVAL);
    return err.msg;
}

/* Every key, written in non-round values and mixed units. */
static const char full_text[] =
    "name: edge-day_2.b\n"
    "title: \"Edge: a \\\"busy\\\" day\"\n"
    "seed: 4321\n"
    "run:\n"
    "  duration: 36.5h\n"
    "  max_arrivals: 2500000\n"
    "  bin: 12.5min\n"
    "  warmup: 450s\n"
    "workload:\n"
    "  arrivals:\n"
    "    process: poisson\n"
    "    rate: 37.5/min\n"
    "    profile: [0.35, 0.25, 0.2, 0.18, 0.2, 0.3, 0.5, 0.8, 1.1, 1.3, 1.4, 1.45,\n"
    "              1.4, 1.35, 1.3, 1.3, 1.35, 1.45, 1.6, 1.7, 1.6, 1.3, 0.9, 0.55]\n"
    "  service:\n"
    "    distribution: gamma\n"
    "    mean: 725ms\n"
    "    cv: 0.85\n"
    "routing:\n"
    "  policy: shortest_queue\n"
    "sites:\n"
    "  - name: fast\n"
    "    servers: 12\n"
    "    slots: 3\n"
    "    speed: 2.5\n"
    "    weight: 4.75\n"
    "    power: {off: 12.5W, idle: 0.21kW, busy: 935W}\n"
    "    sleep: {after: 7.5min, wake: 42s}\n"
    "  - name: slow\n"
    "    servers: 30\n"
    "    power: {idle: 45W, busy: 150000mW}\n";

static const double full_profile[EW_HOURS] = {0.35, 0.25, 0.2, 0.18, 0.2, 0.3, 0.5, 0.8,
                                              1.1, 1.3, 1.4, 1.45, 1.4, 1.35, 1.3, 1.3,
                                              1.35, 1.45, 1.6, 1.7, 1.6, 1.3, 0.9, 0.55};

static void test_full_scenario(void **state)
{
    (void)state;
    ew_scenario *s = load_ok("full.yaml", full_text, NULL, 0);
    assert_string_equal(s->name, "edge-day_2.b");
    assert_string_equal(s->title, "Edge: a \"busy\" day");
    assert_string_equal(s->file, "full.yaml");
    assert_true(s->seed == 4321);
    check_si(s->duration_s, 36.5 * 3600.0, "duration 36.5h = 131400 s");
    assert_true(s->max_arrivals == 2500000);
    check_si(s->bin_s, 12.5 * 60.0, "bin 12.5min = 750 s");
    check_si(s->warmup_s, 450.0, "warmup 450s");
    assert_int_equal(s->arrivals, EW_ARRIVALS_POISSON);
    check_si(s->rate_per_s, 37.5 / 60.0, "rate 37.5/min = 0.625/s");
    for (int h = 0; h < EW_HOURS; h++)
        check_si(s->profile[h], full_profile[h], "profile");
    assert_int_equal(s->service, EW_SERVICE_GAMMA);
    check_si(s->service_mean_s, 0.725, "service mean 725ms");
    check_si(s->service_cv, 0.85, "service cv");
    assert_string_equal(s->routing, "shortest_queue");
    assert_int_equal(s->n_sites, 2);

    const ew_site_spec *f = &s->sites[0];
    assert_string_equal(f->name, "fast");
    assert_int_equal(f->servers, 12);
    assert_int_equal(f->slots, 3);
    check_si(f->speed, 2.5, "fast speed");
    check_si(f->weight, 4.75, "fast weight (explicit, not speed × slots = 7.5)");
    check_si(f->off_w, 12.5, "fast off 12.5W");
    check_si(f->idle_w, 210.0, "fast idle 0.21kW = 210 W");
    check_si(f->busy_w, 935.0, "fast busy 935W");
    check_si(f->sleep_after_s, 450.0, "fast sleep after 7.5min = 450 s");
    check_si(f->wake_s, 42.0, "fast wake 42s");

    /* the second site takes every default */
    const ew_site_spec *w = &s->sites[1];
    assert_string_equal(w->name, "slow");
    assert_int_equal(w->servers, 30);
    assert_int_equal(w->slots, 1);
    check_si(w->speed, 1.0, "default speed");
    check_si(w->weight, 1.0, "default weight = speed × slots = 1");
    assert_true(w->off_w == 0.0);
    check_si(w->idle_w, 45.0, "slow idle");
    check_si(w->busy_w, 150.0, "slow busy 150000mW = 150 W");
    assert_true(isinf(w->sleep_after_s) && w->sleep_after_s > 0);
    assert_true(w->wake_s == 0.0);

    /* capacity Σ servers·slots·speed / mean = (12·3·2.5 + 30·1·1)/0.725 = 120/0.725 */
    check_si(ew_scenario_capacity_per_s(s), 120.0 / 0.725, "capacity 165.517/s");
    assert_string_equal(s->source_text, full_text);
    assert_non_null(s->effective_text);
    ew_scenario_free(s);
    ew_scenario_free(NULL);
}

/* A minimal scenario: every optional key takes its documented default. */
static const char min_text[] =
    "name: m\n"
    "run: {duration: 2.5h}\n"
    "workload:\n"
    "  arrivals: {rate: 3.25Hz}\n"
    "  service: {distribution: exponential, mean: 1.5s}\n"
    "sites:\n"
    "  - {name: a, servers: 4, speed: 1.75, power: {idle: 80W, busy: 200W}}\n"
    "  - {name: b, servers: 2, slots: 3, power: {idle: 60W, busy: 170W}}\n";

static void test_defaults(void **state)
{
    (void)state;
    ew_scenario *s = load_ok("min.yaml", min_text, NULL, 0);
    assert_true(s->seed == 1);
    assert_string_equal(s->title, "");
    check_si(s->duration_s, 9000.0, "duration 2.5h");
    assert_true(s->max_arrivals == 0);
    check_si(s->bin_s, 90.0, "default bin = duration/100 = 9000/100 s");
    assert_true(s->warmup_s == 0.0);
    assert_int_equal(s->arrivals, EW_ARRIVALS_POISSON);
    check_si(s->rate_per_s, 3.25, "rate 3.25Hz");
    for (int h = 0; h < EW_HOURS; h++)
        assert_true(s->profile[h] == 1.0);
    assert_int_equal(s->service, EW_SERVICE_EXPONENTIAL);
    assert_true(s->service_cv == 1.0);   /* exponential: cv is 1 by definition */
    assert_string_equal(s->routing, "weighted");
    const ew_site_spec *a = &s->sites[0], *b = &s->sites[1];
    assert_int_equal(a->slots, 1);
    check_si(a->weight, 1.75, "weight = speed 1.75 × slots 1");
    check_si(b->speed, 1.0, "default speed");
    check_si(b->weight, 3.0, "weight = speed 1 × slots 3");
    for (int k = 0; k < 2; k++) {
        assert_true(s->sites[k].off_w == 0.0);
        assert_true(isinf(s->sites[k].sleep_after_s));
        assert_true(s->sites[k].wake_s == 0.0);
    }
    ew_scenario_free(s);

    /* run by arrivals only: no horizon, and the bin defaults to 60 s */
    static const char *const by_count[] = {"run={max_arrivals: 5e4}"};
    s = load_ok("min.yaml", min_text, by_count, 1);
    assert_true(isinf(s->duration_s) && s->duration_s > 0);
    assert_true(s->max_arrivals == 50000);
    check_si(s->bin_s, 60.0, "bin without a duration");
    ew_scenario_free(s);
}

/* A scenario read from a file names that file. */
static void test_load_file(void **state)
{
    (void)state;
    char path[] = "/tmp/ew_test_scenario_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(min_text, f);
    fclose(f);
    ew_scenario *s = NULL;
    ew_error err = {0};
    assert_int_equal(ew_scenario_load(path, NULL, 0, &s, &err), EW_OK);
    assert_string_equal(s->file, path);
    assert_string_equal(s->source_text, min_text);
    ew_scenario_free(s);
    static const char *const bad[] = {"sites[0].speed=quick"};
    assert_int_equal(ew_scenario_load(path, bad, 1, &s, &err), EW_EINVAL);
    assert_null(s);
    unlink(path);
    assert_int_equal(ew_scenario_load(path, NULL, 0, &s, &err), EW_EINVAL);
    check_has(err.msg, path);
}

/* --set: a scalar, a list index, a key that was absent (whose default then
 * follows it), a flow list, a mapping value, a whole list item, seed given
 * twice (the last wins), a value containing '=', and a path through a
 * mapping the file lacks. */
static const double new_profile[EW_HOURS] = {0.5, 0.45, 0.4, 0.35, 0.3, 0.3, 0.4, 0.6,
                                             0.9, 1.1, 1.25, 1.3, 1.35, 1.3, 1.25, 1.2,
                                             1.2, 1.3, 1.5, 1.65, 1.55, 1.2, 0.85, 0.65};
static const char *const full_sets[] = {
    "run.duration=2h",
    "sites[1].servers=7",
    "sites[1].slots=4",
    "workload.arrivals.profile=[0.5, 0.45, 0.4, 0.35, 0.3, 0.3, 0.4, 0.6, 0.9, 1.1, 1.25, 1.3, "
    "1.35, 1.3, 1.25, 1.2, 1.2, 1.3, 1.5, 1.65, 1.55, 1.2, 0.85, 0.65]",
    "sites[1].power={off: 5W, idle: 55W, busy: 0.2kW}",
    "seed=5",
    "seed=9",
    "title='a=b: c'",   /* quoted: unquoted, "a=b: c" is YAML for a mapping */
    "sites[0].sleep.wake=1.5min",
};

static void test_overrides(void **state)
{
    (void)state;
    int n = (int)(sizeof full_sets / sizeof full_sets[0]);
    ew_scenario *s = load_ok("full.yaml", full_text, full_sets, n);
    check_si(s->duration_s, 7200.0, "run.duration=2h");
    check_si(s->bin_s, 750.0, "bin is given, so it does not follow the duration");
    assert_int_equal(s->sites[1].servers, 7);
    assert_int_equal(s->sites[1].slots, 4);
    check_si(s->sites[1].weight, 4.0, "default weight follows the new slots: 1 × 4");
    for (int h = 0; h < EW_HOURS; h++)
        check_si(s->profile[h], new_profile[h], "overridden profile");
    check_si(s->sites[1].off_w, 5.0, "power.off from a mapping override");
    check_si(s->sites[1].idle_w, 55.0, "power.idle from a mapping override");
    check_si(s->sites[1].busy_w, 200.0, "power.busy 0.2kW from a mapping override");
    assert_true(s->seed == 9);
    assert_string_equal(s->title, "a=b: c");
    check_si(s->sites[0].wake_s, 90.0, "sleep.wake=1.5min");
    check_si(s->sites[0].sleep_after_s, 450.0, "sleep.after untouched");
    /* untouched values stay */
    assert_int_equal(s->sites[0].servers, 12);
    check_si(s->rate_per_s, 0.625, "rate untouched");
    assert_string_equal(s->source_text, full_text);   /* the file as read, not overridden */

    /* the effective text shows every override ... */
    const char *eff = s->effective_text;
    assert_non_null(eff);
    check_has(eff, "2h");
    check_has(eff, "1.65");
    check_has(eff, "0.2kW");
    check_has(eff, "1.5min");
    check_has(eff, "a=b: c");
    if (strstr(eff, "36.5h") || strstr(eff, "4321") || strstr(eff, "1.7,") ||
        strstr(eff, "150000mW"))
        fail_msg("the effective text still holds an overridden value:\n%s", eff);
    /* ... and reads back as the same scenario, with no overrides */
    ew_scenario *back = load_ok("effective.yaml", eff, NULL, 0);
    check_same_scenario(s, back);
    ew_scenario_free(back);
    ew_scenario_free(s);

    /* without overrides, the effective text of the full file reads back the same */
    s = load_ok("full.yaml", full_text, NULL, 0);
    back = load_ok("effective.yaml", s->effective_text, NULL, 0);
    check_same_scenario(s, back);
    ew_scenario_free(back);
    ew_scenario_free(s);

    /* a whole list item, and a mapping the file lacks (routing) made by the path */
    static const char *const more[] = {
        "sites[1]={name: tiny, servers: 1, speed: 0.25, power: {idle: 5W, busy: 9W}}",
        "routing.policy=uniform",
        /* a title longer than the emitter's line width (100), with doubled
         * blanks, both quotes, a colon and non-ASCII text: it must come back
         * unchanged, however the emitter folds or quotes it */
        "title='Caf\xc3\xa9 at 5 \xc2\xb5s:  a title  with doubled blanks, \"double\" and "
        "''single'' quotes, # not a comment, and enough words to pass the emitter''s width "
        "of one hundred columns at least once'",
    };
    s = load_ok("min.yaml", min_text, more, 3);
    assert_string_equal(s->title,
                        "Caf\xc3\xa9 at 5 \xc2\xb5s:  a title  with doubled blanks, \"double\" and "
                        "'single' quotes, # not a comment, and enough words to pass the emitter's "
                        "width of one hundred columns at least once");
    assert_string_equal(s->sites[1].name, "tiny");
    assert_int_equal(s->sites[1].servers, 1);
    check_si(s->sites[1].weight, 0.25, "weight = speed 0.25 × slots 1");
    assert_string_equal(s->routing, "uniform");
    back = load_ok("effective.yaml", s->effective_text, NULL, 0);
    check_same_scenario(s, back);
    ew_scenario_free(back);
    ew_scenario_free(s);
}

/* A value that came from --set is blamed on that --set, not on a file line;
 * with several overrides, on the right one. */
static void test_override_errors(void **state)
{
    (void)state;
    const char *msg;
    static const char *const neg[] = {"seed=9", "sites[0].speed=-2", "run.duration=3h"};
    msg = load_bad("full.yaml", full_text, neg, 3);
    check_has(msg, "--set 'sites[0].speed=-2': sites[0].speed:");
    check_has(msg, "\"-2\"");

    static const char *const bare[] = {"run.duration=90"};
    msg = load_bad("full.yaml", full_text, bare, 1);
    check_has(msg, "--set 'run.duration=90': run.duration:");
    check_has(msg, "\"90\"");

    static const char *const unknown[] = {"sites[0].colour=red"};
    msg = load_bad("full.yaml", full_text, unknown, 1);
    check_has(msg, "--set 'sites[0].colour=red': sites[0].colour: unknown key");
    check_has(msg, "name, servers, slots, speed, weight, power, sleep");

    static const char *const policy[] = {"routing.policy=nearest"};
    msg = load_bad("min.yaml", min_text, policy, 1);
    check_has(msg, "--set 'routing.policy=nearest': routing.policy:");
    check_has(msg, "nearest");
    check_has(msg, "uniform");
    check_has(msg, "shortest_queue");

    /* an error inside a mapping given whole names the override */
    static const char *const inner[] = {"sites[1].power={idle: 55W, busy: 20W}"};
    msg = load_bad("full.yaml", full_text, inner, 1);
    check_has(msg, "--set 'sites[1].power={idle: 55W, busy: 20W}': sites[1].power.idle:");

    /* a profile of 23 values */
    static const char *const short_profile[] = {
        "workload.arrivals.profile=[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]"};
    msg = load_bad("full.yaml", full_text, short_profile, 1);
    check_has(msg, "--set 'workload.arrivals.profile=");
    check_has(msg, "workload.arrivals.profile:");
    check_has(msg, "23");

    /* an empty value */
    static const char *const empty[] = {"name="};
    msg = load_bad("full.yaml", full_text, empty, 1);
    check_has(msg, "--set 'name=': name:");

    /* malformed overrides */
    static const char *const no_eq[] = {"run.duration"};
    msg = load_bad("full.yaml", full_text, no_eq, 1);
    check_has(msg, "--set 'run.duration'");
    static const char *const out_of_range[] = {"sites[5].servers=1"};
    msg = load_bad("full.yaml", full_text, out_of_range, 1);
    check_has(msg, "--set 'sites[5].servers=1'");
    check_has(msg, "index 5");
    static const char *const not_list[] = {"run[0].duration=1h"};
    msg = load_bad("full.yaml", full_text, not_list, 1);
    check_has(msg, "--set 'run[0].duration=1h'");
    static const char *const not_map[] = {"seed.x=1"};
    msg = load_bad("full.yaml", full_text, not_map, 1);
    check_has(msg, "--set 'seed.x=1'");
    static const char *const bad_yaml[] = {"sites[0].power={idle: 5W"};
    msg = load_bad("full.yaml", full_text, bad_yaml, 1);
    check_has(msg, "--set 'sites[0].power={idle: 5W'");
}

/* Places in the file: line AND column, counted from 1. In place_text the
 * value "fast" of sites[0].speed is on line 7; "    speed: " is 11
 * characters, so it starts in column 12. On line 3, "workload: {arrivals:
 * {rate: " is 28 characters: the rate value starts in column 29. */
static const char place_text[] =
    "name: t\n"                                                       /* 1 */
    "run: {duration: 1h}\n"                                           /* 2 */
    "workload: {arrivals: {rate: 2/s}, service: {distribution: exponential, mean: 1s}}\n"
    "sites:\n"                                                        /* 4 */
    "  - name: a\n"                                                   /* 5 */
    "    servers: 2\n"                                                /* 6 */
    "    speed: fast\n"                                               /* 7 */
    "    power: {idle: 80W, busy: 200W}\n";                           /* 8 */

/* 1-based column of needle on 1-based line `line` of text */
static long column_of(const char *text, int line, const char *needle)
{
    for (int l = 1; l < line; l++)
        text = strchr(text, '\n') + 1;
    return strstr(text, needle) - text + 1;
}

static void test_error_places(void **state)
{
    (void)state;
    /* the hand counts above, checked against the text itself */
    assert_int_equal(column_of(place_text, 7, "fast"), 12);
    assert_int_equal(column_of(place_text, 3, "2/s"), 29);

    const char *msg = load_bad("place.yaml", place_text, NULL, 0);
    if (strncmp(msg, "place.yaml:7:12: sites[0].speed: ", 33) != 0)
        fail_msg("expected \"place.yaml:7:12: sites[0].speed: ...\", got: %s", msg);
    check_has(msg, "\"fast\"");

    /* the same file with a good speed and a bad rate on line 3 */
    static const char *const fix[] = {"sites[0].speed=1.5",
                                      "workload.arrivals.rate=2/s"};
    char text[sizeof place_text + 16];
    snprintf(text, sizeof text, "%s", place_text);
    char *r = strstr(text, "2/s");
    memcpy(r, "2/x", 3);
    msg = load_bad("place.yaml", text, fix, 1);
    if (strncmp(msg, "place.yaml:3:29: workload.arrivals.rate: ", 41) != 0)
        fail_msg("expected \"place.yaml:3:29: workload.arrivals.rate: ...\", got: %s", msg);
    /* ... and once the rate is overridden too, the file loads */
    ew_scenario *s = load_ok("place.yaml", text, fix, 2);
    check_si(s->sites[0].speed, 1.5, "speed from --set");
    ew_scenario_free(s);

    /* a missing required key is blamed on the mapping that lacks it: here
     * one given whole by --set, ... */
    static const char *const drop[] = {"sites[0]={name: a, servers: 2}"};
    msg = load_bad("place.yaml", place_text, drop, 1);
    check_has(msg, "--set 'sites[0]={name: a, servers: 2}': sites[0].power:");
    /* ... there the power mapping, whose first key "idle" is at line 8, column 7 */
    static const char no_busy[] =
        "name: t\nrun: {duration: 1h}\n"
        "workload: {arrivals: {rate: 2/s}, service: {distribution: exponential, mean: 1s}}\n"
        "sites:\n"
        "  - name: a\n"
        "    servers: 2\n"
        "    power:\n"
        "      idle: 80W\n";
    msg = load_bad("nobusy.yaml", no_busy, NULL, 0);
    if (strncmp(msg, "nobusy.yaml:8:7: sites[0].power.busy: ", 38) != 0)
        fail_msg("expected \"nobusy.yaml:8:7: sites[0].power.busy: ...\", got: %s", msg);

    /* YAML syntax errors name file, line and column too */
    msg = load_bad("syntax.yaml", "name: t\nrun: {duration: 1h\nsites: []\n", NULL, 0);
    check_has(msg, "syntax.yaml:");
    assert_true(strncmp(msg, "syntax.yaml:", 12) == 0);
    int line = 0, col = 0;
    assert_int_equal(sscanf(msg, "syntax.yaml:%d:%d:", &line, &col), 2);
    assert_true(line >= 2 && line <= 4 && col >= 1);
}

/* Duplicate keys, at the top and inside a flow mapping, name the second
 * occurrence and the line of the first. */
static void test_duplicate_keys(void **state)
{
    (void)state;
    static const char top[] =
        "name: t\n"
        "run: {duration: 1h}\n"
        "name: u\n"
        "workload: {arrivals: {rate: 2/s}, service: {distribution: exponential, mean: 1s}}\n"
        "sites: [{name: a, servers: 1, power: {idle: 1W, busy: 2W}}]\n";
    const char *msg = load_bad("dup.yaml", top, NULL, 0);
    if (strncmp(msg, "dup.yaml:3:1: name: duplicate key", 33) != 0)
        fail_msg("expected \"dup.yaml:3:1: name: duplicate key ...\", got: %s", msg);
    check_has(msg, "line 1");

    static const char nested[] =
        "name: t\n"
        "run: {duration: 1h}\n"
        "workload: {arrivals: {rate: 2/s}, service: {distribution: exponential, mean: 1s}}\n"
        "sites:\n"
        "  - name: a\n"
        "    servers: 1\n"
        "    power: {idle: 80W, busy: 200W, idle: 90W}\n";
    /* "    power: {idle: 80W, busy: 200W, " is 35 characters: the second idle is at column 36 */
    msg = load_bad("dup2.yaml", nested, NULL, 0);
    if (strncmp(msg, "dup2.yaml:7:36: sites[0].power.idle: duplicate key", 50) != 0)
        fail_msg("expected \"dup2.yaml:7:36: sites[0].power.idle: duplicate key ...\", got: %s",
                 msg);
    check_has(msg, "line 7");
}

/* An unknown key is named with its full path and the list of keys known at
 * that place, at every level. */
static void test_unknown_keys(void **state)
{
    (void)state;
    static const struct { const char *text, *where, *known; } cases[] = {
        {"name: t\nsitez: []\n", "u.yaml:2:1: sitez: unknown key",
         "name, title, seed, run, workload, routing, sites"},
        {"name: t\nrun: {duration: 1h, bins: 10s}\n", "u.yaml:2:21: run.bins: unknown key",
         "duration, max_arrivals, drain, bin, warmup"},
        {"name: t\nrun: {duration: 1h}\n"
         "workload: {arrivals: {rate: 1/s, shape: 2}, service: {distribution: gamma}}\n",
         "u.yaml:3:34: workload.arrivals.shape: unknown key", "process, rate, profile"},
        {"name: t\nrun: {duration: 1h}\n"
         "workload: {arrivals: {rate: 1/s}, service: {distribution: gamma, mean: 1s, sd: 2s}}\n",
         "u.yaml:3:76: workload.service.sd: unknown key", "distribution, mean, cv"},
        {"name: t\nrun: {duration: 1h}\n"
         "workload: {arrivals: {rate: 1/s}, service: {distribution: exponential, mean: 1s}}\n"
         "routing: {policy: uniform, fanout: 2}\n",
         "u.yaml:4:28: routing.fanout: unknown key", "policy"},
        {"name: t\nrun: {duration: 1h}\n"
         "workload: {arrivals: {rate: 1/s}, service: {distribution: exponential, mean: 1s}}\n"
         "sites:\n  - name: a\n    servers: 1\n    cores: 8\n",
         "u.yaml:7:5: sites[0].cores: unknown key",
         "name, servers, slots, speed, weight, power, sleep"},
        {"name: t\nrun: {duration: 1h}\n"
         "workload: {arrivals: {rate: 1/s}, service: {distribution: exponential, mean: 1s}}\n"
         "sites:\n  - name: a\n    servers: 1\n    power: {idle: 1W, busy: 2W, peak: 3W}\n",
         "u.yaml:7:33: sites[0].power.peak: unknown key", "off, idle, busy"},
        {"name: t\nrun: {duration: 1h}\n"
         "workload: {arrivals: {rate: 1/s}, service: {distribution: exponential, mean: 1s}}\n"
         "sites:\n  - name: a\n    servers: 1\n    power: {idle: 1W, busy: 2W}\n"
         "    sleep: {after: 1min, depth: 3}\n",
         "u.yaml:8:26: sites[0].sleep.depth: unknown key", "after, wake"},
        {"name: t\nrun: {duration: 1h}\n"
         "workload:\n  arrivals: {rate: 1/s}\n  classes:\n"
         "    - {name: c, kind: llm, model: llama-3.1-8b, share: 1, temperature: 0.7}\n",
         "u.yaml:6:59: workload.classes[0].temperature: unknown key",
         "name, kind, model, share, prompt_tokens, output_tokens, steps"},
        {"name: t\nrun: {duration: 1h}\n"
         "workload:\n  arrivals: {rate: 1/s}\n  classes:\n"
         "    - {name: c, kind: llm, model: llama-3.1-8b, share: 1, prompt_tokens: 10,\n"
         "       output_tokens: 10}\n"
         "sites:\n  - name: a\n    servers: 1\n"
         "    serving: {device: h100-sxm, model: llama-3.1-8b, engine: vllm}\n",
         "u.yaml:11:54: sites[0].serving.engine: unknown key",
         "device, model, gpus_per_server, tp, precision, max_batch, max_context, prefill_chunk"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *msg = load_bad("u.yaml", cases[i].text, NULL, 0);
        if (strncmp(msg, cases[i].where, strlen(cases[i].where)) != 0)
            fail_msg("case %zu: expected \"%s ...\", got: %s", i, cases[i].where, msg);
        check_has(msg, cases[i].known);
    }
}

/* The yamlx layer on its own: a --set value's place is the option, a file
 * value's place is file:line:col, and the emitted text of a document with
 * no overrides reads back to the same values. */
static void test_yamlx_where_and_emit(void **state)
{
    (void)state;
    ew_yaml *y = NULL;
    ew_error err = {0};
    assert_int_equal(ew_yaml_load_string("w.yaml", "a: 1\nb:\n  c: [x, y]\n", &y, &err), EW_OK);
    assert_int_equal(ew_yaml_set(y, "b.d=7", &err), EW_OK);
    assert_int_equal(ew_yaml_set(y, "b.c[1]=z", &err), EW_OK);
    static const char *const top_keys[] = {"a", "b", NULL}, *const b_keys[] = {"c", "d", NULL};
    ew_ymap top, b;
    assert_int_equal(ew_ymap_open(&top, y, ew_yaml_root(y), "", top_keys, &err), EW_OK);
    assert_int_equal(ew_ymap_open(&b, y, ew_ymap_get(&top, "b"), "b", b_keys, &err), EW_OK);
    char where[256];
    ew_yaml_where(y, ew_ymap_get(&top, "a"), where, sizeof where);
    assert_string_equal(where, "w.yaml:1:4");
    ew_yaml_where(y, ew_ymap_get(&b, "d"), where, sizeof where);
    assert_string_equal(where, "--set 'b.d=7'");
    yaml_node_t *c = ew_ymap_get(&b, "c");
    assert_non_null(c);
    assert_int_equal(c->type, YAML_SEQUENCE_NODE);
    ew_yaml_where(y, ew_yaml_node(y, c->data.sequence.items.start[0]), where, sizeof where);
    assert_string_equal(where, "w.yaml:3:7");
    ew_yaml_where(y, ew_yaml_node(y, c->data.sequence.items.start[1]), where, sizeof where);
    assert_string_equal(where, "--set 'b.c[1]=z'");
    uint64_t d = 0;
    assert_int_equal(ew_ymap_count(&b, "d", 1, 0, 0, 100, &d, &err), EW_OK);
    assert_true(d == 7);
    char *text = ew_yaml_emit(y, &err);
    assert_non_null(text);
    check_has(text, "d: 7");
    check_has(text, "z");
    ew_yaml *y2 = NULL;
    assert_int_equal(ew_yaml_load_string("e.yaml", text, &y2, &err), EW_OK);
    ew_ymap top2, b2;
    assert_int_equal(ew_ymap_open(&top2, y2, ew_yaml_root(y2), "", top_keys, &err), EW_OK);
    assert_int_equal(ew_ymap_open(&b2, y2, ew_ymap_get(&top2, "b"), "b", b_keys, &err), EW_OK);
    yaml_node_t *c2 = ew_ymap_get(&b2, "c");
    assert_string_equal((const char *)ew_yaml_node(y2, c2->data.sequence.items.start[1])
                            ->data.scalar.value, "z");
    free(text);
    ew_yaml_free(y2);
    ew_yaml_free(y);
    ew_yaml_free(NULL);

    /* a second document is refused */
    assert_int_equal(ew_yaml_load_string("two.yaml", "a: 1\n---\nb: 2\n", &y, &err), EW_EINVAL);
    assert_null(y);
    check_has(err.msg, "two.yaml:3:1");
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_scenario),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_override_errors),
        cmocka_unit_test(test_error_places),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_yamlx_where_and_emit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
