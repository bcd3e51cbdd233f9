/* host.h — the rest of the machine around an accelerator (data/hosts.csv):
 * a home gaming PC, a workstation, a laptop, a mini PC, a data-centre
 * server's share: idle and busy draw of everything but the GPU, the power
 * supply's efficiency (wall draw = DC draw / efficiency), and the embodied
 * carbon of everything but the GPU with the life it is amortised over.
 */
#ifndef EW_HOST_H
#define EW_HOST_H

#include <stddef.h>

#include "../../sim/ew.h"

typedef struct ew_host {
    char name[32];           /* e.g. "gaming-pc" */
    char label[96];
    double idle_w;           /* everything but the GPU, machine idle [W, DC side] */
    double busy_w;           /* everything but the GPU, serving a GPU job [W, DC side] */
    double psu_efficiency;   /* wall = DC / efficiency [1] */
    double embodied_kgco2e;  /* manufacturing carbon of everything but the GPU [kgCO2e];
                                0 if unknown */
    double lifetime_y;       /* service life it is amortised over [years]; 0 if unknown */
} ew_host;

typedef struct ew_host_catalog ew_host_catalog;   /* opaque */

/* Loads data/hosts.csv. Errors name file, line and column. The
 * embodied_kgco2e and lifetime_y columns are optional (absent: 0). */
int ew_host_catalog_load(const char *path, ew_host_catalog **out, ew_error *err);
void ew_host_catalog_free(ew_host_catalog *c);
size_t ew_host_catalog_count(const ew_host_catalog *c);
const ew_host *ew_host_catalog_at(const ew_host_catalog *c, size_t i);
const ew_host *ew_host_find(const ew_host_catalog *c, const char *name);

#endif
