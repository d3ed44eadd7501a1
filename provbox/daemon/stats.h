/*
 * stats.h - totals and rates of what provbox did.
 *
 * stats_sample() takes a snapshot of the dispatcher's counters; called once
 * a second (by the main loop), it keeps 15 minutes of snapshots in a ring,
 * from which stats_rate() gives per-second rates over the last 1, 5 and 15
 * minutes (over the uptime while that is shorter). Thread-safe.
 */
#ifndef PROVBOX_STATS_H
#define PROVBOX_STATS_H

#include <time.h>
#include "daemon/dispatcher.h"

typedef enum {
    STAT_RECIPIENTS_SENT,
    STAT_RECIPIENTS_FAILED,
    STAT_SEGMENTS_SENT,
    STAT_SEGMENTS_ACKED,
    STAT_SEGMENTS_FAILED,
    STAT_DELIVERED,
    STAT_UNDELIVERED,
    STAT_COUNT
} StatKind;

typedef struct Stats Stats;

Stats *stats_create(void);
void stats_destroy(Stats *stats);
void stats_sample(Stats *stats, const DispatcherCounters *counters);
long stats_total(Stats *stats, StatKind kind);
double stats_rate(Stats *stats, StatKind kind, int minutes);
const char *stats_name(StatKind kind);
time_t stats_started(Stats *stats);

#endif
