/*
 * open_files.h - the descriptor budget: how many jobs provbox may work on at
 * once without running out of open files.
 *
 * Every job provbox works on holds one descriptor (the lock that says the
 * job is this process's), and a round of recording may hold one more per
 * job (its new status file, written unnamed until it is linked in). So
 * max-pending jobs need twice max-pending descriptors besides the few the
 * process always has (bearerbox link, logs, status page clients, gwlib's
 * thread wake-up pipes). open_files_plan() raises the soft RLIMIT_NOFILE
 * that far if the hard limit allows; where it does not, provbox works on
 * fewer jobs at once and says so, instead of failing jobs with "Too many
 * open files" (systemd's default soft limit is 1024).
 */
#ifndef PROVBOX_OPEN_FILES_H
#define PROVBOX_OPEN_FILES_H

/* Descriptors kept free for everything but jobs and their status files. */
#define OPEN_FILES_RESERVED 256

/* Raises the soft limit towards what max_pending jobs need; returns how many
 * jobs may be held at once (1..max_pending). Logs what it changed. */
long open_files_plan(long max_pending);

#endif
