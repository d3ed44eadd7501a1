/*
 * lint.h - the semantic check of provisioning documents ("lint").
 *
 * provbox's compiler refuses documents that are not well-formed or break
 * the DTD's structure; lint looks at what the settings mean, the mistakes
 * that make phones drop or ignore settings: references that lead nowhere
 * (TO-NAPID, TO-PROXY, TO-APPREF), ids defined twice, parms and
 * characteristics where OMA ProvCont does not allow them, missing
 * mandatory parms, values outside ProvCont's enumerations (compared
 * case-sensitively, as phones do), addresses that do not fit their type,
 * port numbers out of range; the application parms OMNA registers per
 * APPID; Windows Mobile security policy ids; and warnings for unknown
 * APPIDs, one NAME on two NAPDEFs, passwords under Sec: NONE, documents
 * that need more than 3 SMS, and unknown (LITERAL) elements. The rules and
 * their sources are in doc/lint.md.
 *
 * Findings carry the XML line and a message. A message quotes values of
 * the document (shown escaped, cut to a bounded length) but never the
 * value of a secret parm (AUTHSECRET, PXAUTH-PW, PROXY-PW, BASAUTH-PW,
 * AAUTHSECRET, AAUTHDATA, WEP and WPA keys, Windows Mobile passwords).
 *
 * Thread-safe after wbxml_init(). Symbol prefix: lint_.
 */
#ifndef PROVBOX_LINT_H
#define PROVBOX_LINT_H

#include "gwlib/gwlib.h"
#include "common/sec_mode.h"

typedef enum { LINT_WARNING, LINT_ERROR } LintSeverity;

typedef struct LintFinding {
    long line;              /* line of the XML element it is about */
    LintSeverity severity;
    Octstr *message;        /* printable UTF-8, one line, no secret */
} LintFinding;

/* What the document will be sent with. */
typedef struct LintOptions {
    int sec_known;          /* 1: `sec` is the job's mode; 0: not known yet */
    SecMode sec;            /* the mode the SMS count and Sec: NONE check use */
} LintOptions;

/* What a job asks for: the `Lint:` header and the `lint` config key. */
typedef enum { LINT_OFF, LINT_WARN, LINT_STRICT } LintMode;

int lint_mode_parse(Octstr *value, LintMode *mode);   /* 0, or -1 */
const char *lint_mode_name(LintMode mode);

/*
 * The findings on an OMA CP document (XML bytes), in line order: a List of
 * LintFinding* (empty when it is clean), or NULL + *error when it does not
 * compile at all (the compiler's own error). Without a known mode, the SMS
 * count is the largest over the signed modes and the Sec: NONE check is
 * not made.
 */
List *lint_document(Octstr *xml, const LintOptions *options, Octstr **error);

/* SMS of one recipient's message for `wbxml` under `mode` (16-bit-free
 * 8-bit references, as provbox sends), or -1 when it needs more than 255. */
long lint_sms_count(Octstr *wbxml, SecMode mode);

long lint_count(List *findings, LintSeverity severity);
/* The first finding of `severity`, or NULL. */
const LintFinding *lint_first(List *findings, LintSeverity severity);
/* "LINE: error: MESSAGE" / "LINE: warning: MESSAGE" (a new Octstr). */
Octstr *lint_finding_format(const LintFinding *finding);
const char *lint_severity_name(LintSeverity severity);

List *lint_findings_duplicate(List *findings);
void lint_findings_destroy(List *findings);

#endif
