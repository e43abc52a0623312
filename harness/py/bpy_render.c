/* _bpy, render-engine part: bpy.types.RenderEngine's calls into the host
 * (scene.render.engine, registration, the render result, progress, break,
 * the render's depsgraph) and the host callback that runs an engine's
 * Python methods, on the render thread or on main, taking the GIL per step
 * as bpy_class_call does. */
#include "py_internal.h"

#include <string.h>

#define ENGINE_CAPSULE "hostrace.RenderEngine"

/* Engines whose Python instance exists (between the create and free
 * steps). Changed and read with the GIL held; the host frees an engine
 * only after its free step, which needs the GIL, so an engine found here
 * stays valid until the caller's next GIL release. */
#define MAX_LIVE_ENGINES 16
static HostRenderEngine *live_engines[MAX_LIVE_ENGINES];

static void live_set(HostRenderEngine *re, int on)
{
    BPY_BOOKKEEPING_BEGIN();
    for (int i = 0; i < MAX_LIVE_ENGINES; i++)
        if (on ? live_engines[i] == NULL : live_engines[i] == re) {
            live_engines[i] = on ? re : NULL;
            break;
        }
    BPY_BOOKKEEPING_END();
}

/* The engine behind a capsule; ReferenceError once the engine was freed
 * (a capsule kept past the free step, or the None the Python half puts in
 * its place). */
static HostRenderEngine *to_engine(PyObject *o)
{
    HostRenderEngine *re =
        PyCapsule_IsValid(o, ENGINE_CAPSULE) ? PyCapsule_GetPointer(o, ENGINE_CAPSULE) : NULL;
    int live = 0;
    BPY_BOOKKEEPING_BEGIN();
    for (int i = 0; re && i < MAX_LIVE_ENGINES && !live; i++)
        live = live_engines[i] == re;
    BPY_BOOKKEEPING_END();
    if (!live) {
        PyErr_SetString(PyExc_ReferenceError, "StructRNA of type RenderEngine has been removed");
        return NULL;
    }
    return re;
}

static PyObject *py_sce_engine(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    PyObject *o, *value = NULL;
    if (!PyArg_ParseTuple(args, "O|O", &o, &value))
        return NULL;
    HostScene *sce = (HostScene *)bpy_unwrap_id(o, HOST_ID_SCE);
    if (!sce)
        return NULL;
    if (!value) {
        char buf[32];
        host_scene_get_engine(bpy_host, sce, buf, sizeof(buf));
        return PyUnicode_FromString(buf);
    }
    const char *s = PyUnicode_AsUTF8(value);
    if (!s)
        return NULL;
    return PyBool_FromLong(host_scene_set_engine(bpy_host, sce, s) == 0);
}

static PyObject *py_engine_register(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    const char *idname;
    int on;
    if (!PyArg_ParseTuple(args, "sp", &idname, &on))
        return NULL;
    if (!on) {
        host_engine_unregister(bpy_host, idname);
        Py_RETURN_NONE;
    }
    if (host_engine_register(bpy_host, idname) != 0) {
        PyErr_SetString(PyExc_RuntimeError, "hostrace: too many render engines registered");
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *py_engine_ids(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    ENTER();
    static const char *const builtin[] = {"BLENDER_EEVEE_NEXT", "BLENDER_WORKBENCH", "CYCLES"};
    PyObject *l = PyList_New(0);
    for (size_t i = 0; l && i < sizeof(builtin) / sizeof(builtin[0]); i++) {
        PyObject *s = PyUnicode_FromString(builtin[i]);
        if (!s || PyList_Append(l, s) < 0)
            Py_CLEAR(l);
        Py_XDECREF(s);
    }
    SCHED_READ("render.engines", &bpy_host->nengines);
    for (int i = 0; l && i < bpy_host->nengines; i++) {
        PyObject *s = PyUnicode_FromString(bpy_host->engines[i]);
        if (!s || PyList_Append(l, s) < 0)
            Py_CLEAR(l);
        Py_XDECREF(s);
    }
    return l;
}

/* (is_view, is_animation, resolution_x, resolution_y, scene) */
static PyObject *py_engine_info(PyObject *self, PyObject *cap)
{
    (void)self;
    ENTER();
    HostRenderEngine *re = to_engine(cap);
    if (!re)
        return NULL;
    PyObject *scene = bpy_wrap_id(re->scene ? &re->scene->id : NULL);
    if (!scene)
        return NULL;
    return Py_BuildValue("(iiiiN)", re->is_view, re->is_animation, re->resolution_x,
                         re->resolution_y, scene);
}

static PyObject *id_list(HostObject **obs, int n)
{
    PyObject *l = PyList_New(n);
    for (int i = 0; l && i < n; i++) {
        PyObject *w = bpy_wrap_id(obs[i] ? &obs[i]->id : NULL);
        if (!w) {
            Py_CLEAR(l);
            break;
        }
        PyList_SET_ITEM(l, i, w);
    }
    return l;
}

/* The render's depsgraph: (scene_eval, [evaluated objects], [originals]),
 * or None outside of update()/render(). */
static PyObject *py_engine_depsgraph(PyObject *self, PyObject *cap)
{
    (void)self;
    ENTER();
    HostRenderEngine *re = to_engine(cap);
    if (!re)
        return NULL;
    if (!re->scene_eval)
        Py_RETURN_NONE;
    PyObject *scene = bpy_wrap_id(&re->scene_eval->id);
    PyObject *ev = scene ? id_list(re->eval, re->neval) : NULL;
    PyObject *orig = ev ? id_list(re->orig, re->neval) : NULL;
    if (!orig) {
        Py_XDECREF(scene);
        Py_XDECREF(ev);
        return NULL;
    }
    return Py_BuildValue("(NNN)", scene, ev, orig);
}

static PyObject *py_engine_test_break(PyObject *self, PyObject *cap)
{
    (void)self;
    ENTER();
    HostRenderEngine *re = to_engine(cap);
    if (!re)
        return NULL;
    return PyBool_FromLong(host_engine_test_break(re));
}

static PyObject *py_engine_progress(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    PyObject *cap;
    float v;
    if (!PyArg_ParseTuple(args, "Of", &cap, &v))
        return NULL;
    HostRenderEngine *re = to_engine(cap);
    if (!re)
        return NULL;
    host_engine_update_progress(re, v);
    Py_RETURN_NONE;
}

/* (capsule, x, y, w, h, floats): w*h*4 floats of a RenderResult */
static PyObject *py_engine_merge(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    PyObject *cap, *seq;
    int x, y, w, h;
    if (!PyArg_ParseTuple(args, "OiiiiO", &cap, &x, &y, &w, &h, &seq))
        return NULL;
    HostRenderEngine *re = to_engine(cap);
    if (!re)
        return NULL;
    PyObject *fast = PySequence_Fast(seq, "end_result: a sequence of floats expected");
    if (!fast)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (w < 0 || h < 0 || n != (Py_ssize_t)w * h * 4) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, "end_result: pixel count does not match the result");
        return NULL;
    }
    float *buf = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(float));
    if (!buf) {
        Py_DECREF(fast);
        return PyErr_NoMemory();
    }
    PyObject **items = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t i = 0; i < n; i++) {
        double d = PyFloat_AsDouble(items[i]);
        if (d == -1.0 && PyErr_Occurred()) {
            PyMem_Free(buf);
            Py_DECREF(fast);
            return NULL;
        }
        buf[i] = (float)d;
    }
    Py_DECREF(fast);
    /* the merge waits for the render-result lock: C work, GIL released */
    Py_BEGIN_ALLOW_THREADS
    host_engine_merge_result(re, x, y, w, h, buf);
    sched_gil_wait();
    Py_END_ALLOW_THREADS
    PyMem_Free(buf);
    Py_RETURN_NONE;
}

/* True for a copy of a live engine's render depsgraph: not in Main, freed
 * with the depsgraph. */
static PyObject *py_id_is_evaluated(PyObject *self, PyObject *o)
{
    (void)self;
    HostID *id = bpy_unwrap_id(o, -1);
    if (!id)
        return NULL;
    int found = 0;
    BPY_BOOKKEEPING_BEGIN();
    for (int i = 0; i < MAX_LIVE_ENGINES && !found; i++) {
        HostRenderEngine *re = live_engines[i];
        if (!re)
            continue;
        found = id == (HostID *)re->scene_eval || id == (HostID *)re->coll_eval;
        for (int j = 0; j < re->neval && !found; j++)
            found = id == (HostID *)re->eval[j];
    }
    BPY_BOOKKEEPING_END();
    return PyBool_FromLong(found);
}

static PyObject *py_view_shading(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    int on;
    if (!PyArg_ParseTuple(args, "p", &on))
        return NULL;
    host_view_set_rendered(bpy_host, on);
    Py_RETURN_NONE;
}

#define M(name, fn, flags) {name, (PyCFunction)(void (*)(void))fn, flags, NULL}

PyMethodDef bpy_render_methods[] = {
    M("sce_engine", py_sce_engine, METH_VARARGS),
    M("engine_register", py_engine_register, METH_VARARGS),
    M("engine_ids", py_engine_ids, METH_NOARGS),
    M("engine_info", py_engine_info, METH_O),
    M("engine_depsgraph", py_engine_depsgraph, METH_O),
    M("engine_test_break", py_engine_test_break, METH_O),
    M("engine_progress", py_engine_progress, METH_VARARGS),
    M("engine_merge", py_engine_merge, METH_VARARGS),
    M("view_shading", py_view_shading, METH_VARARGS),
    M("id_is_evaluated", py_id_is_evaluated, METH_O),
    {NULL, NULL, 0, NULL},
};

/* ---- the host callback ---------------------------------------------------- */

static const char *const step_names[] = {
    "create", "update", "render", "render_frame_finish", "view_update", "view_draw", "free",
};

int bpy_cb_engine_call(void *ud, HostRenderEngine *re, int step)
{
    (void)ud;
    if (!bpy_python_ready || step < 0 || step > HOST_ENGINE_FREE)
        return 0;
    if (step != HOST_ENGINE_CREATE && !re->py_instance)
        return 0;
    PyGILState_STATE g = bpy_gil_ensure();
    int ok = 0;
    if (step == HOST_ENGINE_CREATE)
        live_set(re, 1);
    PyObject *cap = PyCapsule_New(re, ENGINE_CAPSULE, NULL);
    PyObject *args = cap ? Py_BuildValue("(sOsO)", step_names[step], cap, re->idname,
                                         re->py_instance ? (PyObject *)re->py_instance
                                                         : Py_None)
                         : NULL;
    if (args) {
        PyObject *r = bpy_call_hook("engine", args);
        if (r) {
            if (step == HOST_ENGINE_CREATE) {
                if (r != Py_None) {
                    re->py_instance = Py_NewRef(r);
                    ok = 1;
                }
            } else {
                ok = PyObject_IsTrue(r) == 1;
            }
            Py_DECREF(r);
        }
        Py_DECREF(args);
    } else {
        bpy_report_exception(NULL, "render engine");
    }
    Py_XDECREF(cap);
    if ((step == HOST_ENGINE_CREATE && !re->py_instance) || step == HOST_ENGINE_FREE)
        live_set(re, 0);
    if (step == HOST_ENGINE_FREE && re->py_instance) {
        PyObject *inst = re->py_instance;
        re->py_instance = NULL;
        Py_DECREF(inst);
    }
    PyErr_Clear();
    bpy_gil_release(g);
    return ok;
}
