/*
 * retention.h - removing finished jobs from done/ once they are old.
 *
 * done/ keeps every job provbox finished, with its status file, so that
 * delivery reports still find it and operators can look. Left alone it
 * grows with every job ever sent: counting it for the status page reads it
 * all, and an ext4 directory without the large_dir feature refuses new
 * entries once its two-level index is full, at around ten million
 * (depending on name lengths: "Directory index full"), which would stop
 * provbox finishing jobs. With keep-done set, a job goes once
 * neither it nor its status has changed for that many days (the status
 * changes with every delivery report). Its status goes first, then the job,
 * under the job's status lock (job_lock.h), so a report being recorded at
 * that moment either lands before or finds the job gone; a job that
 * changed since it was listed stays. failed/ is never touched: those jobs
 * wait for an operator.
 */
#ifndef PROVBOX_RETENTION_H
#define PROVBOX_RETENTION_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"

/* Removes up to max jobs from done/ unchanged for max_age seconds; returns
 * how many went (a line in the log says so). */
long retention_sweep_done(Spool *spool, long max_age, long max);

#endif
