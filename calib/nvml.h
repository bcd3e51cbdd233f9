/* nvml.h — the NVIDIA driver's management library (NVML), loaded at run
 * time with dlopen so that ew-calib starts, and says why it cannot measure,
 * on a machine without the driver. Library name: libnvidia-ml.so.1, or the
 * environment variable EW_NVML_LIB.
 *
 * Energy of an interval [J]: the difference of the device's total-energy
 * counter (nvmlDeviceGetTotalEnergyConsumption, mJ since the driver was
 * loaded; Volta and later), source "nvml_energy". The counter moves in steps
 * (its update period is measured at open); so that a step does not cut the
 * start of the work, ew_nvml_meter_start waits for a step and the work is
 * launched right after it, and ew_nvml_meter_stop waits for the next step
 * after the work: the window then holds all of the work plus at most one
 * period of what follows it. Where the counter is missing, the power
 * (nvmlDeviceGetPowerUsage, mW; on Ampere and later a one-second average)
 * is sampled every EW_NVML_SAMPLE_S by a thread and integrated by the
 * trapezoid rule, source "nvml_power_sampling": a labelled fallback, less
 * exact. No NVML header is needed: the few types and constants used are
 * declared in nvml.c from NVML's documented ABI.
 */
#ifndef EW_CALIB_NVML_H
#define EW_CALIB_NVML_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EW_NVML_SAMPLE_S 0.005 /* power sampling period of the fallback [s] */

typedef struct ew_nvml ew_nvml; /* the library, and one device once opened */

/* What the device says at one moment; NAN where the driver does not say. */
typedef struct ew_nvml_state {
    double sm_mhz, mem_mhz;     /* current SM and memory clocks [MHz] */
    double temp_c;              /* GPU die temperature [°C] */
    double power_limit_w;       /* enforced power limit [W] */
} ew_nvml_state;

/* The energy of one metered window. */
typedef struct ew_nvml_energy {
    double joules;              /* [J] */
    double window_s;            /* host time between the two readings [s] */
    const char *source;         /* "nvml_energy" or "nvml_power_sampling" (static) */
    int aligned;                /* 1 if both ends were aligned to a counter step */
} ew_nvml_energy;

/* Loads NVML (EW_NVML_LIB or libnvidia-ml.so.1) and initialises it.
 * 0 with *out set (free with ew_nvml_close), or -1 with why filled (names
 * NVML, the library and dlerror or the NVML error). */
int ew_nvml_open(ew_nvml **out, char *why, size_t why_len);

/* Shuts NVML down and unloads it; NULL is a no-op. */
void ew_nvml_close(ew_nvml *n);

/* Selects the device: by PCI bus id (as cudaDeviceGetPCIBusId writes it,
 * so that the CUDA and NVML numberings cannot disagree) when pci_bus_id is
 * not NULL and NVML knows it, else by index. Reads its name and the driver
 * version, and finds which energy source works (the counter, else power
 * sampling). 0, or -1 with why filled (no such device, or neither energy
 * nor power can be read). */
int ew_nvml_device_open(ew_nvml *n, const char *pci_bus_id, unsigned index, char *why,
                        size_t why_len);

const char *ew_nvml_library(const ew_nvml *n);   /* the file name loaded */
const char *ew_nvml_name(const ew_nvml *n);      /* device name, "" before device_open */
const char *ew_nvml_driver(const ew_nvml *n);    /* driver version, "" if unknown */
const char *ew_nvml_source(const ew_nvml *n);    /* energy source of the meter */

/* Update period of the energy counter, measured in device_open over a few
 * steps of an idle device [s]; NAN if there is no counter or it did not
 * move in 2 s. */
double ew_nvml_counter_period_s(const ew_nvml *n);

void ew_nvml_state_read(const ew_nvml *n, ew_nvml_state *s);

/* Starts a metered window (waits for a counter step, at most 0.3 s).
 * 0, or -1 with why filled. */
int ew_nvml_meter_start(ew_nvml *n, char *why, size_t why_len);

/* Ends it (waits for the next counter step, at most 0.3 s) and fills *e.
 * 0, or -1 with why filled (a reading failed: the window is unmeasured). */
int ew_nvml_meter_stop(ew_nvml *n, ew_nvml_energy *e, char *why, size_t why_len);

#ifdef __cplusplus
}
#endif

#endif
