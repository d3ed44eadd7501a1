/*
 * status_view.h - one job's status as provctl status and /job-status show
 * it, whatever its size and layout. A slotted status is read in order
 * with O(1) memory, never whole (status_file.h), so a job of a million
 * recipients is counted in a fraction of a second and no size limit
 * applies; a status of provbox 1.x is parsed whole, as before, within
 * spool_peek_status()'s limit. Views read without the job's lock and
 * write nothing; they find a status an interrupted move left behind
 * (spool_status_where()). Symbol prefix: status_view_.
 */
#ifndef PROVBOX_STATUS_VIEW_H
#define PROVBOX_STATUS_VIEW_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/job_status.h"
#include "spool/status_file.h"

typedef struct StatusView StatusView;

/* The status of job `name` in `state`; NULL when it has none, or when it
 * cannot be read (then *error names the job and the cause). */
StatusView *status_view_open(Spool *spool, SpoolState state, Octstr *name,
                             Octstr **error);
void status_view_close(StatusView *view);

/* Job, Id, State, Reason... (its recipients list is not the view's: use
 * status_view_next()). */
const JobStatus *status_view_head(const StatusView *view);

/* Recipients it lists (read from its header, or counted in a 1.x status). */
long status_view_count(const StatusView *view);

/* Recipients by state (status_file.h). 0, or -1 + *error. */
int status_view_tally(StatusView *view, StatusTally *tally, Octstr **error);

/* The recipients in order: the next one (valid until the next call), or
 * NULL after the last one, or NULL + *error. */
const RecipientStatus *status_view_next(StatusView *view, Octstr **error);

#endif
