/*
 * intake.h - provbox's sendota-compatible HTTP intake, served on the admin
 * port next to the status pages (admin_http.c hands it every request first).
 *
 *   /cgi-bin/sendota (or /sendota)     GET or POST, as Kannel 1.4.5's smsbox
 *       (parameters: sendota_request.h; users: sendota_users.h). An accepted
 *       request becomes one spool job, written through spool_submit(), and
 *       the answer is 202 "Sent." with `Job: NAME` and, for USERPINMAC, one
 *       `Entry-Code: MSISDN CODE` line per recipient. Before queueing, the
 *       job goes through the loader's own checks on claim
 *       (active_job_from_text(): max-job-size, parse, compile, sign,
 *       split), so a job that would fail is refused instead: 400 with the
 *       reason, 403 for credentials (checked before a POST's body is
 *       read), 413 for a job file over max-job-size, 415 for a POST's
 *       unsupported Content-Type, 500 when the spool cannot be written;
 *       nothing is queued then.
 *   /job-status[.txt|.xml|.json]?job=NAME   with username and password of
 *       any sendota-user: the job's spool state and each recipient's state
 *       (never PINs, IMSIs or entry codes). 404 for an unknown job.
 *
 * The admin port's thread calls intake_admit() with a request's head (its
 * credentials are checked there, before any body is read) and then
 * intake_handle(); the rest of the daemon does not know the intake exists.
 * Logs name user, address, job and recipient count, never a secret.
 * Symbol prefix: intake_.
 */
#ifndef PROVBOX_INTAKE_H
#define PROVBOX_INTAKE_H

#include "gwlib/gwlib.h"
#include "daemon/config.h"
#include "daemon/http_request.h"
#include "spool/spool.h"

typedef struct Intake Intake;

/* NULL (logged) when a sendota-user group is wrong. */
Intake *intake_create(const ProvboxConfig *config, Spool *spool);
void intake_destroy(Intake *intake);

/* intake_admit()'s answer for a path that is not the intake's. */
#define INTAKE_NOT_MINE (-2)

/* From the head alone: the largest body the request may have (a POST to
 * sendota: max-job-size, the document alone; else 0), or -1 and the answer
 * (403 for credentials or address), or INTAKE_NOT_MINE. */
long intake_admit(Intake *intake, const HttpRequest *req, HttpAnswer *answer);

/* Answer a whole request and return 1 when the path is the intake's;
 * else 0 and the caller answers it. */
int intake_handle(Intake *intake, const HttpRequest *req, HttpAnswer *answer);

#endif
