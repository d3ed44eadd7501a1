/*
 * test_spool_census.c - unit tests of provbox/daemon/spool_census.c on a
 * real spool: the scan at start (counts, the oldest waiting job), then
 * the moves made through the Spool (claims, finishes, a submit, a
 * removal) followed without reading the spool, a move of a job it never
 * counted (never below 0), and a rename by someone else not seen until
 * the next scan.
 */
#include <stdio.h>
#include <unistd.h>

#include "gwlib/gwlib.h"
#include "daemon/spool_census.h"
#include "spool/spool.h"
#include "../lib/tap.h"
#include "../lib/scratch.h"

static void put(const char *dir, const char *state, const char *name)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s/%s", dir, state, name);
    f = fopen(path, "w");
    if (f == NULL)
        panic(errno, "%s", path);
    fputs("To: 4790000001\nSec: NONE\n\n<x/>\n", f);
    fclose(f);
}

static int counts_are(SpoolCensus *census, long new, long active, long deferred, long done,
                      long failed)
{
    SpoolCensusCounts c = spool_census_counts(census);

    if (c.jobs[SPOOL_NEW] == new && c.jobs[SPOOL_ACTIVE] == active
        && c.jobs[SPOOL_DEFERRED] == deferred && c.jobs[SPOOL_DONE] == done
        && c.jobs[SPOOL_FAILED] == failed)
        return 1;
    tap_diag("new %ld active %ld deferred %ld done %ld failed %ld", c.jobs[SPOOL_NEW],
             c.jobs[SPOOL_ACTIVE], c.jobs[SPOOL_DEFERRED], c.jobs[SPOOL_DONE],
             c.jobs[SPOOL_FAILED]);
    return 0;
}

static void move(Spool *spool, const char *name, SpoolState from, SpoolState to)
{
    Octstr *n = octstr_create(name), *why = NULL;

    if (spool_move(spool, n, from, to, &why) != 0)
        tap_diag("move %s: %s", name, why != NULL ? octstr_get_cstr(why) : "?");
    octstr_destroy(why);
    octstr_destroy(n);
}

int main(void)
{
    char dir[] = "/tmp/test_spool_census.XXXXXX";
    Octstr *path, *why = NULL, *name;
    Spool *spool;
    SpoolCensus *census;
    SpoolCensusCounts c;
    char from[600], to[600];

    gwlib_init();
    scratch_create(dir);
    path = octstr_create(dir);
    spool = spool_open(path, &why);
    put(dir, "new", "a");
    put(dir, "new", "b");
    put(dir, "done", "old-1");
    put(dir, "done", "old-2");
    put(dir, "done", "old-2.status");
    put(dir, "done", ".tmp.x");

    census = spool_census_start(spool);
    c = spool_census_counts(census);
    ok(counts_are(census, 2, 0, 0, 2, 0) && c.oldest_waiting > 0
       && c.oldest_waiting <= time(NULL) && c.scanned > 0,
       "the scan at start: 2 new, 2 done (not the status or the temp file), the oldest waiting");

    move(spool, "a", SPOOL_NEW, SPOOL_ACTIVE);
    move(spool, "b", SPOOL_NEW, SPOOL_ACTIVE);
    move(spool, "a", SPOOL_ACTIVE, SPOOL_DONE);
    move(spool, "b", SPOOL_ACTIVE, SPOOL_FAILED);
    c = spool_census_counts(census);
    ok(counts_are(census, 0, 0, 0, 3, 1) && c.oldest_waiting == 0,
       "claims and finishes through the spool are followed; none waits any more");

    name = spool_submit(spool, octstr_imm("To: 4790000001\nSec: NONE\n\n<x/>\n"), &why);
    c = spool_census_counts(census);
    ok(counts_are(census, 1, 0, 0, 3, 1) && c.oldest_waiting >= time(NULL) - 1,
       "a job submitted into new/ is counted, and waits from now");
    spool_note_removed(spool, SPOOL_DONE);
    ok(counts_are(census, 1, 0, 0, 2, 1), "a removal reported from done/ is counted");

    snprintf(from, sizeof(from), "%s/new/%s", dir, octstr_get_cstr(name));
    snprintf(to, sizeof(to), "%s/deferred/%s", dir, octstr_get_cstr(name));
    ok(rename(from, to) == 0 && counts_are(census, 1, 0, 0, 2, 1),
       "a rename by someone else is not seen before the next scan");
    put(dir, "deferred", "dropped");
    move(spool, "dropped", SPOOL_DEFERRED, SPOOL_ACTIVE);
    move(spool, octstr_get_cstr(name), SPOOL_DEFERRED, SPOOL_ACTIVE);
    ok(counts_are(census, 1, 2, 0, 2, 1),
       "moving out jobs it had not counted there: deferred/ stays at 0, active/ counts them");

    spool_census_stop(census);
    octstr_destroy(name);
    name = octstr_create("dropped");
    ok(spool_move(spool, name, SPOOL_ACTIVE, SPOOL_DONE, &why) == 0,
       "stopped: moves go on, watched by nobody");
    octstr_destroy(name);
    spool_close(spool);
    octstr_destroy(path);
    scratch_remove(dir);
    gwlib_shutdown();
    return tap_done();
}
