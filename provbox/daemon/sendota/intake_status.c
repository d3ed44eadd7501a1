/*
 * intake_status.c - /job-status answers (see intake_status.h).
 */
#include "gwlib/gwlib.h"
#include "spool/job_status.h"
#include "spool/status_view.h"
#include "daemon/sendota/intake_status.h"
#include "common/escape.h"

typedef enum { VIEW_TXT, VIEW_XML, VIEW_JSON } View;

/* Recipients listed at most; the counts by state always cover them all. */
#define LIST_MAX 1000

static void append_txt(Octstr *out, const char *before, Octstr *value, const char *after)
{
    octstr_append_cstr(out, before);
    escape_append_text(out, value);
    octstr_append_cstr(out, after);
}

static void append_xml(Octstr *out, const char *tag, Octstr *value)
{
    octstr_format_append(out, "<%s>", tag);
    escape_append_markup(out, value);
    octstr_format_append(out, "</%s>", tag);
}

static void append_json(Octstr *out, const char *name, Octstr *value)
{
    octstr_format_append(out, "\"%s\":", name);
    escape_append_json(out, value);
}

static void render_recipient(Octstr *out, View view, const RecipientStatus *r)
{
    Octstr *state = octstr_imm(recipient_state_name(r->state));

    if (view == VIEW_TXT) {
        append_txt(out, "Recipient: ", r->msisdn, "");
        octstr_format_append(out, " %S parts=%ld acked=%ld delivered=%ld undelivered=%ld",
                             state, r->parts, r->acked, r->delivered, r->undelivered);
        if (r->reason != NULL)
            append_txt(out, " reason=\"", r->reason, "\"");
        octstr_append_char(out, '\n');
    } else if (view == VIEW_XML) {
        octstr_append_cstr(out, "<recipient>");
        append_xml(out, "to", r->msisdn);
        append_xml(out, "state", state);
        octstr_format_append(out, "<parts>%ld</parts><acked>%ld</acked><delivered>%ld"
                             "</delivered><undelivered>%ld</undelivered>", r->parts,
                             r->acked, r->delivered, r->undelivered);
        if (r->reason != NULL)
            append_xml(out, "reason", r->reason);
        octstr_append_cstr(out, "</recipient>");
    } else {
        octstr_append_char(out, '{');
        append_json(out, "to", r->msisdn);
        octstr_append_char(out, ',');
        append_json(out, "state", state);
        octstr_format_append(out, ",\"parts\":%ld,\"acked\":%ld,\"delivered\":%ld,"
                             "\"undelivered\":%ld", r->parts, r->acked, r->delivered,
                             r->undelivered);
        if (r->reason != NULL) {
            octstr_append_char(out, ',');
            append_json(out, "reason", r->reason);
        }
        octstr_append_char(out, '}');
    }
}

/* Lint's findings on the job's document: "Warning: ..." lines,
 * <warning> elements, or a "warnings" array (only when there are any). */
static void render_warnings(Octstr *out, View view, List *warnings)
{
    long i;

    for (i = 0; i < gwlist_len(warnings); i++) {
        if (view == VIEW_TXT)
            append_txt(out, "Warning: ", gwlist_get(warnings, i), "\n");
        else if (view == VIEW_XML)
            append_xml(out, "warning", gwlist_get(warnings, i));
        else {
            octstr_append_cstr(out, i == 0 ? ",\"warnings\":[" : ",");
            escape_append_json(out, gwlist_get(warnings, i));
        }
    }
    if (view == VIEW_JSON && gwlist_len(warnings) > 0)
        octstr_append_char(out, ']');
}

static void render_head(Octstr *out, View view, Octstr *job, Octstr *state,
                        const JobStatus *status)
{
    Octstr *reason = status != NULL ? status->reason : NULL;

    if (view == VIEW_TXT) {
        append_txt(out, "Job: ", job, "\n");
        append_txt(out, "State: ", state, "\n");
        if (reason != NULL)
            append_txt(out, "Reason: ", reason, "\n");
    } else if (view == VIEW_XML) {
        octstr_append_cstr(out, "<?xml version=\"1.0\"?>\n<job-status>");
        append_xml(out, "job", job);
        append_xml(out, "state", state);
        if (reason != NULL)
            append_xml(out, "reason", reason);
    } else {
        octstr_append_char(out, '{');
        append_json(out, "job", job);
        octstr_append_char(out, ',');
        append_json(out, "state", state);
        if (reason != NULL) {
            octstr_append_char(out, ',');
            append_json(out, "reason", reason);
        }
    }
    if (status != NULL)
        render_warnings(out, view, status->warnings);
}

/* The recipients by state: "Counts: total=N queued=N ..." and the like. */
static void render_counts(Octstr *out, View view, const StatusTally *t)
{
    const char *open[] = { "Counts: total=%ld", "<counts><total>%ld</total>",
                           ",\"counts\":{\"total\":%ld" };
    const char *each[] = { " %s=%ld", "<%s>%ld</%s>", ",\"%s\":%ld" };
    const char *close[] = { "\n", "</counts>", "}" };
    const char *name;
    int s;

    octstr_format_append(out, open[view], t->total);
    for (s = RCPT_QUEUED; s <= RCPT_EXPIRED; s++) {
        name = recipient_state_name((RecipientState) s);
        octstr_format_append(out, each[view], name, t->by_state[s], name);
    }
    octstr_append_cstr(out, close[view]);
}

/* Up to LIST_MAX recipients, in order; returns how many were listed. */
static long render_list(Octstr *out, View view, StatusView *status)
{
    const RecipientStatus *r;
    Octstr *why = NULL;
    long listed = 0;

    octstr_append_cstr(out, view == VIEW_XML ? "<recipients>"
                            : view == VIEW_JSON ? ",\"recipients\":[" : "");
    while (listed < LIST_MAX && (r = status_view_next(status, &why)) != NULL) {
        if (view == VIEW_JSON && listed > 0)
            octstr_append_char(out, ',');
        render_recipient(out, view, r);
        listed++;
    }
    octstr_append_cstr(out, view == VIEW_XML ? "</recipients>"
                            : view == VIEW_JSON ? "]" : "");
    octstr_destroy(why);
    return listed;
}

static void render_not_listed(Octstr *out, View view, long more)
{
    const char *line[] = { "Not-Listed: %ld\n", "<not-listed>%ld</not-listed>",
                           ",\"not_listed\":%ld" };

    if (more > 0)
        octstr_format_append(out, line[view], more);
}

static Octstr *render(View view, Octstr *job, Octstr *state, StatusView *status)
{
    Octstr *out = octstr_create(""), *why = NULL;
    StatusTally counts;
    int counted = status != NULL && status_view_tally(status, &counts, &why) == 0;
    long listed;

    render_head(out, view, job, state, status != NULL ? status_view_head(status) : NULL);
    if (counted) {
        render_counts(out, view, &counts);
        listed = render_list(out, view, status);
        render_not_listed(out, view, counts.total - listed);
    } else
        octstr_append_cstr(out, view == VIEW_XML ? "<recipients></recipients>"
                                : view == VIEW_JSON ? ",\"recipients\":[]" : "");
    if (view == VIEW_XML)
        octstr_append_cstr(out, "</job-status>\n");
    else if (view == VIEW_JSON)
        octstr_append_cstr(out, "}\n");
    octstr_destroy(why);
    return out;
}

static int view_parse(Octstr *format, View *view, const char **content_type)
{
    if (format == NULL || octstr_str_compare(format, "txt") == 0) {
        *view = VIEW_TXT;
        *content_type = "text/plain; charset=utf-8";
    } else if (octstr_str_compare(format, "xml") == 0) {
        *view = VIEW_XML;
        *content_type = "text/xml; charset=utf-8";
    } else if (octstr_str_compare(format, "json") == 0) {
        *view = VIEW_JSON;
        *content_type = "application/json";
    } else
        return -1;
    return 0;
}

int intake_status_render(Spool *spool, Octstr *job, Octstr *format, Octstr **answer,
                         const char **content_type)
{
    StatusView *status;
    Octstr *why = NULL;
    View view;
    int state;

    *content_type = "text/plain; charset=utf-8";
    if (view_parse(format, &view, content_type) < 0) {
        *answer = octstr_create("unknown format (txt, xml or json)\n");
        return HTTP_NOT_FOUND;
    }
    if (job == NULL || !spool_name_ok(job)) {
        *answer = octstr_create("job=NAME is missing or not a job name\n");
        return HTTP_BAD_REQUEST;
    }
    state = spool_find(spool, job);
    if (state < 0 || state == SPOOL_TMP) {
        *answer = octstr_create("");
        append_txt(*answer, "no job ", job, "\n");
        return HTTP_NOT_FOUND;
    }
    status = status_view_open(spool, (SpoolState) state, job, &why);
    *answer = render(view, job, octstr_imm(spool_state_name((SpoolState) state)), status);
    status_view_close(status);
    octstr_destroy(why);
    return HTTP_OK;
}
