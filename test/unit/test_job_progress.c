/*
 * test_job_progress.c - unit tests of provbox/daemon/job_progress.c: the
 * counts follow a job's claim, its status writes (also after it
 * finished), its moves; the deferred and recent lists keep their order
 * and bounds; a refused job has no counts; rates and times left; nothing
 * happens before job_progress_init().
 */
#include "gwlib/gwlib.h"
#include "daemon/job_progress.h"
#include "daemon/job_record.h"
#include "spool/job_status.h"
#include "../lib/tap.h"

static JobProgress *find(List *snapshot, const char *name)
{
    long i;

    for (i = 0; i < gwlist_len(snapshot); i++) {
        JobProgress *p = gwlist_get(snapshot, i);
        if (octstr_str_compare(p->name, name) == 0)
            return p;
    }
    return NULL;
}

static void claim(const char *name, long queued, long sent, SpoolState state, const char *reason)
{
    long tally[JOB_RECORD_STATES] = { 0 };
    Octstr *n = octstr_create(name), *id = octstr_create("crm-1"), *why = NULL;

    tally[RCPT_QUEUED] = queued;
    tally[RCPT_SENT] = sent;
    if (reason != NULL)
        why = octstr_create(reason);
    job_progress_claimed(n, id, tally, state, why);
    octstr_destroy(n);
    octstr_destroy(id);
    octstr_destroy(why);
}

/* from -> to for `count` recipients of a job, as a status write says. */
static void change(const char *name, RecipientState from, RecipientState to, long count)
{
    long delta[JOB_RECORD_STATES] = { 0 };
    Octstr *n = octstr_create(name);

    delta[from] -= count;
    delta[to] += count;
    job_progress_changed(NULL, n, delta);
    octstr_destroy(n);
}

static void move(const char *name, SpoolState to, const char *reason)
{
    Octstr *n = octstr_create(name), *why = reason != NULL ? octstr_create(reason) : NULL;

    job_progress_moved(n, to, why);
    octstr_destroy(n);
    octstr_destroy(why);
}

static void test_counts(void)
{
    List *s;
    JobProgress *p;

    claim("camp", 90, 10, SPOOL_ACTIVE, NULL);
    change("camp", RCPT_QUEUED, RCPT_SENT, 30);
    change("camp", RCPT_SENT, RCPT_DELIVERED, 25);
    change("camp", RCPT_QUEUED, RCPT_FAILED, 2);
    change("camp", RCPT_SENT, RCPT_UNDELIVERED, 1);
    change("camp", RCPT_QUEUED, RCPT_EXPIRED, 1);
    s = job_progress_snapshot();
    p = find(s, "camp");
    ok(p != NULL && p->state == SPOOL_ACTIVE && p->recipients == 100 && p->pending == 57
       && p->sent == 14 && p->delivered == 25 && p->undelivered == 1 && p->failed == 3
       && octstr_str_compare(p->id, "crm-1") == 0 && p->finished == 0,
       "claimed with 10 sent, then written: 57 pending, 14 sent, 25 delivered, "
       "1 undelivered, 3 failed or expired");
    job_progress_destroy(s);

    move("camp", SPOOL_DONE, NULL);
    change("camp", RCPT_SENT, RCPT_DELIVERED, 14);
    s = job_progress_snapshot();
    p = find(s, "camp");
    ok(p != NULL && p->state == SPOOL_DONE && p->finished != 0 && p->delivered == 39
       && p->sent == 0 && job_progress_eta(p) == -1,
       "finished: reports recorded after count too (39 delivered)");
    job_progress_destroy(s);
}

static void test_lists(void)
{
    List *s;
    JobProgress *p;
    char name[32];
    int i;

    claim("later", 40, 0, SPOOL_DEFERRED, "waiting for Not-Before 2030-01-01T00:00:00Z");
    claim("running", 5, 0, SPOOL_ACTIVE, NULL);
    move("running", SPOOL_DEFERRED, "its send window closed; it opens 08:00");
    move("refused", SPOOL_FAILED, "line 1: no document");
    s = job_progress_snapshot();
    p = gwlist_get(s, 0);
    ok(gwlist_len(s) >= 3 && octstr_str_compare(p->name, "running") == 0
       && p->state == SPOOL_DEFERRED && p->reason != NULL,
       "deferred jobs newest first, with their reason: the one whose window closed");
    p = find(s, "refused");
    ok(p != NULL && p->state == SPOOL_FAILED && p->recipients == -1 && p->rate == -1
       && octstr_str_compare(p->reason, "line 1: no document") == 0,
       "a job refused at its claim: failed, recipients unknown, its reason");
    job_progress_destroy(s);
    change("refused", RCPT_QUEUED, RCPT_SENT, 1);
    s = job_progress_snapshot();
    ok(find(s, "refused")->recipients == -1, "a write to a job without counts changes nothing");
    job_progress_destroy(s);

    for (i = 0; i < JOB_PROGRESS_RECENT + 5; i++) {
        snprintf(name, sizeof(name), "old-%02d", i);
        claim(name, 1, 0, SPOOL_ACTIVE, NULL);
        move(name, SPOOL_DONE, NULL);
    }
    s = job_progress_snapshot();
    ok(find(s, "old-04") == NULL && find(s, "old-05") != NULL && find(s, "camp") == NULL
       && octstr_str_compare(((JobProgress *) gwlist_get(s, gwlist_len(s) - JOB_PROGRESS_RECENT))
                             ->name, "old-24") == 0,
       "the last %d finished jobs are kept, newest first", JOB_PROGRESS_RECENT);
    ok(find(s, "later") != NULL, "deferred jobs are kept apart from finished ones");
    job_progress_destroy(s);

    claim("later", 40, 0, SPOOL_ACTIVE, NULL);
    s = job_progress_snapshot();
    p = gwlist_get(s, 0);
    ok(octstr_str_compare(p->name, "later") == 0 && p->state == SPOOL_ACTIVE && p->reason == NULL,
       "claimed again: active, without its deferral's reason");
    job_progress_destroy(s);
}

static void test_eta(void)
{
    JobProgress p;

    memset(&p, 0, sizeof(p));
    p.state = SPOOL_ACTIVE;
    p.pending = 90;
    p.rate = 2.0;
    ok(job_progress_eta(&p) == 45, "90 pending at 2/s: 45 s left");
    p.rate = 0;
    ok(job_progress_eta(&p) == -1, "at no rate: unknown");
    p.pending = 0;
    ok(job_progress_eta(&p) == 0, "nothing pending: none left");
}

int main(void)
{
    List *s;

    gwlib_init();
    claim("before", 1, 0, SPOOL_ACTIVE, NULL);
    s = job_progress_snapshot();
    ok(gwlist_len(s) == 0, "before job_progress_init(): nothing kept, an empty snapshot");
    job_progress_destroy(s);
    job_progress_init();
    test_counts();
    test_lists();
    test_eta();
    job_progress_shutdown();
    gwlib_shutdown();
    return tap_done();
}
