/*
 * report_recorder.h - delivery reports into status files.
 *
 * Reports (sms_type report_mo) arrive from bearerbox for any job on the
 * spool, whichever provbox sent it. report_recorder_add() queues one;
 * report_recorder_stage() applies the queue to the round's JobRecordBatch
 * (one status read-modify-write per job, merged with the round's progress),
 * and report_recorder_settle(), after the batch's commit, acknowledges each
 * report whose job's write landed to bearerbox (so a crash before recording
 * makes bearerbox deliver it again), with one flush for all. A report for a
 * recipient the status file does not list yet (it can overtake the MT's
 * ack) is held and retried; after a minute it is acknowledged unrecorded,
 * with a warning. Dispatcher thread only.
 *
 * Mask values: 1 delivered; 2 and 16 undelivered (the SMSC's text is the
 * reason, "expired" in it makes the recipient expired); 4 and 8 are
 * intermediate and only counted.
 */
#ifndef PROVBOX_REPORT_RECORDER_H
#define PROVBOX_REPORT_RECORDER_H

#include "gwlib/gwlib.h"
#include "gw/msg.h"
#include "daemon/box_link.h"
#include "spool/spool.h"
#include "daemon/job_record.h"

typedef struct ReportRecorder ReportRecorder;

typedef struct ReportCounts {
    long delivered, undelivered, other, unmatched;
} ReportCounts;

ReportRecorder *report_recorder_create(Spool *spool);
void report_recorder_destroy(ReportRecorder *rr);
void report_recorder_add(ReportRecorder *rr, Msg *report);
/* Apply what is queued to the batch (before job_record_batch_commit()). */
void report_recorder_stage(ReportRecorder *rr, JobRecordBatch *batch);
/* After the commit: acknowledge what landed (or is hopeless), keep the
 * rest queued; returns what was acknowledged. */
ReportCounts report_recorder_settle(ReportRecorder *rr, JobRecordBatch *batch, BoxLink *link);
long report_recorder_waiting(ReportRecorder *rr);
/* Reports queued since the last stage. */
long report_recorder_fresh(ReportRecorder *rr);
/* Are the fresh reports due to be recorded as a group (64 of them, none
 * new since the last look, or the first 5 ms old)? Each call is a look. */
int report_recorder_group_due(ReportRecorder *rr);

#endif
