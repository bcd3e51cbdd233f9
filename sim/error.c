/* error.c — filling ew_error records (see ew.h for the contract). */
#include "ew.h"

#include <stdarg.h>
#include <stdio.h>

int ew_error_set(ew_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int ew_exit_code(int status)
{
    if (status == EW_OK)
        return 0;
    return status == EW_EINVAL ? 2 : 1;
}
