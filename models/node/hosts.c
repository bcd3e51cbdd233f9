/* hosts.c — the host catalogue, data/hosts.csv (see host.h).
 *
 * One row per kind of machine around an accelerator: idle and busy draw of
 * everything but the GPU [W, DC side] and the power supply's efficiency
 * (wall draw = DC draw / efficiency [1]), and the embodied carbon of the
 * host without its GPU [kgCO2e] with the service life it is amortised over
 * [years]. Rules: 0 <= idle_w <= busy_w, efficiency in (0, 1], embodied and
 * lifetime >= 0 (empty: 0, unknown), unique names, a source on every row.
 * The embodied_kgco2e and lifetime_y columns are optional: a file from
 * before them loads with both 0.
 */
#include "host.h"

#include <stdlib.h>
#include <string.h>

#include "../device/csvtable.h"

struct ew_host_catalog {
    size_t n;
    ew_host *host;
};

enum { C_NAME, C_LABEL, C_IDLE, C_BUSY, C_EFF, C_SOURCE, C_NOTE, C_COUNT };

static const char *const cols[C_COUNT] = {"name",           "label",  "idle_w", "busy_w",
                                          "psu_efficiency", "source", "note"};

/* co2_col, life_col: indices of the optional columns, or -1 when absent. */
static int load_row(const ew_csv_table *t, size_t r, const int *ix, int co2_col, int life_col,
                    ew_host *h, ew_error *err)
{
    int rc;
    if ((rc = ew_csv_string(t, r, ix[C_NAME], 0, h->name, sizeof h->name, err)) ||
        (rc = ew_csv_string(t, r, ix[C_LABEL], 0, h->label, sizeof h->label, err)))
        return rc;
    if (!t->cells[r][ix[C_SOURCE]][0])
        return ew_csv_cell_error(t, r, ix[C_SOURCE], "the source of the row's figures", err);
    if ((rc = ew_csv_number(t, r, ix[C_IDLE], 0, 0.0, 0.0, "a number >= 0 [W]", &h->idle_w,
                            err)) ||
        (rc = ew_csv_number(t, r, ix[C_BUSY], 0, 0.0, 0.0, "a number >= 0 [W]", &h->busy_w,
                            err)) ||
        (rc = ew_csv_number(t, r, ix[C_EFF], 0, 0.0, 0.0, "an efficiency in (0, 1] [1]",
                            &h->psu_efficiency, err)) ||
        (co2_col >= 0 &&
         (rc = ew_csv_number(t, r, co2_col, 1, 0.0, 0.0, "a number >= 0 [kgCO2e] (or empty)",
                             &h->embodied_kgco2e, err))) ||
        (life_col >= 0 &&
         (rc = ew_csv_number(t, r, life_col, 1, 0.0, 0.0, "a number >= 0 [years] (or empty)",
                             &h->lifetime_y, err))))
        return rc;
    if (h->busy_w < h->idle_w)
        return ew_csv_cell_error(t, r, ix[C_BUSY], "a number >= idle_w [W]", err);
    if (!(h->psu_efficiency > 0.0 && h->psu_efficiency <= 1.0))
        return ew_csv_cell_error(t, r, ix[C_EFF], "an efficiency in (0, 1] [1]", err);
    return EW_OK;
}

int ew_host_catalog_load(const char *path, ew_host_catalog **out, ew_error *err)
{
    *out = NULL;
    ew_csv_table *t = NULL;
    int rc = ew_csv_table_read(path, &t, err);
    if (rc != EW_OK)
        return rc;
    int ix[C_COUNT];
    ew_host_catalog *c = NULL;
    if ((rc = ew_csv_require(t, cols, C_COUNT, ix, err)) != EW_OK)
        goto done;
    if (t->nrows == 0) {
        rc = ew_error_set(err, EW_EINVAL, "%s:%d:1: hosts: expected at least one row, got none",
                          path, t->header_line);
        goto done;
    }
    int co2_col = ew_csv_col(t, "embodied_kgco2e"), life_col = ew_csv_col(t, "lifetime_y");
    c = calloc(1, sizeof *c);
    if (c)
        c->host = calloc(t->nrows, sizeof *c->host);
    if (!c || !c->host) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        ew_host *h = &c->host[r];
        if ((rc = load_row(t, r, ix, co2_col, life_col, h, err)) != EW_OK)
            goto done;
        for (size_t j = 0; j < r; j++)
            if (strcmp(c->host[j].name, h->name) == 0) {
                rc = ew_error_set(err, EW_EINVAL,
                                  "%s:%d:%d: name: expected a unique host name, got \"%s\" "
                                  "(already on line %d)",
                                  path, t->lines[r], ix[C_NAME] + 1, h->name, t->lines[j]);
                goto done;
            }
        c->n++;
    }
done:
    ew_csv_table_free(t);
    if (rc != EW_OK) {
        ew_host_catalog_free(c);
        return rc;
    }
    *out = c;
    return EW_OK;
}

void ew_host_catalog_free(ew_host_catalog *c)
{
    if (!c)
        return;
    free(c->host);
    free(c);
}

size_t ew_host_catalog_count(const ew_host_catalog *c)
{
    return c ? c->n : 0;
}

const ew_host *ew_host_catalog_at(const ew_host_catalog *c, size_t i)
{
    return c && i < c->n ? &c->host[i] : NULL;
}

const ew_host *ew_host_find(const ew_host_catalog *c, const char *name)
{
    if (!c || !name)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->host[i].name, name) == 0)
            return &c->host[i];
    return NULL;
}
