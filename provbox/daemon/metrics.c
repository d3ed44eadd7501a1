/*
 * metrics.c - gathering provbox's numbers and writing them in Prometheus'
 * text exposition format (see metrics.h).
 *
 * A family is written by family() (its # HELP and # TYPE) and then its
 * samples: sample() without labels, sample_as() with one label of a fixed
 * word, job_sample() for a per-job series. A per-job family writes its
 * samples for the first jobs_shown() jobs of its list only.
 */
#include "gwlib/gwlib.h"
#include "daemon/metrics.h"
#include "daemon/job_progress.h"
#include "common/escape.h"

typedef struct Exposition {
    Octstr *out;
    long max_jobs;          /* metrics-max-jobs */
} Exposition;

/* ---- writing ---------------------------------------------------------------- */

static void family(Exposition *x, const char *name, const char *type, const char *help)
{
    octstr_format_append(x->out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A value: integers as they are (up to 15 digits), fractions as needed. */
static void append_value(Exposition *x, double value)
{
    octstr_format_append(x->out, " %.15g\n", value);
}

static void sample(Exposition *x, const char *name, double value)
{
    octstr_append_cstr(x->out, name);
    append_value(x, value);
}

/* name{label="word"} value; word is provbox's own text, never data. */
static void sample_as(Exposition *x, const char *name, const char *label, const char *word,
                      double value)
{
    octstr_format_append(x->out, "%s{%s=\"%s\"}", name, label, word);
    append_value(x, value);
}

/* name{job="NAME"[,label="word"]} value: the job's name quoted as a label
 * value, whatever bytes it holds. */
static void job_sample(Exposition *x, const char *name, Octstr *job, const char *label,
                       const char *word, double value)
{
    octstr_format_append(x->out, "%s{job=", name);
    escape_append_label(x->out, job);
    if (label != NULL)
        octstr_format_append(x->out, ",%s=\"%s\"", label, word);
    octstr_append_char(x->out, '}');
    append_value(x, value);
}

/* How many jobs of a per-job family's list get series (metrics-max-jobs). */
static long jobs_shown(const Exposition *x, List *jobs)
{
    long n = gwlist_len(jobs);

    return n < x->max_jobs ? n : x->max_jobs;
}

/* A family of one sample without labels. */
static void single(Exposition *x, const char *name, const char *type, const char *help,
                   double value)
{
    family(x, name, type, help);
    sample(x, name, value);
}

/* ---- the families ------------------------------------------------------------ */

static void write_build(Exposition *x, const StatusSources *src)
{
    family(x, "provbox_build_info", "gauge",
           "provbox's version and the Kannel version it was built with; always 1.");
    octstr_append_cstr(x->out, "provbox_build_info{version=");
    escape_append_label(x->out, octstr_imm(PROVBOX_VERSION));
    octstr_append_cstr(x->out, ",kannel_version=");
    escape_append_label(x->out, octstr_imm(GW_VERSION));
    octstr_append_cstr(x->out, "} 1\n");
    single(x, "process_start_time_seconds", "gauge",
           "Start time of the process since unix epoch in seconds.",
           (double) stats_started(src->stats));
}

static void write_link(Exposition *x, const StatusSources *src)
{
    BoxLinkState st = box_link_state(src->link);

    single(x, "provbox_bearerbox_connected", "gauge",
           "1 while provbox is connected and identified to bearerbox, else 0.", st.connected);
    single(x, "provbox_bearerbox_reconnects_total", "counter",
           "Connections to bearerbox made again after the first one.", st.reconnects);
    single(x, "provbox_bearerbox_connect_failures_total", "counter",
           "Attempts to connect to bearerbox that failed.", st.connect_failures);
    single(x, "provbox_bearerbox_last_ack_timestamp_seconds", "gauge",
           "When bearerbox last acknowledged a segment, since unix epoch in seconds; "
           "0 when it has not since provbox started.", (double) st.last_ack);
}

/* The counts the daemon keeps (spool_census.h), as the status page shows
 * them: a scrape reads no directory. */
static void write_spool(Exposition *x, const StatusSources *src)
{
    SpoolCensusCounts counts = spool_census_counts(src->census);
    time_t now = time(NULL);
    int state;

    family(x, "provbox_spool_jobs", "gauge", "Jobs in each state directory of the spool.");
    for (state = 0; state < SPOOL_STATES; state++)
        if (state != SPOOL_TMP)
            sample_as(x, "provbox_spool_jobs", "state", spool_state_name(state),
                      counts.jobs[state]);
    single(x, "provbox_oldest_waiting_job_age_seconds", "gauge",
           "Seconds the oldest job in new/ or deferred/ has waited; 0 when none waits.",
           counts.oldest_waiting != 0 && now > counts.oldest_waiting
           ? (double) (now - counts.oldest_waiting) : 0);
}

static void write_jobs(Exposition *x, const DispatcherCounters *c)
{
    single(x, "provbox_jobs_claimed_total", "counter",
           "Jobs this provbox took from new/ or deferred/.", c->jobs_claimed);
    family(x, "provbox_jobs_finished_total", "counter",
           "Jobs moved to done/ (result done) or to failed/ (result failed, rejections "
           "included).");
    sample_as(x, "provbox_jobs_finished_total", "result", "done", c->jobs_done);
    sample_as(x, "provbox_jobs_finished_total", "result", "failed", c->jobs_failed);
    single(x, "provbox_jobs_deferred_total", "counter",
           "Jobs moved to deferred/: not due yet, or their send window closed.",
           c->jobs_deferred);
    single(x, "provbox_active_jobs", "gauge", "Jobs this provbox works on now.",
           c->active_jobs);
    single(x, "provbox_max_active_jobs", "gauge",
           "The most jobs it works on at once (max-pending, or fewer where open files "
           "are short).", c->max_active_jobs);
    single(x, "provbox_intake_suspended", "gauge",
           "1 while new jobs are not taken (/suspend), else 0.", c->suspended);
}

static void write_recipients(Exposition *x, const DispatcherCounters *c)
{
    family(x, "provbox_recipients_total", "counter",
           "Recipients whose segments bearerbox all acknowledged (state sent), or that "
           "failed for good (state failed).");
    sample_as(x, "provbox_recipients_total", "state", "sent", c->recipients_sent);
    sample_as(x, "provbox_recipients_total", "state", "failed", c->recipients_failed);
}

static void write_segments(Exposition *x, const DispatcherCounters *c)
{
    single(x, "provbox_segments_sent_total", "counter",
           "SMS segments handed to bearerbox, every sending counted.", c->segments_sent);
    single(x, "provbox_segments_acked_total", "counter",
           "Segments bearerbox acknowledged (ack_success or ack_buffered).", c->segments_acked);
    single(x, "provbox_segments_failed_total", "counter",
           "Segments bearerbox refused for good (ack_failed).", c->segments_failed);
    family(x, "provbox_segments_retried_total", "counter",
           "Segments to be sent again: bearerbox asked to retry later (reason ack_failed_tmp), "
           "or the link broke before their ack (reason link_lost).");
    sample_as(x, "provbox_segments_retried_total", "reason", "ack_failed_tmp",
              c->segments_retried);
    sample_as(x, "provbox_segments_retried_total", "reason", "link_lost", c->segments_resent);
    single(x, "provbox_segments_in_flight", "gauge",
           "Segments sent and not yet acknowledged and recorded.", c->in_flight);
    single(x, "provbox_max_pending_segments", "gauge",
           "The most segments in flight at once (max-pending).", c->max_pending);
}

static void write_reports(Exposition *x, const DispatcherCounters *c)
{
    single(x, "provbox_delivery_reports_received_total", "counter",
           "Delivery reports bearerbox passed to provbox.", c->reports_received);
    family(x, "provbox_delivery_reports_total", "counter",
           "Delivery reports recorded in status files, by kind: delivered, undelivered, or "
           "other (buffered, SMSC accepted or rejected, no job found).");
    sample_as(x, "provbox_delivery_reports_total", "kind", "delivered", c->reports_delivered);
    sample_as(x, "provbox_delivery_reports_total", "kind", "undelivered",
              c->reports_undelivered);
    sample_as(x, "provbox_delivery_reports_total", "kind", "other", c->reports_other);
    single(x, "provbox_delivery_reports_waiting", "gauge",
           "Delivery reports received and not yet recorded.", c->reports_waiting);
    single(x, "provbox_mo_messages_total", "counter",
           "Mobile-originated messages that reached provbox (acknowledged and ignored).",
           c->mo_received);
}

static void write_pacing(Exposition *x, const StatusSources *src)
{
    List *paced = dispatcher_paced_jobs(src->dispatcher);
    long i, shown = jobs_shown(x, paced);

    single(x, "provbox_throughput_limit_segments_per_second", "gauge",
           "The most segments per second handed to bearerbox (throughput); 0: no limit.",
           src->config->throughput);
    single(x, "provbox_paced_jobs", "gauge",
           "Jobs handing out recipients under a limit now (their Rate: or their share of "
           "throughput).", gwlist_len(paced));
    family(x, "provbox_job_pace_recipients_per_second", "gauge",
           "Each paced job's pace, limited by its Rate: (limited_by rate) or by its share of "
           "throughput; for metrics-max-jobs jobs at most.");
    for (i = 0; i < shown; i++) {
        PacedJob *p = gwlist_get(paced, i);
        job_sample(x, "provbox_job_pace_recipients_per_second", p->name, "limited_by",
                   p->by_rate ? "rate" : "throughput", p->pace);
    }
    paced_jobs_destroy(paced);
}

/* The active jobs of a job_progress snapshot (they come first in it). */
static List *active_only(List *snapshot)
{
    List *active = gwlist_create();
    long i;

    for (i = 0; i < gwlist_len(snapshot); i++) {
        JobProgress *p = gwlist_get(snapshot, i);
        if (p->state == SPOOL_ACTIVE)
            gwlist_append(active, p);
    }
    return active;
}

static void write_job_recipients(Exposition *x, JobProgress *p)
{
    static const char *name = "provbox_job_recipients";

    job_sample(x, name, p->name, "state", "pending", p->pending);
    job_sample(x, name, p->name, "state", "sent", p->sent);
    job_sample(x, name, p->name, "state", "delivered", p->delivered);
    job_sample(x, name, p->name, "state", "undelivered", p->undelivered);
    job_sample(x, name, p->name, "state", "failed", p->failed);
}

/* Per-job series for the jobs this process sends now (job_progress.h),
 * metrics-max-jobs of them at most: a job's series end when it leaves
 * active/, so the number of series stays bounded. */
static void write_job_progress(Exposition *x)
{
    List *snapshot = job_progress_snapshot(), *active = active_only(snapshot);
    long i, shown = jobs_shown(x, active);

    family(x, "provbox_job_recipients", "gauge",
           "Each active job's recipients by state: pending (not yet handed to bearerbox), "
           "sent (no final report yet), delivered, undelivered, failed; for metrics-max-jobs "
           "jobs at most.");
    for (i = 0; i < shown; i++)
        write_job_recipients(x, gwlist_get(active, i));
    family(x, "provbox_job_send_rate_recipients_per_second", "gauge",
           "Each active job's recipients handed to bearerbox a second over the last minute "
           "(none while too soon to say).");
    for (i = 0; i < shown; i++) {
        JobProgress *p = gwlist_get(active, i);
        if (p->rate >= 0)
            job_sample(x, "provbox_job_send_rate_recipients_per_second", p->name, NULL, NULL,
                       p->rate);
    }
    family(x, "provbox_job_started_timestamp_seconds", "gauge",
           "When this provbox claimed each active job, since unix epoch in seconds.");
    for (i = 0; i < shown; i++) {
        JobProgress *p = gwlist_get(active, i);
        job_sample(x, "provbox_job_started_timestamp_seconds", p->name, NULL, NULL,
                   (double) p->started);
    }
    gwlist_destroy(active, NULL);
    job_progress_destroy(snapshot);
}

Octstr *metrics_render(const StatusSources *src)
{
    DispatcherCounters c = dispatcher_counters(src->dispatcher);
    Exposition x;

    x.out = octstr_create("");
    x.max_jobs = src->config->metrics_max_jobs;
    write_build(&x, src);
    write_link(&x, src);
    write_spool(&x, src);
    write_jobs(&x, &c);
    write_recipients(&x, &c);
    write_segments(&x, &c);
    write_reports(&x, &c);
    write_pacing(&x, src);
    write_job_progress(&x);
    return x.out;
}
