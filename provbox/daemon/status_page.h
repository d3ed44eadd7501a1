/*
 * status_page.h - provbox's status in Kannel's formats: txt, xml, html, json.
 *
 * status_page_render() gathers everything an operator looks at (versions and
 * uptime; the bearerbox link; jobs per spool state and the age of the oldest
 * waiting one; recipients, segments and delivery reports as totals and as
 * rates over 1, 5 and 15 minutes; the in-flight window; pacing: the box's
 * throughput and send window and each paced job's pace; the last errors;
 * each active, deferred and recently finished job's progress, and the last
 * failures: status_jobs.h) and renders it in one format (HTML:
 * status_html.h). Its cost does not grow with the spool: the counts per
 * state are the daemon's (spool_census.h), the jobs its own
 * (job_progress.h), and deferred/ is read for a few jobs at most. The XML structure is stable and documented in
 * doc/monitoring.md. Nothing rendered ever carries a PIN, IMSI or entry code.
 * Every text value (job names, causes, messages) is rendered in its shown
 * form (common/escape.h), so each format is valid UTF-8 whatever it holds.
 */
#ifndef PROVBOX_STATUS_PAGE_H
#define PROVBOX_STATUS_PAGE_H

#include "gwlib/gwlib.h"
#include "daemon/config.h"
#include "daemon/box_link.h"
#include "daemon/dispatcher.h"
#include "daemon/stats.h"
#include "daemon/spool_census.h"
#include "spool/spool.h"

typedef enum { FORMAT_TXT, FORMAT_XML, FORMAT_HTML, FORMAT_JSON } StatusFormat;

typedef struct StatusSources {
    const ProvboxConfig *config;
    BoxLink *link;
    Dispatcher *dispatcher;
    Stats *stats;
    Spool *spool;
    SpoolCensus *census;
} StatusSources;

/* "txt", "xml", "html", "json" -> format; -1 when unknown. */
int status_format_parse(const char *extension, StatusFormat *format);
const char *status_format_content_type(StatusFormat format);

/* cgivars: the request's (the HTML page's ?refresh= and ?password=, for
 * its links), or NULL. */
Octstr *status_page_render(const StatusSources *sources, StatusFormat format, List *cgivars);

/* A short answer to an admin command, in the same format. */
Octstr *status_page_message(StatusFormat format, const char *command,
                            int ok, Octstr *text);

#endif
