/*
 * spool_recover.c - finishing what a crash interrupted (spool.h).
 *
 * A move renames the status first, then the job (spool_move.c), so a crash
 * between the two leaves a status ahead of its job: in the directory the
 * job was going to, where the job is not. The job's next reader that holds
 * its status lock brings it back (spool_read_status(), spool_fetch_status());
 * a reader without the lock reads it where it is (spool_peek_status(),
 * spool_status_where()). A status is never taken from a job that is there
 * with it.
 *
 * A write cut short leaves its temp file (".tmp.*") in the directory it
 * was written in: spool_remove_stale_temps() removes those older than a
 * write can take.
 */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/spool_internal.h"
#include "common/log_escaped.h"

/*
 * A status left behind by an interrupted move: the job is in `state`, its
 * status in a directory that does not hold the job. Returns that state, or -1.
 */
int spool_find_stray_status(Spool *spool, SpoolState state, Octstr *name)
{
    Octstr *job = spool_path(spool, state, name), *job_there, *status_there;
    int s, found = -1;

    for (s = 0; s < SPOOL_STATES && found < 0 && spool_exists(job); s++) {
        if (s == (int) state)
            continue;
        job_there = spool_path(spool, (SpoolState) s, name);
        status_there = spool_status_path(spool, (SpoolState) s, name);
        if (spool_exists(status_there) && !spool_exists(job_there))
            found = s;
        octstr_destroy(job_there);
        octstr_destroy(status_there);
    }
    octstr_destroy(job);
    return found;
}

/* Finishes such a move: brings the stray status to the job. 0 when it did. */
int spool_adopt_stray_status(Spool *spool, SpoolState state, Octstr *name)
{
    int s = spool_find_stray_status(spool, state, name), adopted = -1;
    Octstr *here, *there, *dir;

    if (s < 0)
        return -1;
    here = spool_status_path(spool, state, name);
    there = spool_status_path(spool, (SpoolState) s, name);
    if (spool_rename_noreplace(octstr_get_cstr(there), octstr_get_cstr(here)) == 0) {
        log_escaped_info(0, "job %S: took its status from %s/ to %s/, finishing an "
                         "interrupted move", name, spool_state_name(s), spool_state_name(state));
        dir = spool_state_dir(spool, state);
        spool_sync_dir(dir);
        octstr_destroy(dir);
        adopted = 0;
    }
    octstr_destroy(here);
    octstr_destroy(there);
    return adopted;
}

Octstr *spool_status_where(Spool *spool, SpoolState state, Octstr *name)
{
    Octstr *path;
    int stray;

    if (!spool_name_ok(name))
        return NULL;
    path = spool_status_path(spool, state, name);
    if (spool_exists(path))
        return path;
    octstr_destroy(path);
    stray = spool_find_stray_status(spool, state, name);
    return stray >= 0 ? spool_status_path(spool, (SpoolState) stray, name) : NULL;
}

void spool_fetch_status(Spool *spool, SpoolState state, Octstr *name)
{
    Octstr *path;

    if (!spool_name_ok(name))
        return;
    path = spool_status_path(spool, state, name);
    if (!spool_exists(path))
        spool_adopt_stray_status(spool, state, name);
    octstr_destroy(path);
}

/* Temp files provbox left behind when it died in the middle of a write. */
static long remove_stale_temps_in(Spool *spool, SpoolState state, time_t cutoff)
{
    DIR *d = spool_open_state_dir(spool, state);
    struct dirent *e;
    struct stat st;
    long removed = 0;

    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, SPOOL_TEMP_PREFIX, strlen(SPOOL_TEMP_PREFIX)) != 0)
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
            && S_ISREG(st.st_mode) && st.st_mtime < cutoff
            && unlinkat(dirfd(d), e->d_name, 0) == 0)
            removed++;
    }
    if (d != NULL)
        closedir(d);
    return removed;
}

long spool_remove_stale_temps(Spool *spool, long max_age)
{
    time_t cutoff = time(NULL) - max_age;
    long removed = 0;
    int s;

    for (s = 0; s < SPOOL_STATES; s++)
        removed += remove_stale_temps_in(spool, (SpoolState) s, cutoff);
    if (removed > 0)
        info(0, "Removed %ld temp file(s) older than %ld s left by an interrupted write in %s.",
             removed, max_age, octstr_get_cstr(spool->dir));
    return removed;
}
