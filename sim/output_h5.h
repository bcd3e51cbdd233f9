/* output_h5.h — the results of one run as an HDF5 file ("edgewatt-results-1").
 *
 * Layout (every dataset carries string attributes `units` and `description`):
 *   /            attributes edgewatt_version, scenario_name, seed (uint64),
 *                replication (uint32), file_format
 *   /scenario    source, effective: the scenario text as read and after --set
 *   /summary     scalars: duration_s, events and the fields of results.total
 *   /sites       [n_sites]: name and every field of ew_site_result
 *   /servers     [n_servers]: site, arrivals, completions, busy_slot_s, off_s,
 *                energy_j
 *   /timeseries  t_start_s [n_bins], bin_s, power_w [n_sites][n_bins],
 *                arrivals [n_bins], site_names [n_sites]
 * The wall-clock time and HDF5 object timestamps are left out, so the same
 * results give the same bytes.
 */
#ifndef EW_OUTPUT_H5_H
#define EW_OUTPUT_H5_H

#include "ew.h"
#include "results.h"
#include "scenario.h"

/* Writes results r of scenario s to an HDF5 file at path (created or
 * truncated). s and r are only read; NULL scenario texts are written as "".
 * Returns EW_OK, or EW_EIO (file cannot be created or closed), EW_ELIB (HDF5
 * failed otherwise) or EW_ENOMEM, with err filled ("path: what failed"); on
 * failure after the file was created, the partial file is removed. HDF5's
 * automatic error printing is off during the call and restored after it. */
int ew_output_h5(const char *path, const ew_scenario *s, const ew_results *r,
                 ew_error *err);
/* The results of several arms of s (the same arrivals, other routing or
 * verification): /scenario at the root and, for arm a, /arms/<name a>/
 * with summary, sites, servers, timeseries and queries as above. With
 * n == 0, only the root attributes (from r[0]) and /scenario (a sweep adds
 * its own tables after). */
int ew_output_h5_arms(const char *path, const ew_scenario *s, const ew_results *const *r,
                      const char *const *names, size_t n, ew_error *err);

#endif
