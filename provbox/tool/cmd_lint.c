/*
 * cmd_lint.c - `provctl lint`: provbox/lint's findings on OMA CP documents,
 * one `FILE:LINE: error|warning: message` line each, with the SMS one
 * recipient's message takes under every security mode and a closing
 * count; or all of it as one JSON document. A document that cannot be read
 * or does not compile is one error finding (the compiler's cause), and the
 * other documents are still checked.
 *
 * Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage error.
 * File names and compiler causes come from outside and are shown escaped
 * (common/escape.h); lint's own messages are shown forms already and never
 * hold a secret.
 */
#include <stdio.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "common/escape.h"
#include "encode/wbxml.h"
#include "lint/lint.h"
#include "tool/cmdline.h"
#include "tool/commands.h"

#define MODE_COUNT 5

typedef enum { FORMAT_TEXT, FORMAT_JSON } Format;

typedef struct Options {
    Format format;
    LintOptions lint;
    List *docs;             /* const char *, from argv */
} Options;

/* What one document gave. */
typedef struct Report {
    Octstr *file;           /* shown form of its name */
    List *findings;         /* LintFinding *; a document error is one */
    int compiled;
    long sms[MODE_COUNT];   /* per modes[]; -1: more than 255 */
} Report;

/* The order the SMS counts are shown in. */
static const SecMode modes[MODE_COUNT] = {
    SEC_NETWPIN, SEC_USERPIN, SEC_USERNETWPIN, SEC_USERPINMAC, SEC_NONE
};

static const char usage_text[] =
"usage: provctl lint [--format text|json] [--sec MODE] DOC.xml|- ...\n"
"\n"
"Checks what OMA Client Provisioning documents mean, the mistakes that make\n"
"phones drop or ignore settings (references that lead nowhere, parms where\n"
"ProvCont does not allow them, values outside its enumerations, ...), and\n"
"prints how many SMS one recipient's message takes under each security\n"
"mode. A document that does not compile is reported as an error.\n"
"\n"
"  --format F   text  FILE:LINE: error|warning: message, one line each, then\n"
"                     FILE: SMS per recipient: ..., and a closing count\n"
"                     (the default)\n"
"               json  one JSON document with the same\n"
"  --sec MODE   the mode the documents will be sent with (NETWPIN, USERPIN,\n"
"               USERNETWPIN, USERPINMAC or NONE): the more-than-3-SMS\n"
"               warning counts for it, and NONE adds the check for\n"
"               passwords sent unsigned. Without it the SMS warning counts\n"
"               the largest signed mode.\n"
"\n"
"Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage error.\n";

/* Option setters: 1 taken, 2 usage error (printed). */
static int set_format(Options *o, const char *value)
{
    if (strcmp(value, "text") == 0)
        o->format = FORMAT_TEXT;
    else if (strcmp(value, "json") == 0)
        o->format = FORMAT_JSON;
    else
        return cmdline_usage_error("lint", "--format %s: use text or json", value);
    return 1;
}

static int set_sec(Options *o, const char *value)
{
    if (sec_mode_parse(octstr_imm(value), &o->lint.sec) < 0)
        return cmdline_usage_error("lint", "--sec %s: use NETWPIN, USERPIN, USERNETWPIN, "
                                   "USERPINMAC or NONE", value);
    o->lint.sec_known = 1;
    return 1;
}

static const struct {
    const char *name;
    int (*set)(Options *o, const char *value);
} valued_options[] = {
    { "--format", set_format }, { "--sec", set_sec },
};

/* One argument; 1 taken, 2 usage error (printed). */
static int take_argument(int argc, char **argv, int *i, Options *o)
{
    const char *value = NULL;
    size_t k;
    int found;

    for (k = 0; k < sizeof(valued_options) / sizeof(valued_options[0]); k++) {
        found = cmdline_option(argc, argv, i, valued_options[k].name, &value);
        if (found < 0)
            return cmdline_usage_error("lint", "%s needs a value", valued_options[k].name);
        if (found)
            return valued_options[k].set(o, value);
    }
    if (argv[*i][0] == '-' && argv[*i][1] != '\0')
        return cmdline_usage_error("lint", "unknown option %s", argv[*i]);
    gwlist_append(o->docs, argv[*i]);
    return 1;
}

/* 0 go on, 1 help printed (exit 0), 2 usage error. */
static int parse_options(int argc, char **argv, Options *o)
{
    int i, status;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return 1;
        }
        status = take_argument(argc, argv, &i, o);
        if (status != 1)
            return status;
    }
    if (gwlist_len(o->docs) == 0)
        return cmdline_usage_error("lint", "no document given (use - for stdin)");
    return 0;
}

/* -- one document ------------------------------------------------------------ */

/*
 * A document that could not be read or compiled, as its one finding:
 * cmdline_read's "NAME: cannot open: ..." without the name every line
 * starts with anyway, the compiler's "line N: cause" at line N.
 */
static List *document_error(const char *path, Octstr *error)
{
    LintFinding *f = gw_malloc(sizeof(*f));
    List *findings = gwlist_create();
    Octstr *name = octstr_format("%s: ", cmdline_input_name(path));
    Octstr *cause;

    if (octstr_ncompare(error, name, octstr_len(name)) == 0)
        octstr_delete(error, 0, octstr_len(name));
    cause = cmdline_line_cause(error, &f->line);
    f->severity = LINT_ERROR;
    f->message = escape_text(cause);
    gwlist_append(findings, f);
    octstr_destroy(cause);
    octstr_destroy(name);
    return findings;
}

static void count_sms(Report *r, Octstr *xml)
{
    Octstr *error = NULL;
    Octstr *wbxml = wbxml_compile(xml, &error);
    int i;

    gw_assert(wbxml != NULL);   /* lint_document() compiled it already */
    for (i = 0; i < MODE_COUNT; i++)
        r->sms[i] = lint_sms_count(wbxml, modes[i]);
    octstr_destroy(wbxml);
}

static Report *lint_one(const char *path, const LintOptions *options)
{
    Report *r = gw_malloc(sizeof(*r));
    Octstr *error = NULL, *name = octstr_create(cmdline_input_name(path));
    Octstr *xml = cmdline_read(path, &error);

    memset(r, 0, sizeof(*r));
    r->file = escape_text(name);
    if (xml != NULL)
        r->findings = lint_document(xml, options, &error);
    r->compiled = r->findings != NULL;
    if (r->compiled)
        count_sms(r, xml);
    else
        r->findings = document_error(path, error);
    octstr_destroy(error);
    octstr_destroy(xml);
    octstr_destroy(name);
    return r;
}

static void report_destroy(void *item)
{
    Report *r = item;

    octstr_destroy(r->file);
    lint_findings_destroy(r->findings);
    gw_free(r);
}

static long total(List *reports, LintSeverity severity)
{
    long i, n = 0;

    for (i = 0; i < gwlist_len(reports); i++)
        n += lint_count(((Report *) gwlist_get(reports, i))->findings, severity);
    return n;
}

/* -- text -------------------------------------------------------------------- */

static void text_finding(Octstr *out, Octstr *file, const LintFinding *f)
{
    if (f->line > 0)
        octstr_format_append(out, "%S:%ld: ", file, f->line);
    else
        octstr_format_append(out, "%S: ", file);
    octstr_format_append(out, "%s: %S\n", lint_severity_name(f->severity), f->message);
}

static void text_sms(Octstr *out, const Report *r)
{
    int i;

    octstr_format_append(out, "%S: SMS per recipient:", r->file);
    for (i = 0; i < MODE_COUNT; i++) {
        octstr_format_append(out, "%s %s", i == 0 ? "" : ",", sec_mode_name(modes[i]));
        if (r->sms[i] < 0)
            octstr_append_cstr(out, " >255");
        else
            octstr_format_append(out, " %ld", r->sms[i]);
    }
    octstr_append_char(out, '\n');
}

static const char *plural(long n)
{
    return n == 1 ? "" : "s";
}

static Octstr *text_output(List *reports)
{
    Octstr *out = octstr_create("");
    long i, j, errors = total(reports, LINT_ERROR), warnings = total(reports, LINT_WARNING);
    Report *r;

    for (i = 0; i < gwlist_len(reports); i++) {
        r = gwlist_get(reports, i);
        for (j = 0; j < gwlist_len(r->findings); j++)
            text_finding(out, r->file, gwlist_get(r->findings, j));
        if (r->compiled)
            text_sms(out, r);
    }
    octstr_format_append(out, "%ld error%s, %ld warning%s in %ld document%s\n",
                         errors, plural(errors), warnings, plural(warnings),
                         gwlist_len(reports), plural(gwlist_len(reports)));
    return out;
}

/* -- JSON -------------------------------------------------------------------- */

static void json_finding(Octstr *out, const LintFinding *f)
{
    if (f->line > 0)
        octstr_format_append(out, "{\"line\":%ld,", f->line);
    else
        octstr_append_cstr(out, "{\"line\":null,");
    octstr_format_append(out, "\"severity\":\"%s\",\"message\":",
                         lint_severity_name(f->severity));
    escape_append_json_shown(out, f->message);
    octstr_append_char(out, '}');
}

static void json_sms(Octstr *out, const Report *r)
{
    int i;

    if (!r->compiled) {
        octstr_append_cstr(out, "null");
        return;
    }
    octstr_append_char(out, '{');
    for (i = 0; i < MODE_COUNT; i++) {
        octstr_format_append(out, "%s\"%s\":", i == 0 ? "" : ",", sec_mode_name(modes[i]));
        if (r->sms[i] < 0)
            octstr_append_cstr(out, "null");
        else
            octstr_format_append(out, "%ld", r->sms[i]);
    }
    octstr_append_char(out, '}');
}

static void json_report(Octstr *out, const Report *r)
{
    long i;

    octstr_append_cstr(out, "{\"file\":");
    escape_append_json_shown(out, r->file);
    octstr_append_cstr(out, ",\"sms\":");
    json_sms(out, r);
    octstr_append_cstr(out, ",\"findings\":[");
    for (i = 0; i < gwlist_len(r->findings); i++) {
        if (i > 0)
            octstr_append_char(out, ',');
        json_finding(out, gwlist_get(r->findings, i));
    }
    octstr_append_cstr(out, "]}");
}

static Octstr *json_output(List *reports)
{
    Octstr *out = octstr_create("{\"documents\":[");
    long i;

    for (i = 0; i < gwlist_len(reports); i++) {
        if (i > 0)
            octstr_append_char(out, ',');
        json_report(out, gwlist_get(reports, i));
    }
    octstr_format_append(out, "],\"errors\":%ld,\"warnings\":%ld}\n",
                         total(reports, LINT_ERROR), total(reports, LINT_WARNING));
    return out;
}

/* -- the command --------------------------------------------------------------- */

static int run(const Options *o)
{
    List *reports = gwlist_create();
    Octstr *out, *error = NULL;
    long i;
    int status;

    for (i = 0; i < gwlist_len(o->docs); i++)
        gwlist_append(reports, lint_one(gwlist_get(o->docs, i), &o->lint));
    out = o->format == FORMAT_JSON ? json_output(reports) : text_output(reports);
    status = total(reports, LINT_ERROR) > 0 ? 1 : 0;
    if (cmdline_write(NULL, out, &error) < 0) {
        fprintf(stderr, "provctl lint: %s\n", octstr_get_cstr(error));
        status = 1;
    }
    octstr_destroy(error);
    octstr_destroy(out);
    gwlist_destroy(reports, report_destroy);
    return status;
}

int cmd_lint(int argc, char **argv)
{
    Options o;
    int status;

    memset(&o, 0, sizeof(o));
    o.format = FORMAT_TEXT;
    o.lint.sec = SEC_NONE;
    o.docs = gwlist_create();
    status = parse_options(argc, argv, &o);
    if (status == 0) {
        wbxml_init();
        status = run(&o);
        wbxml_shutdown();
    } else if (status == 1) {
        status = 0;
    }
    gwlist_destroy(o.docs, NULL);
    return status;
}
