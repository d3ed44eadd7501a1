/*
 * resend.h - a new job for the recipients of a finished job that did not
 * get it (provctl resend and the admin interface's /resend share it).
 *
 * spool_resend() takes job NAME in done/ or failed/ and the recipients
 * whose recorded state (its status file) is one of those asked for, and
 * writes a new job through tmp/ into new/ as provctl submit does
 * (spool_submit_by(): a fresh name from spool_new_name(), which no other
 * job has). The new job is NAME's file line for line:
 *   - every header line as it is, where it is (Sec:, Pin:, IMSI:, Id:,
 *     Not-Before:, headers this module does not know ...), except
 *   - the To: lines of the recipients not picked, and NAME's own
 *     Resend-Of: line, if any;
 *   - a To: line picked is copied byte for byte, so its imsi=, pin= and
 *     whatever else it carries come along;
 *   - `Resend-Of: NAME` before the empty line;
 *   - the document byte for byte.
 * The status lists the recipients in the order of the job's To: lines
 * (one slot each, see job_status.h): the two are read in step, and a To:
 * line whose MSISDN is not its slot's refuses the resend. Memory stays
 * flat whatever the number of recipients: the job is read a line at a
 * time (line_reader.h), the status through status_view.h, and the new job
 * is written a buffer at a time.
 *
 * NAME and its status are only read, never changed, and without the
 * job's status lock (a done/ job may still be getting delivery reports: a
 * resend sees its record as it is at that moment).
 *
 * Results are the exit statuses of provctl resend (grep's convention):
 * RESEND_WRITTEN, RESEND_NONE (no recipient is in those states: nothing
 * is written), RESEND_REFUSED (a name that is no job's, a job not in
 * done/ or failed/, a record that cannot be read or does not match the
 * job, a write that failed: nothing is written).
 */
#ifndef PROVBOX_RESEND_H
#define PROVBOX_RESEND_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"

#define RESEND_WRITTEN 0
#define RESEND_NONE 1
#define RESEND_REFUSED 2

/*
 * "undelivered,failed" -> a set of recipient states (bit 1 << state):
 * queued, sent, undelivered, failed and expired, separated by commas.
 * 0, or -1 + *error (an unknown or empty word; delivered, which a resend
 * never takes).
 */
int resend_states_parse(Octstr *list, unsigned *states, Octstr **error);

/*
 * RESEND_WRITTEN with *new_name (the new job's) and *message ("3 of 10
 * recipient(s) of job NAME (undelivered, failed)"); RESEND_NONE with
 * *message saying so; RESEND_REFUSED with *message saying why. The
 * caller destroys both.
 */
int spool_resend(Spool *spool, Octstr *name, unsigned states, Octstr **new_name,
                 Octstr **message);

#endif
