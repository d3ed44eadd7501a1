/*
 * tz.h - time zones for send windows: the UTC offset of a zone at any
 * instant, without touching the C library's time zone state.
 *
 * A zone is "UTC", a fixed offset "+HH:MM" / "-HH:MM", or a name of the
 * system's tz database (Europe/Oslo), whose file under $TZDIR (default
 * /usr/share/zoneinfo) provbox reads itself: TZif versions 1 to 4 (RFC
 * 8536), its transitions and, after the last of them, the POSIX rule at
 * its end (tz_rule.h).
 *
 * Why not localtime_r() with setenv("TZ") and tzset()? The TZ variable and
 * what tzset() loads are process-wide: while one thread had switched them
 * to Oslo, every other thread (gwlib's log lines, which print local time,
 * among them) would convert with Oslo's rules, and setenv() may move the
 * environment under a thread reading it. A lock of our own cannot stop
 * code that does not take it. Reading the file ourselves keeps every
 * conversion local: a loaded TimeZone is immutable, so any thread may use
 * it without a lock.
 *
 * Names are checked before any file is opened: letters, digits, '_', '-',
 * '+' and '/' between parts, starting with a letter (no '.', so nothing
 * outside the tz directory can be named). Zones counting leap seconds
 * (right/...) are refused.
 */
#ifndef PROVBOX_TZ_H
#define PROVBOX_TZ_H

#include <time.h>
#include "gwlib/gwlib.h"
#include "spool/tz_rule.h"

typedef struct TimeZone TimeZone;

/* The zone `name`, or NULL + *error (a sentence without the line number;
 * the name is repeated only when it is a plausible zone name). */
TimeZone *tz_load(Octstr *name, Octstr **error);
void tz_destroy(TimeZone *zone);

/* The zone's name as given. */
Octstr *tz_name(const TimeZone *zone);

/* The offset (seconds east of UTC) in force at t; *until (when not NULL)
 * is the next instant it may change, TZ_NEVER when it never does. */
long tz_offset(const TimeZone *zone, time_t t, time_t *until);

#endif
