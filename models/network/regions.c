/* regions.c — the region catalogue, data/regions.csv (see network.h).
 *
 * One row per region: a code, a name, a representative point (WGS84
 * degrees of the largest city, or of the data-centre hub for us-* regions),
 * and the grid zone that keys the grid data (data/grid/: carbon intensity,
 * time zone and prices). Latitude must lie in [-90, 90] and longitude in
 * [-180, 180]; codes are unique; every row names its source.
 */
#include "network.h"

#include <stdlib.h>
#include <string.h>

#include "../device/csvtable.h"

struct ew_region_catalog {
    size_t n;
    ew_region *reg;
};

enum { C_CODE, C_NAME, C_LAT, C_LON, C_ZONE, C_SOURCE, C_NOTE, C_COUNT };

static const char *const cols[C_COUNT] = {"code",      "name",   "lat_deg", "lon_deg",
                                          "grid_zone", "source", "note"};

/* A number in [lo, hi]; `expect` names the range and unit for the message. */
static int bounded(const ew_csv_table *t, size_t r, int c, double lo, double hi,
                   const char *expect, double *out, ew_error *err)
{
    int rc = ew_csv_number(t, r, c, 0, 0.0, lo, expect, out, err);
    if (rc == EW_OK && *out > hi)
        rc = ew_csv_cell_error(t, r, c, expect, err);
    return rc;
}

static int load_row(const ew_csv_table *t, size_t r, const int *ix, ew_region *g, ew_error *err)
{
    int rc;
    if ((rc = ew_csv_string(t, r, ix[C_CODE], 0, g->code, sizeof g->code, err)) ||
        (rc = ew_csv_string(t, r, ix[C_NAME], 0, g->name, sizeof g->name, err)) ||
        (rc = ew_csv_string(t, r, ix[C_ZONE], 0, g->grid_zone, sizeof g->grid_zone, err)))
        return rc;
    if (!t->cells[r][ix[C_SOURCE]][0])
        return ew_csv_cell_error(t, r, ix[C_SOURCE], "the source of the row's figures", err);
    if ((rc = bounded(t, r, ix[C_LAT], -90.0, 90.0, "a latitude in [-90, 90] [deg]", &g->lat_deg,
                      err)) ||
        (rc = bounded(t, r, ix[C_LON], -180.0, 180.0, "a longitude in [-180, 180] [deg]",
                      &g->lon_deg, err)))
        return rc;
    return EW_OK;
}

int ew_region_catalog_load(const char *path, ew_region_catalog **out, ew_error *err)
{
    *out = NULL;
    ew_csv_table *t = NULL;
    int rc = ew_csv_table_read(path, &t, err);
    if (rc != EW_OK)
        return rc;
    int ix[C_COUNT];
    ew_region_catalog *c = NULL;
    if ((rc = ew_csv_require(t, cols, C_COUNT, ix, err)) != EW_OK)
        goto done;
    if (t->nrows == 0) {
        rc = ew_error_set(err, EW_EINVAL, "%s:%d:1: regions: expected at least one row, got none",
                          path, t->header_line);
        goto done;
    }
    c = calloc(1, sizeof *c);
    if (c)
        c->reg = calloc(t->nrows, sizeof *c->reg);
    if (!c || !c->reg) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        ew_region *g = &c->reg[r];
        if ((rc = load_row(t, r, ix, g, err)) != EW_OK)
            goto done;
        for (size_t j = 0; j < r; j++)
            if (strcmp(c->reg[j].code, g->code) == 0) {
                rc = ew_error_set(err, EW_EINVAL,
                                  "%s:%d:%d: code: expected a unique region code, got \"%s\" "
                                  "(already on line %d)",
                                  path, t->lines[r], ix[C_CODE] + 1, g->code, t->lines[j]);
                goto done;
            }
        c->n++;
    }
done:
    ew_csv_table_free(t);
    if (rc != EW_OK) {
        ew_region_catalog_free(c);
        return rc;
    }
    *out = c;
    return EW_OK;
}

void ew_region_catalog_free(ew_region_catalog *c)
{
    if (!c)
        return;
    free(c->reg);
    free(c);
}

size_t ew_region_catalog_count(const ew_region_catalog *c)
{
    return c ? c->n : 0;
}

const ew_region *ew_region_catalog_at(const ew_region_catalog *c, size_t i)
{
    return c && i < c->n ? &c->reg[i] : NULL;
}

int ew_region_find(const ew_region_catalog *c, const char *code)
{
    if (!c || !code)
        return -1;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->reg[i].code, code) == 0)
            return (int)i;
    return -1;
}
