/* rapl.c — reading the powercap package counters (see rapl.h). */
#include "rapl.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ROOT "/sys/class/powercap"

static int set_why(char *why, size_t len, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int set_why(char *why, size_t len, int code, const char *fmt, ...)
{
    if (why && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, len, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* "intel-rapl:N" with N decimal digits only; *index = N. */
static int package_dir_name(const char *name, int *index)
{
    static const char prefix[] = "intel-rapl:";
    size_t np = sizeof prefix - 1;
    if (strncmp(name, prefix, np) != 0 || name[np] == '\0')
        return 0;
    long v = 0;
    for (const char *p = name + np; *p; p++) {
        if (*p < '0' || *p > '9' || v > 1000000)
            return 0;
        v = v * 10 + (*p - '0');
    }
    *index = (int)v;
    return 1;
}

/* Reads the first line of dir/file into buf (newline removed). 0, or -1
 * with why naming the file and strerror. */
static int read_line(const char *dir, const char *file, char *buf, size_t n, char *why,
                     size_t why_len)
{
    char path[EW_RAPL_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    if (!f) {
        int e = errno;
        if (e == EACCES || e == EPERM)
            return set_why(why, why_len, -1,
                        "%s: cannot read: %s (RAPL counters are readable by root only "
                        "on most kernels since 2020; CPU energy stays unmeasured)",
                        path, strerror(e));
        return set_why(why, why_len, -1, "%s: cannot read: %s", path, strerror(e));
    }
    errno = 0;
    char *got = fgets(buf, (int)n, f);
    int e = errno;
    fclose(f);
    if (!got)
        return set_why(why, why_len, -1, "%s: cannot read: %s", path,
                    e ? strerror(e) : "empty file");
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

/* dir/file as an unsigned decimal integer. */
static int read_u64(const char *dir, const char *file, uint64_t *out, char *why, size_t why_len)
{
    char buf[64];
    if (read_line(dir, file, buf, sizeof buf, why, why_len))
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (buf[0] < '0' || buf[0] > '9' || errno || end == buf || *end != '\0') {
        char path[EW_RAPL_PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        return set_why(why, why_len, -1, "%s: expected an unsigned integer [uJ], got \"%s\"",
                    path, buf);
    }
    *out = (uint64_t)v;
    return 0;
}

static int by_index(const void *a, const void *b)
{
    int x = ((const ew_rapl_package *)a)->index, y = ((const ew_rapl_package *)b)->index;
    return (x > y) - (x < y);
}

int ew_rapl_open(const char *root, ew_rapl *r, char *why, size_t why_len)
{
    if (!root)
        root = DEFAULT_ROOT;
    r->n = 0;
    DIR *d = opendir(root);
    if (!d)
        return set_why(why, why_len, EW_RAPL_ENONE, "%s: no powercap tree here (%s)", root,
                    strerror(errno));
    int rc = EW_RAPL_OK;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int index;
        if (!package_dir_name(de->d_name, &index))
            continue;
        char dir[EW_RAPL_PATH_MAX];
        if ((size_t)snprintf(dir, sizeof dir, "%s/%s", root, de->d_name) >= sizeof dir) {
            rc = set_why(why, why_len, EW_RAPL_EREAD, "%s/%s: path too long", root, de->d_name);
            break;
        }
        char name[64];
        if (read_line(dir, "name", name, sizeof name, why, why_len)) {
            rc = EW_RAPL_EREAD;
            break;
        }
        if (strncmp(name, "package-", 8) != 0)
            continue; /* psys and the like: not a package */
        if (r->n == EW_RAPL_MAX_PACKAGES) {
            rc = set_why(why, why_len, EW_RAPL_EREAD, "%s: more than %d package domains", root,
                      EW_RAPL_MAX_PACKAGES);
            break;
        }
        ew_rapl_package *p = &r->pkg[r->n];
        memcpy(p->dir, dir, sizeof dir);
        snprintf(p->name, sizeof p->name, "%s", name);
        p->index = index;
        uint64_t probe;
        if (read_u64(dir, "max_energy_range_uj", &p->max_energy_range_uj, why, why_len) ||
            read_u64(dir, "energy_uj", &probe, why, why_len)) {
            rc = EW_RAPL_EREAD;
            break;
        }
        if (p->max_energy_range_uj == 0) {
            rc = set_why(why, why_len, EW_RAPL_EREAD,
                      "%s/max_energy_range_uj: expected a positive range [uJ], got 0", dir);
            break;
        }
        r->n++;
    }
    closedir(d);
    if (rc == EW_RAPL_OK && r->n == 0)
        rc = set_why(why, why_len, EW_RAPL_ENONE,
                  "%s: no RAPL package domain (intel-rapl:N named package-N)", root);
    if (rc != EW_RAPL_OK) {
        r->n = 0;
        return rc;
    }
    qsort(r->pkg, (size_t)r->n, sizeof r->pkg[0], by_index);
    return EW_RAPL_OK;
}

int ew_rapl_read(const ew_rapl *r, ew_rapl_snapshot *s, char *why, size_t why_len)
{
    s->n = 0;
    for (int i = 0; i < r->n; i++)
        if (read_u64(r->pkg[i].dir, "energy_uj", &s->energy_uj[i], why, why_len))
            return EW_RAPL_EREAD;
    s->n = r->n;
    return EW_RAPL_OK;
}

uint64_t ew_rapl_delta_uj(uint64_t before, uint64_t after, uint64_t max_range_uj)
{
    if (after >= before)
        return after - before;
    /* wrapped: up to max, one step to 0, then up to after */
    return (max_range_uj - before) + 1 + after;
}

int ew_rapl_joules(const ew_rapl *r, const ew_rapl_snapshot *before,
                   const ew_rapl_snapshot *after, double elapsed_s, double *joules,
                   char *why, size_t why_len)
{
    if (before->n != r->n || after->n != r->n || r->n == 0)
        return set_why(why, why_len, EW_RAPL_EREAD, "RAPL: snapshots of %d packages, expected %d",
                    before->n < after->n ? before->n : after->n, r->n);
    uint64_t sum_uj = 0;
    for (int i = 0; i < r->n; i++) {
        const ew_rapl_package *p = &r->pkg[i];
        uint64_t b = before->energy_uj[i], a = after->energy_uj[i];
        if (b > p->max_energy_range_uj || a > p->max_energy_range_uj)
            return set_why(why, why_len, EW_RAPL_EREAD,
                        "%s/energy_uj: reading %llu above max_energy_range_uj %llu",
                        p->dir, (unsigned long long)(b > a ? b : a),
                        (unsigned long long)p->max_energy_range_uj);
        double range_j = ((double)p->max_energy_range_uj + 1.0) * 1e-6;
        if (!(elapsed_s * EW_RAPL_MAX_PACKAGE_W < range_j))
            return set_why(why, why_len, EW_RAPL_ERANGE,
                        "%s: an interval of %.6g s could hold two wrap-arounds of a %.6g J "
                        "counter at %.0f W",
                        p->dir, elapsed_s, range_j, EW_RAPL_MAX_PACKAGE_W);
        sum_uj += ew_rapl_delta_uj(b, a, p->max_energy_range_uj);
    }
    *joules = (double)sum_uj * 1e-6;
    return EW_RAPL_OK;
}
