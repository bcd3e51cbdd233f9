/* precision.c — number formats of weights and arithmetic (see device.h).
 *
 * Bytes per weight: fp32 4, bf16/fp16 2, fp8 1, int8 1, int4 0.5 (two
 * weights per byte; quantisation scales are not counted).
 */
#include "device.h"

#include <string.h>

static const char *const names[EW_PREC_COUNT] = {"fp32", "bf16", "fp8", "int8", "int4"};
static const double bytes[EW_PREC_COUNT] = {4.0, 2.0, 1.0, 1.0, 0.5};

const char *ew_precision_name(ew_precision p)
{
    return (unsigned)p < EW_PREC_COUNT ? names[p] : "unknown";
}

int ew_precision_parse(const char *s, ew_precision *out)
{
    if (!s)
        return -1;
    if (strcmp(s, "fp16") == 0) {
        *out = EW_PREC_BF16;
        return 0;
    }
    for (int i = 0; i < EW_PREC_COUNT; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (ew_precision)i;
            return 0;
        }
    return -1;
}

double ew_precision_bytes(ew_precision p)
{
    return (unsigned)p < EW_PREC_COUNT ? bytes[p] : 0.0;
}
