/* service.c — service demand distributions (see workload.h). */
#include "workload.h"

#include <math.h>
#include <gsl/gsl_randist.h>

void ew_service_init(ew_service *sv, const ew_scenario *s)
{
    sv->dist = s->service;
    sv->mean_s = s->service_mean_s;
    double cv = s->service_cv;
    switch (s->service) {
    case EW_SERVICE_LOGNORMAL: {
        double var_log = log1p(cv * cv);
        sv->p1 = log(sv->mean_s) - 0.5 * var_log;   /* zeta */
        sv->p2 = sqrt(var_log);                     /* sigma */
        break;
    }
    case EW_SERVICE_GAMMA:
        sv->p1 = 1.0 / (cv * cv);                   /* shape */
        sv->p2 = sv->mean_s * cv * cv;              /* scale */
        break;
    default:
        sv->p1 = sv->p2 = 0.0;
    }
}

double ew_service_draw(const ew_service *sv, gsl_rng *r)
{
    switch (sv->dist) {
    case EW_SERVICE_EXPONENTIAL:   return gsl_ran_exponential(r, sv->mean_s);
    case EW_SERVICE_DETERMINISTIC: return sv->mean_s;
    case EW_SERVICE_LOGNORMAL:     return gsl_ran_lognormal(r, sv->p1, sv->p2);
    case EW_SERVICE_GAMMA:         return gsl_ran_gamma(r, sv->p1, sv->p2);
    }
    return sv->mean_s;
}
