/*
 * test_status_readers.c - unit tests of the readers of big slotted
 * statuses (issue 20): status_file_tally() and the slot cursor
 * (status_file.h), status_view.h (streamed when slotted, parsed whole when
 * 1.x, no size limit), requeue in place (requeue.h) and /job-status
 * (intake_status.h), in a scratch spool; lint's Warning lines through
 * each of them. Statuses are written here slot by
 * slot with job_status.h's formatter, never held whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/job_status.h"
#include "spool/status_file.h"
#include "spool/status_view.h"
#include "spool/requeue.h"
#include "spool/name_clash.h"
#include "daemon/sendota/intake_status.h"
#include "../lib/tap.h"
#include "../lib/scratch.h"

static char scratch[] = "/tmp/test_status_readers.XXXXXX";

/* Slot 0 of the statuses written here (a short Job: line: the header and
 * the state sector take a sector each). */
#define TABLE_AT (2 * STATUS_SECTOR)
/* The slot the tests tear: a sent one, so it reads queued (sent again). */
#define TORN 7

/* Recipient i's state in the statuses written here: all six, in turn. */
static RecipientState state_of(long i)
{
    return (RecipientState) (i % (RCPT_EXPIRED + 1));
}

static void fill_recipient(RecipientStatus *r, long i, int codes)
{
    memset(r, 0, sizeof(*r));
    r->msisdn = octstr_format("47%08ld", i);
    r->state = state_of(i);
    r->parts = 2;
    r->acked = r->state == RCPT_QUEUED || r->state == RCPT_FAILED ? 0 : 2;
    r->delivered = r->state == RCPT_DELIVERED ? 2 : r->state == RCPT_UNDELIVERED;
    r->undelivered = r->state == RCPT_UNDELIVERED;
    if (r->state == RCPT_FAILED || r->state == RCPT_EXPIRED)
        r->reason = octstr_create(r->state == RCPT_FAILED ? "no route" : "validity");
    if (codes)
        r->entry_code = octstr_format("1234%04ld", i % 10000);
}

/* The header and state sector of a slotted status, as doc/job-format.md
 * lays them out. */
static Octstr *head_of(const char *job, long n, long slot)
{
    JobStatus *s = job_status_create(octstr_imm(job), NULL);
    Octstr *out = octstr_format("Job: %s\nLayout: slot=%ld count=%ld\n", job, slot, n);
    Octstr *sector;

    octstr_destroy(s->state);
    s->state = octstr_create("failed");
    s->reason = octstr_create("stopped by the operator");
    octstr_append_char(out, '#');
    while (octstr_len(out) % STATUS_SECTOR != STATUS_SECTOR - 1)
        octstr_append_char(out, ' ');
    octstr_append_char(out, '\n');
    sector = job_status_format_state(s);
    octstr_append(out, sector);
    octstr_destroy(sector);
    job_status_destroy(s);
    return out;
}

/* A slotted status of n recipients (states in turn) at path. */
static void write_status(Octstr *path, const char *job, long n, int codes)
{
    long slot = codes ? STATUS_SLOT_CODES : STATUS_SLOT, i;
    FILE *f = fopen(octstr_get_cstr(path), "w");
    Octstr *part = head_of(job, n, slot);
    RecipientStatus r;

    fwrite(octstr_get_cstr(part), 1, octstr_len(part), f);
    for (i = 0; i < n; i++) {
        octstr_destroy(part);
        fill_recipient(&r, i, codes);
        part = job_status_format_slot(&r, slot);
        fwrite(octstr_get_cstr(part), 1, octstr_len(part), f);
        octstr_destroy(r.msisdn);
        octstr_destroy(r.reason);
        octstr_destroy(r.entry_code);
    }
    octstr_destroy(part);
    fclose(f);
}

static void put_at(Octstr *path, long offset, const char *bytes, long len)
{
    int fd = open(octstr_get_cstr(path), O_WRONLY | O_CREAT, 0660);

    if (fd < 0 || pwrite(fd, bytes, len, offset) != len)
        tap_diag("cannot write %s", octstr_get_cstr(path));
    if (fd >= 0)
        close(fd);
}

static Octstr *in_scratch(const char *rel)
{
    return octstr_format("%s/%s", scratch, rel);
}

/* ---- tally and cursor ---- */

static int tally_is(const StatusTally *t, long total, long torn)
{
    long expect[RCPT_EXPIRED + 1], i;
    int s, same = t->total == total && t->torn == torn;

    memset(expect, 0, sizeof(expect));
    for (i = 0; i < total; i++)
        expect[state_of(i)]++;
    expect[RCPT_QUEUED] += torn;
    expect[state_of(TORN)] -= torn;
    for (s = 0; s <= RCPT_EXPIRED; s++)
        same = same && t->by_state[s] == expect[s];
    return same;
}

static void test_tally(void)
{
    Octstr *path = in_scratch("T"), *error = NULL;
    StatusTally t;
    StatusFile *f;
    int result;

    write_status(path, "T", 20000, 0);     /* 2.5 MB: three 1 MB reads */
    f = status_file_open_read(path, &result, &error);
    ok(f != NULL && status_file_tally(f, &t, &error) == 0 && tally_is(&t, 20000, 0),
       "tally: 20,000 recipients counted by state across 1 MB reads");
    status_file_close(f);
    put_at(path, TABLE_AT + TORN * STATUS_SLOT + 30, "XX", 2);
    f = status_file_open_read(path, &result, &error);
    ok(f != NULL && status_file_tally(f, &t, &error) == 0 && tally_is(&t, 20000, 1),
       "a torn slot counts as queued, and as torn");
    status_file_close(f);
    put_at(path, TABLE_AT + 19999 * STATUS_SLOT, "Rxcipient: ", 11);
    f = status_file_open_read(path, &result, &error);
    ok(f != NULL && status_file_tally(f, &t, &error) == -1 && error != NULL
       && strstr(octstr_get_cstr(error), "slot 20000 holds no recipient") != NULL,
       "a slot that holds no recipient: -1, naming the file and the slot");
    status_file_close(f);
    octstr_destroy(error);
    octstr_destroy(path);
}

static int same_or_null(Octstr *a, Octstr *b)
{
    return a == NULL || b == NULL ? a == b : octstr_compare(a, b) == 0;
}

/* The cursor's recipient i agrees with the slot read alone. */
static int cursor_agrees(StatusFile *f, StatusCursor *c, Octstr **error)
{
    int torn_c, torn_r, quick;
    RecipientState state;
    const RecipientStatus *a = status_cursor_recipient(c, &torn_c, error);
    RecipientStatus *b = status_file_read(f, status_cursor_index(c), &torn_r, error);
    int same = a != NULL && b != NULL && torn_c == torn_r
               && octstr_compare(a->msisdn, b->msisdn) == 0 && a->state == b->state
               && a->acked == b->acked && same_or_null(a->entry_code, b->entry_code);

    quick = status_cursor_state(c, &state);
    same = same && quick == !torn_c && state == a->state;
    job_status_recipient_destroy(b);
    return same;
}

static void test_cursor(void)
{
    Octstr *path = in_scratch("C"), *error = NULL, *want;
    StatusFile *f;
    StatusCursor *c;
    long seen = 0, in_order = 0, agree = 0;
    int result;
    const RecipientStatus *r;

    write_status(path, "C", 9000, 1);      /* 256-byte slots: 4096 per read */
    put_at(path, TABLE_AT + TORN * STATUS_SLOT_CODES + 30, "XX", 2);
    f = status_file_open_read(path, &result, &error);
    c = f != NULL ? status_cursor_create(f) : NULL;
    while (c != NULL && status_cursor_next(c, &error) == 1) {
        want = octstr_format("47%08ld", seen);
        r = status_cursor_recipient(c, &result, &error);
        in_order += status_cursor_index(c) == seen && r != NULL
                    && octstr_compare(r->msisdn, want) == 0;
        agree += cursor_agrees(f, c, &error);
        octstr_destroy(want);
        seen++;
    }
    ok(seen == 9000 && in_order == 9000, "the cursor gives the 9,000 recipients in order");
    ok(agree == 9000, "each as status_file_read() reads it alone, the torn slot too; "
       "its quick state agrees");
    status_cursor_destroy(c);
    status_file_close(f);
    octstr_destroy(error);
    octstr_destroy(path);
}

static void test_open_read(void)
{
    Octstr *path = in_scratch("R"), *old = in_scratch("OLD"), *error = NULL;
    Octstr *linked = in_scratch("R.linked");
    RecipientStatus r;
    StatusFile *f;
    int result;

    write_status(path, "R", 3, 0);
    f = status_file_open_read(path, &result, &error);
    fill_recipient(&r, 0, 0);
    ok(f != NULL && result == 0 && status_file_write(f, 0, &r, &error) == -1,
       "status_file_open_read opens read-only: a write fails");
    status_file_close(f);
    octstr_destroy(error);
    error = NULL;
    link(octstr_get_cstr(path), octstr_get_cstr(linked));
    f = status_file_open_read(linked, &result, &error);
    ok(f == NULL && result == -1 && strstr(octstr_get_cstr(error), "one link") != NULL,
       "it refuses a hard-linked status, as spool_read.c's reads do");
    put_at(old, 0, "Job: OLD\nState: done\n", 21);
    f = status_file_open_read(old, &result, &error);
    ok(f == NULL && result == STATUS_FILE_LEGACY, "a 1.x status says so");
    octstr_destroy(r.msisdn);
    octstr_destroy(error);
    octstr_destroy(old);
    octstr_destroy(linked);
    octstr_destroy(path);
}

/* ---- status_view: streamed or whole, stray, no size limit ---- */

static Spool *open_spool(const char *rel)
{
    Octstr *dir = in_scratch(rel), *error = NULL;
    Spool *spool = spool_open(dir, &error);

    if (spool == NULL)
        panic(0, "spool_open: %s", octstr_get_cstr(error));
    octstr_destroy(dir);
    return spool;
}

static void make_job(Spool *spool, SpoolState state, const char *name)
{
    Octstr *path = spool_path(spool, state, octstr_imm(name));

    put_at(path, 0, "To: 4700000000\n", 15);
    octstr_destroy(path);
}

static const char LEGACY[] =
    "Job: L\nState: failed\nReason: stopped\n"
    "Recipient: 4700000000 queued parts=2 acked=0 delivered=0\n"
    "Recipient: 4700000001 sent parts=2 acked=2 delivered=0\n"
    "Recipient: 4700000002 delivered parts=2 acked=2 delivered=2\n";

static void test_view_legacy(Spool *spool)
{
    Octstr *path = spool_status_path(spool, SPOOL_DONE, octstr_imm("L")), *error = NULL;
    StatusView *v;
    StatusTally t;
    long n = 0;

    make_job(spool, SPOOL_DONE, "L");
    put_at(path, 0, LEGACY, sizeof(LEGACY) - 1);
    v = status_view_open(spool, SPOOL_DONE, octstr_imm("L"), &error);
    while (v != NULL && status_view_next(v, &error) != NULL)
        n++;
    ok(v != NULL && status_view_tally(v, &t, &error) == 0 && t.total == 3
       && t.by_state[RCPT_SENT] == 1 && t.by_state[RCPT_DELIVERED] == 1 && n == 3
       && octstr_str_compare(status_view_head(v)->reason, "stopped") == 0,
       "a 1.x status is still viewed: counts, reason, three recipients");
    status_view_close(v);
    octstr_destroy(error);
    octstr_destroy(path);
}

static void test_view_big(Spool *spool)
{
    Octstr *path = spool_status_path(spool, SPOOL_DONE, octstr_imm("BIG")), *error = NULL;
    long n = 530000;                /* 67.8 MB: over spool_peek_status()'s 64 MB */
    StatusView *v;
    StatusTally t;

    make_job(spool, SPOOL_FAILED, "BIG");   /* its status left in done/: stray */
    write_status(path, "BIG", n, 0);
    v = status_view_open(spool, SPOOL_FAILED, octstr_imm("BIG"), &error);
    ok(v != NULL && status_view_tally(v, &t, &error) == 0 && tally_is(&t, n, 0)
       && octstr_str_compare(status_view_head(v)->reason, "stopped by the operator") == 0,
       "a 530,000-recipient status (68 MB), stray in done/, is counted whole");
    ok(spool_peek_status(spool, SPOOL_FAILED, octstr_imm("BIG")) == NULL,
       "(which spool_peek_status() cannot read: over its 64 MB)");
    status_view_close(v);
    octstr_destroy(error);
    octstr_destroy(path);
}

/* A job claimed from new/ whose name is taken (in done/ here) goes on
 * under a new name, its status rewritten whole: a status too large for
 * that refuses the claim, and is never replaced by an empty one (which
 * would send every recipient again). */
static void test_big_name_clash(Spool *spool)
{
    Octstr *stray = spool_status_path(spool, SPOOL_DONE, octstr_imm("BIG"));
    Octstr *kept = spool_status_path(spool, SPOOL_NEW, octstr_imm("BIG"));
    Octstr *from = spool_path(spool, SPOOL_FAILED, octstr_imm("BIG"));
    Octstr *to = spool_path(spool, SPOOL_NEW, octstr_imm("BIG"));
    Octstr *moved_as = NULL, *error = NULL;
    struct stat st;

    rename(octstr_get_cstr(stray), octstr_get_cstr(kept));
    rename(octstr_get_cstr(from), octstr_get_cstr(to));
    make_job(spool, SPOOL_DONE, "BIG");
    ok(name_clash_claim(spool, octstr_imm("BIG"), SPOOL_NEW, &moved_as, &error) == -1
       && error != NULL && strstr(octstr_get_cstr(error), "too large") != NULL,
       "a 68 MB status whose job's name is taken: the claim under a new name is refused");
    ok(stat(octstr_get_cstr(kept), &st) == 0 && st.st_size == 2 * STATUS_SECTOR
       + 530000L * STATUS_SLOT, "and its record stays whole in new/");
    unlink(octstr_get_cstr(kept));
    octstr_destroy(moved_as);
    octstr_destroy(error);
    octstr_destroy(stray);
    octstr_destroy(kept);
    octstr_destroy(from);
    octstr_destroy(to);
}

/* ---- requeue in place ---- */

static Octstr *slot_bytes(Octstr *text, long i)
{
    return octstr_copy(text, TABLE_AT + i * STATUS_SLOT, STATUS_SLOT);
}

/* Recipient i is sent again: neither sent nor delivered, or torn. */
static int to_send(long i)
{
    return i == TORN || (state_of(i) != RCPT_SENT && state_of(i) != RCPT_DELIVERED);
}

/* Slots that changed, and whether only the ones requeue resets did. */
static long changed_slots(Octstr *before, Octstr *after, long n, int *right)
{
    long i, changed = 0;
    Octstr *a, *b;
    int differs;

    *right = 1;
    for (i = 0; i < n; i++) {
        a = slot_bytes(before, i);
        b = slot_bytes(after, i);
        differs = octstr_compare(a, b) != 0;
        changed += differs;
        if (differs != (to_send(i) && i != 0))
            *right = 0;
        octstr_destroy(a);
        octstr_destroy(b);
    }
    return changed;
}

static void check_requeued(Octstr *after, long n)
{
    JobStatus *s = job_status_parse(after, NULL);
    RecipientStatus *r;
    long i, right = 0;

    for (i = 0; s != NULL && i < n; i++) {
        r = gwlist_get(s->recipients, i);
        right += !to_send(i) ? r->state == state_of(i) && r->acked == 2
                             : r->state == RCPT_QUEUED && r->parts == 0 && r->reason == NULL
                               && r->entry_code == NULL;
    }
    ok(s != NULL && right == n && s->torn == 0
       && octstr_str_compare(s->state, "new") == 0 && s->reason == NULL,
       "sent and delivered kept, the rest queued with nothing else (the torn one "
       "too); State: new, no Reason");
    job_status_destroy(s);
}

static void test_requeue_in_place(Spool *spool)
{
    Octstr *failed = spool_status_path(spool, SPOOL_FAILED, octstr_imm("Q"));
    Octstr *moved = spool_status_path(spool, SPOOL_NEW, octstr_imm("Q"));
    Octstr *summary = NULL, *error = NULL, *before, *after, *clean;
    RecipientStatus r;
    struct stat st0, st1;
    long n = 12000;
    int right = 0;

    make_job(spool, SPOOL_FAILED, "Q");
    write_status(failed, "Q", n, 0);
    memset(&r, 0, sizeof(r));
    r.msisdn = octstr_create("4700000000");     /* slot 0: queued already, clean */
    clean = job_status_format_slot(&r, STATUS_SLOT);
    put_at(failed, TABLE_AT, octstr_get_cstr(clean), STATUS_SLOT);
    put_at(failed, TABLE_AT + TORN * STATUS_SLOT + 30, "XX", 2);
    before = octstr_read_file(octstr_get_cstr(failed));
    stat(octstr_get_cstr(failed), &st0);
    ok(spool_requeue(spool, octstr_imm("Q"), 0, &summary, &error) == 0
       && octstr_str_compare(summary, "8001 of 12000 recipient(s) to send") == 0,
       "requeue in place: '8001 of 12000 recipient(s) to send' (a torn sent one too)");
    after = octstr_read_file(octstr_get_cstr(moved));
    memset(&st1, 0, sizeof(st1));
    stat(octstr_get_cstr(moved), &st1);
    ok(st0.st_ino == st1.st_ino && st0.st_size == st1.st_size,
       "the status moved to new/ with the job: same inode, same size");
    ok(after != NULL && changed_slots(before, after, n, &right) == 8000 && right
       && memcmp(octstr_get_cstr(before), octstr_get_cstr(after), STATUS_SECTOR) == 0,
       "only the 8,000 slots to reset changed (not the clean queued one, not the "
       "sent or delivered ones), nor the header");
    if (after != NULL)
        check_requeued(after, n);
    octstr_destroy(r.msisdn);
    octstr_destroy(clean);
    octstr_destroy(before);
    octstr_destroy(after);
    octstr_destroy(summary);
    octstr_destroy(error);
    octstr_destroy(failed);
    octstr_destroy(moved);
}

static void test_requeue_refused(Spool *spool)
{
    Octstr *path = spool_status_path(spool, SPOOL_FAILED, octstr_imm("BAD"));
    Octstr *summary = NULL, *error = NULL, *before, *after;

    make_job(spool, SPOOL_FAILED, "BAD");
    write_status(path, "BAD", 100, 0);
    put_at(path, TABLE_AT + 99 * STATUS_SLOT, "garbage", 7);
    before = octstr_read_file(octstr_get_cstr(path));
    ok(spool_requeue(spool, octstr_imm("BAD"), 0, &summary, &error) == -1
       && error != NULL && strstr(octstr_get_cstr(error), "its status file is unreadable")
       && strstr(octstr_get_cstr(error), "slot 100 holds no recipient"),
       "a slot holding no recipient refuses the requeue, naming it");
    after = octstr_read_file(octstr_get_cstr(path));
    ok(after != NULL && octstr_compare(before, after) == 0,
       "and nothing was written: the job and its record stay in failed/");
    octstr_destroy(before);
    octstr_destroy(after);
    octstr_destroy(summary);
    octstr_destroy(error);
    octstr_destroy(path);
}

/* ---- /job-status ---- */

static int count_of(Octstr *text, const char *what)
{
    long at = 0, n = 0;
    Octstr *needle = octstr_create(what);

    while ((at = octstr_search(text, needle, at)) >= 0) {
        n++;
        at++;
    }
    octstr_destroy(needle);
    return n;
}

static Octstr *job_status(Spool *spool, const char *job, const char *format)
{
    Octstr *answer = NULL;
    const char *type;

    if (intake_status_render(spool, octstr_imm(job), octstr_imm(format), &answer,
                             &type) != HTTP_OK)
        tap_diag("job-status of %s: not 200", job);
    return answer;
}

static void test_job_status(Spool *spool)
{
    Octstr *path = spool_status_path(spool, SPOOL_DONE, octstr_imm("JS"));
    Octstr *txt, *xml, *json, *small;

    make_job(spool, SPOOL_DONE, "JS");
    write_status(path, "JS", 2500, 1);
    txt = job_status(spool, "JS", "txt");
    xml = job_status(spool, "JS", "xml");
    json = job_status(spool, "JS", "json");
    ok(count_of(txt, "\nRecipient: ") == 1000 && count_of(txt, "\nNot-Listed: 1500\n") == 1
       && count_of(txt, "\nCounts: total=2500 queued=417 sent=417 delivered=417 "
                   "undelivered=417 failed=416 expired=416\n") == 1,
       "txt: counts of all 2,500, the first 1,000 listed, 'Not-Listed: 1500'");
    ok(count_of(xml, "<recipient>") == 1000 && count_of(xml, "<not-listed>1500</not-listed>")
       && count_of(xml, "<counts><total>2500</total><queued>417</queued>"),
       "xml: the same, <counts> and <not-listed>");
    ok(count_of(json, "{\"to\":") == 1000 && count_of(json, ",\"not_listed\":1500}")
       && count_of(json, "\"counts\":{\"total\":2500,\"queued\":417,"),
       "json: the same, \"counts\" and \"not_listed\"");
    ok(count_of(txt, "Entry-Code") + count_of(txt, " 12340001") + count_of(xml, "12340001")
       + count_of(json, "12340001") == 0, "entry codes are never shown");
    small = job_status(spool, "L", "txt");
    ok(small != NULL && count_of(small, "\nRecipient: ") == 3
       && count_of(small, "Not-Listed") == 0
       && count_of(small, "\nCounts: total=3 queued=1 sent=1 delivered=1 "),
       "a 1.x status: all three listed, counted, nothing said not listed");
    octstr_destroy(small);
    octstr_destroy(txt);
    octstr_destroy(xml);
    octstr_destroy(json);
    octstr_destroy(path);
}

/* ---- lint's Warning lines ---- */

/* A hostile finding: what a document quoted may hold anything. */
#define ODD_FINDING "14: error: NAME \"<b>&\x1B[31m\nWarning: forged\""

/* A failed job's status with two Warning lines, slotted, or in the 1.x
 * layout (parse_lines reads Warning lines too). */
static void write_warned(Spool *spool, const char *name, int slotted)
{
    Octstr *path = spool_status_path(spool, SPOOL_FAILED, octstr_imm(name)), *text;
    JobStatus *s = job_status_create(octstr_imm(name), NULL);
    List *findings = gwlist_create(), *warnings;

    gwlist_append(findings, octstr_create("3: warning: APPID \"zz9\" is unknown"));
    gwlist_append(findings, octstr_create(ODD_FINDING));
    warnings = job_status_warnings_of(findings);
    job_status_set_warnings(s, warnings);
    octstr_destroy(s->state);
    s->state = octstr_create("failed");
    job_status_add_recipient(s, octstr_imm("4700000009"));
    text = slotted ? job_status_format(s)
           : octstr_format("Job: %s\nState: failed\nWarning: 3: warning: APPID \"zz9\" "
                             "is unknown\nRecipient: 4700000009 queued parts=0 acked=0 "
                             "delivered=0\n", name);
    make_job(spool, SPOOL_FAILED, name);
    put_at(path, 0, octstr_get_cstr(text), octstr_len(text));
    octstr_destroy(text);
    octstr_destroy(path);
    gwlist_destroy(findings, octstr_destroy_item);
    gwlist_destroy(warnings, octstr_destroy_item);
    job_status_destroy(s);
}

static void test_warnings_shown(Spool *spool)
{
    Octstr *txt, *xml, *json;

    write_warned(spool, "W", 1);
    txt = job_status(spool, "W", "txt");
    xml = job_status(spool, "W", "xml");
    json = job_status(spool, "W", "json");
    ok(count_of(txt, "\nWarning: 3: warning: APPID \"zz9\" is unknown\nWarning: 14: error: "
                "NAME \"<b>&\\x1B[31m\\x0AWarning: forged\"\nCounts: ") == 1,
       "txt: a Warning: line each, escaped (no forged line, no ESC)");
    ok(count_of(xml, "<warning>3: warning: APPID &quot;zz9&quot; is unknown</warning>"
                "<warning>14: error: NAME &quot;&lt;b&gt;&amp;") == 1
       && count_of(xml, "\x1B") == 0 && count_of(xml, "\n<warning") == 0,
       "xml: a <warning> each, escaped");
    ok(count_of(json, ",\"warnings\":[\"3: warning: APPID \\\"zz9\\\" is unknown\",\"14: "
                "error: NAME") == 1 && count_of(json, "\x1B") == 0
       && count_of(json, "\n") == 1, "json: a \"warnings\" array, escaped");
    octstr_destroy(txt);
    octstr_destroy(xml);
    octstr_destroy(json);
    txt = job_status(spool, "JS", "json");
    ok(txt != NULL && count_of(txt, "warnings") == 0, "json: no array when there are none");
    octstr_destroy(txt);
}

/* A requeued job keeps its Warning lines, in place and rewritten whole. */
static void test_warnings_requeued(Spool *spool)
{
    Octstr *summary = NULL, *error = NULL, *path, *text;
    const char *names[] = { "W", "W1" };
    int i;

    write_warned(spool, "W1", 0);
    for (i = 0; i < 2; i++) {
        ok(spool_requeue(spool, octstr_imm(names[i]), 0, &summary, &error) == 0,
           "%s requeued", names[i]);
        path = spool_status_path(spool, SPOOL_NEW, octstr_imm(names[i]));
        text = octstr_read_file(octstr_get_cstr(path));
        ok(text != NULL && count_of(text, "\nWarning: 3: warning: APPID") == 1
           && count_of(text, "State: new") == 1,
           "%s: its status in new/ keeps the Warning lines", names[i]);
        octstr_destroy(text);
        octstr_destroy(path);
        octstr_destroy(summary);
        octstr_destroy(error);
        summary = error = NULL;
    }
}

int main(void)
{
    Spool *spool;

    gwlib_init();
    log_set_output_level(GW_PANIC);
    scratch_create(scratch);
    test_tally();
    test_cursor();
    test_open_read();
    spool = open_spool("spool");
    test_view_legacy(spool);
    test_view_big(spool);
    test_big_name_clash(spool);
    test_requeue_in_place(spool);
    test_requeue_refused(spool);
    test_job_status(spool);
    test_warnings_shown(spool);
    test_warnings_requeued(spool);
    spool_close(spool);
    scratch_remove(scratch);
    gwlib_shutdown();
    return tap_done();
}
