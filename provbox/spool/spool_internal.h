/*
 * spool_internal.h - what the spool's own files share, and nobody else
 * (callers include spool.h): the Spool itself, the names of provbox's
 * files in a state directory, the error convention, and the few helpers
 * that more than one of those files needs.
 *
 * spool.h's functions live by concern in:
 *   spool_open.c     opening and checking a spool: the Spool, its directories
 *   spool_paths.c    states, job names, paths, new and unique names
 *   spool_write.c    durable writes: whole files, submits, staged statuses
 *                    installed in batches, file and directory syncs
 *   spool_read.c     careful reads: a job, a status (a stray one included)
 *   spool_move.c     moves that never replace a file; deferred directory syncs
 *   spool_recover.c  what a crash leaves: statuses ahead of their jobs, temp files
 *   spool_list.c     listing (whole, by cursor, unchanged), counting, finding
 */
#ifndef PROVBOX_SPOOL_INTERNAL_H
#define PROVBOX_SPOOL_INTERNAL_H

#include <dirent.h>
#include <stddef.h>

#include "gwlib/gwlib.h"
#include "spool/spool.h"

#define SPOOL_STATUS_SUFFIX ".status"
#define SPOOL_TEMP_PREFIX ".tmp."         /* provbox's own temp files */

struct Spool {
    Octstr *dir;
    Octstr *host;       /* the last part of new names */
    int unnamed_temps;  /* O_TMPFILE and linking it in work here */
    spool_moved_fn *moved;  /* told of every move (spool_watch_moves), or NULL */
    void *moved_ctx;
};

/* -1, and *error (when error is not NULL) set to a new Octstr: fmt's text,
 * then ": " and strerror(err) unless err is 0. (spool_open.c) */
int spool_fail(Octstr **error, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- spool_paths.c ---- */

/* A process-wide counter, for names no other call gets. */
unsigned long spool_next_unique(void);
/* spool_name_ok() for len bytes at s (a directory entry's name). */
int spool_name_bytes_ok(const char *s, size_t len);
/* DIR/STATE */
Octstr *spool_state_dir(Spool *spool, SpoolState state);
/* The short host name: letters, digits and '-', at most 32 of them. */
Octstr *spool_host_part(void);
/* Something is at path (lstat: a symlink counts). */
int spool_exists(Octstr *path);

/* ---- spool_write.c ---- */

/* fsync() a directory; a failure is logged, not returned (see spool_write.c). */
void spool_sync_dir(Octstr *dir);
/* Unnamed temp files (O_TMPFILE, linked in through /proc) work in this
 * spool: tried once, at spool_open(). */
int spool_unnamed_temps_work(Spool *spool);

/* ---- spool_move.c ---- */

/* The watcher, if any, learns of a job moved (spool_watch_moves()). */
void spool_tell_moved(Spool *spool, SpoolState from, SpoolState to);

/* ---- spool_list.c ---- */

/* opendir() of a state directory, or NULL (logged). */
DIR *spool_open_state_dir(Spool *spool, SpoolState state);

/* ---- spool_recover.c ---- */

/* A status left behind by an interrupted move: the job is in `state`, its
 * status in a directory that does not hold the job. That state, or -1. */
int spool_find_stray_status(Spool *spool, SpoolState state, Octstr *name);
/* Finishes such a move: brings the stray status to the job. 0 when it did. */
int spool_adopt_stray_status(Spool *spool, SpoolState state, Octstr *name);

#endif
