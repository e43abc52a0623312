/* fuzz/driver.c: the fuzz drivers, fuzz_schedule (a fixed script; the
 * input's bytes drive the scheduler), fuzz_addon (an add-on, as `hostrace
 * addon` runs it with --explore-ui: the bytes drive the scheduler and the
 * user's actions alike) and fuzz_program (the input decodes to a program
 * and its schedule bytes; see prog.h). One source, built three times
 * (HR_FUZZ_PROGRAM 0 or 1, HR_FUZZ_ADDON).
 *
 * The interpreter starts once, before any thread exists, and every input
 * then runs in a child forked from that snapshot: the scene graph, bpy
 * state, handlers, timers, __main__, every thread and the sanitizer's own
 * state are fresh for each input by construction, so the same input gives
 * the same interleaving and the same report on every execution, however
 * many came before it. The parent stays single-threaded, so AFL++'s
 * forkserver (deferred to after the interpreter's start) and persistent
 * loop work under TSan. The child writes AFL++'s shared coverage map
 * directly, code edges and the interleaving feedback alike.
 *
 * Entry points: main() (AFL++ persistent mode when built with
 * afl-clang-fast and given no input files; otherwise it runs the files
 * given, or stdin, and prints their findings) and LLVMFuzzerTestOneInput
 * for libFuzzer. A finding (exit 1 of the run, or a child killed by a
 * signal) becomes an abort() of the driver, which is what fuzzers count. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/program.h"
#include "coverage.h"
#include "prog/prog.h"
#include "py/py.h"
#include "sched/sched.h"

#ifndef HR_FUZZ_PROGRAM
#error "build with -DHR_FUZZ_PROGRAM=0 (fuzz_schedule) or 1 (fuzz_program)"
#endif

#ifndef HR_FUZZ_ADDON
#define HR_FUZZ_ADDON 0
#endif
#define HR_EXPLORE_FRAMES 20 /* fuzz_addon's default --explore-ui */

#if HR_FUZZ_PROGRAM
#define DRIVER "fuzz_program"
#define ARGS "[--frames N] [--timeout S] [--trace] [INPUT...]"
#elif HR_FUZZ_ADDON
#define DRIVER "fuzz_addon"
#define ARGS                                                                        \
    "[--frames N] [--timeout S] [--trace] [--explore-ui N]\n"                       \
    "                  [--invoke IDNAME[:KEY=VALUE,...]]... ADDON [INPUT...]"
#else
#define DRIVER "fuzz_schedule"
#define ARGS "[--frames N] [--timeout S] [--trace] SCRIPT.py [INPUT...]"
#endif

#ifndef HR_LIBFUZZER
static const char usage[] =
    "usage: " DRIVER " " ARGS "\n"
    "\n"
#if HR_FUZZ_PROGRAM
    "Runs each INPUT as a fuzz program (hostrace decode INPUT shows the Python\n"
    "it runs) under the scheduler, its schedule bytes driving the decisions.\n"
#elif HR_FUZZ_ADDON
    "Runs the add-on ADDON once per INPUT as `hostrace addon ADDON --explore-ui`\n"
    "does, the input's bytes driving the thread decisions and the user's\n"
    "actions alike (hostrace addon ADDON --explore-ui=N --strategy bytes\n"
    "--input INPUT replays one). libFuzzer builds take ADDON, the operators and\n"
    "the frames from HOSTRACE_ADDON, HOSTRACE_INVOKE (space separated) and\n"
    "HOSTRACE_EXPLORE.\n"
#else
    "Runs SCRIPT.py once per INPUT under the scheduler, the input's bytes\n"
    "driving the decisions (hostrace run SCRIPT.py --strategy bytes --input).\n"
#endif
    "With no INPUT under AFL++ (an afl-* build started by afl-fuzz), it fuzzes\n"
    "in persistent mode; otherwise it reads one input from stdin. Findings are\n"
    "printed on stderr.\n"
    "\n"
    "  --frames N   event-loop frames after the script (default 240)\n"
    "  --timeout S  wall-clock budget per input (default 30)\n"
    "  --trace      print each input's decisions on stdout (as hostrace run\n"
    "               --trace does)\n"
#if HR_FUZZ_ADDON
    "  --explore-ui N  frames in which the user acts (default 20)\n"
    "  --invoke IDNAME[:KEY=VALUE,...]  operators the user clicks first\n"
    "               (repeatable, as for hostrace addon)\n"
#endif
    "\n"
    "exit codes: 0 no error-level finding, 1 at least one, 2 usage or input\n"
    "error, 3 internal error.\n";
#endif

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

static const char *g_script;
static int g_frames = -1;
static int g_timeout = 30;
static int g_trace;
static int g_ready;
#if HR_FUZZ_ADDON
static char g_invoke[1024]; /* --invoke operators, space separated */
static int g_explore = HR_EXPLORE_FRAMES;

/* An --invoke operator as hostrace addon takes it, appended to g_invoke;
 * -1 when it is not one or does not fit. */
static int add_invoke(const char *op)
{
    return cli_invoke_append(g_invoke, sizeof(g_invoke), op) < 0 ? -1 : 0;
}
#endif

/* ---- one input --------------------------------------------------------------- */

static int init(void)
{
    if (g_ready)
        return 0;
    char err[1024];
    if (bpy_runtime_init(g_script, 1, err, sizeof(err)) < 0) {
        fprintf(stderr, DRIVER ": %s\n", err);
        return -1;
    }
    if (hr_cov_setup() < 0) {
        fprintf(stderr, DRIVER ": cannot map shared memory for the coverage counters\n");
        return -1;
    }
    sched_set_conflict_hook(hr_cov_conflict);
    g_ready = 1;
    return 0;
}

static void child(const uint8_t *data, size_t len, int print) __attribute__((noreturn));
static void child(const uint8_t *data, size_t len, int print)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* a fuzzer's timeout kills the parent */
    bpy_runtime_after_fork();
    cli_input in;
    memset(&in, 0, sizeof(in));
    in.frames = g_frames;
    in.timeout = g_timeout;
    in.print = print;
    in.trace = g_trace;
    in.before_exit = hr_cov_child_out;
#if HR_FUZZ_PROGRAM
    prog_program *p = prog_new();
    if (!p)
        _exit(CLI_EXIT_INTERNAL);
    prog_decode(data, len, p);
    in.program = p;
    in.bytes = prog_schedule(p, &in.nbytes);
#else
    in.script = g_script;
    in.bytes = data;
    in.nbytes = len;
#if HR_FUZZ_ADDON
    in.addon = 1;
    in.invoke = g_invoke;
    in.explore = g_explore;
#endif
#endif
    cli_run_input(&in);
}

/* Runs one input in a forked child: the run's exit code, or 128+signal
 * when the child died of a signal. */
static int run_one(const uint8_t *data, size_t len, int print)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, DRIVER ": fork: %s\n", strerror(errno));
        return CLI_EXIT_INTERNAL;
    }
    if (pid == 0)
        child(data, len, print);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return CLI_EXIT_INTERNAL;
    hr_cov_parent_in();
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

/* A finding, or a run that died: what a fuzzer must keep as a crash. */
static int is_crash(int rc) { return rc == CLI_EXIT_FINDINGS || rc >= 128; }

#ifdef HR_LIBFUZZER
/* libFuzzer's start-up (it parses its flags after this returns):
 * fuzz_schedule takes its script from HOSTRACE_SCRIPT (libFuzzer owns the
 * command line), and -rss_limit_mb=0 is added unless given, because the
 * RSS limit runs in a thread of its own, and a process that forks with a
 * second thread alive cannot start threads in the child under TSan. The
 * children's memory is bounded by their own --timeout instead. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    int has_rss = 0;
    for (int i = 1; i < *argc; i++)
        if (strncmp((*argv)[i], "-rss_limit_mb=", 14) == 0)
            has_rss = 1;
    if (!has_rss) {
        char **nv = calloc((size_t)*argc + 2, sizeof(*nv));
        if (!nv)
            return -1;
        memcpy(nv, *argv, (size_t)*argc * sizeof(*nv));
        nv[(*argc)++] = "-rss_limit_mb=0";
        *argv = nv; /* kept for the process's life, as libFuzzer keeps argv */
    }
#if HR_FUZZ_ADDON
    g_script = getenv("HOSTRACE_ADDON");
    if (!g_script || access(g_script, R_OK) != 0) {
        fprintf(stderr, DRIVER ": set HOSTRACE_ADDON to a readable add-on (got '%s')\n",
                g_script ? g_script : "");
        exit(CLI_EXIT_USAGE);
    }
    const char *inv = getenv("HOSTRACE_INVOKE"), *ex = getenv("HOSTRACE_EXPLORE");
    if (inv) {
        char copy[sizeof(g_invoke)];
        snprintf(copy, sizeof(copy), "%s", inv);
        for (char *save = NULL, *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
            if (add_invoke(t) < 0) {
                fprintf(stderr, DRIVER ": HOSTRACE_INVOKE: bad operator '%s'\n", t);
                exit(CLI_EXIT_USAGE);
            }
    }
    if (ex) {
        char *end;
        long v = strtol(ex, &end, 10);
        if (*end || end == ex || v < 0 || v > 100000) {
            fprintf(stderr, DRIVER ": HOSTRACE_EXPLORE takes frames from 0 to 100000, not '%s'\n",
                    ex);
            exit(CLI_EXIT_USAGE);
        }
        g_explore = (int)v;
    }
#elif !HR_FUZZ_PROGRAM
    g_script = getenv("HOSTRACE_SCRIPT");
    if (!g_script || access(g_script, R_OK) != 0) {
        fprintf(stderr, DRIVER ": set HOSTRACE_SCRIPT to a readable script (got '%s')\n",
                g_script ? g_script : "");
        exit(CLI_EXIT_USAGE);
    }
#endif
    return init() < 0 ? -1 : 0;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (init() < 0)
        abort();
    int rc = run_one(data, size, 0);
    if (rc == CLI_EXIT_USAGE || rc == CLI_EXIT_INTERNAL) {
        fprintf(stderr, DRIVER ": the harness failed on this input (exit %d)\n", rc);
        abort();
    }
    if (is_crash(rc))
        abort();
    return 0;
}

/* ---- main -------------------------------------------------------------------- */

#ifndef HR_LIBFUZZER
/* This process's resident memory in KiB (VmRSS), or -1. */
static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kib;
}


int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return CLI_EXIT_CLEAN;
        }
        if (strcmp(argv[i], "--trace") == 0) {
            g_trace = 1;
            continue;
        }
#if HR_FUZZ_ADDON
        if (strcmp(argv[i], "--invoke") == 0 && i + 1 < argc) {
            if (add_invoke(argv[i + 1]) < 0) {
                fprintf(stderr,
                        DRIVER ": --invoke takes IDNAME[:KEY=VALUE,...] (no spaces), not '%s'\n",
                        argv[i + 1]);
                return CLI_EXIT_USAGE;
            }
            i++;
            continue;
        }
        if (strcmp(argv[i], "--explore-ui") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[i + 1], &end, 10);
            if (*end || end == argv[i + 1] || v < 0 || v > 100000) {
                fprintf(stderr, DRIVER ": bad --explore-ui '%s'\n\n%s", argv[i + 1], usage);
                return CLI_EXIT_USAGE;
            }
            g_explore = (int)v;
            i++;
            continue;
        }
#endif
        if ((strcmp(argv[i], "--frames") == 0 || strcmp(argv[i], "--timeout") == 0) &&
            i + 1 < argc) {
            char *end;
            long v = strtol(argv[i + 1], &end, 10);
            int frames = argv[i][2] == 'f';
            if (*end || end == argv[i + 1] || v < (frames ? 0 : 1) || v > 1000000) {
                fprintf(stderr, DRIVER ": bad %s '%s'\n\n%s", argv[i], argv[i + 1], usage);
                return CLI_EXIT_USAGE;
            }
            if (frames)
                g_frames = (int)v;
            else
                g_timeout = (int)v;
            i++;
            continue;
        }
        fprintf(stderr, DRIVER ": unknown option '%s'\n\n%s", argv[i], usage);
        return CLI_EXIT_USAGE;
    }
#if !HR_FUZZ_PROGRAM
    if (i >= argc) {
        fprintf(stderr, DRIVER ": missing %s\n\n%s", HR_FUZZ_ADDON ? "ADDON" : "SCRIPT.py",
                usage);
        return CLI_EXIT_USAGE;
    }
    g_script = argv[i++];
    if (access(g_script, R_OK) != 0) {
        fprintf(stderr, DRIVER ": cannot read %s '%s': %s\n", HR_FUZZ_ADDON ? "add-on" : "script",
                g_script, strerror(errno));
        return CLI_EXIT_USAGE;
    }
#endif
    if (init() < 0)
        return CLI_EXIT_INTERNAL;
#ifdef __AFL_HAVE_MANUAL_CONTROL
    if (i >= argc) {
        /* AFL++: forkserver here, after the interpreter's start and before
         * any thread; then the persistent loop over shared-memory inputs */
        __AFL_INIT();
        unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
        while (__AFL_LOOP(100000)) {
            int rc = run_one(buf, (size_t)__AFL_FUZZ_TESTCASE_LEN, 0);
            if (rc == CLI_EXIT_USAGE || rc == CLI_EXIT_INTERNAL || is_crash(rc))
                abort();
        }
        return 0;
    }
#endif
    int worst = CLI_EXIT_CLEAN;
    int ninputs = argc - i, counts[4] = {0, 0, 0, 0};
    long rss0 = rss_kib();
    if (i >= argc) {
        size_t len = 0;
        char err[512];
        uint8_t *data = hr_read_stream(stdin, "stdin", &len, err, sizeof(err));
        if (!data) {
            fprintf(stderr, DRIVER ": %s\n", err);
            return CLI_EXIT_USAGE;
        }
        worst = run_one(data, len, 1);
        free(data);
    }
    for (; i < argc; i++) {
        size_t len = 0;
        char err[512];
        uint8_t *data = hr_read_file(argv[i], &len, err, sizeof(err));
        if (!data) {
            fprintf(stderr, DRIVER ": %s\n", err);
            return CLI_EXIT_USAGE;
        }
        fprintf(stderr, DRIVER ": %s (%zu bytes)\n", argv[i], len);
        int rc = run_one(data, len, 1);
        free(data);
        if (rc >= 128)
            fprintf(stderr, DRIVER ": %s: the run died of signal %d\n", argv[i], rc - 128);
        if (rc >= 128)
            rc = CLI_EXIT_FINDINGS;
        counts[rc >= 0 && rc <= 3 ? rc : 3]++;
        if (rc > worst)
            worst = rc;
    }
    if (ninputs > 1)
        fprintf(stderr,
                DRIVER ": %d inputs: %d clean, %d with findings, %d input errors, %d internal "
                "errors; driver RSS %ld KiB before, %ld KiB after\n",
                ninputs, counts[0], counts[1], counts[2], counts[3], rss0, rss_kib());
    return worst;
}
#endif
