/*
 * requeue.h - putting a failed job back into new/ (provctl requeue and the
 * admin interface's /requeue share it).
 *
 * Only failed/ jobs are requeued: a deferred job is retried by provbox
 * itself, and jobs in new/, active/ and done/ are refused with the reason.
 * The status file is kept as the record of what was already sent: every
 * recipient that is neither sent nor delivered goes back to queued
 * (counters, reason and entry code cleared), State becomes new, Reason is
 * dropped (a slotted status is changed in place: only the slots that
 * change and the state sector are written, synced, with O(1) memory; one
 * of provbox 1.x is rewritten whole); then the job and its status are
 * renamed into new/, and provbox
 * resumes from that record so phones that got the message do not get it
 * again. With `all`, the status is removed instead and every recipient is
 * sent again. The status is rewritten before the move, so provbox never
 * finds the job in new/ with the old record; both happen under the job's
 * status lock (job_lock.h), the rewrite through status_update_locked()
 * (status_update.h).
 */
#ifndef PROVBOX_REQUEUE_H
#define PROVBOX_REQUEUE_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"

/* 0 and *summary ("2 of 5 recipient(s) to send"), or -1 and *error. */
int spool_requeue(Spool *spool, Octstr *name, int all, Octstr **summary,
                  Octstr **error);

#endif
