/* hostrace run: a script on the main thread, the wm loop for N frames,
 * shutdown, then the findings as text or JSON. */
#include "cli.h"
#include "py/py.h"
#include "report/report.h"
#include "report/report_internal.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_FRAMES 240
#define DEFAULT_TIMEOUT 120

static const char run_usage[] =
    "usage: hostrace run SCRIPT.py [--frames N] [--host KEY=VALUE]... [--json]\n"
    "                              [--timeout SECONDS]\n"
    "\n"
    "Runs SCRIPT.py on the main thread of the mock Blender host, as\n"
    "`blender --python SCRIPT.py` does, then the window-manager loop for N frames\n"
    "(timers, modal operators, job notifications, depsgraph update, viewport\n"
    "draw), then shuts the host down. Threads the script started run freely\n"
    "alongside the loop.\n"
    "\n"
    "It reports:\n"
    "  data-race, use-after-free, lock-order-inversion  from the sanitizer of the\n"
    "      build (tsan or asan), with both accesses, thread names and roles, and\n"
    "      the Python file:line of each access where there is one\n"
    "  assertion, script-error   an exception in the script, a thread, a timer,\n"
    "      a handler, a modal operator or a draw handler\n"
    "  thread-outlives-script    (warning) a Python thread still alive when the\n"
    "      script returned, the case Blender documents as unsupported\n"
    "  operator-refused          (warning) an operator returned {'CANCELLED'}\n"
    "  hang                      a thread that would not stop, or --timeout\n"
    "  invariant-broken          Main's lists or name map inconsistent at the end\n"
    "\n"
    "options:\n"
    "  --frames N        event-loop frames after the script (default 240, one\n"
    "                    frame is 1/60 s of host time)\n"
    "  --host KEY=VALUE  host switch, repeatable:\n"
    "                      lock_interface=0|1    lock the UI while a render runs\n"
    "                      render=invoke|exec    exec: 'INVOKE_DEFAULT' renders block\n"
    "                      timers_lock=0|1       lock around the timer list\n"
    "                      main_thread_guard=0|1 bpy raises RuntimeError off main\n"
    "                      rna_safety=0|1        track and invalidate sub-data wrappers\n"
    "  --json            print one JSON object on stdout (the script's own output\n"
    "                    goes to stderr)\n"
    "  --timeout S       wall-clock budget for the whole run (default 120); past it\n"
    "                    the run ends with a hang finding\n"
    "  -h, --help        this help\n"
    "\n"
    "exit codes: 0 no error-level finding, 1 at least one, 2 usage or input\n"
    "error, 3 internal error.\n";

typedef struct run_opts {
    const char *script;
    int frames;
    int json;
    int timeout;
    host_switches sw;
} run_opts;

static run_opts opts;
static FILE *json_out;
static atomic_int emitted;

/* ---- output ---------------------------------------------------------- */

static json_t *access_json(const report_access *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "access", json_string(a->is_write ? "write" : "read"));
    json_object_set_new(o, "size", json_integer(a->size));
    json_object_set_new(o, "site", json_string(a->site));
    json_object_set_new(o, "thread", json_string(a->thread));
    json_object_set_new(o, "role", json_string(a->role));
    if (a->py_file[0])
        json_object_set_new(o, "python",
                            json_pack("{s:s, s:i}", "file", a->py_file, "line", a->py_line));
    json_t *stack = json_array();
    for (int i = 0; i < a->nframes; i++)
        json_array_append_new(stack, json_pack("{s:s, s:s, s:i}", "function", a->frames[i].func,
                                               "file", a->frames[i].file, "line",
                                               a->frames[i].line));
    json_object_set_new(o, "stack", stack);
    return o;
}

static void emit_json(void)
{
    json_t *root = json_object();
    json_object_set_new(root, "hostrace", json_string(HOSTRACE_VERSION));
    json_object_set_new(root, "script", json_string(opts.script));
    json_object_set_new(root, "frames", json_integer(opts.frames));
    json_object_set_new(
        root, "host",
        json_pack("{s:b, s:s, s:b, s:b, s:b}", "lock_interface", opts.sw.lock_interface,
                  "render", opts.sw.render == HOST_RENDER_EXEC ? "exec" : "invoke",
                  "timers_lock", opts.sw.timers_lock, "main_thread_guard",
                  opts.sw.main_thread_guard, "rna_safety", opts.sw.rna_safety));
    json_t *list = json_array();
    int errors = 0, warnings = 0;
    report_finding *f = malloc(sizeof(*f));
    for (int i = 0; f && report_get(i, f) == 0; i++) {
        int err = report_kind_severity(f->kind) == REPORT_ERROR;
        err ? errors++ : warnings++;
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string(report_kind_id(f->kind)));
        json_object_set_new(o, "severity", json_string(err ? "error" : "warning"));
        json_object_set_new(o, "signature", json_string(f->signature));
        json_object_set_new(o, "message", json_string(f->message));
        json_object_set_new(o, "count", json_integer(f->count));
        json_t *threads = json_array();
        json_t *accesses = json_array();
        for (int k = 0; k < f->nacc; k++) {
            json_array_append_new(threads, json_pack("{s:s, s:s}", "name", f->acc[k].thread,
                                                     "role", f->acc[k].role));
            json_array_append_new(accesses, access_json(&f->acc[k]));
        }
        if (!f->nacc && f->thread[0])
            json_array_append_new(threads,
                                  json_pack("{s:s, s:s}", "name", f->thread, "role", f->role));
        json_object_set_new(o, "threads", threads);
        json_object_set_new(o, "accesses", accesses);
        if (f->detail[0])
            json_object_set_new(o, "detail", json_string(f->detail));
        json_array_append_new(list, o);
    }
    free(f);
    json_object_set_new(root, "findings", list);
    json_object_set_new(root, "errors", json_integer(errors));
    json_object_set_new(root, "warnings", json_integer(warnings));
    json_dumpf(root, json_out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    fputc('\n', json_out);
    fflush(json_out);
    json_decref(root);
}

static void emit_text(void)
{
    int n = report_count();
    int errors = report_error_count();
    fflush(stdout);
    printf("\nhostrace: %s: %d finding%s (%d error%s, %d warning%s)\n", opts.script, n,
           n == 1 ? "" : "s", errors, errors == 1 ? "" : "s", n - errors,
           n - errors == 1 ? "" : "s");
    report_print_text(stdout);
    fflush(stdout);
}

/* Prints the findings once, whoever gets here first (normal end, the
 * watchdog, or a sanitizer about to end the process). */
static void emit(void)
{
    if (atomic_exchange(&emitted, 1))
        return;
    report_collect_sanitizer();
    if (opts.json)
        emit_json();
    else
        emit_text();
}

static int exit_code(void) { return report_error_count() ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN; }

/* ---- watchdog ------------------------------------------------------------ */

/* Bounds the whole process, exit included: the main thread ends with
 * _exit() after its output, so the watchdog is never joined. If it fires
 * while the output is being written, it waits a little for it and exits. */
static void *watchdog(void *arg)
{
    (void)arg;
    sched_sleep_ms((unsigned)opts.timeout * 1000u);
    if (!atomic_load(&emitted)) {
        report_addf(REPORT_HANG, "timeout", "", NULL,
                    "the run did not finish within %d s of wall-clock time (--timeout); a "
                    "thread is blocked or spinning",
                    opts.timeout);
        /* if emitting itself blocks, SIGALRM ends the process */
        alarm(10);
        emit();
        fflush(NULL);
        _exit(CLI_EXIT_FINDINGS);
    }
    sched_sleep_ms(10000);
    fprintf(stderr, "hostrace run: internal error: exit did not complete\n");
    _exit(CLI_EXIT_INTERNAL);
}

/* ---- crashes ------------------------------------------------------------ */

/* A crash of the host (no sanitizer caught it first) is a finding too: in
 * this host it is almost always data used after it was freed or moved. The
 * handler is not async-signal-safe; alarm() bounds it if it deadlocks. */
static void on_crash(int sig)
{
    alarm(5);
    sched_thread_info ti = sched_thread_lookup(sched_os_tid());
    report_addf(REPORT_USE_AFTER_FREE, "crash", sig == SIGBUS ? "SIGBUS" : "SIGSEGV", NULL,
                "the host crashed with %s in thread '%s' (%s): memory used after it was freed "
                "or moved (a stale wrapper or a pointer another thread reallocated)",
                sig == SIGBUS ? "SIGBUS" : "SIGSEGV", ti.found ? ti.name : "unregistered",
                sched_role_name(ti.role));
    emit();
    fflush(NULL);
    _exit(CLI_EXIT_FINDINGS);
}

static void install_crash_handlers(void)
{
    if (report_sanitizer_reports_crashes())
        return; /* ASan reports memory errors itself, through report's hook */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* ---- the command --------------------------------------------------------- */

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "hostrace run: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (try 'hostrace run --help')\n");
    return CLI_EXIT_USAGE;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int cli_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"frames", required_argument, NULL, 'f'}, {"host", required_argument, NULL, 'H'},
        {"json", no_argument, NULL, 'j'},         {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    opts.frames = DEFAULT_FRAMES;
    opts.timeout = DEFAULT_TIMEOUT;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        char err[256];
        switch (c) {
        case 'f':
            if (parse_int(optarg, 0, 1000000, &opts.frames) < 0)
                return usage_error("--frames takes a whole number from 0 to 1000000, not '%s'",
                                   optarg);
            break;
        case 't':
            if (parse_int(optarg, 1, 86400, &opts.timeout) < 0)
                return usage_error("--timeout takes seconds from 1 to 86400, not '%s'", optarg);
            break;
        case 'H':
            if (host_switch_parse(&opts.sw, optarg, err, sizeof(err)) < 0)
                return usage_error("%s", err);
            break;
        case 'j':
            opts.json = 1;
            break;
        case 'h':
            fputs(run_usage, stdout);
            return CLI_EXIT_CLEAN;
        default:
            return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error("%s", "missing SCRIPT.py");
    if (argc - optind > 1)
        return usage_error("unexpected argument '%s'", argv[optind + 1]);
    opts.script = argv[optind];
    struct stat st;
    if (stat(opts.script, &st) != 0) {
        fprintf(stderr, "hostrace run: cannot open script '%s': %s\n", opts.script,
                strerror(errno));
        return CLI_EXIT_USAGE;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "hostrace run: '%s' is not a regular file\n", opts.script);
        return CLI_EXIT_USAGE;
    }

    json_out = stdout;
    if (opts.json) {
        /* the script prints to fd 1: keep the real stdout for the JSON */
        fflush(stdout);
        int fd = dup(STDOUT_FILENO);
        json_out = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!json_out || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
            fprintf(stderr, "hostrace run: internal error: cannot redirect stdout\n");
            return CLI_EXIT_INTERNAL;
        }
    }

    report_set_fatal_hook(emit);
    report_install_sanitizer_hooks();
    install_crash_handlers();
    pthread_t wd;
    int have_wd = pthread_create(&wd, NULL, watchdog, NULL) == 0;

    char err[1024];
    if (bpy_runtime_start(&opts.sw, opts.script, err, sizeof(err)) < 0) {
        fprintf(stderr, "hostrace run: %s\n", err);
        return CLI_EXIT_INTERNAL;
    }
    bpy_script_status status = bpy_run_script(opts.script, err, sizeof(err));
    if (status == BPY_SCRIPT_INPUT) {
        fprintf(stderr, "hostrace run: %s\n", err);
        fflush(NULL);
        _exit(CLI_EXIT_USAGE);
    }
    bpy_check_threads();
    bpy_run_wm(opts.frames);
    bpy_runtime_stop(5000);

    (void)have_wd;
    emit();
    int code = exit_code();
    fflush(NULL);
    /* no atexit work after the report: threads the script left may still
     * run, and the report is already complete */
    _exit(code);
}
