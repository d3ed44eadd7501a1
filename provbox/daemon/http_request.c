/*
 * http_request.c - parsing an admin-port request head, formatting an
 * answer (see http_request.h).
 */
#include <ctype.h>

#include "gwlib/gwlib.h"
#include "daemon/http_request.h"

static HttpRequest *request_create(Octstr *ip)
{
    HttpRequest *req = gw_malloc(sizeof(*req));

    req->ip = octstr_duplicate(ip);
    req->method = 0;
    req->path = NULL;
    req->cgivars = gwlist_create();
    req->headers = http_create_empty_headers();
    req->http_1_1 = 0;
    req->body_length = 0;
    req->body = NULL;
    return req;
}

void http_request_destroy(HttpRequest *req)
{
    if (req == NULL)
        return;
    octstr_destroy(req->ip);
    octstr_destroy(req->path);
    http_destroy_cgiargs(req->cgivars);
    http_destroy_headers(req->headers);
    octstr_destroy(req->body);
    gw_free(req);
}

static int refuse(int *status, Octstr **problem, int code, Octstr *why)
{
    *status = code;
    *problem = why;
    return -1;
}

/* "a=1&b=x%20y" -> CGI variables a and b, names and values URL-decoded. */
static void add_cgivars(List *cgivars, Octstr *query)
{
    List *pairs = octstr_split(query, octstr_imm("&"));
    Octstr *pair;
    HTTPCGIVar *v;
    long equals;

    while ((pair = gwlist_extract_first(pairs)) != NULL) {
        if (octstr_len(pair) > 0) {
            equals = octstr_search_char(pair, '=', 0);
            if (equals < 0)
                equals = octstr_len(pair);
            v = gw_malloc(sizeof(*v));
            v->name = octstr_copy(pair, 0, equals);
            v->value = octstr_copy(pair, equals + 1, octstr_len(pair));
            octstr_url_decode(v->name);
            octstr_url_decode(v->value);
            gwlist_append(cgivars, v);
        }
        octstr_destroy(pair);
    }
    gwlist_destroy(pairs, NULL);
}

static int parse_method(Octstr *word)
{
    if (octstr_str_compare(word, "GET") == 0)
        return HTTP_METHOD_GET;
    if (octstr_str_compare(word, "POST") == 0)
        return HTTP_METHOD_POST;
    if (octstr_str_compare(word, "HEAD") == 0)
        return HTTP_METHOD_HEAD;
    return 0;
}

/* "GET /status.txt?password=x HTTP/1.1" */
static int parse_request_line(HttpRequest *req, Octstr *line, int *status, Octstr **problem)
{
    List *words = octstr_split(line, octstr_imm(" "));
    Octstr *target = gwlist_len(words) == 3 ? gwlist_get(words, 1) : NULL, *version;
    long query;
    int ret = 0;

    if (target == NULL || octstr_get_char(target, 0) != '/')
        ret = refuse(status, problem, HTTP_BAD_REQUEST, octstr_create("malformed request line"));
    else if ((req->method = parse_method(gwlist_get(words, 0))) == 0)
        ret = refuse(status, problem, HTTP_NOT_IMPLEMENTED,
                     octstr_create("only GET, HEAD and POST are served here"));
    else if (octstr_str_compare(version = gwlist_get(words, 2), "HTTP/1.1") != 0
             && octstr_str_compare(version, "HTTP/1.0") != 0)
        ret = refuse(status, problem, HTTP_HTTP_VERSION_NOT_SUPPORTED,
                     octstr_create("only HTTP/1.0 and HTTP/1.1 are served here"));
    else {
        req->http_1_1 = octstr_str_compare(version, "HTTP/1.1") == 0;
        query = octstr_search_char(target, '?', 0);
        req->path = octstr_copy(target, 0, query < 0 ? octstr_len(target) : query);
        if (query >= 0) {
            Octstr *pairs = octstr_copy(target, query + 1, octstr_len(target));
            add_cgivars(req->cgivars, pairs);
            octstr_destroy(pairs);
        }
    }
    gwlist_destroy(words, octstr_destroy_item);
    return ret;
}

static int name_ok(Octstr *name)
{
    long i;

    if (octstr_len(name) == 0)
        return 0;
    for (i = 0; i < octstr_len(name); i++)
        if (!isalnum(octstr_get_char(name, i)) && !strchr("!#$%&'*+-.^_`|~", octstr_get_char(name, i)))
            return 0;
    return 1;
}

static int value_ok(Octstr *value)
{
    long i;
    int c;

    for (i = 0; i < octstr_len(value); i++)
        if (((c = octstr_get_char(value, i)) < 0x20 && c != '\t') || c == 0x7f)
            return 0;
    return 1;
}

/* "Name: value" onto the header list. */
static int parse_header_line(HttpRequest *req, Octstr *line, int *status, Octstr **problem)
{
    long colon = octstr_search_char(line, ':', 0);
    Octstr *name, *value;
    int ret = 0;

    if (colon <= 0)
        return refuse(status, problem, HTTP_BAD_REQUEST, octstr_create("malformed header line"));
    name = octstr_copy(line, 0, colon);
    value = octstr_copy(line, colon + 1, octstr_len(line));
    octstr_strip_blanks(value);
    if (!name_ok(name) || !value_ok(value))
        ret = refuse(status, problem, HTTP_BAD_REQUEST,
                     octstr_create("malformed header line (folded, or control characters)"));
    else
        http_header_add(req->headers, octstr_get_cstr(name), octstr_get_cstr(value));
    octstr_destroy(name);
    octstr_destroy(value);
    return ret;
}

static int digits_only(Octstr *value)
{
    long i;

    if (octstr_len(value) == 0 || octstr_len(value) > 15)
        return 0;
    for (i = 0; i < octstr_len(value); i++)
        if (!isdigit(octstr_get_char(value, i)))
            return 0;
    return 1;
}

/* Content-Length (one value, digits only); no Transfer-Encoding. */
static int parse_body_length(HttpRequest *req, int *status, Octstr **problem)
{
    List *lengths = http_header_find_all(req->headers, "Content-Length");
    Octstr *coding = http_header_find_first(req->headers, "Transfer-Encoding");
    Octstr *name = NULL, *value = NULL;
    int ret = 0;

    if (gwlist_len(lengths) == 1)
        http_header_get(lengths, 0, &name, &value);
    if (coding != NULL)
        ret = refuse(status, problem, HTTP_LENGTH_REQUIRED,
                     octstr_create("a body must come with Content-Length, not Transfer-Encoding"));
    else if (gwlist_len(lengths) > 1 || (value != NULL && !digits_only(value)))
        ret = refuse(status, problem, HTTP_BAD_REQUEST, octstr_create("bad Content-Length"));
    else if (value != NULL)
        octstr_parse_long(&req->body_length, value, 0, 10);
    octstr_destroy(name);
    octstr_destroy(value);
    octstr_destroy(coding);
    http_destroy_headers(lengths);
    return ret;
}

HttpRequest *http_request_parse(Octstr *head, Octstr *ip, int *status, Octstr **problem)
{
    HttpRequest *req = request_create(ip);
    List *lines = octstr_split(head, octstr_imm("\n"));
    Octstr *line;
    long n = 0;
    int ret = 0;

    while (ret == 0 && (line = gwlist_extract_first(lines)) != NULL) {
        if (octstr_get_char(line, octstr_len(line) - 1) == '\r')
            octstr_delete(line, octstr_len(line) - 1, 1);
        if (n == 0 && octstr_len(line) == 0) {
            octstr_destroy(line);       /* blank lines before the request line */
            continue;
        }
        if (octstr_len(line) > 0)
            ret = n++ == 0 ? parse_request_line(req, line, status, problem)
                           : parse_header_line(req, line, status, problem);
        octstr_destroy(line);
    }
    gwlist_destroy(lines, octstr_destroy_item);
    if (ret == 0 && n == 0)
        ret = refuse(status, problem, HTTP_BAD_REQUEST, octstr_create("no request line"));
    if (ret == 0)
        ret = parse_body_length(req, status, problem);
    if (ret == 0 && req->method == HTTP_METHOD_POST)
        req->body = octstr_create("");
    if (ret == 0)
        return req;
    http_request_destroy(req);
    return NULL;
}

Octstr *http_request_basic_password(const HttpRequest *req)
{
    Octstr *auth = http_header_find_first(req->headers, "Authorization"), *password = NULL;
    long colon;

    if (auth != NULL && octstr_case_nsearch(auth, octstr_imm("Basic "), 0, 6) == 0) {
        octstr_delete(auth, 0, 6);
        octstr_strip_blanks(auth);
        octstr_base64_to_binary(auth);
        if ((colon = octstr_search_char(auth, ':', 0)) >= 0)
            password = octstr_copy(auth, colon + 1, octstr_len(auth));
    }
    octstr_destroy(auth);
    return password;
}

static int header_has_token(const HttpRequest *req, const char *name, const char *token)
{
    Octstr *value = http_header_find_first(req->headers, (char *) name);
    int found = value != NULL && octstr_case_search(value, octstr_imm(token), 0) >= 0;

    octstr_destroy(value);
    return found;
}

int http_request_keep_alive(const HttpRequest *req)
{
    if (req->http_1_1)
        return !header_has_token(req, "Connection", "close");
    return header_has_token(req, "Connection", "keep-alive");
}

int http_request_expects_continue(const HttpRequest *req)
{
    return req->http_1_1 && header_has_token(req, "Expect", "100-continue");
}

/* ---- answers ------------------------------------------------------------- */

void http_answer_set(HttpAnswer *answer, int status, const char *content_type, Octstr *body)
{
    octstr_destroy(answer->body);
    answer->status = status;
    answer->content_type = content_type;
    answer->body = body != NULL ? body : octstr_create("");
}

void http_answer_clear(HttpAnswer *answer)
{
    octstr_destroy(answer->body);
    answer->body = NULL;
}

static const char *reason_phrase(int status)
{
    static const struct { int status; const char *phrase; } phrases[] = {
        { 100, "Continue" }, { 200, "OK" }, { 202, "Accepted" }, { 400, "Bad Request" },
        { 401, "Unauthorized" }, { 403, "Forbidden" }, { 404, "Not Found" },
        { 408, "Request Timeout" }, { 411, "Length Required" }, { 413, "Payload Too Large" },
        { 414, "URI Too Long" }, { 415, "Unsupported Media Type" },
        { 431, "Request Header Fields Too Large" }, { 500, "Internal Server Error" },
        { 501, "Not Implemented" }, { 503, "Service Unavailable" },
        { 505, "HTTP Version Not Supported" },
    };
    size_t i;

    for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
        if (phrases[i].status == status)
            return phrases[i].phrase;
    return "Unknown";
}

Octstr *http_answer_format(const HttpAnswer *answer, int keep_alive, int with_body)
{
    Octstr *out = octstr_format("HTTP/1.1 %d %s\r\nServer: provbox/%s\r\n"
                                "Content-Type: %s\r\nContent-Length: %ld\r\n"
                                "Connection: %s\r\n\r\n",
                                answer->status, reason_phrase(answer->status), PROVBOX_VERSION,
                                answer->content_type, octstr_len(answer->body),
                                keep_alive ? "keep-alive" : "close");

    if (with_body)
        octstr_append(out, answer->body);
    return out;
}
