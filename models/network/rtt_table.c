/* rtt_table.c — measured round trips between pairs of regions,
 * data/network_rtt.csv (see network.h).
 *
 * One row per unordered pair of region codes: region_a, region_b, the
 * measured round trip rtt_ms between a data-centre server in each region
 * [ms, converted to s on load], its source and a note. Both codes must name
 * regions of the catalogue the table is checked against, differ, and appear
 * together at most once in either order; the round trip must be a number
 * > 0. The model uses a listed pair's measurement in place of the fibre
 * formula (network.c, ew_rtt_core_s). Lookups compare codes, so the table
 * does not depend on the catalogue's order or lifetime.
 */
#include "network.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

#include "../device/csvtable.h"

#define CODE_LEN sizeof(((ew_region *)0)->code)

typedef struct rtt_pair {
    char a[CODE_LEN], b[CODE_LEN];   /* region codes as written in the file */
    double rtt_s;                    /* measured round trip [s] */
    double d_km;                     /* great-circle distance between the regions [km] */
    int line;                        /* line of the row, for duplicate messages */
} rtt_pair;

struct ew_rtt_table {
    size_t n;
    rtt_pair *pair;
    ew_rtt_fit fit;   /* rtt ≈ intercept + slope · d over the rows */
};

enum { C_A, C_B, C_RTT, C_SOURCE, C_NOTE, C_COUNT };

static const char *const cols[C_COUNT] = {"region_a", "region_b", "rtt_ms", "source", "note"};

static int same_pair(const rtt_pair *p, const char *a, const char *b)
{
    return (strcmp(p->a, a) == 0 && strcmp(p->b, b) == 0) ||
           (strcmp(p->a, b) == 0 && strcmp(p->b, a) == 0);
}

/* A region code of `regions` in column c of row r, copied into code. */
static int region_code(const ew_csv_table *t, size_t r, int c, const ew_region_catalog *regions,
                       char *code, ew_error *err)
{
    int rc = ew_csv_string(t, r, c, 0, code, CODE_LEN, err);
    if (rc == EW_OK && ew_region_find(regions, code) < 0)
        rc = ew_csv_cell_error(t, r, c, "a region code of the region catalogue (regions.csv)",
                               err);
    return rc;
}

/* Reads row r into tab->pair[tab->n], checking it against the rows before. */
static int load_row(const ew_csv_table *t, size_t r, const int *ix, const ew_region_catalog *regions,
                    ew_rtt_table *tab, ew_error *err)
{
    rtt_pair *p = &tab->pair[tab->n];
    int rc;
    if ((rc = region_code(t, r, ix[C_A], regions, p->a, err)) ||
        (rc = region_code(t, r, ix[C_B], regions, p->b, err)))
        return rc;
    if (strcmp(p->a, p->b) == 0)
        return ew_csv_cell_error(t, r, ix[C_B], "a region other than region_a", err);
    double ms;
    if ((rc = ew_csv_number(t, r, ix[C_RTT], 0, 0.0, 0.0, "a round trip > 0 [ms]", &ms, err)))
        return rc;
    if (ms <= 0.0)
        return ew_csv_cell_error(t, r, ix[C_RTT], "a round trip > 0 [ms]", err);
    if (!t->cells[r][ix[C_SOURCE]][0])
        return ew_csv_cell_error(t, r, ix[C_SOURCE], "the source of the row's figure", err);
    for (size_t j = 0; j < tab->n; j++)
        if (same_pair(&tab->pair[j], p->a, p->b))
            return ew_error_set(err, EW_EINVAL,
                                "%s:%d:%d: region_a: expected each pair of regions once, got %s "
                                "and %s again (first on line %d)",
                                t->path, t->lines[r], ix[C_A] + 1, p->a, p->b,
                                tab->pair[j].line);
    p->rtt_s = ms * 1e-3;
    p->line = t->lines[r];
    const ew_region *ra = ew_region_catalog_at(regions, (size_t)ew_region_find(regions, p->a)),
                    *rb = ew_region_catalog_at(regions, (size_t)ew_region_find(regions, p->b));
    p->d_km = ew_great_circle_km(ra->lat_deg, ra->lon_deg, rb->lat_deg, rb->lon_deg);
    tab->n++;
    return EW_OK;
}

/* Least squares of the measured round trips on distance, weighted by
 * 1/rtt² so that relative errors count alike (a 5 ms miss matters on a
 * 20 ms path, not on a 250 ms one; unweighted, the long pairs set the line
 * and the short ones, Europe's, come out 50-150% too slow). GSL's weighted
 * fit; with fewer than 3 rows, no fit (n = 0). */
static void fit_rows(ew_rtt_table *tab)
{
    ew_rtt_fit *f = &tab->fit;
    memset(f, 0, sizeof *f);
    size_t n = tab->n;
    double *d = malloc((n ? n : 1) * sizeof *d), *y = malloc((n ? n : 1) * sizeof *y),
           *w = malloc((n ? n : 1) * sizeof *w);
    double c0, c1, cov00, cov01, cov11, chisq;
    if (n >= 3 && d && y && w) {
        for (size_t i = 0; i < n; i++) {
            d[i] = tab->pair[i].d_km;
            y[i] = tab->pair[i].rtt_s;
            w[i] = 1.0 / (y[i] * y[i]);
        }
        if (!gsl_fit_wlinear(d, 1, w, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &chisq) &&
            isfinite(c1)) {
            for (size_t i = 0; i < n; i++)   /* relative misses, for their median */
                w[i] = fabs((c0 + c1 * d[i]) / y[i] - 1.0);
            gsl_sort(w, 1, n);
            *f = (ew_rtt_fit){n, c0, c1, gsl_stats_median_from_sorted_data(w, 1, n)};
        }
    }
    free(d);
    free(y);
    free(w);
}

int ew_rtt_table_load(const char *path, const ew_region_catalog *regions, ew_rtt_table **out,
                      ew_error *err)
{
    *out = NULL;
    ew_csv_table *t = NULL;
    int rc = ew_csv_table_read(path, &t, err);
    if (rc != EW_OK)
        return rc;
    int ix[C_COUNT];
    ew_rtt_table *tab = NULL;
    if ((rc = ew_csv_require(t, cols, C_COUNT, ix, err)) != EW_OK)
        goto done;
    if (t->nrows == 0) {
        rc = ew_error_set(err, EW_EINVAL,
                          "%s:%d:1: round trips: expected at least one row, got none", path,
                          t->header_line);
        goto done;
    }
    tab = calloc(1, sizeof *tab);
    if (tab)
        tab->pair = calloc(t->nrows, sizeof *tab->pair);
    if (!tab || !tab->pair) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (size_t r = 0; r < t->nrows; r++)
        if ((rc = load_row(t, r, ix, regions, tab, err)) != EW_OK)
            goto done;
    fit_rows(tab);
done:
    ew_csv_table_free(t);
    if (rc != EW_OK) {
        ew_rtt_table_free(tab);
        return rc;
    }
    *out = tab;
    return EW_OK;
}

void ew_rtt_table_free(ew_rtt_table *t)
{
    if (!t)
        return;
    free(t->pair);
    free(t);
}

size_t ew_rtt_table_count(const ew_rtt_table *t)
{
    return t ? t->n : 0;
}

const ew_rtt_fit *ew_rtt_table_fit(const ew_rtt_table *t)
{
    return t && t->fit.n ? &t->fit : NULL;
}

int ew_rtt_table_find(const ew_rtt_table *t, const char *a, const char *b, double *rtt_s)
{
    if (!t || !a || !b)
        return 0;
    for (size_t i = 0; i < t->n; i++)
        if (same_pair(&t->pair[i], a, b)) {
            *rtt_s = t->pair[i].rtt_s;
            return 1;
        }
    return 0;
}
