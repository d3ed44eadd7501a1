/*
 * cmdline.h - what provctl's subcommands share: long options, numbers,
 * reading an input file (or stdin for "-"), writing the output (a file or
 * stdout), and turning a parser's "line N: cause" into "FILE:N: cause".
 *
 * Options are `--name value` or `--name=value`. Messages are new Octstrs
 * the caller prints (with cmdline_print_shown() when they may hold a job
 * name or anything else read from outside) and destroys; nothing here
 * exits, and only the two printing functions print.
 */
#ifndef PROVCTL_CMDLINE_H
#define PROVCTL_CMDLINE_H

#include <stdio.h>

#include "gwlib/gwlib.h"

/*
 * If argv[*i] is option `name` (e.g. "--pin"), set *value to its value,
 * step *i past it and return 1; return 0 when it is another argument, and
 * -1 when the value is missing.
 */
int cmdline_option(int argc, char **argv, int *i, const char *name,
                   const char **value);

/* A whole decimal number in min..max: 0, or -1. */
int cmdline_number(const char *text, long min, long max, long *value);

/* The whole file ("-" = stdin), binary-safe; NULL + *error on failure. */
Octstr *cmdline_read(const char *path, Octstr **error);

/* Write data to path (NULL = stdout): 0, or -1 + *error. */
int cmdline_write(const char *path, Octstr *data, Octstr **error);

/* The name to show for an input: "<stdin>" for "-". */
const char *cmdline_input_name(const char *path);

/*
 * Print "provctl COMMAND: message" and the --help hint on stderr; returns 2,
 * the exit status of a usage error.
 */
int cmdline_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Print prefix, the shown form of text (common/escape.h: control
 * characters and bytes that are not UTF-8 as \xHH, a backslash as \\) and
 * a newline, so a job name cannot add lines or colour the terminal.
 */
void cmdline_print_shown(FILE *out, const char *prefix, Octstr *text);

/*
 * A parser's "line N: cause" -> *line = N and a new "cause"; anything
 * else -> *line = 0 and a copy of message. *line <= 0 names no line.
 */
Octstr *cmdline_line_cause(Octstr *message, long *line);

/* "line N: cause" -> "FILE:N: cause"; anything else -> "FILE: cause". */
Octstr *cmdline_locate(const char *path, Octstr *message);

#endif
