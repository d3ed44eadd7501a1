/*
 * status_update.c - a job's status read, changed and written under its
 * status lock (status_update.h): in place for slotted statuses, whole
 * (temp file, sync, rename) for new ones and those in the 1.x layout.
 */
#include <stdlib.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "spool/job_lock.h"
#include "spool/status_file.h"
#include "spool/status_update.h"
#include "common/log_escaped.h"

typedef struct Touched {
    long index;
    RecipientStatus *recipient;
} Touched;

struct JobRecord {
    Octstr *name;
    JobStatus *status;   /* the head; written whole: every recipient too */
    StatusFile *file;    /* changed in place: the open status; else NULL */
    List *touched;       /* in place: Touched*, the recipients read so far */
    Dict *by_index;      /* in place: index -> Touched* */
    int exists;          /* a status file was there (in place, or on_disk) */
    Octstr *on_disk;     /* read whole: the file's text, or NULL */
    Octstr *damage;      /* read whole: why on_disk did not parse, or NULL */
    Octstr *refusal;     /* job_record_refuse()'s why, or NULL */
    long was[JOB_RECORD_STATES]; /* the recipients it holds, by their state
                                  * on disk (an added one as queued) */
};

static void tally_list(List *recipients, long *tally)
{
    long i;

    for (i = 0; i < gwlist_len(recipients); i++)
        tally[((RecipientStatus *) gwlist_get(recipients, i))->state]++;
}

static JobRecord *record_create(Octstr *name, JobStatus *status, StatusFile *file)
{
    JobRecord *rec = gw_malloc(sizeof(*rec));

    rec->name = octstr_duplicate(name);
    rec->status = status;
    rec->file = file;
    rec->touched = gwlist_create();
    rec->by_index = dict_create(64, NULL);
    rec->exists = file != NULL;
    rec->on_disk = NULL;
    rec->damage = NULL;
    rec->refusal = NULL;
    memset(rec->was, 0, sizeof(rec->was));
    tally_list(status->recipients, rec->was);
    return rec;
}

static void touched_destroy(void *p)
{
    Touched *t = p;

    job_status_recipient_destroy(t->recipient);
    gw_free(t);
}

void job_record_destroy(JobRecord *rec)
{
    if (rec == NULL)
        return;
    status_file_close(rec->file);
    gwlist_destroy(rec->touched, touched_destroy);
    dict_destroy(rec->by_index);
    job_status_destroy(rec->status);
    octstr_destroy(rec->on_disk);
    octstr_destroy(rec->damage);
    octstr_destroy(rec->refusal);
    octstr_destroy(rec->name);
    gw_free(rec);
}

/* ---- loading ---- */

/* The status file, open for changes in place; NULL when there is none that
 * can be (missing, 1.x layout, unreadable: the whole path decides). A
 * reader that does not own the job first finishes an interrupted move. */
static StatusFile *open_in_place(Spool *spool, SpoolState state, Octstr *name, int owner)
{
    Octstr *path = spool_status_path(spool, state, name), *why = NULL;
    int result;
    StatusFile *file = status_file_open(path, &result, &why);

    if (file == NULL && result == STATUS_FILE_MISSING && !owner) {
        spool_fetch_status(spool, state, name);
        file = status_file_open(path, &result, &why);
    }
    octstr_destroy(why);
    octstr_destroy(path);
    return file;
}

/* The status read whole (a new one where there is none, or where its text
 * does not parse). An owner's read looks only where the job is
 * (spool_read_status_at). NULL when it cannot be read just now: writing a
 * new one would lose its record. */
static JobRecord *load_whole(Spool *spool, SpoolState state, Octstr *name, int owner)
{
    int unreadable;
    Octstr *text = owner ? spool_read_status_at(spool, state, name, &unreadable)
                         : spool_read_status(spool, state, name, &unreadable);
    Octstr *damage = NULL;
    JobStatus *status = NULL;
    JobRecord *rec;

    if (unreadable)
        return NULL;
    if (text != NULL)
        status = job_status_parse(text, &damage);
    rec = record_create(name, status != NULL ? status : job_status_create(name, NULL), NULL);
    rec->exists = text != NULL;
    rec->on_disk = text;
    rec->damage = damage;
    return rec;
}

JobRecord *job_record_load(Spool *spool, SpoolState state, Octstr *name, int owner)
{
    StatusFile *file = open_in_place(spool, state, name, owner);

    if (file != NULL)
        return record_create(name, job_status_head_copy(status_file_head(file)), file);
    return load_whole(spool, state, name, owner);
}

/* ---- what a change sees ---- */

JobStatus *job_record_head(JobRecord *rec)
{
    return rec->status;
}

long job_record_count(JobRecord *rec)
{
    return rec->file != NULL ? status_file_count(rec->file)
                             : gwlist_len(rec->status->recipients);
}

void job_record_want_entry_codes(JobRecord *rec)
{
    rec->status->entry_codes = 1;
}

int job_record_exists(const JobRecord *rec)
{
    return rec->exists;
}

Octstr *job_record_damage(const JobRecord *rec)
{
    return rec->damage;
}

void job_record_refuse(JobRecord *rec, Octstr *why)
{
    octstr_destroy(rec->refusal);
    rec->refusal = why;
}

/* Slot i as on disk; a torn one is said once, when it is read. */
static RecipientStatus *read_slot(JobRecord *rec, long i)
{
    Octstr *why = NULL;
    int torn = 0;
    RecipientStatus *r = status_file_read(rec->file, i, &torn, &why);

    if (r == NULL) {
        log_escaped_error(0, "Job %S: %S", rec->name, why);
        octstr_destroy(why);
    } else if (torn)
        log_escaped_warning(0, "Job %S: the record of recipient %ld was torn by a crash; "
                            "it counts as not sent", rec->name, i + 1);
    return r;
}

/* by_index's key: the index's bytes (octstr_format() cost a slot lookup
 * more than the lookup itself). */
static Octstr *index_key(long i)
{
    return octstr_create_from_data((const char *) &i, sizeof(i));
}

RecipientStatus *job_record_recipient(JobRecord *rec, long i)
{
    Octstr *key;
    Touched *t;

    if (i < 0 || i >= job_record_count(rec))
        return NULL;
    if (rec->file == NULL)
        return gwlist_get(rec->status->recipients, i);
    key = index_key(i);
    t = dict_get(rec->by_index, key);
    if (t == NULL) {
        RecipientStatus *r = read_slot(rec, i);
        if (r != NULL) {
            t = gw_malloc(sizeof(*t));
            t->index = i;
            t->recipient = r;
            rec->was[r->state]++;
            gwlist_append(rec->touched, t);
            dict_put(rec->by_index, key, t);
        }
    }
    octstr_destroy(key);
    return t != NULL ? t->recipient : NULL;
}

/* An in-place record becomes one written whole: every slot is read (the
 * touched ones as changed). -1 when a slot cannot be read. */
static int make_whole(JobRecord *rec)
{
    long i, n = status_file_count(rec->file);
    RecipientStatus *r;

    for (i = 0; i < n; i++) {
        if ((r = job_record_recipient(rec, i)) == NULL)
            return -1;
    }
    for (i = 0; i < n; i++) {
        Octstr *key = index_key(i);
        Touched *t = dict_get(rec->by_index, key);
        gwlist_append(rec->status->recipients, t->recipient);
        t->recipient = NULL;
        octstr_destroy(key);
    }
    rec->status->entry_codes = status_file_slot_size(rec->file) == STATUS_SLOT_CODES;
    status_file_close(rec->file);
    rec->file = NULL;
    return 0;
}

RecipientStatus *job_record_add(JobRecord *rec, Octstr *msisdn)
{
    if (rec->file != NULL && make_whole(rec) == -1)
        return NULL;
    rec->was[RCPT_QUEUED]++;
    return job_status_add_recipient(rec->status, msisdn);
}

void job_record_change(JobRecord *rec, long *change)
{
    long i, k;

    memset(change, 0, JOB_RECORD_STATES * sizeof(*change));
    if (rec->file == NULL)
        tally_list(rec->status->recipients, change);
    for (i = 0; rec->file != NULL && i < gwlist_len(rec->touched); i++)
        change[((Touched *) gwlist_get(rec->touched, i))->recipient->state]++;
    for (k = 0; k < JOB_RECORD_STATES; k++)
        change[k] -= rec->was[k];
}

int job_record_tally(JobRecord *rec, StatusTally *tally, Octstr **why)
{
    if (rec->file != NULL)
        return status_file_tally(rec->file, tally, why);
    status_tally_whole(rec->status, tally);
    return 0;
}

/* job_record_each() in place: slot by slot, each change written at once. */
static int each_slot(JobRecord *rec, unsigned states, job_record_each_fn *fn, void *ctx,
                     Octstr **why)
{
    StatusCursor *cursor = status_cursor_create(rec->file);
    RecipientState state;
    RecipientStatus *r;
    int more, torn, ret = 0;

    while (ret == 0 && (more = status_cursor_next(cursor, why)) == 1) {
        if (status_cursor_state(cursor, &state) == 1 && !(states & (1u << state)))
            continue;
        if ((r = status_cursor_recipient(cursor, &torn, why)) == NULL)
            ret = -1;
        else if (fn(r, torn, ctx))
            ret = status_file_write(rec->file, status_cursor_index(cursor), r, why);
    }
    status_cursor_destroy(cursor);
    return ret < 0 || more < 0 ? -1 : 0;
}

int job_record_each(JobRecord *rec, unsigned states, job_record_each_fn *fn, void *ctx,
                    Octstr **why)
{
    RecipientStatus *r;
    long i;

    if (rec->file != NULL)
        return each_slot(rec, states, fn, ctx, why);
    for (i = 0; i < gwlist_len(rec->status->recipients); i++) {
        r = gwlist_get(rec->status->recipients, i);
        if (states & (1u << r->state))
            fn(r, 0, ctx);
    }
    return 0;
}

/* ---- writing ---- */

static int same_text(Octstr *a, Octstr *b)
{
    return a == b || (a != NULL && b != NULL && octstr_compare(a, b) == 0);
}

/* Only slots and the state sector change in place. A header line that
 * changed (Id, Resend-Of, Renamed-From, Tampered, Warning: rare) or an
 * entry code that needs the wide slots of a USERPINMAC status, in a
 * status made with narrow ones before any code was known, makes the
 * status be rewritten whole. */
static int fits_in_place(JobRecord *rec)
{
    const JobStatus *on_disk = status_file_head(rec->file);
    long i;

    if (!same_text(on_disk->id, rec->status->id)
        || !same_text(on_disk->resend_of, rec->status->resend_of)
        || !same_text(on_disk->renamed_from, rec->status->renamed_from)
        || !same_text(on_disk->tampered, rec->status->tampered)
        || !job_status_same_warnings(on_disk->warnings, rec->status->warnings))
        return 0;
    if (status_file_slot_size(rec->file) >= STATUS_SLOT_CODES)
        return 1;
    for (i = 0; i < gwlist_len(rec->touched); i++)
        if (((Touched *) gwlist_get(rec->touched, i))->recipient->entry_code != NULL)
            return 0;
    return 1;
}

int job_record_settle(JobRecord *rec)
{
    return rec->file != NULL && !fits_in_place(rec) ? make_whole(rec) : 0;
}

int job_record_in_place(const JobRecord *rec)
{
    return rec->file != NULL;
}

static int by_index(const void *a, const void *b)
{
    long x = (*(Touched *const *) a)->index, y = (*(Touched *const *) b)->index;

    return x < y ? -1 : x > y;
}

/* The touched slots in index order (qsort(): gwlist_sort() takes the last
 * item as pivot, quadratic on the sorted lists a round mostly makes), each
 * run of neighbours in one write. 0, or -1 + *why. */
static int write_touched(JobRecord *rec, Octstr **why)
{
    long n = gwlist_len(rec->touched), i, k;
    Touched **order = gw_malloc((n > 0 ? n : 1) * sizeof(*order));
    const RecipientStatus **run = gw_malloc((n > 0 ? n : 1) * sizeof(*run));
    int ret = 0;

    for (i = 0; i < n; i++)
        order[i] = gwlist_get(rec->touched, i);
    qsort(order, n, sizeof(*order), by_index);
    for (i = 0; i < n && ret == 0; i = k) {
        for (k = i; k < n && order[k]->index == order[i]->index + (k - i); k++)
            run[k - i] = order[k]->recipient;
        ret = status_file_write_run(rec->file, order[i]->index, run, k - i, why);
    }
    gw_free(run);
    gw_free(order);
    return ret;
}

/* In place: every recipient read (it may have changed), and the state
 * sector when State or Reason changed. 0, or -1 + *why. */
int job_record_write_in_place(JobRecord *rec, Octstr **why)
{
    const JobStatus *on_disk = status_file_head(rec->file);

    if (write_touched(rec, why) == -1)
        return -1;
    if (same_text(on_disk->state, rec->status->state)
        && same_text(on_disk->reason, rec->status->reason))
        return 0;
    return status_file_write_state(rec->file, rec->status->state, rec->status->reason, why);
}

int job_record_sync(JobRecord *rec, Octstr **why)
{
    return status_file_sync(rec->file, why);
}

Octstr *job_record_format(JobRecord *rec, int *unchanged)
{
    Octstr *text = job_status_format(rec->status);

    *unchanged = rec->on_disk != NULL && octstr_compare(text, rec->on_disk) == 0;
    return text;
}

/* The change made durable where the status is: in place and synced, or
 * whole (nothing when its text is what was read). */
static int write_record(Spool *spool, SpoolState state, JobRecord *rec, Octstr **error)
{
    Octstr *text;
    int unchanged, ret = 0;

    if (job_record_settle(rec) == -1) {
        *error = octstr_create("a recipient's slot in its status cannot be read");
        return -1;
    }
    if (job_record_in_place(rec))
        return job_record_write_in_place(rec, error) == -1
               || job_record_sync(rec, error) == -1 ? -1 : 0;
    text = job_record_format(rec, &unchanged);
    if (!unchanged)
        ret = spool_write_status(spool, state, rec->name, text, error);
    octstr_destroy(text);
    return ret;
}

int status_update_locked(Spool *spool, SpoolState state, Octstr *name, int create,
                         job_record_apply_fn *apply, void *ctx, Octstr **error)
{
    JobRecord *rec = job_record_load(spool, state, name, 0);
    int ret = 0;

    if (rec == NULL)
        return STATUS_UPDATE_UNREADABLE;
    apply(rec, ctx);
    if (rec->refusal != NULL) {
        *error = rec->refusal;
        rec->refusal = NULL;
        ret = -1;
    } else if (rec->exists || create) {
        ret = write_record(spool, state, rec, error);
    }
    job_record_destroy(rec);
    return ret;
}

int status_update(Spool *spool, SpoolState state, Octstr *name, int create,
                  job_record_apply_fn *apply, void *ctx, Octstr **error)
{
    int lock = job_lock_status(spool, name, error), ret;

    if (lock == -1)
        return -1;
    ret = status_update_locked(spool, state, name, create, apply, ctx, error);
    job_lock_release_status(lock);
    return ret;
}
