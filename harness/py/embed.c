/* The embedded interpreter: start-up with _bpy and the Python half of bpy,
 * the script location provider, running the script, the wm loop with the
 * GIL released, and an orderly, bounded shutdown. */
#include "py.h"
#include "py_internal.h"
#include "report/report.h"
#include "tsan/annotate.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- script locations --------------------------------------------------
 * Interned file names: a code object's co_filename, copied once and kept
 * for the life of the process, so an access ring entry can point at it. */

#define INTERN_CAP 512

static struct {
    PyObject *key; /* strong reference: the address cannot be reused */
    char *text;
} interned[INTERN_CAP];

static const char *intern_filename_locked(PyObject *fn);

static const char *intern_filename(PyObject *fn)
{
    BPY_BOOKKEEPING_BEGIN();
    const char *s = intern_filename_locked(fn);
    BPY_BOOKKEEPING_END();
    return s;
}

static const char *intern_filename_locked(PyObject *fn)
{
    uintptr_t hv = ((uintptr_t)fn >> 4) & (INTERN_CAP - 1);
    for (unsigned i = 0; i < INTERN_CAP; i++) {
        unsigned k = (unsigned)(hv + i) & (INTERN_CAP - 1);
        if (interned[k].key == fn)
            return interned[k].text;
        if (!interned[k].key) {
            const char *s = PyUnicode_AsUTF8(fn);
            if (!s) {
                PyErr_Clear();
                return NULL;
            }
            interned[k].text = strdup(s);
            if (!interned[k].text)
                return NULL;
            interned[k].key = Py_NewRef(fn);
            return interned[k].text;
        }
    }
    return NULL; /* full */
}

/* The standard library's directory: its frames (threading, queue,
 * concurrent.futures) are skipped like bpy's own, so a blocking call is
 * located at the script line that made it. */
static char stdlib_dir[1024];
static size_t stdlib_len;

static int is_user_frame(const char *name)
{
    if (!name || name[0] == '<')
        return 0; /* <hostrace-*>, <frozen ...>, <string> */
    return !(stdlib_len && strncmp(name, stdlib_dir, stdlib_len) == 0 &&
             name[stdlib_len] == '/');
}

/* Where the script started the calling thread (its start() line), when
 * that was a user frame: the location of a thread whose own frames are all
 * the standard library's (Thread(target=bpy.ops.render.render)). */
static _Thread_local const char *t_origin_file;
static _Thread_local int t_origin_line;

void bpy_set_thread_origin(const char *file, int line)
{
    t_origin_file = file && is_user_frame(file) ? file : NULL;
    t_origin_line = line;
}

int bpy_current_location(const char **file, int *line)
{
    if (!bpy_python_ready || !PyGILState_Check())
        return 0;
    PyFrameObject *f = PyEval_GetFrame(); /* borrowed */
    if (!f)
        return 0;
    Py_INCREF(f);
    int found = 0;
    /* the innermost user frame; failing that, where the script started the
     * thread; failing that, the innermost frame that is not bpy's */
    PyObject *fallback_name = NULL;
    int fallback_line = 0;
    while (f) {
        PyCodeObject *code = PyFrame_GetCode(f);
        const char *name = PyUnicode_AsUTF8(code->co_filename);
        if (is_user_frame(name)) {
            *file = intern_filename(code->co_filename);
            *line = PyFrame_GetLineNumber(f);
            found = *file != NULL;
            Py_DECREF(code);
            break;
        }
        if (!fallback_name && name && strncmp(name, "<hostrace", 9) != 0) {
            fallback_name = Py_NewRef(code->co_filename);
            fallback_line = PyFrame_GetLineNumber(f);
        }
        Py_DECREF(code);
        PyFrameObject *back = PyFrame_GetBack(f);
        Py_DECREF(f);
        f = back;
    }
    Py_XDECREF(f);
    if (!found && t_origin_file) {
        *file = t_origin_file;
        *line = t_origin_line;
        found = 1;
    }
    if (!found && fallback_name) {
        *file = intern_filename(fallback_name);
        *line = fallback_line;
        found = *file != NULL;
    }
    Py_XDECREF(fallback_name);
    if (PyErr_Occurred())
        PyErr_Clear();
    return found;
}

/* ---- scheduler hooks ------------------------------------------------------ */

static void *gil_release(void)
{
    if (!bpy_python_ready || !PyGILState_Check())
        return NULL;
    return PyEval_SaveThread();
}

static void gil_acquire(void *saved) { PyEval_RestoreThread((PyThreadState *)saved); }

static int gil_held(void) { return bpy_python_ready && PyGILState_Check(); }

/* A thread about to wait in an external call released the GIL for it, and
 * no other thread holds it (this one ran Python until the call): taking it
 * back for the lookup does not wait. */
static int location_nogil(const char **file, int *line)
{
    if (!bpy_python_ready || !PyGILState_GetThisThreadState())
        return 0;
    PyGILState_STATE g = PyGILState_Ensure();
    sched_hb_gil_changed();
    int found = bpy_current_location(file, line);
    bpy_gil_release(g);
    return found;
}

/* The Python stack of the thread with kernel id os_tid, innermost first,
 * bpy's own frames left out. Called by the token holder: every other
 * thread waits with the GIL released. */
static int script_stack_nogil(uint64_t os_tid, char *buf, size_t len);

static int script_stack(uint64_t os_tid, char *buf, size_t len)
{
    if (!bpy_python_ready || len == 0)
        return 0;
#ifndef Py_GIL_DISABLED
    /* a thread switched out inside a bpy call keeps the GIL: taking it
     * here would wait for that thread forever (a deadlock's report). A
     * free-threaded interpreter attaches this thread without waiting (and
     * its dump stops the world, which would wait for that thread) */
    if (sched_gil_kept_elsewhere())
        return script_stack_nogil(os_tid, buf, len);
#endif
    PyGILState_STATE g = PyGILState_Ensure();
    sched_hb_gil_changed();
#ifdef Py_GIL_DISABLED
    /* without a GIL nothing orders this read of another thread's frames
     * (it waits in the scheduler): a diagnostic, hidden from TSan */
    HR_TSAN_IGNORE_BEGIN();
#endif
    size_t at = 0;
    buf[0] = '\0';
    int found = 0;
    PyInterpreterState *interp = PyInterpreterState_Main();
    for (PyThreadState *ts = PyInterpreterState_ThreadHead(interp); ts;
         ts = PyThreadState_Next(ts)) {
        if ((uint64_t)ts->native_thread_id != os_tid)
            continue;
        PyFrameObject *f = PyThreadState_GetFrame(ts);
        for (int depth = 0; f && depth < 12;) {
            PyCodeObject *code = PyFrame_GetCode(f);
            const char *file = PyUnicode_AsUTF8(code->co_filename);
            const char *fn = PyUnicode_AsUTF8(code->co_name);
            if (file && strncmp(file, "<hostrace", 9) != 0 && at < len) {
                int n = snprintf(buf + at, len - at, "    py #%d %s:%d in %s\n", depth, file,
                                 PyFrame_GetLineNumber(f), fn ? fn : "?");
                if (n > 0)
                    at = at + (size_t)n < len ? at + (size_t)n : len;
                depth++;
                found = 1;
            }
            Py_DECREF(code);
            PyFrameObject *back = PyFrame_GetBack(f);
            Py_DECREF(f);
            f = back;
        }
        Py_XDECREF(f);
        break;
    }
    PyErr_Clear();
#ifdef Py_GIL_DISABLED
    HR_TSAN_IGNORE_END();
#endif
    bpy_gil_release(g);
    return found;
}

/* CPython's own all-threads traceback dump (what faulthandler uses): safe
 * without the GIL. Exported by 3.11 from an internal header; weak, since
 * 3.13 no longer exports it. */
const char *_Py_DumpTracebackThreads(int fd, PyInterpreterState *interp,
                                     PyThreadState *current_tstate) __attribute__((weak));

/* Without that symbol: faulthandler.dump_traceback(all_threads=True), which
 * makes the same dump, called from a thread state of this thread's own (on
 * a free-threaded interpreter attaching one waits for no other thread).
 * The module is imported when Python starts: importing a builtin module
 * later stops the world (to turn the GIL on for it, in 3.13), which waits
 * for every thread, forever for one inside a long C call. */
static PyObject *faulthandler_mod;

static void dump_with_faulthandler(int fd)
{
    if (!faulthandler_mod)
        return;
    PyGILState_STATE g = PyGILState_Ensure();
    sched_hb_gil_changed();
    PyObject *r = PyObject_CallMethod(faulthandler_mod, "dump_traceback", "ii", fd, 1);
    Py_XDECREF(r);
    PyErr_Clear();
    bpy_gil_release(g);
}

int bpy_dump_stops_the_world(void)
{
    return !_Py_DumpTracebackThreads;
}

void bpy_dump_stacks(char *buf, size_t len)
{
    if (len == 0)
        return;
    buf[0] = '\0';
    if (!bpy_python_ready)
        return;
    FILE *tmp = tmpfile();
    if (!tmp)
        return;
    /* reads live interpreter memory while the running thread changes it:
     * a diagnostic, hidden from TSan */
    HR_TSAN_IGNORE_BEGIN();
    if (_Py_DumpTracebackThreads)
        _Py_DumpTracebackThreads(fileno(tmp), PyInterpreterState_Main(), NULL);
    else
        dump_with_faulthandler(fileno(tmp));
    HR_TSAN_IGNORE_END();
    rewind(tmp);
    size_t n = fread(buf, 1, len - 1, tmp);
    buf[n] = '\0';
    fclose(tmp);
}

int bpy_thread_position(uint64_t ident, uint64_t *pos)
{
    if (!bpy_python_ready)
        return -1;
    int found = -1;
    /* the thread list and the frame are read as faulthandler reads them,
     * without the GIL, hidden from TSan; the frame's bytes through
     * process_vm_readv, which fails (EFAULT) instead of faulting when the
     * thread freed that memory meanwhile */
    HR_TSAN_IGNORE_BEGIN();
    PyInterpreterState *interp = PyInterpreterState_Main();
    for (PyThreadState *t = PyInterpreterState_ThreadHead(interp); t; t = PyThreadState_Next(t)) {
        if ((uint64_t)t->thread_id != ident)
            continue;
#if PY_VERSION_HEX >= 0x030D0000
        const void *fr = t->current_frame;
#else
        const void *fr = t->cframe ? t->cframe->current_frame : NULL;
#endif
        /* the innermost frame's head: code, previous frame, instruction
         * pointer and stack top lie in its first 80 bytes in 3.11 and 3.13 */
        unsigned char head[80];
        memset(head, 0, sizeof(head));
        struct iovec local = {head, sizeof(head)}, remote = {(void *)fr, sizeof(head)};
        if (fr && process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != (ssize_t)sizeof(head))
            break;
        uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)fr;
        for (size_t i = 0; i < sizeof(head); i++)
            h = (h ^ head[i]) * 1099511628211ull;
        *pos = h;
        found = 0;
        break;
    }
    HR_TSAN_IGNORE_END();
    return found;
}

/* Where the block of a stack dump that starts at p ends: the start of the
 * next thread's block, or NULL for the last. */
static const char *block_end(const char *p)
{
    const char *next = strstr(p + 1, "\nThread 0x");
    const char *cur = strstr(p + 1, "\nCurrent thread");
    return cur && (!next || cur < next) ? cur : next;
}

const char *bpy_thread_block(const char *dump, uint64_t ident, size_t *len)
{
    /* "Thread 0x00007f... (most recent call first):", or "Current
     * thread 0x..." for the thread that holds the GIL */
    char head[64];
    snprintf(head, sizeof(head), "thread 0x%016llx", (unsigned long long)ident);
    const char *p = ident ? strcasestr(dump, head) : NULL;
    if (!p)
        return NULL;
    const char *end = block_end(p);
    size_t n = end ? (size_t)(end - p) : strlen(p);
    while (n > 0 && p[n - 1] == '\n')
        n--;
    *len = n;
    return p;
}

/* script_stack from a faulthandler-style dump, which needs no GIL: the
 * thread's block, bpy's own frames left out. */
__attribute__((unused)) static int script_stack_nogil(uint64_t os_tid, char *buf, size_t len)
{
    uint64_t ident = 0;
    HR_TSAN_IGNORE_BEGIN();
    PyInterpreterState *interp = PyInterpreterState_Main();
    for (PyThreadState *t = PyInterpreterState_ThreadHead(interp); t; t = PyThreadState_Next(t))
        if ((uint64_t)t->native_thread_id == os_tid)
            ident = (uint64_t)t->thread_id;
    HR_TSAN_IGNORE_END();
    if (!ident)
        return 0;
    size_t dlen = 32768;
    char *dump = malloc(dlen);
    if (!dump)
        return 0;
    bpy_dump_stacks(dump, dlen);
    size_t blen;
    const char *p = bpy_thread_block(dump, ident, &blen);
    size_t at = 0;
    int depth = 0;
    buf[0] = '\0';
    for (const char *f = p ? strstr(p, "File \"") : NULL; f && f < p + blen && depth < 12;
         f = strstr(f + 1, "File \"")) {
        const char *name = f + 6, *q = strchr(name, '"');
        const char *ln = q ? strstr(q, "line ") : NULL;
        const char *in = ln ? strstr(ln, " in ") : NULL;
        const char *eol = in ? strchr(in, '\n') : NULL;
        if (!eol)
            eol = in ? in + strlen(in) : NULL;
        if (!in || strncmp(name, "<hostrace", 9) == 0)
            continue;
        int n = snprintf(buf + at, len - at, "    py #%d %.*s:%d in %.*s\n", depth,
                         (int)(q - name), name, atoi(ln + 5), (int)(eol - in - 4), in + 4);
        if (n > 0)
            at = at + (size_t)n < len ? at + (size_t)n : len - 1;
        depth++;
    }
    free(dump);
    return depth > 0;
}

/* The frame line at f ('File "PATH", line N in FUNC'): the path's
 * basename [*base, *q) and *ln at "line N"; 0 when it is cut short. */
static int frame_line(const char *f, const char **base, const char **q, const char **ln)
{
    const char *name = f + 6;
    *q = strchr(name, '"');
    *ln = *q ? strstr(*q, "line ") : NULL;
    if (!*q || !*ln)
        return 0;
    *base = name;
    for (const char *c = name; c < *q; c++)
        if (*c == '/')
            *base = c + 1;
    return 1;
}

void bpy_first_frame(const char *dump, uint64_t ident, char *where, size_t wlen, char *func,
                     size_t flen)
{
    snprintf(where, wlen, "?");
    snprintf(func, flen, "?");
    /* the thread's own block of the dump, else the dumping thread's, else
     * the first */
    size_t len;
    const char *p = bpy_thread_block(dump, ident, &len);
    if (!p)
        p = strstr(dump, "Current thread");
    if (!p)
        p = dump;
    /* only within that block */
    const char *next = block_end(p);
    const char *f = strstr(p, "File \"");
    const char *base, *q, *ln;
    if (!f || (next && f > next) || !frame_line(f, &base, &q, &ln))
        return;
    snprintf(where, wlen, "%.*s:%d", (int)(q - base), base, atoi(ln + 5));
    const char *in = strstr(ln, " in ");
    const char *eol = in ? strchr(in, '\n') : NULL;
    if (in && eol)
        snprintf(func, flen, "%.*s:%.*s", (int)(q - base), base, (int)(eol - in - 4), in + 4);
}

void bpy_script_frame(const char *dump, uint64_t ident, char *where, size_t wlen)
{
    char func[256];
    bpy_first_frame(dump, ident, where, wlen, func, sizeof(func));
    size_t len;
    const char *p = bpy_thread_block(dump, ident, &len);
    if (!p)
        return;
    const char *next = block_end(p);
    for (const char *f = strstr(p, "File \""); f && (!next || f < next);
         f = strstr(f + 1, "File \"")) {
        const char *base, *q, *ln;
        if (!frame_line(f, &base, &q, &ln))
            return;
        if (f[6] == '<' || memmem(f + 6, (size_t)(q - (f + 6)), "/lib/python3", 12))
            continue;
        snprintf(where, wlen, "%.*s:%d", (int)(q - base), base, atoi(ln + 5));
        return;
    }
}

static void find_stdlib_dir(void)
{
    PyObject *sysconfig = PyImport_ImportModule("sysconfig");
    PyObject *p = sysconfig ? PyObject_CallMethod(sysconfig, "get_path", "s", "stdlib") : NULL;
    const char *s = p ? PyUnicode_AsUTF8(p) : NULL;
    if (s && strlen(s) < sizeof(stdlib_dir)) {
        snprintf(stdlib_dir, sizeof(stdlib_dir), "%s", s);
        stdlib_len = strlen(stdlib_dir);
    }
    Py_XDECREF(p);
    Py_XDECREF(sysconfig);
    PyErr_Clear();
}

/* ---- the _bpy module ------------------------------------------------------ */

static int exec_bpy_module(PyObject *m)
{
    if (PyModule_AddFunctions(m, bpy_data_methods) < 0 ||
        PyModule_AddFunctions(m, bpy_wm_methods) < 0 ||
        PyModule_AddFunctions(m, bpy_props_methods) < 0 ||
        PyModule_AddFunctions(m, bpy_anim_methods) < 0 ||
        PyModule_AddFunctions(m, bpy_render_methods) < 0 || bpy_data_init_types(m) < 0)
        return -1;
    return 0;
}

/* Multi-phase init, so that the module can say it needs no GIL: on a
 * free-threaded interpreter an extension module without Py_mod_gil turns
 * the GIL back on when it is imported (and every race between Python
 * threads would vanish behind it). Its C state is guarded by its own
 * locks where the GIL used to guard it. */
static PyModuleDef_Slot bpy_slots[] = {
    {Py_mod_exec, exec_bpy_module},
#ifdef Py_mod_gil
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef bpy_moddef = {
    PyModuleDef_HEAD_INIT, "_bpy", "C half of bpy: host data access for hostrace.", 0, NULL,
    bpy_slots, NULL, NULL, NULL,
};

static PyObject *init_bpy_module(void) { return PyModuleDef_Init(&bpy_moddef); }

/* Runs each embedded source as a module registered in sys.modules. */
static int load_pylib(char *err, size_t errlen)
{
    for (const bpy_pylib_source *s = bpy_pylib_sources; s->name; s++) {
        char filename[64];
        snprintf(filename, sizeof(filename), "<hostrace-%s>", s->name);
        PyObject *code = Py_CompileString(s->text, filename, Py_file_input);
        PyObject *mod = code ? PyImport_ExecCodeModuleEx(s->name, code, filename) : NULL;
        Py_XDECREF(code);
        if (!mod) {
            PyErr_Print();
            snprintf(err, errlen, "internal error: loading the embedded %s module failed",
                     s->name);
            return -1;
        }
        Py_DECREF(mod);
    }
    return 0;
}

static Host *host;

static int runtime_ready;

int bpy_runtime_init(const char *script, int scheduled, char *err, size_t errlen)
{
    if (runtime_ready)
        return 0;
    bpy_interpose_threads = scheduled;
    if (PyImport_AppendInittab("_bpy", init_bpy_module) < 0 ||
        PyImport_AppendInittab("_hostrace", bpy_init_hostrace_module) < 0) {
        snprintf(err, errlen, "internal error: cannot register _bpy");
        return -1;
    }
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.user_site_directory = 0;
    config.install_signal_handlers = 1;
    config.parse_argv = 0;
    /* the same str hashes, so the same set and dict orders, every run */
    config.use_hash_seed = 1;
    config.hash_seed = 0;
    /* a run leaves no __pycache__ in the user's add-on or script folder */
    config.write_bytecode = 0;
    PyStatus st = PyConfig_SetBytesString(&config, &config.program_name, "hostrace");
#ifdef HR_PYTHON_HOME
    /* a fixed home: no search for the interpreter's landmarks from the
     * working directory (stat calls TSan sees, as many as the directory is
     * deep, and so a trace that would depend on where hostrace started) */
    if (!PyStatus_Exception(st))
        st = PyConfig_SetBytesString(&config, &config.home, HR_PYTHON_HOME);
#endif
#ifdef HR_PYTHON_EXE
    /* sys.executable is the interpreter, as in Blender (its bundled one):
     * multiprocessing's spawn and forkserver start it */
    if (!PyStatus_Exception(st))
        st = PyConfig_SetBytesString(&config, &config.executable, HR_PYTHON_EXE);
#endif
    const char *argv0 = script ? script : "";
    if (!PyStatus_Exception(st))
        st = PyConfig_SetBytesArgv(&config, 1, (char *const *)&argv0);
    if (!PyStatus_Exception(st))
        st = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(st)) {
        snprintf(err, errlen, "internal error: Python failed to start: %s",
                 st.err_msg ? st.err_msg : "?");
        return -1;
    }
    find_stdlib_dir();
    if (!_Py_DumpTracebackThreads) {
        faulthandler_mod = PyImport_ImportModule("faulthandler");
        PyErr_Clear();
    }
    bpy_python_ready = 1;
    sched_set_location_provider(bpy_current_location);
    if (load_pylib(err, errlen) < 0)
        return -1;
    /* only now: a module next to the script must not shadow the standard
     * library modules the embedded ones import */
    /* the script's directory first on sys.path, as for `python script.py` */
    PyObject *sys_path = PySys_GetObject("path"); /* borrowed */
    if (script && sys_path) {
        char dir[4096];
        snprintf(dir, sizeof(dir), "%s", script);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        else
            snprintf(dir, sizeof(dir), ".");
        PyObject *d = PyUnicode_DecodeFSDefault(dir);
        if (d) {
            PyList_Insert(sys_path, 0, d);
            Py_DECREF(d);
        }
        PyErr_Clear();
    }
    runtime_ready = 1;
    return 0;
}

/* Deliberately not PyOS_AfterFork_Child: the parent forks with one thread
 * (this one, holding the GIL), so the interpreter's state is consistent in
 * the child as it is, and the Python-level at-fork hooks would make the
 * child differ from a fresh `hostrace run` of the same input: threading's
 * re-creates its locks (interposed ones, so extra scheduling points) and
 * random's reseeds from the OS. */
void bpy_runtime_after_fork(void) {}

void bpy_runtime_release(void)
{
    if (runtime_ready && PyGILState_Check())
        (void)PyEval_SaveThread(); /* its thread state stays, unused */
}

/* threading's main thread becomes the calling one: its Thread object keeps
 * its name and identity, with this thread's ident and a handle for it */
static const char adopt_src[] =
    "import _thread, threading\n"
    "_m = threading._main_thread\n"
    "_i = _thread.get_ident()\n"
    "threading._active.clear()\n"
    "_m._ident = _i\n"
    "if hasattr(_m, '_set_native_id'):\n"
    "    _m._set_native_id()\n"
    "if hasattr(_thread, '_make_thread_handle'):\n"
    "    _m._handle = _thread._make_thread_handle(_i)\n"
    "threading._active[_i] = _m\n"
    "del _m, _i\n";

int bpy_runtime_adopt(char *err, size_t errlen)
{
    if (!runtime_ready) {
        snprintf(err, errlen, "internal error: no interpreter to take over");
        return -1;
    }
    (void)PyGILState_Ensure(); /* kept for the rest of the process */
    (void)bpy_take_main_thread(); /* signal.signal() works here (not free-threaded) */
    PyObject *g = PyDict_New();
    PyObject *r = g ? PyRun_String(adopt_src, Py_file_input, g, g) : NULL;
    Py_XDECREF(g);
    if (!r) {
        PyErr_Print();
        snprintf(err, errlen, "internal error: cannot make the run's thread Python's main thread");
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

static char session_dir[4200];

void bpy_set_session_dir(const char *dir)
{
    snprintf(session_dir, sizeof(session_dir), "%s", dir ? dir : "");
}

/* bpy.app.tempdir and the user resources into the session's directory */
static int begin_session(char *err, size_t errlen)
{
    if (!session_dir[0])
        return 0;
    PyObject *bpy = PyImport_ImportModule("bpy");
    PyObject *r = bpy ? PyObject_CallMethod(bpy, "_begin_session", "s", session_dir) : NULL;
    Py_XDECREF(bpy);
    if (!r) {
        PyErr_Print();
        snprintf(err, errlen, "internal error: cannot set up the session directory %s",
                 session_dir);
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

int bpy_runtime_start(const host_switches *sw, const char *script, const sched_config *sc,
                      char *err, size_t errlen)
{
    if (bpy_runtime_init(script, sc != NULL, err, errlen) < 0)
        return -1;
    if (begin_session(err, errlen) < 0)
        return -1;
    sched_thread_register_current(SCHED_ROLE_MAIN, "main");
    if (sc) {
        sched_config cfg = *sc;
        cfg.hooks.gil_release = gil_release;
        cfg.hooks.gil_acquire = gil_acquire;
        cfg.hooks.gil_held = gil_held;
        cfg.hooks.script_stack = script_stack;
        cfg.hooks.location_nogil = location_nogil;
#ifdef Py_GIL_DISABLED
        cfg.hooks.gil_orders = 0;
#else
        cfg.hooks.gil_orders = 1;
#endif
        sched_start(&cfg);
    }
    host_callbacks cb = {0};
    bpy_fill_callbacks(&cb);
    /* the GIL is free while the host starts: its depsgraph workers start
     * and evaluate the startup scene under the scheduler */
    PyThreadState *ts = PyEval_SaveThread();
    host = host_new(sw, &cb);
    bpy_gil_restore(ts);
    if (!host) {
        snprintf(err, errlen, "internal error: out of memory creating the host");
        return -1;
    }
    bpy_host = host;
    if (sw->bpy_on_main) {
        /* the remedy: bpy.py's calls into _bpy go through run_on_main */
        PyObject *bpy = PyImport_ImportModule("bpy");
        PyObject *r = bpy ? PyObject_CallMethod(bpy, "_use_bpy_on_main", NULL) : NULL;
        Py_XDECREF(bpy);
        if (!r) {
            PyErr_Print();
            snprintf(err, errlen, "internal error: host switch bpy_on_main could not be applied");
            return -1;
        }
        Py_DECREF(r);
    }
    return 0;
}

bpy_script_status bpy_run_script(const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "cannot open script '%s': %s", path, strerror(errno));
        return BPY_SCRIPT_INPUT;
    }
    /* read it whole, then compile: a syntax error is an input error */
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    while (text) {
        size_t n = fread(text + len, 1, cap - len - 1, fp);
        len += n;
        if (len < cap - 1)
            break;
        char *bigger = realloc(text, cap * 2);
        if (!bigger) {
            free(text);
            text = NULL;
            break;
        }
        text = bigger;
        cap *= 2;
    }
    int read_error = ferror(fp);
    fclose(fp);
    if (!text || read_error) {
        free(text);
        snprintf(err, errlen, "cannot read script '%s'", path);
        return BPY_SCRIPT_INPUT;
    }
    text[len] = '\0';
    if (memchr(text, '\0', len)) {
        free(text);
        snprintf(err, errlen, "%s: not a Python script (it contains NUL bytes)", path);
        return BPY_SCRIPT_INPUT;
    }
    bpy_script_status st = bpy_run_source(text, path, err, errlen);
    free(text);
    return st;
}

/* Tracebacks show the text that runs, even for a generated program that
 * exists as no file: the source goes into linecache (an entry without an
 * mtime is never re-read from disk). */
static void cache_source(const char *text, const char *path)
{
    PyObject *lc = PyImport_ImportModule("linecache");
    PyObject *cache = lc ? PyObject_GetAttrString(lc, "cache") : NULL;
    PyObject *src = PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
    PyObject *lines = src ? PyObject_CallMethod(src, "splitlines", "O", Py_True) : NULL;
    PyObject *entry = lines ? Py_BuildValue("(nOOs)", PyUnicode_GET_LENGTH(src), Py_None,
                                            lines, path)
                            : NULL;
    if (cache && entry && PyDict_Check(cache))
        PyDict_SetItemString(cache, path, entry);
    Py_XDECREF(entry);
    Py_XDECREF(lines);
    Py_XDECREF(src);
    Py_XDECREF(cache);
    Py_XDECREF(lc);
    PyErr_Clear();
}

bpy_script_status bpy_run_source(const char *text, const char *path, char *err, size_t errlen)
{
    cache_source(text, path);
    PyObject *code = Py_CompileString(text, path, Py_file_input);
    if (!code) {
        PyObject *et, *ev, *etb;
        PyErr_Fetch(&et, &ev, &etb);
        PyErr_NormalizeException(&et, &ev, &etb);
        PyObject *s = ev ? PyObject_Str(ev) : NULL;
        const char *m = s ? PyUnicode_AsUTF8(s) : NULL;
        long line = 0;
        PyObject *lo = ev ? PyObject_GetAttrString(ev, "lineno") : NULL;
        if (lo && PyLong_Check(lo))
            line = PyLong_AsLong(lo);
        PyErr_Clear();
        snprintf(err, errlen, "%s:%ld: %s: %s", path, line,
                 et ? ((PyTypeObject *)et)->tp_name : "SyntaxError", m ? m : "invalid syntax");
        Py_XDECREF(lo);
        Py_XDECREF(s);
        Py_XDECREF(et);
        Py_XDECREF(ev);
        Py_XDECREF(etb);
        return BPY_SCRIPT_INPUT;
    }
    PyObject *main_mod = PyImport_AddModule("__main__"); /* borrowed */
    PyObject *globals = main_mod ? PyModule_GetDict(main_mod) : NULL;
    if (!globals) {
        Py_DECREF(code);
        snprintf(err, errlen, "internal error: no __main__ module");
        return BPY_SCRIPT_INPUT;
    }
    PyObject *file = PyUnicode_DecodeFSDefault(path);
    if (file) {
        PyDict_SetItemString(globals, "__file__", file);
        Py_DECREF(file);
    }
    PyObject *r = PyEval_EvalCode(code, globals, globals);
    Py_DECREF(code);
    if (r) {
        Py_DECREF(r);
        return BPY_SCRIPT_OK;
    }
    if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
        /* sys.exit(): the script ends there; a non-zero code is an error */
        PyObject *et, *ev, *etb;
        PyErr_Fetch(&et, &ev, &etb);
        PyErr_NormalizeException(&et, &ev, &etb);
        PyObject *c = ev ? PyObject_GetAttrString(ev, "code") : NULL;
        int failed = c && c != Py_None && !(PyLong_Check(c) && PyLong_AsLong(c) == 0);
        Py_XDECREF(c);
        PyErr_Clear();
        if (failed) {
            PyErr_Restore(et, ev, etb);
            bpy_report_exception(NULL, "the script");
            return BPY_SCRIPT_RAISED;
        }
        Py_XDECREF(et);
        Py_XDECREF(ev);
        Py_XDECREF(etb);
        return BPY_SCRIPT_OK;
    }
    bpy_report_exception(NULL, "the script");
    return BPY_SCRIPT_RAISED;
}

#ifdef Py_GIL_DISABLED
static int gil_seen = -1; /* sys._is_gil_enabled() when the script returned */
#endif

void bpy_check_threads(void)
{
    PyObject *r = bpy_call_hook("check_threads", NULL);
    Py_XDECREF(r);
#ifdef Py_GIL_DISABLED
    PyObject *f = PySys_GetObject("_is_gil_enabled"); /* borrowed */
    PyObject *on = f ? PyObject_CallNoArgs(f) : NULL;
    if (on)
        gil_seen = PyObject_IsTrue(on);
    Py_XDECREF(on);
    PyErr_Clear();
#endif
}

void bpy_check_late_threads(void)
{
    PyObject *r = bpy_call_hook("check_late_threads", NULL);
    Py_XDECREF(r);
    PyErr_Clear();
}

void bpy_interpreter(bpy_interp_info *out)
{
    const char *v = Py_GetVersion(); /* "3.13.5 experimental free-threading build (..." */
    size_t n = strcspn(v, " ");
    if (n >= sizeof(out->version))
        n = sizeof(out->version) - 1;
    memcpy(out->version, v, n);
    out->version[n] = '\0';
#ifdef Py_GIL_DISABLED
    out->free_threaded = 1;
    out->gil_enabled = gil_seen > 0;
#else
    out->free_threaded = 0;
    out->gil_enabled = 1;
#endif
}

void bpy_interpreter_describe(const bpy_interp_info *in, char *out, size_t len)
{
    snprintf(out, len, "CPython %s%s", in->version,
             !in->free_threaded ? " (with the GIL)"
             : in->gil_enabled  ? " free-threaded, GIL re-enabled by an extension module"
                                : " free-threaded, GIL disabled");
}

int bpy_run_wm(int frames)
{
    PyThreadState *ts = PyEval_SaveThread();
    int done = host_wm_run(host, frames);
    bpy_gil_restore(ts);
    return done;
}

int bpy_runtime_stop(int timeout_ms)
{
    /* the host first: jobs stopped, timers and modal operators dropped */
    PyThreadState *ts = PyEval_SaveThread();
    int host_quiet = host_shutdown(host, timeout_ms);
    bpy_gil_restore(ts);

    /* non-daemon threads: Python's own shutdown would join them forever */
    PyObject *args = Py_BuildValue("(d)", timeout_ms / 1000.0);
    PyObject *stuck = args ? bpy_call_hook("join_threads", args) : NULL;
    Py_XDECREF(args);
    int threads_stuck = stuck && PyObject_IsTrue(stuck) == 1;
    Py_XDECREF(stuck);

    char msg[256];
    int problems = host_main_check(host, msg, sizeof(msg));
    if (problems)
        report_addf(REPORT_INVARIANT_BROKEN, "main", msg, NULL,
                    "Main is inconsistent after the run (%d problems): %s", problems, msg);

    PyObject *out = PySys_GetObject("stdout");
    PyObject *r = out ? PyObject_CallMethod(out, "flush", NULL) : NULL;
    Py_XDECREF(r);
    PyErr_Clear();
    if (threads_stuck || host_quiet != 0) {
        if (host_quiet != 0)
            report_addf(REPORT_HANG, "shutdown", "host", NULL,
                        "a thread was still inside a host call %d ms after shutdown began",
                        timeout_ms);
        return -1;
    }
    if (sched_active())
        return 0; /* managed threads may still wait: the process ends with _exit */
    bpy_python_ready = 0;
    sched_set_location_provider(NULL);
    Py_FinalizeEx();
    host_free(host);
    host = NULL;
    bpy_host = NULL;
    return 0;
}
