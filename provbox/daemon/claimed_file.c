/*
 * claimed_file.c - noticing and undoing changes to a claimed job's file
 * (see claimed_file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "gwlib/gwlib.h"
#include "daemon/claimed_file.h"
#include "spool/job_lock.h"
#include "spool/job_status.h"

struct ClaimedFile {
    struct stat st;     /* as it was at the claim */
    Octstr *text;       /* what was read then, and so sent (borrowed) */
};

ClaimedFile *claimed_file_create(int fd, Octstr *text)
{
    ClaimedFile *cf = gw_malloc(sizeof(*cf));

    if (fstat(fd, &cf->st) < 0)
        memset(&cf->st, 0, sizeof(cf->st));
    cf->text = text;
    return cf;
}

void claimed_file_destroy(ClaimedFile *cf)
{
    if (cf == NULL)
        return;
    gw_free(cf);
}

static int same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* The claimed inode, its bytes as read then (a touch or chmod is no change). */
static int unchanged(ClaimedFile *cf, int fd)
{
    struct stat now;
    Octstr *text;
    int same;

    if (fstat(fd, &now) < 0)
        return 1;       /* cannot tell: nothing to undo */
    if (now.st_size == cf->st.st_size && same_time(now.st_mtim, cf->st.st_mtim)
        && same_time(now.st_ctim, cf->st.st_ctim))
        return 1;
    text = spool_read_open(fd, SPOOL_ACTIVE, octstr_imm("?"), octstr_len(cf->text), NULL);
    same = text != NULL && octstr_compare(text, cf->text) == 0;
    octstr_destroy(text);
    return same;
}

/* How active/NAME differs from the file claimed, or NULL. */
static Octstr *how_changed(ClaimedFile *cf, Spool *spool, Octstr *name, int lock_fd)
{
    Octstr *path = spool_path(spool, SPOOL_ACTIVE, name), *how = NULL;
    struct stat st;

    if (lstat(octstr_get_cstr(path), &st) < 0)
        how = octstr_create("its file was removed from active/ after the claim");
    else if (st.st_dev != cf->st.st_dev || st.st_ino != cf->st.st_ino)
        how = octstr_create("its file in active/ was replaced by another after the claim");
    else if (!unchanged(cf, lock_fd))
        how = octstr_create("its file in active/ was rewritten in place after the claim");
    octstr_destroy(path);
    return how;
}

/* active/.sent.<unique>: what was sent, on disk and locked; fd or -1. */
static int write_copy(ClaimedFile *cf, Octstr *path, Octstr **error)
{
    int fd = open(octstr_get_cstr(path), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0660);
    long done = 0;
    ssize_t n = 0;

    while (fd >= 0 && done < octstr_len(cf->text) && n >= 0) {
        n = write(fd, octstr_get_cstr(cf->text) + done, octstr_len(cf->text) - done);
        done += n > 0 ? n : 0;
    }
    if (fd >= 0 && n >= 0 && fsync(fd) == 0 && job_lock_own(fd) == 0)
        return fd;
    *error = octstr_format("cannot write %S: %s", path, strerror(errno));
    if (fd >= 0) {
        unlink(octstr_get_cstr(path));
        close(fd);
    }
    return -1;
}

/* The file found in active/NAME goes to failed/KEPT, never sent. */
static int keep_found(Spool *spool, Octstr *name, Octstr *kept, Octstr *how,
                      Octstr **error)
{
    JobStatus *status = job_status_create(kept, NULL);
    Octstr *text;
    int ret;

    octstr_destroy(status->state);
    status->state = octstr_create("failed");
    status->renamed_from = octstr_duplicate(name);
    status->reason = octstr_format("not sent: it is what was found in active/ as job %S "
                                   "after %S was claimed (%S); provctl requeue sends it",
                                   name, name, how);
    text = job_status_format(status);
    job_status_destroy(status);
    ret = spool_write_status(spool, SPOOL_FAILED, kept, text, error);
    octstr_destroy(text);
    if (ret == 0 && (ret = spool_move_job_as(spool, name, SPOOL_ACTIVE, SPOOL_FAILED,
                                             kept, error)) < 0) {
        text = spool_status_path(spool, SPOOL_FAILED, kept);
        unlink(octstr_get_cstr(text));
        octstr_destroy(text);
    }
    return ret < 0 ? -1 : 0;
}

/* A file found in active/NAME that is not ours is held (its ownership lock)
 * while it moves: one that another provbox holds is that one's to send.
 * Its descriptor, INT_MAX when it is ours, or -1 + *error. */
static int hold_found(ClaimedFile *cf, Spool *spool, Octstr *name, Octstr **error)
{
    Octstr *path = spool_path(spool, SPOOL_ACTIVE, name);
    int fd = job_lock_open(path, error);
    struct stat st;

    octstr_destroy(path);
    if (fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == cf->st.st_dev
        && st.st_ino == cf->st.st_ino) {
        close(fd);
        return INT_MAX;
    }
    if (fd >= 0 && job_lock_own(fd) < 0) {
        *error = octstr_format("another provbox sends the file now in active/%S", name);
        close(fd);
        fd = -1;
    }
    return fd;
}

/* The copy of what was sent becomes active/NAME, after the file found
 * there (if any) went to failed/KEPT. 0, or -1 + *error. */
static int put_back(ClaimedFile *cf, Spool *spool, Octstr *name, Octstr *how,
                    int found, int *lock_fd, Octstr **why)
{
    Octstr *kept = spool_unique_name(name), *copy_name = octstr_format(".sent.%S", kept);
    Octstr *copy = spool_path(spool, SPOOL_ACTIVE, copy_name);
    Octstr *path = spool_path(spool, SPOOL_ACTIVE, name);
    int fd = write_copy(cf, copy, why), ret = -1;

    if (fd >= 0 && found && keep_found(spool, name, kept, how, why) < 0) {
        unlink(octstr_get_cstr(copy));
    } else if (fd >= 0 && spool_rename_noreplace(octstr_get_cstr(copy), octstr_get_cstr(path)) < 0) {
        *why = octstr_format("cannot put what was sent back as %S (kept as %S): %s",
                               path, copy, strerror(errno));
    } else if (fd >= 0) {
        close(*lock_fd);
        *lock_fd = fd;
        fstat(fd, &cf->st);
        spool_sync_dirs(spool, (1u << SPOOL_ACTIVE) | (1u << SPOOL_FAILED));
        if (found)
            error(0, "Job %s: the file found in active/ is kept, not sent, as %s in failed/.",
                  octstr_get_cstr(name), octstr_get_cstr(kept));
        ret = 0;
    }
    if (ret < 0 && fd >= 0)
        close(fd);
    octstr_destroy(kept);
    octstr_destroy(copy_name);
    octstr_destroy(copy);
    octstr_destroy(path);
    return ret;
}

Octstr *claimed_file_keep_sent(ClaimedFile *cf, Spool *spool, Octstr *name, int *lock_fd)
{
    Octstr *how = how_changed(cf, spool, name, *lock_fd), *why = NULL;
    int found = -1;

    if (how == NULL)
        return NULL;
    error(0, "Job %s: %s; what was sent is what was read at the claim.",
          octstr_get_cstr(name), octstr_get_cstr(how));
    if (spool_find(spool, name) != SPOOL_ACTIVE
        || (found = hold_found(cf, spool, name, &why)) != -1) {
        if (put_back(cf, spool, name, how, found != -1, lock_fd, &why) == 0)
            octstr_append_cstr(how, "; the job keeps what was sent");
    }
    if (why != NULL) {
        error(0, "Job %s: %s", octstr_get_cstr(name), octstr_get_cstr(why));
        octstr_format_append(how, "; what was sent could not be put back: %S", why);
    }
    if (found >= 0 && found != INT_MAX)
        close(found);
    octstr_destroy(why);
    return how;
}
