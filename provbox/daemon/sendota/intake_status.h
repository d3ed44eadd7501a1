/*
 * intake_status.h - the answer to /job-status?job=NAME: where a job is in
 * the spool and what its status file says: its reason, lint's findings on
 * its document (Warning lines), its recipients counted by
 * state, and each recipient, the first 1,000 of them (then how many were
 * not listed), as text, XML or JSON. A job of a million recipients is
 * read in order with O(1) memory (status_view.h). Never shows an entry code (the submitter got it in the
 * sendota answer) and never reads outside the spool (names are checked
 * with spool_name_ok()). Names, reasons and warnings are shown escaped
 * (common/escape.h) in every format. Symbol prefix: intake_status_.
 */
#ifndef PROVBOX_INTAKE_STATUS_H
#define PROVBOX_INTAKE_STATUS_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"

/* format: NULL or "txt", "xml", "json". Returns the HTTP status and sets
 * *answer (new) and *content_type (static). */
int intake_status_render(Spool *spool, Octstr *job, Octstr *format, Octstr **answer,
                         const char **content_type);

#endif
