/*
 * active_job.c - loading, encoding and progress of a claimed job
 * (see active_job.h).
 *
 * The Job owns the text read at the claim; the ClaimedFile borrows it, so
 * a job's bytes are kept once.
 */
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "gw/sms.h"
#include "encode/message.h"
#include "encode/push.h"
#include "spool/job_vars.h"
#include "lint/lint.h"
#include "spool/spool.h"
#include "daemon/active_job.h"
#include "daemon/job_record.h"
#include "daemon/box_msg.h"
#include "common/escape.h"

#define RARE_BUCKETS 1024

/* The rare fields of one recipient, kept until recorded. */
typedef struct RareProgress {
    RecipientState failure;  /* RCPT_FAILED / RCPT_EXPIRED when failed */
    Octstr *reason;          /* why it failed, or NULL */
    Octstr *entry_code;      /* its own (USERPINMAC with overrides), or NULL */
} RareProgress;

static void rare_destroy(void *p)
{
    RareProgress *r = p;

    octstr_destroy(r->reason);
    octstr_destroy(r->entry_code);
    gw_free(r);
}

/* Recipient i's rare fields, or NULL. */
static RareProgress *rare_get(const ActiveJob *aj, long i)
{
    Octstr *key;
    RareProgress *r;

    if (aj->rare == NULL || dict_key_count(aj->rare) == 0)
        return NULL;
    key = octstr_format("%ld", i);
    r = dict_get(aj->rare, key);
    octstr_destroy(key);
    return r;
}

/* Recipient i's rare fields, made when it has none. The Dict is made on
 * the first: most jobs never need one (its buckets cost more to make and
 * destroy than a one-recipient job's other bookkeeping). */
static RareProgress *rare_add(ActiveJob *aj, long i)
{
    RareProgress *r = rare_get(aj, i);
    Octstr *key;

    if (r != NULL)
        return r;
    if (aj->rare == NULL)
        aj->rare = dict_create(RARE_BUCKETS, rare_destroy);
    r = gw_malloc(sizeof(*r));
    memset(r, 0, sizeof(*r));
    key = octstr_format("%ld", i);
    dict_put(aj->rare, key, r);
    octstr_destroy(key);
    return r;
}

static void rare_forget(ActiveJob *aj, long i)
{
    Octstr *key;

    if (aj->rare == NULL || dict_key_count(aj->rare) == 0)
        return;
    key = octstr_format("%ld", i);
    if (dict_get(aj->rare, key) != NULL)
        rare_destroy(dict_remove(aj->rare, key));
    octstr_destroy(key);
}

static long effective_validity(const Job *job, const ProvboxConfig *config)
{
    return job->validity > 0 ? job->validity : config->validity;
}

/* Recipient's message for one set of credentials (the document, wbxml,
 * filled for it): its segments, and its entry code under USERPINMAC. */
static List *encode_segments(ActiveJob *aj, const ProvboxConfig *config, Octstr *wbxml,
                             Octstr *pin, Octstr *imsi, Octstr **entry_code,
                             Octstr **error)
{
    MessageSpec spec = {
        .type = aj->job->type, .wbxml = wbxml, .sec = aj->job->sec, .pin = pin,
        .imsi = imsi, .ref = message_job_reference(aj->name, config->concatenation_16bit),
        .ref_16bit = config->concatenation_16bit, .max_segments = config->max_segments,
    };
    Message *m = message_encode(&spec, error);
    List *segments;

    if (m == NULL)
        return NULL;
    if (entry_code != NULL && m->sig != NULL && m->sig->entry_code != NULL)
        *entry_code = octstr_duplicate(m->sig->entry_code);
    segments = m->segments;
    m->segments = NULL;
    message_destroy(m);
    return segments;
}

/* "JOB;RECIPIENT;SEGMENT", built piece by piece: octstr_format() parses its
 * format anew for each of a bulk job's segments. */
static Octstr *correlation_key(Octstr *job, long recipient, long segment)
{
    Octstr *key = octstr_duplicate(job);

    octstr_append_char(key, ';');
    octstr_append_decimal(key, recipient);
    octstr_append_char(key, ';');
    octstr_append_decimal(key, segment);
    return key;
}

int active_job_parse_key(Octstr *key, Octstr **job, long *recipient, long *segment)
{
    long first, second;

    if (key == NULL || (first = octstr_search_char(key, ';', 0)) <= 0
        || (second = octstr_search_char(key, ';', first + 1)) < 0
        || octstr_search_char(key, ';', second + 1) >= 0
        || !octstr_check_range(key, first + 1, second - first - 1, gw_isdigit)
        || !octstr_check_range(key, second + 1, octstr_len(key) - second - 1, gw_isdigit)
        || octstr_parse_long(recipient, key, first + 1, 10) != second
        || octstr_parse_long(segment, key, second + 1, 10) != octstr_len(key))
        return -1;
    *job = octstr_copy(key, 0, first);
    return 0;
}

static Msg *segment_msg(ActiveJob *aj, const ProvboxConfig *config, Octstr *msisdn,
                        long i, long index, PushSegment *segment)
{
    const Job *job = aj->job;
    Msg *msg = box_msg_create(sms);    /* its id is drawn when it is sent */

    msg->sms.sms_type = mt_push;
    msg->sms.coding = DC_8BIT;
    msg->sms.sender = octstr_duplicate(job->sender != NULL ? job->sender : config->sender);
    msg->sms.receiver = octstr_duplicate(msisdn);
    msg->sms.udhdata = octstr_duplicate(segment->udh);
    msg->sms.msgdata = octstr_duplicate(segment->payload);
    msg->sms.time = time(NULL);
    msg->sms.boxc_id = octstr_duplicate(config->provbox_id);
    msg->sms.dlr_mask = job->dlr ? config->dlr_mask : 0;
    msg->sms.dlr_url = correlation_key(aj->name, i, index);
    if (job->smsc_id != NULL || config->smsc_id != NULL)
        msg->sms.smsc_id = octstr_duplicate(job->smsc_id != NULL ? job->smsc_id : config->smsc_id);
    if (aj->validity_end != 0)
        msg->sms.validity = aj->validity_end;
    if (job->priority >= 0 || config->priority >= 0)
        msg->sms.priority = job->priority >= 0 ? job->priority : config->priority;
    return msg;
}

/* The document filled with recipient i's values (read into r): a new
 * Octstr, or NULL + *error. */
static Octstr *fill_for(ActiveJob *aj, long i, const Recipient *r, Octstr **error)
{
    List *names = wbxml_template_names(aj->doc);
    long n = gwlist_len(names);
    Octstr **values = gw_malloc(n * sizeof(*values)), *wbxml = NULL;

    if (job_vars_values(aj->job, i, r, names, values, error) == 0) {
        wbxml = wbxml_template_fill(aj->doc, values, error);
        job_vars_values_clear(values, n);
    }
    gw_free(values);
    return wbxml;
}

/* The segments of a recipient with options of its own (credentials,
 * values), read from its To: line once. */
static List *encode_own(ActiveJob *aj, const ProvboxConfig *config, long i,
                        Octstr **entry_code, Octstr **error)
{
    Recipient r;
    Octstr *wbxml = aj->wbxml;
    List *segments = NULL;
    int templated = gwlist_len(wbxml_template_names(aj->doc)) > 0;

    if (job_recipient_get(aj->job, i, &r) < 0) {
        *error = octstr_format("recipient %ld cannot be read", i);
        return NULL;
    }
    if (templated)
        wbxml = fill_for(aj, i, &r, error);
    if (wbxml != NULL)
        segments = encode_segments(aj, config, wbxml, r.pin != NULL ? r.pin : aj->job->pin,
                                   r.imsi != NULL ? r.imsi : aj->job->imsi, entry_code, error);
    if (templated)
        octstr_destroy(wbxml);
    job_recipient_clear(&r);
    return segments;
}

/* Recipient i is encoded into parts segments, with its own entry code (or
 * NULL: the shared one, if any). */
static void set_encoded(ActiveJob *aj, long i, long parts, Octstr *entry_code)
{
    RecipientProgress *p = &aj->progress[i];
    RareProgress *r;

    p->parts = (unsigned char) parts;
    aj->parts_each = parts;
    p->state = PROGRESS_SENDING;
    p->flags &= ~PROGRESS_F_SHARED_CODE;
    if (entry_code != NULL) {
        r = rare_add(aj, i);
        octstr_destroy(r->entry_code);
        r->entry_code = entry_code;
    } else if (aj->shared_entry_code != NULL)
        p->flags |= PROGRESS_F_SHARED_CODE;
}

List *active_job_encode(ActiveJob *aj, const ProvboxConfig *config, long i,
                        Octstr **error)
{
    List *segments, *msgs;
    Octstr *entry_code = NULL, *msisdn;
    long k;

    if (job_recipient_has_overrides(aj->job, i))
        segments = encode_own(aj, config, i, &entry_code, error);
    else
        segments = aj->shared_segments;
    if (segments == NULL)
        return NULL;
    msisdn = job_recipient_msisdn(aj->job, i);
    msgs = gwlist_create();
    for (k = 0; k < gwlist_len(segments); k++)
        gwlist_append(msgs, segment_msg(aj, config, msisdn, i, k, gwlist_get(segments, k)));
    octstr_destroy(msisdn);
    set_encoded(aj, i, gwlist_len(segments), entry_code);
    if (segments != aj->shared_segments)
        gwlist_destroy(segments, push_segment_destroy);
    return msgs;
}

/* Recipient i's progress has changed: it goes into the next record. */
static void mark_changed(ActiveJob *aj, long i)
{
    if (aj->progress[i].flags & PROGRESS_F_CHANGED)
        return;
    aj->progress[i].flags |= PROGRESS_F_CHANGED;
    if (aj->changed_count == aj->changed_size) {
        aj->changed_size = aj->changed_size * 2 + 16;
        aj->changed = gw_realloc(aj->changed, aj->changed_size * sizeof(*aj->changed));
    }
    aj->changed[aj->changed_count++] = i;
}

long active_job_recorded(ActiveJob *aj)
{
    long k, acked = aj->unrecorded;

    for (k = 0; k < aj->changed_count; k++) {
        aj->progress[aj->changed[k]].flags &= ~PROGRESS_F_CHANGED;
        rare_forget(aj, aj->changed[k]);
    }
    aj->changed_count = 0;
    aj->unrecorded = 0;
    return acked;
}

static void finish(ActiveJob *aj, long i)
{
    if (aj->progress[i].state != PROGRESS_FINISHED) {
        aj->progress[i].state = PROGRESS_FINISHED;
        aj->unfinished--;
    }
    mark_changed(aj, i);
}

void active_job_fail_recipient(ActiveJob *aj, long i, RecipientState failure,
                               Octstr *reason)
{
    RecipientProgress *p = &aj->progress[i];
    RareProgress *r;

    if (p->state == PROGRESS_FINISHED)
        return;
    r = rare_add(aj, i);
    r->failure = failure;
    octstr_destroy(r->reason);
    r->reason = octstr_duplicate(reason);
    p->flags |= PROGRESS_F_FAILED;
    if (i == 0 && aj->first_reason == NULL)
        aj->first_reason = octstr_duplicate(reason);
    finish(aj, i);
}

Octstr *active_job_reason(const ActiveJob *aj, long i)
{
    RareProgress *r = rare_get(aj, i);

    return r != NULL ? r->reason : NULL;
}

int active_job_segment_acked(ActiveJob *aj, long i)
{
    RecipientProgress *p = &aj->progress[i];

    aj->unrecorded++;
    if (p->state != PROGRESS_SENDING)
        return 0;
    p->acked++;
    mark_changed(aj, i);
    if (p->acked < p->parts)
        return 0;
    finish(aj, i);
    return 1;
}

long active_job_take_next(ActiveJob *aj)
{
    long n = job_recipient_count(aj->job);

    while (aj->next_recipient < n)
        if (aj->progress[aj->next_recipient++].state == PROGRESS_WAITING)
            return aj->next_recipient - 1;
    return -1;
}

void active_job_segment_queued(ActiveJob *aj)
{
    aj->in_flight++;
}

void active_job_segment_done(ActiveJob *aj)
{
    aj->in_flight--;
}

long active_job_retry_delay(ActiveJob *aj, long max)
{
    long delay = aj->retry_delay;

    aj->retry_delay = delay * 2 > max ? max : delay * 2;
    return delay;
}

void active_job_resume_recipient(ActiveJob *aj, long i, RecipientState recorded)
{
    if (i < 0 || i >= job_recipient_count(aj->job) || recorded == RCPT_QUEUED
        || aj->progress[i].state == PROGRESS_FINISHED)
        return;
    aj->progress[i].state = PROGRESS_FINISHED;
    aj->unfinished--;
    while (aj->next_recipient < job_recipient_count(aj->job)
           && aj->progress[aj->next_recipient].state == PROGRESS_FINISHED)
        aj->next_recipient++;
}

void active_job_resume_from(ActiveJob *aj, const JobStatus *status)
{
    long i;

    for (i = 0; i < gwlist_len(status->recipients); i++)
        active_job_resume_recipient(aj, i, ((RecipientStatus *)
                                            gwlist_get(status->recipients, i))->state);
}

/*
 * The encoding shared by recipients without overrides (when the job has
 * credentials of its own). It, or the first recipient's own encoding, also
 * proves that the document fits max-segments before anything is sent.
 */
static int encode_shared(ActiveJob *aj, const ProvboxConfig *config, Octstr **error)
{
    const Job *job = aj->job;
    Octstr *check_error = NULL, *code = NULL;
    List *probe;

    if (aj->wbxml != NULL
        && sec_mode_check_credentials(job->sec, job->pin, job->imsi, &check_error) == 0) {
        aj->shared_segments = encode_segments(aj, config, aj->wbxml, job->pin, job->imsi,
                                              &aj->shared_entry_code, error);
        aj->parts_each = aj->shared_segments != NULL ? gwlist_len(aj->shared_segments) : 0;
        return aj->shared_segments != NULL ? 0 : -1;
    }
    octstr_destroy(check_error);
    probe = encode_own(aj, config, 0, &code, error);
    octstr_destroy(code);
    if (probe == NULL)
        return -1;
    aj->parts_each = gwlist_len(probe);
    gwlist_destroy(probe, push_segment_destroy);
    return 0;
}

static ActiveJob *active_job_create(Octstr *name, int lock_fd, time_t started)
{
    ActiveJob *aj = gw_malloc(sizeof(*aj));

    memset(aj, 0, sizeof(*aj));
    aj->name = octstr_duplicate(name);
    aj->shown_name = escape_text(name);
    aj->lock_fd = lock_fd;
    aj->started = started;
    return aj;
}

static int fault(ActiveJobFault *where, ActiveJobFault what)
{
    if (where != NULL)
        *where = what;
    return -1;
}

/* The document of recipients without options: the WBXML, or the template
 * filled with the Var: defaults (NULL when a placeholder has none). */
static Octstr *shared_document(ActiveJob *aj, Octstr **error)
{
    List *names = wbxml_template_names(aj->doc);
    long k, n = gwlist_len(names);
    Octstr **values, *wbxml = NULL;
    JobVar *var;

    if (n == 0)
        return wbxml_template_fill(aj->doc, NULL, error);
    values = gw_malloc(n * sizeof(*values));
    for (k = 0; k < n; k++) {
        var = job_var_find(aj->job->vars, gwlist_get(names, k));
        values[k] = var != NULL ? var->value : NULL;
        if (values[k] == NULL)
            break;
    }
    if (k == n)
        wbxml = wbxml_template_fill(aj->doc, values, error);
    gw_free(values);
    return wbxml;
}

/* The job's Lint: mode, else the config's; the legacy types are never linted. */
static LintMode lint_mode_of(const Job *job, const ProvboxConfig *config)
{
    if (doc_type_is_legacy(job->type))
        return LINT_OFF;
    return job->lint >= 0 ? (LintMode) job->lint : config->lint;
}

/* Strict, and an error among the findings: the job's reason (-1 + *error). */
static int lint_refuses(const ActiveJob *aj, LintMode mode, Octstr **error)
{
    const LintFinding *first = lint_first(aj->findings, LINT_ERROR);
    long errors = lint_count(aj->findings, LINT_ERROR);

    if (mode != LINT_STRICT || first == NULL)
        return 0;
    *error = octstr_format("lint: line %ld: %S", first->line, first->message);
    if (errors > 1)
        octstr_format_append(*error, " (the first of %ld errors)", errors);
    return -1;
}

/* The findings as the status's Warning lines ("LINE: SEVERITY: message"). */
static List *warnings_of(List *findings)
{
    List *lines = gwlist_create(), *warnings;
    long i;

    for (i = 0; i < gwlist_len(findings); i++)
        gwlist_append(lines, lint_finding_format(gwlist_get(findings, i)));
    warnings = job_status_warnings_of(lines);
    gwlist_destroy(lines, octstr_destroy_item);
    return warnings;
}

/* Size-check, parse (taking text over), compile, check the variables and
 * lint: the job, its compiled document, the shared WBXML and the findings,
 * or -1 + *error. */
static int parse_and_compile(ActiveJob *aj, const ProvboxConfig *config, CompileCache *cache,
                             Octstr *text, ActiveJobFault *where, Octstr **error)
{
    LintMode mode;

    if (octstr_len(text) > config->max_job_size) {
        *error = octstr_format("the job file is %ld bytes, more than max-job-size (%ld bytes)",
                               octstr_len(text), config->max_job_size);
        octstr_destroy(text);
        return fault(where, ACTIVE_JOB_TOO_LARGE);
    }
    if ((aj->job = job_parse_adopt(aj->name, text, error)) == NULL)
        return fault(where, ACTIVE_JOB_UNPARSABLE);
    mode = lint_mode_of(aj->job, config);
    aj->doc = compile_cache_compile(cache, aj->job, mode != LINT_OFF ? &aj->findings : NULL,
                                    error);
    if (aj->doc == NULL)
        return fault(where, ACTIVE_JOB_UNCOMPILABLE);
    if ((*error = job_vars_check(aj->job, wbxml_template_names(aj->doc))) != NULL)
        return fault(where, ACTIVE_JOB_UNPARSABLE);
    if (lint_refuses(aj, mode, error))
        return fault(where, ACTIVE_JOB_LINT_ERROR);
    if (aj->findings != NULL)
        aj->warnings = warnings_of(aj->findings);
    aj->wbxml = shared_document(aj, error);
    if (*error != NULL)
        return fault(where, ACTIVE_JOB_UNENCODABLE);
    return 0;
}

/* active_job_from_text(), taking text over. */
static ActiveJob *from_own_text(const ProvboxConfig *config, CompileCache *cache, Octstr *name,
                                Octstr *text, time_t started, ActiveJobFault *where,
                                Octstr **error)
{
    ActiveJob *aj = active_job_create(name, -1, started);
    long n, validity;

    if (parse_and_compile(aj, config, cache, text, where, error) == -1) {
        active_job_destroy(aj);
        return NULL;
    }
    n = job_recipient_count(aj->job);
    aj->progress = gw_malloc(n * sizeof(*aj->progress));
    memset(aj->progress, 0, n * sizeof(*aj->progress));
    aj->unfinished = n;
    validity = effective_validity(aj->job, config);
    aj->validity_end = validity > 0 ? started + validity * 60 : 0;
    aj->retry_delay = config->retry_delay;
    if (encode_shared(aj, config, error) == -1) {
        fault(where, ACTIVE_JOB_UNENCODABLE);
        active_job_destroy(aj);
        return NULL;
    }
    return aj;
}

ActiveJob *active_job_from_text(const ProvboxConfig *config, CompileCache *cache, Octstr *name,
                                Octstr *text, time_t started, ActiveJobFault *where,
                                Octstr **error)
{
    return from_own_text(config, cache, name, octstr_duplicate(text), started, where, error);
}

ActiveJob *active_job_load(const ProvboxConfig *config, CompileCache *cache, Octstr *name,
                           int lock_fd, time_t started, Octstr **error)
{
    Octstr *text = spool_read_open(lock_fd, SPOOL_ACTIVE, name, config->max_job_size, error);
    ActiveJob *aj;

    if (text == NULL)
        return NULL;
    aj = from_own_text(config, cache, name, text, started, NULL, error);
    if (aj == NULL)
        return NULL;
    aj->lock_fd = lock_fd;
    aj->claimed = claimed_file_create(lock_fd, aj->job->text);
    return aj;
}

void active_job_destroy(ActiveJob *aj)
{
    if (aj == NULL)
        return;
    if (aj->lock_fd != -1)
        close(aj->lock_fd);
    gw_free(aj->progress);
    if (aj->rare != NULL)
        dict_destroy(aj->rare);
    octstr_destroy(aj->first_reason);
    gw_free(aj->changed);
    if (aj->shared_segments != NULL)
        gwlist_destroy(aj->shared_segments, push_segment_destroy);
    octstr_destroy(aj->shared_entry_code);
    octstr_destroy(aj->wbxml);
    wbxml_template_destroy(aj->doc);
    lint_findings_destroy(aj->findings);
    if (aj->warnings != NULL)
        gwlist_destroy(aj->warnings, octstr_destroy_item);
    claimed_file_destroy(aj->claimed);
    octstr_destroy(aj->tampered);
    octstr_destroy(aj->defer_reason);
    job_destroy(aj->job);
    octstr_destroy(aj->name);
    octstr_destroy(aj->shown_name);
    gw_free(aj);
}

/* ---- merging progress into the status file ---- */

/* A new status lists every recipient (and the Id, Resend-Of) from the start. */
static void ensure_recipients(JobRecord *record, const ActiveJob *aj)
{
    JobStatus *head = job_record_head(record);
    long i, n = job_recipient_count(aj->job);
    Octstr *msisdn;
    RecipientStatus *added;

    if (job_record_count(record) >= n)
        return;
    if (head->id == NULL && aj->job->operator_id != NULL)
        head->id = octstr_duplicate(aj->job->operator_id);
    if (head->resend_of == NULL && aj->job->resend_of != NULL)
        head->resend_of = octstr_duplicate(aj->job->resend_of);
    if (aj->job->sec == SEC_USERPINMAC)
        job_record_want_entry_codes(record);
    for (i = job_record_count(record); i < n; i++) {
        msisdn = job_recipient_msisdn(aj->job, i);
        added = job_record_add(record, msisdn);
        octstr_destroy(msisdn);
        if (added == NULL)
            return;
    }
}

static void apply_one(RecipientStatus *rs, const ActiveJob *aj, long i)
{
    const RecipientProgress *p = &aj->progress[i];
    RareProgress *rare = rare_get(aj, i);
    Octstr *code = rare != NULL && rare->entry_code != NULL ? rare->entry_code
                   : (p->flags & PROGRESS_F_SHARED_CODE) ? aj->shared_entry_code : NULL;

    if (p->parts > rs->parts)
        rs->parts = p->parts;
    if (p->acked > rs->acked)
        rs->acked = p->acked;
    if (code != NULL && rs->entry_code == NULL)
        rs->entry_code = octstr_duplicate(code);
    if (rare != NULL && rare->reason != NULL) {
        rs->state = rare->failure;
        octstr_destroy(rs->reason);
        rs->reason = octstr_duplicate(rare->reason);
    }
    job_record_derive_state(rs);
}

/* The head's Reason for where the job is going (the move sets State). */
static void apply_state(JobStatus *head, const ActiveJob *aj)
{
    if (aj->defer_reason != NULL) {
        octstr_destroy(head->reason);
        head->reason = octstr_duplicate(aj->defer_reason);
    } else if (head->state != NULL && octstr_str_compare(head->state, "deferred") == 0) {
        octstr_destroy(head->state);
        head->state = octstr_create("active");
        octstr_destroy(head->reason);
        head->reason = NULL;
    }
}

void active_job_apply_progress(JobRecord *record, void *ctx)
{
    ActiveJob *aj = ctx;
    JobStatus *head = job_record_head(record);
    RecipientStatus *rs;
    long k;

    ensure_recipients(record, aj);
    apply_state(head, aj);
    if (aj->tampered != NULL && head->tampered == NULL)
        head->tampered = octstr_duplicate(aj->tampered);
    if (aj->warnings != NULL)
        job_status_set_warnings(head, aj->warnings);
    if (aj->unfinished == 0 && head->reason == NULL && active_job_all_failed(aj))
        head->reason = octstr_format("no recipient could be sent: %S", aj->first_reason);
    for (k = 0; k < aj->changed_count; k++) {
        long i = aj->changed[k];
        if ((rs = job_record_recipient(record, i)) != NULL)
            apply_one(rs, aj, i);
    }
}

void active_job_keep_sent(ActiveJob *aj, Spool *spool)
{
    Octstr *how = claimed_file_keep_sent(aj->claimed, spool, aj->name, &aj->lock_fd);

    if (how != NULL) {
        octstr_destroy(aj->tampered);
        aj->tampered = how;
    }
}

void active_job_window_closes_at(ActiveJob *aj, time_t when)
{
    aj->window_closes = when;
}

void active_job_defer(ActiveJob *aj, time_t until, Octstr *reason)
{
    octstr_destroy(aj->defer_reason);
    aj->defer_reason = reason;
    aj->defer_until = until;
}

int active_job_window_closed(const ActiveJob *aj, time_t now)
{
    return aj->window_closes != 0 && now >= aj->window_closes;
}

int active_job_handing_out(const ActiveJob *aj, time_t now)
{
    return aj->next_recipient < job_recipient_count(aj->job)
           && !active_job_window_closed(aj, now) && aj->defer_reason == NULL;
}

int active_job_finished(const ActiveJob *aj)
{
    return aj->unfinished == 0 && aj->in_flight == 0;
}

int active_job_all_failed(const ActiveJob *aj)
{
    long i;

    for (i = 0; i < job_recipient_count(aj->job); i++)
        if (!(aj->progress[i].flags & PROGRESS_F_FAILED))
            return 0;
    return 1;
}
