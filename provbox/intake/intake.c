/*
 * intake.c - routing, authorisation and queueing for the sendota intake
 * (see intake.h). Parameters are sendota_request.c's business, users
 * sendota_users.c's, the status answer intake_status.c's.
 */
#include "gwlib/gwlib.h"
#include "daemon/active_job.h"
#include "spool/job.h"
#include "intake/intake.h"
#include "intake/intake_status.h"
#include "intake/sendota_request.h"
#include "intake/sendota_users.h"

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

static void reply_text(HTTPClient *client, int status, Octstr *text)
{
    List *headers = http_create_empty_headers();

    http_header_add(headers, "Content-Type", "text/plain; charset=utf-8");
    http_send_reply(client, status, headers, text);
    http_destroy_headers(headers);
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
    long i;

    for (i = 0; entry_code != NULL && i < gwlist_len(job->recipients); i++)
        octstr_format_append(answer, "Entry-Code: %S %S\n",
                             ((Recipient *) gwlist_get(job->recipients, i))->msisdn, entry_code);
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
        error(0, "sendota: cannot queue a job for user '%s': %s",
              octstr_get_cstr(user->username), octstr_get_cstr(*answer));
        octstr_destroy(*answer);
        *answer = octstr_create("Sending failed.");
        status = HTTP_INTERNAL_SERVER_ERROR;
    } else {
        info(0, "sendota: user '%s' from %s queued job %s (%s, %ld recipient(s)).",
             octstr_get_cstr(user->username), octstr_get_cstr(ip), octstr_get_cstr(name),
             octstr_get_cstr(aj->job->type), gwlist_len(aj->job->recipients));
        *answer = accepted_answer(aj->job, name, aj->shared_entry_code);
        status = HTTP_ACCEPTED;
    }
    octstr_destroy(name);
    octstr_destroy(text);
    active_job_destroy(aj);
    return status;
}

static void sendota(Intake *intake, HTTPClient *client, Octstr *ip, List *headers,
                    Octstr *body, List *cgivars)
{
    SendotaRequest *req = body != NULL ? sendota_request_from_post(headers, body, cgivars)
                                       : sendota_request_from_get(cgivars);
    const SendotaUser *user = sendota_users_check(intake->users, sendota_request_username(req),
                                                  sendota_request_password(req), ip);
    Octstr *answer = NULL;
    int status;

    if (user == NULL) {
        warning(0, "sendota: authorisation failed for a request from %s.", octstr_get_cstr(ip));
        status = HTTP_FORBIDDEN;
        answer = octstr_create("Authorization failed for sendota");
    } else
        status = queue(intake, req, user, ip, &answer);
    if (status != HTTP_ACCEPTED && user != NULL)
        info(0, "sendota: request from user '%s' at %s refused (%d): %s",
             octstr_get_cstr(user->username), octstr_get_cstr(ip), status,
             octstr_get_cstr(answer));
    if (octstr_get_char(answer, octstr_len(answer) - 1) != '\n')
        octstr_append_char(answer, '\n');
    reply_text(client, status, answer);
    octstr_destroy(answer);
    sendota_request_destroy(req);
}

static void job_status(Intake *intake, HTTPClient *client, Octstr *ip, Octstr *format,
                       List *cgivars)
{
    Octstr *answer = NULL;
    const char *content_type = "text/plain; charset=utf-8";
    int status;
    List *headers;

    if (sendota_users_check(intake->users, http_cgi_variable(cgivars, "username"),
                            http_cgi_variable(cgivars, "password"), ip) == NULL) {
        status = HTTP_FORBIDDEN;
        answer = octstr_create("Authorization failed for job-status\n");
    } else
        status = intake_status_render(intake->spool, http_cgi_variable(cgivars, "job"),
                                      format, &answer, &content_type);
    headers = http_create_empty_headers();
    http_header_add(headers, "Content-Type", (char *) content_type);
    http_send_reply(client, status, headers, answer);
    http_destroy_headers(headers);
    octstr_destroy(answer);
}

/* "/cgi-bin/job-status.xml" -> name "job-status", format "xml" (or NULL). */
static Octstr *route(Octstr *url, Octstr **format)
{
    Octstr *path = octstr_duplicate(url);
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
    return path;
}

int intake_handle(Intake *intake, HTTPClient *client, Octstr *ip, Octstr *url,
                  List *headers, Octstr *body, List *cgivars)
{
    Octstr *format, *path = route(url, &format);
    int handled = 1;

    if (octstr_str_compare(path, "sendota") == 0 && format == NULL)
        sendota(intake, client, ip, headers, body, cgivars);
    else if (octstr_str_compare(path, "job-status") == 0)
        job_status(intake, client, ip, format, cgivars);
    else
        handled = 0;
    octstr_destroy(path);
    octstr_destroy(format);
    return handled;
}
