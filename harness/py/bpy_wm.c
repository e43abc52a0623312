/* _bpy, window-manager half: context, operators and render, timers,
 * handler-list lengths, modal handlers, draw handlers, run_on_main, thread
 * registration and main_thread_guard, exception reporting, and the host
 * callbacks that call back into the Python half. */
#include "py_internal.h"
#include "report/report.h"

#include <signal.h>
#include <string.h>

Host *bpy_host;
int bpy_python_ready;

/* Hooks of the Python half: name -> callable, set by _bpy.set_hooks. */
static PyObject *hooks;

/* ---- entry, threads -------------------------------------------------- */

static void register_python_thread(void)
{
    char name[64] = "python";
    PyObject *et, *ev, *etb;
    PyErr_Fetch(&et, &ev, &etb);
    PyObject *threading = PyImport_ImportModule("threading");
    PyObject *cur = threading ? PyObject_CallMethod(threading, "current_thread", NULL) : NULL;
    PyObject *pyname = cur ? PyObject_GetAttrString(cur, "name") : NULL;
    const char *s = pyname ? PyUnicode_AsUTF8(pyname) : NULL;
    if (s)
        snprintf(name, sizeof(name), "%s", s);
    Py_XDECREF(pyname);
    Py_XDECREF(cur);
    Py_XDECREF(threading);
    PyErr_Clear();
    PyErr_Restore(et, ev, etb);
    sched_thread_register_current(SCHED_ROLE_PYTHON, name);
}

int bpy_enter(const char *func, int *entered)
{
    if (!sched_thread_is_registered())
        register_python_thread();
    /* the call itself is a bytecode boundary: here CPython could switch to
     * another Python thread */
    sched_point_ex("bpy.call", 1);
    sched_call_enter(func);
    *entered = 1;
    if (bpy_host->sw.main_thread_guard && !sched_is_main_thread()) {
        sched_thread_info ti = sched_thread_lookup(sched_os_tid());
        PyErr_Format(PyExc_RuntimeError,
                     "bpy used from thread '%s' (%s), not the main thread "
                     "[host switch main_thread_guard]; use bpy.app.run_on_main()",
                     ti.name, sched_role_name(ti.role));
        return -1;
    }
    return 0;
}

void bpy_leave(int *entered)
{
    if (*entered)
        sched_call_leave();
}

/* ---- exceptions ------------------------------------------------------- */

/* file:line of the innermost frame of tb that is not the bpy shim. */
static void innermost_user_frame(PyObject *tb, char *out, size_t len)
{
    out[0] = '\0';
    PyObject *t = tb;
    while (t && t != Py_None) {
        PyObject *frame = PyObject_GetAttrString(t, "tb_frame");
        PyObject *lineno = PyObject_GetAttrString(t, "tb_lineno");
        PyObject *code = frame ? PyObject_GetAttrString(frame, "f_code") : NULL;
        PyObject *fn = code ? PyObject_GetAttrString(code, "co_filename") : NULL;
        const char *file = fn ? PyUnicode_AsUTF8(fn) : NULL;
        if (file && lineno && strncmp(file, "<hostrace", 9) != 0) {
            const char *base = strrchr(file, '/');
            snprintf(out, len, "%s:%ld", base ? base + 1 : file, PyLong_AsLong(lineno));
        }
        Py_XDECREF(fn);
        Py_XDECREF(code);
        Py_XDECREF(frame);
        Py_XDECREF(lineno);
        PyObject *next = PyObject_GetAttrString(t, "tb_next");
        if (t != tb)
            Py_DECREF(t);
        t = next;
        if (!t)
            PyErr_Clear();
    }
    if (t && t != tb)
        Py_DECREF(t); /* the final None */
    PyErr_Clear();
}

void bpy_report_exception(PyObject *exc, const char *where)
{
    int owned = 0;
    if (!exc) {
        PyObject *et, *ev, *etb;
        PyErr_Fetch(&et, &ev, &etb);
        if (!et)
            return;
        PyErr_NormalizeException(&et, &ev, &etb);
        if (etb && ev)
            PyException_SetTraceback(ev, etb);
        Py_XDECREF(et);
        Py_XDECREF(etb);
        exc = ev;
        owned = 1;
    }
    if (!exc)
        return;
    PyObject *tb = PyException_GetTraceback(exc);
    char site[256];
    innermost_user_frame(tb, site, sizeof(site));
    const char *tname = Py_TYPE(exc)->tp_name;
    PyObject *msg = PyObject_Str(exc);
    const char *m = msg ? PyUnicode_AsUTF8(msg) : NULL;
    PyErr_Clear();
    /* the traceback as text */
    PyObject *text = NULL;
    PyObject *tbmod = PyImport_ImportModule("traceback");
    if (tbmod) {
        PyObject *lines =
            PyObject_CallMethod(tbmod, "format_exception", "OOO", (PyObject *)Py_TYPE(exc), exc,
                                tb ? tb : Py_None);
        if (lines) {
            PyObject *empty = PyUnicode_FromString("");
            if (empty)
                text = PyUnicode_Join(empty, lines);
            Py_XDECREF(empty);
            Py_DECREF(lines);
        }
        Py_DECREF(tbmod);
    }
    PyErr_Clear();
    const char *detail = text ? PyUnicode_AsUTF8(text) : NULL;
    int is_assert = PyErr_GivenExceptionMatches(exc, PyExc_AssertionError);
    char key[320];
    snprintf(key, sizeof(key), "%s@%s", tname, site[0] ? site : "?");
    /* the thread it was raised on: a script thread that never touched bpy
     * is registered here */
    if (!sched_thread_is_registered())
        register_python_thread();
    sched_thread_info ti = sched_thread_lookup(sched_os_tid());
    report_addf_thread(ti.name, sched_role_name(ti.role),
                       is_assert ? REPORT_ASSERTION : REPORT_SCRIPT_ERROR, key, "", detail,
                       "%s in %s at %s: %s", tname, where, site[0] ? site : "?",
                       m && m[0] ? m : "(no message)");
    Py_XDECREF(text);
    Py_XDECREF(msg);
    Py_XDECREF(tb);
    if (owned)
        Py_DECREF(exc);
    PyErr_Clear();
}

static PyObject *py_report_exception(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *exc;
    const char *where;
    if (!PyArg_ParseTuple(args, "Os", &exc, &where))
        return NULL;
    if (!PyExceptionInstance_Check(exc)) {
        PyErr_SetString(PyExc_TypeError, "expected an exception instance");
        return NULL;
    }
    bpy_report_exception(exc, where);
    Py_RETURN_NONE;
}

static PyObject *py_report_warning(PyObject *self, PyObject *args)
{
    (void)self;
    const char *kind, *key, *message, *thread = NULL;
    if (!PyArg_ParseTuple(args, "sss|z", &kind, &key, &message, &thread))
        return NULL;
    report_kind k;
    if (report_kind_parse(kind, &k) != 0) {
        PyErr_Format(PyExc_ValueError, "unknown finding kind '%s'", kind);
        return NULL;
    }
    /* a warning about another thread (one the script left running) */
    report_addf_thread(thread, thread ? "python" : NULL, k, key, "", NULL, "%s", message);
    Py_RETURN_NONE;
}

/* The script is about to end or stop the process (os._exit, a signal it
 * sends to its own process): the finding is added, and the CLI's hook
 * makes sure it reaches the report even though the process will not end
 * the normal way. Nothing happens in a process forked from the run
 * (multiprocessing's workers end with os._exit) or without a hook. */
static void (*process_end_hook)(int final);

void bpy_set_process_end_hook(void (*fn)(int final))
{
    process_end_hook = fn;
}

/* Whether signal sig has its default action in this process, whatever
 * Python believes: Python reads the handlers once, when it starts, and a
 * process forked after that (the schedule server's) may have reset them. */
static PyObject *py_signal_is_default(PyObject *self, PyObject *arg)
{
    (void)self;
    long sig = PyLong_AsLong(arg);
    if (sig == -1 && PyErr_Occurred())
        return NULL;
    struct sigaction sa;
    if (sig <= 0 || sig >= NSIG || sigaction((int)sig, NULL, &sa) != 0)
        Py_RETURN_FALSE;
    return PyBool_FromLong(!(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_DFL);
}

static PyObject *py_process_end(PyObject *self, PyObject *args)
{
    (void)self;
    const char *kind, *key, *message, *thread, *detail = NULL;
    int final;
    if (!PyArg_ParseTuple(args, "sssszp", &kind, &key, &message, &thread, &detail, &final))
        return NULL;
    report_kind k;
    if (report_kind_parse(kind, &k) != 0) {
        PyErr_Format(PyExc_ValueError, "unknown finding kind '%s'", kind);
        return NULL;
    }
    if (!process_end_hook || sched_forked_child())
        Py_RETURN_FALSE;
    sched_thread_info ti = sched_thread_lookup(sched_os_tid());
    report_addf_thread(thread, ti.found ? sched_role_name(ti.role) : "python", k, key, "", detail,
                       "%s", message);
    process_end_hook(final);
    Py_RETURN_TRUE;
}

PyObject *bpy_call_hook(const char *name, PyObject *args)
{
    PyObject *fn = hooks ? PyDict_GetItemString(hooks, name) : NULL;
    if (!fn) {
        PyErr_Format(PyExc_RuntimeError, "hostrace: bpy hook '%s' missing", name);
        bpy_report_exception(NULL, "host callback");
        return NULL;
    }
    PyObject *r = PyObject_CallObject(fn, args);
    if (!r)
        bpy_report_exception(NULL, name);
    return r;
}

static PyObject *py_set_hooks(PyObject *self, PyObject *d)
{
    (void)self;
    if (!PyDict_Check(d)) {
        PyErr_SetString(PyExc_TypeError, "expected a dict");
        return NULL;
    }
    Py_XSETREF(hooks, Py_NewRef(d));
    Py_RETURN_NONE;
}

/* ---- context and operators ------------------------------------------- */

static PyObject *py_ctx_scene(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    ENTER();
    HostScene *sce = host_ctx_scene(bpy_host);
    return bpy_wrap_id(sce ? &sce->id : NULL);
}

static PyObject *py_ctx_active_object(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    PyObject *set = NULL;
    if (!PyArg_ParseTuple(args, "|O", &set))
        return NULL;
    if (!set) {
        HostObject *ob = host_ctx_active_object(bpy_host);
        return bpy_wrap_id(ob ? &ob->id : NULL);
    }
    HostObject *ob = NULL;
    if (set != Py_None && !(ob = (HostObject *)bpy_unwrap_id(set, HOST_ID_OB)))
        return NULL;
    host_ctx_set_active_object(bpy_host, ob);
    Py_RETURN_NONE;
}

static PyObject *py_op_enter(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    ENTER();
    host_ctx_op_enter(bpy_host);
    Py_RETURN_NONE;
}

static PyObject *py_op_exit(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    host_ctx_op_exit(bpy_host);
    Py_RETURN_NONE;
}

static _Thread_local const char *t_op_file;
static _Thread_local int t_op_line;

/* bpy.ops.render.render: the C operator runs with the GIL released. */
static PyObject *py_render(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    int invoke, animation, write_still;
    if (!PyArg_ParseTuple(args, "ppp", &invoke, &animation, &write_still))
        return NULL;
    host_op_result r;
    /* the refusal callback runs without the GIL: note the call site now */
    if (!bpy_current_location(&t_op_file, &t_op_line))
        t_op_file = NULL;
    host_busy_enter(bpy_host);
    Py_BEGIN_ALLOW_THREADS
    r = host_render(bpy_host, invoke, animation, write_still);
    sched_gil_wait();
    Py_END_ALLOW_THREADS
    host_busy_leave(bpy_host);
    static const char *const names[] = {"FINISHED", "CANCELLED", "RUNNING_MODAL"};
    return PyUnicode_FromString(names[r]);
}

static PyObject *py_jobs_running(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    const char *type;
    if (!PyArg_ParseTuple(args, "s", &type))
        return NULL;
    return PyBool_FromLong(host_jobs_test(bpy_host, type));
}

static PyObject *py_editmode_set(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    int on;
    if (!PyArg_ParseTuple(args, "i", &on))
        return NULL;
    HostObject *ob = host_ctx_active_object(bpy_host);
    SCHED_READ("bpy.object.data", ob ? &ob->data : NULL);
    if (!ob || !ob->data || ob->data->type != HOST_ID_ME)
        return PyUnicode_FromString("CANCELLED");
    HostMesh *me = (HostMesh *)ob->data;
    if (on < 0)
        on = !me->edit_mode;
    host_mesh_set_edit_mode(bpy_host, me, on);
    return PyUnicode_FromString("FINISHED");
}

/* ---- timers, handlers, modal, draw, queue ------------------------------ */

static PyObject *py_timer_register(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    PyObject *fn;
    double first;
    if (!PyArg_ParseTuple(args, "Od", &fn, &first))
        return NULL;
    host_timer_register(bpy_host, Py_NewRef(fn), first);
    Py_RETURN_NONE;
}

static PyObject *py_timer_unregister(PyObject *self, PyObject *fn)
{
    (void)self;
    ENTER();
    return PyBool_FromLong(host_timer_unregister(bpy_host, fn));
}

static PyObject *py_timer_is_registered(PyObject *self, PyObject *fn)
{
    (void)self;
    ENTER();
    return PyBool_FromLong(host_timer_is_registered(bpy_host, fn));
}

/* The host reads these lengths before taking the GIL. */
static PyObject *py_handler_count_set(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    int t, n;
    if (!PyArg_ParseTuple(args, "ii", &t, &n))
        return NULL;
    if (t < 0 || t >= HOST_CB_COUNT) {
        PyErr_SetString(PyExc_ValueError, "bad handler type");
        return NULL;
    }
    SCHED_WRITE("handlers.count", &bpy_host->handler_count[t]);
    bpy_host->handler_count[t] = n;
    Py_RETURN_NONE;
}

static PyObject *py_handler_names(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    PyObject *t = PyTuple_New(HOST_CB_COUNT);
    for (int i = 0; t && i < HOST_CB_COUNT; i++)
        PyTuple_SET_ITEM(t, i, PyUnicode_FromString(host_handler_name((host_handler_type)i)));
    return t;
}

static PyObject *py_modal_add(PyObject *self, PyObject *op)
{
    (void)self;
    ENTER();
    host_modal_add(bpy_host, Py_NewRef(op));
    Py_RETURN_NONE;
}

static PyObject *py_event_timer_add(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    double step;
    if (!PyArg_ParseTuple(args, "d", &step))
        return NULL;
    HostEventTimer *t = host_event_timer_add(bpy_host, step);
    if (!t)
        return PyErr_NoMemory();
    return PyLong_FromVoidPtr(t);
}

static PyObject *py_event_timer_remove(PyObject *self, PyObject *handle)
{
    (void)self;
    ENTER();
    void *t = PyLong_AsVoidPtr(handle);
    if (!t && PyErr_Occurred())
        return NULL;
    /* only pointers handed out by event_timer_add and still listed */
    host_event_timer_remove(bpy_host, t);
    Py_RETURN_NONE;
}

static PyObject *py_draw_handler_add(PyObject *self, PyObject *obj)
{
    (void)self;
    ENTER();
    HostDrawHandler *d = host_draw_handler_add(bpy_host, Py_NewRef(obj));
    if (!d) {
        Py_DECREF(obj);
        return PyErr_NoMemory();
    }
    return PyLong_FromVoidPtr(d);
}

static PyObject *py_draw_handler_remove(PyObject *self, PyObject *handle)
{
    (void)self;
    ENTER();
    void *d = PyLong_AsVoidPtr(handle);
    if (!d && PyErr_Occurred())
        return NULL;
    return PyBool_FromLong(host_draw_handler_remove(bpy_host, d));
}

/* The marshalling path: allowed from any thread, even with
 * main_thread_guard on. */
static PyObject *py_queue_on_main(PyObject *self, PyObject *item)
{
    (void)self;
    if (!sched_thread_is_registered())
        register_python_thread();
    host_queue_on_main(bpy_host, Py_NewRef(item));
    Py_RETURN_NONE;
}

static PyObject *py_is_main_thread(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    if (!sched_thread_is_registered())
        register_python_thread();
    return PyBool_FromLong(sched_is_main_thread());
}

static PyObject *py_switch(PyObject *self, PyObject *args)
{
    (void)self;
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name))
        return NULL;
    const host_switches *sw = &bpy_host->sw;
    const host_switch_def *d = host_switch_find(name, strlen(name));
    if (d && d->is_bool)
        return PyBool_FromLong(host_switch_get(sw, d));
    if (d)
        return PyUnicode_FromString(host_switch_value_name(sw, d));
    PyErr_Format(PyExc_KeyError, "no host switch '%s'", name);
    return NULL;
}

#define M(name, fn, flags) {name, (PyCFunction)(void (*)(void))fn, flags, NULL}

PyMethodDef bpy_wm_methods[] = {
    M("set_hooks", py_set_hooks, METH_O),
    M("report_exception", py_report_exception, METH_VARARGS),
    M("report_warning", py_report_warning, METH_VARARGS),
    M("process_end", py_process_end, METH_VARARGS),
    M("signal_is_default", py_signal_is_default, METH_O),
    M("ctx_scene", py_ctx_scene, METH_NOARGS),
    M("ctx_active_object", py_ctx_active_object, METH_VARARGS),
    M("op_enter", py_op_enter, METH_NOARGS),
    M("op_exit", py_op_exit, METH_NOARGS),
    M("render", py_render, METH_VARARGS),
    M("jobs_running", py_jobs_running, METH_VARARGS),
    M("editmode_set", py_editmode_set, METH_VARARGS),
    M("timer_register", py_timer_register, METH_VARARGS),
    M("timer_unregister", py_timer_unregister, METH_O),
    M("timer_is_registered", py_timer_is_registered, METH_O),
    M("handler_count_set", py_handler_count_set, METH_VARARGS),
    M("handler_names", py_handler_names, METH_NOARGS),
    M("modal_add", py_modal_add, METH_O),
    M("event_timer_add", py_event_timer_add, METH_VARARGS),
    M("event_timer_remove", py_event_timer_remove, METH_O),
    M("draw_handler_add", py_draw_handler_add, METH_O),
    M("draw_handler_remove", py_draw_handler_remove, METH_O),
    M("queue_on_main", py_queue_on_main, METH_O),
    M("is_main_thread", py_is_main_thread, METH_NOARGS),
    M("switch", py_switch, METH_VARARGS),
    {NULL, NULL, 0, NULL},
};

/* ---- host callbacks ------------------------------------------------------ */

/* Calls hook(args...) with the GIL; returns the result's truth or the
 * float it holds in *num (when num is given). */
static int call_hook_gil(const char *name, PyObject *(*build)(void *), void *arg, double *num)
{
    if (!bpy_python_ready)
        return 0;
    PyGILState_STATE g = bpy_gil_ensure();
    int truth = 0;
    PyObject *args = build(arg);
    if (args) {
        PyObject *r = bpy_call_hook(name, args);
        if (r) {
            if (num && r != Py_None) {
                *num = PyFloat_AsDouble(r);
                truth = !(*num == -1.0 && PyErr_Occurred());
                if (!truth)
                    bpy_report_exception(NULL, name);
            } else {
                truth = r != Py_None && PyObject_IsTrue(r) == 1;
            }
            Py_DECREF(r);
        }
        Py_DECREF(args);
    } else {
        bpy_report_exception(NULL, name);
    }
    bpy_gil_release(g);
    return truth;
}

typedef struct handler_args {
    host_handler_type t;
    HostScene *scene;
} handler_args;

static PyObject *build_handler(void *p)
{
    handler_args *a = p;
    PyObject *scene = bpy_wrap_id(a->scene ? &a->scene->id : NULL);
    if (!scene)
        return NULL;
    return Py_BuildValue("(sN)", host_handler_name(a->t), scene);
}

static void cb_call_handlers(void *ud, host_handler_type t, HostScene *scene)
{
    (void)ud;
    handler_args a = {t, scene};
    call_hook_gil("handlers", build_handler, &a, NULL);
}

static PyObject *build_one(void *p) { return PyTuple_Pack(1, (PyObject *)p); }

static int cb_call_timer(void *ud, void *fn, double *next)
{
    (void)ud;
    return call_hook_gil("timer", build_one, fn, next);
}

typedef struct modal_args {
    void *op;
    const char *event;
} modal_args;

static PyObject *build_modal(void *p)
{
    modal_args *a = p;
    return Py_BuildValue("(Os)", (PyObject *)a->op, a->event);
}

static int cb_call_modal(void *ud, void *op, const char *event_type)
{
    (void)ud;
    modal_args a = {op, event_type};
    return call_hook_gil("modal", build_modal, &a, NULL);
}

static void cb_cancel_modal(void *ud, void *op)
{
    (void)ud;
    call_hook_gil("modal_cancel", build_one, op, NULL);
}

static void cb_call_draw(void *ud, void *handler)
{
    (void)ud;
    call_hook_gil("draw", build_one, handler, NULL);
}

static void cb_call_queued(void *ud, void *item)
{
    (void)ud;
    call_hook_gil("queued", build_one, item, NULL);
}

static void cb_release(void *ud, void *obj)
{
    (void)ud;
    if (!bpy_python_ready)
        return;
    PyGILState_STATE g = bpy_gil_ensure();
    PyObject *o = obj;
    /* a pending run_on_main call wakes its waiter when dropped */
    if (PyObject_HasAttrString(o, "_hr_cancel")) {
        PyObject *r = PyObject_CallMethod(o, "_hr_cancel", NULL);
        if (!r)
            bpy_report_exception(NULL, "run_on_main cancel");
        Py_XDECREF(r);
    }
    Py_DECREF(o);
    bpy_gil_release(g);
}

/* A property's Python value goes with the property: dropped where the
 * GIL is held (a script's del or remove); at host shutdown, kept. */
static void cb_drop_value(void *ud, void *obj)
{
    (void)ud;
    if (bpy_python_ready && PyGILState_Check())
        Py_DECREF((PyObject *)obj);
}

typedef struct ui_args {
    const char *space, *region;
} ui_args;

static PyObject *build_ui(void *p)
{
    ui_args *a = p;
    return Py_BuildValue("(ss)", a->space, a->region);
}

static void cb_draw_ui(void *ud, const char *space, const char *region)
{
    (void)ud;
    ui_args a = {space, region};
    call_hook_gil("draw_ui", build_ui, &a, NULL);
}

static PyObject *build_none(void *p)
{
    (void)p;
    return PyTuple_New(0);
}

static int cb_user_input(void *ud)
{
    (void)ud;
    return call_hook_gil("user_input", build_none, NULL, NULL);
}

static void cb_operator_refused(void *ud, const char *op, const char *why)
{
    (void)ud;
    /* the site of the call in the script, when there is one */
    const char *file = t_op_file;
    char key[320];
    if (file) {
        const char *base = strrchr(file, '/');
        snprintf(key, sizeof(key), "%s@%s:%d", op, base ? base + 1 : file, t_op_line);
    } else {
        snprintf(key, sizeof(key), "%s", op);
    }
    report_addf(REPORT_OPERATOR_REFUSED, key, why, NULL,
                "bpy.ops.%s refused with {'CANCELLED'}%s%s: %s", op, file ? " at " : "",
                file ? key + strlen(op) + 1 : "", why);
}

void bpy_fill_callbacks(host_callbacks *cb)
{
    cb->ud = NULL;
    cb->call_handlers = cb_call_handlers;
    cb->call_timer = cb_call_timer;
    cb->call_modal = cb_call_modal;
    cb->cancel_modal = cb_cancel_modal;
    cb->call_draw = cb_call_draw;
    cb->call_queued = cb_call_queued;
    cb->release = cb_release;
    cb->id_freed = bpy_cb_id_freed;
    cb->subdata_moved = bpy_cb_subdata_moved;
    cb->operator_refused = cb_operator_refused;
    cb->drop_value = cb_drop_value;
    cb->draw_ui = cb_draw_ui;
    cb->user_input = cb_user_input;
    bpy_anim_fill_callbacks(cb);
    cb->engine_call = bpy_cb_engine_call;
}
