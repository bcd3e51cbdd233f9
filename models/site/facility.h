/* facility.h — the building around the servers (data/facilities.csv): its
 * power usage effectiveness and on-site water use.
 *
 *   facility energy = IT energy · pue            (PUE >= 1, The Green Grid)
 *   on-site water   = IT energy [kWh] · wue      (WUE [L/kWh], The Green Grid)
 *
 * PUE − 1 is layer 4 of the accounting (DESIGN.md section 4); a home has no
 * facility (PUE 1, WUE 0). WUE counts water used on site for cooling and
 * humidification per kWh of IT energy, not the water of power generation.
 */
#ifndef EW_FACILITY_H
#define EW_FACILITY_H

#include <stddef.h>

#include "../../sim/ew.h"

typedef struct ew_facility {
    char name[32];          /* catalogue key, e.g. "hyperscale" */
    char label[96];
    double pue;             /* total facility energy / IT energy [1], >= 1 */
    double wue_l_per_kwh;   /* on-site water per kWh of IT energy [L/kWh], >= 0 */
} ew_facility;

typedef struct ew_facility_catalog ew_facility_catalog;   /* opaque */

/* Loads a facilities table (columns name, label, pue, wue_l_per_kwh,
 * source, note). EW_EIO if the file cannot be read; EW_EINVAL, with
 * "file:line:col:", for pue < 1, wue < 0, an empty source, a duplicate name
 * or no rows. On success the caller owns *out (ew_facility_catalog_free). */
int ew_facility_catalog_load(const char *path, ew_facility_catalog **out, ew_error *err);
void ew_facility_catalog_free(ew_facility_catalog *c);   /* NULL: no-op */
size_t ew_facility_catalog_count(const ew_facility_catalog *c);
/* Entry i, or NULL past the end. Owned by the catalogue. */
const ew_facility *ew_facility_catalog_at(const ew_facility_catalog *c, size_t i);
/* The facility named `name`, or NULL. Owned by the catalogue. */
const ew_facility *ew_facility_find(const ew_facility_catalog *c, const char *name);

#endif
