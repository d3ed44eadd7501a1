/*
 * spool_write.c - durable writes into the spool: files written whole, jobs
 * submitted, statuses staged and installed in batches, syncs (spool.h;
 * the rest of the spool is in the spool_*.c that spool_internal.h lists).
 *
 * Writes. A file is created under a dot name in its final directory
 * (O_EXCL, O_NOFOLLOW), written in full, fsync()ed, rename()d over the
 * final name, then the directory is fsync()ed. Readers see the old file or
 * the new one, never half of one. A failed fsync of a directory is logged,
 * not returned: the rename has happened and only its durability in a crash
 * at that very moment is at stake. spool_submit() writes into tmp/ and
 * renames into new/, the same contract operators follow (maildir's).
 *
 * Batches. A thread may stage several status files (spool_stage_status():
 * temp file written, not yet synced), make them durable with one
 * spool_sync_data() (syncfs: one journal commit for the lot), then install
 * them (spool_install_status()) and sync each directory once
 * (spool_sync_dirs()). A status file that replaces one is staged under a
 * temp name and installed by rename(). A new one, where the file system
 * allows, is staged unnamed (O_TMPFILE) and installed by linking it in
 * (linkat through /proc/self/fd): no temp name is created and removed,
 * two directory updates fewer, and a crash leaves no temp file behind. If
 * a status file turns out to be there already, the unnamed file is linked
 * under a temp name and renamed over it, as a named one would be.
 * The contract is the same as for single writes: a file is durable before
 * its rename, and a rename is durable before the caller acts on it.
 */
#define _GNU_SOURCE             /* syncfs, O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/spool_internal.h"

#define FILE_MODE 0660

/* A status file written, not yet installed (see Batches above). */
struct SpoolStaged {
    Octstr *path;   /* the status file it becomes */
    Octstr *temp;   /* a named temp file, or NULL */
    int fd;         /* an unnamed temp file (O_TMPFILE), or -1 */
    int no_replace; /* installed only where no file is (spool_staged_no_replace) */
};

static Octstr *temp_path(Octstr *dir)
{
    struct timeval now;

    gettimeofday(&now, NULL);
    return octstr_format("%S/" SPOOL_TEMP_PREFIX "%ld%06ld.%ld.%lu", dir, (long) now.tv_sec,
                         (long) now.tv_usec, (long) getpid(), spool_next_unique());
}

static int open_unnamed(Octstr *dir)
{
    return open(octstr_get_cstr(dir), O_WRONLY | O_TMPFILE | O_CLOEXEC, FILE_MODE);
}

/* Gives the unnamed file open on fd the name path (which must not exist). */
static int link_unnamed(int fd, Octstr *path)
{
    char proc[64];

    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, proc, AT_FDCWD, octstr_get_cstr(path), AT_SYMLINK_FOLLOW);
}

/* Unnamed temp files need O_TMPFILE support in the kernel and the file
 * system, and /proc to link them in: tried once, in tmp/. */
int spool_unnamed_temps_work(Spool *spool)
{
    Octstr *dir = spool_state_dir(spool, SPOOL_TMP), *temp = temp_path(dir);
    int fd = open_unnamed(dir), works = fd >= 0 && link_unnamed(fd, temp) == 0;

    if (works)
        unlink(octstr_get_cstr(temp));
    if (fd >= 0)
        close(fd);
    octstr_destroy(temp);
    octstr_destroy(dir);
    return works;
}

/* ---- durable writes ---- */

int spool_write_all(int fd, Octstr *content)
{
    const char *p = octstr_get_cstr(content);
    long left = octstr_len(content);
    ssize_t n;

    while (left > 0) {
        n = write(fd, p, (size_t) left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        left -= n;
    }
    return 0;
}

/* A new file at path, which must not exist (nor be a symlink). */
static int create_exclusive(Octstr *path)
{
    return open(octstr_get_cstr(path), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                FILE_MODE);
}

static int write_text(int fd, void *text)
{
    return spool_write_all(fd, text);
}

/* Creates path (which must not exist) holding what write() puts in, on disk. */
static int create_synced_by(Octstr *path, spool_writer_fn *write, void *ctx,
                            Octstr *shown, Octstr **error)
{
    const char *p = octstr_get_cstr(path);
    int fd = create_exclusive(path);
    int err;

    if (fd < 0)
        return spool_fail(error, errno, "cannot create %s", octstr_get_cstr(shown));
    if (write(fd, ctx) < 0 || fsync(fd) < 0) {
        err = errno;
        close(fd);
    } else if (close(fd) < 0)
        err = errno;
    else
        return 0;
    unlink(p);
    return spool_fail(error, err, "cannot write %s", octstr_get_cstr(shown));
}

static int create_synced(Octstr *path, Octstr *content, Octstr *shown,
                         Octstr **error)
{
    return create_synced_by(path, write_text, content, shown, error);
}

void spool_sync_dir(Octstr *dir)
{
    int fd = open(octstr_get_cstr(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0 || (fsync(fd) < 0 && errno != EINVAL))
        warning(errno, "cannot sync directory %s; a crash now could undo "
                "its last rename", octstr_get_cstr(dir));
    if (fd >= 0)
        close(fd);
}

static Octstr *dir_of(Octstr *path)
{
    long slash = octstr_rsearch_char(path, '/', octstr_len(path) - 1);

    return slash < 0 ? octstr_create(".") : octstr_copy(path, 0, slash);
}

int spool_write_file_atomic(Octstr *path, Octstr *content, Octstr **error)
{
    Octstr *dir = dir_of(path);
    Octstr *temp = temp_path(dir);
    int result = 0;

    if (create_synced(temp, content, path, error) < 0)
        result = -1;
    else if (rename(octstr_get_cstr(temp), octstr_get_cstr(path)) < 0) {
        result = spool_fail(error, errno, "cannot rename a temp file to %s",
                      octstr_get_cstr(path));
        unlink(octstr_get_cstr(temp));
    } else
        spool_sync_dir(dir);
    octstr_destroy(temp);
    octstr_destroy(dir);
    return result;
}

Octstr *spool_submit(Spool *spool, Octstr *content, Octstr **error)
{
    return spool_submit_by(spool, write_text, content, error);
}

Octstr *spool_submit_by(Spool *spool, spool_writer_fn *write, void *ctx, Octstr **error)
{
    Octstr *name = spool_new_name(spool);
    Octstr *tmp = spool_path(spool, SPOOL_TMP, name);
    Octstr *new = spool_path(spool, SPOOL_NEW, name);
    Octstr *new_dir = spool_state_dir(spool, SPOOL_NEW);

    if (create_synced_by(tmp, write, ctx, tmp, error) < 0) {
        octstr_destroy(name);
        name = NULL;
    } else if (spool_rename_noreplace(octstr_get_cstr(tmp), octstr_get_cstr(new)) < 0) {
        spool_fail(error, errno, "job %s: cannot move it from tmp/ to new/",
             octstr_get_cstr(name));
        unlink(octstr_get_cstr(tmp));
        octstr_destroy(name);
        name = NULL;
    } else {
        spool_sync_dir(new_dir);
        spool_tell_moved(spool, SPOOL_TMP, SPOOL_NEW);
    }
    octstr_destroy(tmp);
    octstr_destroy(new);
    octstr_destroy(new_dir);
    return name;
}

int spool_write_status(Spool *spool, SpoolState state, Octstr *name,
                       Octstr *text, Octstr **error)
{
    Octstr *path;
    int result;

    if (!spool_name_ok(name))
        return spool_fail(error, 0, "invalid job name");
    path = spool_status_path(spool, state, name);
    result = spool_write_file_atomic(path, text, error);
    octstr_destroy(path);
    return result;
}

/* ---- batched writes ---- */

/* An unnamed temp file when the status is new and the spool allows it,
 * else a named one; -1 + errno when neither can be made. */
static int open_staged(Spool *spool, SpoolStaged *staged, Octstr *dir, int fresh)
{
    int err;

    staged->fd = fresh && spool->unnamed_temps ? open_unnamed(dir) : -1;
    if (staged->fd >= 0)
        return 0;
    staged->temp = temp_path(dir);
    staged->fd = create_exclusive(staged->temp);
    if (staged->fd >= 0)
        return 0;
    err = errno;
    octstr_destroy(staged->temp);
    staged->temp = NULL;
    errno = err;
    return -1;
}

SpoolStaged *spool_stage_status(Spool *spool, SpoolState state, Octstr *name,
                                Octstr *text, int fresh, Octstr **error)
{
    return spool_stage_status_by(spool, state, name, write_text, text, fresh, error);
}

SpoolStaged *spool_stage_status_by(Spool *spool, SpoolState state, Octstr *name,
                                   spool_status_writer_fn *write, void *ctx, int fresh,
                                   Octstr **error)
{
    SpoolStaged *staged;
    Octstr *dir;
    int err = 0;

    if (!spool_name_ok(name)) {
        spool_fail(error, 0, "invalid job name");
        return NULL;
    }
    staged = gw_malloc(sizeof(*staged));
    staged->path = spool_status_path(spool, state, name);
    staged->temp = NULL;
    staged->no_replace = 0;
    dir = spool_state_dir(spool, state);
    if (open_staged(spool, staged, dir, fresh) < 0 || write(staged->fd, ctx) < 0)
        err = errno;
    /* a named temp file is closed now; an unnamed one is held till installed */
    if (staged->temp != NULL && staged->fd >= 0) {
        if (close(staged->fd) < 0 && err == 0)
            err = errno;
        staged->fd = -1;
    }
    octstr_destroy(dir);
    if (err == 0)
        return staged;
    spool_fail(error, err, "cannot write %s", octstr_get_cstr(staged->path));
    spool_discard_staged(staged);
    return NULL;
}

int spool_sync_data(Spool *spool, Octstr **error)
{
    int fd = open(octstr_get_cstr(spool->dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int ret = fd < 0 ? -1 : syncfs(fd);
    int err = errno;

    if (fd >= 0)
        close(fd);
    return ret < 0 ? spool_fail(error, err, "cannot sync the spool's file system") : 0;
}

/* A status file is there already after all: link the unnamed file under
 * a temp name and rename that over it. */
static int replace_with_unnamed(SpoolStaged *staged)
{
    Octstr *dir = dir_of(staged->path);
    int ret;

    staged->temp = temp_path(dir);
    octstr_destroy(dir);
    ret = link_unnamed(staged->fd, staged->temp);
    if (ret == 0)
        ret = rename(octstr_get_cstr(staged->temp), octstr_get_cstr(staged->path));
    return ret;
}

void spool_staged_no_replace(SpoolStaged *staged)
{
    staged->no_replace = 1;
}

int spool_install_status(SpoolStaged *staged, Octstr **error)
{
    const char *path = octstr_get_cstr(staged->path);
    int ret;

    if (staged->temp != NULL)
        ret = staged->no_replace
              ? spool_rename_noreplace(octstr_get_cstr(staged->temp), path)
              : rename(octstr_get_cstr(staged->temp), path);
    else if ((ret = link_unnamed(staged->fd, staged->path)) < 0 && errno == EEXIST
             && !staged->no_replace)
        ret = replace_with_unnamed(staged);
    if (ret < 0) {
        spool_fail(error, errno, "cannot install %s", path);
    } else {
        octstr_destroy(staged->temp);   /* renamed: nothing to remove */
        staged->temp = NULL;
    }
    spool_discard_staged(staged);
    return ret;
}

void spool_discard_staged(SpoolStaged *staged)
{
    if (staged == NULL)
        return;
    if (staged->fd >= 0)
        close(staged->fd);
    if (staged->temp != NULL)
        unlink(octstr_get_cstr(staged->temp));
    octstr_destroy(staged->temp);
    octstr_destroy(staged->path);
    gw_free(staged);
}

void spool_sync_dirs(Spool *spool, unsigned states)
{
    Octstr *dir;
    int s;

    for (s = 0; s < SPOOL_STATES; s++) {
        if (!(states & (1u << s)))
            continue;
        dir = spool_state_dir(spool, (SpoolState) s);
        spool_sync_dir(dir);
        octstr_destroy(dir);
    }
}
