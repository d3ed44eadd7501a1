/*
 * job_status.c - formats and parses the NAME.status file (job_status.h).
 *
 *   Job: NAME
 *   Id: ID                       (only when the job has an Id:)
 *   State: new|active|deferred|done|failed
 *   Reason: REASON               (only when set)
 *   Renamed-From: NAME           (the name it came with, taken by another job)
 *   Tampered: WHAT               (its file changed in active/ after the claim)
 *   Recipient: MSISDN STATE parts=N acked=N delivered=N [undelivered=N] [reason="..."]
 *   Entry-Code: MSISDN CODE      (USERPINMAC, after all Recipient lines)
 *
 * Every line stays one line whatever the values hold: in the Job, Id,
 * Reason, Renamed-From and Tampered values and in the quoted reason, a backslash is written `\\`,
 * LF/CR/TAB `\n` `\r` `\t`, any other control byte `\xHH`, and inside the
 * quotes a double quote `\"`. So job_status_parse(job_status_format(s))
 * gives s back exactly. `new` is the state of a job that `provctl requeue`
 * put back into new/ with the record of what was already sent.
 */
#include <string.h>

#include "gwlib/gwlib.h"
#include "spool/job_status.h"

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
    status->renamed_from = NULL;
    status->tampered = NULL;
    status->recipients = gwlist_create();
    return status;
}

static void recipient_status_destroy(void *p)
{
    RecipientStatus *r = p;

    octstr_destroy(r->msisdn);
    octstr_destroy(r->reason);
    octstr_destroy(r->entry_code);
    gw_free(r);
}

void job_status_destroy(JobStatus *status)
{
    if (status == NULL)
        return;
    octstr_destroy(status->job);
    octstr_destroy(status->id);
    octstr_destroy(status->state);
    octstr_destroy(status->reason);
    octstr_destroy(status->renamed_from);
    octstr_destroy(status->tampered);
    gwlist_destroy(status->recipients, recipient_status_destroy);
    gw_free(status);
}

RecipientStatus *job_status_add_recipient(JobStatus *status, Octstr *msisdn)
{
    RecipientStatus *r = gw_malloc(sizeof(*r));

    memset(r, 0, sizeof(*r));
    r->msisdn = octstr_duplicate(msisdn);
    r->state = RCPT_QUEUED;
    gwlist_append(status->recipients, r);
    return r;
}

/* ---- formatting ---- */

static void append_escaped(Octstr *out, Octstr *value, int quoted)
{
    long i;
    int c;

    for (i = 0; i < octstr_len(value); i++) {
        c = octstr_get_char(value, i);
        if (c == '\\' || (quoted && c == '"'))
            octstr_format_append(out, "\\%c", c);
        else if (c == '\n')
            octstr_append_cstr(out, "\\n");
        else if (c == '\r')
            octstr_append_cstr(out, "\\r");
        else if (c == '\t')
            octstr_append_cstr(out, "\\t");
        else if (c < 0x20 || c == 0x7F)
            octstr_format_append(out, "\\x%02X", c);
        else
            octstr_append_char(out, c);
    }
}

static void format_field(Octstr *out, const char *name, Octstr *value)
{
    if (value == NULL)
        return;
    octstr_format_append(out, "%s: ", name);
    append_escaped(out, value, 0);
    octstr_append_char(out, '\n');
}

static void format_recipient(Octstr *out, const RecipientStatus *r)
{
    octstr_format_append(out, "Recipient: %S %s parts=%ld acked=%ld delivered=%ld",
                         r->msisdn, recipient_state_name(r->state), r->parts,
                         r->acked, r->delivered);
    if (r->undelivered != 0)
        octstr_format_append(out, " undelivered=%ld", r->undelivered);
    if (r->reason != NULL) {
        octstr_append_cstr(out, " reason=\"");
        append_escaped(out, r->reason, 1);
        octstr_append_char(out, '"');
    }
    octstr_append_char(out, '\n');
}

Octstr *job_status_format(const JobStatus *status)
{
    Octstr *out = octstr_create("");
    RecipientStatus *r;
    long i;

    format_field(out, "Job", status->job);
    format_field(out, "Id", status->id);
    format_field(out, "State", status->state);
    format_field(out, "Reason", status->reason);
    format_field(out, "Renamed-From", status->renamed_from);
    format_field(out, "Tampered", status->tampered);
    for (i = 0; i < gwlist_len(status->recipients); i++)
        format_recipient(out, gwlist_get(status->recipients, i));
    for (i = 0; i < gwlist_len(status->recipients); i++) {
        r = gwlist_get(status->recipients, i);
        if (r->entry_code != NULL)
            octstr_format_append(out, "Entry-Code: %S %S\n", r->msisdn,
                                 r->entry_code);
    }
    return out;
}

/* ---- parsing ---- */

typedef struct Cursor {
    Octstr *line;
    long pos;
} Cursor;

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

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
        high = hex_value(octstr_get_char(c->line, c->pos));
        low = hex_value(octstr_get_char(c->line, c->pos + 1));
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

static const char *parse_recipient(Octstr *rest, JobStatus *status)
{
    Cursor c = { rest, 0 };
    Octstr *msisdn = read_word(&c), *state = read_word(&c);
    RecipientStatus *r;
    RecipientState st;
    const char *reason = NULL;
    unsigned seen = 0;

    if (octstr_len(msisdn) == 0 || recipient_state_parse(state, &st) < 0)
        reason = "expected MSISDN and a recipient state";
    else {
        r = job_status_add_recipient(status, msisdn);
        r->state = st;
        while (reason == NULL && c.pos < octstr_len(rest))
            reason = parse_recipient_field(&c, r, &seen);
        if (reason == NULL && (seen & REQUIRED_FIELDS) != REQUIRED_FIELDS)
            reason = "parts=, acked= and delivered= are required";
    }
    octstr_destroy(msisdn);
    octstr_destroy(state);
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

static const char *parse_line(Octstr *line, JobStatus *status, long *next_code)
{
    static const char *const names[] = {
        "Job: ", "Id: ", "State: ", "Reason: ", "Renamed-From: ", "Tampered: ",
        "Recipient: ", "Entry-Code: "
    };
    Octstr **singles[] = {
        &status->job, &status->id, &status->state, &status->reason,
        &status->renamed_from, &status->tampered
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
    else
        reason = parse_entry_code(rest, status, next_code);
    octstr_destroy(rest);
    return reason;
}

static JobStatus *status_empty(void)
{
    JobStatus *status = gw_malloc(sizeof(*status));

    memset(status, 0, sizeof(*status));
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

JobStatus *job_status_parse(Octstr *text, Octstr **error)
{
    JobStatus *status = status_empty();
    List *lines = octstr_split(text, octstr_imm("\n"));
    const char *reason = NULL;
    Octstr *why = NULL;
    long i, n = gwlist_len(lines), next_code = 0;

    for (i = 0; why == NULL && i < n; i++) {
        reason = parse_line(gwlist_get(lines, i), status, &next_code);
        if (reason != NULL)
            why = octstr_format("status line %ld: %s", i + 1, reason);
    }
    if (why == NULL && (reason = check_complete(status)) != NULL)
        why = octstr_format("status file: %s", reason);
    gwlist_destroy(lines, octstr_destroy_item);
    if (why == NULL)
        return status;
    job_status_destroy(status);
    if (error != NULL)
        *error = why;
    else
        octstr_destroy(why);
    return NULL;
}
