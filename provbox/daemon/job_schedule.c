/*
 * job_schedule.c - Not-Before: and send windows together (see
 * job_schedule.h).
 */
#include "gwlib/gwlib.h"
#include "daemon/job_schedule.h"

static const SendWindow *window_of(const Job *job, const ProvboxConfig *config)
{
    return job->send_window != NULL ? job->send_window : config->send_window;
}

static void append_utc(Octstr *out, time_t t)
{
    struct tm tm = gw_gmtime(t);
    char when[32];

    gw_strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    octstr_append_cstr(out, when);
}

static Octstr *waiting_reason(const Job *job, const ProvboxConfig *config, time_t now,
                              time_t due)
{
    const SendWindow *window = window_of(job, config);
    Octstr *reason = octstr_create("waiting for ");

    if (window == NULL || due == job->not_before) {
        octstr_append_cstr(reason, "Not-Before ");
        append_utc(reason, job->not_before);
        return reason;
    }
    octstr_format_append(reason, "%s %S%s, which opens ",
                         job->send_window != NULL ? "Send-Window" : "send-window",
                         send_window_text(window),
                         job->send_window != NULL ? "" : " (provbox.conf)");
    append_utc(reason, due);
    if (job->not_before > now) {
        octstr_append_cstr(reason, " (after Not-Before ");
        append_utc(reason, job->not_before);
        octstr_append_char(reason, ')');
    }
    return reason;
}

time_t schedule_due(const Job *job, const ProvboxConfig *config, time_t now,
                    Octstr **reason)
{
    const SendWindow *window = window_of(job, config);
    time_t from = job->not_before > now ? job->not_before : now;
    time_t due = window != NULL ? send_window_opens(window, from) : from;

    if (due > now && reason != NULL)
        *reason = waiting_reason(job, config, now, due);
    return due;
}

time_t schedule_window_closes(const Job *job, const ProvboxConfig *config, time_t now)
{
    const SendWindow *window = window_of(job, config);
    time_t closes = window != NULL ? send_window_closes(window, now) : TZ_NEVER;

    return closes == TZ_NEVER ? 0 : closes;
}
