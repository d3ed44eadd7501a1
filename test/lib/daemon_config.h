/*
 * daemon_config.h - a daemon unit test's configuration, read as provbox
 * reads its own: a provbox.conf written into the test's scratch directory
 * (provbox-id, spool-dir SCRATCH/spool, sender, then the test's own lines)
 * and loaded with config_load(), so every other key has its default from
 * provbox-cfg.def. A configuration that does not load is a panic.
 * Header-only, like tap.h.
 */
#ifndef PROVBOX_TEST_DAEMON_CONFIG_H
#define PROVBOX_TEST_DAEMON_CONFIG_H

#include <errno.h>
#include <stdio.h>
#include "gwlib/gwlib.h"
#include "daemon/config.h"

/* `lines`: more "key = value\n" lines for group provbox ("" for none). */
static ProvboxConfig *daemon_config(const char *scratch, const char *lines)
    __attribute__((unused));
static ProvboxConfig *daemon_config(const char *scratch, const char *lines)
{
    Octstr *path = octstr_format("%s/provbox.conf", scratch);
    Octstr *text = octstr_format("group = provbox\nprovbox-id = pb-test\n"
                                 "spool-dir = \"%s/spool\"\nsender = 1234\n%s", scratch, lines);
    FILE *f = fopen(octstr_get_cstr(path), "w");
    ProvboxConfig *config;

    if (f == NULL || fwrite(octstr_get_cstr(text), 1, octstr_len(text), f)
                     != (size_t) octstr_len(text) || fclose(f) != 0)
        panic(errno, "cannot write %s", octstr_get_cstr(path));
    if ((config = config_load(path)) == NULL)
        panic(0, "%s does not load", octstr_get_cstr(path));
    octstr_destroy(text);
    octstr_destroy(path);
    return config;
}

#endif
