/* pool.c — servers bucketed by load (see pool.h). */
#include "pool.h"

#include <stdlib.h>

#define NONE UINT32_MAX

static int grow(ew_pool *p, uint32_t need)
{
    if (need < p->n_buckets)
        return 0;
    uint32_t n = p->n_buckets ? p->n_buckets : 64;
    while (n <= need)
        n *= 2;
    uint32_t *h = realloc(p->head, n * sizeof *h);
    if (h)
        p->head = h;
    uint32_t *t = realloc(p->tail, n * sizeof *t);
    if (t)
        p->tail = t;
    if (!h || !t)
        return -1;
    for (uint32_t k = p->n_buckets; k < n; k++)
        p->head[k] = p->tail[k] = NONE;
    p->n_buckets = n;
    return 0;
}

int ew_pool_init(ew_pool *p, uint32_t n_servers)
{
    *p = (ew_pool){0};
    p->next = malloc((n_servers ? n_servers : 1) * sizeof *p->next);
    p->prev = malloc((n_servers ? n_servers : 1) * sizeof *p->prev);
    if (!p->next || !p->prev || grow(p, 63)) {
        ew_pool_free(p);
        return -1;
    }
    return 0;
}

void ew_pool_free(ew_pool *p)
{
    if (!p)
        return;
    free(p->next);
    free(p->prev);
    free(p->head);
    free(p->tail);
    *p = (ew_pool){0};
}

static void unlink_server(ew_pool *p, uint32_t i, uint32_t n)
{
    if (p->prev[i] != NONE)
        p->next[p->prev[i]] = p->next[i];
    else
        p->head[n] = p->next[i];
    if (p->next[i] != NONE)
        p->prev[p->next[i]] = p->prev[i];
    else
        p->tail[n] = p->prev[i];
}

static void append_server(ew_pool *p, uint32_t i, uint32_t n)
{
    p->next[i] = NONE;
    p->prev[i] = p->tail[n];
    if (p->tail[n] != NONE)
        p->next[p->tail[n]] = i;
    else
        p->head[n] = i;
    p->tail[n] = i;
}

/* Moves min up past empty buckets (after a removal or a count rising). */
static void settle(ew_pool *p)
{
    if (p->size == 0) {
        p->min = 0;
        return;
    }
    while (p->head[p->min] == NONE)
        p->min++;
}

int ew_pool_add(ew_pool *p, uint32_t i, uint32_t n)
{
    if (grow(p, n))
        return -1;
    append_server(p, i, n);
    if (p->size++ == 0 || n < p->min)
        p->min = n;
    return 0;
}

void ew_pool_remove(ew_pool *p, uint32_t i, uint32_t n)
{
    unlink_server(p, i, n);
    p->size--;
    settle(p);
}

int ew_pool_move(ew_pool *p, uint32_t i, uint32_t old_n, uint32_t n)
{
    if (grow(p, n))
        return -1;
    unlink_server(p, i, old_n);
    append_server(p, i, n);
    if (n < p->min)
        p->min = n;
    settle(p);
    return 0;
}

uint32_t ew_pool_min(const ew_pool *p, uint32_t *n)
{
    if (p->size == 0)
        return NONE;
    if (n)
        *n = p->min;
    return p->head[p->min];
}
