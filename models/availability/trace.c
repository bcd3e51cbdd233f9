/* trace.c — availability replayed from a CSV trace (see availability.h).
 *
 * Columns node,start_s,end_s,source (others, such as a note, are ignored);
 * '#' lines are comments. One row is one interval [start_s, end_s) during
 * which node `node` is offered to the network, times in seconds from the
 * start of the run. Rows may come in any node order, but each node's rows
 * must be sorted by start and must not overlap; intervals that touch
 * ([a, b) then [b, c)) are merged into one, so that a node never leaves and
 * rejoins at the same instant.
 *
 * Node ids need not be dense: the trace has nodes 0 .. max id, and a node
 * with no row is never available. Ids are capped at EW_TRACE_NODE_MAX so
 * that one stray row cannot make the loader allocate gigabytes for the
 * per-node index. Read with the project's libcsv reader (csvtable.h).
 */
#include "availability.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../device/csvtable.h"

#define EW_TRACE_NODE_MAX 9999999.0   /* 10^7 nodes, 40 MB of index */

enum { C_NODE, C_START, C_END, C_SOURCE, C_COUNT };
static const char *const cols[C_COUNT] = {"node", "start_s", "end_s", "source"};

typedef struct row {
    uint32_t node;
    double start_s, end_s;
} row;

static int read_row(const ew_csv_table *t, size_t r, const int *ix, row *out, ew_error *err)
{
    double node, start, end;
    int rc;
    if ((rc = ew_csv_number(t, r, ix[C_NODE], 0, 0.0, 0.0,
                            "an integer node id >= 0", &node, err)) != EW_OK)
        return rc;
    if (node != floor(node) || node > EW_TRACE_NODE_MAX)
        return ew_csv_cell_error(t, r, ix[C_NODE], "an integer node id >= 0 and <= 9999999",
                                 err);
    if ((rc = ew_csv_number(t, r, ix[C_START], 0, 0.0, 0.0, "a time >= 0 [s]", &start,
                            err)) != EW_OK ||
        (rc = ew_csv_number(t, r, ix[C_END], 0, 0.0, -DBL_MAX, "a time [s]", &end, err)) !=
            EW_OK)
        return rc;
    if (!(end > start)) {
        char expect[96];
        snprintf(expect, sizeof expect, "an end > start_s (%.17g s)", start);
        return ew_csv_cell_error(t, r, ix[C_END], expect, err);
    }
    if (!t->cells[r][ix[C_SOURCE]][0])
        return ew_csv_cell_error(t, r, ix[C_SOURCE], "the source of the interval", err);
    out->node = (uint32_t)node;
    out->start_s = start;
    out->end_s = end;
    return EW_OK;
}

/* Builds the per-node index from rows already checked one by one: a stable
 * counting sort by node, then the order and overlap checks within a node,
 * merging touching intervals. */
static int build(const ew_csv_table *t, const int *ix, const row *rows, ew_trace *tr,
                 ew_error *err)
{
    size_t n = t->nrows;
    uint32_t n_nodes = tr->n_nodes;
    size_t *src = malloc(n * sizeof *src);          /* row index, grouped by node */
    size_t *next = calloc((size_t)n_nodes + 1, sizeof *next);
    int rc = EW_OK;
    if (!src || !next) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", t->path);
        goto done;
    }
    for (size_t r = 0; r < n; r++)
        next[rows[r].node + 1]++;
    for (uint32_t k = 0; k < n_nodes; k++)
        next[k + 1] += next[k];
    for (size_t r = 0; r < n; r++)
        src[next[rows[r].node]++] = r;

    /* next[k] is now the end of node k's rows in src; start from 0 again */
    size_t begin = 0, out = 0;
    for (uint32_t k = 0; k < n_nodes; k++) {
        tr->first[k] = (uint32_t)out;
        size_t end = next[k];
        for (size_t i = begin; i < end; i++) {
            const row *cur = &rows[src[i]];
            if (i > begin) {
                size_t pr = src[i - 1];
                const row *prev = &rows[pr];
                char expect[160];
                if (cur->start_s < prev->start_s) {
                    snprintf(expect, sizeof expect,
                             "node %u's rows sorted by start: a start >= %.17g s (line %d)",
                             (unsigned)k, prev->start_s, t->lines[pr]);
                    rc = ew_csv_cell_error(t, src[i], ix[C_START], expect, err);
                    goto done;
                }
                if (cur->start_s < tr->intervals[out - 1].end_s) {
                    snprintf(expect, sizeof expect,
                             "no overlap with node %u's interval on line %d: a start >= %.17g s",
                             (unsigned)k, t->lines[pr], tr->intervals[out - 1].end_s);
                    rc = ew_csv_cell_error(t, src[i], ix[C_START], expect, err);
                    goto done;
                }
                if (cur->start_s == tr->intervals[out - 1].end_s) {
                    tr->intervals[out - 1].end_s = cur->end_s;
                    continue;
                }
            }
            tr->intervals[out].start_s = cur->start_s;
            tr->intervals[out].end_s = cur->end_s;
            out++;
            if (cur->end_s > tr->end_s)
                tr->end_s = cur->end_s;
        }
        begin = end;
    }
    tr->first[n_nodes] = (uint32_t)out;
done:
    free(src);
    free(next);
    return rc;
}

int ew_trace_load(const char *path, ew_trace **out, ew_error *err)
{
    *out = NULL;
    ew_csv_table *t = NULL;
    int rc = ew_csv_table_read(path, &t, err);
    if (rc == EW_EIO) {
        /* a trace named by a scenario that cannot be read is bad input */
        if (err)
            err->code = EW_EINVAL;
        return EW_EINVAL;
    }
    if (rc != EW_OK)
        return rc;
    int ix[C_COUNT];
    row *rows = NULL;
    ew_trace *tr = NULL;
    if ((rc = ew_csv_require(t, cols, C_COUNT, ix, err)) != EW_OK)
        goto done;
    if (t->nrows == 0) {
        rc = ew_error_set(err, EW_EINVAL,
                          "%s:%d:1: trace: expected at least one interval, got none", path,
                          t->header_line);
        goto done;
    }
    if (t->nrows > UINT32_MAX) {
        rc = ew_error_set(err, EW_EINVAL, "%s: trace: expected at most %u rows, got %zu",
                          path, (unsigned)UINT32_MAX, t->nrows);
        goto done;
    }
    rows = malloc(t->nrows * sizeof *rows);
    tr = calloc(1, sizeof *tr);
    if (!rows || !tr) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    uint32_t max_node = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        if ((rc = read_row(t, r, ix, &rows[r], err)) != EW_OK)
            goto done;
        if (rows[r].node > max_node)
            max_node = rows[r].node;
    }
    tr->n_nodes = max_node + 1;
    tr->first = malloc(((size_t)tr->n_nodes + 1) * sizeof *tr->first);
    tr->intervals = malloc(t->nrows * sizeof *tr->intervals);
    if (!tr->first || !tr->intervals) {
        rc = ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    rc = build(t, ix, rows, tr, err);
done:
    free(rows);
    ew_csv_table_free(t);
    if (rc != EW_OK) {
        ew_trace_free(tr);
        return rc;
    }
    *out = tr;
    return EW_OK;
}

void ew_trace_free(ew_trace *t)
{
    if (!t)
        return;
    free(t->first);
    free(t->intervals);
    free(t);
}
