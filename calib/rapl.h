/* rapl.h — CPU package energy from the Linux powercap tree (Intel RAPL; AMD
 * exposes the same files), for the CPU benchmarks of ew-calib.
 *
 * A package domain is a folder ROOT/intel-rapl:N (N digits, no second
 * colon: intel-rapl:N:M are its sub-domains, core, uncore, dram, which the
 * package already contains) whose `name` file starts with "package-". Other
 * top-level domains (psys, intel-rapl-mmio:N, which repeats a package) are
 * ignored so that no joule is counted twice. Each package has a counter
 * `energy_uj` [µJ] that wraps to 0 after `max_energy_range_uj`, so
 *   delta_uj = (after − before) mod (max_energy_range_uj + 1),
 * and the energy of an interval is the sum of the packages' deltas × 1e-6 J.
 * A wrap-around is only unambiguous while the interval is shorter than one
 * counter range: ew_rapl_joules refuses intervals that could hold two at
 * EW_RAPL_MAX_PACKAGE_W. Values are never guessed: a package whose counter
 * cannot be read makes the whole measurement unavailable, with the file and
 * the reason (on most kernels since 2020, energy_uj is readable by root only).
 */
#ifndef EW_CALIB_RAPL_H
#define EW_CALIB_RAPL_H

#include <stddef.h>
#include <stdint.h>

enum { EW_RAPL_MAX_PACKAGES = 64, EW_RAPL_PATH_MAX = 512 };

/* Return codes. */
enum {
    EW_RAPL_OK = 0,
    EW_RAPL_ENONE = -1,  /* no powercap tree, or no package domain in it */
    EW_RAPL_EREAD = -2,  /* a file of a package domain cannot be read or parsed */
    EW_RAPL_ERANGE = -3  /* the interval may hold more than one wrap-around */
};

/* Upper bound on one package's draw used to rule out double wrap-arounds
 * [W]; far above any server CPU of 2025 (about 500 W). */
#define EW_RAPL_MAX_PACKAGE_W 1000.0

typedef struct ew_rapl_package {
    char dir[EW_RAPL_PATH_MAX];   /* ROOT/intel-rapl:N */
    char name[64];                /* contents of its name file, e.g. "package-0" */
    int index;                    /* N */
    uint64_t max_energy_range_uj; /* the counter's largest value [µJ] */
} ew_rapl_package;

typedef struct ew_rapl {
    int n;                        /* package domains found, sorted by index */
    ew_rapl_package pkg[EW_RAPL_MAX_PACKAGES];
} ew_rapl;

typedef struct ew_rapl_snapshot {
    int n;                        /* as in the ew_rapl it was read from */
    uint64_t energy_uj[EW_RAPL_MAX_PACKAGES];
} ew_rapl_snapshot;

/* Finds the package domains under root (NULL: /sys/class/powercap), reads
 * their ranges and checks that their counters can be read. EW_RAPL_OK with
 * r->n >= 1; EW_RAPL_ENONE or EW_RAPL_EREAD with why (a message naming the
 * folder or file and the reason) filled. */
int ew_rapl_open(const char *root, ew_rapl *r, char *why, size_t why_len);

/* Reads every package's counter into s. EW_RAPL_OK, or EW_RAPL_EREAD with
 * why filled (s is then not to be used). */
int ew_rapl_read(const ew_rapl *r, ew_rapl_snapshot *s, char *why, size_t why_len);

/* (after − before) mod (max_range_uj + 1): the energy counted between two
 * readings of one counter, across at most one wrap-around [µJ]. */
uint64_t ew_rapl_delta_uj(uint64_t before, uint64_t after, uint64_t max_range_uj);

/* Joules between two snapshots of r, summed over the packages. elapsed_s is
 * the interval's length, used only to refuse one that might hold two
 * wrap-arounds (EW_RAPL_ERANGE); a counter above its range is EW_RAPL_EREAD.
 * *joules is set only on EW_RAPL_OK. */
int ew_rapl_joules(const ew_rapl *r, const ew_rapl_snapshot *before,
                   const ew_rapl_snapshot *after, double elapsed_s, double *joules,
                   char *why, size_t why_len);

#endif
