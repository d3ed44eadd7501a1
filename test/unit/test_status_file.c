/*
 * test_status_file.c - unit tests of provbox/spool/status_file.c in a
 * scratch directory: a slotted status changed in place keeps its size and
 * its inode (no block freed, no rename), one slot or the state sector at a
 * time; what is read back is what was written; a torn slot is found when
 * it is read; statuses of provbox 1.x and missing ones are told apart; a
 * run of slots written at once is what slot-by-slot writes make, and a
 * slot written after it was read ahead reads as written.
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
#include "../lib/tap.h"
#include "../lib/scratch.h"

static char scratch[] = "/tmp/test_status_file.XXXXXX";

static Octstr *write_text(const char *name, Octstr *text)
{
    Octstr *path = octstr_format("%s/%s", scratch, name);
    FILE *f = fopen(octstr_get_cstr(path), "w");

    fwrite(octstr_get_cstr(text), 1, octstr_len(text), f);
    fclose(f);
    return path;
}

static Octstr *read_text(Octstr *path)
{
    return octstr_read_file(octstr_get_cstr(path));
}

static struct stat stat_of(Octstr *path)
{
    struct stat st;

    memset(&st, 0, sizeof(st));
    stat(octstr_get_cstr(path), &st);
    return st;
}

/* A status of n recipients, all queued, written to NAME. */
static Octstr *status_of(const char *name, long n, int entry_codes)
{
    JobStatus *s = job_status_create(octstr_imm(name), octstr_imm("campaign"));
    Octstr *text, *path, *msisdn;
    long i;

    s->entry_codes = entry_codes;
    for (i = 0; i < n; i++) {
        msisdn = octstr_format("47900%05ld", i);
        job_status_add_recipient(s, msisdn);
        octstr_destroy(msisdn);
    }
    text = job_status_format(s);
    path = write_text(name, text);
    octstr_destroy(text);
    job_status_destroy(s);
    return path;
}

static RecipientStatus *recipient(Octstr *path, long i)
{
    JobStatus *s = job_status_parse(read_text(path), NULL);
    RecipientStatus *r = NULL, *copy = NULL;

    if (s != NULL && (r = gwlist_get(s->recipients, i)) != NULL) {
        copy = gw_malloc(sizeof(*copy));
        *copy = *r;
        copy->msisdn = octstr_duplicate(r->msisdn);
        copy->reason = octstr_duplicate(r->reason);
        copy->entry_code = octstr_duplicate(r->entry_code);
    }
    job_status_destroy(s);
    return copy;
}

static void test_in_place(void)
{
    Octstr *path = status_of("J1", 1000, 0), *error = NULL, *before, *after;
    struct stat st0 = stat_of(path), st1;
    int result, torn = 1;
    StatusFile *f = status_file_open(path, &result, &error);
    RecipientStatus *r = f != NULL ? status_file_read(f, 617, &torn, &error) : NULL;

    ok(f != NULL && result == 0 && status_file_count(f) == 1000
       && status_file_slot_size(f) == STATUS_SLOT
       && octstr_str_compare(status_file_head(f)->id, "campaign") == 0,
       "a slotted status opens for changes in place: 1000 slots of 128 bytes");
    ok(r != NULL && !torn && octstr_str_compare(r->msisdn, "4790000617") == 0
       && r->state == RCPT_QUEUED, "slot 617 reads as recipient 618, queued");
    before = read_text(path);
    r->state = RCPT_SENT;
    r->parts = r->acked = 2;
    ok(status_file_write(f, 617, r, &error) == 0, "slot 617 rewritten");
    after = read_text(path);
    st1 = stat_of(path);
    ok(st0.st_ino == st1.st_ino && st0.st_size == st1.st_size && st0.st_blocks == st1.st_blocks,
       "same inode, size and blocks: nothing renamed, nothing freed");
    ok(octstr_len(before) == octstr_len(after)
       && memcmp(octstr_get_cstr(before), octstr_get_cstr(after), 1024 + 617 * 128) == 0
       && memcmp(octstr_get_cstr(before) + 1024 + 618 * 128,
                 octstr_get_cstr(after) + 1024 + 618 * 128,
                 octstr_len(after) - 1024 - 618 * 128) == 0,
       "every byte outside slot 617 is as it was");
    job_status_recipient_destroy(r);
    r = recipient(path, 617);
    ok(r != NULL && r->state == RCPT_SENT && r->parts == 2 && r->acked == 2,
       "a reader of the whole file sees the change");
    job_status_recipient_destroy(r);
    octstr_destroy(before);
    octstr_destroy(after);
    status_file_close(f);
    octstr_destroy(path);
    octstr_destroy(error);
}

/* Recipients first..first+n-1 of f as read, marked sent with `parts`. */
static RecipientStatus **read_marked(StatusFile *f, long first, long n, long parts)
{
    RecipientStatus **rs = gw_malloc(n * sizeof(*rs));
    Octstr *error = NULL;
    long k;
    int torn;

    for (k = 0; k < n; k++) {
        rs[k] = status_file_read(f, first + k, &torn, &error);
        rs[k]->state = RCPT_SENT;
        rs[k]->parts = rs[k]->acked = parts;
    }
    return rs;
}

static void free_marked(RecipientStatus **rs, long n)
{
    long k;

    for (k = 0; k < n; k++)
        job_status_recipient_destroy(rs[k]);
    gw_free(rs);
}

static void test_write_run(void)
{
    Octstr *a = status_of("RUN-A", 300, 0), *b = status_of("RUN-B", 300, 0), *error = NULL;
    Octstr *ta, *tb;
    int result, ok_all = 1;
    StatusFile *fa = status_file_open(a, &result, &error), *fb = status_file_open(b, &result, &error);
    RecipientStatus **ra = read_marked(fa, 90, 100, 3), **rb = read_marked(fb, 90, 100, 3);
    long k;

    ok(status_file_write_run(fa, 90, (const RecipientStatus *const *) ra, 100, &error) == 0,
       "100 slots written in one run");
    for (k = 0; k < 100; k++)
        ok_all &= status_file_write(fb, 90 + k, rb[k], &error) == 0;
    ta = read_text(a);
    tb = read_text(b);
    octstr_delete(ta, 0, octstr_search_char(ta, '\n', 0));  /* the Job: lines differ */
    octstr_delete(tb, 0, octstr_search_char(tb, '\n', 0));
    ok(ok_all && octstr_compare(ta, tb) == 0,
       "the run makes the file slot-by-slot writes make (%ld bytes)", octstr_len(ta));
    ok(status_file_write_run(fa, 250, (const RecipientStatus *const *) ra, 100, &error) == -1
       && error != NULL,
       "a run past the last slot is refused");
    free_marked(ra, 100);
    free_marked(rb, 100);
    octstr_destroy(ta);
    octstr_destroy(tb);
    status_file_close(fa);
    status_file_close(fb);
    octstr_destroy(a);
    octstr_destroy(b);
    octstr_destroy(error);
}

/* Slots are read 64 at a time; a write drops what was read ahead. */
static void test_read_ahead(void)
{
    Octstr *path = status_of("AHEAD", 200, 0), *error = NULL;
    int result, torn;
    StatusFile *f = status_file_open(path, &result, &error), *other;
    RecipientStatus *r = status_file_read(f, 10, &torn, &error), *back;

    other = status_file_open(path, &result, &error);
    back = status_file_read(other, 11, &torn, &error);
    back->state = RCPT_DELIVERED;
    back->parts = back->acked = back->delivered = 1;
    status_file_write(other, 11, back, &error);
    job_status_recipient_destroy(back);
    back = status_file_read(f, 11, &torn, &error);
    ok(back != NULL && back->state == RCPT_QUEUED,
       "slot 11 came with slot 10's read (another writer's change not seen: one writer at a time)");
    job_status_recipient_destroy(back);
    r->state = RCPT_SENT;
    r->parts = r->acked = 1;
    status_file_write(f, 10, r, &error);
    back = status_file_read(f, 11, &torn, &error);
    ok(back != NULL && back->state == RCPT_DELIVERED,
       "after a write, slots are read again: slot 11 as written");
    job_status_recipient_destroy(back);
    back = status_file_read(f, 199, &torn, &error);
    ok(back != NULL && octstr_str_compare(back->msisdn, "4790000199") == 0,
       "the last slot reads (a read ahead cut at the end)");
    job_status_recipient_destroy(back);
    job_status_recipient_destroy(r);
    status_file_close(f);
    status_file_close(other);
    octstr_destroy(path);
    octstr_destroy(error);
}

/* A head past the first read (20 long Warning lines, 6 KB) is read whole. */
static void test_long_head(void)
{
    JobStatus *s = job_status_create(octstr_imm("J7"), octstr_imm("long-head"));
    Octstr *text, *path, *error = NULL, *msisdn;
    StatusFile *f;
    RecipientStatus *r;
    int result, torn = 1;
    long i;

    for (i = 0; i < 20; i++)
        gwlist_append(s->warnings, octstr_format("%ld: warning: %0300ld", i + 1, i));
    for (i = 0; i < 50; i++) {
        msisdn = octstr_format("47911%05ld", i);
        job_status_add_recipient(s, msisdn);
        octstr_destroy(msisdn);
    }
    text = job_status_format(s);
    path = write_text("J7", text);
    f = status_file_open(path, &result, &error);
    r = f != NULL ? status_file_read(f, 49, &torn, &error) : NULL;
    ok(octstr_search(text, octstr_imm("Layout:"), 0) > 4096 && f != NULL && result == 0
       && status_file_count(f) == 50 && gwlist_len(status_file_head(f)->warnings) == 20
       && octstr_str_compare(status_file_head(f)->id, "long-head") == 0
       && r != NULL && !torn && octstr_str_compare(r->msisdn, "4791100049") == 0,
       "a head of %ld bytes (past the first 4 KB read) opens whole: 20 warnings, 50 slots",
       octstr_search(text, octstr_imm("Layout:"), 0));
    job_status_recipient_destroy(r);
    status_file_close(f);
    job_status_destroy(s);
    octstr_destroy(text);
    octstr_destroy(path);
    octstr_destroy(error);
}

static void test_state_sector(void)
{
    Octstr *path = status_of("J2", 3, 0), *error = NULL, *text;
    int result;
    StatusFile *f = status_file_open(path, &result, &error);
    JobStatus *s;

    ok(f != NULL && status_file_write_state(f, octstr_imm("failed"),
                                            octstr_imm("no recipient could be sent"),
                                            &error) == 0
       && status_file_sync(f, &error) == 0, "the state sector rewritten and synced");
    text = read_text(path);
    s = job_status_parse(text, &error);
    ok(s != NULL && octstr_str_compare(s->state, "failed") == 0
       && octstr_str_compare(s->reason, "no recipient could be sent") == 0
       && octstr_len(text) == 1024 + 3 * 128 && gwlist_len(s->recipients) == 3,
       "State and Reason read back; the file keeps its size");
    job_status_destroy(s);
    octstr_destroy(text);
    status_file_close(f);
    f = status_file_open(path, &result, &error);
    ok(f != NULL && octstr_str_compare(status_file_head(f)->reason,
                                       "no recipient could be sent") == 0,
       "the head read again has the new reason");
    status_file_close(f);
    octstr_destroy(path);
    octstr_destroy(error);
}

static void test_entry_codes(void)
{
    Octstr *path = status_of("J3", 2, 1), *error = NULL;
    int result, torn;
    StatusFile *f = status_file_open(path, &result, &error);
    RecipientStatus *r = f != NULL ? status_file_read(f, 1, &torn, &error) : NULL;

    r->entry_code = octstr_create("48291377");
    r->state = RCPT_SENT;
    r->parts = r->acked = 1;
    ok(status_file_slot_size(f) == STATUS_SLOT_CODES && status_file_write(f, 1, r, &error) == 0,
       "a USERPINMAC status has 256-byte slots, for the Entry-Code line");
    job_status_recipient_destroy(r);
    r = recipient(path, 1);
    ok(r != NULL && octstr_str_compare(r->entry_code, "48291377") == 0,
       "the entry code is read back with its recipient");
    job_status_recipient_destroy(r);
    status_file_close(f);
    octstr_destroy(path);
    octstr_destroy(error);
}

static void test_torn_read(void)
{
    Octstr *path = status_of("J4", 4, 0), *error = NULL;
    int result, torn = 0, fd = open(octstr_get_cstr(path), O_WRONLY);
    StatusFile *f;
    RecipientStatus *r;

    /* half of slot 2 overwritten with another recipient state: a torn write */
    ok(pwrite(fd, "sent parts=1 acked=1", 20, 1024 + 2 * 128 + 22) == 20, "slot 2 torn");
    close(fd);
    f = status_file_open(path, &result, &error);
    r = f != NULL ? status_file_read(f, 2, &torn, &error) : NULL;
    ok(r != NULL && torn && octstr_str_compare(r->msisdn, "4790000002") == 0
       && r->state == RCPT_QUEUED && r->acked == 0,
       "a torn slot is found when read: its MSISDN, queued, zero counts");
    job_status_recipient_destroy(r);
    r = f != NULL ? status_file_read(f, 3, &torn, &error) : NULL;
    ok(r != NULL && !torn, "the next slot is intact");
    job_status_recipient_destroy(r);
    status_file_close(f);
    octstr_destroy(path);
    octstr_destroy(error);
}

static void test_not_slotted(void)
{
    Octstr *old = octstr_create("Job: OLD\nState: done\n"
                                "Recipient: 4790000001 sent parts=1 acked=1 delivered=0\n");
    Octstr *path = write_text("OLD", old), *missing = octstr_format("%s/none", scratch);
    Octstr *error = NULL;
    int result;
    StatusFile *f = status_file_open(path, &result, &error);

    ok(f == NULL && result == STATUS_FILE_LEGACY, "a 1.x status says so (it is rewritten whole)");
    f = status_file_open(missing, &result, &error);
    ok(f == NULL && result == STATUS_FILE_MISSING, "a missing status says so");
    octstr_destroy(error);
    error = NULL;
    octstr_truncate(old, 0);
    octstr_destroy(path);
    path = status_of("J5", 2, 0);
    truncate(octstr_get_cstr(path), 1024 + 128 + 5);
    f = status_file_open(path, &result, &error);
    ok(f == NULL && result == -1 && error != NULL
       && strstr(octstr_get_cstr(error), "layout needs") != NULL,
       "a slotted status of the wrong size is refused, with the reason");
    octstr_destroy(old);
    octstr_destroy(missing);
    octstr_destroy(path);
    octstr_destroy(error);
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_PANIC);
    scratch_create(scratch);
    test_in_place();
    test_long_head();
    test_state_sector();
    test_entry_codes();
    test_torn_read();
    test_not_slotted();
    test_write_run();
    test_read_ahead();
    scratch_remove(scratch);
    gwlib_shutdown();
    return tap_done();
}
