/*
 * test_data.h - test data for provbox's C unit tests: files under the
 * source tree's test/ (found through $PROVBOX_SRCDIR, which make check
 * sets) and byte strings written as hex. Header-only, like tap.h; a file
 * that is missing is a panic, so a test can never pass without its data.
 */
#ifndef PROVBOX_TEST_DATA_H
#define PROVBOX_TEST_DATA_H

#include <stdlib.h>
#include "gwlib/gwlib.h"

/* $PROVBOX_SRCDIR/test/<relative> (or ./test/<relative>). */
static Octstr *test_data_path(const char *relative) __attribute__((unused));
static Octstr *test_data_path(const char *relative)
{
    const char *srcdir = getenv("PROVBOX_SRCDIR");

    return octstr_format("%s/test/%s", srcdir ? srcdir : ".", relative);
}

/* The bytes of test/vectors/<name>. */
static Octstr *read_vector(const char *name) __attribute__((unused));
static Octstr *read_vector(const char *name)
{
    Octstr *relative = octstr_format("vectors/%s", name);
    Octstr *path = test_data_path(octstr_get_cstr(relative));
    Octstr *data = octstr_read_file(octstr_get_cstr(path));

    if (data == NULL)
        panic(0, "cannot read %s (set PROVBOX_SRCDIR)", octstr_get_cstr(path));
    octstr_destroy(relative);
    octstr_destroy(path);
    return data;
}

/* "0B84" -> the bytes 0B 84. */
static Octstr *from_hex(const char *hex) __attribute__((unused));
static Octstr *from_hex(const char *hex)
{
    Octstr *bytes = octstr_create(hex);

    octstr_hex_to_binary(bytes);
    return bytes;
}

#endif
