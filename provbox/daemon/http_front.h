/*
 * http_front.h - the admin port's connections: accepting them, reading
 * each request within limits, writing the answers.
 *
 * One gwthread polls the listening socket and every connection (gwlib
 * Connection, so admin-port-ssl works as before); nothing blocks on a
 * client. A request goes through three steps:
 *
 *   head   the request line and the header lines must arrive whole within
 *          request_timeout seconds (of the connection, or of the previous
 *          answer on a kept-alive one), the request line within
 *          max_request_line bytes (else 414) and the header lines within
 *          max_header_fields bytes (else 431). A client that trickles
 *          bytes is cut off at the deadline all the same.
 *   admit  the handlers' admit() sees the head (path, CGI variables,
 *          headers: the credentials) BEFORE any body is read. It refuses
 *          (e.g. 403: the answer goes out and the body is never read) or
 *          names the largest body it takes; a larger Content-Length gets
 *          413, unread. "Expect: 100-continue" is honoured after that.
 *   body   read whole (within another request_timeout), then handle().
 *
 * Limits on connections: at most max_clients open, at most
 * max_clients_per_ip from one address. A newcomer over a limit displaces
 * the oldest connection (of that address, for the per-address limit) that
 * has sent no complete head for more than a second, or that is only being
 * closed; when there is none, it gets a 503 at once and is closed. Both are
 * logged, at most once a minute with a count. After an answer with
 * "Connection: close" (or a refused body) a plain connection is shut for
 * writing and its input thrown away (not kept) for up to two seconds
 * before closing, so that the client reads the answer instead of a reset.
 *
 * Memory per connection is bounded by the head limits, or by the admitted
 * body. Symbol prefix: http_front_.
 */
#ifndef PROVBOX_HTTP_FRONT_H
#define PROVBOX_HTTP_FRONT_H

#include "gwlib/gwlib.h"
#include "daemon/http_request.h"

typedef struct HttpFrontLimits {
    long max_clients;          /* connections open at once */
    long max_clients_per_ip;   /* of those, from one address */
    double request_timeout;    /* seconds for a head, a body, an answer */
    long max_request_line;     /* bytes, else 414 */
    long max_header_fields;    /* bytes of header lines, else 431 */
} HttpFrontLimits;

typedef struct HttpFrontHandlers {
    void *ctx;
    /* The largest body this request may have (0: none), or -1 and the
     * answer, which goes out without the body being read. */
    long (*admit)(void *ctx, const HttpRequest *req, HttpAnswer *answer);
    /* Answer a whole, admitted request. */
    void (*handle)(void *ctx, HttpRequest *req, HttpAnswer *answer);
} HttpFrontHandlers;

typedef struct HttpFront HttpFront;

/* Listening on interface:port (SSL: conn_config_ssl() done), or NULL (logged). */
HttpFront *http_front_start(Octstr *interface, long port, int ssl,
                            const HttpFrontLimits *limits, const HttpFrontHandlers *handlers);
/* Close the port and every connection; the thread is joined. */
void http_front_stop(HttpFront *front);

#endif
