/*
 * cmd_requeue.c - `provctl requeue`: a failed job back into new/.
 *
 * The command line around spool_requeue() (spool/requeue.h, shared with the
 * admin interface): only failed/ jobs are requeued, recipients already sent
 * or delivered are not sent again, --all drops the status and sends to
 * every recipient.
 */
#include <stdio.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "spool/requeue.h"
#include "spool/spool.h"
#include "tool/cmdline.h"
#include "tool/commands.h"

static const char usage_text[] =
"usage: provctl requeue --spool DIR [--all] NAME\n"
"\n"
"Moves the failed job NAME from failed/ back into new/. Recipients already\n"
"sent or delivered keep that state and are not sent again; the others are\n"
"queued again.\n"
"\n"
"  --spool DIR   provbox's spool-dir\n"
"  --all         forget the status: send to every recipient again\n"
"\n"
"Exit status: 0 requeued, 1 refused (the message says why), 2 usage error.\n";

#define GO_ON (-1)

typedef struct Requeue {
    const char *spool_dir;
    const char *name;
    int all;
} Requeue;

static int refused(Octstr *message)
{
    cmdline_print_shown(stderr, "provctl requeue: ", message);
    octstr_destroy(message);
    return 1;
}

static int take_argument(int argc, char **argv, int *i, Requeue *r)
{
    const char *value = NULL, *arg = argv[*i];
    int found = cmdline_option(argc, argv, i, "--spool", &value);

    if (found < 0)
        return cmdline_usage_error("requeue", "--spool needs a value");
    if (found > 0) {
        r->spool_dir = value;
        return GO_ON;
    }
    if (strcmp(arg, "--all") == 0) {
        r->all = 1;
        return GO_ON;
    }
    if (arg[0] == '-' && arg[1] != '\0')
        return cmdline_usage_error("requeue", "unknown option %s", arg);
    if (r->name != NULL)
        return cmdline_usage_error("requeue", "one job at a time (%s is extra)", arg);
    r->name = arg;
    return GO_ON;
}

static int parse_arguments(int argc, char **argv, Requeue *r)
{
    int i, status;

    memset(r, 0, sizeof(*r));
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        status = take_argument(argc, argv, &i, r);
        if (status != GO_ON)
            return status;
    }
    if (r->spool_dir == NULL)
        return cmdline_usage_error("requeue", "--spool DIR is required");
    if (r->name == NULL)
        return cmdline_usage_error("requeue", "which job? give its NAME");
    return GO_ON;
}

static int requeue(Spool *spool, Octstr *name, int all)
{
    Octstr *summary = NULL, *error = NULL, *line;

    if (spool_requeue(spool, name, all, &summary, &error) < 0)
        return refused(error);
    line = octstr_format("%S: back in new/; %S", name, summary);
    cmdline_print_shown(stdout, "", line);
    octstr_destroy(line);
    octstr_destroy(summary);
    return 0;
}

int cmd_requeue(int argc, char **argv)
{
    Requeue r;
    Octstr *dir, *name, *error = NULL;
    Spool *spool;
    int status = parse_arguments(argc, argv, &r);

    if (status != GO_ON)
        return status;
    name = octstr_create(r.name);
    if (!spool_name_ok(name)) {
        octstr_destroy(name);
        return refused(octstr_format("'%s' is not a job name", r.name));
    }
    dir = octstr_create(r.spool_dir);
    spool = spool_open_existing(dir, &error);
    status = spool != NULL ? requeue(spool, name, r.all) : refused(error);
    spool_close(spool);
    octstr_destroy(dir);
    octstr_destroy(name);
    return status;
}
