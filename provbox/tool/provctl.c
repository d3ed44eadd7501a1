/*
 * provctl.c - the operator's tool: dispatches to one subcommand.
 *
 *   provctl compile   XML document -> WBXML / WSP push / SMS segments
 *   provctl lint      check what documents mean: findings, SMS per recipient
 *   provctl inspect   decode a captured push (raw, hex, fakesmsc/access log)
 *   provctl submit    write a job into a spool the safe way
 *   provctl requeue   move a failed job back to new/
 *   provctl resend    a new job for the recipients a finished job did not reach
 *   provctl status    spool or daemon summary, or one job's progress
 *
 * Only wiring lives here; each subcommand is its own module (commands.h).
 */
#include <stdio.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "tool/commands.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    { "compile", cmd_compile, "XML document -> WBXML / WSP push / SMS segments" },
    { "lint", cmd_lint, "check what documents mean: findings, SMS per recipient" },
    { "inspect", cmd_inspect, "decode a captured push (raw, hex, fakesmsc/access log)" },
    { "submit", cmd_submit, "write a job into a spool the safe way" },
    { "requeue", cmd_requeue, "move a failed job back to new/" },
    { "resend", cmd_resend, "a new job for the recipients a finished job did not reach" },
    { "status", cmd_status, "spool or daemon summary, or one job's progress" },
    { NULL, NULL, NULL }
};

static void usage(FILE *out)
{
    const struct command *c;

    fprintf(out, "usage: provctl COMMAND [options] [args]\n\ncommands:\n");
    for (c = commands; c->name != NULL; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fprintf(out, "\n'provctl COMMAND --help' describes one command.\n");
}

static const struct command *find_command(const char *name)
{
    const struct command *c;

    for (c = commands; c->name != NULL; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int main(int argc, char **argv)
{
    const struct command *command;
    int status;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("provctl %s\n", PROVBOX_VERSION);
        return 0;
    }
    command = find_command(argv[1]);
    if (command == NULL) {
        fprintf(stderr, "provctl: unknown command '%s'\n", argv[1]);
        usage(stderr);
        return 2;
    }
    gwlib_init();
    log_set_output_level(GW_WARNING);
    status = command->run(argc - 1, argv + 1);
    gwlib_shutdown();
    return status;
}
