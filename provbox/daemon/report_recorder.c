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

#define HOLD_SECONDS 60

typedef struct Report {
    Msg *msg;
    Octstr *job;
    long recipient;
    long segment;
    time_t first_seen;
    int recorded;
} Report;

struct ReportRecorder {
    Spool *spool;
    List *queue;    /* Report* */
};

ReportRecorder *report_recorder_create(Spool *spool)
{
    ReportRecorder *rr = gw_malloc(sizeof(*rr));

    rr->spool = spool;
    rr->queue = gwlist_create();
    return rr;
}

static void report_destroy(void *p)
{
    Report *r = p;

    msg_destroy(r->msg);
    octstr_destroy(r->job);
    gw_free(r);
}

void report_recorder_destroy(ReportRecorder *rr)
{
    gwlist_destroy(rr->queue, report_destroy);
    gw_free(rr);
}

long report_recorder_waiting(ReportRecorder *rr)
{
    return gwlist_len(rr->queue);
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
}

static int is_expiry(Octstr *text)
{
    return text != NULL && octstr_case_search(text, octstr_imm("expired"), 0) != -1;
}

static void apply_one(RecipientStatus *rs, Report *r, ReportCounts *counts)
{
    long mask = r->msg->sms.dlr_mask;

    if (mask & DLR_SUCCESS) {
        if (rs->parts == 0 || rs->delivered < rs->parts)
            rs->delivered++;
        counts->delivered++;
    } else if (mask & (DLR_FAIL | DLR_SMSC_FAIL)) {
        rs->undelivered++;
        octstr_destroy(rs->reason);
        rs->reason = octstr_format("delivery report %ld: %S", mask,
                                   r->msg->sms.msgdata != NULL ? r->msg->sms.msgdata
                                                               : octstr_imm("no text"));
        if (is_expiry(r->msg->sms.msgdata))
            rs->state = RCPT_EXPIRED;
        counts->undelivered++;
    } else {
        counts->other++;
    }
    job_record_derive_state(rs);
}

typedef struct JobBatch {
    List *reports;          /* Report* of one job */
    ReportCounts *counts;
} JobBatch;

static void apply_batch(JobStatus *status, void *ctx)
{
    JobBatch *batch = ctx;
    long i;

    for (i = 0; i < gwlist_len(batch->reports); i++) {
        Report *r = gwlist_get(batch->reports, i);
        RecipientStatus *rs = job_record_recipient(status, r->recipient);
        if (rs != NULL) {
            apply_one(rs, r, batch->counts);
            r->recorded = 1;
        }
    }
}

/* Group the queue by job; reports without a key go under the empty name. */
static Dict *group_by_job(List *queue, List **order)
{
    Dict *groups = dict_create(gwlist_len(queue) + 1, NULL);
    Octstr *empty = octstr_imm("");
    Report *r;
    List *batch;

    *order = gwlist_create();
    while ((r = gwlist_extract_first(queue)) != NULL) {
        Octstr *key = r->job != NULL ? r->job : empty;
        batch = dict_get(groups, key);
        if (batch == NULL) {
            batch = gwlist_create();
            dict_put(groups, key, batch);
            gwlist_append(*order, batch);
        }
        gwlist_append(batch, r);
    }
    return groups;
}

static void record_job(ReportRecorder *rr, List *reports, ReportCounts *counts)
{
    Report *first = gwlist_get(reports, 0);
    JobBatch batch = { reports, counts };
    Octstr *why = NULL;

    if (job_record_update(rr->spool, first->job, apply_batch, &batch,
                          JOB_RECORD_STAY, &why) == -1) {
        warning(0, "Delivery report for job %s not recorded: %s",
                octstr_get_cstr(first->job), octstr_get_cstr(why));
        octstr_destroy(why);
    }
}

/* Acknowledge the recorded (and the hopeless) reports; keep the rest. */
static void settle(List *reports, List *keep, BoxLink *link, ReportCounts *counts)
{
    Report *r;
    time_t now = time(NULL);

    while ((r = gwlist_extract_first(reports)) != NULL) {
        if (!r->recorded && r->job != NULL && now - r->first_seen < HOLD_SECONDS) {
            gwlist_append(keep, r);
            continue;
        }
        if (!r->recorded) {
            counts->unmatched++;
            warning(0, "Delivery report (mask %ld) for %s matches no job recipient; acknowledged unrecorded.",
                    r->msg->sms.dlr_mask,
                    r->msg->sms.dlr_url ? octstr_get_cstr(r->msg->sms.dlr_url) : "(no key)");
        }
        access_log_report(r->msg, r->job, r->recipient, r->segment);
        box_link_ack(link, r->msg, ack_success);
        report_destroy(r);
    }
}

ReportCounts report_recorder_flush(ReportRecorder *rr, BoxLink *link)
{
    ReportCounts counts = { 0, 0, 0, 0 };
    List *keep = gwlist_create(), *order, *batch;
    Dict *groups = group_by_job(rr->queue, &order);

    while ((batch = gwlist_extract_first(order)) != NULL) {
        if (((Report *) gwlist_get(batch, 0))->job != NULL)
            record_job(rr, batch, &counts);
        settle(batch, keep, link, &counts);
        gwlist_destroy(batch, NULL);
    }
    gwlist_destroy(order, NULL);
    dict_destroy(groups);
    gwlist_destroy(rr->queue, NULL);
    rr->queue = keep;
    return counts;
}
