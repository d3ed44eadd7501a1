/*
 * job_status.c - formats and parses the NAME.status file (job_status.h).
 *
 *   Job: NAME
 *   Id: ID                       (only when the job has an Id:)
 *   Resend-Of: NAME              (only when the job has a Resend-Of:)
 *   Layout: slot=128|256 count=N (the slotted layout; see job_status.h)
 *   State: new|active|deferred|done|failed
 *   Reason: REASON               (only when set)
 *   Renamed-From: NAME           (the name it came with, taken by another job)
 *   Tampered: WHAT               (its file changed in active/ after the claim)
 *   Warning: LINE: SEVERITY: MESSAGE  (a lint finding on the document; repeated)
 *   Recipient: MSISDN STATE parts=N acked=N delivered=N [undelivered=N] [reason="..."]
 *   Entry-Code: MSISDN CODE      (USERPINMAC, in its recipient's slot)
 *
 * Every line stays one line whatever the values hold: in the Job, Id,
 * Resend-Of, Reason, Renamed-From, Tampered and Warning values and in the
 * quoted reason, a backslash is written `\\`, LF/CR/TAB `\n` `\r` `\t`, any
 * other byte that escape.h does not show as it is (other control
 * characters, C1, bytes that are not UTF-8) `\xHH`, and inside the quotes
 * a double quote `\"`.
 * So the file is UTF-8 text, and job_status_parse(job_status_format(s))
 * gives s back exactly, unless a reason had to be cut to fit its slot.
 * `new` is the state of a job that `provctl requeue` put back into new/
 * with the record of what was already sent.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "spool/job_status.h"
#include "common/escape.h"
#include "common/hex.h"

static const char *const recipient_state_names[] = {
    [RCPT_QUEUED] = "queued",
    [RCPT_SENT] = "sent",
    [RCPT_DELIVERED] = "delivered",
    [RCPT_UNDELIVERED] = "undelivered",
    [RCPT_FAILED] = "failed",
    [RCPT_EXPIRED] = "expired",
};

#define RECIPIENT_STATES \
    ((int) (sizeof(recipient_state_names) / sizeof(recipient_state_names[0])))

static const char *const job_states[] = {
    "new", "active", "deferred", "done", "failed"
};

const char *recipient_state_name(RecipientState state)
{
    return recipient_state_names[state];
}

int recipient_state_parse(Octstr *name, RecipientState *state)
{
    int i;

    for (i = 0; i < RECIPIENT_STATES; i++) {
        if (octstr_str_compare(name, recipient_state_names[i]) == 0) {
            *state = (RecipientState) i;
            return 0;
        }
    }
    return -1;
}

int recipient_state_is_final(RecipientState state)
{
    return state != RCPT_QUEUED && state != RCPT_SENT;
}

static int job_state_ok(Octstr *state)
{
    size_t i;

    for (i = 0; i < sizeof(job_states) / sizeof(job_states[0]); i++)
        if (octstr_str_compare(state, job_states[i]) == 0)
            return 1;
    return 0;
}

JobStatus *job_status_create(Octstr *job, Octstr *id)
{
    JobStatus *status = gw_malloc(sizeof(*status));

    status->job = octstr_duplicate(job);
    status->id = id != NULL ? octstr_duplicate(id) : NULL;
    status->state = octstr_create("active");
    status->reason = NULL;
    status->resend_of = NULL;
    status->renamed_from = NULL;
    status->tampered = NULL;
    status->warnings = gwlist_create();
    status->recipients = gwlist_create();
    status->entry_codes = 0;
    status->torn = 0;
    return status;
}

void job_status_recipient_destroy(RecipientStatus *r)
{
    if (r == NULL)
        return;
    octstr_destroy(r->msisdn);
    octstr_destroy(r->reason);
    octstr_destroy(r->entry_code);
    gw_free(r);
}

static void recipient_destroy_item(void *r)
{
    job_status_recipient_destroy(r);
}

void job_status_destroy(JobStatus *status)
{
    if (status == NULL)
        return;
    octstr_destroy(status->job);
    octstr_destroy(status->id);
    octstr_destroy(status->state);
    octstr_destroy(status->reason);
    octstr_destroy(status->resend_of);
    octstr_destroy(status->renamed_from);
    octstr_destroy(status->tampered);
    gwlist_destroy(status->warnings, octstr_destroy_item);
    gwlist_destroy(status->recipients, recipient_destroy_item);
    gw_free(status);
}

/* The first n Octstrs of `from`, copied onto the end of `to`. */
static void append_copies(List *to, List *from, long n)
{
    long i;

    for (i = 0; i < n && i < gwlist_len(from); i++)
        gwlist_append(to, octstr_duplicate(gwlist_get(from, i)));
}

JobStatus *job_status_head_copy(const JobStatus *status)
{
    JobStatus *copy = job_status_create(status->job, status->id);

    octstr_destroy(copy->state);
    copy->state = octstr_duplicate(status->state);
    copy->reason = octstr_duplicate(status->reason);
    copy->resend_of = octstr_duplicate(status->resend_of);
    copy->renamed_from = octstr_duplicate(status->renamed_from);
    copy->tampered = octstr_duplicate(status->tampered);
    append_copies(copy->warnings, status->warnings, gwlist_len(status->warnings));
    copy->entry_codes = status->entry_codes;
    return copy;
}

List *job_status_warnings_of(List *findings)
{
    List *lines = gwlist_create();
    long n = gwlist_len(findings);

    append_copies(lines, findings, JOB_STATUS_WARNINGS);
    if (n > JOB_STATUS_WARNINGS)
        gwlist_append(lines, octstr_format("... %ld more finding(s): provctl lint on the "
                                           "job's document lists them all",
                                           n - JOB_STATUS_WARNINGS));
    return lines;
}

int job_status_same_warnings(List *a, List *b)
{
    long i;

    if (gwlist_len(a) != gwlist_len(b))
        return 0;
    for (i = 0; i < gwlist_len(a); i++)
        if (octstr_compare(gwlist_get(a, i), gwlist_get(b, i)) != 0)
            return 0;
    return 1;
}

void job_status_set_warnings(JobStatus *status, List *warnings)
{
    if (job_status_same_warnings(status->warnings, warnings))
        return;
    gwlist_destroy(status->warnings, octstr_destroy_item);
    status->warnings = gwlist_create();
    append_copies(status->warnings, warnings, gwlist_len(warnings));
}

static RecipientStatus *recipient_create(Octstr *msisdn);

RecipientStatus *job_status_add_recipient(JobStatus *status, Octstr *msisdn)
{
    RecipientStatus *r = recipient_create(msisdn);

    gwlist_append(status->recipients, r);
    return r;
}

/* ---- formatting ---- */

static void append_escaped(Octstr *out, Octstr *value, int quoted)
{
    long i, n;
    int c;

    for (i = 0; i < octstr_len(value); i += n) {
        c = octstr_get_char(value, i);
        n = escape_plain_length(value, i);
        if (c == '\\' || (quoted && c == '"'))
            octstr_format_append(out, "\\%c", c);
        else if (c == '\n')
            octstr_append_cstr(out, "\\n");
        else if (c == '\r')
            octstr_append_cstr(out, "\\r");
        else if (c == '\t')
            octstr_append_cstr(out, "\\t");
        else if (n == 0)
            octstr_format_append(out, "\\x%02X", c);
        else
            octstr_append_data(out, octstr_get_cstr(value) + i, n);
        n = n > 0 ? n : 1;
    }
}

/* The value escaped; cut with "..." so that it takes at most room bytes
 * (room < 0: no limit). */
static Octstr *escaped_within(Octstr *value, int quoted, long room)
{
    Octstr *out = octstr_create(""), *part;
    long keep = octstr_len(value);

    append_escaped(out, value, quoted);
    if (room < 0 || octstr_len(out) <= room)
        return out;
    for (keep = room - 3; keep > 0; keep--) {
        octstr_truncate(out, 0);
        part = octstr_copy(value, 0, keep);
        append_escaped(out, part, quoted);
        octstr_destroy(part);
        if (octstr_len(out) + 3 <= room)
            break;
    }
    if (keep <= 0)
        octstr_truncate(out, 0);
    octstr_append_cstr(out, "...");
    return out;
}

static void format_field(Octstr *out, const char *name, Octstr *value)
{
    if (value == NULL)
        return;
    octstr_append_cstr(out, name);
    octstr_append_cstr(out, ": ");
    append_escaped(out, value, 0);
    octstr_append_char(out, '\n');
}

/* " NAME=N" (snprintf: octstr_format costs more than the rest of a slot). */
static void append_number(Octstr *out, const char *name, long n)
{
    char text[48];

    snprintf(text, sizeof(text), " %s=%ld", name, n);
    octstr_append_cstr(out, text);
}

/* ---- checked lines ---- */

#define CHECK_LEN 11            /* " ~XXXXXXXX\n" */

static unsigned long fnv1a_bytes(const char *bytes, long len)
{
    const unsigned char *p = (const unsigned char *) bytes;
    unsigned long h = 2166136261u;
    long i;

    for (i = 0; i < len; i++)
        h = ((h ^ p[i]) * 16777619u) & 0xffffffffu;
    return h;
}

static unsigned long fnv1a(const Octstr *text, long len)
{
    return fnv1a_bytes(octstr_get_cstr(text), len);
}

/* Blanks up to length `to` (every status file is mostly padding: one
 * append, not one a byte). */
static void append_blanks(Octstr *out, long to)
{
    static const char blanks[] =
        "                                                                ";
    long n = to - octstr_len(out), most = (long) sizeof(blanks) - 1;

    while (n > 0) {
        long piece = n < most ? n : most;
        octstr_append_data(out, blanks, piece);
        n -= piece;
    }
}

/* content, blanks up to width - CHECK_LEN (none for width 0), its check. */
static void append_checked_line(Octstr *out, Octstr *content, long width)
{
    Octstr *line = octstr_duplicate(content);
    char check[CHECK_LEN + 1];

    append_blanks(line, width - CHECK_LEN);
    snprintf(check, sizeof(check), " ~%08lx\n", fnv1a(line, octstr_len(line)));
    octstr_append_cstr(line, check);
    octstr_append(out, line);
    octstr_destroy(line);
}

/* A pad line ("#", blanks, LF) that takes out up to `to` bytes (at least 2). */
static void append_pad(Octstr *out, long to)
{
    octstr_append_char(out, '#');
    append_blanks(out, to - 1);
    octstr_append_char(out, '\n');
}

/*
 * 1 when the line ends in a check that matches (the check and the blanks
 * before it are cut off), 0 when it does not (torn), -1 when it has none.
 */
static int strip_check(Octstr *line)
{
    long n = octstr_len(line), body = n - (CHECK_LEN - 1);
    unsigned long want;
    char text[9];

    if (body < 0 || octstr_get_char(line, body) != ' '
        || octstr_get_char(line, body + 1) != '~')
        return -1;
    octstr_get_many_chars(text, line, body + 2, 8);
    text[8] = '\0';
    if (strspn(text, "0123456789abcdef") != 8)
        return -1;
    want = strtoul(text, NULL, 16);
    if (fnv1a(line, body) != want)
        return 0;
    octstr_truncate(line, body);
    octstr_strip_blanks(line);
    return 1;
}

/* ---- the slotted layout ---- */

static int raw_line_intact(const char *line, long len);

static Octstr *recipient_line(const RecipientStatus *r, long room)
{
    Octstr *line = octstr_create("Recipient: "), *reason;

    octstr_append(line, r->msisdn);
    octstr_append_char(line, ' ');
    octstr_append_cstr(line, recipient_state_name(r->state));
    append_number(line, "parts", r->parts);
    append_number(line, "acked", r->acked);
    append_number(line, "delivered", r->delivered);
    if (r->undelivered != 0)
        append_number(line, "undelivered", r->undelivered);
    if (r->reason != NULL) {
        octstr_append_cstr(line, " reason=\"");
        reason = escaped_within(r->reason, 1, room < 0 ? -1 : room - octstr_len(line) - 1);
        octstr_append(line, reason);
        octstr_append_char(line, '"');
        octstr_destroy(reason);
    }
    return line;
}

/* Copies text to *p (moved past it) if it fits before end: 0, or -1. */
static int put_text(char **p, const char *end, const char *text, long len)
{
    if (end - *p < len)
        return -1;
    memcpy(*p, text, len);
    *p += len;
    return 0;
}

/* " NAME=N" the same way. */
static int put_count(char **p, const char *end, const char *name, long n)
{
    char digits[24];
    int k = sizeof(digits);

    do
        digits[--k] = '0' + n % 10;
    while ((n /= 10) > 0 && k > 0);
    return put_text(p, end, " ", 1) == 0 && put_text(p, end, name, strlen(name)) == 0
           && put_text(p, end, "=", 1) == 0
           && put_text(p, end, digits + k, sizeof(digits) - k) == 0 ? 0 : -1;
}

/*
 * The common slot, a recipient line without a reason or an entry code,
 * written straight into the slot's bytes: the same bytes as the general
 * path below, for a tenth of its cost (every recorded ack and report
 * writes one). NULL when the slot is not that simple.
 */
static Octstr *format_plain_slot(const RecipientStatus *r, long slot)
{
    static const char hex[] = "0123456789abcdef";
    char buf[STATUS_SLOT_CODES], *p = buf, *end = buf + slot - CHECK_LEN;
    const char *state = recipient_state_name(r->state);
    unsigned long check;
    int i;

    if (r->reason != NULL || (r->entry_code != NULL && slot >= STATUS_SLOT_CODES)
        || slot > STATUS_SLOT_CODES || r->parts < 0 || r->acked < 0 || r->delivered < 0
        || r->undelivered < 0 || octstr_search_char(r->msisdn, '\0', 0) >= 0
        || put_text(&p, end, "Recipient: ", 11) < 0
        || put_text(&p, end, octstr_get_cstr(r->msisdn), octstr_len(r->msisdn)) < 0
        || put_text(&p, end, " ", 1) < 0 || put_text(&p, end, state, strlen(state)) < 0
        || put_count(&p, end, "parts", r->parts) < 0 || put_count(&p, end, "acked", r->acked) < 0
        || put_count(&p, end, "delivered", r->delivered) < 0
        || (r->undelivered != 0 && put_count(&p, end, "undelivered", r->undelivered) < 0))
        return NULL;
    memset(p, ' ', end - p);
    check = fnv1a_bytes(buf, end - buf);
    p = end;
    *p++ = ' ';
    *p++ = '~';
    for (i = 7; i >= 0; i--)
        *p++ = hex[(check >> (4 * i)) & 0xf];
    *p = '\n';
    return octstr_create_from_data(buf, slot);
}

Octstr *job_status_format_slot(const RecipientStatus *r, long slot)
{
    Octstr *out = format_plain_slot(r, slot), *line, *code = NULL;
    long room = slot - CHECK_LEN;

    if (out != NULL)
        return out;
    out = octstr_create("");

    if (r->entry_code != NULL && slot >= STATUS_SLOT_CODES) {
        code = octstr_format("Entry-Code: %S %S", r->msisdn, r->entry_code);
        room -= octstr_len(code) + CHECK_LEN;
    }
    line = recipient_line(r, room);
    append_checked_line(out, line, code != NULL ? 0 : slot);
    if (code != NULL)
        append_checked_line(out, code, slot - octstr_len(out));
    octstr_destroy(line);
    octstr_destroy(code);
    return out;
}

Octstr *job_status_format_state(const JobStatus *status)
{
    Octstr *out = octstr_create(""), *line = octstr_create("State: ");
    Octstr *reason;

    octstr_append(line, status->state);
    append_checked_line(out, line, 0);
    octstr_destroy(line);
    if (status->reason != NULL) {
        line = octstr_create("Reason: ");
        reason = escaped_within(status->reason, 0, STATUS_SECTOR - octstr_len(out)
                                - octstr_len(line) - CHECK_LEN - 2);
        octstr_append(line, reason);
        append_checked_line(out, line, 0);
        octstr_destroy(reason);
        octstr_destroy(line);
    }
    append_pad(out, STATUS_SECTOR);
    return out;
}

/* Where the state sector starts after a header of head_len bytes (a pad
 * line of at least 2 bytes in between). */
static long state_sector_at(long head_len)
{
    return (head_len + 2 + STATUS_SECTOR - 1) / STATUS_SECTOR * STATUS_SECTOR;
}

static long slot_size(const JobStatus *status)
{
    long i;

    if (status->entry_codes)
        return STATUS_SLOT_CODES;
    for (i = 0; i < gwlist_len(status->recipients); i++)
        if (((RecipientStatus *) gwlist_get(status->recipients, i))->entry_code != NULL)
            return STATUS_SLOT_CODES;
    return STATUS_SLOT;
}

Octstr *job_status_format_head(const JobStatus *status, long slot, long count)
{
    Octstr *out = octstr_create(""), *sector;
    long i;

    format_field(out, "Job", status->job);
    format_field(out, "Id", status->id);
    format_field(out, "Resend-Of", status->resend_of);
    format_field(out, "Renamed-From", status->renamed_from);
    format_field(out, "Tampered", status->tampered);
    for (i = 0; i < gwlist_len(status->warnings); i++)
        format_field(out, "Warning", gwlist_get(status->warnings, i));
    octstr_append_cstr(out, "Layout:");
    append_number(out, "slot", slot);
    append_number(out, "count", count);
    octstr_append_char(out, '\n');
    append_pad(out, state_sector_at(octstr_len(out)));
    sector = job_status_format_state(status);
    octstr_append(out, sector);
    octstr_destroy(sector);
    return out;
}

Octstr *job_status_format(const JobStatus *status)
{
    long i, slot = slot_size(status), n = gwlist_len(status->recipients);
    Octstr *out = job_status_format_head(status, slot, n), *part;

    for (i = 0; i < n; i++) {
        part = job_status_format_slot(gwlist_get(status->recipients, i), slot);
        octstr_append(out, part);
        octstr_destroy(part);
    }
    return out;
}

/* ---- parsing ---- */

typedef struct Cursor {
    Octstr *line;
    long pos;
} Cursor;

/* Decodes one escape at c->pos (just after the backslash). */
static int unescape_one(Cursor *c, Octstr *out)
{
    int e = octstr_get_char(c->line, c->pos++);
    int high, low;

    switch (e) {
    case '\\': case '"': octstr_append_char(out, e); return 0;
    case 'n': octstr_append_char(out, '\n'); return 0;
    case 'r': octstr_append_char(out, '\r'); return 0;
    case 't': octstr_append_char(out, '\t'); return 0;
    case 'x':
        high = hex_digit_value(octstr_get_char(c->line, c->pos));
        low = hex_digit_value(octstr_get_char(c->line, c->pos + 1));
        if (high < 0 || low < 0)
            return -1;
        c->pos += 2;
        octstr_append_char(out, high * 16 + low);
        return 0;
    default:
        return -1;
    }
}

/* Unescapes up to the closing quote (quoted) or the end of the line. */
static Octstr *read_escaped(Cursor *c, int quoted)
{
    Octstr *out = octstr_create("");
    int ch, ok = 1;

    while (ok && c->pos < octstr_len(c->line)) {
        ch = octstr_get_char(c->line, c->pos++);
        if (quoted && ch == '"')
            return out;
        if (ch != '\\')
            octstr_append_char(out, ch);
        else
            ok = unescape_one(c, out) == 0;
    }
    if (ok && !quoted)
        return out;
    octstr_destroy(out);
    return NULL;
}

/* The next space-separated word (empty at the end of the line). */
static Octstr *read_word(Cursor *c)
{
    long end = octstr_search_char(c->line, ' ', c->pos);
    Octstr *word;

    if (end < 0)
        end = octstr_len(c->line);
    word = octstr_copy(c->line, c->pos, end - c->pos);
    c->pos = end < octstr_len(c->line) ? end + 1 : end;
    return word;
}

static int parse_count(Octstr *value, long *out)
{
    long n;

    if (octstr_len(value) == 0 || octstr_len(value) > 9
        || !octstr_check_range(value, 0, octstr_len(value), gw_isdigit)
        || octstr_parse_long(&n, value, 0, 10) < 0)
        return -1;
    *out = n;
    return 0;
}

enum { F_PARTS, F_ACKED, F_DELIVERED, F_UNDELIVERED, F_REASON, F_COUNT };

static const char *const field_names[F_COUNT] = {
    "parts", "acked", "delivered", "undelivered", "reason"
};

#define REQUIRED_FIELDS ((1u << F_PARTS) | (1u << F_ACKED) | (1u << F_DELIVERED))

/* The field name before '=' at the cursor; moves past the '='. */
static int find_field(Cursor *c)
{
    long eq = octstr_search_char(c->line, '=', c->pos);
    Octstr *key;
    int f;

    if (eq < 0)
        return -1;
    key = octstr_copy(c->line, c->pos, eq - c->pos);
    for (f = 0; f < F_COUNT; f++)
        if (octstr_str_compare(key, field_names[f]) == 0)
            break;
    octstr_destroy(key);
    c->pos = eq + 1;
    return f < F_COUNT ? f : -1;
}

static const char *parse_quoted_reason(Cursor *c, RecipientStatus *r)
{
    if (octstr_get_char(c->line, c->pos++) != '"'
        || (r->reason = read_escaped(c, 1)) == NULL)
        return "reason= must be a quoted string";
    if (c->pos < octstr_len(c->line))
        return "text after the quoted reason";
    return NULL;
}

/* One `key=value` field of a Recipient line; returns a reason or NULL. */
static const char *parse_recipient_field(Cursor *c, RecipientStatus *r,
                                         unsigned *seen)
{
    long *counts[] = { &r->parts, &r->acked, &r->delivered, &r->undelivered };
    int f = find_field(c), bad;
    Octstr *value;

    if (f < 0)
        return "unknown field (parts=, acked=, delivered=, undelivered=, reason=)";
    if (*seen & (1u << f))
        return "field given twice";
    *seen |= 1u << f;
    if (f == F_REASON)
        return parse_quoted_reason(c, r);
    value = read_word(c);
    bad = parse_count(value, counts[f]) < 0;
    octstr_destroy(value);
    return bad ? "counts must be whole numbers" : NULL;
}

static RecipientStatus *recipient_create(Octstr *msisdn)
{
    RecipientStatus *r = gw_malloc(sizeof(*r));

    memset(r, 0, sizeof(*r));
    r->msisdn = octstr_duplicate(msisdn);
    r->state = RCPT_QUEUED;
    return r;
}

/* A Recipient line's value: the recipient, or NULL + *reason. */
static RecipientStatus *parse_recipient_value(Octstr *rest, const char **reason)
{
    Cursor c = { rest, 0 };
    Octstr *msisdn = read_word(&c), *state = read_word(&c);
    RecipientStatus *r = NULL;
    RecipientState st;
    unsigned seen = 0;

    *reason = NULL;
    if (octstr_len(msisdn) == 0 || recipient_state_parse(state, &st) < 0)
        *reason = "expected MSISDN and a recipient state";
    else {
        r = recipient_create(msisdn);
        r->state = st;
        while (*reason == NULL && c.pos < octstr_len(rest))
            *reason = parse_recipient_field(&c, r, &seen);
        if (*reason == NULL && (seen & REQUIRED_FIELDS) != REQUIRED_FIELDS)
            *reason = "parts=, acked= and delivered= are required";
    }
    if (*reason != NULL) {
        job_status_recipient_destroy(r);
        r = NULL;
    }
    octstr_destroy(msisdn);
    octstr_destroy(state);
    return r;
}

static const char *parse_recipient(Octstr *rest, JobStatus *status)
{
    const char *reason;
    RecipientStatus *r = parse_recipient_value(rest, &reason);

    if (r != NULL)
        gwlist_append(status->recipients, r);
    return reason;
}

/* Entry codes follow their recipients in order; search from the last hit. */
static const char *parse_entry_code(Octstr *rest, JobStatus *status, long *next)
{
    Cursor c = { rest, 0 };
    Octstr *msisdn = read_word(&c), *code = read_word(&c);
    long n = gwlist_len(status->recipients), i;
    RecipientStatus *r = NULL;
    const char *reason = NULL;

    for (i = 0; i < n && r == NULL; i++) {
        r = gwlist_get(status->recipients, (*next + i) % n);
        if (octstr_compare(r->msisdn, msisdn) != 0)
            r = NULL;
        else
            *next = (*next + i + 1) % n;
    }
    if (octstr_len(code) == 0 || c.pos < octstr_len(rest))
        reason = "expected MSISDN and code";
    else if (r == NULL)
        reason = "entry code for a recipient not listed above";
    else if (r->entry_code != NULL)
        reason = "second entry code for one recipient";
    else
        r->entry_code = octstr_duplicate(code);
    octstr_destroy(msisdn);
    octstr_destroy(code);
    return reason;
}

static const char *parse_single(Octstr *rest, Octstr **field)
{
    Cursor c = { rest, 0 };

    if (*field != NULL)
        return "given twice";
    *field = read_escaped(&c, 0);
    return *field == NULL ? "malformed escape" : NULL;
}

static const char *parse_warning(Octstr *rest, JobStatus *status)
{
    Cursor c = { rest, 0 };
    Octstr *warning = read_escaped(&c, 0);

    if (warning == NULL)
        return "malformed escape";
    gwlist_append(status->warnings, warning);
    return NULL;
}

static const char *parse_line(Octstr *line, JobStatus *status, long *next_code)
{
    static const char *const names[] = {
        "Job: ", "Id: ", "State: ", "Reason: ", "Resend-Of: ", "Renamed-From: ",
        "Tampered: ", "Recipient: ", "Entry-Code: ", "Warning: "
    };
    Octstr **singles[] = {
        &status->job, &status->id, &status->state, &status->reason,
        &status->resend_of, &status->renamed_from, &status->tampered
    };
    const int n_singles = sizeof(singles) / sizeof(singles[0]);
    const int n_names = sizeof(names) / sizeof(names[0]);
    Octstr *rest;
    const char *reason = "unknown line";
    int i;

    for (i = 0; i < n_names; i++)
        if (octstr_str_ncompare(line, names[i], strlen(names[i])) == 0)
            break;
    if (i == n_names)
        return reason;
    rest = octstr_copy(line, strlen(names[i]), octstr_len(line));
    if (i < n_singles)
        reason = parse_single(rest, singles[i]);
    else if (i == n_singles)
        reason = parse_recipient(rest, status);
    else if (i == n_singles + 1)
        reason = parse_entry_code(rest, status, next_code);
    else
        reason = parse_warning(rest, status);
    octstr_destroy(rest);
    return reason;
}

static JobStatus *status_empty(void)
{
    JobStatus *status = gw_malloc(sizeof(*status));

    memset(status, 0, sizeof(*status));
    status->warnings = gwlist_create();
    status->recipients = gwlist_create();
    return status;
}

static const char *check_complete(const JobStatus *status)
{
    if (status->job == NULL || octstr_len(status->job) == 0)
        return "no Job: line";
    if (status->state == NULL)
        return "no State: line";
    if (!job_state_ok(status->state))
        return "unknown State: (new, active, deferred, done or failed)";
    return NULL;
}

static void fail(Octstr **error, Octstr *why)
{
    if (error != NULL)
        *error = why;
    else
        octstr_destroy(why);
}

/* ---- the slotted layout: head and slots ---- */

/* The line at *pos (without its LF; NULL at the end); *pos moves past it. */
static Octstr *next_line(Octstr *text, long *pos, long end)
{
    long eol = octstr_search_char(text, '\n', *pos);
    Octstr *line;

    if (*pos >= end)
        return NULL;
    if (eol < 0 || eol >= end)
        eol = end;
    line = octstr_copy(text, *pos, eol - *pos);
    *pos = eol + 1;
    return line;
}

static const char *parse_layout(Octstr *rest, StatusLayout *layout)
{
    if (sscanf(octstr_get_cstr(rest), "slot=%ld count=%ld", &layout->slot, &layout->count) != 2
        || (layout->slot != STATUS_SLOT && layout->slot != STATUS_SLOT_CODES)
        || layout->count < 0)
        return "Layout: must be slot=128|256 count=N";
    return NULL;
}

/*
 * The header, up to its Layout: line: 1 (layout found; *head_end set), 0
 * (a Recipient: line or the end came first: the 1.x layout), -1 + *reason.
 */
static int parse_header(Octstr *text, JobStatus *status, StatusLayout *layout,
                        long *head_end, const char **reason, long *line_no)
{
    long pos = 0, next_code = 0;
    Octstr *line;
    int found = 0;

    for (*line_no = 1; !found && *reason == NULL
         && (line = next_line(text, &pos, octstr_len(text))) != NULL; ++*line_no) {
        if (octstr_str_ncompare(line, "Recipient: ", 11) == 0) {
            octstr_destroy(line);
            return 0;
        }
        if (octstr_str_ncompare(line, "Layout: ", 8) == 0) {
            Octstr *rest = octstr_copy(line, 8, octstr_len(line));
            *reason = parse_layout(rest, layout);
            found = *reason == NULL;
            octstr_destroy(rest);
        } else
            *reason = parse_line(line, status, &next_code);
        octstr_destroy(line);
    }
    *head_end = pos;
    return *reason != NULL ? -1 : found;
}

/* State and Reason lines of the state sector; torn ones are counted. */
static const char *parse_state_sector(Octstr *text, JobStatus *status,
                                      const StatusLayout *layout)
{
    long pos = layout->state_at, next_code = 0;
    const char *reason = NULL;
    Octstr *line;
    int checked;

    while (reason == NULL && (line = next_line(text, &pos, layout->table_at)) != NULL) {
        if (octstr_get_char(line, 0) != '#' && octstr_len(line) > 0) {
            checked = strip_check(line);
            if (checked == 0)
                status->torn++;
            else if (checked < 0)
                reason = "a line of the state sector has no check";
            else if (octstr_str_ncompare(line, "State: ", 7) != 0
                     && octstr_str_ncompare(line, "Reason: ", 8) != 0)
                reason = "only State: and Reason: belong in the state sector";
            else
                reason = parse_line(line, status, &next_code);
        }
        octstr_destroy(line);
    }
    if (reason == NULL && status->state == NULL && status->torn > 0)
        status->state = octstr_create("active");    /* the directory says */
    return reason;
}

int job_status_parse_head(Octstr *text, JobStatus **status, StatusLayout *layout,
                          Octstr **error)
{
    const char *reason = NULL;
    long head_end, line_no = 0;
    int found;

    *status = status_empty();
    found = parse_header(text, *status, layout, &head_end, &reason, &line_no);
    if (found == -1) {
        job_status_destroy(*status);
        *status = NULL;
        fail(error, octstr_format("status line %ld: %s", line_no - 1, reason));
        return -1;
    }
    if (found == 1) {
        layout->state_at = state_sector_at(head_end);
        layout->table_at = layout->state_at + STATUS_SECTOR;
        (*status)->entry_codes = layout->slot == STATUS_SLOT_CODES;
        if (octstr_len(text) >= layout->table_at)
            reason = parse_state_sector(text, *status, layout);
    }
    if (reason == NULL)
        return found;
    job_status_destroy(*status);
    *status = NULL;
    fail(error, octstr_format("status file: %s", reason));
    return -1;
}

/* What a torn slot still tells: its MSISDN (the same bytes before and
 * after any write), queued with zero counts. */
static RecipientStatus *salvage(Octstr *slot)
{
    long end = octstr_search_char(slot, ' ', 11);
    Octstr *msisdn;
    RecipientStatus *r;

    if (octstr_str_ncompare(slot, "Recipient: ", 11) != 0 || end <= 11)
        return NULL;
    msisdn = octstr_copy(slot, 11, end - 11);
    r = recipient_create(msisdn);
    octstr_destroy(msisdn);
    return r;
}

static int parse_code_line(Octstr *line, RecipientStatus *r)
{
    Cursor c = { line, 12 };
    Octstr *msisdn, *code;
    int ok;

    if (octstr_str_ncompare(line, "Entry-Code: ", 12) != 0)
        return -1;
    msisdn = read_word(&c);
    code = read_word(&c);
    ok = octstr_compare(msisdn, r->msisdn) == 0 && octstr_len(code) > 0
         && c.pos >= octstr_len(line);
    if (ok)
        r->entry_code = octstr_duplicate(code);
    octstr_destroy(msisdn);
    octstr_destroy(code);
    return ok ? 0 : -1;
}

/* The slot's lines, each checked; -1 when one is torn or malformed. */
static int parse_slot_lines(Octstr *slot, RecipientStatus **r)
{
    long pos = 0;
    Octstr *line;
    const char *reason = NULL;
    int bad = 0;

    while (!bad && (line = next_line(slot, &pos, octstr_len(slot))) != NULL) {
        if (octstr_len(line) == 0)
            ;
        else if (strip_check(line) != 1)
            bad = 1;
        else if (*r == NULL) {
            bad = octstr_str_ncompare(line, "Recipient: ", 11) != 0;
            if (!bad) {
                Octstr *rest = octstr_copy(line, 11, octstr_len(line));
                bad = (*r = parse_recipient_value(rest, &reason)) == NULL;
                octstr_destroy(rest);
            }
        } else
            bad = parse_code_line(line, *r) != 0;
        octstr_destroy(line);
    }
    return bad || *r == NULL ? -1 : 0;
}

/* Digits at *p (1 to 9 of them, as parse_count() takes), then `end`. */
static int plain_count(const char **p, const char *end, long *out)
{
    const char *q = *p;
    long n = 0;

    while (q < end && *q >= '0' && *q <= '9' && q - *p < 10)
        n = n * 10 + (*q++ - '0');
    if (q == *p || q - *p > 9)
        return -1;
    *p = q;
    *out = n;
    return 0;
}

/* `name=N` at *p, after one blank. */
static int plain_field(const char **p, const char *end, const char *name, long *out)
{
    size_t len = strlen(name);

    if (end - *p < (long) len + 2 || **p != ' ' || memcmp(*p + 1, name, len) != 0
        || (*p)[len + 1] != '=')
        return -1;
    *p += len + 2;
    return plain_count(p, end, out);
}

/* The recipient line's words after "Recipient: " up to `end`. */
static RecipientStatus *parse_plain_line(const char *p, const char *end)
{
    const char *msisdn = p, *word;
    RecipientStatus *r;
    int state;

    while (p < end && *p != ' ')
        p++;
    if (p == msisdn || p == end)
        return NULL;
    for (word = ++p; p < end && *p != ' '; p++)
        ;
    for (state = 0; state < RECIPIENT_STATES; state++)
        if ((size_t) (p - word) == strlen(recipient_state_names[state])
            && memcmp(word, recipient_state_names[state], p - word) == 0)
            break;
    if (state == RECIPIENT_STATES)
        return NULL;
    r = gw_malloc(sizeof(*r));
    memset(r, 0, sizeof(*r));
    r->state = (RecipientState) state;
    if (plain_field(&p, end, "parts", &r->parts) < 0 || plain_field(&p, end, "acked", &r->acked) < 0
        || plain_field(&p, end, "delivered", &r->delivered) < 0
        || (p < end && plain_field(&p, end, "undelivered", &r->undelivered) < 0) || p != end) {
        gw_free(r);
        return NULL;
    }
    r->msisdn = octstr_create_from_data(msisdn, word - 1 - msisdn);
    return r;
}

/*
 * The common slot read the cheap way: one intact line filling the slot,
 * `Recipient: MSISDN STATE parts=N acked=N delivered=N [undelivered=N]`
 * in that order. NULL for anything else (a reason, an entry code, another
 * order, a torn line), which the general parser then reads: what this
 * accepts, it reads exactly as the general parser would.
 */
static RecipientStatus *parse_plain_slot(Octstr *slot)
{
    const char *s = octstr_get_cstr(slot), *end;
    long n = octstr_len(slot);

    if (n < 12 + CHECK_LEN || s[n - 1] != '\n' || memchr(s, '\n', n - 1) != NULL
        || memcmp(s, "Recipient: ", 11) != 0 || !raw_line_intact(s, n - 1))
        return NULL;
    end = s + n - CHECK_LEN;
    while (end > s && end[-1] == ' ')
        end--;
    if (end > s && isspace((unsigned char) end[-1]))
        return NULL;
    return parse_plain_line(s + 11, end);
}

RecipientStatus *job_status_parse_slot(Octstr *slot, int *torn)
{
    RecipientStatus *r = parse_plain_slot(slot);

    *torn = 0;
    if (r != NULL)
        return r;
    if (parse_slot_lines(slot, &r) == 0)
        return r;
    job_status_recipient_destroy(r);
    *torn = 1;
    return salvage(slot);
}

/* ---- whole files ---- */

static Octstr *parse_slots(Octstr *text, JobStatus *status, const StatusLayout *layout)
{
    long i, need = layout->table_at + layout->count * layout->slot;
    RecipientStatus *r;
    Octstr *slot;
    int torn;

    if (octstr_len(text) != need)
        return octstr_format("status file: %ld bytes where its layout needs %ld",
                             octstr_len(text), need);
    for (i = 0; i < layout->count; i++) {
        slot = octstr_copy(text, layout->table_at + i * layout->slot, layout->slot);
        r = job_status_parse_slot(slot, &torn);
        octstr_destroy(slot);
        if (r == NULL)
            return octstr_format("status file: slot %ld holds no recipient", i + 1);
        status->torn += torn;
        gwlist_append(status->recipients, r);
    }
    return NULL;
}

/* The 1.x layout: a line per recipient, Entry-Code lines at the end. */
static Octstr *parse_lines(Octstr *text, JobStatus *status)
{
    List *lines = octstr_split(text, octstr_imm("\n"));
    const char *reason;
    Octstr *why = NULL;
    long i, n = gwlist_len(lines), next_code = 0;

    for (i = 0; why == NULL && i < n; i++) {
        reason = parse_line(gwlist_get(lines, i), status, &next_code);
        if (reason != NULL)
            why = octstr_format("status line %ld: %s", i + 1, reason);
    }
    gwlist_destroy(lines, octstr_destroy_item);
    return why;
}

JobStatus *job_status_parse(Octstr *text, Octstr **error)
{
    JobStatus *status = NULL;
    StatusLayout layout;
    const char *reason;
    Octstr *why = NULL;
    int slotted = job_status_parse_head(text, &status, &layout, &why);

    if (slotted == 0) {
        job_status_destroy(status);
        status = status_empty();
        why = parse_lines(text, status);
    } else if (slotted == 1)
        why = parse_slots(text, status, &layout);
    if (why == NULL && (reason = check_complete(status)) != NULL)
        why = octstr_format("status file: %s", reason);
    if (why == NULL)
        return status;
    job_status_destroy(status);
    fail(error, why);
    return NULL;
}

/* ---- counting slots without parsing them whole ---- */

/* 1 when a line (without its LF) ends in a check that matches. */
static int raw_line_intact(const char *line, long len)
{
    long body = len - (CHECK_LEN - 1);
    char hex[9];

    if (body < 0 || line[body] != ' ' || line[body + 1] != '~')
        return 0;
    memcpy(hex, line + body + 2, 8);
    hex[8] = '\0';
    return strspn(hex, "0123456789abcdef") == 8
           && fnv1a_bytes(line, body) == strtoul(hex, NULL, 16);
}

static int raw_slot_intact(const char *slot, long size)
{
    const char *p = slot, *end = slot + size, *eol;

    for (; p < end; p = eol + 1) {
        eol = memchr(p, '\n', end - p);
        if (eol == NULL)
            eol = end;
        if (eol > p && !raw_line_intact(p, eol - p))
            return 0;
    }
    return 1;
}

int job_status_slot_state(const char *slot, long size, RecipientState *state)
{
    const char *msisdn_end, *word, *word_end;
    int i;

    *state = RCPT_QUEUED;
    if (size <= 11 || memcmp(slot, "Recipient: ", 11) != 0
        || (msisdn_end = memchr(slot + 11, ' ', size - 11)) == NULL
        || msisdn_end == slot + 11)
        return -1;
    if (!raw_slot_intact(slot, size))
        return 0;
    word = msisdn_end + 1;
    word_end = memchr(word, ' ', slot + size - word);
    for (i = 0; word_end != NULL && i < RECIPIENT_STATES; i++) {
        if ((size_t) (word_end - word) == strlen(recipient_state_names[i])
            && memcmp(word, recipient_state_names[i], word_end - word) == 0) {
            *state = (RecipientState) i;
            return 1;
        }
    }
    return 0;                   /* intact, but no state a parse accepts */
}
