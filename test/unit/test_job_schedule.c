/*
 * test_job_schedule.c - unit tests of provbox/daemon/job_schedule.c and of
 * the claim that applies it (job_claim.c) on a real spool: when a job may
 * send (Not-Before:, its Send-Window:, provbox.conf's send-window, the
 * later of them), the Reason that says until when, and when a window
 * closes; a job outside its window is claimed into deferred/ with that
 * Reason and its due time as mtime; a job whose window is open is handed
 * over knowing when it closes; a job that waited in deferred/ with
 * recipients already recorded says State: active again once its progress
 * is recorded, without the old Reason.
 */
#include <string.h>
#include <sys/stat.h>

#include "gwlib/gwlib.h"
#include "daemon/job_schedule.h"
#include "daemon/job_claim.h"
#include "daemon/job_record.h"
#include "../lib/tap.h"
#include "../lib/scratch.h"

#define DOC "<?xml version=\"1.0\"?>\n<wap-provisioningdoc>" \
            "<characteristic type=\"BOOTSTRAP\"><parm name=\"NAME\" value=\"T\"/>" \
            "</characteristic></wap-provisioningdoc>\n"
#define T_2026_06_10_0000 1781049600L       /* a Wednesday, UTC */
#define HOURS(h) ((long) (h) * 3600L)

static char scratch[] = "/tmp/test_job_schedule.XXXXXX";

static ProvboxConfig *test_config(const char *window)
{
    ProvboxConfig *c = gw_malloc(sizeof(*c));
    Octstr *text = window != NULL ? octstr_create(window) : NULL, *error = NULL;

    memset(c, 0, sizeof(*c));
    c->provbox_id = octstr_create("pb-test");
    c->spool_dir = octstr_format("%s/spool", scratch);
    c->max_pending = c->max_held_jobs = 10;
    c->max_job_size = 65536;
    c->max_segments = 255;
    c->retry_delay = 1;
    c->max_retry_delay = 60;
    c->sender = octstr_create("1234");
    c->validity = c->priority = -1;
    if (text != NULL && (c->send_window = send_window_parse(text, &error)) == NULL)
        panic(0, "send window: %s", octstr_get_cstr(error));
    octstr_destroy(text);
    return c;
}

static Job *job(const char *headers)
{
    Octstr *text = octstr_format("To: 4790000001\nSec: NONE\n%s\n%s", headers, DOC), *error = NULL;
    Job *j = job_parse(octstr_imm("j"), text, &error);

    if (j == NULL)
        panic(0, "job: %s", octstr_get_cstr(error));
    octstr_destroy(text);
    return j;
}

/* schedule_due() of the job at `now`: due `want`, and a reason with `says`
 * (or none, when says is NULL). */
static void due(const char *headers, const char *config_window, long now, long want,
                const char *says, const char *what)
{
    ProvboxConfig *c = test_config(config_window);
    Job *j = job(headers);
    Octstr *reason = NULL;
    time_t got = schedule_due(j, c, now, &reason);
    int said = says == NULL ? reason == NULL
               : reason != NULL && strstr(octstr_get_cstr(reason), says) != NULL;

    ok(got == want && said, "%s", what);
    if (got != want || !said)
        tap_diag("due %+ld s (want %+ld s), reason '%s'", (long) (got - now), want - now,
                 reason != NULL ? octstr_get_cstr(reason) : "(none)");
    octstr_destroy(reason);
    job_destroy(j);
    config_destroy(c);
}

static void test_due(void)
{
    long day = T_2026_06_10_0000;

    due("", NULL, day, day, NULL, "no Not-Before, no window: now");
    due("Not-Before: 2026-06-10T05:00:00Z\n", NULL, day, day + HOURS(5),
        "waiting for Not-Before 2026-06-10T05:00:00Z", "Not-Before ahead: then");
    due("Send-Window: 08:00-21:00 UTC\n", NULL, day, day + HOURS(8),
        "waiting for Send-Window 08:00-21:00 UTC, which opens 2026-06-10T08:00:00Z",
        "outside its window: when it opens, said in the Reason");
    due("Send-Window: 08:00-21:00 UTC\n", NULL, day + HOURS(9), day + HOURS(9), NULL,
        "inside its window: now");
    due("", "08:00-21:00 Europe/Oslo", day, day + HOURS(6),
        "waiting for send-window 08:00-21:00 Europe/Oslo (provbox.conf), which opens "
        "2026-06-10T06:00:00Z", "no Send-Window: the configured one, named as such");
    due("Send-Window: 00:00-24:00 UTC\n", "08:00-21:00 UTC", day, day, NULL,
        "a job's own window wins over the configured one");
    due("Not-Before: 2026-06-10T10:00:00Z\nSend-Window: 08:00-21:00 UTC\n", NULL, day,
        day + HOURS(10), "waiting for Not-Before 2026-06-10T10:00:00Z",
        "Not-Before later than the opening: Not-Before");
    due("Not-Before: 2026-06-10T22:00:00Z\nSend-Window: 08:00-21:00 UTC\n", NULL, day,
        day + HOURS(32), "which opens 2026-06-11T08:00:00Z (after Not-Before "
        "2026-06-10T22:00:00Z)", "Not-Before outside the window: the opening after it");
}

static void closes(const char *headers, const char *config_window, long now, long want,
                   const char *what)
{
    ProvboxConfig *c = test_config(config_window);
    Job *j = job(headers);
    time_t got = schedule_window_closes(j, c, now);

    ok(got == want, "%s", what);
    if (got != want)
        tap_diag("got %ld, want %ld", (long) got, want);
    job_destroy(j);
    config_destroy(c);
}

static void test_closes(void)
{
    long day = T_2026_06_10_0000;

    closes("Send-Window: 08:00-21:00 UTC\n", NULL, day + HOURS(9), day + HOURS(21),
           "inside its window: closes at its end");
    closes("", "22:00-06:00 UTC", day + HOURS(23), day + HOURS(30),
           "the configured window, across midnight");
    closes("", NULL, day, 0, "no window: never closes (0)");
    closes("Send-Window: 00:00-24:00 UTC\n", NULL, day, 0, "all day: never closes (0)");
}

/* ---- the claim, on a real spool ---- */

static Octstr *path_of(const char *state, const char *name)
{
    return octstr_format("%s/spool/%s/%s", scratch, state, name);
}

static void drop(const char *state, const char *name, Octstr *text)
{
    Octstr *path = path_of(state, name);
    FILE *f = fopen(octstr_get_cstr(path), "w");

    if (f == NULL || fwrite(octstr_get_cstr(text), 1, octstr_len(text), f)
                     != (size_t) octstr_len(text) || fclose(f) != 0)
        panic(0, "cannot write %s", octstr_get_cstr(path));
    octstr_destroy(path);
    octstr_destroy(text);
}

static Octstr *read_status(const char *state, const char *name)
{
    Octstr *path = octstr_format("%s/spool/%s/%s.status", scratch, state, name);
    Octstr *text = octstr_read_file(octstr_get_cstr(path));

    octstr_destroy(path);
    return text != NULL ? text : octstr_create("");
}

static time_t mtime_of(const char *state, const char *name)
{
    Octstr *path = path_of(state, name);
    struct stat st;
    time_t t = stat(octstr_get_cstr(path), &st) == 0 ? st.st_mtime : 0;

    octstr_destroy(path);
    return t;
}

/* A window of one hour that closed a minute ago, and one open for an hour. */
static Octstr *window_around_now(int open)
{
    time_t now = time(NULL), start = open ? now - 60 : now - 3660, end = start + 3600;
    struct tm a = gw_gmtime(start), b = gw_gmtime(end);

    return octstr_format("%02d:%02d-%02d:%02d UTC", a.tm_hour, a.tm_min, b.tm_hour, b.tm_min);
}

static void test_claim(Spool *spool, CompileCache *cache)
{
    ProvboxConfig *c = test_config(NULL);
    Octstr *closed = window_around_now(0), *open = window_around_now(1), *status;
    ClaimResult result;
    ActiveJob *aj;
    time_t now = time(NULL);

    drop("new", "late", octstr_format("To: 4790000001\nSec: NONE\nSend-Window: %S\n\n%s",
                                      closed, DOC));
    aj = job_claim(spool, c, cache, octstr_imm("late"), SPOOL_NEW, &result);
    status = read_status("deferred", "late");
    ok(aj == NULL && result == CLAIM_DEFERRED && spool_find(spool, octstr_imm("late"))
       == SPOOL_DEFERRED, "a window that closed a minute ago: the job goes to deferred/");
    ok(octstr_search(status, octstr_imm("State: deferred"), 0) >= 0
       && octstr_search(status, octstr_imm("Reason: waiting for Send-Window"), 0) >= 0
       && octstr_search(status, octstr_imm("which opens"), 0) >= 0,
       "its status says it waits for its Send-Window and until when");
    ok(mtime_of("deferred", "late") > now + 24 * 3600 - 3660 - 60
       && mtime_of("deferred", "late") <= now + 24 * 3600 - 3655,
       "due (mtime) when the window opens again, in 22 hours and 59 minutes");
    octstr_destroy(status);

    drop("new", "now", octstr_format("To: 4790000001\nSec: NONE\nSend-Window: %S\n\n%s",
                                     open, DOC));
    aj = job_claim(spool, c, cache, octstr_imm("now"), SPOOL_NEW, &result);
    ok(aj != NULL && result == CLAIM_CLAIMED && aj->window_closes >= now + 3480
       && aj->window_closes <= now + 3545, "a window that opened a minute ago: claimed, "
       "closing in an hour");
    if (aj == NULL || result != CLAIM_CLAIMED)
        tap_diag("result %d", result);
    else if (!(aj->window_closes >= now + 3480 && aj->window_closes <= now + 3545))
        tap_diag("closes in %ld s", (long) (aj->window_closes - now));
    active_job_destroy(aj);
    octstr_destroy(closed);
    octstr_destroy(open);
    config_destroy(c);
}

/* A status written when the job was deferred mid-way (one recipient
 * sent), its job due now: claimed from deferred/, resumed, and its first
 * record says active. */
static void test_resumed_says_active(Spool *spool, CompileCache *cache)
{
    ProvboxConfig *c = test_config(NULL);
    JobStatus *st = job_status_create(octstr_imm("back"), NULL);
    JobRecordBatch *batch;
    ClaimResult result;
    ActiveJob *aj;
    Octstr *status, *error = NULL;

    octstr_destroy(st->state);
    st->state = octstr_create("deferred");
    st->reason = octstr_create("waiting for Send-Window 08:00-21:00 UTC, which opens ...");
    job_status_add_recipient(st, octstr_imm("4790000001"))->state = RCPT_SENT;
    job_status_add_recipient(st, octstr_imm("4790000002"));
    drop("deferred", "back.status", job_status_format(st));
    job_status_destroy(st);
    drop("deferred", "back", octstr_format("To: 4790000001\nTo: 4790000002\nSec: NONE\n\n%s",
                                           DOC));
    aj = job_claim(spool, c, cache, octstr_imm("back"), SPOOL_DEFERRED, &result);
    ok(aj != NULL && aj->unfinished == 1 && aj->next_recipient == 1,
       "claimed from deferred/: the recipient already sent is not sent again");
    if (aj == NULL) {
        config_destroy(c);
        return;
    }
    batch = job_record_batch_create(spool, 1);
    if (job_record_batch_update(batch, aj->name, SPOOL_ACTIVE, active_job_apply_progress, aj,
                                JOB_RECORD_STAY, &error) == -1)
        panic(0, "record: %s", octstr_get_cstr(error));
    job_record_batch_commit(batch);
    job_record_batch_destroy(batch);
    status = read_status("active", "back");
    ok(octstr_search(status, octstr_imm("State: active"), 0) >= 0
       && octstr_search(status, octstr_imm("Reason:"), 0) < 0
       && octstr_search(status, octstr_imm("4790000001 sent"), 0) >= 0,
       "its status says active, without the old Reason, the sent recipient kept");
    octstr_destroy(status);
    active_job_destroy(aj);
    config_destroy(c);
}

int main(void)
{
    Octstr *dir, *error = NULL;
    Spool *spool;
    CompileCache *cache;

    gwlib_init();
    log_set_output_level(GW_PANIC);
    scratch_create(scratch);
    test_due();
    test_closes();
    dir = octstr_format("%s/spool", scratch);
    if ((spool = spool_open(dir, &error)) == NULL)
        panic(0, "spool_open: %s", octstr_get_cstr(error));
    cache = compile_cache_create();
    test_claim(spool, cache);
    test_resumed_says_active(spool, cache);
    compile_cache_destroy(cache);
    spool_close(spool);
    octstr_destroy(dir);
    scratch_remove(scratch);
    gwlib_shutdown();
    return tap_done();
}
