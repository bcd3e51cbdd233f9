/* results.c — the table of per-site result fields (see results.h). */
#include "results.h"

#include <stddef.h>

#define F(name, type, units, desc) {#name, offsetof(ew_site_result, name), type, units, desc}

const ew_field ew_site_fields[] = {
    F(servers, EW_FIELD_U32, "1", "servers"),
    F(slots, EW_FIELD_U32, "1", "queries a server serves at once (0: differs between sites)"),
    F(arrivals, EW_FIELD_U64, "1", "queries routed here"),
    F(completions, EW_FIELD_U64, "1", "queries finished"),
    F(in_flight, EW_FIELD_U64, "1", "queries queued or in service at the end"),
    F(latency_samples, EW_FIELD_U64, "1", "completed queries that arrived after the warm-up"),
    F(throughput_per_s, EW_FIELD_F64, "1/s", "completions per second of simulated time"),
    F(utilisation, EW_FIELD_F64, "1", "busy slot-time over available slot-time"),
    F(mean_in_system, EW_FIELD_F64, "1", "time-average number of queries in system"),
    F(sojourn_mean_s, EW_FIELD_F64, "s", "mean time from arrival to completion"),
    F(sojourn_ci95_s, EW_FIELD_F64, "s", "95% confidence half-width of the mean sojourn (batch means)"),
    F(sojourn_p50_s, EW_FIELD_F64, "s", "median sojourn"),
    F(sojourn_p95_s, EW_FIELD_F64, "s", "95th percentile sojourn"),
    F(sojourn_p99_s, EW_FIELD_F64, "s", "99th percentile sojourn"),
    F(sojourn_max_s, EW_FIELD_F64, "s", "longest sojourn"),
    F(energy_j, EW_FIELD_F64, "J", "electrical energy over the run"),
    F(mean_power_w, EW_FIELD_F64, "W", "energy over duration"),
    F(mean_power_ci95_w, EW_FIELD_F64, "W", "95% confidence half-width of mean power (batches of time bins)"),
    F(energy_per_query_j, EW_FIELD_F64, "J", "energy per completed query"),
    F(off_share, EW_FIELD_F64, "1", "share of server-time switched off"),
    F(ttft_mean_s, EW_FIELD_F64, "s", "mean time to first token (serving sites)"),
    F(ttft_p50_s, EW_FIELD_F64, "s", "median time to first token"),
    F(ttft_p95_s, EW_FIELD_F64, "s", "95th percentile time to first token"),
    F(ttft_p99_s, EW_FIELD_F64, "s", "99th percentile time to first token"),
    F(tpot_mean_s, EW_FIELD_F64, "s", "mean time per output token after the first"),
    F(tpot_p50_s, EW_FIELD_F64, "s", "median time per output token"),
    F(tpot_p95_s, EW_FIELD_F64, "s", "95th percentile time per output token"),
    F(output_tokens, EW_FIELD_U64, "1", "output tokens of completed queries"),
    F(preemptions, EW_FIELD_U64, "1", "requests evicted from a full KV cache and recomputed"),
    F(idle_energy_j, EW_FIELD_F64, "J", "GPU energy of replicas with nothing to do, charged to no query"),
    F(query_energy_j, EW_FIELD_F64, "J", "GPU energy attributed to completed queries"),
    F(query_energy_mean_j, EW_FIELD_F64, "J", "GPU energy per completed query"),
    F(energy_per_output_token_j, EW_FIELD_F64, "J", "attributed GPU energy per output token"),
    F(queries, EW_FIELD_U64, "1", "queries finished here (after the warm-up)"),
    F(failed, EW_FIELD_U64, "1", "queries that found no online server"),
    F(latency_mean_s, EW_FIELD_F64, "s", "mean end-to-end latency, network included"),
    F(latency_p50_s, EW_FIELD_F64, "s", "median end-to-end latency"),
    F(latency_p95_s, EW_FIELD_F64, "s", "95th percentile end-to-end latency"),
    F(latency_p99_s, EW_FIELD_F64, "s", "99th percentile end-to-end latency"),
    F(network_mean_s, EW_FIELD_F64, "s", "mean network part of the latency"),
    F(edge_share, EW_FIELD_F64, "1", "share of queries finished at edge sites"),
    F(lost_executions, EW_FIELD_U64, "1", "executions lost with nodes that left"),
    F(lost_energy_j, EW_FIELD_F64, "J", "GPU energy of lost executions"),
    F(network_energy_j, EW_FIELD_F64, "J", "energy of moving prompts and answers over the network"),
    F(host_energy_j, EW_FIELD_F64, "J", "layer 2: host machines around the GPUs and the power-supply loss of host and GPU, at the wall"),
    F(queries_all, EW_FIELD_U64, "1", "queries finished here, warm-up included: the denominator of the per-query figures"),
    F(accel_query_j, EW_FIELD_F64, "J", "layer 1 (accelerator): GPU energy carried by finished queries, lost work and checks included"),
    F(accel_idle_j, EW_FIELD_F64, "J", "layer 1: GPU energy of replicas with nothing to do"),
    F(accel_unfinished_j, EW_FIELD_F64, "J", "layer 1: GPU energy of work that finished no query (in flight at the end, failed)"),
    F(host_query_j, EW_FIELD_F64, "J", "layer 2 (host): carried by finished queries"),
    F(host_idle_j, EW_FIELD_F64, "J", "layer 2: hosts of idle replicas"),
    F(host_unfinished_j, EW_FIELD_F64, "J", "layer 2: work that finished no query"),
    F(facility_energy_j, EW_FIELD_F64, "J", "layer 4 (facility): (PUE - 1) x IT energy"),
    F(facility_query_j, EW_FIELD_F64, "J", "layer 4: carried by finished queries"),
    F(facility_idle_j, EW_FIELD_F64, "J", "layer 4: of idle replicas"),
    F(facility_unfinished_j, EW_FIELD_F64, "J", "layer 4: of work that finished no query"),
    F(wh_b1_accelerator, EW_FIELD_F64, "Wh", "energy per query, boundary 1: accelerator active"),
    F(wh_b2_host, EW_FIELD_F64, "Wh", "energy per query, boundary 2: + host share"),
    F(wh_b3_idle, EW_FIELD_F64, "Wh", "energy per query, boundary 3: + idle and provisioned capacity"),
    F(wh_b4_facility, EW_FIELD_F64, "Wh", "energy per query, boundary 4: + facility overhead (PUE - 1)"),
    F(wh_b5_network, EW_FIELD_F64, "Wh", "energy per query, boundary 5: + network transfer"),
    F(wh_inc_b1_accelerator, EW_FIELD_F64, "Wh", "incremental view, boundary 1"),
    F(wh_inc_b2_host, EW_FIELD_F64, "Wh", "incremental view, boundary 2"),
    F(wh_inc_b3_idle, EW_FIELD_F64, "Wh", "incremental view, boundary 3"),
    F(wh_inc_b4_facility, EW_FIELD_F64, "Wh", "incremental view, boundary 4"),
    F(wh_inc_b5_network, EW_FIELD_F64, "Wh", "incremental view, boundary 5"),
    F(co2_g, EW_FIELD_F64, "g", "operational carbon, location-based, all five layers [gCO2e]"),
    F(co2_g_per_query, EW_FIELD_F64, "g", "operational carbon per query, location-based, attributional [gCO2e]"),
    F(co2_inc_g_per_query, EW_FIELD_F64, "g", "operational carbon per query, location-based, incremental [gCO2e]"),
    F(co2_market_g_per_query, EW_FIELD_F64, "g", "operational carbon per query, market-based, attributional [gCO2e]"),
    F(co2_market_inc_g_per_query, EW_FIELD_F64, "g", "operational carbon per query, market-based, incremental [gCO2e]"),
    F(embodied_g, EW_FIELD_F64, "g", "embodied carbon of GPUs and hosts, amortised over their time in the network [gCO2e]"),
    F(embodied_g_per_query, EW_FIELD_F64, "g", "embodied carbon per query, attributional [gCO2e]"),
    F(embodied_inc_g_per_query, EW_FIELD_F64, "g", "embodied carbon per query, incremental: zero for hardware that exists anyway [gCO2e]"),
    F(water_l, EW_FIELD_F64, "L", "water: on-site (WUE x IT energy) and off-site (generation of all the electricity)"),
    F(water_l_per_1k_queries, EW_FIELD_F64, "L", "water per 1000 queries"),
    F(electricity_usd, EW_FIELD_F64, "USD", "electricity at the sites' tariffs, facility included"),
    F(hardware_usd, EW_FIELD_F64, "USD", "GPU rental (electricity included) or amortised purchase"),
    F(rewards_usd, EW_FIELD_F64, "USD", "rewards paid to edge operators"),
    F(cost_usd, EW_FIELD_F64, "USD", "cost of serving: rental, or purchase + electricity, or rewards"),
    F(usd_per_1k_queries, EW_FIELD_F64, "USD", "cost per 1000 queries (the user's price at cost)"),
    F(usd_per_mtok, EW_FIELD_F64, "USD", "cost per million output tokens"),
    F(operator_profit_median_usd_per_h, EW_FIELD_F64, "USD/h", "edge operators: median of (rewards - extra electricity) per hour online"),
    F(operator_loss_share, EW_FIELD_F64, "1", "edge operators whose node lost money"),
};
const size_t ew_n_site_fields = sizeof ew_site_fields / sizeof ew_site_fields[0];

#define S(name, type, units, desc) {#name, offsetof(ew_server_result, name), type, units, desc}

const ew_field ew_server_fields[] = {
    S(site, EW_FIELD_U32, "1", "index of the server's site in /sites"),
    S(arrivals, EW_FIELD_U64, "1", "queries routed to the server"),
    S(completions, EW_FIELD_U64, "1", "queries the server finished"),
    S(busy_slot_s, EW_FIELD_F64, "s", "integral of busy slots over time"),
    S(off_s, EW_FIELD_F64, "s", "time switched off"),
    S(energy_j, EW_FIELD_F64, "J", "energy drawn by the server"),
};
const size_t ew_n_server_fields = sizeof ew_server_fields / sizeof ew_server_fields[0];

#define Q(name, type, units, desc) {#name, offsetof(ew_query_record, name), type, units, desc}

const ew_field ew_query_fields[] = {
    Q(arrival_s, EW_FIELD_F64, "s", "arrival time of a sampled completed query"),
    Q(latency_s, EW_FIELD_F64, "s", "end-to-end latency, network included: the sum of the components"),
    Q(network_s, EW_FIELD_F64, "s", "component: round trip from its client and transfers"),
    Q(lost_s, EW_FIELD_F64, "s", "component: time on nodes that left before finishing it"),
    Q(queue_s, EW_FIELD_F64, "s", "component: waiting for a place in a batch or a server"),
    Q(prefill_s, EW_FIELD_F64, "s", "component: admission to first token"),
    Q(generation_s, EW_FIELD_F64, "s", "component: first token to last (plain sites: service)"),
    Q(verify_s, EW_FIELD_F64, "s", "component: waiting for its verification checks"),
    Q(ttft_s, EW_FIELD_F64, "s", "time to first token at the site (NaN on plain sites)"),
    Q(energy_j, EW_FIELD_F64, "J", "GPU energy attributed to it, checks included"),
    Q(lost_energy_j, EW_FIELD_F64, "J", "GPU energy of its executions lost with departing nodes"),
    Q(host_j, EW_FIELD_F64, "J", "layer 2: its host share, power-supply loss included"),
    Q(facility_j, EW_FIELD_F64, "J", "layer 4: its facility share"),
    Q(inc_j, EW_FIELD_F64, "J", "layers 1, 2 and 4, incremental view"),
    Q(co2_g, EW_FIELD_F64, "g", "operational carbon of those layers, location-based [gCO2e]"),
    Q(water_l, EW_FIELD_F64, "L", "on-site and off-site water"),
    Q(electricity_usd, EW_FIELD_F64, "USD", "electricity at the tariffs where it ran"),
    Q(cls, EW_FIELD_U32, "1", "its class, an index into class_names"),
    Q(site, EW_FIELD_U32, "1", "the site that served it, an index into /sites"),
    Q(client, EW_FIELD_U32, "1", "its client region, an index into the scenario's clients"),
    Q(prompt, EW_FIELD_U32, "1", "its prompt tokens"),
    Q(output, EW_FIELD_U32, "1", "its output tokens"),
};
const size_t ew_n_query_fields = sizeof ew_query_fields / sizeof ew_query_fields[0];

double ew_field_value(const ew_field *f, const ew_site_result *r)
{
    const char *p = (const char *)r + f->offset;
    switch (f->type) {
    case EW_FIELD_U32: return (double)*(const uint32_t *)(const void *)p;
    case EW_FIELD_U64: return (double)*(const uint64_t *)(const void *)p;
    case EW_FIELD_F64: return *(const double *)(const void *)p;
    }
    return 0.0;
}
