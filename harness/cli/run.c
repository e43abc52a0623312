/* hostrace run and hostrace replay.
 *
 * A run is: the script on the main thread, the wm loop for N frames,
 * shutdown, then the findings. Under the scheduler (every strategy but
 * `free`) each schedule runs in a child process of its own, forked from a
 * parent that has no thread and no interpreter: a deadlocked, hung or
 * crashed schedule cannot take the exploration down with it, and the
 * parent merges the findings by signature and saves each new one with its
 * schedule file. */
#include "cli.h"
#include "causes.h"
#include "program.h"
#include "host/host.h"
#include "py/py.h"
#include "report/report.h"
#include "sched/schedule.h"
#include "sched/strategy.h"
#include "tsan/annotate.h"
#include "tsan/capture.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define DEFAULT_FRAMES 240
#define DEFAULT_TIMEOUT 120
#define DEFAULT_STALL 10
#define DEFAULT_MAX_STEPS 2000000ULL
#define DEFAULT_MAX_VTIME_S 7200
#define DEFAULT_OUT "hostrace-out/findings"
#define HR_EXPLORE_DEFAULT 20 /* --explore-ui frames */
#define RESULT_MAGIC 0x48525231u /* "HRR1" */

static const char run_usage[] =
    "usage: hostrace run SCRIPT.py [--strategy S] [--seed N] [--schedules K]\n"
    "       hostrace run --program INPUT [options]\n"
    "                              [--keep-going] [--out DIR] [--trace] [--json]\n"
    "                              [--frames N] [--host KEY=VALUE]... [--timeout S]\n"
    "\n"
    "Runs SCRIPT.py on the main thread of the mock Blender host, as\n"
    "`blender --python SCRIPT.py` does, then the window-manager loop for N frames\n"
    "(timers, modal operators, job notifications, depsgraph update, viewport\n"
    "draw), then shuts the host down.\n"
    "\n"
    "Every thread (main, render job, depsgraph workers, each Python thread) runs\n"
    "under hostrace's scheduler: one at a time, switching only at scheduling\n"
    "points (scene accesses, locks, thread start/join, sleeps, Python's blocking\n"
    "primitives), in the order the strategy picks. Time is virtual. The same\n"
    "script, strategy and seed give the same interleaving and the same report\n"
    "on every run. With --schedules K it explores K schedules (seeds N..N+K-1),\n"
    "each in its own process, and stops at the first error-level finding unless\n"
    "--keep-going. Every distinct finding is saved under --out with the schedule\n"
    "file that replays it (hostrace replay).\n"
    "\n"
    "It reports:\n"
    "  data-race                 two threads' accesses, one a write, in no order:\n"
    "      from TSan (tsan builds) or hostrace's own detector (--detector), with\n"
    "      both accesses, thread names and roles, and the Python file:line of each\n"
    "  use-after-free, lock-order-inversion  from the sanitizer of the build\n"
    "      (asan or tsan)\n"
    "  deadlock                  no thread can run: every thread's state, C stack\n"
    "      and Python stack\n"
    "  hang                      the step or virtual-time budget ran out, a thread\n"
    "      ran for --stall seconds without a scheduling point (a Python loop; one\n"
    "      long C call, its frame standing still, is bounded by --timeout), the main thread\n"
    "      waited in a socket, pipe or process call for --stall seconds of host\n"
    "      time, or --timeout\n"
    "  blocked-outside-scheduler a thread blocked for --stall seconds in a call\n"
    "      the scheduler does not control (sockets, pipes, waitpid, select and\n"
    "      multiprocessing's locks it does: the thread waits, the rest runs on)\n"
    "  assertion, script-error   an exception in the script, a thread, a timer,\n"
    "      a handler, a modal operator or a draw handler\n"
    "  thread-outlives-script    (warning) a Python thread still alive when the\n"
    "      script returned, the case Blender documents as unsupported\n"
    "  operator-refused          (warning) an operator returned {'CANCELLED'}\n"
    "  unsupported-api           (warning) bpy API the mock does not model was\n"
    "      used (even if the script caught the AttributeError): the result does\n"
    "      not cover it\n"
    "  invariant-broken          Main's lists or name map inconsistent at the end\n"
    "  fork-with-threads         (warning) the script forked (os.fork, multiprocessing's\n"
    "      fork) while other Python threads ran: locks they held stay held in the\n"
    "      child, as CPython 3.12+ warns\n"
    "  crash                     the host faulted or aborted: the faulting thread,\n"
    "      its Python line and C stack, the address (NULL page, unmapped, ...);\n"
    "      use-after-free instead when the address was host memory freed earlier\n"
    "  process-killed            the process died of a signal: one the script sent\n"
    "      to its own process (os.kill, os.killpg, signal.pthread_kill/raise_signal,\n"
    "      at its line), or one from outside\n"
    "  process-exit              (warning) the script ended the process itself\n"
    "      (os._exit, at its line; exit() in C code): the host quits unsaved\n"
    "\n"
    "options:\n"
    "  --strategy S      pct (default), random, rr, bytes, or free (no scheduler:\n"
    "                    real threads, as the host runs them; not reproducible)\n"
    "  --seed N          seed of the first schedule (default 0)\n"
    "  --schedules K     schedules to explore (default 1)\n"
    "  --keep-going      explore all K schedules and collect every distinct\n"
    "                    finding instead of stopping at the first error\n"
    "  --out DIR         where findings are saved (default hostrace-out/findings)\n"
    "  --trace           print each schedule's decisions: step, thread, the\n"
    "                    scheduling point (and script line), the thread chosen\n"
    "  --pct-depth D     pct: bug depth (default 3)\n"
    "  --pct-steps K     pct: expected number of choice points (default 2000)\n"
    "  --detector D      which detector finds data races: tsan (ThreadSanitizer,\n"
    "                    the default in TSan builds), hostrace (hostrace's own\n"
    "                    happens-before detector over the scheduled run, the\n"
    "                    default in other builds), both (TSan builds: a race\n"
    "                    both see is confirmed), or none (data races are not\n"
    "                    looked for); findings say which detector saw them\n"
    "  --input FILE      bytes: the bytes that drive the decisions\n"
    "  --program         the argument is a fuzz program input (its bytes, or the\n"
    "                    text form; see hostrace decode) instead of a script: it\n"
    "                    runs as the Python `hostrace decode` prints, named\n"
    "                    program.py, with the program's host switches; the\n"
    "                    strategy defaults to bytes over its schedule bytes\n"
    "  --max-steps N     hang past N scheduling points (default 2000000; 0: no\n"
    "                    limit)\n"
    "  --max-vtime S     hang past S seconds of virtual time (default 7200; 0: no\n"
    "                    limit)\n"
    "  --stall S         real seconds without a scheduling point before a hang or\n"
    "                    blocked-outside-scheduler finding, and how long the main\n"
    "                    thread may wait in a socket, pipe or process call\n"
    "                    (default 10)\n"
    "  --frames N        event-loop frames after the script (default 240, one\n"
    "                    frame is 1/60 s of host time); under the scheduler the\n"
    "                    loop ends early once no script code can run again (no\n"
    "                    script thread alive, no timer, handler, draw handler,\n"
    "                    modal operator, job or queued call): frames_run in --json\n"
    "  --host KEY=VALUE  host switch, repeatable:\n"
    "                      lock_interface=0|1    lock the UI while a render runs\n"
    "                      render=invoke|exec    exec: 'INVOKE_DEFAULT' renders block\n"
    "                      timers_lock=0|1       lock around the timer list\n"
    "                      main_thread_guard=0|1 bpy raises RuntimeError off main\n"
    "                      rna_safety=0|1        track and invalidate sub-data wrappers\n"
    "                      drivers_gil_release=0|1  depsgraph evaluation releases the GIL\n"
    "                                            (1, the default; 0: Blender before 3.0)\n"
    "                      bpy_on_main=0|1       the script-side remedy on every call: each\n"
    "                                            bpy call of a script thread runs on main\n"
    "                                            (bpy.app.run_on_main(fn, wait=True))\n"
    "  --json            print one JSON object on stdout (the script's own output\n"
    "                    goes to stderr)\n"
    "  --timeout S       wall-clock budget for each schedule (default 120); past it\n"
    "                    the run ends with a hang finding\n"
    "  -h, --help        this help\n"
    "\n"
    "A script ending in a '# --- hostrace reproducer ---' block (a finding's repro.py)\n"
    "runs under its source-name, host, frames and schedule-bytes (--strategy bytes),\n"
    "unless the command line gives others.\n"
    "\n"
    "exit codes: 0 no error-level finding, 1 at least one, 2 usage or input\n"
    "error, 3 internal error.\n";

static const char addon_usage[] =
    "usage: hostrace addon ADDON [--invoke IDNAME[:KEY=VALUE,...]]... [--explore-ui[=N]]\n"
    "                            [run options]\n"
    "\n"
    "Loads an add-on as Blender enables one and runs it under the deterministic\n"
    "scheduler: ADDON is a package folder (__init__.py with bl_info, or an\n"
    "extension with blender_manifest.toml), a single .py module or a .zip. Its\n"
    "parent goes on sys.path, it is imported, register() runs and it is marked\n"
    "enabled in preferences.addons; then the event loop runs, and every frame the\n"
    "main thread draws each registered Panel (poll() first), Header, Menu and\n"
    "UIList and the add-on's preferences, reading the values of the properties\n"
    "they show from C after draw() returned, as Blender does. unregister() runs\n"
    "when the loop ends.\n"
    "\n"
    "  --invoke IDNAME[:KEY=VALUE,...]  a user clicks the operator (INVOKE_DEFAULT,\n"
    "                    with those properties); repeatable, in order, each one\n"
    "                    to three frames after the previous (the schedule picks\n"
    "                    when). VALUE is a Python literal or a bare string.\n"
    "  --explore-ui[=N]  then, for N frames (default 20), the schedule acts as a\n"
    "                    user: each frame it idles, clicks an operator button or\n"
    "                    changes a property the add-on's UI drew, or runs one of\n"
    "                    its operators, among those whose poll() passes. Every\n"
    "                    choice is recorded in the schedule, so a replay repeats\n"
    "                    what the user did.\n"
    "\n"
    "Every option of `hostrace run` applies (--schedules, --strategy, --seed,\n"
    "--keep-going, --out, --json, --frames, --host, ...); findings, schedule files\n"
    "and `hostrace replay` work as for a script. bpy API the mock does not model\n"
    "gives an unsupported-api warning, also when the add-on catches the error.\n"
    "\n"
    "exit codes: 0 no error-level finding, 1 at least one, 2 usage or input\n"
    "error, 3 internal error.\n";

static const char replay_usage[] =
    "usage: hostrace replay SCHEDULE_FILE [--script PATH] [--json] [--trace]\n"
    "                                     [--timeout S]\n"
    "\n"
    "Re-runs exactly the interleaving a schedule file recorded (hostrace run\n"
    "saves one with every finding) and reports what it finds: the same\n"
    "findings, every time, in any build that can detect them. The script,\n"
    "frames and host switches come from the file; --script runs another copy\n"
    "of the script. When the run does not match the recorded decisions (the\n"
    "script or the harness changed), it stops and says where it diverged.\n"
    "\n"
    "exit codes: 0 no error-level finding, 1 at least one, 2 usage or input\n"
    "error (unreadable, truncated or wrong-version file, or a diverging run),\n"
    "3 internal error.\n";

typedef struct run_opts {
    const char *cmd; /* "run" or "replay" */
    const char *script;
    int frames;
    int json;
    int timeout;
    int stall;
    host_switches sw;
    const char *strategy;
    uint64_t seed;
    int schedules;
    int keep_going;
    const char *out;
    int trace;
    int pct_depth;
    uint64_t pct_steps;
    unsigned detector;    /* REPORT_BY_* of the race detectors to run */
    const char *input;
    int program;          /* the script argument is a program input */
    int addon;            /* the script argument is an add-on (hostrace addon) */
    char invoke[1024];    /* --invoke OP[:K=V,...], space separated */
    int explore;          /* --explore-ui N: frames the user acts in (0: off) */
    int strategy_given;
    uint64_t max_steps;
    int64_t max_vtime_ms;
    /* replay */
    hr_schedule replay;
    int is_replay;
    const char *replay_path;
} run_opts;

typedef enum child_status {
    CHILD_OK = 0,
    CHILD_INPUT_ERROR,
    CHILD_DIVERGED,
    CHILD_INTERNAL,
} child_status;

typedef struct child_result {
    uint32_t magic;
    int status;
    int exit_code;
    uint64_t steps;
    uint64_t decisions;
    int64_t vtime_ns;
    int frames_run; /* event-loop frames run (fewer than --frames once quiescent) */
    int nfindings;
    int gil_enabled; /* the GIL was on when the script returned */
    char message[1024];
} child_result;

static run_opts opts;
static void defaults(const char *cmd);
static FILE *json_out;   /* the report stream (real stdout) */
static atomic_int emitted;
static int scheduled;    /* this process runs under the scheduler */
static int frames_run;   /* the event-loop frames this run ran */
static const char *result_path;   /* child: where the result goes */
static char session_dir[4200];     /* child: the run's (begin_session) */
static int session_owned;          /* made by this process: removed as it ends */
static const char *schedule_path; /* child: where the schedule goes */
static sched_strategy *strategy;
static uint8_t *input_bytes;
static size_t input_len;
static prog_program *program;  /* --program: the decoded input */
#define PROGRAM_PY "program.py" /* its name in locations and tracebacks */
static int print_in_child; /* cli_run_input: the report on stderr */
static void (*before_exit)(void);
static child_status child_stat;
static volatile sig_atomic_t interrupted; /* the signal that stopped the exploration */
static const char *sig_name(int sig);
static char child_msg[1024];

/* The reproducer trailer of a script (a finding's repro.py): see
 * load_trailer. */
#define TRAILER_MARK "# --- hostrace reproducer ---"
static struct {
    int present;
    uint8_t *text;      /* the whole script, NUL-terminated */
    size_t code_len;    /* the code's length: the text before the mark */
    char name[64];      /* source-name: the file name the code runs under */
    int generated;      /* its line numbers are left out of signatures */
    char host[256];     /* host switches, "k=v k=v" */
    int frames;
    uint8_t *bytes;     /* schedule-bytes */
    size_t nbytes;
} trailer;

/* ---- JSON ------------------------------------------------------------- */

static json_t *access_json(const report_access *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "access", json_string(a->is_write ? "write" : "read"));
    json_object_set_new(o, "size", json_integer(a->size));
    json_object_set_new(o, "site", json_string(a->site));
    if (a->call[0])
        json_object_set_new(o, "call", json_string(a->call));
    if (a->delegated)
        json_object_set_new(o, "for_script_thread", json_true());
    json_object_set_new(o, "thread", json_string(a->thread));
    json_object_set_new(o, "role", json_string(a->role));
    if (a->py_file[0])
        json_object_set_new(o, "python",
                            json_pack("{s:s, s:i}", "file", a->py_file, "line", a->py_line));
    if (a->has_step)
        json_object_set_new(o, "step", json_integer((json_int_t)a->step));
    json_t *stack = json_array();
    for (int i = 0; i < a->nframes; i++)
        json_array_append_new(stack, json_pack("{s:s, s:s, s:i}", "function", a->frames[i].func,
                                               "file", a->frames[i].file, "line",
                                               a->frames[i].line));
    json_object_set_new(o, "stack", stack);
    return o;
}

static int child_gil_seen; /* a schedule process ran with the GIL on */

/* The interpreter the runs used: this process's, with the GIL state the
 * schedule processes reported. */
static void run_interp(bpy_interp_info *ii, char *desc, size_t len)
{
    bpy_interpreter(ii);
    if (child_gil_seen)
        ii->gil_enabled = 1;
    bpy_interpreter_describe(ii, desc, len);
}

static json_t *python_json(void)
{
    bpy_interp_info ii;
    char desc[128];
    run_interp(&ii, desc, sizeof(desc));
    return json_pack("{s:s, s:s, s:b, s:b}", "interpreter", desc, "version", ii.version,
                     "free_threaded", ii.free_threaded, "gil", ii.gil_enabled);
}

static char *program_src; /* a program's Python, made before the run */

static const char *basename_of(const char *p);

/* Line `line` of text, its indentation left out, in buf. */
static const char *text_line(const char *text, int line, char *buf, size_t len)
{
    const char *p = text;
    for (int i = 1; p && i < line; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p || !*p)
        return NULL;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strcspn(p, "\n");
    if (n >= len)
        n = len - 1;
    memcpy(buf, p, n);
    buf[n] = 0;
    return buf;
}

/* The source of a script line, for a cause's script side: the program's
 * generated Python, a repro trailer's code, or the file. */
static const char *source_line(const char *file, int line, void *ud)
{
    (void)ud;
    static char buf[256];
    const char *base = basename_of(file);
    if (program_src && strcmp(base, PROGRAM_PY) == 0)
        return text_line(program_src, line, buf, sizeof(buf));
    if (program && strcmp(base, PROGRAM_PY) == 0) {
        /* the parent: made for this line and freed, so that what the
         * schedule processes it forks later inherit does not change */
        char *src = hr_program_python(program);
        const char *r = src ? text_line(src, line, buf, sizeof(buf)) : NULL;
        free(src);
        return r;
    }
    if (trailer.present && trailer.text && strcmp(base, trailer.name) == 0)
        return text_line((const char *)trailer.text, line, buf, sizeof(buf));
    FILE *f = fopen(file, "r");
    if (!f)
        return NULL;
    char l[1024];
    const char *r = NULL;
    for (int i = 1; fgets(l, sizeof(l), f); i++)
        if (i == line) {
            r = text_line(l, 1, buf, sizeof(buf));
            break;
        }
    fclose(f);
    return r;
}

static json_t *finding_json(const report_finding *f)
{
    int err = report_kind_severity(f->kind) == REPORT_ERROR;
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(report_kind_id(f->kind)));
    json_object_set_new(o, "severity", json_string(err ? "error" : "warning"));
    json_object_set_new(o, "signature", json_string(f->signature));
    json_object_set_new(o, "message", json_string(f->message));
    json_object_set_new(o, "count", json_integer(f->count));
    if (f->found_by)
        json_object_set_new(o, "detector", json_string(report_found_by_id(f->found_by)));
    json_t *threads = json_array();
    json_t *accesses = json_array();
    for (int k = 0; k < f->nacc; k++) {
        json_array_append_new(threads, json_pack("{s:s, s:s}", "name", f->acc[k].thread, "role",
                                                 f->acc[k].role));
        json_array_append_new(accesses, access_json(&f->acc[k]));
    }
    if (!f->nacc && f->thread[0])
        json_array_append_new(threads, json_pack("{s:s, s:s}", "name", f->thread, "role", f->role));
    json_object_set_new(o, "threads", threads);
    json_object_set_new(o, "accesses", accesses);
    if (f->detail[0])
        json_object_set_new(o, "detail", json_string(f->detail));
    json_object_set_new(o, "python", python_json());
    report_cause c;
    report_set_activity_namer(host_activity_of);
    report_set_api_namer(bpy_api_name);
    report_cause_of(f, &c);
    json_object_set_new(o, "cause", hr_cause_json(&c, source_line, NULL));
    return o;
}

static json_t *host_json(void)
{
    /* the switches host_switches_format writes: the same in every file */
    json_t *o = json_object();
    for (int i = 0; i < host_switch_count(); i++) {
        const host_switch_def *d = host_switch_at(i);
        if (!host_switch_written(&opts.sw, d))
            continue;
        json_object_set_new(o, d->key,
                            d->is_bool ? json_boolean(host_switch_get(&opts.sw, d))
                                       : json_string(host_switch_value_name(&opts.sw, d)));
    }
    return o;
}

static void host_string(char *out, size_t len) { host_switches_format(&opts.sw, out, len); }

/* Distinct bpy names the run met that the mock does not model. */
static int unsupported_count(void)
{
    int k = 0;
    report_finding *f = malloc(sizeof(*f));
    for (int i = 0; f && report_get(i, f) == 0; i++)
        k += f->kind == REPORT_UNSUPPORTED_API;
    free(f);
    return k;
}

/* ---- the free-running run's output (one process) --------------------- */

/* The detector that looks for data races in this run: hostrace's needs the
 * scheduler, so a free run has TSan or none. */
static const char *detector_in_effect(int free_run)
{
    unsigned d = opts.detector;
    if (free_run)
        d &= REPORT_BY_TSAN;
    return report_found_by_id(d);
}

static void emit_json_free(void)
{
    json_t *root = json_object();
    json_object_set_new(root, "hostrace", json_string(HOSTRACE_VERSION));
    json_object_set_new(root, "script", json_string(opts.script));
    json_object_set_new(root, "strategy", json_string("free"));
    json_object_set_new(root, "detector", json_string(detector_in_effect(1)));
    json_object_set_new(root, "frames", json_integer(opts.frames));
    json_object_set_new(root, "host", host_json());
    json_object_set_new(root, "python", python_json());
    json_t *list = json_array();
    report_finding *f = malloc(sizeof(*f));
    for (int i = 0; f && report_get(i, f) == 0; i++)
        json_array_append_new(list, finding_json(f));
    free(f);
    int errors = report_error_count();
    json_object_set_new(root, "causes", hr_causes_group(list));
    json_object_set_new(root, "findings", list);
    json_object_set_new(root, "errors", json_integer(errors));
    json_object_set_new(root, "warnings", json_integer(report_count() - errors));
    json_object_set_new(root, "unsupported_api", json_integer(unsupported_count()));
    json_dumpf(root, json_out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    fputc('\n', json_out);
    fflush(json_out);
    json_decref(root);
}

static json_t *findings_list(void);

/* causes: the findings grouped (hr_causes_group), counted when there are
 * findings */
static void print_summary_line(FILE *out, json_t *causes)
{
    int n = report_count();
    int errors = report_error_count();
    int gaps = unsupported_count();
    fprintf(out, "\nhostrace: %s: %d finding%s (%d error%s, %d warning%s)", opts.script, n,
            n == 1 ? "" : "s", errors, errors == 1 ? "" : "s", n - errors,
            n - errors == 1 ? "" : "s");
    if (n > 0) {
        size_t nc = json_array_size(causes);
        fprintf(out, " in %zu cause%s", nc, nc == 1 ? "" : "s");
    }
    fputc('\n', out);
    if (gaps)
        fprintf(out, "hostrace: %s, but %d API%s not modelled (unsupported-api): this "
                     "result does not cover what %s in Blender\n",
                errors ? "findings" : "clean", gaps, gaps == 1 ? " was" : "s were",
                gaps == 1 ? "it does" : "they do");
}

/* ---- the scheduled child's result ----------------------------------------- */

static void print_trace(FILE *out)
{
    size_t n;
    const sched_decision *d = sched_decisions(&n);
    fprintf(out, "trace: seed %" PRIu64 ", %zu decisions, %" PRIu64 " scheduling points\n",
            opts.seed, n, sched_steps());
    for (size_t i = 0; i < n; i++) {
        if (d[i].current == SCHED_VALUE_CHOICE) {
            fprintf(out, "trace: %zu step %" PRIu64 ": %s -> option %d of %d\n", i + 1, d[i].step,
                    d[i].label, d[i].chosen, d[i].n_enabled);
            continue;
        }
        if (d[i].current == SCHED_EXTERNAL_WAKE) {
            fprintf(out, "trace: %zu step %" PRIu64 ": %s of %s completed\n", i + 1, d[i].step,
                    d[i].label, sched_slot_name(d[i].chosen));
            continue;
        }
        if (d[i].current == SCHED_EXTERNAL_NOW) {
            fprintf(out, "trace: %zu step %" PRIu64 ": %s %s\n", i + 1, d[i].step, d[i].label,
                    d[i].chosen ? "ready at once" : "not ready");
            continue;
        }
        fprintf(out, "trace: %zu step %" PRIu64 ": %s at %s", i + 1, d[i].step,
                d[i].current >= 0 ? sched_slot_name(d[i].current) : "(blocked)", d[i].label);
        if (d[i].file) {
            const char *base = strrchr(d[i].file, '/');
            fprintf(out, " (%s:%d)", base ? base + 1 : d[i].file, d[i].line);
        }
        fprintf(out, " -> %s [%d runnable]\n", sched_slot_name(d[i].chosen), d[i].n_enabled);
    }
    fflush(out);
}

/* How much of the script is its code: a repro.py's without the reproducer
 * trailer, so that a finding's repro.py has the hash of the script its
 * schedule was recorded with (a macro: hash_script runs on the run's
 * thread, and the calls it makes there are the same as before). */
#define CODE_LEN() (trailer.present ? trailer.code_len : SIZE_MAX)

/* the xxh64 of the script's code, taken before the run (a crash cannot
 * read files) */
static char script_hash[17];

static void hash_script(void)
{
    if (hr_file_hash_prefix(opts.script, CODE_LEN(), script_hash) < 0)
        snprintf(script_hash, sizeof(script_hash), "unreadable");
}

static void fill_schedule(hr_schedule *s)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->script, sizeof(s->script), "%s", opts.script);
    s->program = opts.program;
    s->addon = opts.addon;
    snprintf(s->invoke, sizeof(s->invoke), "%s", opts.invoke);
    s->explore = opts.explore;
    if (!script_hash[0])
        hash_script();
    snprintf(s->script_hash, sizeof(s->script_hash), "%s", script_hash);
    snprintf(s->strategy, sizeof(s->strategy), "%s",
             opts.is_replay ? opts.replay.strategy : opts.strategy);
    s->seed = opts.seed;
    s->pct_depth = opts.pct_depth;
    s->pct_steps = opts.pct_steps;
    s->frames = opts.frames;
    host_string(s->host, sizeof(s->host));
    s->max_steps = opts.max_steps;
    s->max_vtime_ms = opts.max_vtime_ms;
    s->steps = sched_steps();
    s->d = (sched_decision *)sched_decisions(&s->n);
}

/* The schedule so far, for the parent (which saves it with each finding). */
static void write_schedule(void)
{
    if (!schedule_path)
        return;
    int fd = open(schedule_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    static hr_schedule s; /* 4 KiB and more: not on a crashed thread's stack */
    fill_schedule(&s);
    hr_schedule_write(fd, &s);
    close(fd);
}

/* TSan ignore regions the watchdog opened (finish_from_watchdog): TSan
 * requires a thread to close them before the process ends. */
static _Thread_local int watchdog_ignores;

static void watchdog_ignore(void)
{
    HR_TSAN_IGNORE_BEGIN();
    watchdog_ignores++;
}

static void end_watchdog_ignores(void)
{
    for (; watchdog_ignores > 0; watchdog_ignores--)
        HR_TSAN_IGNORE_END();
}

/* Writes the child's findings and schedule for the parent, then ends the
 * process. Runs once, whoever gets here first (normal end, a scheduler
 * stop, the watchdog, a crash, a sanitizer about to end the process). */
static int write_result(void);
static void finish_now(void);
/* removes the run's session directory when this process made it */
static void end_session(void)
{
    if (session_owned)
        hr_remove_tree(session_dir);
}
static void child_finish(void) __attribute__((noreturn));
static void child_finish(void)
{
    if (atomic_exchange(&emitted, 1)) {
        /* someone else is writing the result: let it finish */
        for (;;)
            pause();
    }
    alarm(30); /* if writing the result itself blocks */
    sched_ext_off();
    sanitizer_collect();
    report_collect_hb();
    if (child_stat == CHILD_OK && strategy && strategy->remaining &&
        strategy->remaining(strategy) > 0) {
        child_stat = CHILD_DIVERGED;
        snprintf(child_msg, sizeof(child_msg),
                 "the schedule diverges from this run: the run ended with %zu of its recorded "
                 "decisions unused",
                 strategy->remaining(strategy));
    }
    if (opts.trace)
        print_trace(opts.json ? stderr : stdout);
    if (print_in_child) {
        fflush(stdout);
        report_print_text(stderr);
        fflush(stderr);
    }
    write_schedule();
    int code = write_result();
    fflush(NULL);
    end_session();
    if (before_exit)
        before_exit();
    end_watchdog_ignores();
    _exit(code);
}

/* The result file for the parent: status, counts and every finding so
 * far. Returns the exit code that goes with it. */
static int write_result(void)
{
    child_result r;
    memset(&r, 0, sizeof(r));
    r.magic = RESULT_MAGIC;
    r.status = child_stat;
    r.steps = sched_steps();
    size_t nd;
    sched_decisions(&nd);
    r.decisions = nd;
    r.vtime_ns = sched_now_ns();
    r.frames_run = frames_run;
    r.nfindings = report_count();
    bpy_interp_info ii;
    bpy_interpreter(&ii);
    r.gil_enabled = ii.gil_enabled;
    snprintf(r.message, sizeof(r.message), "%s", child_msg);
    int code = child_stat == CHILD_INPUT_ERROR || child_stat == CHILD_DIVERGED
                   ? CLI_EXIT_USAGE
                   : (report_error_count() ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN);
    r.exit_code = code;
    FILE *rf = result_path ? fopen(result_path, "wb") : NULL;
    if (rf) {
        fwrite(&r, sizeof(r), 1, rf);
        report_finding *f = malloc(sizeof(*f));
        for (int i = 0; f && i < r.nfindings && report_get(i, f) == 0; i++)
            fwrite(f, sizeof(*f), 1, rf);
        free(f);
        fclose(rf);
    }
    return code;
}

/* bpy_set_process_end_hook: the script ends the process (final) or sends
 * it a signal that ends or stops it. The finding is in the report; the
 * result and the schedule are written now, as the process may die
 * without another chance (SIGKILL). A process that goes on overwrites
 * them when it ends. */
static void on_process_end(int final)
{
    if (final)
        finish_now(); /* scheduled: does not return */
    if (!scheduled) {
        report_finding f;
        if (report_get(report_count() - 1, &f) == 0)
            report_print_finding(stderr, &f);
        fflush(stderr);
        return;
    }
    sanitizer_collect();
    report_collect_hb();
    write_schedule();
    write_result();
    fflush(NULL);
}

/* The free-running run prints its findings itself. */
static void free_emit(void)
{
    if (atomic_exchange(&emitted, 1))
        return;
    sanitizer_collect();
    report_collect_hb();
    if (opts.json) {
        emit_json_free();
    } else {
        fflush(stdout);
        json_t *list = findings_list();
        json_t *causes = hr_causes_group(list);
        print_summary_line(stdout, causes);
        json_decref(causes);
        json_decref(list);
        if ((opts.detector & REPORT_BY_HOSTRACE) && !(opts.detector & REPORT_BY_TSAN))
            printf("hostrace: no data race was looked for: hostrace's race detector needs "
                   "the scheduler (--strategy free has none); run a schedule, or a tsan "
                   "build\n");
        report_print_text(stdout);
        fflush(stdout);
    }
    end_session();
}

static void finish_now(void)
{
    if (scheduled)
        child_finish();
    free_emit();
}

/* The watchdog ends a run whose token holder is stuck: it reads what that
 * thread and the embedding wrote (the decisions, the interned file names
 * they point to) with no order to them, a diagnostic TSan must not report
 * as a race of hostrace's own. */
static void finish_from_watchdog(void)
{
    watchdog_ignore();
    finish_now();
    end_watchdog_ignores();
}

/* ---- scheduler stops -------------------------------------------------------- */

static const char *basename_of(const char *p)
{
    const char *s = p ? strrchr(p, '/') : NULL;
    return s ? s + 1 : p;
}

static void on_sched_stop(const sched_stop *st)
{
    char key[320];
    switch (st->kind) {
    case SCHED_STOP_DEADLOCK:
        report_addf_thread(st->thread, sched_role_name(st->role), REPORT_DEADLOCK,
                           st->blocked_key, "", st->threads, "%s", st->message);
        break;
    case SCHED_STOP_HANG_STEPS:
    case SCHED_STOP_HANG_TIME:
    case SCHED_STOP_HANG_EXTERNAL:
        if (st->py_file)
            snprintf(key, sizeof(key), "%s@%s:%d", sched_role_name(st->role),
                     basename_of(st->py_file), st->py_line);
        else
            snprintf(key, sizeof(key), "%s", sched_role_name(st->role));
        report_addf_thread(st->thread, sched_role_name(st->role), REPORT_HANG, key,
                           st->kind == SCHED_STOP_HANG_STEPS  ? "steps"
                           : st->kind == SCHED_STOP_HANG_TIME ? "vtime"
                                                              : "external",
                           st->threads,
                           "%s", st->message);
        break;
    case SCHED_STOP_DIVERGED:
        child_stat = CHILD_DIVERGED;
        snprintf(child_msg, sizeof(child_msg), "%s", st->message);
        break;
    }
    child_finish();
}

/* ---- watchdog --------------------------------------------------------------- */

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The kernel's view of a thread: its state letter and wait channel. */
static char thread_state(uint64_t tid, char *wchan, size_t len)
{
    char path[96], buf[512];
    char state = '?';
    snprintf(path, sizeof(path), "/proc/self/task/%llu/stat", (unsigned long long)tid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fgets(buf, sizeof(buf), f)) {
            char *rp = strrchr(buf, ')');
            if (rp && rp[1] == ' ')
                state = rp[2];
        }
        fclose(f);
    }
    snprintf(wchan, len, "?");
    snprintf(path, sizeof(path), "/proc/self/task/%llu/wchan", (unsigned long long)tid);
    f = fopen(path, "r");
    if (f) {
        if (fgets(buf, sizeof(buf), f) && buf[0] && strcmp(buf, "0") != 0)
            snprintf(wchan, len, "%s", buf);
        fclose(f);
    }
    return state;
}

/* The token holder has not reached a scheduling point for --stall
 * seconds: it spins without one, or it blocked somewhere the scheduler
 * does not see. */
static void stall_finding(double seconds)
{
    char name[64] = "?", wchan[64];
    sched_role role = SCHED_ROLE_UNKNOWN;
    uint64_t tid = 0, ident = 0;
    sched_token_holder(name, sizeof(name), &role, &tid, &ident);
    char state = thread_state(tid, wchan, sizeof(wchan));
    char stacks[2048] = "";
    bpy_dump_stacks(stacks, sizeof(stacks));
    char where[256], func[256];
    bpy_first_frame(stacks, ident, where, sizeof(where), func, sizeof(func));
    /* a busy loop is caught on whichever line of it was running: its key
     * is the function; a blocked call's is its line */
    char key[320];
    snprintf(key, sizeof(key), "%s@%s", sched_role_name(role), state == 'R' ? func : where);
    if (state == 'R')
        report_addf_thread(name, sched_role_name(role), REPORT_HANG, key, "busy", stacks,
                           "hang: thread %s (%s) has run for %.0f s of real time without "
                           "reaching a scheduling point (a busy loop that never calls bpy, "
                           "sleeps or waits), at %s",
                           name, sched_role_name(role), seconds, where);
    else
        report_addf_thread(name, sched_role_name(role), REPORT_BLOCKED_OUTSIDE_SCHEDULER, key,
                           "", stacks,
                           "thread %s (%s) has been blocked for %.0f s in something the "
                           "scheduler does not control (kernel state %c, wait channel %s), "
                           "at %s",
                           name, sched_role_name(role), seconds, state, wchan, where);
}

/* The token holder's Python position (bpy_thread_position) and kernel
 * state; 0 when either cannot be read. */
static int holder_position(uint64_t *pos, char *state, char *where, size_t wlen)
{
    char name[64], wchan[64];
    sched_role role;
    uint64_t tid = 0, ident = 0;
    if (!sched_token_holder(name, sizeof(name), &role, &tid, &ident) || !ident ||
        bpy_thread_position(ident, pos) != 0)
        return 0;
    *state = thread_state(tid, wchan, sizeof(wchan));
    if (where) {
        static char stacks[2048];
        char func[256];
        if (bpy_dump_stops_the_world())
            snprintf(where, wlen, "a line not known (the interpreter's stack dump would wait "
                                  "for that call)");
        else {
            bpy_dump_stacks(stacks, sizeof(stacks));
            bpy_first_frame(stacks, ident, where, wlen, func, sizeof(func));
        }
        snprintf(where + strlen(where), wlen - strlen(where), " (thread %s, %s)", name,
                 sched_role_name(role));
    }
    return 1;
}

/* Bounds the whole process, exit included: the run ends with _exit()
 * after its output, so the watchdog is never joined.
 *
 * A token holder that reaches no scheduling point for --stall seconds is
 * a busy loop (hang) or blocked (blocked-outside-scheduler), unless it is
 * running inside one long C call: its Python frame has not moved since
 * the steps stopped (a 2 GB allocation under TSan, a big copy, a C
 * library's computation). That is work, not a loop, and only --timeout
 * bounds it. */
static void *watchdog(void *arg)
{
    (void)arg;
    double start = mono_s(), last_change = start, pos_change = start;
    uint64_t last_steps = 0, last_pos = 0;
    int pos_known = 0;
    char in_c_call[320] = ""; /* where the holder sits in a long C call */
    for (;;) {
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
        double now = mono_s();
        if (atomic_load(&emitted))
            break;
        if (now - start > opts.timeout) {
            watchdog_ignore(); /* see finish_from_watchdog */
            if (in_c_call[0])
                report_addf(REPORT_HANG, "timeout", "c-call", NULL,
                            "the run did not finish within %d s of wall-clock time (--timeout): "
                            "the script has been inside one C call for %.0f s at %s (running, "
                            "its Python frame not advancing)",
                            opts.timeout, now - last_change, in_c_call);
            else
                report_addf(REPORT_HANG, "timeout", "", NULL,
                            "the run did not finish within %d s of wall-clock time (--timeout); "
                            "a thread is blocked or spinning",
                            opts.timeout);
            finish_from_watchdog();
            fflush(NULL);
            _exit(CLI_EXIT_FINDINGS);
        }
        if (scheduled) {
            uint64_t s = sched_steps();
            if (s != last_steps || sched_ext_idle_waiting()) {
                /* a wait for a child process is bounded by the scheduler */
                last_steps = s;
                last_change = now;
                pos_known = 0;
                in_c_call[0] = '\0';
                continue;
            }
            /* the steps stopped: is the holder's frame moving? */
            uint64_t pos = 0;
            char state = '?';
            int known = holder_position(&pos, &state, NULL, 0);
            if (!known || !pos_known || pos != last_pos)
                pos_change = now;
            last_pos = pos;
            pos_known = known;
            /* the frame has not moved since shortly after the steps stopped */
            int frozen = known && state == 'R' && pos_change - last_change < 0.5;
            if (now - last_change > opts.stall && frozen) {
                if (!in_c_call[0] && !holder_position(&pos, &state, in_c_call, sizeof(in_c_call)))
                    snprintf(in_c_call, sizeof(in_c_call), "?");
            } else if (now - last_change > opts.stall) {
                watchdog_ignore(); /* see finish_from_watchdog */
                stall_finding(now - last_change);
                finish_from_watchdog();
                fflush(NULL);
                _exit(CLI_EXIT_FINDINGS);
            }
        }
    }
    sleep(10);
    fprintf(stderr, "hostrace %s: internal error: exit did not complete\n", opts.cmd);
    _exit(CLI_EXIT_INTERNAL);
}

/* A signal's name: "SIGTERM" */
static const char *sig_name(int sig)
{
    static _Thread_local char buf[32];
    const char *abbrev = sigabbrev_np(sig);
    if (abbrev)
        snprintf(buf, sizeof(buf), "SIG%s", abbrev);
    else
        snprintf(buf, sizeof(buf), "signal %d", sig);
    return buf;
}

/* ---- crashes ---------------------------------------------------------------- */

/* A crash of the host (no sanitizer caught it first) is a finding too: in
 * this host it is almost always data used after it was freed or moved. The
 * handler is not async-signal-safe (it writes the whole report): a race
 * that corrupted the heap can make it fault or abort again, or deadlock in
 * malloc. Each of those still ends the process with the exit code that
 * says "finding" (never as a signal death, which the parent and the fuzz
 * drivers would count as the harness's own failure), and the parent, which
 * then gets no result, reports the crash itself. */
static void crash_unreported(void)
{
    static const char msg[] = "hostrace: the host crashed and corrupted its heap; the report "
                              "could not be written\n";
    static volatile sig_atomic_t entered;
    ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
    (void)w;
    /* the schedule still can be (it allocates nothing), and the parent
     * saves it with the crash: once, as a fault in here ends it at once */
    if (!entered) {
        entered = 1;
        write_schedule();
    }
    _exit(CLI_EXIT_FINDINGS);
}

/* alarm() bounds a handler that deadlocked */
static void on_crash_timeout(int sig)
{
    (void)sig;
    crash_unreported();
}

/* the thread that is writing the crash report, 0 before a crash */
static _Atomic uint64_t crash_tid;
/* HOSTRACE_TEST_HANDLER_FAULT=1 (for hostrace's own tests): the handler
 * faults as soon as it starts, as it can on a heap a race corrupted */
static int handler_fault;

/* "symbol+0xoff (module)" or "module+0xoff" for a code address */
static void code_site(void *pc, char *out, size_t len)
{
    Dl_info di;
    if (!pc || !dladdr(pc, &di) || !di.dli_fname) {
        snprintf(out, len, "%p", pc);
        return;
    }
    const char *mod = basename_of(di.dli_fname);
    if (di.dli_sname && di.dli_saddr)
        snprintf(out, len, "%s+0x%zx (%s)", di.dli_sname,
                 (size_t)((char *)pc - (char *)di.dli_saddr), mod);
    else
        snprintf(out, len, "%s+0x%zx", mod, (size_t)((char *)pc - (char *)di.dli_fbase));
}

static void on_crash(int sig, siginfo_t *si, void *ucv)
{
    uint64_t self = sched_os_tid(), none = 0;
    if (!atomic_compare_exchange_strong(&crash_tid, &none, self)) {
        if (none == self)
            crash_unreported(); /* the handler itself faulted or aborted */
        for (;;)
            pause(); /* another thread crashed first and ends the process */
    }
    /* a fault in here must enter again, and the alarm must get through:
     * TSan runs every handler with all signals blocked, whatever the flags */
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGSEGV);
    sigaddset(&unblock, SIGBUS);
    sigaddset(&unblock, SIGABRT);
    sigaddset(&unblock, SIGFPE);
    sigaddset(&unblock, SIGILL);
    sigaddset(&unblock, SIGALRM);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
    signal(SIGALRM, on_crash_timeout);
    alarm(3);
    if (handler_fault) {
        volatile int *nowhere = NULL;
        *nowhere = 1; /* a real fault (TSan defers a raise() in a handler) */
    }
    sched_thread_info ti = sched_thread_lookup(self);
    const char *thread = ti.found ? ti.name : "unregistered";
    const char *role = sched_role_name(ti.role);
    const char *name = sig_name(sig);
    void *addr = si ? si->si_addr : NULL;
    void *pc = NULL;
#if defined(__x86_64__)
    if (ucv)
        pc = (void *)((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    if (ucv)
        pc = (void *)((ucontext_t *)ucv)->uc_mcontext.pc;
#endif
    /* where: the script's line on the crashing thread, and the C code */
    static char stacks[8192];
    bpy_dump_stacks(stacks, sizeof(stacks));
    char where[256] = "?";
    bpy_script_frame(stacks, (uint64_t)pthread_self(), where, sizeof(where));
    char csite[256];
    code_site(pc, csite, sizeof(csite));
    static char detail[2048];
    size_t dl = 0;
    dl += (size_t)snprintf(detail + dl, sizeof(detail) - dl, "C stack of thread %s:\n", thread);
    void *bt[24];
    int nbt = backtrace(bt, 24), from = 0;
    for (int k = 0; k < nbt; k++)
        if (bt[k] == pc) {
            from = k;
            break;
        }
    if (from == 0 && pc)
        dl += (size_t)snprintf(detail + dl, sizeof(detail) - dl, "  #0 %s\n", csite);
    for (int k = from, shown = 0; k < nbt && shown < 8 && dl < sizeof(detail) - 300;
         k++, shown++) {
        char site[256];
        code_site(bt[k], site, sizeof(site));
        dl += (size_t)snprintf(detail + dl, sizeof(detail) - dl, "  #%d %s\n", shown, site);
    }
    size_t n;
    const char *own = bpy_thread_block(stacks, (uint64_t)pthread_self(), &n);
    if (own && dl < sizeof(detail) - 64) {
        dl += (size_t)snprintf(detail + dl, sizeof(detail) - dl, "Python stack:\n%.*s\n",
                               (int)(n < sizeof(detail) - dl - 16 ? n : sizeof(detail) - dl - 16),
                               own);
    }
    /* the site: the script's line, else the faulting C code */
    char key[320];
    snprintf(key, sizeof(key), "%s", strcmp(where, "?") ? where : csite);
    int freed = (sig == SIGSEGV || sig == SIGBUS) && host_freed_memory(addr);
    if (freed)
        report_addf_thread(thread, role, REPORT_USE_AFTER_FREE, key, name, detail,
                           "the host crashed with %s in thread '%s' (%s) at %s, in %s: address "
                           "%p lies in a vertex array the host had freed (a stale wrapper, or "
                           "a pointer another thread reallocated)",
                           name, thread, role, where, csite, addr);
    else if (sig == SIGABRT)
        report_addf_thread(thread, role, REPORT_CRASH, key, name, detail,
                           "the host aborted (SIGABRT) in thread '%s' (%s) at %s, in %s: a "
                           "failed check, os.abort(), or the allocator finding its heap "
                           "corrupted",
                           thread, role, where, csite);
    else
        report_addf_thread(thread, role, REPORT_CRASH, key, name, detail,
                           "the host crashed with %s in thread '%s' (%s) at %s, in %s: %s %p%s",
                           name, thread, role, where, csite,
                           sig == SIGFPE   ? "arithmetic fault at"
                           : sig == SIGILL ? "illegal instruction at"
                           : (uintptr_t)addr < 4096 ? "a NULL pointer dereference, address"
                                                    : "a bad address",
                           sig == SIGFPE || sig == SIGILL ? pc : addr,
                           (sig == SIGSEGV || sig == SIGBUS) && (uintptr_t)addr >= 4096
                               ? " (not memory the host is known to have freed)"
                               : "");
    finish_now();
    fflush(NULL);
    _exit(CLI_EXIT_FINDINGS);
}

static void install_crash_handlers(void)
{
    if (sanitizer_reports_crashes())
        return; /* ASan reports memory errors itself, through report's hook */
    const char *tf = getenv("HOSTRACE_TEST_HANDLER_FAULT");
    handler_fault = tf && strcmp(tf, "1") == 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_crash;
    /* SA_NODEFER: a fault inside the handler enters it again (and ends as
     * a finding) instead of killing the process with the signal blocked */
    sa.sa_flags = SA_NODEFER | SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    /* glibc's malloc aborts when a race has corrupted its lists; TSan
     * reports through its own hook and never aborts here (exitcode=1) */
    sigaction(SIGABRT, &sa, NULL);
    /* backtrace() loads its unwinder on first use: not in a handler */
    void *warm[2];
    backtrace(warm, 2);
}

/* ---- one run, in this process ------------------------------------------------ */

/* Runs the script once and ends the process (never returns). Scheduled:
 * with the strategy for opts.seed, result for the parent. */
static void run_body(void) __attribute__((noreturn));

#ifndef HR_SANITIZER
#define HR_SANITIZER "none"
#endif
static int under_tsan(void) { return strcmp(HR_SANITIZER, "thread") == 0; }

static int served;        /* a schedule forked by the schedule server */
static int serve_fd = -1; /* the schedule server: its end of the parent's socket */

static void *run_thread(void *arg)
{
    (void)arg;
    if (served) {
        char err[512];
        if (bpy_runtime_adopt(err, sizeof(err)) < 0) {
            child_stat = CHILD_INTERNAL;
            snprintf(child_msg, sizeof(child_msg), "%s", err);
            child_finish();
        }
    }
    run_body();
}

/* A program's Python, made before the run (not in the run's thread, which
 * then does the same work for a program and for its repro.py). */
/* The race detectors a schedule process runs (opts.detector). */
static void set_detectors(void)
{
    sched_hb_enable((opts.detector & REPORT_BY_HOSTRACE) != 0);
    sanitizer_set_tsan_races((opts.detector & REPORT_BY_TSAN) != 0);
}

/* The run's session directory (bpy_set_session_dir), empty as the run
 * starts. A schedule's is "session" in its parent's run directory: the
 * parent empties it before the schedule and removes it after, however the
 * schedule ended. A run without such a parent (free, the fuzz drivers)
 * makes blender_XXXXXX in $TMPDIR, as Blender does, and removes it as it
 * ends (child_finish). */
static void begin_session(void)
{
    const char *slash = result_path ? strrchr(result_path, '/') : NULL;
    int ok;
    if (slash) {
        snprintf(session_dir, sizeof(session_dir), "%.*s/session", (int)(slash - result_path),
                 result_path);
        ok = mkdir(session_dir, 0700) == 0 || errno == EEXIST;
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(session_dir, sizeof(session_dir), "%s/blender_XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        ok = mkdtemp(session_dir) != NULL;
        session_owned = ok;
    }
    if (!ok) {
        fprintf(stderr, "hostrace %s: cannot make the run's temporary directory %s: %s\n",
                opts.cmd, session_dir, strerror(errno));
        fflush(NULL);
        _exit(CLI_EXIT_INTERNAL);
    }
    bpy_set_session_dir(session_dir);
}

static void prepare_run(void)
{
    set_detectors();
    begin_session();
    if (program && !program_src) {
        program_src = hr_program_python(program);
        if (!program_src) {
            fprintf(stderr, "hostrace %s: internal error: out of memory\n", opts.cmd);
            fflush(NULL);
            _exit(CLI_EXIT_INTERNAL);
        }
    }
}

/* The run happens on a thread of its own, which Python and the host take
 * as their main thread. TSan picks the shadow slot an access overwrites by
 * the accessing thread's count of TSan events, and the process's first
 * thread has counted everything the command did before the run (parsing
 * options, reading a schedule file): a fresh thread starts from the same
 * count whichever command started it, so a run and its replay keep the
 * same accesses and report the same races. (The fuzz drivers run on their
 * own thread, whose interpreter they started before forking: cli_run_input.) */
static void run_once(void) __attribute__((noreturn));
static void run_once(void)
{
    prepare_run();
    if (served && !under_tsan()) {
        /* no TSan history to keep equal: the schedule runs on the thread
         * that started the interpreter and forked, Python's main thread,
         * as the fuzz drivers' inputs do (cli_run_input). Under TSan it
         * runs on a fresh thread (below), whose count of TSan events
         * starts from zero whichever schedules the server forked before;
         * that thread takes the interpreter over (bpy_runtime_adopt). */
        run_body();
    }
    if (served)
        bpy_runtime_release();
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 8u << 20);
    if (pthread_create(&t, &attr, run_thread, NULL) == 0) {
        pthread_join(t, NULL); /* never returns: the run ends the process */
        _exit(CLI_EXIT_INTERNAL);
    }
    fprintf(stderr, "hostrace %s: warning: no thread for the run; running on the first one\n",
            opts.cmd);
    run_body();
}

/* hex of s: the add-on's path and operators go into generated Python as
 * bytes.fromhex(...), whatever characters they hold */
static void hex_into(char *out, size_t len, const char *s)
{
    size_t k = 0;
    for (; *s && k + 3 < len; s++, k += 2)
        snprintf(out + k, 3, "%02x", (unsigned char)*s);
    out[k] = '\0';
}

/* What `hostrace addon` runs as its script: the add-on enabled as Blender
 * enables one, and the operators a user invokes (--invoke). */
static const char *addon_source(void)
{
    static char src[4 * 4096 + 4 * sizeof(opts.invoke)];
    static char path_hex[2 * 4096 + 1], invoke_hex[2 * sizeof(opts.invoke) + 1];
    hex_into(path_hex, sizeof(path_hex), opts.script);
    hex_into(invoke_hex, sizeof(invoke_hex), opts.invoke);
    snprintf(src, sizeof(src),
             "import addon_utils\n"
             "addon_utils._hostrace_load(bytes.fromhex('%s').decode())\n"
             "addon_utils._hostrace_user(bytes.fromhex('%s').decode(), %d)\n",
             path_hex, invoke_hex, opts.explore);
    return src;
}

static void run_body(void)
{
    if (schedule_path) /* the fuzz drivers' runs write no schedule */
        hash_script();
    sanitizer_set_fatal_hook(finish_now);
    bpy_set_process_end_hook(on_process_end);
    sanitizer_install_hooks();
    install_crash_handlers();
    pthread_t wd;
    if (pthread_create(&wd, NULL, watchdog, NULL) != 0)
        fprintf(stderr, "hostrace %s: warning: no watchdog thread\n", opts.cmd);

    sched_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    char err[1024];
    if (scheduled) {
        sched_strategy_params p = {
            .name = opts.is_replay ? "replay" : opts.strategy,
            .seed = opts.seed,
            .pct_depth = opts.pct_depth,
            .pct_steps = opts.pct_steps,
            .bytes = input_bytes,
            .nbytes = input_len,
            .replay = opts.replay.d,
            .nreplay = opts.replay.n,
        };
        strategy = sched_strategy_new(&p, err, sizeof(err));
        if (!strategy) {
            child_stat = CHILD_INTERNAL;
            snprintf(child_msg, sizeof(child_msg), "%s", err);
            child_finish();
        }
        cfg.strategy = strategy;
        cfg.max_steps = opts.max_steps;
        cfg.max_vtime_ns = opts.max_vtime_ms * 1000000;
        cfg.ext_stall_ns = (int64_t)opts.stall * 1000000000;
        cfg.record = 1;
        cfg.on_stop = on_sched_stop;
    }
    /* generated source (a program, a program's repro.py) imports nothing
     * of its own: no directory of it goes on sys.path, whose listing (by
     * the import system, through intercepted calls) would depend on what
     * else lies there */
    int generated = program || (trailer.present && trailer.generated);
    if (bpy_runtime_start(&opts.sw, generated ? NULL : opts.script, scheduled ? &cfg : NULL, err,
                          sizeof(err)) <
        0) {
        fprintf(stderr, "hostrace %s: %s\n", opts.cmd, err);
        fflush(NULL);
        _exit(CLI_EXIT_INTERNAL);
    }
    bpy_script_status status;
    if (opts.addon) {
        status = bpy_run_source(addon_source(), opts.script, err, sizeof(err));
    } else if (program) {
        status = bpy_run_source(program_src, PROGRAM_PY, err, sizeof(err));
    } else if (trailer.present) {
        status = bpy_run_source((const char *)trailer.text, trailer.name, err, sizeof(err));
    } else {
        status = bpy_run_script(opts.script, err, sizeof(err));
    }
    if (status == BPY_SCRIPT_INPUT) {
        if (scheduled) {
            child_stat = CHILD_INPUT_ERROR;
            snprintf(child_msg, sizeof(child_msg), "%s", err);
            child_finish();
        }
        fprintf(stderr, "hostrace %s: %s\n", opts.cmd, err);
        fflush(NULL);
        _exit(CLI_EXIT_USAGE);
    }
    bpy_check_threads();
    frames_run = bpy_run_wm(opts.frames);
    bpy_check_late_threads();
    if (opts.addon) /* Blender disables its add-ons when it quits */
        bpy_run_source("import addon_utils\naddon_utils._hostrace_unload()\n", opts.script, err,
                       sizeof(err));
    bpy_runtime_stop(5000);
    if (scheduled)
        child_finish();
    free_emit();
    int code = report_error_count() ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
    fflush(NULL);
    /* no atexit work after the report: threads the script left may still
     * run, and the report is already complete */
    _exit(code);
}

int cli_invoke_append(char *list, size_t cap, const char *op)
{
    const char *dot = strchr(op, '.');
    size_t idlen = strcspn(op, ":");
    if (!dot || dot == op || (size_t)(dot - op) + 1 >= idlen ||
        (strchr(dot + 1, '.') && strchr(dot + 1, '.') < op + idlen) || strpbrk(op, " \t\n"))
        return -1;
    size_t used = strlen(list);
    if (used + strlen(op) + 2 > cap)
        return -2;
    snprintf(list + used, cap - used, "%s%s", used ? " " : "", op);
    return 0;
}

/* ---- one input, for the fuzz drivers ------------------------------------------ */

void cli_run_input(const cli_input *in)
{
    defaults("fuzz");
    opts.script = in->script ? in->script : PROGRAM_PY;
    opts.strategy = "bytes";
    opts.addon = in->addon;
    snprintf(opts.invoke, sizeof(opts.invoke), "%s", in->invoke ? in->invoke : "");
    opts.explore = in->explore;
    if (in->frames >= 0)
        opts.frames = in->frames;
    if (in->timeout > 0)
        opts.timeout = in->timeout;
    program = in->program;
    if (program) {
        opts.program = 1;
        prog_host_switches(program, &opts.sw);
        report_set_generated_source(PROGRAM_PY);
    }
    input_bytes = (uint8_t *)in->bytes;
    input_len = in->nbytes;
    json_out = stdout;
    print_in_child = in->print;
    opts.trace = in->trace;
    before_exit = in->before_exit;
    scheduled = 1;
    /* on the driver's own thread: its interpreter was started before the
     * fork, on this thread, which Python takes as its main thread */
    prepare_run();
    run_body();
}

/* ---- exploration (the parent) -------------------------------------------------- */

typedef struct seen_finding {
    int schedule;  /* index of the first schedule that found it */
    uint64_t seed;
    char dir[4096]; /* where it was saved, or "" */
} seen_finding;

static seen_finding *seen;
static int nseen_cap;

/* Saves a new finding: its schedule, its report as text and JSON, and the
 * command that replays it. */
static int save_finding(const report_finding *f, const char *sched_file, seen_finding *sf)
{
    /* a schedule the child could not write whole (a full disk) would not
     * replay: the finding is listed, not saved */
    hr_schedule whole;
    char why[512];
    if (hr_schedule_read(sched_file, &whole, why, sizeof(why)) < 0) {
        fprintf(stderr, "hostrace %s: the finding %s-%s is not saved: its schedule could not be "
                        "written whole (%s)\n",
                opts.cmd, report_kind_id(f->kind), f->signature, why);
        sf->dir[0] = '\0';
        return -1;
    }
    hr_schedule_free(&whole);
    /* OUT/SCRIPT/KIND-SIGNATURE: one race can be found from several
     * scripts, and each needs its own schedule */
    const char *base = strrchr(opts.script, '/');
    base = base ? base + 1 : opts.script;
    size_t stem = strlen(base);
    if (stem > 3 && strcmp(base + stem - 3, ".py") == 0)
        stem -= 3;
    snprintf(sf->dir, sizeof(sf->dir), "%s/%.*s/%s-%s", opts.out, (int)stem, base,
             report_kind_id(f->kind), f->signature);
    char path[4200];
    if (hr_mkdirs(sf->dir) < 0)
        goto fail;
    snprintf(path, sizeof(path), "%s/schedule.txt", sf->dir);
    if (hr_copy_file(sched_file, path) < 0)
        goto fail;
    snprintf(path, sizeof(path), "%s/report.txt", sf->dir);
    FILE *t = fopen(path, "w");
    if (!t)
        goto fail;
    bpy_interp_info ii;
    char desc[128];
    run_interp(&ii, desc, sizeof(desc));
    fprintf(t, "script: %s\nstrategy: %s, seed %" PRIu64 " (schedule %d)\ninterpreter: %s\n\n",
            opts.script, opts.is_replay ? "replay" : opts.strategy, sf->seed, sf->schedule, desc);
    report_print_finding(t, f);
    fclose(t);
    snprintf(path, sizeof(path), "%s/finding.json", sf->dir);
    json_t *o = finding_json(f);
    json_object_set_new(o, "script", json_string(opts.script));
    json_object_set_new(o, "strategy", json_string(opts.is_replay ? "replay" : opts.strategy));
    json_object_set_new(o, "seed", json_integer((json_int_t)sf->seed));
    json_object_set_new(o, "host", host_json());
    json_object_set_new(o, "frames", json_integer(opts.frames));
    int rc = json_dump_file(o, path, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(o);
    if (rc < 0)
        goto fail;
    snprintf(path, sizeof(path), "%s/replay.sh", sf->dir);
    t = fopen(path, "w");
    if (!t)
        goto fail;
    fprintf(t, "#!/bin/sh\n# replays this finding's interleaving\nexec \"${HOSTRACE:-hostrace}\" "
               "replay \"$(dirname \"$0\")/schedule.txt\" \"$@\"\n");
    fclose(t);
    chmod(path, 0755);
    return 0;
fail:
    fprintf(stderr, "hostrace %s: cannot save the finding in '%s': %s\n", opts.cmd, sf->dir,
            strerror(errno));
    /* no half-written finding is left to look whole */
    static const char *const parts[] = {"schedule.txt", "report.txt", "finding.json", "replay.sh"};
    for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
        snprintf(path, sizeof(path), "%s/%s", sf->dir, parts[k]);
        unlink(path);
    }
    rmdir(sf->dir);
    sf->dir[0] = '\0';
    return -1;
}

/* The command line of the schedule server (start_server adds --serve FD):
 * the hidden options --result and --schedule-out make `hostrace run` a
 * process that runs schedules. It is the first schedule's; the server
 * takes each later schedule's seed (and replay) from its request. */
static char **server_argv(uint64_t seed, const char *rpath, const char *spath)
{
    static char buf[64][64];
    static char *av[96];
    int n = 0, b = 0;
#define ARG(x) (av[n++] = (char *)(x))
#define NUM(fmt, v) (snprintf(buf[b], sizeof(buf[b]), fmt, v), av[n++] = buf[b++])
    ARG("hostrace");
    ARG(opts.addon ? "addon" : "run");
    ARG(opts.script);
    if (opts.program)
        ARG("--program");
    static char invoke_copy[sizeof(opts.invoke)];
    snprintf(invoke_copy, sizeof(invoke_copy), "%s", opts.invoke);
    for (char *save = NULL, *tok = strtok_r(invoke_copy, " ", &save); tok && n < 80;
         tok = strtok_r(NULL, " ", &save)) {
        ARG("--invoke");
        ARG(tok);
    }
    if (opts.explore)
        NUM("--explore-ui=%d", opts.explore);
    ARG("--result");
    ARG(rpath);
    ARG("--schedule-out");
    ARG(spath);
    ARG("--strategy");
    ARG(opts.is_replay ? "pct" : opts.strategy); /* replaced by --replay-file */
    ARG("--seed");
    NUM("%" PRIu64, seed);
    ARG("--pct-depth");
    NUM("%d", opts.pct_depth);
    ARG("--detector");
    ARG(report_found_by_id(opts.detector));
    ARG("--pct-steps");
    NUM("%" PRIu64, opts.pct_steps);
    ARG("--frames");
    NUM("%d", opts.frames);
    ARG("--max-steps");
    NUM("%" PRIu64, opts.max_steps);
    ARG("--max-vtime-ms");
    NUM("%" PRId64, opts.max_vtime_ms);
    ARG("--timeout");
    NUM("%d", opts.timeout);
    ARG("--stall");
    NUM("%d", opts.stall);
    for (int i = 0; i < host_switch_count(); i++) {
        const host_switch_def *d = host_switch_at(i);
        ARG("--host");
        snprintf(buf[b], sizeof(buf[b]), "%s=%s", d->key, host_switch_value_name(&opts.sw, d));
        ARG(buf[b++]);
    }
    if (opts.trace)
        ARG("--trace");
    if (opts.json)
        ARG("--json-child");
    if (opts.input) {
        ARG("--input");
        ARG(opts.input);
    }
    if (opts.is_replay) {
        ARG("--replay-file");
        ARG(opts.replay_path);
    }
    av[n] = NULL;
#undef ARG
#undef NUM
    return av;
}

/* ---- a schedule's processes ----------------------------------------------------
 * Each schedule process leads a process group of its own, and everything
 * the script starts stays in it (unless it makes a session of its own). When
 * the schedule has ended, whatever of the group is left ends too: a server
 * the script left running, a subprocess it never waited for. An interrupt
 * of hostrace itself (Ctrl-C reaches only hostrace's own group) ends the
 * running schedule's group before hostrace dies of it. */

static volatile sig_atomic_t child_group; /* the running schedule's group, or 0 */
static volatile sig_atomic_t server_group; /* the schedule server's pid, or 0 */
static int dies_on_interrupt; /* the schedule server: ends with its schedule */

static void end_group(pid_t pgid)
{
    child_group = 0;
    if (pgid > 0)
        kill(-pgid, SIGKILL);
}

/* The exploring parent ends the running schedule and notes the signal:
 * the loop then stops and lists what was found. A second one ends it at
 * once. The schedule server ends with its schedule. */
static void on_interrupt(int sig)
{
    pid_t g = child_group;
    if (g > 0)
        kill(-g, SIGKILL);
    pid_t s = server_group;
    if (s > 0)
        kill(s, SIGTERM);
    if (dies_on_interrupt || interrupted) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    interrupted = sig;
}

static void install_interrupt_handlers(void)
{
    hr_on_interrupt(on_interrupt);
    /* wait_schedule takes SIGCHLD with sigtimedwait */
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
}

/* In a schedule process (or the server) just forked: it dies with the
 * process that started it (a SIGKILL of hostrace leaves no schedule
 * running), and takes signals as a fresh process does. */
static void forked_for_parent(pid_t parent)
{
    if (hr_child_of(parent, SIGKILL) < 0)
        _exit(CLI_EXIT_INTERNAL);
}

/* A wait status no process has: the schedule outlived --timeout by
 * WAIT_GRACE_S and its own watchdog did not end it (WIFSTOPPED with a
 * signal number no signal has). */
#define WAIT_OVERTIME ((0xff << 8) | 0x7f)
#define WAIT_GRACE_S 30

/* Waits for schedule process pid, the leader of its group; returns its
 * wait status. The group is killed when the process is stopped (SIGSTOP,
 * SIGTSTP: by the script or from outside) for --stall seconds (the status
 * is then the stop's), when it outlives --timeout by WAIT_GRACE_S (its
 * watchdog ends it before that: WAIT_OVERTIME), and on an interrupt. */
static int wait_schedule(pid_t pid)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    double start = mono_s(), stopped_at = 0;
    int st = 0, stop_st = 0, stopped_st = 0;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG | WUNTRACED | WCONTINUED);
        if (r == pid && (WIFEXITED(st) || WIFSIGNALED(st)))
            return stop_st ? stop_st : st;
        if (r < 0 && errno != EINTR)
            return stop_st ? stop_st : (CLI_EXIT_INTERNAL << 8);
        if (r == pid && WIFSTOPPED(st)) {
            stopped_at = mono_s();
            stopped_st = st;
        } else if (r == pid && WIFCONTINUED(st)) {
            stopped_at = 0;
        }
        double now = mono_s();
        int kill_it = interrupted != 0;
        if (stopped_at > 0 && now - stopped_at >= opts.stall) {
            stop_st = stopped_st; /* the stop, not the SIGKILL that ends it */
            kill_it = 1;
        }
        if (now - start > opts.timeout + WAIT_GRACE_S) {
            stop_st = WAIT_OVERTIME;
            kill_it = 1;
        }
        if (kill_it) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
            }
            return stop_st ? stop_st : st;
        }
        struct timespec ts = {0, 200 * 1000000L};
        sigtimedwait(&chld, NULL, &ts);
    }
}

/* ---- the schedule server ---------------------------------------------------------
 *
 * Starting the interpreter with bpy is most of a short schedule's cost (in
 * the release build about 0.1 s of a 0.17 s schedule; a TSan-built
 * free-threaded interpreter takes seconds). One server process per
 * exploration or replay starts the interpreter once and forks every
 * schedule from that state: the same start state for every schedule (the
 * server does nothing between forks but wait), and the same for a replay,
 * which goes through a server too. Under TSan the schedule runs on a fresh
 * thread, whose count of TSan events starts from zero, which takes the
 * interpreter over as Python's main thread (bpy_runtime_adopt); elsewhere
 * it runs on the thread that forked, the interpreter's own main thread. */

typedef struct serve_req {
    uint32_t magic;
    int is_replay;
    uint64_t key; /* server_key() of the parent: a shared server refuses another */
    uint64_t seed;
    char strategy[32];
    int pct_depth;
    uint64_t pct_steps;
    uint64_t max_steps;
    int64_t max_vtime_ms;
    char replay_path[4096];
    char result[4096];   /* the parent's --result and --schedule-out */
    char schedule[4096];
    char program[4096];  /* --program: the program's path (else empty) */
    char input[4096];    /* --input (else empty) */
} serve_req;

/* "hrsv", and the request's size: a server of another version of the
 * protocol (a shared server of another build) answers nothing */
#define SERVE_MAGIC (0x68727376u ^ (uint32_t)sizeof(serve_req))

typedef struct serve_reply {
    uint32_t magic; /* SERVE_MAGIC */
    int status;     /* the schedule's wait status */
    int refused;    /* a shared server's key is not the request's: nothing ran */
} serve_reply;

/* What a served schedule takes from its server rather than from the
 * request: its executable, its command line but for the request's own
 * parts (the seed, strategy and its bounds, the result and schedule paths,
 * the replay, the input and a program's path), its working directory and
 * its environment. A shared server (HOSTRACE_SERVER, below) serves a run
 * only when the run's key is its own, so that what it serves is what a
 * server of the run's own would have. */
static char **server_argv(uint64_t seed, const char *rpath, const char *spath);
static uint64_t fnv_str(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (h ^ 0xffu) * 1099511628211ull; /* the end of one string */
}

static uint64_t server_key(void)
{
    static const char *per_request[] = {"--result",    "--schedule-out", "--strategy",
                                        "--seed",      "--pct-depth",    "--pct-steps",
                                        "--max-steps", "--max-vtime-ms", "--input",
                                        "--replay-file"};
    char **av = server_argv(0, "", "");
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; av[i]; i++) {
        if (i == 2 && opts.program)
            continue; /* the program's path */
        int skip = 0;
        for (size_t k = 0; k < sizeof(per_request) / sizeof(per_request[0]); k++)
            skip |= strcmp(av[i], per_request[k]) == 0;
        if (skip && av[i + 1]) {
            i++; /* the request's */
            continue;
        }
        h = fnv_str(h, av[i]);
    }
    /* with --input or without, the schedule bytes come from another place
     * (the request's file; the program's, or a repro.py trailer's) */
    h = fnv_str(h, opts.input ? "--input" : "");
    char cwd[4096];
    h = fnv_str(h, getcwd(cwd, sizeof(cwd)) ? cwd : "?");
    ssize_t n = readlink("/proc/self/exe", cwd, sizeof(cwd) - 1); /* the build */
    cwd[n > 0 ? n : 0] = '\0';
    h = fnv_str(h, cwd);
    extern char **environ;
    for (char **e = environ; *e; e++)
        h = fnv_str(h, *e);
    return h;
}

/* A request's fixed-size string field into the child's own buffer of the
 * same size, terminated (the request came over a socket). */
#define COPY_FIELD(dst, src)                                                   \
    do {                                                                       \
        _Static_assert(sizeof(dst) == sizeof(src), "field and buffer sizes");  \
        memcpy((dst), (src), sizeof(dst));                                     \
        (dst)[sizeof(dst) - 1] = '\0';                                         \
    } while (0)

/* In a schedule the server forked: the request's input in place of the
 * server's (the schedule bytes, or the program it decodes and its Python).
 * 0, or -1 with the error in child_msg. */
static int read_input(char *msg, size_t mlen);
static int load_program(char *msg, size_t mlen);
static int take_request_input(const serve_req *rq)
{
    static char program_path[4096], input_path[4096];
    if (rq->input[0]) {
        COPY_FIELD(input_path, rq->input);
        opts.input = input_path;
        if (read_input(child_msg, sizeof(child_msg)) < 0)
            return -1;
    }
    if (rq->program[0]) {
        COPY_FIELD(program_path, rq->program);
        opts.script = program_path;
        if (load_program(child_msg, sizeof(child_msg)) < 0)
            return -1;
        program_src = NULL; /* made again by prepare_run, for this program */
    }
    return 0;
}

static int io_full(int fd, void *buf, size_t len, int writing)
{
    char *p = buf;
    while (len > 0) {
        /* MSG_NOSIGNAL: a server that died is an error here, not SIGPIPE */
        ssize_t n = writing ? send(fd, p, len, MSG_NOSIGNAL) : read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Serves the requests of one parent on fd until it closes it. Returns
 * when it does, or when a reply cannot be written (the parent is gone). */
static void serve_parent(int fd, uint64_t key)
{
    static char strategy_name[32], replay_path[4096], rpath[4096], spath[4096];
    char err[1024];
    for (;;) {
        serve_req rq;
        if (io_full(fd, &rq, sizeof(rq), 0) < 0 || rq.magic != SERVE_MAGIC)
            return; /* the parent is done */
        serve_reply rp = {SERVE_MAGIC, 0, 0};
        if (rq.key != key) {
            rp.refused = 1;
            if (io_full(fd, &rp, sizeof(rp), 1) < 0)
                return;
            continue;
        }
        fflush(NULL);
        pid_t server = getpid();
        pid_t pid = fork();
        if (pid == 0) {
            /* a process group of its own: whatever the script starts
             * (servers, subprocesses, multiprocessing's workers) ends with
             * the schedule, and a script's killpg(0, ...) reaches only the
             * schedule */
            setpgid(0, 0);
            forked_for_parent(server);
            close(fd);
            if (serve_fd != fd)
                close(serve_fd);
            served = 1;
            scheduled = 1;
            COPY_FIELD(strategy_name, rq.strategy);
            opts.strategy = strategy_name;
            opts.seed = rq.seed;
            opts.pct_depth = rq.pct_depth;
            opts.pct_steps = rq.pct_steps;
            opts.max_steps = rq.max_steps;
            opts.max_vtime_ms = rq.max_vtime_ms;
            COPY_FIELD(rpath, rq.result);
            COPY_FIELD(spath, rq.schedule);
            result_path = rpath;
            schedule_path = spath;
            if (take_request_input(&rq) < 0) {
                child_stat = CHILD_INPUT_ERROR;
                child_finish();
            }
            if (rq.is_replay) {
                COPY_FIELD(replay_path, rq.replay_path);
                opts.replay_path = replay_path;
                if (hr_schedule_read(opts.replay_path, &opts.replay, err, sizeof(err)) < 0) {
                    child_stat = CHILD_INPUT_ERROR;
                    snprintf(child_msg, sizeof(child_msg), "%s", err);
                    child_finish();
                }
                opts.is_replay = 1;
            }
            run_once();
        }
        if (pid < 0) {
            rp.status = 127 << 8;
        } else {
            setpgid(pid, pid);
            child_group = pid;
            rp.status = wait_schedule(pid);
            end_group(pid);
            child_group = 0;
        }
        if (io_full(fd, &rp, sizeof(rp), 1) < 0)
            return;
    }
}

/* The schedule server (--serve FD): FD is its end of one parent's socket,
 * or a listening socket (a shared server, cli_shared_server_start), whose
 * parents it serves one at a time. */
static void serve(void) __attribute__((noreturn));
static void serve(void)
{
    int generated = program || (trailer.present && trailer.generated);
    char err[1024];
    prepare_run();
    dies_on_interrupt = 1;
    install_interrupt_handlers();
    if (bpy_runtime_init(generated ? NULL : opts.script, 1, err, sizeof(err)) < 0) {
        fprintf(stderr, "hostrace %s: %s\n", opts.cmd, err);
        fflush(NULL);
        _exit(CLI_EXIT_INTERNAL);
    }
    uint64_t key = server_key();
    int listening = 0;
    socklen_t ll = sizeof(listening);
    if (getsockopt(serve_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ll) < 0 || !listening) {
        serve_parent(serve_fd, key);
        _exit(CLI_EXIT_CLEAN);
    }
    for (;;) {
        int conn = accept(serve_fd, NULL, NULL);
        if (conn < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            _exit(CLI_EXIT_CLEAN); /* the listening socket is gone */
        }
        serve_parent(conn, key);
        close(conn);
    }
}

static int server_sock = -1; /* the parent's end */
static pid_t server_pid;       /* the server's pid, or 0 for a shared server */
static int shared_tried;       /* HOSTRACE_SERVER was looked at */
static char shared_path[108];  /* HOSTRACE_SERVER: a shared server's socket */
static int shared_named;       /* HOSTRACE_SERVER was set */
static int shared_served;      /* schedules a shared server ran */

/* Starts the server for this exploration. Returns 0, or -1. */
static int start_server(char **av)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        forked_for_parent(parent);
        close(sv[0]);
        int fd = fcntl(sv[1], F_DUPFD, 100); /* without CLOEXEC */
        char num[16];
        snprintf(num, sizeof(num), "%d", fd);
        int n = 0;
        while (av[n])
            n++;
        char **sav = calloc((size_t)n + 3, sizeof(char *));
        if (fd >= 0 && sav) {
            memcpy(sav, av, (size_t)n * sizeof(char *));
            sav[n] = "--serve";
            sav[n + 1] = num;
            execv("/proc/self/exe", sav);
        }
        fprintf(stderr, "hostrace %s: internal error: cannot start the schedule server: %s\n",
                opts.cmd, strerror(errno));
        _exit(127);
    }
    close(sv[1]);
    server_sock = sv[0];
    server_pid = pid;
    server_group = pid;
    return 0;
}

static void stop_server(void)
{
    if (server_sock < 0)
        return;
    close(server_sock);
    server_sock = -1;
    if (!server_pid)
        return; /* a shared server: its owner stops it */
    if (interrupted)
        kill(server_pid, SIGTERM);
    int st;
    while (waitpid(server_pid, &st, 0) < 0 && errno == EINTR) {
    }
    server_pid = 0;
    server_group = 0;
}

/* HOSTRACE_SERVER (set by hostrace minimize and triage for their runs): the
 * socket of a shared server, which runs this run's schedules when its key
 * is this run's. Read once and taken out of the environment, so that no
 * process this one starts sees it. */
static void take_shared_server_name(void)
{
    if (shared_tried)
        return;
    shared_tried = 1;
    const char *p = getenv("HOSTRACE_SERVER");
    shared_named = p && *p;
    if (p && *p && strlen(p) < sizeof(shared_path))
        snprintf(shared_path, sizeof(shared_path), "%s", p);
    unsetenv("HOSTRACE_SERVER");
}

/* The address of the unix socket at path (shorter than sun_path). */
static struct sockaddr_un unix_address(const char *path)
{
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    memcpy(a.sun_path, path, strlen(path));
    return a;
}

static int connect_shared_server(void)
{
    if (!shared_path[0])
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = unix_address(shared_path);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        if (fd >= 0)
            close(fd);
        shared_path[0] = '\0';
        return -1;
    }
    server_sock = fd;
    server_pid = 0;
    return 0;
}

/* Runs one schedule in the server; its wait status, or -1 when the
 * server is gone. A shared server that refuses the run or is gone before
 * it answers leaves the run to a server of its own: SERVED_AGAIN, the
 * schedule to be run again from nothing (a shared server that died may
 * have run some of it). */
#define SERVED_AGAIN (-2)
static int served_schedule(uint64_t seed, const char *rpath, const char *spath)
{
    take_shared_server_name();
    if (server_sock < 0 && connect_shared_server() < 0 &&
        start_server(server_argv(seed, rpath, spath)) < 0)
        return -1;
    serve_req rq;
    memset(&rq, 0, sizeof(rq));
    rq.magic = SERVE_MAGIC;
    rq.is_replay = opts.is_replay;
    static uint64_t key; /* the run's options do not change between schedules */
    static int key_known;
    if (!key_known) {
        key = server_key();
        key_known = 1;
    }
    rq.key = key;
    rq.seed = seed;
    snprintf(rq.strategy, sizeof(rq.strategy), "%s", opts.strategy);
    rq.pct_depth = opts.pct_depth;
    rq.pct_steps = opts.pct_steps;
    rq.max_steps = opts.max_steps;
    rq.max_vtime_ms = opts.max_vtime_ms;
    if (opts.is_replay)
        snprintf(rq.replay_path, sizeof(rq.replay_path), "%s", opts.replay_path);
    snprintf(rq.result, sizeof(rq.result), "%s", rpath);
    snprintf(rq.schedule, sizeof(rq.schedule), "%s", spath);
    if (opts.program)
        snprintf(rq.program, sizeof(rq.program), "%s", opts.script);
    if (opts.input)
        snprintf(rq.input, sizeof(rq.input), "%s", opts.input);
    serve_reply rp;
    int shared = server_pid == 0;
    if (io_full(server_sock, &rq, sizeof(rq), 1) < 0 ||
        io_full(server_sock, &rp, sizeof(rp), 0) < 0 || rp.magic != SERVE_MAGIC || rp.refused) {
        stop_server();
        if (!shared)
            return -1;
        shared_path[0] = '\0'; /* a server of this run's own from now on */
        return SERVED_AGAIN;
    }
    shared_served += shared;
    return rp.status;
}

pid_t cli_shared_server_start(const char *hostrace, char *const run_argv[], const char *dir)
{
    char sock[sizeof(shared_path) + 1], rpath[PATH_MAX], spath[PATH_MAX];
    if (snprintf(sock, sizeof(sock), "%s/sock", dir) >= (int)sizeof(shared_path) ||
        (mkdir(dir, 0700) < 0 && errno != EEXIST))
        return -1; /* too long a path for a socket: the runs start their own */
    snprintf(rpath, sizeof(rpath), "%s/result.bin", dir);
    snprintf(spath, sizeof(spath), "%s/schedule.txt", dir);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = unix_address(sock);
    unlink(sock);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int n = 0;
    while (run_argv[n])
        n++;
    char **av = calloc((size_t)n + 10, sizeof(char *));
    if (!av) {
        close(fd);
        return -1;
    }
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        forked_for_parent(parent);
        int sfd = fcntl(fd, F_DUPFD, 100); /* without CLOEXEC */
        char num[16];
        snprintf(num, sizeof(num), "%d", sfd);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) { /* as a run's own server under minimize: quiet */
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        int k = 0;
        av[k++] = "hostrace";
        av[k++] = "run";
        for (int i = 0; i < n; i++)
            av[k++] = run_argv[i];
        av[k++] = "--result";
        av[k++] = rpath;
        av[k++] = "--schedule-out";
        av[k++] = spath;
        av[k++] = "--serve";
        av[k++] = num;
        av[k] = NULL;
        if (sfd >= 0)
            execv(hostrace, av);
        _exit(127);
    }
    free(av);
    close(fd); /* the server's alone: a server that dies closes it */
    if (pid < 0)
        return -1;
    setenv("HOSTRACE_SERVER", sock, 1);
    return pid;
}

void cli_shared_server_stop(pid_t server)
{
    unsetenv("HOSTRACE_SERVER");
    kill(server, SIGTERM);
    int st;
    while (waitpid(server, &st, 0) < 0 && errno == EINTR) {
    }
}

typedef struct child_outcome {
    child_result r;
    int ok;     /* a result was read */
    int lost;   /* no process ran: fork failed, or the schedule server is gone */
    int status; /* the process's wait status (wait_schedule), when !ok */
} child_outcome;

/* Finding idx is new, from schedule `index` (seed): remembers where it was
 * first found and saves it with its schedule (spath). */
static void first_found(int idx, int index, uint64_t seed, const char *spath)
{
    if (idx >= nseen_cap) {
        int n = nseen_cap ? nseen_cap * 2 : 64;
        while (n <= idx)
            n *= 2;
        seen_finding *ns = realloc(seen, (size_t)n * sizeof(*ns));
        if (!ns)
            return;
        seen = ns;
        nseen_cap = n;
    }
    seen[idx].schedule = index;
    seen[idx].seed = seed;
    seen[idx].dir[0] = '\0';
    report_finding merged;
    report_get(idx, &merged);
    if (!opts.is_replay && spath)
        save_finding(&merged, spath, &seen[idx]);
}

/* Runs schedule `index` (seed) in a child process; merges its findings.
 * Returns the child's result. */
static child_outcome run_child(int index, uint64_t seed, const char *tmpdir, int *new_errors)
{
    child_outcome oc;
    memset(&oc, 0, sizeof(oc));
    char rpath[4200], spath[4200], session[4200];
    snprintf(rpath, sizeof(rpath), "%s/result.bin", tmpdir);
    snprintf(spath, sizeof(spath), "%s/schedule.txt", tmpdir);
    snprintf(session, sizeof(session), "%s/session", tmpdir); /* begin_session */
    /* every schedule forks from the schedule server, an interpreter
     * started once per exploration or replay: the interpreter's start is
     * most of a short schedule's cost (docs/design-notes.md) */
    int st;
    do {
        unlink(rpath);
        unlink(spath);
        hr_remove_tree(session);
        fflush(NULL);
        st = served_schedule(seed, rpath, spath);
    } while (st == SERVED_AGAIN);
    if (st == -1) {
        oc.lost = 1;
        return oc;
    }
    hr_remove_tree(session); /* whatever the schedule's processes left there */
    FILE *rf = fopen(rpath, "rb");
    if (!rf || fread(&oc.r, sizeof(oc.r), 1, rf) != 1 || oc.r.magic != RESULT_MAGIC) {
        if (rf)
            fclose(rf);
        oc.status = st;
        return oc;
    }
    oc.ok = 1;
    if (oc.r.gil_enabled)
        child_gil_seen = 1;
    report_finding *f = malloc(sizeof(*f));
    for (int i = 0; f && i < oc.r.nfindings; i++) {
        if (fread(f, sizeof(*f), 1, rf) != 1)
            break;
        int is_new;
        int idx = report_merge(f, &is_new);
        if (idx < 0 || !is_new)
            continue;
        first_found(idx, index, seed, spath);
        if (report_kind_severity(f->kind) == REPORT_ERROR)
            (*new_errors)++;
    }
    free(f);
    fclose(rf);
    return oc;
}

/* Every finding of the run as JSON, with where it was first found. */
static json_t *findings_list(void)
{
    json_t *list = json_array();
    report_finding *f = malloc(sizeof(*f));
    for (int i = 0; f && report_get(i, f) == 0; i++) {
        json_t *o = finding_json(f);
        if (i < nseen_cap && !opts.is_replay) {
            json_object_set_new(o, "schedule_index", json_integer(seen[i].schedule));
            json_object_set_new(o, "schedule_seed", json_integer((json_int_t)seen[i].seed));
            if (seen[i].dir[0])
                json_object_set_new(o, "saved", json_string(seen[i].dir));
        }
        json_array_append_new(list, o);
    }
    free(f);
    return list;
}

static void print_results_text(int explored, uint64_t steps_total)
{
    fflush(stdout);
    /* the findings' JSON and causes, made once for the summary line and
     * the causes at the end */
    json_t *list = findings_list();
    json_t *causes = hr_causes_group(list);
    print_summary_line(stdout, causes);
    if (opts.is_replay)
        printf("replayed %s (%zu decisions)\n", opts.script, opts.replay.n);
    else if (explored == 1)
            printf("explored 1 schedule (strategy %s, seed %" PRIu64 "), %" PRIu64
                   " scheduling points\n",
                   opts.strategy, opts.seed, steps_total);
        else
            printf("explored %d schedules (strategy %s, seeds %" PRIu64 "..%" PRIu64
                   "), %" PRIu64 " scheduling points\n",
                   explored, opts.strategy, opts.seed, opts.seed + (uint64_t)explored - 1,
                   steps_total);
    report_finding *f = malloc(sizeof(*f));
    int n = report_count();
    for (int i = 0; f && i < n && report_get(i, f) == 0; i++) {
        report_print_finding(stdout, f);
        if (i < nseen_cap && !opts.is_replay) {
            printf("    first found by schedule %d (seed %" PRIu64 ")", seen[i].schedule,
                   seen[i].seed);
            if (seen[i].dir[0]) {
                char sched[4200], q[8600];
                snprintf(sched, sizeof(sched), "%s/schedule.txt", seen[i].dir);
                printf("; saved in %s\n    replay: hostrace replay %s", seen[i].dir,
                       hr_shell_quote(sched, q, sizeof(q)));
            }
            printf("\n");
        }
    }
    free(f);
    if (n > 0) {
        printf("\n");
        hr_causes_print(stdout, causes, list, NULL, NULL, NULL);
    }
    json_decref(causes);
    json_decref(list);
    fflush(stdout);
}

static void print_results_json(int explored, uint64_t steps_total, uint64_t frames_total)
{
    json_t *root = json_object();
    json_object_set_new(root, "hostrace", json_string(HOSTRACE_VERSION));
    json_object_set_new(root, "script", json_string(opts.script));
    json_object_set_new(root, "strategy", json_string(opts.is_replay ? "replay" : opts.strategy));
    json_object_set_new(root, "detector", json_string(detector_in_effect(0)));
    json_object_set_new(root, "seed", json_integer((json_int_t)opts.seed));
    json_object_set_new(root, "schedules", json_integer(explored));
    json_object_set_new(root, "steps", json_integer((json_int_t)steps_total));
    json_object_set_new(root, "frames", json_integer(opts.frames));
    json_object_set_new(root, "frames_run", json_integer((json_int_t)frames_total));
    json_object_set_new(root, "host", host_json());
    json_object_set_new(root, "python", python_json());
    if (shared_named) /* hostrace minimize's runs: how many its server ran */
        json_object_set_new(root, "shared_server_schedules", json_integer(shared_served));
    json_t *list = findings_list();
    int errors = report_error_count();
    json_object_set_new(root, "causes", hr_causes_group(list));
    json_object_set_new(root, "findings", list);
    json_object_set_new(root, "errors", json_integer(errors));
    json_object_set_new(root, "warnings", json_integer(report_count() - errors));
    json_object_set_new(root, "unsupported_api", json_integer(unsupported_count()));
    if (interrupted)
        json_object_set_new(root, "interrupted", json_string(sig_name(interrupted)));
    json_dumpf(root, json_out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    fputc('\n', json_out);
    fflush(json_out);
    json_decref(root);
}

/* Schedule i's process ended without writing a result (wait status st):
 * the script ended or stopped it, something killed it, or its crash
 * report could not be written. A finding, with the schedule when the
 * process wrote one on its way out. Returns 0, or -1 when it is
 * hostrace's own failure (the process could not be started). */
static int no_result_finding(int i, int st, const char *tmpdir, uint64_t *steps_total)
{
    uint64_t seed = opts.seed + (uint64_t)i;
    char rerun[512];
    snprintf(rerun, sizeof(rerun), "schedule %d (seed %" PRIu64 ") reproduces it", i, seed);
    int n0 = report_count();
    if (st == WAIT_OVERTIME) {
        report_addf(REPORT_HANG, "timeout", "process", NULL,
                    "the schedule process was still running %d s after --timeout (%d s) and its "
                    "own watchdog had not ended it; it was killed with its process group; %s",
                    WAIT_GRACE_S, opts.timeout, rerun);
    } else if (WIFSTOPPED(st)) {
        report_addf(REPORT_HANG, "stopped", sig_name(WSTOPSIG(st)), NULL,
                    "the schedule process was stopped by %s and stayed stopped for --stall (%d "
                    "s): the host would freeze; killed with its process group. The signal did "
                    "not come from the script's Python (os.kill and the like name their line): "
                    "another process, or C code; %s",
                    sig_name(WSTOPSIG(st)), opts.stall, rerun);
    } else if (WIFSIGNALED(st)) {
        report_addf(REPORT_PROCESS_KILLED, "signal", sig_name(WTERMSIG(st)), NULL,
                    "the schedule process died of %s before it could write its findings. The "
                    "signal did not come from the script's Python (os.kill and the like name "
                    "their line): another process sent it, or C code raised it; %s",
                    sig_name(WTERMSIG(st)), rerun);
    } else if (WIFEXITED(st) && WEXITSTATUS(st) == CLI_EXIT_FINDINGS) {
        /* the crash handler could not write its report (crash_unreported:
         * it faulted again, or ran out of time) on a heap the race
         * corrupted; it wrote the schedule on its way out */
        report_addf(REPORT_CRASH, "crash", "unreported", NULL,
                    "the host crashed with its heap corrupted (the crash report itself could "
                    "not be written): memory freed, moved or written by another thread; %s",
                    rerun);
    } else if (WIFEXITED(st) && WEXITSTATUS(st) != 127) {
        report_addf(REPORT_PROCESS_EXIT, "exit", "C", NULL,
                    "the schedule process exited with code %d before it could write its "
                    "findings: exit() or _exit() called from C code (ctypes, an extension "
                    "module), not os._exit (which names its line); %s",
                    WEXITSTATUS(st), rerun);
    } else {
        return -1;
    }
    /* saved with its schedule when the process wrote a whole one */
    char spath[4200], err[256];
    snprintf(spath, sizeof(spath), "%s/schedule.txt", tmpdir);
    hr_schedule check;
    int whole = hr_schedule_read(spath, &check, err, sizeof(err)) == 0;
    if (whole) {
        *steps_total += check.steps;
        hr_schedule_free(&check);
    }
    if (report_count() > n0)
        first_found(n0, i, seed, whole ? spath : NULL);
    return 0;
}

/* The temporary directories of runs that were killed (SIGKILL leaves no
 * chance to remove them): hostrace-run-PID-XXXXXX whose PID is gone. Only
 * what a run puts there (two files and the schedules' session directory)
 * is removed, then the directory. */
static void remove_stale_run_dirs(const char *tmp)
{
    DIR *d = opendir(tmp);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid;
        char rest[16];
        if (sscanf(e->d_name, "hostrace-run-%ld-%15s", &pid, rest) != 2 || pid <= 0 ||
            strlen(rest) != 6 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        char p[4200];
        static const char *const files[] = {"result.bin", "schedule.txt"};
        for (size_t i = 0; i < 2; i++) {
            snprintf(p, sizeof(p), "%s/%s/%s", tmp, e->d_name, files[i]);
            unlink(p);
        }
        snprintf(p, sizeof(p), "%s/%s/session", tmp, e->d_name);
        hr_remove_tree(p);
        snprintf(p, sizeof(p), "%s/%s", tmp, e->d_name);
        rmdir(p);
    }
    closedir(d);
}

static int explore(void)
{
    char tmpdir[4200];
    const char *tmp = getenv("TMPDIR");
    tmp = tmp && *tmp ? tmp : "/tmp";
    remove_stale_run_dirs(tmp);
    snprintf(tmpdir, sizeof(tmpdir), "%s/hostrace-run-%ld-XXXXXX", tmp, (long)getpid());
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "hostrace %s: internal error: cannot create a temporary directory: %s\n",
                opts.cmd, strerror(errno));
        return CLI_EXIT_INTERNAL;
    }
    install_interrupt_handlers();
    if (!sanitizer_symbolizes())
        fprintf(stderr,
                "hostrace %s: TSan cannot symbolize in this build (no llvm-symbolizer for its "
                "clang: scripts/setup installs it; or symbolize=0 in TSAN_OPTIONS): findings "
                "and signatures are the same, their C stacks name hostrace's own functions "
                "only, without file and line\n",
                opts.cmd);
    int tty = isatty(STDERR_FILENO);
    int explored = 0, code = CLI_EXIT_CLEAN;
    uint64_t steps_total = 0, frames_total = 0;
    double t0 = mono_s();
    for (int i = 0; i < opts.schedules && !interrupted; i++) {
        int new_errors = 0;
        child_outcome oc = run_child(i, opts.seed + (uint64_t)i, tmpdir, &new_errors);
        if (!oc.ok && interrupted)
            break; /* the schedule was ended by the interrupt */
        explored++;
        if (!oc.ok && !oc.lost) {
            if (no_result_finding(i, oc.status, tmpdir, &steps_total) == 0) {
                if (report_error_count() && !opts.keep_going)
                    break;
                continue;
            }
        }
        if (!oc.ok) {
            fprintf(stderr,
                    "hostrace %s: internal error: schedule %d (seed %" PRIu64
                    ") ended without a result (%s); `hostrace run %s%s --strategy %s --seed "
                    "%" PRIu64 "` reruns it\n",
                    opts.cmd, i, opts.seed + (uint64_t)i,
                    oc.lost ? "no schedule process could be started" : "exit code 127",
                    opts.program ? "--program " : "", opts.script, opts.strategy,
                    opts.seed + (uint64_t)i);
            code = CLI_EXIT_INTERNAL;
            break;
        }
        steps_total += oc.r.steps;
        frames_total += (uint64_t)oc.r.frames_run;
        if (oc.r.status == CHILD_INPUT_ERROR) {
            fprintf(stderr, "hostrace %s: %s\n", opts.cmd, oc.r.message);
            code = CLI_EXIT_USAGE;
            break;
        }
        if (oc.r.status == CHILD_DIVERGED) {
            fprintf(stderr, "hostrace %s: %s\n", opts.cmd, oc.r.message);
            code = CLI_EXIT_USAGE;
            break;
        }
        if (oc.r.status == CHILD_INTERNAL) {
            fprintf(stderr, "hostrace %s: internal error: %s\n", opts.cmd, oc.r.message);
            code = CLI_EXIT_INTERNAL;
            break;
        }
        if (opts.schedules > 1) {
            int n = report_count(), errors = report_error_count();
            if (tty)
                fprintf(stderr, "\rhostrace: schedule %d/%d, %d finding%s (%d error%s), %.0f s ",
                        i + 1, opts.schedules, n, n == 1 ? "" : "s", errors,
                        errors == 1 ? "" : "s", mono_s() - t0);
            else if ((i + 1) % (opts.schedules >= 10 ? opts.schedules / 10 : 1) == 0)
                fprintf(stderr, "hostrace: schedule %d/%d, %d finding%s (%d error%s), %.0f s\n",
                        i + 1, opts.schedules, n, n == 1 ? "" : "s", errors,
                        errors == 1 ? "" : "s", mono_s() - t0);
        }
        if (report_error_count() && !opts.keep_going)
            break;
    }
    stop_server();
    if (tty && opts.schedules > 1)
        fputc('\n', stderr);
    hr_remove_tree(tmpdir);
    /* an input error lists nothing; an internal error or an interrupt
     * lists what the schedules before it found */
    if (code == CLI_EXIT_USAGE || (code == CLI_EXIT_INTERNAL && report_count() == 0))
        return code;
    if (opts.json)
        print_results_json(explored, steps_total, frames_total);
    else
        print_results_text(explored, steps_total);
    if (interrupted) {
        fprintf(stderr,
                "hostrace %s: interrupted by %s after %d of %d schedule%s; the findings above "
                "are those of the schedules that ran\n",
                opts.cmd, sig_name(interrupted), explored, opts.schedules,
                opts.schedules == 1 ? "" : "s");
        return CLI_EXIT_INTERRUPTED;
    }
    if (code != CLI_EXIT_CLEAN)
        return code;
    return report_error_count() ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
}

/* ---- option parsing ------------------------------------------------------------ */

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "hostrace %s: ", opts.cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (try 'hostrace %s --help')\n", opts.cmd);
    return CLI_EXIT_USAGE;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int check_script(void)
{
    struct stat st;
    if (stat(opts.script, &st) != 0) {
        fprintf(stderr, "hostrace %s: cannot open script '%s': %s\n", opts.cmd, opts.script,
                strerror(errno));
        return -1;
    }
    if (opts.addon && S_ISDIR(st.st_mode))
        return 0;
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "hostrace %s: '%s' is not a regular file\n", opts.cmd, opts.script);
        return -1;
    }
    return 0;
}

static int read_input(char *msg, size_t mlen)
{
    FILE *f = fopen(opts.input, "rb");
    if (!f) {
        snprintf(msg, mlen, "cannot open --input '%s': %s", opts.input, strerror(errno));
        return -1;
    }
    char err[512];
    input_bytes = hr_read_stream(f, opts.input, &input_len, err, sizeof(err));
    fclose(f);
    if (!input_bytes) {
        snprintf(msg, mlen, "cannot read --input '%s' (%s)", opts.input, err);
        return -1;
    }
    return 0;
}

/* --program: decodes the input; its schedule bytes drive the bytes
 * strategy unless --input gives others, and its host switches apply on top
 * of --host. */
static int load_program(char *msg, size_t mlen)
{
    program = prog_new();
    if (!program) {
        snprintf(msg, mlen, "internal error: out of memory");
        return -1;
    }
    if (hr_program_load(opts.script, program, msg, mlen) < 0)
        return -1;
    prog_host_switches(program, &opts.sw);
    report_set_generated_source(PROGRAM_PY);
    if (!opts.input) /* the program lives as long as the process */
        input_bytes = (uint8_t *)prog_schedule(program, &input_len);
    return 0;
}

/* The report stream is the real stdout; with --json the script's own
 * output goes to stderr. */
/* --out must be a directory hostrace can create or write in: found
 * before any schedule runs, not when the first finding is saved. Nothing
 * is created here (a clean run leaves no directory). */
static int check_out_dir(void)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s", opts.out);
    for (;;) {
        struct stat st;
        if (stat(p, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                fprintf(stderr, "hostrace %s: --out '%s': '%s' is not a directory\n", opts.cmd,
                        opts.out, p);
                return -1;
            }
            if (access(p, W_OK | X_OK) != 0) {
                fprintf(stderr, "hostrace %s: --out '%s': cannot write in '%s': %s\n", opts.cmd,
                        opts.out, p, strerror(errno));
                return -1;
            }
            return 0;
        }
        if (errno != ENOENT) {
            fprintf(stderr, "hostrace %s: --out '%s': %s\n", opts.cmd, opts.out,
                    strerror(errno));
            return -1;
        }
        char *slash = strrchr(p, '/');
        if (!slash) {
            snprintf(p, sizeof(p), ".");
            continue;
        }
        if (slash == p) {
            p[1] = '\0';
            continue;
        }
        *slash = '\0';
    }
}

static int setup_output(void)
{
    json_out = stdout;
    if (opts.json) {
        fflush(stdout);
        int fd = dup(STDOUT_FILENO);
        json_out = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!json_out || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
            fprintf(stderr, "hostrace %s: internal error: cannot redirect stdout\n", opts.cmd);
            return -1;
        }
    }
    return 0;
}

/* ---- the reproducer trailer ---------------------------------------------------- */

/* One "# key: value" line of the trailer (value may be empty): 0, or -1
 * with the reason in err. */
static int trailer_value(char *buf, unsigned *seen, char *err, size_t errlen);
static int trailer_line(const char *line, size_t len, unsigned *seen, char *err, size_t errlen)
{
    if (len < 2 || strncmp(line, "# ", 2) != 0) {
        snprintf(err, errlen, "expected '# key: value'");
        return -1;
    }
    char *buf = strndup(line + 2, len - 2);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = trailer_value(buf, seen, err, errlen);
    free(buf);
    return rc;
}

/* The "key: value" text of one trailer line (buf is the caller's copy). */
static int trailer_value(char *buf, unsigned *seen, char *err, size_t errlen)
{
    static const char *const keys[] = {"source-name", "generated", "host", "frames",
                                       "schedule-bytes"};
    char *colon = strchr(buf, ':');
    if (!colon || (colon[1] && colon[1] != ' ')) {
        snprintf(err, errlen, "expected '# key: value'");
        return -1;
    }
    *colon = 0;
    const char *val = colon[1] ? colon + 2 : "";
    size_t k = 0;
    while (k < 5 && strcmp(buf, keys[k]) != 0)
        k++;
    if (k == 5 || (*seen & (1u << k))) {
        snprintf(err, errlen, "%s key '%.40s'", k == 5 ? "unknown" : "repeated", buf);
        return -1;
    }
    *seen |= 1u << k;
    long v;
    switch (k) {
    case 0: /* a plain file name */
        if (!val[0] || strlen(val) >= sizeof(trailer.name) ||
            strspn(val, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
                strlen(val)) {
            snprintf(err, errlen, "source-name must be a plain file name");
            return -1;
        }
        snprintf(trailer.name, sizeof(trailer.name), "%s", val);
        return 0;
    case 1:
        if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0) {
            snprintf(err, errlen, "generated must be 0 or 1");
            return -1;
        }
        trailer.generated = val[0] == '1';
        return 0;
    case 2: {
        if (strlen(val) >= sizeof(trailer.host)) {
            snprintf(err, errlen, "host line too long");
            return -1;
        }
        snprintf(trailer.host, sizeof(trailer.host), "%s", val);
        host_switches sw;
        memset(&sw, 0, sizeof(sw));
        char hb[256], e[200];
        snprintf(hb, sizeof(hb), "%s", val);
        for (char *save = NULL, *tok = strtok_r(hb, " ", &save); tok;
             tok = strtok_r(NULL, " ", &save))
            if (host_switch_parse(&sw, tok, e, sizeof(e)) < 0) {
                snprintf(err, errlen, "host: %s", e);
                return -1;
            }
        return 0;
    }
    case 3:
        if (parse_int(val, 0, 1000000, &v) < 0) {
            snprintf(err, errlen, "frames must be a whole number from 0 to 1000000");
            return -1;
        }
        trailer.frames = (int)v;
        return 0;
    default: {
        size_t n = strlen(val);
        if (n % 2) {
            snprintf(err, errlen, "schedule-bytes must be pairs of hex digits");
            return -1;
        }
        trailer.bytes = malloc(n / 2 + 1);
        if (!trailer.bytes) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        for (size_t i = 0; i < n; i += 2) {
            char h[3] = {val[i], val[i + 1], 0};
            if (!isxdigit((unsigned char)h[0]) || !isxdigit((unsigned char)h[1])) {
                snprintf(err, errlen, "schedule-bytes must be pairs of hex digits");
                return -1;
            }
            trailer.bytes[i / 2] = (uint8_t)strtoul(h, NULL, 16);
        }
        trailer.nbytes = n / 2;
        return 0;
    }
    }
}

/* A script that ends with the reproducer trailer (what triage and minimize
 * append to repro.py, after the code so its line numbers stay):
 *
 *   # --- hostrace reproducer ---
 *   # source-name: program.py     the file name the code runs under
 *   # generated: 1                its line numbers are not in signatures
 *   # host: lock_interface=0 ...  host switches (--host overrides per key)
 *   # frames: 240                 (--frames overrides)
 *   # schedule-bytes: 0a1b...     hex, may be empty: --strategy bytes over
 *                                 them, unless --strategy or --input
 *
 * Every key exactly once, nothing else after the mark but empty lines.
 * Returns 0 (trailer.present says whether there is one), or -1 after a
 * one-line message. */
static int load_trailer(void)
{
    char err[512];
    size_t len;
    trailer.text = hr_read_file(opts.script, &len, err, sizeof(err));
    if (!trailer.text) {
        fprintf(stderr, "hostrace %s: %s\n", opts.cmd, err);
        return -1;
    }
    const char *t = (const char *)trailer.text, *mark = NULL;
    for (const char *p = t; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, TRAILER_MARK, strlen(TRAILER_MARK)) == 0 &&
            (p[strlen(TRAILER_MARK)] == '\n' || !p[strlen(TRAILER_MARK)])) {
            mark = p;
            break;
        }
    if (!mark)
        return 0;
    unsigned seen = 0;
    int lineno = 1;
    for (const char *p = t; p < mark; p++)
        lineno += *p == '\n';
    const char *p = strchr(mark, '\n');
    while (p && *++p) {
        lineno++;
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n && trailer_line(p, n, &seen, err, sizeof(err)) < 0) {
            fprintf(stderr, "hostrace %s: %s:%d: malformed reproducer trailer: %s\n", opts.cmd,
                    opts.script, lineno, err);
            return -1;
        }
        p = end;
    }
    if (seen != 0x1F) {
        fprintf(stderr, "hostrace %s: %s: malformed reproducer trailer: it needs source-name, "
                        "generated, host, frames and schedule-bytes\n", opts.cmd, opts.script);
        return -1;
    }
    trailer.present = 1;
    if (trailer.generated)
        report_set_generated_source(trailer.name);
    /* the code alone runs: exactly the text the finding ran (a longer text
     * costs Python's compiler other allocations, TSan events in the run's
     * thread, and TSan could keep other accesses than in the finding's run) */
    ((char *)trailer.text)[mark - t] = 0;
    trailer.code_len = (size_t)(mark - t);
    return 0;
}

/* Applies the trailer's host switches and frames where the command line
 * gave none (host_args: its --host values, re-applied on top). */
static int apply_trailer(char **host_args, int nhost, int frames_given)
{
    char hb[256], err[256];
    snprintf(hb, sizeof(hb), "%s", trailer.host);
    for (char *save = NULL, *tok = strtok_r(hb, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save))
        host_switch_parse(&opts.sw, tok, err, sizeof(err));
    for (int i = 0; i < nhost; i++)
        host_switch_parse(&opts.sw, host_args[i], err, sizeof(err));
    if (!frames_given)
        opts.frames = trailer.frames;
    if (!opts.strategy_given)
        opts.strategy = "bytes";
    if (!opts.input && strcmp(opts.strategy, "bytes") == 0) {
        input_bytes = trailer.bytes;
        input_len = trailer.nbytes;
    }
    return 0;
}

static void defaults(const char *cmd)
{
    memset(&opts, 0, sizeof(opts));
    opts.cmd = cmd;
    opts.frames = DEFAULT_FRAMES;
    opts.timeout = DEFAULT_TIMEOUT;
    opts.stall = DEFAULT_STALL;
    opts.strategy = "pct";
    opts.schedules = 1;
    opts.out = DEFAULT_OUT;
    opts.pct_depth = 3;
    opts.pct_steps = 2000;
    /* TSan where the build has it; hostrace's own detector elsewhere */
    opts.detector = sanitizer_tsan_build() ? REPORT_BY_TSAN : REPORT_BY_HOSTRACE;
    opts.max_steps = DEFAULT_MAX_STEPS;
    opts.max_vtime_ms = (int64_t)DEFAULT_MAX_VTIME_S * 1000;
}

int cli_run(int argc, char **argv)
{
    enum {
        O_STRATEGY = 256, O_SEED, O_SCHEDULES, O_KEEP, O_OUT, O_TRACE, O_DEPTH, O_PSTEPS,
        O_INPUT, O_MAXSTEPS, O_MAXVT, O_STALL, O_PROGRAM, O_INVOKE, O_EXPLORE, O_DETECTOR,
        /* hidden: the process that runs one schedule */
        O_RESULT, O_SCHEDOUT, O_REPLAYFILE, O_MAXVTMS, O_JSONCHILD, O_SERVE,
    };
    static const struct option longopts[] = {
        {"frames", required_argument, NULL, 'f'},
        {"host", required_argument, NULL, 'H'},
        {"json", no_argument, NULL, 'j'},
        {"timeout", required_argument, NULL, 't'},
        {"strategy", required_argument, NULL, O_STRATEGY},
        {"seed", required_argument, NULL, O_SEED},
        {"schedules", required_argument, NULL, O_SCHEDULES},
        {"keep-going", no_argument, NULL, O_KEEP},
        {"out", required_argument, NULL, O_OUT},
        {"trace", no_argument, NULL, O_TRACE},
        {"pct-depth", required_argument, NULL, O_DEPTH},
        {"pct-steps", required_argument, NULL, O_PSTEPS},
        {"input", required_argument, NULL, O_INPUT},
        {"program", no_argument, NULL, O_PROGRAM},
        {"invoke", required_argument, NULL, O_INVOKE},
        {"explore-ui", optional_argument, NULL, O_EXPLORE},
        {"max-steps", required_argument, NULL, O_MAXSTEPS},
        {"max-vtime", required_argument, NULL, O_MAXVT},
        {"stall", required_argument, NULL, O_STALL},
        {"detector", required_argument, NULL, O_DETECTOR},
        {"result", required_argument, NULL, O_RESULT},
        {"schedule-out", required_argument, NULL, O_SCHEDOUT},
        {"replay-file", required_argument, NULL, O_REPLAYFILE},
        {"max-vtime-ms", required_argument, NULL, O_MAXVTMS},
        {"json-child", no_argument, NULL, O_JSONCHILD},
        {"serve", required_argument, NULL, O_SERVE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int addon = strcmp(argv[0], "addon") == 0;
    defaults(addon ? "addon" : "run");
    opts.addon = addon;
    opterr = 0;
    optind = 1;
    int c;
    long v;
    /* static: it lives as long as the process (LeakSanitizer then knows) */
    static char **host_args;
    host_args = calloc((size_t)argc + 1, sizeof(char *));
    int nhost = 0, frames_given = 0;
    if (!host_args)
        return CLI_EXIT_INTERNAL;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        char err[256];
        switch (c) {
        case 'f':
            if (parse_int(optarg, 0, 1000000, &v) < 0)
                return usage_error("--frames takes a whole number from 0 to 1000000, not '%s'",
                                   optarg);
            opts.frames = (int)v;
            frames_given = 1;
            break;
        case 't':
            if (parse_int(optarg, 1, 86400, &v) < 0)
                return usage_error("--timeout takes seconds from 1 to 86400, not '%s'", optarg);
            opts.timeout = (int)v;
            break;
        case O_STALL:
            if (parse_int(optarg, 1, 86400, &v) < 0)
                return usage_error("--stall takes seconds from 1 to 86400, not '%s'", optarg);
            opts.stall = (int)v;
            break;
        case 'H':
            if (host_switch_parse(&opts.sw, optarg, err, sizeof(err)) < 0)
                return usage_error("%s", err);
            host_args[nhost++] = optarg;
            break;
        case 'j':
            opts.json = 1;
            break;
        case O_STRATEGY:
            if (strcmp(optarg, "free") != 0 && (strcmp(optarg, "replay") == 0 ||
                                                !strstr(sched_strategy_names(), optarg) ||
                                                strchr(optarg, ' ') || !optarg[0]))
                return usage_error("--strategy takes pct, random, rr, bytes or free, not '%s' "
                                   "(replay a schedule with `hostrace replay`)",
                                   optarg);
            opts.strategy = optarg;
            opts.strategy_given = 1;
            break;
        case O_SEED:
            if (hr_parse_u64(optarg, &opts.seed) < 0)
                return usage_error("--seed takes a whole number, not '%s'", optarg);
            break;
        case O_SCHEDULES:
            if (parse_int(optarg, 1, 100000000, &v) < 0)
                return usage_error("--schedules takes a whole number from 1, not '%s'", optarg);
            opts.schedules = (int)v;
            break;
        case O_KEEP:
            opts.keep_going = 1;
            break;
        case O_OUT:
            if (!optarg[0])
                return usage_error("--out needs a directory%s", "");
            opts.out = optarg;
            break;
        case O_TRACE:
            opts.trace = 1;
            break;
        case O_DEPTH:
            if (parse_int(optarg, 1, 64, &v) < 0)
                return usage_error("--pct-depth takes a whole number from 1 to 64, not '%s'",
                                   optarg);
            opts.pct_depth = (int)v;
            break;
        case O_PSTEPS:
            if (hr_parse_u64(optarg, &opts.pct_steps) < 0 || opts.pct_steps == 0)
                return usage_error("--pct-steps takes a whole number from 1, not '%s'", optarg);
            break;
        case O_INPUT:
            opts.input = optarg;
            break;
        case O_PROGRAM:
            if (addon)
                return usage_error("--program is for `hostrace run`%s", "");
            opts.program = 1;
            break;
        case O_EXPLORE:
            if (!addon)
                return usage_error("--explore-ui is for `hostrace addon`%s", "");
            opts.explore = HR_EXPLORE_DEFAULT;
            if (optarg && parse_int(optarg, 1, 100000, &v) < 0)
                return usage_error("--explore-ui takes frames from 1 to 100000, not '%s'",
                                   optarg);
            if (optarg)
                opts.explore = (int)v;
            break;
        case O_INVOKE: {
            if (!addon)
                return usage_error("--invoke is for `hostrace addon`%s", "");
            int r = cli_invoke_append(opts.invoke, sizeof(opts.invoke), optarg);
            if (r == -1)
                return usage_error("--invoke takes IDNAME[:KEY=VALUE,...] (an operator's "
                                   "bl_idname like 'object.my_op', no spaces), not '%s'",
                                   optarg);
            if (r < 0)
                return usage_error("too many --invoke operators%s", "");
            break;
        }
        case O_MAXSTEPS:
            if (hr_parse_u64(optarg, &opts.max_steps) < 0)
                return usage_error("--max-steps takes a whole number (0: no limit), not '%s'",
                                   optarg);
            break;
        case O_MAXVT:
            if (parse_int(optarg, 0, 100000000, &v) < 0)
                return usage_error("--max-vtime takes seconds (0: no limit), not '%s'", optarg);
            opts.max_vtime_ms = (int64_t)v * 1000;
            break;
        case O_RESULT:
            result_path = optarg;
            break;
        case O_SCHEDOUT:
            schedule_path = optarg;
            break;
        case O_REPLAYFILE:
            opts.replay_path = optarg;
            break;
        case O_MAXVTMS:
            if (hr_parse_u64(optarg, (uint64_t *)&opts.max_vtime_ms) < 0)
                return usage_error("bad --max-vtime-ms '%s'", optarg);
            break;
        case O_JSONCHILD:
            opts.json = 2; /* trace to stderr; output is the parent's */
            break;
        case O_DETECTOR:
            for (v = 0; v <= (REPORT_BY_TSAN | REPORT_BY_HOSTRACE); v++)
                if (strcmp(optarg, report_found_by_id((unsigned)v)) == 0)
                    break;
            opts.detector = (unsigned)v;
            if (v > (REPORT_BY_TSAN | REPORT_BY_HOSTRACE))
                return usage_error("--detector takes hostrace, tsan, both or none, not '%s'",
                                   optarg);
            if ((opts.detector & REPORT_BY_TSAN) && !sanitizer_tsan_build())
                return usage_error("--detector %s: this build has no ThreadSanitizer (build the "
                                   "tsan preset, or use --detector hostrace)",
                                   optarg);
            break;
        case O_SERVE:
            if (parse_int(optarg, 0, 1023, &v) < 0)
                return usage_error("bad --serve '%s'", optarg);
            serve_fd = (int)v;
            break;
        case 'h':
            fputs(addon ? addon_usage : run_usage, stdout);
            return CLI_EXIT_CLEAN;
        default:
            return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error("%s", addon ? "missing ADDON (a folder, a .py or a .zip)"
                                       : "missing SCRIPT.py");
    if (argc - optind > 1)
        return usage_error("unexpected argument '%s'", argv[optind + 1]);
    opts.script = argv[optind];
    if (opts.program && !opts.strategy_given)
        opts.strategy = "bytes";
    if (opts.input && strcmp(opts.strategy, "bytes") != 0)
        return usage_error("--input is for --strategy bytes%s", "");
    if (check_script() < 0)
        return CLI_EXIT_USAGE;
    if (!opts.program && !opts.addon && load_trailer() < 0)
        return CLI_EXIT_USAGE;
    if (trailer.present)
        apply_trailer(host_args, nhost, frames_given);
    char msg[1024];
    if ((opts.input && read_input(msg, sizeof(msg)) < 0) ||
        (opts.program && load_program(msg, sizeof(msg)) < 0)) {
        fprintf(stderr, "hostrace %s: %s\n", opts.cmd, msg);
        return CLI_EXIT_USAGE;
    }
    if (result_path && serve_fd >= 0)
        serve(); /* never returns */
    if (result_path) {
        /* one schedule, for a parent that merges and prints */
        if (opts.replay_path) {
            char err[1024];
            if (hr_schedule_read(opts.replay_path, &opts.replay, err, sizeof(err)) < 0) {
                fprintf(stderr, "hostrace run: %s\n", err);
                return CLI_EXIT_USAGE;
            }
            opts.is_replay = 1;
        }
        scheduled = 1;
        run_once();
    }
    if (strcmp(opts.strategy, "free") != 0 && check_out_dir() < 0)
        return CLI_EXIT_USAGE;
    if (setup_output() < 0)
        return CLI_EXIT_INTERNAL;
    if (strcmp(opts.strategy, "free") == 0) {
        if (opts.schedules > 1)
            return usage_error("--schedules needs a scheduling strategy, not 'free'%s", "");
        run_once();
    }
    return explore();
}

int cli_replay(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"script", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'},
        {"trace", no_argument, NULL, 'T'},        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    defaults("replay");
    const char *script = NULL;
    opterr = 0;
    optind = 1;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            script = optarg;
            break;
        case 'j':
            opts.json = 1;
            break;
        case 'T':
            opts.trace = 1;
            break;
        case 't':
            if (parse_int(optarg, 1, 86400, &v) < 0)
                return usage_error("--timeout takes seconds from 1 to 86400, not '%s'", optarg);
            opts.timeout = (int)v;
            break;
        case 'h':
            fputs(replay_usage, stdout);
            return CLI_EXIT_CLEAN;
        default:
            return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error("%s", "missing SCHEDULE_FILE");
    if (argc - optind > 1)
        return usage_error("unexpected argument '%s'", argv[optind + 1]);
    char err[1024];
    if (hr_schedule_read(argv[optind], &opts.replay, err, sizeof(err)) < 0) {
        fprintf(stderr, "hostrace replay: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    opts.is_replay = 1;
    opts.replay_path = argv[optind];
    opts.script = script ? script : opts.replay.script;
    opts.program = opts.replay.program;
    opts.addon = opts.replay.addon;
    snprintf(opts.invoke, sizeof(opts.invoke), "%s", opts.replay.invoke);
    opts.explore = opts.replay.explore;
    opts.strategy = opts.replay.strategy;
    opts.seed = opts.replay.seed;
    opts.pct_depth = opts.replay.pct_depth;
    opts.pct_steps = opts.replay.pct_steps;
    opts.frames = opts.replay.frames;
    opts.max_steps = opts.replay.max_steps;
    opts.max_vtime_ms = opts.replay.max_vtime_ms;
    /* host switches: "k=v k=v ..." */
    char hostbuf[256];
    snprintf(hostbuf, sizeof(hostbuf), "%s", opts.replay.host);
    for (char *save = NULL, *tok = strtok_r(hostbuf, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save))
        if (host_switch_parse(&opts.sw, tok, err, sizeof(err)) < 0) {
            fprintf(stderr, "hostrace replay: %s: %s\n", argv[optind], err);
            return CLI_EXIT_USAGE;
        }
    if (check_script() < 0)
        return CLI_EXIT_USAGE;
    char msg[1024];
    if (opts.program && load_program(msg, sizeof(msg)) < 0) {
        fprintf(stderr, "hostrace %s: %s\n", opts.cmd, msg);
        return CLI_EXIT_USAGE;
    }
    /* a repro.py runs under its trailer's source-name; the rest of the
     * trailer is the schedule file's business */
    if (!opts.program && !opts.addon && load_trailer() < 0)
        return CLI_EXIT_USAGE;
    char hash[17];
    if (hr_file_hash_prefix(opts.script, CODE_LEN(), hash) == 0 &&
        strcmp(hash, opts.replay.script_hash) != 0)
        fprintf(stderr,
                "hostrace replay: note: %s is not the script the schedule was recorded for "
                "(xxh64 %s, recorded %s); replaying and checking each decision\n",
                opts.script, hash, opts.replay.script_hash);
    if (setup_output() < 0)
        return CLI_EXIT_INTERNAL;
    opts.out = DEFAULT_OUT;
    return explore();
}
