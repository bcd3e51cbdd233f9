/* pool.h — servers kept in buckets by their number of queries in system,
 * so that the least loaded is found in O(1) and every change of a count
 * costs O(1): doubly linked FIFO lists per count and the lowest non-empty
 * count tracked (counts change by one at a time). Among equals the server
 * that reached the count first comes first. Used for each site's online
 * servers (sim/world.c) and by join-the-shortest-queue routing.
 */
#ifndef EW_POOL_H
#define EW_POOL_H

#include <stdint.h>

typedef struct ew_pool {
    uint32_t *next, *prev;   /* per server (indexed by world server index) */
    uint32_t *head, *tail;   /* per count: first and last server, or UINT32_MAX */
    uint32_t n_buckets;
    uint32_t min;            /* lowest count holding a server */
    uint32_t size;           /* servers in the pool */
} ew_pool;

/* An empty pool for servers indexed 0 .. n_servers - 1. 0, or -1 (memory). */
int ew_pool_init(ew_pool *p, uint32_t n_servers);
void ew_pool_free(ew_pool *p);
/* Adds server i with count n (not already in). 0, or -1 (memory). */
int ew_pool_add(ew_pool *p, uint32_t i, uint32_t n);
/* Removes server i, whose count is n. */
void ew_pool_remove(ew_pool *p, uint32_t i, uint32_t n);
/* Server i's count went from old_n to n. 0, or -1 (memory). */
int ew_pool_move(ew_pool *p, uint32_t i, uint32_t old_n, uint32_t n);
/* The least loaded server, or UINT32_MAX when empty; its count in *n. */
uint32_t ew_pool_min(const ew_pool *p, uint32_t *n);

#endif
