/*
 * intake.c - routing, authorisation and queueing for the sendota intake
 * (see intake.h). Parameters are sendota_request.c's business, users
 * sendota_users.c's, the status answer intake_status.c's.
 */
#include "gwlib/gwlib.h"
#include "daemon/active_job.h"
#include "spool/job.h"
#include "daemon/sendota/intake.h"
#include "daemon/sendota/intake_status.h"
#include "daemon/sendota/sendota_request.h"
#include "daemon/sendota/sendota_users.h"
#include "common/escape.h"
#include "common/log_escaped.h"

struct Intake {
    const ProvboxConfig *config;
    Spool *spool;
    SendotaUsers *users;
    CompileCache *cache;    /* the HTTP thread's: intake_handle() runs there only */
};

Intake *intake_create(const ProvboxConfig *config, Spool *spool)
{
    SendotaUsers *users = sendota_users_load(config->cfg);
    Intake *intake;

    if (users == NULL)
        return NULL;
    intake = gw_malloc(sizeof(*intake));
    intake->config = config;
    intake->spool = spool;
    intake->users = users;
    intake->cache = compile_cache_create();
    if (sendota_users_count(users) > 0)
        info(0, "sendota intake: %ld sendota-user(s), on the admin port.",
             sendota_users_count(users));
    return intake;
}

void intake_destroy(Intake *intake)
{
    if (intake == NULL)
        return;
    sendota_users_destroy(intake->users);
    compile_cache_destroy(intake->cache);
    gw_free(intake);
}

/* "line 3: Pin: ..." -> "Pin: ...": the client never saw a job file. */
static Octstr *without_line_number(Octstr *reason)
{
    long colon = octstr_search(reason, octstr_imm(": "), 0);

    if (octstr_ncompare(reason, octstr_imm("line "), 5) == 0 && colon > 0)
        octstr_delete(reason, 0, colon + 2);
    return reason;
}

/* The reason as sendota words it. */
static void client_reason(ActiveJobFault fault, Octstr **why)
{
    if (fault == ACTIVE_JOB_UNPARSABLE)
        without_line_number(*why);
    else if (fault == ACTIVE_JOB_UNCOMPILABLE)
        octstr_insert(*why, octstr_imm("Erroneous ota source, cannot compile: "), 0);
}

/*
 * Check the job as the loader will when it claims it (active_job_from_text:
 * max-job-size, parse, compile, sign and split): the job checked, or NULL +
 * *status (413 for max-job-size, else 400) + *why.
 */
static ActiveJob *check_job(Intake *intake, Octstr *text, int *status, Octstr **why)
{
    ActiveJobFault fault;
    ActiveJob *aj = active_job_from_text(intake->config, intake->cache, octstr_imm("sendota"),
                                         text, time(NULL), &fault, why);

    if (aj == NULL) {
        client_reason(fault, why);
        *status = fault == ACTIVE_JOB_TOO_LARGE ? HTTP_REQUEST_ENTITY_TOO_LARGE
                                                : HTTP_BAD_REQUEST;
    }
    return aj;
}

static Octstr *accepted_answer(const Job *job, Octstr *name, Octstr *entry_code)
{
    Octstr *answer = octstr_format("Sent.\nJob: %S\n", name);
    Octstr *msisdn;
    long i;

    for (i = 0; entry_code != NULL && i < job_recipient_count(job); i++) {
        msisdn = job_recipient_msisdn(job, i);
        octstr_format_append(answer, "Entry-Code: %S %S\n", msisdn, entry_code);
        octstr_destroy(msisdn);
    }
    return answer;
}

/* The job for an authorised request: queued, or the reason it was not. */
static int queue(Intake *intake, const SendotaRequest *req, const SendotaUser *user,
                 Octstr *ip, Octstr **answer)
{
    Octstr *text, *name;
    ActiveJob *aj;
    int status;

    if ((text = sendota_request_job(req, user, &status, answer)) == NULL)
        return status;
    if ((aj = check_job(intake, text, &status, answer)) == NULL) {
        octstr_destroy(text);
        return status;
    }
    name = spool_submit(intake->spool, text, answer);
    if (name == NULL) {
        log_escaped_error(0, "sendota: cannot queue a job for user '%S': %S",
                          user->username, *answer);
        octstr_destroy(*answer);
        *answer = octstr_create("Sending failed.");
        status = HTTP_INTERNAL_SERVER_ERROR;
    } else {
        log_escaped_info(0, "sendota: user '%S' from %S queued job %S (%s, %ld recipient(s)).",
                         user->username, ip, name, doc_type_name(aj->job->type),
                         job_recipient_count(aj->job));
        *answer = accepted_answer(aj->job, name, aj->shared_entry_code);
        status = HTTP_ACCEPTED;
    }
    octstr_destroy(name);
    octstr_destroy(text);
    active_job_destroy(aj);
    return status;
}

/* A refusal may quote the request (a parameter's name, the document): it
 * goes back in its shown form, one line whatever the request held. */
static Octstr *shown_refusal(Octstr *answer)
{
    Octstr *shown = escape_text(answer);

    octstr_destroy(answer);
    return shown;
}

static void answer_text(HttpAnswer *answer, int status, Octstr *text)
{
    if (octstr_get_char(text, octstr_len(text) - 1) != '\n')
        octstr_append_char(text, '\n');
    http_answer_set(answer, status, "text/plain; charset=utf-8", text);
}

/* The sendota parameters in a request (of a POST's head: without the body). */
static SendotaRequest *sendota_request_of(const HttpRequest *http)
{
    if (http->method == HTTP_METHOD_POST)
        return sendota_request_from_post(http->headers, http->body, http->cgivars);
    return sendota_request_from_get(http->cgivars);
}

static const SendotaUser *sendota_user(Intake *intake, const HttpRequest *http,
                                       const SendotaRequest *req)
{
    return sendota_users_check(intake->users, sendota_request_username(req),
                               sendota_request_password(req), http->ip);
}

/* Credentials, from the head: the largest body, or -1 and a 403. */
static long sendota_admit(Intake *intake, const HttpRequest *http, HttpAnswer *answer)
{
    SendotaRequest *req = sendota_request_of(http);
    const SendotaUser *user = sendota_user(intake, http, req);

    sendota_request_destroy(req);
    if (user == NULL) {
        warning(0, "sendota: authorisation failed for a request from %s.",
                octstr_get_cstr(http->ip));
        answer_text(answer, HTTP_FORBIDDEN, octstr_create("Authorization failed for sendota"));
        return -1;
    }
    return http->method == HTTP_METHOD_POST ? intake->config->max_job_size : 0;
}

static void sendota(Intake *intake, const HttpRequest *http, HttpAnswer *answer)
{
    SendotaRequest *req = sendota_request_of(http);
    const SendotaUser *user = sendota_user(intake, http, req);
    Octstr *text = NULL;
    int status;

    if (user == NULL) {         /* intake_admit() let it through: cannot be */
        status = HTTP_FORBIDDEN;
        text = octstr_create("Authorization failed for sendota");
    } else
        status = queue(intake, req, user, http->ip, &text);
    if (status != HTTP_ACCEPTED && user != NULL)
        log_escaped_info(0, "sendota: request from user '%S' at %S refused (%d): %S",
                         user->username, http->ip, status, text);
    if (status != HTTP_ACCEPTED)
        text = shown_refusal(text);
    answer_text(answer, status, text);
    sendota_request_destroy(req);
}

static int job_status_allowed(Intake *intake, const HttpRequest *http, HttpAnswer *answer)
{
    if (sendota_users_check(intake->users, http_cgi_variable(http->cgivars, "username"),
                            http_cgi_variable(http->cgivars, "password"), http->ip) != NULL)
        return 1;
    answer_text(answer, HTTP_FORBIDDEN, octstr_create("Authorization failed for job-status"));
    return 0;
}

static void job_status(Intake *intake, const HttpRequest *http, Octstr *format,
                       HttpAnswer *answer)
{
    Octstr *text = NULL;
    const char *content_type = "text/plain; charset=utf-8";
    int status;

    if (!job_status_allowed(intake, http, answer))
        return;
    status = intake_status_render(intake->spool, http_cgi_variable(http->cgivars, "job"),
                                  format, &text, &content_type);
    http_answer_set(answer, status, content_type, text);
}

typedef enum { NOT_MINE, SENDOTA, JOB_STATUS } Route;

/* "/cgi-bin/job-status.xml" -> JOB_STATUS, format "xml" (or NULL). */
static Route route(Octstr *url, Octstr **format)
{
    Octstr *path = octstr_duplicate(url);
    Route which = NOT_MINE;
    long dot;

    if (octstr_ncompare(path, octstr_imm("/cgi-bin/"), 9) == 0)
        octstr_delete(path, 0, 8);
    if (octstr_get_char(path, 0) == '/')
        octstr_delete(path, 0, 1);
    *format = NULL;
    dot = octstr_search_char(path, '.', 0);
    if (dot >= 0) {
        *format = octstr_copy(path, dot + 1, octstr_len(path));
        octstr_truncate(path, dot);
    }
    if (octstr_str_compare(path, "sendota") == 0 && *format == NULL)
        which = SENDOTA;
    else if (octstr_str_compare(path, "job-status") == 0)
        which = JOB_STATUS;
    octstr_destroy(path);
    return which;
}

long intake_admit(Intake *intake, const HttpRequest *req, HttpAnswer *answer)
{
    Octstr *format;
    Route which = route(req->path, &format);
    long allowed = INTAKE_NOT_MINE;

    if (which == SENDOTA)
        allowed = sendota_admit(intake, req, answer);
    else if (which == JOB_STATUS)
        allowed = job_status_allowed(intake, req, answer) ? 0 : -1;
    octstr_destroy(format);
    return allowed;
}

int intake_handle(Intake *intake, const HttpRequest *req, HttpAnswer *answer)
{
    Octstr *format;
    Route which = route(req->path, &format);

    if (which == SENDOTA)
        sendota(intake, req, answer);
    else if (which == JOB_STATUS)
        job_status(intake, req, format, answer);
    octstr_destroy(format);
    return which != NOT_MINE;
}
