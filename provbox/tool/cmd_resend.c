/*
 * cmd_resend.c - `provctl resend`: a new job for the recipients of a
 * finished job whose recorded state is one of those given.
 *
 * The command line around spool_resend() (spool/resend.h, shared with the
 * admin interface's /resend): the new job's name on stdout, as provctl
 * submit prints it; a refusal or "nothing matched" on stderr. Exit status
 * as grep's: 0 a job was written, 1 no recipient matched (nothing was
 * written), 2 anything else (usage, a job that is not in done/ or failed/,
 * a record that cannot be read, a write that failed; nothing was written).
 */
#include <stdio.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "spool/resend.h"
#include "spool/spool.h"
#include "tool/cmdline.h"
#include "tool/commands.h"

static const char usage_text[] =
"usage: provctl resend --spool DIR --state STATE[,STATE...] NAME\n"
"\n"
"Writes a new job for the recipients of job NAME (in done/ or failed/)\n"
"whose recorded state is one of STATE: queued, sent (no final delivery\n"
"report), undelivered, failed, expired. The new job has NAME's document,\n"
"headers and each recipient's own To: line (imsi=, pin=, ...), and\n"
"Resend-Of: NAME. It goes through tmp/ into new/; its name is printed.\n"
"NAME itself is never changed.\n"
"\n"
"  --spool DIR      provbox's spool-dir\n"
"  --state LIST     the states to resend to, separated by commas\n"
"\n"
"Exit status: 0 a job was written, 1 no recipient is in those states\n"
"(nothing written), 2 usage error or refused (the message says why).\n";

#define GO_ON (-1)

typedef struct ResendArgs {
    const char *spool_dir;
    const char *states;
    const char *name;
} ResendArgs;

/* An option with a value, given once: 1 taken, 0 not this one, else the status. */
static int take_once(int argc, char **argv, int *i, const char *option, const char **slot)
{
    const char *value = NULL;
    int found = cmdline_option(argc, argv, i, option, &value);

    if (found < 0)
        return cmdline_usage_error("resend", "%s needs a value", option);
    if (found > 0 && *slot != NULL)
        return cmdline_usage_error("resend", "%s given twice", option);
    if (found > 0)
        *slot = value;
    return found;
}

static int take_argument(int argc, char **argv, int *i, ResendArgs *a)
{
    const char *arg = argv[*i];
    int found = take_once(argc, argv, i, "--spool", &a->spool_dir);

    if (found == 0)
        found = take_once(argc, argv, i, "--state", &a->states);
    if (found != 0)
        return found == 1 ? GO_ON : found;
    if (arg[0] == '-' && arg[1] != '\0')
        return cmdline_usage_error("resend", "unknown option %s", arg);
    if (a->name != NULL)
        return cmdline_usage_error("resend", "one job at a time (%s is extra)", arg);
    a->name = arg;
    return GO_ON;
}

static int parse_arguments(int argc, char **argv, ResendArgs *a)
{
    int i, status;

    memset(a, 0, sizeof(*a));
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        status = take_argument(argc, argv, &i, a);
        if (status != GO_ON)
            return status;
    }
    if (a->spool_dir == NULL)
        return cmdline_usage_error("resend", "--spool DIR is required");
    if (a->states == NULL)
        return cmdline_usage_error("resend", "--state STATE[,STATE...] is required");
    if (a->name == NULL)
        return cmdline_usage_error("resend", "which job? give its NAME");
    return GO_ON;
}

static int said(int status, Octstr *message)
{
    cmdline_print_shown(stderr, "provctl resend: ", message);
    octstr_destroy(message);
    return status;
}

static int resend(Spool *spool, Octstr *name, unsigned states)
{
    Octstr *new_name = NULL, *message = NULL;
    int result = spool_resend(spool, name, states, &new_name, &message);

    if (result != RESEND_WRITTEN)
        return said(result, message);
    cmdline_print_shown(stdout, "", new_name);
    octstr_destroy(new_name);
    octstr_destroy(message);
    return result;
}

int cmd_resend(int argc, char **argv)
{
    ResendArgs a;
    Octstr *dir, *name, *list, *error = NULL;
    Spool *spool = NULL;
    unsigned states;
    int status = parse_arguments(argc, argv, &a);

    if (status != GO_ON)
        return status;
    list = octstr_create(a.states);
    status = resend_states_parse(list, &states, &error);
    octstr_destroy(list);
    if (status < 0) {
        octstr_insert(error, octstr_imm("--state: "), 0);
        return said(RESEND_REFUSED, error);
    }
    name = octstr_create(a.name);
    dir = octstr_create(a.spool_dir);
    spool = spool_open_existing(dir, &error);
    status = spool != NULL ? resend(spool, name, states) : said(RESEND_REFUSED, error);
    spool_close(spool);
    octstr_destroy(dir);
    octstr_destroy(name);
    return status;
}
