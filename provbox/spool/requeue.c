/*
 * requeue.c - a failed job back into new/, keeping what was sent
 * (see requeue.h): a slotted status is changed in place, slot by slot; one
 * of provbox 1.x is rewritten whole.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/job_status.h"
#include "spool/status_file.h"
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

/* Queue again every recipient that was not handed over; returns their number. */
static long reset_for_retry(JobStatus *status)
{
    RecipientStatus *r;
    long i, queued = 0;

    for (i = 0; i < gwlist_len(status->recipients); i++) {
        r = gwlist_get(status->recipients, i);
        if (r->state == RCPT_SENT || r->state == RCPT_DELIVERED)
            continue;
        r->state = RCPT_QUEUED;
        r->parts = r->acked = r->delivered = r->undelivered = 0;
        octstr_destroy(r->reason);
        octstr_destroy(r->entry_code);
        r->reason = r->entry_code = NULL;
        queued++;
    }
    octstr_destroy(status->state);
    status->state = octstr_create("new");
    octstr_destroy(status->reason);
    status->reason = NULL;
    return queued;
}

/* A 1.x status: rewritten whole for the retry; fills *summary. 0 or -1. */
static int keep_record_whole(Spool *spool, Octstr *name, Octstr **summary,
                             Octstr **error)
{
    Octstr *why = NULL, *text;
    JobStatus *status;
    long queued;
    int result, unreadable;

    text = spool_read_status(spool, SPOOL_FAILED, name, &unreadable);
    if (unreadable) {
        *error = octstr_format("job %S: its status file cannot be read now; try again "
                               "(or use --all to start over)", name);
        return -1;
    }
    if (text == NULL) {
        *summary = octstr_create("no status: every recipient will be sent");
        return 0;
    }
    status = job_status_parse(text, &why);
    octstr_destroy(text);
    if (status == NULL) {
        *error = octstr_format("job %S: its status file is unreadable (%S); "
                               "use --all to start over", name, why);
        octstr_destroy(why);
        return -1;
    }
    queued = reset_for_retry(status);
    *summary = octstr_format("%ld of %ld recipient(s) to send", queued,
                             gwlist_len(status->recipients));
    text = job_status_format(status);
    result = spool_write_status(spool, SPOOL_FAILED, name, text, error);
    octstr_destroy(text);
    job_status_destroy(status);
    return result;
}

static int sent_already(RecipientState state)
{
    return state == RCPT_SENT || state == RCPT_DELIVERED;
}

/* The cursor's slot back to queued with nothing else, unless it is so. */
static int reset_slot(StatusFile *file, StatusCursor *cursor, Octstr **error)
{
    int torn;
    const RecipientStatus *r = status_cursor_recipient(cursor, &torn, error);
    RecipientStatus reset;

    if (r == NULL)
        return -1;
    if (!torn && r->state == RCPT_QUEUED && r->parts == 0 && r->acked == 0
        && r->delivered == 0 && r->undelivered == 0 && r->reason == NULL
        && r->entry_code == NULL)
        return 0;
    memset(&reset, 0, sizeof(reset));
    reset.msisdn = r->msisdn;
    reset.state = RCPT_QUEUED;
    return status_file_write(file, status_cursor_index(cursor), &reset, error);
}

/* Every slot neither sent nor delivered (torn ones too) reset in place. */
static int reset_slots(StatusFile *file, Octstr **error)
{
    StatusCursor *cursor = status_cursor_create(file);
    RecipientState state;
    int more, ret = 0;

    while (ret == 0 && (more = status_cursor_next(cursor, error)) == 1)
        if (status_cursor_state(cursor, &state) != 1 || !sent_already(state))
            ret = reset_slot(file, cursor, error);
    status_cursor_destroy(cursor);
    return ret < 0 || more < 0 ? -1 : 0;
}

/*
 * A slotted status: counted first (a slot holding no recipient refuses
 * the requeue before anything is written), then only the slots that
 * change are rewritten, then the state sector (State: new, no Reason),
 * synced before the move. Interrupted, it leaves the job in failed/ with
 * some recipients already queued: requeueing again finishes it.
 */
static int keep_record_in_place(StatusFile *file, Octstr *name, Octstr **summary,
                                Octstr **error)
{
    StatusTally counts;
    Octstr *why = NULL;
    long queued;

    if (status_file_tally(file, &counts, &why) < 0) {
        *error = octstr_format("job %S: its status file is unreadable (%S); "
                               "use --all to start over", name, why);
        octstr_destroy(why);
        return -1;
    }
    if (reset_slots(file, &why) < 0
        || status_file_write_state(file, octstr_imm("new"), NULL, &why) < 0
        || status_file_sync(file, &why) < 0) {
        *error = octstr_format("job %S: %S", name, why);
        octstr_destroy(why);
        return -1;
    }
    queued = counts.total - counts.by_state[RCPT_SENT] - counts.by_state[RCPT_DELIVERED];
    *summary = octstr_format("%ld of %ld recipient(s) to send", queued, counts.total);
    return 0;
}

/* Keeps failed/NAME.status as the record for the retry; fills *summary. */
static int keep_record(Spool *spool, Octstr *name, Octstr **summary, Octstr **error)
{
    Octstr *path, *why = NULL;
    StatusFile *file;
    int result, ret;

    spool_fetch_status(spool, SPOOL_FAILED, name);
    path = spool_status_path(spool, SPOOL_FAILED, name);
    file = status_file_open(path, &result, &why);
    octstr_destroy(path);
    octstr_destroy(why);
    if (file == NULL)           /* 1.x, none, or not readable: as it always was */
        return keep_record_whole(spool, name, summary, error);
    ret = keep_record_in_place(file, name, summary, error);
    status_file_close(file);
    return ret;
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
