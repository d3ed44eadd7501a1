/*
 * job_progress.h - each job's progress as this process knows it: the
 * jobs it sends now, those it deferred, and the last ones it finished,
 * for the status page (status_page.h) and anything else that reports per
 * job (a metrics endpoint uses the same snapshot).
 *
 * The counts are the recipients by their state in the job's status file,
 * kept as they change, never by reading the status again: taken once when
 * the job is claimed (its status read anyway to resume it), then changed
 * by every status write of this process (job_record_batch_watch(): acks,
 * failures, delivery reports, including those that arrive after the job
 * finished). So they are the status file's, at most one record round
 * (a second) behind the dispatcher; a delivery report another provbox on
 * the same spool records is not seen. A snapshot costs the jobs it holds:
 * those active here (at most max-pending), and at most JOB_PROGRESS_DEFERRED
 * deferred and JOB_PROGRESS_RECENT finished ones.
 *
 * Thread-safe. Every call but job_progress_init() is a no-op (an empty
 * snapshot) before it and after job_progress_shutdown(), so that modules
 * that report to it can be tested without it. Names, Ids and reasons are
 * raw: escape them where they are shown (common/escape.h). No PIN, IMSI
 * or entry code is ever kept.
 */
#ifndef PROVBOX_JOB_PROGRESS_H
#define PROVBOX_JOB_PROGRESS_H

#include <time.h>
#include "gwlib/gwlib.h"
#include "spool/spool.h"

#define JOB_PROGRESS_RECENT 20      /* finished jobs kept, newest first */
#define JOB_PROGRESS_DEFERRED 1000  /* deferred jobs kept, newest first */

typedef struct JobProgress {
    Octstr *name;
    Octstr *id;          /* its Id: header, or NULL */
    SpoolState state;    /* SPOOL_ACTIVE, SPOOL_DEFERRED, SPOOL_DONE or SPOOL_FAILED */
    long recipients;     /* -1 when unknown (refused before it was read) */
    long pending;        /* not yet handed to bearerbox (queued) */
    long sent;           /* handed to bearerbox, no final delivery report yet */
    long delivered;      /* a positive report for every segment */
    long undelivered;    /* a negative report */
    long failed;         /* refused by bearerbox, not encodable, or expired */
    double rate;         /* recipients a second leaving pending: over the last
                          * minute while active, over its run once finished;
                          * -1 when unknown (deferred, or too soon to say) */
    time_t started;      /* when this process claimed (or deferred) it */
    time_t finished;     /* when it left active/; 0 while active */
    Octstr *reason;      /* deferred: why, until when; failed: why; or NULL */
} JobProgress;

void job_progress_init(void);
void job_progress_shutdown(void);

/*
 * A job claimed (state SPOOL_ACTIVE) or deferred at its claim
 * (SPOOL_DEFERRED, with its reason), by_state[RecipientState] its
 * recipients by their recorded state (all queued for a new job).
 */
void job_progress_claimed(Octstr *name, Octstr *id, const long *by_state,
                          SpoolState state, Octstr *reason);
/* A job_record_changed_fn (ctx unused): a status write changed the
 * recipients of job `name` by change[RecipientState]. */
void job_progress_changed(void *ctx, Octstr *name, const long *change);
/* It left active/ for done/, failed/ (reason: why) or deferred/ (reason:
 * why and until when). */
void job_progress_moved(Octstr *name, SpoolState to, Octstr *reason);
/* Refused at its claim: into failed/ with its reason. */
void job_progress_rejected(Octstr *name, Octstr *reason);
/* The samples the active jobs' rates come from: called as often as
 * convenient (the dispatcher's every round); it does its work once a
 * second. */
void job_progress_tick(void);

/* A copy: the active jobs (in the order claimed), the deferred ones, then
 * the finished ones, each newest first; free with job_progress_destroy(). */
List *job_progress_snapshot(void);
void job_progress_destroy(List *snapshot);
/* One JobProgress, copied (for callers that build their own). */
JobProgress *job_progress_copy(const JobProgress *p);
void job_progress_free(JobProgress *p);
/* Seconds until its pending recipients are handed out at its rate; -1
 * when unknown (no rate, or not active). */
long job_progress_eta(const JobProgress *p);

#endif
