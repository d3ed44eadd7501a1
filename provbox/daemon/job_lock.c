/*
 * job_lock.c - ownership and status locks on job files (see job_lock.h).
 */
#define _GNU_SOURCE             /* F_OFD_SETLK */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "gwlib/gwlib.h"
#include "daemon/job_lock.h"

#define OWNERSHIP_BYTE 0
#define STATUS_BYTE 1

int job_lock_open(Octstr *path, Octstr **error)
{
    struct stat st;
    int fd = open(octstr_get_cstr(path), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

    if (fd == -1) {
        *error = octstr_format("cannot open %S: %s", path,
                               errno == ELOOP ? "it is a symbolic link" : strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        *error = octstr_format("%S is not a regular file", path);
        close(fd);
        return -1;
    }
    return fd;
}

static int lock_byte(int fd, int byte, int command, short type)
{
    struct flock fl;

    memset(&fl, 0, sizeof(fl));
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = byte;
    fl.l_len = 1;
    return fcntl(fd, command, &fl);
}

int job_lock_own(int fd)
{
    return lock_byte(fd, OWNERSHIP_BYTE, F_OFD_SETLK, F_WRLCK) == -1 ? -1 : 0;
}

int job_lock_status(int fd)
{
    int ret;

    do {
        ret = lock_byte(fd, STATUS_BYTE, F_OFD_SETLKW, F_WRLCK);
    } while (ret == -1 && errno == EINTR);
    if (ret == -1)
        error(errno, "Cannot take a job's status lock.");
    return ret;
}

void job_lock_release_status(int fd)
{
    lock_byte(fd, STATUS_BYTE, F_OFD_SETLK, F_UNLCK);
}
