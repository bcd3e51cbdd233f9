/* account.c — the boundary ladder, carbon, water and money of a run
 * (sim/ledger.h, DESIGN.md section 4).
 *
 * A phase of a serving replica over [t0, t1] that spent E on its GPUs:
 *   layer 1  E
 *   layer 2  host draw x (t1 - t0) at the wall + E x (1/PSU efficiency - 1)
 *   layer 4  (PUE - 1) x (layer 1 + layer 2)
 * Dynamic (above idle): E - GPU idle draw x (t1 - t0), and the host's busy
 * minus idle draw; incremental = (1 - on_anyway) x attributional
 * + on_anyway x dynamic. Carbon: energy x the grid's mean intensity over
 * [t0, t1] in the site's zone (hour-of-day profile, exact for its
 * piecewise-constant hours); market-based: x (1 - renewable share), or the
 * contracted intensity. Water: WUE x IT energy + the zone's water per kWh
 * generated x all energy. Money: energy x the site's tariff.
 *
 * Embodied carbon: each GPU and its host carry kgCO2e / lifetime per second
 * while in the network (data centres: the whole run; edge nodes: while
 * online), shared by the queries finished at the site. In the incremental
 * view hardware that exists anyway (hardware: existing) carries none.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "run_internal.h"

#define J_PER_KWH 3.6e6
#define S_PER_YEAR (365.25 * 86400.0)

int account_init(run *R)
{
    const ew_scenario *s = R->s;
    R->se = calloc(s->n_sites, sizeof *R->se);
    if (!R->se)
        return EW_ENOMEM;
    int any_edge = 0;
    for (uint32_t k = 0; k < s->n_sites; k++) {
        const ew_site_spec *sp = &s->sites[k];
        site_energy *se = &R->se[k];
        se->pue = sp->pue;
        se->on_anyway = sp->on_anyway;
        se->zone = sp->zone;
        se->contract = sp->contract;
        se->usd_per_j = sp->tariff_usd_per_kwh / J_PER_KWH;
        se->wue_l_per_j = sp->wue_l_per_kwh / J_PER_KWH;
        se->water_l_per_j = sp->zone ? sp->zone->water_l_per_kwh / J_PER_KWH : 0.0;
        if (!sp->serving)
            continue;
        const ew_deployment *dp = &sp->serve.deployment;
        se->gpu_idle_w = dp->laws.idle_w * dp->tp;
        if (sp->host) {
            const ew_host *h = sp->host;
            se->host_idle_w = h->idle_w / h->psu_efficiency * dp->tp;
            se->host_busy_w = h->busy_w / h->psu_efficiency * dp->tp;
            se->psu_loss = 1.0 / h->psu_efficiency - 1.0;
        }
        any_edge |= sp->edge && !sp->disabled;
    }
    if (any_edge) {
        R->node_reward_usd = calloc(R->w.n_servers, sizeof *R->node_reward_usd);
        R->node_cost_usd = calloc(R->w.n_servers, sizeof *R->node_cost_usd);
        if (!R->node_reward_usd || !R->node_cost_usd)
            return EW_ENOMEM;
    }
    if (s->n_clients) {
        R->client_zone = calloc(s->n_clients, sizeof *R->client_zone);
        if (!R->client_zone)
            return EW_ENOMEM;
        for (uint32_t c = 0; c < s->n_clients && s->grid; c++) {
            int z = ew_grid_find(s->grid,
                                 ew_region_catalog_at(s->regions, s->clients[c].region)->grid_zone);
            R->client_zone[c] = z >= 0 ? ew_grid_at(s->grid, (size_t)z) : NULL;
        }
    }
    return EW_OK;
}

void account_free(run *R)
{
    free(R->se);
    free(R->node_reward_usd);
    free(R->node_cost_usd);
    free(R->client_zone);
}

/* Mean grid intensity of zone z over simulated [t0, t1] [g/J]. */
static double carbon_g_per_j(const run *R, const ew_grid_zone *z, double t0, double t1)
{
    if (!z)
        return 0.0;
    double off = R->s->utc_offset_s;
    return ew_grid_carbon_mean(z, R->s->month, t0 - off, t1 - off) / J_PER_KWH;
}

void account_phase(const run *R, uint32_t k, double t0, double t1, double gpu_j, int idle,
                   ew_ledger *out)
{
    const site_energy *se = &R->se[k];
    double dt = t1 - t0, a = se->on_anyway;
    double host_w = idle ? se->host_idle_w : se->host_busy_w;
    double gpu = gpu_j, host = host_w * dt + gpu_j * se->psu_loss;
    double gpu_dyn = idle ? 0.0 : gpu_j - se->gpu_idle_w * dt;
    double host_dyn = (host_w - se->host_idle_w) * dt + gpu_dyn * se->psu_loss;
    double it = gpu + host, it_dyn = gpu_dyn + host_dyn;
    out->gpu_j = gpu;
    out->host_j = host;
    out->facility_j = (se->pue - 1.0) * it;
    out->gpu_inc_j = (1.0 - a) * gpu + a * gpu_dyn;
    out->host_inc_j = (1.0 - a) * host + a * host_dyn;
    out->facility_inc_j = (se->pue - 1.0) * ((1.0 - a) * it + a * it_dyn);
    double all = it * se->pue, inc = out->gpu_inc_j + out->host_inc_j + out->facility_inc_j;
    double c = carbon_g_per_j(R, se->zone, t0, t1), cm = c;
    if (se->contract.kind == EW_CONTRACT_SHARE)
        cm = c * (1.0 - se->contract.renewable_share);
    else if (se->contract.kind == EW_CONTRACT_INTENSITY)
        cm = se->contract.carbon_g_per_kwh / J_PER_KWH;
    out->co2_g = c * all;
    out->co2_inc_g = c * inc;
    out->co2_mkt_g = cm * all;
    out->co2_mkt_inc_g = cm * inc;
    out->water_l = se->wue_l_per_j * it + se->water_l_per_j * all;
    out->cost_usd = se->usd_per_j * all;
    out->cost_inc_usd = se->usd_per_j * inc;
}

void account_network(const run *R, uint32_t client, double bytes, double now, ew_ledger *out)
{
    const ew_scenario *s = R->s;
    double e = bytes * s->net.j_per_byte[s->clients[client].access];
    const ew_grid_zone *z = R->client_zone ? R->client_zone[client] : NULL;
    double c = carbon_g_per_j(R, z, now, now);
    *out = (ew_ledger){0};
    out->gpu_j = e;   /* the network's energy, in one slot */
    out->co2_g = out->co2_inc_g = out->co2_mkt_g = out->co2_mkt_inc_g = c * e;
    out->water_l = z ? z->water_l_per_kwh / J_PER_KWH * e : 0.0;
}

/* Embodied carbon of site k over the run [g]: per GPU and its host share,
 * kgCO2e / lifetime, times the GPU-seconds in the network. */
static double embodied_g(const run *R, uint32_t k, double online_server_s)
{
    const ew_site_spec *sp = &R->s->sites[k];
    if (!sp->serving)
        return 0.0;
    const ew_device *d = sp->serve.deployment.device;
    double per_s = 0.0;
    if (d->embodied_kgco2e > 0.0 && d->lifetime_y > 0.0)
        per_s += d->embodied_kgco2e / (d->lifetime_y * S_PER_YEAR);
    if (sp->host && sp->host->embodied_kgco2e > 0.0 && sp->host->lifetime_y > 0.0)
        per_s += sp->host->embodied_kgco2e / (sp->host->lifetime_y * S_PER_YEAR);
    return 1e3 * per_s * sp->serve.gpus_per_server * online_server_s;
}

/* The figures of one site, or of the total, from its ledgers. */
typedef struct acc_in {
    ew_ledger busy, idle, done, network, unfinished;
    uint64_t queries, tokens;
    double embodied_g, embodied_inc_g, hardware_usd, rewards_usd;
    int edge_only;          /* every site in it is an edge site: the user pays rewards */
    int any_rental;         /* some site rents its GPUs (electricity in the price) */
} acc_in;

static void fill(ew_site_result *r, const acc_in *in, int exact_split)
{
    /* per-query figures of a site where no query finished: nan, not inf */
    double n = in->queries ? (double)in->queries : NAN;
    const ew_ledger *b = &in->busy, *i = &in->idle, *d = &in->done;
    r->queries_all = in->queries;
    r->accel_query_j = d->gpu_j;
    r->accel_idle_j = i->gpu_j;
    r->host_query_j = d->host_j;
    r->host_idle_j = i->host_j;
    r->facility_query_j = d->facility_j;
    r->facility_idle_j = i->facility_j;
    r->facility_energy_j = b->facility_j + i->facility_j;
    if (exact_split) {
        r->accel_unfinished_j = in->unfinished.gpu_j;
        r->host_unfinished_j = in->unfinished.host_j;
        r->facility_unfinished_j = in->unfinished.facility_j;
    } else {   /* per site: what its phases spent and no query finished here carries */
        r->accel_unfinished_j = b->gpu_j - d->gpu_j;
        r->host_unfinished_j = b->host_j - d->host_j;
        r->facility_unfinished_j = b->facility_j - d->facility_j;
    }
    double it_all = b->gpu_j + b->host_j + i->gpu_j + i->host_j;
    double inc_busy = b->gpu_inc_j + b->host_inc_j, inc_idle = i->gpu_inc_j + i->host_inc_j;
    double net = in->network.gpu_j;
    r->wh_b1_accelerator = d->gpu_j / n / 3600.0;
    r->wh_b2_host = (d->gpu_j + d->host_j) / n / 3600.0;
    r->wh_b3_idle = it_all / n / 3600.0;
    r->wh_b4_facility = (it_all + r->facility_energy_j) / n / 3600.0;
    r->wh_b5_network = (it_all + r->facility_energy_j + net) / n / 3600.0;
    r->wh_inc_b1_accelerator = d->gpu_inc_j / n / 3600.0;
    r->wh_inc_b2_host = (d->gpu_inc_j + d->host_inc_j) / n / 3600.0;
    r->wh_inc_b3_idle = (inc_busy + inc_idle) / n / 3600.0;
    r->wh_inc_b4_facility =
        (inc_busy + inc_idle + b->facility_inc_j + i->facility_inc_j) / n / 3600.0;
    r->wh_inc_b5_network = r->wh_inc_b4_facility + net / n / 3600.0;
    r->co2_g = b->co2_g + i->co2_g + in->network.co2_g;
    r->co2_g_per_query = r->co2_g / n;
    r->co2_inc_g_per_query = (b->co2_inc_g + i->co2_inc_g + in->network.co2_g) / n;
    r->co2_market_g_per_query = (b->co2_mkt_g + i->co2_mkt_g + in->network.co2_g) / n;
    r->co2_market_inc_g_per_query = (b->co2_mkt_inc_g + i->co2_mkt_inc_g + in->network.co2_g) / n;
    r->embodied_g = in->embodied_g;
    r->embodied_g_per_query = in->embodied_g / n;
    r->embodied_inc_g_per_query = in->embodied_inc_g / n;
    r->water_l = b->water_l + i->water_l + in->network.water_l;
    r->water_l_per_1k_queries = 1e3 * r->water_l / n;
    r->electricity_usd = b->cost_usd + i->cost_usd;
    r->hardware_usd = in->hardware_usd;
    r->rewards_usd = in->rewards_usd;
    /* renting includes electricity; owning pays both; edge users pay rewards */
    r->cost_usd = in->edge_only ? in->rewards_usd
                : in->any_rental ? in->hardware_usd + in->rewards_usd
                : in->hardware_usd + r->electricity_usd + in->rewards_usd;
    r->usd_per_1k_queries = 1e3 * r->cost_usd / n;
    r->usd_per_mtok = in->tokens ? 1e6 * r->cost_usd / (double)in->tokens : NAN;
    if (in->queries == 0) {
        r->wh_b1_accelerator = r->wh_b2_host = r->wh_b3_idle = r->wh_b4_facility =
            r->wh_b5_network = NAN;
        r->wh_inc_b1_accelerator = r->wh_inc_b2_host = r->wh_inc_b3_idle =
            r->wh_inc_b4_facility = r->wh_inc_b5_network = NAN;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median profit per hour online and the share at a loss, over the online
 * nodes of the edge sites in [k0, k1). */
static int operators(const run *R, uint32_t k0, uint32_t k1, double T, double *median,
                     double *loss_share)
{
    *median = *loss_share = NAN;
    if (!R->node_reward_usd)
        return EW_OK;
    size_t n = 0;
    for (uint32_t k = k0; k < k1; k++)
        if (R->s->sites[k].edge && R->s->sites[k].serving)
            n += R->site_first[k + 1] - R->site_first[k];
    if (n == 0)
        return EW_OK;
    double *p = malloc(n * sizeof *p);
    if (!p)
        return EW_ENOMEM;
    size_t m = 0, losing = 0;
    for (uint32_t k = k0; k < k1; k++) {
        if (!R->s->sites[k].edge || !R->s->sites[k].serving)
            continue;
        for (uint32_t i = R->site_first[k]; i < R->site_first[k + 1]; i++) {
            double h = (T - R->w.servers[i].off_s) / 3600.0;
            if (h <= 0.0)
                continue;
            double profit = R->node_reward_usd[i] - R->node_cost_usd[i] +
                            R->s->sites[k].econ.reward_usd_per_gpu_hour *
                                R->w.servers[i].busy_slot_s / 3600.0 *
                                R->s->sites[k].serve.deployment.tp;
            p[m++] = profit / h;
            losing += profit < 0.0;
        }
    }
    if (m) {
        qsort(p, m, sizeof *p, cmp_double);
        *median = gsl_stats_median_from_sorted_data(p, 1, m);
        *loss_share = (double)losing / (double)m;
    }
    free(p);
    return EW_OK;
}

int account_collect(const run *R, ew_results *res)
{
    const ew_scenario *s = R->s;
    double T = res->duration_s;
    acc_in tot = {0};
    tot.edge_only = 1;
    for (uint32_t k = 0; k < s->n_sites; k++) {
        const ew_site_spec *sp = &s->sites[k];
        const site_acc *a = &R->sites[k];
        ew_site_result *r = &res->sites[k];
        acc_in in = {0};
        if (sp->serving) {
            in.busy = a->led_busy;
            in.idle = a->led_idle;
            in.done = a->led_done;
            in.network = a->led_network;
        } else {   /* plain sites: the linear power model's busy part is layer 1 */
            double busy_j = 0.0;
            for (uint32_t i = R->site_first[k]; i < R->site_first[k + 1]; i++)
                busy_j += (sp->busy_w - sp->idle_w) / sp->slots * R->w.servers[i].busy_slot_s;
            account_phase(R, k, 0.0, T, busy_j, 0, &in.busy);
            account_phase(R, k, 0.0, T, a->energy_j - busy_j, 1, &in.idle);
            in.done = in.busy;
        }
        in.queries = sp->serving ? a->n_done_all : a->completions;
        in.tokens = a->tokens_done_all;
        double online_s = 0.0;
        for (uint32_t i = R->site_first[k]; i < R->site_first[k + 1]; i++)
            online_s += T - R->w.servers[i].off_s;
        if (sp->disabled)
            online_s = 0.0;
        in.embodied_g = embodied_g(R, k, online_s);
        in.embodied_inc_g = sp->hardware_new ? in.embodied_g : 0.0;
        double gpu_h = sp->serving ? online_s / 3600.0 * sp->serve.gpus_per_server : 0.0;
        const ew_site_economics *e = &sp->econ;
        if (!isnan(e->gpu_hour_usd)) {
            in.hardware_usd = e->gpu_hour_usd * gpu_h;
            in.any_rental = 1;
        } else if (!isnan(e->capex_usd_per_gpu)) {
            in.hardware_usd = e->capex_usd_per_gpu / (e->capex_life_y * 8766.0) * gpu_h;
        }
        if (R->node_reward_usd && sp->edge)
            for (uint32_t i = R->site_first[k]; i < R->site_first[k + 1]; i++)
                in.rewards_usd += R->node_reward_usd[i];
        if (sp->edge && sp->serving) {   /* per GPU-hour of work: time in serving phases */
            double busy_gpu_s = 0.0;
            for (uint32_t i = R->site_first[k]; i < R->site_first[k + 1]; i++)
                busy_gpu_s += R->w.servers[i].busy_slot_s;
            in.rewards_usd += e->reward_usd_per_gpu_hour * busy_gpu_s / 3600.0 *
                              sp->serve.deployment.tp;
        }
        in.edge_only = sp->edge;
        fill(r, &in, 0);
        if (operators(R, k, k + 1, T, &r->operator_profit_median_usd_per_h,
                      &r->operator_loss_share))
            return EW_ENOMEM;
        ew_ledger_add(&tot.busy, &in.busy, 1.0);
        ew_ledger_add(&tot.idle, &in.idle, 1.0);
        ew_ledger_add(&tot.done, &in.done, 1.0);
        ew_ledger_add(&tot.network, &in.network, 1.0);
        tot.queries += in.queries;
        tot.tokens += in.tokens;
        tot.embodied_g += in.embodied_g;
        tot.embodied_inc_g += in.embodied_inc_g;
        tot.hardware_usd += in.hardware_usd;
        tot.rewards_usd += in.rewards_usd;
        /* a site that served nothing and cost nothing does not make the arm a data-centre arm */
        if (!sp->edge && (in.queries || in.hardware_usd > 0.0))
            tot.edge_only = 0;
        tot.any_rental |= in.any_rental;
    }
    /* unfinished work, tracked apart so that the total's split is exact */
    ew_ledger_add(&tot.unfinished, &R->led_inflight, 1.0);
    ew_ledger_add(&tot.unfinished, &R->led_failed, 1.0);
    ew_ledger_add(&tot.unfinished, &R->led_partial, 1.0);
    fill(&res->total, &tot, 1);   /* plain sites leave nothing unfinished: their busy part is done */
    return operators(R, 0, s->n_sites, T, &res->total.operator_profit_median_usd_per_h,
                     &res->total.operator_loss_share);
}
