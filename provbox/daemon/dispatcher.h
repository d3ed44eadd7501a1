/*
 * dispatcher.h - moves jobs through the spool and their segments through
 * the bearerbox link.
 *
 * Its thread sends and records; the loader thread (job_loader.h) claims,
 * adopts, defers, rejects and loads jobs beside it and hands them over
 * ready to send. The dispatcher thread:
 *   - encodes recipients lazily and keeps at most max-pending segments sent
 *     but not yet durably recorded (so a crash duplicates at most that many);
 *   - records acks and delivery reports in the status files (job_record.h),
 *     a job's progress once when it finishes (and that of unfinished jobs
 *     at least every second and before stopping), acknowledges reports to
 *     bearerbox only after recording them, and moves finished jobs to done/
 *     or failed/;
 *   - on ack_failed_tmp retries the segment with backoff; on a lost link it
 *     sends again every segment not acknowledged;
 *   - paces (pacer.h): at most throughput segments a second to bearerbox,
 *     and at most its Rate: recipients a second from each job, recipients
 *     handed out round robin, one per job in turn;
 *   - stops handing out a job's recipients when its send window closes
 *     (job_schedule.h); once its segments in flight are answered, the job
 *     goes to deferred/ with its record, due when the window opens.
 *   - tells job_progress.h how each status it writes changed the job's
 *     recipients, and when a job finishes or is deferred (the status
 *     page's per-job counts; the loader tells it of claims).
 * The link thread only queues events for it (dispatcher_handlers()).
 */
#ifndef PROVBOX_DISPATCHER_H
#define PROVBOX_DISPATCHER_H

#include "gwlib/gwlib.h"
#include "daemon/config.h"
#include "daemon/box_link.h"
#include "daemon/paced_jobs.h"
#include "spool/spool.h"

typedef struct Dispatcher Dispatcher;

typedef struct DispatcherCounters {
    long jobs_claimed, jobs_done, jobs_failed, jobs_deferred;
    long recipients_sent, recipients_failed;
    long segments_sent, segments_acked, segments_failed;
    long segments_retried;      /* sent again after ack_failed_tmp */
    long segments_resent;       /* sent again because the link broke before their ack */
    long reports_received, reports_waiting;     /* waiting: received, not yet recorded */
    long reports_delivered, reports_undelivered, reports_other, mo_received;
    long in_flight, max_pending, active_jobs, max_active_jobs;
    int suspended;
} DispatcherCounters;

/* shutdown_requested is called (from the link thread) on cmd_shutdown/cmd_restart. */
Dispatcher *dispatcher_create(const ProvboxConfig *config, Spool *spool,
                              void (*shutdown_requested)(void));
BoxLinkHandlers dispatcher_handlers(Dispatcher *d);
void dispatcher_start(Dispatcher *d, BoxLink *link);
void dispatcher_suspend(Dispatcher *d);
void dispatcher_resume(Dispatcher *d);
DispatcherCounters dispatcher_counters(Dispatcher *d);
/* The jobs paced now (as of the last second): a copy, PacedJob*, which
 * the caller releases with paced_jobs_destroy(). */
List *dispatcher_paced_jobs(Dispatcher *d);
/* Stop: finish recording, release the jobs (they stay in active/). */
void dispatcher_stop(Dispatcher *d);
void dispatcher_destroy(Dispatcher *d);

#endif
