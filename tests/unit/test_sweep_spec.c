/* test_sweep_spec.c — the scenario's sweep: block: lists, ranges (linear and
 * logarithmic), the order of points in a product and in a zip. */
#define EW_TEST_NAME "test_sweep_spec.yaml"
#include "ew_test.h"

static const char head[] =
    "name: x\n"
    "run: {duration: 1h}\n"
    "workload:\n"
    "  arrivals: {process: poisson, rate: 1/s}\n"
    "  service: {distribution: exponential, mean: 1s}\n"
    "sites:\n"
    "  - {name: s, servers: 1, power: {idle: 10W, busy: 20W}}\n";

static ew_scenario *with_sweep(const char *sweep)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s", head, sweep);
    return load_scenario(text);
}

/* Product: the last parameter varies fastest; points = product of counts. */
static void product_order(void **state)
{
    (void)state;
    ew_scenario *s = with_sweep("sweep:\n  parameters:\n"
                                "    sites[0].servers: [1, 10, 100]\n"
                                "    workload.arrivals.rate: [1/s, 2/s]\n");
    const ew_sweep_spec *sw = &s->sweep;
    assert_int_equal(sw->n_params, 2);
    assert_false(sw->zip);
    assert_int_equal(ew_sweep_points(sw), 6);
    static const char *const want[6][2] = {{"1", "1/s"},   {"1", "2/s"},   {"10", "1/s"},
                                           {"10", "2/s"},  {"100", "1/s"}, {"100", "2/s"}};
    for (size_t i = 0; i < 6; i++)
        for (uint32_t p = 0; p < 2; p++)
            assert_string_equal(sw->params[p].values[ew_sweep_value_index(sw, i, p)], want[i][p]);
    assert_string_equal(sw->params[0].path, "sites[0].servers");
    ew_scenario_free(s);
}

/* Zip: point i takes the i-th value of every parameter. */
static void zip_order(void **state)
{
    (void)state;
    ew_scenario *s = with_sweep("sweep:\n  mode: zip\n  parameters:\n"
                                "    sites[0].servers: [1, 10, 100]\n"
                                "    seed: [5, 6, 7]\n");
    assert_int_equal(ew_sweep_points(&s->sweep), 3);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(ew_sweep_value_index(&s->sweep, i, 0), i);
        assert_int_equal(ew_sweep_value_index(&s->sweep, i, 1), i);
    }
    ew_scenario_free(s);
}

/* Ranges: `steps` values from `from` to `to`, evenly spaced, or evenly in
 * the logarithm (1, 10, 100, 1000 for 1..1000 in 4 steps). */
static void ranges(void **state)
{
    (void)state;
    ew_scenario *s = with_sweep("sweep:\n  parameters:\n"
                                "    sites[0].servers: {from: 1, to: 1000, steps: 4, scale: log}\n"
                                "    run.duration: {from: 0.5, to: 2, steps: 4}\n");
    const ew_sweep_param *lg = &s->sweep.params[0], *ln = &s->sweep.params[1];
    assert_int_equal(lg->n_values, 4);
    static const double lw[] = {1, 10, 100, 1000}, nw[] = {0.5, 1, 1.5, 2};
    for (int i = 0; i < 4; i++) {
        assert_true(fabs(strtod(lg->values[i], NULL) - lw[i]) <= 1e-9 * lw[i]);
        assert_true(fabs(strtod(ln->values[i], NULL) - nw[i]) <= 1e-12);
    }
    assert_int_equal(ew_sweep_points(&s->sweep), 16);
    ew_scenario_free(s);
}

/* No sweep block: no points; the scenario runs as ever. */
static void no_sweep(void **state)
{
    (void)state;
    ew_scenario *s = with_sweep("");
    assert_int_equal(s->sweep.n_params, 0);
    assert_int_equal(ew_sweep_points(&s->sweep), 0);
    assert_int_equal(s->replications, 1);
    ew_scenario_free(s);
}

int main(void)
{
    (void)run_yaml;   /* ew_test.h helpers this file does not use */
    (void)check_rel;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(product_order), cmocka_unit_test(zip_order),
        cmocka_unit_test(ranges),        cmocka_unit_test(no_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
