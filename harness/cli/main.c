/* hostrace: command dispatch and top-level help. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/personality.h>
#include <unistd.h>
#include <string.h>

#include "cli/program.h"

static const char usage[] =
    "usage: hostrace <command> [options]\n"
    "\n"
    "Stress and race testing of a host application's Python API under\n"
    "concurrency. The host is a mock of Blender (render job thread, depsgraph\n"
    "workers, main-thread draw loop, timers, handlers, modal operators) with\n"
    "CPython embedded and a bpy module, so unmodified add-on code runs.\n"
    "\n"
    "commands:\n"
    "  run SCRIPT.py     run a script as `blender --python` would, then the\n"
    "                    event loop, under the deterministic scheduler, and\n"
    "                    report races, deadlocks, hangs, errors and unsafe\n"
    "                    thread use\n"
    "  replay FILE       re-run the exact interleaving a schedule file recorded\n"
    "  triage DIR...     replay fuzzer crash inputs, group them into distinct\n"
    "                    findings, one directory each with a reproducer\n"
    "  minimize FINDING  shrink a finding's program, then its interleaving\n"
    "                    (fewest preemptions), then its input bytes\n"
    "  report DIR        SARIF and HTML (an interleaving timeline per finding)\n"
    "                    of a triage directory\n"
    "  promote FINDING   copy a finding into the regression corpus with its\n"
    "                    expected outcome\n"
    "  regress [DIR...]  run the regression corpus; JUnit and SARIF for CI\n"
    "  decode INPUT      the Python source and schedule a fuzz input runs\n"
    "  encode TEXT       a program's text form to fuzz input bytes\n"
    "\n"
    "options:\n"
    "  -h, --help        this help; `hostrace CMD --help` for a command's own\n"
    "  --version         print the version\n"
    "\n"
    "exit codes: 0 no error-level finding, 1 at least one, 2 usage or input\n"
    "error, 3 internal error.\n";

/* Runs hostrace with address-space randomisation off (re-executing itself
 * once), so that a schedule's process has the same addresses every run:
 * Python orders sets of objects by id(), which is an address. Where the
 * system refuses (some containers), it runs on with randomisation. */
static void no_aslr(char **argv)
{
    int cur = personality(0xffffffff);
    if (cur == -1 || (cur & ADDR_NO_RANDOMIZE))
        return;
    if (personality((unsigned long)cur | ADDR_NO_RANDOMIZE) == -1)
        return;
    execv("/proc/self/exe", argv);
    personality((unsigned long)cur); /* exec failed: carry on as we are */
}

int main(int argc, char **argv)
{
    no_aslr(argv);
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return CLI_EXIT_CLEAN;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("hostrace %s\n", HOSTRACE_VERSION);
        return CLI_EXIT_CLEAN;
    }
    if (strcmp(cmd, "run") == 0)
        return cli_run(argc - 1, argv + 1);
    if (strcmp(cmd, "replay") == 0)
        return cli_replay(argc - 1, argv + 1);
    if (strcmp(cmd, "triage") == 0)
        return cli_triage(argc - 1, argv + 1);
    if (strcmp(cmd, "minimize") == 0)
        return cli_minimize(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cli_report(argc - 1, argv + 1);
    if (strcmp(cmd, "promote") == 0)
        return cli_promote(argc - 1, argv + 1);
    if (strcmp(cmd, "regress") == 0)
        return cli_regress(argc - 1, argv + 1);
    if (strcmp(cmd, "decode") == 0)
        return cli_decode(argc - 1, argv + 1);
    if (strcmp(cmd, "encode") == 0)
        return cli_encode(argc - 1, argv + 1);
    fprintf(stderr, "hostrace: unknown command '%s' (try 'hostrace --help')\n", cmd);
    return CLI_EXIT_USAGE;
}
