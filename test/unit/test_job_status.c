/*
 * test_job_status.c - unit tests of provbox/spool/job_status.c: the exact
 * text of status files (slotted layout: geometry, checks, pads), parse(format(x))
 * == x including every escape, statuses of provbox 1.x read as they are,
 * torn slots and state sectors, reasons cut to fit, the recipient states,
 * and refusal of malformed status files by line.
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

static int same_lines(List *a, List *b)
{
    long i;

    if (gwlist_len(a) != gwlist_len(b))
        return 0;
    for (i = 0; i < gwlist_len(a); i++)
        if (!same(gwlist_get(a, i), gwlist_get(b, i)))
            return 0;
    return 1;
}

static int same_status(const JobStatus *a, const JobStatus *b)
{
    long i;

    if (!same(a->job, b->job) || !same(a->id, b->id) || !same(a->state, b->state)
        || !same(a->reason, b->reason) || !same(a->renamed_from, b->renamed_from)
        || !same(a->resend_of, b->resend_of)
        || !same(a->tampered, b->tampered) || !same_lines(a->warnings, b->warnings)
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


/* FNV-1a, written here again so that the test does not trust the code. */
static unsigned long fnv(const char *p, long n)
{
    unsigned long h = 2166136261u;

    while (n-- > 0)
        h = ((h ^ (unsigned char) *p++) * 16777619u) & 0xffffffffu;
    return h;
}

/* A checked line without its blanks and check; 0 when the check is wrong. */
static int strip_checked(Octstr *line)
{
    long n = octstr_len(line);
    char want[9];

    if (n < 10 || octstr_get_char(line, n - 10) != ' ' || octstr_get_char(line, n - 9) != '~')
        return 0;
    snprintf(want, sizeof(want), "%08lx", fnv(octstr_get_cstr(line), n - 10));
    if (strcmp(octstr_get_cstr(line) + n - 8, want) != 0)
        return 0;
    octstr_truncate(line, n - 10);
    octstr_strip_blanks(line);
    return 1;
}

/*
 * The status as an operator reads it: pad lines dropped, every line from
 * the state sector on stripped of its blanks and verified check. NULL when
 * a check is wrong or the geometry is off: state sector at 512 (headers
 * here are short), slots of `slot` bytes from 1024, each starting a line.
 */
static Octstr *logical(Octstr *text, long slot)
{
    Octstr *out = octstr_create("");
    long pos = 0, eol, bad = 0;

    if ((octstr_len(text) - 1024) % slot != 0
        || octstr_search(text, octstr_imm("\nState: "), 0) != 511)
        bad = 1;
    for (pos = 1024; !bad && pos < octstr_len(text); pos += slot) {
        Octstr *head = octstr_copy(text, pos, 11);
        bad = octstr_str_compare(head, "Recipient: ") != 0
              || octstr_get_char(text, pos + slot - 1) != '\n';
        octstr_destroy(head);
    }
    for (pos = 0; !bad && pos < octstr_len(text); pos = eol + 1) {
        Octstr *line;
        eol = octstr_search_char(text, '\n', pos);
        line = octstr_copy(text, pos, eol - pos);
        if (octstr_get_char(line, 0) != '#') {
            bad = pos >= 512 && !strip_checked(line);
            octstr_append(out, line);
            octstr_append_char(out, '\n');
        }
        octstr_destroy(line);
    }
    if (!bad)
        return out;
    octstr_destroy(out);
    return NULL;
}

static void ok_logical(Octstr *text, long slot, const char *want, const char *what)
{
    Octstr *got = logical(text, slot);

    ok_str(got != NULL ? octstr_get_cstr(got) : "(bad geometry or check)", want, what);
    octstr_destroy(got);
}

static void test_create_defaults(void)
{
    JobStatus *s = job_status_create(octstr_imm("J1"), NULL);
    RecipientStatus *r = job_status_add_recipient(s, octstr_imm("4790000001"));
    Octstr *text = job_status_format(s);

    ok(r->state == RCPT_QUEUED && r->parts == 0 && r->acked == 0 && r->delivered == 0
       && r->undelivered == 0 && r->reason == NULL && r->entry_code == NULL
       && gwlist_len(s->recipients) == 1, "a new recipient is queued with zero counts");
    ok_logical(text, 128,
           "Job: J1\nLayout: slot=128 count=1\nState: active\n"
           "Recipient: 4790000001 queued parts=0 acked=0 delivered=0\n",
           "a new status: active, no Id or Reason lines, 128-byte slots");
    ok(octstr_len(text) == 1024 + 128, "one slot after the state sector: %ld bytes",
       octstr_len(text));
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

    ok_logical(text, 256,
           "Job: 20261126T142233.123456.77.1.gw\n"
           "Id: campaign 42\n"
           "Layout: slot=256 count=4\n"
           "State: done\n"
           "Recipient: 4790000001 delivered parts=3 acked=3 delivered=3\n"
           "Entry-Code: 4790000001 12348544\n"
           "Recipient: 4790000002 failed parts=3 acked=0 delivered=0 "
           "reason=\"SMSC said \\\"no\\\" \\\\ rejected\"\n"
           "Recipient: +4790000003 undelivered parts=2 acked=2 delivered=1 undelivered=1\n"
           "Entry-Code: +4790000003 99990123\n"
           "Recipient: 4790000004 sent parts=1 acked=1 delivered=0\n",
           "the exact status text: Id, states, undelivered only when non-zero, "
           "quoted reason, entry codes in their recipients' 256-byte slots");
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
    ok_logical(text, 128,
           "Job: J2\n"
           "Id: a\\\\b \"c\"\n"
           "Layout: slot=128 count=1\n"
           "State: failed\n"
           "Reason: line 3: bad\\nsecond line\\twith tab\\r and \\x01 and caf\xC3\xA9\n"
           "Recipient: 4790000001 failed parts=0 acked=0 delivered=0 "
           "reason=\"quote \\\" backslash \\\\ newline \\n end \\\\\"\n",
           "escapes keep every value on one line");
    round_trips(s, "values with quotes, backslashes and control bytes");
    octstr_destroy(text);
    job_status_destroy(s);
}

/* Bytes that are not UTF-8, C1 and DEL are written \xHH too, so the file is
 * UTF-8 text; valid UTF-8 stays as it is; the parse gives the bytes back. */
static void test_not_utf8(void)
{
    JobStatus *s = job_status_create(octstr_imm("latin\xE9\xFF"), octstr_imm("j\xC3\xB6" "b\x7F"));
    RecipientStatus *r = add(s, "4790000001", RCPT_FAILED, 0, 0, 0);
    Octstr *text;

    s->reason = octstr_create("job latin\xE9\xFF: nel\xC2\x85 cut\xE2\x82");
    r->reason = octstr_create("\xC0\xAF \x1B[31m");
    text = job_status_format(s);
    ok_logical(text, 128,
           "Job: latin\\xE9\\xFF\n"
           "Id: j\xC3\xB6" "b\\x7F\n"
           "Layout: slot=128 count=1\n"
           "State: active\n"
           "Reason: job latin\\xE9\\xFF: nel\\xC2\\x85 cut\\xE2\\x82\n"
           "Recipient: 4790000001 failed parts=0 acked=0 delivered=0 "
           "reason=\"\\xC0\\xAF \\x1B[31m\"\n",
           "bytes that are not UTF-8, C1 and DEL are written \\xHH, j\xC3\xB6" "b as it is");
    round_trips(s, "values that are not UTF-8");
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
    ok_logical(text, 128,
           "Job: same~1764786000123456.42.7\n"
           "Renamed-From: same\\\\name\\nwith LF\n"
           "Tampered: its file in active/ was replaced by another after the claim\n"
           "Layout: slot=128 count=1\n"
           "State: active\n"
           "Recipient: 4790000001 sent parts=1 acked=1 delivered=0\n",
           "Renamed-From: and Tampered: in the header, escaped like Reason:");
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

/* A job made by provctl resend echoes its Resend-Of: in the header; the
 * head alone (what the in-place record compares) reads it back, and a
 * head copy keeps it. */
static void test_resend_of(void)
{
    JobStatus *s = job_status_create(octstr_imm("20260101T000000.1.2.3.host"),
                                     octstr_imm("campaign 7"));
    JobStatus *head = NULL, *copy;
    Octstr *text, *error = NULL;
    StatusLayout layout;

    s->resend_of = octstr_create("april\\nLF\n");
    add(s, "4790000001", RCPT_QUEUED, 0, 0, 0);
    text = job_status_format(s);
    ok_logical(text, 128,
           "Job: 20260101T000000.1.2.3.host\n"
           "Id: campaign 7\n"
           "Resend-Of: april\\\\nLF\\n\n"
           "Layout: slot=128 count=1\n"
           "State: active\n"
           "Recipient: 4790000001 queued parts=0 acked=0 delivered=0\n",
           "Resend-Of: in the header after Id:, escaped like Reason:");
    round_trips(s, "Resend-Of");
    ok(job_status_parse_head(text, &head, &layout, &error) == 1
       && head != NULL && octstr_compare(head->resend_of, s->resend_of) == 0,
       "the head alone gives Resend-Of back");
    copy = head != NULL ? job_status_head_copy(head) : NULL;
    ok(copy != NULL && octstr_compare(copy->resend_of, s->resend_of) == 0,
       "a head copy keeps Resend-Of");
    job_status_destroy(copy);
    job_status_destroy(head);
    head = job_status_parse(octstr_imm("Job: a\nResend-Of: x\nResend-Of: y\nState: done\n"),
                            &error);
    ok(head == NULL && error != NULL
       && strstr(octstr_get_cstr(error), "line 3: given twice") != NULL,
       "refuses two Resend-Of: lines");
    octstr_destroy(error);
    octstr_destroy(text);
    job_status_destroy(s);
}

/* Lint's findings as Warning: lines: after Tampered:, escaped like the
 * other header values, read back exactly, by the head reader too. */
static void test_warnings(void)
{
    JobStatus *s = job_status_create(octstr_imm("w1"), NULL), *head = NULL, *copy;
    List *lines = gwlist_create(), *warnings;
    StatusLayout layout;
    Octstr *text, *error = NULL;

    gwlist_append(lines, octstr_create("3: warning: APPID \"zz9\" is neither registered"));
    gwlist_append(lines, octstr_create("14: error: NAME \"caf\xC3\xA9\\x\nforged\x1B[31m"
                                       "\xFF\" ends"));
    s->tampered = octstr_create("rewritten");
    warnings = job_status_warnings_of(lines);
    job_status_set_warnings(s, warnings);
    ok(gwlist_len(s->warnings) == 2 && job_status_same_warnings(s->warnings, lines),
       "two findings give two Warning lines, as they are");
    add(s, "4790000001", RCPT_SENT, 1, 1, 0);
    text = job_status_format(s);
    ok_logical(text, 128,
           "Job: w1\n"
           "Tampered: rewritten\n"
           "Warning: 3: warning: APPID \"zz9\" is neither registered\n"
           "Warning: 14: error: NAME \"caf\xC3\xA9\\\\x\\nforged\\x1B[31m\\xFF\" ends\n"
           "Layout: slot=128 count=1\n"
           "State: active\n"
           "Recipient: 4790000001 sent parts=1 acked=1 delivered=0\n",
           "Warning: lines after Tampered:, before Layout:; backslash, LF, ESC and "
           "a byte that is not UTF-8 escaped, UTF-8 as it is");
    round_trips(s, "Warning lines with odd bytes");
    ok(job_status_parse_head(text, &head, &layout, &error) == 1 && head != NULL
       && same_lines(head->warnings, s->warnings), "the head reader reads them back");
    copy = head != NULL ? job_status_head_copy(head) : NULL;
    ok(copy != NULL && same_lines(copy->warnings, s->warnings),
       "job_status_head_copy() keeps them");
    job_status_destroy(copy);
    job_status_destroy(head);
    octstr_destroy(text);
    octstr_destroy(error);
    job_status_destroy(s);
    gwlist_destroy(lines, octstr_destroy_item);
    gwlist_destroy(warnings, octstr_destroy_item);
}

/* Many findings: JOB_STATUS_WARNINGS lines, then one saying how many more. */
static void test_warnings_capped(void)
{
    JobStatus *s = job_status_create(octstr_imm("w2"), NULL);
    List *lines = gwlist_create(), *warnings, *none;
    Octstr *last, *text;
    long i;

    for (i = 1; i <= JOB_STATUS_WARNINGS + 7; i++)
        gwlist_append(lines, octstr_format("%ld: error: finding %ld", i, i));
    warnings = job_status_warnings_of(lines);
    job_status_set_warnings(s, warnings);
    last = gwlist_get(s->warnings, gwlist_len(s->warnings) - 1);
    ok(gwlist_len(s->warnings) == JOB_STATUS_WARNINGS + 1
       && octstr_str_compare(gwlist_get(s->warnings, JOB_STATUS_WARNINGS - 1),
                             "20: error: finding 20") == 0,
       "%d findings give the first %d lines and one more (%ld)", JOB_STATUS_WARNINGS + 7,
       JOB_STATUS_WARNINGS, gwlist_len(s->warnings));
    ok_str(octstr_get_cstr(last),
           "... 7 more finding(s): provctl lint on the job's document lists them all",
           "the last line says how many were left out");
    add(s, "4790000001", RCPT_QUEUED, 0, 0, 0);
    round_trips(s, "a capped list (parse keeps its last line as it is)");
    text = job_status_format(s);
    ok(octstr_search(text, octstr_imm("\nWarning: 20: error: finding 20\nWarning: ... 7 "
                                      "more finding(s)"), 0) > 0
       && octstr_search(text, octstr_imm("finding 21"), 0) < 0,
       "the file holds the first 20 and the count, not the 21st");
    octstr_destroy(text);
    none = gwlist_create();
    ok(!job_status_same_warnings(s->warnings, none), "lists of different lengths differ");
    job_status_set_warnings(s, none);
    ok(gwlist_len(s->warnings) == 0, "an empty list clears them");
    gwlist_destroy(none, NULL);
    gwlist_destroy(lines, octstr_destroy_item);
    gwlist_destroy(warnings, octstr_destroy_item);
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


static void test_legacy_layout(void)
{
    Octstr *error = NULL, *text;
    JobStatus *s = job_status_parse(octstr_imm(
        "Job: OLD\nId: from 1.x\nState: done\n"
        "Recipient: 4790000001 delivered parts=2 acked=2 delivered=2\n"
        "Recipient: 4790000002 failed parts=2 acked=0 delivered=0 reason=\"no route\"\n"
        "Entry-Code: 4790000001 12345678\n"), &error);
    RecipientStatus *r = s != NULL ? gwlist_get(s->recipients, 0) : NULL;

    ok(s != NULL && gwlist_len(s->recipients) == 2 && s->torn == 0
       && octstr_str_compare(r->entry_code, "12345678") == 0,
       "a status in provbox 1.x's layout is read as it is, entry codes at the end");
    text = s != NULL ? job_status_format(s) : octstr_create("");
    ok_logical(text, 256,
               "Job: OLD\nId: from 1.x\nLayout: slot=256 count=2\nState: done\n"
               "Recipient: 4790000001 delivered parts=2 acked=2 delivered=2\n"
               "Entry-Code: 4790000001 12345678\n"
               "Recipient: 4790000002 failed parts=2 acked=0 delivered=0 reason=\"no route\"\n",
               "and written again in the slotted layout");
    octstr_destroy(text);
    octstr_destroy(error);
    job_status_destroy(s);
}

/* Bytes [from, to) of slot i taken from another version of the file: a
 * write that a power cut interrupted half-way. */
static void tear(Octstr *text, Octstr *other, long at, long from, long to)
{
    Octstr *piece = octstr_copy(other, at + from, to - from);

    octstr_delete(text, at + from, to - from);
    octstr_insert(text, piece, at + from);
    octstr_destroy(piece);
}

static void test_torn_slot(void)
{
    JobStatus *s = full_status(), *back;
    RecipientStatus *r = gwlist_get(s->recipients, 3), *got;
    Octstr *before = job_status_format(s), *after, *error = NULL;

    r->state = RCPT_DELIVERED;
    r->delivered = 1;
    after = job_status_format(s);
    tear(after, before, 1024 + 3 * 256, 40, 256);
    back = job_status_parse(after, &error);
    got = back != NULL ? gwlist_get(back->recipients, 3) : NULL;
    ok(back != NULL && back->torn == 1 && gwlist_len(back->recipients) == 4
       && octstr_str_compare(got->msisdn, "4790000004") == 0 && got->state == RCPT_QUEUED
       && got->parts == 0 && got->acked == 0 && got->delivered == 0,
       "a torn slot is found: its recipient reads as queued with zero counts (sent again)");
    got = back != NULL ? gwlist_get(back->recipients, 2) : NULL;
    ok(got != NULL && got->state == RCPT_UNDELIVERED && got->undelivered == 1
       && octstr_str_compare(got->entry_code, "99990123") == 0,
       "the slots around it are intact");
    job_status_destroy(back);
    octstr_destroy(after);
    octstr_destroy(before);
    octstr_destroy(error);
    job_status_destroy(s);
}

static void test_torn_state(void)
{
    JobStatus *s = full_status(), *back;
    Octstr *before = job_status_format(s), *after, *error = NULL;

    octstr_destroy(s->state);
    s->state = octstr_create("failed");
    s->reason = octstr_create("every recipient failed");
    after = job_status_format(s);
    tear(after, before, 512, 9, 40);
    back = job_status_parse(after, &error);
    ok(back != NULL && back->torn >= 1 && octstr_str_compare(back->state, "active") == 0
       && gwlist_len(back->recipients) == 4,
       "a torn state sector is found: the state is taken as active (its directory says)");
    job_status_destroy(back);
    octstr_destroy(after);
    octstr_destroy(before);
    octstr_destroy(error);
    job_status_destroy(s);
}

static void test_reasons_cut(void)
{
    JobStatus *s = job_status_create(octstr_imm("J5"), NULL), *back;
    RecipientStatus *r = add(s, "4790000001", RCPT_FAILED, 1, 0, 0);
    Octstr *text, *error = NULL, *slot;
    int torn;

    r->reason = octstr_create("");
    while (octstr_len(r->reason) < 300)
        octstr_append_cstr(r->reason, "\"quoted\" and \\ ");
    s->reason = octstr_duplicate(r->reason);
    while (octstr_len(s->reason) < 2000)
        octstr_append(s->reason, r->reason);
    text = job_status_format(s);
    back = job_status_parse(text, &error);
    r = back != NULL ? gwlist_get(back->recipients, 0) : NULL;
    ok(octstr_len(text) == 1024 + 128 && r != NULL && back->torn == 0
       && octstr_len(r->reason) > 20 && octstr_search(r->reason, octstr_imm("..."), 0)
          == octstr_len(r->reason) - 3
       && octstr_len(back->reason) > 300
       && octstr_search(back->reason, octstr_imm("..."), 0) == octstr_len(back->reason) - 3,
       "long reasons are cut (\"...\") to fit their slot and the state sector");
    slot = octstr_copy(text, 1024, 128);
    job_status_recipient_destroy(job_status_parse_slot(slot, &torn));
    ok(torn == 0, "the cut slot parses untorn");
    octstr_destroy(slot);
    job_status_destroy(back);
    octstr_destroy(text);
    octstr_destroy(error);
    job_status_destroy(s);
}

static void test_head(void)
{
    JobStatus *s = full_status(), *head = NULL;
    Octstr *text = job_status_format(s), *error = NULL;
    StatusLayout layout;
    int found;

    octstr_truncate(text, 1024);
    found = job_status_parse_head(text, &head, &layout, &error);
    ok(found == 1 && layout.state_at == 512 && layout.table_at == 1024
       && layout.slot == 256 && layout.count == 4 && gwlist_len(head->recipients) == 0
       && octstr_str_compare(head->state, "done") == 0
       && octstr_str_compare(head->id, "campaign 42") == 0,
       "the head alone gives the layout, Id and State");
    job_status_destroy(head);
    found = job_status_parse_head(octstr_imm("Job: J\nState: done\n"
                                             "Recipient: 1 sent parts=1 acked=1 delivered=0\n"),
                                  &head, &layout, &error);
    ok(found == 0, "a head without Layout: is the 1.x layout");
    job_status_destroy(head);
    octstr_destroy(text);
    octstr_destroy(error);
    job_status_destroy(s);
}

/* A slot built here, independently of job_status.c: content, blanks up to
 * slot - 11, " ~" and the FNV-1a of what comes before it. */
static Octstr *slot_by_hand(const char *content, long slot)
{
    Octstr *out = octstr_create(content);
    unsigned long h = 2166136261u;
    char check[16];
    long i;

    while (octstr_len(out) < slot - 11)
        octstr_append_char(out, ' ');
    for (i = 0; i < octstr_len(out); i++)
        h = ((h ^ (unsigned char) octstr_get_char(out, i)) * 16777619u) & 0xffffffffu;
    snprintf(check, sizeof(check), " ~%08lx\n", h);
    octstr_append_cstr(out, check);
    return out;
}

/* Every state, counts up to 9 digits, with and without undelivered=, in
 * both slot sizes: the slot's bytes are the ones built by hand, and they
 * read back (the short way) as the same recipient that the same fields in
 * another order read as (the general parser's way). */
static void test_plain_slots(void)
{
    static const long counts[][4] = {
        { 0, 0, 0, 0 }, { 2, 2, 1, 1 }, { 3, 3, 3, 0 }, { 999999999, 123456789, 7, 99 }
    };
    RecipientStatus r, *fast, *general;
    Octstr *got, *want, *reordered;
    char content[200];
    long slot, k, bad = 0, checked = 0;
    int state, torn, torn2;

    memset(&r, 0, sizeof(r));
    r.msisdn = octstr_create("+4790000001");
    for (slot = STATUS_SLOT; slot <= STATUS_SLOT_CODES; slot *= 2)
        for (state = RCPT_QUEUED; state <= RCPT_EXPIRED; state++)
            for (k = 0; k < 4; k++) {
                r.state = (RecipientState) state;
                r.parts = counts[k][0], r.acked = counts[k][1];
                r.delivered = counts[k][2], r.undelivered = counts[k][3];
                snprintf(content, sizeof(content), "Recipient: +4790000001 %s parts=%ld "
                         "acked=%ld delivered=%ld", recipient_state_name(r.state), r.parts,
                         r.acked, r.delivered);
                if (r.undelivered != 0)
                    snprintf(content + strlen(content), sizeof(content) - strlen(content),
                             " undelivered=%ld", r.undelivered);
                got = job_status_format_slot(&r, slot);
                want = slot_by_hand(content, slot);
                snprintf(content, sizeof(content), "Recipient: +4790000001 %s acked=%ld "
                         "delivered=%ld parts=%ld%s", recipient_state_name(r.state), r.acked,
                         r.delivered, r.parts, r.undelivered != 0 ? " undelivered=" : "");
                if (r.undelivered != 0)
                    snprintf(content + strlen(content), sizeof(content) - strlen(content),
                             "%ld", r.undelivered);
                reordered = slot_by_hand(content, slot);
                fast = job_status_parse_slot(got, &torn);
                general = job_status_parse_slot(reordered, &torn2);
                bad += octstr_compare(got, want) != 0 || torn || torn2
                       || fast == NULL || general == NULL || !same_recipient(fast, &r)
                       || !same_recipient(general, &r);
                checked++;
                job_status_recipient_destroy(fast);
                job_status_recipient_destroy(general);
                octstr_destroy(got);
                octstr_destroy(want);
                octstr_destroy(reordered);
            }
    ok(bad == 0 && checked == 48, "plain slots: %ld of %ld differ from the slot built by hand "
       "or read back differently from the general parser", bad, checked);
    octstr_destroy(r.msisdn);
}

/* Near misses of the plain form go to the general parser and get its
 * answer: a count of 10 digits, a blank too many, a torn check. */
static void test_plain_near_misses(void)
{
    Octstr *ten = slot_by_hand("Recipient: 1 sent parts=1234567890 acked=1 delivered=0", 128);
    Octstr *blank = slot_by_hand("Recipient: 1 sent parts=1  acked=1 delivered=0", 128);
    Octstr *torn_slot = slot_by_hand("Recipient: 1 sent parts=1 acked=1 delivered=0", 128);
    RecipientStatus *a, *b, *c;
    int t1, t2, t3;

    octstr_set_char(torn_slot, 30, '9');
    a = job_status_parse_slot(ten, &t1);
    b = job_status_parse_slot(blank, &t2);
    c = job_status_parse_slot(torn_slot, &t3);
    ok(t1 && t2 && t3 && a->state == RCPT_QUEUED && a->parts == 0 && b->state == RCPT_QUEUED
       && c->state == RCPT_QUEUED && octstr_str_compare(c->msisdn, "1") == 0,
       "near misses of the plain form read as the general parser reads them (torn: queued)");
    job_status_recipient_destroy(a);
    job_status_recipient_destroy(b);
    job_status_recipient_destroy(c);
    octstr_destroy(ten);
    octstr_destroy(blank);
    octstr_destroy(torn_slot);
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_PANIC);
    test_create_defaults();
    test_exact_text();
    test_escapes();
    test_not_utf8();
    test_renamed_from();
    test_resend_of();
    test_warnings();
    test_warnings_capped();
    test_states();
    test_parse_accepts();
    test_parse_refuses();
    test_legacy_layout();
    test_torn_slot();
    test_torn_state();
    test_reasons_cut();
    test_head();
    test_plain_slots();
    test_plain_near_misses();
    gwlib_shutdown();
    return tap_done();
}
