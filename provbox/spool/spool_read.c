/*
 * spool_read.c - careful reads of jobs and status files (spool.h).
 *
 * Only regular files with one link are read: lstat() first (a FIFO or
 * device is never opened), then open(O_NOFOLLOW | O_NONBLOCK) and fstat()
 * again against a swap in between; never more than max_size + 1 bytes are
 * read. A status is read where its job is, or, when a crash left it ahead
 * of the job, where it is (spool_recover.c). A status that cannot be read
 * just now (out of descriptors, an I/O error) says so, so that nobody
 * writes a new one over the record. All functions are thread-safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/spool_internal.h"
#include "common/log_escaped.h"

#define STATUS_MAX_SIZE (64L * 1024 * 1024)

const char *spool_file_kind(mode_t mode)
{
    if (S_ISREG(mode))
        return "a regular file";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISLNK(mode))
        return "a symlink";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    return "not a regular file";
}

/*
 * A regular file from its start (pread: the descriptor's offset is left
 * alone) to its end, but never more than max_size + 1 bytes. A short read
 * of a regular file is its end, so a small file takes one call.
 */
static Octstr *read_bounded(int fd, long max_size)
{
    char buf[16384];
    Octstr *out = octstr_create("");
    long want;
    size_t asked;
    ssize_t n;

    while ((want = max_size + 1 - octstr_len(out)) > 0) {
        asked = want < (long) sizeof(buf) ? (size_t) want : sizeof(buf);
        n = pread(fd, buf, asked, octstr_len(out));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            octstr_destroy(out);
            return NULL;
        }
        octstr_append_data(out, buf, n);
        if ((size_t) n < asked)
            break;
    }
    return out;
}

static int check_regular(struct stat *st, const char *label, long max_size,
                         Octstr **error)
{
    if (!S_ISREG(st->st_mode))
        return spool_fail(error, 0, "%s is %s, not a regular file; refusing it",
                    label, spool_file_kind(st->st_mode));
    if (st->st_nlink > 1)
        return spool_fail(error, 0, "%s has %ld hard links; refusing it (it must "
                    "be a file of its own)", label, (long) st->st_nlink);
    if (st->st_size > max_size)
        return spool_fail(error, 0, "%s is %ld bytes, more than the limit of %ld",
                    label, (long) st->st_size, max_size);
    return 0;
}

/* The whole of an open regular file (checked again through fd), or NULL + *error. */
static Octstr *read_checked_fd(int fd, const char *label, long max_size, Octstr **error)
{
    struct stat st;
    Octstr *content = NULL;

    if (fstat(fd, &st) < 0)
        spool_fail(error, errno, "%s", label);
    else if (check_regular(&st, label, max_size, error) == 0) {
        content = read_bounded(fd, max_size);
        if (content == NULL)
            spool_fail(error, errno, "%s: cannot read it", label);
        else if (octstr_len(content) > max_size) {
            spool_fail(error, 0, "%s grew beyond the limit of %ld bytes while "
                 "being read", label, max_size);
            octstr_destroy(content);
            content = NULL;
        }
    }
    return content;
}

/* Why read_regular() gave nothing: no such file; a file it refuses (not
 * regular, hard-linked, too large); or one it could not read just now
 * (out of descriptors or memory, an I/O error). */
typedef enum { READ_MISSING, READ_REFUSED, READ_FAILED } ReadFailure;

/* A regular file of at most max_size bytes, or NULL + *error (and *failure,
 * if not NULL). */
static Octstr *read_regular(Octstr *path, const char *label, long max_size,
                            Octstr **error, ReadFailure *failure)
{
    const char *p = octstr_get_cstr(path);
    struct stat st;
    Octstr *content = NULL;
    ReadFailure why = READ_FAILED;
    int fd;

    if (lstat(p, &st) < 0) {
        why = errno == ENOENT ? READ_MISSING : READ_FAILED;
        spool_fail(error, errno, "%s", label);
    } else if (check_regular(&st, label, max_size, error) < 0) {
        why = READ_REFUSED;
    } else if ((fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0) {
        why = errno == ENOENT ? READ_MISSING : READ_FAILED;
        spool_fail(error, errno, "%s: cannot open it", label);
    } else {
        content = read_checked_fd(fd, label, max_size, error);
        close(fd);
    }
    if (content == NULL && failure != NULL)
        *failure = why;
    return content;
}

Octstr *spool_read(Spool *spool, SpoolState state, Octstr *name,
                   long max_size, Octstr **error)
{
    Octstr *path, *label, *content;

    if (!spool_name_ok(name)) {
        spool_fail(error, 0, "invalid job name");
        return NULL;
    }
    path = spool_path(spool, state, name);
    label = octstr_format("job %S in %s/", name, spool_state_name(state));
    content = read_regular(path, octstr_get_cstr(label), max_size, error, NULL);
    octstr_destroy(label);
    octstr_destroy(path);
    return content;
}

Octstr *spool_read_open(int fd, SpoolState state, Octstr *name, long max_size,
                        Octstr **error)
{
    Octstr *label = octstr_format("job %S in %s/", name, spool_state_name(state));
    Octstr *content = read_checked_fd(fd, octstr_get_cstr(label), max_size, error);

    octstr_destroy(label);
    return content;
}

/* NAME.status in exactly that state: its text, or NULL + *failure (a
 * warning says why, unless there is none). */
static Octstr *read_status_in(Spool *spool, SpoolState state, Octstr *name,
                              ReadFailure *failure)
{
    Octstr *path = spool_status_path(spool, state, name);
    Octstr *label = octstr_format("status of job %S in %s/", name, spool_state_name(state));
    Octstr *text, *error = NULL;

    text = read_regular(path, octstr_get_cstr(label), STATUS_MAX_SIZE, &error, failure);
    if (text == NULL && *failure != READ_MISSING)
        log_escaped_warning(0, "%S", error);
    octstr_destroy(error);
    octstr_destroy(label);
    octstr_destroy(path);
    return text;
}

static void set_unreadable(int *unreadable, const Octstr *text, ReadFailure failure)
{
    if (unreadable != NULL)
        *unreadable = text == NULL && failure == READ_FAILED;
}

Octstr *spool_read_status(Spool *spool, SpoolState state, Octstr *name, int *unreadable)
{
    Octstr *text = NULL;
    ReadFailure failure = READ_MISSING;

    if (spool_name_ok(name)) {
        text = read_status_in(spool, state, name, &failure);
        if (text == NULL && failure == READ_MISSING
            && spool_adopt_stray_status(spool, state, name) == 0)
            text = read_status_in(spool, state, name, &failure);
    }
    set_unreadable(unreadable, text, failure);
    return text;
}

Octstr *spool_read_status_at(Spool *spool, SpoolState state, Octstr *name, int *unreadable)
{
    Octstr *text = NULL;
    ReadFailure failure = READ_MISSING;

    if (spool_name_ok(name))
        text = read_status_in(spool, state, name, &failure);
    set_unreadable(unreadable, text, failure);
    return text;
}

Octstr *spool_peek_status(Spool *spool, SpoolState state, Octstr *name)
{
    Octstr *text;
    ReadFailure failure;
    int stray;

    if (!spool_name_ok(name))
        return NULL;
    text = read_status_in(spool, state, name, &failure);
    if (text == NULL && failure == READ_MISSING
        && (stray = spool_find_stray_status(spool, state, name)) >= 0)
        text = read_status_in(spool, (SpoolState) stray, name, &failure);
    return text;
}
