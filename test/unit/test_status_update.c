/*
 * test_status_update.c - unit tests of provbox/spool/status_update.c in a
 * scratch spool: a change to a slotted status is written in place (same
 * inode and size) and synced, one to a 1.x status rewrites it whole in the
 * slotted layout; the status lock is held while the change is applied
 * (status_update()) and not taken by status_update_locked(); a job without
 * a status gets one only when the caller may create it; a refused change
 * writes nothing; a change to every recipient in some states streams over
 * the slots; a status a crash left ahead of its job is brought back first.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/job_lock.h"
#include "spool/job_status.h"
#include "spool/status_update.h"
#include "../lib/tap.h"
#include "../lib/scratch.h"

static char scratch[] = "/tmp/test_status_update.XXXXXX";
static Spool *spool;

static void write_job(SpoolState state, const char *name)
{
    Octstr *path = spool_path(spool, state, octstr_imm(name));
    FILE *f = fopen(octstr_get_cstr(path), "w");

    fputs("To: 4790000000\nSec: NONE\n\n<wap-provisioningdoc/>\n", f);
    fclose(f);
    octstr_destroy(path);
}

/* A slotted status of n recipients in `state`: the first one delivered,
 * the others failed. */
static void write_slotted(SpoolState state, const char *name, long n)
{
    JobStatus *s = job_status_create(octstr_imm(name), NULL);
    RecipientStatus *r;
    Octstr *text, *msisdn;
    long i;

    for (i = 0; i < n; i++) {
        msisdn = octstr_format("47900%05ld", i);
        r = job_status_add_recipient(s, msisdn);
        r->parts = 1;
        r->acked = i == 0;
        r->delivered = i == 0;
        r->state = i == 0 ? RCPT_DELIVERED : RCPT_FAILED;
        if (i > 0)
            r->reason = octstr_create("rejected");
        octstr_destroy(msisdn);
    }
    text = job_status_format(s);
    spool_write_status(spool, state, octstr_imm(name), text, NULL);
    octstr_destroy(text);
    job_status_destroy(s);
}

static JobStatus *read_status(SpoolState state, const char *name)
{
    Octstr *text = spool_read_status_at(spool, state, octstr_imm(name), NULL);
    JobStatus *s = text != NULL ? job_status_parse(text, NULL) : NULL;

    octstr_destroy(text);
    return s;
}

static struct stat status_stat(SpoolState state, const char *name)
{
    Octstr *path = spool_status_path(spool, state, octstr_imm(name));
    struct stat st;

    memset(&st, 0, sizeof(st));
    stat(octstr_get_cstr(path), &st);
    octstr_destroy(path);
    return st;
}

static RecipientState state_at(const JobStatus *s, long i)
{
    return ((RecipientStatus *) gwlist_get(s->recipients, i))->state;
}

static int state_is(const JobStatus *s, const char *state)
{
    return s != NULL && s->state != NULL && octstr_str_compare(s->state, state) == 0;
}

/* ---- the changes the tests apply ---- */

typedef struct Change {
    const char *name;
    int lock_busy;      /* the job's status lock, tried while applying */
} Change;

/* Recipient 2 delivered, the job done; the job's status lock tried. */
static void deliver_second(JobRecord *record, void *ctx)
{
    Change *c = ctx;
    RecipientStatus *r = job_record_recipient(record, 1);
    JobStatus *head = job_record_head(record);
    Octstr *why = NULL;
    int set = job_lock_status_set_open(spool, &why);

    c->lock_busy = job_lock_status_add(set, octstr_imm(c->name), 0, &why) == JOB_LOCK_BUSY;
    job_lock_status_set_release(set);
    octstr_destroy(why);
    if (r != NULL) {
        r->state = RCPT_DELIVERED;
        r->delivered = 1;
        octstr_destroy(r->reason);
        r->reason = NULL;
    }
    octstr_destroy(head->state);
    head->state = octstr_create("done");
}

static void say_failed(JobRecord *record, void *ctx)
{
    JobStatus *head = job_record_head(record);

    (void) ctx;
    octstr_destroy(head->state);
    head->state = octstr_create("failed");
    head->reason = octstr_create("not sendable");
}

static void refuse(JobRecord *record, void *ctx)
{
    (void) ctx;
    say_failed(record, NULL);
    job_record_refuse(record, octstr_create("no, thanks"));
}

static int queue_again(RecipientStatus *r, int torn, void *ctx)
{
    long *seen = ctx;

    (void) torn;
    ++*seen;
    r->state = RCPT_QUEUED;
    r->parts = r->acked = r->delivered = r->undelivered = 0;
    octstr_destroy(r->reason);
    r->reason = NULL;
    return 1;
}

typedef struct Requeue {
    long seen;
    StatusTally tally;
} Requeue;

static void requeue_failed(JobRecord *record, void *ctx)
{
    Requeue *q = ctx;
    Octstr *why = NULL;

    if (job_record_tally(record, &q->tally, &why) < 0
        || job_record_each(record, 1u << RCPT_FAILED, queue_again, &q->seen, &why) < 0)
        job_record_refuse(record, why);
}

/* Recipients 9, 3, 5, 4, 12, 13 (in that order: runs and gaps) queued. */
static const long scattered[] = { 9, 3, 5, 4, 12, 13 };

static void queue_scattered(JobRecord *record, void *ctx)
{
    size_t k;

    (void) ctx;
    for (k = 0; k < sizeof(scattered) / sizeof(scattered[0]); k++) {
        RecipientStatus *r = job_record_recipient(record, scattered[k]);
        r->state = RCPT_QUEUED;
        r->parts = r->acked = r->delivered = 0;
        octstr_destroy(r->reason);
        r->reason = NULL;
    }
}

/* ---- the tests ---- */

static void test_in_place(void)
{
    Change c = { "SLOTTED", 0 };
    struct stat before, after;
    Octstr *error = NULL;
    JobStatus *s;
    int ret;

    write_job(SPOOL_DONE, "SLOTTED");
    write_slotted(SPOOL_DONE, "SLOTTED", 3);
    before = status_stat(SPOOL_DONE, "SLOTTED");
    ret = status_update(spool, SPOOL_DONE, octstr_imm("SLOTTED"), 0, deliver_second, &c, &error);
    after = status_stat(SPOOL_DONE, "SLOTTED");
    s = read_status(SPOOL_DONE, "SLOTTED");
    ok(ret == 0 && error == NULL, "status_update of a slotted status: 0");
    ok(c.lock_busy, "the job's status lock is held while the change is applied");
    ok(before.st_ino == after.st_ino && before.st_size == after.st_size,
       "a slotted status is changed in place (same inode, same size)");
    ok(s != NULL && gwlist_len(s->recipients) == 3 && state_is(s, "done")
       && state_at(s, 1) == RCPT_DELIVERED
       && state_at(s, 2) == RCPT_FAILED,
       "the recipient changed and the state are on disk; the others are as they were");
    job_status_destroy(s);
    octstr_destroy(error);
}

/* Slots changed out of order, in runs and alone, each land where they
 * belong and no other slot changes. */
static void test_scattered(void)
{
    Octstr *error = NULL;
    JobStatus *s;
    long i, right = 0;
    size_t k;
    int changed;

    write_job(SPOOL_DONE, "SCATTERED");
    write_slotted(SPOOL_DONE, "SCATTERED", 20);
    status_update(spool, SPOOL_DONE, octstr_imm("SCATTERED"), 0, queue_scattered, NULL, &error);
    s = read_status(SPOOL_DONE, "SCATTERED");
    for (i = 0; s != NULL && i < 20; i++) {
        for (changed = 0, k = 0; k < sizeof(scattered) / sizeof(scattered[0]); k++)
            changed |= scattered[k] == i;
        right += state_at(s, i) == (changed ? RCPT_QUEUED : i == 0 ? RCPT_DELIVERED : RCPT_FAILED);
    }
    ok(error == NULL && right == 20,
       "6 slots changed out of order (runs 3-5, 12-13; 9 alone): each on disk, the rest "
       "as they were (%ld of 20 right)", right);
    job_status_destroy(s);
    octstr_destroy(error);
}

static void test_locked(void)
{
    Change c = { "LOCKED", 0 };
    Octstr *error = NULL;
    int ret;

    write_job(SPOOL_DONE, "LOCKED");
    write_slotted(SPOOL_DONE, "LOCKED", 2);
    ret = status_update_locked(spool, SPOOL_DONE, octstr_imm("LOCKED"), 0, deliver_second, &c,
                               &error);
    ok(ret == 0 && !c.lock_busy, "status_update_locked() takes no lock of its own");
    octstr_destroy(error);
}

static void test_whole(void)
{
    Change c = { "OLD", 0 };
    Octstr *old = octstr_create("Job: OLD\nState: active\n"
                                "Recipient: 4790000001 sent parts=1 acked=1 delivered=0\n"
                                "Recipient: 4790000002 failed parts=1 acked=0 delivered=0\n");
    Octstr *error = NULL, *text;
    JobStatus *s;
    int ret;

    write_job(SPOOL_ACTIVE, "OLD");
    spool_write_status(spool, SPOOL_ACTIVE, octstr_imm("OLD"), old, NULL);
    ret = status_update(spool, SPOOL_ACTIVE, octstr_imm("OLD"), 0, deliver_second, &c, &error);
    text = spool_read_status_at(spool, SPOOL_ACTIVE, octstr_imm("OLD"), NULL);
    s = read_status(SPOOL_ACTIVE, "OLD");
    ok(ret == 0 && text != NULL && octstr_search(text, octstr_imm("Layout:"), 0) >= 0,
       "a 1.x status is rewritten whole, in the slotted layout");
    ok(s != NULL && state_is(s, "done") && gwlist_len(s->recipients) == 2
       && state_at(s, 1) == RCPT_DELIVERED,
       "with the change in it");
    job_status_destroy(s);
    octstr_destroy(text);
    octstr_destroy(old);
    octstr_destroy(error);
}

static void test_create(void)
{
    Octstr *error = NULL;
    JobStatus *s;
    int ret;

    write_job(SPOOL_ACTIVE, "BARE");
    ret = status_update(spool, SPOOL_ACTIVE, octstr_imm("BARE"), 0, say_failed, NULL, &error);
    s = read_status(SPOOL_ACTIVE, "BARE");
    ok(ret == 0 && s == NULL, "without create, a job with no status gets none");
    ret = status_update(spool, SPOOL_ACTIVE, octstr_imm("BARE"), 1, say_failed, NULL, &error);
    s = read_status(SPOOL_ACTIVE, "BARE");
    ok(ret == 0 && state_is(s, "failed") && s->reason != NULL
       && octstr_str_compare(s->reason, "not sendable") == 0,
       "with create, it gets its first status");
    job_status_destroy(s);
    octstr_destroy(error);
}

static void test_refused(void)
{
    Octstr *error = NULL, *before, *after;
    int ret;

    write_job(SPOOL_FAILED, "NO");
    write_slotted(SPOOL_FAILED, "NO", 2);
    before = spool_read_status_at(spool, SPOOL_FAILED, octstr_imm("NO"), NULL);
    ret = status_update(spool, SPOOL_FAILED, octstr_imm("NO"), 1, refuse, NULL, &error);
    after = spool_read_status_at(spool, SPOOL_FAILED, octstr_imm("NO"), NULL);
    ok(ret == -1 && error != NULL && octstr_str_compare(error, "no, thanks") == 0,
       "a refused change: -1 and the refusal");
    ok(before != NULL && after != NULL && octstr_compare(before, after) == 0,
       "and nothing written");
    octstr_destroy(before);
    octstr_destroy(after);
    octstr_destroy(error);
}

static void test_each(void)
{
    Requeue q;
    struct stat before, after;
    Octstr *error = NULL;
    JobStatus *s;
    long i, queued = 0;
    int ret;

    memset(&q, 0, sizeof(q));
    write_job(SPOOL_FAILED, "MANY");
    write_slotted(SPOOL_FAILED, "MANY", 300);
    before = status_stat(SPOOL_FAILED, "MANY");
    ret = status_update(spool, SPOOL_FAILED, octstr_imm("MANY"), 0, requeue_failed, &q, &error);
    after = status_stat(SPOOL_FAILED, "MANY");
    s = read_status(SPOOL_FAILED, "MANY");
    for (i = 0; s != NULL && i < gwlist_len(s->recipients); i++)
        queued += state_at(s, i) == RCPT_QUEUED;
    ok(ret == 0 && q.tally.total == 300 && q.tally.by_state[RCPT_FAILED] == 299,
       "job_record_tally counts the recipients by state");
    ok(q.seen == 299 && queued == 299
       && state_at(s, 0) == RCPT_DELIVERED,
       "job_record_each changes the recipients in the states asked for, and no other");
    ok(before.st_ino == after.st_ino && before.st_size == after.st_size,
       "in place, slot by slot");
    job_status_destroy(s);
    octstr_destroy(error);
}

static void test_stray(void)
{
    Change c = { "STRAY", 0 };
    Octstr *error = NULL;
    JobStatus *s;
    int ret;

    write_job(SPOOL_ACTIVE, "STRAY");
    write_slotted(SPOOL_DONE, "STRAY", 2);     /* a move cut short by a crash */
    ret = status_update(spool, SPOOL_ACTIVE, octstr_imm("STRAY"), 0, deliver_second, &c,
                        &error);
    s = read_status(SPOOL_ACTIVE, "STRAY");
    ok(ret == 0 && s != NULL && state_is(s, "done") && read_status(SPOOL_DONE, "STRAY") == NULL,
       "a status left ahead of its job is brought back to it, then changed");
    job_status_destroy(s);
    octstr_destroy(error);
}

int main(void)
{
    Octstr *dir;

    gwlib_init();
    log_set_output_level(GW_PANIC);
    scratch_create(scratch);
    dir = octstr_format("%s/spool", scratch);
    spool = spool_open(dir, NULL);
    test_in_place();
    test_locked();
    test_whole();
    test_create();
    test_refused();
    test_each();
    test_stray();
    test_scattered();
    spool_close(spool);
    octstr_destroy(dir);
    scratch_remove(scratch);
    gwlib_shutdown();
    return tap_done();
}
