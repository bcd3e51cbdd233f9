/* server.h — the state of one server of a site, as the engine keeps it and
 * as models read it. A server is off, waking or on; when on it serves up to
 * `slots` queries at once from a first-come-first-served queue.
 */
#ifndef EW_SERVER_H
#define EW_SERVER_H

#include <stdint.h>

#define EW_NONE UINT32_MAX   /* "no query" / "no server" */

typedef enum ew_server_state {
    EW_SERVER_ON,       /* idle or serving */
    EW_SERVER_WAKING,   /* switching on after a sleep; draws idle power */
    EW_SERVER_OFF       /* asleep; draws off power */
} ew_server_state;

typedef struct ew_server {
    uint32_t site;          /* index of its site */
    uint32_t in_system;     /* queued + in service [queries] */
    uint32_t busy;          /* slots serving [queries] */
    uint32_t state;         /* ew_server_state */
    uint32_t queue_head;    /* first waiting query id, or EW_NONE */
    uint32_t queue_tail;    /* last waiting query id, or EW_NONE */
    uint32_t sleep_gen;     /* bumped at each wake-up: stale sleep timers ignore */
    uint32_t offline;       /* reasons it is not offered (bits): 0 = online */
    double power_w;         /* present draw [W] */
    double t_last_s;        /* time of the last energy update [s] */
    double energy_j;        /* energy so far [J] */
    double busy_slot_s;     /* integral of busy slots over time [slot·s] */
    double off_s;           /* time spent off [s] */
    uint64_t arrivals;      /* queries routed here */
    uint64_t completions;   /* queries finished here */
} ew_server;

#endif
