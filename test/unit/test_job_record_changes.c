/*
 * test_job_record_changes.c - unit tests of the watcher of
 * provbox/daemon/job_record.c's batches: for each status written, how its
 * recipients changed by state, as the status page's per-job counts follow
 * them: a new status (recipients added count as queued before), a slotted
 * one changed in place (only the slots touched), two changes to one job in
 * one batch (one net change), a change that writes nothing, and a job
 * whose status cannot be written (no change told).
 */
#include <stdio.h>

#include "gwlib/gwlib.h"
#include "daemon/job_record.h"
#include "spool/job_status.h"
#include "../lib/tap.h"
#include "../lib/scratch.h"

static char scratch[] = "/tmp/test_job_record_changes.XXXXXX";

typedef struct Seen {
    long calls;
    Octstr *name;
    long change[JOB_RECORD_STATES];
} Seen;

static void watch(void *ctx, Octstr *name, const long *change)
{
    Seen *seen = ctx;
    long k;

    seen->calls++;
    octstr_destroy(seen->name);
    seen->name = octstr_duplicate(name);
    for (k = 0; k < JOB_RECORD_STATES; k++)
        seen->change[k] += change[k];
}

static void seen_reset(Seen *seen)
{
    octstr_destroy(seen->name);
    memset(seen, 0, sizeof(*seen));
}

static int change_is(const Seen *seen, long queued, long sent, long delivered, long failed)
{
    const long *c = seen->change;

    if (c[RCPT_QUEUED] == queued && c[RCPT_SENT] == sent && c[RCPT_DELIVERED] == delivered
        && c[RCPT_FAILED] == failed && c[RCPT_UNDELIVERED] == 0 && c[RCPT_EXPIRED] == 0)
        return 1;
    tap_diag("change: queued %ld sent %ld delivered %ld undelivered %ld failed %ld expired %ld",
             c[RCPT_QUEUED], c[RCPT_SENT], c[RCPT_DELIVERED], c[RCPT_UNDELIVERED],
             c[RCPT_FAILED], c[RCPT_EXPIRED]);
    return 0;
}

static void put(const char *state, const char *name, Octstr *text)
{
    Octstr *path = octstr_format("%s/spool/%s/%s", scratch, state, name);
    FILE *f = fopen(octstr_get_cstr(path), "w");

    if (f == NULL || fwrite(octstr_get_cstr(text), 1, octstr_len(text), f)
                     != (size_t) octstr_len(text) || fclose(f) != 0)
        panic(0, "cannot write %s", octstr_get_cstr(path));
    octstr_destroy(path);
    octstr_destroy(text);
}

/* Changes applied to a record: add recipients, then set states. */
typedef struct Change {
    long add;                   /* recipients to add (a new status) */
    long index[3];              /* recipients to set, -1 ends */
    RecipientState to[3];
} Change;

static void apply(JobRecord *record, void *ctx)
{
    const Change *c = ctx;
    RecipientStatus *r;
    long i;

    for (i = 0; i < c->add; i++)
        job_record_add(record, octstr_imm("4790000001"));
    for (i = 0; i < 3 && c->index[i] >= 0; i++) {
        if ((r = job_record_recipient(record, c->index[i])) == NULL)
            continue;
        r->parts = 1;
        r->acked = c->to[i] == RCPT_QUEUED ? 0 : 1;
        r->delivered = c->to[i] == RCPT_DELIVERED ? 1 : 0;
        r->state = c->to[i] == RCPT_FAILED ? RCPT_FAILED : RCPT_QUEUED;
        job_record_derive_state(r);
    }
}

/* One batch of the changes to job `name` in active/; 0 when it landed. */
static int record(Spool *spool, const char *name, Change *changes, int n, Seen *seen)
{
    JobRecordBatch *batch = job_record_batch_create(spool, 1);
    Octstr *job = octstr_create(name), *error = NULL;
    int i, ret = 0;

    job_record_batch_watch(batch, watch, seen);
    for (i = 0; i < n && ret == 0; i++)
        ret = job_record_batch_update(batch, job, SPOOL_ACTIVE, apply, &changes[i],
                                      JOB_RECORD_STAY, &error);
    job_record_batch_commit(batch);
    ret = ret == 0 && job_record_batch_ok(batch, job) ? 0 : -1;
    job_record_batch_destroy(batch);
    octstr_destroy(error);
    octstr_destroy(job);
    return ret;
}

static void test_new_status(Spool *spool)
{
    Change c = { 3, { 1, -1, -1 }, { RCPT_SENT, 0, 0 } };
    Seen seen;

    memset(&seen, 0, sizeof(seen));
    put("active", "fresh", octstr_create("To: 4790000001\nSec: NONE\n\n<x/>\n"));
    ok(record(spool, "fresh", &c, 1, &seen) == 0 && seen.calls == 1
       && octstr_str_compare(seen.name, "fresh") == 0 && change_is(&seen, -1, 1, 0, 0),
       "a new status of 3 recipients, one sent: queued -1, sent +1 (added count as queued)");
    seen_reset(&seen);
}

static void test_in_place(Spool *spool)
{
    JobStatus *st = job_status_create(octstr_imm("slots"), NULL);
    Change both[2] = {
        { 0, { 0, 2, -1 }, { RCPT_DELIVERED, RCPT_FAILED, 0 } },
        { 0, { 2, 1, -1 }, { RCPT_SENT, RCPT_SENT, 0 } },
    };
    Change again = { 0, { 0, -1, -1 }, { RCPT_DELIVERED, 0, 0 } };
    RecipientStatus *r;
    Seen seen;

    memset(&seen, 0, sizeof(seen));
    r = job_status_add_recipient(st, octstr_imm("4790000001"));
    r->parts = r->acked = 1;
    r->state = RCPT_SENT;
    job_status_add_recipient(st, octstr_imm("4790000002"));
    job_status_add_recipient(st, octstr_imm("4790000003"));
    put("active", "slots.status", job_status_format(st));
    job_status_destroy(st);
    put("active", "slots", octstr_create("To: 4790000001\nSec: NONE\n\n<x/>\n"));

    ok(record(spool, "slots", both, 1, &seen) == 0 && seen.calls == 1
       && change_is(&seen, -1, -1, 1, 1),
       "in place: sent -> delivered, queued -> failed: one change told");
    seen_reset(&seen);
    ok(record(spool, "slots", &both[1], 1, &seen) == 0 && change_is(&seen, -1, 2, 0, -1),
       "the slots as written last are the change's start (failed -> sent, queued -> sent)");
    seen_reset(&seen);
    ok(record(spool, "slots", &again, 1, &seen) == 0 && change_is(&seen, 0, 0, 0, 0),
       "a change that changes no state: nothing changes");
    seen_reset(&seen);
    both[0].index[0] = 1;
    both[0].to[0] = RCPT_DELIVERED;
    both[0].index[1] = -1;
    both[1].index[0] = 1;
    both[1].to[0] = RCPT_FAILED;
    both[1].index[1] = -1;
    ok(record(spool, "slots", both, 2, &seen) == 0 && seen.calls == 1
       && change_is(&seen, 0, -1, 0, 1),
       "two changes to one job in one batch: one net change (sent -> failed)");
    seen_reset(&seen);
}

static void test_not_written(Spool *spool)
{
    Change c = { 1, { 0, -1, -1 }, { RCPT_SENT, 0, 0 } };
    Seen seen;

    memset(&seen, 0, sizeof(seen));
    ok(record(spool, "no-such-job", &c, 1, &seen) == -1 && seen.calls == 0,
       "a job that is not there: no status written, no change told");
    seen_reset(&seen);
}

int main(void)
{
    Octstr *dir, *error = NULL;
    Spool *spool;

    gwlib_init();
    log_set_output_level(GW_PANIC);
    scratch_create(scratch);
    dir = octstr_format("%s/spool", scratch);
    if ((spool = spool_open(dir, &error)) == NULL)
        panic(0, "spool_open: %s", octstr_get_cstr(error));
    test_new_status(spool);
    test_in_place(spool);
    test_not_written(spool);
    spool_close(spool);
    octstr_destroy(dir);
    scratch_remove(scratch);
    gwlib_shutdown();
    return tap_done();
}
