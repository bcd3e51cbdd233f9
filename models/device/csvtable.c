/* csvtable.c — CSV data files read whole with libcsv (see csvtable.h).
 *
 * The file is fed to csv_parse one physical line at a time so that each
 * record knows the line it starts on, and so that '#' comment lines can be
 * dropped before libcsv sees them (only where no record is open, so a '#'
 * inside a quoted multi-line field is data).
 */
#include "csvtable.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    ew_csv_table *t;
    ew_error *err;
    int status;          /* first failure, EW_OK while none */
    char **fields;       /* the record being assembled */
    size_t nf, cap;
    int record_open;     /* a record has started and not yet ended */
    int rec_line;        /* line where it started */
    size_t rows_cap;
} reader;

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void free_fields(char **f, size_t n)
{
    if (!f)
        return;
    for (size_t i = 0; i < n; i++)
        free(f[i]);
    free(f);
}

static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->status != EW_OK)
        return;
    if (r->nf == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 32;
        char **f = realloc(r->fields, cap * sizeof *f);
        if (!f) {
            r->status = ew_error_set(r->err, EW_ENOMEM, "%s: out of memory", r->t->path);
            return;
        }
        r->fields = f;
        r->cap = cap;
    }
    char *d = dup_n(s ? s : "", s ? len : 0);
    if (!d) {
        r->status = ew_error_set(r->err, EW_ENOMEM, "%s: out of memory", r->t->path);
        return;
    }
    r->fields[r->nf++] = d;
}

static void on_record(int term, void *data)
{
    (void)term;
    reader *r = data;
    ew_csv_table *t = r->t;
    r->record_open = 0;
    if (r->status != EW_OK)
        return;
    if (!t->cols) {
        for (size_t i = 0; i < r->nf; i++) {
            if (!r->fields[i][0]) {
                r->status = ew_error_set(r->err, EW_EINVAL,
                                         "%s:%d:%zu: header: expected a column name, got \"\"",
                                         t->path, r->rec_line, i + 1);
                return;
            }
            for (size_t j = 0; j < i; j++)
                if (strcmp(r->fields[i], r->fields[j]) == 0) {
                    r->status = ew_error_set(r->err, EW_EINVAL,
                                             "%s:%d:%zu: header: duplicate column \"%s\"",
                                             t->path, r->rec_line, i + 1, r->fields[i]);
                    return;
                }
        }
        t->cols = r->fields;
        t->ncols = r->nf;
        t->header_line = r->rec_line;
    } else {
        if (r->nf != t->ncols) {
            r->status = ew_error_set(r->err, EW_EINVAL,
                                     "%s:%d:1: row: expected %zu fields as in the header "
                                     "(line %d), got %zu",
                                     t->path, r->rec_line, t->ncols, t->header_line, r->nf);
            free_fields(r->fields, r->nf);
            r->fields = NULL;
            r->nf = r->cap = 0;
            return;
        }
        if (t->nrows == r->rows_cap) {
            size_t cap = r->rows_cap ? 2 * r->rows_cap : 32;
            char ***c = realloc(t->cells, cap * sizeof *c);
            int *l = c ? realloc(t->lines, cap * sizeof *l) : NULL;
            if (c)
                t->cells = c;
            if (!c || !l) {
                r->status = ew_error_set(r->err, EW_ENOMEM, "%s: out of memory", t->path);
                return;
            }
            t->lines = l;
            r->rows_cap = cap;
        }
        t->cells[t->nrows] = r->fields;
        t->lines[t->nrows] = r->rec_line;
        t->nrows++;
    }
    r->fields = NULL;
    r->nf = r->cap = 0;
}

static int read_file(const char *path, char **buf, size_t *len, ew_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ew_error_set(err, EW_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        char *nb = realloc(b, cap);
        if (!nb) {
            free(b);
            b = NULL;
        } else {
            b = nb;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!b)
        return ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
    if (bad) {
        free(b);
        return ew_error_set(err, EW_EIO, "%s: read error", path);
    }
    *buf = b;
    *len = n;
    return EW_OK;
}

static int blank_line(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return 0;
    return 1;
}

int ew_csv_table_read(const char *path, ew_csv_table **out, ew_error *err)
{
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    int rc = read_file(path, &buf, &len, err);
    if (rc != EW_OK)
        return rc;

    ew_csv_table *t = calloc(1, sizeof *t);
    struct csv_parser p;
    if (!t || !(t->path = dup_n(path, strlen(path))) ||
        csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        free(buf);
        ew_csv_table_free(t);
        return ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
    }
    reader r = {.t = t, .err = err, .status = EW_OK};
    int line = 0;
    for (size_t off = 0; off < len && r.status == EW_OK;) {
        const char *s = buf + off;
        const char *nl = memchr(s, '\n', len - off);
        size_t n = nl ? (size_t)(nl - s) + 1 : len - off;
        line++;
        off += n;
        if (!r.record_open) {
            if (blank_line(s, n) || s[0] == '#')
                continue;
            r.record_open = 1;
            r.rec_line = line;
        }
        if (csv_parse(&p, s, n, on_field, on_record, &r) != n && r.status == EW_OK)
            r.status = ew_error_set(err, EW_EINVAL, "%s:%d:1: malformed CSV: %s", path, line,
                                    csv_strerror(csv_error(&p)));
    }
    if (r.status == EW_OK && csv_fini(&p, on_field, on_record, &r) != 0 && r.status == EW_OK)
        r.status = ew_error_set(err, EW_EINVAL, "%s:%d:1: malformed CSV: %s", path,
                                r.rec_line, csv_strerror(csv_error(&p)));
    csv_free(&p);
    free(buf);
    free_fields(r.fields, r.nf);
    if (r.status == EW_OK && !t->cols)
        r.status = ew_error_set(err, EW_EINVAL, "%s:%d:1: header: expected a header line, got none",
                                path, line > 0 ? line : 1);
    if (r.status != EW_OK) {
        ew_csv_table_free(t);
        return r.status;
    }
    *out = t;
    return EW_OK;
}

void ew_csv_table_free(ew_csv_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows; i++)
        free_fields(t->cells[i], t->ncols);
    free(t->cells);
    free(t->lines);
    free_fields(t->cols, t->ncols);
    free(t->path);
    free(t);
}

int ew_csv_col(const ew_csv_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i], name) == 0)
            return (int)i;
    return -1;
}

int ew_csv_require(const ew_csv_table *t, const char *const *names, size_t n, int *idx,
                   ew_error *err)
{
    for (size_t i = 0; i < n; i++) {
        idx[i] = ew_csv_col(t, names[i]);
        if (idx[i] < 0)
            return ew_error_set(err, EW_EINVAL,
                                "%s:%d:1: header: missing column \"%s\" (expected columns "
                                "include %s ... %s)",
                                t->path, t->header_line, names[i], names[0], names[n - 1]);
    }
    return EW_OK;
}

int ew_csv_cell_error(const ew_csv_table *t, size_t row, int col, const char *expect,
                      ew_error *err)
{
    return ew_error_set(err, EW_EINVAL, "%s:%d:%d: %s: expected %s, got \"%.80s\"", t->path,
                        t->lines[row], col + 1, t->cols[col], expect, t->cells[row][col]);
}

/* A plain decimal number: digits, sign, point, exponent; no hex, inf or nan. */
static int parse_number(const char *s, double *out)
{
    if (!*s)
        return -1;
    for (const char *c = s; *c; c++)
        if (!strchr("0123456789+-.eE", *c))
            return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int ew_csv_number(const ew_csv_table *t, size_t row, int col, int allow_empty,
                  double empty_value, double min, const char *expect, double *out,
                  ew_error *err)
{
    const char *s = t->cells[row][col];
    if (!*s) {
        if (allow_empty) {
            *out = empty_value;
            return EW_OK;
        }
        return ew_csv_cell_error(t, row, col, expect, err);
    }
    double v;
    if (parse_number(s, &v) != 0 || v < min)
        return ew_csv_cell_error(t, row, col, expect, err);
    *out = v;
    return EW_OK;
}

int ew_csv_string(const ew_csv_table *t, size_t row, int col, int allow_empty, char *buf,
                  size_t n, ew_error *err)
{
    const char *s = t->cells[row][col];
    size_t len = strlen(s);
    if (!len && !allow_empty)
        return ew_csv_cell_error(t, row, col, "a non-empty value", err);
    if (len >= n) {
        char what[64];
        snprintf(what, sizeof what, "at most %zu characters", n - 1);
        return ew_csv_cell_error(t, row, col, what, err);
    }
    memcpy(buf, s, len + 1);
    return EW_OK;
}
