/*
 * job_schedule.h - when a job may send: after its Not-Before: and inside
 * its send window (its Send-Window:, else provbox.conf's send-window),
 * the later of the two; when its window closes; and the Reason: of a job
 * that waits in deferred/, saying what it waits for and until when (UTC).
 */
#ifndef PROVBOX_JOB_SCHEDULE_H
#define PROVBOX_JOB_SCHEDULE_H

#include <time.h>
#include "gwlib/gwlib.h"
#include "daemon/config.h"
#include "spool/job.h"

/* The first instant from now on at which the job may send: now, or later
 * and then (when reason is not NULL) *reason, a new Octstr. */
time_t schedule_due(const Job *job, const ProvboxConfig *config, time_t now,
                    Octstr **reason);

/* For a job that may send now: when its window closes, or 0 when it has
 * none or it never closes. */
time_t schedule_window_closes(const Job *job, const ProvboxConfig *config, time_t now);

#endif
