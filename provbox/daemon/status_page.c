/*
 * status_page.c - gathering the status into sections of named values and
 * rendering them as text, XML, HTML or JSON (see status_page.h).
 */
#include "gwlib/gwlib.h"
#include "daemon/status_page.h"
#include "daemon/status_model.h"
#include "daemon/status_html.h"
#include "daemon/recent_errors.h"
#include "daemon/status_jobs.h"
#include "common/escape.h"

#define ERRORS_SHOWN 10          /* the errors section: the newest ten */

/* ---- gathering ----------------------------------------------------------- */

static void gather_box(List *sections, const StatusSources *src)
{
    Section *s = section_create(sections, "box");
    time_t now = time(NULL);

    add_text(s, "id", octstr_duplicate(src->config->provbox_id), 0);
    add_text(s, "version", octstr_create(PROVBOX_VERSION), 0);
    add_text(s, "kannel-version", octstr_create(GW_VERSION), 0);
    add_text(s, "started", status_time(stats_started(src->stats)), 0);
    add_number(s, "uptime", (long) (now - stats_started(src->stats)), 0);
}

static void gather_link(List *sections, const StatusSources *src)
{
    Section *s = section_create(sections, "bearerbox");
    BoxLinkState st = box_link_state(src->link);

    add_text(s, "host", octstr_duplicate(src->config->bearerbox_host), 0);
    add_number(s, "port", src->config->bearerbox_port, 0);
    add_text(s, "ssl", octstr_create(src->config->bearerbox_ssl ? "yes" : "no"), 0);
    add_text(s, "state", octstr_create(st.connected ? "connected" : "disconnected"), !st.connected);
    add_text(s, "connected-since", st.connected ? status_time(st.connected_since) : NULL, 0);
    add_number(s, "reconnects", st.reconnects, 0);
    add_number(s, "failed-connects", st.connect_failures, 0);
}

/* The counts the daemon keeps (spool_census.h): no directory is read. */
static Section *gather_spool(List *sections, const StatusSources *src)
{
    static const SpoolState shown[] = {
        SPOOL_NEW, SPOOL_ACTIVE, SPOOL_DEFERRED, SPOOL_DONE, SPOOL_FAILED
    };
    Section *s = section_create(sections, "spool");
    SpoolCensusCounts c = spool_census_counts(src->census);
    time_t now = time(NULL);
    long i, count;

    add_text(s, "dir", octstr_duplicate(src->config->spool_dir), 0);
    for (i = 0; i < (long) (sizeof(shown) / sizeof(shown[0])); i++) {
        count = c.jobs[shown[i]];
        add_number(s, spool_state_name(shown[i]), count, shown[i] == SPOOL_FAILED && count > 0);
    }
    add_number(s, "oldest-waiting-age", c.oldest_waiting == 0 ? -1
               : (long) (now > c.oldest_waiting ? now - c.oldest_waiting : 0), 0);
    add_text(s, "counted", status_time(c.scanned), 0);
    return s;
}

static const char *rate_names[STAT_COUNT][3] = {
    { "recipients-sent-rate-1m", "recipients-sent-rate-5m", "recipients-sent-rate-15m" },
    { "recipients-failed-rate-1m", "recipients-failed-rate-5m", "recipients-failed-rate-15m" },
    { "segments-sent-rate-1m", "segments-sent-rate-5m", "segments-sent-rate-15m" },
    { "segments-acked-rate-1m", "segments-acked-rate-5m", "segments-acked-rate-15m" },
    { "segments-failed-rate-1m", "segments-failed-rate-5m", "segments-failed-rate-15m" },
    { "delivered-rate-1m", "delivered-rate-5m", "delivered-rate-15m" },
    { "undelivered-rate-1m", "undelivered-rate-5m", "undelivered-rate-15m" },
};

static int is_failure_stat(int kind)
{
    return kind == STAT_RECIPIENTS_FAILED || kind == STAT_SEGMENTS_FAILED
        || kind == STAT_UNDELIVERED;
}

static void gather_traffic(List *sections, const StatusSources *src)
{
    static const int minutes[3] = { 1, 5, 15 };
    Section *s = section_create(sections, "traffic");
    DispatcherCounters now = dispatcher_counters(src->dispatcher);
    long total;
    int k, m;

    stats_sample(src->stats, &now);     /* the totals as of this request */
    for (k = 0; k < STAT_COUNT; k++) {
        total = stats_total(src->stats, k);
        add_number(s, stats_name(k), total, is_failure_stat(k) && total > 0);
        for (m = 0; m < 3; m++)
            field_add(s->fields, rate_names[k][m],
                      octstr_format("%.2f", stats_rate(src->stats, k, minutes[m])), 1, 0);
    }
    add_number(s, "reports-received", now.reports_received, 0);
}

static void gather_window(List *sections, const StatusSources *src)
{
    Section *s = section_create(sections, "window");
    DispatcherCounters c = dispatcher_counters(src->dispatcher);

    add_number(s, "in-flight", c.in_flight, 0);
    add_number(s, "max-pending", c.max_pending, 0);
    add_number(s, "active-jobs", c.active_jobs, 0);
    add_number(s, "max-active-jobs", c.max_active_jobs, c.max_active_jobs < c.max_pending);
    add_number(s, "reports-waiting", c.reports_waiting, 0);
    add_text(s, "intake", octstr_create(c.suspended ? "suspended" : "running"), c.suspended);
}

/* A rate as "12", "2.5" or "0.33": two decimals at most, no trailing 0. */
static Octstr *format_rate(double rate)
{
    Octstr *text = octstr_format("%.2f", rate);

    while (octstr_get_char(text, octstr_len(text) - 1) == '0')
        octstr_delete(text, octstr_len(text) - 1, 1);
    if (octstr_get_char(text, octstr_len(text) - 1) == '.')
        octstr_delete(text, octstr_len(text) - 1, 1);
    return text;
}

/* The box's throughput and send window, then each paced job. */
static void gather_pacing(List *sections, const StatusSources *src)
{
    Section *s = section_create(sections, "pacing");
    List *paced = dispatcher_paced_jobs(src->dispatcher), *record;
    const ProvboxConfig *c = src->config;
    long i;

    field_add(s->fields, "throughput", format_rate(c->throughput), 1, 0);
    add_text(s, "send-window", octstr_create(c->send_window != NULL
             ? octstr_get_cstr(send_window_text(c->send_window)) : "none"), 0);
    add_number(s, "paced-jobs", gwlist_len(paced), 0);
    s = section_create_records(sections, "paced-jobs", "job");
    for (i = 0; i < gwlist_len(paced); i++) {
        PacedJob *p = gwlist_get(paced, i);
        Octstr *rate = format_rate(p->pace);
        record = gwlist_create();
        field_add(record, "name", octstr_duplicate(p->name), 0, 0);
        field_add(record, "pace", octstr_format("paced at %S/s", rate), 0, 0);
        field_add(record, "paced-at", rate, 1, 0);
        field_add(record, "limited-by", octstr_create(p->by_rate ? "Rate" : "throughput"), 0, 0);
        gwlist_append(s->records, record);
    }
    paced_jobs_destroy(paced);
}

/* The newest ERRORS_SHOWN (the recent-failures section has them all). */
static void gather_errors(List *sections, List *errors)
{
    Section *s = section_create_records(sections, "errors", "error");
    List *record;
    long i;

    for (i = 0; i < gwlist_len(errors) && i < ERRORS_SHOWN; i++) {
        RecentError *e = gwlist_get(errors, i);
        record = gwlist_create();
        field_add(record, "time", status_time(e->at), 0, 0);
        field_add(record, "job", octstr_duplicate(e->job), 0, 0);
        field_add(record, "cause", octstr_duplicate(e->cause), 0, 1);
        gwlist_append(s->records, record);
    }
}

static List *gather(const StatusSources *src)
{
    List *sections = gwlist_create(), *errors = recent_errors_list();
    Section *spool;

    gather_box(sections, src);
    gather_link(sections, src);
    spool = gather_spool(sections, src);
    gather_traffic(sections, src);
    gather_window(sections, src);
    gather_pacing(sections, src);
    gather_errors(sections, errors);
    add_number(spool, "deferred-listed", status_jobs_gather(sections, src->spool, errors), 0);
    recent_errors_free(errors);
    return sections;
}

/* ---- renderers ------------------------------------------------------------ */

static void render_txt_fields(Octstr *out, List *fields, const char *indent)
{
    long i;

    for (i = 0; i < gwlist_len(fields); i++) {
        Field *f = gwlist_get(fields, i);
        octstr_format_append(out, "%s%s: ", indent, f->name);
        escape_append_text(out, f->value);
        octstr_format_append(out, "%s\n", f->bad ? "  <-- check" : "");
    }
}

static Octstr *render_txt(List *sections)
{
    Octstr *out = octstr_create("");
    long i, j;

    for (i = 0; i < gwlist_len(sections); i++) {
        Section *s = gwlist_get(sections, i);
        octstr_format_append(out, "%s:\n", s->name);
        render_txt_fields(out, s->fields, "  ");
        for (j = 0; s->records != NULL && j < gwlist_len(s->records); j++) {
            octstr_format_append(out, "  %s:\n", s->record_name);
            render_txt_fields(out, gwlist_get(s->records, j), "    ");
        }
        octstr_append_char(out, '\n');
    }
    return out;
}

static void render_xml_fields(Octstr *out, List *fields, const char *indent)
{
    long i;

    for (i = 0; i < gwlist_len(fields); i++) {
        Field *f = gwlist_get(fields, i);
        octstr_format_append(out, "%s<%s>", indent, f->name);
        escape_append_markup(out, f->value);
        octstr_format_append(out, "</%s>\n", f->name);
    }
}

static Octstr *render_xml(List *sections)
{
    Octstr *out = octstr_create("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<provbox>\n");
    long i, j;

    for (i = 0; i < gwlist_len(sections); i++) {
        Section *s = gwlist_get(sections, i);
        octstr_format_append(out, "  <%s>\n", s->name);
        render_xml_fields(out, s->fields, "    ");
        for (j = 0; s->records != NULL && j < gwlist_len(s->records); j++) {
            octstr_format_append(out, "    <%s>\n", s->record_name);
            render_xml_fields(out, gwlist_get(s->records, j), "      ");
            octstr_format_append(out, "    </%s>\n", s->record_name);
        }
        octstr_format_append(out, "  </%s>\n", s->name);
    }
    octstr_append_cstr(out, "</provbox>\n");
    return out;
}

static void render_json_fields(Octstr *out, List *fields)
{
    long i;

    octstr_append_char(out, '{');
    for (i = 0; i < gwlist_len(fields); i++) {
        Field *f = gwlist_get(fields, i);
        octstr_format_append(out, "%s\"%s\": ", i > 0 ? ", " : "", f->name);
        if (f->numeric)
            octstr_append(out, f->value);
        else
            escape_append_json(out, f->value);
    }
    octstr_append_char(out, '}');
}

static Octstr *render_json(List *sections)
{
    Octstr *out = octstr_create("{");
    long i, j;

    for (i = 0; i < gwlist_len(sections); i++) {
        Section *s = gwlist_get(sections, i);
        octstr_format_append(out, "%s\n  \"%s\": ", i > 0 ? "," : "", s->name);
        if (s->records == NULL) {
            render_json_fields(out, s->fields);
            continue;
        }
        octstr_append_char(out, '[');
        for (j = 0; j < gwlist_len(s->records); j++) {
            octstr_append_cstr(out, j > 0 ? ", " : "");
            render_json_fields(out, gwlist_get(s->records, j));
        }
        octstr_append_char(out, ']');
    }
    octstr_append_cstr(out, "\n}\n");
    return out;
}

/* Render and free the sections. */
static Octstr *render(List *sections, StatusFormat format, List *cgivars)
{
    Octstr *out;

    switch (format) {
    case FORMAT_XML: out = render_xml(sections); break;
    case FORMAT_HTML: out = status_html_render(sections, cgivars); break;
    case FORMAT_JSON: out = render_json(sections); break;
    default: out = render_txt(sections); break;
    }
    sections_destroy(sections);
    return out;
}

Octstr *status_page_render(const StatusSources *src, StatusFormat format, List *cgivars)
{
    return render(gather(src), format, cgivars);
}

Octstr *status_page_message(StatusFormat format, const char *command, int ok, Octstr *text)
{
    List *sections = gwlist_create();
    Section *s = section_create(sections, "reply");
    Octstr *out;

    add_text(s, "command", octstr_create(command), 0);
    add_text(s, "result", octstr_create(ok ? "ok" : "error"), !ok);
    add_text(s, "message", octstr_duplicate(text), !ok);
    if (format != FORMAT_HTML)
        return render(sections, format, NULL);
    out = status_html_reply(sections);
    sections_destroy(sections);
    return out;
}

int status_format_parse(const char *ext, StatusFormat *format)
{
    static const struct { const char *ext; StatusFormat format; } known[] = {
        { "txt", FORMAT_TXT }, { "xml", FORMAT_XML },
        { "html", FORMAT_HTML }, { "json", FORMAT_JSON }
    };
    size_t i;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(ext, known[i].ext) == 0) {
            *format = known[i].format;
            return 0;
        }
    return -1;
}

const char *status_format_content_type(StatusFormat format)
{
    switch (format) {
    case FORMAT_XML: return "text/xml; charset=utf-8";
    case FORMAT_HTML: return "text/html; charset=utf-8";
    case FORMAT_JSON: return "application/json";
    default: return "text/plain; charset=utf-8";
    }
}
