/* calendar.h — the event calendar, ordered by (time, sequence number). The
 * sequence number is the order of insertion, so events at the same instant
 * run first-scheduled first and a run repeats bit for bit.
 *
 * Two tiers, after the ladder queue (W. T. Tang, R. S. M. Goh and I. L.-J.
 * Thng, "Ladder queue: an O(1) priority queue structure for large-scale
 * discrete event simulation", ACM TOMACS 15(3), 2005): the near future sits
 * in a small 4-ary heap; later events wait unsorted in a ring of buckets of
 * equal width, and events past the ring in an overflow list. The bucket of
 * time t is floor((t − start)·inv_width), a non-decreasing function of t,
 * so every event in a later bucket is strictly later than every event in
 * the heap, and events with equal times always meet in the same heap, where
 * the sequence number orders them: the order is exactly that of one big
 * heap, at O(1) amortised cost. The width is re-estimated from the pending
 * events whenever the ring is rebuilt (ring used up, or heap too large).
 * No allocation per event once the arrays have grown to the largest number
 * of events pending.
 */
#ifndef EW_CALENDAR_H
#define EW_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

/* 24 bytes: the kind rides in the low bits of the key, below the sequence
 * number, which keeps the order of keys the order of insertion. */
#define EW_EVENT_KIND_BITS 4
typedef struct ew_event {
    double t_s;        /* when [s] */
    uint64_t key;      /* sequence number << EW_EVENT_KIND_BITS | kind */
    uint32_t target;   /* what the event is for (a server index, ...) */
    uint32_t arg;      /* small payload (a query id, a generation, ...) */
} ew_event;

/* index into the engine's handler table (< 2^EW_EVENT_KIND_BITS) */
static inline uint32_t ew_event_kind(const ew_event *e)
{
    return (uint32_t)(e->key & ((1u << EW_EVENT_KIND_BITS) - 1));
}

typedef struct ew_calendar_node { ew_event e; uint32_t next; } ew_calendar_node;

typedef struct ew_calendar {
    ew_event *heap;           /* near future: bucket index <= cur; heap[0] earliest */
    size_t n, cap;
    ew_calendar_node *pool;   /* events in buckets and overflow, linked by index */
    uint32_t pool_free;
    size_t pool_cap;
    uint32_t *bucket;         /* head of each bucket's list, or UINT32_MAX */
    size_t n_buckets;         /* 0 until the first rebuild */
    size_t cur;               /* bucket whose events are in the heap */
    double start_s;           /* ring origin [s] */
    double inv_width;         /* buckets per second [1/s]; 0: everything in the heap */
    uint32_t overflow;        /* list of events past the ring */
    size_t n_far;             /* events in buckets and overflow */
    size_t rebuild_at;        /* heap size that triggers a rebuild */
    uint64_t next_seq;        /* < 2^60: a run of 10^18 events is out of reach */
} ew_calendar;

/* Initialises an empty calendar. Returns 0, or -1 if allocation fails. */
int ew_calendar_init(ew_calendar *c, size_t cap);
void ew_calendar_free(ew_calendar *c);
/* Number of pending events. */
size_t ew_calendar_size(const ew_calendar *c);

/* Schedules an event; returns 0, or -1 if out of memory. */
int ew_calendar_push(ew_calendar *c, double t_s, uint32_t kind, uint32_t target,
                     uint32_t arg);
/* Internal to ew_calendar_peek: refills the heap from the buckets. */
const ew_event *ew_calendar_peek_slow_(ew_calendar *c);

/* The earliest event, left in place, or NULL when empty. Valid until the
 * next call that changes the calendar. (Inline: called for every event.) */
static inline const ew_event *ew_calendar_peek(ew_calendar *c)
{
    return c->n ? &c->heap[0] : ew_calendar_peek_slow_(c);
}
/* Removes the earliest event into *out; returns 0, or -1 if empty. */
int ew_calendar_pop(ew_calendar *c, ew_event *out);
/* Removes the earliest event (which peek returned) and schedules a new one:
 * what pop followed by push does, at about half the cost when the new event
 * falls in the near future. Returns 0, or -1 if out of memory. */
int ew_calendar_replace_top(ew_calendar *c, double t_s, uint32_t kind, uint32_t target,
                            uint32_t arg);
/* Time of the earliest event, or +infinity when empty. */
double ew_calendar_next_time(ew_calendar *c);

#endif
