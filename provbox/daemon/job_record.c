/*
 * job_record.c - status changes batched per dispatcher round
 * (job_record.h): each job's record loaded, changed, written and made
 * durable by status_update.h's steps, many jobs under one sync.
 */
#include <sys/stat.h>

#include "gwlib/gwlib.h"
#include "spool/job_lock.h"
#include "spool/name_clash.h"
#include "daemon/job_record.h"
#include "common/log_escaped.h"

/* Up to this many statuses changed in place are synced one by one. */
#define FEW_IN_PLACE 4

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

/* A move that meets the name taken in `to` goes on under a new name. */
static int move_job(Spool *spool, Octstr *name, int from, int to, Octstr **error)
{
    Octstr *moved_as = NULL;
    int ret = name_clash_move(spool, name, from, to, &moved_as, error);

    octstr_destroy(moved_as);
    return ret;
}

/* ---- batches ---- */

typedef struct Staged {
    Octstr *name;
    int state;           /* where the job (and its status) is */
    int status_at;       /* where the new status is written */
    int move_to;
    JobRecord *record;   /* with every change of this batch applied */
    int may_create;      /* its owner's change: may write the first status */
    int unchanged;       /* the changes left the text as it was: no write */
    int failed;          /* in place: a write failed */
} Staged;

struct JobRecordBatch {
    Spool *spool;
    long unnamed_max;    /* new status files staged unnamed (descriptors) */
    List *staged;        /* Staged*, in order */
    Dict *by_name;       /* name -> Staged*, the uncommitted ones */
    Dict *landed;        /* name -> non-NULL when its last commit landed,
                          * since job_record_batch_forget() */
    int locks;           /* the staged jobs' status locks (a set), or -1 */
    long wrote_in_place; /* files this commit changed in place */
    job_record_changed_fn *changed;  /* told of each change written, or NULL */
    void *changed_ctx;
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
    b->wrote_in_place = 0;
    b->changed = NULL;
    b->changed_ctx = NULL;
    return b;
}

void job_record_batch_watch(JobRecordBatch *b, job_record_changed_fn *fn, void *ctx)
{
    b->changed = fn;
    b->changed_ctx = ctx;
}

/* The watcher learns how each status written changed its recipients. */
static void tell_changes(JobRecordBatch *b, const int *ok)
{
    long change[JOB_RECORD_STATES], i;

    for (i = 0; b->changed != NULL && i < gwlist_len(b->staged); i++) {
        Staged *st = gwlist_get(b->staged, i);
        if (!ok[i] || st->unchanged)
            continue;
        job_record_change(st->record, change);
        b->changed(b->changed_ctx, st->name, change);
    }
}

static void staged_destroy(Staged *st)
{
    job_record_destroy(st->record);
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

    return moves && !job_record_exists(st->record)
           && spool_name_free(b->spool, st->move_to, st->name)
           ? st->move_to : st->state;
}

static void not_recorded(Octstr *name, Octstr *why)
{
    log_escaped_error(0, "Job %S: progress not recorded (will retry): %S", name, why);
    octstr_destroy(why);
}

/* A status written whole: its staged file, or NULL (unchanged, failed).
 * A new one may be staged unnamed, holding a descriptor until it is
 * installed: at most unnamed_max of them per batch (*fresh counts them). */
static SpoolStaged *stage_whole(JobRecordBatch *b, Staged *st, long *fresh)
{
    int exists = job_record_exists(st->record);
    Octstr *text = job_record_format(st->record, &st->unchanged), *why = NULL;
    SpoolStaged *temp = NULL;

    if (!exists && !st->may_create) {
        st->failed = 1;     /* a report before the first record: it waits */
        octstr_destroy(text);
        return NULL;
    }
    if (!exists)
        ++*fresh;
    if (!st->unchanged) {
        temp = spool_stage_status(b->spool, st->status_at, st->name, text,
                                  !exists && *fresh <= b->unnamed_max, &why);
        if (temp != NULL && st->status_at != st->state)
            spool_staged_no_replace(temp);
        if (temp == NULL)
            not_recorded(st->name, why);
    }
    octstr_destroy(text);
    return temp;
}

static void stage_in_place(JobRecordBatch *b, Staged *st)
{
    Octstr *why = NULL;

    b->wrote_in_place++;
    st->failed = job_record_write_in_place(st->record, &why) == -1;
    if (st->failed)
        not_recorded(st->name, why);
}

/* Every changed status written: in place, or staged (NULL where written in
 * place, unchanged or failed). */
static List *stage_files(JobRecordBatch *b)
{
    List *temps = gwlist_create();
    long i, fresh = 0;

    for (i = 0; i < gwlist_len(b->staged); i++) {
        Staged *st = gwlist_get(b->staged, i);
        st->status_at = status_dir(b, st);
        if (job_record_settle(st->record) == -1) {
            st->failed = 1;
            gwlist_append(temps, NULL);
        } else if (job_record_in_place(st->record)) {
            stage_in_place(b, st);
            gwlist_append(temps, NULL);
        } else
            gwlist_append(temps, stage_whole(b, st, &fresh));
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
        if (job_record_in_place(st->record) || st->failed) {
            ok[i] = !st->failed;
            continue;
        }
        ok[i] = st->unchanged || (temp != NULL && spool_install_status(temp, &why) == 0);
        if (temp != NULL && !ok[i]) {
            not_recorded(st->name, why);
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
            log_escaped_error(0, "Job %S: not moved (will retry): %S", st->name, why);
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

static long staged_files(List *temps)
{
    long i, n = 0;

    for (i = 0; i < gwlist_len(temps); i++)
        n += gwlist_get(temps, i) != NULL;
    return n;
}

/* The files changed in place, each synced on its own: 0, or -1 and *why. */
static int sync_in_place(JobRecordBatch *b, Octstr **why)
{
    long i;

    for (i = 0; i < gwlist_len(b->staged); i++) {
        Staged *st = gwlist_get(b->staged, i);
        if (job_record_in_place(st->record) && !st->failed
            && job_record_sync(st->record, why) == -1)
            return -1;
    }
    return 0;
}

/*
 * What this commit wrote made durable: nothing to do when nothing was
 * written. A few statuses changed in place (a bulk job's round) are synced
 * each by itself: a syncfs() would also wait for every other writer on the
 * file system (bearerbox's store, logs). Anything else takes one syncfs(),
 * one journal commit for the lot.
 */
static int sync_written(JobRecordBatch *b, List *temps, Octstr **why)
{
    long fresh = staged_files(temps);

    if (fresh == 0 && b->wrote_in_place == 0)
        return 0;
    if (fresh == 0 && b->wrote_in_place <= FEW_IN_PLACE)
        return sync_in_place(b, why);
    return spool_sync_data(b->spool, why);
}

void job_record_batch_forget(JobRecordBatch *b)
{
    List *names;
    Octstr *name;

    if (dict_key_count(b->landed) == 0)
        return;
    names = dict_keys(b->landed);
    while ((name = gwlist_extract_first(names)) != NULL) {
        dict_remove(b->landed, name);
        octstr_destroy(name);
    }
    gwlist_destroy(names, NULL);
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
    if (sync_written(b, temps, &why) == -1) {
        log_escaped_error(0, "Progress of %ld job(s) not recorded (will retry): %S", n, why);
        octstr_destroy(why);
        discard_all(temps);
        memset(ok, 0, n * sizeof(*ok));
    } else {
        spool_sync_dirs(b->spool, install_files(b, temps, ok));
        tell_changes(b, ok);
        move_jobs(b, ok);
    }
    for (i = 0; (st = gwlist_extract_first(b->staged)) != NULL; i++) {
        failed += !ok[i];
        mark(b, st, ok[i]);
        dict_remove(b->by_name, st->name);
        staged_destroy(st);
    }
    release_locks(b);
    b->wrote_in_place = 0;
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

/* The record of a job in `state`, or NULL when it cannot be read now; a
 * status whose text does not parse starts anew, said in the log. */
static JobRecord *load_record(Spool *spool, int state, Octstr *name, int owner)
{
    JobRecord *record = job_record_load(spool, state, name, owner);

    if (record != NULL && job_record_damage(record) != NULL)
        log_escaped_warning(0, "Job %S: unreadable status file (%S); starting a new one.",
                            name, job_record_damage(record));
    return record;
}

static Staged *stage(JobRecordBatch *b, Octstr *name, int owned_in, Octstr **error)
{
    Staged *st;
    JobRecord *record = NULL;
    int state;

    if (lock_for_batch(b, name, error) == -1)
        return NULL;
    state = locate(b->spool, name, owned_in);
    if (state == -1)
        *error = octstr_format("job %S is no longer in the spool", name);
    else if ((record = load_record(b->spool, state, name, state == owned_in)) == NULL)
        *error = octstr_format("the status of job %S cannot be read now", name);
    if (record == NULL) {
        if (gwlist_len(b->staged) == 0)
            release_locks(b);   /* its lock alone; else it goes at the commit */
        return NULL;
    }
    st = gw_malloc(sizeof(*st));
    st->name = octstr_duplicate(name);
    st->state = state;
    st->move_to = JOB_RECORD_STAY;
    st->status_at = state;
    st->record = record;
    st->may_create = owned_in != JOB_RECORD_FIND;
    st->unchanged = 0;
    st->failed = 0;
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
    apply(st->record, ctx);
    if (move_to != JOB_RECORD_STAY) {
        st->move_to = move_to;
        JobStatus *head = job_record_head(st->record);
        octstr_destroy(head->state);
        head->state = octstr_create(spool_state_name(move_to));
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
