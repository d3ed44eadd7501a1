/*
 * line_reader.c - lines of a file through one buffer (see line_reader.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/line_reader.h"

struct LineReader {
    int fd;
    char *buf;
    long size;
    long start, end;    /* bytes [start, end) not given out yet */
    int eof;
};

LineReader *line_reader_create(int fd, long size)
{
    LineReader *r = gw_malloc(sizeof(*r));

    r->fd = fd;
    r->buf = gw_malloc(size);
    r->size = size;
    r->start = r->end = 0;
    r->eof = 0;
    return r;
}

void line_reader_destroy(LineReader *reader)
{
    if (reader == NULL)
        return;
    gw_free(reader->buf);
    gw_free(reader);
}

/* Moves what is left to the front and reads more after it: the bytes
 * read (0 at the end of the file), or -1 with errno set. */
static long refill(LineReader *r)
{
    ssize_t got;

    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
    do
        got = read(r->fd, r->buf + r->end, r->size - r->end);
    while (got < 0 && errno == EINTR);
    if (got > 0)
        r->end += got;
    r->eof = got == 0;
    return got;
}

int line_reader_next(LineReader *reader, const char **line, long *len)
{
    LineReader *r = reader;
    char *lf;

    for (;;) {
        lf = memchr(r->buf + r->start, '\n', r->end - r->start);
        if (lf != NULL || (r->eof && r->end > r->start)) {
            *line = r->buf + r->start;
            *len = lf != NULL ? lf + 1 - *line : r->end - r->start;
            r->start += *len;
            return 1;
        }
        if (r->eof)
            return 0;
        if (r->start == 0 && r->end == r->size)
            return LINE_READER_TOO_LONG;
        if (refill(r) < 0)
            return -1;
    }
}

/* All of [data, data + len) to fd: 0, or -1 with errno set. */
static int write_all(int fd, const char *data, long len)
{
    ssize_t n;

    while (len > 0) {
        n = write(fd, data, (size_t) len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        len -= n;
    }
    return 0;
}

int line_reader_copy_rest(LineReader *reader, int out)
{
    LineReader *r = reader;

    for (;;) {
        if (write_all(out, r->buf + r->start, r->end - r->start) < 0)
            return -1;
        r->start = r->end;
        if (r->eof)
            return 0;
        if (refill(r) < 0)
            return -1;
    }
}
