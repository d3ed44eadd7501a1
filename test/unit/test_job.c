/*
 * test_job.c - unit tests of provbox/spool/job.c: every accepted form of a
 * job file, every rejection (each message must name the cause and, when
 * one line is at fault, that line), no PIN or IMSI in any message, and
 * job_format() round trips through job_parse().
 */
#include <string.h>

#include "gwlib/gwlib.h"
#include "spool/job.h"
#include "../lib/tap.h"

#define DOC "<?xml version=\"1.0\"?>\n<wap-provisioningdoc/>\n"

/* Secrets used in the rejected jobs below; no message may contain them. */
static const char *const secrets[] = {
    "8642", "97531", "242017531864209", "24201ABC864209", "2420175318642091",
    "75319", "PIN8642",
};

static Job *parse_bytes(const char *data, long len, Octstr **error)
{
    Octstr *text = octstr_create_from_data(data, len);
    Job *job = job_parse(octstr_imm("job-1"), text, error);

    octstr_destroy(text);
    return job;
}

static const char *leaked_secret(Octstr *error)
{
    size_t i;

    for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
        if (octstr_search(error, octstr_imm(secrets[i]), 0) >= 0)
            return secrets[i];
    return NULL;
}

static void rejects_bytes(const char *data, long len, const char *want,
                          const char *what)
{
    Octstr *error = NULL;
    Job *job = parse_bytes(data, len, &error);
    int named = error != NULL && strstr(octstr_get_cstr(error), want) != NULL;
    const char *leak = error != NULL ? leaked_secret(error) : NULL;

    ok(job == NULL && named && leak == NULL, "rejects %s", what);
    if (job != NULL)
        tap_diag("accepted");
    else if (!named || leak != NULL)
        tap_diag("got '%s', want '%s'%s%s", octstr_get_cstr(error), want,
                 leak ? ", leaks " : "", leak ? leak : "");
    job_destroy(job);
    octstr_destroy(error);
}

static void rejects(const char *text, const char *want, const char *what)
{
    rejects_bytes(text, (long) strlen(text), want, what);
}

static Job *accepts(const char *text, const char *what)
{
    Octstr *error = NULL;
    Job *job = parse_bytes(text, (long) strlen(text), &error);

    ok(job != NULL, "accepts %s", what);
    if (job == NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
    octstr_destroy(error);
    return job;
}

static int same(Octstr *a, Octstr *b)
{
    return (a == NULL && b == NULL)
           || (a != NULL && b != NULL && octstr_compare(a, b) == 0);
}

static int same_recipients(const Job *a, const Job *b)
{
    Recipient x, y;
    long i;
    int alike = job_recipient_count(a) == job_recipient_count(b);

    for (i = 0; alike && i < job_recipient_count(a); i++) {
        alike = job_recipient_get(a, i, &x) == 0 && job_recipient_get(b, i, &y) == 0
                && same(x.msisdn, y.msisdn) && same(x.imsi, y.imsi) && same(x.pin, y.pin);
        job_recipient_clear(&x);
        job_recipient_clear(&y);
    }
    return alike;
}

static int same_job(const Job *a, const Job *b)
{
    return same(a->name, b->name) && same_recipients(a, b) && a->sec == b->sec
           && same(a->pin, b->pin) && same(a->imsi, b->imsi)
           && same(a->sender, b->sender) && a->type == b->type
           && same(a->smsc_id, b->smsc_id) && a->dlr == b->dlr
           && a->validity == b->validity && a->priority == b->priority
           && a->not_before == b->not_before && a->rate == b->rate
           && (a->send_window == NULL) == (b->send_window == NULL)
           && (a->send_window == NULL || same(send_window_text(a->send_window),
                                              send_window_text(b->send_window)))
           && a->lint == b->lint
           && same(a->operator_id, b->operator_id)
           && same(a->resend_of, b->resend_of)
           && same(a->document, b->document);
}

/* parse(format(job)) == job, and format is stable. */
static void round_trips(const Job *job, const char *what)
{
    Octstr *text, *again_text, *error = NULL;
    Job *again;

    if (job == NULL) {
        ok(0, "round trip of %s (nothing parsed)", what);
        return;
    }
    text = job_format(job);
    again = job_parse(job->name, text, &error);
    again_text = again != NULL ? job_format(again) : NULL;
    ok(again != NULL && same_job(job, again) && same(text, again_text),
       "job_format round trips %s", what);
    if (again == NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
    job_destroy(again);
    octstr_destroy(text);
    octstr_destroy(again_text);
    octstr_destroy(error);
}

static int cstr_is(Octstr *s, const char *want)
{
    return s != NULL && octstr_str_compare(s, want) == 0;
}

/* cstr_is() for a new Octstr (job_recipient_*()), which it destroys. */
static int new_is(Octstr *s, const char *want)
{
    int is = cstr_is(s, want);

    octstr_destroy(s);
    return is;
}

/* ---- accepted forms ---- */

static void test_minimal(void)
{
    Job *job = accepts("To: 4790000001\nSec: NONE\n\n" DOC, "a minimal NONE job");

    if (job == NULL)
        return;
    ok(cstr_is(job->name, "job-1") && job_recipient_count(job) == 1
       && new_is(job_recipient_msisdn(job, 0), "4790000001")
       && job->sec == SEC_NONE && job->pin == NULL && job->imsi == NULL,
       "minimal job: name, one recipient, Sec NONE, no credentials");
    ok(job->type == DOC_OMA_SETTINGS && job->dlr == 1 && job->validity == -1
       && job->priority == -1 && job->not_before == 0 && job->sender == NULL
       && job->smsc_id == NULL && job->operator_id == NULL,
       "minimal job: defaults (oma-settings, DLR yes, the rest unset)");
    ok_str(octstr_get_cstr(job->document), DOC, "document is the bytes after the empty line");
    round_trips(job, "a minimal job");
    job_destroy(job);
}

static void test_case_insensitive_names(void)
{
    Job *job = accepts("to: 4790000001\nSEC: userpin\npIn: 1234\n\n" DOC,
                       "header names and the Sec value in any case");

    if (job != NULL)
        ok(job->sec == SEC_USERPIN && cstr_is(job->pin, "1234"),
           "lower/upper-case names set Sec USERPIN and Pin");
    job_destroy(job);
}

static void test_crlf(void)
{
    const char *text = "To: 4790000001\r\nSec: NONE\r\nId: ref 7\r\n\r\n<a/>\r\n";
    Job *job = accepts(text, "CRLF header lines");

    if (job != NULL) {
        ok(cstr_is(job->operator_id, "ref 7"), "CRLF: value without the CR");
        ok_str(octstr_get_cstr(job->document), "<a/>\r\n",
               "CRLF: document kept byte for byte");
    }
    job_destroy(job);
}

static void test_bulk_netwpin(void)
{
    const char *text =
        "Sec: NETWPIN\n"
        "To: 4790000001 imsi=242011234567890\n"
        "To: 4790000002 IMSI=242011234567891\n"
        "To:\t+4790000003\timsi=24201123456\n"
        "\n" DOC;
    Job *job = accepts(text, "a bulk NETWPIN job with per-recipient IMSIs");

    if (job == NULL)
        return;
    ok(job_recipient_count(job) == 3
       && new_is(job_recipient_imsi(job, 0), "242011234567890")
       && new_is(job_recipient_imsi(job, 1), "242011234567891")
       && new_is(job_recipient_imsi(job, 2), "24201123456")
       && new_is(job_recipient_msisdn(job, 2), "+4790000003"),
       "bulk: each recipient has its own IMSI, in file order, '+' kept");
    round_trips(job, "a bulk job with overrides");
    job_destroy(job);
}

static void test_overrides(void)
{
    const char *text =
        "To: 4790000001\n"
        "To: 4790000002 pin=5678\n"
        "Sec: USERNETWPIN\nPin: 1234\nIMSI: 242011234567890\n"
        "To: 4790000003 imsi=242019999999999 pin=4321\n"
        "\n" DOC;
    Job *job = accepts(text, "job-wide Pin/IMSI with per-recipient overrides");

    if (job == NULL)
        return;
    ok(new_is(job_recipient_pin(job, 0), "1234")
       && new_is(job_recipient_imsi(job, 0), "242011234567890"),
       "a recipient without overrides uses the job's Pin and IMSI");
    ok(new_is(job_recipient_pin(job, 1), "5678")
       && new_is(job_recipient_imsi(job, 1), "242011234567890"),
       "pin= overrides the Pin only");
    ok(new_is(job_recipient_pin(job, 2), "4321")
       && new_is(job_recipient_imsi(job, 2), "242019999999999"),
       "imsi= and pin= override both");
    round_trips(job, "USERNETWPIN with overrides");
    job_destroy(job);
}

static void test_userpinmac(void)
{
    Job *job = accepts("To: 4790000001\nSec: USERPINMAC\nPin: 123456\n\n" DOC,
                       "a USERPINMAC job");

    if (job != NULL)
        ok(job->sec == SEC_USERPINMAC && new_is(job_recipient_pin(job, 0), "123456"),
           "USERPINMAC with its PIN");
    job_destroy(job);
}

static void test_all_optional_headers(void)
{
    const char *text =
        "To: 4790000001\nSec: NONE\n"
        "From: Operator\nType: OMA-Settings\nSMSC: smsc_1.a-b\nDLR: NO\n"
        "Validity: 1440\nPriority: 3\nNot-Before: 2026-11-26T10:00:00Z\n"
        "Rate: 2.5\nSend-Window: 22:00-06:00  Europe/Oslo\n"
        "Id:   campaign 42 / wave 1  \n"
        "Resend-Of: 20261126T100000.000001.42.000001.host\n"
        "\n" DOC;
    Job *job = accepts(text, "every optional header");

    if (job == NULL)
        return;
    ok(cstr_is(job->sender, "Operator") && job->type == DOC_OMA_SETTINGS
       && cstr_is(job->smsc_id, "smsc_1.a-b") && job->dlr == 0,
       "From, Type (canonical), SMSC, DLR no");
    ok(job->validity == 1440 && job->priority == 3
       && job->not_before == 1795687200,
       "Validity minutes, Priority, Not-Before as a UTC time_t");
    ok(cstr_is(job->operator_id, "campaign 42 / wave 1"),
       "Id is free text, blanks around it stripped");
    ok(job->rate == 2.5 && job->send_window != NULL
       && cstr_is(send_window_text(job->send_window), "22:00-06:00 Europe/Oslo"),
       "Rate as recipients per second, Send-Window as written (one blank)");
    ok(cstr_is(job->resend_of, "20261126T100000.000001.42.000001.host"),
       "Resend-Of: names the job resent");
    round_trips(job, "every optional header");
    job_destroy(job);
}

static void test_number_limits(void)
{
    Job *job = accepts("To: 123\nTo: +12345678901234567890\nSec: NONE\n"
                       "Validity: 635040\nPriority: 0\nFrom: +4712345678\n"
                       "Not-Before: 2028-02-29T23:59:59Z\n\n" DOC,
                       "the limits: 3 and 20 digit MSISDNs, Validity 635040, "
                       "Priority 0, a numeric From, a leap day");

    if (job != NULL)
        ok(job->validity == 635040 && job->priority == 0
           && job->not_before == 1835481599, "limit values kept");
    round_trips(job, "limit values");
    job_destroy(job);
}

static void test_utf16_document(void)
{
    static const char text[] = "To: 4790000001\nSec: NONE\n\n\xFF\xFE<\0a\0/\0>\0";
    long len = sizeof(text) - 1;
    Octstr *error = NULL;
    Job *job = parse_bytes(text, len, &error);

    ok(job != NULL && octstr_len(job->document) == 10
       && memcmp(octstr_get_cstr(job->document), text + 26, 10) == 0,
       "accepts a UTF-16 document with NUL bytes, kept byte for byte");
    round_trips(job, "a binary-safe document");
    job_destroy(job);
    octstr_destroy(error);
}

static void test_msisdn_ok(void)
{
    ok(job_msisdn_ok(octstr_imm("123")) && job_msisdn_ok(octstr_imm("+4790000001"))
       && job_msisdn_ok(octstr_imm("12345678901234567890")),
       "job_msisdn_ok: 3 to 20 digits, optional +");
    ok(!job_msisdn_ok(octstr_imm("12")) && !job_msisdn_ok(octstr_imm("+"))
       && !job_msisdn_ok(octstr_imm("123456789012345678901"))
       && !job_msisdn_ok(octstr_imm("47900a")) && !job_msisdn_ok(octstr_imm("++479"))
       && !job_msisdn_ok(octstr_imm("")),
       "job_msisdn_ok: refuses short, long, letters, double +, empty");
}

/* ---- rejected files: structure ---- */

static void test_structure_errors(void)
{
    rejects("", "empty file", "an empty file");
    rejects("To: 4790000001\nSec: NONE\n\n", "line 3: nothing after the empty line",
            "a header without a document");
    rejects("To: 4790000001\nSec: NONE\n\n  \n\t\n", "line 3: nothing after the empty line",
            "a document of only white space");
    rejects("To: 4790000001\nSec: NONE", "line 2: no empty line after the headers",
            "headers only, no final newline");
    rejects("To: 4790000001\nSec: NONE\n", "line 2: no empty line after the headers",
            "headers only, no empty line");
    rejects("To: 4790000001\nSec: NONE\n" DOC,
            "line 3: not a header line; is the empty line between the headers "
            "and the XML document missing?", "XML right after the headers");
    rejects("To: 4790000001\nSec: NONE\n<!DOCTYPE wap-provisioningdoc SYSTEM "
            "\"http://www.wapforum.org/DTD/prov.dtd\">\n" DOC,
            "line 3: not a header line; is the empty line", "a DOCTYPE (with a colon) "
            "right after the headers");
    rejects("\n" DOC, "line 1: the file starts with an empty line",
            "a file starting with an empty line");
    rejects("hello world\n\n" DOC, "line 1: not a 'Name: value' header line",
            "a line without a colon");
    rejects("To: 4790000001\n Sec: NONE\n\n" DOC,
            "line 2: starts with a blank; continuation lines are not supported",
            "a continuation line");
    rejects("To: 4790000001\n   \nSec: NONE\n\n" DOC,
            "line 2: a line of only blanks", "a line of blanks instead of the empty line");
}

/* A NONE job whose line 3 is `header: ` followed by n times 'x'. */
static Octstr *job_with_long_value(const char *header, long n)
{
    Octstr *text = octstr_format("To: 4790000001\nSec: NONE\n%s: ", header);

    while (n-- > 0)
        octstr_append_char(text, 'x');
    octstr_append_cstr(text, "\n\n" DOC);
    return text;
}

static void test_byte_errors(void)
{
    static const char nul[] = "To: 4790000001\nSec: NO\0NE\n\n<a/>";
    static const char junk[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\n\n<a/>";
    static const char latin1[] = "To: 4790000001\nSec: NONE\nId: caf\xE9\n\n<a/>";
    Octstr *long_line = job_with_long_value("Id", 2000);

    rejects_bytes(nul, sizeof(nul) - 1, "line 2: NUL byte in the header",
                  "a NUL byte in a header");
    rejects_bytes(junk, sizeof(junk) - 1, "line 1: non-ASCII byte 0x89 in the header",
                  "binary junk");
    rejects_bytes(latin1, sizeof(latin1) - 1, "line 3: non-ASCII byte 0xE9",
                  "a Latin-1 byte in a header");
    rejects("To: 4790000001\nSec: NONE\x07\n\n<a/>", "line 2: control byte 0x07",
            "a control byte in a header");
    rejects("To: 4790000001\rSec: NONE\n\n<a/>", "line 1: control byte 0x0D",
            "a lone CR inside a line");
    rejects(octstr_get_cstr(long_line), "line 3: header line longer than 1024 bytes",
            "a header line over 1024 bytes");
    octstr_destroy(long_line);
}

static void test_header_errors(void)
{
    rejects("To: 4790000001\nX-Foo: bar\nSec: NONE\n\n" DOC,
            "line 2: unknown header 'X-Foo'", "an unknown header");
    rejects("To: 4790000001\nSec: NONE\n8642: x\n\n" DOC,
            "line 3: invalid header name", "a header name that is a number (never echoed)");
    rejects("To: 4790000001\nSec : NONE\n\n" DOC, "line 2: invalid header name",
            "a blank before the colon");
    rejects("To: 4790000001\nSec: NONE\nsec: NONE\n\n" DOC,
            "line 3: duplicate Sec: header (first on line 2)", "a duplicate Sec:");
    rejects("To: 4790000001\nSec: USERPIN\nPin: 1234\nPIN: 8642\n\n" DOC,
            "line 4: duplicate Pin: header (first on line 3)", "a duplicate Pin:");
    rejects("To: 4790000001\nSec: NONE\nId: a\nId: b\n\n" DOC,
            "line 4: duplicate Id: header", "a duplicate Id:");
    rejects("To: 4790000001\nSec:\n\n" DOC, "line 2: Sec: has no value", "an empty value");
    rejects("To: 4790000001\nSec: 8642\n\n" DOC,
            "line 2: Sec: unknown security mode (expected NETWPIN, USERPIN, "
            "USERNETWPIN, USERPINMAC or NONE)", "an unknown Sec: (value never echoed)");
    rejects("To: 4790000001\n\n" DOC,
            "no Sec: header (required for Type: oma-settings)", "a missing Sec:");
    rejects("To: 4790000001\nSec: NONE\nType: wap-push\n\n" DOC,
            "line 3: Type: unknown job type (expected oma-settings, settings, bookmarks or syncsettings)",
            "an unknown Type:");
    rejects("Sec: NONE\nId: x\n\n" DOC,
            "no To: header; a job needs at least one recipient", "zero recipients");
}

static void test_value_errors(void)
{
    Octstr *text;

    rejects("To: 4790000001\nSec: NONE\nDLR: maybe\n\n" DOC,
            "line 3: DLR: must be yes or no", "DLR: maybe");
    rejects("To: 4790000001\nSec: NONE\nValidity: 0\n\n" DOC,
            "line 3: Validity: must be whole minutes from 1 to 635040", "Validity: 0");
    rejects("To: 4790000001\nSec: NONE\nValidity: -5\n\n" DOC,
            "line 3: Validity: must be whole minutes", "Validity: -5");
    rejects("To: 4790000001\nSec: NONE\nValidity: 635041\n\n" DOC,
            "line 3: Validity: must be whole minutes", "Validity over 63 weeks");
    rejects("To: 4790000001\nSec: NONE\nValidity: 1h\n\n" DOC,
            "line 3: Validity: must be whole minutes", "Validity: 1h");
    rejects("To: 4790000001\nSec: NONE\nPriority: 4\n\n" DOC,
            "line 3: Priority: must be 0, 1, 2 or 3", "Priority: 4");
    rejects("To: 4790000001\nSec: NONE\nPriority: +1\n\n" DOC,
            "line 3: Priority: must be 0, 1, 2 or 3", "Priority: +1");
    rejects("To: 4790000001\nSec: NONE\nFrom: AVeryLongName\n\n" DOC,
            "line 3: From: must be a number", "From: longer than 11 characters");
    rejects("To: 4790000001\nSec: NONE\nFrom: 123456789012345678901\n\n" DOC,
            "line 3: From: must be a number", "From: a 21-digit number");
    rejects("To: 4790000001\nSec: NONE\nSMSC: my smsc\n\n" DOC,
            "line 3: SMSC: must be at most 64 letters", "SMSC: with a blank");
    rejects("To: 4790000001\nSec: NONE\nResend-Of: ../done/x\n\n" DOC,
            "line 3: Resend-Of: must be a job's name", "Resend-Of: with a '/'");
    rejects("To: 4790000001\nSec: NONE\nResend-Of: x.status\n\n" DOC,
            "line 3: Resend-Of: must be a job's name", "Resend-Of: a status file's name");
    rejects("To: 4790000001\nSec: NONE\nResend-Of: a\nResend-Of: b\n\n" DOC,
            "line 4: duplicate Resend-Of: header (first on line 3)", "two Resend-Of: lines");
    text = job_with_long_value("Resend-Of", 249);
    rejects(octstr_get_cstr(text), "line 3: Resend-Of: must be a job's name",
            "Resend-Of: of 249 bytes");
    octstr_destroy(text);
    text = job_with_long_value("Id", 129);
    rejects(octstr_get_cstr(text), "line 3: Id: longer than 128 characters",
            "Id: of 129 characters");
    octstr_destroy(text);
}

static void test_not_before_errors(void)
{
    rejects("To: 4790000001\nSec: NONE\nNot-Before: tomorrow\n\n" DOC,
            "line 3: Not-Before: must be a UTC time like 2026-11-26T10:00:00Z",
            "Not-Before: garbage");
    rejects("To: 4790000001\nSec: NONE\nNot-Before: 2026-11-26T10:00:00\n\n" DOC,
            "line 3: Not-Before: needs the UTC suffix Z", "Not-Before: without Z");
    rejects("To: 4790000001\nSec: NONE\nNot-Before: 2026-11-26T10:00:00+01:00\n\n" DOC,
            "line 3: Not-Before: must be a UTC time", "Not-Before: with an offset");
    rejects("To: 4790000001\nSec: NONE\nNot-Before: 2026-11-26 10:00:00Z\n\n" DOC,
            "line 3: Not-Before: must be a UTC time", "Not-Before: blank for T");
    rejects("To: 4790000001\nSec: NONE\nNot-Before: 2026-02-29T10:00:00Z\n\n" DOC,
            "line 3: Not-Before: no such date or time", "Not-Before: Feb 29 of 2026");
    rejects("To: 4790000001\nSec: NONE\nNot-Before: 2026-13-01T10:00:00Z\n\n" DOC,
            "line 3: Not-Before: no such date or time", "Not-Before: month 13");
    rejects("To: 4790000001\nSec: NONE\nNot-Before: 2026-11-26T24:00:00Z\n\n" DOC,
            "line 3: Not-Before: no such date or time", "Not-Before: hour 24");
    rejects("To: 4790000001\nSec: NONE\nNot-Before: 1999-12-31T23:59:59Z\n\n" DOC,
            "line 3: Not-Before: no such date or time (years 2000-9999)",
            "Not-Before: before 2000");
}

/* Rate: value -> the rate parsed, or 0 when refused. */
static double rate_of(const char *value)
{
    Octstr *text = octstr_format("To: 4790000001\nSec: NONE\nRate: %s\n\n" DOC, value);
    Job *job = job_parse(octstr_imm("job-1"), text, NULL);
    double rate = job != NULL ? job->rate : 0;

    job_destroy(job);
    octstr_destroy(text);
    return rate;
}

static void test_rates(void)
{
    Job *job;

    ok(rate_of("5") == 5 && rate_of("0.5") == 0.5 && rate_of("007") == 7
       && rate_of("0.000001") == 0.000001 && rate_of("1000000") == 1000000
       && rate_of(".25") == 0.25 && rate_of("12.125") == 12.125,
       "Rate: whole numbers, decimals (up to 6), leading zeros, the limits");
    job = accepts("To: 4790000001\nSec: NONE\nRate: 0.333333\n\n" DOC, "Rate: 0.333333");
    round_trips(job, "a rate with six decimals");
    job_destroy(job);
    rejects("To: 4790000001\nSec: NONE\nRate: 0\n\n" DOC,
            "line 3: Rate: must be more than 0", "Rate: 0");
    rejects("To: 4790000001\nSec: NONE\nRate: 0.000\n\n" DOC,
            "line 3: Rate: must be more than 0", "Rate: 0.000");
    rejects("To: 4790000001\nSec: NONE\nRate: -1\n\n" DOC,
            "line 3: Rate: must be more than 0", "Rate: -1");
    rejects("To: 4790000001\nSec: NONE\nRate: 1e9x\n\n" DOC,
            "line 3: Rate: must be a number like 5 or 0.5", "Rate: 1e9x");
    rejects("To: 4790000001\nSec: NONE\nRate: 1e9\n\n" DOC,
            "line 3: Rate: must be a number like 5 or 0.5", "Rate: 1e9 (no exponents)");
    rejects("To: 4790000001\nSec: NONE\nRate: +5\n\n" DOC,
            "line 3: Rate: must be a number like 5 or 0.5", "Rate: +5");
    rejects("To: 4790000001\nSec: NONE\nRate: 5.\n\n" DOC,
            "line 3: Rate: must be a number like 5 or 0.5", "Rate: 5.");
    rejects("To: 4790000001\nSec: NONE\nRate: 1.5.5\n\n" DOC,
            "line 3: Rate: must be a number like 5 or 0.5", "Rate: 1.5.5");
    rejects("To: 4790000001\nSec: NONE\nRate: 5 /s\n\n" DOC,
            "line 3: Rate: must be a number like 5 or 0.5", "Rate: 5 /s");
    rejects("To: 4790000001\nSec: NONE\nRate: 0.1234567\n\n" DOC,
            "line 3: Rate: must be a number like 5 or 0.5", "Rate: with 7 decimals");
    rejects("To: 4790000001\nSec: NONE\nRate: 1000000.5\n\n" DOC,
            "line 3: Rate: must be at most 1000000", "Rate: over a million");
    rejects("To: 4790000001\nSec: NONE\nRate: 123456789012345678901234567890\n\n" DOC,
            "line 3: Rate: must be at most 1000000", "Rate: of 30 digits");
    rejects("To: 4790000001\nRate: 5\nSec: NONE\nRate: 6\n\n" DOC,
            "line 4: duplicate Rate: header (first on line 2)", "Rate: twice");
}

static void test_send_windows(void)
{
    Job *job = accepts("To: 4790000001\nSec: NONE\nsend-window: 08:00-21:00 +01:00\n\n" DOC,
                       "Send-Window: with an offset (header name in any case)");

    round_trips(job, "a send window");
    job_destroy(job);
    rejects("To: 4790000001\nSec: NONE\nSend-Window: 08:00-21:00 Europe/Olso\n\n" DOC,
            "line 3: Send-Window: unknown time zone 'Europe/Olso'", "an unknown time zone");
    rejects("To: 4790000001\nSec: NONE\nSend-Window: 8-21 UTC\n\n" DOC,
            "line 3: Send-Window: must be like 08:00-21:00 Europe/Oslo", "a malformed window");
    rejects("To: 4790000001\nSec: NONE\nSend-Window: 08:00-21:00\n\n" DOC,
            "line 3: Send-Window: needs a time zone", "a window without a zone");
    rejects("To: 4790000001\nSec: NONE\nSend-Window: 08:00-08:00 UTC\n\n" DOC,
            "line 3: Send-Window: its start and end are the same", "an empty window");
    rejects("To: 4790000001\nSec: NONE\nSend-Window: 08:00-21:00 97531\n\n" DOC,
            "line 3: Send-Window: not a time zone", "a secret typed as a zone is not repeated");
    rejects("To: 4790000001\nSend-Window: 08:00-21:00 UTC\nSec: NONE\n"
            "Send-Window: 09:00-21:00 UTC\n\n" DOC,
            "line 4: duplicate Send-Window: header (first on line 2)", "Send-Window: twice");
}

static void test_recipient_errors(void)
{
    rejects("To: 12\nSec: NONE\n\n" DOC,
            "line 1: To: invalid number (expected an optional '+' and 3 to 20 digits)",
            "To: too short");
    rejects("Sec: NONE\nTo: 47900abc\n\n" DOC, "line 2: To: invalid number",
            "To: with letters");
    rejects("Sec: NONE\nTo: 4790000001\nTo: 123456789012345678901\n\n" DOC,
            "line 3: To: invalid number", "To: of 21 digits");
    rejects("Sec: NONE\nTo: +\n\n" DOC, "line 2: To: invalid number", "To: +");
    rejects("Sec: NETWPIN\nTo: 4790000001 imsi=242017531864209 foo=1\n\n" DOC,
            "line 2: To: unknown option 'foo=' (expected imsi=, pin= or var.NAME=)",
            "an unknown To: option");
    rejects("Sec: USERPIN\nTo: 4790000001 8642=1\n\n" DOC,
            "line 2: To: unknown option (expected imsi=, pin= or var.NAME=)",
            "a To: option named by digits (never echoed)");
    rejects("Sec: USERPIN\nTo: 4790000001 8642\n\n" DOC,
            "line 2: To: unexpected text after the number",
            "a bare PIN after the number (never echoed)");
    rejects("Sec: USERPIN\nTo: 4790000001 pin=8642 pin=97531\n\n" DOC,
            "line 2: To: pin= given twice", "pin= twice");
    rejects("Sec: NETWPIN\nTo: 4790000001 imsi=\n\n" DOC,
            "line 2: To: imsi= has no value", "an empty imsi=");
    rejects("Sec: NONE\nTo: 4790000001\nTo: 4790000002\nTo: 4790000001\n\n" DOC,
            "line 4: recipient 4790000001 is listed twice (first on line 2)",
            "the same recipient twice");
}

static void test_credential_errors(void)
{
    rejects("To: 4790000001\nSec: USERPIN\n\n" DOC,
            "line 1: recipient 4790000001 has no PIN, which Sec: USERPIN needs",
            "USERPIN without Pin");
    rejects("To: 4790000001\nSec: NETWPIN\n\n" DOC,
            "line 1: recipient 4790000001 has no IMSI, which Sec: NETWPIN needs",
            "NETWPIN without any IMSI");
    rejects("Sec: NETWPIN\nTo: 4790000001 imsi=242017531864209\nTo: 4790000002\n\n" DOC,
            "line 3: recipient 4790000002 has no IMSI",
            "NETWPIN where one recipient has no IMSI");
    rejects("Sec: USERNETWPIN\nPin: 8642\nTo: 4790000001\n\n" DOC,
            "line 3: recipient 4790000001 has no IMSI, which Sec: USERNETWPIN needs",
            "USERNETWPIN without an IMSI");
    rejects("To: 4790000001\nSec: NETWPIN\nIMSI: 24201ABC864209\n\n" DOC,
            "line 1: recipient 4790000001: IMSI must be 6-15 decimal digits; the "
            "one given contains other characters; its IMSI is the IMSI: header on line 3",
            "an IMSI with letters");
    rejects("Sec: NETWPIN\nTo: 4790000001 imsi=2420175318642091\n\n" DOC,
            "line 2: recipient 4790000001: IMSI must be 6-15 decimal digits; the "
            "one given has 16", "a 16-digit IMSI override");
    rejects("To: 4790000001\nSec: USERPIN\nPin: PIN8642\n\n" DOC,
            "line 1: recipient 4790000001: PIN must be 4-16 decimal digits; the one "
            "given contains other characters; its PIN is the Pin: header on line 3",
            "a PIN with letters");
    rejects("Sec: USERPINMAC\nTo: 4790000001 pin=864\n\n" DOC,
            "line 2: recipient 4790000001: USERPINMAC PIN must be 4-16",
            "a 3-digit USERPINMAC PIN");
}

static void test_conflicts(void)
{
    rejects("To: 4790000001\nSec: NONE\nPin: 8642\n\n" DOC,
            "line 3: Pin: given, but Sec: NONE uses no PIN", "Pin: with Sec NONE");
    rejects("To: 4790000001\nSec: NETWPIN\nIMSI: 242017531864209\nPin: 8642\n\n" DOC,
            "line 4: Pin: given, but Sec: NETWPIN uses no PIN", "Pin: with Sec NETWPIN");
    rejects("To: 4790000001\nSec: USERPIN\nPin: 8642\nIMSI: 242017531864209\n\n" DOC,
            "line 4: IMSI: given, but Sec: USERPIN uses no IMSI", "IMSI: with Sec USERPIN");
    rejects("Sec: NETWPIN\nIMSI: 242017531864209\nTo: 4790000001 pin=8642\n\n" DOC,
            "line 3: pin= given, but Sec: NETWPIN uses no PIN", "pin= with Sec NETWPIN");
    rejects("Sec: USERPINMAC\nPin: 8642\nTo: 4790000001 imsi=242017531864209\n\n" DOC,
            "line 3: imsi= given, but Sec: USERPINMAC uses no IMSI",
            "imsi= with Sec USERPINMAC");
}

/* Lint: the mode of the semantic check at intake (lint/lint.h). */
static void test_lint_header(void)
{
    static const struct { const char *value; LintMode mode; } modes[] = {
        { "strict", LINT_STRICT }, { "WARN", LINT_WARN }, { "Off", LINT_OFF },
    };
    Octstr *text;
    Job *job;
    size_t i;

    for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        text = octstr_format("To: 4790000001\nSec: NONE\nLint: %s\n\n" DOC, modes[i].value);
        job = accepts(octstr_get_cstr(text), modes[i].value);
        ok(job != NULL && job->lint == (int) modes[i].mode, "Lint: %s is %s (any case)",
           modes[i].value, lint_mode_name(modes[i].mode));
        round_trips(job, "a Lint: header");
        job_destroy(job);
        octstr_destroy(text);
    }
    job = accepts("To: 4790000001\nSec: NONE\n\n" DOC, "a job without Lint:");
    ok(job != NULL && job->lint == -1, "no Lint: leaves the mode to the config (-1)");
    job_destroy(job);
    rejects("To: 4790000001\nSec: NONE\nLint: loose\n\n" DOC,
            "line 3: Lint: must be strict, warn or off", "Lint: loose");
    rejects("To: 4790000001\nSec: NONE\nLint:\n\n" DOC,
            "line 3: Lint: has no value", "an empty Lint:");
    rejects("To: 4790000001\nLint: warn\nSec: NONE\nlint: strict\n\n" DOC,
            "line 4: duplicate Lint: header (first on line 2)", "two Lint: headers");
    rejects("To: 4790000001\nType: settings\nLint: off\n\n<CHARACTERISTIC-LIST/>\n",
            "line 3: Lint: applies to Type: oma-settings only; Type: settings is never linted",
            "Lint: on a legacy type");
}

static void test_format_without_optional_fields(void)
{
    Job *job = accepts("To: 4790000001\nSec: NETWPIN\nIMSI: 242011234567890\n\n" DOC,
                       "a NETWPIN job for job_format");
    Octstr *text = job != NULL ? job_format(job) : NULL;

    ok(text != NULL && octstr_str_compare(text,
       "To: 4790000001\nSec: NETWPIN\nIMSI: 242011234567890\nType: oma-settings\n"
       "DLR: yes\n\n" DOC) == 0, "job_format writes the exact canonical text");
    octstr_destroy(text);
    job_destroy(job);
}

/* ---- recipients read back on demand ---- */

/* Recipient i as "MSISDN imsi pin" ('-' for no override), or "none". */
static Octstr *recipient_text(const Job *job, long i)
{
    Recipient r;
    Octstr *out;

    if (job_recipient_get(job, i, &r) < 0)
        return octstr_format("none%s", r.msisdn == NULL && r.imsi == NULL
                             && r.pin == NULL ? "" : " (but fields set)");
    out = octstr_format("%S %s %s", r.msisdn,
                        r.imsi != NULL ? octstr_get_cstr(r.imsi) : "-",
                        r.pin != NULL ? octstr_get_cstr(r.pin) : "-");
    job_recipient_clear(&r);
    return out;
}

static void recipient_is(const Job *job, long i, const char *want, const char *what)
{
    Octstr *got = recipient_text(job, i);

    ok_str(octstr_get_cstr(got), want, what);
    octstr_destroy(got);
}

static void test_recipient_access(void)
{
    const char *text =
        "To: 4790000001 pin=1111\r\n"
        "Sec: USERNETWPIN\nPin: 1234\nIMSI: 242011234567890\n"
        "To:  \t4790000002  \r\n"
        "To: +4790000003 IMSI=242019999999999 \n"
        "To: 4790000004 imsi=242018888888888 pin=4444\r\n"
        "\n" DOC;
    Job *job = accepts(text, "recipients with and without overrides, blanks, CRLF");

    if (job == NULL)
        return;
    ok(job_recipient_count(job) == 4, "four recipients");
    recipient_is(job, 0, "4790000001 - 1111", "the first recipient, its pin= (CRLF line)");
    recipient_is(job, 1, "4790000002 - -", "a middle recipient between blanks, no override (CRLF)");
    recipient_is(job, 2, "+4790000003 242019999999999 -", "a middle recipient's IMSI=");
    recipient_is(job, 3, "4790000004 242018888888888 4444", "the last recipient, both");
    recipient_is(job, 4, "none", "no recipient 4: -1 and the fields NULL");
    recipient_is(job, -1, "none", "no recipient -1");
    ok(!job_recipient_has_overrides(job, 1) && job_recipient_has_overrides(job, 0)
       && job_recipient_has_overrides(job, 2) && job_recipient_has_overrides(job, 3),
       "has_overrides: only the lines with pin= or imsi=");
    ok(new_is(job_recipient_pin(job, 1), "1234") && new_is(job_recipient_imsi(job, 1), "242011234567890")
       && new_is(job_recipient_pin(job, 2), "1234")
       && new_is(job_recipient_imsi(job, 2), "242019999999999")
       && new_is(job_recipient_msisdn(job, 2), "+4790000003")
       && job_recipient_msisdn(job, 4) == NULL,
       "effective credentials: the override, else the job's");
    job_destroy(job);
}

#define BIG 100000

/* A NONE job of BIG recipients 4790000000 + i; recipient dup_of is listed
 * again in place of recipient dup_at (none when dup_at < 0). */
static Octstr *big_job(long dup_at, long dup_of)
{
    Octstr *text = octstr_create("Sec: NONE\nId: big\n");
    long i;

    for (i = 0; i < BIG; i++)
        octstr_format_append(text, "To: %ld\n", 4790000000L + (i == dup_at ? dup_of : i));
    octstr_append_cstr(text, "\n" DOC);
    return text;
}

static void test_big_job(void)
{
    Octstr *text = big_job(-1, -1), *error = NULL;
    Job *job = job_parse(octstr_imm("big"), text, &error);

    ok(job != NULL && job_recipient_count(job) == BIG, "a job of %d recipients parses", BIG);
    if (job != NULL) {
        recipient_is(job, BIG - 1, "4790099999 - -", "its recipient 99,999 reads back");
        recipient_is(job, BIG / 2, "4790050000 - -", "its recipient 50,000 reads back");
    } else
        tap_diag("error: %s", octstr_get_cstr(error));
    job_destroy(job);
    octstr_destroy(text);
    octstr_destroy(error);
}

/* Recipient `of`'s number again as recipient `at`: the error is on the
 * later of the two lines and names the earlier one (the header takes two
 * lines, so recipient i is on line i + 3). */
static void big_duplicate(long at, long of, const char *what)
{
    Octstr *text = big_job(at, of), *error = NULL;
    long later = at > of ? at : of, earlier = at > of ? of : at;
    Octstr *want = octstr_format("line %ld: recipient %ld is listed twice (first on line %ld)",
                                 later + 3, 4790000000L + of, earlier + 3);
    Job *job = job_parse(octstr_imm("big"), text, &error);

    ok(job == NULL && error != NULL && octstr_compare(error, want) == 0, "%s", what);
    if (job != NULL || error == NULL || octstr_compare(error, want) != 0)
        tap_diag("got '%s', want '%s'", error != NULL ? octstr_get_cstr(error) : "(accepted)",
                 octstr_get_cstr(want));
    job_destroy(job);
    octstr_destroy(text);
    octstr_destroy(error);
    octstr_destroy(want);
}

static void test_big_duplicates(void)
{
    big_duplicate(BIG - 1, 5, "a duplicate 99,994 lines apart is found, both lines named");
    big_duplicate(1, 0, "a duplicate of the first recipient right after it");
    big_duplicate(BIG / 2, BIG / 2 + 7, "a later recipient's number listed early: the "
                  "error is on the later line");
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_PANIC);
    test_minimal();
    test_case_insensitive_names();
    test_crlf();
    test_bulk_netwpin();
    test_overrides();
    test_userpinmac();
    test_recipient_access();
    test_big_job();
    test_big_duplicates();
    test_all_optional_headers();
    test_number_limits();
    test_utf16_document();
    test_msisdn_ok();
    test_structure_errors();
    test_byte_errors();
    test_header_errors();
    test_value_errors();
    test_not_before_errors();
    test_rates();
    test_send_windows();
    test_recipient_errors();
    test_credential_errors();
    test_conflicts();
    test_lint_header();
    test_format_without_optional_fields();
    gwlib_shutdown();
    return tap_done();
}
