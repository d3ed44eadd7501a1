/*
 * job_record.c - locked read-modify-write of status files, one at a time
 * or batched per dispatcher round (job_record.h).
 */
#include <sys/stat.h>

#include "gwlib/gwlib.h"
#include "spool/job_lock.h"
#include "spool/name_clash.h"
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

/* The status as it is on disk (a new one where there is none); its text
 * too when `text` is not NULL. An owner's read looks only where the job is
 * (spool_read_status_at). NULL when it cannot be read just now: writing a
 * new one would lose its record. */
static JobStatus *load_status(Spool *spool, int state, Octstr *name, int owner,
                              Octstr **text)
{
    int unreadable;
    Octstr *read = owner ? spool_read_status_at(spool, state, name, &unreadable)
                         : spool_read_status(spool, state, name, &unreadable);
    JobStatus *status = NULL;
    Octstr *error = NULL;

    if (unreadable)
        return NULL;

    if (read != NULL) {
        status = job_status_parse(read, &error);
        if (status == NULL) {
            warning(0, "Job %s: unreadable status file (%s); starting a new one.",
                    octstr_get_cstr(name), octstr_get_cstr(error));
            octstr_destroy(error);
        }
    }
    if (status == NULL)
        status = job_status_create(name, NULL);
    if (text != NULL)
        *text = read;
    else
        octstr_destroy(read);
    return status;
}

/* A move that meets the name taken in `to` goes on under a new name. */
static int move_job(Spool *spool, Octstr *name, int from, int to, Octstr **error)
{
    Octstr *moved_as = NULL;
    int ret = name_clash_move(spool, name, from, to, &moved_as, error);

    octstr_destroy(moved_as);
    return ret;
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
    status = load_status(spool, state, name, 0, NULL);
    if (status == NULL) {
        *error = octstr_format("the status of job %S cannot be read now", name);
        return -1;
    }
    apply(status, ctx);
    if (move_to != JOB_RECORD_STAY) {
        octstr_destroy(status->state);
        status->state = octstr_create(spool_state_name(move_to));
    }
    text = job_status_format(status);
    if (spool_write_status(spool, state, name, text, error) == 0) {
        ret = state;
        if (move_to != JOB_RECORD_STAY && move_to != state)
            ret = move_job(spool, name, state, move_to, error) == 0 ? move_to : -1;
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

/* ---- batches ---- */

typedef struct Staged {
    Octstr *name;
    int state;           /* where the job (and its status) is */
    int status_at;       /* where the new status is written */
    int move_to;
    JobStatus *status;   /* with every change of this batch applied */
    Octstr *on_disk;     /* the status file's text when staged, or NULL */
    int unchanged;       /* the changes left the text as it was: no write */
} Staged;

struct JobRecordBatch {
    Spool *spool;
    long unnamed_max;    /* new status files staged unnamed (descriptors) */
    List *staged;        /* Staged*, in order */
    Dict *by_name;       /* name -> Staged*, the uncommitted ones */
    Dict *landed;        /* name -> non-NULL when its last commit landed */
    int locks;           /* the staged jobs' status locks (a set), or -1 */
};

JobRecordBatch *job_record_batch_create(Spool *spool, long unnamed_max)
{
    JobRecordBatch *b = gw_malloc(sizeof(*b));

    b->spool = spool;
    b->unnamed_max = unnamed_max;
    b->staged = gwlist_create();
    b->by_name = dict_create(256, NULL);
    b->landed = dict_create(256, NULL);
    b->locks = -1;
    return b;
}

static void staged_destroy(Staged *st)
{
    job_status_destroy(st->status);
    octstr_destroy(st->on_disk);
    octstr_destroy(st->name);
    gw_free(st);
}

static void mark(JobRecordBatch *b, Staged *st, int ok)
{
    dict_remove(b->landed, st->name);
    if (ok)
        dict_put(b->landed, st->name, b);
}

/*
 * A job that had no status file and moves on gets its status written where
 * it is going: one rename less, and the move is of the job alone. (The
 * status lands first, as in spool_move, so a crash in between leaves a
 * stray status that the job's next reader brings back.) Only where the
 * name is free there: a status never goes over another job's.
 */
static int status_dir(JobRecordBatch *b, const Staged *st)
{
    int moves = st->move_to != JOB_RECORD_STAY && st->move_to != st->state;

    return moves && st->on_disk == NULL && spool_name_free(b->spool, st->move_to, st->name)
           ? st->move_to : st->state;
}

/* Staged files for every changed status; NULL where unchanged or failed.
 * A new status file may be staged unnamed, holding a descriptor until it
 * is installed: at most unnamed_max of them per batch. */
static List *stage_files(JobRecordBatch *b)
{
    List *temps = gwlist_create();
    Octstr *text, *why = NULL;
    SpoolStaged *temp;
    long i, fresh = 0;

    for (i = 0; i < gwlist_len(b->staged); i++) {
        Staged *st = gwlist_get(b->staged, i);
        text = job_status_format(st->status);
        st->unchanged = st->on_disk != NULL && octstr_compare(text, st->on_disk) == 0;
        st->status_at = status_dir(b, st);
        if (st->on_disk == NULL)
            fresh++;
        temp = st->unchanged ? NULL
               : spool_stage_status(b->spool, st->status_at, st->name, text,
                                    st->on_disk == NULL && fresh <= b->unnamed_max, &why);
        if (temp != NULL && st->status_at != st->state)
            spool_staged_no_replace(temp);
        if (temp == NULL && !st->unchanged) {
            error(0, "Job %s: progress not recorded (will retry): %s",
                  octstr_get_cstr(st->name), octstr_get_cstr(why));
            octstr_destroy(why);
            why = NULL;
        }
        gwlist_append(temps, temp);
        octstr_destroy(text);
    }
    return temps;
}

static void discard_all(List *temps)
{
    long i;

    for (i = 0; i < gwlist_len(temps); i++)
        spool_discard_staged(gwlist_get(temps, i));     /* ignores NULL */
}

/* Installs the synced files; a bit per directory touched. */
static unsigned install_files(JobRecordBatch *b, List *temps, int *ok)
{
    unsigned dirs = 0;
    Octstr *why = NULL;
    long i;

    for (i = 0; i < gwlist_len(b->staged); i++) {
        Staged *st = gwlist_get(b->staged, i);
        SpoolStaged *temp = gwlist_get(temps, i);
        ok[i] = st->unchanged || (temp != NULL && spool_install_status(temp, &why) == 0);
        if (temp != NULL && !ok[i]) {
            error(0, "Job %s: progress not recorded (will retry): %s",
                  octstr_get_cstr(st->name), octstr_get_cstr(why));
            octstr_destroy(why);
            why = NULL;
        }
        if (ok[i] && !st->unchanged)
            dirs |= 1u << st->status_at;
    }
    return dirs;
}

/* One job's move; where the name is taken in `to`, under a new name. */
static int move_staged(JobRecordBatch *b, Staged *st, Octstr **error)
{
    Octstr *why = NULL;
    int ret = st->status_at == st->move_to
              ? spool_move_job(b->spool, st->name, st->state, st->move_to, &why)
              : spool_move(b->spool, st->name, st->state, st->move_to, &why);

    if (ret != SPOOL_TAKEN) {
        *error = why;
        return ret;
    }
    octstr_destroy(why);
    return move_job(b->spool, st->name, st->state, st->move_to, error);
}

/* The moves, after their status files are durable; one sync per directory. */
static void move_jobs(JobRecordBatch *b, int *ok)
{
    Octstr *why = NULL;
    long i;

    spool_defer_dir_syncs();
    for (i = 0; i < gwlist_len(b->staged); i++) {
        Staged *st = gwlist_get(b->staged, i);
        if (!ok[i] || st->move_to == JOB_RECORD_STAY || st->move_to == st->state)
            continue;
        if (move_staged(b, st, &why) == -1) {
            error(0, "Job %s: not moved (will retry): %s", octstr_get_cstr(st->name),
                  octstr_get_cstr(why));
            octstr_destroy(why);
            why = NULL;
            ok[i] = 0;
        }
    }
    spool_sync_deferred(b->spool);
}

/* Drops every status lock the batch holds. */
static void release_locks(JobRecordBatch *b)
{
    if (b->locks != -1)
        job_lock_status_set_release(b->locks);
    b->locks = -1;
}

static int written(List *temps)
{
    long i;

    for (i = 0; i < gwlist_len(temps); i++)
        if (gwlist_get(temps, i) != NULL)
            return 1;
    return 0;
}

long job_record_batch_commit(JobRecordBatch *b)
{
    long n = gwlist_len(b->staged), i, failed = 0;
    List *temps;
    int *ok;
    Octstr *why = NULL;
    Staged *st;

    if (n == 0) {
        release_locks(b);
        return 0;
    }
    temps = stage_files(b);
    ok = gw_malloc(n * sizeof(*ok));
    if (written(temps) && spool_sync_data(b->spool, &why) == -1) {
        error(0, "Progress of %ld job(s) not recorded (will retry): %s", n,
              octstr_get_cstr(why));
        octstr_destroy(why);
        discard_all(temps);
        memset(ok, 0, n * sizeof(*ok));
    } else {
        spool_sync_dirs(b->spool, install_files(b, temps, ok));
        move_jobs(b, ok);
    }
    for (i = 0; (st = gwlist_extract_first(b->staged)) != NULL; i++) {
        failed += !ok[i];
        mark(b, st, ok[i]);
        dict_remove(b->by_name, st->name);
        staged_destroy(st);
    }
    release_locks(b);
    gwlist_destroy(temps, NULL);    /* installed or discarded */
    gw_free(ok);
    return failed;
}

/*
 * The job's status lock, in the batch's set: a job that shares its byte
 * with one the batch holds is no obstacle. It waits only while the batch
 * holds nothing (every lock in the set belongs to a staged job): a lock
 * held elsewhere makes it commit what it has first.
 */
static int lock_for_batch(JobRecordBatch *b, Octstr *name, Octstr **error)
{
    int wait = gwlist_len(b->staged) == 0, ret;

    if (b->locks == -1 && (b->locks = job_lock_status_set_open(b->spool, error)) == -1)
        return -1;
    ret = job_lock_status_add(b->locks, name, wait, error);
    if (ret != JOB_LOCK_BUSY)
        return ret;
    job_record_batch_commit(b);     /* releases the set */
    return lock_for_batch(b, name, error);
}

/* Where the job is: where its owner holds it, else wherever it is found. */
static int locate(Spool *spool, Octstr *name, int owned_in)
{
    Octstr *path;
    struct stat st;
    int there;

    if (owned_in == JOB_RECORD_FIND)
        return spool_find(spool, name);
    path = spool_path(spool, owned_in, name);
    there = lstat(octstr_get_cstr(path), &st) == 0;
    octstr_destroy(path);
    return there ? owned_in : spool_find(spool, name);
}

static Staged *stage(JobRecordBatch *b, Octstr *name, int owned_in, Octstr **error)
{
    Staged *st;
    JobStatus *status = NULL;
    Octstr *on_disk = NULL;
    int state;

    if (lock_for_batch(b, name, error) == -1)
        return NULL;
    state = locate(b->spool, name, owned_in);
    if (state == -1)
        *error = octstr_format("job %S is no longer in the spool", name);
    else if ((status = load_status(b->spool, state, name, state == owned_in, &on_disk)) == NULL)
        *error = octstr_format("the status of job %S cannot be read now", name);
    if (status == NULL) {
        if (gwlist_len(b->staged) == 0)
            release_locks(b);   /* its lock alone; else it goes at the commit */
        return NULL;
    }
    st = gw_malloc(sizeof(*st));
    st->name = octstr_duplicate(name);
    st->state = state;
    st->move_to = JOB_RECORD_STAY;
    st->status_at = state;
    st->status = status;
    st->on_disk = on_disk;
    st->unchanged = 0;
    gwlist_append(b->staged, st);
    dict_put(b->by_name, name, st);
    return st;
}

int job_record_batch_update(JobRecordBatch *b, Octstr *name, int owned_in,
                            job_record_apply_fn *apply, void *ctx, int move_to,
                            Octstr **error)
{
    Staged *st = dict_get(b->by_name, name);

    if (st == NULL && (st = stage(b, name, owned_in, error)) == NULL)
        return -1;
    apply(st->status, ctx);
    if (move_to != JOB_RECORD_STAY) {
        st->move_to = move_to;
        octstr_destroy(st->status->state);
        st->status->state = octstr_create(spool_state_name(move_to));
    }
    return 0;
}

int job_record_batch_ok(JobRecordBatch *b, Octstr *name)
{
    return dict_get(b->landed, name) != NULL;
}

void job_record_batch_destroy(JobRecordBatch *b)
{
    job_record_batch_commit(b);
    gwlist_destroy(b->staged, NULL);
    dict_destroy(b->by_name);
    dict_destroy(b->landed);
    gw_free(b);
}
