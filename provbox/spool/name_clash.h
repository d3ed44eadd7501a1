/*
 * name_clash.h - a job whose name another job already has: it gets a new
 * name, it is never lost, never put over the other, never merged with it.
 *
 * Moves never replace a file (spool_move() says SPOOL_TAKEN). A job that
 * meets its name taken goes on as NAME~<time>.<pid>.<counter>
 * (spool_unique_name()); its status says `Renamed-From: NAME` and a
 * warning in the log names both names.
 *
 *   name_clash_move()   spool_move(), and under a new name where the
 *                       name is taken in `to`.
 *   name_clash_claim()  the same for a claim into active/, which also
 *                       takes a new name when the name is in deferred/,
 *                       done/ or failed/ (or active/): the job claimed
 *                       gets its own record, and the old one stays.
 * Both return 0 and set *moved_as (a new Octstr: the job's name now), or
 * -1 + *error (the job is gone, or cannot be moved now).
 */
#ifndef PROVBOX_NAME_CLASH_H
#define PROVBOX_NAME_CLASH_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"

int name_clash_move(Spool *spool, Octstr *name, SpoolState from, SpoolState to,
                    Octstr **moved_as, Octstr **error);
int name_clash_claim(Spool *spool, Octstr *name, SpoolState from,
                     Octstr **moved_as, Octstr **error);

#endif
