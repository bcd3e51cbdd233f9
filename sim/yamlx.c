/* yamlx.c — strict reading of scenario documents on top of libyaml's
 * document API (see yamlx.h). Values grafted in by --set carry a sentinel
 * line so that messages about them name the option instead of a file line. */
#include "yamlx.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SET_LINE ((size_t)-1)   /* start_mark.line of nodes from --set */
#define MAX_SETS 64

struct ew_yaml {
    char *name;          /* file name for messages */
    char *source;        /* text as read */
    yaml_document_t doc;
    int has_root;
    char *sets[MAX_SETS];/* override expressions, for messages */
    int n_sets;
};

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int ew_yaml_load_string(const char *name, const char *text, ew_yaml **out,
                        ew_error *err)
{
    *out = NULL;
    ew_yaml *y = calloc(1, sizeof *y);
    if (!y || !(y->name = dup_string(name)) || !(y->source = dup_string(text))) {
        ew_yaml_free(y);
        return ew_error_set(err, EW_ENOMEM, "%s: out of memory", name);
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        ew_yaml_free(y);
        return ew_error_set(err, EW_ELIB, "%s: cannot start the YAML parser", name);
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)y->source,
                                 strlen(y->source));
    if (!yaml_parser_load(&p, &y->doc)) {
        char opened[96] = "";
        if (p.context)
            snprintf(opened, sizeof opened, " (opened at line %zu, column %zu)",
                     p.context_mark.line + 1, p.context_mark.column + 1);
        int rc = ew_error_set(err, EW_EINVAL, "%s:%zu:%zu: YAML syntax: %s%s%s%s",
                              name, p.problem_mark.line + 1,
                              p.problem_mark.column + 1,
                              p.problem ? p.problem : "malformed document",
                              p.context ? " " : "", p.context ? p.context : "", opened);
        yaml_parser_delete(&p);
        free(y->name);
        free(y->source);
        free(y);
        return rc;
    }
    y->has_root = 1;
    /* A second document in the stream is a mistake, not something to ignore. */
    yaml_document_t extra;
    if (yaml_parser_load(&p, &extra)) {
        yaml_node_t *r = yaml_document_get_root_node(&extra);
        if (r) {
            int rc = ew_error_set(err, EW_EINVAL,
                                  "%s:%zu:%zu: a scenario file holds one YAML document, found a second",
                                  name, r->start_mark.line + 1, r->start_mark.column + 1);
            yaml_document_delete(&extra);
            yaml_parser_delete(&p);
            ew_yaml_free(y);
            return rc;
        }
        yaml_document_delete(&extra);
    }
    yaml_parser_delete(&p);
    *out = y;
    return EW_OK;
}

int ew_yaml_load_file(const char *path, ew_yaml **out, ew_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ew_error_set(err, EW_EINVAL, "%s: cannot read scenario: %s", path,
                            strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len - 1, f);
        if (len < cap - 1)
            break;
        char *grown = realloc(buf, cap *= 2);
        if (!grown)
            free(buf);
        buf = grown;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf)
        return ew_error_set(err, EW_ENOMEM, "%s: out of memory", path);
    if (bad) {
        free(buf);
        return ew_error_set(err, EW_EINVAL, "%s: cannot read scenario", path);
    }
    buf[len] = '\0';
    if (strlen(buf) != len) {
        free(buf);
        return ew_error_set(err, EW_EINVAL, "%s: not a text file (NUL byte)", path);
    }
    int rc = ew_yaml_load_string(path, buf, out, err);
    free(buf);
    return rc;
}

void ew_yaml_free(ew_yaml *y)
{
    if (!y)
        return;
    if (y->has_root)
        yaml_document_delete(&y->doc);
    for (int i = 0; i < y->n_sets; i++)
        free(y->sets[i]);
    free(y->name);
    free(y->source);
    free(y);
}

const char *ew_yaml_source(const ew_yaml *y) { return y->source; }

yaml_node_t *ew_yaml_root(ew_yaml *y)
{
    return yaml_document_get_root_node(&y->doc);
}

yaml_node_t *ew_yaml_node(ew_yaml *y, int id)
{
    return yaml_document_get_node(&y->doc, id);
}

void ew_yaml_where(const ew_yaml *y, const yaml_node_t *n, char *buf, size_t size)
{
    if (n && n->start_mark.line == SET_LINE && n->start_mark.index < (size_t)y->n_sets)
        snprintf(buf, size, "--set '%s'", y->sets[n->start_mark.index]);
    else if (n)
        snprintf(buf, size, "%s:%zu:%zu", y->name, n->start_mark.line + 1,
                 n->start_mark.column + 1);
    else
        snprintf(buf, size, "%s", y->name);
}

int ew_yaml_fail(const ew_yaml *y, const yaml_node_t *n, const char *path,
                 ew_error *err, const char *fmt, ...)
{
    char where[512], what[512];
    ew_yaml_where(y, n, where, sizeof where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ew_error_set(err, EW_EINVAL, "%s: %s: %s", where, path, what);
}

/* ---- copying node trees (for --set values and for emitting) ---- */

/* Copies node `id` of src into dst; returns the new id or 0. mark_set >= 0
 * stamps every copied node as coming from override number mark_set. */
static int copy_node(yaml_document_t *dst, yaml_document_t *src, int id, int mark_set)
{
    yaml_node_t *n = yaml_document_get_node(src, id);
    if (!n)
        return 0;
    int nid = 0;
    switch (n->type) {
    case YAML_SCALAR_NODE:
        nid = yaml_document_add_scalar(dst, NULL, n->data.scalar.value,
                                       (int)n->data.scalar.length, n->data.scalar.style);
        break;
    case YAML_SEQUENCE_NODE: {
        nid = yaml_document_add_sequence(dst, NULL, n->data.sequence.style);
        if (!nid)
            return 0;
        /* src pointers stay valid: only dst grows */
        for (yaml_node_item_t *it = n->data.sequence.items.start;
             it < n->data.sequence.items.top; it++) {
            int c = copy_node(dst, src, *it, mark_set);
            if (!c || !yaml_document_append_sequence_item(dst, nid, c))
                return 0;
        }
        break;
    }
    case YAML_MAPPING_NODE: {
        nid = yaml_document_add_mapping(dst, NULL, n->data.mapping.style);
        if (!nid)
            return 0;
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
             p < n->data.mapping.pairs.top; p++) {
            int k = copy_node(dst, src, p->key, mark_set);
            int v = k ? copy_node(dst, src, p->value, mark_set) : 0;
            if (!v || !yaml_document_append_mapping_pair(dst, nid, k, v))
                return 0;
        }
        break;
    }
    default:
        return 0;
    }
    yaml_node_t *c = yaml_document_get_node(dst, nid);
    if (mark_set >= 0) {
        c->start_mark.line = SET_LINE;
        c->start_mark.index = (size_t)mark_set;
    } else {
        c->start_mark = n->start_mark;
    }
    return nid;
}

static int find_pair_value(yaml_document_t *d, int map_id, const char *key, size_t keylen)
{
    yaml_node_t *m = yaml_document_get_node(d, map_id);
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == keylen &&
            memcmp(k->data.scalar.value, key, keylen) == 0)
            return (int)(p - m->data.mapping.pairs.start);
    }
    return -1;
}

int ew_yaml_set(ew_yaml *y, const char *assignment, ew_error *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return ew_error_set(err, EW_EINVAL,
                            "--set '%s': expected key.path=value, e.g. run.duration=2h",
                            assignment);
    if (y->n_sets == MAX_SETS)
        return ew_error_set(err, EW_EINVAL, "--set: at most %d overrides", MAX_SETS);
    if (!y->has_root || !ew_yaml_root(y))
        return ew_error_set(err, EW_EINVAL, "--set '%s': %s is empty", assignment, y->name);
    int set_no = y->n_sets;
    if (!(y->sets[set_no] = dup_string(assignment)))
        return ew_error_set(err, EW_ENOMEM, "out of memory");
    y->n_sets++;

    ew_yaml *val;
    int rc = ew_yaml_load_string("--set", eq + 1, &val, err);
    if (rc)
        return ew_error_set(err, EW_EINVAL, "--set '%s': the value is not valid YAML",
                            assignment);
    int new_id;
    if (ew_yaml_root(val))
        new_id = copy_node(&y->doc, &val->doc, 1, set_no);
    else {  /* "key=" sets an empty value */
        new_id = yaml_document_add_scalar(&y->doc, NULL, (yaml_char_t *)"", 0,
                                          YAML_PLAIN_SCALAR_STYLE);
        if (new_id) {
            yaml_node_t *n = yaml_document_get_node(&y->doc, new_id);
            n->start_mark.line = SET_LINE;
            n->start_mark.index = (size_t)set_no;
        }
    }
    ew_yaml_free(val);
    if (!new_id)
        return ew_error_set(err, EW_ENOMEM, "--set '%s': out of memory", assignment);

    /* Walk the path: segments "name" or "name[i]" separated by dots. */
    int cur = 1;   /* root id */
    const char *s = assignment;
    while (s < eq) {
        const char *end = s;
        while (end < eq && *end != '.' && *end != '[')
            end++;
        if (end == s)
            return ew_error_set(err, EW_EINVAL, "--set '%s': empty key in the path", assignment);
        yaml_node_t *node = yaml_document_get_node(&y->doc, cur);
        if (node->type != YAML_MAPPING_NODE)
            return ew_error_set(err, EW_EINVAL, "--set '%s': '%.*s' is below a value that is not a mapping",
                                assignment, (int)(end - s), s);
        int at = find_pair_value(&y->doc, cur, s, (size_t)(end - s));
        int last = (end == eq);
        if (at < 0) {
            int k = yaml_document_add_scalar(&y->doc, NULL, (yaml_char_t *)s,
                                             (int)(end - s), YAML_PLAIN_SCALAR_STYLE);
            int v = last ? new_id : yaml_document_add_mapping(&y->doc, NULL, YAML_BLOCK_MAPPING_STYLE);
            if (!k || !v || !yaml_document_append_mapping_pair(&y->doc, cur, k, v))
                return ew_error_set(err, EW_ENOMEM, "--set: out of memory");
            yaml_node_t *kn = yaml_document_get_node(&y->doc, k);
            kn->start_mark.line = SET_LINE;
            kn->start_mark.index = (size_t)set_no;
            yaml_node_t *vn = yaml_document_get_node(&y->doc, v);
            vn->start_mark = kn->start_mark;
            cur = v;
        } else {
            yaml_node_pair_t *p = yaml_document_get_node(&y->doc, cur)->data.mapping.pairs.start + at;
            if (last && *end != '[')
                p->value = new_id;
            cur = p->value;
        }
        s = end;
        while (s < eq && *s == '[') {   /* list indexes */
            char *close;
            errno = 0;
            unsigned long i = strtoul(s + 1, &close, 10);
            if (close == s + 1 || *close != ']' || errno)
                return ew_error_set(err, EW_EINVAL, "--set '%s': bad list index", assignment);
            yaml_node_t *seq = yaml_document_get_node(&y->doc, cur);
            if (seq->type != YAML_SEQUENCE_NODE)
                return ew_error_set(err, EW_EINVAL, "--set '%s': [%lu] used on a value that is not a list",
                                    assignment, i);
            long n = seq->data.sequence.items.top - seq->data.sequence.items.start;
            if (i >= (unsigned long)n)
                return ew_error_set(err, EW_EINVAL, "--set '%s': index %lu is out of range (the list has %ld item%s)",
                                    assignment, i, n, n == 1 ? "" : "s");
            s = close + 1;
            if (s == eq) {
                seq->data.sequence.items.start[i] = new_id;
                cur = new_id;
            } else {
                cur = seq->data.sequence.items.start[i];
            }
        }
        if (s < eq && *s == '.')
            s++;
        else if (s < eq)
            return ew_error_set(err, EW_EINVAL, "--set '%s': bad key path", assignment);
    }
    return EW_OK;
}

/* ---- emitting ---- */

typedef struct outbuf { char *p; size_t len, cap; } outbuf;

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
    outbuf *o = data;
    if (o->len + size + 1 > o->cap) {
        size_t cap = (o->cap ? o->cap : 1024);
        while (o->len + size + 1 > cap)
            cap *= 2;
        char *np = realloc(o->p, cap);
        if (!np)
            return 0;
        o->p = np;
        o->cap = cap;
    }
    memcpy(o->p + o->len, buffer, size);
    o->len += size;
    o->p[o->len] = '\0';
    return 1;
}

char *ew_yaml_emit(const ew_yaml *y, ew_error *err)
{
    yaml_document_t copy;
    if (!yaml_document_initialize(&copy, NULL, NULL, NULL, 1, 1)) {
        ew_error_set(err, EW_ENOMEM, "out of memory");
        return NULL;
    }
    /* the emitter consumes its document: give it a copy of what is reachable */
    yaml_document_t *src = (yaml_document_t *)&y->doc;
    if (y->has_root && yaml_document_get_root_node(src) && !copy_node(&copy, src, 1, -1)) {
        yaml_document_delete(&copy);
        ew_error_set(err, EW_ENOMEM, "out of memory");
        return NULL;
    }
    outbuf o = {0};
    yaml_emitter_t e;
    int ok = yaml_emitter_initialize(&e);
    if (ok) {
        yaml_emitter_set_output(&e, write_handler, &o);
        yaml_emitter_set_unicode(&e, 1);
        yaml_emitter_set_width(&e, 100);
        ok = yaml_emitter_open(&e) && yaml_emitter_dump(&e, &copy) && yaml_emitter_close(&e);
        yaml_emitter_delete(&e);
    } else {
        yaml_document_delete(&copy);
    }
    if (!ok || !o.p) {
        free(o.p);
        ew_error_set(err, EW_ELIB, "%s: cannot write the effective scenario as YAML", y->name);
        return NULL;
    }
    return o.p;
}

/* ---- reading mappings ---- */

const char *ew_yaml_kind(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return n->data.scalar.length == 0 && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                   ? "nothing (an empty value)" : "a value";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE:  return "a mapping";
    default:                 return "nothing";
    }
}

int ew_ymap_open(ew_ymap *m, ew_yaml *y, yaml_node_t *node, const char *path,
                 const char *const *known, ew_error *err)
{
    memset(m, 0, sizeof *m);
    m->y = y;
    m->node = node;
    snprintf(m->path, sizeof m->path, "%s", path);
    if (!node)
        return EW_OK;
    if (node->type != YAML_MAPPING_NODE)
        return ew_yaml_fail(y, node, path[0] ? path : "(top level)", err,
                            "expected a mapping of keys to values, found %s", ew_yaml_kind(node));
    yaml_node_pair_t *a = node->data.mapping.pairs.start, *top = node->data.mapping.pairs.top;
    for (yaml_node_pair_t *p = a; p < top; p++) {
        yaml_node_t *k = ew_yaml_node(y, p->key);
        if (!k || k->type != YAML_SCALAR_NODE)
            return ew_yaml_fail(y, k, path[0] ? path : "(top level)", err,
                                "keys must be plain names");
        const char *key = (const char *)k->data.scalar.value;
        char sub[256];
        ew_ymap_subpath(m, key, sub, sizeof sub);
        int i = 0;
        while (known[i] && strcmp(known[i], key) != 0)
            i++;
        if (!known[i]) {
            char list[512] = "";
            size_t len = 0;
            for (int j = 0; known[j] && len < sizeof list; j++)
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "",
                                        known[j]);
            return ew_yaml_fail(y, k, sub, err, "unknown key (known here: %s)", list);
        }
        for (yaml_node_pair_t *q = a; q < p; q++) {
            yaml_node_t *kq = ew_yaml_node(y, q->key);
            if (strcmp((const char *)kq->data.scalar.value, key) == 0)
                return ew_yaml_fail(y, k, sub, err, "duplicate key (first given at line %zu)",
                                    kq->start_mark.line + 1);
        }
    }
    return EW_OK;
}

void ew_ymap_subpath(const ew_ymap *m, const char *key, char *buf, size_t size)
{
    if (m->path[0])
        snprintf(buf, size, "%s.%s", m->path, key);
    else
        snprintf(buf, size, "%s", key);
}

yaml_node_t *ew_ymap_get(ew_ymap *m, const char *key)
{
    if (!m->node)
        return NULL;
    for (yaml_node_pair_t *p = m->node->data.mapping.pairs.start;
         p < m->node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ew_yaml_node(m->y, p->key);
        if (strcmp((char *)k->data.scalar.value, key) == 0)
            return ew_yaml_node(m->y, p->value);
    }
    return NULL;
}

static int scalar_text(ew_yaml *y, yaml_node_t *n, const char *path, const char **text,
                       ew_error *err)
{
    if (n->type != YAML_SCALAR_NODE)
        return ew_yaml_fail(y, n, path, err, "expected a single value, found %s", ew_yaml_kind(n));
    *text = (const char *)n->data.scalar.value;
    return EW_OK;
}

static void range_text(ew_range r, char *buf, size_t size)
{
    int has_lo = r.lo > -1e307, has_hi = r.hi < 1e307;
    if (has_lo && has_hi)
        snprintf(buf, size, "%s %g and %s %g", r.lo_open ? ">" : ">=", r.lo,
                 r.hi_open ? "<" : "<=", r.hi);
    else if (has_lo)
        snprintf(buf, size, "%s %g", r.lo_open ? ">" : ">=", r.lo);
    else
        snprintf(buf, size, "%s %g", r.hi_open ? "<" : "<=", r.hi);
}

int ew_yaml_quantity(ew_yaml *y, yaml_node_t *n, const char *path, ew_quantity q,
                     ew_range r, double *out, ew_error *err)
{
    const char *text = NULL;
    int rc = scalar_text(y, n, path, &text, err);
    if (rc)
        return rc;
    double v;
    if (ew_units_parse(text, q, &v))
        return ew_yaml_fail(y, n, path, err, "expected %s, got \"%s\"",
                            ew_units_expected(q), text);
    if (v < r.lo || v > r.hi || (r.lo_open && v == r.lo) || (r.hi_open && v == r.hi)) {
        char rt[128];
        range_text(r, rt, sizeof rt);
        static const char *si[] = {"s", "/s", "W", "J", ""};
        return ew_yaml_fail(y, n, path, err, "must be %s%s%s, got \"%s\"", rt,
                            si[q][0] ? " " : "", si[q], text);
    }
    *out = v;
    return EW_OK;
}

int ew_ymap_quantity(ew_ymap *m, const char *key, ew_quantity q, int required,
                     double def, ew_range r, double *out, ew_error *err)
{
    char sub[256];
    ew_ymap_subpath(m, key, sub, sizeof sub);
    yaml_node_t *n = ew_ymap_get(m, key);
    if (!n) {
        if (required)
            return ew_yaml_fail(m->y, m->node, sub, err, "missing (required: %s)",
                                ew_units_expected(q));
        *out = def;
        return EW_OK;
    }
    return ew_yaml_quantity(m->y, n, sub, q, r, out, err);
}

int ew_ymap_count(ew_ymap *m, const char *key, int required, uint64_t def,
                  uint64_t lo, uint64_t hi, uint64_t *out, ew_error *err)
{
    char sub[256];
    ew_ymap_subpath(m, key, sub, sizeof sub);
    yaml_node_t *n = ew_ymap_get(m, key);
    if (!n) {
        if (required)
            return ew_yaml_fail(m->y, m->node, sub, err, "missing (required: a whole number)");
        *out = def;
        return EW_OK;
    }
    const char *text = NULL;
    int rc = scalar_text(m->y, n, sub, &text, err);
    if (rc)
        return rc;
    double v;
    if (ew_units_parse(text, EW_Q_NUMBER, &v) || v != floor(v) || v < (double)lo ||
        v > (double)hi)
        return ew_yaml_fail(m->y, n, sub, err,
                            "expected a whole number from %llu to %llu, got \"%s\"",
                            (unsigned long long)lo, (unsigned long long)hi, text);
    *out = (uint64_t)v;
    return EW_OK;
}

int ew_ymap_string(ew_ymap *m, const char *key, int required, const char *def,
                   char *buf, size_t size, ew_error *err)
{
    char sub[256];
    ew_ymap_subpath(m, key, sub, sizeof sub);
    yaml_node_t *n = ew_ymap_get(m, key);
    const char *text = def;
    if (!n) {
        if (required)
            return ew_yaml_fail(m->y, m->node, sub, err, "missing (required: a text value)");
    } else {
        int rc = scalar_text(m->y, n, sub, &text, err);
        if (rc)
            return rc;
        if (strlen(text) >= size)
            return ew_yaml_fail(m->y, n, sub, err, "longer than %zu characters", size - 1);
    }
    snprintf(buf, size, "%s", text ? text : "");
    return EW_OK;
}

int ew_ymap_choice(ew_ymap *m, const char *key, int required, int def,
                   const char *const *names, int *out, ew_error *err)
{
    char sub[256];
    ew_ymap_subpath(m, key, sub, sizeof sub);
    yaml_node_t *n = ew_ymap_get(m, key);
    if (!n && !required) {
        *out = def;
        return EW_OK;
    }
    char known[256] = "";
    size_t len = 0;
    for (int i = 0; names[i] && len < sizeof known; i++)
        len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "", names[i]);
    if (!n)
        return ew_yaml_fail(m->y, m->node, sub, err, "missing (one of: %s)", known);
    const char *text = NULL;
    int rc = scalar_text(m->y, n, sub, &text, err);
    if (rc)
        return rc;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], text) == 0) {
            *out = i;
            return EW_OK;
        }
    return ew_yaml_fail(m->y, n, sub, err, "unknown \"%s\" (known: %s)", text, known);
}

int ew_ymap_bool(ew_ymap *m, const char *key, int def, int *out, ew_error *err)
{
    static const char *const names[] = {"false", "true", "no", "yes", NULL};
    int i;
    int rc = ew_ymap_choice(m, key, 0, def ? 1 : 0, names, &i, err);
    if (rc == EW_OK)
        *out = i & 1;
    return rc;
}
