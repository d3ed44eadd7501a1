/*
 * send_window.h - a daily send window: "08:00-21:00 Europe/Oslo".
 *
 * The value of a job's Send-Window: header and of the send-window key of
 * provbox.conf: a start and an end on the 24-hour clock (HH:MM-HH:MM; the
 * end may be 24:00), a blank, and a time zone (tz.h: a tz database name,
 * UTC or +HH:MM / -HH:MM). The window is open from the start (included)
 * to the end (excluded) on the zone's wall clock, every day; a start later
 * than the end crosses midnight (22:00-06:00). 00:00-24:00 is open all day.
 *
 * On days the zone's clock jumps, the wall clock rules: a start that falls
 * into the hour skipped in spring opens the window when the clock jumps
 * past it; in autumn a time of day that comes twice is inside or outside
 * the window both times.
 *
 * Windows are immutable once parsed, so any thread may ask them.
 */
#ifndef PROVBOX_SEND_WINDOW_H
#define PROVBOX_SEND_WINDOW_H

#include <time.h>
#include "gwlib/gwlib.h"
#include "spool/tz.h"

typedef struct SendWindow SendWindow;

/* The window in value, or NULL + *error (a sentence; it repeats no value
 * but a plausible zone name). */
SendWindow *send_window_parse(Octstr *value, Octstr **error);
void send_window_destroy(SendWindow *window);

/* "08:00-21:00 Europe/Oslo": the window as it is written back. */
Octstr *send_window_text(const SendWindow *window);

int send_window_is_open(const SendWindow *window, time_t t);
/* t when the window is open at t, else the next instant it opens. */
time_t send_window_opens(const SendWindow *window, time_t t);
/* For a window open at t: the next instant it closes (TZ_NEVER for one
 * open all day). For a closed one: t. */
time_t send_window_closes(const SendWindow *window, time_t t);

#endif
