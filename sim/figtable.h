/* figtable.h — the tables behind the figures: named columns of numbers or
 * text, all of one length. The simulator builds them from its results and
 * stores them in results.h5 under /figures/<table name>/ (one 1-D dataset
 * per column, in column order, each with attributes `units` and
 * `description`; the group has attributes `description` and `columns`, the
 * column names joined by commas). `edgewatt plot` reads them back, writes
 * each as <table name>.csv (a header row, then one row per entry; numbers
 * with %.10g, NAN as an empty field) and draws it with the gnuplot script
 * plots/<kind>.gp, where <kind> is the table name up to its first '-'
 * ("power_by_kind-edge_first" is drawn by plots/power_by_kind.gp).
 *
 * Tables (columns in order; Wh per query, seconds, gCO2e/kWh):
 *   energy_by_boundary  arm, b1_accelerator_wh, b1_ci95_wh, b2_host_wh, b2_ci95_wh,
 *                       b3_idle_wh, b3_ci95_wh, b4_facility_wh, b4_ci95_wh,
 *                       b5_network_wh, b5_ci95_wh    (cumulative boundaries, one row per arm)
 *   latency_cdf         q, then one column per arm: end-to-end latency [s] at quantile q
 *   power_by_kind-ARM   t_h, dc_kw, edge_kw, dc_gco2_per_kwh, edge_gco2_per_kwh
 *                       (one table per arm; bins over the run; intensity is the
 *                        power-weighted mean over the sites of that kind, NAN
 *                        where the kind draws no power)
 *   frontier            label, wh_per_query, wh_ci95, latency_p95_s, latency_mean_s,
 *                       latency_mean_ci95_s  (one row per arm, or per sweep point and arm)
 *   sweep               point, arm, one column per swept parameter (text), then
 *                       x (the first parameter, as a number), wh_per_query, wh_ci95,
 *                       latency_p95_s, latency_mean_s, latency_mean_ci95_s,
 *                       co2_g_per_query, co2_ci95_g, usd_per_1k_queries, usd_ci95,
 *                       edge_share, edge_share_ci95
 */
#ifndef EW_FIGTABLE_H
#define EW_FIGTABLE_H

#include <stddef.h>
#include <hdf5.h>

#include "ew.h"

#define EW_TABLE_NAME_MAX 96

typedef struct ew_column {
    char name[EW_TABLE_NAME_MAX];
    char units[32];            /* "" for text columns */
    char description[200];
    int is_text;
    double *num;               /* [n_rows] when !is_text */
    char **text;               /* [n_rows] owned strings when is_text */
} ew_column;

typedef struct ew_table {
    char name[EW_TABLE_NAME_MAX];
    char description[256];
    size_t n_rows, n_cols;
    ew_column *cols;           /* [n_cols] */
} ew_table;

/* A new empty table of n_rows rows; NULL when out of memory. */
ew_table *ew_table_new(const char *name, const char *description, size_t n_rows);
/* Appends a column (values copied; values NULL: all NAN, or all "", and a
 * NULL entry of a text column is ""). Returns EW_OK, EW_ENOMEM, or EW_EINVAL
 * when name has EW_TABLE_NAME_MAX bytes or more. Units and descriptions
 * longer than their fields are cut. */
int ew_table_add_num(ew_table *t, const char *name, const char *units, const char *description,
                     const double *values);
int ew_table_add_text(ew_table *t, const char *name, const char *description,
                      const char *const *values);
/* The column of that name, or NULL. */
const ew_column *ew_table_column(const ew_table *t, const char *name);
void ew_table_free(ew_table *t);

/* Writes t as CSV (libcsv quoting). EW_OK or EW_EIO with err filled. */
int ew_table_write_csv(const ew_table *t, const char *path, ew_error *err);
/* Writes t into the open group `parent` as subgroup t->name (created).
 * EW_EINVAL when the subgroup exists, or when a name is empty or holds ','
 * or '/' (it would not read back), or a column name repeats; EW_ELIB when
 * HDF5 fails. Messages name the file and the object. */
int ew_table_write_h5(hid_t parent, const ew_table *t, ew_error *err);
/* Reads subgroup `name` of `parent` back; *out owned by the caller (NULL
 * on failure). EW_EINVAL when there is no such group or it is not a table. */
int ew_table_read_h5(hid_t parent, const char *name, ew_table **out, ew_error *err);
/* The names of the tables under `parent` (sorted, owned by the caller:
 * free each and the array). */
int ew_table_list_h5(hid_t parent, char ***names, size_t *n, ew_error *err);

/* ---- reading a results file (edgewatt plot and report) ----------------- */

/* Opens path read-only into *file (the caller closes it with H5Fclose)
 * after checking that it is an edgewatt results file: its root attribute
 * file_format starts with "edgewatt-". EW_EINVAL, with a message naming the
 * file, when it is missing, not HDF5 or not edgewatt's. */
int ew_h5_open_results(const char *path, hid_t *file, ew_error *err);
/* Fills err with "where: what[: reason]" (what formatted printf-style) and
 * returns code: the reason is HDF5's innermost error for EW_ELIB and EW_EIO
 * (call right after the failing HDF5 call: the next one clears HDF5's error
 * stack), "out of memory" for EW_ENOMEM. Shared by the HDF5 writers. */
int ew_h5_fail(ew_error *err, const char *where, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A NUL-terminated UTF-8 string type of size bytes, or variable-length for
 * H5T_VARIABLE; negative on failure. The caller closes it. */
hid_t ew_h5_utf8_type(size_t size);
/* Text attribute `name` of obj into buf (size bytes, cut at a character
 * boundary if longer): 1 when found, 0 when absent or not text (buf ""). */
int ew_h5_attr_text(hid_t obj, const char *name, char *buf, size_t size);
/* Numeric scalar attribute `name` of obj: 1 when found, else 0. */
int ew_h5_attr_num(hid_t obj, const char *name, double *value);
/* Scalar text dataset `path` under loc (e.g. "scenario/effective") as a
 * malloc'd string owned by the caller; NULL when absent or not text. */
char *ew_h5_text(hid_t loc, const char *path);

#endif
