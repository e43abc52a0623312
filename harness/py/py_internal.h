/* py: the embedded interpreter and the _bpy extension module.
 *
 * Owns the interpreter's lifetime, the _bpy module (the C half of bpy: every
 * read and write of host data happens here, in instrumented code), the ID
 * wrapper cache, the host callbacks into Python, and the Python half of bpy
 * and mathutils (harness/py/lib, compiled in as strings).
 */
#ifndef HOSTRACE_PY_INTERNAL_H
#define HOSTRACE_PY_INTERNAL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "host/host.h"
#include "sched/sched.h"
#include "tsan/annotate.h"

/* bpy's own bookkeeping (wrapper caches, interned names, tracked vertex
 * wrappers) was guarded by the GIL. Without one, the scheduler's token
 * still lets one managed thread at a time run, but TSan does not see the
 * token: the bookkeeping is hidden from it, as the scheduler's is, so that
 * only the host's data (what Blender's would be) is checked. */
#ifdef Py_GIL_DISABLED
#define BPY_BOOKKEEPING_BEGIN() HR_TSAN_IGNORE_BEGIN()
#define BPY_BOOKKEEPING_END() HR_TSAN_IGNORE_END()
#else
#define BPY_BOOKKEEPING_BEGIN() ((void)0)
#define BPY_BOOKKEEPING_END() ((void)0)
#endif

/* Takes the GIL from host code (a callback into Python): under the
 * scheduler, first waits while another thread keeps it switched out. */
static inline PyGILState_STATE bpy_gil_ensure(void)
{
    sched_gil_wait();
    PyGILState_STATE g = PyGILState_Ensure();
    sched_hb_gil_changed();
    return g;
}

/* Gives back what bpy_gil_ensure took; the race detector sees it at once
 * (the thread may make no event before another takes the GIL). */
static inline void bpy_gil_release(PyGILState_STATE g)
{
    PyGILState_Release(g);
    sched_hb_gil_changed();
}

static inline void bpy_gil_restore(PyThreadState *ts)
{
    sched_gil_wait();
    PyEval_RestoreThread(ts);
    sched_hb_gil_changed();
}

extern Host *bpy_host;

/* Set while the interpreter may be used from host callbacks. */
extern int bpy_python_ready;
/* Python's threads and blocking primitives go under the scheduler: set
 * before the interposition module loads, when the runs will be scheduled
 * (the scheduler itself may start later, in a forked child). */
extern int bpy_interpose_threads;

/* Method tables of the two halves of _bpy. */
extern PyMethodDef bpy_data_methods[];
extern PyMethodDef bpy_wm_methods[];
extern PyMethodDef bpy_props_methods[];
extern PyMethodDef bpy_anim_methods[];
/* The driver callbacks of the host (bpy_anim.c). */
void bpy_anim_fill_callbacks(host_callbacks *cb);
/* The calling thread becomes the interpreter's C-level main thread, the
 * one signal.signal() requires (main_thread.c); -1 where the build cannot
 * (the free-threaded interpreter). */
int bpy_take_main_thread(void);
extern PyMethodDef bpy_render_methods[];
/* host_callbacks.engine_call (bpy_render.c) */
int bpy_cb_engine_call(void *ud, HostRenderEngine *re, int step);
int bpy_data_init_types(PyObject *module);

/* Called at the top of every _bpy entry point (func: its __func__):
 * registers an unknown calling thread as a Python thread, records the call
 * with its script line (sched_call_enter) and applies main_thread_guard.
 * Returns -1 with an exception set when the call must not proceed. */
int bpy_enter(const char *func, int *entered);
/* At the return of an entry point whose bpy_enter set *entered. */
void bpy_leave(int *entered);
/* The first statement of every _bpy entry point: the call lasts until the
 * function returns (the cleanup attribute). */
#define ENTER()                                                                \
    int bpy_entered_ __attribute__((cleanup(bpy_leave))) = 0;                  \
    if (bpy_enter(__func__, &bpy_entered_) < 0)                                \
    return NULL

/* The cached wrapper of id (new reference), or None for NULL. */
PyObject *bpy_wrap_id(HostID *id);
/* The HostID behind a wrapper of type t (or any type when t < 0);
 * ReferenceError when it was removed, TypeError when o is no ID. */
HostID *bpy_unwrap_id(PyObject *o, int t);

/* Host callbacks that concern data (wrapper invalidation). */
void bpy_cb_id_freed(void *ud, HostID *id);
void bpy_cb_subdata_moved(void *ud, HostID *owner);

/* Calls hook name of the Python half with args (steals nothing); returns a
 * new reference or NULL with the error printed and reported. GIL held. */
PyObject *bpy_call_hook(const char *name, PyObject *args);

/* Reports the current Python exception (or exc when not NULL) as a finding
 * of kind assertion or script-error; where says where it was raised
 * ("script", "thread 'X'", "timer", ...). Clears the error. GIL held. */
void bpy_report_exception(PyObject *exc, const char *where);

/* The script's file and line on the calling thread (skipping the bpy
 * shim), when it holds the GIL; the sched location provider. */
int bpy_current_location(const char **file, int *line);
/* The calling thread was started by the script at file:line (interned, as
 * bpy_current_location gives it): its location when none of its own frames
 * is the script's. */
void bpy_set_thread_origin(const char *file, int line);

/* The _hostrace module (sched_py.c). */
PyObject *bpy_init_hostrace_module(void);
/* Fills the host callbacks that call into Python. */
void bpy_fill_callbacks(host_callbacks *cb);

/* Embedded sources of the Python half. */
typedef struct bpy_pylib_source {
    const char *name;
    const char *text;
} bpy_pylib_source;
extern const bpy_pylib_source bpy_pylib_sources[];

#endif
