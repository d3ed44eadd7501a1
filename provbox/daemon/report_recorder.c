/*
 * report_recorder.c - recording delivery reports (see report_recorder.h).
 */
#include "gwlib/gwlib.h"
#include "gw/msg.h"
#include "gw/dlr.h"
#include "daemon/active_job.h"
#include "daemon/job_record.h"
#include "daemon/report_recorder.h"
#include "daemon/access_log.h"
#include "daemon/pacer.h"
#include "daemon/box_msg.h"
#include "common/log_escaped.h"

#define HOLD_SECONDS 60
#define GROUP_SIZE 64           /* fresh reports that are recorded at once */
#define GROUP_DELAY 0.005       /* seconds the first of fewer may wait */

typedef struct Report {
    Msg *msg;
    Octstr *job;
    long recipient;
    long segment;
    time_t first_seen;
    int recorded;
    int outcome;        /* what apply_one made of it, counted once acked */
} Report;

enum { OUTCOME_OTHER, OUTCOME_DELIVERED, OUTCOME_UNDELIVERED };

struct ReportRecorder {
    Spool *spool;
    List *queue;    /* Report* */
    List *staged;   /* List* of one job's Report*, awaiting the commit */
    long fresh;     /* queued since the last stage */
    double fresh_since;
    long fresh_seen;    /* fresh at the last report_recorder_group_due() */
};

ReportRecorder *report_recorder_create(Spool *spool)
{
    ReportRecorder *rr = gw_malloc(sizeof(*rr));

    rr->spool = spool;
    rr->queue = gwlist_create();
    rr->staged = gwlist_create();
    rr->fresh = 0;
    rr->fresh_since = 0;
    rr->fresh_seen = 0;
    return rr;
}

static void report_destroy(void *p)
{
    Report *r = p;

    msg_destroy(r->msg);
    octstr_destroy(r->job);
    gw_free(r);
}

static void group_destroy(void *group)
{
    gwlist_destroy(group, report_destroy);
}

void report_recorder_destroy(ReportRecorder *rr)
{
    gwlist_destroy(rr->staged, group_destroy);
    gwlist_destroy(rr->queue, report_destroy);
    gw_free(rr);
}

long report_recorder_waiting(ReportRecorder *rr)
{
    return gwlist_len(rr->queue);
}

long report_recorder_fresh(ReportRecorder *rr)
{
    return rr->fresh;
}

/*
 * Reports are recorded in groups: when GROUP_SIZE fresh ones wait, when
 * none came since the last look, which the dispatcher makes again at once
 * (bearerbox has sent what it had, or as many as its smsbox-max-pending
 * lets go unacknowledged), or when the first has waited GROUP_DELAY. A
 * round of its own for every few reports cost a status open, read, write,
 * sync and close each (800 rounds/s at full speed).
 */
int report_recorder_group_due(ReportRecorder *rr)
{
    long seen = rr->fresh_seen;

    rr->fresh_seen = rr->fresh;
    return rr->fresh > 0 && (rr->fresh >= GROUP_SIZE || rr->fresh == seen
                             || pacer_now() - rr->fresh_since >= GROUP_DELAY);
}

void report_recorder_add(ReportRecorder *rr, Msg *msg)
{
    Report *r = gw_malloc(sizeof(*r));

    memset(r, 0, sizeof(*r));
    r->msg = msg;
    r->first_seen = time(NULL);
    if (active_job_parse_key(msg->sms.dlr_url, &r->job, &r->recipient, &r->segment) == -1)
        r->job = NULL;
    gwlist_append(rr->queue, r);
    if (rr->fresh++ == 0)
        rr->fresh_since = pacer_now();
}

static int is_expiry(Octstr *text)
{
    return text != NULL && octstr_case_search(text, octstr_imm("expired"), 0) != -1;
}

static void apply_one(RecipientStatus *rs, Report *r)
{
    long mask = r->msg->sms.dlr_mask;

    if (mask & DLR_SUCCESS) {
        if (rs->parts == 0 || rs->delivered < rs->parts)
            rs->delivered++;
        r->outcome = OUTCOME_DELIVERED;
    } else if (mask & (DLR_FAIL | DLR_SMSC_FAIL)) {
        rs->undelivered++;
        octstr_destroy(rs->reason);
        rs->reason = octstr_format("delivery report %ld: %S", mask,
                                   r->msg->sms.msgdata != NULL ? r->msg->sms.msgdata
                                                               : octstr_imm("no text"));
        if (is_expiry(r->msg->sms.msgdata))
            rs->state = RCPT_EXPIRED;
        r->outcome = OUTCOME_UNDELIVERED;
    } else {
        r->outcome = OUTCOME_OTHER;
    }
    job_record_derive_state(rs);
}

static void apply_group(JobRecord *record, void *ctx)
{
    List *reports = ctx;
    long i;

    for (i = 0; i < gwlist_len(reports); i++) {
        Report *r = gwlist_get(reports, i);
        RecipientStatus *rs = job_record_recipient(record, r->recipient);
        if (rs != NULL) {
            apply_one(rs, r);
            r->recorded = 1;
        }
    }
}

/* Group the queue by job; reports without a key go under the empty name. */
static List *group_by_job(List *queue)
{
    Dict *groups = dict_create(gwlist_len(queue) + 1, NULL);
    Octstr *empty = octstr_imm("");
    List *order = gwlist_create(), *group;
    Report *r;

    while ((r = gwlist_extract_first(queue)) != NULL) {
        Octstr *key = r->job != NULL ? r->job : empty;
        group = dict_get(groups, key);
        if (group == NULL) {
            group = gwlist_create();
            dict_put(groups, key, group);
            gwlist_append(order, group);
        }
        gwlist_append(group, r);
    }
    dict_destroy(groups);
    return order;
}

static void stage_group(JobRecordBatch *batch, List *group)
{
    Report *first = gwlist_get(group, 0);
    Octstr *why = NULL;

    if (first->job == NULL)
        return;
    if (job_record_batch_update(batch, first->job, JOB_RECORD_FIND, apply_group, group,
                                JOB_RECORD_STAY, &why) == -1) {
        log_escaped_warning(0, "Delivery report for job %S not recorded: %S", first->job, why);
        octstr_destroy(why);
    }
}

void report_recorder_stage(ReportRecorder *rr, JobRecordBatch *batch)
{
    List *groups = group_by_job(rr->queue), *group;

    rr->fresh = rr->fresh_seen = 0;
    while ((group = gwlist_extract_first(groups)) != NULL) {
        stage_group(batch, group);
        gwlist_append(rr->staged, group);
    }
    gwlist_destroy(groups, NULL);
}

static void count(const Report *r, ReportCounts *counts)
{
    if (!r->recorded)
        counts->unmatched++;
    else if (r->outcome == OUTCOME_DELIVERED)
        counts->delivered++;
    else if (r->outcome == OUTCOME_UNDELIVERED)
        counts->undelivered++;
    else
        counts->other++;
}

/* reply is reused for every report of a round: an ack's id is the
 * report's. */
static void send_ack(BoxLink *link, Msg *reply, Msg *report)
{
    reply->ack.nack = ack_success;
    reply->ack.time = report->sms.time;
    uuid_copy(reply->ack.id, report->sms.id);
    box_link_send(link, reply);
}

/* Acknowledge the recorded (and the hopeless) reports; keep the rest. */
static void settle(List *reports, List *keep, BoxLink *link, Msg *reply, ReportCounts *counts)
{
    Report *r;
    time_t now = time(NULL);

    while ((r = gwlist_extract_first(reports)) != NULL) {
        if (!r->recorded && r->job != NULL && now - r->first_seen < HOLD_SECONDS) {
            gwlist_append(keep, r);
            continue;
        }
        if (!r->recorded)
            log_escaped_warning(0, "Delivery report (mask %ld) for %S matches no job recipient; "
                                "acknowledged unrecorded.", r->msg->sms.dlr_mask,
                                r->msg->sms.dlr_url ? r->msg->sms.dlr_url : octstr_imm("(no key)"));
        count(r, counts);
        access_log_report(r->msg, r->job, r->recipient, r->segment);
        send_ack(link, reply, r->msg);
        report_destroy(r);
    }
}

/* A group whose write did not land is not recorded, whatever was applied. */
static void unless_landed(JobRecordBatch *batch, List *group)
{
    Report *first = gwlist_get(group, 0);
    long i;

    if (first->job != NULL && job_record_batch_ok(batch, first->job))
        return;
    for (i = 0; i < gwlist_len(group); i++)
        ((Report *) gwlist_get(group, i))->recorded = 0;
}

ReportCounts report_recorder_settle(ReportRecorder *rr, JobRecordBatch *batch, BoxLink *link)
{
    ReportCounts counts = { 0, 0, 0, 0 };
    Msg *reply = gwlist_len(rr->staged) > 0 ? box_msg_create(ack) : NULL;
    List *group;

    while ((group = gwlist_extract_first(rr->staged)) != NULL) {
        unless_landed(batch, group);
        settle(group, rr->queue, link, reply, &counts);
        gwlist_destroy(group, NULL);
    }
    msg_destroy(reply);
    box_link_flush(link);
    return counts;
}
