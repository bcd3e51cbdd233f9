/* test_rapl.c — the powercap reader of ew-calib (calib/rapl.c, included
 * whole so that the simulator's library does not link calib code) against
 * fake powercap trees built in a temporary folder. Expected energies are
 * the counters' differences by hand, wrap-arounds counted as
 * (after − before) mod (max_energy_range_uj + 1); readings are non-round
 * and the two packages have different ranges (the ranges of a Xeon package,
 * 262143328850 µJ, and of a smaller one, 65532610987 µJ).
 * Tests run as root in CI, where a mode-000 file is still readable: the
 * unreadable counter is then a folder, whose read fails for root too. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../calib/rapl.c"

static char root[64];

static void put(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    if (!f)
        fail_msg("cannot write %s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

static void dir(const char *rel)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    if (mkdir(path, 0755) != 0)
        fail_msg("cannot make %s: %s", path, strerror(errno));
}

/* A domain folder with its name, range and counter. */
static void domain(const char *rel, const char *name, const char *max_uj, const char *uj)
{
    char p[128];
    dir(rel);
    snprintf(p, sizeof p, "%s/name", rel);
    put(p, name);
    snprintf(p, sizeof p, "%s/max_energy_range_uj", rel);
    put(p, max_uj);
    snprintf(p, sizeof p, "%s/energy_uj", rel);
    put(p, uj);
}

static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0755);
        DIR *d = opendir(path);
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
            remove_tree(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/ew-test-rapl-XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    remove_tree(root);
    return 0;
}

/* The formula on its own: no wrap, a wrap, a wrap landing on 0, the top. */
static void test_delta(void **state)
{
    (void)state;
    assert_int_equal(ew_rapl_delta_uj(1000, 2500, 99999), 1500);
    /* 99000 → 99999 is 999, one step to 0, then 1234: 2234 */
    assert_int_equal(ew_rapl_delta_uj(99000, 1234, 99999), 2234);
    assert_int_equal(ew_rapl_delta_uj(99999, 0, 99999), 1);
    assert_int_equal(ew_rapl_delta_uj(0, 99999, 99999), 99999);
    assert_int_equal(ew_rapl_delta_uj(777, 777, 99999), 0);
}

/* Two packages (the first wraps between the snapshots), a core sub-domain
 * (top-level intel-rapl:0:0, and nested), psys, an mmio copy of package 0
 * and the control-type folder: only the two packages count. */
static void test_two_packages_one_wraps(void **state)
{
    (void)state;
    domain("intel-rapl:1", "package-1\n", "65532610987\n", "1000003\n");
    domain("intel-rapl:0", "package-0\n", "262143328850\n", "262143000017\n");
    domain("intel-rapl:0/intel-rapl:0:0", "core\n", "262143328850\n", "5000\n");
    domain("intel-rapl:0:0", "core\n", "262143328850\n", "5000\n");
    domain("intel-rapl:2", "psys\n", "262143328850\n", "123456789\n");
    domain("intel-rapl-mmio:0", "package-0\n", "262143328850\n", "42\n");
    dir("intel-rapl");

    ew_rapl r;
    char why[512] = "";
    int rc = ew_rapl_open(root, &r, why, sizeof why);
    if (rc != EW_RAPL_OK)
        fail_msg("open refused the tree: %s", why);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.pkg[0].name, "package-0"); /* sorted by index */
    assert_string_equal(r.pkg[1].name, "package-1");
    assert_true(r.pkg[0].max_energy_range_uj == 262143328850ULL);
    assert_true(r.pkg[1].max_energy_range_uj == 65532610987ULL);

    ew_rapl_snapshot before, after;
    assert_int_equal(ew_rapl_read(&r, &before, why, sizeof why), EW_RAPL_OK);
    put("intel-rapl:0/energy_uj", "1234567\n");  /* wrapped */
    put("intel-rapl:1/energy_uj", "37654321\n"); /* did not */
    put("intel-rapl:0:0/energy_uj", "999999999\n");
    put("intel-rapl:2/energy_uj", "999999999\n");
    put("intel-rapl-mmio:0/energy_uj", "999999999\n");
    assert_int_equal(ew_rapl_read(&r, &after, why, sizeof why), EW_RAPL_OK);

    /* package 0: (262143328850 − 262143000017) + 1 + 1234567 = 328833 + 1 + 1234567
     *          = 1563401 µJ; package 1: 37654321 − 1000003 = 36654318 µJ;
     * sum 38217719 µJ = 38.217719 J */
    double j = -1.0;
    rc = ew_rapl_joules(&r, &before, &after, 7.3, &j, why, sizeof why);
    if (rc != EW_RAPL_OK)
        fail_msg("joules refused: %s", why);
    double want = 38.217719;
    if (!(fabs(j - want) <= 1e-12 * want))
        fail_msg("joules %.12f, expected %.12f", j, want);
}

/* A package whose counter cannot be read: open says which file and why, and
 * measures nothing (no partial sum over the other package). */
static void test_unreadable_counter(void **state)
{
    (void)state;
    domain("intel-rapl:0", "package-0\n", "262143328850\n", "1000\n");
    domain("intel-rapl:1", "package-1\n", "262143328850\n", "2000\n");
    char path[256];
    snprintf(path, sizeof path, "%s/intel-rapl:1/energy_uj", root);
    chmod(path, 0);
    FILE *f = fopen(path, "r");
    if (f) { /* root reads a mode-000 file: make it unreadable another way */
        fclose(f);
        unlink(path);
        dir("intel-rapl:1/energy_uj");
    }
    ew_rapl r;
    char why[512] = "";
    assert_int_equal(ew_rapl_open(root, &r, why, sizeof why), EW_RAPL_EREAD);
    assert_int_equal(r.n, 0);
    assert_non_null(strstr(why, "intel-rapl:1/energy_uj"));
    assert_non_null(strstr(why, "cannot read"));
    print_message("  message: %s\n", why);
}

/* A counter that becomes unreadable between open and a snapshot. */
static void test_unreadable_later(void **state)
{
    (void)state;
    domain("intel-rapl:0", "package-0\n", "262143328850\n", "1000\n");
    ew_rapl r;
    ew_rapl_snapshot s;
    char why[512] = "";
    assert_int_equal(ew_rapl_open(root, &r, why, sizeof why), EW_RAPL_OK);
    put("intel-rapl:0/energy_uj", "12x\n");
    assert_int_equal(ew_rapl_read(&r, &s, why, sizeof why), EW_RAPL_EREAD);
    assert_non_null(strstr(why, "intel-rapl:0/energy_uj"));
    assert_non_null(strstr(why, "\"12x\""));
}

/* No tree, and a tree without packages (psys only). */
static void test_no_packages(void **state)
{
    (void)state;
    ew_rapl r;
    char why[512] = "", missing[128];
    snprintf(missing, sizeof missing, "%s/none", root);
    assert_int_equal(ew_rapl_open(missing, &r, why, sizeof why), EW_RAPL_ENONE);
    assert_non_null(strstr(why, missing));
    domain("intel-rapl:0", "psys\n", "262143328850\n", "1000\n");
    assert_int_equal(ew_rapl_open(root, &r, why, sizeof why), EW_RAPL_ENONE);
    assert_non_null(strstr(why, "no RAPL package domain"));
}

/* Intervals that could hold two wrap-arounds are refused, not guessed: the
 * 65532.610988 J counter at 1000 W wraps every 65.53 s. A reading above the
 * range is refused too. */
static void test_guards(void **state)
{
    (void)state;
    domain("intel-rapl:0", "package-0\n", "65532610987\n", "100\n");
    ew_rapl r;
    ew_rapl_snapshot a, b;
    char why[512] = "";
    double j = -1.0;
    assert_int_equal(ew_rapl_open(root, &r, why, sizeof why), EW_RAPL_OK);
    assert_int_equal(ew_rapl_read(&r, &a, why, sizeof why), EW_RAPL_OK);
    put("intel-rapl:0/energy_uj", "50\n");
    assert_int_equal(ew_rapl_read(&r, &b, why, sizeof why), EW_RAPL_OK);
    assert_int_equal(ew_rapl_joules(&r, &a, &b, 65.0, &j, why, sizeof why), EW_RAPL_OK);
    /* (65532610987 − 100) + 1 + 50 = 65532610938 µJ */
    if (!(fabs(j - 65532.610938) <= 1e-12 * 65532.610938))
        fail_msg("joules %.9f, expected 65532.610938", j);
    assert_int_equal(ew_rapl_joules(&r, &a, &b, 66.0, &j, why, sizeof why), EW_RAPL_ERANGE);
    assert_non_null(strstr(why, "wrap-around"));
    b.energy_uj[0] = 65532610988ULL;
    assert_int_equal(ew_rapl_joules(&r, &a, &b, 1.0, &j, why, sizeof why), EW_RAPL_EREAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delta),
        cmocka_unit_test_setup_teardown(test_two_packages_one_wraps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_counter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_later, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_packages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guards, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
