/*
 * test_job_status.c - unit tests of provbox/spool/job_status.c: the exact
 * text of status files, parse(format(x)) == x including every escape, the
 * recipient states, and refusal of malformed status files by line.
 */
#include <string.h>

#include "gwlib/gwlib.h"
#include "spool/job_status.h"
#include "../lib/tap.h"

static int same(Octstr *a, Octstr *b)
{
    return (a == NULL && b == NULL)
           || (a != NULL && b != NULL && octstr_compare(a, b) == 0);
}

static int same_recipient(const RecipientStatus *a, const RecipientStatus *b)
{
    return same(a->msisdn, b->msisdn) && a->state == b->state
           && a->parts == b->parts && a->acked == b->acked
           && a->delivered == b->delivered && a->undelivered == b->undelivered
           && same(a->reason, b->reason) && same(a->entry_code, b->entry_code);
}

static int same_status(const JobStatus *a, const JobStatus *b)
{
    long i;

    if (!same(a->job, b->job) || !same(a->id, b->id) || !same(a->state, b->state)
        || !same(a->reason, b->reason) || !same(a->renamed_from, b->renamed_from)
        || !same(a->tampered, b->tampered)
        || gwlist_len(a->recipients) != gwlist_len(b->recipients))
        return 0;
    for (i = 0; i < gwlist_len(a->recipients); i++)
        if (!same_recipient(gwlist_get(a->recipients, i), gwlist_get(b->recipients, i)))
            return 0;
    return 1;
}

static RecipientStatus *add(JobStatus *s, const char *msisdn, RecipientState state,
                            long parts, long acked, long delivered)
{
    RecipientStatus *r = job_status_add_recipient(s, octstr_imm(msisdn));

    r->state = state;
    r->parts = parts;
    r->acked = acked;
    r->delivered = delivered;
    return r;
}

static void round_trips(const JobStatus *status, const char *what)
{
    Octstr *text = job_status_format(status), *error = NULL, *again_text = NULL;
    JobStatus *again = job_status_parse(text, &error);

    if (again != NULL)
        again_text = job_status_format(again);
    ok(again != NULL && same_status(status, again) && same(text, again_text),
       "parse(format(x)) == x: %s", what);
    if (again == NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
    job_status_destroy(again);
    octstr_destroy(text);
    octstr_destroy(again_text);
    octstr_destroy(error);
}

static void test_create_defaults(void)
{
    JobStatus *s = job_status_create(octstr_imm("J1"), NULL);
    RecipientStatus *r = job_status_add_recipient(s, octstr_imm("4790000001"));
    Octstr *text = job_status_format(s);

    ok(r->state == RCPT_QUEUED && r->parts == 0 && r->acked == 0 && r->delivered == 0
       && r->undelivered == 0 && r->reason == NULL && r->entry_code == NULL
       && gwlist_len(s->recipients) == 1, "a new recipient is queued with zero counts");
    ok_str(octstr_get_cstr(text),
           "Job: J1\nState: active\n"
           "Recipient: 4790000001 queued parts=0 acked=0 delivered=0\n",
           "a new status: active, no Id or Reason lines");
    octstr_destroy(text);
    job_status_destroy(s);
}

static JobStatus *full_status(void)
{
    JobStatus *s = job_status_create(octstr_imm("20261126T142233.123456.77.1.gw"),
                                     octstr_imm("campaign 42"));
    RecipientStatus *r;

    octstr_destroy(s->state);
    s->state = octstr_create("done");
    add(s, "4790000001", RCPT_DELIVERED, 3, 3, 3)->entry_code = octstr_create("12348544");
    r = add(s, "4790000002", RCPT_FAILED, 3, 0, 0);
    r->reason = octstr_create("SMSC said \"no\" \\ rejected");
    r = add(s, "+4790000003", RCPT_UNDELIVERED, 2, 2, 1);
    r->undelivered = 1;
    r->entry_code = octstr_create("99990123");
    add(s, "4790000004", RCPT_SENT, 1, 1, 0);
    return s;
}

static void test_exact_text(void)
{
    JobStatus *s = full_status();
    Octstr *text = job_status_format(s);

    ok_str(octstr_get_cstr(text),
           "Job: 20261126T142233.123456.77.1.gw\n"
           "Id: campaign 42\n"
           "State: done\n"
           "Recipient: 4790000001 delivered parts=3 acked=3 delivered=3\n"
           "Recipient: 4790000002 failed parts=3 acked=0 delivered=0 "
           "reason=\"SMSC said \\\"no\\\" \\\\ rejected\"\n"
           "Recipient: +4790000003 undelivered parts=2 acked=2 delivered=1 undelivered=1\n"
           "Recipient: 4790000004 sent parts=1 acked=1 delivered=0\n"
           "Entry-Code: 4790000001 12348544\n"
           "Entry-Code: +4790000003 99990123\n",
           "the exact status text: Id, states, undelivered only when non-zero, "
           "quoted reason, entry codes last");
    round_trips(s, "a full status");
    octstr_destroy(text);
    job_status_destroy(s);
}

static void test_escapes(void)
{
    JobStatus *s = job_status_create(octstr_imm("J2"), octstr_imm("a\\b \"c\""));
    RecipientStatus *r = add(s, "4790000001", RCPT_FAILED, 0, 0, 0);
    Octstr *text;

    octstr_destroy(s->state);
    s->state = octstr_create("failed");
    s->reason = octstr_create("line 3: bad\nsecond line\twith tab\r and \x01 and caf\xC3\xA9");
    r->reason = octstr_create("quote \" backslash \\ newline \n end \\");
    text = job_status_format(s);
    ok_str(octstr_get_cstr(text),
           "Job: J2\n"
           "Id: a\\\\b \"c\"\n"
           "State: failed\n"
           "Reason: line 3: bad\\nsecond line\\twith tab\\r and \\x01 and caf\xC3\xA9\n"
           "Recipient: 4790000001 failed parts=0 acked=0 delivered=0 "
           "reason=\"quote \\\" backslash \\\\ newline \\n end \\\\\"\n",
           "escapes keep every value on one line");
    round_trips(s, "values with quotes, backslashes and control bytes");
    octstr_destroy(text);
    job_status_destroy(s);
}

/* A job renamed for a name clash, and one whose file changed in active/:
 * both lines are written escaped and read back exactly. */
static void test_renamed_from(void)
{
    JobStatus *s = job_status_create(octstr_imm("same~1764786000123456.42.7"), NULL);
    JobStatus *again;
    Octstr *text, *error = NULL;

    s->renamed_from = octstr_create("same\\name\nwith LF");
    s->tampered = octstr_create("its file in active/ was replaced by another after the claim");
    add(s, "4790000001", RCPT_SENT, 1, 1, 0);
    text = job_status_format(s);
    ok_str(octstr_get_cstr(text),
           "Job: same~1764786000123456.42.7\n"
           "State: active\n"
           "Renamed-From: same\\\\name\\nwith LF\n"
           "Tampered: its file in active/ was replaced by another after the claim\n"
           "Recipient: 4790000001 sent parts=1 acked=1 delivered=0\n",
           "Renamed-From: and Tampered: follow Reason:, escaped like it");
    round_trips(s, "Renamed-From and Tampered");
    again = job_status_parse(octstr_imm("Job: a\nState: done\nRenamed-From: x\n"
                                        "Renamed-From: y\n"), &error);
    ok(again == NULL && error != NULL
       && strstr(octstr_get_cstr(error), "line 4: given twice") != NULL,
       "refuses two Renamed-From: lines");
    octstr_destroy(error);
    octstr_destroy(text);
    job_status_destroy(s);
}

static void test_states(void)
{
    static const char *const names[] = {
        "queued", "sent", "delivered", "undelivered", "failed", "expired"
    };
    RecipientState st;
    int i, all = 1;

    for (i = 0; i < 6; i++)
        all &= strcmp(recipient_state_name((RecipientState) i), names[i]) == 0
               && recipient_state_parse(octstr_imm(names[i]), &st) == 0
               && st == (RecipientState) i;
    ok(all, "recipient state names round trip");
    ok(recipient_state_parse(octstr_imm("Delivered"), &st) < 0
       && recipient_state_parse(octstr_imm("done"), &st) < 0,
       "recipient_state_parse refuses other names");
    ok(!recipient_state_is_final(RCPT_QUEUED) && !recipient_state_is_final(RCPT_SENT)
       && recipient_state_is_final(RCPT_DELIVERED)
       && recipient_state_is_final(RCPT_UNDELIVERED)
       && recipient_state_is_final(RCPT_FAILED) && recipient_state_is_final(RCPT_EXPIRED),
       "queued and sent are not final; the others are");
}

static void test_parse_accepts(void)
{
    Octstr *error = NULL;
    JobStatus *s = job_status_parse(octstr_imm(
        "Job: J3\nState: new\n"
        "Recipient: 4790000001 queued delivered=0 acked=0 parts=0\n"), &error);

    ok(s != NULL && octstr_str_compare(s->state, "new") == 0
       && gwlist_len(s->recipients) == 1 && s->id == NULL && s->reason == NULL,
       "accepts State: new (a requeued job) and fields in any order");
    job_status_destroy(s);
    octstr_destroy(error);
    s = job_status_parse(octstr_imm("Job: J4\nState: deferred\nReason: waiting"), &error);
    ok(s != NULL && octstr_str_compare(s->reason, "waiting") == 0,
       "accepts a last line without a newline");
    job_status_destroy(s);
    octstr_destroy(error);
}

static void refuses(const char *text, const char *want, const char *what)
{
    Octstr *error = NULL;
    JobStatus *s = job_status_parse(octstr_imm(text), &error);

    ok(s == NULL && error != NULL && strstr(octstr_get_cstr(error), want) != NULL,
       "refuses %s", what);
    if (s == NULL && error != NULL && strstr(octstr_get_cstr(error), want) == NULL)
        tap_diag("got '%s', want '%s'", octstr_get_cstr(error), want);
    job_status_destroy(s);
    octstr_destroy(error);
}

static void test_parse_refuses(void)
{
    refuses("State: done\n", "status file: no Job: line", "a status without Job:");
    refuses("Job: J\n", "status file: no State: line", "a status without State:");
    refuses("Job: J\nState: sending\n", "unknown State:", "an unknown State:");
    refuses("Job: J\nJob: K\nState: done\n", "status line 2: given twice", "two Job: lines");
    refuses("Job: J\nState: done\nFoo: bar\n", "status line 3: unknown line", "an unknown line");
    refuses("Job: J\nState: done\n\nRecipient: 1 queued parts=0 acked=0 delivered=0\n",
            "status line 3: unknown line", "an empty line");
    refuses("Job: J\nState: done\nRecipient: 4790000001 lost parts=1 acked=1 delivered=1\n",
            "status line 3: expected MSISDN and a recipient state", "an unknown recipient state");
    refuses("Job: J\nState: done\nRecipient: 4790000001 sent parts=1 acked=1\n",
            "status line 3: parts=, acked= and delivered= are required", "a missing count");
    refuses("Job: J\nState: done\nRecipient: 4790000001 sent parts=x acked=1 delivered=0\n",
            "status line 3: counts must be whole numbers", "a count that is not a number");
    refuses("Job: J\nState: done\nRecipient: 4790000001 sent parts=-1 acked=1 delivered=0\n",
            "status line 3: counts must be whole numbers", "a negative count");
    refuses("Job: J\nState: done\nRecipient: 4790000001 sent parts=1 parts=1 acked=1 delivered=0\n",
            "status line 3: field given twice", "a field given twice");
    refuses("Job: J\nState: done\nRecipient: 4790000001 sent parts=1 acked=1 delivered=0 seen=1\n",
            "status line 3: unknown field", "an unknown field");
    refuses("Job: J\nState: done\nRecipient: 4790000001 failed parts=1 acked=0 delivered=0 reason=\"open\n",
            "status line 3: reason= must be a quoted string", "an unterminated reason");
    refuses("Job: J\nState: done\nRecipient: 4790000001 failed parts=1 acked=0 delivered=0 reason=\"a\" x\n",
            "status line 3: text after the quoted reason", "text after the reason");
    refuses("Job: J\nState: done\nReason: bad \\q escape\n",
            "status line 3: malformed escape", "an unknown escape");
    refuses("Job: J\nState: done\nRecipient: 4790000001 sent parts=1 acked=1 delivered=0\n"
            "Entry-Code: 4790000002 1234\n",
            "status line 4: entry code for a recipient not listed above",
            "an entry code for an unknown recipient");
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_PANIC);
    test_create_defaults();
    test_exact_text();
    test_escapes();
    test_renamed_from();
    test_states();
    test_parse_accepts();
    test_parse_refuses();
    gwlib_shutdown();
    return tap_done();
}
