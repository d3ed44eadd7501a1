/*
 * name_clash.c - moving a job under a new name when its own is taken
 * (see name_clash.h).
 *
 * The move under the new name writes the job's status in `to` first
 * (Job: NEW, Renamed-From: NAME, its record otherwise as it was), then
 * moves the job file (never over another), then removes the old status.
 * A crash before the job moves leaves the job where it was with its
 * record, and a status file without a job in `to`; a crash after it
 * leaves the old status behind, where no job of this one's records can
 * take it. Neither loses a job or gives one another's record.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/job_status.h"
#include "spool/name_clash.h"

/* A regular file is there that spool_read_status() would not read whole
 * (over its size limit, or hard-linked): a record all the same. */
static int record_held_back(Spool *spool, Octstr *name, SpoolState from)
{
    Octstr *path = spool_status_path(spool, from, name);
    struct stat st;
    int there = lstat(octstr_get_cstr(path), &st) == 0 && S_ISREG(st.st_mode);

    octstr_destroy(path);
    return there;
}

/* The job's status as it goes on as new_name; NULL + *error when it cannot
 * be read now (writing a new one would lose the record). */
static JobStatus *renamed_status(Spool *spool, Octstr *name, SpoolState from,
                                 SpoolState to, Octstr *new_name, Octstr **error)
{
    int unreadable;
    Octstr *text = spool_read_status(spool, from, name, &unreadable), *why = NULL;
    JobStatus *status = text != NULL ? job_status_parse(text, &why) : NULL;

    if (text == NULL && !unreadable && record_held_back(spool, name, from))
        why = octstr_create("it is too large to be rewritten whole, or hard-linked");
    octstr_destroy(text);
    if (unreadable || why != NULL) {
        *error = octstr_format("job %S: its name is taken in %s/, and its status "
                               "cannot be read now to go with a new name%s%S", name,
                               spool_state_name(to), why != NULL ? ": " : "", why);
        octstr_destroy(why);
        return NULL;
    }
    if (status == NULL)
        status = job_status_create(name, NULL);
    octstr_destroy(status->job);
    status->job = octstr_duplicate(new_name);
    octstr_destroy(status->renamed_from);
    status->renamed_from = octstr_duplicate(name);
    octstr_destroy(status->state);
    status->state = octstr_create(spool_state_name(to));
    return status;
}

static void remove_file(Octstr *path)
{
    if (unlink(octstr_get_cstr(path)) < 0 && errno != ENOENT)
        warning(errno, "cannot remove %s", octstr_get_cstr(path));
}

/* Status in `to` under new_name, then the job, then the old status goes. */
static int move_renamed(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
                        Octstr *new_name, Octstr **error)
{
    JobStatus *status = renamed_status(spool, name, from, to, new_name, error);
    Octstr *text, *written, *old;
    int ret;

    if (status == NULL)
        return -1;
    text = job_status_format(status);
    job_status_destroy(status);
    ret = spool_write_status(spool, to, new_name, text, error);
    octstr_destroy(text);
    if (ret < 0)
        return -1;
    written = spool_status_path(spool, to, new_name);
    old = spool_status_path(spool, from, name);
    if ((ret = spool_move_job_as(spool, name, from, to, new_name, error)) == 0)
        remove_file(old);
    else
        remove_file(written);
    octstr_destroy(written);
    octstr_destroy(old);
    return ret < 0 ? -1 : 0;
}

static int rename_and_move(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
                           SpoolState taken_in, Octstr **moved_as, Octstr **error)
{
    Octstr *new_name = spool_unique_name(name);

    if (move_renamed(spool, name, from, to, new_name, error) < 0) {
        octstr_destroy(new_name);
        return -1;
    }
    warning(0, "Job %s: another job has this name in %s/; it goes on into %s/ as "
            "%s (its status says Renamed-From: %s).", octstr_get_cstr(name),
            spool_state_name(taken_in), spool_state_name(to),
            octstr_get_cstr(new_name), octstr_get_cstr(name));
    *moved_as = new_name;
    return 0;
}

int name_clash_move(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
                    Octstr **moved_as, Octstr **error)
{
    Octstr *why = NULL;
    int ret = spool_move(spool, name, from, to, &why);

    if (ret == 0)
        *moved_as = octstr_duplicate(name);
    if (ret != SPOOL_TAKEN) {
        if (ret < 0)
            *error = why;
        return ret;
    }
    octstr_destroy(why);
    return rename_and_move(spool, name, from, to, to, moved_as, error);
}

int name_clash_claim(Spool *spool, Octstr *name, SpoolState from,
                     Octstr **moved_as, Octstr **error)
{
    int taken_in = spool_name_taken(spool, name, from, SPOOL_ACTIVE);

    if (taken_in < 0)
        return name_clash_move(spool, name, from, SPOOL_ACTIVE, moved_as, error);
    return rename_and_move(spool, name, from, SPOOL_ACTIVE, (SpoolState) taken_in,
                           moved_as, error);
}
