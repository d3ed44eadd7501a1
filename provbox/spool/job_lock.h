/*
 * job_lock.h - who owns a job, and who may rewrite its status file.
 *
 * Several provbox processes may share one spool. Two kinds of lock keep
 * them apart:
 *   ownership  flock(LOCK_EX) on the job file itself, held by the process
 *              sending the job for as long as the job is in active/. A
 *              rename() keeps the inode and so the lock; the kernel drops it
 *              when that process dies, so an unlocked job in active/ is an
 *              orphan that any provbox may adopt and resume. flock works on
 *              a read-only descriptor: provbox needs no write permission on
 *              the operators' job files.
 *   status     an open-file-description write lock on one byte of the
 *              spool's lock file (SPOOL/.status-locks), chosen by a hash of
 *              the job name; held for the few milliseconds of a status
 *              read-modify-write and the rename that may follow, by whichever
 *              process records an ack or a delivery report. Two jobs whose
 *              names hash alike merely wait for each other, unless one
 *              set holds both (below).
 * Both belong to the open file description, so two threads of one process
 * exclude each other as two processes do.
 */
#ifndef PROVBOX_JOB_LOCK_H
#define PROVBOX_JOB_LOCK_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"

/* Open a job file for locking: regular file, no symlink. fd, or -1 + *error
 * (and errno, where open() failed). */
int job_lock_open(Octstr *path, Octstr **error);

/* Ownership: 0 when taken, -1 when another process (or descriptor) holds it. */
int job_lock_own(int fd);

/* Status lock: blocks until taken; returns a handle for the release, or -1. */
int job_lock_status(Spool *spool, Octstr *name, Octstr **error);
void job_lock_release_status(int handle);

/*
 * A set of status locks, for a batch of jobs: all taken through one open
 * file description, so that two of the set's jobs whose names hash alike
 * share their byte instead of waiting for each other, and all released
 * together. job_lock_status_add() returns 0, -1 + *error, or, when told
 * not to wait (callers whose set already holds locks must never wait),
 * JOB_LOCK_BUSY if someone else holds the job's lock.
 */
#define JOB_LOCK_BUSY (-2)
int job_lock_status_set_open(Spool *spool, Octstr **error);
int job_lock_status_add(int set, Octstr *name, int wait, Octstr **error);
void job_lock_status_set_release(int set);

#endif
