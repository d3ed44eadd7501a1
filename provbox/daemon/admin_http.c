/*
 * admin_http.c - the admin/status HTTP server thread (see admin_http.h).
 */
#include "gwlib/gwlib.h"
#include "daemon/admin_http.h"
#include "spool/requeue.h"
#include "intake/intake.h"
#include "common/log_escaped.h"

struct AdminHttp {
    StatusSources sources;
    void (*shutdown_requested)(void);
    Intake *intake;         /* /cgi-bin/sendota and /job-status */
    long port;
    long thread;
};

typedef struct Request {
    Octstr *command;        /* "status", "suspend", ... */
    StatusFormat format;
    List *cgivars;
    List *headers;
} Request;

typedef int admin_command_fn(AdminHttp *admin, Request *req, Octstr **message);

/* ---- commands ------------------------------------------------------------ */

static int admin_suspend(AdminHttp *admin, Request *req, Octstr **message)
{
    (void) req;
    dispatcher_suspend(admin->sources.dispatcher);
    *message = octstr_create("suspended: no new jobs are taken, in-flight ones finish");
    return 1;
}

static int admin_resume(AdminHttp *admin, Request *req, Octstr **message)
{
    (void) req;
    dispatcher_resume(admin->sources.dispatcher);
    *message = octstr_create("resumed: taking new jobs");
    return 1;
}

static int admin_shutdown(AdminHttp *admin, Request *req, Octstr **message)
{
    (void) req;
    info(0, "Shutdown requested through the admin interface.");
    admin->shutdown_requested();
    *message = octstr_create("shutting down");
    return 1;
}

static int admin_log_level(AdminHttp *admin, Request *req, Octstr **message)
{
    Octstr *value = http_cgi_variable(req->cgivars, "level");
    long level;

    (void) admin;
    if (value == NULL || octstr_parse_long(&level, value, 0, 10) != octstr_len(value)
        || level < 0 || level > 4) {
        *message = octstr_create("level must be a number from 0 (debug) to 4 (panic)");
        return 0;
    }
    log_set_log_level(level);
    info(0, "Log level set to %ld through the admin interface.", level);
    *message = octstr_format("log level set to %ld", level);
    return 1;
}

static int admin_requeue(AdminHttp *admin, Request *req, Octstr **message)
{
    Octstr *job = http_cgi_variable(req->cgivars, "job"), *why = NULL, *summary = NULL;

    if (job == NULL || !spool_name_ok(job)) {
        *message = octstr_create("job=NAME is missing or not a job name");
        return 0;
    }
    if (spool_requeue(admin->sources.spool, job, 0, &summary, &why) == -1) {
        *message = why;
        return 0;
    }
    log_escaped_info(0, "Job %S requeued through the admin interface: %S.", job, summary);
    *message = octstr_format("job %S moved from failed/ to new/; %S", job, summary);
    octstr_destroy(summary);
    return 1;
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
};

/* ---- requests -------------------------------------------------------------- */

static int password_ok(Octstr *given, Octstr *a, Octstr *b)
{
    if (a == NULL && b == NULL)
        return 1;
    return given != NULL && ((a != NULL && octstr_compare(given, a) == 0)
                             || (b != NULL && octstr_compare(given, b) == 0));
}

static int wants_html(List *headers)
{
    Octstr *accept = http_header_find_first(headers, "Accept");
    int html = accept != NULL && octstr_search(accept, octstr_imm("text/html"), 0) != -1;

    octstr_destroy(accept);
    return html;
}

/* "/cgi-bin/status.xml" -> command "status", format XML. -1 if unknown format. */
static int parse_path(Octstr *url, List *headers, Request *req)
{
    Octstr *path = octstr_duplicate(url);
    long dot;
    int ret = 0;

    if (octstr_ncompare(path, octstr_imm("/cgi-bin/"), 9) == 0)
        octstr_delete(path, 0, 8);
    if (octstr_get_char(path, 0) == '/')
        octstr_delete(path, 0, 1);
    req->format = wants_html(headers) ? FORMAT_HTML : FORMAT_TXT;
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

static void reply(HTTPClient *client, int status, StatusFormat format, Octstr *body)
{
    List *headers = http_create_empty_headers();

    http_header_add(headers, "Content-Type", (char *) status_format_content_type(format));
    http_send_reply(client, status, headers, body);
    http_destroy_headers(headers);
}

static void answer_message(HTTPClient *client, int status, Request *req, int ok, Octstr *text)
{
    Octstr *body = status_page_message(req->format, octstr_get_cstr(req->command), ok, text);

    reply(client, status, req->format, body);
    octstr_destroy(body);
}

static void handle(AdminHttp *admin, HTTPClient *client, Request *req)
{
    const ProvboxConfig *c = admin->sources.config;
    Octstr *password = http_cgi_variable(req->cgivars, "password"), *message = NULL;
    size_t i;
    int ok;

    if (octstr_str_compare(req->command, "status") == 0) {
        if (!password_ok(password, c->status_password, c->admin_password)) {
            answer_message(client, HTTP_FORBIDDEN, req, 0, octstr_imm("wrong or missing password"));
            return;
        }
        message = status_page_render(&admin->sources, req->format);
        reply(client, HTTP_OK, req->format, message);
        octstr_destroy(message);
        return;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (octstr_str_compare(req->command, commands[i].name) != 0)
            continue;
        if (!password_ok(password, c->admin_password, NULL)) {
            answer_message(client, HTTP_FORBIDDEN, req, 0, octstr_imm("wrong or missing password"));
            return;
        }
        ok = commands[i].run(admin, req, &message);
        answer_message(client, ok ? HTTP_OK : HTTP_BAD_REQUEST, req, ok, message);
        octstr_destroy(message);
        return;
    }
    answer_message(client, HTTP_NOT_FOUND, req, 0, octstr_imm("unknown command"));
}

static void admin_thread(void *arg)
{
    AdminHttp *admin = arg;
    HTTPClient *client;
    Octstr *ip, *url, *body;
    List *headers, *cgivars;
    Request req;

    while ((client = http_accept_request(admin->port, &ip, &url, &headers, &body, &cgivars)) != NULL) {
        memset(&req, 0, sizeof(req));
        req.cgivars = cgivars;
        req.headers = headers;
        if (!intake_handle(admin->intake, client, ip, url, headers, body, cgivars)) {
            if (parse_path(url, headers, &req) == -1)
                answer_message(client, HTTP_NOT_FOUND, &req, 0, octstr_imm("unknown format"));
            else
                handle(admin, client, &req);
        }
        octstr_destroy(req.command);
        octstr_destroy(ip);
        octstr_destroy(url);
        octstr_destroy(body);
        http_destroy_headers(headers);
        http_destroy_cgiargs(cgivars);
    }
}

AdminHttp *admin_http_start(const StatusSources *sources, void (*shutdown_requested)(void))
{
    const ProvboxConfig *c = sources->config;
    AdminHttp *admin;
    Intake *intake = intake_create(c, sources->spool);

    if (intake == NULL)
        return NULL;
    if (c->admin_port_ssl)
        conn_config_ssl(c->provbox_group);   /* ssl-server-cert-file, -key-file */
    if (http_open_port_if(c->admin_port, c->admin_port_ssl, c->admin_interface) == -1) {
        error(0, "Cannot open the admin port %s:%ld.", octstr_get_cstr(c->admin_interface),
              c->admin_port);
        intake_destroy(intake);
        return NULL;
    }
    admin = gw_malloc(sizeof(*admin));
    admin->sources = *sources;
    admin->shutdown_requested = shutdown_requested;
    admin->intake = intake;
    admin->port = c->admin_port;
    admin->thread = gwthread_create(admin_thread, admin);
    if (admin->thread == -1)
        panic(0, "Cannot start the admin HTTP thread.");
    info(0, "Admin interface on %s:%ld%s.", octstr_get_cstr(c->admin_interface),
         c->admin_port, c->admin_port_ssl ? " (SSL)" : "");
    return admin;
}

void admin_http_stop(AdminHttp *admin)
{
    if (admin == NULL)
        return;
    http_close_port(admin->port);
    gwthread_join(admin->thread);
    intake_destroy(admin->intake);
    gw_free(admin);
}
