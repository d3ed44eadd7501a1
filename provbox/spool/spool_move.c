/*
 * spool_move.c - moving jobs between states, never over another file
 * (spool.h).
 *
 * spool_move() renames NAME.status FIRST, then the job file. The job file
 * is the truth: a restart scans the state directories for job files, and a
 * job is wherever its file is. A crash between the renames leaves the
 * status ahead of the job, in the directory it was going to; the job's
 * next reader brings it back (spool_recover.c: it never takes a status
 * away from its job). So the record of what was sent survives, and a
 * second process finishing the same move concurrently is harmless (the
 * loser's rename sees ENOENT).
 *
 * Renames never replace a file: renameat2(RENAME_NOREPLACE), or link() and
 * unlink() where the file system lacks it. A name taken where the job goes
 * moves nothing (SPOOL_TAKEN; name_clash.h finds another name).
 *
 * A watcher (spool_watch_moves()) is told of each move made through the
 * Spool, and of each submit and reported removal.
 *
 * Each move fsyncs both directories before it returns, unless this thread
 * is between spool_defer_dir_syncs() and spool_sync_deferred(): then
 * spool_sync_deferred() syncs each directory it touched, once.
 */
#define _GNU_SOURCE             /* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/spool_internal.h"

/* spool_defer_dir_syncs(): per thread, the state directories to sync */
static __thread int deferring;
static __thread unsigned deferred_dirs;

void spool_watch_moves(Spool *spool, spool_moved_fn *fn, void *ctx)
{
    spool->moved = fn;
    spool->moved_ctx = ctx;
}

void spool_tell_moved(Spool *spool, SpoolState from, SpoolState to)
{
    if (spool->moved != NULL)
        spool->moved(spool->moved_ctx, from, to);
}

void spool_note_removed(Spool *spool, SpoolState state)
{
    spool_tell_moved(spool, state, SPOOL_STATES);
}

int spool_rename_by_link(const char *src, const char *dst)
{
    int err;

    if (link(src, dst) < 0)
        return -1;
    if (unlink(src) == 0)
        return 0;
    err = errno;            /* gone meanwhile: someone else moved it */
    unlink(dst);
    errno = err;
    return -1;
}

int spool_rename_noreplace(const char *src, const char *dst)
{
    if (renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    return spool_rename_by_link(src, dst);
}

static void sync_moved(Spool *spool, SpoolState from, SpoolState to)
{
    if (deferring)
        deferred_dirs |= (1u << to) | (1u << from);
    else
        spool_sync_dirs(spool, (1u << to) | (1u << from));
}

static int rename_job(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
                      Octstr *as, Octstr **error)
{
    Octstr *src = spool_path(spool, from, name), *dst = spool_path(spool, to, as);
    int result = 0;

    if (spool_rename_noreplace(octstr_get_cstr(src), octstr_get_cstr(dst)) < 0)
        result = errno == ENOENT
                 ? spool_fail(error, 0, "job %s is not in %s/", octstr_get_cstr(name),
                        spool_state_name(from))
                 : errno == EEXIST
                 ? (spool_fail(error, 0, "job %s: the name %s is taken in %s/",
                         octstr_get_cstr(name), octstr_get_cstr(as),
                         spool_state_name(to)), SPOOL_TAKEN)
                 : spool_fail(error, errno, "job %s: cannot move it from %s/ to %s/",
                        octstr_get_cstr(name), spool_state_name(from), spool_state_name(to));
    else
        spool_tell_moved(spool, from, to);
    octstr_destroy(src);
    octstr_destroy(dst);
    return result;
}

/* Renames a status file, never over another; 0 when done or there was
 * none, SPOOL_TAKEN when the target is there, -1 on other errors (logged). */
static int rename_status(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
                         Octstr *as)
{
    Octstr *src = spool_status_path(spool, from, name);
    Octstr *dst = spool_status_path(spool, to, as);
    int result = 0;

    /* Most jobs have no status yet: a lookup is cheaper than a rename that
     * fails (which takes the file system's rename lock first). */
    if (spool_exists(src) && spool_rename_noreplace(octstr_get_cstr(src), octstr_get_cstr(dst)) < 0
        && errno != ENOENT) {
        result = errno == EEXIST ? SPOOL_TAKEN : -1;
        if (result == -1)
            warning(errno, "job %s: its status cannot move from %s/ to %s/; it "
                    "follows the job when the job is next read", octstr_get_cstr(name),
                    spool_state_name(from), spool_state_name(to));
    }
    octstr_destroy(src);
    octstr_destroy(dst);
    return result;
}

static int taken(Octstr *name, SpoolState to, Octstr **error)
{
    return spool_fail(error, 0, "job %s: the name is taken in %s/", octstr_get_cstr(name),
                spool_state_name(to)), SPOOL_TAKEN;
}

/*
 * The status goes first, then the job: a move cut short by a crash leaves
 * the status where the job was going. So a job arriving somewhere finds its
 * status already there, and only a job left behind has to look for a stray
 * one (spool_read_status). Neither ever replaces a file: a name taken in
 * `to` (by a job, or by a status that is not this job's) moves nothing; a
 * job that takes the name between the two renames gets its status back.
 */
int spool_move_as(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
                  Octstr *as, Octstr **error)
{
    Octstr *dst;
    int status, result;

    if (!spool_name_ok(name) || !spool_name_ok(as))
        return spool_fail(error, 0, "invalid job name");
    dst = spool_path(spool, to, as);
    result = spool_exists(dst) ? taken(as, to, error) : 0;
    octstr_destroy(dst);
    if (result != 0)
        return result;
    if ((status = rename_status(spool, name, from, to, as)) == SPOOL_TAKEN)
        return taken(as, to, error);
    if ((result = rename_job(spool, name, from, to, as, error)) == SPOOL_TAKEN && status == 0)
        rename_status(spool, as, to, from, name);
    if (result == 0)
        sync_moved(spool, from, to);
    return result;
}

int spool_move(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
               Octstr **error)
{
    return spool_move_as(spool, name, from, to, name, error);
}

/* The status is in `to` already: a job that took the name meanwhile
 * must not keep it, so it goes back (unless a status is there again). */
int spool_move_job_as(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
                      Octstr *as, Octstr **error)
{
    int result;

    if (!spool_name_ok(name) || !spool_name_ok(as))
        return spool_fail(error, 0, "invalid job name");
    result = rename_job(spool, name, from, to, as, error);
    if (result == SPOOL_TAKEN)
        rename_status(spool, as, to, from, name);
    else if (result == 0)
        sync_moved(spool, from, to);
    return result;
}

int spool_move_job(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
                   Octstr **error)
{
    return spool_move_job_as(spool, name, from, to, name, error);
}

void spool_defer_dir_syncs(void)
{
    deferring = 1;
}

void spool_sync_deferred(Spool *spool)
{
    unsigned dirs = deferred_dirs;

    deferring = 0;
    deferred_dirs = 0;
    spool_sync_dirs(spool, dirs);
}
