/*
 * job_claim.h - taking jobs into this process: claim, defer, reject, adopt.
 *
 *   job_claim()     rename a job from new/ or deferred/ into active/, take its
 *                   ownership lock and load it. A job that may not send yet
 *                   (its Not-Before lies ahead, or its send window is closed:
 *                   job_schedule.h) goes to deferred/ with a Reason saying
 *                   until when (its mtime set to that time, which is how
 *                   deferred/ is scanned, as Postfix does); a job that
 *                   cannot be read, parsed, compiled or fitted into
 *                   max-segments, or whose document has a lint error under
 *                   Lint: strict, goes to failed/ with the reason. Lint's
 *                   findings on a job that is sent are logged, a warning
 *                   line each (and go into its status: active_job.h).
 *   job_claim_adopt()
 *                   take over a job in active/ whose owner died (its
 *                   ownership lock is free) and resume it from its status.
 *                   A job that cannot be opened for want of descriptors or
 *                   memory, or whose status is there but cannot be read, is
 *                   neither failed nor sent (its recipients would get it
 *                   again): it stays in active/ for a later rescan. One
 *                   outside its send window goes to deferred/.
 *   job_claim_due() names in deferred/ whose time has come.
 *
 * Documents are compiled through the caller's cache (compile_cache.h).
 * Each returns a loaded ActiveJob, or NULL when the job is not (or no longer)
 * ours to send; the reason is logged and recorded, naming the job.
 */
#ifndef PROVBOX_JOB_CLAIM_H
#define PROVBOX_JOB_CLAIM_H

#include "gwlib/gwlib.h"
#include "daemon/config.h"
#include "daemon/active_job.h"
#include "spool/spool.h"

typedef enum {
    CLAIM_CLAIMED,
    CLAIM_LOST_RACE,
    CLAIM_DEFERRED,
    CLAIM_REJECTED,
    CLAIM_POSTPONED      /* in active/ but not loadable now (no descriptor
                            left, status unreadable): a rescan adopts it */
} ClaimResult;

ActiveJob *job_claim(Spool *spool, const ProvboxConfig *config, CompileCache *cache,
                     Octstr *name, SpoolState from, ClaimResult *result);
ActiveJob *job_claim_adopt(Spool *spool, const ProvboxConfig *config, CompileCache *cache,
                           Octstr *name, ClaimResult *result);
List *job_claim_due(Spool *spool, long max);

/* Move a job into failed/ with its reason (also used for whole-job failures). */
void job_claim_reject(Spool *spool, Octstr *name, SpoolState from, Octstr *reason);

/* The job in `state` is due at `when` once in deferred/ (its mtime). */
void job_claim_set_due(Spool *spool, Octstr *name, SpoolState state, time_t when);

#endif
