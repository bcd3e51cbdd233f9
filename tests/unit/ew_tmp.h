/* ew_tmp.h — helpers for tests that read and write files: a temporary
 * folder (make_tmpdir and remove_tmpdir for cmocka group setup and
 * teardown, write_tmp for a file in it, rm_tree for a folder and everything
 * below), count_rows (data rows of a CSV file), and for the loaders' tests
 * assert_rel and expect_load_refusal. Include after cmocka.h. */
#ifndef EW_TMP_H
#define EW_TMP_H

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../models/device/csvtable.h"

static char tmpdir[256];

static inline int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ew_test_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static inline void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[600];
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
            continue;   /* longer than any path these tests make */
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            rm_tree(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static inline int remove_tmpdir(void **state)
{
    (void)state;
    rm_tree(tmpdir);
    return 0;
}

/* Writes text to tmpdir/rel; returns the path in a static buffer. */
static inline const char *write_tmp(const char *rel, const char *text)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Data rows of a CSV file: lines that are neither comments, blank nor the header. */
static inline size_t count_rows(const char *path)
{
    ew_csv_table *t = NULL;
    ew_error err = {0};
    if (ew_csv_table_read(path, &t, &err) != EW_OK)
        fail_msg("%s", err.msg);
    size_t n = t->nrows;
    ew_csv_table_free(t);
    return n;
}

/* |got − want| <= rel·|want|, both printed on failure. */
static inline void assert_rel(double got, double want, double rel, const char *what)
{
    if (!(fabs(got - want) <= rel * fabs(want)))
        fail_msg("%s: got %.15g, want %.15g (relative error %.3g > %.1g)", what, got, want,
                 fabs(got - want) / fabs(want), rel);
}

/* A loader must have refused the file with EW_EINVAL (rc) and a message
 * that starts with "PATH:LINE:COL: " and contains `frag`. */
static inline void expect_load_refusal(int rc, const ew_error *err, const char *path, int line,
                                       int col, const char *frag)
{
    char prefix[640];   /* a path of up to 600 bytes, line and column */
    snprintf(prefix, sizeof prefix, "%s:%d:%d: ", path, line, col);
    if (rc != EW_EINVAL)
        fail_msg("%s: expected EW_EINVAL, got %d (%s)", path, rc, err->msg);
    if (strncmp(err->msg, prefix, strlen(prefix)) != 0 || !strstr(err->msg, frag))
        fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", err->msg, prefix, frag);
    print_message("  refused: %s\n", err->msg);
}

#endif
