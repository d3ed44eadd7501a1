/*
 * job_loader.h - the loader thread: finds jobs and makes them ready to send.
 *
 * It claims jobs from new/ (woken by inotify, rescanning as a fallback) and
 * due jobs from deferred/, adopts orphans in active/ (jobs whose provbox
 * died), and loads each one (job_claim.h: read, parse, compile through
 * its compile cache, size check); jobs to defer or reject go to deferred/
 * or failed/ from here. The claims of a chunk are made durable (one sync
 * of new/ and active/) before the chunk is handed to the dispatcher, so
 * nothing of a job is sent before its claim is on disk. Loading runs beside
 * the dispatcher's sending and recording instead of between them.
 *
 * It holds at most max-pending jobs (handed over or waiting to be; fewer
 * where open files are short: config->max_held_jobs, open_files.h), so
 * memory and descriptors stay bounded however many wait in new/; the
 * dispatcher releases each job it forgets. It also sweeps stale temp files
 * now and then.
 */
#ifndef PROVBOX_JOB_LOADER_H
#define PROVBOX_JOB_LOADER_H

#include "gwlib/gwlib.h"
#include "daemon/config.h"
#include "daemon/active_job.h"
#include "spool/spool.h"

typedef struct JobLoader JobLoader;

typedef struct JobLoaderCounters {
    long claimed, deferred, rejected;
} JobLoaderCounters;

/* jobs_ready(ctx) is called, on the loader thread, after each hand-over. */
JobLoader *job_loader_create(const ProvboxConfig *config, Spool *spool,
                             void (*jobs_ready)(void *ctx), void *ctx);
void job_loader_start(JobLoader *loader);
/* Stop the thread; jobs not yet taken stay claimed in active/ (released). */
void job_loader_stop(JobLoader *loader);
void job_loader_destroy(JobLoader *loader);

/* The ActiveJob*s handed over since the last call (a List, maybe empty). */
List *job_loader_take(JobLoader *loader);
int job_loader_has_jobs(JobLoader *loader);
/* The dispatcher let go of a job; job_loader_poke() once after a batch. */
void job_loader_release(JobLoader *loader, Octstr *name);
void job_loader_poke(JobLoader *loader);

void job_loader_suspend(JobLoader *loader);
void job_loader_resume(JobLoader *loader);
JobLoaderCounters job_loader_counters(JobLoader *loader);

#endif
