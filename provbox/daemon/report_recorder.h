/*
 * report_recorder.h - delivery reports into status files.
 *
 * Reports (sms_type report_mo) arrive from bearerbox for any job on the
 * spool, whichever provbox sent it. report_recorder_add() queues one;
 * report_recorder_flush() records the queue, one status read-modify-write
 * per job, and only then acknowledges each report to bearerbox (so a crash
 * before recording makes bearerbox deliver it again). A report for a
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

typedef struct ReportRecorder ReportRecorder;

typedef struct ReportCounts {
    long delivered, undelivered, other, unmatched;
} ReportCounts;

ReportRecorder *report_recorder_create(Spool *spool);
void report_recorder_destroy(ReportRecorder *rr);
void report_recorder_add(ReportRecorder *rr, Msg *report);
/* Record and acknowledge what is queued; returns what was recorded. */
ReportCounts report_recorder_flush(ReportRecorder *rr, BoxLink *link);
long report_recorder_waiting(ReportRecorder *rr);

#endif
