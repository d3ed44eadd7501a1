/*
 * job_record.h - recording what happened to a job in its NAME.status file,
 * a dispatcher round at a time.
 *
 * The status file is the one truth about a job, shared by every provbox on
 * the spool: acks are recorded by the process that sends the job, delivery
 * reports by whichever process bearerbox hands them to. Every change is a
 * read-modify-write under the job's status lock (job_lock.h), wherever the
 * job is at that moment, optionally followed by a move to another state; a
 * recipient's state is derived from its counters so that updates from
 * different processes merge instead of overwriting each other.
 *
 * A change sees the status as a JobRecord (spool/status_update.h): in
 * place when it is slotted (a round that touches k recipients of a job
 * reads and writes k slots, whatever the job's size), whole (temp file,
 * rename) when it is new or in provbox 1.x's layout. A batch is made of
 * status_update.h's steps, as its single changes are.
 */
#ifndef PROVBOX_JOB_RECORD_H
#define PROVBOX_JOB_RECORD_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/job_status.h"
#include "spool/status_update.h"

#define JOB_RECORD_STAY (-1)
#define JOB_RECORD_FIND (-1)

/*
 * Batched recording: one round's changes to many jobs, made durable together
 * (temp files, one data sync, the renames, one fsync per directory, then the
 * moves). job_record_batch_update() applies the change at once to the
 * job's status in memory (changes to one job in one batch merge into one
 * write) and holds the job's status lock until the commit; a status lock
 * held by someone else makes it commit what it has first, so it never
 * waits while holding locks. Nothing is on disk, and nobody may act on
 * the change (ack, move, reopen the window), before job_record_batch_commit();
 * job_record_batch_ok() then says whether the change to a job landed. A
 * batch may commit more than once (a lock held by someone else commits
 * what it has): job_record_batch_ok() answers for every commit since
 * job_record_batch_forget(), with which a batch kept for round after
 * round starts each round.
 */
typedef struct JobRecordBatch JobRecordBatch;

/* unnamed_max: how many new status files may be staged unnamed, each
 * holding a descriptor until the commit (open_files.h); the others are
 * staged under temp names. */
JobRecordBatch *job_record_batch_create(Spool *spool, long unnamed_max);
/*
 * 0, or -1 + *error when the job is gone or its status cannot be locked.
 * owned_in: the state in which the caller owns the job (its status is then
 * read only there), or JOB_RECORD_FIND to look for the job. Only an owner
 * writes a job's first status: a change found with JOB_RECORD_FIND to a
 * job that has none yet does not land (a delivery report that overtook
 * the job's first record waits for it).
 */
int job_record_batch_update(JobRecordBatch *batch, Octstr *name, int owned_in,
                            job_record_apply_fn *apply, void *ctx, int move_to,
                            Octstr **error);
/*
 * Watching what a batch writes (the status page's per-job counts,
 * job_progress.h): at each commit, for each job whose status was written,
 * fn(ctx, name, change) with change[state] = its recipients in that state
 * now less before (a recipient added to a new status counts as queued
 * before), on disk as the batch read and wrote it. Costs what the batch
 * read: the recipients it touched.
 */
typedef void job_record_changed_fn(void *ctx, Octstr *name, const long *change);
void job_record_batch_watch(JobRecordBatch *batch, job_record_changed_fn *fn, void *ctx);
/* Returns the number of jobs whose change did not land (each is logged). */
long job_record_batch_commit(JobRecordBatch *batch);
int job_record_batch_ok(JobRecordBatch *batch, Octstr *name);
void job_record_batch_forget(JobRecordBatch *batch);
void job_record_batch_destroy(JobRecordBatch *batch);

/* Recompute a recipient's state from its counters (failed/expired stay). */
void job_record_derive_state(RecipientStatus *recipient);

#endif
