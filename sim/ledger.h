/* ledger.h — where every joule of a serving site goes, and what it costs in
 * carbon, water and money (DESIGN.md section 4).
 *
 * Layers (the boundary ladder; each boundary adds one layer to the last):
 *   1 accelerator  GPU energy of the phases that served the query
 *   2 host         the rest of the machine while it served (CPU, board, RAM,
 *                  fans) and the power-supply loss of host and GPU, at the wall
 *   3 idle         powered but not serving: replicas with nothing to do, and
 *                  work that finished no query (in flight at the end, failed)
 *   4 facility     (PUE - 1) x layers 1-3, data centres only
 *   5 network      moving prompts and answers
 * Two views of layers 1-4: attributional (all of it) and incremental (what
 * the network adds: for a machine that would be on anyway a share `a` of
 * the time, that share charges only the energy above idle:
 * incremental = (1 - a) x attributional + a x dynamic).
 *
 * One ew_ledger holds a query's share of one or more phases, or a site's
 * total; carbon, water and money are charged phase by phase at the site,
 * hour and tariff where the energy was spent.
 */
#ifndef EW_LEDGER_H
#define EW_LEDGER_H

typedef struct ew_ledger {
    double gpu_j, host_j, facility_j;            /* attributional layers 1, 2, 4 [J] */
    double gpu_inc_j, host_inc_j, facility_inc_j;/* incremental [J] */
    double co2_g, co2_inc_g;                     /* location-based operational [gCO2e] */
    double co2_mkt_g, co2_mkt_inc_g;             /* market-based (the site's contract) [gCO2e] */
    double water_l;                              /* on-site (WUE) + off-site (generation) [L] */
    double cost_usd;                             /* electricity at the site's tariff [USD] */
    double cost_inc_usd;                         /* incremental electricity [USD] */
} ew_ledger;

enum { EW_LEDGER_FIELDS = sizeof(ew_ledger) / sizeof(double) };

/* a += f · b, field by field. */
static inline void ew_ledger_add(ew_ledger *a, const ew_ledger *b, double f)
{
    double *x = (double *)a;
    const double *y = (const double *)b;
    for (int i = 0; i < EW_LEDGER_FIELDS; i++)
        x[i] += f * y[i];
}

static inline double ew_ledger_energy_j(const ew_ledger *l)
{
    return l->gpu_j + l->host_j + l->facility_j;
}

#endif
