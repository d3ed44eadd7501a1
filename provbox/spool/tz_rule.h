/*
 * tz_rule.h - the POSIX TZ rule that ends a tz database file (RFC 8536,
 * section 3.3), such as "CET-1CEST,M3.5.0,M10.5.0/3": a standard offset,
 * optionally a daylight-saving offset and the two yearly rules that switch
 * between them. tz.c uses it for the instants after a file's last
 * transition (every instant of a "slim" file, those after 2037 in a "fat"
 * one). Pure arithmetic on the proleptic Gregorian calendar: no libc time
 * zone state is read or changed, so any thread may use it.
 *
 * Accepted: names alphabetic (3 or more letters) or quoted <...>; offsets
 * [+-]hh[:mm[:ss]] (POSIX counts them west of Greenwich: "CET-1" is one
 * hour east); rule dates Jn (1-365, February 29 never counted), n (0-365)
 * and Mm.w.d; transition times [+-]hhh[:mm[:ss]] up to 167 hours (the
 * RFC 8536 extension), 02:00 when absent. A daylight-saving name without
 * a rule (POSIX leaves that to the implementation) is refused.
 */
#ifndef PROVBOX_TZ_RULE_H
#define PROVBOX_TZ_RULE_H

#include <time.h>

/* No further change of offset ever. */
#define TZ_NEVER ((time_t) 0x7fffffffffffffffLL)

typedef struct TzRuleDate {
    char kind;          /* 'J' (Jn), 'D' (n), 'M' (Mm.w.d) */
    int day;            /* Jn / n: the day; Mm.w.d: d, 0 = Sunday */
    int month, week;    /* Mm.w.d only */
    long time;          /* seconds after local midnight, may be negative */
} TzRuleDate;

typedef struct TzRule {
    long std_offset;    /* seconds east of UTC */
    long dst_offset;    /* seconds east of UTC, when has_dst */
    int has_dst;
    TzRuleDate start;   /* daylight saving starts (in standard time) */
    TzRuleDate end;     /* and ends (in daylight-saving time) */
} TzRule;

/* 0, or -1 when s (len bytes, no NUL needed) is not such a rule. */
int tz_rule_parse(const char *s, long len, TzRule *rule);

/* The offset (seconds east of UTC) in force at t; *until is the next
 * instant it changes (TZ_NEVER when it never does). */
long tz_rule_offset(const TzRule *rule, time_t t, time_t *until);

/* Days from 1970-01-01 to the given date of the proleptic Gregorian
 * calendar (month 1-12); negative before 1970. */
long tz_days_from_civil(long year, int month, int day);

#endif
