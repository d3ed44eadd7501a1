/*
 * intake.c - routing, authorisation and queueing for the sendota intake
 * (see intake.h). Parameters are sendota_request.c's business, users
 * sendota_users.c's, the status answer intake_status.c's.
 */
#include "gwlib/gwlib.h"
#include "encode/ota_legacy.h"
#include "encode/push.h"
#include "encode/signer.h"
#include "encode/wbxml.h"
#include "spool/job.h"
#include "intake/intake.h"
#include "intake/intake_status.h"
#include "intake/sendota_request.h"
#include "intake/sendota_users.h"
#include "common/escape.h"
#include "common/log_escaped.h"

struct Intake {
    const ProvboxConfig *config;
    Spool *spool;
    SendotaUsers *users;
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

/* Sign and split the document for one recipient's credentials, as the
 * dispatcher will. 0 (and the entry code for USERPINMAC), or -1 + *why. */
static int encode_probe(Intake *intake, const Job *job, Octstr *wbxml,
                        Octstr **entry_code, Octstr **why)
{
    const ProvboxConfig *c = intake->config;
    OtaLegacyType legacy;
    Signature *sig = NULL;
    Octstr *pdu;
    List *segments;

    if (job_legacy_type(job, &legacy)) {
        pdu = ota_legacy_pdu_build(legacy, wbxml, 1);
        segments = push_split_ports(pdu, ota_legacy_dest_port(legacy), ota_legacy_src_port(legacy),
                                    0, c->concatenation_16bit, c->max_segments, why);
    } else {
        if ((sig = signer_sign(job->sec, job->pin, job->imsi, wbxml, why)) == NULL)
            return -1;
        pdu = push_pdu_build(wbxml, sig, 1);
        segments = push_split(pdu, 0, c->concatenation_16bit, c->max_segments, why);
        if (sig->entry_code != NULL)
            *entry_code = octstr_duplicate(sig->entry_code);
    }
    octstr_destroy(pdu);
    signature_destroy(sig);
    if (segments == NULL)
        return -1;
    gwlist_destroy(segments, push_segment_destroy);
    return 0;
}

static Octstr *compile(const Job *job, Octstr **why)
{
    OtaLegacyType legacy;
    Octstr *wbxml, *cause = NULL;

    if (job_legacy_type(job, &legacy))
        wbxml = ota_legacy_compile(legacy, job->document, &cause);
    else
        wbxml = wbxml_compile(job->document, &cause);
    if (wbxml == NULL) {
        *why = octstr_format("Erroneous ota source, cannot compile: %S", cause);
        octstr_destroy(cause);
    }
    return wbxml;
}

/* Check everything the dispatcher will; NULL + *why when it would fail. */
static Job *check_job(Intake *intake, Octstr *text, Octstr **entry_code, Octstr **why)
{
    Job *job = job_parse(NULL, text, why);
    Octstr *wbxml;

    if (job == NULL) {
        without_line_number(*why);
        return NULL;
    }
    if ((wbxml = compile(job, why)) == NULL
        || encode_probe(intake, job, wbxml, entry_code, why) < 0) {
        octstr_destroy(wbxml);
        job_destroy(job);
        return NULL;
    }
    octstr_destroy(wbxml);
    return job;
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
    Octstr *text, *name, *entry_code = NULL;
    Job *job;
    int status;

    if ((text = sendota_request_job(req, user, &status, answer)) == NULL)
        return status;
    job = check_job(intake, text, &entry_code, answer);
    if (job == NULL) {
        octstr_destroy(text);
        return HTTP_BAD_REQUEST;
    }
    name = spool_submit(intake->spool, text, answer);
    if (name == NULL) {
        log_escaped_error(0, "sendota: cannot queue a job for user '%S': %S",
                          user->username, *answer);
        octstr_destroy(*answer);
        *answer = octstr_create("Sending failed.");
        status = HTTP_INTERNAL_SERVER_ERROR;
    } else {
        log_escaped_info(0, "sendota: user '%S' from %S queued job %S (%S, %ld recipient(s)).",
                         user->username, ip, name, job->type, gwlist_len(job->recipients));
        *answer = accepted_answer(job, name, entry_code);
        status = HTTP_ACCEPTED;
    }
    octstr_destroy(name);
    octstr_destroy(entry_code);
    octstr_destroy(text);
    job_destroy(job);
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
        log_escaped_info(0, "sendota: request from user '%S' at %S refused (%d): %S",
                         user->username, ip, status, answer);
    if (status != HTTP_ACCEPTED)
        answer = shown_refusal(answer);
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
