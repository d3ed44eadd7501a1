/*
 * test_job_vars.c - unit tests of per-recipient values in job files
 * (provbox/spool/job_vars.c and their parsing in job.c): var.NAME=VALUE on
 * To: lines, percent-decoding, Var: defaults and a recipient's own value
 * over them, every error with its line, job_format() round trips, and
 * job_vars_check() against a document's placeholders, on a big job too.
 * No message may hold a value.
 */
#include <string.h>
#include <sys/time.h>

#include "gwlib/gwlib.h"
#include "spool/job.h"
#include "spool/job_vars.h"
#include "../lib/tap.h"

#define DOC "<?xml version=\"1.0\"?>\n<wap-provisioningdoc/>\n"

/* Values used below; no message may contain them. */
static const char *const secrets[] = { "s3cr3t", "hunter2", "Pa55", "alice-login" };

static const char *leaked(Octstr *message)
{
    size_t i;

    for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
        if (octstr_search(message, octstr_imm(secrets[i]), 0) >= 0)
            return secrets[i];
    return NULL;
}

static Job *parse(const char *text, Octstr **error)
{
    return job_parse(octstr_imm("job-1"), octstr_imm(text), error);
}

static Job *accepts(const char *text, const char *what)
{
    Octstr *error = NULL;
    Job *job = parse(text, &error);

    ok(job != NULL, "accepts %s", what);
    if (job == NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
    octstr_destroy(error);
    return job;
}

static void rejects(const char *text, const char *want, const char *what)
{
    Octstr *error = NULL;
    Job *job = parse(text, &error);
    int named = error != NULL && octstr_str_compare(error, want) == 0;
    const char *leak = error != NULL ? leaked(error) : NULL;

    ok(job == NULL && named && leak == NULL, "rejects %s", what);
    if (job != NULL || !named || leak != NULL)
        tap_diag("got '%s', want '%s'", error ? octstr_get_cstr(error) : "(accepted)", want);
    job_destroy(job);
    octstr_destroy(error);
}

/* Recipient i's value of name, own or default, as a C string ("" if none). */
static int value_is(const Job *job, long i, const char *name, const char *want, long want_len)
{
    List *names = gwlist_create();
    Octstr *values[1] = { NULL }, *error = NULL;
    Recipient r;
    int is;

    gwlist_append(names, octstr_create(name));
    job_recipient_get(job, i, &r);
    is = job_vars_values(job, i, &r, names, values, &error) == 0
         && octstr_len(values[0]) == want_len
         && memcmp(octstr_get_cstr(values[0]), want, want_len) == 0;
    job_recipient_clear(&r);
    job_vars_values_clear(values, 1);
    gwlist_destroy(names, octstr_destroy_item);
    octstr_destroy(error);
    return is;
}

/* ---- To: lines ---- */

static void test_to_line_values(void)
{
    Job *job = accepts("Sec: USERPIN\nPin: 1234\n"
                       "To: 4790000001 var.LOGIN=alice-login var.SECRET=s%20cr%3Dt%25 pin=5678\n"
                       "To: 4790000002 VAR.LOGIN=a=b=c Var.SECRET=%C3%A6%e2%9c%93\n"
                       "To: 4790000003 var.LOGIN= var.SECRET=%09%0A%0D\n"
                       "\n" DOC, "To: lines with var.NAME=VALUE");

    if (job == NULL)
        return;
    ok(value_is(job, 0, "LOGIN", "alice-login", 11) && value_is(job, 0, "SECRET", "s cr=t%", 7),
       "values are percent-decoded (%%20 blank, %%3D '=', %%25 '%%'), pin= beside them");
    ok(value_is(job, 1, "LOGIN", "a=b=c", 5)
       && value_is(job, 1, "SECRET", "\xC3\xA6\xE2\x9C\x93", 5),
       "'var.' in any case; '=' inside a value as it is; non-ASCII UTF-8 in either hex case");
    ok(value_is(job, 2, "LOGIN", "", 0) && value_is(job, 2, "SECRET", "\t\n\r", 3),
       "an empty value, and tab/LF/CR encoded");
    ok(!value_is(job, 0, "login", "alice-login", 11), "names are case-sensitive");
    job_destroy(job);
}

static void test_to_line_errors(void)
{
    rejects("Sec: NONE\nTo: 4790000001 var.lo!gin=s3cr3t\n\n" DOC,
            "line 2: To: var. needs a NAME of 1 to 64 letters, digits, '_' or '-' before its '='",
            "a name with a bad character (not echoed)");
    rejects("Sec: NONE\nTo: 4790000001 var.=s3cr3t\n\n" DOC,
            "line 2: To: var. needs a NAME of 1 to 64 letters, digits, '_' or '-' before its '='",
            "an empty name");
    rejects("Sec: NONE\nTo: 4790000001 "
            "var.A2345678901234567890123456789012345678901234567890123456789012345=x\n\n" DOC,
            "line 2: To: var. needs a NAME of 1 to 64 letters, digits, '_' or '-' before its '='",
            "a name of 65 characters");
    rejects("Sec: NONE\nTo: 4790000001 var.LOGIN\n\n" DOC,
            "line 2: To: var. needs NAME=VALUE", "var. without '='");
    rejects("Sec: NONE\nTo: 4790000001 var.\n\n" DOC,
            "line 2: To: var. needs NAME=VALUE", "a bare 'var.'");
    rejects("Sec: NONE\nTo: 4790000001 var.LOGIN=s3cr3t var.LOGIN=hunter2\n\n" DOC,
            "line 2: To: var.LOGIN= given twice", "the same variable twice on a line");
    rejects("Sec: NONE\nTo: 4790000001\nTo: 4790000002 var.LOGIN=Pa55%4\n\n" DOC,
            "line 3: To: var.LOGIN=: bad percent-encoding (a % must be followed by two hex "
            "digits)", "a cut %-escape");
    rejects("Sec: NONE\nTo: 4790000001 var.LOGIN=Pa55%zz\n\n" DOC,
            "line 2: To: var.LOGIN=: bad percent-encoding (a % must be followed by two hex "
            "digits)", "a %-escape that is not hex");
    rejects("Sec: NONE\nTo: 4790000001 var.LOGIN=Pa55%\n\n" DOC,
            "line 2: To: var.LOGIN=: bad percent-encoding (a % must be followed by two hex "
            "digits)", "a '%' at the end");
    rejects("Sec: NONE\nTo: 4790000001 var.LOGIN=Pa55%FF\n\n" DOC,
            "line 2: To: var.LOGIN=: the value is not UTF-8 (byte 5)",
            "a value that is not UTF-8");
    rejects("Sec: NONE\nTo: 4790000001 var.LOGIN=Pa55%00\n\n" DOC,
            "line 2: To: var.LOGIN=: the value is a control character or non-character "
            "(byte 5), which XML cannot carry", "a NUL in a value");
    rejects("Sec: NONE\nTo: 4790000001 var.LOGIN=%EF%BF%BF\n\n" DOC,
            "line 2: To: var.LOGIN=: the value is a control character or non-character "
            "(byte 1), which XML cannot carry", "U+FFFF in a value");
    rejects("Sec: NONE\nTo: 4790000001 hunter2\n\n" DOC,
            "line 2: To: unexpected text after the number (expected imsi=..., pin=... or "
            "var.NAME=...)", "a bare value (not echoed)");
}

/* ---- Var: headers ---- */

static void test_defaults(void)
{
    Job *job = accepts("Sec: NONE\nVar: LOGIN=guest\nVar: SECRET=s%20x\n"
                       "To: 4790000001\nTo: 4790000002 var.LOGIN=alice-login\n\n" DOC,
                       "Var: defaults");

    if (job == NULL)
        return;
    ok(job->vars != NULL && gwlist_len(job->vars) == 2
       && ((JobVar *) gwlist_get(job->vars, 0))->line == 2
       && ((JobVar *) gwlist_get(job->vars, 1))->line == 3,
       "each Var: is kept with its line");
    ok(value_is(job, 0, "LOGIN", "guest", 5) && value_is(job, 0, "SECRET", "s x", 3),
       "a recipient without values of its own gets the defaults, decoded");
    ok(value_is(job, 1, "LOGIN", "alice-login", 11) && value_is(job, 1, "SECRET", "s x", 3),
       "its own value wins over the default; the others are the defaults");
    job_destroy(job);
}

static void test_default_errors(void)
{
    rejects("Sec: NONE\nTo: 4790000001\nVar: LOGIN=s3cr3t\nVar: LOGIN=hunter2\n\n" DOC,
            "line 4: Var: LOGIN= given twice (first on line 3)", "Var: of one name twice");
    rejects("Sec: NONE\nTo: 4790000001\nVar: LOGIN=s3cr3t hunter2\n\n" DOC,
            "line 3: Var: one NAME=VALUE only (a blank in a value is written %20)",
            "a blank in a Var: value");
    rejects("Sec: NONE\nTo: 4790000001\nVar: s3cr3t\n\n" DOC,
            "line 3: Var: needs NAME=VALUE", "Var: without '='");
    rejects("Sec: NONE\nTo: 4790000001\nVar: my name=s3cr3t\n\n" DOC,
            "line 3: Var: one NAME=VALUE only (a blank in a value is written %20)",
            "a blank in a Var: name");
    rejects("Sec: NONE\nTo: 4790000001\nVar: na.me=s3cr3t\n\n" DOC,
            "line 3: Var: needs a NAME of 1 to 64 letters, digits, '_' or '-' before its '='",
            "a bad Var: name");
    rejects("Sec: NONE\nTo: 4790000001\nVar: LOGIN=s3cr3t%G1\n\n" DOC,
            "line 3: Var: LOGIN=: bad percent-encoding (a % must be followed by two hex "
            "digits)", "bad percent-encoding in Var:");
}

/* ---- job_format ---- */

static void test_format_round_trip(void)
{
    const char *text = "Sec: NONE\nVar: LOGIN=a%20b%25c%0A%C3%A6=d\n"
                       "To: 4790000001 var.SECRET=%09x%7Fy var.LOGIN=alice-login\n"
                       "To: 4790000002\n\n" DOC;
    Job *job = accepts(text, "a job with variables to format");
    Octstr *formatted = job != NULL ? job_format(job) : NULL, *error = NULL, *again_text = NULL;
    Job *again = formatted != NULL ? job_parse(job->name, formatted, &error) : NULL;

    if (again != NULL)
        again_text = job_format(again);
    ok(again != NULL && octstr_compare(formatted, again_text) == 0
       && value_is(again, 0, "SECRET", "\tx\x7Fy", 4)
       && value_is(again, 0, "LOGIN", "alice-login", 11)
       && value_is(again, 1, "LOGIN", "a b%c\n\xC3\xA6=d", 10),
       "job_format writes var. and Var: percent-encoded; parsing it gives the same values");
    ok(formatted != NULL
       && octstr_search(formatted, octstr_imm("To: 4790000001 var.SECRET=%09x%7Fy "
                                              "var.LOGIN=alice-login\n"), 0) >= 0
       && octstr_search(formatted, octstr_imm("Var: LOGIN=a%20b%25c%0A%C3%A6=d\n"), 0) >= 0,
       "blanks, controls, '%%' and non-ASCII encoded, the rest as it is");
    job_destroy(job);
    job_destroy(again);
    octstr_destroy(formatted);
    octstr_destroy(again_text);
    octstr_destroy(error);
}

/* ---- job_vars_check ---- */

static List *names_of(const char *a, const char *b)
{
    List *names = gwlist_create();

    if (a != NULL)
        gwlist_append(names, octstr_create(a));
    if (b != NULL)
        gwlist_append(names, octstr_create(b));
    return names;
}

static void checks(const char *text, List *names, const char *want, const char *what)
{
    Octstr *error = NULL, *reason;
    Job *job = parse(text, &error);
    int right;

    reason = job != NULL ? job_vars_check(job, names) : NULL;
    right = job != NULL && (want == NULL ? reason == NULL
                            : reason != NULL && octstr_str_compare(reason, want) == 0)
            && (reason == NULL || leaked(reason) == NULL);
    ok(right, "check: %s", what);
    if (!right)
        tap_diag("got '%s', want '%s'%s", reason ? octstr_get_cstr(reason) : "(fits)",
                 want ? want : "(fits)", job == NULL ? " (did not parse)" : "");
    octstr_destroy(reason);
    octstr_destroy(error);
    job_destroy(job);
    gwlist_destroy(names, octstr_destroy_item);
}

static void test_check(void)
{
    checks("Sec: NONE\nTo: 4790000001 var.LOGIN=alice-login var.SECRET=s3cr3t\n"
           "To: 4790000002 var.SECRET=hunter2 var.LOGIN=x\n\n" DOC,
           names_of("LOGIN", "SECRET"), NULL, "every recipient has both values");
    checks("Sec: NONE\nVar: SECRET=s3cr3t\nTo: 4790000001 var.LOGIN=alice-login\n"
           "To: 4790000002 var.LOGIN=x\n\n" DOC, names_of("LOGIN", "SECRET"), NULL,
           "a default fills what the lines leave out");
    checks("Sec: NONE\nVar: SECRET=s3cr3t\nVar: LOGIN=guest\nTo: 4790000001\n\n" DOC,
           names_of("LOGIN", "SECRET"), NULL, "a line without options, every default given");
    checks("Sec: NONE\nTo: 4790000001 var.LOGIN=alice-login var.SECRET=s3cr3t\n"
           "To: 4790000002 var.LOGIN=x\n\n" DOC, names_of("LOGIN", "SECRET"),
           "line 3: recipient 4790000002 has no value for {{SECRET}} (give var.SECRET= on its "
           "To: line, or a Var: SECRET= header)", "a recipient without a value");
    checks("Sec: NONE\nVar: LOGIN=guest\nTo: 4790000001 var.SECRET=s3cr3t\nTo: 4790000002\n"
           "\n" DOC, names_of("LOGIN", "SECRET"),
           "line 4: recipient 4790000002 has no value for {{SECRET}} (give var.SECRET= on its "
           "To: line, or a Var: SECRET= header)", "a line without options, a default missing");
    checks("Sec: NONE\nTo: 4790000001 var.LOGN=alice-login var.SECRET=s3cr3t\n\n" DOC,
           names_of("LOGIN", "SECRET"),
           "line 2: var.LOGN= names no placeholder of the document (its placeholders: "
           "{{LOGIN}}, {{SECRET}})", "a misspelt name on a line");
    checks("Sec: NONE\nTo: 4790000001 var.LOGIN=x var.SECRET=s3cr3t\nVar: LOGN=guest\n\n" DOC,
           names_of("LOGIN", "SECRET"),
           "line 3: Var: LOGN= names no placeholder of the document (its placeholders: "
           "{{LOGIN}}, {{SECRET}})", "a misspelt Var:");
    checks("Sec: NONE\nTo: 4790000001\nTo: 4790000002 var.LOGIN=alice-login\n\n" DOC, NULL,
           "line 3: var.LOGIN= names no placeholder of the document (its placeholders: none)",
           "variables for a document without placeholders");
    checks("Sec: USERPIN\nTo: 4790000001 pin=1234 VAR.LOGIN=x\n\n" DOC, names_of("LOGIN", NULL),
           NULL, "'VAR.' in capitals and pin= on the same line");
}

/* A job of n recipients, each with its own two values; the check's time. */
static void test_big_job(void)
{
    long i, n = 200000;
    Octstr *text = octstr_create("Sec: NONE\n"), *error = NULL, *reason;
    List *names = names_of("LOGIN", "SECRET");
    struct timeval t0, t1;
    Job *job;

    for (i = 0; i < n; i++)
        octstr_format_append(text, "To: 47%08ld var.LOGIN=user%ld var.SECRET=pw%%20%ld\n",
                             i, i, i);
    octstr_format_append(text, "To: 4799999999 var.LOGIN=x\n\n%s", DOC);
    job = job_parse_adopt(octstr_imm("big"), text, &error);
    gettimeofday(&t0, NULL);
    reason = job != NULL ? job_vars_check(job, names) : NULL;
    gettimeofday(&t1, NULL);
    ok(job != NULL, "a job of %ld recipients with values parses", n + 1);
    ok(reason != NULL && octstr_search(reason, octstr_imm("line 200002: recipient 4799999999 "
                                                          "has no value for {{SECRET}}"), 0) == 0,
       "a job of %ld recipients: the last one's missing value found", n + 1);
    tap_diag("job_vars_check over %ld To: lines: %.0f ms", n + 1,
             (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_usec - t0.tv_usec) / 1e3);
    octstr_destroy(reason);
    octstr_destroy(error);
    job_destroy(job);
    gwlist_destroy(names, octstr_destroy_item);
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_PANIC);
    test_to_line_values();
    test_to_line_errors();
    test_defaults();
    test_default_errors();
    test_format_round_trip();
    test_check();
    test_big_job();
    gwlib_shutdown();
    return tap_done();
}
