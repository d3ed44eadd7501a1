/*
 * status_jobs.h - the status page's per-job sections: `jobs`, one record
 * per job this process sends now, then up to DEFERRED_SHOWN jobs in
 * deferred/, then the jobs it finished last (job_progress.h), and
 * `recent-failures`, the last failures (recent_errors.h) with the
 * recipient each concerns.
 *
 * A deferred job comes from job_progress when this process deferred it;
 * one it does not know (deferred before a restart, or by another provbox)
 * from its status file: Id, Reason and the count of recipients from the
 * header, and the counts by state only when it lists at most
 * DEFERRED_TALLY_MAX recipients. So the cost is that of the jobs listed,
 * whatever the spool holds.
 */
#ifndef PROVBOX_STATUS_JOBS_H
#define PROVBOX_STATUS_JOBS_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"

#define DEFERRED_SHOWN 20
#define DEFERRED_TALLY_MAX 5000

/* Adds the two sections; errors: recent_errors_list()'s. Returns how many
 * deferred jobs it listed. */
long status_jobs_gather(List *sections, Spool *spool, List *errors);

#endif
