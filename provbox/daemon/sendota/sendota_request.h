/*
 * sendota_request.h - a /cgi-bin/sendota request, as Kannel 1.4.5's smsbox
 * takes it, turned into a provbox job file.
 *
 * GET: CGI variables username, password, to (repeatable, or several
 * numbers separated by spaces or commas), from, text (the XML document),
 * type (oma-settings | settings | bookmarks | syncsettings), sec, pin,
 * smsc, account, otaid; and provbox's additions imsi, dlr, validity,
 * priority, not-before, id.
 * POST: the body is the document, its Content-Type selects the type
 * (text/vnd.wap.connectivity-xml, application/x-wap-prov.browser-settings,
 * application/x-wap-prov.browser-bookmarks; text/xml and application/xml
 * leave it to `type` or the root element) and the same parameters come
 * from X-Kannel-<Name> headers (X-Kannel-Username, -Password, -To, -From,
 * -SMSC, -SEC, -PIN, -OTA-ID, -IMSI, -DLR, -Validity, -Priority,
 * -Not-Before, -Id, -Type), a CGI variable standing in for a missing header.
 *
 * Where sendota was wrong, provbox differs (doc/sendota-migration.md):
 * NETWPIN takes the decimal IMSI from `imsi` or `pin` and provbox encodes
 * the key; USERNETWPIN takes the user PIN from `pin` and the IMSI from
 * `imsi`; a PIN mode without a pin is refused (no built-in default PIN);
 * legacy types are unsigned and refuse sec/pin/imsi; without `type` the
 * root element decides (never a silent legacy default); otaid (the
 * ota-setting/ota-bookmark groups) is not supported; account is accepted
 * and not used.
 *
 * Parsing only: no I/O. Messages never repeat a PIN or an IMSI.
 * Symbol prefix: sendota_request_.
 */
#ifndef PROVBOX_SENDOTA_REQUEST_H
#define PROVBOX_SENDOTA_REQUEST_H

#include "gwlib/gwlib.h"
#include "daemon/sendota/sendota_users.h"

typedef struct SendotaRequest SendotaRequest;

/* From a GET's CGI variables. */
SendotaRequest *sendota_request_from_get(List *cgivars);

/* From a POST (an unsupported Content-Type is reported by _job()). */
SendotaRequest *sendota_request_from_post(List *headers, Octstr *body, List *cgivars);
void sendota_request_destroy(SendotaRequest *req);

Octstr *sendota_request_username(const SendotaRequest *req);
Octstr *sendota_request_password(const SendotaRequest *req);

/* The job file for an authorised request, or NULL + *status (400, or 415
 * for a POST's unsupported Content-Type) + *reason. */
Octstr *sendota_request_job(const SendotaRequest *req, const SendotaUser *user,
                            int *status, Octstr **reason);

#endif
