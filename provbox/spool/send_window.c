/*
 * send_window.c - parsing send windows and finding when they open and
 * close (see send_window.h).
 *
 * Whether the window is open depends only on the zone's time of day. From
 * any instant, that time of day moves on steadily until it reaches the
 * start or the end of the window, or until the zone's offset changes; the
 * window's state can change only at the first of those instants. Opening
 * and closing times are found by stepping from one such instant to the
 * next (a few steps even across a change of offset).
 */
#include <string.h>

#include "gwlib/gwlib.h"
#include "spool/send_window.h"

#define DAY 86400L
#define MAX_STEPS 32
#define FORMAT_HINT "must be like 08:00-21:00 Europe/Oslo: HH:MM-HH:MM on the 24-hour " \
                    "clock, then a time zone (a tz database name, UTC or +HH:MM)"

struct SendWindow {
    long start;         /* seconds after local midnight, below DAY */
    long end;           /* seconds after local midnight, up to DAY */
    TimeZone *zone;
    Octstr *text;
};

void send_window_destroy(SendWindow *w)
{
    if (w == NULL)
        return;
    tz_destroy(w->zone);
    octstr_destroy(w->text);
    gw_free(w);
}

Octstr *send_window_text(const SendWindow *w)
{
    return w->text;
}

static long two_digits(Octstr *s, long at)
{
    return (octstr_get_char(s, at) - '0') * 10 + octstr_get_char(s, at + 1) - '0';
}

/* HH:MM at `at` of "HH:MM-HH:MM", in seconds; -1 when no time of day
 * (24:00 is one only where allow_24). */
static long time_of_day(Octstr *s, long at, int allow_24)
{
    long h = two_digits(s, at), m = two_digits(s, at + 3);

    if (allow_24 && h == 24 && m == 0)
        return DAY;
    return h <= 23 && m <= 59 ? h * 3600 + m * 60 : -1;
}

static int times_shape(Octstr *s)
{
    static const char shape[] = "dd:dd-dd:dd";
    long i;

    if (octstr_len(s) != (long) strlen(shape))
        return 0;
    for (i = 0; shape[i] != '\0'; i++)
        if (shape[i] == 'd' ? !gw_isdigit(octstr_get_char(s, i))
                            : octstr_get_char(s, i) != shape[i])
            return 0;
    return 1;
}

/* The times of the window into w: NULL, or why they are wrong. */
static Octstr *read_times(SendWindow *w, Octstr *times)
{
    if (!times_shape(times))
        return octstr_create(FORMAT_HINT);
    w->start = time_of_day(times, 0, 0);
    w->end = time_of_day(times, 6, 1);
    if (w->start < 0)
        return octstr_create("its start is not a time of day (00:00 to 23:59)");
    if (w->end < 0)
        return octstr_create("its end is not a time of day (00:00 to 24:00)");
    if (w->start == w->end % DAY && w->end != DAY)
        return octstr_create("its start and end are the same time (00:00-24:00 is open "
                             "all day)");
    return NULL;
}

SendWindow *send_window_parse(Octstr *value, Octstr **error)
{
    List *words = octstr_split_words(value);
    long n = gwlist_len(words);
    SendWindow *w = gw_malloc(sizeof(*w));

    memset(w, 0, sizeof(*w));
    *error = n == 0 || n > 2 ? octstr_create(FORMAT_HINT) : read_times(w, gwlist_get(words, 0));
    if (*error == NULL && n == 1)
        *error = octstr_create("needs a time zone after the times, like 08:00-21:00 "
                               "Europe/Oslo (a tz database name, UTC or +HH:MM)");
    if (*error == NULL)
        w->zone = tz_load(gwlist_get(words, 1), error);
    if (*error == NULL)
        w->text = octstr_format("%S %S", gwlist_get(words, 0), gwlist_get(words, 1));
    gwlist_destroy(words, octstr_destroy_item);
    if (*error == NULL)
        return w;
    send_window_destroy(w);
    return NULL;
}

/* The zone's time of day at t, in seconds; *until as tz_offset(). */
static long local_time_of_day(const SendWindow *w, time_t t, time_t *until)
{
    long offset = tz_offset(w->zone, t, until);

    return (long) (((t + offset) % DAY + DAY) % DAY);
}

static int open_at(const SendWindow *w, long tod)
{
    if (w->start < w->end)
        return tod >= w->start && tod < w->end;
    return tod >= w->start || tod < w->end;
}

int send_window_is_open(const SendWindow *w, time_t t)
{
    return open_at(w, local_time_of_day(w, t, NULL));
}

/* The first instant after t at which the window's state may change. */
static time_t next_boundary(const SendWindow *w, time_t t)
{
    time_t until, next;
    long tod = local_time_of_day(w, t, &until), marks[2], delta;
    int k;

    next = until;
    marks[0] = w->start;
    marks[1] = w->end % DAY;
    for (k = 0; k < 2; k++) {
        delta = ((marks[k] - tod) % DAY + DAY) % DAY;
        if (delta == 0)
            delta = DAY;
        if (t + delta < next)
            next = t + delta;
    }
    return next;
}

time_t send_window_opens(const SendWindow *w, time_t t)
{
    int step;

    for (step = 0; step < MAX_STEPS && !send_window_is_open(w, t); step++)
        t = next_boundary(w, t);
    return t;
}

time_t send_window_closes(const SendWindow *w, time_t t)
{
    int step;

    if (w->start == 0 && w->end == DAY)
        return TZ_NEVER;
    for (step = 0; step < MAX_STEPS && send_window_is_open(w, t); step++)
        t = next_boundary(w, t);
    return t;
}
