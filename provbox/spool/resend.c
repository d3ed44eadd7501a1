/*
 * resend.c - a new job for the recipients of a finished job that did not
 * get it (see resend.h): the states asked for, the job and its status
 * found and checked, then one pass that reads the job's lines and the
 * status's recipients in step and writes the new job.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/resend.h"
#include "spool/job_lock.h"
#include "spool/job_status.h"
#include "spool/line_reader.h"
#include "spool/status_view.h"

/* The longest job line read (job.c takes header lines of 1024 bytes). */
#define LINE_BUFFER (64L * 1024)
/* The new job is written this many bytes at a time. */
#define OUT_BUFFER (64L * 1024)

/* ---- the states asked for ---- */

static const RecipientState resendable[] = {
    RCPT_QUEUED, RCPT_SENT, RCPT_UNDELIVERED, RCPT_FAILED, RCPT_EXPIRED
};

#define RESENDABLE ((int) (sizeof(resendable) / sizeof(resendable[0])))
#define STATE_LIST "queued, sent, undelivered, failed or expired"

static int add_state(Octstr *word, unsigned *states, Octstr **error)
{
    RecipientState state;

    octstr_strip_blanks(word);
    if (octstr_len(word) == 0)
        *error = octstr_create("an empty state in the list (expected " STATE_LIST ")");
    else if (recipient_state_parse(word, &state) < 0)
        *error = octstr_format("unknown state '%S' (expected " STATE_LIST ")", word);
    else if (state == RCPT_DELIVERED)
        *error = octstr_create("delivered: those phones have the message "
                               "(expected " STATE_LIST ")");
    else {
        *states |= 1u << state;
        return 0;
    }
    return -1;
}

int resend_states_parse(Octstr *list, unsigned *states, Octstr **error)
{
    List *words = octstr_split(list, octstr_imm(","));
    long i;
    int ret = 0;

    *states = 0;
    for (i = 0; ret == 0 && i < gwlist_len(words); i++)
        ret = add_state(gwlist_get(words, i), states, error);
    if (ret == 0 && *states == 0) {
        *error = octstr_create("no state given (expected " STATE_LIST ")");
        ret = -1;
    }
    gwlist_destroy(words, octstr_destroy_item);
    return ret;
}

/* "undelivered, failed" (last_joint ", ") or "undelivered or failed"
 * (" or "), in the order of resendable[]. */
static Octstr *states_shown(unsigned states, const char *last_joint)
{
    Octstr *shown = octstr_create("");
    int i, left = 0;

    for (i = 0; i < RESENDABLE; i++)
        left += (states & (1u << resendable[i])) != 0;
    for (i = 0; i < RESENDABLE; i++) {
        if (!(states & (1u << resendable[i])))
            continue;
        left--;
        octstr_append_cstr(shown, recipient_state_name(resendable[i]));
        if (left > 0)
            octstr_append_cstr(shown, left == 1 ? last_joint : ", ");
    }
    return shown;
}

/* ---- the job asked for ---- */

/* A name the new job's Resend-Of: header gives back as it is: printable
 * ASCII (the header allows nothing else), no blank at either end (the
 * parser strips those). */
static int fits_a_header(Octstr *name)
{
    long i, n = octstr_len(name);

    for (i = 0; i < n; i++)
        if (octstr_get_char(name, i) < 0x20 || octstr_get_char(name, i) > 0x7E)
            return 0;
    return octstr_get_char(name, 0) != ' ' && octstr_get_char(name, n - 1) != ' ';
}

/* Where job `name` is, done/ or failed/: 0, or -1 + *message. */
static int find_finished(Spool *spool, Octstr *name, SpoolState *state, Octstr **message)
{
    int found;

    if (!spool_name_ok(name)) {
        *message = octstr_format("'%S' is not a job name", name);
        return -1;
    }
    if (!fits_a_header(name)) {
        *message = octstr_format("job %S: its name cannot go into a Resend-Of: header "
                                 "(printable ASCII only, no blank at either end)", name);
        return -1;
    }
    found = spool_find(spool, name);
    if (found == SPOOL_DONE || found == SPOOL_FAILED) {
        *state = (SpoolState) found;
        return 0;
    }
    if (found < 0)
        *message = octstr_format("no job %S in %S", name, spool_dir(spool));
    else
        *message = octstr_format("job %S is in %s/; only jobs in done/ or failed/ "
                                 "are resent", name, spool_state_name((SpoolState) found));
    return -1;
}

/* Its status, which has some recipient in `states`: RESEND_WRITTEN (*view
 * and *tally set), or RESEND_NONE / RESEND_REFUSED + *message. */
static int open_record(Spool *spool, Octstr *name, SpoolState state, unsigned states,
                       StatusView **view, StatusTally *tally, Octstr **message)
{
    Octstr *why = NULL;
    int i;

    *view = status_view_open(spool, state, name, &why);
    if (*view != NULL && status_view_tally(*view, tally, &why) == 0) {
        for (i = 0; i < RESENDABLE; i++)
            if ((states & (1u << resendable[i])) && tally->by_state[resendable[i]] > 0)
                return RESEND_WRITTEN;
        return RESEND_NONE;
    }
    if (why != NULL)
        *message = octstr_format("job %S: %S", name, why);
    else
        *message = octstr_format("job %S has no status file: nothing says which of "
                                 "its recipients got it", name);
    octstr_destroy(why);
    return RESEND_REFUSED;
}

/* ---- the new job, in one pass ---- */

typedef struct Resend {
    Octstr *name;
    unsigned states;
    LineReader *lines;     /* the job's */
    StatusView *view;      /* its status's recipients, in step */
    Octstr *out;           /* written, not yet flushed */
    long seen, picked;     /* To: lines */
    int result;            /* RESEND_WRITTEN, or why the writing stopped */
    Octstr *why;           /* for RESEND_REFUSED */
} Resend;

/* Stops the writing (-1, errno EINVAL) with why as the reason. */
static int refuse(Resend *r, Octstr *why)
{
    r->result = RESEND_REFUSED;
    r->why = why;
    errno = EINVAL;
    return -1;
}

static int flush(Resend *r, int fd, long at_least)
{
    if (octstr_len(r->out) < at_least)
        return 0;
    if (spool_write_all(fd, r->out) < 0)
        return -1;
    octstr_truncate(r->out, 0);
    return 0;
}

/* Is the line header `name` (names are case-insensitive)? */
static int header_is(const char *line, long len, const char *name)
{
    long n = (long) strlen(name);

    return len > n && line[n] == ':' && strncasecmp(line, name, n) == 0;
}

static int blank(int c)
{
    return c == ' ' || c == '\t';
}

/* Does the To: line name msisdn (its first word)? */
static int names(const char *line, long len, Octstr *msisdn)
{
    long from = 3, to;

    while (from < len && blank(line[from]))
        from++;
    for (to = from; to < len && !blank(line[to]) && line[to] != '\r' && line[to] != '\n'; to++)
        ;
    return to - from == octstr_len(msisdn)
           && memcmp(line + from, octstr_get_cstr(msisdn), to - from) == 0;
}

/* A To: line and its recipient's slot: copied when its state is asked for. */
static int take_recipient(Resend *r, const char *line, long len)
{
    Octstr *why = NULL;
    const RecipientStatus *rs = status_view_next(r->view, &why);

    r->seen++;
    if (rs == NULL)
        return refuse(r, why != NULL ? why
                      : octstr_format("its status lists %ld recipient(s), fewer than "
                                      "its To: lines", r->seen - 1));
    if (!names(line, len, rs->msisdn))
        return refuse(r, octstr_format("its To: line %ld is not the recipient its status "
                                       "lists there; did the job change after it was sent?",
                                       r->seen));
    if (r->states & (1u << rs->state)) {
        octstr_append_data(r->out, line, len);
        r->picked++;
    }
    return 0;
}

static int take_line(Resend *r, const char *line, long len)
{
    if (header_is(line, len, "To"))
        return take_recipient(r, line, len);
    if (!header_is(line, len, "Resend-Of"))
        octstr_append_data(r->out, line, len);
    return 0;
}

/* The status has no recipient left over. */
static int all_taken(Resend *r)
{
    Octstr *why = NULL;

    if (status_view_next(r->view, &why) == NULL && why == NULL)
        return 0;
    return refuse(r, why != NULL ? why
                  : octstr_format("its status lists more recipients than its %ld To: "
                                  "line(s)", r->seen));
}

/* The empty line after the headers: LF or CR LF alone. */
static int is_empty_line(const char *line, long len)
{
    return (len == 1 && line[0] == '\n') || (len == 2 && line[0] == '\r' && line[1] == '\n');
}

/* The header lines up to the empty one, which is left in *line, *len. */
static int take_headers(Resend *r, int fd, const char **line, long *len)
{
    int got;

    while ((got = line_reader_next(r->lines, line, len)) == 1
           && !is_empty_line(*line, *len)) {
        if (take_line(r, *line, *len) < 0 || flush(r, fd, OUT_BUFFER) < 0)
            return -1;
    }
    if (got == 0)
        return refuse(r, octstr_create("its file has no empty line after the headers"));
    if (got == LINE_READER_TOO_LONG)
        return refuse(r, octstr_format("its file has a header line longer than %ld bytes",
                                       LINE_BUFFER));
    return got < 0 ? -1 : 0;
}

/* spool_submit_by()'s writer: the new job into fd. */
static int write_resend(int fd, void *ctx)
{
    Resend *r = ctx;
    const char *end;
    long len;

    if (take_headers(r, fd, &end, &len) < 0 || all_taken(r) < 0)
        return -1;
    if (r->picked == 0) {       /* the record changed since it was counted */
        r->result = RESEND_NONE;
        errno = EINVAL;
        return -1;
    }
    octstr_format_append(r->out, "Resend-Of: %S", r->name);
    octstr_append_data(r->out, end, len);
    octstr_append_data(r->out, end, len);
    if (flush(r, fd, 0) < 0)
        return -1;
    return line_reader_copy_rest(r->lines, fd);
}

/* ---- the whole ---- */

static Octstr *none_matched(Octstr *name, unsigned states, long total)
{
    Octstr *shown = states_shown(states, " or ");
    Octstr *message = octstr_format("no recipient of job %S is %S (%ld recipient(s) in all); "
                                    "no job written", name, shown, total);

    octstr_destroy(shown);
    return message;
}

/* Writes the new job: RESEND_WRITTEN and *new_name, or a result + *message. */
static int write_new_job(Spool *spool, Resend *r, Octstr **new_name, Octstr **message)
{
    Octstr *why = NULL;

    r->result = RESEND_WRITTEN;
    r->out = octstr_create("");
    *new_name = spool_submit_by(spool, write_resend, r, &why);
    octstr_destroy(r->out);
    if (*new_name != NULL) {
        octstr_destroy(why);
        return RESEND_WRITTEN;
    }
    if (r->result == RESEND_REFUSED) {
        *message = octstr_format("job %S: %S; no job written", r->name, r->why);
        octstr_destroy(r->why);
    } else if (r->result == RESEND_WRITTEN) {
        *message = octstr_format("job %S: %S", r->name, why);
        r->result = RESEND_REFUSED;
    }
    octstr_destroy(why);
    return r->result;
}

/* The job's file and status read in step into a new job. */
static int resend_from(Spool *spool, Resend *r, SpoolState state, Octstr **new_name,
                       Octstr **message)
{
    Octstr *path = spool_path(spool, state, r->name), *why = NULL;
    int fd = job_lock_open(path, &why), result;

    octstr_destroy(path);
    if (fd < 0) {
        *message = octstr_format("job %S: %S", r->name, why);
        octstr_destroy(why);
        return RESEND_REFUSED;
    }
    r->lines = line_reader_create(fd, LINE_BUFFER);
    result = write_new_job(spool, r, new_name, message);
    line_reader_destroy(r->lines);
    close(fd);
    return result;
}

int spool_resend(Spool *spool, Octstr *name, unsigned states, Octstr **new_name,
                 Octstr **message)
{
    Resend r;
    SpoolState state;
    StatusTally tally;
    Octstr *shown;
    int result;

    *new_name = *message = NULL;
    if (find_finished(spool, name, &state, message) < 0)
        return RESEND_REFUSED;
    memset(&r, 0, sizeof(r));
    r.name = name;
    r.states = states;
    result = open_record(spool, name, state, states, &r.view, &tally, message);
    if (result == RESEND_WRITTEN)
        result = resend_from(spool, &r, state, new_name, message);
    if (result == RESEND_NONE)
        *message = none_matched(name, states, tally.total);
    else if (result == RESEND_WRITTEN) {
        shown = states_shown(states, ", ");
        *message = octstr_format("%ld of %ld recipient(s) of job %S (%S)", r.picked,
                                 tally.total, name, shown);
        octstr_destroy(shown);
    }
    status_view_close(r.view);
    return result;
}
