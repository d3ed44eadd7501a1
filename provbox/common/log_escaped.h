/*
 * log_escaped.h - log lines that carry operator-supplied text.
 *
 * gwlib's info(), warning(), error(), debug() and alog() write their
 * arguments as they are, so a job name holding a newline would forge a log
 * line and one holding ESC would colour the operator's terminal. These take
 * the same arguments, format them with octstr_format() (so %S takes an
 * Octstr; the conversions are octstr_format's, not printf's, and the
 * compiler does not check them), and log the shown form of the whole line
 * (escape.h: control characters and bytes that are not UTF-8 as \xHH, a
 * backslash as \\).
 *
 * The rule: a log line that holds a job name, an Id, a reason, a user name,
 * a path or anything else read from outside goes through these; gwlib's own
 * functions are for lines of fixed text and numbers. Messages (the
 * `Octstr **why` of the error convention) stay raw and are escaped here, at
 * the one place they are written, so nothing is escaped twice.
 *
 * Any thread may call these. Symbol prefix: log_escaped_.
 */
#ifndef PROVBOX_LOG_ESCAPED_H
#define PROVBOX_LOG_ESCAPED_H

void log_escaped_info(int err, const char *fmt, ...);
void log_escaped_warning(int err, const char *fmt, ...);
void log_escaped_error(int err, const char *fmt, ...);
void log_escaped_debug(const char *place, int err, const char *fmt, ...);

/* The same for gwlib's alog(), the access log. */
void log_escaped_access(const char *fmt, ...);

#endif
