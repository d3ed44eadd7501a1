/*
 * done_sweeper.c - the keep-done thread (see done_sweeper.h).
 */
#include "gwlib/gwlib.h"
#include "daemon/done_sweeper.h"
#include "spool/retention.h"

#define SWEEP_INTERVAL 3600.0   /* seconds */
#define SWEEP_MAX 10000         /* jobs removed per sweep */

struct DoneSweeper {
    Spool *spool;
    long max_age;               /* seconds */
    volatile int running;
    long thread;
};

static void sweeper_thread(void *arg)
{
    DoneSweeper *s = arg;

    while (s->running) {
        retention_sweep_done(s->spool, s->max_age, SWEEP_MAX);
        if (s->running)
            gwthread_sleep(SWEEP_INTERVAL);
    }
}

DoneSweeper *done_sweeper_start(Spool *spool, long keep_done_days)
{
    DoneSweeper *s;

    if (keep_done_days == 0)
        return NULL;
    s = gw_malloc(sizeof(*s));
    s->spool = spool;
    s->max_age = keep_done_days * 86400;
    s->running = 1;
    s->thread = gwthread_create(sweeper_thread, s);
    if (s->thread == -1)
        panic(0, "Cannot start the keep-done thread.");
    return s;
}

void done_sweeper_stop(DoneSweeper *s)
{
    if (s == NULL)
        return;
    s->running = 0;
    gwthread_wakeup(s->thread);
    gwthread_join(s->thread);
    gw_free(s);
}
