/* test_data_sources.c — acceptance: no row of any data/ table lacks a source.
 * Every *.csv under EW_DATA_DIR (recursively) is read with ew_csv_table_read;
 * a row passes when a column named "source" or ending in "_source" is
 * non-empty, or when the file carries a file-wide source: a comment line
 * beginning "# source:" (for measurement files such as data/calibration/raw/
 * and data/traces/). The checker is also run on a folder written here with
 * one source-less row, so the test can fail. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "ew_tmp.h"

#include "ew.h"

typedef struct report {
    int files;          /* CSV files checked */
    int problems;       /* rows without a source, files that could not be read */
    char first[1024];   /* the first problem, "file:line: ..." */
} report;

static void problem(report *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(report *rep, const char *fmt, ...)
{
    if (rep->problems++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(rep->first, sizeof rep->first, fmt, ap);
        va_end(ap);
    }
    va_list ap;
    va_start(ap, fmt);
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    print_message("  %s\n", line);
}

/* 1 if a line of the file begins with "# source:". */
static int has_file_source(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[4096];
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = strncmp(line, "# source:", 9) == 0;
    fclose(f);
    return found;
}

static int is_source_col(const char *name)
{
    size_t n = strlen(name);
    return strcmp(name, "source") == 0 || (n > 7 && strcmp(name + n - 7, "_source") == 0);
}

static void check_file(const char *path, report *rep)
{
    ew_csv_table *t = NULL;
    ew_error err = {0};
    rep->files++;
    if (ew_csv_table_read(path, &t, &err) != EW_OK) {
        problem(rep, "%s", err.msg);
        return;
    }
    if (!has_file_source(path))
        for (size_t r = 0; r < t->nrows; r++) {
            int ok = 0;
            for (size_t c = 0; c < t->ncols && !ok; c++)
                ok = is_source_col(t->cols[c]) && t->cells[r][c][0] != '\0';
            if (!ok)
                problem(rep,
                        "%s:%d: row has no source (no non-empty \"source\" or \"*_source\" "
                        "column, no \"# source:\" line in the file)",
                        path, t->lines[r]);
        }
    ew_csv_table_free(t);
}

/* Walks dir recursively (names starting with '.' skipped) and checks every *.csv. */
static void check_sources(const char *dir, report *rep)
{
    DIR *d = opendir(dir);
    if (!d) {
        problem(rep, "%s: cannot open directory", dir);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[1024];
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p) {
            problem(rep, "%s/%s: path too long", dir, e->d_name);
            continue;
        }
        struct stat st;
        if (stat(p, &st) != 0)
            continue;
        size_t n = strlen(e->d_name);
        if (S_ISDIR(st.st_mode))
            check_sources(p, rep);
        else if (n > 4 && strcmp(e->d_name + n - 4, ".csv") == 0)
            check_file(p, rep);
    }
    closedir(d);
}

static void test_every_data_row_has_a_source(void **state)
{
    (void)state;
    report rep = {0};
    check_sources(EW_DATA_DIR, &rep);
    print_message("  %d files under %s checked\n", rep.files, EW_DATA_DIR);
    if (rep.problems)
        fail_msg("%d rows without a source; first: %s", rep.problems, rep.first);
    /* devices, models, regions, network, hosts, ... and data/grid's four tables */
    assert_true(rep.files >= 12);
}

static void test_checker_finds_a_sourceless_row(void **state)
{
    (void)state;
    char sub[600];
    snprintf(sub, sizeof sub, "%s/sub", tmpdir);
    assert_int_equal(mkdir(sub, 0700), 0);
    write_tmp("good.csv", "name,value,source,note\n# a comment\nx,1,a paper,\ny,2,a page,\n");
    write_tmp("sub/measured.csv", "t_s,watts\n# source: measured here, 2026\n0,1\n1,2\n");
    write_tmp("sub/energy.csv", "kernel,joules,energy_source\ngemm,1,nvml\n");
    write_tmp("notes.md", "no table here\n");
    report rep = {0};
    check_sources(tmpdir, &rep);
    assert_int_equal(rep.files, 3);
    assert_int_equal(rep.problems, 0);

    /* one row with an empty source, on line 4 of a file in a subfolder */
    write_tmp("sub/bad.csv", "name,value,source,note\n# units\nx,1,a paper,\ny,2,,no source\n");
    memset(&rep, 0, sizeof rep);
    check_sources(tmpdir, &rep);
    assert_int_equal(rep.problems, 1);
    char want[700];
    snprintf(want, sizeof want, "%s/sub/bad.csv:4: row has no source", tmpdir);
    if (!strstr(rep.first, want))
        fail_msg("report \"%s\" lacks \"%s\"", rep.first, want);

    /* a table with no source column at all and no "# source:" line: every row */
    write_tmp("sub/bad.csv", "a,b\n1,2\n3,4\n");
    memset(&rep, 0, sizeof rep);
    check_sources(tmpdir, &rep);
    assert_int_equal(rep.problems, 2);
    snprintf(want, sizeof want, "%s/sub/bad.csv:2: row has no source", tmpdir);
    if (!strstr(rep.first, want))
        fail_msg("report \"%s\" lacks \"%s\"", rep.first, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_data_row_has_a_source),
        cmocka_unit_test_setup_teardown(test_checker_finds_a_sourceless_row, make_tmpdir,
                                        remove_tmpdir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
