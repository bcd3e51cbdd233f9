/* engine.h — the discrete-event loop: a clock, a calendar and a table of
 * handlers by event kind. The engine knows nothing of servers or watts:
 * a model registers a handler for each event kind it defines and schedules
 * events through ew_engine_schedule; the loop pops the earliest event,
 * advances the clock to it and calls its handler, until the horizon.
 */
#ifndef EW_ENGINE_H
#define EW_ENGINE_H

#include <stdint.h>

#include "calendar.h"

#define EW_ENGINE_KINDS (1u << EW_EVENT_KIND_BITS)
#define EW_ENGINE_STOP 1     /* a handler's "end the run now" */

typedef struct ew_engine ew_engine;
/* Handles one event; returns 0, EW_ENGINE_STOP, or a negative ew_status. */
typedef int (*ew_handler)(ew_engine *e, const ew_event *ev, void *ctx);
/* Called about every 2^20 events; may print progress. */
typedef void (*ew_progress)(const ew_engine *e, void *ctx);

struct ew_engine {
    ew_calendar cal;
    double now_s;                          /* simulated clock [s] */
    uint64_t events;                       /* events handled so far */
    ew_handler handlers[EW_ENGINE_KINDS];
    void *ctx;                             /* passed to handlers */
    ew_progress progress;                  /* optional */
    int top_done;                          /* the root is the event being handled */
};

/* Initialises an engine whose handlers receive ctx. 0, or -1 if out of memory. */
int ew_engine_init(ew_engine *e, void *ctx);
void ew_engine_free(ew_engine *e);

/* Schedules an event at t_s (>= now). Returns 0, or EW_ENOMEM. */
static inline int ew_engine_schedule(ew_engine *e, double t_s, uint32_t kind,
                                     uint32_t target, uint32_t arg)
{
    /* The event being handled is still the calendar's root: the first event
     * its handler schedules takes its place (same order as pop then push). */
    int rc;
    if (e->top_done) {
        e->top_done = 0;
        rc = ew_calendar_replace_top(&e->cal, t_s, kind, target, arg);
    } else {
        rc = ew_calendar_push(&e->cal, t_s, kind, target, arg);
    }
    return rc ? -3 /* EW_ENOMEM */ : 0;
}

/* Runs events with time < until_s (the horizon is half-open). Returns 0 when
 * the horizon is reached or the calendar is empty (now_s = until_s, or the
 * time of the last event when until_s is infinite), EW_ENGINE_STOP if a
 * handler stopped the run (now_s = that event's time), or a handler's
 * negative status. Events not handled stay in the calendar. */
int ew_engine_run(ew_engine *e, double until_s);

#endif
