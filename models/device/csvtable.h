/* csvtable.h — a whole CSV data file read into memory (libcsv), for the
 * catalogue loaders (devices, device defaults, calibration, models).
 *
 * Lines whose first character is '#' before a record starts are comments;
 * blank lines are skipped. The first remaining record is the header. Every
 * later record must have as many fields as the header. Errors name the file
 * and line ("file:line:col:", col being the 1-based field number).
 * Internal to models/: not part of the public API.
 */
#ifndef EW_CSVTABLE_H
#define EW_CSVTABLE_H

#include <stddef.h>

#include "../../sim/ew.h"

typedef struct ew_csv_table {
    char *path;         /* as given to ew_csv_table_read (owned) */
    int header_line;    /* line of the header [1-based] */
    size_t ncols;
    char **cols;        /* header names (owned) */
    size_t nrows;
    char ***cells;      /* cells[row][col], "" when empty (owned) */
    int *lines;         /* line where each row starts [1-based] */
} ew_csv_table;

/* Reads path. EW_EIO when the file cannot be opened, EW_EINVAL for a
 * malformed file (bad quoting, a row with the wrong number of fields, no
 * header, a duplicate header name), EW_ENOMEM. The caller frees *out. */
int ew_csv_table_read(const char *path, ew_csv_table **out, ew_error *err);
void ew_csv_table_free(ew_csv_table *t);

/* Index of column `name`, or -1. */
int ew_csv_col(const ew_csv_table *t, const char *name);

/* Fills idx[i] with the index of names[i]; EW_EINVAL naming the first
 * missing column ("file:line:1: header: missing column \"x\" ..."). */
int ew_csv_require(const ew_csv_table *t, const char *const *names, size_t n, int *idx,
                   ew_error *err);

/* Cell (row, col) as a number >= min. An empty cell gives `empty_value`
 * when allow_empty, else an error. `what` names the column and unit in the
 * message, e.g. "tdp_w" and "a number >= 0 [W]". */
int ew_csv_number(const ew_csv_table *t, size_t row, int col, int allow_empty,
                  double empty_value, double min, const char *expect, double *out,
                  ew_error *err);

/* Cell (row, col) copied into buf (size n); EW_EINVAL if empty and
 * !allow_empty or longer than n - 1. */
int ew_csv_string(const ew_csv_table *t, size_t row, int col, int allow_empty, char *buf,
                  size_t n, ew_error *err);

/* Error at a cell: "file:line:col: column: expected <expect>, got \"cell\"". */
int ew_csv_cell_error(const ew_csv_table *t, size_t row, int col, const char *expect,
                      ew_error *err);

#endif
