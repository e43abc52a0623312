/* hostrace: command dispatch and top-level help. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: hostrace <command> [options]\n"
    "\n"
    "Stress and race testing of a host application's Python API under\n"
    "concurrency. The host is a mock of Blender (render job thread, depsgraph\n"
    "workers, main-thread draw loop, timers, handlers, modal operators) with\n"
    "CPython embedded and a bpy module, so unmodified add-on code runs.\n"
    "\n"
    "commands:\n"
    "  run SCRIPT.py   run a script as `blender --python` would, then the event\n"
    "                  loop, and report races, errors and unsafe thread use\n"
    "\n"
    "options:\n"
    "  -h, --help      this help; `hostrace run --help` for the command's own\n"
    "  --version       print the version\n"
    "\n"
    "exit codes: 0 no error-level finding, 1 at least one, 2 usage or input\n"
    "error, 3 internal error.\n";

int main(int argc, char **argv)
{
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
    fprintf(stderr, "hostrace: unknown command '%s' (try 'hostrace --help')\n", cmd);
    return CLI_EXIT_USAGE;
}
