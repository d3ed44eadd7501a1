/*
 * access_log.h - provbox's lines in the Kannel-style access log.
 *
 * One line per recipient handed to bearerbox (every segment acknowledged) or
 * failed, and one per delivery report, through gwlib's alog() (which adds
 * the time), escaped (common/log_escaped.h) so a job name or a report's text
 * stays in its line; nothing is formatted until access_log_open() opened one:
 *
 *   Sent OMA-CP [job:NAME] [to:4790000001] [segments:3] [SMSC:FAKE] [sec:USERPIN] [result:handed to bearerbox]
 *   Failed OMA-CP [job:NAME] [to:...] [segments:3] [SMSC:...] [sec:...] [result:<reason>]
 *   DLR OMA-CP [job:NAME] [to:...] [segment:2] [SMSC:FAKE] [type:1] [result:delivered] [text:...]
 *
 * Never a PIN, an IMSI or an entry code.
 */
#ifndef PROVBOX_ACCESS_LOG_H
#define PROVBOX_ACCESS_LOG_H

#include "gwlib/gwlib.h"
#include "gw/msg.h"
#include "daemon/active_job.h"

/* Opens the access-log file (gwlib's alog_open); lines are written from now on. */
void access_log_open(Octstr *path);
void access_log_recipient(const ActiveJob *aj, const ProvboxConfig *config, long i);
void access_log_report(Msg *report, Octstr *job, long recipient, long segment);

#endif
