/*
 * job_loader.c - the loader thread: claims, adopts and loads jobs for the
 * dispatcher (see job_loader.h).
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include <sys/inotify.h>

#include "gwlib/gwlib.h"
#include "daemon/job_loader.h"
#include "daemon/job_claim.h"
#include "daemon/compile_cache.h"

#define IDLE_WAIT 1.0
#define ORPHAN_SCAN_MAX 10000
#define STALE_TEMP_SWEEP_INTERVAL 600   /* seconds */
#define STALE_TEMP_AGE 600              /* seconds: older temp files are orphans */
#define CLAIM_CHOICE 4
#define HANDOVER_CHUNK 64               /* jobs per durable hand-over */

struct JobLoader {
    const ProvboxConfig *config;
    Spool *spool;
    void (*jobs_ready)(void *ctx);
    void *ctx;
    long thread;
    volatile int running;
    volatile int suspended;
    volatile int scan_new;   /* list new/ next round (also set by resume) */
    List *handed;            /* ActiveJob*, ready for the dispatcher */
    Dict *held;              /* names of the jobs handed over, not released */
    Mutex *room_lock;
    int waiting_for_room;    /* under room_lock: poke me when jobs go */
    /* loader thread only */
    CompileCache *cache;
    List *chunk;             /* loaded, claims not yet synced */
    int inotify_fd;
    SpoolCursor *new_jobs;   /* the listing of new/, going on round after round */
    time_t last_rescan;
    int postponed;           /* a claim was postponed: no more this round */
    time_t last_temp_sweep;  /* 0 until the first sweep, at start-up */
    Mutex *counters_lock;
    JobLoaderCounters counters;
};

static long free_slots(JobLoader *l)
{
    return l->config->max_held_jobs - dict_key_count(l->held);
}

/* Room to claim one more job now. */
static int can_claim(JobLoader *l)
{
    return free_slots(l) > 0 && !l->postponed;
}

static void count(JobLoader *l, ClaimResult result)
{
    mutex_lock(l->counters_lock);
    if (result == CLAIM_CLAIMED)
        l->counters.claimed++;
    else if (result == CLAIM_DEFERRED)
        l->counters.deferred++;
    else if (result == CLAIM_REJECTED)
        l->counters.rejected++;
    mutex_unlock(l->counters_lock);
}

/* A job not claimed. A postponed claim (this process is short of
 * descriptors, or cannot read the job's status now) ends the claiming for
 * this round, instead of moving more jobs into active/ to no avail; the
 * next round, a second or an inotify event later, tries again. */
static void not_claimed(JobLoader *l, ClaimResult result)
{
    count(l, result);
    if (result == CLAIM_POSTPONED)
        l->postponed = 1;
}

/* ---- handing over ------------------------------------------------------ */

/* Claims are durable, then the chunk goes to the dispatcher. */
static void hand_over(JobLoader *l)
{
    ActiveJob *aj;

    spool_sync_deferred(l->spool);
    spool_defer_dir_syncs();
    if (gwlist_len(l->chunk) == 0)
        return;
    while ((aj = gwlist_extract_first(l->chunk)) != NULL)
        gwlist_append(l->handed, aj);
    l->jobs_ready(l->ctx);
}

static void keep(JobLoader *l, ActiveJob *aj)
{
    dict_put(l->held, aj->name, aj);
    gwlist_append(l->chunk, aj);
    count(l, CLAIM_CLAIMED);
    if (gwlist_len(l->chunk) >= HANDOVER_CHUNK)
        hand_over(l);
}

/* ---- finding jobs -------------------------------------------------------- */

/* Claims up to most jobs, as long as there is room; returns how many
 * names were left untried. */
static long claim_from(JobLoader *l, List *names, SpoolState from, long most)
{
    Octstr *name;
    ClaimResult result;
    ActiveJob *aj;
    long left = 0, claimed = 0;

    while ((name = gwlist_extract_first(names)) != NULL) {
        if (l->running && can_claim(l) && claimed < most) {
            aj = job_claim(l->spool, l->config, l->cache, name, from, &result);
            if (aj != NULL) {
                keep(l, aj);
                claimed++;
            } else {
                not_claimed(l, result);
            }
        } else {
            left++;
        }
        octstr_destroy(name);
    }
    gwlist_destroy(names, NULL);
    return left;
}

/*
 * Several provbox processes on one spool list new/ in the same order; each
 * takes its jobs in a random order from a list CLAIM_CHOICE times longer
 * than it claims, so that they seldom race for the same job. A pass claims
 * at most HANDOVER_CHUNK jobs, so that its list is fresh. The listing goes
 * on where the last pass stopped (a SpoolCursor), so the names a pass
 * leaves come round again when it has reached the end of new/ and started
 * over, and no pass reads again what the ones before it read.
 */
static List *shuffled(List *names)
{
    long n = gwlist_len(names), i, j;
    void **v = gw_malloc((n + 1) * sizeof(*v)), *tmp;
    List *out = gwlist_create();

    for (i = 0; i < n; i++)
        v[i] = gwlist_get(names, i);
    for (i = n - 1; i > 0; i--) {
        j = gw_rand() % (i + 1);
        tmp = v[i];
        v[i] = v[j];
        v[j] = tmp;
    }
    for (i = 0; i < n; i++)
        gwlist_append(out, v[i]);
    gwlist_destroy(names, NULL);
    gw_free(v);
    return out;
}

static void adopt_orphans(JobLoader *l)
{
    List *names = spool_list(l->spool, SPOOL_ACTIVE, ORPHAN_SCAN_MAX);
    Octstr *name;
    ClaimResult result;
    ActiveJob *aj;

    while ((name = gwlist_extract_first(names)) != NULL) {
        if (free_slots(l) > 0 && dict_get(l->held, name) == NULL) {
            aj = job_claim_adopt(l->spool, l->config, l->cache, name, &result);
            if (aj != NULL)
                keep(l, aj);
            else
                count(l, result);   /* even postponed: claiming goes on */
        }
        octstr_destroy(name);
    }
    gwlist_destroy(names, NULL);
}

static void drain_inotify(JobLoader *l)
{
    char buf[4096];

    while (l->inotify_fd != -1 && read(l->inotify_fd, buf, sizeof(buf)) > 0)
        l->scan_new = 1;
}

static void claim_jobs(JobLoader *l)
{
    time_t now = time(NULL);
    int rescan = now - l->last_rescan >= l->config->rescan_interval;

    l->postponed = 0;
    if (rescan) {
        l->last_rescan = now;
        adopt_orphans(l);
        claim_from(l, job_claim_due(l->spool, free_slots(l)), SPOOL_DEFERRED, free_slots(l));
    }
    if ((rescan || l->scan_new) && can_claim(l)) {
        long most = free_slots(l) < HANDOVER_CHUNK ? free_slots(l) : HANDOVER_CHUNK;
        int whole;
        List *names;

        if (rescan)
            spool_cursor_rewind(l->new_jobs);
        names = spool_cursor_next(l->new_jobs, most * CLAIM_CHOICE, &whole);
        /* Look again next round unless every job in new/ was listed and
         * tried: the dispatcher frees slots while this one claims, so room
         * left at the end says nothing about new/. */
        l->scan_new = (claim_from(l, shuffled(names), SPOOL_NEW, most) > 0 || !whole)
                      && !l->postponed;
    }
}

/*
 * A write interrupted by a crash leaves its temp file behind. Sweep old ones
 * at start-up and then now and then; young ones may belong to a write of
 * another provbox on the same spool that is under way.
 */
static void sweep_stale_temps(JobLoader *l)
{
    time_t now = time(NULL);

    if (now - l->last_temp_sweep < STALE_TEMP_SWEEP_INTERVAL)
        return;
    l->last_temp_sweep = now;
    spool_remove_stale_temps(l->spool, STALE_TEMP_AGE);
}

/* ---- the thread ------------------------------------------------------------ */

static void load_round(JobLoader *l)
{
    sweep_stale_temps(l);
    drain_inotify(l);
    if (l->suspended || free_slots(l) <= 0)
        return;
    spool_defer_dir_syncs();
    claim_jobs(l);
    hand_over(l);
    spool_sync_deferred(l->spool);
}

/* Full: says so under room_lock, so that a release after the look pokes. */
static int wait_for_room(JobLoader *l)
{
    int full;

    mutex_lock(l->room_lock);
    full = l->waiting_for_room = free_slots(l) <= 0;
    mutex_unlock(l->room_lock);
    return full;
}

static void wait_for_jobs(JobLoader *l)
{
    int full = wait_for_room(l);

    if (l->scan_new && !full && !l->suspended)
        return;
    if (l->inotify_fd != -1)
        gwthread_pollfd(l->inotify_fd, POLLIN, IDLE_WAIT);
    else
        gwthread_sleep(IDLE_WAIT);
    mutex_lock(l->room_lock);
    l->waiting_for_room = 0;
    mutex_unlock(l->room_lock);
}

static void loader_thread(void *arg)
{
    JobLoader *l = arg;

    while (l->running) {
        load_round(l);
        if (l->running)
            wait_for_jobs(l);
    }
}

static int watch_new(Spool *spool)
{
    Octstr *dir = octstr_format("%S/new", spool_dir(spool));
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

    if (fd != -1 && inotify_add_watch(fd, octstr_get_cstr(dir),
                                      IN_MOVED_TO | IN_CLOSE_WRITE) == -1) {
        close(fd);
        fd = -1;
    }
    if (fd == -1)
        warning(errno, "No inotify on %s; new jobs are found by rescanning.",
                octstr_get_cstr(dir));
    octstr_destroy(dir);
    return fd;
}

/* ---- the dispatcher's side ---------------------------------------------- */

JobLoader *job_loader_create(const ProvboxConfig *config, Spool *spool,
                             void (*jobs_ready)(void *ctx), void *ctx)
{
    JobLoader *l = gw_malloc(sizeof(*l));

    memset(l, 0, sizeof(*l));
    l->config = config;
    l->spool = spool;
    l->jobs_ready = jobs_ready;
    l->ctx = ctx;
    l->thread = -1;
    l->handed = gwlist_create();
    l->held = dict_create(config->max_held_jobs * 2 + 16, NULL);
    l->cache = compile_cache_create();
    l->chunk = gwlist_create();
    l->inotify_fd = watch_new(spool);
    l->new_jobs = spool_cursor_create(spool, SPOOL_NEW);
    l->scan_new = 1;
    l->room_lock = mutex_create();
    l->counters_lock = mutex_create();
    return l;
}

void job_loader_start(JobLoader *l)
{
    l->running = 1;
    l->thread = gwthread_create(loader_thread, l);
    if (l->thread == -1)
        panic(0, "Cannot start the job loader thread.");
}

void job_loader_stop(JobLoader *l)
{
    if (l->thread == -1)
        return;
    l->running = 0;
    gwthread_wakeup(l->thread);
    gwthread_join(l->thread);
    l->thread = -1;
}

/* Jobs never handed over (or never taken) stay in active/, unlocked. */
static void release_all(List *jobs)
{
    ActiveJob *aj;

    while ((aj = gwlist_extract_first(jobs)) != NULL)
        active_job_destroy(aj);
}

void job_loader_destroy(JobLoader *l)
{
    release_all(l->handed);
    release_all(l->chunk);
    gwlist_destroy(l->handed, NULL);
    gwlist_destroy(l->chunk, NULL);
    dict_destroy(l->held);
    compile_cache_destroy(l->cache);
    spool_cursor_destroy(l->new_jobs);
    if (l->inotify_fd != -1)
        close(l->inotify_fd);
    mutex_destroy(l->room_lock);
    mutex_destroy(l->counters_lock);
    gw_free(l);
}

List *job_loader_take(JobLoader *l)
{
    List *jobs = gwlist_create();
    ActiveJob *aj;

    while ((aj = gwlist_extract_first(l->handed)) != NULL)
        gwlist_append(jobs, aj);
    return jobs;
}

int job_loader_has_jobs(JobLoader *l)
{
    return gwlist_len(l->handed) > 0;
}

void job_loader_release(JobLoader *l, Octstr *name)
{
    dict_remove(l->held, name);
}

void job_loader_poke(JobLoader *l)
{
    int wake;

    mutex_lock(l->room_lock);
    wake = l->waiting_for_room && free_slots(l) > 0;
    if (wake)
        l->waiting_for_room = 0;
    mutex_unlock(l->room_lock);
    if (wake && l->thread != -1)
        gwthread_wakeup(l->thread);
}

void job_loader_suspend(JobLoader *l)
{
    l->suspended = 1;
}

void job_loader_resume(JobLoader *l)
{
    l->suspended = 0;
    l->scan_new = 1;
    if (l->thread != -1)
        gwthread_wakeup(l->thread);
}

JobLoaderCounters job_loader_counters(JobLoader *l)
{
    JobLoaderCounters c;

    mutex_lock(l->counters_lock);
    c = l->counters;
    mutex_unlock(l->counters_lock);
    return c;
}
