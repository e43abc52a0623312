/* cli: the hostrace command. Exit codes shared by every subcommand. */
#ifndef HOSTRACE_CLI_H
#define HOSTRACE_CLI_H

enum {
    CLI_EXIT_CLEAN = 0,    /* no error-level finding */
    CLI_EXIT_FINDINGS = 1, /* at least one error-level finding */
    CLI_EXIT_USAGE = 2,    /* usage or input error */
    CLI_EXIT_INTERNAL = 3, /* the harness itself failed */
    /* SIGINT, SIGTERM or SIGHUP stopped the command: what was found until
     * then is listed (and saved), as 128 + SIGINT is the shell's Ctrl-C */
    CLI_EXIT_INTERRUPTED = 130,
};

#define HOSTRACE_VERSION "0.1.0"

#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>

typedef struct prog_program prog_program;

int cli_run(int argc, char **argv);

/* One run of one fuzz input in this process, as `hostrace run --strategy
 * bytes` runs one schedule: a script (fuzz_schedule) or a decoded program
 * (fuzz_program), the bytes driving the scheduler. Ends the process with
 * the command's exit code (0 clean, 1 error-level finding, 2 input error,
 * 3 internal error). */
typedef struct cli_input {
    const char *script;     /* the script, or NULL with program */
    int addon;              /* script is an add-on (hostrace addon) */
    const char *invoke;     /* its --invoke operators, space separated (or NULL) */
    int explore;            /* its --explore-ui frames */
    prog_program *program;  /* the program (its host switches apply) */
    const uint8_t *bytes;   /* schedule bytes */
    size_t nbytes;
    int frames;             /* event-loop frames; -1: the default */
    int timeout;            /* wall-clock seconds; 0: the default */
    int print;              /* print the findings on stderr */
    int trace;              /* print the decisions on stdout (--trace) */
    void (*before_exit)(void); /* called as the run ends (may be NULL) */
} cli_input;
void cli_run_input(const cli_input *in) __attribute__((noreturn));

/* A schedule server shared by the runs a command starts one after another
 * (hostrace minimize's candidates, hostrace triage's inputs): started as
 * `HOSTRACE run RUN_ARGV...` would start its own (RUN_ARGV: what follows
 * "run" on such a run's command line), listening on a socket in dir (made
 * here), whose path goes to the processes this one starts as
 * HOSTRACE_SERVER. A run whose executable, options (but for its input and
 * schedule), working directory and environment are the server's has its
 * schedules forked by it; any other run starts a server of its own.
 * Returns the server's pid, or -1 (every run then starts its own). */
pid_t cli_shared_server_start(const char *hostrace, char *const run_argv[], const char *dir);
/* Stops it and takes HOSTRACE_SERVER out of the environment. */
void cli_shared_server_stop(pid_t server);
/* Appends op, an --invoke operator (IDNAME[:KEY=VALUE,...]: one dot in the
 * bl_idname, no spaces), to the space-separated list (cap bytes): 0, -1
 * when op is not one, -2 when it does not fit. */
int cli_invoke_append(char *list, size_t cap, const char *op);
int cli_replay(int argc, char **argv);
/* hostrace triage (triage.c) */
int cli_triage(int argc, char **argv);
/* hostrace minimize (minimize.c) */
int cli_minimize(int argc, char **argv);
/* hostrace report (report_cmd.c): SARIF and HTML of a findings directory */
int cli_report(int argc, char **argv);
/* --sarif FILE and --html DIR of a triage directory (either may be NULL);
 * a CLI_EXIT_* code, with a message on stderr */
int hr_report_outputs(const char *findings, const char *sarif, const char *html);
/* hostrace promote and hostrace regress (regress.c) */
int cli_promote(int argc, char **argv);
int cli_regress(int argc, char **argv);

#endif
