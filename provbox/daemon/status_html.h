/*
 * status_html.h - the status page for people watching campaigns: one
 * self-contained HTML page (inline CSS, no script, no external asset).
 *
 * A header row (the bearerbox link, uptime in days/h/min, the jobs per
 * spool state with failed ones highlighted, the window, the intake); a
 * table of the active, deferred and recently finished jobs, each with its
 * recipients, a bar split into delivered, sent, undelivered and failed
 * (pending is what is left), its rate, the time left at that rate and its
 * reason; the last failures; the rates as one row per counter (total, 1,
 * 5 and 15 minutes); then the link, window, pacing and box details.
 *
 * ?refresh=N (1 to 3600 seconds) adds a meta refresh; the page links to
 * turning it on (5 s) and off, keeping a ?password= it was given
 * (percent-encoded, then escaped for the attribute). Every value is
 * escaped (common/escape.h); the page carries only what the sections do.
 */
#ifndef PROVBOX_STATUS_HTML_H
#define PROVBOX_STATUS_HTML_H

#include "gwlib/gwlib.h"

#define STATUS_HTML_REFRESH_ON 5    /* seconds, when the page's link turns it on */
#define STATUS_HTML_REFRESH_MAX 3600

/* sections: status_model.h's; cgivars: the request's, or NULL. */
Octstr *status_html_render(List *sections, List *cgivars);
/* An admin command's answer (its one section, "reply"), as a small page
 * in the same style. */
Octstr *status_html_reply(List *sections);

#endif
