/*
 * recent_errors.c - a small ring of the latest failures (recent_errors.h).
 */
#include "gwlib/gwlib.h"
#include "daemon/recent_errors.h"

static Mutex *lock;
static List *entries;   /* RecentError*, newest first */

static void entry_destroy(void *p)
{
    RecentError *e = p;

    octstr_destroy(e->job);
    octstr_destroy(e->cause);
    gw_free(e);
}

static RecentError *entry_create(time_t at, Octstr *job, long recipient, Octstr *cause)
{
    RecentError *e = gw_malloc(sizeof(*e));

    e->at = at;
    e->job = octstr_duplicate(job);
    e->recipient = recipient;
    e->cause = octstr_duplicate(cause);
    return e;
}

void recent_errors_init(void)
{
    lock = mutex_create();
    entries = gwlist_create();
}

void recent_errors_shutdown(void)
{
    gwlist_destroy(entries, entry_destroy);
    mutex_destroy(lock);
    entries = NULL;
    lock = NULL;
}

void recent_errors_add(Octstr *job, long recipient, Octstr *cause)
{
    if (lock == NULL)
        return;
    mutex_lock(lock);
    gwlist_insert(entries, 0, entry_create(time(NULL), job, recipient, cause));
    while (gwlist_len(entries) > RECENT_ERRORS_KEPT) {
        entry_destroy(gwlist_get(entries, RECENT_ERRORS_KEPT));
        gwlist_delete(entries, RECENT_ERRORS_KEPT, 1);
    }
    mutex_unlock(lock);
}

List *recent_errors_list(void)
{
    List *copy = gwlist_create();
    long i;

    if (lock == NULL)
        return copy;
    mutex_lock(lock);
    for (i = 0; i < gwlist_len(entries); i++) {
        RecentError *e = gwlist_get(entries, i);
        gwlist_append(copy, entry_create(e->at, e->job, e->recipient, e->cause));
    }
    mutex_unlock(lock);
    return copy;
}

void recent_errors_free(List *list)
{
    gwlist_destroy(list, entry_destroy);
}
