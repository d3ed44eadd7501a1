/*
 * recent_errors.h - the last few failures, for the status page.
 *
 * Each entry is a time, a job name, the recipient (its number in the job,
 * from 1; 0 when the whole job failed) and a cause. Causes come from
 * provbox's own messages, which never carry a PIN, an IMSI or an entry
 * code. Thread-safe; keeps RECENT_ERRORS_KEPT entries, newest first.
 */
#ifndef PROVBOX_RECENT_ERRORS_H
#define PROVBOX_RECENT_ERRORS_H

#include <time.h>
#include "gwlib/gwlib.h"

#define RECENT_ERRORS_KEPT 20

typedef struct RecentError {
    time_t at;
    Octstr *job;
    long recipient;
    Octstr *cause;
} RecentError;

void recent_errors_init(void);
void recent_errors_shutdown(void);
void recent_errors_add(Octstr *job, long recipient, Octstr *cause);
/* A copy of the entries, newest first; free with recent_errors_free(). */
List *recent_errors_list(void);
void recent_errors_free(List *list);

#endif
