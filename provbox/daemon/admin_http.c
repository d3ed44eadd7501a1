/*
 * admin_http.c - routing, authorisation and commands of the admin port
 * (see admin_http.h); its connections are http_front.c's.
 */
#include "gwlib/gwlib.h"
#include "daemon/admin_http.h"
#include "daemon/http_front.h"
#include "daemon/metrics.h"
#include "spool/requeue.h"
#include "spool/resend.h"
#include "intake/intake.h"
#include "common/log_escaped.h"

/* Bytes of header lines a request may have (431 beyond). */
#define ADMIN_MAX_HEADER_FIELDS 16384
/* A status page or command takes no body; a small one is read and ignored. */
#define ADMIN_MAX_COMMAND_BODY 4096

struct AdminHttp {
    StatusSources sources;
    void (*shutdown_requested)(void);
    Intake *intake;         /* /cgi-bin/sendota and /job-status */
    HttpFront *front;
};

typedef struct Request {
    const HttpRequest *http;
    Octstr *command;        /* "status", "suspend", ... */
    StatusFormat format;
    List *cgivars;
} Request;

/* A command's answer: the HTTP status (200 done, 4xx not) and *message. */
typedef int admin_command_fn(AdminHttp *admin, Request *req, Octstr **message);

/* ---- commands ------------------------------------------------------------ */

static int admin_suspend(AdminHttp *admin, Request *req, Octstr **message)
{
    (void) req;
    dispatcher_suspend(admin->sources.dispatcher);
    *message = octstr_create("suspended: no new jobs are taken, in-flight ones finish");
    return HTTP_OK;
}

static int admin_resume(AdminHttp *admin, Request *req, Octstr **message)
{
    (void) req;
    dispatcher_resume(admin->sources.dispatcher);
    *message = octstr_create("resumed: taking new jobs");
    return HTTP_OK;
}

static int admin_shutdown(AdminHttp *admin, Request *req, Octstr **message)
{
    (void) req;
    info(0, "Shutdown requested through the admin interface.");
    admin->shutdown_requested();
    *message = octstr_create("shutting down");
    return HTTP_OK;
}

static int admin_log_level(AdminHttp *admin, Request *req, Octstr **message)
{
    Octstr *value = http_cgi_variable(req->cgivars, "level");
    long level;

    (void) admin;
    if (value == NULL || octstr_parse_long(&level, value, 0, 10) != octstr_len(value)
        || level < 0 || level > 4) {
        *message = octstr_create("level must be a number from 0 (debug) to 4 (panic)");
        return HTTP_BAD_REQUEST;
    }
    log_set_log_level(level);
    info(0, "Log level set to %ld through the admin interface.", level);
    *message = octstr_format("log level set to %ld", level);
    return HTTP_OK;
}

static int admin_requeue(AdminHttp *admin, Request *req, Octstr **message)
{
    Octstr *job = http_cgi_variable(req->cgivars, "job"), *why = NULL, *summary = NULL;

    if (job == NULL || !spool_name_ok(job)) {
        *message = octstr_create("job=NAME is missing or not a job name");
        return HTTP_BAD_REQUEST;
    }
    if (spool_requeue(admin->sources.spool, job, 0, &summary, &why) == -1) {
        *message = why;
        return HTTP_BAD_REQUEST;
    }
    log_escaped_info(0, "Job %S requeued through the admin interface: %S.", job, summary);
    *message = octstr_format("job %S moved from failed/ to new/; %S", job, summary);
    octstr_destroy(summary);
    return HTTP_OK;
}

/* The answer to each result of spool_resend(). */
static int resend_answer(int result)
{
    return result == RESEND_WRITTEN ? HTTP_OK
           : result == RESEND_NONE ? HTTP_CONFLICT : HTTP_BAD_REQUEST;
}

static int admin_resend(AdminHttp *admin, Request *req, Octstr **message)
{
    Octstr *job = http_cgi_variable(req->cgivars, "job");
    Octstr *list = http_cgi_variable(req->cgivars, "state"), *new_name = NULL, *said = NULL;
    unsigned states;
    int result;

    if (list == NULL || resend_states_parse(list, &states, &said) == -1) {
        *message = list == NULL ? octstr_create("state=STATE[,STATE...] is missing")
                   : octstr_format("state: %S", said);
        octstr_destroy(said);
        return HTTP_BAD_REQUEST;
    }
    if (job == NULL) {
        *message = octstr_create("job=NAME is missing");
        return HTTP_BAD_REQUEST;
    }
    result = spool_resend(admin->sources.spool, job, states, &new_name, &said);
    if (result != RESEND_WRITTEN) {
        *message = said;
        return resend_answer(result);
    }
    log_escaped_info(0, "Job %S resent through the admin interface as %S: %S.", job,
                     new_name, said);
    *message = octstr_format("job %S written into new/: %S", new_name, said);
    octstr_destroy(new_name);
    octstr_destroy(said);
    return HTTP_OK;
}

static const struct {
    const char *name;
    admin_command_fn *run;
} commands[] = {
    { "suspend", admin_suspend },
    { "resume", admin_resume },
    { "shutdown", admin_shutdown },
    { "log-level", admin_log_level },
    { "requeue", admin_requeue },
    { "resend", admin_resend },
};

/* ---- requests -------------------------------------------------------------- */

/* ?password= or, failing that, the password of HTTP basic authentication. */
static int password_ok(const HttpRequest *http, Octstr *a, Octstr *b)
{
    Octstr *given = octstr_duplicate(http_cgi_variable(http->cgivars, "password"));
    int ok;

    if (a == NULL && b == NULL)
        return 1;
    if (given == NULL)
        given = http_request_basic_password(http);
    ok = given != NULL && ((a != NULL && octstr_compare(given, a) == 0)
                           || (b != NULL && octstr_compare(given, b) == 0));
    octstr_destroy(given);
    return ok;
}

static int wants_html(List *headers)
{
    Octstr *accept = http_header_find_first(headers, "Accept");
    int html = accept != NULL && octstr_search(accept, octstr_imm("text/html"), 0) != -1;

    octstr_destroy(accept);
    return html;
}

/* "/cgi-bin/status.xml" -> command "status", format XML. -1 if unknown format. */
static int parse_path(const HttpRequest *http, Request *req)
{
    Octstr *path = octstr_duplicate(http->path);
    long dot;
    int ret = 0;

    req->http = http;
    req->cgivars = http->cgivars;
    if (octstr_ncompare(path, octstr_imm("/cgi-bin/"), 9) == 0)
        octstr_delete(path, 0, 8);
    if (octstr_get_char(path, 0) == '/')
        octstr_delete(path, 0, 1);
    req->format = wants_html(http->headers) ? FORMAT_HTML : FORMAT_TXT;
    dot = octstr_rsearch_char(path, '.', octstr_len(path) - 1);
    if (dot != -1) {
        Octstr *ext = octstr_copy(path, dot + 1, octstr_len(path));
        ret = status_format_parse(octstr_get_cstr(ext), &req->format);
        octstr_destroy(ext);
        octstr_truncate(path, dot);
    }
    req->command = path;
    return ret;
}

static void answer_set(HttpAnswer *answer, int status, StatusFormat format, Octstr *body)
{
    http_answer_set(answer, status, status_format_content_type(format), body);
}

static void answer_message(HttpAnswer *answer, int status, Request *req, int ok, Octstr *text)
{
    answer_set(answer, status, req->format,
               status_page_message(req->format, octstr_get_cstr(req->command), ok, text));
}

/* find_command()'s answers for the status page and for /metrics. */
#define STATUS_PAGE ((int) (sizeof(commands) / sizeof(commands[0])))
#define METRICS_PAGE (STATUS_PAGE + 1)

/* The command's index in commands[], STATUS_PAGE, METRICS_PAGE, or -1 for
 * an unknown path. */
static int find_command(Request *req)
{
    int i;

    if (octstr_str_compare(req->command, "status") == 0)
        return STATUS_PAGE;
    if (octstr_str_compare(req->command, "metrics") == 0)
        return METRICS_PAGE;
    for (i = 0; i < STATUS_PAGE; i++)
        if (octstr_str_compare(req->command, commands[i].name) == 0)
            return i;
    return -1;
}

/* A scraper in metrics-allow-ip reads /metrics without a password. Not
 * is_allowed_ip() with a deny-all pattern: that lets through any address
 * the deny pattern does not match (an IPv6 one). */
static int metrics_ip_allowed(const ProvboxConfig *c, const HttpRequest *http)
{
    return c->metrics_allow_ip != NULL && !connect_denied(c->metrics_allow_ip, http->ip);
}

/* Whether the request may have what command i gives. */
static int allowed(const ProvboxConfig *c, const HttpRequest *http, int i)
{
    if (i == METRICS_PAGE && metrics_ip_allowed(c, http))
        return 1;
    if (i == STATUS_PAGE || i == METRICS_PAGE)
        return password_ok(http, c->status_password, c->admin_password);
    return password_ok(http, c->admin_password, NULL);
}

/* Route and authorise a request from its head alone: the command (as
 * find_command()), or -1 and the answer (404, 403). */
static int authorise(AdminHttp *admin, const HttpRequest *http, Request *req, HttpAnswer *answer)
{
    int i;

    if (parse_path(http, req) == -1) {
        answer_message(answer, HTTP_NOT_FOUND, req, 0, octstr_imm("unknown format"));
        return -1;
    }
    if ((i = find_command(req)) < 0) {
        answer_message(answer, HTTP_NOT_FOUND, req, 0, octstr_imm("unknown command"));
        return -1;
    }
    if (!allowed(admin->sources.config, http, i)) {
        answer_message(answer, HTTP_FORBIDDEN, req, 0, octstr_imm("wrong or missing password"));
        return -1;
    }
    return i;
}

/* http_front's admit(): before any body is read. */
static long admin_admit(void *ctx, const HttpRequest *http, HttpAnswer *answer)
{
    AdminHttp *admin = ctx;
    Request req;
    long allowed = intake_admit(admin->intake, http, answer);

    if (allowed != INTAKE_NOT_MINE)
        return allowed;
    memset(&req, 0, sizeof(req));
    allowed = authorise(admin, http, &req, answer) < 0 ? -1 : ADMIN_MAX_COMMAND_BODY;
    octstr_destroy(req.command);
    return allowed;
}

/* http_front's handle(): a whole request, admitted. */
static void admin_handle(void *ctx, HttpRequest *http, HttpAnswer *answer)
{
    AdminHttp *admin = ctx;
    Request req;
    Octstr *message = NULL;
    int i, status;

    if (intake_handle(admin->intake, http, answer))
        return;
    memset(&req, 0, sizeof(req));
    i = authorise(admin, http, &req, answer);
    if (i == STATUS_PAGE) {
        answer_set(answer, HTTP_OK, req.format, status_page_render(&admin->sources, req.format,
                                                             req.cgivars));
    } else if (i == METRICS_PAGE) {
        http_answer_set(answer, HTTP_OK, METRICS_CONTENT_TYPE, metrics_render(&admin->sources));
    } else if (i >= 0) {
        status = commands[i].run(admin, &req, &message);
        answer_message(answer, status, &req, status == HTTP_OK, message);
        octstr_destroy(message);
    }
    octstr_destroy(req.command);
}

static HttpFrontLimits limits_of(const ProvboxConfig *c)
{
    HttpFrontLimits limits;

    limits.max_clients = c->admin_max_clients;
    limits.max_clients_per_ip = c->admin_max_clients_per_ip;
    limits.request_timeout = c->admin_request_timeout;
    /* a GET to /cgi-bin/sendota carries the document URL-encoded */
    limits.max_request_line = 3 * c->max_job_size + 4096;
    limits.max_header_fields = ADMIN_MAX_HEADER_FIELDS;
    return limits;
}

AdminHttp *admin_http_start(const StatusSources *sources, void (*shutdown_requested)(void))
{
    const ProvboxConfig *c = sources->config;
    HttpFrontLimits limits = limits_of(c);
    HttpFrontHandlers handlers;
    AdminHttp *admin;
    Intake *intake = intake_create(c, sources->spool);

    if (intake == NULL)
        return NULL;
    if (c->admin_port_ssl)
        conn_config_ssl(c->provbox_group);   /* ssl-server-cert-file, -key-file */
    admin = gw_malloc(sizeof(*admin));
    admin->sources = *sources;
    admin->shutdown_requested = shutdown_requested;
    admin->intake = intake;
    handlers.ctx = admin;
    handlers.admit = admin_admit;
    handlers.handle = admin_handle;
    admin->front = http_front_start(c->admin_interface, c->admin_port, c->admin_port_ssl,
                                    &limits, &handlers);
    if (admin->front == NULL) {
        error(0, "Cannot open the admin port %s:%ld.", octstr_get_cstr(c->admin_interface),
              c->admin_port);
        intake_destroy(intake);
        gw_free(admin);
        return NULL;
    }
    info(0, "Admin interface on %s:%ld%s (at most %ld connections, %ld per address; "
         "requests within %ld s).", octstr_get_cstr(c->admin_interface), c->admin_port,
         c->admin_port_ssl ? ", SSL" : "", c->admin_max_clients, c->admin_max_clients_per_ip,
         c->admin_request_timeout);
    return admin;
}

void admin_http_stop(AdminHttp *admin)
{
    if (admin == NULL)
        return;
    http_front_stop(admin->front);
    intake_destroy(admin->intake);
    gw_free(admin);
}
