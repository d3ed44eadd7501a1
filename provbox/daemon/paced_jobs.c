/*
 * paced_jobs.c - the paces of the jobs handing out recipients (see
 * paced_jobs.h).
 */
#include <math.h>

#include "gwlib/gwlib.h"
#include "daemon/paced_jobs.h"
#include "daemon/active_job.h"
#include "daemon/pacer.h"

static void add(List *paced, Octstr *name, double pace, int by_rate)
{
    PacedJob *p = gw_malloc(sizeof(*p));

    p->name = octstr_duplicate(name);
    p->pace = pace;
    p->by_rate = by_rate;
    gwlist_append(paced, p);
}

List *paced_jobs_of(List *jobs, double throughput, time_t now)
{
    long n = gwlist_len(jobs), k = 0, i;
    double *limits = gw_malloc((n + 1) * sizeof(*limits)), level = HUGE_VAL;
    double *weights = gw_malloc((n + 1) * sizeof(*weights));
    ActiveJob **sending = gw_malloc((n + 1) * sizeof(*sending));
    List *paced = gwlist_create();

    for (i = 0; i < n; i++) {
        ActiveJob *aj = gwlist_get(jobs, i);
        if (!active_job_handing_out(aj, now))
            continue;
        limits[k] = aj->pacer.rate;
        weights[k] = aj->parts_each > 0 ? aj->parts_each : 1;
        sending[k++] = aj;
    }
    if (throughput > 0)
        level = pacer_share(throughput, limits, weights, k);
    for (i = 0; i < k; i++) {
        if (limits[i] > 0 && limits[i] <= level)
            add(paced, sending[i]->name, limits[i], 1);
        else if (level < HUGE_VAL)
            add(paced, sending[i]->name, level, 0);
    }
    gw_free(limits);
    gw_free(weights);
    gw_free(sending);
    return paced;
}

List *paced_jobs_copy(List *paced)
{
    List *copy = gwlist_create();
    PacedJob *p;
    long i;

    for (i = 0; i < gwlist_len(paced); i++) {
        p = gwlist_get(paced, i);
        add(copy, p->name, p->pace, p->by_rate);
    }
    return copy;
}

void paced_jobs_destroy(List *paced)
{
    PacedJob *p;

    while ((p = gwlist_extract_first(paced)) != NULL) {
        octstr_destroy(p->name);
        gw_free(p);
    }
    gwlist_destroy(paced, NULL);
}
