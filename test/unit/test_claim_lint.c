/*
 * test_claim_lint.c - unit tests of lint when a job is claimed
 * (active_job.c through compile_cache.c): the job's Lint: header wins over
 * the config's lint key; strict refuses a document with an error, the
 * reason naming the first error's line and message; warn (and strict with
 * warnings only) loads the job with every finding as a Warning line for
 * its status; off and the legacy types are not linted at all; a second
 * job with the same document is not linted again; no finding quotes a
 * secret.
 */
#include <string.h>

#include "gwlib/gwlib.h"
#include "encode/wbxml.h"
#include "daemon/active_job.h"
#include "../lib/tap.h"

#define SECRET "s3cr3t-Value-9"

/* Line 12: a password; 16: an unknown APPID; 18 (with_error): a TO-NAPID
 * that names no NAPDEF. */
static Octstr *document(int with_error)
{
    return octstr_format(
        "<?xml version=\"1.0\"?>\n"
        "<wap-provisioningdoc version=\"1.0\">\n"
        "  <characteristic type=\"NAPDEF\">\n"
        "    <parm name=\"NAPID\" value=\"A\"/>\n"
        "    <parm name=\"NAME\" value=\"Internet\"/>\n"
        "    <parm name=\"BEARER\" value=\"GSM-GPRS\"/>\n"
        "    <parm name=\"NAP-ADDRESS\" value=\"internet.example\"/>\n"
        "    <parm name=\"NAP-ADDRTYPE\" value=\"APN\"/>\n"
        "    <characteristic type=\"NAPAUTHINFO\">\n"
        "      <parm name=\"AUTHTYPE\" value=\"PAP\"/>\n"
        "      <parm name=\"AUTHNAME\" value=\"user\"/>\n"
        "      <parm name=\"AUTHSECRET\" value=\"" SECRET "\"/>\n"
        "    </characteristic>\n"
        "  </characteristic>\n"
        "  <characteristic type=\"APPLICATION\">\n"
        "    <parm name=\"APPID\" value=\"zz9\"/>\n"
        "    <parm name=\"NAME\" value=\"Portal\"/>\n"
        "    <parm name=\"TO-NAPID\" value=\"%s\"/>\n"
        "  </characteristic>\n"
        "</wap-provisioningdoc>\n", with_error ? "X" : "A");
}

#define APPID_WARNING "16: warning: APPID \"zz9\" is neither registered with OMNA nor a " \
                      "well-known one; phones that do not know it may reject the whole message"
#define NAPID_ERROR "TO-NAPID \"X\" names no NAPDEF (NAPIDs here: A)"

static ProvboxConfig *config_with(LintMode lint)
{
    ProvboxConfig *c = gw_malloc(sizeof(*c));

    memset(c, 0, sizeof(*c));
    c->provbox_id = octstr_create("pb-test");
    c->max_job_size = 65536;
    c->max_segments = 255;
    c->retry_delay = 1;
    c->sender = octstr_create("1234");
    c->validity = -1;
    c->priority = -1;
    c->lint = lint;
    return c;
}

/* The job of `headers` around the document, loaded (or refused: *error). */
static ActiveJob *load(const ProvboxConfig *config, CompileCache *cache, const char *headers,
                       int with_error, ActiveJobFault *fault, Octstr **error)
{
    Octstr *doc = document(with_error);
    Octstr *text = octstr_format("To: 4790000001\n%s\n%S", headers, doc);
    ActiveJob *aj = active_job_from_text(config, cache, octstr_imm("job-lint"), text,
                                         time(NULL), fault, error);

    octstr_destroy(text);
    octstr_destroy(doc);
    return aj;
}

/* The job's Warning lines joined by "|", or "(none)" when not linted. */
static Octstr *warnings_of(const ActiveJob *aj)
{
    Octstr *out;
    long i;

    if (aj == NULL || aj->warnings == NULL)
        return octstr_create("(none)");
    out = octstr_create("");
    for (i = 0; i < gwlist_len(aj->warnings); i++)
        octstr_format_append(out, "%s%S", i > 0 ? "|" : "", gwlist_get(aj->warnings, i));
    return out;
}

static void warnings_are(const ActiveJob *aj, const char *want, const char *what)
{
    Octstr *got = warnings_of(aj);

    ok_str(octstr_get_cstr(got), want, what);
    ok(octstr_search(got, octstr_imm(SECRET), 0) < 0, "%s: no secret in them", what);
    octstr_destroy(got);
}

static void test_strict_refuses(void)
{
    ProvboxConfig *config = config_with(LINT_STRICT);
    CompileCache *cache = compile_cache_create();
    ActiveJobFault fault = ACTIVE_JOB_TOO_LARGE;
    Octstr *error = NULL;
    ActiveJob *aj = load(config, cache, "Sec: USERPIN\nPin: 1234\n", 1, &fault, &error);

    ok(aj == NULL && fault == ACTIVE_JOB_LINT_ERROR, "config lint = strict: an error refuses");
    ok_str(error != NULL ? octstr_get_cstr(error) : "(none)", "lint: line 18: " NAPID_ERROR,
           "the reason names the first error's line and message");
    octstr_destroy(error);
    error = NULL;
    aj = load(config, cache, "Sec: USERPIN\nPin: 1234\nLint: strict\n", 0, &fault, &error);
    ok(aj != NULL, "strict with warnings only: the job loads");
    warnings_are(aj, APPID_WARNING, "strict, warnings only: the warning kept for the status");
    active_job_destroy(aj);
    aj = load(config, cache, "Sec: USERPIN\nPin: 1234\nLint: warn\n", 1, &fault, &error);
    ok(aj != NULL, "Lint: warn overrides lint = strict: the job with an error loads");
    warnings_are(aj, APPID_WARNING "|18: error: " NAPID_ERROR,
                 "warn: every finding, in line order, as 'LINE: SEVERITY: message'");
    active_job_destroy(aj);
    compile_cache_destroy(cache);
    config_destroy(config);
}

static void test_reason_counts_errors(void)
{
    ProvboxConfig *config = config_with(LINT_WARN);
    CompileCache *cache = compile_cache_create();
    Octstr *doc = document(1), *text, *error = NULL;
    ActiveJobFault fault;
    ActiveJob *aj;

    octstr_replace(doc, octstr_imm("value=\"APN\""), octstr_imm("value=\"apn\""));
    text = octstr_format("To: 4790000001\nSec: USERPIN\nPin: 1234\nLint: STRICT\n\n%S", doc);
    aj = active_job_from_text(config, cache, octstr_imm("job-2"), text, time(NULL), &fault,
                              &error);
    ok(aj == NULL && error != NULL
       && octstr_search(error, octstr_imm("lint: line 8: NAP-ADDRTYPE \"apn\""), 0) == 0
       && octstr_search(error, octstr_imm(" (the first of 2 errors)"), 0) > 0,
       "Lint: STRICT over lint = warn; two errors: the first named, both counted (%s)",
       error != NULL ? octstr_get_cstr(error) : "none");
    octstr_destroy(error);
    octstr_destroy(text);
    octstr_destroy(doc);
    compile_cache_destroy(cache);
    config_destroy(config);
}

static void test_default_warn_and_campaign(void)
{
    ProvboxConfig *config = config_with(LINT_WARN);
    CompileCache *cache = compile_cache_create();
    Octstr *error = NULL;
    ActiveJobFault fault;
    ActiveJob *first = load(config, cache, "Sec: NONE\n", 1, &fault, &error);
    ActiveJob *second = load(config, cache, "Sec: NONE\n", 1, &fault, &error);

    ok(first != NULL && second != NULL, "lint = warn, no Lint: header: jobs with errors load");
    warnings_are(first, "12: warning: a password is sent under Sec: NONE: anyone can read it, "
                 "and phones may reject the settings|" APPID_WARNING "|18: error: " NAPID_ERROR,
                 "under Sec: NONE the password is a finding too, its value never quoted");
    ok(compile_cache_lints(cache) == 1, "the second job with the same document is not linted "
       "again (%ld lint run(s))", compile_cache_lints(cache));
    warnings_are(second, "12: warning: a password is sent under Sec: NONE: anyone can read it, "
                 "and phones may reject the settings|" APPID_WARNING "|18: error: " NAPID_ERROR,
                 "and has the same findings");
    active_job_destroy(first);
    active_job_destroy(second);
    octstr_destroy(error);
    compile_cache_destroy(cache);
    config_destroy(config);
}

static void test_not_linted(void)
{
    ProvboxConfig *config = config_with(LINT_STRICT);
    CompileCache *cache = compile_cache_create();
    Octstr *error = NULL, *text;
    ActiveJobFault fault;
    ActiveJob *aj = load(config, cache, "Sec: USERPIN\nPin: 1234\nLint: off\n", 1, &fault,
                         &error);

    ok(aj != NULL && aj->findings == NULL && compile_cache_lints(cache) == 0,
       "Lint: off under lint = strict: loads, not linted at all");
    warnings_are(aj, "(none)", "off: no Warning lines");
    active_job_destroy(aj);
    text = octstr_create("To: 4790000001\nType: settings\n\n<CHARACTERISTIC-LIST>"
                         "<CHARACTERISTIC TYPE=\"ADDRESS\"><PARM NAME=\"BEARER\" "
                         "VALUE=\"GPRS\"/></CHARACTERISTIC></CHARACTERISTIC-LIST>\n");
    aj = active_job_from_text(config, cache, octstr_imm("legacy"), text, time(NULL), &fault,
                              &error);
    ok(aj != NULL && aj->findings == NULL && compile_cache_lints(cache) == 0,
       "a legacy Type: settings job under lint = strict: loads, not linted");
    active_job_destroy(aj);
    octstr_destroy(text);
    octstr_destroy(error);
    compile_cache_destroy(cache);
    config_destroy(config);
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_PANIC);
    wbxml_init();
    test_strict_refuses();
    test_reason_counts_errors();
    test_default_warn_and_campaign();
    test_not_linted();
    gwlib_shutdown();
    return tap_done();
}
