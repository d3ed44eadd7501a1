/*
 * cmd_compile.c - `provctl compile`: an OMA CP document -> WBXML -> signed
 * WSP push -> SMS segments, exactly as provbox sends it (through the
 * daemon's own encode/message.h, with --ref's reference), written as the raw
 * PDU, hex, one `UDHHEX PAYLOADHEX` line per SMS, or an explanation of
 * every byte (tokens, key, MAC, entry code, header, segments) with lint's
 * findings for the document sent in that mode.
 *
 * The security mode is required: like a job's Sec: header, provbox never
 * guesses it. Secrets (key bytes, the PIN inside an entry code) are masked
 * unless --show-secrets is given.
 *
 * A document with {{NAME}} placeholders is compiled as provbox compiles a
 * job's (encode/template.h) and filled with the --var NAME=VALUE options,
 * written and checked as a To: line's var.NAME=VALUE (spool/job_vars.h):
 * the message one recipient would get. Every placeholder needs a --var and
 * every --var a placeholder. Messages name placeholders, never values.
 */
#include <stdio.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "encode/message.h"
#include "encode/push.h"
#include "encode/wbxml.h"
#include "lint/lint.h"
#include "spool/job_vars.h"
#include "tool/cmdline.h"
#include "tool/commands.h"
#include "tool/describe.h"

typedef enum { FORMAT_HEX, FORMAT_BIN, FORMAT_SMS, FORMAT_EXPLAIN } Format;

typedef struct Options {
    int sec_given;
    SecMode sec;
    Octstr *pin;
    Octstr *imsi;
    Format format;
    long max_segments;
    long ref;
    int ref_given;
    int ref_16bit;
    int show_secrets;
    const char *out;
    const char *doc;
    List *vars;             /* --var (JobVar*), in order */
} Options;

/* What compiling one document produced. */
typedef struct Compiled {
    Octstr *xml;
    Octstr *wbxml;
    Message *message;       /* signed, pushed and split */
} Compiled;

static const char usage_text[] =
"usage: provctl compile --sec MODE [--pin PIN] [--imsi IMSI]\n"
"                       [--var NAME=VALUE ...]\n"
"                       [--type oma-settings] [--format hex|bin|sms|explain]\n"
"                       [--max-segments N] [--ref N] [--ref16]\n"
"                       [--show-secrets] [--out FILE] DOC.xml|-\n"
"\n"
"Compiles an OMA Client Provisioning document to WBXML, signs it and packs\n"
"it into a WSP push and SMS segments, exactly as provbox sends it.\n"
"\n"
"  --sec MODE        required (provbox never guesses it):\n"
"                    NETWPIN      key from --imsi\n"
"                    USERPIN      key from --pin\n"
"                    USERNETWPIN  key from --imsi and --pin\n"
"                    USERPINMAC   key from --pin; explain shows the entry code\n"
"                                 the user types (PIN + check digits)\n"
"                    NONE         unsigned (many handsets ignore it)\n"
"  --pin PIN         4-16 decimal digits\n"
"  --imsi IMSI       6-15 decimal digits\n"
"  --var NAME=VALUE  fill the document's {{NAME}} placeholders as for one\n"
"                    recipient; VALUE percent-encoded as on a job's To: line\n"
"                    (%20 a blank, %25 '%'); repeat for each placeholder\n"
"  --type TYPE       oma-settings, the only type (and the default)\n"
"  --format F        hex      the WSP push PDU as hex (default)\n"
"                    bin      the WSP push PDU, raw\n"
"                    sms      one line per SMS: UDHHEX PAYLOADHEX\n"
"                    explain  lint's findings (as provctl lint --sec MODE),\n"
"                             WBXML token by token, key, MAC, entry code,\n"
"                             WSP header and SMS segments\n"
"  --max-segments N  refuse documents that need more SMS (1-255, default 20)\n"
"  --ref N           concatenation reference, 0-255 (0-65535 with --ref16);\n"
"                    default: random\n"
"  --ref16           16-bit reference: 127 payload octets per SMS, not 128\n"
"  --show-secrets    explain: show key bytes and the whole entry code\n"
"  --out FILE        write to FILE instead of stdout\n"
"\n"
"Exit status: 0 done, 1 the document was rejected (FILE:LINE: cause),\n"
"2 usage error.\n";

/* Option setters: 1 taken, 2 usage error (printed). */
static int set_sec(Options *o, const char *value)
{
    o->sec_given = 1;
    if (sec_mode_parse(octstr_imm(value), &o->sec) == 0)
        return 1;
    return cmdline_usage_error("compile", "--sec %s: use NETWPIN, USERPIN, USERNETWPIN, "
                       "USERPINMAC or NONE", value);
}

static int set_pin(Options *o, const char *value)
{
    octstr_destroy(o->pin);
    o->pin = octstr_create(value);
    return 1;
}

static int set_imsi(Options *o, const char *value)
{
    octstr_destroy(o->imsi);
    o->imsi = octstr_create(value);
    return 1;
}

static int set_var(Options *o, const char *value)
{
    JobVar *var;
    Octstr *why = job_var_parse("", octstr_imm(value), &var);
    int status;

    if (why == NULL && job_var_find(o->vars, var->name) != NULL) {
        why = octstr_format("%S= given twice", var->name);
        job_var_destroy(var);
    }
    if (why != NULL) {
        status = cmdline_usage_error("compile", "--var: %s", octstr_get_cstr(why));
        octstr_destroy(why);
        return status;
    }
    gwlist_append(o->vars, var);
    return 1;
}

static int set_type(Options *o, const char *value)
{
    (void) o;
    if (strcmp(value, "oma-settings") == 0)
        return 1;
    return cmdline_usage_error("compile", "--type %s: only oma-settings is supported", value);
}

static int set_format(Options *o, const char *value)
{
    static const char *const names[] = { "hex", "bin", "sms", "explain" };
    int i;

    for (i = 0; i < 4; i++) {
        if (strcmp(value, names[i]) == 0) {
            o->format = (Format) i;
            return 1;
        }
    }
    return cmdline_usage_error("compile", "--format %s: use hex, bin, sms or explain", value);
}

static int set_max_segments(Options *o, const char *value)
{
    if (cmdline_number(value, 1, PUSH_MAX_SEGMENTS_LIMIT,
                       &o->max_segments) == 0)
        return 1;
    return cmdline_usage_error("compile", "--max-segments %s: use a number from 1 to %d", value,
                       PUSH_MAX_SEGMENTS_LIMIT);
}

static int set_ref(Options *o, const char *value)
{
    o->ref_given = 1;
    if (cmdline_number(value, 0, 0xFFFF, &o->ref) == 0)
        return 1;
    return cmdline_usage_error("compile", "--ref %s: use a number from 0 to 255 (65535 with "
                       "--ref16)", value);
}

static int set_out(Options *o, const char *value)
{
    o->out = value;
    return 1;
}

static const struct {
    const char *name;
    int (*set)(Options *o, const char *value);
} valued_options[] = {
    { "--sec", set_sec }, { "--pin", set_pin }, { "--imsi", set_imsi },
    { "--var", set_var }, { "--type", set_type }, { "--format", set_format },
    { "--max-segments", set_max_segments }, { "--ref", set_ref },
    { "--out", set_out },
};

/* One option with a value; 1 taken, 0 not one of them, 2 usage error. */
static int take_valued_option(int argc, char **argv, int *i, Options *o)
{
    const char *value = NULL;
    size_t k;
    int found;

    for (k = 0; k < sizeof(valued_options) / sizeof(valued_options[0]); k++) {
        found = cmdline_option(argc, argv, i, valued_options[k].name, &value);
        if (found < 0)
            return cmdline_usage_error("compile", "%s needs a value", valued_options[k].name);
        if (found)
            return valued_options[k].set(o, value);
    }
    return 0;
}

static int take_argument(int argc, char **argv, int *i, Options *o)
{
    const char *arg = argv[*i];
    int taken;

    if (strcmp(arg, "--ref16") == 0) {
        o->ref_16bit = 1;
        return 1;
    }
    if (strcmp(arg, "--show-secrets") == 0) {
        o->show_secrets = 1;
        return 1;
    }
    taken = take_valued_option(argc, argv, i, o);
    if (taken != 0)
        return taken;
    if (arg[0] == '-' && arg[1] != '\0')
        return cmdline_usage_error("compile", "unknown option %s", arg);
    if (o->doc != NULL)
        return cmdline_usage_error("compile", "one document at a time (%s is extra)", arg);
    o->doc = arg;
    return 1;
}

/* Cross-checks once every option is known; 0 or 2. */
static int check_options(Options *o)
{
    Octstr *error = NULL;
    int status;

    if (o->doc == NULL)
        return cmdline_usage_error("compile", "no document given (use - for stdin)");
    if (!o->sec_given)
        return cmdline_usage_error("compile", "--sec is required: NETWPIN, USERPIN, USERNETWPIN, "
                           "USERPINMAC or NONE (provbox never guesses the "
                           "security mode)");
    if (o->pin != NULL && !sec_mode_needs_pin(o->sec))
        return cmdline_usage_error("compile", "--pin is not used by --sec %s",
                           sec_mode_name(o->sec));
    if (o->imsi != NULL && !sec_mode_needs_imsi(o->sec))
        return cmdline_usage_error("compile", "--imsi is not used by --sec %s",
                           sec_mode_name(o->sec));
    if (o->ref_given && !o->ref_16bit && o->ref > 0xFF)
        return cmdline_usage_error("compile", "--ref %ld: an 8-bit reference is 0-255 (or use "
                           "--ref16)", o->ref);
    if (sec_mode_check_credentials(o->sec, o->pin, o->imsi, &error) < 0) {
        status = cmdline_usage_error("compile", "%s", octstr_get_cstr(error));
        octstr_destroy(error);
        return status;
    }
    return 0;
}

static void options_init(Options *o)
{
    memset(o, 0, sizeof(*o));
    o->sec = SEC_NONE;
    o->format = FORMAT_HEX;
    o->max_segments = PUSH_DEFAULT_MAX_SEGMENTS;
    o->vars = gwlist_create();
}

static void options_destroy(Options *o)
{
    octstr_destroy(o->pin);
    octstr_destroy(o->imsi);
    gwlist_destroy(o->vars, job_var_destroy);
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
    if (check_options(o) != 0)
        return 2;
    if (!o->ref_given)
        o->ref = gw_rand() & (o->ref_16bit ? 0xFFFF : 0xFF);
    return 0;
}

static void compiled_destroy(Compiled *c)
{
    octstr_destroy(c->xml);
    octstr_destroy(c->wbxml);
    message_destroy(c->message);
}

/* Every --var names a placeholder: NULL, or why not. */
static Octstr *unused_var(const Options *o, List *names)
{
    JobVar *var;
    long i, k;

    for (i = 0; i < gwlist_len(o->vars); i++) {
        var = gwlist_get(o->vars, i);
        for (k = 0; k < gwlist_len(names); k++)
            if (octstr_compare(gwlist_get(names, k), var->name) == 0)
                break;
        if (k == gwlist_len(names))
            return octstr_format("--var %S=: the document has no placeholder {{%S}}",
                                 var->name, var->name);
    }
    return NULL;
}

/* The template filled with the --var values: the WBXML, or NULL + *cause
 * ("line N: ..." for a placeholder without a --var). */
static Octstr *fill(const Options *o, WbxmlTemplate *t, Octstr **cause)
{
    List *names = wbxml_template_names(t);
    long k, n = gwlist_len(names);
    Octstr **values = gw_malloc((n + 1) * sizeof(*values)), *wbxml = NULL;
    JobVar *var = NULL;

    for (k = 0; k < n; k++) {
        if ((var = job_var_find(o->vars, gwlist_get(names, k))) == NULL)
            break;
        values[k] = var->value;
    }
    if (k < n)
        *cause = octstr_format("line %ld: placeholder {{%S}} has no value (give --var %S=...)",
                               wbxml_template_line(t, k), gwlist_get(names, k),
                               gwlist_get(names, k));
    else if ((*cause = unused_var(o, names)) == NULL)
        wbxml = wbxml_template_fill(t, values, cause);
    gw_free(values);
    return wbxml;
}

/* The filled document signed, pushed and split as provbox sends it. */
static Message *encode(const Options *o, Octstr *wbxml, Octstr **cause)
{
    MessageSpec spec = {
        .type = DOC_OMA_SETTINGS, .wbxml = wbxml, .sec = o->sec, .pin = o->pin,
        .imsi = o->imsi, .ref = o->ref, .ref_16bit = o->ref_16bit,
        .max_segments = o->max_segments,
    };

    return message_encode(&spec, cause);
}

/* Read, compile, fill, sign, pack and split; 0, or -1 + *error ("FILE:LINE: cause"). */
static int compile_document(const Options *o, Compiled *c, Octstr **error)
{
    Octstr *cause = NULL;
    WbxmlTemplate *t;

    memset(c, 0, sizeof(*c));
    c->xml = cmdline_read(o->doc, error);
    if (c->xml == NULL)
        return -1;
    t = message_compile(DOC_OMA_SETTINGS, c->xml, &cause);
    if (t != NULL)
        c->wbxml = fill(o, t, &cause);
    wbxml_template_destroy(t);
    if (c->wbxml != NULL)
        c->message = encode(o, c->wbxml, &cause);
    if (c->message == NULL) {
        *error = cmdline_locate(o->doc, cause);
        octstr_destroy(cause);
        return -1;
    }
    return 0;
}

static Octstr *sms_lines(List *segments)
{
    Octstr *out = octstr_create(""), *udh, *payload;
    PushSegment *s;
    long i;

    for (i = 0; i < gwlist_len(segments); i++) {
        s = gwlist_get(segments, i);
        udh = octstr_duplicate(s->udh);
        payload = octstr_duplicate(s->payload);
        octstr_binary_to_hex(udh, 1);
        octstr_binary_to_hex(payload, 1);
        octstr_format_append(out, "%S %S\n", udh, payload);
        octstr_destroy(udh);
        octstr_destroy(payload);
    }
    return out;
}

static const char *key_source(SecMode mode)
{
    switch (mode) {
    case SEC_NETWPIN:
        return "the IMSI as EF_IMSI semi-octets";
    case SEC_USERNETWPIN:
        return "the IMSI as EF_IMSI semi-octets, then the PIN's ASCII digits";
    default:
        return "the PIN's ASCII digits";
    }
}

/* Firefox OS / KaiOS pad an IMSI of under 15 digits with 0 where the SIM
 * form has F (doc/security-modes.md): their NETWPIN check then fails. */
static void explain_short_imsi(Octstr *out, const Options *o)
{
    if (!sec_mode_needs_imsi(o->sec) || octstr_len(o->imsi) >= 15)
        return;
    octstr_format_append(out, "warning: the IMSI has %ld digits: Firefox OS / KaiOS phones "
                         "pad an IMSI shorter than 15 digits with 0 instead of F, so their "
                         "NETWPIN check fails (and they do not check USERNETWPIN at all); "
                         "see doc/security-modes.md\n", octstr_len(o->imsi));
}

static void explain_key(Octstr *out, const Options *o)
{
    Octstr *error = NULL;
    Octstr *key = signer_key(o->sec, o->pin, o->imsi, &error);
    Octstr *shown;

    gw_assert(key != NULL);   /* the credentials were checked with the options */
    shown = describe_key(key, o->show_secrets);

    if (o->show_secrets)
        octstr_format_append(out, "key: %S (%s: %s)\n", shown,
                             sec_mode_name(o->sec), key_source(o->sec));
    else
        octstr_format_append(out, "key: %S (%s, masked; --show-secrets shows "
                             "them): %s\n", shown, sec_mode_name(o->sec),
                             key_source(o->sec));
    octstr_destroy(shown);
    octstr_destroy(key);
    explain_short_imsi(out, o);
}

static void explain_entry_code(Octstr *out, const Options *o,
                               const Signature *sig)
{
    long pin_len = octstr_len(o->pin);
    Octstr *shown = describe_entry_code(sig->entry_code, pin_len,
                                        o->show_secrets);
    Octstr *digits = octstr_copy(sig->entry_code, pin_len, pin_len);

    octstr_append_cstr(out, "MAC: not sent: the entry code authenticates, and "
                       "HMAC(PIN, WBXML) in the header would let anyone who "
                       "sees the SMS guess the PIN offline\n");
    octstr_format_append(out, "entry code: %S (the user types the PIN, then "
                         "%S%s)\n", shown, digits, o->show_secrets ? ""
                         : "; --show-secrets shows it whole");
    octstr_destroy(shown);
    octstr_destroy(digits);
}

static void explain_security(Octstr *out, const Options *o, const Compiled *c)
{
    if (o->sec == SEC_NONE) {
        octstr_append_cstr(out, "security: NONE: unsigned; many handsets "
                           "ignore or refuse unsigned provisioning\n");
        return;
    }
    octstr_format_append(out, "security: %s\n", sec_mode_name(o->sec));
    explain_key(out, o);
    if (o->sec == SEC_USERPINMAC)
        explain_entry_code(out, o, c->message->sig);
    else
        octstr_format_append(out, "MAC: %S = HMAC-SHA1(key, the %ld WBXML "
                             "octets)\n", c->message->sig->mac_hex,
                             octstr_len(c->wbxml));
}

static void explain_packing(Octstr *out, const Options *o, const Compiled *c)
{
    Octstr *error = NULL, *pdu = c->message->pdu;
    PushInfo *info = push_pdu_parse(pdu, &error);
    long i, n = gwlist_len(c->message->segments);

    gw_assert(info != NULL);
    octstr_format_append(out, "\npush PDU: %ld octets = %ld header + %ld "
                         "WBXML\n", octstr_len(pdu),
                         octstr_len(pdu) - octstr_len(c->wbxml),
                         octstr_len(c->wbxml));
    describe_push(out, info);
    octstr_format_append(out, "\nSMS: %ld segment%s (max-segments %ld)\n", n,
                         n == 1 ? "" : "s", o->max_segments);
    for (i = 0; i < n; i++)
        describe_segment(out, gwlist_get(c->message->segments, i), i, n, NULL);
    push_info_destroy(info);
}

/* What provctl lint --sec MODE says about the document. */
static void explain_lint(Octstr *out, const Options *o, const Compiled *c)
{
    LintOptions options = { 1, o->sec };
    Octstr *error = NULL, *line;
    List *findings = lint_document(c->xml, &options, &error);
    long i;

    gw_assert(findings != NULL);   /* the document compiled */
    octstr_format_append(out, "lint (as sent with %s):%s\n", sec_mode_name(o->sec),
                         gwlist_len(findings) == 0 ? " no findings" : "");
    for (i = 0; i < gwlist_len(findings); i++) {
        line = lint_finding_format(gwlist_get(findings, i));
        octstr_format_append(out, "line %S\n", line);
        octstr_destroy(line);
    }
    lint_findings_destroy(findings);
}

static Octstr *explanation(const Options *o, const Compiled *c,
                           Octstr **error)
{
    Octstr *cause = NULL, *out;
    Octstr *tokens = wbxml_explain(c->wbxml, &cause);

    if (tokens == NULL) {
        *error = cmdline_locate(o->doc, cause);
        octstr_destroy(cause);
        return NULL;
    }
    out = octstr_format("document: %s, %ld octets of XML -> %ld octets of "
                        "WBXML\n\n", cmdline_input_name(o->doc),
                        octstr_len(c->xml), octstr_len(c->wbxml));
    explain_lint(out, o, c);
    octstr_format_append(out, "\nWBXML, token by token:\n%S\n", tokens);
    explain_security(out, o, c);
    explain_packing(out, o, c);
    octstr_destroy(tokens);
    return out;
}

static Octstr *formatted(const Options *o, const Compiled *c, Octstr **error)
{
    Octstr *out;

    switch (o->format) {
    case FORMAT_BIN:
        return octstr_duplicate(c->message->pdu);
    case FORMAT_SMS:
        return sms_lines(c->message->segments);
    case FORMAT_EXPLAIN:
        return explanation(o, c, error);
    default:
        out = octstr_duplicate(c->message->pdu);
        octstr_binary_to_hex(out, 1);
        octstr_append_char(out, '\n');
        return out;
    }
}

static int run(const Options *o)
{
    Compiled c;
    Octstr *error = NULL, *out = NULL;
    int status = 1;

    if (o->sec == SEC_NONE)
        fprintf(stderr, "provctl compile: warning: --sec NONE sends the "
                "document unsigned; many handsets ignore or refuse it\n");
    if (compile_document(o, &c, &error) == 0
        && (out = formatted(o, &c, &error)) != NULL
        && cmdline_write(o->out, out, &error) == 0)
        status = 0;
    if (error != NULL)
        fprintf(stderr, "%s\n", octstr_get_cstr(error));
    octstr_destroy(error);
    octstr_destroy(out);
    compiled_destroy(&c);
    return status;
}

int cmd_compile(int argc, char **argv)
{
    Options o;
    int status;

    options_init(&o);
    status = parse_options(argc, argv, &o);
    if (status == 0) {
        wbxml_init();
        status = run(&o);
        wbxml_shutdown();
    } else if (status == 1) {
        status = 0;
    }
    options_destroy(&o);
    return status;
}
