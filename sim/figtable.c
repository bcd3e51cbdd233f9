/* figtable.c — the tables behind the figures (layout in figtable.h): built
 * in memory, written to and read from HDF5, written as CSV.
 *
 * HDF5: a group per table, one 1-D dataset per column (IEEE little-endian
 * doubles, or variable-length UTF-8 strings), with object timestamps off so
 * that the same tables give the same bytes. The group's `columns` attribute
 * keeps the column order, which HDF5's name-ordered links would lose; this
 * is why a column name may hold neither ',' nor '/'. Attributes are written
 * as fixed-length strings (as output_h5.c does) and read in either form.
 * HDF5's own error printing is silenced inside each public call; failures
 * come back through ew_error, naming the file and the object.
 */
#include "figtable.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

/* ---- building tables in memory ------------------------------------------ */

/* Copies src into dst (size bytes), cutting at a UTF-8 character boundary. */
static void copy_text(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;   /* src[n] continues a character: cut before it starts */
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

ew_table *ew_table_new(const char *name, const char *description, size_t n_rows)
{
    ew_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    copy_text(t->name, sizeof t->name, name);
    copy_text(t->description, sizeof t->description, description);
    t->n_rows = n_rows;
    return t;
}

static void column_release(ew_column *c, size_t n_rows)
{
    free(c->num);
    if (c->text)
        for (size_t i = 0; i < n_rows; i++)
            free(c->text[i]);
    free(c->text);
}

void ew_table_free(ew_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_cols; i++)
        column_release(&t->cols[i], t->n_rows);
    free(t->cols);
    free(t);
}

/* Room for one more column, its header filled; NULL when out of memory.
 * The column counts only once the caller has filled its values. */
static ew_column *next_column(ew_table *t, const char *name, const char *units,
                              const char *description)
{
    ew_column *cols = realloc(t->cols, (t->n_cols + 1) * sizeof *cols);
    if (!cols)
        return NULL;
    t->cols = cols;
    ew_column *c = &cols[t->n_cols];
    memset(c, 0, sizeof *c);
    copy_text(c->name, sizeof c->name, name);
    copy_text(c->units, sizeof c->units, units);
    copy_text(c->description, sizeof c->description, description);
    return c;
}

int ew_table_add_num(ew_table *t, const char *name, const char *units, const char *description,
                     const double *values)
{
    if (!name || strlen(name) >= EW_TABLE_NAME_MAX)
        return EW_EINVAL;
    ew_column *c = next_column(t, name, units, description);
    if (!c || !(c->num = malloc((t->n_rows ? t->n_rows : 1) * sizeof *c->num)))
        return EW_ENOMEM;
    for (size_t i = 0; i < t->n_rows; i++)
        c->num[i] = values ? values[i] : NAN;
    t->n_cols++;
    return EW_OK;
}

int ew_table_add_text(ew_table *t, const char *name, const char *description,
                      const char *const *values)
{
    if (!name || strlen(name) >= EW_TABLE_NAME_MAX)
        return EW_EINVAL;
    ew_column *c = next_column(t, name, "", description);
    if (!c || !(c->text = calloc(t->n_rows ? t->n_rows : 1, sizeof *c->text)))
        return EW_ENOMEM;
    c->is_text = 1;
    for (size_t i = 0; i < t->n_rows; i++) {
        const char *v = values && values[i] ? values[i] : "";
        if (!(c->text[i] = strdup(v))) {
            column_release(c, i);
            return EW_ENOMEM;
        }
    }
    t->n_cols++;
    return EW_OK;
}

const ew_column *ew_table_column(const ew_table *t, const char *name)
{
    for (size_t i = 0; t && i < t->n_cols; i++)
        if (!strcmp(t->cols[i].name, name))
            return &t->cols[i];
    return NULL;
}

/* ---- CSV ------------------------------------------------------------------ */

/* One field: quoted by libcsv (quotes doubled) only where the text needs it. */
static void csv_text(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n"))
        csv_fwrite(f, s, strlen(s));
    else
        fputs(s, f);
}

int ew_table_write_csv(const ew_table *t, const char *path, ew_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return ew_error_set(err, EW_EIO, "%s: cannot create: %s", path, strerror(errno));
    for (size_t j = 0; j < t->n_cols; j++) {
        if (j)
            fputc(',', f);
        csv_text(f, t->cols[j].name);
    }
    fputc('\n', f);
    for (size_t i = 0; i < t->n_rows; i++) {
        for (size_t j = 0; j < t->n_cols; j++) {
            const ew_column *c = &t->cols[j];
            if (j)
                fputc(',', f);
            if (c->is_text)
                csv_text(f, c->text[i]);
            else if (!isnan(c->num[i]))   /* NAN: an empty field, which gnuplot skips */
                fprintf(f, "%.10g", c->num[i]);
        }
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) || bad)
        return ew_error_set(err, EW_EIO, "%s: cannot write: %s", path, strerror(errno));
    return EW_OK;
}

/* ---- HDF5: shared helpers --------------------------------------------------- */

typedef struct h5ctx {
    char where[1400];   /* "file.h5:/figures/frontier", for messages */
    ew_error *err;
    H5E_auto2_t old_func;   /* HDF5's error printer, restored at the end */
    void *old_data;
} h5ctx;

/* Silences HDF5's printing and names the place: the file of loc, the path
 * of loc and, when not NULL, child under it. */
static void ctx_begin(h5ctx *x, hid_t loc, const char *child, ew_error *err)
{
    char file[600] = "?", path[600] = "";
    x->err = err;
    H5Eget_auto2(H5E_DEFAULT, &x->old_func, &x->old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fget_name(loc, file, sizeof file) < 0)
        snprintf(file, sizeof file, "?");
    if (H5Iget_name(loc, path, sizeof path) < 0)
        path[0] = '\0';
    int slash = child && strcmp(path, "/") != 0;
    snprintf(x->where, sizeof x->where, "%s:%s%s%s", file, path, slash ? "/" : "",
             child ? child : "");
}

static void ctx_end(const h5ctx *x)
{
    H5Eset_auto2(H5E_DEFAULT, x->old_func, x->old_data);
}

/* Innermost HDF5 error on the default stack (the walk upward starts there). */
static herr_t first_error(unsigned n, const H5E_error2_t *e, void *data)
{
    if (n == 0 && e->desc)
        snprintf(data, 256, "%s", e->desc);
    return 0;
}

int ew_h5_fail(ew_error *err, const char *where, int code, const char *fmt, ...)
{
    char what[512], why[256] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (code == EW_ELIB || code == EW_EIO)
        H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, first_error, why);
    if (code == EW_ENOMEM)
        snprintf(why, sizeof why, "out of memory");
    return ew_error_set(err, code, "%s: %s%s%s", where, what, why[0] ? ": " : "", why);
}

hid_t ew_h5_utf8_type(size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, size) < 0 || H5Tset_strpad(t, H5T_STR_NULLTERM) < 0 ||
        H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

/* ---- HDF5: writing ---------------------------------------------------------- */

static int write_attr_text(const h5ctx *x, hid_t obj, const char *obj_name, const char *name,
                           const char *text)
{
    int rc = EW_OK;
    hid_t type = ew_h5_utf8_type(strlen(text) + 1), space = H5Screate(H5S_SCALAR);
    hid_t attr = type < 0 || space < 0 ? H5I_INVALID_HID
                                       : H5Acreate2(obj, name, type, space, H5P_DEFAULT,
                                                    H5P_DEFAULT);
    if (attr < 0 || H5Awrite(attr, type, text) < 0)
        rc = ew_h5_fail(x->err, x->where, EW_ELIB, "%s: cannot write attribute %s", obj_name, name);
    if (attr >= 0 && H5Aclose(attr) < 0 && rc == EW_OK)
        rc = ew_h5_fail(x->err, x->where, EW_ELIB, "%s: cannot close attribute %s", obj_name, name);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return rc;
}

/* A name HDF5 and the `columns` attribute can both carry. */
static int name_ok(const char *name)
{
    return name[0] && !strpbrk(name, ",/") && strcmp(name, ".") != 0;
}

/* Refuses what would not read back as written: bad or repeated names. */
static int check_names(const h5ctx *x, const ew_table *t)
{
    if (!name_ok(t->name))
        return ew_h5_fail(x->err, x->where, EW_EINVAL, "table name \"%s\" must be non-empty, without ',' or '/'",
                    t->name);
    for (size_t j = 0; j < t->n_cols; j++) {
        if (!name_ok(t->cols[j].name))
            return ew_h5_fail(x->err, x->where, EW_EINVAL, "column %zu: name \"%s\" must be non-empty, without "
                        "',' or '/'", j, t->cols[j].name);
        for (size_t k = 0; k < j; k++)
            if (!strcmp(t->cols[k].name, t->cols[j].name))
                return ew_h5_fail(x->err, x->where, EW_EINVAL, "column name \"%s\" appears twice", t->cols[j].name);
    }
    return EW_OK;
}

/* The column names joined by commas (malloc'd), or NULL when out of memory. */
static char *join_names(const ew_table *t)
{
    size_t n = 1;
    for (size_t j = 0; j < t->n_cols; j++)
        n += strlen(t->cols[j].name) + 1;
    char *s = malloc(n), *p = s;
    if (!s)
        return NULL;
    *p = '\0';
    for (size_t j = 0; j < t->n_cols; j++)
        p += sprintf(p, "%s%s", j ? "," : "", t->cols[j].name);
    return s;
}

/* One column as a 1-D dataset of group g, with its units and description. */
static int write_column(const h5ctx *x, hid_t g, const ew_column *c, size_t n_rows)
{
    int rc = EW_OK;
    hsize_t dims[1] = { n_rows };
    hid_t str = c->is_text ? ew_h5_utf8_type(H5T_VARIABLE) : H5I_INVALID_HID;
    hid_t ftype = c->is_text ? str : H5T_IEEE_F64LE;
    hid_t mtype = c->is_text ? str : H5T_NATIVE_DOUBLE;
    const void *buf = c->is_text ? (const void *)c->text : (const void *)c->num;
    hid_t space = H5Screate_simple(1, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t d = H5I_INVALID_HID;
    if ((c->is_text && str < 0) || space < 0 || dcpl < 0 || H5Pset_obj_track_times(dcpl, 0) < 0)
        rc = ew_h5_fail(x->err, x->where, EW_ELIB, "%s: cannot set up dataset", c->name);
    else if ((d = H5Dcreate2(g, c->name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0)
        rc = ew_h5_fail(x->err, x->where, EW_ELIB, "%s: cannot create dataset", c->name);
    else if (n_rows > 0 && H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        rc = ew_h5_fail(x->err, x->where, EW_ELIB, "%s: cannot write dataset", c->name);
    if (rc == EW_OK)
        rc = write_attr_text(x, d, c->name, "units", c->units);
    if (rc == EW_OK)
        rc = write_attr_text(x, d, c->name, "description", c->description);
    if (d >= 0 && H5Dclose(d) < 0 && rc == EW_OK)
        rc = ew_h5_fail(x->err, x->where, EW_ELIB, "%s: cannot close dataset", c->name);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    if (str >= 0)
        H5Tclose(str);
    return rc;
}

/* Creates group name under parent without timestamps into *g. */
static int create_group(const h5ctx *x, hid_t parent, const char *name, hid_t *g)
{
    int rc = EW_OK;
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    *g = H5I_INVALID_HID;
    if (H5Lexists(parent, name, H5P_DEFAULT) > 0)
        rc = ew_h5_fail(x->err, x->where, EW_EINVAL, "already exists");
    else if (gcpl < 0 || H5Pset_obj_track_times(gcpl, 0) < 0)
        rc = ew_h5_fail(x->err, x->where, EW_ELIB, "cannot set up group");
    else if ((*g = H5Gcreate2(parent, name, H5P_DEFAULT, gcpl, H5P_DEFAULT)) < 0)
        rc = ew_h5_fail(x->err, x->where, EW_ELIB, "cannot create group");
    if (gcpl >= 0)
        H5Pclose(gcpl);
    return rc;
}

int ew_table_write_h5(hid_t parent, const ew_table *t, ew_error *err)
{
    h5ctx x;
    ctx_begin(&x, parent, t->name, err);
    int rc = check_names(&x, t);
    char *columns = rc == EW_OK ? join_names(t) : NULL;
    if (rc == EW_OK && !columns)
        rc = ew_h5_fail(x.err, x.where, EW_ENOMEM, "column list");
    hid_t g = H5I_INVALID_HID;
    if (rc == EW_OK)
        rc = create_group(&x, parent, t->name, &g);
    if (rc == EW_OK)
        rc = write_attr_text(&x, g, "group", "description", t->description);
    if (rc == EW_OK)
        rc = write_attr_text(&x, g, "group", "columns", columns);
    for (size_t j = 0; rc == EW_OK && j < t->n_cols; j++)
        rc = write_column(&x, g, &t->cols[j], t->n_rows);
    if (g >= 0 && H5Gclose(g) < 0 && rc == EW_OK)
        rc = ew_h5_fail(x.err, x.where, EW_ELIB, "cannot close group");
    free(columns);
    ctx_end(&x);
    return rc;
}

/* ---- HDF5: reading ------------------------------------------------------------ */

/* Attribute name of obj as a malloc'd string, "" when obj has none.
 * Reads fixed-length and variable-length strings. */
static int read_attr_text(const h5ctx *x, hid_t obj, const char *obj_name, const char *name,
                          char **out)
{
    *out = NULL;
    if (H5Aexists(obj, name) <= 0)
        return (*out = strdup("")) ? EW_OK : ew_h5_fail(x->err, x->where, EW_ENOMEM, "attribute %s", name);
    int rc = EW_OK;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t ft = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID, mt = H5I_INVALID_HID;
    if (ft < 0 || H5Tget_class(ft) != H5T_STRING) {
        rc = ew_h5_fail(x->err, x->where, EW_EINVAL, "%s: attribute %s is not text", obj_name, name);
    } else if (H5Tis_variable_str(ft) > 0) {
        char *s = NULL;
        mt = ew_h5_utf8_type(H5T_VARIABLE);
        if (mt < 0 || H5Aread(a, mt, &s) < 0)
            rc = ew_h5_fail(x->err, x->where, EW_ELIB, "%s: cannot read attribute %s", obj_name, name);
        else if (!(*out = strdup(s ? s : "")))
            rc = ew_h5_fail(x->err, x->where, EW_ENOMEM, "attribute %s", name);
        H5free_memory(s);
    } else {
        size_t size = H5Tget_size(ft);
        if (!(*out = calloc(size + 1, 1)))   /* + 1: a NUL even when the file has none */
            rc = ew_h5_fail(x->err, x->where, EW_ENOMEM, "attribute %s", name);
        else if (H5Aread(a, ft, *out) < 0)
            rc = ew_h5_fail(x->err, x->where, EW_ELIB, "%s: cannot read attribute %s", obj_name, name);
    }
    if (rc != EW_OK) {
        free(*out);
        *out = NULL;
    }
    if (mt >= 0)
        H5Tclose(mt);
    if (ft >= 0)
        H5Tclose(ft);
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

/* The strings of 1-D text dataset d (n entries) into a malloc'd array of
 * malloc'd strings (*out), fixed-length or variable-length in the file. */
static int read_strings(const h5ctx *x, hid_t d, hid_t ft, const char *name, size_t n,
                        char ***out)
{
    char **s = calloc(n ? n : 1, sizeof *s);
    int rc = s ? EW_OK : ew_h5_fail(x->err, x->where, EW_ENOMEM, "%s", name);
    if (rc == EW_OK && n > 0 && H5Tis_variable_str(ft) > 0) {
        char **v = calloc(n, sizeof *v);
        hid_t mt = ew_h5_utf8_type(H5T_VARIABLE), space = H5Dget_space(d);
        if (!v)
            rc = ew_h5_fail(x->err, x->where, EW_ENOMEM, "%s", name);
        else if (mt < 0 || space < 0 || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
            rc = ew_h5_fail(x->err, x->where, EW_ELIB, "%s: cannot read dataset", name);
        for (size_t i = 0; rc == EW_OK && i < n; i++)
            if (!(s[i] = strdup(v[i] ? v[i] : "")))
                rc = ew_h5_fail(x->err, x->where, EW_ENOMEM, "%s", name);
        if (v && mt >= 0 && space >= 0)
            H5Dvlen_reclaim(mt, space, H5P_DEFAULT, v);
        free(v);
        if (mt >= 0)
            H5Tclose(mt);
        if (space >= 0)
            H5Sclose(space);
    } else if (rc == EW_OK && n > 0) {
        size_t size = H5Tget_size(ft);
        char *flat = calloc(n, size);
        if (!flat)
            rc = ew_h5_fail(x->err, x->where, EW_ENOMEM, "%s", name);
        else if (H5Dread(d, ft, H5S_ALL, H5S_ALL, H5P_DEFAULT, flat) < 0)
            rc = ew_h5_fail(x->err, x->where, EW_ELIB, "%s: cannot read dataset", name);
        for (size_t i = 0; rc == EW_OK && i < n; i++)
            if (!(s[i] = strndup(flat + i * size, size)))
                rc = ew_h5_fail(x->err, x->where, EW_ENOMEM, "%s", name);
        free(flat);
    }
    if (rc != EW_OK && s) {
        for (size_t i = 0; i < n; i++)
            free(s[i]);
        free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}

/* Opens 1-D dataset name of g into *d and checks it has t's row count (or
 * sets it when t has no column yet). */
static int open_column(const h5ctx *x, hid_t g, const char *name, ew_table *t, hid_t *d)
{
    hsize_t dims[1] = { 0 };
    if ((*d = H5Dopen2(g, name, H5P_DEFAULT)) < 0)
        return ew_h5_fail(x->err, x->where, EW_EINVAL, "column %s: no such dataset", name);
    hid_t space = H5Dget_space(*d);
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    if (rank == 1)
        H5Sget_simple_extent_dims(space, dims, NULL);
    if (space >= 0)
        H5Sclose(space);
    if (rank != 1 || (t->n_cols > 0 && dims[0] != t->n_rows)) {
        H5Dclose(*d);
        *d = H5I_INVALID_HID;
        return ew_h5_fail(x->err, x->where, EW_EINVAL, "column %s: expected a 1-D dataset of %zu rows", name,
                    t->n_rows);
    }
    t->n_rows = (size_t)dims[0];
    return EW_OK;
}

/* Reads column name of g and appends it to t. */
static int read_column(const h5ctx *x, hid_t g, const char *name, ew_table *t)
{
    hid_t d;
    int rc = open_column(x, g, name, t, &d);
    if (rc != EW_OK)
        return rc;
    hid_t ft = H5Dget_type(d);
    H5T_class_t cls = ft >= 0 ? H5Tget_class(ft) : H5T_NO_CLASS;
    char *units = NULL, *desc = NULL;
    rc = read_attr_text(x, d, name, "units", &units);
    if (rc == EW_OK)
        rc = read_attr_text(x, d, name, "description", &desc);
    if (rc == EW_OK && cls == H5T_STRING) {
        char **s = NULL;
        rc = read_strings(x, d, ft, name, t->n_rows, &s);
        if (rc == EW_OK && (rc = ew_table_add_text(t, name, desc, (const char *const *)s)))
            rc = ew_h5_fail(x->err, x->where, rc, "%s: cannot add column", name);
        for (size_t i = 0; s && i < t->n_rows; i++)
            free(s[i]);
        free(s);
    } else if (rc == EW_OK && (cls == H5T_FLOAT || cls == H5T_INTEGER)) {
        double *v = malloc((t->n_rows ? t->n_rows : 1) * sizeof *v);
        if (!v)
            rc = ew_h5_fail(x->err, x->where, EW_ENOMEM, "%s", name);
        else if (t->n_rows > 0 &&
                 H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
            rc = ew_h5_fail(x->err, x->where, EW_ELIB, "%s: cannot read dataset", name);
        else if ((rc = ew_table_add_num(t, name, units, desc, v)))
            rc = ew_h5_fail(x->err, x->where, rc, "%s: cannot add column", name);
        free(v);
    } else if (rc == EW_OK) {
        rc = ew_h5_fail(x->err, x->where, EW_EINVAL, "column %s: expected numbers or text", name);
    }
    free(units);
    free(desc);
    if (ft >= 0)
        H5Tclose(ft);
    H5Dclose(d);
    return rc;
}

/* Appends the name of each link of type `want` (H5I_GROUP or H5I_DATASET). */
typedef struct name_list {
    char **names;
    size_t n, cap;
    H5I_type_t want;
    int nomem;
} name_list;

static herr_t collect_name(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)info;
    name_list *l = data;
    hid_t o = H5Oopen(g, name, H5P_DEFAULT);   /* a soft link to nowhere: skipped */
    if (o < 0)
        return 0;
    H5I_type_t type = H5Iget_type(o);
    H5Oclose(o);
    if (type != l->want)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **names = realloc(l->names, cap * sizeof *names);
        if (!names)
            return (l->nomem = 1), -1;
        l->names = names;
        l->cap = cap;
    }
    if (!(l->names[l->n] = strdup(name)))
        return (l->nomem = 1), -1;
    l->n++;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of g's links of one type, sorted bytewise; *names malloc'd. */
static int list_links(const h5ctx *x, hid_t g, H5I_type_t want, char ***names, size_t *n)
{
    name_list l = { NULL, 0, 0, want, 0 };
    int rc = EW_OK;
    if (H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_name, &l) < 0)
        rc = l.nomem ? ew_h5_fail(x->err, x->where, EW_ENOMEM, "names") : ew_h5_fail(x->err, x->where, EW_ELIB, "cannot list members");
    if (rc != EW_OK) {
        for (size_t i = 0; i < l.n; i++)
            free(l.names[i]);
        free(l.names);
        l.names = NULL;
        l.n = 0;
    } else if (l.n > 1) {
        qsort(l.names, l.n, sizeof *l.names, cmp_names);
    }
    *names = l.names;
    *n = l.n;
    return rc;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

/* The column names of table group g, in order: its `columns` attribute, or
 * (from a writer that kept none) its datasets by name. */
static int column_names(const h5ctx *x, hid_t g, char ***names, size_t *n)
{
    if (H5Aexists(g, "columns") <= 0)
        return list_links(x, g, H5I_DATASET, names, n);
    char *joined = NULL;
    int rc = read_attr_text(x, g, "group", "columns", &joined);
    size_t count = 0;
    char **v = NULL;
    if (rc == EW_OK && joined[0]) {
        count = 1;
        for (const char *p = joined; *p; p++)
            count += (size_t)(*p == ',');
        v = calloc(count, sizeof *v);
        char *save = NULL, *tok = v ? strtok_r(joined, ",", &save) : NULL;
        for (size_t i = 0; v && i < count; i++, tok = strtok_r(NULL, ",", &save))
            if (!tok || !(v[i] = strdup(tok)))
                break;
        if (!v || !v[count - 1]) {
            free_names(v, count);
            v = NULL;
            rc = ew_h5_fail(x->err, x->where, EW_EINVAL, "attribute columns \"%s\": expected names joined by ','",
                      joined);
        }
    }
    free(joined);
    *names = v;
    *n = rc == EW_OK ? count : 0;
    return rc;
}

int ew_table_read_h5(hid_t parent, const char *name, ew_table **out, ew_error *err)
{
    h5ctx x;
    ctx_begin(&x, parent, name, err);
    *out = NULL;
    int rc = EW_OK;
    hid_t g = H5I_INVALID_HID;
    if (H5Lexists(parent, name, H5P_DEFAULT) <= 0)
        rc = ew_h5_fail(x.err, x.where, EW_EINVAL, "no such table");
    else if ((g = H5Gopen2(parent, name, H5P_DEFAULT)) < 0)
        rc = ew_h5_fail(x.err, x.where, EW_EINVAL, "not a table (expected a group)");
    char *desc = NULL, **cols = NULL;
    size_t n_cols = 0;
    if (rc == EW_OK)
        rc = read_attr_text(&x, g, "group", "description", &desc);
    if (rc == EW_OK)
        rc = column_names(&x, g, &cols, &n_cols);
    ew_table *t = rc == EW_OK ? ew_table_new(name, desc, 0) : NULL;
    if (rc == EW_OK && !t)
        rc = ew_h5_fail(x.err, x.where, EW_ENOMEM, "table");
    for (size_t j = 0; rc == EW_OK && j < n_cols; j++)
        rc = read_column(&x, g, cols[j], t);
    free_names(cols, n_cols);
    free(desc);
    if (g >= 0)
        H5Gclose(g);
    if (rc == EW_OK)
        *out = t;
    else
        ew_table_free(t);
    ctx_end(&x);
    return rc;
}

int ew_table_list_h5(hid_t parent, char ***names, size_t *n, ew_error *err)
{
    h5ctx x;
    ctx_begin(&x, parent, NULL, err);
    int rc = list_links(&x, parent, H5I_GROUP, names, n);
    ctx_end(&x);
    return rc;
}

/* ---- reading a results file ------------------------------------------------------ */

int ew_h5_open_results(const char *path, hid_t *file, ew_error *err)
{
    h5ctx x;
    FILE *probe = fopen(path, "rb");   /* a clearer message than HDF5's for the usual case */
    *file = H5I_INVALID_HID;
    if (!probe)
        return ew_error_set(err, EW_EINVAL, "%s: cannot open: %s", path, strerror(errno));
    fclose(probe);
    x.err = err;
    snprintf(x.where, sizeof x.where, "%s", path);
    H5Eget_auto2(H5E_DEFAULT, &x.old_func, &x.old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rc = EW_OK;
    char format[64];
    if (H5Fis_hdf5(path) <= 0)
        rc = ew_h5_fail(x.err, x.where, EW_EINVAL, "not an HDF5 file (expected an edgewatt results.h5)");
    else if ((*file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
        rc = ew_h5_fail(x.err, x.where, EW_EIO, "cannot open");
    else if (!ew_h5_attr_text(*file, "file_format", format, sizeof format) ||
             strncmp(format, "edgewatt-", 9) != 0)
        rc = ew_h5_fail(x.err, x.where, EW_EINVAL, "not an edgewatt results file (no root attribute "
                  "file_format \"edgewatt-...\")");
    if (rc != EW_OK && *file >= 0) {
        H5Fclose(*file);
        *file = H5I_INVALID_HID;
    }
    ctx_end(&x);
    return rc;
}

int ew_h5_attr_text(hid_t obj, const char *name, char *buf, size_t size)
{
    h5ctx x;
    ctx_begin(&x, obj, NULL, NULL);
    char *s = NULL;
    buf[0] = '\0';
    int found = H5Aexists(obj, name) > 0 &&
                read_attr_text(&x, obj, "object", name, &s) == EW_OK;
    if (found)
        copy_text(buf, size, s);
    free(s);
    ctx_end(&x);
    return found;
}

int ew_h5_attr_num(hid_t obj, const char *name, double *value)
{
    h5ctx x;
    ctx_begin(&x, obj, NULL, NULL);
    int found = 0;
    hid_t a = H5Aexists(obj, name) > 0 ? H5Aopen(obj, name, H5P_DEFAULT) : H5I_INVALID_HID;
    hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    hid_t sp = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
    if (t >= 0 && sp >= 0 && H5Sget_simple_extent_npoints(sp) == 1 &&
        (H5Tget_class(t) == H5T_INTEGER || H5Tget_class(t) == H5T_FLOAT))
        found = H5Aread(a, H5T_NATIVE_DOUBLE, value) >= 0;
    if (sp >= 0)
        H5Sclose(sp);
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    ctx_end(&x);
    return found;
}

char *ew_h5_text(hid_t loc, const char *path)
{
    h5ctx x;
    ctx_begin(&x, loc, NULL, NULL);
    char *text = NULL;
    hid_t d = H5Lexists(loc, path, H5P_DEFAULT) > 0 ? H5Dopen2(loc, path, H5P_DEFAULT)
                                                      : H5I_INVALID_HID;
    hid_t ft = d >= 0 ? H5Dget_type(d) : H5I_INVALID_HID;
    hid_t sp = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    if (ft >= 0 && sp >= 0 && H5Tget_class(ft) == H5T_STRING &&
        H5Sget_simple_extent_npoints(sp) == 1) {
        if (H5Tis_variable_str(ft) > 0) {
            char *s = NULL;
            hid_t mt = ew_h5_utf8_type(H5T_VARIABLE);
            if (mt >= 0 && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s) >= 0)
                text = strdup(s ? s : "");
            if (mt >= 0)
                H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, &s);
            if (mt >= 0)
                H5Tclose(mt);
        } else if ((text = calloc(H5Tget_size(ft) + 1, 1)) &&
                   H5Dread(d, ft, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) < 0) {
            free(text);
            text = NULL;
        }
    }
    if (sp >= 0)
        H5Sclose(sp);
    if (ft >= 0)
        H5Tclose(ft);
    if (d >= 0)
        H5Dclose(d);
    ctx_end(&x);
    return text;
}
