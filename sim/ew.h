/* ew.h — what every part of edgewatt shares: version, status codes and the
 * error record that fallible functions fill instead of printing.
 *
 * Contract: a function that can fail returns EW_OK (0) or a negative EW_E*
 * code and, on failure, fills the ew_error it was given (if not NULL). Only
 * main() prints and chooses the exit code: EW_EINVAL (bad input) exits 2,
 * every other failure exits 1.
 */
#ifndef EW_H
#define EW_H

#include <stddef.h>

#ifndef EW_VERSION
#define EW_VERSION "0.1.0"
#endif

enum ew_status {
    EW_OK = 0,
    EW_EINVAL = -1,   /* bad input: scenario, option or data file */
    EW_EIO = -2,      /* file system: cannot read, write or rename */
    EW_ENOMEM = -3,   /* allocation failed */
    EW_ELIB = -4      /* a library (HDF5, GSL, libyaml) reported a failure */
};

typedef struct ew_error {
    int code;          /* one of enum ew_status */
    char msg[1024];    /* "file:line:col: key.path: what was expected, got what" */
} ew_error;

/* Fills err (if not NULL) with code and a printf-style message; returns code. */
int ew_error_set(ew_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Exit code for a status: 0 for EW_OK, 2 for EW_EINVAL, 1 otherwise. */
int ew_exit_code(int status);

#endif
