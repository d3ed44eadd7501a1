/*
 * done_sweeper.h - the thread that applies keep-done: at start-up and then
 * hourly it removes the finished jobs that have not changed for keep-done
 * days from done/ (retention.h), at most 10,000 a sweep. A thread of its
 * own, because reading a done/ of millions of jobs takes seconds that the
 * loader and the dispatcher should not wait for.
 */
#ifndef PROVBOX_DONE_SWEEPER_H
#define PROVBOX_DONE_SWEEPER_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"

typedef struct DoneSweeper DoneSweeper;

/* NULL (no thread) when keep_done_days is 0: finished jobs stay. */
DoneSweeper *done_sweeper_start(Spool *spool, long keep_done_days);
/* Waits for a sweep under way; accepts NULL. */
void done_sweeper_stop(DoneSweeper *sweeper);

#endif
