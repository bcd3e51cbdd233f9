/* shortest_queue.c — join the shortest queue: the server with the fewest
 * queries in system (waiting + in service); among equals, the one that
 * reached that count first. Servers sit in buckets by count (doubly linked
 * FIFO lists) and the lowest non-empty bucket is tracked: counts move by one,
 * so every change and every pick is O(1) whatever the number of servers. */
#include "routing.h"

#include <stdlib.h>

typedef struct jsq {
    uint32_t *next, *prev;    /* per server, within its bucket */
    uint32_t *head, *tail;    /* per count: first and last server, or EW_NONE */
    uint32_t n_buckets;
    uint32_t min;             /* lowest count with a server */
} jsq;

static void unlink_server(jsq *q, uint32_t i, uint32_t n)
{
    if (q->prev[i] != EW_NONE)
        q->next[q->prev[i]] = q->next[i];
    else
        q->head[n] = q->next[i];
    if (q->next[i] != EW_NONE)
        q->prev[q->next[i]] = q->prev[i];
    else
        q->tail[n] = q->prev[i];
}

static void append_server(jsq *q, uint32_t i, uint32_t n)
{
    q->next[i] = EW_NONE;
    q->prev[i] = q->tail[n];
    if (q->tail[n] != EW_NONE)
        q->next[q->tail[n]] = i;
    else
        q->head[n] = i;
    q->tail[n] = i;
}

static void release(void *state)
{
    jsq *q = state;
    if (!q)
        return;
    free(q->next);
    free(q->prev);
    free(q->head);
    free(q->tail);
    free(q);
}

static int grow(jsq *q, uint32_t need)
{
    if (need < q->n_buckets)
        return 0;
    uint32_t n = q->n_buckets;
    while (n <= need)
        n *= 2;
    uint32_t *h = realloc(q->head, n * sizeof *h);
    if (h)
        q->head = h;
    uint32_t *t = realloc(q->tail, n * sizeof *t);
    if (t)
        q->tail = t;
    if (!h || !t)
        return -1;
    for (uint32_t k = q->n_buckets; k < n; k++)
        q->head[k] = q->tail[k] = EW_NONE;
    q->n_buckets = n;
    return 0;
}

static int init(void **state, const ew_world *w, const uint32_t *servers, uint32_t n)
{
    jsq *q = calloc(1, sizeof *q);
    if (!q)
        return -1;
    /* indexed by server: entries of servers outside the list stay unused */
    q->next = malloc(w->n_servers * sizeof *q->next);
    q->prev = malloc(w->n_servers * sizeof *q->prev);
    q->n_buckets = 1;
    q->head = malloc(sizeof *q->head);
    q->tail = malloc(sizeof *q->tail);
    if (!q->next || !q->prev || !q->head || !q->tail || grow(q, 63)) {
        release(q);
        return -1;
    }
    q->head[0] = q->tail[0] = EW_NONE;
    uint32_t most = 0;
    for (uint32_t j = 0; j < n; j++)
        if (w->servers[servers[j]].in_system > most)
            most = w->servers[servers[j]].in_system;
    if (grow(q, most)) {
        release(q);
        return -1;
    }
    for (uint32_t j = 0; j < n; j++)
        append_server(q, servers[j], w->servers[servers[j]].in_system);
    q->min = 0;
    while (q->min + 1 < q->n_buckets && q->head[q->min] == EW_NONE)
        q->min++;
    *state = q;
    return 0;
}

static uint32_t pick(void *state, const ew_world *w, gsl_rng *r)
{
    (void)w;
    (void)r;
    jsq *q = state;
    return q->head[q->min];
}

static int on_count(void *state, const ew_world *w, uint32_t i, uint32_t old_n)
{
    jsq *q = state;
    uint32_t n = w->servers[i].in_system;
    if (grow(q, n))
        return -1;
    unlink_server(q, i, old_n);
    append_server(q, i, n);
    if (n < q->min)
        q->min = n;
    while (q->head[q->min] == EW_NONE)
        q->min++;
    return 0;
}

const ew_routing_policy ew_routing_shortest_queue = {
    "shortest_queue",
    "the server with the fewest queries in system (first to reach that count on ties)",
    init, pick, on_count, release};
