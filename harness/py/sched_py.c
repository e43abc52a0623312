/* _hostrace: the Python side of the scheduler.
 *
 * A lock type whose contended acquire blocks in the scheduler, a virtual
 * clock and sleep, and a start_new_thread that makes every Python thread a
 * managed thread. lib/_hostrace_threads.py installs them into _thread,
 * threading, time and queue before any user code runs, so Condition, Event,
 * Semaphore, Barrier, Timer, Queue and ThreadPoolExecutor (all built on
 * these) are scheduled too. Without the scheduler (free-running runs) none
 * of it is installed.
 */
#include "py_internal.h"
#include "sched/sched.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* Python's epoch time at virtual time 0: 2024-01-01T00:00:00Z. */
#define HR_EPOCH_S 1704067200.0
/* time.monotonic() at virtual time 0. */
#define HR_MONOTONIC_BASE_S 1000.0

static PyObject *orig_start_new_thread; /* _thread.start_new_thread */

/* ---- happens-before without a GIL ----------------------------------------- */

/* Under the GIL every hand-off between two Python threads is a release and
 * acquire of the GIL, which TSan sees, so a lock or a join adds nothing.
 * Without one (a free-threaded interpreter) nothing else orders them: the
 * scheduler's own hand-offs are hidden from TSan, so the lock and the
 * join tell TSan (and hostrace's own detector, sched/hb.c) what a real
 * lock and a real join guarantee, and no more. */
#ifdef Py_GIL_DISABLED
void __tsan_acquire(void *addr) __attribute__((weak));
void __tsan_release(void *addr) __attribute__((weak));
#define HB_ACQUIRE(p)             \
    do {                          \
        if (__tsan_acquire)       \
            __tsan_acquire(p);    \
        sched_hb_acquire(p);      \
    } while (0)
#define HB_RELEASE(p)             \
    do {                          \
        sched_hb_release(p);      \
        if (__tsan_release)       \
            __tsan_release(p);    \
    } while (0)
/* a lock's state is read by threads that do not hold it */
#define LOCKED(l) __atomic_load_n(&(l)->locked, __ATOMIC_RELAXED)
#define SET_LOCKED(l, v) __atomic_store_n(&(l)->locked, (v), __ATOMIC_RELAXED)
#else
#define HB_ACQUIRE(p) ((void)(p))
#define HB_RELEASE(p) ((void)(p))
#define LOCKED(l) ((l)->locked)
#define SET_LOCKED(l, v) ((l)->locked = (v))
#endif

/* ---- Lock --------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    int locked;
    PyObject *weakreflist;
} HRLock;

static int timeout_arg(int blocking, double timeout, int64_t *timeout_ns)
{
    if (!blocking && timeout != -1) {
        PyErr_SetString(PyExc_ValueError, "can't specify a timeout for a non-blocking call");
        return -1;
    }
    if (timeout < 0 && timeout != -1) {
        PyErr_SetString(PyExc_ValueError, "timeout value must be a non-negative number");
        return -1;
    }
    if (timeout > 1e10) {
        PyErr_SetString(PyExc_OverflowError, "timeout value is too large");
        return -1;
    }
    *timeout_ns = timeout < 0 ? -1 : (int64_t)(timeout * 1e9);
    return 0;
}

/* A thread the scheduler does not manage (one that already left it, in
 * Python's thread teardown) polls with the GIL released. */
static int acquire_unmanaged(HRLock *self, int blocking, int64_t timeout_ns)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (LOCKED(self)) {
        if (!blocking)
            return 0;
        if (timeout_ns >= 0) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            int64_t spent = (int64_t)(now.tv_sec - start.tv_sec) * 1000000000 +
                            (now.tv_nsec - start.tv_nsec);
            if (spent >= timeout_ns)
                return 0;
        }
        Py_BEGIN_ALLOW_THREADS
        struct timespec ts = {0, 50000};
        nanosleep(&ts, NULL);
        Py_END_ALLOW_THREADS
    }
    SET_LOCKED(self, 1);
    HB_ACQUIRE(self);
    return 1;
}

static PyObject *lock_acquire(HRLock *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"blocking", "timeout", NULL};
    int blocking = 1;
    double timeout = -1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|pd:acquire", kwlist, &blocking, &timeout))
        return NULL;
    int64_t timeout_ns;
    if (timeout_arg(blocking, timeout, &timeout_ns) < 0)
        return NULL;
    if (!sched_managed())
        return PyBool_FromLong(acquire_unmanaged(self, blocking, timeout_ns));

    sched_point_ex("py.lock.acquire", 1);
    if (!LOCKED(self)) {
        SET_LOCKED(self, 1);
        HB_ACQUIRE(self);
        Py_RETURN_TRUE;
    }
    if (!blocking || timeout_ns == 0)
        Py_RETURN_FALSE;
    int64_t deadline = timeout_ns < 0 ? -1 : sched_now_ns() + timeout_ns;
    while (LOCKED(self)) {
        int timed_out = sched_block_until_ex(self, deadline, "py.lock.acquire", 1);
        if (timed_out && LOCKED(self))
            Py_RETURN_FALSE;
    }
    SET_LOCKED(self, 1);
    HB_ACQUIRE(self);
    Py_RETURN_TRUE;
}

static PyObject *lock_enter(HRLock *self, PyObject *noargs)
{
    (void)noargs;
    PyObject *empty = PyTuple_New(0);
    if (!empty)
        return NULL;
    PyObject *r = lock_acquire(self, empty, NULL);
    Py_DECREF(empty);
    return r;
}

static PyObject *lock_release(HRLock *self, PyObject *noargs)
{
    (void)noargs;
    if (!LOCKED(self)) {
        PyErr_SetString(PyExc_RuntimeError, "release unlocked lock");
        return NULL;
    }
    HB_RELEASE(self);
    SET_LOCKED(self, 0);
    sched_wake(self);
    Py_RETURN_NONE;
}

static PyObject *lock_exit(HRLock *self, PyObject *args)
{
    (void)args;
    return lock_release(self, NULL);
}

static PyObject *lock_locked(HRLock *self, PyObject *noargs)
{
    (void)noargs;
    return PyBool_FromLong(LOCKED(self));
}

static PyObject *lock_at_fork_reinit(HRLock *self, PyObject *noargs)
{
    (void)noargs;
    SET_LOCKED(self, 0);
    Py_RETURN_NONE;
}

static PyObject *lock_repr(HRLock *self)
{
    return PyUnicode_FromFormat("<%s hostrace lock object at %p>",
                                LOCKED(self) ? "locked" : "unlocked", (void *)self);
}

static void lock_dealloc(HRLock *self)
{
    if (self->weakreflist)
        PyObject_ClearWeakRefs((PyObject *)self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef lock_methods[] = {
    {"acquire", (PyCFunction)(void (*)(void))lock_acquire, METH_VARARGS | METH_KEYWORDS,
     "acquire(blocking=True, timeout=-1) -> bool"},
    {"acquire_lock", (PyCFunction)(void (*)(void))lock_acquire, METH_VARARGS | METH_KEYWORDS,
     NULL},
    {"release", (PyCFunction)lock_release, METH_NOARGS, "release()"},
    {"release_lock", (PyCFunction)lock_release, METH_NOARGS, NULL},
    {"locked", (PyCFunction)lock_locked, METH_NOARGS, "locked() -> bool"},
    {"locked_lock", (PyCFunction)lock_locked, METH_NOARGS, NULL},
    {"__enter__", (PyCFunction)lock_enter, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)lock_exit, METH_VARARGS, NULL},
    {"_at_fork_reinit", (PyCFunction)lock_at_fork_reinit, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject HRLock_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_hostrace.Lock",
    .tp_basicsize = sizeof(HRLock),
    .tp_dealloc = (destructor)lock_dealloc,
    .tp_repr = (reprfunc)lock_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A lock whose waits are scheduling points of hostrace's scheduler.",
    .tp_weaklistoffset = offsetof(HRLock, weakreflist),
    .tp_methods = lock_methods,
    .tp_new = PyType_GenericNew,
};

/* ---- time ----------------------------------------------------------------- */

static double vnow_s(void) { return (double)sched_clock_read_ns() / 1e9; }

static PyObject *hr_sleep(PyObject *self, PyObject *arg)
{
    (void)self;
    double secs = PyFloat_AsDouble(arg);
    if (secs == -1 && PyErr_Occurred())
        return NULL;
    if (secs < 0) {
        PyErr_SetString(PyExc_ValueError, "sleep length must be non-negative");
        return NULL;
    }
    if (secs > 1e10) {
        PyErr_SetString(PyExc_OverflowError, "sleep length is too large");
        return NULL;
    }
    if (!sched_managed()) {
        Py_BEGIN_ALLOW_THREADS
        struct timespec ts = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
        nanosleep(&ts, NULL);
        Py_END_ALLOW_THREADS
        Py_RETURN_NONE;
    }
    if (secs == 0)
        sched_point_ex("time.sleep", 1);
    else
        sched_block_until_ex(NULL, sched_now_ns() + (int64_t)(secs * 1e9), "time.sleep", 1);
    Py_RETURN_NONE;
}

static PyObject *hr_monotonic(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    return PyFloat_FromDouble(HR_MONOTONIC_BASE_S + vnow_s());
}

static PyObject *hr_monotonic_ns(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    return PyLong_FromLongLong((long long)(HR_MONOTONIC_BASE_S * 1e9) + sched_clock_read_ns());
}

static PyObject *hr_time(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    return PyFloat_FromDouble(HR_EPOCH_S + vnow_s());
}

static PyObject *hr_time_ns(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    return PyLong_FromLongLong((long long)(HR_EPOCH_S * 1e9) + sched_clock_read_ns());
}

static PyObject *hr_perf_counter(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    return PyFloat_FromDouble(vnow_s());
}

static PyObject *hr_perf_counter_ns(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    return PyLong_FromLongLong(sched_clock_read_ns());
}

/* ---- threads ----------------------------------------------------------------- */

/* A managed Python thread: a pthread of our own rather than
 * _thread.start_new_thread's, so that it registers with the scheduler and
 * waits for the token before it ever asks for the GIL (in _thread's
 * bootstrap it would contend for the GIL with its parent for as long as
 * real timing says, and TSan would record a different history each run).
 * It runs the function with a thread state from PyGILState_Ensure; the
 * thread state's deletion at PyGILState_Release releases the lock
 * Thread.join waits on, as _thread's bootstrap does. */
/* what a thread's end and a join of it synchronise on (without a GIL) */
#define EXIT_SYNC_SLOTS 4096
static char exit_sync[EXIT_SYNC_SLOTS];

typedef struct py_boot {
    int slot;
    char name[64];
    PyObject *fn, *args, *kw; /* strong references */
    const char *origin_file;  /* the start() line in the script, or NULL */
    int origin_line;
} py_boot;

static void *py_thread_main(void *p)
{
    py_boot *b = p;
    char short_name[16];
    snprintf(short_name, sizeof(short_name), "%s", b->name);
    pthread_setname_np(pthread_self(), short_name);
    sched_register_reserved(b->slot);
    bpy_set_thread_origin(b->origin_file, b->origin_line);
    PyGILState_STATE g = bpy_gil_ensure();
    PyObject *r = PyObject_Call(b->fn, b->args, b->kw);
    if (r) {
        Py_DECREF(r);
    } else if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
        PyErr_Clear();
    } else {
        char where[96];
        snprintf(where, sizeof(where), "thread '%s'", b->name);
        bpy_report_exception(NULL, where);
    }
    Py_DECREF(b->fn);
    Py_DECREF(b->args);
    Py_XDECREF(b->kw);
    bpy_gil_release(g);
    HB_RELEASE(&exit_sync[b->slot % EXIT_SYNC_SLOTS]);
    free(b);
    sched_exit_current();
    return NULL;
}

/* The threading.Thread a start_new_thread call is for (its bound
 * _bootstrap), or NULL. New reference. */
static PyObject *thread_object_of(PyObject *fn)
{
    if (!PyMethod_Check(fn))
        return NULL;
    PyObject *self = PyMethod_GET_SELF(fn);
    if (!PyObject_HasAttrString(self, "_bootstrap") || !PyObject_HasAttrString(self, "name"))
        return NULL;
    return Py_NewRef(self);
}

static PyObject *hr_start_new_thread(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *fn, *fargs, *fkw = NULL;
    if (!PyArg_UnpackTuple(args, "start_new_thread", 2, 3, &fn, &fargs, &fkw))
        return NULL;
    if (!sched_managed())
        return PyObject_Call(orig_start_new_thread, args, NULL);
    if (!PyCallable_Check(fn)) {
        PyErr_SetString(PyExc_TypeError, "first arg must be callable");
        return NULL;
    }
    if (!PyTuple_Check(fargs)) {
        PyErr_SetString(PyExc_TypeError, "2nd arg must be a tuple");
        return NULL;
    }
    if (fkw && fkw != Py_None && !PyDict_Check(fkw)) {
        PyErr_SetString(PyExc_TypeError, "optional 3rd arg must be a dictionary");
        return NULL;
    }
    char name[64] = "python";
    PyObject *thread = thread_object_of(fn);
    if (thread) {
        PyObject *n = PyObject_GetAttrString(thread, "name");
        const char *s = n ? PyUnicode_AsUTF8(n) : NULL;
        if (s)
            snprintf(name, sizeof(name), "%s", s);
        Py_XDECREF(n);
        PyErr_Clear();
    }
    int slot = sched_reserve(SCHED_ROLE_PYTHON, name);
    if (slot < 0) {
        Py_XDECREF(thread);
        PyErr_SetString(PyExc_RuntimeError, "can't start new thread (hostrace: too many threads)");
        return NULL;
    }
    if (thread) {
        PyObject *s = PyLong_FromLong(slot);
        if (!s || PyObject_SetAttrString(thread, "_hostrace_slot", s) < 0)
            PyErr_Clear();
        Py_XDECREF(s);
        Py_DECREF(thread);
    }
    py_boot *boot = calloc(1, sizeof(*boot));
    if (!boot) {
        sched_cancel_reserved(slot);
        return PyErr_NoMemory();
    }
    boot->slot = slot;
    snprintf(boot->name, sizeof(boot->name), "%s", name);
    boot->fn = Py_NewRef(fn);
    boot->args = Py_NewRef(fargs);
    boot->kw = fkw && fkw != Py_None ? Py_NewRef(fkw) : NULL;
    /* (bpy_set_thread_origin keeps it only if it is the script's) */
    if (!bpy_current_location(&boot->origin_file, &boot->origin_line))
        boot->origin_file = NULL;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t pt;
    int rc = pthread_create(&pt, &attr, py_thread_main, boot);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        Py_DECREF(boot->fn);
        Py_DECREF(boot->args);
        Py_XDECREF(boot->kw);
        free(boot);
        sched_cancel_reserved(slot);
        PyErr_SetString(PyExc_RuntimeError, "can't start new thread");
        return NULL;
    }
    /* the child needs no GIL to register: keep it */
    sched_wait_registered(slot);
    sched_point_ex("thread.start", 1);
    return PyLong_FromUnsignedLong((unsigned long)pt);
}

static PyObject *hr_wait_thread(PyObject *self, PyObject *args)
{
    (void)self;
    int slot;
    PyObject *timeout = Py_None;
    if (!PyArg_ParseTuple(args, "i|O:wait_thread", &slot, &timeout))
        return NULL;
    int64_t ns = -1;
    if (timeout != Py_None) {
        double t = PyFloat_AsDouble(timeout);
        if (t == -1 && PyErr_Occurred())
            return NULL;
        ns = t <= 0 ? 0 : (int64_t)(t * 1e9);
    }
    int done = sched_wait_exit(slot, ns, 1);
    if (done && slot >= 0)
        HB_ACQUIRE(&exit_sync[slot % EXIT_SYNC_SLOTS]);
    return PyBool_FromLong(done);
}

static PyObject *hr_thread_exited(PyObject *self, PyObject *arg)
{
    (void)self;
    long slot = PyLong_AsLong(arg);
    if (slot == -1 && PyErr_Occurred())
        return NULL;
    return PyBool_FromLong(sched_slot_exited((int)slot));
}

int bpy_interpose_threads;

static PyObject *hr_active(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    /* a child forked from a scheduled run runs free */
    return PyBool_FromLong(!sched_forked_child() && (sched_active() || bpy_interpose_threads));
}

/* choose(n, label) -> int in [0, n): a value choice of the schedule
 * (sched_choose); 0 when the run is not scheduled */
static PyObject *hr_choose(PyObject *self, PyObject *args)
{
    (void)self;
    int n;
    const char *label;
    if (!PyArg_ParseTuple(args, "is", &n, &label))
        return NULL;
    if (n < 1) {
        PyErr_SetString(PyExc_ValueError, "choose(): n must be at least 1");
        return NULL;
    }
    return PyLong_FromLong(sched_choose(n, label));
}

static PyMethodDef hr_methods[] = {
    {"sleep", hr_sleep, METH_O, "sleep(seconds): virtual time under the scheduler"},
    {"monotonic", hr_monotonic, METH_NOARGS, NULL},
    {"monotonic_ns", hr_monotonic_ns, METH_NOARGS, NULL},
    {"time", hr_time, METH_NOARGS, NULL},
    {"time_ns", hr_time_ns, METH_NOARGS, NULL},
    {"perf_counter", hr_perf_counter, METH_NOARGS, NULL},
    {"perf_counter_ns", hr_perf_counter_ns, METH_NOARGS, NULL},
    {"start_new_thread", hr_start_new_thread, METH_VARARGS,
     "start_new_thread(function, args[, kwargs]): a managed thread"},
    {"wait_thread", hr_wait_thread, METH_VARARGS,
     "wait_thread(slot, timeout=None) -> bool: True once the thread has left"},
    {"thread_exited", hr_thread_exited, METH_O, NULL},
    {"choose", hr_choose, METH_VARARGS,
     "choose(n, label) -> int: one of n options, the schedule's choice"},
    {"active", hr_active, METH_NOARGS,
     "True when the scheduler runs (or is about to run) this process"},
    {NULL, NULL, 0, NULL},
};

static int exec_hostrace_module(PyObject *m)
{
    if (PyType_Ready(&HRLock_Type) < 0 ||
        PyModule_AddObjectRef(m, "Lock", (PyObject *)&HRLock_Type) < 0)
        return -1;
    PyObject *thread_mod = PyImport_ImportModule("_thread");
    if (thread_mod) {
        Py_XSETREF(orig_start_new_thread, PyObject_GetAttrString(thread_mod, "start_new_thread"));
        Py_DECREF(thread_mod);
    }
    return orig_start_new_thread ? 0 : -1;
}

/* multi-phase init, declaring that no GIL is needed (see _bpy in embed.c) */
static PyModuleDef_Slot hr_slots[] = {
    {Py_mod_exec, exec_hostrace_module},
#ifdef Py_mod_gil
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef hr_moddef = {
    PyModuleDef_HEAD_INIT, "_hostrace", "hostrace's scheduler, seen from Python.", 0,
    hr_methods, hr_slots, NULL, NULL, NULL,
};

PyObject *bpy_init_hostrace_module(void) { return PyModuleDef_Init(&hr_moddef); }
