/*
 * recent_errors.h - the last few failures, for the status page.
 *
 * Each entry is a time, a job name and a cause. Causes come from provbox's
 * own messages, which never carry a PIN, an IMSI or an entry code.
 * Thread-safe; keeps RECENT_ERRORS_KEPT entries, newest first.
 */
#ifndef PROVBOX_RECENT_ERRORS_H
#define PROVBOX_RECENT_ERRORS_H

#include <time.h>
#include "gwlib/gwlib.h"

#define RECENT_ERRORS_KEPT 10

typedef struct RecentError {
    time_t at;
    Octstr *job;
    Octstr *cause;
} RecentError;

void recent_errors_init(void);
void recent_errors_shutdown(void);
void recent_errors_add(Octstr *job, Octstr *cause);
/* A copy of the entries, newest first; free with recent_errors_free(). */
List *recent_errors_list(void);
void recent_errors_free(List *list);

#endif
