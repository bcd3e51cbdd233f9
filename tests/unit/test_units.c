/* test_units.c — ew_units_parse (sim/units.h): every unit of every quantity
 * goes to SI by the factor its name defines (SI prefixes: n = 1e-9, u = µ =
 * 1e-6, m = 1e-3, k = 1e3, M = 1e6; 1 min = 60 s, 1 h = 3600 s,
 * 1 d = 86400 s, 1 Wh = 3600 J, N/unit = N / (unit in s), 1 Hz = 1/s), and
 * text that is not "finite decimal number + one of the quantity's units" is
 * refused. Inputs are non-round so that a wrong factor cannot pass by luck;
 * expected values are written as the product the definition gives. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "units.h"

typedef struct ok_case {
    const char *text;
    ew_quantity q;
    double si;          /* by hand, from the unit's definition */
} ok_case;

/* |got - want| <= 1e-12 |want|: the parser does one multiplication (or one
 * division for rates), so only the last bits may differ from the literal. */
static void check_ok(const ok_case *c)
{
    double got = -12345.0;
    int rc = ew_units_parse(c->text, c->q, &got);
    if (rc != 0)
        fail_msg("\"%s\" (quantity %d) refused, expected %.17g", c->text, (int)c->q, c->si);
    double tol = 1e-12 * fabs(c->si);
    if (!(fabs(got - c->si) <= tol))
        fail_msg("\"%s\" (quantity %d): got %.17g, expected %.17g", c->text, (int)c->q, got,
                 c->si);
}

static void check_all(const ok_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check_ok(&cases[i]);
}

static void test_durations(void **state)
{
    (void)state;
    static const ok_case cases[] = {
        {"12.5ns", EW_Q_DURATION, 12.5e-9},
        {"7.3 us", EW_Q_DURATION, 7.3e-6},
        {"7.3\xc2\xb5s", EW_Q_DURATION, 7.3e-6},      /* "µs", UTF-8 micro sign */
        {"250ms", EW_Q_DURATION, 0.25},
        {"0.375 ms", EW_Q_DURATION, 0.375e-3},
        {"  90 s ", EW_Q_DURATION, 90.0},
        {"\t41.5\ts\t", EW_Q_DURATION, 41.5},             /* tabs are blanks too */
        {"37.5 min", EW_Q_DURATION, 37.5 * 60.0},         /* 2250 s */
        {"3.25h", EW_Q_DURATION, 3.25 * 3600.0},          /* 11700 s */
        {"1.7 d", EW_Q_DURATION, 1.7 * 86400.0},          /* 146880 s */
        {"2.5e-3 s", EW_Q_DURATION, 2.5e-3},
        {"1E2ms", EW_Q_DURATION, 0.1},
        {".5s", EW_Q_DURATION, 0.5},
        {"+2.2 h", EW_Q_DURATION, 2.2 * 3600.0},
        {"-4.5 s", EW_Q_DURATION, -4.5},                  /* sign is the caller's range check */
        {"0 s", EW_Q_DURATION, 0.0},
    };
    check_all(cases, sizeof cases / sizeof cases[0]);
}

static void test_rates(void **state)
{
    (void)state;
    static const ok_case cases[] = {
        {"2.4/ns", EW_Q_RATE, 2.4 / 1e-9},
        {"3.1/us", EW_Q_RATE, 3.1 / 1e-6},
        {"3.1/\xc2\xb5s", EW_Q_RATE, 3.1 / 1e-6},
        {"0.8/ms", EW_Q_RATE, 800.0},
        {"500/s", EW_Q_RATE, 500.0},
        {"30/min", EW_Q_RATE, 0.5},                       /* 30 per 60 s */
        {"45 /h", EW_Q_RATE, 45.0 / 3600.0},              /* 0.0125/s */
        {"1728/ d", EW_Q_RATE, 1728.0 / 86400.0},         /* 0.02/s */
        {"2 Hz", EW_Q_RATE, 2.0},
        {"12.75Hz", EW_Q_RATE, 12.75},
        {" 7.5 / s ", EW_Q_RATE, 7.5},
    };
    check_all(cases, sizeof cases / sizeof cases[0]);
}

static void test_powers(void **state)
{
    (void)state;
    static const ok_case cases[] = {
        {"450 mW", EW_Q_POWER, 0.45},
        {"87.5W", EW_Q_POWER, 87.5},
        {"1e3 W", EW_Q_POWER, 1000.0},
        {"1.2kW", EW_Q_POWER, 1200.0},
        {"2.75 MW", EW_Q_POWER, 2.75e6},
    };
    check_all(cases, sizeof cases / sizeof cases[0]);
}

static void test_energies(void **state)
{
    (void)state;
    static const ok_case cases[] = {
        {"42.5 J", EW_Q_ENERGY, 42.5},
        {"3.6kJ", EW_Q_ENERGY, 3600.0},
        {"0.25 MJ", EW_Q_ENERGY, 250000.0},
        {"2.5 Wh", EW_Q_ENERGY, 2.5 * 3600.0},            /* 9000 J */
        {"0.3 kWh", EW_Q_ENERGY, 1.08e6},                 /* 0.3 × 3.6e6 J */
        {"1.5MWh", EW_Q_ENERGY, 1.5 * 3.6e9},             /* 5.4e9 J */
    };
    check_all(cases, sizeof cases / sizeof cases[0]);
}

static void test_numbers(void **state)
{
    (void)state;
    static const ok_case cases[] = {
        {"2.5", EW_Q_NUMBER, 2.5},
        {" 17 ", EW_Q_NUMBER, 17.0},
        {"-0.125", EW_Q_NUMBER, -0.125},
        {"1e7", EW_Q_NUMBER, 1e7},
    };
    check_all(cases, sizeof cases / sizeof cases[0]);
}

typedef struct bad_case {
    const char *text;
    ew_quantity q;
    const char *why;
} bad_case;

static void test_refusals(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"90", EW_Q_DURATION, "a bare number where a unit is needed"},
        {"90", EW_Q_POWER, "a bare number where a unit is needed"},
        {"500", EW_Q_RATE, "a bare number where a unit is needed"},
        {"W", EW_Q_POWER, "a unit without a number"},
        {"kWh", EW_Q_ENERGY, "a unit without a number"},
        {"inf W", EW_Q_POWER, "not finite"},
        {"+inf W", EW_Q_POWER, "not finite (signed)"},
        {"-infinity s", EW_Q_DURATION, "not finite (signed)"},
        {"nan s", EW_Q_DURATION, "not a number"},
        {"-nan s", EW_Q_DURATION, "not a number (signed)"},
        {"1e400 s", EW_Q_DURATION, "overflows to infinity"},
        {"1e308 d", EW_Q_DURATION, "finite number, infinite in SI"},
        {"0x10 s", EW_Q_DURATION, "hexadecimal"},
        {"0x1p3 W", EW_Q_POWER, "hexadecimal float"},
        {"5 parsecs", EW_Q_DURATION, "not a duration unit"},
        {"5/fortnight", EW_Q_RATE, "not a duration unit"},
        {"5/", EW_Q_RATE, "rate without a unit"},
        {"5 s", EW_Q_RATE, "a duration is not a rate"},
        {"5 Hzz", EW_Q_RATE, "trailing text after Hz"},
        {"5 W", EW_Q_DURATION, "a power is not a duration"},
        {"5 s", EW_Q_POWER, "a duration is not a power"},
        {"5 W", EW_Q_ENERGY, "a power is not an energy"},
        {"5 J", EW_Q_POWER, "an energy is not a power"},
        {"5 kw", EW_Q_POWER, "units are case-sensitive"},
        {"5 S", EW_Q_DURATION, "units are case-sensitive"},
        {"5 s s", EW_Q_DURATION, "two units"},
        {"5 s,", EW_Q_DURATION, "trailing punctuation"},
        {"5e s", EW_Q_DURATION, "incomplete exponent"},
        {"1,5 s", EW_Q_DURATION, "decimal comma"},
        {"5 W", EW_Q_NUMBER, "a plain number takes no unit"},
        {"", EW_Q_DURATION, "empty"},
        {"   ", EW_Q_POWER, "blanks only"},
        {"--5s", EW_Q_DURATION, "two signs"},
        {"s5", EW_Q_DURATION, "unit before the number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = -1.0;
        if (ew_units_parse(cases[i].text, cases[i].q, &got) != -1)
            fail_msg("\"%s\" (quantity %d) accepted as %.17g; must be refused: %s",
                     cases[i].text, (int)cases[i].q, got, cases[i].why);
    }
    double got = 0.0;
    for (int q = EW_Q_DURATION; q <= EW_Q_NUMBER; q++)
        assert_int_equal(ew_units_parse(NULL, (ew_quantity)q, &got), -1);
}

/* Each unit accepted above is named in the message for that quantity, so an
 * error message never hides a unit the parser takes. */
static void test_expected_lists_units(void **state)
{
    (void)state;
    static const struct { ew_quantity q; const char *units[8]; } lists[] = {
        {EW_Q_DURATION, {"ns", "us", "ms", "s", "min", "h", "d", NULL}},
        {EW_Q_RATE, {"/s", "/ms", "/min", "/h", "/d", "Hz", NULL}},
        {EW_Q_POWER, {"mW", "W", "kW", "MW", NULL}},
        {EW_Q_ENERGY, {"J", "kJ", "MJ", "Wh", "kWh", "MWh", NULL}},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        const char *text = ew_units_expected(lists[i].q);
        assert_non_null(text);
        for (int k = 0; lists[i].units[k]; k++) {
            /* a whole item of the list: after '(' or ' ', before ',' ')' or ' ' */
            const char *sym = lists[i].units[k], *at = text;
            size_t len = strlen(sym);
            int found = 0;
            while (!found && (at = strstr(at, sym)) != NULL) {
                found = at > text && strchr("( ", at[-1]) && at[len] && strchr(",) ", at[len]);
                at++;
            }
            if (!found)
                fail_msg("ew_units_expected(%d) = \"%s\" does not list \"%s\"",
                         (int)lists[i].q, text, sym);
        }
    }
    assert_non_null(ew_units_expected(EW_Q_NUMBER));
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_powers),
        cmocka_unit_test(test_energies),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_expected_lists_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
