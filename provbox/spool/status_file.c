/*
 * status_file.c - in-place changes to slotted status files (status_file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/status_file.h"

/* The head is the header (a job name and an Id, escaped, and a few short
 * lines) and the state sector: far less than this. */
#define HEAD_MAX (16L * 1024)
#define HEAD_FIRST 4096L
/* Slots read at once when one is asked for: the next ones are usually
 * next (a round's recipients, a claim's walk). */
#define READ_AHEAD_SLOTS 64

struct StatusFile {
    int fd;
    Octstr *path;
    JobStatus *head;
    StatusLayout layout;
    Octstr *ahead;          /* slots from ahead_first, as read; NULL after a write */
    long ahead_first;
};

static Octstr *read_at(int fd, long offset, long len)
{
    char *buf = gw_malloc(len > 0 ? len : 1);
    long have = 0;
    ssize_t got;
    Octstr *out;

    while (have < len) {
        got = pread(fd, buf + have, len - have, offset + have);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        have += got;
    }
    out = octstr_create_from_data(buf, have);
    gw_free(buf);
    return out;
}

static int write_at(StatusFile *file, Octstr *data, long offset, Octstr **error)
{
    const char *p = octstr_get_cstr(data);
    long left = octstr_len(data);
    ssize_t put;

    while (left > 0) {
        put = pwrite(file->fd, p, left, offset);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0) {
            *error = octstr_format("cannot write %S: %s", file->path,
                                   put < 0 ? strerror(errno) : "short write");
            return -1;
        }
        p += put;
        offset += put;
        left -= put;
    }
    return 0;
}

/* A head read from the first `len` bytes is taken only when it is whole,
 * state sector included; anything else is read again up to HEAD_MAX. */
static int parse_head_within(StatusFile *file, long len, Octstr **text)
{
    Octstr *why = NULL;
    int found;

    *text = read_at(file->fd, 0, len);
    found = job_status_parse_head(*text, &file->head, &file->layout, &why);
    if (found == 1 && octstr_len(*text) >= file->layout.table_at)
        return 1;
    job_status_destroy(file->head);
    file->head = NULL;
    octstr_destroy(*text);
    octstr_destroy(why);
    *text = NULL;
    return -1;
}

/* The head of an open file: 1, 0 (1.x layout) or -1 + *error. Most heads
 * fit in the first HEAD_FIRST bytes: read those, then HEAD_MAX if not. */
static int read_head(StatusFile *file, off_t size, Octstr **error)
{
    Octstr *text = NULL;
    int found = size > HEAD_FIRST ? parse_head_within(file, HEAD_FIRST, &text) : -1;

    if (text == NULL) {
        text = read_at(file->fd, 0, size < HEAD_MAX ? (long) size : HEAD_MAX);
        found = job_status_parse_head(text, &file->head, &file->layout, error);
    }
    if (found == 1 && (octstr_len(text) < file->layout.table_at
                       || size != file->layout.table_at
                                  + file->layout.count * file->layout.slot)) {
        *error = octstr_format("%S: %ld bytes where its layout needs %ld", file->path,
                               (long) size, file->layout.table_at
                               + file->layout.count * file->layout.slot);
        found = -1;
    }
    octstr_destroy(text);
    return found;
}

/* The open and the head read, for both kinds of open: a reader refuses a
 * hard-linked status, as spool_read.c's reads do. */
static StatusFile *open_status(Octstr *path, int flags, int one_link, int *result,
                               Octstr **error)
{
    StatusFile *file = gw_malloc(sizeof(*file));
    struct stat st;
    int opened;

    memset(file, 0, sizeof(*file));
    file->path = octstr_duplicate(path);
    file->fd = open(octstr_get_cstr(path), flags | O_NOFOLLOW | O_CLOEXEC);
    opened = file->fd >= 0 && fstat(file->fd, &st) == 0;
    *result = !opened && errno == ENOENT ? STATUS_FILE_MISSING : -1;
    if (opened && S_ISREG(st.st_mode) && (!one_link || st.st_nlink == 1))
        *result = read_head(file, st.st_size, error);
    else if (*result == -1)
        *error = octstr_format("cannot open %S: %s", path, !opened ? strerror(errno)
                               : one_link ? "not a regular file with one link"
                                          : "not a regular file");
    if (*result == 1) {
        *result = 0;
        return file;
    }
    if (*result == 0)
        *result = STATUS_FILE_LEGACY;
    status_file_close(file);
    return NULL;
}

StatusFile *status_file_open(Octstr *path, int *result, Octstr **error)
{
    return open_status(path, O_RDWR, 0, result, error);
}

void status_file_close(StatusFile *file)
{
    if (file == NULL)
        return;
    if (file->fd >= 0)
        close(file->fd);
    job_status_destroy(file->head);
    octstr_destroy(file->path);
    octstr_destroy(file->ahead);
    gw_free(file);
}

const JobStatus *status_file_head(const StatusFile *file)
{
    return file->head;
}

long status_file_count(const StatusFile *file)
{
    return file->layout.count;
}

long status_file_slot_size(const StatusFile *file)
{
    return file->layout.slot;
}

static long slot_offset(const StatusFile *file, long i)
{
    return file->layout.table_at + i * file->layout.slot;
}

/* Slot i's bytes, from the slots read ahead, or with the next ones read
 * ahead (one pread() for up to READ_AHEAD_SLOTS). */
static Octstr *slot_bytes(StatusFile *file, long i)
{
    long size = file->layout.slot, n;

    if (file->ahead == NULL || i < file->ahead_first
        || (i - file->ahead_first + 1) * size > octstr_len(file->ahead)) {
        n = file->layout.count - i < READ_AHEAD_SLOTS ? file->layout.count - i
                                                      : READ_AHEAD_SLOTS;
        octstr_destroy(file->ahead);
        file->ahead = read_at(file->fd, slot_offset(file, i), n * size);
        file->ahead_first = i;
    }
    return octstr_copy(file->ahead, (i - file->ahead_first) * size, size);
}

/* What is read ahead is dropped before a slot is written: it may be read
 * again. (The state sector is not a slot.) */
static void forget_ahead(StatusFile *file)
{
    octstr_destroy(file->ahead);
    file->ahead = NULL;
}

RecipientStatus *status_file_read(StatusFile *file, long i, int *torn, Octstr **error)
{
    Octstr *slot;
    RecipientStatus *r;

    if (i < 0 || i >= file->layout.count) {
        *error = octstr_format("%S has no recipient %ld", file->path, i + 1);
        return NULL;
    }
    slot = slot_bytes(file, i);
    r = octstr_len(slot) == file->layout.slot ? job_status_parse_slot(slot, torn) : NULL;
    if (r == NULL)
        *error = octstr_format("%S: slot %ld holds no recipient", file->path, i + 1);
    octstr_destroy(slot);
    return r;
}

int status_file_write(StatusFile *file, long i, const RecipientStatus *r, Octstr **error)
{
    if (i < 0 || i >= file->layout.count) {
        *error = octstr_format("%S has no recipient %ld", file->path, i + 1);
        return -1;
    }
    return status_file_write_run(file, i, &r, 1, error);
}

int status_file_write_run(StatusFile *file, long first, const RecipientStatus *const *rs,
                          long n, Octstr **error)
{
    Octstr *run, *slot;
    long k;
    int ret;

    if (first < 0 || n < 1 || first + n > file->layout.count) {
        *error = octstr_format("%S has no recipients %ld to %ld", file->path, first + 1,
                               first + n);
        return -1;
    }
    forget_ahead(file);
    run = octstr_create("");
    for (k = 0; k < n; k++) {
        slot = job_status_format_slot(rs[k], file->layout.slot);
        octstr_append(run, slot);
        octstr_destroy(slot);
    }
    ret = write_at(file, run, slot_offset(file, first), error);
    octstr_destroy(run);
    return ret;
}

int status_file_write_state(StatusFile *file, Octstr *state, Octstr *reason,
                            Octstr **error)
{
    JobStatus *head = file->head;
    Octstr *sector;
    int ret;

    if (state != head->state) {
        octstr_destroy(head->state);
        head->state = octstr_duplicate(state);
    }
    if (reason != head->reason) {
        octstr_destroy(head->reason);
        head->reason = octstr_duplicate(reason);
    }
    sector = job_status_format_state(head);
    ret = write_at(file, sector, file->layout.state_at, error);
    octstr_destroy(sector);
    return ret;
}

int status_file_sync(StatusFile *file, Octstr **error)
{
    if (fdatasync(file->fd) == 0)
        return 0;
    *error = octstr_format("cannot sync %S: %s", file->path, strerror(errno));
    return -1;
}

/* ---- reading in order, O(1) memory (status_file_open_read, tally, cursor) ---- */

/* Slots are read this many bytes at a time (a multiple of both slot sizes). */
#define CHUNK (1024L * 1024)

StatusFile *status_file_open_read(Octstr *path, int *result, Octstr **error)
{
    return open_status(path, O_RDONLY | O_NONBLOCK, 1, result, error);
}

struct StatusCursor {
    StatusFile *file;
    char *chunk;            /* CHUNK bytes: slots [first, first + held) */
    long first, held, at;   /* at: the current slot, -1 before the first */
    RecipientStatus *parsed;    /* the current slot's, once asked for */
    int torn;
};

StatusCursor *status_cursor_create(StatusFile *file)
{
    StatusCursor *c = gw_malloc(sizeof(*c));

    c->file = file;
    c->chunk = gw_malloc(CHUNK);
    c->first = c->held = 0;
    c->at = -1;
    c->parsed = NULL;
    c->torn = 0;
    return c;
}

void status_cursor_destroy(StatusCursor *cursor)
{
    if (cursor == NULL)
        return;
    job_status_recipient_destroy(cursor->parsed);
    gw_free(cursor->chunk);
    gw_free(cursor);
}

/* Reads the slots from `first` on into the chunk. 0, or -1 + *error. */
static int fill_chunk(StatusCursor *c, long first, Octstr **error)
{
    StatusFile *file = c->file;
    long slots = CHUNK / file->layout.slot, want, done = 0;
    ssize_t got;

    if (slots > file->layout.count - first)
        slots = file->layout.count - first;
    want = slots * file->layout.slot;
    while (done < want) {
        got = pread(file->fd, c->chunk + done, want - done,
                    slot_offset(file, first) + done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            *error = octstr_format("cannot read %S: %s", file->path,
                                   got < 0 ? strerror(errno) : "it ends before its last slot");
            return -1;
        }
        done += got;
    }
    c->first = first;
    c->held = slots;
    return 0;
}

int status_cursor_next(StatusCursor *cursor, Octstr **error)
{
    job_status_recipient_destroy(cursor->parsed);
    cursor->parsed = NULL;
    if (cursor->at + 1 >= cursor->file->layout.count)
        return 0;
    cursor->at++;
    if (cursor->at >= cursor->first + cursor->held
        && fill_chunk(cursor, cursor->at, error) < 0)
        return -1;
    return 1;
}

long status_cursor_index(const StatusCursor *cursor)
{
    return cursor->at;
}

static const char *cursor_slot(const StatusCursor *cursor)
{
    return cursor->chunk + (cursor->at - cursor->first) * cursor->file->layout.slot;
}

int status_cursor_state(const StatusCursor *cursor, RecipientState *state)
{
    return job_status_slot_state(cursor_slot(cursor), cursor->file->layout.slot, state);
}

RecipientStatus *status_cursor_recipient(StatusCursor *cursor, int *torn, Octstr **error)
{
    Octstr *slot;

    if (cursor->parsed == NULL) {
        slot = octstr_create_from_data(cursor_slot(cursor), cursor->file->layout.slot);
        cursor->parsed = job_status_parse_slot(slot, &cursor->torn);
        octstr_destroy(slot);
    }
    if (cursor->parsed == NULL)
        *error = octstr_format("%S: slot %ld holds no recipient", cursor->file->path,
                               cursor->at + 1);
    *torn = cursor->torn;
    return cursor->parsed;
}

int status_file_tally(StatusFile *file, StatusTally *tally, Octstr **error)
{
    StatusCursor *c = status_cursor_create(file);
    RecipientState state;
    int more, found = 1;

    memset(tally, 0, sizeof(*tally));
    while (found >= 0 && (more = status_cursor_next(c, error)) == 1) {
        found = status_cursor_state(c, &state);
        tally->total++;
        tally->by_state[state]++;
        tally->torn += found == 0;
    }
    if (found < 0)
        *error = octstr_format("%S: slot %ld holds no recipient", file->path,
                               status_cursor_index(c) + 1);
    status_cursor_destroy(c);
    return found < 0 || more < 0 ? -1 : 0;
}

void status_tally_whole(const JobStatus *status, StatusTally *tally)
{
    RecipientStatus *r;
    long i;

    memset(tally, 0, sizeof(*tally));
    for (i = 0; i < gwlist_len(status->recipients); i++) {
        r = gwlist_get(status->recipients, i);
        tally->total++;
        tally->by_state[r->state]++;
    }
    tally->torn = status->torn;
}
