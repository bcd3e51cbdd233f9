/* world.c — the world's derived structures: routing groups, each site's
 * pool of online servers by load, and the round-trip table (see world.h). */
#include "world.h"

#include <math.h>
#include <stdlib.h>

double ew_world_rtt_s(const ew_world *w, uint32_t r, ew_access x, uint32_t k)
{
    const ew_site_info *si = &w->site[k];
    if (!w->net || r == EW_NONE || si->region == EW_NONE)
        return 0.0;
    return w->rtt_base_s[(size_t)r * w->n_regions + si->region] + w->net->last_mile_s[x] +
           w->net->last_mile_s[si->access];
}

uint32_t ew_world_least_loaded(const ew_world *w, uint32_t k, uint32_t except, uint32_t *n)
{
    const ew_pool *p = &w->site_pool[k];
    uint32_t best = ew_pool_min(p, n);
    if (best != except || best == EW_NONE)
        return best;
    /* the least loaded is excluded: the next in its bucket, else the next bucket */
    if (p->next[best] != EW_NONE)
        return p->next[best];
    for (uint32_t c = p->min + 1; c < p->n_buckets; c++)
        if (p->head[c] != EW_NONE) {
            if (n)
                *n = c;
            return p->head[c];
        }
    return EW_NONE;
}

uint32_t ew_world_random_online(const ew_world *w, uint32_t g, uint32_t except, gsl_rng *r)
{
    const ew_group *gr = &w->groups[g];
    uint32_t n = gr->n_online;
    if (except != EW_NONE && w->site[w->servers[except].site].group != g)
        except = EW_NONE;   /* not in this group: nothing to skip */
    if (except != EW_NONE && w->online_pos[except] != EW_NONE)
        n--;   /* draw among the others: skip over except's position */
    if (n == 0)
        return EW_NONE;
    uint32_t j = (uint32_t)gsl_rng_uniform_int(r, n);
    if (except != EW_NONE && w->online_pos[except] != EW_NONE && j >= w->online_pos[except])
        j++;
    return gr->online[j];
}

int ew_world_init(ew_world *w, uint32_t n_groups, const uint32_t *group_of_site)
{
    w->n_groups = n_groups;
    w->groups = calloc(n_groups ? n_groups : 1, sizeof *w->groups);
    w->site_pool = calloc(w->n_sites ? w->n_sites : 1, sizeof *w->site_pool);
    w->online_pos = malloc((w->n_servers ? w->n_servers : 1) * sizeof *w->online_pos);
    if (!w->groups || !w->site_pool || !w->online_pos)
        return -1;
    for (uint32_t i = 0; i < w->n_servers; i++)
        w->online_pos[i] = EW_NONE;
    for (uint32_t k = 0; k < w->n_sites; k++) {
        w->site[k].group = group_of_site[k];
        if (ew_pool_init(&w->site_pool[k], w->n_servers))
            return -1;
    }
    for (uint32_t g = 0; g < n_groups; g++) {
        ew_group *gr = &w->groups[g];
        uint32_t n = 0;
        for (uint32_t k = 0; k < w->n_sites; k++)
            if (w->site[k].group == g) {
                gr->n_sites++;
                n += w->site[k].end - w->site[k].first;
            }
        gr->sites = malloc((gr->n_sites ? gr->n_sites : 1) * sizeof *gr->sites);
        gr->servers = malloc((n ? n : 1) * sizeof *gr->servers);
        gr->online = malloc((n ? n : 1) * sizeof *gr->online);
        if (!gr->sites || !gr->servers || !gr->online)
            return -1;
        gr->n_sites = 0;
        for (uint32_t k = 0; k < w->n_sites; k++) {
            if (w->site[k].group != g)
                continue;
            gr->sites[gr->n_sites++] = k;
            for (uint32_t i = w->site[k].first; i < w->site[k].end; i++) {
                gr->servers[gr->n_servers++] = i;
                w->online_pos[i] = gr->n_online;
                gr->online[gr->n_online++] = i;
                if (w->track_load && ew_pool_add(&w->site_pool[k], i, w->servers[i].in_system))
                    return -1;
            }
        }
    }
    return 0;
}

void ew_world_free(ew_world *w)
{
    if (w->groups)
        for (uint32_t g = 0; g < w->n_groups; g++) {
            free(w->groups[g].sites);
            free(w->groups[g].servers);
            free(w->groups[g].online);
        }
    if (w->site_pool)
        for (uint32_t k = 0; k < w->n_sites; k++)
            ew_pool_free(&w->site_pool[k]);
    free(w->groups);
    free(w->site_pool);
    free(w->online_pos);
    w->groups = NULL;
    w->site_pool = NULL;
    w->online_pos = NULL;
}

int ew_world_count_changed(ew_world *w, uint32_t i, uint32_t old_n)
{
    if (!w->track_load || w->online_pos[i] == EW_NONE)
        return 0;   /* offline, or in no group: not in a pool */
    uint32_t k = w->servers[i].site;
    return ew_pool_move(&w->site_pool[k], i, old_n, w->servers[i].in_system);
}

int ew_world_set_offline(ew_world *w, uint32_t i, uint32_t reason_bit, int set)
{
    ew_server *sv = &w->servers[i];
    uint32_t was = sv->offline;
    sv->offline = set ? was | reason_bit : was & ~reason_bit;
    uint32_t k = sv->site, g = w->site[k].group;
    if (g == EW_NONE || (was == 0) == (sv->offline == 0))
        return 0;   /* no change of being online */
    ew_group *gr = &w->groups[g];
    if (sv->offline) {   /* leaves: swap-remove from the online list and the pool */
        uint32_t pos = w->online_pos[i], last = gr->online[--gr->n_online];
        gr->online[pos] = last;
        w->online_pos[last] = pos;
        w->online_pos[i] = EW_NONE;
        if (w->track_load)
            ew_pool_remove(&w->site_pool[k], i, sv->in_system);
        return 0;
    }
    w->online_pos[i] = gr->n_online;
    gr->online[gr->n_online++] = i;
    return w->track_load ? ew_pool_add(&w->site_pool[k], i, sv->in_system) : 0;
}
