/* facility.c — the facility catalogue, data/facilities.csv (see facility.h).
 *
 * One row per kind of building: PUE [1] and on-site WUE [L/kWh of IT
 * energy], both with their sources in the file. Rules: pue >= 1 (the
 * facility cannot use less than its IT load), wue >= 0, unique names, a
 * source on every row.
 */
#include "facility.h"

#include <stdlib.h>
#include <string.h>

#include "../device/csvtable.h"

struct ew_facility_catalog {
    size_t n;
    ew_facility *fac;
};

enum { C_NAME, C_LABEL, C_PUE, C_WUE, C_SOURCE, C_NOTE, C_COUNT };

static const char *const cols[C_COUNT] = {"name",          "label",  "pue",
                                          "wue_l_per_kwh", "source", "note"};

static int load_row(const ew_csv_table *t, size_t r, const int *ix, ew_facility *f,
                    ew_error *err)
{
    int rc;
    if ((rc = ew_csv_string(t, r, ix[C_NAME], 0, f->name, sizeof f->name, err)) ||
        (rc = ew_csv_string(t, r, ix[C_LABEL], 0, f->label, sizeof f->label, err)))
        return rc;
    if (!t->cells[r][ix[C_SOURCE]][0])
        return ew_csv_cell_error(t, r, ix[C_SOURCE], "the source of the row's figures", err);
    if ((rc = ew_csv_number(t, r, ix[C_PUE], 0, 0.0, 1.0, "a PUE >= 1 [1]", &f->pue, err)) ||
        (rc = ew_csv_number(t, r, ix[C_WUE], 0, 0.0, 0.0, "a number >= 0 [L/kWh]",
                            &f->wue_l_per_kwh, err)))
        return rc;
    return EW_OK;
}

int ew_facility_catalog_load(const char *path, ew_facility_catalog **out, ew_error *err)
{
    *out = NULL;
    ew_csv_table *t = NULL;
    int rc = ew_csv_table_read(path, &t, err);
    if (rc != EW_OK)
        return rc;
    int ix[C_COUNT];
    ew_facility_catalog *c = NULL;
    if ((rc = ew_csv_require(t, cols, C_COUNT, ix, err)) != EW_OK)
        goto done;
    if (t->nrows == 0) {
        rc = ew_error_set(err, EW_EINVAL,
                          "%s:%d:1: facilities: expected at least one row, got none", path,
                          t->header_line);
        goto done;
    }
    c = calloc(1, sizeof *c);
    if (c)
        c->fac = calloc(t->nrows, sizeof *c->fac);
    if (!c || !c->fac) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        ew_facility *f = &c->fac[r];
        if ((rc = load_row(t, r, ix, f, err)) != EW_OK)
            goto done;
        for (size_t j = 0; j < r; j++)
            if (strcmp(c->fac[j].name, f->name) == 0) {
                rc = ew_error_set(err, EW_EINVAL,
                                  "%s:%d:%d: name: expected a unique facility name, got \"%s\" "
                                  "(already on line %d)",
                                  path, t->lines[r], ix[C_NAME] + 1, f->name, t->lines[j]);
                goto done;
            }
        c->n++;
    }
done:
    ew_csv_table_free(t);
    if (rc != EW_OK) {
        ew_facility_catalog_free(c);
        return rc;
    }
    *out = c;
    return EW_OK;
}

void ew_facility_catalog_free(ew_facility_catalog *c)
{
    if (!c)
        return;
    free(c->fac);
    free(c);
}

size_t ew_facility_catalog_count(const ew_facility_catalog *c)
{
    return c ? c->n : 0;
}

const ew_facility *ew_facility_catalog_at(const ew_facility_catalog *c, size_t i)
{
    return c && i < c->n ? &c->fac[i] : NULL;
}

const ew_facility *ew_facility_find(const ew_facility_catalog *c, const char *name)
{
    if (!c || !name)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->fac[i].name, name) == 0)
            return &c->fac[i];
    return NULL;
}
