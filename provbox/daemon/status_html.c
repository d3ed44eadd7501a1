/*
 * status_html.c - the HTML status page (see status_html.h).
 */
#include <ctype.h>

#include "gwlib/gwlib.h"
#include "daemon/status_html.h"
#include "daemon/status_model.h"
#include "common/escape.h"

static const char style[] =
    "body{font:14px/1.4 'DejaVu Sans',system-ui,sans-serif;margin:0;padding:16px 20px;"
    "color:#1f2328;background:#f6f8fa}"
    "header{display:flex;align-items:baseline;gap:16px;flex-wrap:wrap}"
    "h1{font-size:22px;margin:0}h2{font-size:16px;margin:18px 0 6px}"
    ".sub{color:#57606a;font-size:13px}.refresh{margin-left:auto;font-size:13px}"
    "a{color:#0969da}"
    ".tiles{display:flex;gap:8px;flex-wrap:wrap;margin:12px 0 4px}"
    ".tile{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:5px 12px;"
    "min-width:64px}"
    ".tile small{display:block;color:#57606a;font-size:12px}"
    ".tile b{display:block;font-size:18px;font-weight:600}"
    ".tile.ok b{color:#1a7f37}.tile.bad{background:#ffebe9;border-color:#ff8182}"
    ".tile.bad b,.tile.bad small{color:#a40e26}"
    "table{border-collapse:collapse;background:#fff;border:1px solid #d0d7de}"
    "th,td{padding:4px 8px;border-bottom:1px solid #eaeef2;text-align:left;"
    "vertical-align:top}"
    "thead th{background:#f0f3f6;font-size:12px;color:#57606a;font-weight:600}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "table.jobs{width:100%}tr.group td{background:#f6f8fa;font-weight:600;font-size:13px}"
    "td.name{font-family:'DejaVu Sans Mono',monospace;font-size:12px;word-break:break-all;"
    "max-width:260px}"
    ".st{border-radius:10px;padding:0 8px;font-size:12px;white-space:nowrap}"
    ".st.active{background:#ddf4ff;color:#0550ae}.st.deferred{background:#fff8c5;color:#7d4e00}"
    ".st.done{background:#dafbe1;color:#116329}.st.failed{background:#ffebe9;color:#a40e26}"
    ".bar{display:flex;width:240px;height:12px;background:#d8dee4;border-radius:3px;"
    "overflow:hidden}.bar span{display:block;height:100%}"
    ".d{background:#2da44e}.s{background:#54aeff}.u{background:#d4a72c}.f{background:#cf222e}"
    ".legend{font-size:11px;color:#57606a;margin-top:2px;white-space:nowrap}"
    ".legend i{display:inline-block;width:8px;height:8px;border-radius:2px;margin:0 3px 0 6px}"
    ".legend i:first-child{margin-left:0}"
    "td.reason,td.cause{font-size:12px;max-width:320px}"
    "tr.bad th,tr.bad td{background:#ffebe9;color:#a40e26;font-weight:600}"
    ".cols{display:flex;gap:20px;flex-wrap:wrap;align-items:flex-start}"
    ".cols section{flex:0 1 auto}.details th,.details td{padding:2px 8px;font-size:12px}"
    ".none{color:#57606a;font-style:italic}";

/* ---- small pieces ------------------------------------------------------ */

static void esc(Octstr *out, Octstr *value)
{
    escape_append_markup(out, value);
}

static void esc_field(Octstr *out, List *fields, const char *name)
{
    esc(out, field_text(fields, name));
}

/* "3 d 4 h 12 min", leading units left out while they are 0; the
 * seconds too under ten minutes ("7 min 5 s", "45 s"). */
static void append_duration(Octstr *out, long seconds)
{
    long d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60;

    if (d > 0)
        octstr_format_append(out, "%ld d ", d);
    if (d > 0 || h > 0)
        octstr_format_append(out, "%ld h ", h);
    if (seconds >= 60)
        octstr_format_append(out, "%ld min", m);
    if (seconds < 600)
        octstr_format_append(out, "%s%ld s", seconds >= 60 ? " " : "", seconds % 60);
}

static long refresh_of(List *cgivars)
{
    Octstr *value = cgivars != NULL ? http_cgi_variable(cgivars, "refresh") : NULL;
    long seconds = 0;

    if (value == NULL || octstr_parse_long(&seconds, value, 0, 10) != octstr_len(value)
        || seconds < 1 || seconds > STATUS_HTML_REFRESH_MAX)
        return 0;
    return seconds;
}

/* Percent-encoding: unreserved characters as they are, every other byte %HH. */
static void append_url_encoded(Octstr *out, Octstr *value)
{
    long i;
    int c;

    for (i = 0; i < octstr_len(value); i++) {
        c = octstr_get_char(value, i);
        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            octstr_append_char(out, c);
        else
            octstr_format_append(out, "%%%02X", c);
    }
}

/* A link to this page with auto-refresh every `refresh` seconds (0: off),
 * keeping the password it was given. */
static void append_link(Octstr *out, List *cgivars, long refresh, const char *text)
{
    Octstr *password = cgivars != NULL ? http_cgi_variable(cgivars, "password") : NULL;
    Octstr *query = octstr_create("?");

    if (refresh > 0)
        octstr_format_append(query, "refresh=%ld", refresh);
    if (password != NULL) {
        octstr_append_cstr(query, refresh > 0 ? "&password=" : "password=");
        append_url_encoded(query, password);
    }
    octstr_append_cstr(out, "<a href=\"");
    esc(out, query);
    octstr_format_append(out, "\">%s</a>", text);
    octstr_destroy(query);
}

/* ---- header ------------------------------------------------------------ */

static void append_head(Octstr *out, List *sections, long refresh)
{
    List *box = section_find(sections, "box")->fields;

    octstr_append_cstr(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    if (refresh > 0)
        octstr_format_append(out, "<meta http-equiv=\"refresh\" content=\"%ld\">", refresh);
    octstr_append_cstr(out, "<title>provbox ");
    esc_field(out, box, "id");
    octstr_format_append(out, " status</title><style>%s</style></head><body>\n", style);
}

static void append_title(Octstr *out, List *sections, List *cgivars, long refresh)
{
    List *box = section_find(sections, "box")->fields;

    octstr_append_cstr(out, "<header><h1>provbox ");
    esc_field(out, box, "id");
    octstr_append_cstr(out, "</h1><span class=\"sub\">provbox ");
    esc_field(out, box, "version");
    octstr_append_cstr(out, " &middot; Kannel ");
    esc_field(out, box, "kannel-version");
    octstr_append_cstr(out, " &middot; started ");
    esc_field(out, box, "started");
    octstr_append_cstr(out, "</span><span class=\"refresh\">");
    if (refresh > 0) {
        octstr_format_append(out, "Refreshing every %ld s &middot; ", refresh);
        append_link(out, cgivars, 0, "stop");
    } else {
        octstr_append_cstr(out, "Auto-refresh off &middot; ");
        append_link(out, cgivars, STATUS_HTML_REFRESH_ON, "every 5 s");
    }
    octstr_append_cstr(out, "</span></header>\n");
}

static void tile_start(Octstr *out, const char *label, const char *class)
{
    octstr_format_append(out, "<div class=\"tile %s\"><small>%s</small><b>", class, label);
}

static void tile_value(Octstr *out, const char *label, Octstr *value, const char *class)
{
    tile_start(out, label, class);
    esc(out, value);
    octstr_append_cstr(out, "</b></div>");
}

static void append_tiles(Octstr *out, List *sections)
{
    static const char *states[] = { "new", "active", "deferred", "done", "failed" };
    List *link = section_find(sections, "bearerbox")->fields;
    List *spool = section_find(sections, "spool")->fields;
    List *window = section_find(sections, "window")->fields;
    Field *state = field_find(link, "state"), *intake = field_find(window, "intake");
    long i, age = field_number(spool, "oldest-waiting-age");

    octstr_append_cstr(out, "<div class=\"tiles\">");
    tile_value(out, "bearerbox", state->value, state->bad ? "bad" : "ok");
    tile_start(out, "uptime", "");
    append_duration(out, field_number(section_find(sections, "box")->fields, "uptime"));
    octstr_append_cstr(out, "</b></div>");
    for (i = 0; i < (long) (sizeof(states) / sizeof(states[0])); i++)
        tile_value(out, states[i], field_text(spool, states[i]),
                   field_find(spool, states[i])->bad ? "bad" : "");
    tile_start(out, "oldest waiting", "");
    if (age < 0)
        octstr_append_cstr(out, "&ndash;");
    else
        append_duration(out, age);
    octstr_append_cstr(out, "</b></div>");
    tile_start(out, "in flight", "");
    octstr_format_append(out, "%ld / %ld</b></div>", field_number(window, "in-flight"),
                         field_number(window, "max-pending"));
    tile_value(out, "intake", intake->value, intake->bad ? "bad" : "");
    octstr_append_cstr(out, "</div>\n");
}

/* ---- jobs -------------------------------------------------------------- */

static void append_segment(Octstr *out, const char *class, long count, long total,
                           const char *what)
{
    if (count <= 0)
        return;
    octstr_format_append(out, "<span class=\"%s\" style=\"width:%.2f%%\" title=\"%ld %s\">"
                         "</span>", class, 100.0 * (double) count / (double) total, count, what);
}

static void append_progress(Octstr *out, List *job)
{
    static const struct { const char *field, *class; } parts[] = {
        { "delivered", "d" }, { "sent", "s" }, { "undelivered", "u" }, { "failed", "f" }
    };
    long total = field_number(job, "recipients"), i;

    if (total <= 0 || field_number(job, "pending") < 0) {
        octstr_append_cstr(out, "<span class=\"none\">counts not known</span>");
        return;
    }
    octstr_append_cstr(out, "<div class=\"bar\">");
    for (i = 0; i < 4; i++)
        append_segment(out, parts[i].class, field_number(job, parts[i].field), total,
                       parts[i].field);
    octstr_append_cstr(out, "</div><div class=\"legend\">");
    for (i = 0; i < 4; i++)
        octstr_format_append(out, "<i class=\"%s\"></i>%ld %s", parts[i].class,
                             field_number(job, parts[i].field), parts[i].field);
    octstr_format_append(out, " &middot; %ld pending</div>", field_number(job, "pending"));
}

static void append_rate_eta(Octstr *out, List *job)
{
    Field *rate = field_find(job, "rate");
    long eta = field_number(job, "eta");

    octstr_append_cstr(out, "<td class=\"n rate\">");
    if (octstr_get_char(rate->value, 0) == '-')
        octstr_append_cstr(out, "&ndash;");
    else
        octstr_format_append(out, "%S/s", rate->value);
    octstr_append_cstr(out, "</td><td class=\"n eta\">");
    if (eta < 0)
        octstr_append_cstr(out, "&ndash;");
    else
        append_duration(out, eta);
    octstr_append_cstr(out, "</td>");
}

static void append_job(Octstr *out, List *job)
{
    Octstr *state = field_text(job, "state");
    long recipients = field_number(job, "recipients");

    octstr_format_append(out, "<tr class=\"job\" data-state=\"%S\"><td class=\"name\">", state);
    esc_field(out, job, "name");
    octstr_append_cstr(out, "</td><td class=\"id\">");
    esc_field(out, job, "id");
    octstr_format_append(out, "</td><td class=\"state\"><span class=\"st %S\">%S</span></td>"
                         "<td class=\"n recipients\">", state, state);
    if (recipients < 0)
        octstr_append_cstr(out, "&ndash;");
    else
        octstr_format_append(out, "%ld", recipients);
    octstr_append_cstr(out, "</td><td class=\"progress\">");
    append_progress(out, job);
    octstr_append_cstr(out, "</td>");
    append_rate_eta(out, job);
    octstr_append_cstr(out, "<td class=\"reason\">");
    esc_field(out, job, "reason");
    octstr_append_cstr(out, "</td></tr>\n");
}

static int in_group(List *job, int group)
{
    Octstr *state = field_text(job, "state");

    if (group == 0)
        return octstr_str_compare(state, "active") == 0;
    if (group == 1)
        return octstr_str_compare(state, "deferred") == 0;
    return octstr_str_compare(state, "done") == 0 || octstr_str_compare(state, "failed") == 0;
}

static long group_count(List *jobs, int group)
{
    long i, n = 0;

    for (i = 0; i < gwlist_len(jobs); i++)
        n += in_group(gwlist_get(jobs, i), group);
    return n;
}

static void append_group_title(Octstr *out, List *jobs, List *spool, int group)
{
    long n = group_count(jobs, group), deferred = field_number(spool, "deferred");

    octstr_append_cstr(out, "<tr class=\"group\"><td colspan=\"8\">");
    if (group == 0)
        octstr_format_append(out, "Active (%ld)", n);
    else if (group == 1 && deferred > n)
        octstr_format_append(out, "Deferred (%ld listed; %ld more in deferred/)", n,
                             deferred - n);
    else if (group == 1)
        octstr_format_append(out, "Deferred (%ld)", n);
    else
        octstr_format_append(out, "Finished lately (%ld)", n);
    if (n == 0)
        octstr_append_cstr(out, " &middot; <span class=\"none\">none</span>");
    octstr_append_cstr(out, "</td></tr>\n");
}

static void append_jobs(Octstr *out, List *sections)
{
    List *jobs = section_find(sections, "jobs")->records;
    List *spool = section_find(sections, "spool")->fields;
    long i;
    int group;

    octstr_append_cstr(out, "<h2>Jobs</h2><table class=\"jobs\"><thead><tr><th>Job</th>"
                       "<th>Id</th><th>State</th><th class=\"n\">Recipients</th>"
                       "<th>Progress</th><th class=\"n\">Rate</th><th class=\"n\">Time left</th>"
                       "<th>Reason</th></tr></thead><tbody>\n");
    for (group = 0; group < 3; group++) {
        append_group_title(out, jobs, spool, group);
        for (i = 0; i < gwlist_len(jobs); i++)
            if (in_group(gwlist_get(jobs, i), group))
                append_job(out, gwlist_get(jobs, i));
    }
    octstr_append_cstr(out, "</tbody></table>\n");
}

/* ---- failures, rates, details -------------------------------------------- */

static void append_failures(Octstr *out, List *sections)
{
    List *failures = section_find(sections, "recent-failures")->records, *f;
    long i, recipient;

    octstr_format_append(out, "<section><h2>Last failures (%ld)</h2><table class=\"failures\">"
                         "<thead><tr><th>Time</th><th>Job</th><th class=\"n\">Recipient</th>"
                         "<th>Cause</th></tr></thead><tbody>\n", gwlist_len(failures));
    for (i = 0; i < gwlist_len(failures); i++) {
        f = gwlist_get(failures, i);
        recipient = field_number(f, "recipient");
        octstr_append_cstr(out, "<tr class=\"failure\"><td class=\"n\">");
        esc_field(out, f, "time");
        octstr_append_cstr(out, "</td><td class=\"name\">");
        esc_field(out, f, "job");
        if (recipient > 0)
            octstr_format_append(out, "</td><td class=\"n\">%ld", recipient);
        else
            octstr_append_cstr(out, "</td><td class=\"n\">whole job");
        octstr_append_cstr(out, "</td><td class=\"cause\">");
        esc_field(out, f, "cause");
        octstr_append_cstr(out, "</td></tr>\n");
    }
    if (gwlist_len(failures) == 0)
        octstr_append_cstr(out, "<tr><td colspan=\"4\" class=\"none\">none</td></tr>\n");
    octstr_append_cstr(out, "</tbody></table></section>\n");
}

static void append_rate_cell(Octstr *out, List *traffic, const char *total, const char *span)
{
    char name[64];
    Field *f;

    snprintf(name, sizeof(name), "%s-rate-%s", total, span);
    f = field_find(traffic, name);
    octstr_append_cstr(out, "<td class=\"n\">");
    if (f != NULL)
        esc(out, f->value);
    else
        octstr_append_cstr(out, "&ndash;");
    octstr_append_cstr(out, "</td>");
}

/* One row per total, its rates per second beside it. */
static void append_rates(Octstr *out, List *sections)
{
    List *traffic = section_find(sections, "traffic")->fields;
    long i;

    octstr_append_cstr(out, "<section><h2>Traffic</h2><table class=\"rates\"><thead><tr>"
                       "<th>Counter</th><th class=\"n\">Total</th><th class=\"n\">1 min</th>"
                       "<th class=\"n\">5 min</th><th class=\"n\">15 min</th></tr></thead>"
                       "<tbody>\n");
    for (i = 0; i < gwlist_len(traffic); i++) {
        Field *f = gwlist_get(traffic, i);
        if (strstr(f->name, "-rate-") != NULL)
            continue;
        octstr_format_append(out, "<tr%s><th>%s</th><td class=\"n\">", f->bad ? " class=\"bad\"" : "",
                             f->name);
        esc(out, f->value);
        octstr_append_cstr(out, "</td>");
        append_rate_cell(out, traffic, f->name, "1m");
        append_rate_cell(out, traffic, f->name, "5m");
        append_rate_cell(out, traffic, f->name, "15m");
        octstr_append_cstr(out, "</tr>\n");
    }
    octstr_append_cstr(out, "</tbody></table><div class=\"sub\">rates per second</div>"
                       "</section>\n");
}

static void append_rows(Octstr *out, List *fields)
{
    long i;

    for (i = 0; i < gwlist_len(fields); i++) {
        Field *f = gwlist_get(fields, i);
        octstr_format_append(out, "<tr%s><th>%s</th><td>", f->bad ? " class=\"bad\"" : "",
                             f->name);
        esc(out, f->value);
        octstr_append_cstr(out, "</td></tr>\n");
    }
}

/* A section as a table of name and value (only the fields the header row
 * does not show); its records' rows after. */
static void append_details(Octstr *out, List *sections, const char *name, const char *title)
{
    static const char *in_header[] = {
        "new", "active", "deferred", "done", "failed", "oldest-waiting-age", "in-flight",
        "max-pending", "intake", "state"
    };
    Section *s = section_find(sections, name);
    List *shown = gwlist_create();
    long i, k;

    for (i = 0; i < gwlist_len(s->fields); i++) {
        Field *f = gwlist_get(s->fields, i);
        for (k = 0; k < (long) (sizeof(in_header) / sizeof(in_header[0])); k++)
            if (strcmp(f->name, in_header[k]) == 0)
                break;
        if (k == (long) (sizeof(in_header) / sizeof(in_header[0])))
            gwlist_append(shown, f);
    }
    octstr_format_append(out, "<section><h2>%s</h2><table class=\"details\"><tbody>\n", title);
    append_rows(out, shown);
    gwlist_destroy(shown, NULL);
    for (i = 0; s->records != NULL && i < gwlist_len(s->records); i++)
        append_rows(out, gwlist_get(s->records, i));
    octstr_append_cstr(out, "</tbody></table></section>\n");
}

Octstr *status_html_reply(List *sections)
{
    Section *reply = section_find(sections, "reply");
    Octstr *out = octstr_format("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                                "<title>provbox</title><style>%s</style></head><body>\n"
                                "<h1>provbox</h1><table class=\"details\"><tbody>\n", style);

    append_rows(out, reply->fields);
    octstr_append_cstr(out, "</tbody></table>\n</body></html>\n");
    return out;
}

Octstr *status_html_render(List *sections, List *cgivars)
{
    Octstr *out = octstr_create("");
    long refresh = refresh_of(cgivars);

    append_head(out, sections, refresh);
    append_title(out, sections, cgivars, refresh);
    append_tiles(out, sections);
    append_jobs(out, sections);
    octstr_append_cstr(out, "<div class=\"cols\">");
    append_failures(out, sections);
    append_rates(out, sections);
    octstr_append_cstr(out, "</div>\n<div class=\"cols\">");
    append_details(out, sections, "bearerbox", "bearerbox");
    append_details(out, sections, "window", "Window");
    append_details(out, sections, "pacing", "Pacing");
    append_details(out, sections, "paced-jobs", "Paced jobs");
    append_details(out, sections, "spool", "Spool");
    octstr_append_cstr(out, "</div>\n</body></html>\n");
    return out;
}
