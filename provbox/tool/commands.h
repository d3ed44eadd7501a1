/*
 * commands.h - provctl's subcommands, one source file each.
 *
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit status: 0 success, 1 the input
 * was rejected (the message names the file, line and cause), 2 usage error.
 * gwlib is initialised by provctl.c before a command runs.
 */
#ifndef PROVCTL_COMMANDS_H
#define PROVCTL_COMMANDS_H

int cmd_compile(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_submit(int argc, char **argv);
int cmd_requeue(int argc, char **argv);
int cmd_resend(int argc, char **argv);
int cmd_status(int argc, char **argv);

#endif
