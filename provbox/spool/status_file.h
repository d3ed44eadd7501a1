/*
 * status_file.h - changing a status file in place (the slotted layout of
 * job_status.h), the way Postfix marks a recipient done in its queue file.
 *
 * A recorded change rewrites only what changed: one recipient's slot, or
 * the state sector, each by one pwrite() at its fixed offset. The file
 * keeps its size and its blocks, so recording costs the same whatever the
 * number of recipients, and no block is ever freed (freeing is what costs
 * milliseconds on a file system mounted with discard). Nothing here syncs:
 * the caller makes a round's writes durable together (spool_sync_data()).
 *
 * A status in provbox 1.x's layout cannot be changed in place:
 * status_file_open() says so with STATUS_FILE_LEGACY, and the caller
 * rewrites it whole in the slotted layout (job_status_format()), once.
 *
 * Callers hold the job's status lock (job_lock.h) from open to close. The
 * descriptor stays valid across renames, so a status opened in one state
 * directory may be written after its job has moved.
 */
#ifndef PROVBOX_STATUS_FILE_H
#define PROVBOX_STATUS_FILE_H

#include "gwlib/gwlib.h"
#include "spool/job_status.h"

typedef struct StatusFile StatusFile;

#define STATUS_FILE_LEGACY (-2)
#define STATUS_FILE_MISSING (-3)

/*
 * Open path for in-place changes and read its head. NULL with *result set:
 * STATUS_FILE_LEGACY (the 1.x layout), STATUS_FILE_MISSING (no such file),
 * or -1 + *error (not a regular file, unreadable, malformed). *result is 0
 * on success.
 */
StatusFile *status_file_open(Octstr *path, int *result, Octstr **error);
void status_file_close(StatusFile *file);

/* The head as read: Job, Id, State, Reason; no recipients. */
const JobStatus *status_file_head(const StatusFile *file);
long status_file_count(const StatusFile *file);
long status_file_slot_size(const StatusFile *file);

/* Recipient i as on disk (*torn when its slot was torn by a crash), or
 * NULL + *error (out of range, I/O error, a slot that holds no recipient). */
RecipientStatus *status_file_read(StatusFile *file, long i, int *torn, Octstr **error);
/* Rewrite recipient i's slot, and the state sector. 0, or -1 + *error. */
int status_file_write(StatusFile *file, long i, const RecipientStatus *r, Octstr **error);
/* Rewrite the n slots from recipient `first` with rs[0..n-1], in one write. */
int status_file_write_run(StatusFile *file, long first, const RecipientStatus *const *rs,
                          long n, Octstr **error);
int status_file_write_state(StatusFile *file, Octstr *state, Octstr *reason,
                            Octstr **error);
/* fdatasync(): for a lone change that must be durable at once. */
int status_file_sync(StatusFile *file, Octstr **error);

/*
 * Reading a status of any size with O(1) memory: the slots are read in
 * order, a large chunk at a time (never the whole file), for provctl
 * status, requeue and /job-status on a job of a million recipients.
 *
 * status_file_open_read() opens read-only (readers that may not write:
 * provctl runs as a member of provbox's group) and needs no lock; the
 * results and errors are status_file_open()'s, and like spool_read.c's reads it
 * refuses a file with more than one link. status_file_write*() on such a
 * file fail.
 */
StatusFile *status_file_open_read(Octstr *path, int *result, Octstr **error);

/* Recipients by state; a torn slot counts as queued (as it reads) and in
 * torn too. */
typedef struct StatusTally {
    long total;
    long by_state[RCPT_EXPIRED + 1];
    long torn;
} StatusTally;

/* 0 with *tally filled, or -1 + *error (I/O error, a slot that holds no
 * recipient). States are read with job_status_slot_state(). */
int status_file_tally(StatusFile *file, StatusTally *tally, Octstr **error);
/* The same count of a status read whole (its torn lines in torn). */
void status_tally_whole(const JobStatus *status, StatusTally *tally);

/*
 * A cursor over the slots, in order. status_cursor_next() moves to the
 * next slot: 1, 0 after the last, -1 + *error. Then status_cursor_index()
 * is its number (from 0), status_cursor_state() its state as
 * job_status_slot_state() reads it (quick), status_cursor_recipient() the
 * recipient parsed whole (NULL + *error when the slot holds none; valid
 * until the next move; the caller may change it, to write it back with
 * status_file_write()). Writing the slot the cursor is on does not
 * disturb it.
 */
typedef struct StatusCursor StatusCursor;

StatusCursor *status_cursor_create(StatusFile *file);
void status_cursor_destroy(StatusCursor *cursor);
int status_cursor_next(StatusCursor *cursor, Octstr **error);
long status_cursor_index(const StatusCursor *cursor);
int status_cursor_state(const StatusCursor *cursor, RecipientState *state);
RecipientStatus *status_cursor_recipient(StatusCursor *cursor, int *torn, Octstr **error);

#endif
