/*
 * tap.h - a tiny TAP producer for provbox's C unit tests.
 *
 * Each check prints "ok N - what" or "not ok N - what" (with the values that
 * differed); tap_done() prints the plan and returns the exit status. The
 * automake TAP driver counts every check, so `make check` reports checks,
 * not programs. Header-only; single-threaded use.
 */
#ifndef PROVBOX_TAP_H
#define PROVBOX_TAP_H

#include <stdio.h>
#include <string.h>
#include <stdarg.h>

static int tap_count, tap_failed;

static void tap_report(int pass, const char *fmt, va_list ap)
{
    ++tap_count;
    if (!pass)
        ++tap_failed;
    printf("%sok %d - ", pass ? "" : "not ", tap_count);
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
}

static int ok(int pass, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), unused));
static int ok(int pass, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_report(pass, fmt, ap);
    va_end(ap);
    return pass;
}

static void tap_diag(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), unused));
static void tap_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("# ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* Compare two byte strings; on mismatch print both in hex. */
static int ok_bytes(const void *got, size_t got_len, const void *want,
                    size_t want_len, const char *what)
    __attribute__((unused));
static int ok_bytes(const void *got, size_t got_len, const void *want,
                    size_t want_len, const char *what)
{
    int pass = got_len == want_len && memcmp(got, want, got_len) == 0;
    size_t i;
    ok(pass, "%s", what);
    if (!pass) {
        printf("#   got  (%zu):", got_len);
        for (i = 0; i < got_len; i++)
            printf(" %02X", ((const unsigned char *) got)[i]);
        printf("\n#   want (%zu):", want_len);
        for (i = 0; i < want_len; i++)
            printf(" %02X", ((const unsigned char *) want)[i]);
        printf("\n");
    }
    return pass;
}

static int ok_str(const char *got, const char *want, const char *what)
    __attribute__((unused));
static int ok_str(const char *got, const char *want, const char *what)
{
    int pass = got != NULL && want != NULL && strcmp(got, want) == 0;
    ok(pass, "%s", what);
    if (!pass)
        printf("#   got  '%s'\n#   want '%s'\n", got ? got : "(null)",
               want ? want : "(null)");
    return pass;
}

static int tap_done(void) __attribute__((unused));
static int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

#endif
