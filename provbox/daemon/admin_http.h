/*
 * admin_http.h - provbox's HTTP status and admin interface.
 *
 * Served on admin-port, bound to admin-interface (127.0.0.1 unless set),
 * with SSL when admin-port-ssl is set; built on gwlib's HTTP server. Like
 * bearerbox's: the format comes from the extension (.txt .xml .html .json;
 * none: HTML for browsers, text otherwise), a /cgi-bin/ prefix is accepted,
 * and the password is the `password` CGI variable.
 *
 *   /status           needs status-password or admin-password, when set
 *   /suspend /resume /shutdown /requeue?job=NAME /log-level?level=N
 *                     need admin-password
 *   /cgi-bin/sendota /job-status   the sendota intake (intake/intake.h),
 *                     with sendota-user credentials
 *
 * Wrong or missing password: 403. Unknown path: 404.
 */
#ifndef PROVBOX_ADMIN_HTTP_H
#define PROVBOX_ADMIN_HTTP_H

#include "daemon/status_page.h"

typedef struct AdminHttp AdminHttp;

/* NULL (logged) when the port cannot be opened. */
AdminHttp *admin_http_start(const StatusSources *sources, void (*shutdown_requested)(void));
void admin_http_stop(AdminHttp *admin);

#endif
