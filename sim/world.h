/* world.h — what models may read of a running simulation: the scenario and
 * the servers. Models never write here; the run driver (run.c) does.
 */
#ifndef EW_WORLD_H
#define EW_WORLD_H

#include <stdint.h>

#include "scenario.h"
#include "../models/site/server.h"

typedef struct ew_world {
    const ew_scenario *scenario;
    ew_server *servers;        /* all servers, site by site */
    uint32_t n_servers;
    const uint32_t *site_first;/* index of each site's first server; [n_sites] = n_servers */
    double now_s;              /* simulated time [s] */
} ew_world;

#endif
