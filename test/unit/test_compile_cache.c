/*
 * test_compile_cache.c - unit tests of provbox/daemon/compile_cache.c: a
 * cached document gives the same WBXML as compiling it, the key is the
 * exact document bytes and the document type, a failing document is never
 * cached (it fails every time, with its error), the oldest entry goes
 * when the cache is full, a templated document is compiled once and
 * filled from the cached copy, and lint's findings are kept with their
 * entry: a document is linted once per Sec: mode, whatever the number of
 * jobs.
 */
#include "gwlib/gwlib.h"
#include "spool/job.h"
#include "encode/wbxml.h"
#include "encode/template.h"
#include "lint/lint.h"
#include "daemon/compile_cache.h"
#include "../lib/tap.h"

#define DOC_A "<?xml version=\"1.0\"?>\n<wap-provisioningdoc>" \
              "<characteristic type=\"BOOTSTRAP\"><parm name=\"NAME\" value=\"A\"/>" \
              "</characteristic></wap-provisioningdoc>\n"
#define DOC_B "<?xml version=\"1.0\"?>\n<wap-provisioningdoc>" \
              "<characteristic type=\"BOOTSTRAP\"><parm name=\"NAME\" value=\"B\"/>" \
              "</characteristic></wap-provisioningdoc>\n"
#define LEGACY_DOC "<CHARACTERISTIC-LIST><CHARACTERISTIC TYPE=\"ADDRESS\">" \
                   "<PARM NAME=\"BEARER\" VALUE=\"GPRS\"/></CHARACTERISTIC>" \
                   "</CHARACTERISTIC-LIST>\n"

static Job *job_with(const char *headers, const char *document)
{
    Octstr *text = octstr_format("To: 4790000001\nSec: NONE\n%s\n%s", headers, document);
    Octstr *error = NULL;
    Job *job = job_parse(octstr_imm("job-1"), text, &error);

    if (job == NULL)
        tap_diag("test job does not parse: %s", octstr_get_cstr(error));
    octstr_destroy(text);
    octstr_destroy(error);
    return job;
}

/* The job's WBXML through the cache (its template filled with nothing),
 * or NULL + *error. */
static Octstr *cached_wbxml(CompileCache *cache, Job *job, Octstr **error)
{
    WbxmlTemplate *t = compile_cache_compile(cache, job, NULL, error);
    Octstr *wbxml = t != NULL ? wbxml_template_fill(t, NULL, error) : NULL;

    wbxml_template_destroy(t);
    return wbxml;
}

/* Compiles through the cache; 1 if the WBXML equals a direct compile (the
 * first lookup in a fresh cache always compiles). */
static int compiles_same(CompileCache *cache, Job *job)
{
    CompileCache *fresh = compile_cache_create();
    Octstr *error = NULL, *direct_error = NULL;
    Octstr *cached = cached_wbxml(cache, job, &error);
    Octstr *direct = cached_wbxml(fresh, job, &direct_error);
    int same = cached != NULL && direct != NULL && octstr_compare(cached, direct) == 0;

    compile_cache_destroy(fresh);
    octstr_destroy(cached);
    octstr_destroy(direct);
    octstr_destroy(error);
    octstr_destroy(direct_error);
    return same;
}

static void test_hits_give_the_compiled_bytes(void)
{
    CompileCache *cache = compile_cache_create();
    Job *a = job_with("", DOC_A), *a_again = job_with("", DOC_A);
    Octstr *error = NULL, *want = wbxml_compile(octstr_imm(DOC_A), &error);

    ok(compiles_same(cache, a), "first compile: the WBXML of a direct compile");
    ok(compile_cache_misses(cache) == 1 && compile_cache_hits(cache) == 0,
       "first compile is a miss (misses %ld, hits %ld)",
       compile_cache_misses(cache), compile_cache_hits(cache));
    ok(compiles_same(cache, a_again), "the same document in another job: same WBXML");
    ok(compile_cache_misses(cache) == 1 && compile_cache_hits(cache) == 1,
       "the same document again is a hit (misses %ld, hits %ld)",
       compile_cache_misses(cache), compile_cache_hits(cache));
    octstr_destroy(error);
    error = NULL;
    {
        Octstr *got = cached_wbxml(cache, a, &error);
        ok(got != NULL && want != NULL && octstr_compare(got, want) == 0,
           "a hit returns wbxml_compile()'s bytes");
        octstr_destroy(got);
    }
    octstr_destroy(want);
    octstr_destroy(error);
    job_destroy(a);
    job_destroy(a_again);
    compile_cache_destroy(cache);
}

static void test_key_is_type_and_bytes(void)
{
    CompileCache *cache = compile_cache_create();
    Job *a = job_with("", DOC_A), *b = job_with("", DOC_B);
    Job *legacy = job_with("Type: settings\n", LEGACY_DOC);
    Job *legacy_as_oma = job_with("", LEGACY_DOC);
    Octstr *error = NULL, *got;

    ok(compiles_same(cache, a) && compiles_same(cache, b),
       "documents differing in one byte each get their own WBXML");
    ok(compile_cache_misses(cache) == 2, "a one-byte difference is a miss");
    ok(compiles_same(cache, legacy), "a legacy (Type: settings) document compiles");
    got = cached_wbxml(cache, legacy_as_oma, &error);
    ok(got == NULL && error != NULL,
       "the same bytes as an OMA document are compiled again (and refused), "
       "not served from the legacy entry");
    octstr_destroy(got);
    octstr_destroy(error);
    job_destroy(a);
    job_destroy(b);
    job_destroy(legacy);
    job_destroy(legacy_as_oma);
    compile_cache_destroy(cache);
}

static void test_failures_are_not_cached(void)
{
    CompileCache *cache = compile_cache_create();
    Job *bad = job_with("", "<wap-provisioningdoc><characteristic></wap-provisioningdoc>\n");
    Octstr *first_error = NULL, *second_error = NULL;
    Octstr *first = cached_wbxml(cache, bad, &first_error);
    Octstr *second = cached_wbxml(cache, bad, &second_error);

    ok(first == NULL && second == NULL, "a malformed document fails both times");
    ok(first_error != NULL && second_error != NULL
       && octstr_compare(first_error, second_error) == 0,
       "with the same error both times (%s)",
       first_error ? octstr_get_cstr(first_error) : "none");
    ok(compile_cache_misses(cache) == 2 && compile_cache_hits(cache) == 0,
       "a failed compile is not cached (misses %ld, hits %ld)",
       compile_cache_misses(cache), compile_cache_hits(cache));
    octstr_destroy(first_error);
    octstr_destroy(second_error);
    job_destroy(bad);
    compile_cache_destroy(cache);
}

static Job *numbered_job(long i)
{
    Octstr *doc = octstr_format("<?xml version=\"1.0\"?>\n<wap-provisioningdoc>"
                                "<characteristic type=\"BOOTSTRAP\">"
                                "<parm name=\"NAME\" value=\"%ld\"/></characteristic>"
                                "</wap-provisioningdoc>\n", i);
    Job *job = job_with("", octstr_get_cstr(doc));

    octstr_destroy(doc);
    return job;
}

static void compile_numbered(CompileCache *cache, long i)
{
    Job *job = numbered_job(i);
    Octstr *error = NULL;

    wbxml_template_destroy(compile_cache_compile(cache, job, NULL, &error));
    octstr_destroy(error);
    job_destroy(job);
}

static void test_oldest_goes_first(void)
{
    CompileCache *cache = compile_cache_create();
    long i, misses;

    for (i = 0; i < COMPILE_CACHE_ENTRIES; i++)
        compile_numbered(cache, i);
    compile_numbered(cache, COMPILE_CACHE_ENTRIES - 1);
    ok(compile_cache_hits(cache) == 1, "a full cache still holds its newest entry");
    compile_numbered(cache, COMPILE_CACHE_ENTRIES);     /* evicts 0 */
    misses = compile_cache_misses(cache);
    compile_numbered(cache, 1);
    ok(compile_cache_misses(cache) == misses && compile_cache_hits(cache) == 2,
       "one more document keeps the second oldest");
    compile_numbered(cache, 0);
    ok(compile_cache_misses(cache) == misses + 1,
       "and evicts the oldest, which then compiles again");
    compile_cache_destroy(cache);
}

/* A templated document: compiled once, every copy the cache hands out is
 * the template, filled as a direct template compile is. */
static void test_templates(void)
{
    const char *doc = "<wap-provisioningdoc><characteristic type=\"APPLICATION\">"
                      "<parm name=\"AAUTHNAME\" value=\"{{LOGIN}}\"/></characteristic>"
                      "</wap-provisioningdoc>\n";
    CompileCache *cache = compile_cache_create();
    Job *job = job_with("", doc);
    Octstr *error = NULL, *value = octstr_create("alice"), *got = NULL, *want;
    WbxmlTemplate *direct = wbxml_template_compile(octstr_imm(doc), &error), *t = NULL;
    int i, same = 1;

    want = wbxml_template_fill(direct, &value, &error);
    for (i = 0; i < 3; i++) {
        t = compile_cache_compile(cache, job, NULL, &error);
        got = t != NULL ? wbxml_template_fill(t, &value, &error) : NULL;
        same = same && t != NULL && gwlist_len(wbxml_template_names(t)) == 1
               && got != NULL && octstr_compare(got, want) == 0;
        octstr_destroy(got);
        wbxml_template_destroy(t);
    }
    ok(same, "a templated document: each copy from the cache has its placeholder and "
       "fills as a direct compile");
    ok(compile_cache_misses(cache) == 1 && compile_cache_hits(cache) == 2,
       "a templated document is compiled once (misses %ld, hits %ld)",
       compile_cache_misses(cache), compile_cache_hits(cache));
    wbxml_template_destroy(direct);
    octstr_destroy(want);
    octstr_destroy(value);
    octstr_destroy(error);
    job_destroy(job);
    compile_cache_destroy(cache);
}

/* ---- lint's findings ---- */

/* A job of `headers` (with Sec:) around `document`. */
static Job *job_sec(const char *headers, Octstr *document)
{
    Octstr *text = octstr_format("To: 4790000001\n%s\n%S", headers, document);
    Octstr *error = NULL;
    Job *job = job_parse(octstr_imm("job-lint"), text, &error);

    if (job == NULL)
        tap_diag("test job does not parse: %s", octstr_get_cstr(error));
    octstr_destroy(text);
    octstr_destroy(error);
    return job;
}

/* A document with an error (line 11: a TO-NAPID naming no NAPDEF), a
 * warning (line 9: an unknown APPID), and under Sec: NONE one more (line
 * 7: a password sent unsigned). */
static Octstr *findings_document(void)
{
    return octstr_create("<?xml version=\"1.0\"?>\n<wap-provisioningdoc>\n"
                         "<characteristic type=\"NAPDEF\">\n<parm name=\"NAPID\" value=\"A\"/>\n"
                         "<parm name=\"NAME\" value=\"I\"/><parm name=\"NAP-ADDRESS\" value=\"i.e\"/>\n"
                         "<characteristic type=\"NAPAUTHINFO\"><parm name=\"AUTHTYPE\" value=\"PAP\"/>\n"
                         "<parm name=\"AUTHSECRET\" value=\"pw\"/></characteristic>\n"
                         "</characteristic><characteristic type=\"APPLICATION\">\n"
                         "<parm name=\"APPID\" value=\"zz9\"/>\n<parm name=\"NAME\" value=\"P\"/>\n"
                         "<parm name=\"TO-NAPID\" value=\"X\"/>\n"
                         "</characteristic></wap-provisioningdoc>\n");
}

/* The findings' lines and severities: "7w 9w 11e". */
static Octstr *summary_of(List *findings)
{
    Octstr *out = octstr_create("");
    const LintFinding *f;
    long i;

    for (i = 0; i < gwlist_len(findings); i++) {
        f = gwlist_get(findings, i);
        octstr_format_append(out, "%s%ld%c", i > 0 ? " " : "", f->line,
                             f->severity == LINT_ERROR ? 'e' : 'w');
    }
    return out;
}

static int same_findings(List *a, List *b)
{
    long i;
    const LintFinding *x, *y;

    if (a == NULL || b == NULL || gwlist_len(a) != gwlist_len(b))
        return 0;
    for (i = 0; i < gwlist_len(a); i++) {
        x = gwlist_get(a, i);
        y = gwlist_get(b, i);
        if (x->line != y->line || x->severity != y->severity
            || octstr_compare(x->message, y->message) != 0)
            return 0;
    }
    return 1;
}

/* The job's findings through the cache equal a direct lint_document(),
 * and are `want` (summary_of()). */
static int lints_same(CompileCache *cache, const Job *job, const char *want)
{
    LintOptions options = { .sec_known = 1, .sec = job->sec };
    Octstr *error = NULL;
    WbxmlTemplate *compiled;
    List *cached = NULL, *direct = lint_document(job->document, &options, &error);
    Octstr *summary;
    int same;

    compiled = compile_cache_compile(cache, job, &cached, &error);
    summary = summary_of(cached);
    same = compiled != NULL && same_findings(cached, direct)
           && octstr_str_compare(summary, want) == 0;
    if (!same)
        tap_diag("cached '%s', direct %ld finding(s)", octstr_get_cstr(summary),
                 gwlist_len(direct));
    octstr_destroy(summary);
    wbxml_template_destroy(compiled);
    octstr_destroy(error);
    lint_findings_destroy(cached);
    lint_findings_destroy(direct);
    return same;
}

static void test_findings_cached(void)
{
    CompileCache *cache = compile_cache_create();
    Octstr *doc = findings_document();
    Job *first = job_sec("Sec: NONE\n", doc), *second = job_sec("Sec: NONE\n", doc);
    Job *userpin = job_sec("Sec: USERPIN\nPin: 1234\n", doc);
    Octstr *error = NULL;
    WbxmlTemplate *compiled;

    ok(lints_same(cache, first, "7w 9w 11e"), "the first job's findings: lint_document()'s "
       "(Sec: NONE: the password, the APPID, the TO-NAPID)");
    ok(compile_cache_lints(cache) == 1, "its document was linted once (%ld)",
       compile_cache_lints(cache));
    ok(lints_same(cache, second, "7w 9w 11e"),
       "another job with the same document: the same findings");
    ok(compile_cache_lints(cache) == 1 && compile_cache_hits(cache) == 1,
       "from the cache: not linted again (lints %ld, hits %ld)",
       compile_cache_lints(cache), compile_cache_hits(cache));
    ok(lints_same(cache, userpin, "9w 11e"),
       "the same document under Sec: USERPIN: that mode's findings (no password warning)");
    ok(compile_cache_lints(cache) == 2 && compile_cache_misses(cache) == 1,
       "linted once more for the new mode, not compiled again (lints %ld, misses %ld)",
       compile_cache_lints(cache), compile_cache_misses(cache));
    ok(lints_same(cache, first, "7w 9w 11e") && compile_cache_lints(cache) == 2,
       "both modes stay cached side by side");
    compiled = compile_cache_compile(cache, second, NULL, &error);
    ok(compiled != NULL && compile_cache_lints(cache) == 2,
       "a compile without findings (lint off) lints nothing");
    wbxml_template_destroy(compiled);
    octstr_destroy(error);
    octstr_destroy(doc);
    job_destroy(first);
    job_destroy(second);
    job_destroy(userpin);
    compile_cache_destroy(cache);
}

/* Legacy documents are not linted; documents that fail are not either. */
static void test_findings_not_made(void)
{
    CompileCache *cache = compile_cache_create();
    Job *legacy = job_with("Type: settings\n", LEGACY_DOC);
    Job *bad = job_with("", "<wap-provisioningdoc><characteristic></wap-provisioningdoc>\n");
    Octstr *error = NULL;
    WbxmlTemplate *compiled;
    List *findings = NULL;

    compiled = compile_cache_compile(cache, legacy, &findings, &error);
    ok(compiled != NULL && findings != NULL && gwlist_len(findings) == 0
       && compile_cache_lints(cache) == 0,
       "a legacy document: compiled, no findings, not linted");
    wbxml_template_destroy(compiled);
    lint_findings_destroy(findings);
    findings = NULL;
    compiled = compile_cache_compile(cache, bad, &findings, &error);
    ok(compiled == NULL && error != NULL && findings == NULL && compile_cache_lints(cache) == 0,
       "a document that does not compile: its error, not linted");
    octstr_destroy(error);
    job_destroy(legacy);
    job_destroy(bad);
    compile_cache_destroy(cache);
}

int main(void)
{
    gwlib_init();
    log_set_output_level(GW_PANIC);
    wbxml_init();
    test_hits_give_the_compiled_bytes();
    test_key_is_type_and_bytes();
    test_failures_are_not_cached();
    test_oldest_goes_first();
    test_templates();
    test_findings_cached();
    test_findings_not_made();
    gwlib_shutdown();
    return tap_done();
}
