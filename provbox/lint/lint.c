/*
 * lint.c - findings, modes, the SMS count and lint_document()'s driver
 * (see lint.h). The rules themselves are in lint_rules.c (what ProvCont
 * and OMNA allow where), lint_walk.c (walking one document) and
 * lint_refs.c (its ids and references).
 */
#include <string.h>

#include "gwlib/gwlib.h"
#include "encode/message.h"
#include "encode/push.h"
#include "encode/wbxml.h"
#include "lint/lint.h"
#include "lint/lint_walk.h"

/* Credentials of the right shape: the SMS count does not depend on them. */
#define PROBE_PIN "12345678"
#define PROBE_IMSI "001010123456789"
#define SMS_WARN_ABOVE 3

static const char *const mode_names[] = { "off", "warn", "strict" };

int lint_mode_parse(Octstr *value, LintMode *mode)
{
    int i;

    for (i = LINT_OFF; value != NULL && i <= LINT_STRICT; i++) {
        if (octstr_str_case_compare(value, mode_names[i]) == 0) {
            *mode = (LintMode) i;
            return 0;
        }
    }
    return -1;
}

const char *lint_mode_name(LintMode mode)
{
    return mode_names[mode];
}

const char *lint_severity_name(LintSeverity severity)
{
    return severity == LINT_ERROR ? "error" : "warning";
}

long lint_sms_count(Octstr *wbxml, SecMode mode)
{
    MessageSpec spec = {
        .type = DOC_OMA_SETTINGS, .wbxml = wbxml, .sec = mode,
        .pin = sec_mode_needs_pin(mode) ? octstr_imm(PROBE_PIN) : NULL,
        .imsi = sec_mode_needs_imsi(mode) ? octstr_imm(PROBE_IMSI) : NULL,
        .ref = 0, .ref_16bit = 0, .max_segments = PUSH_MAX_SEGMENTS_LIMIT,
    };
    Octstr *error = NULL;
    Message *m = message_encode(&spec, &error);
    long n = m != NULL ? gwlist_len(m->segments) : -1;

    octstr_destroy(error);
    message_destroy(m);
    return n;
}

/* The SMS one recipient's message takes: under the job's mode, or the
 * most any signed mode takes. */
static long sms_needed(Octstr *wbxml, const LintOptions *options)
{
    long most = -1, n;
    int mode;

    if (options->sec_known)
        return lint_sms_count(wbxml, options->sec);
    for (mode = SEC_NETWPIN; mode <= SEC_USERPINMAC; mode++) {
        n = lint_sms_count(wbxml, (SecMode) mode);
        if (n < 0 || n > most)
            most = n < 0 ? PUSH_MAX_SEGMENTS_LIMIT + 1 : n;
    }
    return most;
}

static void check_length(LintWalk *walk, Octstr *wbxml, const LintOptions *options)
{
    long n = sms_needed(wbxml, options);

    if (n > PUSH_MAX_SEGMENTS_LIMIT)
        lint_walk_report(walk, 1, LINT_ERROR, "the message needs more than %d SMS",
                         PUSH_MAX_SEGMENTS_LIMIT);
    else if (n > SMS_WARN_ABOVE)
        lint_walk_report(walk, 1, LINT_WARNING,
                         "the message needs %ld SMS%s; some phones drop concatenations "
                         "of more than %d", n, options->sec_known ? "" : " when signed",
                         SMS_WARN_ABOVE);
}

List *lint_document(Octstr *xml, const LintOptions *options, Octstr **error)
{
    Octstr *wbxml = wbxml_compile(xml, error);
    LintWalk *walk;
    List *findings;

    if (wbxml == NULL)
        return NULL;
    walk = lint_walk_create(options);
    if (lint_walk_document(walk, xml, error) == -1) {
        lint_walk_destroy(walk);
        octstr_destroy(wbxml);
        return NULL;
    }
    check_length(walk, wbxml, options);
    octstr_destroy(wbxml);
    findings = lint_walk_findings(walk);
    lint_walk_destroy(walk);
    return findings;
}

long lint_count(List *findings, LintSeverity severity)
{
    long i, n = 0;

    for (i = 0; i < gwlist_len(findings); i++)
        if (((LintFinding *) gwlist_get(findings, i))->severity == severity)
            n++;
    return n;
}

const LintFinding *lint_first(List *findings, LintSeverity severity)
{
    long i;
    LintFinding *f;

    for (i = 0; i < gwlist_len(findings); i++)
        if ((f = gwlist_get(findings, i))->severity == severity)
            return f;
    return NULL;
}

Octstr *lint_finding_format(const LintFinding *f)
{
    Octstr *out = octstr_create("");

    octstr_format_append(out, "%ld: %s: %S", f->line, lint_severity_name(f->severity),
                         f->message);
    return out;
}

static LintFinding *finding_copy(const LintFinding *f)
{
    LintFinding *copy = gw_malloc(sizeof(*copy));

    *copy = *f;
    copy->message = octstr_duplicate(f->message);
    return copy;
}

List *lint_findings_duplicate(List *findings)
{
    List *copy = gwlist_create();
    long i;

    for (i = 0; i < gwlist_len(findings); i++)
        gwlist_append(copy, finding_copy(gwlist_get(findings, i)));
    return copy;
}

static void finding_destroy(void *item)
{
    LintFinding *f = item;

    octstr_destroy(f->message);
    gw_free(f);
}

void lint_findings_destroy(List *findings)
{
    if (findings != NULL)
        gwlist_destroy(findings, finding_destroy);
}
