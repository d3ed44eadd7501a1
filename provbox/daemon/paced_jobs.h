/*
 * paced_jobs.h - which jobs are paced now, at what pace and by what, as
 * the status page shows them: each job handing out recipients gets the
 * share of the box's throughput that round-robin gives it (pacer_share()),
 * held to its own Rate:. Jobs held by neither are not paced and not
 * listed. The dispatcher takes a snapshot once a second; other threads
 * read copies of it.
 */
#ifndef PROVBOX_PACED_JOBS_H
#define PROVBOX_PACED_JOBS_H

#include <time.h>
#include "gwlib/gwlib.h"

typedef struct PacedJob {
    Octstr *name;
    double pace;       /* recipients per second */
    int by_rate;       /* held by its Rate: (else by its share of throughput) */
} PacedJob;

/* The PacedJob*s of jobs (ActiveJob*), under the box's throughput
 * (segments per second, 0 = none), at now. */
List *paced_jobs_of(List *jobs, double throughput, time_t now);
List *paced_jobs_copy(List *paced);
void paced_jobs_destroy(List *paced);

#endif
