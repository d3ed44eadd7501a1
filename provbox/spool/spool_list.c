/*
 * spool_list.c - what the state directories hold (spool.h): the jobs in
 * one, listed whole, by a cursor that goes on where the last call stopped,
 * or only those unchanged since a time; how many there are and how long
 * the oldest has waited; which state a job is in, and whether a name is
 * free or taken there.
 *
 * Listing is incremental (readdir), so memory stays bounded however many
 * jobs wait, and returns only names that can be jobs (spool_name_ok(): no
 * temp files, no status files). An unreadable directory lists as empty
 * (and is logged).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/spool_internal.h"

DIR *spool_open_state_dir(Spool *spool, SpoolState state)
{
    Octstr *dir = spool_state_dir(spool, state);
    DIR *d = opendir(octstr_get_cstr(dir));

    if (d == NULL)
        error(errno, "cannot list %s", octstr_get_cstr(dir));
    octstr_destroy(dir);
    return d;
}

/* The job (a path relative to dir, or absolute) is there, and it and its
 * status, if any, were both last modified before since. A job is written
 * before its status, so a young job costs one stat(). */
static int unchanged_at(int dir, const char *job, time_t since)
{
    char status[PATH_MAX];
    struct stat st;

    if (fstatat(dir, job, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_mtime >= since)
        return 0;
    snprintf(status, sizeof(status), "%s" SPOOL_STATUS_SUFFIX, job);
    return fstatat(dir, status, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_mtime < since;
}

/* Up to max job names in a state; only those unchanged since `since`
 * unless it is 0. */
static List *list_jobs(Spool *spool, SpoolState state, long max, time_t since)
{
    List *names = gwlist_create();
    DIR *d = spool_open_state_dir(spool, state);
    struct dirent *e;

    while (d != NULL && gwlist_len(names) < max && (e = readdir(d)) != NULL)
        if (spool_name_bytes_ok(e->d_name, strlen(e->d_name))
            && (since == 0 || unchanged_at(dirfd(d), e->d_name, since)))
            gwlist_append(names, octstr_create(e->d_name));
    if (d != NULL)
        closedir(d);
    return names;
}

List *spool_list(Spool *spool, SpoolState state, long max)
{
    return list_jobs(spool, state, max, 0);
}

struct SpoolCursor {
    Spool *spool;
    SpoolState state;
    DIR *dir;           /* NULL: opened at the next call */
    int at_top;
};

SpoolCursor *spool_cursor_create(Spool *spool, SpoolState state)
{
    SpoolCursor *c = gw_malloc(sizeof(*c));

    c->spool = spool;
    c->state = state;
    c->dir = NULL;
    c->at_top = 1;
    return c;
}

List *spool_cursor_next(SpoolCursor *c, long max, int *whole)
{
    List *names = gwlist_create();
    struct dirent *e;
    int from_top = c->at_top, ended = 0;

    if (c->dir == NULL && (c->dir = spool_open_state_dir(c->spool, c->state)) == NULL) {
        *whole = 1;
        return names;
    }
    c->at_top = 0;
    while (!ended && gwlist_len(names) < max) {
        if ((e = readdir(c->dir)) == NULL)
            ended = 1;
        else if (spool_name_bytes_ok(e->d_name, strlen(e->d_name)))
            gwlist_append(names, octstr_create(e->d_name));
    }
    if (ended) {
        rewinddir(c->dir);
        c->at_top = 1;
    }
    *whole = ended && from_top;
    return names;
}

void spool_cursor_rewind(SpoolCursor *c)
{
    if (c->dir != NULL)
        closedir(c->dir);
    c->dir = NULL;
    c->at_top = 1;
}

void spool_cursor_destroy(SpoolCursor *c)
{
    if (c == NULL)
        return;
    spool_cursor_rewind(c);
    gw_free(c);
}

int spool_unchanged_since(Spool *spool, SpoolState state, Octstr *name, time_t since)
{
    Octstr *job = spool_path(spool, state, name);
    int unchanged = unchanged_at(AT_FDCWD, octstr_get_cstr(job), since);

    octstr_destroy(job);
    return unchanged;
}

List *spool_list_unchanged(Spool *spool, SpoolState state, time_t since, long max)
{
    return list_jobs(spool, state, max, since);
}

/*
 * The age is that of the oldest inode change time, which rename() sets on
 * Linux file systems: how long the oldest job has been in this state.
 * An unreadable directory counts as empty (and is logged).
 */
long spool_count(Spool *spool, SpoolState state, long *oldest_age)
{
    DIR *d = spool_open_state_dir(spool, state);
    struct dirent *e;
    struct stat st;
    time_t oldest = 0, now = time(NULL);
    long count = 0;

    while (d != NULL && (e = readdir(d)) != NULL) {
        if (!spool_name_bytes_ok(e->d_name, strlen(e->d_name)))
            continue;
        count++;
        if (oldest_age != NULL && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
            && (oldest == 0 || st.st_ctime < oldest))
            oldest = st.st_ctime;
    }
    if (d != NULL)
        closedir(d);
    if (oldest_age != NULL)
        *oldest_age = oldest == 0 ? -1 : (long) (now > oldest ? now - oldest : 0);
    return count;
}

/* Where jobs spend their lives, most looked for first: delivery reports
 * arrive for done jobs. */
static const SpoolState find_order[SPOOL_STATES] = {
    SPOOL_DONE, SPOOL_ACTIVE, SPOOL_DEFERRED, SPOOL_NEW, SPOOL_FAILED, SPOOL_TMP
};

static int find_once(Spool *spool, Octstr *name)
{
    Octstr *path;
    int i, found = -1;

    for (i = 0; i < SPOOL_STATES && found < 0; i++) {
        path = spool_path(spool, find_order[i], name);
        if (spool_exists(path))
            found = find_order[i];
        octstr_destroy(path);
    }
    return found;
}

/* A job moving while it is looked for can be missed once (say from
 * active/ to done/ between the two lookups); a miss looks again. */
int spool_find(Spool *spool, Octstr *name)
{
    int found;

    if (!spool_name_ok(name))
        return -1;
    found = find_once(spool, name);
    return found >= 0 ? found : find_once(spool, name);
}

int spool_name_free(Spool *spool, SpoolState state, Octstr *name)
{
    Octstr *job = spool_path(spool, state, name);
    Octstr *status = spool_status_path(spool, state, name);
    int free = !spool_exists(job) && !spool_exists(status);

    octstr_destroy(job);
    octstr_destroy(status);
    return free;
}

int spool_name_taken(Spool *spool, Octstr *name, SpoolState from, SpoolState to)
{
    static const SpoolState kept[] = {
        SPOOL_ACTIVE, SPOOL_DEFERRED, SPOOL_DONE, SPOOL_FAILED
    };
    Octstr *path;
    size_t i;
    int found = -1;

    for (i = 0; i < sizeof(kept) / sizeof(kept[0]) && found < 0; i++) {
        if (kept[i] == from || kept[i] == to)
            continue;
        path = spool_path(spool, kept[i], name);
        if (spool_exists(path))
            found = kept[i];
        octstr_destroy(path);
    }
    return found;
}
