/* econdata.h — sourced economic figures (data/economics.csv): cloud GPU
 * prices, server purchase prices and lives, DePIN operator rewards, token
 * prices and hosted-API token prices.
 *
 * The file is long: one figure per row, (item, key) -> value in `unit`,
 * observed in `year`, with its source and note. Items in the shipped file:
 *   gpu_hour_usd             on-demand price of one GPU for one hour [USD/GPU-h], key: device
 *   server_capex_usd         purchase price of one GPU's share of a server [USD], key: device
 *   server_life_y            service life the purchase price is spread over [years]
 *   reward_usd_per_gpu_hour  what a DePIN network pays its operator [USD/GPU-h], key: network
 *   depin_gpu_hour_usd       what a DePIN network charges its users [USD/GPU-h]
 *   token_price_usd          USD price of a reward token [USD/token], key: symbol
 *   api_price_usd_per_mtok   hosted-API price [USD per 1e6 tokens], key: model:input|output
 * A key without a ":provider" suffix is the default the note argues for;
 * provider rows beside it keep the range.
 */
#ifndef EW_ECONDATA_H
#define EW_ECONDATA_H

#include <stddef.h>

#include "../../sim/ew.h"

typedef struct ew_econ_row {
    char item[48];     /* e.g. "gpu_hour_usd" */
    char key[64];      /* e.g. "h100-sxm" */
    double value;      /* in `unit`, >= 0 */
    char unit[32];     /* e.g. "USD/GPU-h" */
    int year;          /* year the figure was observed */
} ew_econ_row;

typedef struct ew_econ_table ew_econ_table;   /* opaque */

/* Loads an economics table (columns item, key, value, unit, year, source,
 * note). EW_EIO if the file cannot be read; EW_EINVAL, with
 * "file:line:col:", for a value that is not a number >= 0, a year outside
 * 1990-2100, an empty item, key, unit or source, a duplicate (item, key)
 * or no rows. On success the caller owns *out (ew_econ_table_free). */
int ew_econ_table_load(const char *path, ew_econ_table **out, ew_error *err);
void ew_econ_table_free(ew_econ_table *t);   /* NULL: no-op */
size_t ew_econ_table_count(const ew_econ_table *t);
/* Row i, or NULL past the end. Owned by the table. */
const ew_econ_row *ew_econ_table_at(const ew_econ_table *t, size_t i);

/* The value of row (item, key) in *value. EW_EINVAL when there is none,
 * with "FILE: no row item=ITEM, key=KEY" in err; *value is left alone. */
int ew_econ_lookup(const ew_econ_table *t, const char *item, const char *key, double *value,
                   ew_error *err);

#endif
