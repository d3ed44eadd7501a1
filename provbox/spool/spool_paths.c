/*
 * spool_paths.c - the spool's states, job names and paths (spool.h).
 *
 * spool_new_name() gives YYYYMMDDTHHMMSS.uuuuuu.PID.NNNNNN.HOST (UTC time,
 * microseconds, process id, a process-wide counter, the short host name):
 * unique across threads, processes and hosts sharing one spool, and
 * sorting by creation time (within one process, too). Operators may drop
 * other names: anything of at most 248 bytes without '/' that neither
 * starts with '.' nor ends in ".status" is a job (spool_name_ok()); dot
 * files are temp files. A job whose name is taken where it goes gets
 * NAME~... (spool_unique_name(), name_clash.h).
 */
#include <ctype.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "spool/spool.h"
#include "spool/spool_internal.h"

#define MAX_NAME 248              /* NAME.status must fit NAME_MAX (255) */
#define MAX_HOST 32

static const char *const state_names[SPOOL_STATES] = {
    "tmp", "new", "active", "deferred", "done", "failed"
};

static unsigned long unique_counter;

unsigned long spool_next_unique(void)
{
    return __atomic_add_fetch(&unique_counter, 1, __ATOMIC_RELAXED);
}

const char *spool_state_name(SpoolState state)
{
    return state_names[state];
}

int spool_state_parse(Octstr *name, SpoolState *state)
{
    int s;

    for (s = 0; s < SPOOL_STATES; s++) {
        if (octstr_str_compare(name, state_names[s]) == 0) {
            *state = (SpoolState) s;
            return 0;
        }
    }
    return -1;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);

    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

int spool_name_bytes_ok(const char *s, size_t len)
{
    return len > 0 && len <= MAX_NAME && s[0] != '.'
           && memchr(s, '/', len) == NULL && memchr(s, '\0', len) == NULL
           && !ends_with(s, len, SPOOL_STATUS_SUFFIX);
}

int spool_name_ok(Octstr *name)
{
    return name != NULL
           && spool_name_bytes_ok(octstr_get_cstr(name), (size_t) octstr_len(name));
}

/*
 * DIR/STATE[/NAME[SUFFIX]], put together in one buffer: a job's claim,
 * moves and checks build some twenty of these, where octstr_format's
 * parsing, or an Octstr grown an append at a time, cost more than the
 * system calls they are for.
 */
static Octstr *path_in(Spool *spool, SpoolState state, Octstr *name, const char *suffix)
{
    const char *parts[] = {
        octstr_get_cstr(spool->dir), "/", state_names[state],
        name != NULL ? "/" : "", name != NULL ? octstr_get_cstr(name) : "",
        name != NULL ? suffix : ""
    };
    size_t lens[sizeof(parts) / sizeof(parts[0])], total = 0, at = 0, i;
    char *buf;
    Octstr *path;

    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        total += lens[i] = strlen(parts[i]);
    buf = gw_malloc(total);
    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        memcpy(buf + at, parts[i], lens[i]);
        at += lens[i];
    }
    path = octstr_create_from_data(buf, total);
    gw_free(buf);
    return path;
}

Octstr *spool_state_dir(Spool *spool, SpoolState state)
{
    return path_in(spool, state, NULL, "");
}

Octstr *spool_path(Spool *spool, SpoolState state, Octstr *name)
{
    return path_in(spool, state, name, "");
}

Octstr *spool_status_path(Spool *spool, SpoolState state, Octstr *name)
{
    return path_in(spool, state, name, SPOOL_STATUS_SUFFIX);
}

Octstr *spool_host_part(void)
{
    char buf[256];
    Octstr *host = octstr_create("");
    size_t i;

    if (gethostname(buf, sizeof(buf)) < 0)
        buf[0] = '\0';
    buf[sizeof(buf) - 1] = '\0';
    for (i = 0; buf[i] != '\0' && buf[i] != '.' && i < MAX_HOST; i++)
        if (isalnum((unsigned char) buf[i]) || buf[i] == '-')
            octstr_append_char(host, buf[i]);
    if (octstr_len(host) == 0)
        octstr_append_cstr(host, "host");
    return host;
}

Octstr *spool_new_name(Spool *spool)
{
    struct timeval now;
    struct tm tm;
    char when[32];
    unsigned long n = spool_next_unique();

    gettimeofday(&now, NULL);
    tm = gw_gmtime(now.tv_sec);
    gw_strftime(when, sizeof(when), "%Y%m%dT%H%M%S", &tm);
    return octstr_format("%s.%06ld.%ld.%06lu.%S", when, (long) now.tv_usec,
                         (long) getpid(), n, spool->host);
}

/* NAME~<seconds><microseconds>.<pid>.<counter>, NAME cut to fit MAX_NAME. */
Octstr *spool_unique_name(Octstr *name)
{
    struct timeval now;
    Octstr *suffix, *unique;
    long keep;

    gettimeofday(&now, NULL);
    suffix = octstr_format("~%ld%06ld.%ld.%lu", (long) now.tv_sec, (long) now.tv_usec,
                           (long) getpid(), spool_next_unique());
    keep = MAX_NAME - octstr_len(suffix);
    unique = octstr_copy(name, 0, octstr_len(name) < keep ? octstr_len(name) : keep);
    octstr_append(unique, suffix);
    octstr_destroy(suffix);
    return unique;
}

int spool_exists(Octstr *path)
{
    struct stat st;

    return lstat(octstr_get_cstr(path), &st) == 0;
}
