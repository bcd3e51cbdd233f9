/* network.h — where things are and what it costs to reach them: regions
 * (data/regions.csv), round-trip times, transfer times and the energy of
 * moving bytes (data/network.csv, data/network_rtt.csv).
 *
 * Round-trip time between regions a and b, for a client on access type x
 * and a server on access type y:
 *   RTT = core(a, b) + last_mile(x) + last_mile(y)
 * where core(a, b), the round trip between the two regions' networks, is
 *   measured(a, b) − 2 · last_mile(datacentre)   for a pair listed in the
 *       measured table (data/network_rtt.csv: server-to-server round trips
 *       between data centres, which already include both data centres' own
 *       networks, so two data-centre endpoints get the measurement itself);
 *   fit(d(a, b)) − 2 · last_mile(datacentre)      for another pair of distinct
 *       regions when the table is loaded: fit the least-squares line of the
 *       table's round trips against distance (ew_rtt_fit), so that listed
 *       and unlisted pairs are measured alike;
 *   2 · d(a, b) / v_fibre · route_factor          without a table,
 *   0                                             between a region and itself,
 * with d the great-circle distance (haversine, mean Earth radius 6371.0088
 * km), v_fibre the speed of light in fibre (about 200,000 km/s) and
 * route_factor the ratio of cable route to great circle. Transfer time of
 * B bytes on access x: B / bandwidth(x). Energy: B · J per byte (network
 * electricity intensity, kWh/GB, from data/network.csv).
 */
#ifndef EW_NETWORK_H
#define EW_NETWORK_H

#include <stddef.h>

#include "../../sim/ew.h"

typedef enum ew_access {
    EW_ACCESS_FIBRE,
    EW_ACCESS_CABLE,
    EW_ACCESS_DSL,
    EW_ACCESS_MOBILE,
    EW_ACCESS_DATACENTRE,
    EW_ACCESS_COUNT
} ew_access;

/* "fibre", "cable", "dsl", "mobile", "datacentre"; NULL-terminated. */
extern const char *const ew_access_names[];

typedef struct ew_region {
    char code[16];           /* e.g. "de", "us-east" */
    char name[64];
    double lat_deg, lon_deg; /* a representative point (largest city or centroid) */
    char grid_zone[16];      /* key into the grid data (carbon intensity, prices) */
} ew_region;

typedef struct ew_region_catalog ew_region_catalog;   /* opaque */

int ew_region_catalog_load(const char *path, ew_region_catalog **out, ew_error *err);
void ew_region_catalog_free(ew_region_catalog *c);
size_t ew_region_catalog_count(const ew_region_catalog *c);
const ew_region *ew_region_catalog_at(const ew_region_catalog *c, size_t i);
/* Index of the region with this code, or -1. */
int ew_region_find(const ew_region_catalog *c, const char *code);

/* Measured round trips between pairs of regions (data/network_rtt.csv). */
typedef struct ew_rtt_table ew_rtt_table;   /* opaque */

/* Loads data/network_rtt.csv (rows: region_a,region_b,rtt_ms,source,note;
 * '#' comment lines), checking every code against `regions`. Refuses with
 * EW_EINVAL and "file:line:col: column: expected ..., got ..." a code that is
 * not in `regions`, a region paired with itself, a pair listed twice (in
 * either order), a round trip that is not a number > 0 ms, a row without a
 * source, a missing column and a file without rows; EW_EIO if the file
 * cannot be opened; EW_ENOMEM. *out is NULL on failure; the caller owns it
 * (ew_rtt_table_free). The table keeps region codes, not pointers, so it
 * outlives `regions`. */
int ew_rtt_table_load(const char *path, const ew_region_catalog *regions, ew_rtt_table **out,
                      ew_error *err);
void ew_rtt_table_free(ew_rtt_table *t);   /* NULL is a no-op */
size_t ew_rtt_table_count(const ew_rtt_table *t);   /* pairs; 0 for NULL */
/* The straight line through the table's round trips against great-circle
 * distance (least squares weighted by 1/rtt², i.e. on relative error):
 * rtt ≈ intercept_s + s_per_km · d. Pairs
 * the table does not list take it, so that they are on the same footing as
 * the listed ones (the bare fibre formula, without the routing, peering and
 * queueing the measurements include, would make unlisted pairs look nearer
 * than listed ones). NULL without a fit (no table, fewer than 3 rows). */
typedef struct ew_rtt_fit {
    size_t n;             /* rows fitted */
    double intercept_s;   /* round trip at zero distance [s] */
    double s_per_km;      /* [s/km] */
    double median_rel_err;  /* median |fit / measured − 1| over the rows [1] */
} ew_rtt_fit;
const ew_rtt_fit *ew_rtt_table_fit(const ew_rtt_table *t);
/* 1 and the measured round trip [s] in *rtt_s if the pair of codes a, b
 * (either order) is listed; 0 (and *rtt_s untouched) if not, or if t is NULL. */
int ew_rtt_table_find(const ew_rtt_table *t, const char *a, const char *b, double *rtt_s);

typedef struct ew_network_params {
    double fibre_km_per_s;                   /* [km/s] */
    double route_factor;                     /* cable route / great circle [1] */
    double last_mile_s[EW_ACCESS_COUNT];     /* round-trip added by the access [s] */
    double bandwidth_bytes_per_s[EW_ACCESS_COUNT];   /* [B/s] */
    double j_per_byte[EW_ACCESS_COUNT];      /* network energy, end to end [J/B] */
    double bytes_per_token;                  /* text payload [B/token] */
    double bytes_per_image;                  /* image response [B] */
    const ew_rtt_table *measured;            /* measured round trips, borrowed (the caller
                                                keeps it alive); NULL: the formula only */
} ew_network_params;

/* Loads data/network.csv (rows: parameter,access,value,unit,source,note).
 * Sets measured to NULL: attach a table loaded with ew_rtt_table_load. */
int ew_network_params_load(const char *path, ew_network_params *out, ew_error *err);

/* Great-circle distance [km] (haversine). */
double ew_great_circle_km(double lat1_deg, double lon1_deg, double lat2_deg, double lon2_deg);
/* core(a, b) of the formula above [s]: the measured round trip minus two
 * data-centre last miles for a pair in p->measured, else the fibre formula
 * (0 between a region and itself). NaN if an argument is NULL. The
 * simulator's round-trip table should be filled from this function. */
double ew_rtt_core_s(const ew_network_params *p, const ew_region *a, const ew_region *b);
/* Round-trip time [s] per the formula above: core(a, b) + last_mile(xa) +
 * last_mile(xb). NaN for a NULL argument or an access out of range. */
double ew_rtt_s(const ew_network_params *p, const ew_region *a, ew_access xa,
                const ew_region *b, ew_access xb);

#endif
