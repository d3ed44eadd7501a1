/*
 * test_resend.c - unit tests of spool/resend.h (provctl resend and the
 * admin interface's /resend) in a scratch spool: which recipients each
 * state picks, their To: lines copied byte for byte (imsi=, pin=, blanks,
 * words the parser does not know yet), the other headers kept in place,
 * the original's Resend-Of: dropped and the new one added, CR LF jobs,
 * statuses of provbox 1.x, the result codes, refusals that write nothing,
 * and the original job and status left byte for byte as they were.
 */
#include <string.h>
#include <sys/stat.h>

#include "gwlib/gwlib.h"
#include "spool/job.h"
#include "spool/job_status.h"
#include "spool/resend.h"
#include "spool/spool.h"
#include "../lib/tap.h"
#include "../lib/scratch.h"

static char scratch[] = "/tmp/test_resend.XXXXXX";
static Spool *spool;

#define DOC "<wap-provisioningdoc version=\"1.0\"><characteristic type=\"BOOTSTRAP\">" \
            "<parm name=\"NAME\" value=\"x\"/></characteristic></wap-provisioningdoc>\n"

/* The job of most tests: recipients i = 1..6 are in the states of
 * state_of(i - 1), and their To: lines are scattered among the headers. */
static const char job_text[] =
    "Sec: USERNETWPIN\n"
    "Pin: 1234\n"
    "IMSI: 262011234567890\n"
    "To: 4790000001\n"
    "To: 4790000002 imsi=262019999999999 pin=5678\n"
    "Id: wave 3\n"
    "to:   4790000003   pin=4321   \n"
    "Not-Before: 2026-01-01T00:00:00Z\n"
    "Resend-Of: older-job\n"
    "To: 4790000004 imsi=262018888888888\n"
    "To: 4790000005\n"
    "To: 4790000006 pin=8765 imsi=262017777777777\n"
    "DLR: yes\n"
    "\n"
    DOC;

static const char *const recipients[] = {
    "4790000001", "4790000002", "4790000003", "4790000004", "4790000005", "4790000006"
};

static const RecipientState states_in_turn[] = {
    RCPT_DELIVERED, RCPT_SENT, RCPT_FAILED, RCPT_QUEUED, RCPT_EXPIRED, RCPT_UNDELIVERED
};

/* ---- the scratch spool ---- */

static void put(SpoolState state, const char *name, Octstr *text)
{
    Octstr *job = octstr_create(name);    /* not octstr_imm(): names built here too */
    Octstr *path = spool_path(spool, state, job);

    if (spool_write_file_atomic(path, text, NULL) < 0)
        panic(0, "cannot write %s", octstr_get_cstr(path));
    octstr_destroy(path);
    octstr_destroy(job);
}

static Octstr *get(SpoolState state, Octstr *name)
{
    Octstr *path = spool_path(spool, state, name);
    Octstr *text = octstr_read_file(octstr_get_cstr(path));

    octstr_destroy(path);
    return text;
}

/* A status of n of recipients[] in states[], in the slotted layout (or
 * provbox 1.x's: one line each, no Layout:). */
static Octstr *status_text(const char *name, long n, const RecipientState *states,
                           const char *const *msisdns, int legacy)
{
    JobStatus *s = job_status_create(octstr_imm(name), NULL);
    Octstr *text;
    long i;

    octstr_destroy(s->state);
    s->state = octstr_create("done");
    for (i = 0; i < n; i++)
        job_status_add_recipient(s, octstr_imm(msisdns[i]))->state = states[i];
    if (!legacy)
        text = job_status_format(s);
    else {
        text = octstr_format("Job: %s\nState: done\n", name);
        for (i = 0; i < n; i++)
            octstr_format_append(text, "Recipient: %s %s parts=1 acked=1 delivered=0\n",
                                 msisdns[i], recipient_state_name(states[i]));
    }
    job_status_destroy(s);
    return text;
}

static void put_status(SpoolState state, const char *name, long n,
                       const RecipientState *states, const char *const *msisdns)
{
    Octstr *text = status_text(name, n, states, msisdns, 0);
    Octstr *status_name = octstr_format("%s.status", name);

    put(state, octstr_get_cstr(status_name), text);
    octstr_destroy(status_name);
    octstr_destroy(text);
}

/* Job `name` in `state`: job_text and a status of its six recipients. */
static void put_job(SpoolState state, const char *name, const char *text, int legacy)
{
    Octstr *status = status_text(name, 6, states_in_turn, recipients, legacy);
    Octstr *status_name = octstr_format("%s.status", name);

    put(state, name, octstr_imm(text));
    put(state, octstr_get_cstr(status_name), status);
    octstr_destroy(status_name);
    octstr_destroy(status);
}

static long count_in(SpoolState state)
{
    List *names = spool_list(spool, state, 1000);
    long n = gwlist_len(names);

    gwlist_destroy(names, octstr_destroy_item);
    return n;
}

static unsigned states_of(const char *list)
{
    unsigned states = 0;
    Octstr *error = NULL;

    if (resend_states_parse(octstr_imm(list), &states, &error) < 0)
        panic(0, "states %s: %s", list, octstr_get_cstr(error));
    return states;
}

/* spool_resend(); the new job's text (NULL when none was written). */
static Octstr *resend(const char *name, const char *states, int *result, Octstr **message)
{
    Octstr *new_name = NULL, *text = NULL;

    *result = spool_resend(spool, octstr_imm(name), states_of(states), &new_name, message);
    if (new_name != NULL)
        text = get(SPOOL_NEW, new_name);
    octstr_destroy(new_name);
    return text;
}

/* The MSISDNs of a job text as job_parse() reads them, blank-separated. */
static Octstr *msisdns_of(Octstr *text)
{
    Octstr *error = NULL, *out = octstr_create(""), *msisdn;
    Job *job = text != NULL ? job_parse(NULL, text, &error) : NULL;
    long i;

    for (i = 0; job != NULL && i < job_recipient_count(job); i++) {
        msisdn = job_recipient_msisdn(job, i);
        octstr_format_append(out, "%s%S", i > 0 ? " " : "", msisdn);
        octstr_destroy(msisdn);
    }
    if (job == NULL)
        octstr_format_append(out, "(not a job: %s)",
                             error != NULL ? octstr_get_cstr(error) : "none written");
    job_destroy(job);
    octstr_destroy(error);
    return out;
}

static int has(Octstr *text, const char *part)
{
    return text != NULL && strstr(octstr_get_cstr(text), part) != NULL;
}

/* ---- the tests ---- */

static void test_states_parse(void)
{
    static const char *const refused[][2] = {
        { "delivered", "delivered: those phones have the message" },
        { "", "no state given" },
        { "failed,,sent", "an empty state in the list" },
        { "undelivered,bogus", "unknown state 'bogus'" },
        { "FAILED", "unknown state 'FAILED'" },
    };
    unsigned states = 0;
    Octstr *error = NULL;
    size_t i;

    ok(resend_states_parse(octstr_imm("undelivered, failed,undelivered"), &states, &error) == 0
       && states == ((1u << RCPT_UNDELIVERED) | (1u << RCPT_FAILED)),
       "states: a comma list, blanks around words and repeats allowed");
    ok(resend_states_parse(octstr_imm("queued,sent,undelivered,failed,expired"), &states,
                           &error) == 0 && states == 0x3bu,
       "states: all five that can be resent");
    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        error = NULL;
        ok(resend_states_parse(octstr_imm(refused[i][0]), &states, &error) == -1
           && has(error, refused[i][1]) && has(error, "expected queued, sent, undelivered, "
                                                       "failed or expired"),
           "states: '%s' refused: %s", refused[i][0], refused[i][1]);
        octstr_destroy(error);
    }
}

/* undelivered,failed: recipients 3 and 6, their lines as they were, every
 * other header where it was, the old Resend-Of: gone, the new one last. */
static void test_exact_job(void)
{
    static const char want[] =
        "Sec: USERNETWPIN\n"
        "Pin: 1234\n"
        "IMSI: 262011234567890\n"
        "Id: wave 3\n"
        "to:   4790000003   pin=4321   \n"
        "Not-Before: 2026-01-01T00:00:00Z\n"
        "To: 4790000006 pin=8765 imsi=262017777777777\n"
        "DLR: yes\n"
        "Resend-Of: orig\n"
        "\n"
        DOC;
    Octstr *message = NULL, *text, *error = NULL;
    int result;
    Job *job;

    text = resend("orig", "undelivered,failed", &result, &message);
    ok(result == RESEND_WRITTEN && text != NULL, "undelivered,failed: a job is written");
    ok(text != NULL && octstr_str_compare(text, want) == 0,
       "the new job: the original's lines but the To: lines not picked and its "
       "Resend-Of:, then Resend-Of: orig before the empty line, then the document");
    if (text != NULL && octstr_str_compare(text, want) != 0)
        tap_diag("got:\n%s", octstr_get_cstr(text));
    ok(octstr_str_compare(message, "2 of 6 recipient(s) of job orig (undelivered, failed)") == 0,
       "the summary counts them: %s", octstr_get_cstr(message));
    job = text != NULL ? job_parse(NULL, text, &error) : NULL;
    ok(job != NULL && octstr_str_compare(job->resend_of, "orig") == 0
       && octstr_str_compare(job->operator_id, "wave 3") == 0,
       "the job parser takes it: Resend-Of: orig, the same Id:");
    if (job != NULL) {
        Octstr *pin = job_recipient_pin(job, 0), *imsi = job_recipient_imsi(job, 1);
        ok(octstr_str_compare(pin, "4321") == 0 && octstr_str_compare(imsi, "262017777777777") == 0,
           "each recipient keeps its own pin= and imsi=");
        octstr_destroy(pin);
        octstr_destroy(imsi);
    }
    job_destroy(job);
    octstr_destroy(error);
    octstr_destroy(message);
    octstr_destroy(text);
}

/* Each state picks its recipients, and only those. */
static void test_each_state(void)
{
    static const char *const cases[][2] = {
        { "queued", "4790000004" },
        { "sent", "4790000002" },
        { "failed", "4790000003" },
        { "expired", "4790000005" },
        { "undelivered", "4790000006" },
        { "expired,queued", "4790000004 4790000005" },
        { "queued,sent,undelivered,failed,expired",
          "4790000002 4790000003 4790000004 4790000005 4790000006" },
    };
    Octstr *message, *text, *got;
    size_t i;
    int result;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        message = NULL;
        text = resend("orig", cases[i][0], &result, &message);
        got = msisdns_of(text);
        ok(result == RESEND_WRITTEN && octstr_str_compare(got, cases[i][1]) == 0,
           "--state %s picks %s (got %s)", cases[i][0], cases[i][1], octstr_get_cstr(got));
        octstr_destroy(got);
        octstr_destroy(text);
        octstr_destroy(message);
    }
}

/* A job with CR LF line ends keeps them, Resend-Of: too; a To: line's
 * words that the parser does not know (yet) come along as they are. */
static void test_crlf_and_unknown_words(void)
{
    static const char crlf[] =
        "To: 4790000001\r\nTo: 4790000002 var.LOGIN=alice%20b\r\nSec: NONE\r\n"
        "To: 4790000003\r\nTo: 4790000004\r\nTo: 4790000005\r\nTo: 4790000006\r\n\r\n" DOC;
    static const char want[] =
        "To: 4790000002 var.LOGIN=alice%20b\r\nSec: NONE\r\nResend-Of: crlf\r\n\r\n" DOC;
    Octstr *message = NULL, *text;
    int result;

    put_job(SPOOL_FAILED, "crlf", crlf, 0);
    text = resend("crlf", "sent", &result, &message);
    ok(result == RESEND_WRITTEN && text != NULL && octstr_str_compare(text, want) == 0,
       "CR LF kept, Resend-Of: ends in CR LF, a To: line's other words copied as they are; "
       "a job in failed/ is resent too");
    octstr_destroy(message);
    octstr_destroy(text);
}

/* A status of provbox 1.x (a line a recipient) is read as well. */
static void test_legacy_status(void)
{
    Octstr *message = NULL, *text, *got;
    int result;

    put_job(SPOOL_DONE, "old", job_text, 1);
    text = resend("old", "failed,undelivered", &result, &message);
    got = msisdns_of(text);
    ok(result == RESEND_WRITTEN && octstr_str_compare(got, "4790000003 4790000006") == 0,
       "a 1.x status: the same recipients (got %s)", octstr_get_cstr(got));
    octstr_destroy(got);
    octstr_destroy(message);
    octstr_destroy(text);
}

/* No recipient in those states: RESEND_NONE, nothing written anywhere. */
static void test_none(void)
{
    static const RecipientState delivered[] = { RCPT_DELIVERED };
    static const char *const one[] = { "4790000001" };
    Octstr *message = NULL, *text;
    long before = count_in(SPOOL_NEW);
    int result;

    put(SPOOL_DONE, "all-good", octstr_imm("To: 4790000001\nSec: NONE\n\n" DOC));
    put_status(SPOOL_DONE, "all-good", 1, delivered, one);
    text = resend("all-good", "undelivered,failed,expired", &result, &message);
    ok(result == RESEND_NONE && text == NULL
       && octstr_str_compare(message, "no recipient of job all-good is undelivered, failed "
                                      "or expired (1 recipient(s) in all); no job written") == 0,
       "every recipient delivered: RESEND_NONE and says so: %s", octstr_get_cstr(message));
    octstr_destroy(message);
    put(SPOOL_FAILED, "rejected", octstr_imm("To: 4790000001\nColour: blue\n\n" DOC));
    put_status(SPOOL_FAILED, "rejected", 0, NULL, NULL);
    message = NULL;
    text = resend("rejected", "queued", &result, &message);
    ok(result == RESEND_NONE && has(message, "is queued (0 recipient(s) in all)"),
       "a rejected job, whose status lists no recipient: RESEND_NONE");
    ok(count_in(SPOOL_NEW) == before && count_in(SPOOL_TMP) == 0,
       "nothing in new/ or tmp/");
    octstr_destroy(message);
}

static void refused(const char *name, const char *states, const char *want, const char *what)
{
    Octstr *message = NULL, *text;
    long before = count_in(SPOOL_NEW);
    int result;

    text = resend(name, states, &result, &message);
    if (!ok(result == RESEND_REFUSED && text == NULL && has(message, want)
            && count_in(SPOOL_NEW) == before && count_in(SPOOL_TMP) == 0,
            "%s: refused with '%s', nothing written", what, want))
        tap_diag("result %d, message: %s", result,
                 message != NULL ? octstr_get_cstr(message) : "none");
    octstr_destroy(message);
    octstr_destroy(text);
}

/* A status that does not go with its job refuses the resend. */
static void test_mismatch(void)
{
    static const char *const swapped[] = {
        "4790000001", "4790000002", "4790000004", "4790000003", "4790000005", "4790000006"
    };

    put(SPOOL_DONE, "swapped", octstr_imm(job_text));
    put_status(SPOOL_DONE, "swapped", 6, states_in_turn, swapped);
    refused("swapped", "failed", "its To: line 3 is not the recipient its status lists there",
            "a To: line and its slot name different recipients");
    put(SPOOL_DONE, "fewer", octstr_imm(job_text));
    put_status(SPOOL_DONE, "fewer", 5, states_in_turn, recipients);
    refused("fewer", "failed", "its status lists 5 recipient(s), fewer than its To: lines",
            "a status with fewer recipients than To: lines");
    put(SPOOL_DONE, "more", octstr_imm("To: 4790000001\nSec: NONE\n\n" DOC));
    put_status(SPOOL_DONE, "more", 6, states_in_turn, recipients);
    refused("more", "undelivered", "its status lists more recipients than its 1 To: line(s)",
            "a status with more recipients than To: lines");
}

static void test_refusals(void)
{
    Octstr *long_line = octstr_create("To: 4790000001 ");

    put(SPOOL_NEW, "waiting", octstr_imm(job_text));
    refused("waiting", "failed", "job waiting is in new/; only jobs in done/ or failed/ "
            "are resent", "a job in new/");
    refused("nowhere", "failed", "no job nowhere in", "a job that is not there");
    refused("../done/orig", "failed", "is not a job name", "a name with a '/'");
    refused(".orig", "failed", "is not a job name", "a dot name");
    put(SPOOL_DONE, "new\nline", octstr_imm(job_text));
    refused("new\nline", "failed", "its name cannot go into a Resend-Of: header",
            "a name with a line feed");
    put(SPOOL_DONE, "no-status", octstr_imm(job_text));
    refused("no-status", "failed", "job no-status has no status file", "a job without a status");
    put(SPOOL_DONE, "no-end", octstr_imm("To: 4790000001\nSec: NONE\n"));
    put_status(SPOOL_DONE, "no-end", 1, states_in_turn + 2, recipients);
    refused("no-end", "failed", "its file has no empty line after the headers",
            "a job file without the empty line");
    while (octstr_len(long_line) < 70000)
        octstr_append_cstr(long_line, "x");
    octstr_append_cstr(long_line, "\nSec: NONE\n\n" DOC);
    put(SPOOL_DONE, "long", long_line);
    put_status(SPOOL_DONE, "long", 1, states_in_turn + 2, recipients);
    refused("long", "failed", "a header line longer than 65536 bytes", "a header line of 70 KB");
    octstr_destroy(long_line);
}

/* Whatever was done above, "orig" and its status are as they were put. */
static void test_original_untouched(Octstr *job_before, Octstr *status_before,
                                    const struct stat *st_before)
{
    Octstr *job = get(SPOOL_DONE, octstr_imm("orig"));
    Octstr *status = get(SPOOL_DONE, octstr_imm("orig.status"));
    Octstr *path = spool_path(spool, SPOOL_DONE, octstr_imm("orig"));
    struct stat st;

    ok(octstr_compare(job, job_before) == 0 && octstr_compare(status, status_before) == 0,
       "the original job and its status are byte for byte as they were");
    ok(stat(octstr_get_cstr(path), &st) == 0 && st.st_mtime == st_before->st_mtime
       && st.st_ino == st_before->st_ino,
       "the original job file is the same file, not modified");
    octstr_destroy(path);
    octstr_destroy(job);
    octstr_destroy(status);
}

int main(void)
{
    Octstr *dir, *job_before, *status_before, *path;
    struct stat st;

    gwlib_init();
    log_set_output_level(GW_PANIC);
    scratch_create(scratch);
    dir = octstr_format("%s/spool", scratch);
    spool = spool_open(dir, NULL);
    put_job(SPOOL_DONE, "orig", job_text, 0);
    job_before = get(SPOOL_DONE, octstr_imm("orig"));
    status_before = get(SPOOL_DONE, octstr_imm("orig.status"));
    path = spool_path(spool, SPOOL_DONE, octstr_imm("orig"));
    stat(octstr_get_cstr(path), &st);
    test_states_parse();
    test_exact_job();
    test_each_state();
    test_crlf_and_unknown_words();
    test_legacy_status();
    test_none();
    test_mismatch();
    test_refusals();
    test_original_untouched(job_before, status_before, &st);
    octstr_destroy(path);
    octstr_destroy(job_before);
    octstr_destroy(status_before);
    spool_close(spool);
    octstr_destroy(dir);
    scratch_remove(scratch);
    gwlib_shutdown();
    return tap_done();
}
