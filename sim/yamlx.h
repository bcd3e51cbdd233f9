/* yamlx.h — scenario documents: libyaml's document API plus what a strict
 * scenario reader needs: every value knows its file, line and column; every
 * mapping remembers which keys were read, so unknown keys are refused with the
 * list of known ones; command-line overrides (--set a.b[0].c=value) are grafted
 * into the document before it is read, and the effective document (after the
 * overrides) can be written back out as YAML text.
 */
#ifndef EW_YAMLX_H
#define EW_YAMLX_H

#include <stdint.h>
#include <yaml.h>

#include "ew.h"
#include "units.h"

typedef struct ew_yaml ew_yaml;   /* opaque: a loaded document */

/* Loads a file (or a string with a display name). On success *out owns the
 * document; free with ew_yaml_free. Syntax errors name file, line and column. */
int ew_yaml_load_file(const char *path, ew_yaml **out, ew_error *err);
int ew_yaml_load_string(const char *name, const char *text, ew_yaml **out,
                        ew_error *err);
void ew_yaml_free(ew_yaml *y);

/* Source text as read (owned by y). */
const char *ew_yaml_source(const ew_yaml *y);

/* Applies "key.path=value" (value parsed as YAML: a scalar, or a flow list or
 * mapping). Intermediate mappings are created; list indexes must exist.
 * Errors are EW_EINVAL and name the option. */
int ew_yaml_set(ew_yaml *y, const char *assignment, ew_error *err);

/* Emits the current document (after overrides) as YAML; caller frees. */
char *ew_yaml_emit(const ew_yaml *y, ew_error *err);

/* Root node, or NULL for an empty document. */
yaml_node_t *ew_yaml_root(ew_yaml *y);
yaml_node_t *ew_yaml_node(ew_yaml *y, int id);

/* "a value", "a list", "a mapping" or "nothing (an empty value)", for messages. */
const char *ew_yaml_kind(const yaml_node_t *n);

/* "file:line:col" of a node, or "--set 'expr'" for a value from an override. */
void ew_yaml_where(const ew_yaml *y, const yaml_node_t *n, char *buf, size_t size);

/* Reports an error about node n at key path `path`: "where: path: msg". */
int ew_yaml_fail(const ew_yaml *y, const yaml_node_t *n, const char *path,
                 ew_error *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* A mapping being read, with the keys it may hold. */
typedef struct ew_ymap {
    ew_yaml *y;
    yaml_node_t *node;
    char path[192];                           /* "sites[2].power" */
} ew_ymap;

/* Opens node as a mapping at path whose keys must be among `known`
 * (NULL-terminated). Refuses, naming the key and listing the known ones, a
 * key not among them (before anything else, so a misspelt key is reported
 * as such and not as a missing one), a duplicate key, or a node that is not
 * a mapping. A NULL node opens an empty mapping (every key absent). */
int ew_ymap_open(ew_ymap *m, ew_yaml *y, yaml_node_t *node, const char *path,
                 const char *const *known, ew_error *err);

/* The value node for key, or NULL if absent. */
yaml_node_t *ew_ymap_get(ew_ymap *m, const char *key);
/* Sub-path text "path.key" into buf. */
void ew_ymap_subpath(const ew_ymap *m, const char *key, char *buf, size_t size);

/* Allowed interval for a number; lo_open/hi_open make a bound strict. */
typedef struct ew_range { double lo, hi; int lo_open, hi_open; } ew_range;
#define EW_ANY      ((ew_range){-1e308, 1e308, 0, 0})
#define EW_NONNEG   ((ew_range){0, 1e308, 0, 0})
#define EW_POSITIVE ((ew_range){0, 1e308, 1, 0})

/* Typed reads. `required` nonzero: absence is an error; otherwise *out = def.
 * Return EW_OK, or EW_EINVAL with a message naming file, line, key path. */
int ew_ymap_quantity(ew_ymap *m, const char *key, ew_quantity q, int required,
                     double def, ew_range r, double *out, ew_error *err);
int ew_ymap_count(ew_ymap *m, const char *key, int required, uint64_t def,
                  uint64_t lo, uint64_t hi, uint64_t *out, ew_error *err);
int ew_ymap_string(ew_ymap *m, const char *key, int required, const char *def,
                   char *buf, size_t size, ew_error *err);
/* names is NULL-terminated; *out is the index of the match. */
int ew_ymap_choice(ew_ymap *m, const char *key, int required, int def,
                   const char *const *names, int *out, ew_error *err);
int ew_ymap_bool(ew_ymap *m, const char *key, int def, int *out, ew_error *err);

/* Checks a node is a scalar and parses it as quantity q in range r. */
int ew_yaml_quantity(ew_yaml *y, yaml_node_t *n, const char *path, ew_quantity q,
                     ew_range r, double *out, ew_error *err);

#endif
