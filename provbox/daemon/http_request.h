/*
 * http_request.h - one HTTP/1.0 or 1.1 request on the admin port, parsed
 * from its head, and the answer to it. No I/O: http_front.c reads the
 * bytes (within its limits) and writes the answers; the handlers
 * (admin_http.c, sendota/intake.c) see only these structures.
 *
 * The head is the request line and the header lines up to the blank line,
 * each ended by CRLF or LF. Accepted: GET, HEAD and POST; an origin-form
 * target ("/path?query"); header lines "Name: value" without folding or
 * control characters; a body only as Content-Length (one value, digits).
 * Everything else is refused with the status that says why (400, 411, 501,
 * 505). The query string becomes gwlib CGI variables (HTTPCGIVar, names
 * and values URL-decoded, as gwlib's http_accept_request() gives them), so
 * http_cgi_variable() and the http_header_*() functions work on a request.
 * Symbol prefixes: http_request_, http_answer_.
 */
#ifndef PROVBOX_HTTP_REQUEST_H
#define PROVBOX_HTTP_REQUEST_H

#include "gwlib/gwlib.h"

typedef struct HttpRequest {
    Octstr *ip;            /* the client's address */
    int method;            /* HTTP_METHOD_GET, _POST or _HEAD */
    Octstr *path;          /* the target before '?', not decoded */
    List *cgivars;         /* HTTPCGIVar*, from the query string */
    List *headers;         /* a gwlib header list */
    int http_1_1;          /* 1 for HTTP/1.1, 0 for HTTP/1.0 */
    long body_length;      /* Content-Length, 0 without one */
    Octstr *body;          /* a POST's body once read (maybe empty); else NULL */
} HttpRequest;

typedef struct HttpAnswer {
    int status;
    const char *content_type;
    Octstr *body;          /* owned by the answer */
} HttpAnswer;

/* The request in a complete head, or NULL + *status + *problem. */
HttpRequest *http_request_parse(Octstr *head, Octstr *ip, int *status, Octstr **problem);
void http_request_destroy(HttpRequest *req);

/* The password of an "Authorization: Basic" header, or NULL. */
Octstr *http_request_basic_password(const HttpRequest *req);
/* The client wants the connection kept open after the answer. */
int http_request_keep_alive(const HttpRequest *req);
/* "Expect: 100-continue": the client waits for a go before its body. */
int http_request_expects_continue(const HttpRequest *req);

/* Set an answer (it takes body over; NULL is an empty body). */
void http_answer_set(HttpAnswer *answer, int status, const char *content_type, Octstr *body);
void http_answer_clear(HttpAnswer *answer);
/* Status line, headers and (unless with_body is 0, for HEAD) the body. */
Octstr *http_answer_format(const HttpAnswer *answer, int keep_alive, int with_body);

#endif
