/* calendar.c — allocation side of the event calendar (see calendar.h). */
#include "calendar.h"

#include <math.h>
#include <stdlib.h>

int ew_calendar_init(ew_calendar *c, size_t cap)
{
    c->n = 0;
    c->next_seq = 0;
    c->cap = cap ? cap : 64;
    c->heap = malloc(c->cap * sizeof *c->heap);
    return c->heap ? 0 : -1;
}

void ew_calendar_free(ew_calendar *c)
{
    if (!c)
        return;
    free(c->heap);
    c->heap = NULL;
    c->n = c->cap = 0;
}

int ew_calendar_grow(ew_calendar *c)
{
    size_t cap = c->cap ? 2 * c->cap : 64;
    ew_event *h = realloc(c->heap, cap * sizeof *h);
    if (!h)
        return -1;
    c->heap = h;
    c->cap = cap;
    return 0;
}

double ew_calendar_next_time(const ew_calendar *c)
{
    return c->n ? c->heap[0].t_s : INFINITY;
}
