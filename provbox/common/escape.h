/*
 * escape.h - putting text into JSON strings and XML/HTML markup.
 *
 * Shared by the status page and the sendota intake's /job-status. Both
 * append to an Octstr; neither fails. Control characters are escaped in
 * JSON and replaced by spaces in markup (XML 1.0 cannot carry them).
 */
#ifndef PROVBOX_ESCAPE_H
#define PROVBOX_ESCAPE_H

#include "gwlib/gwlib.h"

/* Append value as a quoted JSON string. */
void escape_append_json(Octstr *out, Octstr *value);

/* Append value with &, <, >, " escaped for XML and HTML text or attributes. */
void escape_append_markup(Octstr *out, Octstr *value);

#endif
