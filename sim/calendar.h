/* calendar.h — the event calendar: a 4-ary min-heap of events ordered by
 * (time, sequence number). The sequence number is the order of insertion,
 * so events at the same instant run first-scheduled first and a run repeats
 * bit for bit. Events are stored in the heap array itself (no pointer per
 * event, no allocation per event once the array has grown to the largest
 * number pending). push and pop are inline: they are the engine's hot path.
 */
#ifndef EW_CALENDAR_H
#define EW_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

/* 24 bytes, so that more of the heap stays in cache: the kind rides in the
 * low bits of the key, below the sequence number, which keeps the order of
 * keys the order of insertion. */
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

typedef struct ew_calendar {
    ew_event *heap;    /* heap[0] is the earliest */
    size_t n, cap;
    uint64_t next_seq;  /* < 2^60: a run of 10^18 events is out of reach */
} ew_calendar;

/* Initialises an empty calendar with room for cap events (grows as needed).
 * Returns 0, or -1 if allocation fails. */
int ew_calendar_init(ew_calendar *c, size_t cap);
void ew_calendar_free(ew_calendar *c);
/* Grows the array; called by push when full. Returns 0 or -1. */
int ew_calendar_grow(ew_calendar *c);

static inline int ew_event_before(const ew_event *a, const ew_event *b)
{
    return a->t_s < b->t_s || (a->t_s == b->t_s && a->key < b->key);
}

/* Schedules an event; returns 0, or -1 if the calendar cannot grow. */
static inline int ew_calendar_push(ew_calendar *c, double t_s, uint32_t kind,
                                   uint32_t target, uint32_t arg)
{
    if (c->n == c->cap && ew_calendar_grow(c))
        return -1;
    ew_event e = {t_s, c->next_seq++ << EW_EVENT_KIND_BITS | kind, target, arg};
    size_t i = c->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (!ew_event_before(&e, &c->heap[parent]))
            break;
        c->heap[i] = c->heap[parent];
        i = parent;
    }
    c->heap[i] = e;
    return 0;
}

/* Fills the hole at the root with e, moving it down past earlier children
 * (internal to pop and replace_top). */
static inline void ew_calendar_sift_down_(ew_calendar *c, ew_event e)
{
    size_t n = c->n, i = 0;
    for (;;) {
        size_t first = 4 * i + 1;
        if (first >= n)
            break;
        size_t best = first, end = first + 4 < n ? first + 4 : n;
        for (size_t k = first + 1; k < end; k++)
            if (ew_event_before(&c->heap[k], &c->heap[best]))
                best = k;
        if (!ew_event_before(&c->heap[best], &e))
            break;
        c->heap[i] = c->heap[best];
        i = best;
    }
    if (n > 0)
        c->heap[i] = e;
}

/* Removes the earliest event into *out; returns 0, or -1 if empty. */
static inline int ew_calendar_pop(ew_calendar *c, ew_event *out)
{
    if (c->n == 0)
        return -1;
    *out = c->heap[0];
    ew_event last = c->heap[--c->n];
    ew_calendar_sift_down_(c, last);
    return 0;
}

/* Removes the earliest event and schedules a new one in a single sift-down:
 * what pop followed by push does, at half the cost. The calendar must not
 * be empty. */
static inline void ew_calendar_replace_top(ew_calendar *c, double t_s, uint32_t kind,
                                           uint32_t target, uint32_t arg)
{
    ew_event e = {t_s, c->next_seq++ << EW_EVENT_KIND_BITS | kind, target, arg};
    ew_calendar_sift_down_(c, e);
}

/* Time of the earliest event, or +infinity when empty. */
double ew_calendar_next_time(const ew_calendar *c);

#endif
