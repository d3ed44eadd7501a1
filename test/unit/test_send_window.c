/*
 * test_send_window.c - unit tests of provbox/spool/send_window.c: windows
 * accepted and refused (each refusal names its cause and repeats no
 * value), and when they open and close: in UTC, at a fixed offset, across
 * midnight, all day, and in Europe/Oslo in summer, in winter and on the
 * days its clock jumps.
 */
#include <string.h>

#include "gwlib/gwlib.h"
#include "spool/send_window.h"
#include "../lib/tap.h"

/* Instants used below (UTC). */
#define T_2026_06_10_0000 1781049600L
#define HOURS(h) ((long) (h) * 3600L)
#define T_2026_01_15_0000 1768435200L
#define T_2026_07_01_0000 1782864000L
#define T_2026_03_28_2030 1774729800L
#define T_2026_03_29_0000 1774742400L
#define T_2026_03_29_0100 1774746000L
#define T_2026_03_29_0600 1774764000L
#define T_2026_10_24_1930 1792870200L
#define T_2026_10_25_0700 1792911600L

static SendWindow *parse(const char *text)
{
    Octstr *value = octstr_create(text), *error = NULL;
    SendWindow *w = send_window_parse(value, &error);

    if (w == NULL)
        tap_diag("'%s' refused: %s", text, octstr_get_cstr(error));
    octstr_destroy(error);
    octstr_destroy(value);
    return w;
}

static void refused(const char *text, const char *want, const char *what)
{
    Octstr *value = octstr_create(text), *error = NULL;
    SendWindow *w = send_window_parse(value, &error);
    const char *got = error != NULL ? octstr_get_cstr(error) : "";

    ok(w == NULL && strstr(got, want) != NULL, "refused: %s", what);
    if (w != NULL || strstr(got, want) == NULL)
        tap_diag("got '%s', want '%s'", got, want);
    send_window_destroy(w);
    octstr_destroy(error);
    octstr_destroy(value);
}

static void test_parse(void)
{
    SendWindow *w = parse("08:00-21:00   Europe/Oslo");

    ok(w != NULL && octstr_str_compare(send_window_text(w), "08:00-21:00 Europe/Oslo") == 0,
       "a window with a tz name, written back with one blank");
    send_window_destroy(w);
    w = parse("22:00-06:00 UTC");
    ok(w != NULL, "across midnight, UTC");
    send_window_destroy(w);
    w = parse("00:00-24:00 -03:30");
    ok(w != NULL, "all day, at a fixed offset");
    send_window_destroy(w);
    refused("08:00-21:00", "needs a time zone", "no time zone");
    refused("8:00-21:00 UTC", "must be like 08:00-21:00 Europe/Oslo", "one hour digit");
    refused("08:00 21:00 UTC", "must be like 08:00-21:00 Europe/Oslo", "no dash");
    refused("08:00-21:00 UTC today", "must be like 08:00-21:00 Europe/Oslo", "a third word");
    refused("", "must be like 08:00-21:00 Europe/Oslo", "nothing");
    refused("25:00-06:00 UTC", "its start is not a time of day", "start 25:00");
    refused("24:00-06:00 UTC", "its start is not a time of day", "start 24:00");
    refused("08:60-21:00 UTC", "its start is not a time of day", "start 08:60");
    refused("08:00-24:01 UTC", "its end is not a time of day", "end 24:01");
    refused("08:00-08:00 UTC", "start and end are the same", "start = end");
    refused("00:00-00:00 UTC", "start and end are the same", "00:00-00:00");
    refused("08:00-21:00 Europe/Olso", "unknown time zone 'Europe/Olso'", "an unknown zone");
    refused("08:00-21:00 1234", "not a time zone", "digits for a zone");
}

/* The window's state at t, when it opens from t, when it closes from t. */
static void check(const char *text, long t, int open, long opens, long closes,
                  const char *what)
{
    SendWindow *w = parse(text);
    int got_open = w != NULL && send_window_is_open(w, t);
    time_t got_opens = w != NULL ? send_window_opens(w, t) : 0;
    time_t got_closes = w != NULL ? send_window_closes(w, t) : 0;

    ok(w != NULL && got_open == open && got_opens == opens && got_closes == closes,
       "%s", what);
    if (w != NULL && (got_open != open || got_opens != opens || got_closes != closes))
        tap_diag("open %d (want %d), opens %+lld h (want %+lld), closes %+lld h (want %+lld)",
                 got_open, open, (long long) (got_opens - t) / 3600,
                 (long long) (opens - t) / 3600, (long long) (got_closes - t) / 3600,
                 (long long) (closes - t) / 3600);
    send_window_destroy(w);
}

static void test_utc_and_offsets(void)
{
    long day = T_2026_06_10_0000;

    check("08:00-21:00 UTC", day + HOURS(8) - 1, 0, day + HOURS(8), day + HOURS(8) - 1,
          "a second before the start: closed, opens at the start");
    check("08:00-21:00 UTC", day + HOURS(8), 1, day + HOURS(8), day + HOURS(21),
          "at the start: open, closes at the end");
    check("08:00-21:00 UTC", day + HOURS(21), 0, day + HOURS(32), day + HOURS(21),
          "at the end: closed, opens the next morning");
    check("22:00-06:00 UTC", day + HOURS(23), 1, day + HOURS(23), day + HOURS(30),
          "across midnight, at 23:00: open until 06:00 the next day");
    check("22:00-06:00 UTC", day + HOURS(6) - 1, 1, day + HOURS(6) - 1, day + HOURS(6),
          "across midnight, at 05:59:59: open for one more second");
    check("22:00-06:00 UTC", day + HOURS(6), 0, day + HOURS(22), day + HOURS(6),
          "across midnight, at 06:00: closed until 22:00");
    check("18:00-00:00 UTC", day + HOURS(23), 1, day + HOURS(23), day + HOURS(24),
          "an end of 00:00 is midnight");
    check("08:00-21:00 +05:30", day, 0, day + HOURS(2) + 1800, day,
          "+05:30: 08:00 there is 02:30 UTC");
    check("08:00-21:00 -03:30", day + HOURS(12), 1, day + HOURS(12), day + HOURS(24) + 1800,
          "-03:30: 21:00 there is 00:30 UTC the next day");
    check("00:00-24:00 UTC", day + 12345, 1, day + 12345, TZ_NEVER,
          "all day: open, never closes");
}

static void test_oslo(void)
{
    check("08:00-21:00 Europe/Oslo", T_2026_07_01_0000, 0, T_2026_07_01_0000 + HOURS(6),
          T_2026_07_01_0000, "Oslo in summer (+02:00): 08:00 is 06:00 UTC");
    check("08:00-21:00 Europe/Oslo", T_2026_07_01_0000 + HOURS(6), 1,
          T_2026_07_01_0000 + HOURS(6), T_2026_07_01_0000 + HOURS(19),
          "Oslo in summer: 21:00 is 19:00 UTC");
    check("08:00-21:00 Europe/Oslo", T_2026_01_15_0000, 0, T_2026_01_15_0000 + HOURS(7),
          T_2026_01_15_0000, "Oslo in winter (+01:00): 08:00 is 07:00 UTC");
    check("08:00-21:00 Europe/Oslo", T_2026_01_15_0000 + HOURS(7), 1,
          T_2026_01_15_0000 + HOURS(7), T_2026_01_15_0000 + HOURS(20),
          "Oslo in winter: 21:00 is 20:00 UTC");
    check("08:00-21:00 Europe/Oslo", T_2026_03_28_2030, 0, T_2026_03_29_0600,
          T_2026_03_28_2030, "closed at 21:30 the evening before the clock jumps: opens at "
          "08:00 summer time");
    check("02:30-21:00 Europe/Oslo", T_2026_03_29_0000, 0, T_2026_03_29_0100,
          T_2026_03_29_0000, "a start in the skipped hour opens the window when the clock "
          "jumps past it");
    check("08:00-21:00 Europe/Oslo", T_2026_10_24_1930, 0, T_2026_10_25_0700,
          T_2026_10_24_1930, "closed the evening before the clock goes back: opens at "
          "08:00 winter time");
    check("22:00-06:00 Europe/Oslo", T_2026_10_24_1930 + HOURS(2), 1,
          T_2026_10_24_1930 + HOURS(2), T_2026_10_25_0700 - HOURS(2),
          "across midnight on the night the clock goes back: closes at 06:00 winter "
          "time (05:00 UTC)");
}

int main(void)
{
    gwlib_init();
    test_parse();
    test_utc_and_offsets();
    test_oslo();
    gwlib_shutdown();
    return tap_done();
}
