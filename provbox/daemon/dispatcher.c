/*
 * dispatcher.c - the dispatcher thread: events, sending window, pacing,
 * send windows closing, recording, and the jobs the loader hands it (see
 * dispatcher.h).
 */
#include "gwlib/gwlib.h"
#include "daemon/dispatcher.h"
#include "daemon/active_job.h"
#include "daemon/box_msg.h"
#include "daemon/job_loader.h"
#include "daemon/job_claim.h"
#include "daemon/job_schedule.h"
#include "daemon/pacer.h"
#include "daemon/paced_jobs.h"
#include "daemon/job_record.h"
#include "daemon/report_recorder.h"
#include "daemon/access_log.h"
#include "daemon/recent_errors.h"
#include "daemon/job_progress.h"
#include "common/log_escaped.h"

#define IDLE_WAIT 1.0
#define STOP_GRACE 3.0
#define PROGRESS_RECORD_INTERVAL 1      /* seconds: unfinished jobs' progress */
#define PACING_SNAPSHOT_INTERVAL 1      /* seconds: the status page's paces */
#define PACE_MIN_SLEEP 0.001            /* seconds: the shortest wait for a token */
#define NAP 0.002                       /* seconds acks and reports may gather */
#define NAP_EVENTS 32                   /* acks that end a nap */

typedef enum { AWAKE, ASLEEP, NAPPING } Sleep;

typedef enum { EVENT_ACK, EVENT_SMS, EVENT_CONNECTED, EVENT_DISCONNECTED } EventKind;

typedef struct Event {
    EventKind kind;
    Msg *msg;
} Event;

/* One segment of one recipient's message, from encoding to its ack. */
typedef struct Segment {
    ActiveJob *job;
    long recipient;
    Msg *msg;
    time_t due;
} Segment;

struct Dispatcher {
    const ProvboxConfig *config;
    Spool *spool;
    BoxLink *link;
    void (*shutdown_requested)(void);
    long thread;
    volatile int running;
    volatile int suspended;
    /* link and loader threads -> dispatcher thread */
    Mutex *events_lock;
    List *events;
    Sleep sleeping;          /* under events_lock: how to wake me for events */
    int nap_was_empty;       /* the last nap saw no event: sleep, not nap */
    JobLoader *loader;
    /* dispatcher thread only */
    int link_up;
    List *jobs;              /* ActiveJob* */
    long next_job;           /* round-robin position in jobs */
    Dict *pending;           /* uuid (16 bytes) -> Segment*, awaiting the ack */
    long pending_count;
    List *ready;             /* Segment* to send now */
    List *retry;             /* Segment* to send at ->due */
    Pacer box;               /* throughput: segments per second (or not paced) */
    double pace_wait;        /* seconds until pacing lets the next one go; 0 = none held */
    time_t last_pacing_snapshot;
    long unrecorded;         /* acked, not yet in a status file */
    time_t last_progress_record;
    ReportRecorder *reports;
    JobRecordBatch *record;  /* every round's, kept (two dicts a round saved) */
    /* counters, read by other threads */
    Mutex *counters_lock;
    DispatcherCounters counters;
    List *paced;             /* PacedJob*, under counters_lock */
};

#define COUNT(d, field, n) do { mutex_lock((d)->counters_lock); \
    (d)->counters.field += (n); mutex_unlock((d)->counters_lock); } while (0)

/* ---- events from the link thread ------------------------------------ */

/* Does this event end the dispatcher's sleep now? A nap lets acks and
 * reports gather (NAP_EVENTS of them end it); anything else wakes it. */
static int wakes(Dispatcher *d, Event *e)
{
    if (d->sleeping == ASLEEP)
        return 1;
    if (d->sleeping == AWAKE)
        return 0;
    if (e == NULL || (e->kind != EVENT_ACK && e->kind != EVENT_SMS))
        return 1;
    return gwlist_len(d->events) >= NAP_EVENTS;
}

/*
 * Queues an event (or none) and wakes the dispatcher thread if it sleeps
 * (it says so before it looks for work, wait_for_work()). The link may
 * connect before the thread runs.
 */
static void queue_and_wake(Dispatcher *d, Event *e)
{
    int wake;

    mutex_lock(d->events_lock);
    if (e != NULL)
        gwlist_append(d->events, e);
    wake = wakes(d, e);
    if (wake)
        d->sleeping = AWAKE;
    mutex_unlock(d->events_lock);
    if (wake && d->thread != -1)
        gwthread_wakeup(d->thread);
}

static void push_event(Dispatcher *d, EventKind kind, Msg *msg)
{
    Event *e = gw_malloc(sizeof(*e));

    e->kind = kind;
    e->msg = msg;
    queue_and_wake(d, e);
}

static void on_jobs_ready(void *ctx) { queue_and_wake(ctx, NULL); }

static void on_connect(void *ctx) { push_event(ctx, EVENT_CONNECTED, NULL); }
static void on_disconnect(void *ctx) { push_event(ctx, EVENT_DISCONNECTED, NULL); }
static void on_ack(Msg *msg, void *ctx) { push_event(ctx, EVENT_ACK, msg); }
static void on_sms(Msg *msg, void *ctx) { push_event(ctx, EVENT_SMS, msg); }

static void on_admin(long command, void *ctx)
{
    Dispatcher *d = ctx;

    (void) command;
    if (d->shutdown_requested != NULL)
        d->shutdown_requested();
}

BoxLinkHandlers dispatcher_handlers(Dispatcher *d)
{
    BoxLinkHandlers h = { on_connect, on_disconnect, on_ack, on_sms, on_admin, d };
    return h;
}

/* ---- segments -------------------------------------------------------- */

static Segment *segment_create(ActiveJob *job, long recipient, Msg *msg)
{
    Segment *s = gw_malloc(sizeof(*s));

    s->job = job;
    s->recipient = recipient;
    s->msg = msg;
    s->due = 0;
    active_job_segment_queued(job);
    return s;
}

static void segment_destroy(Segment *s)
{
    active_job_segment_done(s->job);
    msg_destroy(s->msg);
    gw_free(s);
}

/* The pending dict's key: the id's 16 bytes as they are (no text form:
 * uuid_unparse costs a sprintf per byte, twice a segment). */
static Octstr *uuid_key(uuid_t id)
{
    return octstr_create_from_data((const char *) id, sizeof(uuid_t));
}

/* ---- acks ------------------------------------------------------------ */

static int validity_over(ActiveJob *job)
{
    return job->validity_end != 0 && time(NULL) > job->validity_end;
}

static void retry_later(Dispatcher *d, Segment *s)
{
    ActiveJob *job = s->job;
    long delay = active_job_retry_delay(job, d->config->max_retry_delay);

    s->due = time(NULL) + delay;
    log_escaped_warning(0, "Job %S: bearerbox asked to retry a segment later (ack_failed_tmp); "
                        "retrying in %ld s.", job->name, delay);
    gwlist_append(d->retry, s);
    COUNT(d, segments_retried, 1);
}

static void fail_recipient(Dispatcher *d, ActiveJob *job, long i,
                           RecipientState failure, Octstr *reason)
{
    if (job->progress[i].state == PROGRESS_FINISHED)
        return;
    log_escaped_error(0, "Job %S: recipient %ld %s: %S", job->name, i + 1,
                      recipient_state_name(failure), reason);
    active_job_fail_recipient(job, i, failure, reason);
    recent_errors_add(job->name, i + 1, reason);
    access_log_recipient(job, d->config, i);
    COUNT(d, recipients_failed, 1);
}

static void fail_segment(Dispatcher *d, Segment *s)
{
    ActiveJob *job = s->job;
    int expired = validity_over(job);
    Octstr *reason = octstr_create(expired
        ? "validity ran out: bearerbox refused the segment (ack_failed)"
        : "bearerbox refused the segment (ack_failed: no route, rejected or expired)");

    fail_recipient(d, job, s->recipient, expired ? RCPT_EXPIRED : RCPT_FAILED, reason);
    octstr_destroy(reason);
    COUNT(d, segments_failed, 1);
    segment_destroy(s);
}

/* A segment is handed off; the recipient is when all of its segments are. */
static void count_ack(Dispatcher *d, Segment *s)
{
    ActiveJob *job = s->job;
    int finished = active_job_segment_acked(job, s->recipient);

    d->unrecorded++;
    COUNT(d, segments_acked, 1);
    if (finished) {
        COUNT(d, recipients_sent, 1);
        access_log_recipient(job, d->config, s->recipient);
    }
}

static void handle_ack(Dispatcher *d, Msg *ack)
{
    Octstr *key = uuid_key(ack->ack.id);
    Segment *s = dict_remove(d->pending, key);

    octstr_destroy(key);
    if (s == NULL) {
        debug("provbox.dispatch", 0, "Ack for a segment we no longer wait for; ignored.");
        return;
    }
    d->pending_count--;
    switch (ack->ack.nack) {
    case ack_success:
    case ack_buffered:
        count_ack(d, s);
        segment_destroy(s);
        break;
    case ack_failed_tmp:
        retry_later(d, s);
        break;
    default:
        fail_segment(d, s);
        break;
    }
}

/* The link broke: every segment still awaiting its ack goes out again. */
static void requeue_pending(Dispatcher *d)
{
    List *keys = dict_keys(d->pending);
    Octstr *key;

    while ((key = gwlist_extract_first(keys)) != NULL) {
        Segment *s = dict_remove(d->pending, key);
        if (s != NULL)
            gwlist_append(d->ready, s);
        octstr_destroy(key);
    }
    gwlist_destroy(keys, NULL);
    if (d->pending_count > 0)
        info(0, "%ld segment(s) without an ack will be sent again.", d->pending_count);
    COUNT(d, segments_resent, d->pending_count);
    d->pending_count = 0;
}

static void handle_sms(Dispatcher *d, Msg *msg)
{
    if (msg->sms.sms_type == report_mo) {
        report_recorder_add(d->reports, msg);
        COUNT(d, reports_received, 1);
        return;
    }
    log_escaped_info(0, "MO from %S to %S reached provbox; acknowledged and ignored.",
                     msg->sms.sender ? msg->sms.sender : octstr_imm("?"),
                     msg->sms.receiver ? msg->sms.receiver : octstr_imm("?"));
    COUNT(d, mo_received, 1);
    box_link_ack(d->link, msg, ack_success);
    msg_destroy(msg);
}

static void handle_events(Dispatcher *d)
{
    List *events;
    Event *e;

    mutex_lock(d->events_lock);
    events = d->events;
    d->events = gwlist_create();
    mutex_unlock(d->events_lock);
    while ((e = gwlist_extract_first(events)) != NULL) {
        switch (e->kind) {
        case EVENT_ACK:
            handle_ack(d, e->msg);
            msg_destroy(e->msg);
            break;
        case EVENT_SMS:
            handle_sms(d, e->msg);
            break;
        case EVENT_CONNECTED:
            d->link_up = 1;
            break;
        case EVENT_DISCONNECTED:
            d->link_up = 0;
            requeue_pending(d);
            break;
        }
        gw_free(e);
    }
    gwlist_destroy(events, NULL);
}

/* ---- recording progress ---------------------------------------------- */

static void forget_job(Dispatcher *d, long index)
{
    ActiveJob *aj = gwlist_get(d->jobs, index);

    gwlist_delete(d->jobs, index, 1);
    job_loader_release(d->loader, aj->name);
    active_job_destroy(aj);
    mutex_lock(d->counters_lock);
    d->counters.active_jobs = gwlist_len(d->jobs);
    mutex_unlock(d->counters_lock);
}

/* Where the job goes with this record: done/ or failed/ when finished,
 * deferred/ when its window closed, else nowhere. */
static int target_of(const ActiveJob *aj)
{
    if (active_job_finished(aj))
        return active_job_all_failed(aj) ? SPOOL_FAILED : SPOOL_DONE;
    return aj->defer_reason != NULL ? SPOOL_DEFERRED : JOB_RECORD_STAY;
}

/* Stage one job's progress; a finished job will move on, with the file
 * that was sent, and so will a job whose window closed, due when it
 * opens again. */
static void stage_job(Dispatcher *d, JobRecordBatch *batch, ActiveJob *aj)
{
    int target = target_of(aj);
    Octstr *why = NULL;

    if (target != JOB_RECORD_STAY)
        active_job_keep_sent(aj, d->spool);
    if (target == SPOOL_DEFERRED)
        job_claim_set_due(d->spool, aj->name, SPOOL_ACTIVE, aj->defer_until);

    if (job_record_batch_update(batch, aj->name, SPOOL_ACTIVE, active_job_apply_progress, aj,
                                target, &why) == -1) {
        log_escaped_error(0, "Job %S: progress not recorded (will retry): %S", aj->name, why);
        octstr_destroy(why);
    }
}

/*
 * A finished job is recorded in the round it finishes. An unfinished job's
 * progress waits, so that a job is usually written once: it is recorded
 * when its acked segments fill half the window (max-pending counts them
 * until they are recorded), every PROGRESS_RECORD_INTERVAL for the status
 * page and provctl, and when provbox stops.
 */
static int progress_due(Dispatcher *d, int stopping)
{
    time_t now = time(NULL);

    if (!stopping && d->unrecorded * 2 < d->config->max_pending
        && now - d->last_progress_record < PROGRESS_RECORD_INTERVAL)
        return 0;
    d->last_progress_record = now;
    return 1;
}

static int needs_record(const ActiveJob *aj, int progress)
{
    return active_job_finished(aj) || aj->defer_reason != NULL
           || (aj->changed_count > 0 && progress);
}

/*
 * A job whose window has closed hands out no more recipients; once its
 * segments in flight are answered, it goes to deferred/ until the window
 * opens (the record of what was sent goes with it). A window open again
 * by then (the segments took that long) is simply kept to.
 */
static void note_closed_window(Dispatcher *d, ActiveJob *aj, time_t now)
{
    Octstr *reason = NULL;
    time_t until;

    if (!active_job_window_closed(aj, now) || aj->in_flight > 0 || aj->unfinished == 0
        || aj->defer_reason != NULL)
        return;
    until = schedule_due(aj->job, d->config, now, &reason);
    if (reason != NULL)
        active_job_defer(aj, until, reason);
    else
        active_job_window_closes_at(aj, schedule_window_closes(aj->job, d->config, now));
}

static void stage_progress(Dispatcher *d, JobRecordBatch *batch, int progress)
{
    time_t now = time(NULL);
    ActiveJob *aj;
    long i;

    for (i = 0; i < gwlist_len(d->jobs); i++) {
        aj = gwlist_get(d->jobs, i);
        note_closed_window(d, aj, now);
        if (needs_record(aj, progress))
            stage_job(d, batch, aj);
    }
}

static void job_done(Dispatcher *d, long index)
{
    ActiveJob *aj = gwlist_get(d->jobs, index);
    int failed = active_job_all_failed(aj);

    info(0, "Job %s finished: %s.", octstr_get_cstr(aj->shown_name), failed ? "failed" : "done");
    job_progress_moved(aj->name, failed ? SPOOL_FAILED : SPOOL_DONE,
                       failed ? aj->first_reason : NULL);
    COUNT(d, jobs_done, !failed);
    COUNT(d, jobs_failed, failed);
    forget_job(d, index);
}

static void job_deferred(Dispatcher *d, long index)
{
    ActiveJob *aj = gwlist_get(d->jobs, index);

    log_escaped_info(0, "Job %S deferred: its send window closed; %ld of %ld recipient(s) "
                     "left, %S.", aj->name, aj->unfinished, job_recipient_count(aj->job),
                     aj->defer_reason);
    job_progress_moved(aj->name, SPOOL_DEFERRED, aj->defer_reason);
    COUNT(d, jobs_deferred, 1);
    forget_job(d, index);
}

/* After the commit: what landed is recorded; finished jobs and jobs gone
 * to deferred/ are forgotten. */
static void settle_progress(Dispatcher *d, JobRecordBatch *batch, int progress)
{
    long i = 0;

    while (i < gwlist_len(d->jobs)) {
        ActiveJob *aj = gwlist_get(d->jobs, i);
        if (needs_record(aj, progress) && job_record_batch_ok(batch, aj->name)) {
            d->unrecorded -= active_job_recorded(aj);
            if (active_job_finished(aj)) {
                job_done(d, i);
                continue;
            }
            if (aj->defer_reason != NULL) {
                job_deferred(d, i);
                continue;
            }
        }
        i++;
    }
}

/* Reports are recorded in groups (report_recorder_group_due()), or with a
 * round that records progress anyway; reports held back (their recipient
 * not yet in the status) are retried with the next group or progress. */
static int reports_to_record(Dispatcher *d, int stopping, int progress)
{
    int due = report_recorder_group_due(d->reports);

    if (!d->link_up || report_recorder_waiting(d->reports) == 0)
        return 0;
    return stopping || progress || due;
}

/* Seconds the dispatcher may sleep as far as reports go: none while fresh
 * ones wait (the next round looks whether more came), else IDLE_WAIT. */
static double reports_due_in(Dispatcher *d)
{
    return report_recorder_fresh(d->reports) > 0 ? 0 : IDLE_WAIT;
}

static void count_reports(Dispatcher *d, ReportCounts c)
{
    mutex_lock(d->counters_lock);
    d->counters.reports_delivered += c.delivered;
    d->counters.reports_undelivered += c.undelivered;
    d->counters.reports_other += c.other + c.unmatched;
    mutex_unlock(d->counters_lock);
}

/*
 * One round's recording: every job's progress and every delivery report
 * into one batch, made durable by one commit; only then is the window
 * reopened, are finished jobs forgotten and reports acknowledged.
 */
static void record_round(Dispatcher *d, int stopping)
{
    JobRecordBatch *batch = d->record;
    int progress = progress_due(d, stopping);
    int reports = reports_to_record(d, stopping, progress);

    job_record_batch_forget(batch);
    stage_progress(d, batch, progress);
    if (reports)
        report_recorder_stage(d->reports, batch);
    job_record_batch_commit(batch);
    settle_progress(d, batch, progress);
    job_loader_poke(d->loader);
    if (reports)
        count_reports(d, report_recorder_settle(d->reports, batch, d->link));
}

/* ---- taking jobs in ---------------------------------------------------- */

static void take_jobs_in(Dispatcher *d)
{
    List *jobs = job_loader_take(d->loader);
    ActiveJob *aj;
    long taken = gwlist_len(jobs);

    while ((aj = gwlist_extract_first(jobs)) != NULL) {
        pacer_init(&aj->pacer, aj->job->rate, pacer_now());
        gwlist_append(d->jobs, aj);
    }
    gwlist_destroy(jobs, NULL);
    if (taken > 0) {
        mutex_lock(d->counters_lock);
        d->counters.active_jobs = gwlist_len(d->jobs);
        mutex_unlock(d->counters_lock);
    }
}

/* ---- sending ------------------------------------------------------------ */

static void move_due_retries(Dispatcher *d)
{
    time_t now = time(NULL);
    long i = 0;

    while (i < gwlist_len(d->retry)) {
        Segment *s = gwlist_get(d->retry, i);
        if (s->due <= now) {
            gwlist_delete(d->retry, i, 1);
            gwlist_append(d->ready, s);
        } else {
            i++;
        }
    }
}

static void expire_recipient(Dispatcher *d, ActiveJob *aj, long i)
{
    Octstr *reason = octstr_format("validity of %ld minute(s) ran out before it was sent",
                                   (long) ((aj->validity_end - aj->started) / 60));

    fail_recipient(d, aj, i, RCPT_EXPIRED, reason);
    octstr_destroy(reason);
}

/* Encode the next waiting recipient of aj into ready segments. 1 = did. */
static int encode_next(Dispatcher *d, ActiveJob *aj)
{
    Octstr *why = NULL;
    List *msgs;
    Msg *msg;
    long i;

    while ((i = active_job_take_next(aj)) != -1) {
        if (validity_over(aj)) {
            expire_recipient(d, aj, i);
            continue;
        }
        msgs = active_job_encode(aj, d->config, i, &why);
        if (msgs == NULL) {
            fail_recipient(d, aj, i, RCPT_FAILED, why);
            octstr_destroy(why);
            continue;
        }
        while ((msg = gwlist_extract_first(msgs)) != NULL)
            gwlist_append(d->ready, segment_create(aj, i, msg));
        gwlist_destroy(msgs, NULL);
        return 1;
    }
    return 0;
}

/* Note that pacing holds something back for `wait` seconds. */
static void held_for(Dispatcher *d, double wait)
{
    if (d->pace_wait == 0 || wait < d->pace_wait)
        d->pace_wait = wait;
}

/* May aj hand out a recipient now (its window open, its Rate: allowing)? */
static int may_hand_out(Dispatcher *d, ActiveJob *aj, time_t now, double clock)
{
    double wait;

    if (!active_job_handing_out(aj, now))
        return 0;
    if ((wait = pacer_wait(&aj->pacer, clock)) > 0) {
        held_for(d, wait);
        return 0;
    }
    return 1;
}

/* Fill the ready list from the jobs, round robin, one recipient at a time. */
static int refill_ready(Dispatcher *d)
{
    long tries, n = gwlist_len(d->jobs);
    time_t now = time(NULL);
    double clock = pacer_now();

    for (tries = 0; tries < n; tries++) {
        ActiveJob *aj = gwlist_get(d->jobs, d->next_job % n);
        d->next_job = (d->next_job + 1) % n;
        if (may_hand_out(d, aj, now, clock) && encode_next(d, aj)) {
            pacer_take(&aj->pacer);
            return 1;
        }
    }
    return 0;
}

/* Does the box's throughput let a segment go now? */
static int box_allows(Dispatcher *d)
{
    double wait = pacer_paced(&d->box) ? pacer_wait(&d->box, pacer_now()) : 0;

    if (wait > 0)
        held_for(d, wait);
    return wait == 0;
}

static long window_free(Dispatcher *d)
{
    return d->config->max_pending - d->pending_count - d->unrecorded;
}

static int send_segment(Dispatcher *d, Segment *s)
{
    Octstr *key;

    box_msg_new_id(s->msg->sms.id);      /* a resend is another message */
    s->msg->sms.time = time(NULL);
    if (box_link_send(d->link, s->msg) == -1)
        return -1;
    key = uuid_key(s->msg->sms.id);
    dict_put(d->pending, key, s);
    octstr_destroy(key);
    d->pending_count++;
    COUNT(d, segments_sent, 1);
    return 0;
}

static void send_window(Dispatcher *d)
{
    Segment *s;
    long sent = 0;

    d->pace_wait = 0;
    if (!d->link_up)
        return;
    move_due_retries(d);
    while (window_free(d) > 0) {
        if ((gwlist_len(d->ready) == 0 && !refill_ready(d)) || !box_allows(d))
            break;
        s = gwlist_extract_first(d->ready);
        if (send_segment(d, s) == -1) {
            gwlist_insert(d->ready, 0, s);
            break;
        }
        pacer_take(&d->box);
        sent++;
    }
    if (sent > 0)
        box_link_flush(d->link);
}

/* ---- the thread ------------------------------------------------------------ */

/*
 * Sleeps unless events or jobs wait, at most until pacing lets the next
 * segment or recipient go or reports are due; says so first, so that
 * whoever queues something after the look wakes it (queue_and_wake()).
 * With segments in flight it naps instead: acks and reports then wake it
 * NAP_EVENTS at a time or after NAP, not one by one (a wake-up costs both
 * threads a system call or two, which at 18,000 events/s was the larger
 * part of provbox's CPU). A nap that saw nothing (a link gone quiet) is
 * followed by a sleep.
 */
static void wait_for_work(Dispatcher *d)
{
    double wait = reports_due_in(d);
    Sleep mode = ASLEEP;
    int idle;

    if (d->pace_wait > 0 && d->pace_wait < wait)
        wait = d->pace_wait > PACE_MIN_SLEEP ? d->pace_wait : PACE_MIN_SLEEP;
    if (d->pending_count > 0 && !d->nap_was_empty && wait > NAP) {
        wait = NAP;
        mode = NAPPING;
    }
    mutex_lock(d->events_lock);
    d->sleeping = mode;
    idle = mode == NAPPING ? gwlist_len(d->events) < NAP_EVENTS : gwlist_len(d->events) == 0;
    mutex_unlock(d->events_lock);
    if (idle && wait > 0 && d->running && !job_loader_has_jobs(d->loader))
        gwthread_sleep(wait);
    mutex_lock(d->events_lock);
    d->sleeping = AWAKE;
    d->nap_was_empty = mode == NAPPING && gwlist_len(d->events) == 0;
    mutex_unlock(d->events_lock);
}

static void update_pacing(Dispatcher *d)
{
    time_t now = time(NULL);
    List *paced, *old;

    if (now - d->last_pacing_snapshot < PACING_SNAPSHOT_INTERVAL)
        return;
    d->last_pacing_snapshot = now;
    paced = paced_jobs_of(d->jobs, d->config->throughput, now);
    mutex_lock(d->counters_lock);
    old = d->paced;
    d->paced = paced;
    mutex_unlock(d->counters_lock);
    paced_jobs_destroy(old);
}

static void update_in_flight(Dispatcher *d)
{
    mutex_lock(d->counters_lock);
    d->counters.in_flight = d->pending_count + d->unrecorded;
    d->counters.reports_waiting = report_recorder_waiting(d->reports);
    d->counters.suspended = d->suspended;
    mutex_unlock(d->counters_lock);
}

static void dispatch_round(Dispatcher *d)
{
    handle_events(d);
    record_round(d, 0);
    if (d->running)
        take_jobs_in(d);
    if (d->running)
        send_window(d);
    update_in_flight(d);
    update_pacing(d);
    job_progress_tick();
}

/* Give in-flight segments a moment to be acknowledged and recorded. */
static void finish_in_flight(Dispatcher *d)
{
    double deadline = (double) time(NULL) + STOP_GRACE;

    while (d->link_up && d->pending_count > 0 && (double) time(NULL) < deadline) {
        gwthread_sleep(0.1);
        handle_events(d);
        record_round(d, 1);
    }
    handle_events(d);
    record_round(d, 1);
}

static void dispatcher_thread(void *arg)
{
    Dispatcher *d = arg;

    while (d->running) {
        dispatch_round(d);
        wait_for_work(d);
    }
    finish_in_flight(d);
}

Dispatcher *dispatcher_create(const ProvboxConfig *config, Spool *spool,
                              void (*shutdown_requested)(void))
{
    Dispatcher *d = gw_malloc(sizeof(*d));

    memset(d, 0, sizeof(*d));
    d->config = config;
    d->spool = spool;
    d->shutdown_requested = shutdown_requested;
    d->events_lock = mutex_create();
    d->events = gwlist_create();
    d->jobs = gwlist_create();
    d->loader = job_loader_create(config, spool, on_jobs_ready, d);
    d->pending = dict_create(config->max_pending * 2 + 16, NULL);
    d->ready = gwlist_create();
    d->retry = gwlist_create();
    d->reports = report_recorder_create(spool);
    d->record = job_record_batch_create(spool, config->max_held_jobs);
    job_record_batch_watch(d->record, job_progress_changed, NULL);
    d->counters_lock = mutex_create();
    d->counters.max_pending = config->max_pending;
    d->counters.max_active_jobs = config->max_held_jobs;
    d->paced = gwlist_create();
    pacer_init(&d->box, config->throughput, pacer_now());
    d->thread = -1;
    return d;
}

void dispatcher_start(Dispatcher *d, BoxLink *link)
{
    d->link = link;
    d->running = 1;
    d->thread = gwthread_create(dispatcher_thread, d);
    if (d->thread == -1)
        panic(0, "Cannot start the dispatcher thread.");
    job_loader_start(d->loader);
}

void dispatcher_suspend(Dispatcher *d)
{
    d->suspended = 1;
    job_loader_suspend(d->loader);
    info(0, "Suspended: no new jobs are taken; in-flight ones finish.");
    gwthread_wakeup(d->thread);
}

void dispatcher_resume(Dispatcher *d)
{
    d->suspended = 0;
    job_loader_resume(d->loader);
    info(0, "Resumed: taking new jobs again.");
    gwthread_wakeup(d->thread);
}

List *dispatcher_paced_jobs(Dispatcher *d)
{
    List *copy;

    mutex_lock(d->counters_lock);
    copy = paced_jobs_copy(d->paced);
    mutex_unlock(d->counters_lock);
    return copy;
}

DispatcherCounters dispatcher_counters(Dispatcher *d)
{
    JobLoaderCounters loaded = job_loader_counters(d->loader);
    DispatcherCounters c;

    mutex_lock(d->counters_lock);
    c = d->counters;
    mutex_unlock(d->counters_lock);
    c.jobs_claimed = loaded.claimed;
    c.jobs_deferred += loaded.deferred;
    c.jobs_failed += loaded.rejected;
    return c;
}

void dispatcher_stop(Dispatcher *d)
{
    if (d->thread == -1)
        return;
    job_loader_stop(d->loader);
    d->running = 0;
    gwthread_wakeup(d->thread);
    gwthread_join(d->thread);
    d->thread = -1;
}

static void destroy_segment_item(void *s) { segment_destroy(s); }

static void destroy_event_item(void *p)
{
    Event *e = p;

    msg_destroy(e->msg);
    gw_free(e);
}

void dispatcher_destroy(Dispatcher *d)
{
    List *keys = dict_keys(d->pending);
    Octstr *key;

    while ((key = gwlist_extract_first(keys)) != NULL) {
        segment_destroy(dict_remove(d->pending, key));
        octstr_destroy(key);
    }
    gwlist_destroy(keys, NULL);
    gwlist_destroy(d->ready, destroy_segment_item);
    gwlist_destroy(d->retry, destroy_segment_item);
    while (gwlist_len(d->jobs) > 0)
        forget_job(d, 0);
    gwlist_destroy(d->jobs, NULL);
    job_loader_destroy(d->loader);
    dict_destroy(d->pending);
    report_recorder_destroy(d->reports);
    job_record_batch_destroy(d->record);
    paced_jobs_destroy(d->paced);
    gwlist_destroy(d->events, destroy_event_item);
    mutex_destroy(d->events_lock);
    mutex_destroy(d->counters_lock);
    gw_free(d);
}
