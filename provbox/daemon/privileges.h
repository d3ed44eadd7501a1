/*
 * privileges.h - running as an unprivileged user: `provbox -u USER`.
 *
 * gwlib's get_and_set_debugs() would switch user before provbox has read
 * its configuration. provbox takes -u/--user out of argv first
 * (privileges_take_user()), opens its admin port and its spool as the
 * user it was started as, then calls privileges_drop(): setgid, initgroups,
 * setuid, a check that root cannot be regained, and a check that the user
 * can work in every state directory of the spool. The spool directory must
 * belong to the user; state directories provbox created in it as root are
 * handed to the user.
 */
#ifndef PROVBOX_PRIVILEGES_H
#define PROVBOX_PRIVILEGES_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"

/* Removes `-u USER` / `--user USER` from the options in argv (before the
 * configuration file) and returns USER, or NULL when it is not given.
 * *error is set (and NULL returned) when -u has no argument. */
Octstr *privileges_take_user(int *argc, char **argv, Octstr **error);

/* Switches to user (all threads); 0, or -1 after logging why. */
int privileges_drop(Octstr *user, Spool *spool);

#endif
