/*
 * spool_census.h - how many jobs each spool state holds, kept by the
 * daemon so that the status page never reads a state directory.
 *
 * One scan at start (a readdir of each state; a stat() per job in new/
 * and deferred/ for the oldest waiting one), then the counts follow every
 * move this process makes through the Spool (spool_watch_moves(): claims,
 * deferrals, finished jobs, requeues, resends, sendota jobs, keep-done
 * removals) under a mutex, at no cost to the request path. A thread
 * rescans every RESCAN_MIN seconds (or a hundred times as long as the
 * last scan took, so that a done/ of millions costs at most 1% of a
 * core), which brings in what others did: jobs operators drop into new/
 * or remove, provctl's requeues, another provbox on the same spool. A
 * count never goes below 0: a job this process moves out of a state it
 * had not counted there arrived unseen. So a count is exact for this
 * process's own moves, and at most one rescan interval behind for the
 * rest (a move made while its directory is being read may be missed until
 * the next scan). The oldest waiting job is the last scan's, unless new/
 * and deferred/ have emptied since (none) or filled from empty (now).
 */
#ifndef PROVBOX_SPOOL_CENSUS_H
#define PROVBOX_SPOOL_CENSUS_H

#include <time.h>
#include "gwlib/gwlib.h"
#include "spool/spool.h"

typedef struct SpoolCensus SpoolCensus;

typedef struct SpoolCensusCounts {
    long jobs[SPOOL_STATES];    /* per state directory (tmp/ is not counted) */
    time_t oldest_waiting;      /* when the oldest job in new/ or deferred/
                                 * got there (inode change time); 0: none */
    time_t scanned;             /* when the last scan ended */
} SpoolCensusCounts;

/* Scans now, watches the spool's moves, starts the rescanning thread. */
SpoolCensus *spool_census_start(Spool *spool);
/* Stops the thread and the watching; accepts NULL. */
void spool_census_stop(SpoolCensus *census);
SpoolCensusCounts spool_census_counts(SpoolCensus *census);

#endif
