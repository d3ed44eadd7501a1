/*
 * cmd_inspect.c - `provctl inspect`: take a captured push apart the way a
 * handset would. Finds the pushes in the input (capture.h), reassembles
 * each, shows its UDHs and WSP header, verifies the MAC when credentials
 * are given (exactly "MAC verified" or "MAC MISMATCH (computed ...)"), and
 * decodes the WBXML document to XML.
 *
 * --pin is what the handset user types: the PIN, or for USERPINMAC the
 * whole entry code (PIN followed by as many check digits). Exit status 0
 * when every push decoded (and verified, when credentials were given).
 */
#include <stdio.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "encode/push.h"
#include "encode/signer.h"
#include "encode/wbxml.h"
#include "tool/capture.h"
#include "tool/cmdline.h"
#include "tool/commands.h"
#include "tool/describe.h"

#define CONNECTIVITY_WBXML "application/vnd.wap.connectivity-wbxml"
#define ENTRY_CODE_MIN 8
#define ENTRY_CODE_MAX 32

typedef enum { FORMAT_TEXT, FORMAT_EXPLAIN, FORMAT_XML, FORMAT_HEX,
               FORMAT_BIN } Format;

typedef struct Options {
    Octstr *pin;
    Octstr *imsi;
    int sec_given;
    SecMode sec;
    Format format;
    int show_secrets;
    const char *input;
} Options;

/* Where inspecting one push writes: the report and the chosen output. */
typedef struct Result {
    Octstr *report;
    Octstr *output;
} Result;

static const char usage_text[] =
"usage: provctl inspect [--pin PIN] [--imsi IMSI] [--sec MODE]\n"
"                       [--format text|explain|xml|hex|bin]\n"
"                       [--show-secrets] [FILE|-]\n"
"\n"
"Takes captured OMA CP pushes apart: reassembles the SMS, shows each UDH\n"
"and the WSP header (content type, SEC, MAC), verifies the MAC when given\n"
"credentials and decodes the WBXML document to XML.\n"
"\n"
"Input (FILE, or stdin when absent or -), recognised automatically:\n"
"  - the raw WSP push PDU\n"
"  - `provctl compile --format sms` lines: UDHHEX PAYLOADHEX\n"
"  - the PDU as hex, whitespace ignored\n"
"  - fakesmsc lines: `Got message N: <sender receiver udh %06%05... data\n"
"    %01%06...>`, the same without the prefix, or fakesmsc's input form\n"
"    `sender receiver udh UDH DATA` (url-encoded, + = space)\n"
"  - bearerbox access-log lines in Kannel's default format, which carry\n"
"    [to:...], [msg:LEN:HEX] and [udh:LEN:HEX] for 8-bit messages (a custom\n"
"    access-log-format must keep those brackets); other log lines are\n"
"    skipped. Segments are grouped into pushes by recipient and\n"
"    concatenation reference.\n"
"\n"
"  --imsi IMSI       the IMSI, for NETWPIN and USERNETWPIN pushes\n"
"  --pin PIN         what the user types: the PIN for USERPIN and\n"
"                    USERNETWPIN; for USERPINMAC the whole entry code (the\n"
"                    PIN followed by as many check digits)\n"
"  --sec MODE        the security mode the push must carry (NETWPIN,\n"
"                    USERPIN, USERNETWPIN, USERPINMAC or NONE)\n"
"  --format F        text     report and the decoded XML (default)\n"
"                    explain  report and the WBXML token by token\n"
"                    xml      the decoded XML only (report on stderr)\n"
"                    hex      the reassembled PDU as hex (report on stderr)\n"
"                    bin      the reassembled PDU, raw; one push only\n"
"  --show-secrets    show the PIN inside entry codes\n"
"\n"
"Exit status: 0 every push decoded (and verified, when credentials were\n"
"given), 1 otherwise, 2 usage error.\n";

/* ------------------------------------------------------------- options */

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

static int set_sec(Options *o, const char *value)
{
    o->sec_given = 1;
    if (sec_mode_parse(octstr_imm(value), &o->sec) == 0)
        return 1;
    return cmdline_usage_error("inspect", "--sec %s: use NETWPIN, USERPIN, USERNETWPIN, "
                       "USERPINMAC or NONE", value);
}

static int set_format(Options *o, const char *value)
{
    static const char *const names[] = { "text", "explain", "xml", "hex",
                                         "bin" };
    int i;

    for (i = 0; i < 5; i++) {
        if (strcmp(value, names[i]) == 0) {
            o->format = (Format) i;
            return 1;
        }
    }
    return cmdline_usage_error("inspect", "--format %s: use text, explain, xml, hex or bin",
                       value);
}

static const struct {
    const char *name;
    int (*set)(Options *o, const char *value);
} valued_options[] = {
    { "--pin", set_pin }, { "--imsi", set_imsi }, { "--sec", set_sec },
    { "--format", set_format },
};

/* 1 taken, 2 usage error. */
static int take_argument(int argc, char **argv, int *i, Options *o)
{
    const char *arg = argv[*i], *value = NULL;
    size_t k;
    int found;

    if (strcmp(arg, "--show-secrets") == 0) {
        o->show_secrets = 1;
        return 1;
    }
    for (k = 0; k < sizeof(valued_options) / sizeof(valued_options[0]); k++) {
        found = cmdline_option(argc, argv, i, valued_options[k].name, &value);
        if (found < 0)
            return cmdline_usage_error("inspect", "%s needs a value", valued_options[k].name);
        if (found)
            return valued_options[k].set(o, value);
    }
    if (arg[0] == '-' && arg[1] != '\0')
        return cmdline_usage_error("inspect", "unknown option %s", arg);
    if (o->input != NULL)
        return cmdline_usage_error("inspect", "one input at a time (%s is extra)", arg);
    o->input = arg;
    return 1;
}

/* 0 go on, 1 help printed, 2 usage error. */
static int parse_options(int argc, char **argv, Options *o)
{
    int i, status;

    memset(o, 0, sizeof(*o));
    o->sec = SEC_NONE;
    o->format = FORMAT_TEXT;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return 1;
        }
        status = take_argument(argc, argv, &i, o);
        if (status != 1)
            return status;
    }
    if (o->input == NULL)
        o->input = "-";
    return 0;
}

/* -------------------------------------------------------- verification */

static int has_credentials(const Options *o)
{
    return o->pin != NULL || o->imsi != NULL;
}

/* The credentials this push's mode needs are there; else says which. */
static int credentials_present(const Options *o, SecMode sec, Octstr *report)
{
    if (sec_mode_needs_imsi(sec) && o->imsi == NULL) {
        octstr_format_append(report, "MAC not checked: SEC=%s needs --imsi\n",
                             sec_mode_name(sec));
        return 0;
    }
    if (sec_mode_needs_pin(sec) && o->pin == NULL) {
        octstr_format_append(report, "MAC not checked: SEC=%s needs --pin\n",
                             sec_mode_name(sec));
        return 0;
    }
    return 1;
}

/* Compare a computed MAC with the header's; 0 verified, -1 mismatch. */
static int compare_mac(Octstr *computed, const PushInfo *info, Octstr *report)
{
    if (info->mac_hex == NULL) {
        octstr_format_append(report, "MAC MISMATCH (computed %S; the push "
                             "carries no MAC)\n", computed);
        return -1;
    }
    if (octstr_case_compare(computed, info->mac_hex) != 0) {
        octstr_format_append(report, "MAC MISMATCH (computed %S)\n", computed);
        return -1;
    }
    octstr_append_cstr(report, "MAC verified\n");
    if (octstr_compare(computed, info->mac_hex) != 0)
        octstr_append_cstr(report, "note: the MAC is not in upper case; some "
                           "handsets compare it with upper-case hex only\n");
    return 0;
}

static int verify_header_mac(const Options *o, const PushInfo *info,
                             Octstr *pin, Octstr *report)
{
    Octstr *error = NULL;
    Octstr *computed = signer_mac(info->sec, pin, o->imsi, info->body, &error);
    int status;

    if (computed == NULL) {
        octstr_format_append(report, "MAC not checked: %S\n", error);
        octstr_destroy(error);
        return -1;
    }
    status = compare_mac(computed, info, report);
    octstr_destroy(computed);
    return status;
}

/* The entry code must be PIN + |PIN| digits; 0, or -1 with the reason. */
static int check_entry_code_form(Octstr *code, Octstr *report)
{
    long i, n = octstr_len(code);

    for (i = 0; i < n; i++)
        if (!gw_isdigit(octstr_get_char(code, i)))
            break;
    if (i < n || n % 2 != 0 || n < ENTRY_CODE_MIN || n > ENTRY_CODE_MAX) {
        octstr_format_append(report, "MAC not checked: for USERPINMAC, --pin "
                             "takes the entry code the user types: the PIN "
                             "followed by as many check digits (an even "
                             "number of digits, %d-%d); the one given has "
                             "%ld characters\n", ENTRY_CODE_MIN,
                             ENTRY_CODE_MAX, n);
        return -1;
    }
    return 0;
}

/* USERPINMAC: the entry code's check digits, and a header MAC if sent. */
static int verify_entry_code(const Options *o, const PushInfo *info,
                             Octstr *report)
{
    long pin_len = octstr_len(o->pin) / 2;
    Octstr *pin, *error = NULL, *shown;
    Signature *sig;
    int status = -1;

    if (check_entry_code_form(o->pin, report) < 0)
        return -1;
    pin = octstr_copy(o->pin, 0, pin_len);
    sig = signer_sign(SEC_USERPINMAC, pin, NULL, info->body, &error);
    if (sig == NULL) {
        octstr_format_append(report, "MAC not checked: %S\n", error);
    } else if (octstr_compare(sig->entry_code, o->pin) != 0) {
        shown = describe_entry_code(sig->entry_code, pin_len, o->show_secrets);
        octstr_format_append(report, "MAC MISMATCH (computed entry code %S)\n",
                             shown);
        octstr_destroy(shown);
    } else if (info->mac_hex == NULL) {
        octstr_append_cstr(report, "MAC verified\n");
        status = 0;
    } else {
        status = verify_header_mac(o, info, pin, report);
    }
    if (status == 0)
        octstr_append_cstr(report, "entry code: the check digits match the "
                           "document\n");
    signature_destroy(sig);
    octstr_destroy(pin);
    octstr_destroy(error);
    return status;
}

/* 0 verified or nothing asked, -1 not verified (the report says why). */
static int verify(const Options *o, const PushInfo *info, Octstr *report)
{
    if (!has_credentials(o)) {
        if (info->sec != SEC_NONE)
            octstr_append_cstr(report, "MAC not checked (give --pin and/or "
                               "--imsi to check it)\n");
        return 0;
    }
    if (info->sec == SEC_NONE) {
        octstr_append_cstr(report, "MAC not checked: credentials were given "
                           "but the push is unsigned\n");
        return -1;
    }
    if (!credentials_present(o, info->sec, report))
        return -1;
    if (info->sec == SEC_USERPINMAC)
        return verify_entry_code(o, info, report);
    return verify_header_mac(o, info, o->pin, report);
}

/* ----------------------------------------------------------- one push */

static int check_expected(const Options *o, const PushInfo *info,
                          Octstr *report)
{
    int status = 0;

    if (octstr_str_compare(info->content_type, CONNECTIVITY_WBXML) != 0) {
        octstr_format_append(report, "not an OMA CP push: content type %S, "
                             "not %s\n", info->content_type,
                             CONNECTIVITY_WBXML);
        status = -1;
    }
    if (o->sec_given && o->sec != info->sec) {
        octstr_format_append(report, "SEC MISMATCH: the push says %s, --sec "
                             "says %s\n", sec_mode_name(info->sec),
                             sec_mode_name(o->sec));
        status = -1;
    }
    return status;
}

/* The document as XML, or its tokens for --format explain. */
static int decode_document(const Options *o, const PushInfo *info,
                           Result *result)
{
    Octstr *error = NULL, *text;

    text = o->format == FORMAT_EXPLAIN ? wbxml_explain(info->body, &error)
                                       : wbxml_decode(info->body, &error);
    if (text == NULL) {
        octstr_format_append(result->report, "document (%ld octets of WBXML) "
                             "does not decode: %S\n", octstr_len(info->body),
                             error);
        octstr_destroy(error);
        return -1;
    }
    if (o->format == FORMAT_XML) {
        octstr_append(result->output, text);
    } else if (o->format != FORMAT_HEX && o->format != FORMAT_BIN) {
        octstr_format_append(result->report, "document (%ld octets of "
                             "WBXML):\n%S", octstr_len(info->body), text);
    }
    octstr_destroy(text);
    return 0;
}

static void add_pdu_output(const Options *o, Octstr *pdu, Result *result)
{
    Octstr *hex;

    if (o->format == FORMAT_BIN) {
        octstr_append(result->output, pdu);
    } else if (o->format == FORMAT_HEX) {
        hex = octstr_duplicate(pdu);
        octstr_binary_to_hex(hex, 1);
        octstr_format_append(result->output, "%S\n", hex);
        octstr_destroy(hex);
    }
}

/* Parse, check, verify and decode one PDU; 0 all well, -1 otherwise. */
static int inspect_pdu(const Options *o, Octstr *pdu, Result *result)
{
    Octstr *error = NULL;
    PushInfo *info = push_pdu_parse(pdu, &error);
    int status;

    if (info == NULL) {
        octstr_format_append(result->report, "WSP: not a valid push PDU: %S\n",
                             error);
        octstr_destroy(error);
        return -1;
    }
    describe_push(result->report, info);
    add_pdu_output(o, pdu, result);
    status = check_expected(o, info, result->report);
    if (verify(o, info, result->report) < 0)
        status = -1;
    if (octstr_str_compare(info->content_type, CONNECTIVITY_WBXML) == 0
        && decode_document(o, info, result) < 0)
        status = -1;
    push_info_destroy(info);
    return status;
}

static void describe_captures(List *captures, Octstr *report)
{
    Capture *c;
    Octstr *origin;
    long i, n = gwlist_len(captures);

    for (i = 0; i < n; i++) {
        c = gwlist_get(captures, i);
        origin = octstr_format("(line %ld)", c->line);
        describe_segment(report, c->segment, i, n, octstr_get_cstr(origin));
        octstr_destroy(origin);
    }
}

/* Reassemble one push from its captured segments, then inspect the PDU. */
static int inspect_captures(const Options *o, List *captures, Result *result)
{
    List *segments = gwlist_create();
    Octstr *error = NULL, *pdu;
    int status;
    long i;

    describe_captures(captures, result->report);
    for (i = 0; i < gwlist_len(captures); i++)
        gwlist_append(segments, ((Capture *) gwlist_get(captures, i))->segment);
    pdu = push_reassemble(segments, &error);
    gwlist_destroy(segments, NULL);
    if (pdu == NULL) {
        octstr_format_append(result->report, "REASSEMBLY FAILED: %S\n", error);
        octstr_destroy(error);
        return -1;
    }
    octstr_format_append(result->report, "reassembled: %ld octets\n",
                         octstr_len(pdu));
    status = inspect_pdu(o, pdu, result);
    octstr_destroy(pdu);
    return status;
}

/* ---------------------------------------------------------- the input */

static int inspect_set(const Options *o, CaptureSet *set, Result *result)
{
    List *captures;
    Capture *first;
    long i, n;
    int status = 0;

    octstr_format_append(result->report, "input: %s (%s)\n",
                         cmdline_input_name(o->input), set->format);
    if (set->pdu != NULL)
        return inspect_pdu(o, set->pdu, result);
    n = gwlist_len(set->pushes);
    if (set->skipped > 0)
        octstr_format_append(result->report, "skipped: %ld messages that are "
                             "not WAP pushes\n", set->skipped);
    for (i = 0; i < n; i++) {
        captures = gwlist_get(set->pushes, i);
        first = gwlist_get(captures, 0);
        octstr_format_append(result->report, "\npush %ld of %ld%s%S: %ld "
                             "segment%s\n", i + 1, n,
                             first->receiver ? " to " : "",
                             first->receiver ? first->receiver : octstr_imm(""),
                             gwlist_len(captures),
                             gwlist_len(captures) == 1 ? "" : "s");
        if (inspect_captures(o, captures, result) < 0)
            status = -1;
    }
    return status;
}

static int pushes_in(const CaptureSet *set)
{
    return set->pdu != NULL ? 1 : gwlist_len(set->pushes);
}

static int write_result(const Options *o, Result *result)
{
    Octstr *error = NULL;
    int to_stdout = o->format == FORMAT_TEXT || o->format == FORMAT_EXPLAIN;

    fputs(octstr_get_cstr(result->report), to_stdout ? stdout : stderr);
    fflush(stdout);
    if (to_stdout || cmdline_write(NULL, result->output, &error) == 0)
        return 0;
    fprintf(stderr, "provctl inspect: %s\n", octstr_get_cstr(error));
    octstr_destroy(error);
    return -1;
}

static int run(const Options *o)
{
    Octstr *input, *error = NULL, *located;
    CaptureSet *set = NULL;
    Result result = { NULL, NULL };
    int status = 1;

    input = cmdline_read(o->input, &error);
    if (input != NULL && (set = capture_read(input, &error)) == NULL) {
        located = cmdline_locate(o->input, error);
        octstr_destroy(error);
        error = located;
    }
    if (set != NULL && o->format == FORMAT_BIN && pushes_in(set) != 1) {
        error = octstr_format("provctl inspect: --format bin writes one "
                              "push; the input has %d", pushes_in(set));
    } else if (set != NULL) {
        result.report = octstr_create("");
        result.output = octstr_create("");
        status = inspect_set(o, set, &result) < 0 ? 1 : 0;
        if (write_result(o, &result) < 0)
            status = 1;
    }
    if (error != NULL)
        fprintf(stderr, "%s\n", octstr_get_cstr(error));
    octstr_destroy(error);
    octstr_destroy(result.report);
    octstr_destroy(result.output);
    capture_set_destroy(set);
    octstr_destroy(input);
    return status;
}

int cmd_inspect(int argc, char **argv)
{
    Options o;
    int status = parse_options(argc, argv, &o);

    if (status == 0) {
        wbxml_init();
        status = run(&o);
        wbxml_shutdown();
    } else if (status == 1) {
        status = 0;
    }
    octstr_destroy(o.pin);
    octstr_destroy(o.imsi);
    return status;
}
