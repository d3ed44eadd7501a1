/*
 * metrics.h - provbox's numbers for Prometheus: GET /metrics on the admin
 * port (admin_http.h), in the text exposition format 0.0.4.
 *
 * metrics_render() reads what the status page reads (StatusSources: the
 * dispatcher's counters and paced jobs, the bearerbox link, the spool
 * counts the daemon keeps (spool_census.h), the start time) and writes every family
 * with its `# HELP` and `# TYPE`, named the Prometheus way: a `provbox_`
 * prefix (the standard `process_start_time_seconds` keeps its own name),
 * base units (`_seconds`, `_timestamp_seconds`), `_total` on counters,
 * labels where summing over them means something. doc/monitoring.md lists
 * every family.
 *
 * Totals are counters since provbox started (Prometheus takes rates and
 * notices restarts itself), so nothing here keeps state. Series of one job
 * (label `job`) exist for jobs being worked on only, for at most
 * metrics-max-jobs of them: a scrape stays small however many jobs run.
 * Job names are label values quoted by escape_append_label(), valid UTF-8
 * whatever a name holds. Nothing rendered carries a PIN, an IMSI, an entry
 * code or a per-recipient value: only counts, times and job names.
 */
#ifndef PROVBOX_METRICS_H
#define PROVBOX_METRICS_H

#include "daemon/status_page.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

Octstr *metrics_render(const StatusSources *sources);

#endif
