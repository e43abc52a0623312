/* cli: the hostrace command. Exit codes shared by every subcommand. */
#ifndef HOSTRACE_CLI_H
#define HOSTRACE_CLI_H

enum {
    CLI_EXIT_CLEAN = 0,    /* no error-level finding */
    CLI_EXIT_FINDINGS = 1, /* at least one error-level finding */
    CLI_EXIT_USAGE = 2,    /* usage or input error */
    CLI_EXIT_INTERNAL = 3, /* the harness itself failed */
};

#define HOSTRACE_VERSION "0.1.0"

int cli_run(int argc, char **argv);
int cli_replay(int argc, char **argv);

#endif
