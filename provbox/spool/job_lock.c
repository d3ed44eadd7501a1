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

    if (fd == -1) {
        *error = octstr_format("cannot open %S: %s", path,
                               errno == ELOOP ? "it is a symbolic link" : strerror(errno));
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
    unsigned long h = 5381;
    long i;

    for (i = 0; i < octstr_len(name); i++)
        h = h * 33 + (unsigned char) octstr_get_char(name, i);
    return (long) (h % STATUS_LOCK_SLOTS);
}

static int lock_status(Spool *spool, Octstr *name, int wait, Octstr **error);

int job_lock_status(Spool *spool, Octstr *name, Octstr **error)
{
    return lock_status(spool, name, 1, error);
}

int job_lock_status_try(Spool *spool, Octstr *name, Octstr **error)
{
    return lock_status(spool, name, 0, error);
}

static int lock_status(Spool *spool, Octstr *name, int wait, Octstr **error)
{
    Octstr *path = octstr_format("%S/%s", spool_dir(spool), STATUS_LOCK_FILE);
    struct flock fl;
    int fd, ret;

    fd = open(octstr_get_cstr(path), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0660);
    if (fd == -1) {
        *error = octstr_format("cannot open the status lock file %S: %s", path, strerror(errno));
        octstr_destroy(path);
        return -1;
    }
    octstr_destroy(path);
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = slot_of(name);
    fl.l_len = 1;
    do {
        ret = fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl);
    } while (ret == -1 && errno == EINTR);
    if (ret == -1 && !wait && (errno == EAGAIN || errno == EACCES)) {
        close(fd);
        return JOB_LOCK_BUSY;
    }
    if (ret == -1) {
        *error = octstr_format("job %S: cannot take its status lock: %s", name, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

void job_lock_release_status(int handle)
{
    close(handle);      /* closing the description drops its OFD lock */
}
