/* routing.c — the table of routing policies (add a line to add one). */
#include "routing.h"

#include <string.h>

static const ew_routing_policy *const policies[] = {
    &ew_routing_uniform,
    &ew_routing_weighted,
    &ew_routing_shortest_queue,
};

const ew_routing_policy *ew_routing_at(int i)
{
    if (i < 0 || (size_t)i >= sizeof policies / sizeof policies[0])
        return NULL;
    return policies[i];
}

const ew_routing_policy *ew_routing_find(const char *name)
{
    for (int i = 0; ew_routing_at(i); i++)
        if (strcmp(ew_routing_at(i)->name, name) == 0)
            return ew_routing_at(i);
    return NULL;
}
