/* engine.c — the event loop (see engine.h). */
#include "engine.h"

#include <math.h>

#include "ew.h"

int ew_engine_init(ew_engine *e, void *ctx)
{
    *e = (ew_engine){0};
    e->ctx = ctx;
    return ew_calendar_init(&e->cal, 1024);
}

void ew_engine_free(ew_engine *e)
{
    if (e)
        ew_calendar_free(&e->cal);
}

int ew_engine_run(ew_engine *e, double until_s)
{
    ew_event ev;
    const ew_event *top;
    while ((top = ew_calendar_peek(&e->cal)) && top->t_s < until_s) {
        /* leave the event at the root while it is handled (see schedule) */
        ev = *top;
        e->top_done = 1;
        e->now_s = ev.t_s;
        e->events++;
        int rc = e->handlers[ew_event_kind(&ev)](e, &ev, e->ctx);
        if (e->top_done) {
            e->top_done = 0;
            ew_calendar_pop(&e->cal, &ev);
        }
        if (rc)
            return rc;
        if (e->progress && (e->events & ((1u << 20) - 1)) == 0)
            e->progress(e, e->ctx);
    }
    if (isfinite(until_s))
        e->now_s = until_s;
    return EW_OK;
}
