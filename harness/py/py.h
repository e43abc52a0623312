/* py: the embedded CPython running a script over the host, as
 * `blender --python SCRIPT` does. The interface the CLI uses. */
#ifndef HOSTRACE_PY_H
#define HOSTRACE_PY_H

#include "host/host.h"
#include "sched/sched.h"

#include <stddef.h>

typedef enum bpy_script_status {
    BPY_SCRIPT_OK = 0,     /* ran to the end */
    BPY_SCRIPT_RAISED = 1, /* raised; reported as a finding */
    BPY_SCRIPT_INPUT = 2,  /* unreadable or syntax error; message in err */
} bpy_script_status;

/* The interpreter with bpy, mathutils and (scheduled != 0) the
 * interposition of Python's threads and blocking primitives, but no host
 * and no thread: a process may fork after it and start the run in the
 * child (the fuzz drivers do). Called by bpy_runtime_start when not done
 * yet. Returns 0, or -1 with a message in err. */
int bpy_runtime_init(const char *script, int scheduled, char *err, size_t errlen);
/* In a child forked (by a single-threaded parent) after bpy_runtime_init,
 * before bpy_runtime_start. */
void bpy_runtime_after_fork(void);

/* For a process forked (by a single-threaded parent) after
 * bpy_runtime_init, whose run is to happen on a new thread (the schedule
 * server, harness/cli/run.c): the forking thread lets go of the
 * interpreter (bpy_runtime_release), and the new thread takes it over
 * (bpy_runtime_adopt) as Python's main thread, for threading and (with
 * the GIL) signal.signal() too. */
void bpy_runtime_release(void);
int bpy_runtime_adopt(char *err, size_t errlen);

/* The session's own directory (an existing, empty one) for the run that
 * bpy_runtime_start starts next: bpy.app.tempdir and the user resources
 * (bpy.utils.user_resource, script paths) lie under it, so every run
 * starts from the same files whatever earlier runs wrote, as every Blender
 * session has a temporary directory of its own. Without one they lie in
 * the system's temporary directory. */
void bpy_set_session_dir(const char *dir);

/* Creates the host (startup scene) and the interpreter with bpy and
 * mathutils. Registers the calling thread as main and, with sc, starts the
 * scheduler (the GIL and script-stack hooks are filled in here) and puts
 * Python's threads and blocking primitives under it. sc NULL: threads run
 * free. Returns 0, or -1 with a message in err. */
int bpy_runtime_start(const host_switches *sw, const char *script, const sched_config *sc,
                      char *err, size_t errlen);

/* Runs the script in __main__ on the calling (main) thread. */
bpy_script_status bpy_run_script(const char *path, char *err, size_t errlen);

/* Runs source text in __main__ as if it were the script at path (the name
 * in locations and tracebacks; the file need not exist). */
bpy_script_status bpy_run_source(const char *text, const char *path, char *err, size_t errlen);

/* After the script returned: a thread-outlives-script warning for every
 * Python thread still alive. */
void bpy_check_threads(void);
/* At the end of the event loop: a thread-outlives-script warning for each
 * thread started after the script returned (by a timer, handler, draw
 * callback, modal operator, user action or another thread) that is still
 * running, naming what started it. */
void bpy_check_late_threads(void);

/* Runs the wm loop for up to frames frames with the GIL released between
 * Python calls, so script threads run alongside it; under the scheduler it
 * ends early once the host is quiescent (host_quiescent). Returns the
 * frames run. */
int bpy_run_wm(int frames);

/* Shuts the host down, waits for non-daemon threads (up to timeout_ms of
 * real time: a hang finding otherwise), checks Main's integrity and
 * finalizes the interpreter. Returns 0, or -1 when threads could not be
 * stopped (the interpreter and host are then left as they are). */
int bpy_runtime_stop(int timeout_ms);

/* Called when the script is about to end the process (final: os._exit,
 * with the finding added; the hook need not return) or to send its own
 * process a signal that ends or stops it (final 0: the hook saves what
 * was found so far, and returns). */
void bpy_set_process_end_hook(void (*fn)(int final));

/* Every Python thread's stack (most recent call first), read without the
 * GIL as faulthandler does: for the watchdog, while the token holder may
 * hold the GIL. */
void bpy_dump_stacks(char *buf, size_t len);
/* True when that dump stops the world (3.13's faulthandler): it then waits
 * for every thread attached to the interpreter, forever for one inside a
 * long C call. */
int bpy_dump_stops_the_world(void);
/* Where thread ident (its pthread id) is in Python: a value that changes
 * whenever its innermost frame moves (another instruction, another
 * frame), read without the GIL. A thread inside one long C call keeps the
 * same value; a Python loop does not. Returns 0, or -1 when it cannot be
 * read (no such Python thread). */
int bpy_thread_position(uint64_t ident, uint64_t *pos);

/* The running thread's innermost frame in such a dump: "file:line" and
 * "file:function" (basenames), or "?". */
void bpy_first_frame(const char *dump, uint64_t ident, char *where, size_t wlen, char *func,
                     size_t flen);
/* The innermost frame in thread ident's block of such a dump that is the
 * script's own (not the standard library's, not bpy's): "file:line",
 * else what bpy_first_frame gives. */
void bpy_script_frame(const char *dump, uint64_t ident, char *where, size_t wlen);
/* Thread ident's block of such a dump (its header line and frames, no
 * trailing newline; *len its length), or NULL when the dump has none. */
const char *bpy_thread_block(const char *dump, uint64_t ident, size_t *len);

/* The embedded interpreter: its version, whether it is a free-threaded
 * build (PEP 703) and whether the GIL was on when the script returned (an
 * extension module imported without declaring Py_mod_gil turns it back
 * on). Valid before bpy_runtime_init (then gil_enabled is the build's
 * default). */
typedef struct bpy_interp_info {
    char version[32];  /* "3.13.5" */
    int free_threaded; /* built with --disable-gil */
    int gil_enabled;
} bpy_interp_info;
void bpy_interpreter(bpy_interp_info *out);
/* "CPython 3.13.5 free-threaded, GIL disabled" and the like */
void bpy_interpreter_describe(const bpy_interp_info *in, char *out, size_t len);

/* The bpy API an entry point (its C function, bpy_enter's func)
 * implements, as a script writes it ("Scene.frame_set()"), or NULL. */
const char *bpy_api_name(const char *func);

#endif
