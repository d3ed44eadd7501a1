/*
 * job.c - parses and writes job files (format: job.h, doc/job-format.md).
 *
 * job_parse() works in three steps: the header lines one at a time (bytes,
 * syntax, names, duplicates, each value on its own), the document after the
 * empty line, then the checks that need the whole job (required headers,
 * conflicts, duplicate recipients, every recipient's credentials against
 * the security mode through sec_mode_check_credentials()).
 *
 * Messages start with "line N: " when one line is at fault. They name
 * headers, options and recipients' MSISDNs (which the status file shows
 * anyway) but never repeat any other value, so no PIN or IMSI can leak
 * through them, not even one typed into the wrong header.
 *
 * Conflicting fields: a PIN (Pin: or pin=) under a mode that uses none
 * (NONE, NETWPIN), or an IMSI (IMSI: or imsi=) under a mode that uses none
 * (NONE, USERPIN, USERPINMAC). The operator meant one kind of protection
 * and would silently get another. The same MSISDN on two To: lines is an
 * error too: every recipient has exactly one line in the status file. So
 * is Lint: on a legacy type (settings, bookmarks, syncsettings): lint reads
 * OMA CP documents only, and `Lint: strict` there would silently check
 * nothing.
 *
 * Variables (var.NAME=VALUE on a To: line, Var: NAME=VALUE headers) are
 * read here with job_vars.c's syntax; whether they fit the document's
 * placeholders is job_vars_check()'s, once the document is compiled.
 *
 * Recipients stay in the text: the Job keeps the offset of each To: value
 * (job.h). Duplicates are found through a table of recipient indices keyed
 * by a hash of the MSISDN's bytes (4 bytes a slot, two slots a recipient,
 * freed after the parse); equal hashes are told apart by comparing the
 * MSISDNs themselves. Line numbers for messages are counted when needed.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gwlib/gwlib.h"
#include "spool/job.h"
#include "spool/spool.h"
#include "lint/lint.h"

#define MAX_LINE 1024             /* bytes in one header line */
#define MAX_HEADER_NAME 32
#define MAX_ID 128
#define MAX_SMSC_ID 64
#define MAX_SENDER_DIGITS 20
#define MAX_SENDER_NAME 11        /* an alphanumeric GSM originator */
#define MAX_VALIDITY 635040L      /* 63 weeks: the longest GSM validity */
#define DEFAULT_TYPE "oma-settings"
#define TIME_EXAMPLE "2026-11-26T10:00:00Z"

enum {
    H_TO, H_SEC, H_PIN, H_IMSI, H_FROM, H_TYPE, H_SMSC, H_DLR,
    H_VALIDITY, H_PRIORITY, H_NOT_BEFORE, H_RATE, H_SEND_WINDOW, H_ID, H_RESEND_OF, H_LINT,
    H_VAR, H_COUNT
};

/* A header's value setter: NULL on success, else why the value is wrong. */
typedef Octstr *(*HeaderSetter)(Job *job, Octstr *value);

typedef struct Parser {
    Octstr *text;
    long pos;              /* start of the next line */
    long line;             /* number of the line last read */
    long line_start;       /* offset of the line last read */
    long value_at;         /* offset of its value (after the colon) */
    long seen[H_COUNT];    /* line of each header's first use, 0 = absent */
    long to_size;          /* room in job->to_values */
} Parser;

static Octstr *at_line(long line, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static Octstr *at_line(long line, const char *fmt, ...)
{
    va_list ap;
    Octstr *what, *reason;

    va_start(ap, fmt);
    what = octstr_format_valist(fmt, ap);
    va_end(ap);
    reason = octstr_format("line %ld: %S", line, what);
    octstr_destroy(what);
    return reason;
}

static int all_digits(Octstr *s, long from)
{
    return octstr_len(s) > from
           && octstr_check_range(s, from, octstr_len(s) - from, gw_isdigit);
}

int job_msisdn_ok(Octstr *s)
{
    long digits_from = octstr_get_char(s, 0) == '+' ? 1 : 0;
    long digits = octstr_len(s) - digits_from;

    return digits >= 3 && digits <= 20 && all_digits(s, digits_from);
}

/* A plain decimal number in [min, max], no sign, no blanks. */
static int parse_number(Octstr *s, long min, long max, long *out)
{
    long n;

    if (!all_digits(s, 0) || octstr_len(s) > 9
        || octstr_parse_long(&n, s, 0, 10) < 0 || n < min || n > max)
        return -1;
    *out = n;
    return 0;
}

/* ---- recipients ---- */

void job_recipient_clear(Recipient *r)
{
    octstr_destroy(r->msisdn);
    octstr_destroy(r->imsi);
    octstr_destroy(r->pin);
    if (r->vars != NULL)
        gwlist_destroy(r->vars, job_var_destroy);
    r->msisdn = r->imsi = r->pin = NULL;
    r->vars = NULL;
}

static int letter(int c)
{
    return isalpha(c);
}

/* The option name is repeated only when it cannot be a secret (letters). */
static Octstr *unknown_option(Octstr *key)
{
    if (octstr_len(key) > 0 && octstr_len(key) <= 16
        && octstr_check_range(key, 0, octstr_len(key), letter))
        return octstr_format("unknown option '%S=' (expected imsi=, pin= or var.NAME=)",
                             key);
    return octstr_create("unknown option (expected imsi=, pin= or var.NAME=)");
}

/* A `var.NAME=VALUE` word (after its "var."), added to r->vars. */
static Octstr *add_var(Recipient *r, Octstr *text)
{
    JobVar *var;
    Octstr *reason = job_var_parse("var.", text, &var);

    if (reason != NULL)
        return reason;
    if (job_var_find(r->vars, var->name) != NULL) {
        reason = octstr_format("var.%S= given twice", var->name);
        job_var_destroy(var);
        return reason;
    }
    if (r->vars == NULL)
        r->vars = gwlist_create();
    gwlist_append(r->vars, var);
    return NULL;
}

static int is_var_word(Octstr *word)
{
    return octstr_len(word) >= 4 && strncasecmp(octstr_get_cstr(word), "var.", 4) == 0;
}

/* One `imsi=...` or `pin=...` word after the MSISDN of a To: line. */
static Octstr *set_override(Recipient *r, Octstr *word)
{
    long eq = octstr_search_char(word, '=', 0);
    Octstr *key, **slot = NULL, *reason = NULL;
    const char *option;

    if (is_var_word(word)) {
        key = octstr_copy(word, 4, octstr_len(word));
        reason = add_var(r, key);
        octstr_destroy(key);
        return reason;
    }
    if (eq < 0)
        return octstr_create("unexpected text after the number "
                             "(expected imsi=..., pin=... or var.NAME=...)");
    key = octstr_copy(word, 0, eq);
    option = octstr_str_case_compare(key, "imsi") == 0 ? "imsi"
             : octstr_str_case_compare(key, "pin") == 0 ? "pin" : NULL;
    if (option != NULL)
        slot = option[0] == 'i' ? &r->imsi : &r->pin;
    if (option == NULL)
        reason = unknown_option(key);
    else if (*slot != NULL)
        reason = octstr_format("%s= given twice", option);
    else if (eq + 1 == octstr_len(word))
        reason = octstr_format("%s= has no value", option);
    else
        *slot = octstr_copy(word, eq + 1, octstr_len(word));
    octstr_destroy(key);
    return reason;
}

/* ---- header values ---- */

/* A To: value into *r: NULL, or why it is wrong (and *r left empty). */
static Octstr *parse_to_value(Octstr *value, Recipient *r)
{
    List *words = octstr_split_words(value);
    Octstr *reason = NULL;
    long i;

    r->imsi = r->pin = NULL;
    r->vars = NULL;
    r->msisdn = gwlist_extract_first(words);
    if (r->msisdn == NULL || !job_msisdn_ok(r->msisdn))
        reason = octstr_create("invalid number (expected an optional '+' "
                               "and 3 to 20 digits)");
    for (i = 0; reason == NULL && i < gwlist_len(words); i++)
        reason = set_override(r, gwlist_get(words, i));
    gwlist_destroy(words, octstr_destroy_item);
    if (reason != NULL)
        job_recipient_clear(r);
    return reason;
}

/* Only checks the value: apply_header() notes where the recipient is. */
static Octstr *set_to(Job *job, Octstr *value)
{
    Recipient r;
    Octstr *reason = parse_to_value(value, &r);

    (void) job;
    job_recipient_clear(&r);
    return reason;
}

static Octstr *set_sec(Job *job, Octstr *value)
{
    if (sec_mode_parse(value, &job->sec) < 0)
        return octstr_create("unknown security mode (expected NETWPIN, "
                             "USERPIN, USERNETWPIN, USERPINMAC or NONE)");
    return NULL;
}

static Octstr *set_pin(Job *job, Octstr *value)
{
    job->pin = octstr_duplicate(value);
    return NULL;
}

static Octstr *set_imsi(Job *job, Octstr *value)
{
    job->imsi = octstr_duplicate(value);
    return NULL;
}

static Octstr *set_from(Job *job, Octstr *value)
{
    long digits_from = octstr_get_char(value, 0) == '+' ? 1 : 0;
    int number = all_digits(value, digits_from)
                 && octstr_len(value) - digits_from <= MAX_SENDER_DIGITS;

    if (!number && octstr_len(value) > MAX_SENDER_NAME)
        return octstr_format("must be a number (optional '+', at most %d "
                             "digits) or a name of at most %d characters",
                             MAX_SENDER_DIGITS, MAX_SENDER_NAME);
    job->sender = octstr_duplicate(value);
    return NULL;
}

static Octstr *set_type(Job *job, Octstr *value)
{
    if (doc_type_parse(value, &job->type) < 0)
        return octstr_create("unknown job type (expected " DEFAULT_TYPE
                             ", settings, bookmarks or syncsettings)");
    return NULL;
}

static int smsc_id_char(int c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '-';
}

static Octstr *set_smsc(Job *job, Octstr *value)
{
    if (octstr_len(value) > MAX_SMSC_ID
        || !octstr_check_range(value, 0, octstr_len(value), smsc_id_char))
        return octstr_format("must be at most %d letters, digits, '.', '_' "
                             "or '-'", MAX_SMSC_ID);
    job->smsc_id = octstr_duplicate(value);
    return NULL;
}

static Octstr *set_dlr(Job *job, Octstr *value)
{
    if (octstr_str_case_compare(value, "yes") == 0)
        job->dlr = 1;
    else if (octstr_str_case_compare(value, "no") == 0)
        job->dlr = 0;
    else
        return octstr_create("must be yes or no");
    return NULL;
}

static Octstr *set_validity(Job *job, Octstr *value)
{
    if (parse_number(value, 1, MAX_VALIDITY, &job->validity) < 0)
        return octstr_format("must be whole minutes from 1 to %ld",
                             MAX_VALIDITY);
    return NULL;
}

static Octstr *set_priority(Job *job, Octstr *value)
{
    if (parse_number(value, 0, 3, &job->priority) < 0)
        return octstr_create("must be 0, 1, 2 or 3");
    return NULL;
}

/* Does s match pattern, where 'd' stands for any digit? */
static int matches_pattern(Octstr *s, const char *pattern)
{
    long i, n = (long) strlen(pattern);

    if (octstr_len(s) != n)
        return 0;
    for (i = 0; i < n; i++) {
        int c = octstr_get_char(s, i);
        if (pattern[i] == 'd' ? !gw_isdigit(c) : c != pattern[i])
            return 0;
    }
    return 1;
}

static long digits_at(Octstr *s, long pos, long count)
{
    long n = 0;

    while (count-- > 0)
        n = n * 10 + octstr_get_char(s, pos++) - '0';
    return n;
}

static long days_in_month(long year, long month)
{
    static const long days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : days[month - 1];
}

/* Exactly YYYY-MM-DDTHH:MM:SSZ, years 2000-9999. */
static Octstr *set_not_before(Job *job, Octstr *value)
{
    struct universaltime t;

    if (matches_pattern(value, "dddd-dd-ddTdd:dd:dd"))
        return octstr_create("needs the UTC suffix Z, like " TIME_EXAMPLE
                             " (local times are ambiguous)");
    if (!matches_pattern(value, "dddd-dd-ddTdd:dd:ddZ"))
        return octstr_create("must be a UTC time like " TIME_EXAMPLE);
    t.year = digits_at(value, 0, 4);
    t.month = digits_at(value, 5, 2);
    t.day = digits_at(value, 8, 2);
    t.hour = digits_at(value, 11, 2);
    t.minute = digits_at(value, 14, 2);
    t.second = digits_at(value, 17, 2);
    if (t.year < 2000 || t.month < 1 || t.month > 12 || t.day < 1
        || t.day > days_in_month(t.year, t.month) || t.hour > 23
        || t.minute > 59 || t.second > 59)
        return octstr_create("no such date or time (years 2000-9999)");
    t.month -= 1;   /* universaltime counts months from 0 */
    job->not_before = (time_t) date_convert_universal(&t);
    return NULL;
}

#define MAX_RATE_DECIMALS 6
#define RATE_FORM "must be a number like 5 or 0.5 (digits, at most one point and at " \
                  "most 6 digits after it)"

/* Digits of s from *pos into *n (at most max of them): how many. */
static int digit_run(Octstr *s, long *pos, int max, double *n)
{
    int count = 0;

    for (*n = 0; *pos < octstr_len(s) && gw_isdigit(octstr_get_char(s, *pos)); (*pos)++)
        if (++count <= max)
            *n = *n * 10 + (octstr_get_char(s, *pos) - '0');
    return count;
}

Octstr *job_rate_parse(Octstr *s, double *rate)
{
    long pos = octstr_get_char(s, 0) == '-' ? 1 : 0;
    int whole, decimals = 0;
    double value, fraction = 0;

    whole = digit_run(s, &pos, 8, &value);
    if (pos < octstr_len(s) && octstr_get_char(s, pos) == '.') {
        pos++;
        decimals = digit_run(s, &pos, MAX_RATE_DECIMALS, &fraction);
        if (decimals == 0)
            return octstr_create(RATE_FORM);
    }
    if (whole + decimals == 0 || pos != octstr_len(s) || decimals > MAX_RATE_DECIMALS)
        return octstr_create(RATE_FORM);
    value += fraction / pow(10, decimals);
    if (value <= 0 || octstr_get_char(s, 0) == '-')
        return octstr_create("must be more than 0");
    if (whole > 7 || value > JOB_MAX_RATE)
        return octstr_format("must be at most %d", JOB_MAX_RATE);
    *rate = value;
    return NULL;
}

static Octstr *set_rate(Job *job, Octstr *value)
{
    return job_rate_parse(value, &job->rate);
}

static Octstr *set_send_window(Job *job, Octstr *value)
{
    Octstr *why = NULL;

    job->send_window = send_window_parse(value, &why);
    return why;
}

static Octstr *set_id(Job *job, Octstr *value)
{
    if (octstr_len(value) > MAX_ID)
        return octstr_format("longer than %d characters", MAX_ID);
    job->operator_id = octstr_duplicate(value);
    return NULL;
}

/* The job this one resends (provctl resend): a job name, as spool.h
 * allows it, that the status file can echo. */
static Octstr *set_resend_of(Job *job, Octstr *value)
{
    if (!spool_name_ok(value))
        return octstr_create("must be a job's name (at most 248 bytes, no '/', "
                             "not starting with '.', not ending in .status)");
    job->resend_of = octstr_duplicate(value);
    return NULL;
}

static Octstr *set_lint(Job *job, Octstr *value)
{
    LintMode mode;

    if (lint_mode_parse(value, &mode) < 0)
        return octstr_create("must be strict, warn or off");
    job->lint = (int) mode;
    return NULL;
}

/* A Var: header: its line is noted by apply_header(). */
static Octstr *set_var(Job *job, Octstr *value)
{
    JobVar *var, *first;
    Octstr *reason;

    if (octstr_search_char(value, ' ', 0) >= 0 || octstr_search_char(value, '\t', 0) >= 0)
        return octstr_create("one NAME=VALUE only (a blank in a value is written %20)");
    if ((reason = job_var_parse("", value, &var)) != NULL)
        return reason;
    if ((first = job_var_find(job->vars, var->name)) != NULL) {
        reason = octstr_format("%S= given twice (first on line %ld)", var->name, first->line);
        job_var_destroy(var);
        return reason;
    }
    if (job->vars == NULL)
        job->vars = gwlist_create();
    gwlist_append(job->vars, var);
    return NULL;
}

static const struct {
    const char *name;
    int repeatable;
    HeaderSetter set;
} headers[H_COUNT] = {
    [H_TO] = { "To", 1, set_to },
    [H_SEC] = { "Sec", 0, set_sec },
    [H_PIN] = { "Pin", 0, set_pin },
    [H_IMSI] = { "IMSI", 0, set_imsi },
    [H_FROM] = { "From", 0, set_from },
    [H_TYPE] = { "Type", 0, set_type },
    [H_SMSC] = { "SMSC", 0, set_smsc },
    [H_DLR] = { "DLR", 0, set_dlr },
    [H_VALIDITY] = { "Validity", 0, set_validity },
    [H_PRIORITY] = { "Priority", 0, set_priority },
    [H_NOT_BEFORE] = { "Not-Before", 0, set_not_before },
    [H_RATE] = { "Rate", 0, set_rate },
    [H_SEND_WINDOW] = { "Send-Window", 0, set_send_window },
    [H_ID] = { "Id", 0, set_id },
    [H_RESEND_OF] = { "Resend-Of", 0, set_resend_of },
    [H_LINT] = { "Lint", 0, set_lint },
    [H_VAR] = { "Var", 1, set_var },
};

static int find_header(Octstr *name)
{
    int h;

    for (h = 0; h < H_COUNT; h++)
        if (octstr_str_case_compare(name, headers[h].name) == 0)
            return h;
    return -1;
}

/* Letters, digits and '-', starting with a letter (so never a PIN). */
static int header_name_ok(Octstr *name)
{
    long i;

    if (octstr_len(name) == 0 || octstr_len(name) > MAX_HEADER_NAME
        || !isalpha(octstr_get_char(name, 0)))
        return 0;
    for (i = 1; i < octstr_len(name); i++)
        if (!isalnum(octstr_get_char(name, i)) && octstr_get_char(name, i) != '-')
            return 0;
    return 1;
}

/* ---- the header section ---- */

static Octstr *check_header_bytes(Octstr *text, long pos, long len)
{
    long i;
    int c;

    for (i = pos; i < pos + len; i++) {
        c = octstr_get_char(text, i);
        if (c == 0)
            return octstr_create("NUL byte in the header");
        if (c >= 0x80)
            return octstr_format("non-ASCII byte 0x%02X in the header "
                                 "(headers are plain ASCII)", c);
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return octstr_format("control byte 0x%02X in the header", c);
    }
    return NULL;
}

/* The next line without its CR LF, or NULL + *reason. */
static Octstr *next_line(Parser *p, Octstr **reason)
{
    long end = octstr_search_char(p->text, '\n', p->pos);
    long len;
    Octstr *line, *why;

    if (end < 0)
        end = octstr_len(p->text);
    len = end - p->pos;
    if (len > 0 && octstr_get_char(p->text, end - 1) == '\r')
        len--;
    p->line++;
    p->line_start = p->pos;
    why = check_header_bytes(p->text, p->pos, len > MAX_LINE ? MAX_LINE + 1 : len);
    if (why == NULL && len > MAX_LINE)
        why = octstr_format("header line longer than %d bytes", MAX_LINE);
    if (why != NULL) {
        *reason = at_line(p->line, "%s", octstr_get_cstr(why));
        octstr_destroy(why);
        return NULL;
    }
    line = octstr_copy(p->text, p->pos, len);
    p->pos = end + 1;
    return line;
}

static int only_blanks(Octstr *s)
{
    long i;

    for (i = 0; i < octstr_len(s); i++)
        if (octstr_get_char(s, i) != ' ' && octstr_get_char(s, i) != '\t')
            return 0;
    return 1;
}

/* The To: line just read is the next recipient. */
static void record_recipient(Parser *p, Job *job)
{
    if (job->recipient_count == p->to_size) {
        p->to_size = p->to_size == 0 ? 64 : p->to_size * 2;
        job->to_values = gw_realloc(job->to_values,
                                    p->to_size * sizeof(*job->to_values));
    }
    job->to_values[job->recipient_count++] = (uint32_t) p->value_at;
}

static Octstr *apply_header(Parser *p, Job *job, int h, Octstr *value)
{
    Octstr *reason, *located;

    if (!headers[h].repeatable && p->seen[h] != 0)
        return at_line(p->line, "duplicate %s: header (first on line %ld)",
                       headers[h].name, p->seen[h]);
    if (octstr_len(value) == 0)
        return at_line(p->line, "%s: has no value", headers[h].name);
    reason = headers[h].set(job, value);
    if (reason != NULL) {
        located = at_line(p->line, "%s: %s", headers[h].name,
                          octstr_get_cstr(reason));
        octstr_destroy(reason);
        return located;
    }
    if (p->seen[h] == 0)
        p->seen[h] = p->line;
    if (h == H_TO)
        record_recipient(p, job);
    if (h == H_VAR)
        ((JobVar *) gwlist_get(job->vars, gwlist_len(job->vars) - 1))->line = p->line;
    return NULL;
}

static Octstr *parse_header_line(Parser *p, Job *job, Octstr *line)
{
    int first = octstr_get_char(line, 0);
    long colon = octstr_search_char(line, ':', 0);
    Octstr *name, *value, *reason;
    int h;

    if (first == ' ' || first == '\t')
        return at_line(p->line, only_blanks(line)
                       ? "a line of only blanks; the headers end at an empty line"
                       : "starts with a blank; continuation lines are not supported");
    if (first == '<')
        return at_line(p->line, "not a header line; is the empty line between "
                       "the headers and the XML document missing?");
    if (colon < 0)
        return at_line(p->line, "not a 'Name: value' header line");
    name = octstr_copy(line, 0, colon);
    h = find_header(name);
    if (h < 0 && !header_name_ok(name))
        reason = at_line(p->line, "invalid header name (letters, digits and "
                         "'-', starting with a letter)");
    else if (h < 0)
        reason = at_line(p->line, "unknown header '%s'", octstr_get_cstr(name));
    else {
        value = octstr_copy(line, colon + 1, octstr_len(line));
        octstr_strip_blanks(value);
        p->value_at = p->line_start + colon + 1;
        reason = apply_header(p, job, h, value);
        octstr_destroy(value);
    }
    octstr_destroy(name);
    return reason;
}

static Octstr *parse_headers(Parser *p, Job *job)
{
    Octstr *line, *reason = NULL;

    for (;;) {
        if (p->pos >= octstr_len(p->text))
            return at_line(p->line, "no empty line after the headers, so there "
                           "is no XML document");
        line = next_line(p, &reason);
        if (line == NULL)
            return reason;
        if (octstr_len(line) == 0) {
            octstr_destroy(line);
            return p->line > 1 ? NULL
                   : at_line(1, "the file starts with an empty line; the "
                             "headers must come first");
        }
        reason = parse_header_line(p, job, line);
        octstr_destroy(line);
        if (reason != NULL)
            return reason;
    }
}

static Octstr *take_document(Parser *p, Job *job)
{
    long i;

    for (i = p->pos; i < octstr_len(p->text); i++)
        if (!isspace(octstr_get_char(p->text, i)))
            break;
    if (i >= octstr_len(p->text))
        return at_line(p->line, "nothing after the empty line; the XML "
                       "document is missing");
    job->document = octstr_copy(p->text, p->pos, octstr_len(p->text) - p->pos);
    return NULL;
}

/* ---- whole-job checks ---- */

static Octstr *check_job_credentials(const Job *job, const Parser *p)
{
    const char *mode = sec_mode_name(job->sec);

    if (job->pin != NULL && !sec_mode_needs_pin(job->sec))
        return at_line(p->seen[H_PIN], "Pin: given, but Sec: %s uses no PIN", mode);
    if (job->imsi != NULL && !sec_mode_needs_imsi(job->sec))
        return at_line(p->seen[H_IMSI], "IMSI: given, but Sec: %s uses no IMSI", mode);
    return NULL;
}

/* ---- recipients in the text ---- */

/* Recipient i's To: value, as job_parse() saw it (blanks and CR stripped). */
static Octstr *to_value(const Job *job, long i)
{
    long from = job->to_values[i];
    long end = octstr_search_char(job->text, '\n', from);
    Octstr *value;

    if (end < 0)
        end = octstr_len(job->text);
    value = octstr_copy(job->text, from, end - from);
    octstr_strip_blanks(value);
    return value;
}

static int blank(int c)
{
    return c == ' ' || c == '\t';
}

/* Where recipient i's MSISDN starts in the text; *end where it ends. */
static long msisdn_span(const Job *job, long i, long *end)
{
    long n = octstr_len(job->text), start = job->to_values[i];

    while (start < n && blank(octstr_get_char(job->text, start)))
        start++;
    for (*end = start; *end < n && !isspace(octstr_get_char(job->text, *end)); (*end)++)
        ;
    return start;
}

/* The number of the line recipient i is on (counted: messages only). */
static long line_of(const Job *job, long i)
{
    long line = 1, pos = 0, at = job->to_values[i];

    while ((pos = octstr_search_char(job->text, '\n', pos)) >= 0 && pos < at) {
        line++;
        pos++;
    }
    return line;
}

/* ---- duplicate recipients ---- */

typedef struct DupTable {
    uint32_t *slots;       /* recipient index + 1, 0 = empty */
    unsigned long mask;    /* slots - 1: a power of two, at least 2n */
} DupTable;

static unsigned long msisdn_hash(const Job *job, long i)
{
    uint64_t h = 14695981039346656037ULL;
    long end, k = msisdn_span(job, i, &end);

    for (; k < end; k++)
        h = (h ^ (unsigned char) octstr_get_char(job->text, k)) * 1099511628211ULL;
    return (unsigned long) (h ^ (h >> 32));
}

static int same_msisdn(const Job *job, long a, long b)
{
    long a_end, b_end, a_from = msisdn_span(job, a, &a_end);
    long b_from = msisdn_span(job, b, &b_end);

    return a_end - a_from == b_end - b_from
           && memcmp(octstr_get_cstr(job->text) + a_from,
                     octstr_get_cstr(job->text) + b_from, a_end - a_from) == 0;
}

static void dup_table_init(DupTable *t, long n)
{
    unsigned long size = 16;

    while (size < 2 * (unsigned long) n)
        size *= 2;
    t->slots = gw_malloc(size * sizeof(*t->slots));
    memset(t->slots, 0, size * sizeof(*t->slots));
    t->mask = size - 1;
}

/* The first recipient before i with i's MSISDN, or -1 (and i is added). */
static long dup_table_add(DupTable *t, const Job *job, long i)
{
    unsigned long k = msisdn_hash(job, i) & t->mask;

    for (; t->slots[k] != 0; k = (k + 1) & t->mask)
        if (same_msisdn(job, (long) t->slots[k] - 1, i))
            return (long) t->slots[k] - 1;
    t->slots[k] = (uint32_t) (i + 1);
    return -1;
}

/* ---- recipients' credentials ---- */

/* Where the job-wide credentials a recipient uses come from. */
static Octstr *credential_sources(const Parser *p, const Recipient *r,
                                  SecMode sec)
{
    Octstr *note = octstr_create("");

    if (sec_mode_needs_pin(sec) && r->pin == NULL)
        octstr_format_append(note, "; its PIN is the Pin: header on line %ld",
                             p->seen[H_PIN]);
    if (sec_mode_needs_imsi(sec) && r->imsi == NULL)
        octstr_format_append(note, "; its IMSI is the IMSI: header on line %ld",
                             p->seen[H_IMSI]);
    return note;
}

/* What is wrong with r's credentials under the job's mode, or NULL. */
static Octstr *credential_problem(const Job *job, const Parser *p, const Recipient *r)
{
    const char *mode = sec_mode_name(job->sec);
    Octstr *pin = r->pin != NULL ? r->pin : job->pin;
    Octstr *imsi = r->imsi != NULL ? r->imsi : job->imsi;
    Octstr *why = NULL, *note, *reason;

    if (r->pin != NULL && !sec_mode_needs_pin(job->sec))
        return octstr_format("pin= given, but Sec: %s uses no PIN", mode);
    if (r->imsi != NULL && !sec_mode_needs_imsi(job->sec))
        return octstr_format("imsi= given, but Sec: %s uses no IMSI", mode);
    if (sec_mode_needs_pin(job->sec) && pin == NULL)
        return octstr_format("recipient %S has no PIN, which Sec: %s needs (add a "
                             "Pin: header or pin= on this To: line)", r->msisdn, mode);
    if (sec_mode_needs_imsi(job->sec) && imsi == NULL)
        return octstr_format("recipient %S has no IMSI, which Sec: %s needs (add an "
                             "IMSI: header or imsi= on this To: line)", r->msisdn, mode);
    if (sec_mode_check_credentials(job->sec, pin, imsi, &why) == 0)
        return NULL;
    note = credential_sources(p, r, job->sec);
    reason = octstr_format("recipient %S: %S%S", r->msisdn, why, note);
    octstr_destroy(why);
    octstr_destroy(note);
    return reason;
}

static Octstr *check_recipient(const Job *job, const Parser *p, long i)
{
    Recipient r;
    Octstr *why, *reason = NULL;

    job_recipient_get(job, i, &r);
    why = credential_problem(job, p, &r);
    if (why != NULL)
        reason = at_line(line_of(job, i), "%s", octstr_get_cstr(why));
    octstr_destroy(why);
    job_recipient_clear(&r);
    return reason;
}

/*
 * In file order, the first recipient listed twice or with unusable
 * credentials. Recipients without overrides all use the job's credentials:
 * once those passed for one, they pass for all.
 */
static Octstr *check_recipients(const Job *job, const Parser *p)
{
    DupTable seen;
    Octstr *reason = NULL;
    Octstr *msisdn;
    long i, first;
    int shared_ok = 0;

    dup_table_init(&seen, job->recipient_count);
    for (i = 0; reason == NULL && i < job->recipient_count; i++) {
        int own = job_recipient_has_overrides(job, i);
        if ((first = dup_table_add(&seen, job, i)) >= 0) {
            msisdn = job_recipient_msisdn(job, i);
            reason = at_line(line_of(job, i), "recipient %s is listed twice "
                             "(first on line %ld)", octstr_get_cstr(msisdn),
                             line_of(job, first));
            octstr_destroy(msisdn);
        } else if (own || !shared_ok) {
            reason = check_recipient(job, p, i);
            shared_ok = shared_ok || (!own && reason == NULL);
        }
    }
    gw_free(seen.slots);
    return reason;
}

static Octstr *check_job(const Job *job, const Parser *p)
{
    Octstr *reason;

    if (doc_type_is_legacy(job->type)) {
        if (job->sec != SEC_NONE)
            return at_line(p->seen[H_SEC], "Type: %s is unsigned by design; Sec: "
                           "must be NONE or absent", doc_type_name(job->type));
        if (p->seen[H_LINT] != 0)
            return at_line(p->seen[H_LINT], "Lint: applies to Type: " DEFAULT_TYPE
                           " only; Type: %s is never linted", doc_type_name(job->type));
    } else if (p->seen[H_SEC] == 0)
        return octstr_create("no Sec: header (required for Type: " DEFAULT_TYPE ")");
    if (job->recipient_count == 0)
        return octstr_create("no To: header; a job needs at least one recipient");
    reason = check_job_credentials(job, p);
    return reason != NULL ? reason : check_recipients(job, p);
}

/* ---- public ---- */

static Job *job_create(Octstr *name, Octstr *text)
{
    Job *job = gw_malloc(sizeof(*job));

    memset(job, 0, sizeof(*job));
    job->name = name != NULL ? octstr_duplicate(name) : NULL;
    job->text = text;
    job->sec = SEC_NONE;
    job->type = DOC_OMA_SETTINGS;
    job->dlr = 1;
    job->validity = -1;
    job->priority = -1;
    job->lint = -1;
    return job;
}

static Job *refuse(Octstr *reason, Octstr **error)
{
    if (error != NULL)
        *error = reason;
    else
        octstr_destroy(reason);
    return NULL;
}

Job *job_parse(Octstr *name, Octstr *text, Octstr **error)
{
    return job_parse_adopt(name, octstr_duplicate(text), error);
}

Job *job_parse_adopt(Octstr *name, Octstr *text, Octstr **error)
{
    Parser p;
    Job *job;
    Octstr *reason;

    if (octstr_len(text) == 0 || (unsigned long) octstr_len(text) > UINT32_MAX) {
        reason = octstr_create(octstr_len(text) == 0 ? "empty file"
                               : "larger than 4 GB (a job's offsets are 32-bit)");
        octstr_destroy(text);
        return refuse(reason, error);
    }
    memset(&p, 0, sizeof(p));
    p.text = text;
    job = job_create(name, text);
    reason = parse_headers(&p, job);
    if (reason == NULL)
        reason = take_document(&p, job);
    if (reason == NULL)
        reason = check_job(job, &p);
    if (reason == NULL)
        return job;
    job_destroy(job);
    return refuse(reason, error);
}

void job_destroy(Job *job)
{
    if (job == NULL)
        return;
    octstr_destroy(job->name);
    octstr_destroy(job->text);
    gw_free(job->to_values);
    octstr_destroy(job->pin);
    octstr_destroy(job->imsi);
    octstr_destroy(job->sender);
    octstr_destroy(job->smsc_id);
    octstr_destroy(job->operator_id);
    octstr_destroy(job->resend_of);
    if (job->vars != NULL)
        gwlist_destroy(job->vars, job_var_destroy);
    octstr_destroy(job->document);
    send_window_destroy(job->send_window);
    gw_free(job);
}

long job_recipient_count(const Job *job)
{
    return job->recipient_count;
}

int job_recipient_get(const Job *job, long i, Recipient *out)
{
    Octstr *value, *reason;

    out->msisdn = out->imsi = out->pin = NULL;
    if (i < 0 || i >= job->recipient_count)
        return -1;
    value = to_value(job, i);
    reason = parse_to_value(value, out);     /* job_parse() checked it */
    octstr_destroy(value);
    if (reason == NULL)
        return 0;
    octstr_destroy(reason);
    return -1;
}

Octstr *job_recipient_msisdn(const Job *job, long i)
{
    long start, end;

    if (i < 0 || i >= job->recipient_count)
        return NULL;
    start = msisdn_span(job, i, &end);
    return octstr_copy(job->text, start, end - start);
}

int job_recipient_has_overrides(const Job *job, long i)
{
    long end;

    if (i < 0 || i >= job->recipient_count)
        return 0;
    return job_recipient_options(job, i, &end) < end;
}

long job_recipient_options(const Job *job, long i, long *end)
{
    long pos, n = octstr_len(job->text);
    const char *text = octstr_get_cstr(job->text);

    msisdn_span(job, i, &pos);
    while (pos < n && blank(text[pos]))
        pos++;
    for (*end = pos; *end < n && text[*end] != '\r' && text[*end] != '\n'; (*end)++)
        ;
    while (*end > pos && blank(text[*end - 1]))
        (*end)--;
    return pos;
}

long job_recipient_line(const Job *job, long i)
{
    return line_of(job, i);
}

/* Recipient i's own credential (pin or imsi), else the job's; new. */
static Octstr *effective(const Job *job, long i, int want_pin)
{
    Recipient r;
    Octstr *value;

    if (!job_recipient_has_overrides(job, i))
        return octstr_duplicate(want_pin ? job->pin : job->imsi);
    if (job_recipient_get(job, i, &r) < 0)
        return NULL;
    value = want_pin ? r.pin : r.imsi;
    if (want_pin)
        r.pin = NULL;
    else
        r.imsi = NULL;
    job_recipient_clear(&r);
    return value != NULL ? value : octstr_duplicate(want_pin ? job->pin : job->imsi);
}

Octstr *job_recipient_pin(const Job *job, long i)
{
    return effective(job, i, 1);
}

Octstr *job_recipient_imsi(const Job *job, long i)
{
    return effective(job, i, 0);
}

/* A rate with as many decimals as it needs (at most MAX_RATE_DECIMALS). */
static void format_rate(Octstr *out, double rate)
{
    char text[32];
    long n = snprintf(text, sizeof(text), "%.*f", MAX_RATE_DECIMALS, rate);

    while (n > 0 && text[n - 1] == '0')
        text[--n] = '\0';
    if (n > 0 && text[n - 1] == '.')
        text[--n] = '\0';
    octstr_format_append(out, "Rate: %s\n", text);
}

static void format_optional(Octstr *out, const char *name, Octstr *value)
{
    if (value != NULL)
        octstr_format_append(out, "%s: %S\n", name, value);
}

/* Each variable as PREFIX NAME=VALUE (percent-encoded) SUFFIX. */
static void format_vars(Octstr *out, List *vars, const char *prefix, const char *suffix)
{
    JobVar *var;
    Octstr *value;
    long i;

    for (i = 0; vars != NULL && i < gwlist_len(vars); i++) {
        var = gwlist_get(vars, i);
        value = job_var_encode(var->value);
        octstr_format_append(out, "%s%S=%S%s", prefix, var->name, value, suffix);
        octstr_destroy(value);
    }
}

static void format_recipient(Octstr *out, const Recipient *r)
{
    octstr_format_append(out, "To: %S", r->msisdn);
    if (r->imsi != NULL)
        octstr_format_append(out, " imsi=%S", r->imsi);
    if (r->pin != NULL)
        octstr_format_append(out, " pin=%S", r->pin);
    format_vars(out, r->vars, " var.", "");
    octstr_append_char(out, '\n');
}

Octstr *job_format(const Job *job)
{
    Octstr *out = octstr_create("");
    char when[32];
    struct tm tm;
    Recipient r;
    long i;

    for (i = 0; job_recipient_get(job, i, &r) == 0; i++) {
        format_recipient(out, &r);
        job_recipient_clear(&r);
    }
    octstr_format_append(out, "Sec: %s\n", sec_mode_name(job->sec));
    format_optional(out, "Pin", job->pin);
    format_optional(out, "IMSI", job->imsi);
    octstr_format_append(out, "Type: %s\n", doc_type_name(job->type));
    format_optional(out, "From", job->sender);
    format_optional(out, "SMSC", job->smsc_id);
    octstr_format_append(out, "DLR: %s\n", job->dlr ? "yes" : "no");
    if (job->validity >= 0)
        octstr_format_append(out, "Validity: %ld\n", job->validity);
    if (job->priority >= 0)
        octstr_format_append(out, "Priority: %ld\n", job->priority);
    if (job->not_before != 0) {
        tm = gw_gmtime(job->not_before);
        gw_strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
        octstr_format_append(out, "Not-Before: %s\n", when);
    }
    if (job->rate > 0)
        format_rate(out, job->rate);
    if (job->send_window != NULL)
        format_optional(out, "Send-Window", send_window_text(job->send_window));
    if (job->lint >= 0)
        octstr_format_append(out, "Lint: %s\n", lint_mode_name((LintMode) job->lint));
    format_optional(out, "Id", job->operator_id);
    format_optional(out, "Resend-Of", job->resend_of);
    format_vars(out, job->vars, "Var: ", "\n");
    octstr_append_char(out, '\n');
    if (job->document != NULL)
        octstr_append(out, job->document);
    return out;
}
