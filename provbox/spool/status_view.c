/*
 * status_view.c - a job's status for display, streamed or parsed whole
 * by its layout (see status_view.h).
 */

#include "gwlib/gwlib.h"
#include "spool/status_view.h"

struct StatusView {
    StatusFile *file;       /* slotted: read in order */
    StatusCursor *cursor;   /* created by the first status_view_next() */
    JobStatus *whole;       /* 1.x: parsed whole */
    long next;              /* 1.x: the next recipient */
};

static StatusView *view_create(StatusFile *file, JobStatus *whole)
{
    StatusView *view = gw_malloc(sizeof(*view));

    view->file = file;
    view->cursor = NULL;
    view->whole = whole;
    view->next = 0;
    return view;
}

/* The 1.x layout: read and parsed whole, as it always was. */
static StatusView *open_whole(Spool *spool, SpoolState state, Octstr *name,
                              Octstr **error)
{
    Octstr *text = spool_peek_status(spool, state, name), *why = NULL;
    JobStatus *whole = text != NULL ? job_status_parse(text, &why) : NULL;

    octstr_destroy(text);
    if (why != NULL) {
        *error = octstr_format("job %S: its status cannot be read: %S", name, why);
        octstr_destroy(why);
    }
    return whole != NULL ? view_create(NULL, whole) : NULL;
}

StatusView *status_view_open(Spool *spool, SpoolState state, Octstr *name,
                             Octstr **error)
{
    Octstr *path = spool_status_where(spool, state, name), *why = NULL;
    StatusFile *file;
    int result = STATUS_FILE_MISSING;

    file = path != NULL ? status_file_open_read(path, &result, &why) : NULL;
    octstr_destroy(path);
    if (file != NULL)
        return view_create(file, NULL);
    if (result == STATUS_FILE_LEGACY)
        return open_whole(spool, state, name, error);
    if (result == -1) {
        *error = octstr_format("job %S: its status cannot be read: %S", name, why);
        octstr_destroy(why);
    }
    return NULL;
}

void status_view_close(StatusView *view)
{
    if (view == NULL)
        return;
    status_cursor_destroy(view->cursor);
    status_file_close(view->file);
    job_status_destroy(view->whole);
    gw_free(view);
}

const JobStatus *status_view_head(const StatusView *view)
{
    return view->file != NULL ? status_file_head(view->file) : view->whole;
}

long status_view_count(const StatusView *view)
{
    return view->file != NULL ? status_file_count(view->file)
                              : gwlist_len(view->whole->recipients);
}

int status_view_tally(StatusView *view, StatusTally *tally, Octstr **error)
{
    if (view->file != NULL)
        return status_file_tally(view->file, tally, error);
    status_tally_whole(view->whole, tally);
    return 0;
}

const RecipientStatus *status_view_next(StatusView *view, Octstr **error)
{
    int torn;

    if (view->file == NULL)
        return view->next < gwlist_len(view->whole->recipients)
               ? gwlist_get(view->whole->recipients, view->next++) : NULL;
    if (view->cursor == NULL)
        view->cursor = status_cursor_create(view->file);
    if (status_cursor_next(view->cursor, error) != 1)
        return NULL;
    return status_cursor_recipient(view->cursor, &torn, error);
}
