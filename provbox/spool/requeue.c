/*
 * requeue.c - a failed job back into new/, keeping what was sent
 * (see requeue.h): its status changed by status_update_locked(), in place
 * slot by slot when it is slotted, whole when it is of provbox 1.x.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/job_status.h"
#include "spool/status_update.h"
#include "spool/requeue.h"
#include "spool/job_lock.h"
#include "spool/name_clash.h"

static const char *why_not_requeued(SpoolState state)
{
    switch (state) {
    case SPOOL_TMP:
        return "it is still being written";
    case SPOOL_NEW:
        return "it is already waiting to be sent";
    case SPOOL_ACTIVE:
        return "provbox is sending it";
    case SPOOL_DEFERRED:
        return "provbox retries it by itself";
    default:
        return "it was sent; only failed jobs are requeued";
    }
}

/* 0 when the job is in failed/, else -1 + *error saying where it is. */
static int check_failed(Spool *spool, Octstr *name, Octstr **error)
{
    int state = spool_find(spool, name);

    if (state == SPOOL_FAILED)
        return 0;
    if (state < 0)
        *error = octstr_format("no job %S in %S", name, spool_dir(spool));
    else
        *error = octstr_format("job %S is in %s/, not failed/: %s", name,
                               spool_state_name((SpoolState) state),
                               why_not_requeued((SpoolState) state));
    return -1;
}

/* A recipient not handed over, back to queued with nothing else (unless
 * it is so already and its slot was not torn): 1 when it changed. */
static int queue_again(RecipientStatus *r, int torn, void *ctx)
{
    (void) ctx;
    if (!torn && r->state == RCPT_QUEUED && r->parts == 0 && r->acked == 0
        && r->delivered == 0 && r->undelivered == 0 && r->reason == NULL
        && r->entry_code == NULL)
        return 0;
    r->state = RCPT_QUEUED;
    r->parts = r->acked = r->delivered = r->undelivered = 0;
    octstr_destroy(r->reason);
    octstr_destroy(r->entry_code);
    r->reason = r->entry_code = NULL;
    return 1;
}

/* Every state but sent and delivered: the recipients sent again. */
#define NOT_HANDED_OVER (~((1u << RCPT_SENT) | (1u << RCPT_DELIVERED)))

/*
 * The record kept for the retry, through status_update_locked(): counted
 * first (a slot holding no recipient refuses the requeue before anything
 * is written), then every recipient not handed over queued again (in
 * place, only the slots that change), then State: new without a Reason;
 * synced before the move. Interrupted, it leaves the job in failed/ with
 * some recipients already queued: requeueing again finishes it. A job
 * without a status keeps none.
 */
static void keep_for_retry(JobRecord *record, void *ctx)
{
    Octstr **summary = ctx, *why = NULL;
    JobStatus *head = job_record_head(record);
    StatusTally counts;

    if (!job_record_exists(record)) {
        *summary = octstr_create("no status: every recipient will be sent");
        return;
    }
    if (job_record_damage(record) != NULL || job_record_tally(record, &counts, &why) < 0) {
        job_record_refuse(record, octstr_format("its status file is unreadable (%S); use "
                                                "--all to start over", why != NULL ? why
                                                : job_record_damage(record)));
    } else if (job_record_each(record, NOT_HANDED_OVER, queue_again, NULL, &why) < 0) {
        job_record_refuse(record, octstr_duplicate(why));
    } else {
        octstr_destroy(head->state);
        head->state = octstr_create("new");
        octstr_destroy(head->reason);
        head->reason = NULL;
        *summary = octstr_format("%ld of %ld recipient(s) to send", counts.total
                                 - counts.by_state[RCPT_SENT] - counts.by_state[RCPT_DELIVERED],
                                 counts.total);
    }
    octstr_destroy(why);
}

/* Keeps failed/NAME.status as the record for the retry; fills *summary. */
static int keep_record(Spool *spool, Octstr *name, Octstr **summary, Octstr **error)
{
    Octstr *why = NULL;
    int ret = status_update_locked(spool, SPOOL_FAILED, name, 0, keep_for_retry, summary,
                                   &why);

    if (ret == STATUS_UPDATE_UNREADABLE)
        *error = octstr_format("job %S: its status file cannot be read now; try again "
                               "(or use --all to start over)", name);
    else if (ret == -1)
        *error = octstr_format("job %S: %S", name, why);
    octstr_destroy(why);
    return ret < 0 ? -1 : 0;
}

static int forget_record(Spool *spool, Octstr *name, Octstr **summary,
                         Octstr **error)
{
    Octstr *path = spool_status_path(spool, SPOOL_FAILED, name);
    int result = 0;

    if (unlink(octstr_get_cstr(path)) < 0 && errno != ENOENT) {
        *error = octstr_format("job %S: cannot remove its status file: %s",
                               name, strerror(errno));
        result = -1;
    }
    *summary = octstr_create("status removed: every recipient will be sent");
    octstr_destroy(path);
    return result;
}

/*
 * Under the job's status lock, so that a delivery report a provbox records
 * at the same moment lands either before the rewrite or after the move.
 */
int spool_requeue(Spool *spool, Octstr *name, int all, Octstr **summary,
                  Octstr **error)
{
    int lock = job_lock_status(spool, name, error), ret = 0;
    Octstr *moved_as = NULL;

    *summary = NULL;
    if (lock == -1)
        return -1;
    if (check_failed(spool, name, error) < 0
        || (all ? forget_record : keep_record)(spool, name, summary, error) < 0
        || name_clash_move(spool, name, SPOOL_FAILED, SPOOL_NEW, &moved_as, error) < 0) {
        octstr_destroy(*summary);
        *summary = NULL;
        ret = -1;
    } else if (octstr_compare(moved_as, name) != 0) {
        octstr_format_append(*summary, "; its name is taken in new/, so it is "
                             "queued as %S", moved_as);
    }
    octstr_destroy(moved_as);
    job_lock_release_status(lock);
    return ret;
}
