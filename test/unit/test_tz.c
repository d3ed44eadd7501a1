/*
 * test_tz.c - unit tests of provbox/spool/tz.c and tz_rule.c: POSIX rules
 * parsed and applied (northern and southern daylight saving, all-year
 * daylight saving, every date form), names and offsets accepted and
 * refused (nothing outside the tz directory can be named), zone files
 * read (fat files of the system; a slim file and broken ones written here
 * under TZDIR), and the offsets of real zones against the C library's own
 * conversion (setenv("TZ") is fine in this single-threaded test, and is
 * exactly what provbox must not do in its threads).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/tz.h"
#include "../lib/tap.h"
#include "../lib/scratch.h"

/* ---- rules ---- */

static void rule_offsets(const char *text, time_t t, long want, time_t want_until,
                         const char *what)
{
    TzRule r;
    time_t until = 0;
    long got = 0;
    int parsed = tz_rule_parse(text, (long) strlen(text), &r) == 0;

    if (parsed)
        got = tz_rule_offset(&r, t, &until);
    ok(parsed && got == want && until == want_until, "%s", what);
    if (!parsed || got != want || until != want_until)
        tap_diag("parsed %d, offset %ld (want %ld), until %lld (want %lld)", parsed, got,
                 want, (long long) until, (long long) want_until);
}

static void rule_refused(const char *text, const char *what)
{
    TzRule r;

    ok(tz_rule_parse(text, (long) strlen(text), &r) == -1, "rule refused: %s", what);
}

static void test_rules(void)
{
    static const char oslo[] = "CET-1CEST,M3.5.0,M10.5.0/3";
    static const char sydney[] = "AEST-10AEDT,M10.1.0,M4.1.0/3";

    rule_offsets(oslo, 2216249999, 3600, 2216250000,
                 "Oslo's rule: winter 2040 until the last Sunday of March, 01:00 UTC");
    rule_offsets(oslo, 2216250000, 7200, 2234998800,
                 "Oslo's rule: summer from then until the last Sunday of October");
    rule_offsets(oslo, 2234998800, 3600, 2248304400,
                 "Oslo's rule: winter again until March 2041 (Sunday 31st)");
    rule_offsets(sydney, 2368051200, 39600, 2374675200,
                 "southern rule: January 2045 is summer (AEDT, +11), until April");
    rule_offsets(sydney, 2383689600, 36000, 2390400000,
                 "southern rule: July 2045 is winter (+10), until October");
    rule_offsets("<+03>-3", 0, 10800, TZ_NEVER, "a quoted name, no daylight saving");
    rule_offsets("EST5", 1781078400, -18000, TZ_NEVER, "west of Greenwich, no rule");
    rule_offsets("EST5EDT,0/0,J365/25", 1781078400, -14400, TZ_NEVER,
                 "daylight saving all year (RFC 8536 example)");
    rule_offsets("XXX3YYY,J60/2,J61/2", 1709078400, -10800, 1709269200,
                 "Jn never counts February 29: J60 is March 1st in 2024 too");
    rule_offsets("XXX3YYY,59/2,60/2", 1709096400, -10800, 1709182800,
                 "n counts February 29: 59 is February 29th in 2024");
    rule_offsets("NST3:30NDT,M3.2.0,M11.1.0", 1768435200, -12600, 1772947800,
                 "offsets with minutes (Newfoundland), until the second Sunday of March");
    rule_refused("CET", "no offset");
    rule_refused("CET-1CEST", "daylight saving without its rule");
    rule_refused("XX-1", "a name of two letters");
    rule_refused("CET-25", "an offset beyond 24 hours");
    rule_refused("CET-1CEST,M13.1.0,M10.5.0", "month 13");
    rule_refused("CET-1CEST,M3.6.0,M10.5.0", "week 6");
    rule_refused("CET-1CEST,J366,M10.5.0", "J366");
    rule_refused("CET-1CEST,M3.5.0,M10.5.0/168", "a transition time beyond 167 hours");
    rule_refused("CET-1 ", "text after the rule");
    rule_refused("<+0>-1", "a quoted name of two characters");
}

/* ---- names ---- */

static void loads(const char *name, time_t t, long want, const char *what)
{
    Octstr *error = NULL, *n = octstr_create(name);
    TimeZone *z = tz_load(n, &error);
    long got = z != NULL ? tz_offset(z, t, NULL) : 0;

    ok(z != NULL && got == want, "%s", what);
    if (z == NULL)
        tap_diag("error: %s", octstr_get_cstr(error));
    else if (got != want)
        tap_diag("offset %ld, want %ld", got, want);
    tz_destroy(z);
    octstr_destroy(error);
    octstr_destroy(n);
}

static void refused(const char *name, const char *want, const char *must_not,
                    const char *what)
{
    Octstr *error = NULL, *n = octstr_create(name);
    TimeZone *z = tz_load(n, &error);
    const char *text = error != NULL ? octstr_get_cstr(error) : "";
    int named = strstr(text, want) != NULL;
    int leaks = must_not != NULL && strstr(text, must_not) != NULL;

    ok(z == NULL && named && !leaks, "refused: %s", what);
    if (z != NULL || !named || leaks)
        tap_diag("got '%s', want '%s'", text, want);
    tz_destroy(z);
    octstr_destroy(error);
    octstr_destroy(n);
}

static void test_names(void)
{
    loads("UTC", 1781078400, 0, "UTC");
    loads("+05:30", 1781078400, 19800, "a fixed offset east");
    loads("-03:30", 1781078400, -12600, "a fixed offset west");
    loads("+18:00", 0, 64800, "the largest fixed offset");
    loads("Europe/Oslo", 1768478400, 3600, "Europe/Oslo in January: +01:00");
    loads("Europe/Oslo", 1782907200, 7200, "Europe/Oslo in July: +02:00");
    loads("Europe/Oslo", 2224713600, 7200, "Europe/Oslo in July 2040 (after the file's "
          "transitions: its rule)");
    loads("Asia/Kathmandu", 1768435200, 20700, "Asia/Kathmandu: +05:45");
    loads("Australia/Sydney", 1768435200, 39600, "Australia/Sydney in January: +11:00");
    loads("Etc/GMT+5", 1768435200, -18000, "a name with '+' (Etc/GMT+5 is UTC-5)");
    refused("Europe/Olso", "unknown time zone 'Europe/Olso'", NULL, "a misspelt zone, named");
    refused("../../etc/passwd", "not a time zone", "passwd", "a path out of the tz directory");
    refused("/etc/localtime", "not a time zone", "localtime", "an absolute path");
    refused("Europe/../Europe/Oslo", "not a time zone", NULL, "dots");
    refused("Europe//Oslo", "not a time zone", NULL, "an empty part");
    refused("Europe/", "not a time zone", NULL, "a trailing slash");
    refused("Europe", "unknown time zone", NULL, "a directory of the tz database");
    refused("1234", "not a time zone", "1234", "digits (perhaps a PIN) are not repeated");
    refused("+19:00", "not a time zone", NULL, "an offset beyond 18 hours");
    refused("+1:00", "not a time zone", NULL, "an offset without two hour digits");
    refused("utc", "unknown time zone", NULL, "utc in lower case");
    refused("right/Europe/Oslo", "counts leap seconds", NULL, "a right/ zone");
}

/* ---- files written here ---- */

static void put32(unsigned char *p, long v)
{
    p[0] = (unsigned char) (v >> 24);
    p[1] = (unsigned char) (v >> 16);
    p[2] = (unsigned char) (v >> 8);
    p[3] = (unsigned char) v;
}

/* A TZif v2 file without transitions: one type, the given rule. */
static Octstr *slim_file(long utoff, const char *footer, long leaps)
{
    unsigned char head[44], type[6] = { 0 };
    Octstr *out = octstr_create("");
    int block;

    memset(head, 0, sizeof(head));
    memcpy(head, "TZif2", 5);
    put32(head + 28, leaps);
    put32(head + 36, 1);
    put32(head + 40, 4);
    put32(type, utoff);
    for (block = 0; block < 2; block++) {
        octstr_append_data(out, (char *) head, sizeof(head));
        octstr_append_data(out, (char *) type, sizeof(type));
        octstr_append_data(out, "CET", 4);
        if (leaps > 0)
            octstr_append_data(out, "\0\0\0\0\0\0\0\0\0\0\0\0", block == 0 ? 8 : 12);
    }
    octstr_format_append(out, "\n%s\n", footer);
    return out;
}

static void write_zone(const char *dir, const char *name, Octstr *bytes)
{
    Octstr *path = octstr_format("%s/%s", dir, name);
    FILE *f = fopen(octstr_get_cstr(path), "wb");

    if (f != NULL) {
        fwrite(octstr_get_cstr(bytes), 1, octstr_len(bytes), f);
        fclose(f);
    }
    octstr_destroy(path);
    octstr_destroy(bytes);
}

static void test_files(void)
{
    char dir[] = "/tmp/test_tz.XXXXXX";
    Octstr *truncated = slim_file(3600, "CET-1CEST,M3.5.0,M10.5.0/3", 0);

    scratch_create(dir);
    octstr_truncate(truncated, 60);
    write_zone(dir, "Slim", slim_file(3600, "CET-1CEST,M3.5.0,M10.5.0/3", 0));
    write_zone(dir, "Leapy", slim_file(0, "UTC0", 1));
    write_zone(dir, "Cut", truncated);
    write_zone(dir, "Riddle", slim_file(3600, "CET-1CEST", 0));
    write_zone(dir, "NotTZif", octstr_create("hello, world\n"));
    setenv("TZDIR", dir, 1);
    loads("Slim", 1774745999, 3600, "slim file (rule only): winter until 29 March 2026 01:00 UTC");
    loads("Slim", 1774746000, 7200, "slim file: summer from then");
    refused("Leapy", "counts leap seconds", NULL, "a file with leap seconds");
    refused("Cut", "not a tz database file", NULL, "a truncated file");
    refused("Riddle", "not a tz database file", NULL, "a rule without its dates");
    refused("NotTZif", "not a tz database file", NULL, "not a TZif file");
    refused("Europe/Oslo", "no such zone in", NULL, "TZDIR is where zones are looked up");
    unsetenv("TZDIR");
    scratch_remove(dir);
}

/* ---- against the C library ---- */

static long libc_offset(const char *zone, time_t t)
{
    struct tm tm;

    setenv("TZ", zone, 1);
    tzset();
    localtime_r(&t, &tm);
    return tm.tm_gmtoff;
}

/* Offsets at many instants from 1900 to 2100, and the `until` of each:
 * the offset holds up to just before it. */
static void compare_zone(const char *zone)
{
    Octstr *name = octstr_create(zone), *error = NULL;
    TimeZone *z = tz_load(name, &error);
    time_t t, until, first_bad = 0;
    long mine, theirs, checked = 0, bad = 0;

    for (t = -2208988800LL; z != NULL && t < 4102444800LL; t += 86400 * 3 + 3607) {
        mine = tz_offset(z, t, &until);
        theirs = libc_offset(zone, t);
        if (mine != theirs || (until != TZ_NEVER && (until <= t
                               || libc_offset(zone, until - 1) != mine
                               || tz_offset(z, until, NULL) != libc_offset(zone, until)))) {
            if (bad++ == 0)
                first_bad = t;
        }
        checked++;
    }
    ok(z != NULL && bad == 0 && checked > 20000, "%s: offsets and next changes agree with "
       "the C library at %ld instants, 1900-2100", zone, checked);
    if (bad > 0)
        tap_diag("%ld differ, first at %lld", bad, (long long) first_bad);
    unsetenv("TZ");
    tzset();
    tz_destroy(z);
    octstr_destroy(error);
    octstr_destroy(name);
}

int main(void)
{
    gwlib_init();
    test_rules();
    test_names();
    test_files();
    compare_zone("Europe/Oslo");
    compare_zone("America/New_York");
    compare_zone("Australia/Sydney");
    compare_zone("America/St_Johns");
    compare_zone("Europe/Dublin");
    compare_zone("Africa/Casablanca");
    compare_zone("Pacific/Chatham");
    compare_zone("Antarctica/Troll");
    gwlib_shutdown();
    return tap_done();
}
