/* device.h — accelerators and CPUs (data/devices.csv) and the laws that turn
 * work into seconds and joules on them.
 *
 * The catalogue holds datasheet figures. The laws (ew_device_laws) are what
 * the inference model uses: achieved (not peak) FLOP/s per precision and
 * bytes/s, static power, energy per FLOP and per byte, the power cap and a
 * fixed overhead per step. ew_device_laws_get is the one place they come
 * from: a calibration file data/calibration/<device>.csv where one exists,
 * else the documented defaults of the device's family
 * (data/device_defaults.csv), applied to the datasheet. Each law set says
 * which in `origin`.
 */
#ifndef EW_DEVICE_H
#define EW_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "../../sim/ew.h"

typedef enum ew_precision {
    EW_PREC_FP32,
    EW_PREC_BF16,   /* fp16 and bf16: same rates and bytes */
    EW_PREC_FP8,
    EW_PREC_INT8,
    EW_PREC_INT4,   /* weights only; arithmetic at the activation precision */
    EW_PREC_COUNT
} ew_precision;

/* "fp32", "bf16", "fp8", "int8", "int4" (and "fp16" parses as bf16). */
const char *ew_precision_name(ew_precision p);
int ew_precision_parse(const char *s, ew_precision *out);   /* 0 or -1 */
/* Bytes per weight: 4, 2, 1, 1, 0.5. */
double ew_precision_bytes(ew_precision p);

typedef struct ew_device {
    char name[48];              /* catalogue key, e.g. "h100-sxm" */
    char label[96];             /* "NVIDIA H100 SXM5 80GB" */
    char kind[8];               /* "gpu" or "cpu" */
    char segment[16];           /* datacenter, consumer, laptop, desktop */
    char family[32];            /* key into data/device_defaults.csv */
    int launch_year;            /* 0 if unknown */
    double tdp_w;               /* board or package power limit [W] */
    double idle_w;              /* draw at rest [W] */
    int idle_estimated;         /* 1: idle_w is a documented estimate, not measured */
    double mem_bytes;           /* device memory (CPU: usable RAM assumed) [B] */
    double mem_bw_bytes_per_s;  /* peak memory bandwidth [B/s] */
    double peak_flops[EW_PREC_COUNT];   /* dense peak [FLOP/s]; 0: not supported */
    double link_bytes_per_s;    /* per-direction link for tensor parallelism [B/s] */
    double price_usd;           /* 0 if unknown */
    double embodied_kgco2e;     /* manufacturing carbon of the card or module [kgCO2e]; 0 if unknown */
    double lifetime_y;          /* service life its embodied carbon is amortised over [years];
                                   0 if unknown */
} ew_device;

typedef struct ew_device_catalog ew_device_catalog;   /* opaque */

/* Loads data/devices.csv (libcsv). Errors name file, line and column. The
 * lifetime_y column is optional (absent: every lifetime_y is 0). */
int ew_device_catalog_load(const char *path, ew_device_catalog **out, ew_error *err);
void ew_device_catalog_free(ew_device_catalog *c);
size_t ew_device_catalog_count(const ew_device_catalog *c);
const ew_device *ew_device_catalog_at(const ew_device_catalog *c, size_t i);
const ew_device *ew_device_find(const ew_device_catalog *c, const char *name);

typedef struct ew_device_laws {
    double flops_per_s[EW_PREC_COUNT];  /* achieved on large matrix products [FLOP/s] */
    double bytes_per_s;                 /* achieved streaming bandwidth [B/s] */
    double static_w;                    /* draw while running, before dynamic energy [W] */
    double idle_w;                      /* draw at rest [W] */
    double j_per_flop[EW_PREC_COUNT];   /* dynamic energy per FLOP [J] */
    double j_per_byte;                  /* dynamic energy per byte from memory [J] */
    double power_cap_w;                 /* the device slows down instead of exceeding it [W] */
    double step_overhead_s;             /* fixed time per forward step (launches, sync) [s] */
    double link_bytes_per_s;            /* achieved tensor-parallel link bandwidth [B/s] */
    double link_latency_s;              /* per all-reduce [s] */
    char origin[256];                   /* "datasheet defaults (family X, data/device_defaults.csv)"
                                           or "calibration data/calibration/NAME.csv" */
} ew_device_laws;

/* The laws for device d: from <data_dir>/calibration/<name>.csv when it
 * exists, else the family defaults in <data_dir>/device_defaults.csv
 * applied to the datasheet. */
int ew_device_laws_get(const ew_device *d, const char *data_dir, ew_device_laws *out,
                       ew_error *err);

#endif
