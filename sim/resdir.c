/* resdir.c — results folders written whole (see resdir.h). */
#define _XOPEN_SOURCE 700   /* nftw */
#include "resdir.h"

#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdir_parents(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0777);
        *p = '/';
        if (rc && errno != EEXIST)
            return -1;
    }
    return 0;
}

int ew_resdir_begin(ew_resdir *d, const char *final, ew_error *err)
{
    size_t n = strlen(final);
    while (n > 1 && final[n - 1] == '/')
        n--;
    if (n == 0 || n >= sizeof d->final - 64)
        return ew_error_set(err, EW_EINVAL, "results folder '%s': bad path", final);
    memcpy(d->final, final, n);
    d->final[n] = '\0';
    char dir[4096], base[4096];
    snprintf(dir, sizeof dir, "%s", d->final);
    snprintf(base, sizeof base, "%s", d->final);
    const char *parent = dirname(dir), *name = basename(base);
    snprintf(d->tmp, sizeof d->tmp, "%s/.%s.tmp.%ld", parent, name, (long)getpid());
    char scratch[4096];
    snprintf(scratch, sizeof scratch, "%s", d->tmp);
    if (mkdir_parents(scratch) || mkdir(d->tmp, 0777)) {
        int e = errno;
        d->tmp[0] = '\0';
        return ew_error_set(err, EW_EIO, "cannot create results folder '%s' in '%s': %s",
                            d->final, parent, strerror(e));
    }
    struct stat st;
    if (stat(d->final, &st) == 0 && !S_ISDIR(st.st_mode)) {
        ew_resdir_abort(d);
        return ew_error_set(err, EW_EIO, "results folder '%s': exists and is not a folder",
                            d->final);
    }
    return EW_OK;
}

void ew_resdir_file(const ew_resdir *d, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", d->tmp, name);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int ew_resdir_commit(ew_resdir *d, ew_error *err)
{
    char old[4200];
    snprintf(old, sizeof old, "%s.old", d->tmp);
    int had_old = rename(d->final, old) == 0;
    if (rename(d->tmp, d->final)) {
        int e = errno;
        if (had_old)
            rename(old, d->final);
        ew_resdir_abort(d);
        return ew_error_set(err, EW_EIO, "cannot move results into '%s': %s", d->final,
                            strerror(e));
    }
    d->tmp[0] = '\0';
    if (had_old)
        remove_tree(old);
    return EW_OK;
}

void ew_resdir_abort(ew_resdir *d)
{
    if (d->tmp[0])
        remove_tree(d->tmp);
    d->tmp[0] = '\0';
}
