/*
 * tz.c - zones from names, offsets from zones (see tz.h).
 *
 * A loaded zone is its transitions (instant, offset after it), the offset
 * before the first one, and the POSIX rule for after the last one. A
 * fixed zone (UTC, +HH:MM) is a zone without transitions or rule.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "gwlib/gwlib.h"
#include "spool/tz.h"

#define DEFAULT_TZDIR "/usr/share/zoneinfo"
#define MAX_ZONE_NAME 64
#define MAX_ZONE_FILE (256 * 1024)
#define MAX_FIXED_HOURS 18
#define MAX_UTOFF (26 * 3600L)
#define TZIF_HEADER 44

struct TimeZone {
    Octstr *name;
    long count;          /* transitions */
    time_t *at;          /* their instants, ascending */
    long *offset_after;  /* the offset each one brings */
    long first_offset;   /* before the first transition (or always) */
    int has_rule;
    TzRule rule;         /* after the last transition */
};

static TimeZone *zone_create(Octstr *name)
{
    TimeZone *z = gw_malloc(sizeof(*z));

    memset(z, 0, sizeof(*z));
    z->name = octstr_duplicate(name);
    return z;
}

void tz_destroy(TimeZone *z)
{
    if (z == NULL)
        return;
    octstr_destroy(z->name);
    gw_free(z->at);
    gw_free(z->offset_after);
    gw_free(z);
}

Octstr *tz_name(const TimeZone *z)
{
    return z->name;
}

/* ---- names ---- */

static int zone_char(int c)
{
    return isalnum(c) || c == '_' || c == '-' || c == '+' || c == '/';
}

/* Safe to open under the tz directory, and to repeat in a message. */
static int zone_name_ok(Octstr *name)
{
    long n = octstr_len(name);

    return n > 0 && n <= MAX_ZONE_NAME && isalpha(octstr_get_char(name, 0))
           && octstr_check_range(name, 0, n, zone_char)
           && octstr_search(name, octstr_imm("//"), 0) < 0
           && octstr_get_char(name, n - 1) != '/';
}

/* "+HH:MM" / "-HH:MM" into *east: 0, or -1 when name is not one. */
static int fixed_offset(Octstr *name, long *east)
{
    int sign = octstr_get_char(name, 0);
    long h, m;

    if (octstr_len(name) != 6 || (sign != '+' && sign != '-')
        || !octstr_check_range(name, 1, 2, gw_isdigit) || octstr_get_char(name, 3) != ':'
        || !octstr_check_range(name, 4, 2, gw_isdigit))
        return -1;
    h = (octstr_get_char(name, 1) - '0') * 10 + octstr_get_char(name, 2) - '0';
    m = (octstr_get_char(name, 4) - '0') * 10 + octstr_get_char(name, 5) - '0';
    if (h > MAX_FIXED_HOURS || m > 59 || (h == MAX_FIXED_HOURS && m > 0))
        return -1;
    *east = (sign == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return 0;
}

/* ---- TZif files (RFC 8536) ---- */

typedef struct TzifCounts {
    long isut, isstd, leap, time, type, chars;
} TzifCounts;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t) ((uint64_t) be32(p) << 32 | be32(p + 4));
}

static int read_counts(const unsigned char *p, long n, long at, TzifCounts *c)
{
    const unsigned char *h = p + at;

    if (at < 0 || at + TZIF_HEADER > n || memcmp(h, "TZif", 4) != 0)
        return -1;
    c->isut = be32(h + 20);
    c->isstd = be32(h + 24);
    c->leap = be32(h + 28);
    c->time = be32(h + 32);
    c->type = be32(h + 36);
    c->chars = be32(h + 40);
    return c->time <= n && c->type >= 1 && c->type <= 256 && c->chars <= n
           && c->leap <= n && c->isut <= n && c->isstd <= n ? 0 : -1;
}

/* Bytes of the data block after a header, times of time_size bytes. */
static long block_size(const TzifCounts *c, int time_size)
{
    return c->time * (time_size + 1) + c->type * 6 + c->chars
           + c->leap * (time_size + 4) + c->isstd + c->isut;
}

/* Transitions and types of the data block at p. 0, or -1 when malformed. */
static int read_block(TimeZone *z, const unsigned char *p, const TzifCounts *c, int time_size)
{
    const unsigned char *idx = p + c->time * time_size, *types = idx + c->time;
    long i, k;
    int32_t utoff;

    z->count = c->time;
    z->at = gw_malloc((c->time + 1) * sizeof(*z->at));
    z->offset_after = gw_malloc((c->time + 1) * sizeof(*z->offset_after));
    for (i = 0; i < c->type; i++) {
        utoff = (int32_t) be32(types + 6 * i);
        if (utoff > MAX_UTOFF || utoff < -MAX_UTOFF)
            return -1;
    }
    z->first_offset = (int32_t) be32(types);
    for (i = 0; i < c->time; i++) {
        z->at[i] = time_size == 8 ? (time_t) be64(p + 8 * i) : (time_t) (int32_t) be32(p + 4 * i);
        k = idx[i];
        if (k >= c->type || (i > 0 && z->at[i] <= z->at[i - 1]))
            return -1;
        z->offset_after[i] = (int32_t) be32(types + 6 * k);
    }
    return 0;
}

/* The footer "\nRULE\n" at p (len bytes left): 0, or -1 when it is not one
 * this reads. An empty rule leaves the last transition in force. */
static int read_footer(TimeZone *z, const unsigned char *p, long len)
{
    const unsigned char *end;

    if (len < 2 || p[0] != '\n' || (end = memchr(p + 1, '\n', len - 1)) == NULL)
        return -1;
    if (end == p + 1)
        return 0;
    z->has_rule = 1;
    return tz_rule_parse((const char *) p + 1, end - p - 1, &z->rule);
}

#define TZIF_MALFORMED (-1)
#define TZIF_LEAP_SECONDS (-2)

/* The zone in the file's bytes: 0, TZIF_MALFORMED or TZIF_LEAP_SECONDS. */
static int read_tzif(TimeZone *z, const unsigned char *p, long n)
{
    TzifCounts c;
    long data = TZIF_HEADER;
    int v2 = n > 4 && p[4] >= '2', time_size = v2 ? 8 : 4;

    if (read_counts(p, n, 0, &c) < 0
        || (v2 && read_counts(p, n, data += block_size(&c, 4), &c) < 0))
        return TZIF_MALFORMED;
    data += v2 ? TZIF_HEADER : 0;
    if (data + block_size(&c, time_size) > n)
        return TZIF_MALFORMED;
    if (c.leap > 0)
        return TZIF_LEAP_SECONDS;
    if (read_block(z, p + data, &c, time_size) < 0)
        return TZIF_MALFORMED;
    data += block_size(&c, time_size);
    return v2 && read_footer(z, p + data, n - data) < 0 ? TZIF_MALFORMED : 0;
}

static int parse_tzif(TimeZone *z, Octstr *bytes, Octstr **why)
{
    int result = read_tzif(z, (const unsigned char *) octstr_get_cstr(bytes),
                           octstr_len(bytes));

    if (result == TZIF_LEAP_SECONDS)
        *why = octstr_format("time zone '%S' counts leap seconds (a right/ zone); name it "
                             "without right/", z->name);
    else if (result == TZIF_MALFORMED)
        *why = octstr_format("time zone '%S': its file is not a tz database file that "
                             "provbox reads", z->name);
    return result == 0 ? 0 : -1;
}

static Octstr *zone_dir(void)
{
    const char *dir = getenv("TZDIR");

    return octstr_create(dir != NULL && dir[0] != '\0' ? dir : DEFAULT_TZDIR);
}

/* The file's bytes, at most MAX_ZONE_FILE; NULL when there is no such
 * regular file. */
static Octstr *read_zone_file(Octstr *path)
{
    int fd = open(octstr_get_cstr(path), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    Octstr *bytes = NULL;
    char *buf;
    ssize_t got = -1;

    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= MAX_ZONE_FILE) {
        buf = gw_malloc(st.st_size + 1);
        got = read(fd, buf, st.st_size + 1);
        if (got == st.st_size)
            bytes = octstr_create_from_data(buf, got);
        gw_free(buf);
    }
    close(fd);
    return bytes;
}

static TimeZone *load_file(Octstr *name, Octstr **error)
{
    Octstr *dir = zone_dir(), *path = octstr_format("%S/%S", dir, name);
    Octstr *bytes = read_zone_file(path);
    TimeZone *z = zone_create(name);

    if (bytes == NULL)
        *error = octstr_format("unknown time zone '%S' (no such zone in %S)", name, dir);
    if (bytes == NULL || parse_tzif(z, bytes, error) < 0) {
        tz_destroy(z);
        z = NULL;
    }
    octstr_destroy(bytes);
    octstr_destroy(path);
    octstr_destroy(dir);
    return z;
}

TimeZone *tz_load(Octstr *name, Octstr **error)
{
    TimeZone *z;
    long east = 0;

    if (octstr_str_compare(name, "UTC") == 0 || fixed_offset(name, &east) == 0) {
        z = zone_create(name);
        z->first_offset = east;
        return z;
    }
    if (!zone_name_ok(name)) {
        *error = octstr_create("not a time zone: give UTC, an offset such as +01:00, or a "
                               "tz database name such as Europe/Oslo");
        return NULL;
    }
    return load_file(name, error);
}

/* The last transition at or before t, or -1. */
static long last_at_or_before(const TimeZone *z, time_t t)
{
    long lo = 0, hi = z->count - 1, mid, found = -1;

    while (lo <= hi) {
        mid = lo + (hi - lo) / 2;
        if (z->at[mid] <= t) {
            found = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return found;
}

long tz_offset(const TimeZone *z, time_t t, time_t *until)
{
    long i = last_at_or_before(z, t);
    time_t ignored;

    if (until == NULL)
        until = &ignored;
    if ((z->count == 0 || i == z->count - 1) && z->has_rule)
        return tz_rule_offset(&z->rule, t, until);
    *until = i + 1 < z->count ? z->at[i + 1] : TZ_NEVER;
    return i >= 0 ? z->offset_after[i] : z->first_offset;
}
