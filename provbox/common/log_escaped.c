/*
 * log_escaped.c - gwlib logging of escaped lines (see log_escaped.h).
 */
#include <stdarg.h>

#include "gwlib/gwlib.h"
#include "common/escape.h"
#include "common/log_escaped.h"

typedef void gwlib_log_fn(int err, const char *fmt, ...);

/* The shown form of the formatted line. */
static Octstr *escaped_line(const char *fmt, va_list args)
{
    Octstr *line = octstr_format_valist(fmt, args);
    Octstr *shown = escape_text(line);

    octstr_destroy(line);
    return shown;
}

static void log_line(gwlib_log_fn *log, int err, const char *fmt, va_list args)
{
    Octstr *line = escaped_line(fmt, args);

    log(err, "%s", octstr_get_cstr(line));
    octstr_destroy(line);
}

void log_escaped_info(int err, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_line(info, err, fmt, args);
    va_end(args);
}

void log_escaped_warning(int err, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_line(warning, err, fmt, args);
    va_end(args);
}

void log_escaped_error(int err, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_line(error, err, fmt, args);
    va_end(args);
}

void log_escaped_debug(const char *place, int err, const char *fmt, ...)
{
    va_list args;
    Octstr *line;

    va_start(args, fmt);
    line = escaped_line(fmt, args);
    va_end(args);
    debug(place, err, "%s", octstr_get_cstr(line));
    octstr_destroy(line);
}

void log_escaped_access(const char *fmt, ...)
{
    va_list args;
    Octstr *line;

    va_start(args, fmt);
    line = escaped_line(fmt, args);
    va_end(args);
    alog("%s", octstr_get_cstr(line));
    octstr_destroy(line);
}
