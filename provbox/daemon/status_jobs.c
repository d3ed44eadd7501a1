/*
 * status_jobs.c - the jobs and recent-failures sections of the status
 * page (see status_jobs.h).
 */
#include "gwlib/gwlib.h"
#include "daemon/status_jobs.h"
#include "daemon/status_model.h"
#include "daemon/job_progress.h"
#include "daemon/recent_errors.h"
#include "spool/status_view.h"

static void number(List *record, const char *name, long value, int bad)
{
    field_add(record, name, octstr_format("%ld", value), 1, bad);
}

static List *job_record(const JobProgress *p)
{
    List *record = gwlist_create();

    field_add(record, "name", octstr_duplicate(p->name), 0, 0);
    field_add(record, "id", p->id != NULL ? octstr_duplicate(p->id) : octstr_create(""), 0, 0);
    field_add(record, "state", octstr_create(spool_state_name(p->state)), 0,
              p->state == SPOOL_FAILED);
    number(record, "recipients", p->recipients, 0);
    number(record, "pending", p->pending, 0);
    number(record, "sent", p->sent, 0);
    number(record, "delivered", p->delivered, 0);
    number(record, "undelivered", p->undelivered, p->undelivered > 0);
    number(record, "failed", p->failed, p->failed > 0);
    field_add(record, "rate", p->rate < 0 ? octstr_create("-1") : octstr_format("%.2f", p->rate),
              1, 0);
    number(record, "eta", job_progress_eta(p), 0);
    field_add(record, "started", status_time(p->started), 0, 0);
    field_add(record, "finished", status_time(p->finished), 0, 0);
    field_add(record, "reason", p->reason != NULL ? octstr_duplicate(p->reason)
                                                  : octstr_create(""), 0, 0);
    return record;
}

/* Counts from a status tally (all -1 when not read). */
static void counts_of(JobProgress *p, const StatusTally *t)
{
    p->pending = t != NULL ? t->by_state[RCPT_QUEUED] : -1;
    p->sent = t != NULL ? t->by_state[RCPT_SENT] : -1;
    p->delivered = t != NULL ? t->by_state[RCPT_DELIVERED] : -1;
    p->undelivered = t != NULL ? t->by_state[RCPT_UNDELIVERED] : -1;
    p->failed = t != NULL ? t->by_state[RCPT_FAILED] + t->by_state[RCPT_EXPIRED] : -1;
}

/* A deferred job this process does not know, from its status file (one
 * deferred at its claim before its first record lists no recipient yet:
 * its counts are unknown). */
static JobProgress *from_status(Spool *spool, Octstr *name)
{
    JobProgress p, *copy;
    Octstr *why = NULL;
    StatusView *view = status_view_open(spool, SPOOL_DEFERRED, name, &why);
    StatusTally tally;
    int tallied;

    memset(&p, 0, sizeof(p));
    p.name = name;
    p.state = SPOOL_DEFERRED;
    p.rate = -1;
    p.recipients = view != NULL && status_view_count(view) > 0 ? status_view_count(view) : -1;
    tallied = p.recipients > 0 && p.recipients <= DEFERRED_TALLY_MAX
              && status_view_tally(view, &tally, &why) == 0;
    counts_of(&p, tallied ? &tally : NULL);
    if (view != NULL) {
        p.id = status_view_head(view)->id;
        p.reason = status_view_head(view)->reason;
    }
    copy = job_progress_copy(&p);
    octstr_destroy(why);
    status_view_close(view);
    return copy;
}

static void add_job(Section *jobs, const JobProgress *p)
{
    gwlist_append(jobs->records, job_record(p));
}

static void add_in_state(Section *jobs, List *snapshot, int finished)
{
    long i;

    for (i = 0; i < gwlist_len(snapshot); i++) {
        JobProgress *p = gwlist_get(snapshot, i);
        if (finished ? p->state == SPOOL_DONE || p->state == SPOOL_FAILED
                     : p->state == SPOOL_ACTIVE)
            add_job(jobs, p);
    }
}

/* Up to DEFERRED_SHOWN jobs in deferred/: as this process knows them, or
 * from their status. */
static long add_deferred(Section *jobs, List *snapshot, Spool *spool)
{
    List *names = spool_list(spool, SPOOL_DEFERRED, DEFERRED_SHOWN);
    Dict *known = dict_create(64, NULL);
    JobProgress *p;
    Octstr *name;
    long i, listed = gwlist_len(names);

    for (i = 0; i < gwlist_len(snapshot); i++) {
        p = gwlist_get(snapshot, i);
        if (p->state == SPOOL_DEFERRED && dict_get(known, p->name) == NULL)
            dict_put(known, p->name, p);
    }
    while ((name = gwlist_extract_first(names)) != NULL) {
        if ((p = dict_get(known, name)) != NULL) {
            add_job(jobs, p);
        } else {
            p = from_status(spool, name);
            add_job(jobs, p);
            job_progress_free(p);
        }
        octstr_destroy(name);
    }
    gwlist_destroy(names, NULL);
    dict_destroy(known);
    return listed;
}

static void gather_failures(List *sections, List *errors)
{
    Section *s = section_create_records(sections, "recent-failures", "failure");
    List *record;
    long i;

    for (i = 0; i < gwlist_len(errors); i++) {
        RecentError *e = gwlist_get(errors, i);
        record = gwlist_create();
        field_add(record, "time", status_time(e->at), 0, 0);
        field_add(record, "job", octstr_duplicate(e->job), 0, 0);
        number(record, "recipient", e->recipient, 0);
        field_add(record, "cause", octstr_duplicate(e->cause), 0, 1);
        gwlist_append(s->records, record);
    }
}

long status_jobs_gather(List *sections, Spool *spool, List *errors)
{
    List *snapshot = job_progress_snapshot();
    Section *jobs = section_create_records(sections, "jobs", "job");
    long listed;

    add_in_state(jobs, snapshot, 0);
    listed = add_deferred(jobs, snapshot, spool);
    add_in_state(jobs, snapshot, 1);
    gather_failures(sections, errors);
    job_progress_destroy(snapshot);
    return listed;
}
