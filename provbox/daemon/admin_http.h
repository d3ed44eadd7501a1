/*
 * admin_http.h - provbox's HTTP status and admin interface.
 *
 * Served on admin-port, bound to admin-interface (127.0.0.1 unless set),
 * with SSL when admin-port-ssl is set. Like bearerbox's: the format comes
 * from the extension (.txt .xml .html .json; none: HTML for browsers, text
 * otherwise), a /cgi-bin/ prefix is accepted, and the password is the
 * `password` CGI variable (or the password of HTTP basic authentication).
 *
 *   /status           needs status-password or admin-password, when set
 *   /metrics          the same, or an address in metrics-allow-ip: the
 *                     numbers in Prometheus' text format (metrics.h)
 *   /suspend /resume /shutdown /requeue?job=NAME /log-level?level=N
 *   /resend?job=NAME&state=STATE[,STATE...]
 *                     need admin-password
 *   /cgi-bin/sendota /job-status   the sendota intake (intake/intake.h),
 *                     with sendota-user credentials
 *
 * Wrong or missing password: 403. Unknown path: 404. A command done: 200;
 * refused: 400; /resend that found no recipient in those states: 409.
 *
 * Why not gwlib's HTTP server (http_open_port / http_accept_request): it
 * reads a whole request, body included and without a bound, before the
 * application sees any of it, so credentials could only be checked after
 * a client had made provbox buffer as much as it liked (a 200 MB POST took
 * provbox to 655 MB); and it has no idle or read timeout and no limit per
 * client, so a few hundred connections that never send a request (or send
 * a byte every few seconds) kept every status, command and sendota request
 * from being answered. The connections are therefore http_front.c's: one
 * gwthread polling gwlib Connections (which keeps admin-port-ssl), a
 * bounded HTTP/1.x head parser (http_request.c), connection limits and
 * timeouts (admin-max-clients, admin-max-clients-per-ip,
 * admin-request-timeout). This module decides from a request's head
 * alone, before any body is read, whether it is allowed and how large a
 * body it may have (a sendota POST: max-job-size; anything else: a few
 * KB), then answers the whole request. See doc/monitoring.md.
 */
#ifndef PROVBOX_ADMIN_HTTP_H
#define PROVBOX_ADMIN_HTTP_H

#include "daemon/status_page.h"

typedef struct AdminHttp AdminHttp;

/* NULL (logged) when the port cannot be opened. */
AdminHttp *admin_http_start(const StatusSources *sources, void (*shutdown_requested)(void));
void admin_http_stop(AdminHttp *admin);

#endif
