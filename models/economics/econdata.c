/* econdata.c — the economics table, data/economics.csv (see econdata.h).
 *
 * Long format, one sourced figure per row. Values are kept in the units the
 * file states; callers convert. Rules: value a plain number >= 0, year an
 * integer in 1990-2100, item/key/unit/source non-empty, (item, key) unique.
 */
#include "econdata.h"

#include <stdlib.h>
#include <string.h>

#include "../device/csvtable.h"

struct ew_econ_table {
    char *path;
    size_t n;
    ew_econ_row *row;
};

enum { C_ITEM, C_KEY, C_VALUE, C_UNIT, C_YEAR, C_SOURCE, C_NOTE, C_COUNT };

static const char *const cols[C_COUNT] = {"item", "key",    "value", "unit",
                                          "year", "source", "note"};

static int load_row(const ew_csv_table *t, size_t r, const int *ix, ew_econ_row *e,
                    ew_error *err)
{
    int rc;
    double year;
    if ((rc = ew_csv_string(t, r, ix[C_ITEM], 0, e->item, sizeof e->item, err)) ||
        (rc = ew_csv_string(t, r, ix[C_KEY], 0, e->key, sizeof e->key, err)) ||
        (rc = ew_csv_string(t, r, ix[C_UNIT], 0, e->unit, sizeof e->unit, err)))
        return rc;
    if (!t->cells[r][ix[C_SOURCE]][0])
        return ew_csv_cell_error(t, r, ix[C_SOURCE], "the source of the row's figure", err);
    if ((rc = ew_csv_number(t, r, ix[C_VALUE], 0, 0.0, 0.0, "a number >= 0", &e->value,
                            err)) ||
        (rc = ew_csv_number(t, r, ix[C_YEAR], 0, 0.0, 1990.0, "a year between 1990 and 2100",
                            &year, err)))
        return rc;
    if (year > 2100.0 || year != (double)(int)year)
        return ew_csv_cell_error(t, r, ix[C_YEAR], "a year between 1990 and 2100", err);
    e->year = (int)year;
    return EW_OK;
}

int ew_econ_table_load(const char *path, ew_econ_table **out, ew_error *err)
{
    *out = NULL;
    ew_csv_table *t = NULL;
    int rc = ew_csv_table_read(path, &t, err);
    if (rc != EW_OK)
        return rc;
    int ix[C_COUNT];
    ew_econ_table *e = NULL;
    if ((rc = ew_csv_require(t, cols, C_COUNT, ix, err)) != EW_OK)
        goto done;
    if (t->nrows == 0) {
        rc = ew_error_set(err, EW_EINVAL,
                          "%s:%d:1: economics: expected at least one row, got none", path,
                          t->header_line);
        goto done;
    }
    e = calloc(1, sizeof *e);
    if (e) {
        e->row = calloc(t->nrows, sizeof *e->row);
        e->path = strdup(path);
    }
    if (!e || !e->row || !e->path) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        ew_econ_row *w = &e->row[r];
        if ((rc = load_row(t, r, ix, w, err)) != EW_OK)
            goto done;
        for (size_t j = 0; j < r; j++)
            if (strcmp(e->row[j].item, w->item) == 0 && strcmp(e->row[j].key, w->key) == 0) {
                rc = ew_error_set(err, EW_EINVAL,
                                  "%s:%d:%d: key: expected a unique (item, key), got item=%s, "
                                  "key=%s again (already on line %d)",
                                  path, t->lines[r], ix[C_KEY] + 1, w->item, w->key,
                                  t->lines[j]);
                goto done;
            }
        e->n++;
    }
done:
    ew_csv_table_free(t);
    if (rc != EW_OK) {
        ew_econ_table_free(e);
        return rc;
    }
    *out = e;
    return EW_OK;
}

void ew_econ_table_free(ew_econ_table *t)
{
    if (!t)
        return;
    free(t->path);
    free(t->row);
    free(t);
}

size_t ew_econ_table_count(const ew_econ_table *t)
{
    return t ? t->n : 0;
}

const ew_econ_row *ew_econ_table_at(const ew_econ_table *t, size_t i)
{
    return t && i < t->n ? &t->row[i] : NULL;
}

int ew_econ_lookup(const ew_econ_table *t, const char *item, const char *key, double *value,
                   ew_error *err)
{
    if (t && item && key)
        for (size_t i = 0; i < t->n; i++)
            if (strcmp(t->row[i].item, item) == 0 && strcmp(t->row[i].key, key) == 0) {
                *value = t->row[i].value;
                return EW_OK;
            }
    return ew_error_set(err, EW_EINVAL, "%s: no row item=%s, key=%s",
                        t ? t->path : "economics", item ? item : "(null)",
                        key ? key : "(null)");
}
