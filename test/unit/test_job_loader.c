/*
 * test_job_loader.c - unit tests of provbox/daemon/job_loader.c on a real
 * spool: a backlog larger than max-pending is handed over in full while
 * the dispatcher frees slots during the loader's claiming (here: at once,
 * from the hand-over callback), with rescans an hour apart, and the loader
 * never holds more than max-pending jobs. A process that runs out of
 * descriptors while claiming fails no job: the jobs it could not open wait
 * in active/, it claims at most one a round while short, and once
 * descriptors are free again rescans take up every job, each once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <sys/stat.h>

#include "gwlib/gwlib.h"
#include "encode/wbxml.h"
#include "daemon/job_loader.h"
#include "../lib/tap.h"
#include "../lib/descriptors.h"

#define BACKLOG 1000
#define MAX_PENDING 100
#define SHORT_BACKLOG 300
#define SPARE_DESCRIPTORS 40
#define SHORT_SECONDS 3         /* the loader runs short this long */
#define DOC "<?xml version=\"1.0\"?>\n<wap-provisioningdoc>" \
            "<characteristic type=\"BOOTSTRAP\"><parm name=\"NAME\" value=\"T\"/>" \
            "</characteristic></wap-provisioningdoc>\n"

typedef struct InstantDispatcher {
    JobLoader *loader;
    Mutex *lock;
    long taken;
    long largest_handover;   /* most jobs taken in one hand-over */
    List *holding;           /* jobs kept (descriptors open), or NULL */
    Spool *spool;            /* finished jobs go to done/, or stay: NULL */
} InstantDispatcher;

static void finish(InstantDispatcher *d, ActiveJob *aj)
{
    Octstr *error = NULL;

    if (d->spool != NULL && spool_move(d->spool, aj->name, SPOOL_ACTIVE, SPOOL_DONE, &error) == -1)
        panic(0, "spool_move: %s", octstr_get_cstr(error));
    job_loader_release(d->loader, aj->name);
    active_job_destroy(aj);
}

/* A dispatcher that finishes every job at once, on the loader's thread:
 * slots come free while the loader is still claiming. With `holding` set,
 * it keeps the jobs (and their lock descriptors) instead. */
static void finish_at_once(void *ctx)
{
    InstantDispatcher *d = ctx;
    List *jobs = job_loader_take(d->loader);
    ActiveJob *aj;

    mutex_lock(d->lock);
    if (gwlist_len(jobs) > d->largest_handover)
        d->largest_handover = gwlist_len(jobs);
    while ((aj = gwlist_extract_first(jobs)) != NULL) {
        d->taken++;
        if (d->holding != NULL)
            gwlist_append(d->holding, aj);
        else
            finish(d, aj);
    }
    mutex_unlock(d->lock);
    gwlist_destroy(jobs, NULL);
}

static long taken(InstantDispatcher *d)
{
    long n;

    mutex_lock(d->lock);
    n = d->taken;
    mutex_unlock(d->lock);
    return n;
}

static int write_file(Octstr *path, Octstr *text)
{
    FILE *f = fopen(octstr_get_cstr(path), "w");
    int ok = f != NULL && fwrite(octstr_get_cstr(text), 1, octstr_len(text), f)
                          == (size_t) octstr_len(text);

    if (f != NULL && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static void drop_backlog(Octstr *dir, long jobs)
{
    long i;

    for (i = 0; i < jobs; i++) {
        Octstr *tmp = octstr_format("%S/tmp/job-%04ld", dir, i);
        Octstr *new = octstr_format("%S/new/job-%04ld", dir, i);
        Octstr *text = octstr_format("To: 47930%05ld\nSec: USERPIN\nPin: 1234\n\n%s", i, DOC);

        if (write_file(tmp, text) == -1
            || rename(octstr_get_cstr(tmp), octstr_get_cstr(new)) == -1)
            panic(errno, "cannot drop %s", octstr_get_cstr(new));
        octstr_destroy(tmp);
        octstr_destroy(new);
        octstr_destroy(text);
    }
}

static ProvboxConfig *test_config(Octstr *dir)
{
    ProvboxConfig *c = gw_malloc(sizeof(*c));

    memset(c, 0, sizeof(*c));
    c->provbox_id = octstr_create("pb-test");
    c->spool_dir = octstr_duplicate(dir);
    c->max_pending = MAX_PENDING;
    c->max_held_jobs = MAX_PENDING;
    c->max_job_size = 65536;
    c->max_segments = 255;
    c->rescan_interval = 3600;
    c->retry_delay = 1;
    c->max_retry_delay = 60;
    c->sender = octstr_create("1234");
    c->validity = -1;
    c->priority = -1;
    return c;
}

static long count_files(Octstr *dir, const char *state)
{
    Octstr *cmd = octstr_format("ls %S/%s | grep -vc '\\.status$'", dir, state);
    FILE *p = popen(octstr_get_cstr(cmd), "r");
    long n = -1;

    if (p == NULL || fscanf(p, "%ld", &n) != 1)
        n = -1;
    if (p != NULL)
        pclose(p);
    octstr_destroy(cmd);
    return n;
}

static void test_backlog_handed_over_without_rescan(Octstr *dir)
{
    ProvboxConfig *config = test_config(dir);
    Octstr *error = NULL;
    Spool *spool = spool_open(dir, &error);
    InstantDispatcher d = { NULL, mutex_create(), 0, 0, NULL, NULL };
    time_t deadline;

    if (spool == NULL)
        panic(0, "spool_open: %s", octstr_get_cstr(error));
    drop_backlog(dir, BACKLOG);
    d.loader = job_loader_create(config, spool, finish_at_once, &d);
    job_loader_start(d.loader);
    deadline = time(NULL) + 20;
    while (taken(&d) < BACKLOG && time(NULL) < deadline)
        gwthread_sleep(0.05);
    job_loader_stop(d.loader);
    ok(taken(&d) == BACKLOG,
       "a backlog of %d with max-pending %d is handed over in full, no rescan needed "
       "(handed over %ld)", BACKLOG, MAX_PENDING, taken(&d));
    ok(d.largest_handover <= MAX_PENDING, "a hand-over never exceeds max-pending (largest %ld)",
       d.largest_handover);
    ok(count_files(dir, "new") == 0 && count_files(dir, "active") == BACKLOG,
       "every job was claimed once: new/ %ld, active/ %ld",
       count_files(dir, "new"), count_files(dir, "active"));
    ok(job_loader_counters(d.loader).claimed == BACKLOG, "the loader counted %ld claims",
       job_loader_counters(d.loader).claimed);
    job_loader_destroy(d.loader);
    mutex_destroy(d.lock);
    spool_close(spool);
    config_destroy(config);
}

static void wait_until_taken(InstantDispatcher *d, long jobs, double seconds)
{
    time_t deadline = time(NULL) + (time_t) seconds;

    while (taken(d) < jobs && time(NULL) < deadline)
        gwthread_sleep(0.05);
}

/* Jobs in a state directory opened beforehand: counted without opening
 * anything, so also while descriptors are short. */
static long jobs_in(DIR *state)
{
    struct dirent *e;
    long n = 0;

    rewinddir(state);
    while ((e = readdir(state)) != NULL)
        n += e->d_name[0] != '.' && strstr(e->d_name, ".status") == NULL;
    return n;
}

static DIR *open_state(Octstr *dir, const char *state)
{
    Octstr *path = octstr_format("%S/%s", dir, state);
    DIR *d = opendir(octstr_get_cstr(path));

    if (d == NULL)
        panic(errno, "opendir %s", octstr_get_cstr(path));
    octstr_destroy(path);
    return d;
}

/* From now on finish jobs at once; finish the ones kept, too. */
static void stop_holding(InstantDispatcher *d)
{
    List *kept;
    ActiveJob *aj;

    mutex_lock(d->lock);
    kept = d->holding;
    d->holding = NULL;
    while ((aj = gwlist_extract_first(kept)) != NULL)
        finish(d, aj);
    mutex_unlock(d->lock);
    gwlist_destroy(kept, NULL);
}

static void test_short_of_descriptors(Octstr *top)
{
    Octstr *dir = octstr_format("%S/short", top), *error = NULL;
    ProvboxConfig *config = test_config(dir);
    InstantDispatcher d = { NULL, mutex_create(), 0, 0, gwlist_create(), NULL };
    DIR *new, *active, *failed, *done;
    struct rlimit before;
    long held, postponed;

    if (mkdir(octstr_get_cstr(dir), 0700) == -1 || (d.spool = spool_open(dir, &error)) == NULL)
        panic(0, "spool_open: %s", error != NULL ? octstr_get_cstr(error) : "mkdir");
    config->max_held_jobs = SHORT_BACKLOG;      /* more than the descriptors allow */
    config->rescan_interval = 1;
    drop_backlog(dir, SHORT_BACKLOG);
    new = open_state(dir, "new");
    active = open_state(dir, "active");
    failed = open_state(dir, "failed");
    done = open_state(dir, "done");
    d.loader = job_loader_create(config, d.spool, finish_at_once, &d);
    before = limit_descriptors(SPARE_DESCRIPTORS);
    job_loader_start(d.loader);
    wait_until_taken(&d, SHORT_BACKLOG, SHORT_SECONDS);
    held = taken(&d);
    ok(held > 0 && held < SHORT_BACKLOG, "with %d spare descriptors the loader took some "
       "jobs in and then ran short (%ld taken)", SPARE_DESCRIPTORS, held);
    ok(jobs_in(failed) == 0 && job_loader_counters(d.loader).rejected == 0,
       "no job failed for want of descriptors (failed/ %ld)", jobs_in(failed));
    postponed = jobs_in(active) - held;
    ok(postponed >= 1 && postponed <= SHORT_SECONDS + 2,
       "the jobs it could not open wait in active/, one claim a round at most while "
       "short (%ld in %d s)", postponed, SHORT_SECONDS);
    ok(jobs_in(new) + jobs_in(active) == SHORT_BACKLOG,
       "every other job is still in new/ (%ld)", jobs_in(new));
    restore_descriptors(before);
    stop_holding(&d);
    wait_until_taken(&d, SHORT_BACKLOG, 20);
    job_loader_stop(d.loader);
    ok(taken(&d) == SHORT_BACKLOG && jobs_in(done) == SHORT_BACKLOG && jobs_in(failed) == 0,
       "descriptors free again, every job was taken up once (%ld taken, %ld in done/)",
       taken(&d), jobs_in(done));
    closedir(new);
    closedir(active);
    closedir(failed);
    closedir(done);
    job_loader_destroy(d.loader);
    mutex_destroy(d.lock);
    spool_close(d.spool);
    config_destroy(config);
    octstr_destroy(dir);
}

int main(void)
{
    char template[] = "/tmp/provbox-loader-XXXXXX";
    Octstr *dir, *rm;

    gwlib_init();
    log_set_output_level(GW_WARNING);
    wbxml_init();
    if (mkdtemp(template) == NULL)
        panic(errno, "mkdtemp");
    dir = octstr_create(template);
    test_backlog_handed_over_without_rescan(dir);
    test_short_of_descriptors(dir);
    rm = octstr_format("rm -rf %S", dir);
    if (system(octstr_get_cstr(rm)) != 0)
        tap_diag("could not remove %s", template);
    octstr_destroy(rm);
    octstr_destroy(dir);
    gwlib_shutdown();
    return tap_done();
}
