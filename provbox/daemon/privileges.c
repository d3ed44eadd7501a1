/*
 * privileges.c - taking -u USER off the command line and switching to that
 * user once the admin port and the spool are open (see privileges.h).
 * State directories that provbox created as root in a spool that belongs
 * to the user are handed to the user before the switch.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include <sys/stat.h>

#include "daemon/privileges.h"

/* gwlib options that take an argument (get_and_set_debugs). */
static int takes_argument(const char *option)
{
    static const char *const with_argument[] = {
        "-v", "--verbosity", "-F", "--logfile", "-V", "--fileverbosity",
        "-D", "--debug", "-X", "--panic-script", "-p", "--pid-file",
    };
    size_t i;

    for (i = 0; i < sizeof(with_argument) / sizeof(with_argument[0]); i++)
        if (strcmp(option, with_argument[i]) == 0)
            return 1;
    return 0;
}

static int is_user_option(const char *option)
{
    return strcmp(option, "-u") == 0 || strcmp(option, "--user") == 0;
}

static void remove_arguments(int *argc, char **argv, int at, int count)
{
    int i;

    for (i = at; i + count <= *argc; i++)
        argv[i] = argv[i + count];
    *argc -= count;
}

Octstr *privileges_take_user(int *argc, char **argv, Octstr **error)
{
    Octstr *user = NULL;
    int i = 1;

    while (i < *argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0) {
        if (!is_user_option(argv[i])) {
            i += takes_argument(argv[i]) ? 2 : 1;
            continue;
        }
        if (i + 1 >= *argc) {
            *error = octstr_format("option %s needs a user name", argv[i]);
            octstr_destroy(user);
            return NULL;
        }
        octstr_destroy(user);
        user = octstr_create(argv[i + 1]);
        remove_arguments(argc, argv, i, 2);
    }
    return user;
}

static int switch_user(const struct passwd *pw)
{
    if (setgid(pw->pw_gid) < 0) {
        error(errno, "-u %s: cannot change the group id to %ld.", pw->pw_name,
              (long) pw->pw_gid);
        return -1;
    }
    if (initgroups(pw->pw_name, pw->pw_gid) < 0) {
        error(errno, "-u %s: cannot set the supplementary groups.", pw->pw_name);
        return -1;
    }
    if (setuid(pw->pw_uid) < 0) {
        error(errno, "-u %s: cannot change the user id to %ld.", pw->pw_name,
              (long) pw->pw_uid);
        return -1;
    }
    if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
        error(0, "-u %s: root privileges could be regained; refusing to run.",
              pw->pw_name);
        return -1;
    }
    return 0;
}

/* State directories that provbox, as root, has just created inside a spool
 * the operator gave to the user are the user's too. */
static void hand_over_state_dirs(Spool *spool, const struct passwd *pw)
{
    struct stat top, st;
    Octstr *path;
    int s;

    if (stat(octstr_get_cstr(spool_dir(spool)), &top) < 0 || top.st_uid != pw->pw_uid)
        return;
    for (s = 0; s < SPOOL_STATES; s++) {
        path = octstr_format("%S/%s", spool_dir(spool),
                             spool_state_name((SpoolState) s));
        if (lstat(octstr_get_cstr(path), &st) == 0 && S_ISDIR(st.st_mode)
            && st.st_uid == 0 && lchown(octstr_get_cstr(path), pw->pw_uid, top.st_gid) < 0)
            warning(errno, "-u %s: cannot give %s to the user.", pw->pw_name,
                    octstr_get_cstr(path));
        octstr_destroy(path);
    }
}

/* The user must be able to list, create and rename in every state dir. */
static int spool_usable(Spool *spool, const char *user)
{
    Octstr *path;
    int s, usable = 1;

    for (s = 0; s < SPOOL_STATES && usable; s++) {
        path = octstr_format("%S/%s", spool_dir(spool),
                             spool_state_name((SpoolState) s));
        if (access(octstr_get_cstr(path), R_OK | W_OK | X_OK) < 0) {
            error(errno, "-u %s: the user cannot work in %s; give the spool "
                  "to that user (chown -R %s).", user, octstr_get_cstr(path),
                  user);
            usable = 0;
        }
        octstr_destroy(path);
    }
    return usable ? 0 : -1;
}

int privileges_drop(Octstr *user, Spool *spool)
{
    struct passwd *pw;

    errno = 0;
    pw = getpwnam(octstr_get_cstr(user));
    if (pw == NULL) {
        error(errno, "-u %s: no such user.", octstr_get_cstr(user));
        return -1;
    }
    if (getuid() == 0)
        hand_over_state_dirs(spool, pw);
    if ((getuid() != pw->pw_uid || geteuid() != pw->pw_uid) && switch_user(pw) < 0)
        return -1;
    if (spool_usable(spool, octstr_get_cstr(user)) < 0)
        return -1;
    info(0, "Running as user %s (uid %ld, gid %ld).", octstr_get_cstr(user),
         (long) getuid(), (long) getgid());
    return 0;
}
