/* grid.h — the electricity grid behind each region: yearly and hour-of-day
 * carbon intensity, prices and the water consumed to generate a kWh
 * (data/grid/: zones.csv, profiles.csv, prices.csv, water.csv).
 *
 * A zone's intensity is piecewise constant in local standard time: the value
 * for local hour h holds from h:00 to h+1:00, where local hour = floor(t/3600
 * + utc_offset_h) mod 24 and t = 0 is 00:00 UTC of the simulated day. The
 * pieces therefore change at the t where t/3600 + utc_offset_h is an integer
 * (on the half hour in UTC for India, UTC+5.5). The energy-weighted carbon
 * of a constant load over [t0, t1] is its energy times
 *   mean = (1 / (t1 - t0)) ∫ I(t) dt,
 * which ew_grid_carbon_mean evaluates exactly. Units: gCO2e/kWh, USD/kWh,
 * L/kWh, hours for offsets, seconds for t.
 *
 * Profiles (profiles.csv, 24 rows per zone and month): month 1..12 gives a
 * month's average day, month 0 the all-year average day. Month 0 absent but
 * some months given: month 0 is the hour-by-hour mean of the given months.
 * Months without rows use month 0. A profile gives the shape and
 * zones.csv the level: every month is scaled by one factor so that the
 * all-year day averages the zone's yearly figure (profiles and yearly
 * figures come from different sources and years). A zone without rows is
 * flat at its yearly average in every month, and has_profile is 0.
 */
#ifndef EW_GRID_H
#define EW_GRID_H

#include <stddef.h>

#include "../../sim/ew.h"

#define EW_GRID_MONTHS 13                 /* 0: all-year average day, 1..12: months */

typedef struct ew_grid_zone {
    char zone[16];                        /* Electricity Maps zone key, e.g. "DE", "US-CAL-CISO" */
    char name[64];
    double utc_offset_h;                  /* local standard time - UTC [h] */
    double carbon_g_per_kwh;              /* yearly average [gCO2e/kWh] */
    double carbon_hourly[EW_GRID_MONTHS][24];  /* [month][local hour] [gCO2e/kWh]; flat at the yearly average where no profile */
    int has_profile;                      /* 1 if profiles.csv gave one */
    double price_residential_usd_per_kwh, price_industrial_usd_per_kwh;   /* NAN if unknown */
    double water_l_per_kwh;               /* off-site, per kWh generated [L/kWh] */
} ew_grid_zone;

typedef struct ew_grid ew_grid;           /* opaque */

/* Reads dir/zones.csv, dir/profiles.csv, dir/prices.csv and dir/water.csv
 * (the header is each file's first record; '#' lines are comments) and
 * fills *out, which the caller frees with ew_grid_free.
 *
 * Errors: EW_EIO naming a file that cannot be read; EW_EINVAL with
 * "file:line:col: column: expected ..., got ..." for a missing column, an
 * empty source, a duplicate zone, an offset outside [-12, 14] h, a negative
 * figure, a profile row for a zone not in zones.csv, a duplicate (zone,
 * month, hour), a month outside 0..12 or an hour outside 0..23 (or not an
 * integer), a (zone, month) without all 24 hours, a price or water row for
 * an unknown zone or given twice, and a zone of zones.csv without a row in
 * prices.csv or water.csv; EW_ENOMEM. On failure *out is NULL. */
int ew_grid_load(const char *dir, ew_grid **out, ew_error *err);

/* Frees g; ew_grid_free(NULL) is a no-op. */
void ew_grid_free(ew_grid *g);

/* Number of zones, in the order of zones.csv. */
size_t ew_grid_count(const ew_grid *g);

/* Zone i (0 <= i < count), or NULL. Owned by g. */
const ew_grid_zone *ew_grid_at(const ew_grid *g, size_t i);

/* Index of the zone with this key, or -1. */
int ew_grid_find(const ew_grid *g, const char *zone);

/* Intensity [gCO2e/kWh] at simulated time t_s, where t_s = 0 is 00:00 UTC of the simulated day
   (the hour used is floor of local time = t/3600 + utc_offset_h, mod 24); month 0..12
   (a month outside 0..12 reads as 0). */
double ew_grid_carbon_at(const ew_grid_zone *z, int month, double t_s);

/* Mean intensity over [t0_s, t1_s] [gCO2e/kWh], exact for a piecewise-constant hourly profile
   (integral over the interval / its length; t1 == t0 gives the value at t0; t1 < t0 gives the
   mean over [t1_s, t0_s]); the interval may span midnight and any number of days. */
double ew_grid_carbon_mean(const ew_grid_zone *z, int month, double t0_s, double t1_s);

#endif
