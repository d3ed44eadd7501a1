/*
 * job_lock.c - ownership and status locks on jobs (see job_lock.h).
 */
#define _GNU_SOURCE             /* F_OFD_SETLKW */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "gwlib/gwlib.h"
#include "spool/job_lock.h"

#define STATUS_LOCK_FILE ".status-locks"
#define STATUS_LOCK_SLOTS 65521     /* a prime: bytes of the lock file used */

int job_lock_open(Octstr *path, Octstr **error)
{
    struct stat st;
    int fd = open(octstr_get_cstr(path), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    int err = errno;

    if (fd == -1) {
        *error = octstr_format("cannot open %S: %s", path,
                               err == ELOOP ? "it is a symbolic link" : strerror(err));
        errno = err;
        return -1;
    }
    if (fstat(fd, &st) == -1) {
        *error = octstr_format("cannot stat %S: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        *error = octstr_format("%S is %s, not a regular file; refusing it", path,
                               spool_file_kind(st.st_mode));
        close(fd);
        return -1;
    }
    return fd;
}

int job_lock_own(int fd)
{
    return flock(fd, LOCK_EX | LOCK_NB) == -1 ? -1 : 0;
}

static long slot_of(Octstr *name)
{
    const unsigned char *c = (const unsigned char *) octstr_get_cstr(name);
    unsigned long h = 5381;
    long i, n = octstr_len(name);

    for (i = 0; i < n; i++)
        h = h * 33 + c[i];
    return (long) (h % STATUS_LOCK_SLOTS);
}

static int open_lock_file(Spool *spool, Octstr **error)
{
    Octstr *path = octstr_format("%S/%s", spool_dir(spool), STATUS_LOCK_FILE);
    int fd = open(octstr_get_cstr(path), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0660);

    if (fd == -1)
        *error = octstr_format("cannot open the status lock file %S: %s", path, strerror(errno));
    octstr_destroy(path);
    return fd;
}

/* 0, JOB_LOCK_BUSY (only when not waiting), or -1 + *error. */
static int lock_slot(int fd, Octstr *name, int wait, Octstr **error)
{
    struct flock fl;
    int ret;

    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = slot_of(name);
    fl.l_len = 1;
    do {
        ret = fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl);
    } while (ret == -1 && errno == EINTR);
    if (ret == 0)
        return 0;
    if (!wait && (errno == EAGAIN || errno == EACCES))
        return JOB_LOCK_BUSY;
    *error = octstr_format("job %S: cannot take its status lock: %s", name, strerror(errno));
    return -1;
}

int job_lock_status(Spool *spool, Octstr *name, Octstr **error)
{
    int fd = open_lock_file(spool, error);

    if (fd != -1 && lock_slot(fd, name, 1, error) == -1) {
        close(fd);
        return -1;
    }
    return fd;
}

int job_lock_status_set_open(Spool *spool, Octstr **error)
{
    return open_lock_file(spool, error);
}

int job_lock_status_add(int set, Octstr *name, int wait, Octstr **error)
{
    return lock_slot(set, name, wait, error);
}

void job_lock_status_set_release(int set)
{
    close(set);         /* closing the description drops all its locks */
}

void job_lock_release_status(int handle)
{
    close(handle);      /* closing the description drops its OFD lock */
}
