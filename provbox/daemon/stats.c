/*
 * stats.c - a ring of per-second counter snapshots (see stats.h).
 */
#include "gwlib/gwlib.h"
#include "daemon/stats.h"

#define RING_SECONDS (15 * 60 + 1)

typedef struct Snapshot {
    time_t at;
    long value[STAT_COUNT];
} Snapshot;

struct Stats {
    Mutex *lock;
    time_t started;
    Snapshot ring[RING_SECONDS];
    long newest;        /* index of the newest snapshot, -1 before the first */
};

static const char *names[STAT_COUNT] = {
    "recipients-sent", "recipients-failed", "segments-sent", "segments-acked",
    "segments-failed", "delivered", "undelivered"
};

const char *stats_name(StatKind kind)
{
    return names[kind];
}

Stats *stats_create(void)
{
    Stats *s = gw_malloc(sizeof(*s));

    memset(s, 0, sizeof(*s));
    s->lock = mutex_create();
    s->started = time(NULL);
    s->newest = -1;
    return s;
}

void stats_destroy(Stats *s)
{
    mutex_destroy(s->lock);
    gw_free(s);
}

time_t stats_started(Stats *s)
{
    return s->started;
}

static void fill(Snapshot *snap, const DispatcherCounters *c)
{
    snap->value[STAT_RECIPIENTS_SENT] = c->recipients_sent;
    snap->value[STAT_RECIPIENTS_FAILED] = c->recipients_failed;
    snap->value[STAT_SEGMENTS_SENT] = c->segments_sent;
    snap->value[STAT_SEGMENTS_ACKED] = c->segments_acked;
    snap->value[STAT_SEGMENTS_FAILED] = c->segments_failed;
    snap->value[STAT_DELIVERED] = c->reports_delivered;
    snap->value[STAT_UNDELIVERED] = c->reports_undelivered;
}

void stats_sample(Stats *s, const DispatcherCounters *c)
{
    time_t now = time(NULL);

    mutex_lock(s->lock);
    if (s->newest == -1 || s->ring[s->newest].at != now)
        s->newest = (s->newest + 1) % RING_SECONDS;
    s->ring[s->newest].at = now;
    fill(&s->ring[s->newest], c);
    mutex_unlock(s->lock);
}

long stats_total(Stats *s, StatKind kind)
{
    long value = 0;

    mutex_lock(s->lock);
    if (s->newest != -1)
        value = s->ring[s->newest].value[kind];
    mutex_unlock(s->lock);
    return value;
}

/*
 * The rate over the last `minutes`: from the oldest snapshot inside that
 * window to the newest. While the window still reaches back before the
 * start, it runs from the start, where every counter was 0.
 */
double stats_rate(Stats *s, StatKind kind, int minutes)
{
    long seconds = minutes * 60L, i, steps;
    time_t now = time(NULL), since = now;
    long newest_value, base;
    double rate = 0;

    mutex_lock(s->lock);
    if (s->newest != -1) {
        newest_value = base = s->ring[s->newest].value[kind];
        if (s->started >= now - seconds) {
            base = 0;
            since = s->started;
        } else {
            for (steps = 0, i = s->newest; steps < RING_SECONDS; steps++) {
                i = (i - 1 + RING_SECONDS) % RING_SECONDS;
                if (s->ring[i].at == 0 || s->ring[i].at < now - seconds)
                    break;
                base = s->ring[i].value[kind];
                since = s->ring[i].at;
            }
        }
        if (now > since)
            rate = (double) (newest_value - base) / (double) (now - since);
    }
    mutex_unlock(s->lock);
    return rate;
}
