/*
 * retention.c - removing old finished jobs from done/ (see retention.h).
 */
#include <errno.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/retention.h"
#include "spool/job_lock.h"
#include "common/log_escaped.h"

static int unlink_if_there(Octstr *path)
{
    return unlink(octstr_get_cstr(path)) == 0 || errno == ENOENT ? 0 : -1;
}

/* Status first, then the job; under its status lock; 1 = removed. */
static int remove_if_unchanged(Spool *spool, Octstr *name, time_t since)
{
    Octstr *job = spool_path(spool, SPOOL_DONE, name);
    Octstr *status = spool_status_path(spool, SPOOL_DONE, name);
    Octstr *why = NULL;
    int lock = job_lock_status(spool, name, &why), removed = 0;

    if (lock == -1) {
        log_escaped_warning(0, "Job %S stays in done/: %S", name, why);
    } else {
        if (spool_unchanged_since(spool, SPOOL_DONE, name, since)) {
            if (unlink_if_there(status) == 0 && unlink_if_there(job) == 0) {
                removed = 1;
                spool_note_removed(spool, SPOOL_DONE);
            }
            else
                log_escaped_warning(errno, "Job %S: cannot remove it from done/.", name);
        }
        job_lock_release_status(lock);
    }
    octstr_destroy(why);
    octstr_destroy(job);
    octstr_destroy(status);
    return removed;
}

long retention_sweep_done(Spool *spool, long max_age, long max)
{
    time_t since = time(NULL) - max_age;
    List *names = spool_list_unchanged(spool, SPOOL_DONE, since, max);
    Octstr *name;
    long removed = 0;

    while ((name = gwlist_extract_first(names)) != NULL) {
        removed += remove_if_unchanged(spool, name, since);
        octstr_destroy(name);
    }
    gwlist_destroy(names, NULL);
    if (removed > 0)
        info(0, "Removed %ld job(s) unchanged for %ld day(s) from done/ (keep-done).",
             removed, max_age / 86400);
    return removed;
}
