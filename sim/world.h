/* world.h — what models may read of a running simulation: the scenario,
 * the servers, where each site is and how loaded it is. The run driver
 * keeps it current (ew_world_set_online, ew_world_count_changed); routing
 * policies read it through the functions below and never write to it.
 */
#ifndef EW_WORLD_H
#define EW_WORLD_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "scenario.h"
#include "../models/network/network.h"
#include "../models/routing/pool.h"
#include "../models/site/server.h"

typedef struct ew_site_info {
    uint32_t first, end;        /* its servers are [first, end) */
    uint32_t group;             /* routing group (model served), or EW_NONE if unused */
    uint32_t region;            /* index into the region catalogue, or EW_NONE */
    ew_access access;
    int edge;                   /* 1: home or edge nodes; 0: a data centre or plain site */
    uint32_t room;              /* queries a server takes at once (max_batch, or slots) */
    double request_s;           /* time to serve one typical request alone [s] */
    double carbon_g_per_kwh;    /* its grid's yearly average [gCO2e/kWh] */
    double price_usd_per_kwh;   /* its electricity tariff [USD/kWh] */
} ew_site_info;

typedef struct ew_group {
    uint32_t *sites;            /* sites serving it */
    uint32_t n_sites;
    uint32_t *servers;          /* all its servers, in order */
    uint32_t n_servers;
    uint32_t *online;           /* online servers (order changes as they come and go) */
    uint32_t n_online;
} ew_group;

typedef struct ew_world {
    const ew_scenario *scenario;
    ew_server *servers;         /* all servers, site by site */
    uint32_t n_servers;
    const uint32_t *site_first; /* index of each site's first server; [n_sites] = n_servers */
    ew_site_info *site;         /* [n_sites] */
    uint32_t n_sites;
    ew_pool *site_pool;         /* [n_sites]: online servers by load */
    ew_group *groups;
    uint32_t n_groups;
    uint32_t *online_pos;       /* [n_servers]: position in its group's online list, or EW_NONE */
    const double *rtt_base_s;   /* [n_regions²]: 2 · distance / v_fibre · route factor [s] */
    uint32_t n_regions;
    const ew_network_params *net;   /* NULL without geography */
    int track_load;             /* keep site_pool current (the routing policy reads it) */
    double now_s;               /* simulated time [s] */
} ew_world;

/* Round trip from a client in region r on access x to site k [s]; 0 when
 * the scenario has no geography. */
double ew_world_rtt_s(const ew_world *w, uint32_t r, ew_access x, uint32_t k);
/* The least loaded online server of site k other than `except` (EW_NONE
 * for none), its count in *n; EW_NONE if there is none. */
uint32_t ew_world_least_loaded(const ew_world *w, uint32_t k, uint32_t except, uint32_t *n);
/* A uniformly random online server of group g other than `except`, or EW_NONE. */
uint32_t ew_world_random_online(const ew_world *w, uint32_t g, uint32_t except, gsl_rng *r);
static inline int ew_world_is_online(const ew_world *w, uint32_t i)
{
    return w->servers[i].offline == 0;
}

/* For the run driver: */
/* Builds groups, pools and the region table; every server starts online. */
int ew_world_init(ew_world *w, uint32_t n_groups, const uint32_t *group_of_site);
void ew_world_free(ew_world *w);
/* Server i's in_system went from old_n to its present value. 0 or -1. */
int ew_world_count_changed(ew_world *w, uint32_t i, uint32_t old_n);
/* Server i goes offline (a reason bit set) or back online (bits cleared). */
int ew_world_set_offline(ew_world *w, uint32_t i, uint32_t reason_bit, int set);

#endif
