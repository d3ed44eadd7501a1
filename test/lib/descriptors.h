/*
 * descriptors.h - making a unit test's process short of file descriptors:
 * lower the soft RLIMIT_NOFILE so that at most `spare` more can be opened
 * than are open now, and put it back. Header-only, like tap.h.
 */
#ifndef PROVBOX_TEST_DESCRIPTORS_H
#define PROVBOX_TEST_DESCRIPTORS_H

#include <errno.h>
#include <unistd.h>
#include <sys/resource.h>

#include "gwlib/gwlib.h"

/* dup() gives the lowest free number: every one below it is in use. */
static struct rlimit limit_descriptors(int spare)
{
    struct rlimit before, low;
    int lowest_free = dup(0);

    if (getrlimit(RLIMIT_NOFILE, &before) == -1 || lowest_free == -1)
        panic(errno, "getrlimit/dup");
    close(lowest_free);
    low = before;
    low.rlim_cur = lowest_free + spare;
    if (setrlimit(RLIMIT_NOFILE, &low) == -1)
        panic(errno, "setrlimit");
    return before;
}

static void restore_descriptors(struct rlimit before)
{
    if (setrlimit(RLIMIT_NOFILE, &before) == -1)
        panic(errno, "setrlimit");
}

#endif
