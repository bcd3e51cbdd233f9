/* power.h — electrical draw of a server as a function of its state.
 *
 * Linear utilisation model: P(u) = P_idle + (P_busy − P_idle)·u with u the
 * share of slots serving; X. Fan, W.-D. Weber and L. A. Barroso, "Power
 * provisioning for a warehouse-sized computer", ISCA 2007, found measured
 * servers within a few percent of this line. Off draws P_off (standby); a
 * server waking up draws P_idle. Units: watts.
 */
#ifndef EW_POWER_H
#define EW_POWER_H

#include <stdint.h>

#include "../site/server.h"

typedef struct ew_power_levels {
    double off_w;    /* [W] */
    double idle_w;   /* [W] */
    double busy_w;   /* all slots serving [W] */
} ew_power_levels;

/* Draw [W] of a server in `state` (ew_server_state) with `busy` of `slots` serving. */
static inline double ew_power_linear_w(const ew_power_levels *p, uint32_t state,
                                       uint32_t busy, uint32_t slots)
{
    if (state == EW_SERVER_OFF)
        return p->off_w;
    return p->idle_w + (p->busy_w - p->idle_w) * (double)busy / (double)slots;
}

/* Draw [W] of n_servers identical servers of which n_off are switched off
 * and busy_slots slots (over all of them) are serving: the sum of
 * ew_power_linear_w over the servers, from integer counts, so that a site's
 * power is exact after any number of changes (no drift from adding and
 * subtracting server draws). */
static inline double ew_power_linear_site_w(const ew_power_levels *p, uint32_t n_servers,
                                            uint32_t n_off, uint64_t busy_slots, uint32_t slots)
{
    return p->off_w * n_off + p->idle_w * (n_servers - n_off) +
           (p->busy_w - p->idle_w) * (double)busy_slots / (double)slots;
}

#endif
