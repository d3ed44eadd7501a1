/*
 * cmdline.c - option, number and file helpers shared by provctl's
 * subcommands (see cmdline.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "tool/cmdline.h"

int cmdline_option(int argc, char **argv, int *i, const char *name,
                   const char **value)
{
    const char *arg = argv[*i];
    size_t len = strlen(name);

    if (strncmp(arg, name, len) != 0)
        return 0;
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return 1;
    }
    if (arg[len] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

int cmdline_number(const char *text, long min, long max, long *value)
{
    char *end;
    long number;

    if (text[0] < '0' || text[0] > '9')
        return -1;
    errno = 0;
    number = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || number < min || number > max)
        return -1;
    *value = number;
    return 0;
}

static Octstr *read_stream(FILE *f)
{
    Octstr *data = octstr_create("");
    char buf[8192];
    size_t n;

    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        octstr_append_data(data, buf, n);
    return data;
}

const char *cmdline_input_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

Octstr *cmdline_read(const char *path, Octstr **error)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    Octstr *data;

    if (f == NULL) {
        *error = octstr_format("%s: cannot open: %s", path,
                               strerror(errno));
        return NULL;
    }
    data = read_stream(f);
    if (ferror(f)) {
        *error = octstr_format("%s: cannot read: %s",
                               cmdline_input_name(path), strerror(errno));
        octstr_destroy(data);
        data = NULL;
    }
    if (f != stdin)
        fclose(f);
    return data;
}

int cmdline_write(const char *path, Octstr *data, Octstr **error)
{
    FILE *f = path == NULL ? stdout : fopen(path, "wb");
    int failed;

    if (f == NULL) {
        *error = octstr_format("%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    failed = fwrite(octstr_get_cstr(data), 1, octstr_len(data), f)
             != (size_t) octstr_len(data);
    failed |= f == stdout ? fflush(f) != 0 : fclose(f) != 0;
    if (failed) {
        *error = octstr_format("%s: cannot write: %s",
                               path ? path : "<stdout>", strerror(errno));
        return -1;
    }
    return 0;
}

Octstr *cmdline_line_cause(Octstr *message, long *line)
{
    long end;

    if (octstr_str_ncompare(message, "line ", 5) != 0
        || (end = octstr_parse_long(line, message, 5, 10)) <= 5
        || octstr_get_char(message, end) != ':') {
        *line = 0;
        return octstr_duplicate(message);
    }
    end++;
    if (octstr_get_char(message, end) == ' ')
        end++;
    return octstr_copy(message, end, octstr_len(message));
}

Octstr *cmdline_locate(const char *path, Octstr *message)
{
    long line;
    Octstr *cause = cmdline_line_cause(message, &line), *located;

    if (line > 0)
        located = octstr_format("%s:%ld: %S", cmdline_input_name(path), line, cause);
    else
        located = octstr_format("%s: %S", cmdline_input_name(path), cause);
    octstr_destroy(cause);
    return located;
}

void cmdline_print_shown(FILE *out, const char *prefix, Octstr *text)
{
    Octstr *shown = escape_text(text);

    fprintf(out, "%s%s\n", prefix, octstr_get_cstr(shown));
    octstr_destroy(shown);
}

int cmdline_usage_error(const char *command, const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "provctl %s: ", command);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, "\n(provctl %s --help shows the options)\n", command);
    return 2;
}
