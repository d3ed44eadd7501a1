/*
 * job_record.c - locked read-modify-write of status files (job_record.h).
 */
#include "gwlib/gwlib.h"
#include "daemon/job_lock.h"
#include "daemon/job_record.h"


void job_record_derive_state(RecipientStatus *r)
{
    if (r->state == RCPT_FAILED || r->state == RCPT_EXPIRED)
        return;
    if (r->undelivered > 0)
        r->state = RCPT_UNDELIVERED;
    else if (r->parts > 0 && r->delivered >= r->parts)
        r->state = RCPT_DELIVERED;
    else if (r->parts > 0 && r->acked >= r->parts)
        r->state = RCPT_SENT;
    else
        r->state = RCPT_QUEUED;
}

RecipientStatus *job_record_recipient(JobStatus *status, long i)
{
    if (i < 0 || i >= gwlist_len(status->recipients))
        return NULL;
    return gwlist_get(status->recipients, i);
}

int job_record_all_handed_off(const JobStatus *status, long *failed)
{
    long i, n = gwlist_len(status->recipients);

    *failed = 0;
    for (i = 0; i < n; i++) {
        RecipientStatus *r = gwlist_get(status->recipients, i);
        if (r->state == RCPT_QUEUED)
            return 0;
        if (r->state == RCPT_FAILED || r->state == RCPT_EXPIRED)
            ++*failed;
    }
    return n > 0;
}

static JobStatus *load_status(Spool *spool, int state, Octstr *name)
{
    Octstr *text = spool_read_status(spool, state, name);
    JobStatus *status = NULL;
    Octstr *error = NULL;

    if (text != NULL) {
        status = job_status_parse(text, &error);
        if (status == NULL) {
            warning(0, "Job %s: unreadable status file (%s); starting a new one.",
                    octstr_get_cstr(name), octstr_get_cstr(error));
            octstr_destroy(error);
        }
        octstr_destroy(text);
    }
    if (status == NULL)
        status = job_status_create(name, NULL);
    return status;
}

/* With the status lock held: read, change, write, move. */
static int update_locked(Spool *spool, Octstr *name, job_record_apply_fn *apply,
                         void *ctx, int move_to, Octstr **error)
{
    int state = spool_find(spool, name);
    JobStatus *status;
    Octstr *text;
    int ret = -1;

    if (state == -1) {
        *error = octstr_format("job %S is no longer in the spool", name);
        return -1;
    }
    status = load_status(spool, state, name);
    apply(status, ctx);
    if (move_to != JOB_RECORD_STAY) {
        octstr_destroy(status->state);
        status->state = octstr_create(spool_state_name(move_to));
    }
    text = job_status_format(status);
    if (spool_write_status(spool, state, name, text, error) == 0) {
        ret = state;
        if (move_to != JOB_RECORD_STAY && move_to != state)
            ret = spool_move(spool, name, state, move_to, error) == 0 ? move_to : -1;
    }
    octstr_destroy(text);
    job_status_destroy(status);
    return ret;
}

int job_record_update(Spool *spool, Octstr *name, job_record_apply_fn *apply,
                      void *ctx, int move_to, Octstr **error)
{
    int lock = job_lock_status(spool, name, error), ret;

    if (lock == -1)
        return -1;
    ret = update_locked(spool, name, apply, ctx, move_to, error);
    job_lock_release_status(lock);
    return ret;
}
