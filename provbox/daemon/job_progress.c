/*
 * job_progress.c - the per-job progress board: active, deferred and
 * recent jobs, their recipients by recorded state, and the samples their
 * rates come from (see job_progress.h).
 */
#include "gwlib/gwlib.h"
#include "daemon/job_progress.h"
#include "daemon/job_record.h"
#include "spool/job_status.h"

#define RATE_STEP 5         /* seconds between rate samples */
#define RATE_SAMPLES 13     /* so the rate spans the last minute */
#define RATE_WINDOW (RATE_STEP * (RATE_SAMPLES - 1))

typedef struct Entry {
    JobProgress p;                  /* its counts are by_state's */
    long by_state[JOB_RECORD_STATES];
    time_t sample_at[RATE_SAMPLES]; /* oldest first */
    long sample_left[RATE_SAMPLES]; /* recipients no longer pending then */
    int samples;
    long left_at_start;             /* recipients no longer pending at its claim */
    List *list;                     /* the list it is in */
} Entry;

static Mutex *lock;
static Dict *by_name;   /* name -> Entry*: every entry */
static List *active;    /* Entry*, in the order claimed */
static List *deferred;  /* Entry*, newest first */
static List *recent;    /* Entry*, newest first */
static time_t last_tick;

static void entry_destroy(void *p)
{
    Entry *e = p;

    octstr_destroy(e->p.name);
    octstr_destroy(e->p.id);
    octstr_destroy(e->p.reason);
    gw_free(e);
}

void job_progress_init(void)
{
    lock = mutex_create();
    by_name = dict_create(1024, NULL);
    active = gwlist_create();
    deferred = gwlist_create();
    recent = gwlist_create();
}

void job_progress_shutdown(void)
{
    if (lock == NULL)
        return;
    gwlist_destroy(active, entry_destroy);
    gwlist_destroy(deferred, entry_destroy);
    gwlist_destroy(recent, entry_destroy);
    dict_destroy(by_name);
    mutex_destroy(lock);
    lock = NULL;
}

/* ---- entries --------------------------------------------------------- */

static long left_of(const Entry *e)
{
    return e->p.recipients - e->by_state[RCPT_QUEUED];
}

static void count_from_states(Entry *e)
{
    const long *s = e->by_state;
    long k;

    e->p.recipients = 0;
    for (k = 0; k < JOB_RECORD_STATES; k++)
        e->p.recipients += s[k];
    e->p.pending = s[RCPT_QUEUED];
    e->p.sent = s[RCPT_SENT];
    e->p.delivered = s[RCPT_DELIVERED];
    e->p.undelivered = s[RCPT_UNDELIVERED];
    e->p.failed = s[RCPT_FAILED] + s[RCPT_EXPIRED];
}

static void sample(Entry *e, time_t now)
{
    if (e->samples == RATE_SAMPLES) {
        memmove(e->sample_at, e->sample_at + 1, (RATE_SAMPLES - 1) * sizeof(*e->sample_at));
        memmove(e->sample_left, e->sample_left + 1,
                (RATE_SAMPLES - 1) * sizeof(*e->sample_left));
        e->samples--;
    }
    e->sample_at[e->samples] = now;
    e->sample_left[e->samples++] = left_of(e);
}

/* Out of its list (and, with forget, of the board). */
static void unlist(Entry *e, int forget)
{
    if (e->list != NULL)
        gwlist_delete_equal(e->list, e);
    e->list = NULL;
    if (forget) {
        dict_remove(by_name, e->p.name);
        entry_destroy(e);
    }
}

/* Into a list, first (or last), dropping the oldest beyond max. */
static void enlist(Entry *e, List *list, int first, long max)
{
    unlist(e, 0);
    e->list = list;
    if (first)
        gwlist_insert(list, 0, e);
    else
        gwlist_append(list, e);
    while (max > 0 && gwlist_len(list) > max)
        unlist(gwlist_get(list, gwlist_len(list) - 1), 1);
}

static Entry *entry_get(Octstr *name)
{
    Entry *e = dict_get(by_name, name);

    if (e != NULL)
        return e;
    e = gw_malloc(sizeof(*e));
    memset(e, 0, sizeof(*e));
    e->p.name = octstr_duplicate(name);
    e->p.recipients = -1;
    e->p.rate = -1;
    dict_put(by_name, name, e);
    return e;
}

static void set_reason(Entry *e, Octstr *reason)
{
    octstr_destroy(e->p.reason);
    e->p.reason = octstr_duplicate(reason);
}

/* ---- events ---------------------------------------------------------- */

void job_progress_claimed(Octstr *name, Octstr *id, const long *by_state,
                          SpoolState state, Octstr *reason)
{
    Entry *e;

    if (lock == NULL)
        return;
    mutex_lock(lock);
    e = entry_get(name);
    memcpy(e->by_state, by_state, sizeof(e->by_state));
    count_from_states(e);
    octstr_destroy(e->p.id);
    e->p.id = octstr_duplicate(id);
    e->p.state = state;
    e->p.started = time(NULL);
    e->p.finished = state == SPOOL_ACTIVE ? 0 : e->p.started;
    e->p.rate = -1;
    set_reason(e, reason);
    e->samples = 0;
    e->left_at_start = left_of(e);
    sample(e, e->p.started);
    if (state == SPOOL_ACTIVE)
        enlist(e, active, 0, 0);
    else
        enlist(e, deferred, 1, JOB_PROGRESS_DEFERRED);
    mutex_unlock(lock);
}

void job_progress_changed(void *ctx, Octstr *name, const long *change)
{
    Entry *e;
    long k;

    (void) ctx;
    if (lock == NULL)
        return;
    mutex_lock(lock);
    if ((e = dict_get(by_name, name)) != NULL && e->p.recipients >= 0) {
        for (k = 0; k < JOB_RECORD_STATES; k++)
            e->by_state[k] = e->by_state[k] + change[k] > 0 ? e->by_state[k] + change[k] : 0;
        count_from_states(e);
    }
    mutex_unlock(lock);
}

/* The rate of its whole run, since its claim. */
static double run_rate(const Entry *e, time_t now)
{
    if (e->p.recipients < 0 || now <= e->p.started)
        return -1;
    return (double) (left_of(e) - e->left_at_start) / (double) (now - e->p.started);
}

void job_progress_moved(Octstr *name, SpoolState to, Octstr *reason)
{
    Entry *e;
    time_t now = time(NULL);

    if (lock == NULL)
        return;
    mutex_lock(lock);
    e = entry_get(name);
    e->p.state = to;
    e->p.finished = now;
    set_reason(e, reason);
    e->p.rate = to == SPOOL_DEFERRED ? -1 : run_rate(e, now);
    if (to == SPOOL_DEFERRED)
        enlist(e, deferred, 1, JOB_PROGRESS_DEFERRED);
    else
        enlist(e, recent, 1, JOB_PROGRESS_RECENT);
    mutex_unlock(lock);
}

void job_progress_rejected(Octstr *name, Octstr *reason)
{
    job_progress_moved(name, SPOOL_FAILED, reason);
}

void job_progress_tick(void)
{
    time_t now = time(NULL);
    Entry *e;
    long i;

    if (lock == NULL)
        return;
    mutex_lock(lock);
    for (i = 0; now != last_tick && i < gwlist_len(active); i++) {
        e = gwlist_get(active, i);
        if (e->samples == 0 || now - e->sample_at[e->samples - 1] >= RATE_STEP)
            sample(e, now);
    }
    last_tick = now;
    mutex_unlock(lock);
}

/* ---- snapshots ------------------------------------------------------- */

/* Over the last minute: from the oldest sample inside it. */
static double recent_rate(const Entry *e, time_t now)
{
    int k;

    for (k = 0; k < e->samples; k++)
        if (now - e->sample_at[k] <= RATE_WINDOW && now > e->sample_at[k])
            return (double) (left_of(e) - e->sample_left[k]) / (double) (now - e->sample_at[k]);
    return -1;
}

JobProgress *job_progress_copy(const JobProgress *p)
{
    JobProgress *copy = gw_malloc(sizeof(*copy));

    *copy = *p;
    copy->name = octstr_duplicate(p->name);
    copy->id = octstr_duplicate(p->id);
    copy->reason = octstr_duplicate(p->reason);
    return copy;
}

void job_progress_free(JobProgress *p)
{
    if (p == NULL)
        return;
    octstr_destroy(p->name);
    octstr_destroy(p->id);
    octstr_destroy(p->reason);
    gw_free(p);
}

static void copy_list(List *into, List *entries, time_t now)
{
    JobProgress *p;
    Entry *e;
    long i;

    for (i = 0; i < gwlist_len(entries); i++) {
        e = gwlist_get(entries, i);
        p = job_progress_copy(&e->p);
        if (e->p.state == SPOOL_ACTIVE)
            p->rate = recent_rate(e, now);
        gwlist_append(into, p);
    }
}

List *job_progress_snapshot(void)
{
    List *snapshot = gwlist_create();
    time_t now = time(NULL);

    if (lock == NULL)
        return snapshot;
    mutex_lock(lock);
    copy_list(snapshot, active, now);
    copy_list(snapshot, deferred, now);
    copy_list(snapshot, recent, now);
    mutex_unlock(lock);
    return snapshot;
}

void job_progress_destroy(List *snapshot)
{
    JobProgress *p;

    while ((p = gwlist_extract_first(snapshot)) != NULL)
        job_progress_free(p);
    gwlist_destroy(snapshot, NULL);
}

long job_progress_eta(const JobProgress *p)
{
    if (p->state != SPOOL_ACTIVE || p->rate <= 0)
        return p->state == SPOOL_ACTIVE && p->pending == 0 ? 0 : -1;
    return (long) ((double) p->pending / p->rate + 0.5);
}
