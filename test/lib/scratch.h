/*
 * scratch.h - a unit test's scratch directory: made with mkdtemp() at the
 * start (a panic if it cannot be), removed with everything in it at the
 * end (a TAP diagnostic if it cannot be). Header-only, like tap.h.
 */
#ifndef PROVBOX_TEST_SCRATCH_H
#define PROVBOX_TEST_SCRATCH_H

#include <errno.h>
#include <stdlib.h>
#include "gwlib/gwlib.h"
#include "tap.h"

static void scratch_create(char *template)
{
    if (mkdtemp(template) == NULL)
        panic(errno, "mkdtemp");
}

static void scratch_remove(const char *dir)
{
    Octstr *cmd = octstr_format("rm -rf '%s'", dir);

    if (system(octstr_get_cstr(cmd)) != 0)
        tap_diag("could not remove %s", dir);
    octstr_destroy(cmd);
}

#endif
