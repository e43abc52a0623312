/* hostrace: command dispatch and top-level help. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/personality.h>
#include <unistd.h>
#include <string.h>

#include "program.h"

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
    "  addon PATH        load an add-on (folder, .py or .zip) as Blender does,\n"
    "                    register it, draw its panels every frame, invoke its\n"
    "                    operators (--invoke), and report as `run` does\n"
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

/* Variables kept from the caller's environment; every other one is
 * dropped and PATH and LANG get fixed values. The environment is copied
 * into the process's memory, and Python into objects on its heap, so its
 * size moves where later objects land; Python orders sets of objects by
 * id(), an address, so a different environment (a longer $_, another
 * $HOME) could change the order the host's data is touched in, and with it
 * which of two races TSan reports. */
static int kept(const char *kv)
{
    static const char *const prefixes[] = {"HOSTRACE",         "TSAN_OPTIONS=",
                                           "ASAN_OPTIONS=",    "UBSAN_OPTIONS=",
                                           "LSAN_OPTIONS=",    "LD_LIBRARY_PATH=",
                                           "LD_PRELOAD=",      "TMPDIR="};
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(kv, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The canonical environment (NULL-terminated, sorted), or NULL when out of
 * memory. */
static char **canonical_env(void)
{
    size_t n = 0;
    for (char **e = environ; *e; e++)
        n++;
    char **env = calloc(n + 3, sizeof(*env));
    if (!env)
        return NULL;
    size_t k = 0;
    for (char **e = environ; *e; e++)
        if (kept(*e))
            env[k++] = *e;
    env[k++] = "LANG=C.UTF-8";
    env[k++] = "PATH=/usr/local/bin:/usr/bin:/bin";
    qsort(env, k, sizeof(*env), cmp_str);
    env[k] = NULL;
    return env;
}

static int same_env(char **a, char **b)
{
    for (; *a && *b; a++, b++)
        if (strcmp(*a, *b) != 0)
            return 0;
    return !*a && !*b;
}

/* Runs hostrace with address-space randomisation off and the canonical
 * environment (re-executing itself once), so that a schedule's process has
 * the same addresses every run and on every machine: Python orders sets
 * of objects by id(), which is an address. Where the system refuses
 * personality() (some containers), it runs on with randomisation. */
static void canonical_process(char **argv)
{
    char **env = canonical_env();
    int cur = personality(0xffffffff);
    int aslr = cur != -1 && !(cur & ADDR_NO_RANDOMIZE) &&
               personality((unsigned long)cur | ADDR_NO_RANDOMIZE) != -1;
    if (env && (aslr || !same_env(environ, env)))
        execve("/proc/self/exe", argv, env);
    if (aslr)
        personality((unsigned long)cur); /* exec failed: carry on as we are */
    free(env);
}

int main(int argc, char **argv)
{
    canonical_process(argv);
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
    if (strcmp(cmd, "run") == 0 || strcmp(cmd, "addon") == 0)
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
