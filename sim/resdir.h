/* resdir.h — a results folder that appears whole or not at all. Files are
 * written into a hidden temporary folder beside the final one
 * (".NAME.tmp.PID"), which replaces the final folder by rename(2) only once
 * everything is written; on failure the temporary folder is removed.
 */
#ifndef EW_RESDIR_H
#define EW_RESDIR_H

#include <stddef.h>

#include "ew.h"

typedef struct ew_resdir {
    char final[4096];   /* where the results will be */
    char tmp[4096];     /* where they are being written */
} ew_resdir;

/* Creates the parent folders of `final` and the temporary folder. Errors
 * (EW_EIO) name the folder and the reason, e.g. "Permission denied". */
int ew_resdir_begin(ew_resdir *d, const char *final, ew_error *err);
/* buf = "<tmp>/<name>". */
void ew_resdir_file(const ew_resdir *d, const char *name, char *buf, size_t size);
/* Moves the temporary folder into place, replacing an older one. */
int ew_resdir_commit(ew_resdir *d, ew_error *err);
/* Removes the temporary folder and everything in it. */
void ew_resdir_abort(ew_resdir *d);

#endif
