/* catalog.c — the device catalogue, data/devices.csv (see device.h).
 *
 * One row per accelerator or CPU, datasheet figures in the units of the
 * header: GB = 1e9 B, GB/s = 1e9 B/s, TFLOPS/TOPS = 1e12 per second, dense
 * (no structured sparsity). Converted to SI here and nowhere else.
 * peak_flops[EW_PREC_INT4] is the bf16 rate, not the int4_tops column:
 * int4 is a weight format whose products run at the activation precision
 * (device.h); int4_tops stays in the file for reference. Empty optional
 * cells (launch_year, fp8, int8, int4, price, embodied, lifetime) read as 0,
 * meaning unknown or unsupported. The lifetime_y column itself is optional:
 * a file from before it loads with every lifetime 0 (unknown).
 */
#include "device.h"

#include <stdlib.h>
#include <string.h>

#include "csvtable.h"

struct ew_device_catalog {
    size_t n;
    ew_device *dev;
};

enum {
    C_NAME, C_LABEL, C_VENDOR, C_KIND, C_SEGMENT, C_FAMILY, C_YEAR, C_TDP, C_IDLE,
    C_IDLE_BASIS, C_MEM, C_BW, C_FP32, C_BF16, C_FP8, C_INT8, C_INT4, C_LINK, C_PRICE,
    C_EMBODIED, C_SOURCE, C_NOTE, C_COUNT
};

static const char *const cols[C_COUNT] = {
    "name", "label", "vendor", "kind", "segment", "family", "launch_year", "tdp_w",
    "idle_w", "idle_basis", "memory_gb", "memory_bw_gbs", "fp32_tflops", "bf16_tflops",
    "fp8_tflops", "int8_tops", "int4_tops", "link_gbs", "price_usd", "embodied_kgco2e",
    "source", "note"};

static int one_of(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, set[i]) == 0)
            return 1;
    return 0;
}

/* A number > 0 (strictly), for figures without which the device is useless. */
static int positive(const ew_csv_table *t, size_t r, int c, const char *expect, double *out,
                    ew_error *err)
{
    int rc = ew_csv_number(t, r, c, 0, 0.0, 0.0, expect, out, err);
    if (rc == EW_OK && *out <= 0.0)
        rc = ew_csv_cell_error(t, r, c, expect, err);
    return rc;
}

/* life_col: index of the optional lifetime_y column, or -1 when absent. */
static int load_row(const ew_csv_table *t, size_t r, const int *ix, int life_col, ew_device *d,
                    ew_error *err)
{
    static const char *const kinds[] = {"gpu", "cpu"};
    static const char *const segments[] = {"datacenter", "consumer", "laptop", "desktop"};
    static const char *const bases[] = {"measured", "estimate"};
    char vendor[64], basis[16];
    double year, tdp, idle, mem, bw, fp32, bf16, fp8, int8, int4, link, price, co2, life = 0.0;
    int rc;
    if ((rc = ew_csv_string(t, r, ix[C_NAME], 0, d->name, sizeof d->name, err)) ||
        (rc = ew_csv_string(t, r, ix[C_LABEL], 0, d->label, sizeof d->label, err)) ||
        (rc = ew_csv_string(t, r, ix[C_VENDOR], 0, vendor, sizeof vendor, err)) ||
        (rc = ew_csv_string(t, r, ix[C_KIND], 0, d->kind, sizeof d->kind, err)) ||
        (rc = ew_csv_string(t, r, ix[C_SEGMENT], 0, d->segment, sizeof d->segment, err)) ||
        (rc = ew_csv_string(t, r, ix[C_FAMILY], 0, d->family, sizeof d->family, err)) ||
        (rc = ew_csv_string(t, r, ix[C_IDLE_BASIS], 0, basis, sizeof basis, err)))
        return rc;
    if (!one_of(d->kind, kinds, 2))
        return ew_csv_cell_error(t, r, ix[C_KIND], "gpu or cpu", err);
    if (!one_of(d->segment, segments, 4))
        return ew_csv_cell_error(t, r, ix[C_SEGMENT],
                                 "datacenter, consumer, laptop or desktop", err);
    if (!one_of(basis, bases, 2))
        return ew_csv_cell_error(t, r, ix[C_IDLE_BASIS], "measured or estimate", err);
    if (!t->cells[r][ix[C_SOURCE]][0])
        return ew_csv_cell_error(t, r, ix[C_SOURCE], "the source of the row's figures", err);

    if ((rc = ew_csv_number(t, r, ix[C_YEAR], 1, 0.0, 0.0, "a year (or empty)", &year, err)) ||
        (rc = positive(t, r, ix[C_TDP], "a number > 0 [W]", &tdp, err)) ||
        (rc = ew_csv_number(t, r, ix[C_IDLE], 0, 0.0, 0.0, "a number >= 0 [W]", &idle, err)) ||
        (rc = positive(t, r, ix[C_MEM], "a number > 0 [GB]", &mem, err)) ||
        (rc = positive(t, r, ix[C_BW], "a number > 0 [GB/s]", &bw, err)) ||
        (rc = positive(t, r, ix[C_FP32], "a number > 0 [TFLOPS]", &fp32, err)) ||
        (rc = positive(t, r, ix[C_BF16], "a number > 0 [TFLOPS]", &bf16, err)) ||
        (rc = ew_csv_number(t, r, ix[C_FP8], 1, 0.0, 0.0, "a number >= 0 [TFLOPS] (or empty)",
                            &fp8, err)) ||
        (rc = ew_csv_number(t, r, ix[C_INT8], 1, 0.0, 0.0, "a number >= 0 [TOPS] (or empty)",
                            &int8, err)) ||
        (rc = ew_csv_number(t, r, ix[C_INT4], 1, 0.0, 0.0, "a number >= 0 [TOPS] (or empty)",
                            &int4, err)) ||
        (rc = ew_csv_number(t, r, ix[C_LINK], 0, 0.0, 0.0, "a number >= 0 [GB/s]", &link, err)) ||
        (rc = ew_csv_number(t, r, ix[C_PRICE], 1, 0.0, 0.0, "a number >= 0 [USD] (or empty)",
                            &price, err)) ||
        (rc = ew_csv_number(t, r, ix[C_EMBODIED], 1, 0.0, 0.0,
                            "a number >= 0 [kgCO2e] (or empty)", &co2, err)) ||
        (life_col >= 0 &&
         (rc = ew_csv_number(t, r, life_col, 1, 0.0, 0.0, "a number >= 0 [years] (or empty)",
                             &life, err))))
        return rc;
    if (year != 0.0 && (year < 1990.0 || year > 2100.0 || year != (double)(int)year))
        return ew_csv_cell_error(t, r, ix[C_YEAR], "a year between 1990 and 2100 (or empty)",
                                 err);
    if (idle > tdp)
        return ew_csv_cell_error(t, r, ix[C_IDLE], "a number <= tdp_w [W]", err);
    (void)int4;

    d->launch_year = (int)year;
    d->tdp_w = tdp;
    d->idle_w = idle;
    d->idle_estimated = strcmp(basis, "estimate") == 0;
    d->mem_bytes = mem * 1e9;
    d->mem_bw_bytes_per_s = bw * 1e9;
    d->peak_flops[EW_PREC_FP32] = fp32 * 1e12;
    d->peak_flops[EW_PREC_BF16] = bf16 * 1e12;
    d->peak_flops[EW_PREC_FP8] = fp8 * 1e12;
    d->peak_flops[EW_PREC_INT8] = int8 * 1e12;
    d->peak_flops[EW_PREC_INT4] = bf16 * 1e12;
    d->link_bytes_per_s = link * 1e9;
    d->price_usd = price;
    d->embodied_kgco2e = co2;
    d->lifetime_y = life;
    return EW_OK;
}

int ew_device_catalog_load(const char *path, ew_device_catalog **out, ew_error *err)
{
    *out = NULL;
    ew_csv_table *t = NULL;
    int rc = ew_csv_table_read(path, &t, err);
    if (rc != EW_OK)
        return rc;
    int ix[C_COUNT];
    ew_device_catalog *c = NULL;
    if ((rc = ew_csv_require(t, cols, C_COUNT, ix, err)) != EW_OK)
        goto done;
    if (t->nrows == 0) {
        rc = ew_error_set(err, EW_EINVAL, "%s:%d:1: devices: expected at least one row, got none",
                          path, t->header_line);
        goto done;
    }
    int life_col = ew_csv_col(t, "lifetime_y");
    c = calloc(1, sizeof *c);
    if (c)
        c->dev = calloc(t->nrows, sizeof *c->dev);
    if (!c || !c->dev) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        ew_device *d = &c->dev[r];
        if ((rc = load_row(t, r, ix, life_col, d, err)) != EW_OK)
            goto done;
        for (size_t j = 0; j < r; j++)
            if (strcmp(c->dev[j].name, d->name) == 0) {
                rc = ew_error_set(err, EW_EINVAL,
                                  "%s:%d:%d: name: expected a unique name, got \"%s\" "
                                  "(already on line %d)",
                                  path, t->lines[r], ix[C_NAME] + 1, d->name, t->lines[j]);
                goto done;
            }
        c->n++;
    }
done:
    ew_csv_table_free(t);
    if (rc != EW_OK) {
        ew_device_catalog_free(c);
        return rc;
    }
    *out = c;
    return EW_OK;
}

void ew_device_catalog_free(ew_device_catalog *c)
{
    if (!c)
        return;
    free(c->dev);
    free(c);
}

size_t ew_device_catalog_count(const ew_device_catalog *c)
{
    return c ? c->n : 0;
}

const ew_device *ew_device_catalog_at(const ew_device_catalog *c, size_t i)
{
    return c && i < c->n ? &c->dev[i] : NULL;
}

const ew_device *ew_device_find(const ew_device_catalog *c, const char *name)
{
    if (!c || !name)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->dev[i].name, name) == 0)
            return &c->dev[i];
    return NULL;
}
