/* output_h5.c — writing results to HDF5 (layout in output_h5.h).
 *
 * Per-site and per-server fields are described once, in tables of
 * {name, offset, type, units, description}; one loop writes each table,
 * gathering a field out of the array of structs into a scratch buffer first
 * (simpler to read than a strided HDF5 memory selection). Reproducible bytes
 * need object timestamps off on every group and dataset, and fixed-length
 * strings zero-padded in memory. 1-D datasets longer than COMPRESS_ABOVE
 * elements (a million servers) are chunked, shuffled and deflated.
 */
#include "output_h5.h"

#include "figtable.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#define FILE_FORMAT "edgewatt-results-1"
#define COMPRESS_ABOVE 4096     /* elements; smaller datasets stay contiguous */
#define CHUNK_MAX 65536         /* elements per chunk: 512 KiB of doubles */
#define DEFLATE_LEVEL 4

typedef struct h5out {
    const char *path;   /* the file, for messages */
    ew_error *err;
} h5out;

/* Attaches scalar attribute name of type to obj (called label in messages). */
static int write_attr(const h5out *o, hid_t obj, const char *label,
                      const char *name, hid_t type, const void *value)
{
    int rc = EW_OK;
    hid_t space = H5Screate(H5S_SCALAR), attr = H5I_INVALID_HID;
    if (space < 0) {
        rc = ew_h5_fail(o->err, o->path, EW_ELIB, "%s: cannot make dataspace of attribute %s", label, name);
        goto done;
    }
    attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0) {
        rc = ew_h5_fail(o->err, o->path, EW_ELIB, "%s: cannot create attribute %s", label, name);
        goto done;
    }
    if (H5Awrite(attr, type, value) < 0)
        rc = ew_h5_fail(o->err, o->path, EW_ELIB, "%s: cannot write attribute %s", label, name);
done:
    if (attr >= 0 && H5Aclose(attr) < 0 && rc == EW_OK)
        rc = ew_h5_fail(o->err, o->path, EW_ELIB, "%s: cannot close attribute %s", label, name);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

static int write_attr_string(const h5out *o, hid_t obj, const char *label,
                             const char *name, const char *text)
{
    hid_t type = ew_h5_utf8_type(strlen(text) + 1);
    if (type < 0)
        return ew_h5_fail(o->err, o->path, EW_ELIB, "%s: cannot make string type of attribute %s", label, name);
    int rc = write_attr(o, obj, label, name, type, text);
    H5Tclose(type);
    return rc;
}

/* Creates group name under loc, without timestamps; negative on failure
 * (err filled). The caller closes it. */
static hid_t create_group(const h5out *o, hid_t loc, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE), group = H5I_INVALID_HID;
    if (gcpl < 0 || H5Pset_obj_track_times(gcpl, 0) < 0)
        ew_h5_fail(o->err, o->path, EW_ELIB, "/%s: cannot set up group", name);
    else if ((group = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT)) < 0)
        ew_h5_fail(o->err, o->path, EW_ELIB, "/%s: cannot create group", name);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    return group;
}

/* Creates dataset where/name in loc with type (in memory and in the file),
 * rank 0 (scalar), 1 or 2 and dims, writes buf (not read when it has no
 * elements) and attaches units and description. */
static int write_dataset(const h5out *o, hid_t loc, const char *where,
                         const char *name, hid_t type, int rank,
                         const hsize_t *dims, const void *buf,
                         const char *units, const char *description)
{
    char label[256];
    int rc = EW_OK;
    hsize_t n = 1;
    hid_t space, dcpl, dset = H5I_INVALID_HID;

    snprintf(label, sizeof label, "%s/%s", where, name);
    for (int i = 0; i < rank; i++)
        n *= dims[i];
    space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0 || H5Pset_obj_track_times(dcpl, 0) < 0) {
        rc = ew_h5_fail(o->err, o->path, EW_ELIB, "%s: cannot set up dataset", label);
        goto done;
    }
    if (rank == 1 && n > COMPRESS_ABOVE) {
        hsize_t chunk = n < CHUNK_MAX ? n : CHUNK_MAX;
        if (H5Pset_chunk(dcpl, 1, &chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
            H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0) {
            rc = ew_h5_fail(o->err, o->path, EW_ELIB, "%s: cannot set up compression", label);
            goto done;
        }
    }
    dset = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dset < 0) {
        rc = ew_h5_fail(o->err, o->path, EW_ELIB, "%s: cannot create dataset", label);
        goto done;
    }
    if (n > 0 && H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        rc = ew_h5_fail(o->err, o->path, EW_ELIB, "%s: cannot write dataset", label);
        goto done;
    }
    rc = write_attr_string(o, dset, label, "units", units);
    if (rc == EW_OK)
        rc = write_attr_string(o, dset, label, "description", description);
done:
    if (dset >= 0 && H5Dclose(dset) < 0 && rc == EW_OK)
        rc = ew_h5_fail(o->err, o->path, EW_ELIB, "%s: cannot close dataset", label);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

/* A scalar dataset holding text as one fixed-length string. */
static int write_text(const h5out *o, hid_t loc, const char *where,
                      const char *name, const char *text, const char *description)
{
    if (!text)
        text = "";
    hid_t type = ew_h5_utf8_type(strlen(text) + 1);
    if (type < 0)
        return ew_h5_fail(o->err, o->path, EW_ELIB, "%s/%s: cannot make string type", where, name);
    int rc = write_dataset(o, loc, where, name, type, 0, NULL, text, "none", description);
    H5Tclose(type);
    return rc;
}

/* The site names as an array of EW_NAME_MAX-byte strings. */
static int write_site_names(const h5out *o, hid_t loc, const char *where,
                            const char *name, const ew_results *r)
{
    size_t n = r->n_sites;
    hsize_t dims[1] = { n };
    char *names = calloc(n ? n : 1, EW_NAME_MAX);   /* zeroed: same bytes each run */
    if (!names)
        return ew_h5_fail(o->err, o->path, EW_ENOMEM, "%s/%s", where, name);
    for (size_t i = 0; i < n; i++)
        memcpy(names + i * EW_NAME_MAX, r->sites[i].name,
               strnlen(r->sites[i].name, EW_NAME_MAX - 1));
    int rc;
    hid_t type = ew_h5_utf8_type(EW_NAME_MAX);
    if (type < 0)
        rc = ew_h5_fail(o->err, o->path, EW_ELIB, "%s/%s: cannot make string type", where, name);
    else
        rc = write_dataset(o, loc, where, name, type, 1, dims, names, "none",
                           "Site names, in the order of the site index.");
    if (type >= 0)
        H5Tclose(type);
    free(names);
    return rc;
}

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static hid_t kind_type(ew_field_type k)
{
    return k == EW_FIELD_U32 ? H5T_NATIVE_UINT32 : k == EW_FIELD_U64 ? H5T_NATIVE_UINT64
                                                                   : H5T_NATIVE_DOUBLE;
}

static size_t kind_size(ew_field_type k)
{
    return k == EW_FIELD_U32 ? sizeof(uint32_t) : sizeof(uint64_t);   /* double is 8 too */
}

/* One dataset per field: a scalar from the record at base when scalar is set,
 * else 1-D over n_records records stride bytes apart, gathered through
 * scratch (n_records × 8 bytes). */
static int write_fields(const h5out *o, hid_t loc, const char *where,
                        const ew_field *fields, size_t n_fields, int scalar,
                        const void *base, size_t stride, size_t n_records,
                        unsigned char *scratch)
{
    const unsigned char *b = base;
    hsize_t dims[1] = { n_records };
    for (size_t i = 0; i < n_fields; i++) {
        const ew_field *f = &fields[i];
        size_t size = kind_size(f->type);
        int rc;
        if (scalar) {
            rc = write_dataset(o, loc, where, f->name, kind_type(f->type), 0, NULL,
                               b + f->offset, f->units, f->description);
        } else {
            for (size_t k = 0; k < n_records; k++)
                memcpy(scratch + k * size, b + k * stride + f->offset, size);
            rc = write_dataset(o, loc, where, f->name, kind_type(f->type), 1, dims,
                               scratch, f->units, f->description);
        }
        if (rc != EW_OK)
            return rc;
    }
    return EW_OK;
}

/* Writers of the groups: the same signature, so write_groups takes a table. */
typedef int (*group_writer)(const h5out *o, hid_t g, const ew_scenario *s,
                            const ew_results *r, unsigned char *scratch);

static int write_root(const h5out *o, hid_t file, const ew_results *r)
{
    int rc = write_attr_string(o, file, "/", "edgewatt_version", EW_VERSION);
    if (rc == EW_OK)
        rc = write_attr_string(o, file, "/", "file_format", FILE_FORMAT);
    if (rc == EW_OK) {
        char name[EW_NAME_MAX];
        snprintf(name, sizeof name, "%s", r->scenario_name);
        rc = write_attr_string(o, file, "/", "scenario_name", name);
    }
    if (rc == EW_OK)
        rc = write_attr(o, file, "/", "seed", H5T_NATIVE_UINT64, &r->seed);
    if (rc == EW_OK)
        rc = write_attr(o, file, "/", "replication", H5T_NATIVE_UINT32, &r->replication);
    return rc;
}

static int write_scenario(const h5out *o, hid_t g, const ew_scenario *s,
                          const ew_results *r, unsigned char *scratch)
{
    (void)r;
    (void)scratch;
    int rc = write_text(o, g, "/scenario", "source", s->source_text,
                        "The scenario file as read.");
    if (rc == EW_OK)
        rc = write_text(o, g, "/scenario", "effective", s->effective_text,
                        "The scenario after command-line overrides, as YAML.");
    return rc;
}

static int write_summary(const h5out *o, hid_t g, const ew_scenario *s,
                         const ew_results *r, unsigned char *scratch)
{
    (void)s;
    (void)scratch;
    int rc = write_dataset(o, g, "/summary", "duration_s", H5T_NATIVE_DOUBLE, 0, NULL,
                           &r->duration_s, "s", "Simulated horizon actually run.");
    if (rc == EW_OK)
        rc = write_dataset(o, g, "/summary", "events", H5T_NATIVE_UINT64, 0, NULL,
                           &r->events, "1", "Events handled.");
    if (rc == EW_OK)
        rc = write_fields(o, g, "/summary", ew_site_fields, ew_n_site_fields, 1,
                          &r->total, 0, 0, NULL);
    return rc;
}

static int write_sites(const h5out *o, hid_t g, const ew_scenario *s,
                       const ew_results *r, unsigned char *scratch)
{
    (void)s;
    int rc = write_site_names(o, g, "/sites", "name", r);
    if (rc == EW_OK)
        rc = write_fields(o, g, "/sites", ew_site_fields, ew_n_site_fields, 0, r->sites,
                          sizeof *r->sites, r->n_sites, scratch);
    return rc;
}

static int write_servers(const h5out *o, hid_t g, const ew_scenario *s,
                         const ew_results *r, unsigned char *scratch)
{
    (void)s;
    return write_fields(o, g, "/servers", ew_server_fields, ew_n_server_fields, 0,
                        r->servers, sizeof *r->servers, r->n_servers, scratch);
}

static int write_timeseries(const h5out *o, hid_t g, const ew_scenario *s,
                            const ew_results *r, unsigned char *scratch)
{
    (void)s;
    const char *w = "/timeseries";
    hsize_t bins[1] = { r->n_bins }, power[2] = { r->n_sites, r->n_bins };
    double *t = (double *)(void *)scratch;
    for (size_t b = 0; b < r->n_bins; b++)
        t[b] = (double)b * r->bin_s;
    int rc = write_dataset(o, g, w, "t_start_s", H5T_NATIVE_DOUBLE, 1, bins, t, "s",
                           "Start of each time bin.");
    if (rc == EW_OK)
        rc = write_dataset(o, g, w, "bin_s", H5T_NATIVE_DOUBLE, 0, NULL, &r->bin_s, "s",
                           "Width of the time bins (the last may be partial).");
    if (rc == EW_OK)
        rc = write_dataset(o, g, w, "power_w", H5T_NATIVE_DOUBLE, 2, power,
                           r->bin_power_w, "W",
                           "Mean power per bin, one row per site.");
    if (rc == EW_OK)
        rc = write_dataset(o, g, w, "arrivals", H5T_NATIVE_DOUBLE, 1, bins,
                           r->bin_arrivals, "1", "Arrivals in each bin.");
    if (rc == EW_OK)
        rc = write_site_names(o, g, w, "site_names", r);
    return rc;
}

/* The five groups in turn; stops at the first failure. */
static int write_queries(const h5out *o, hid_t g, const ew_scenario *s,
                         const ew_results *r, unsigned char *scratch)
{
    int rc = write_fields(o, g, "/queries", ew_query_fields, ew_n_query_fields, 0, r->records,
                          sizeof *r->records, r->n_records, scratch);
    /* class names, in the order of the class index */
    hsize_t dims[1] = { s->n_classes };
    char *names = calloc(s->n_classes ? s->n_classes : 1, EW_NAME_MAX);
    hid_t type = ew_h5_utf8_type(EW_NAME_MAX);
    if (rc == EW_OK && (!names || type < 0))
        rc = ew_h5_fail(o->err, o->path, EW_ELIB, "/queries/class_names: cannot prepare");
    for (uint32_t c = 0; rc == EW_OK && c < s->n_classes; c++)
        memcpy(names + (size_t)c * EW_NAME_MAX, s->classes[c].name,
               strnlen(s->classes[c].name, EW_NAME_MAX - 1));
    if (rc == EW_OK)
        rc = write_dataset(o, g, "/queries", "class_names", type, 1, dims, names, "none",
                           "Query class names, in the order of the class index.");
    if (type >= 0)
        H5Tclose(type);
    free(names);
    return rc;
}

static int write_groups(const h5out *o, hid_t file, const ew_scenario *s,
                        const ew_results *r, unsigned char *scratch, int with_scenario)
{
    static const struct { const char *name; group_writer write; } groups[] = {
        { "scenario", write_scenario },  { "summary", write_summary },
        { "sites", write_sites },        { "servers", write_servers },
        { "timeseries", write_timeseries }, { "queries", write_queries },
    };
    int rc = EW_OK;
    for (size_t i = with_scenario ? 0 : 1; i < COUNT(groups) && rc == EW_OK; i++) {
        hid_t g = create_group(o, file, groups[i].name);
        if (g < 0)
            return EW_ELIB;
        rc = groups[i].write(o, g, s, r, scratch);
        if (H5Gclose(g) < 0 && rc == EW_OK)
            rc = ew_h5_fail(o->err, o->path, EW_ELIB, "/%s: cannot close group", groups[i].name);
    }
    return rc;
}

int ew_output_h5_arms(const char *path, const ew_scenario *s, const ew_results *const *r,
                      const char *const *names, size_t n_arms, ew_error *err)
{
    h5out o = { path, err };
    H5E_auto2_t old_func;
    void *old_data;
    hid_t fcpl = H5I_INVALID_HID, file = H5I_INVALID_HID;
    unsigned char *scratch = NULL;
    int rc = EW_OK;

    if (H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data) < 0 ||
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
        return ew_error_set(err, EW_ELIB, "%s: cannot silence HDF5 error printing", path);

    size_t n = 1;   /* scratch holds one field of any table, 8 bytes each */
    for (size_t a = 0; a < n_arms; a++) {
        if (n < r[a]->n_bins)
            n = r[a]->n_bins;
        if (n < r[a]->n_sites)
            n = r[a]->n_sites;
        if (n < r[a]->n_servers)
            n = r[a]->n_servers;
        if (n < r[a]->n_records)
            n = r[a]->n_records;
    }
    if (n > SIZE_MAX / 8 || !(scratch = malloc(n * 8))) {
        rc = ew_h5_fail(o.err, o.path, EW_ENOMEM, "scratch buffer for %zu values", n);
        goto done;
    }
    /* The file-creation list is a group-creation list for the root group. */
    fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fcpl < 0 || H5Pset_obj_track_times(fcpl, 0) < 0) {
        rc = ew_h5_fail(o.err, o.path, EW_ELIB, "cannot set up file creation");
        goto done;
    }
    file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    if (file < 0) {
        rc = ew_h5_fail(o.err, o.path, EW_EIO, "cannot create file");
        goto done;
    }
    rc = write_root(&o, file, r[0]);
    if (rc == EW_OK && !names) {
        rc = write_groups(&o, file, s, r[0], scratch, 1);
    } else if (rc == EW_OK) {
        hid_t sg = create_group(&o, file, "scenario");
        if (sg < 0)
            rc = EW_ELIB;
        else {
            rc = write_scenario(&o, sg, s, r[0], scratch);
            H5Gclose(sg);
        }
        hid_t arms = rc == EW_OK && n_arms ? create_group(&o, file, "arms") : H5I_INVALID_HID;
        if (rc == EW_OK && n_arms && arms < 0)
            rc = EW_ELIB;
        for (size_t a = 0; rc == EW_OK && a < n_arms; a++) {
            hid_t g = create_group(&o, arms, names[a]);
            if (g < 0) {
                rc = EW_ELIB;
                break;
            }
            rc = write_groups(&o, g, s, r[a], scratch, 0);
            if (H5Gclose(g) < 0 && rc == EW_OK)
                rc = ew_h5_fail(o.err, o.path, EW_ELIB, "/arms/%s: cannot close group", names[a]);
        }
        if (arms >= 0)
            H5Gclose(arms);
    }
done:
    if (file >= 0) {
        if (H5Fclose(file) < 0 && rc == EW_OK)
            rc = ew_h5_fail(o.err, o.path, EW_EIO, "cannot close file");
        if (rc != EW_OK)
            remove(path);   /* a partial file would pass for results */
    }
    if (fcpl >= 0)
        H5Pclose(fcpl);
    free(scratch);
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
    return rc;
}

int ew_output_h5(const char *path, const ew_scenario *s, const ew_results *r, ew_error *err)
{
    return ew_output_h5_arms(path, s, &r, NULL, 1, err);
}
