/*
 * job_lock.h - who owns a job, and who may rewrite its status file.
 *
 * Several provbox processes may share one spool. Two open-file-description
 * locks on the job file's inode (which a rename() does not change) keep them
 * apart:
 *   byte 0, the ownership lock: held by the process sending the job, for as
 *           long as the job is in active/. The kernel drops it when that
 *           process dies, so an unlocked job in active/ is an orphan that any
 *           provbox may adopt and resume.
 *   byte 1, the status lock: held for the few milliseconds of a status
 *           read-modify-write (and the rename that may follow), by whichever
 *           process records an ack or a delivery report.
 * OFD locks belong to the open file description, so two threads of one
 * process exclude each other as two processes do.
 */
#ifndef PROVBOX_JOB_LOCK_H
#define PROVBOX_JOB_LOCK_H

#include "gwlib/gwlib.h"

/* Open a job file for locking: regular file, no symlink. fd or -1 + *error. */
int job_lock_open(Octstr *path, Octstr **error);

/* Ownership: 0 when taken, -1 when another process holds it. */
int job_lock_own(int fd);

/* Status lock: blocks until taken; job_lock_release_status() drops it. */
int job_lock_status(int fd);
void job_lock_release_status(int fd);

#endif
