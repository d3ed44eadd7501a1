/*
 * spool.h - the spool directory: job states as directories, moves as renames.
 *
 *   tmp/      operators write here
 *   new/      operators rename() finished jobs in
 *   active/   claimed by a provbox (rename from new/, so several provbox
 *             processes can share one spool)
 *   deferred/ waiting: Not-Before, or a retry with backoff
 *   done/     every recipient handed to bearerbox; delivery reports still
 *             update the status file here
 *   failed/   rejected or permanently failed, with the reason in NAME.status
 *
 * Every write is temp file, fsync, rename, fsync of the directory. Only
 * regular files are ever read (O_NOFOLLOW, fstat); a spool directory that is
 * a symlink or world-writable is refused. Listing is incremental (readdir),
 * so memory stays bounded however many jobs wait. Functions return 0 / -1
 * and set *error (a new Octstr naming the job and the cause) when given one.
 *
 * The spool is one module in several files, one per concern: spool_open.c,
 * spool_paths.c, spool_write.c, spool_read.c, spool_move.c, spool_recover.c
 * and spool_list.c (spool_internal.h says which holds what).
 */
#ifndef PROVBOX_SPOOL_H
#define PROVBOX_SPOOL_H

#include <sys/types.h>
#include "gwlib/gwlib.h"

typedef enum {
    SPOOL_TMP,
    SPOOL_NEW,
    SPOOL_ACTIVE,
    SPOOL_DEFERRED,
    SPOOL_DONE,
    SPOOL_FAILED,
    SPOOL_STATES
} SpoolState;

typedef struct Spool Spool;

/* Open and check a spool, creating it (one level) and its state directories. */
Spool *spool_open(Octstr *dir, Octstr **error);
/* The same for a spool that must exist already (provctl: a mistyped
 * --spool must not become a new spool that nobody reads). */
Spool *spool_open_existing(Octstr *dir, Octstr **error);
void spool_close(Spool *spool);
Octstr *spool_dir(Spool *spool);

/*
 * Watching the moves made through this Spool (the daemon keeps its counts
 * of jobs per state by them: daemon/spool_census.h). fn(ctx, from, to) is
 * called, on the thread that moved, after each move of a job file between
 * states (spool_move*()), after each job spool_submit*() put into new/
 * (from SPOOL_TMP), and, with to = SPOOL_STATES, for each job a caller
 * removed and reported with spool_note_removed(). Moves made by other
 * processes (operators, provctl, another provbox) are not seen. Set it
 * before other threads use the spool; NULL stops it.
 */
typedef void spool_moved_fn(void *ctx, SpoolState from, SpoolState to);
void spool_watch_moves(Spool *spool, spool_moved_fn *fn, void *ctx);
void spool_note_removed(Spool *spool, SpoolState state);
const char *spool_state_name(SpoolState state);
/* "a directory", "a FIFO", ... for messages about a file of that mode. */
const char *spool_file_kind(mode_t mode);
int spool_state_parse(Octstr *name, SpoolState *state);

/* Full path of a job (or of its status file) in a state directory. */
Octstr *spool_path(Spool *spool, SpoolState state, Octstr *name);
Octstr *spool_status_path(Spool *spool, SpoolState state, Octstr *name);

/* A fresh unique job name: <time>.<pid>.<counter>.<host-ish> */
Octstr *spool_new_name(Spool *spool);

/*
 * True when name can be a job: 1-248 bytes, no '/' or NUL, not starting
 * with '.' (temp files), not ending in ".status". Every function taking a
 * name refuses other names; spool_list() never returns them.
 */
int spool_name_ok(Octstr *name);

/* Write a job the safe way into new/ (via tmp/). Returns the new name. */
Octstr *spool_submit(Spool *spool, Octstr *content, Octstr **error);
/* The same for a job too big to hold in memory: write() puts it into fd
 * piece by piece (0, or -1 with errno set; on -1 nothing reaches new/). */
typedef int spool_writer_fn(int fd, void *ctx);
Octstr *spool_submit_by(Spool *spool, spool_writer_fn *write, void *ctx, Octstr **error);

/*
 * Names of up to max jobs in a state directory (oldest-looking first is not
 * guaranteed), skipping .status and dot files. The caller destroys the List.
 */
List *spool_list(Spool *spool, SpoolState state, long max);

/*
 * A listing that goes on where the last one stopped, for a directory read
 * again and again (the loader's new/). spool_list() starts at the top every
 * time, so entries it skips (dot files, strays) and the emptied front are
 * read again by every call. spool_cursor_next() gives up to max names from
 * where the cursor is; at the end of the directory it goes back to the top
 * for the next call, and sets *whole when this call began at the top (it
 * has seen every entry). A directory that cannot be opened gives no names
 * and *whole (it was logged). spool_cursor_rewind() starts the next call
 * at the top, with the directory opened again. One thread at a time.
 */
typedef struct SpoolCursor SpoolCursor;

SpoolCursor *spool_cursor_create(Spool *spool, SpoolState state);
List *spool_cursor_next(SpoolCursor *cursor, long max, int *whole);
void spool_cursor_rewind(SpoolCursor *cursor);
void spool_cursor_destroy(SpoolCursor *cursor);

/* 1 when the job is in that state and neither it nor its status has been
 * modified since `since`. spool_list_unchanged() gives up to max such jobs:
 * the whole directory is read, a stat() or two per job. */
int spool_unchanged_since(Spool *spool, SpoolState state, Octstr *name, time_t since);
List *spool_list_unchanged(Spool *spool, SpoolState state, time_t since, long max);

/* Number of jobs in a state, and, unless oldest_age is NULL, the age in
 * seconds of the oldest (-1 if none): a stat() per job, so ask only where
 * it is shown (done/ grows with every job ever sent). */
long spool_count(Spool *spool, SpoolState state, long *oldest_age);

/*
 * Move a job and its status file, if any, between states: the status
 * first, so that an interrupted move leaves the status where the job was
 * going. Never replaces a file: when the name is taken in `to` (a job, or
 * a status file that is not this job's) nothing moves and the result is
 * SPOOL_TAKEN (name_clash.h then finds the job another name). -1 if the
 * job is gone or the rename fails. spool_move_as() gives the job (and its
 * status) another name in `to`. spool_move_job() moves the job file
 * alone, for a caller that has already written its status in `to` (a
 * job that took the name meanwhile makes that status go back); also
 * under another name (spool_move_job_as).
 */
#define SPOOL_TAKEN (-2)
int spool_move(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
               Octstr **error);
int spool_move_as(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
                  Octstr *as, Octstr **error);
int spool_move_job(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
                   Octstr **error);
int spool_move_job_as(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
                      Octstr *as, Octstr **error);

/* 1 when neither NAME nor NAME.status is in that state. */
int spool_name_free(Spool *spool, SpoolState state, Octstr *name);
/* A state (active, deferred, done or failed, other than `from` and `to`)
 * that holds a job of that name, or -1: a job moved from `from` to `to`
 * would clash there (the move itself finds a job in `to`). */
int spool_name_taken(Spool *spool, Octstr *name, SpoolState from, SpoolState to);
/* NAME~<time>.<pid>.<counter>, NAME cut to fit: for a job whose name is taken. */
Octstr *spool_unique_name(Octstr *name);

/* rename() that fails with EEXIST instead of replacing dst: renameat2
 * (RENAME_NOREPLACE), or, where the file system lacks it (EINVAL, ENOSYS),
 * spool_rename_by_link(): link() then unlink() (a crash in between leaves
 * the file under both names, hard-linked, which readers refuse). */
int spool_rename_noreplace(const char *src, const char *dst);
int spool_rename_by_link(const char *src, const char *dst);

/* Read a job: regular file only, no symlinks, at most max_size bytes. */
Octstr *spool_read(Spool *spool, SpoolState state, Octstr *name,
                   long max_size, Octstr **error);
/* The same for a job already open (fd, e.g. its ownership lock), from its start. */
Octstr *spool_read_open(int fd, SpoolState state, Octstr *name, long max_size,
                        Octstr **error);

/* Atomically (re)write NAME.status in a state directory. */
int spool_write_status(Spool *spool, SpoolState state, Octstr *name,
                       Octstr *text, Octstr **error);
/*
 * NAME.status of a job in `state`, or NULL: there is none, or it is not one
 * provbox reads (not a regular file, too large), or it could not be read
 * just now (out of descriptors, I/O error; logged). In that last case
 * *unreadable is set (if not NULL): the caller must not take it for "no
 * status" and write a new one over the record.
 * spool_read_status() first finishes a move that a crash interrupted,
 * bringing a stray status to the job; call it holding the job's status lock.
 * spool_read_status_at() reads only in `state`: for the job's owner, whose
 * claim already brought its status along. spool_peek_status() reads a stray
 * status where it is, moving nothing: for readers without the lock.
 */
Octstr *spool_read_status(Spool *spool, SpoolState state, Octstr *name, int *unreadable);
Octstr *spool_read_status_at(Spool *spool, SpoolState state, Octstr *name, int *unreadable);
Octstr *spool_peek_status(Spool *spool, SpoolState state, Octstr *name);
/*
 * For readers that stream a status instead of reading it whole (status
 * files have no size limit then; see status_file.h): where the status of
 * a job in `state` is, next to the job or where an interrupted move left
 * it (spool_peek_status()'s rule), or NULL. spool_fetch_status() finishes
 * such a move first, as spool_read_status() does (hold the status lock).
 */
Octstr *spool_status_where(Spool *spool, SpoolState state, Octstr *name);
void spool_fetch_status(Spool *spool, SpoolState state, Octstr *name);

/* Where is this job now? Returns the state or -1. */
int spool_find(Spool *spool, Octstr *name);

/*
 * Batched status writes (see spool_write.c): stage each (written, not synced;
 * returns the staged file or NULL + *error), then spool_sync_data() once,
 * then spool_install_status() each, then spool_sync_dirs() with a bit
 * (1u << state) per directory written. `fresh` says no status file is there
 * yet as far as the caller knows: the staged file may then be an unnamed
 * one, which holds a descriptor until it is installed or discarded.
 * spool_install_status() and spool_discard_staged() free the staged file
 * (spool_discard_staged() ignores NULL).
 */
typedef struct SpoolStaged SpoolStaged;
SpoolStaged *spool_stage_status(Spool *spool, SpoolState state, Octstr *name,
                                Octstr *text, int fresh, Octstr **error);
/* The same for a status too big to hold in memory (spool_submit_by()'s
 * writer). */
typedef spool_writer_fn spool_status_writer_fn;
SpoolStaged *spool_stage_status_by(Spool *spool, SpoolState state, Octstr *name,
                                   spool_status_writer_fn *write, void *ctx, int fresh,
                                   Octstr **error);
int spool_sync_data(Spool *spool, Octstr **error);
/* A staged status written where its job is going, not where it is: it is
 * installed only if no file has that name (one there is another job's). */
void spool_staged_no_replace(SpoolStaged *staged);
int spool_install_status(SpoolStaged *staged, Octstr **error);
void spool_discard_staged(SpoolStaged *staged);
void spool_sync_dirs(Spool *spool, unsigned states);

/* Until spool_sync_deferred(), spool_move() on this thread does not sync
 * directories; spool_sync_deferred() syncs each one it touched, once. */
void spool_defer_dir_syncs(void);
void spool_sync_deferred(Spool *spool);

/*
 * Remove provbox's temp files (".tmp.*") older than max_age seconds from
 * every state directory: what a write interrupted by a crash left behind.
 * Returns how many were removed.
 */
long spool_remove_stale_temps(Spool *spool, long max_age);

/* write() all of content to fd: 0, or -1 with errno set. */
int spool_write_all(int fd, Octstr *content);

/* Durable write helper (temp, fsync, rename, fsync dir), for any file. */
int spool_write_file_atomic(Octstr *path, Octstr *content, Octstr **error);

#endif
