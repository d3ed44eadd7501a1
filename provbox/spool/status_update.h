/*
 * status_update.h - the read-modify-write of a job's NAME.status: read it,
 * change it, write it, under the job's status lock (job_lock.h), the one
 * way every writer changes a record that is there.
 *
 * A change sees the status as a JobRecord: its head (Job, Id, State,
 * Reason...) and its recipients, each read when the change asks for it. A
 * status in the slotted layout is changed in place (status_file.h): a
 * change that touches k recipients reads and writes k slots, whatever the
 * job's size, then the state sector if State or Reason changed. A status
 * in provbox 1.x's layout, one whose header lines change, or a new one, is
 * written whole (temp file, fsync, rename: spool_write_status()).
 *
 *   status_update()         one change to one job, durable when it returns:
 *                           lock, read, apply, write, sync, unlock. The
 *                           claim's state changes (daemon/job_intake.c:
 *                           rejected, deferred) use it.
 *   status_update_locked()  the same for a caller that already holds the
 *                           job's status lock, because it covers more than
 *                           the change (spool/requeue.c: the check that the
 *                           job is in failed/, and the move to new/).
 *   job_record_load() ...   the steps both are made of, for a caller that
 *                           batches many jobs' changes under one sync
 *                           (daemon/job_record.c, the dispatcher's rounds):
 *                           load, settle, write in place or format whole.
 *
 * The claim took no status lock for its state changes before they were
 * routed here, and nothing in its history says why: it was written before
 * status locks were shared by processes, and requeue took the lock later
 * for the race the claim still had (a delivery report for a resumed job's
 * earlier segments, recorded by another process while the claim rewrote
 * the status whole, could be lost). The lock cannot deadlock the loader:
 * it holds no other status lock and no mutex while it waits, and a
 * dispatcher batch never waits while it holds locks (it commits what it
 * has first).
 *
 * provctl resend and /resend read a status and never change it; they read
 * without the lock (status_view.h, resend.h).
 */
#ifndef PROVBOX_STATUS_UPDATE_H
#define PROVBOX_STATUS_UPDATE_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/job_status.h"
#include "spool/status_file.h"

/* One job's status as a change sees it. */
typedef struct JobRecord JobRecord;

/* Change a status in memory; ctx is the caller's. */
typedef void job_record_apply_fn(JobRecord *record, void *ctx);

/* Job, Id, State, Reason...: the change may set any of them (a batch's
 * move sets State). Its recipients list is not the record's: use the
 * calls below. */
JobStatus *job_record_head(JobRecord *record);
/* Recipients in the status. */
long job_record_count(JobRecord *record);
/* The recipient at index i, read on demand, which the change may modify;
 * NULL when the status does not list it or it cannot be read. */
RecipientStatus *job_record_recipient(JobRecord *record, long i);
/* Append a recipient (a new status is filled in this way). A new status
 * with entry_codes set gets slots for Entry-Code lines. */
RecipientStatus *job_record_add(JobRecord *record, Octstr *msisdn);
void job_record_want_entry_codes(JobRecord *record);

/*
 * How the change moved its recipients between states: change[state] = the
 * recipients in that state now less before, on disk as the record read
 * them (a recipient added to a new status counts as queued before). Of a
 * record in place, only the recipients read through job_record_recipient()
 * count (job_record_each()'s are not followed).
 */
#define JOB_RECORD_STATES (RCPT_EXPIRED + 1)
void job_record_change(JobRecord *record, long *change);
/* A status file was there when the record was loaded. */
int job_record_exists(const JobRecord *record);
/* Read whole: why its text did not parse (the record then starts anew),
 * or NULL. */
Octstr *job_record_damage(const JobRecord *record);
/* Recipients by state, as status_file_tally() counts them: 0, or -1 + *why. */
int job_record_tally(JobRecord *record, StatusTally *tally, Octstr **why);
/*
 * A change to every recipient in one of `states` (a bit per RecipientState;
 * a slot torn by a crash reads as queued), in order and with O(1) memory:
 * fn returns 1 when it changed the recipient (torn: its slot was torn).
 * In place, each changed slot is written at once; read whole, the status
 * is written with the rest. Not to be mixed with job_record_recipient() in
 * one change. 0, or -1 + *why (a slot that cannot be read or written).
 */
typedef int job_record_each_fn(RecipientStatus *recipient, int torn, void *ctx);
int job_record_each(JobRecord *record, unsigned states, job_record_each_fn *fn, void *ctx,
                    Octstr **why);
/* The change is refused for `why` (taken): status_update() writes nothing
 * and returns -1 with it. */
void job_record_refuse(JobRecord *record, Octstr *why);

/*
 * status_update(): the change `apply` made to the status of job `name` in
 * `state` (a status an interrupted move left elsewhere is brought to the
 * job first), written and synced. create: the caller may write the job's
 * first status (its owner); without it, a job with none gets nothing
 * written. Returns 0, -1 + *error (the change refused, the lock or the
 * write failed), or STATUS_UPDATE_UNREADABLE: the status is there but
 * cannot be read now, and nothing was applied or written (a new one would
 * lose its record).
 */
#define STATUS_UPDATE_UNREADABLE (-2)
int status_update(Spool *spool, SpoolState state, Octstr *name, int create,
                  job_record_apply_fn *apply, void *ctx, Octstr **error);
int status_update_locked(Spool *spool, SpoolState state, Octstr *name, int create,
                         job_record_apply_fn *apply, void *ctx, Octstr **error);

/*
 * The steps, for batches (callers hold the job's status lock from the load
 * to the write):
 *   job_record_load()    the record of the job in `state`: in place when its
 *                        status is slotted, else read whole (a new one where
 *                        there is none). owner: the caller owns the job, so
 *                        its status is only where the job is; else a stray
 *                        one is brought to it first. NULL when the status
 *                        cannot be read now.
 *   job_record_settle()  after the changes: a record that cannot be
 *                        written in place (a header line changed, entry
 *                        codes wider than its slots) becomes whole. 0, or
 *                        -1 when a slot cannot be read.
 *   then, by job_record_in_place():
 *     job_record_write_in_place()  the slots read and the state sector, if
 *                                  changed; job_record_sync() makes them
 *                                  durable (fdatasync), or one syncfs does.
 *     job_record_format()          the whole text, *unchanged when it is
 *                                  what was read (nothing to write).
 */
JobRecord *job_record_load(Spool *spool, SpoolState state, Octstr *name, int owner);
void job_record_destroy(JobRecord *record);
int job_record_settle(JobRecord *record);
int job_record_in_place(const JobRecord *record);
int job_record_write_in_place(JobRecord *record, Octstr **why);
int job_record_sync(JobRecord *record, Octstr **why);
Octstr *job_record_format(JobRecord *record, int *unchanged);

#endif
