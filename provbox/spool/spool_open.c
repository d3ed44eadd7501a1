/*
 * spool_open.c - opening a spool (spool.h): its directory and the six
 * state directories, created where missing (mode 0770 whatever the umask,
 * a setgid bit inherited kept) and refused when one is a symlink, not a
 * directory, or world-writable; the Spool that every other spool function
 * takes; spool_fail(), the error convention they share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/spool_internal.h"

#define DIR_MODE 0770

int spool_fail(Octstr **error, int err, const char *fmt, ...)
{
    va_list ap;
    Octstr *msg;

    if (error == NULL)
        return -1;
    va_start(ap, fmt);
    msg = octstr_format_valist(fmt, ap);
    va_end(ap);
    if (err != 0)
        octstr_format_append(msg, ": %s", strerror(err));
    *error = msg;
    return -1;
}

static int check_dir(Octstr *path, Octstr **error)
{
    struct stat st;

    if (lstat(octstr_get_cstr(path), &st) < 0)
        return spool_fail(error, errno, "spool directory %s", octstr_get_cstr(path));
    if (S_ISLNK(st.st_mode))
        return spool_fail(error, 0, "spool directory %s is a symlink; refusing it "
                    "(configure the real path)", octstr_get_cstr(path));
    if (!S_ISDIR(st.st_mode))
        return spool_fail(error, 0, "spool directory %s is %s, not a directory",
                    octstr_get_cstr(path), spool_file_kind(st.st_mode));
    if (st.st_mode & S_IWOTH)
        return spool_fail(error, 0, "spool directory %s is world-writable (mode "
                    "%04o); refusing it (chmod o-w)", octstr_get_cstr(path),
                    (unsigned) (st.st_mode & 07777));
    return 0;
}

/* mkdir, then chmod through a descriptor so the umask does not decide. The
 * setgid bit a directory inherits from a setgid spool (the packaged one is
 * 2770) stays: it gives the jobs operators write into it the spool's group. */
static int create_state_dir(Octstr *path, Octstr **error)
{
    const char *p = octstr_get_cstr(path);
    struct stat st;
    int fd;

    if (mkdir(p, DIR_MODE) < 0)
        return errno == EEXIST ? 0 : spool_fail(error, errno, "cannot create %s", p);
    fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0 || fchmod(fd, DIR_MODE | (st.st_mode & S_ISGID)) < 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        return spool_fail(error, err, "cannot set the mode of %s", p);
    }
    close(fd);
    return 0;
}

Spool *spool_open(Octstr *dir, Octstr **error)
{
    Spool *spool;
    Octstr *path;
    int s, bad = 0;

    if (create_state_dir(dir, error) < 0 || check_dir(dir, error) < 0)
        return NULL;
    spool = gw_malloc(sizeof(*spool));
    spool->dir = octstr_duplicate(dir);
    spool->host = spool_host_part();
    spool->moved = NULL;
    spool->moved_ctx = NULL;
    for (s = 0; s < SPOOL_STATES && !bad; s++) {
        path = spool_state_dir(spool, (SpoolState) s);
        bad = create_state_dir(path, error) < 0 || check_dir(path, error) < 0;
        octstr_destroy(path);
    }
    if (!bad) {
        spool->unnamed_temps = spool_unnamed_temps_work(spool);
        return spool;
    }
    spool_close(spool);
    return NULL;
}

Spool *spool_open_existing(Octstr *dir, Octstr **error)
{
    struct stat st;

    if (lstat(octstr_get_cstr(dir), &st) < 0) {
        spool_fail(error, errno, "spool directory %s", octstr_get_cstr(dir));
        return NULL;
    }
    return spool_open(dir, error);
}

void spool_close(Spool *spool)
{
    if (spool == NULL)
        return;
    octstr_destroy(spool->dir);
    octstr_destroy(spool->host);
    gw_free(spool);
}

Octstr *spool_dir(Spool *spool)
{
    return spool->dir;
}
