/*
 * tz_rule.c - parsing and applying a POSIX TZ rule (see tz_rule.h).
 */
#include <ctype.h>
#include <string.h>

#include "spool/tz_rule.h"

#define HOUR 3600L
#define DAY 86400L
#define MAX_OFFSET_HOURS 24
#define MAX_TIME_HOURS 167

typedef struct Cursor {
    const char *s;
    long len, pos;
} Cursor;

static int peek(const Cursor *c)
{
    return c->pos < c->len ? (unsigned char) c->s[c->pos] : -1;
}

static int accept(Cursor *c, int ch)
{
    if (peek(c) != ch)
        return 0;
    c->pos++;
    return 1;
}

/* A run of at most max_digits digits into *n: 0, or -1 when none. */
static int number(Cursor *c, int max_digits, long *n)
{
    int digits = 0;

    *n = 0;
    while (digits < max_digits && peek(c) >= 0 && isdigit(peek(c))) {
        *n = *n * 10 + (c->s[c->pos++] - '0');
        digits++;
    }
    return digits > 0 ? 0 : -1;
}

/* A zone abbreviation: 3+ letters, or <...> of letters, digits, + and -. */
static int name(Cursor *c)
{
    long from = c->pos;

    if (accept(c, '<')) {
        while (peek(c) >= 0 && (isalnum(peek(c)) || peek(c) == '+' || peek(c) == '-'))
            c->pos++;
        return c->pos - from - 1 >= 3 && accept(c, '>') ? 0 : -1;
    }
    while (peek(c) >= 0 && isalpha(peek(c)))
        c->pos++;
    return c->pos - from >= 3 ? 0 : -1;
}

/* [+-]hh[:mm[:ss]] with hh at most max_hours, in seconds (signed). */
static int clock_value(Cursor *c, long max_hours, long *out)
{
    long sign = accept(c, '-') ? -1 : (accept(c, '+'), 1), h, m = 0, s = 0;

    if (number(c, 3, &h) < 0 || h > max_hours)
        return -1;
    if (accept(c, ':') && (number(c, 2, &m) < 0 || m > 59
                           || (accept(c, ':') && (number(c, 2, &s) < 0 || s > 59))))
        return -1;
    *out = sign * (h * HOUR + m * 60 + s);
    return 0;
}

/* POSIX offsets count west of Greenwich; ours count east. */
static int offset(Cursor *c, long *east)
{
    long west;

    if (clock_value(c, MAX_OFFSET_HOURS, &west) < 0)
        return -1;
    *east = -west;
    return 0;
}

static int rule_date(Cursor *c, TzRuleDate *d)
{
    long n, m, w, wd;

    d->time = 2 * HOUR;
    if (accept(c, 'J')) {
        if (number(c, 3, &n) < 0 || n < 1 || n > 365)
            return -1;
        d->kind = 'J';
        d->day = (int) n;
    } else if (accept(c, 'M')) {
        if (number(c, 2, &m) < 0 || m < 1 || m > 12 || !accept(c, '.')
            || number(c, 1, &w) < 0 || w < 1 || w > 5 || !accept(c, '.')
            || number(c, 1, &wd) < 0 || wd > 6)
            return -1;
        d->kind = 'M';
        d->month = (int) m;
        d->week = (int) w;
        d->day = (int) wd;
    } else {
        if (number(c, 3, &n) < 0 || n > 365)
            return -1;
        d->kind = 'D';
        d->day = (int) n;
    }
    return accept(c, '/') ? clock_value(c, MAX_TIME_HOURS, &d->time) : 0;
}

static int daylight_part(Cursor *c, TzRule *rule)
{
    rule->has_dst = 1;
    rule->dst_offset = rule->std_offset + HOUR;
    if (name(c) < 0)
        return -1;
    if (peek(c) != ',' && offset(c, &rule->dst_offset) < 0)
        return -1;
    return accept(c, ',') && rule_date(c, &rule->start) == 0 && accept(c, ',')
           && rule_date(c, &rule->end) == 0 ? 0 : -1;
}

int tz_rule_parse(const char *s, long len, TzRule *rule)
{
    Cursor c = { s, len, 0 };

    memset(rule, 0, sizeof(*rule));
    if (name(&c) < 0 || offset(&c, &rule->std_offset) < 0)
        return -1;
    if (c.pos < c.len && daylight_part(&c, rule) < 0)
        return -1;
    return c.pos == c.len ? 0 : -1;
}

/* ---- applying it ---- */

long tz_days_from_civil(long year, int month, int day)
{
    long y = year - (month <= 2), era, yoe, doy, doe;

    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int leap_year(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static long days_in_month(long y, int m)
{
    return tz_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1)
           - tz_days_from_civil(y, m, 1);
}

/* 0 = Sunday; 1970-01-01 was a Thursday. */
static long weekday(long days)
{
    return ((days + 4) % 7 + 7) % 7;
}

/* The day (since 1970) a rule date falls on in year y. */
static long rule_day(const TzRuleDate *d, long y)
{
    long first, day;

    if (d->kind == 'J')
        return tz_days_from_civil(y, 1, 1) + d->day - 1 + (leap_year(y) && d->day >= 60);
    if (d->kind == 'D')
        return tz_days_from_civil(y, 1, 1) + d->day;
    first = tz_days_from_civil(y, d->month, 1);
    day = first + (d->day - weekday(first) + 7) % 7 + 7L * (d->week - 1);
    while (day >= first + days_in_month(y, d->month))
        day -= 7;
    return day;
}

/* One switch: at `at` (UTC) the offset becomes `to`. */
typedef struct Switch {
    time_t at;
    long to;
} Switch;

/* The switches of years y-1 to y+2, in order of time (stable: a
 * daylight-saving end before a start at the same instant). */
static int switches(const TzRule *r, long y, Switch *out)
{
    int n = 0, i, j;
    long year;
    Switch tmp;

    for (year = y - 1; year <= y + 2; year++) {
        out[n].at = (time_t) rule_day(&r->end, year) * DAY + r->end.time - r->dst_offset;
        out[n++].to = r->std_offset;
        out[n].at = (time_t) rule_day(&r->start, year) * DAY + r->start.time - r->std_offset;
        out[n++].to = r->dst_offset;
    }
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && out[j].at < out[j - 1].at; j--) {
            tmp = out[j];
            out[j] = out[j - 1];
            out[j - 1] = tmp;
        }
    return n;
}

long tz_rule_offset(const TzRule *r, time_t t, time_t *until)
{
    Switch sw[8];
    struct tm tm;
    time_t local = t + r->std_offset;
    long now;
    int n, i, last = -1;

    *until = TZ_NEVER;
    if (!r->has_dst)
        return r->std_offset;
    gmtime_r(&local, &tm);
    n = switches(r, tm.tm_year + 1900L, sw);
    for (i = 0; i < n && sw[i].at <= t; i++)
        last = i;
    now = last >= 0 ? sw[last].to : r->std_offset;
    /* The last switch (of year y+2) is there only to pair with one at the
     * same instant: the next change from t is within a year. */
    for (i = last + 1; i < n - 1; i++) {
        if (sw[i + 1].at == sw[i].at)
            continue;       /* the last switch at one instant is what holds */
        if (sw[i].to != now) {
            *until = sw[i].at;
            break;
        }
    }
    return now;
}
