/* nvml.c — NVML through dlopen, and the energy meter of a GPU window (see
 * nvml.h for the method). The types and constants below are NVML's public
 * ABI (nvml.h of the CUDA toolkit): return codes are ints, 0 is success; a
 * device is an opaque pointer; clock type 1 = SM, 2 = memory; temperature
 * sensor 0 = the GPU die; energy in mJ, power and power limits in mW.
 */
#include "nvml.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;
enum { NVML_SUCCESS = 0 };
enum { NVML_CLOCK_SM = 1, NVML_CLOCK_MEM = 2 };
enum { NVML_TEMPERATURE_GPU = 0 };
enum { NAME_LEN = 96, DRIVER_LEN = 80 }; /* NVML's *_V2_BUFFER_SIZE values */

typedef nvmlReturn_t (*fn_void)(void);
typedef const char *(*fn_errstr)(nvmlReturn_t);
typedef nvmlReturn_t (*fn_by_index)(unsigned, nvmlDevice_t *);
typedef nvmlReturn_t (*fn_by_pci)(const char *, nvmlDevice_t *);
typedef nvmlReturn_t (*fn_dev_str)(nvmlDevice_t, char *, unsigned);
typedef nvmlReturn_t (*fn_sys_str)(char *, unsigned);
typedef nvmlReturn_t (*fn_dev_ull)(nvmlDevice_t, unsigned long long *);
typedef nvmlReturn_t (*fn_dev_uint)(nvmlDevice_t, unsigned *);
typedef nvmlReturn_t (*fn_dev_enum_uint)(nvmlDevice_t, int, unsigned *);

enum { SRC_NONE, SRC_ENERGY, SRC_POWER };

struct ew_nvml {
    void *lib;
    char lib_name[256];
    int initialised;
    fn_void shutdown;
    fn_errstr error_string;
    fn_by_index by_index;
    fn_by_pci by_pci;
    fn_dev_str get_name;
    fn_sys_str get_driver;
    fn_dev_ull get_energy;
    fn_dev_uint get_power, get_power_limit;
    fn_dev_enum_uint get_clock, get_temperature;

    nvmlDevice_t dev;
    char name[NAME_LEN], driver[DRIVER_LEN];
    int source;
    double counter_period_s;

    /* the open window */
    unsigned long long e_start_mj;
    double t_start_s;
    int start_aligned;
    /* power sampling (fallback) */
    pthread_t sampler;
    int sampler_running;
    atomic_int sampler_stop;
    double s_joules, s_t_last, s_w_last;
    int s_failed;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *err_text(const ew_nvml *n, nvmlReturn_t r)
{
    static char buf[32];
    if (n->error_string) {
        const char *s = n->error_string(r);
        if (s)
            return s;
    }
    snprintf(buf, sizeof buf, "NVML error %d", r);
    return buf;
}

static void *sym(void *lib, const char *name)
{
    dlerror();
    return dlsym(lib, name);
}

int ew_nvml_open(ew_nvml **out, char *why, size_t why_len)
{
    *out = NULL;
    const char *lib = getenv("EW_NVML_LIB");
    if (!lib || !lib[0])
        lib = "libnvidia-ml.so.1";
    ew_nvml *n = calloc(1, sizeof *n);
    if (!n) {
        snprintf(why, why_len, "NVML: out of memory");
        return -1;
    }
    snprintf(n->lib_name, sizeof n->lib_name, "%s", lib);
    n->counter_period_s = NAN;
    dlerror();
    n->lib = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!n->lib) {
        const char *e = dlerror();
        snprintf(why, why_len,
                 "NVML: cannot load %s (%s): no NVIDIA driver here, so GPU energy cannot be "
                 "measured",
                 lib, e ? e : "unknown reason");
        free(n);
        return -1;
    }
    fn_void init = (fn_void)sym(n->lib, "nvmlInit_v2");
    n->shutdown = (fn_void)sym(n->lib, "nvmlShutdown");
    n->error_string = (fn_errstr)sym(n->lib, "nvmlErrorString");
    n->by_index = (fn_by_index)sym(n->lib, "nvmlDeviceGetHandleByIndex_v2");
    n->by_pci = (fn_by_pci)sym(n->lib, "nvmlDeviceGetHandleByPciBusId_v2");
    n->get_name = (fn_dev_str)sym(n->lib, "nvmlDeviceGetName");
    n->get_driver = (fn_sys_str)sym(n->lib, "nvmlSystemGetDriverVersion");
    n->get_energy = (fn_dev_ull)sym(n->lib, "nvmlDeviceGetTotalEnergyConsumption");
    n->get_power = (fn_dev_uint)sym(n->lib, "nvmlDeviceGetPowerUsage");
    n->get_power_limit = (fn_dev_uint)sym(n->lib, "nvmlDeviceGetEnforcedPowerLimit");
    n->get_clock = (fn_dev_enum_uint)sym(n->lib, "nvmlDeviceGetClockInfo");
    n->get_temperature = (fn_dev_enum_uint)sym(n->lib, "nvmlDeviceGetTemperature");
    const char *missing = !init ? "nvmlInit_v2"
                          : !n->shutdown ? "nvmlShutdown"
                          : !n->by_index ? "nvmlDeviceGetHandleByIndex_v2"
                                         : NULL;
    if (missing) {
        snprintf(why, why_len, "NVML: %s has no %s (not NVML, or too old)", lib, missing);
        ew_nvml_close(n);
        return -1;
    }
    nvmlReturn_t r = init();
    if (r != NVML_SUCCESS) {
        snprintf(why, why_len, "NVML: nvmlInit_v2 failed: %s (is the NVIDIA driver loaded?)",
                 err_text(n, r));
        ew_nvml_close(n);
        return -1;
    }
    n->initialised = 1;
    *out = n;
    return 0;
}

void ew_nvml_close(ew_nvml *n)
{
    if (!n)
        return;
    if (n->sampler_running) {
        atomic_store(&n->sampler_stop, 1);
        pthread_join(n->sampler, NULL);
    }
    if (n->initialised && n->shutdown)
        n->shutdown();
    if (n->lib)
        dlclose(n->lib);
    free(n);
}

static int read_energy(const ew_nvml *n, unsigned long long *mj)
{
    return n->get_energy(n->dev, mj) == NVML_SUCCESS ? 0 : -1;
}

/* Waits up to timeout_s for the counter to leave `from`; *e and *t are the
 * last reading and its time. 1 if it moved, 0 on timeout, -1 on a failed
 * reading. */
static int wait_step(const ew_nvml *n, unsigned long long from, double timeout_s,
                     unsigned long long *e, double *t)
{
    double t0 = now_s();
    for (;;) {
        if (read_energy(n, e))
            return -1;
        *t = now_s();
        if (*e != from)
            return 1;
        if (*t - t0 > timeout_s)
            return 0;
    }
}

static void measure_period(ew_nvml *n)
{
    unsigned long long e, e2;
    double t, t_first;
    if (read_energy(n, &e) || wait_step(n, e, 1.0, &e2, &t_first) != 1)
        return;
    enum { STEPS = 5 };
    for (int i = 0; i < STEPS; i++) {
        e = e2;
        if (wait_step(n, e, 1.0, &e2, &t) != 1)
            return;
    }
    n->counter_period_s = (t - t_first) / STEPS;
}

int ew_nvml_device_open(ew_nvml *n, const char *pci_bus_id, unsigned index, char *why,
                        size_t why_len)
{
    nvmlReturn_t r = 1;
    if (pci_bus_id && n->by_pci)
        r = n->by_pci(pci_bus_id, &n->dev);
    if (r != NVML_SUCCESS) {
        r = n->by_index(index, &n->dev);
        if (r != NVML_SUCCESS) {
            snprintf(why, why_len, "NVML: no device %u%s%s: %s", index,
                     pci_bus_id ? " at PCI " : "", pci_bus_id ? pci_bus_id : "",
                     err_text(n, r));
            return -1;
        }
    }
    if (!n->get_name || n->get_name(n->dev, n->name, NAME_LEN) != NVML_SUCCESS)
        snprintf(n->name, sizeof n->name, "NVIDIA GPU %u", index);
    if (!n->get_driver || n->get_driver(n->driver, DRIVER_LEN) != NVML_SUCCESS)
        n->driver[0] = '\0';
    unsigned long long e;
    unsigned mw;
    if (n->get_energy && read_energy(n, &e) == 0) {
        n->source = SRC_ENERGY;
        measure_period(n);
    } else if (n->get_power && n->get_power(n->dev, &mw) == NVML_SUCCESS) {
        n->source = SRC_POWER;
    } else {
        snprintf(why, why_len,
                 "NVML: %s gives neither its energy counter nor its power draw, so its "
                 "energy cannot be measured",
                 n->name);
        return -1;
    }
    return 0;
}

const char *ew_nvml_library(const ew_nvml *n) { return n->lib_name; }
const char *ew_nvml_name(const ew_nvml *n) { return n->name; }
const char *ew_nvml_driver(const ew_nvml *n) { return n->driver; }
double ew_nvml_counter_period_s(const ew_nvml *n) { return n->counter_period_s; }

const char *ew_nvml_source(const ew_nvml *n)
{
    return n->source == SRC_ENERGY  ? "nvml_energy"
           : n->source == SRC_POWER ? "nvml_power_sampling"
                                    : "unmeasured";
}

void ew_nvml_state_read(const ew_nvml *n, ew_nvml_state *s)
{
    unsigned v;
    s->sm_mhz = s->mem_mhz = s->temp_c = s->power_limit_w = NAN;
    if (n->get_clock && n->get_clock(n->dev, NVML_CLOCK_SM, &v) == NVML_SUCCESS)
        s->sm_mhz = v;
    if (n->get_clock && n->get_clock(n->dev, NVML_CLOCK_MEM, &v) == NVML_SUCCESS)
        s->mem_mhz = v;
    if (n->get_temperature &&
        n->get_temperature(n->dev, NVML_TEMPERATURE_GPU, &v) == NVML_SUCCESS)
        s->temp_c = v;
    if (n->get_power_limit && n->get_power_limit(n->dev, &v) == NVML_SUCCESS)
        s->power_limit_w = v * 1e-3;
}

/* One power sample folded into the trapezoid sum; 0 or -1. */
static int sample(ew_nvml *n)
{
    unsigned mw;
    if (n->get_power(n->dev, &mw) != NVML_SUCCESS)
        return -1;
    double t = now_s(), w = mw * 1e-3;
    n->s_joules += 0.5 * (w + n->s_w_last) * (t - n->s_t_last);
    n->s_t_last = t;
    n->s_w_last = w;
    return 0;
}

static void *sampler_main(void *arg)
{
    ew_nvml *n = arg;
    struct timespec ts = {0, (long)(EW_NVML_SAMPLE_S * 1e9)};
    while (!atomic_load(&n->sampler_stop)) {
        nanosleep(&ts, NULL);
        if (sample(n)) {
            n->s_failed = 1;
            break;
        }
    }
    return NULL;
}

int ew_nvml_meter_start(ew_nvml *n, char *why, size_t why_len)
{
    if (n->source == SRC_ENERGY) {
        unsigned long long e0;
        if (read_energy(n, &e0) == 0) {
            int moved = wait_step(n, e0, 0.3, &n->e_start_mj, &n->t_start_s);
            if (moved >= 0) {
                n->start_aligned = moved;
                return 0;
            }
        }
        snprintf(why, why_len, "NVML: nvmlDeviceGetTotalEnergyConsumption failed on %s",
                 n->name);
        return -1;
    }
    if (n->source == SRC_POWER) {
        unsigned mw;
        if (n->get_power(n->dev, &mw) != NVML_SUCCESS) {
            snprintf(why, why_len, "NVML: nvmlDeviceGetPowerUsage failed on %s", n->name);
            return -1;
        }
        n->s_joules = 0.0;
        n->s_failed = 0;
        n->s_w_last = mw * 1e-3;
        n->s_t_last = n->t_start_s = now_s();
        atomic_store(&n->sampler_stop, 0);
        if (pthread_create(&n->sampler, NULL, sampler_main, n) != 0) {
            snprintf(why, why_len, "cannot start the power sampling thread");
            return -1;
        }
        n->sampler_running = 1;
        return 0;
    }
    snprintf(why, why_len, "NVML: no device opened");
    return -1;
}

int ew_nvml_meter_stop(ew_nvml *n, ew_nvml_energy *e, char *why, size_t why_len)
{
    if (n->source == SRC_ENERGY) {
        unsigned long long e1, e2;
        double t;
        int moved = -1;
        if (read_energy(n, &e1) == 0)
            moved = wait_step(n, e1, 0.3, &e2, &t);
        if (moved < 0 || e2 < n->e_start_mj) {
            snprintf(why, why_len,
                     moved < 0 ? "NVML: nvmlDeviceGetTotalEnergyConsumption failed on %s"
                               : "NVML: the energy counter of %s went backwards",
                     n->name);
            return -1;
        }
        e->joules = (double)(e2 - n->e_start_mj) * 1e-3;
        e->window_s = t - n->t_start_s;
        e->source = "nvml_energy";
        e->aligned = n->start_aligned && moved;
        return 0;
    }
    if (n->source == SRC_POWER && n->sampler_running) {
        atomic_store(&n->sampler_stop, 1);
        pthread_join(n->sampler, NULL);
        n->sampler_running = 0;
        if (n->s_failed || sample(n)) {
            snprintf(why, why_len, "NVML: nvmlDeviceGetPowerUsage failed on %s", n->name);
            return -1;
        }
        e->joules = n->s_joules;
        e->window_s = n->s_t_last - n->t_start_s;
        e->source = "nvml_power_sampling";
        e->aligned = 0;
        return 0;
    }
    snprintf(why, why_len, "NVML: no metered window open");
    return -1;
}
