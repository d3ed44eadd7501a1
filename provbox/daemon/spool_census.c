/*
 * spool_census.c - the jobs per spool state: a scan, the moves seen
 * since, and a rescanning thread (see spool_census.h).
 */
#include <time.h>

#include "gwlib/gwlib.h"
#include "daemon/spool_census.h"

#define RESCAN_MIN 30.0         /* seconds between scans, at least */
#define RESCAN_COST 100.0       /* and at least this many times a scan's duration */

struct SpoolCensus {
    Spool *spool;
    Mutex *lock;
    SpoolCensusCounts counts;   /* under lock */
    volatile int running;
    long thread;
    double interval;            /* until the next scan, seconds */
};

static int waiting_state(int state)
{
    return state == SPOOL_NEW || state == SPOOL_DEFERRED;
}

static long waiting(const SpoolCensusCounts *c)
{
    return c->jobs[SPOOL_NEW] + c->jobs[SPOOL_DEFERRED];
}

/* spool_moved_fn: from any thread that moves a job through the spool. */
static void on_moved(void *ctx, SpoolState from, SpoolState to)
{
    SpoolCensus *census = ctx;
    SpoolCensusCounts *c = &census->counts;
    int was_waiting;

    mutex_lock(census->lock);
    was_waiting = waiting(c) > 0;
    if (from != SPOOL_TMP && c->jobs[from] > 0)
        c->jobs[from]--;
    if (to < SPOOL_STATES)
        c->jobs[to]++;
    if (waiting(c) == 0)
        c->oldest_waiting = 0;
    else if (!was_waiting && waiting_state(to))
        c->oldest_waiting = time(NULL);
    mutex_unlock(census->lock);
}

static double seconds_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Each state read in turn; each count replaces the one kept as it is read. */
static void scan(SpoolCensus *census)
{
    double began = seconds_now();
    long count, age, oldest_age = -1;
    int s;

    for (s = SPOOL_NEW; s < SPOOL_STATES; s++) {
        count = spool_count(census->spool, (SpoolState) s, waiting_state(s) ? &age : NULL);
        if (waiting_state(s) && age > oldest_age)
            oldest_age = age;
        mutex_lock(census->lock);
        census->counts.jobs[s] = count;
        mutex_unlock(census->lock);
    }
    mutex_lock(census->lock);
    census->counts.oldest_waiting = waiting(&census->counts) > 0 && oldest_age >= 0
                                    ? time(NULL) - oldest_age : 0;
    census->counts.scanned = time(NULL);
    mutex_unlock(census->lock);
    census->interval = RESCAN_COST * (seconds_now() - began);
    if (census->interval < RESCAN_MIN)
        census->interval = RESCAN_MIN;
}

static void census_thread(void *arg)
{
    SpoolCensus *census = arg;

    while (census->running) {
        gwthread_sleep(census->interval);
        if (census->running)
            scan(census);
    }
}

SpoolCensus *spool_census_start(Spool *spool)
{
    SpoolCensus *census = gw_malloc(sizeof(*census));

    memset(census, 0, sizeof(*census));
    census->spool = spool;
    census->lock = mutex_create();
    scan(census);
    spool_watch_moves(spool, on_moved, census);
    census->running = 1;
    census->thread = gwthread_create(census_thread, census);
    if (census->thread == -1)
        panic(0, "Cannot start the spool census thread.");
    return census;
}

void spool_census_stop(SpoolCensus *census)
{
    if (census == NULL)
        return;
    census->running = 0;
    gwthread_wakeup(census->thread);
    gwthread_join(census->thread);
    spool_watch_moves(census->spool, NULL, NULL);
    mutex_destroy(census->lock);
    gw_free(census);
}

SpoolCensusCounts spool_census_counts(SpoolCensus *census)
{
    SpoolCensusCounts c;

    mutex_lock(census->lock);
    c = census->counts;
    mutex_unlock(census->lock);
    return c;
}
