/* _bpy's drivers: the C side of FCurve, Driver and DriverVariable
 * (lib/bpy.py holds the classes). A Python wrapper names its driver by
 * (object, channel, index) and looks it up at every call, so a removed
 * driver is an error in the script, never a stale pointer here. Also the
 * host callbacks for driver evaluation: the Python expression, run on a
 * depsgraph worker with the GIL, and the GIL release around evaluation. */
#include "py_internal.h"

#include <string.h>

static HostObject *object_arg(PyObject *o)
{
    return (HostObject *)bpy_unwrap_id(o, HOST_ID_OB);
}

/* The driver of (o, channel, index), or NULL with ReferenceError */
static HostDriver *driver_of(PyObject *o, int ch, int index)
{
    HostObject *ob = object_arg(o);
    if (!ob)
        return NULL;
    HostDriver *d = host_driver_find(bpy_host, ob, ch, index, 0);
    if (!d)
        PyErr_SetString(PyExc_ReferenceError, "StructRNA of type FCurve has been removed");
    return d;
}

/* args starting (object, channel, index) -> the driver */
static HostDriver *driver_arg(PyObject *args)
{
    if (PyTuple_GET_SIZE(args) < 3) {
        PyErr_SetString(PyExc_TypeError, "expected (object, channel, index, ...)");
        return NULL;
    }
    int ch = PyLong_AsLong(PyTuple_GET_ITEM(args, 1));
    int index = PyLong_AsLong(PyTuple_GET_ITEM(args, 2));
    if (PyErr_Occurred())
        return NULL;
    return driver_of(PyTuple_GET_ITEM(args, 0), ch, index);
}

static PyObject *py_drv_add(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    PyObject *o;
    int ch, index;
    if (!PyArg_ParseTuple(args, "Oii", &o, &ch, &index))
        return NULL;
    HostObject *ob = object_arg(o);
    if (!ob)
        return NULL;
    if (ch < HOST_VEC_LOC || ch > HOST_VEC_SCALE || index < 0 || index > 2) {
        PyErr_SetString(PyExc_ValueError, "bad driver channel");
        return NULL;
    }
    if (!host_driver_find(bpy_host, ob, ch, index, 1))
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyObject *py_drv_remove(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    PyObject *o;
    int ch, index;
    if (!PyArg_ParseTuple(args, "Oii", &o, &ch, &index))
        return NULL;
    HostObject *ob = object_arg(o);
    if (!ob)
        return NULL;
    return PyBool_FromLong(host_driver_remove(bpy_host, ob, ch, index));
}

/* [(channel, index), ...] in the order of animation_data.drivers */
static PyObject *py_drv_list(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostObject *ob = object_arg(o);
    if (!ob)
        return NULL;
    PyObject *list = PyList_New(0);
    for (int i = 0; list; i++) {
        HostDriver *d = host_driver_at(bpy_host, ob, i);
        if (!d)
            break;
        PyObject *t = Py_BuildValue("(ii)", d->channel, d->index);
        if (!t || PyList_Append(list, t) < 0)
            Py_CLEAR(list);
        Py_XDECREF(t);
    }
    return list;
}

/* {"type", "expression", "use_self", "invalid", "simple", "nvars", "value"} */
static PyObject *py_drv_get(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostDriver *d = driver_arg(args);
    if (!d)
        return NULL;
    SCHED_READ("anim.driver.type", &d->type);
    SCHED_ACCESS("anim.driver.expression", d->expression, sizeof(d->expression), 0);
    SCHED_READ("anim.driver.variables", &d->nvars);
    SCHED_READ("anim.driver.invalid", &d->invalid);
    return Py_BuildValue("{s:i, s:s, s:O, s:O, s:O, s:i, s:d}", "type", (int)d->type,
                         "expression", d->expression, "use_self", d->use_self ? Py_True : Py_False,
                         "invalid", d->invalid ? Py_True : Py_False, "simple",
                         d->nsimple ? Py_True : Py_False, "nvars", d->nvars, "value", d->curval);
}

static PyObject *py_drv_set_type(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostDriver *d = driver_arg(args);
    if (!d)
        return NULL;
    int t = PyLong_AsLong(PyTuple_GET_ITEM(args, 3));
    if (PyErr_Occurred())
        return NULL;
    host_driver_set_type(bpy_host, d, (host_driver_type)t);
    Py_RETURN_NONE;
}

static PyObject *py_drv_set_use_self(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostDriver *d = driver_arg(args);
    if (!d)
        return NULL;
    int v = PyObject_IsTrue(PyTuple_GET_ITEM(args, 3));
    if (v < 0)
        return NULL;
    host_driver_set_use_self(bpy_host, d, v);
    Py_RETURN_NONE;
}

/* (object, channel, index, expression, ops): ops is the compiled simple
 * expression, a sequence of (op, arg), or None */
static PyObject *py_drv_set_expression(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostDriver *d = driver_arg(args);
    if (!d)
        return NULL;
    if (PyTuple_GET_SIZE(args) != 5) {
        PyErr_SetString(PyExc_TypeError, "expected (object, channel, index, expression, ops)");
        return NULL;
    }
    const char *expr = PyUnicode_AsUTF8(PyTuple_GET_ITEM(args, 3));
    if (!expr)
        return NULL;
    PyObject *ops = PyTuple_GET_ITEM(args, 4);
    HostSimpleOp simple[HOST_SIMPLE_MAX_OPS];
    int n = 0;
    if (ops != Py_None) {
        PyObject *seq = PySequence_Fast(ops, "ops must be a sequence");
        if (!seq)
            return NULL;
        Py_ssize_t len = PySequence_Fast_GET_SIZE(seq);
        if (len > HOST_SIMPLE_MAX_OPS)
            len = 0; /* too long: Python evaluates it */
        for (Py_ssize_t i = 0; i < len; i++) {
            int op;
            double arg;
            if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "id", &op, &arg)) {
                Py_DECREF(seq);
                return NULL;
            }
            if (op < 0 || op >= HOST_SOP_COUNT) {
                Py_DECREF(seq);
                PyErr_SetString(PyExc_ValueError, "bad simple-expression op");
                return NULL;
            }
            simple[n++] = (HostSimpleOp){op, arg};
        }
        Py_DECREF(seq);
    }
    if (strlen(expr) >= sizeof(d->expression)) {
        PyErr_Format(PyExc_ValueError, "driver expression longer than %zu bytes",
                     sizeof(d->expression) - 1);
        return NULL;
    }
    host_driver_set_expression(bpy_host, d, expr, simple, n);
    Py_RETURN_NONE;
}

static PyObject *py_drv_var_add(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostDriver *d = driver_arg(args);
    if (!d)
        return NULL;
    int i = host_driver_var_add(bpy_host, d);
    if (i < 0) {
        PyErr_Format(PyExc_RuntimeError, "a driver holds at most %d variables in hostrace",
                     HOST_DRIVER_MAX_VARS);
        return NULL;
    }
    return PyLong_FromLong(i);
}

static PyObject *py_drv_var_remove(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostDriver *d = driver_arg(args);
    if (!d)
        return NULL;
    int i = PyLong_AsLong(PyTuple_GET_ITEM(args, 3));
    if (PyErr_Occurred())
        return NULL;
    return PyBool_FromLong(host_driver_var_remove(bpy_host, d, i));
}

static PyObject *py_drv_var_count(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostDriver *d = driver_arg(args);
    if (!d)
        return NULL;
    SCHED_READ("anim.driver.variables", &d->nvars);
    return PyLong_FromLong(d->nvars);
}

/* (object, channel, index, i) -> (name, type, target, channel, index, prop, value) */
static PyObject *py_drv_var_get(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostDriver *d = driver_arg(args);
    if (!d)
        return NULL;
    int i = PyLong_AsLong(PyTuple_GET_ITEM(args, 3));
    if (PyErr_Occurred())
        return NULL;
    SCHED_READ("anim.driver.variables", &d->nvars);
    if (i < 0 || i >= d->nvars) {
        PyErr_SetString(PyExc_ReferenceError, "StructRNA of type DriverVariable has been removed");
        return NULL;
    }
    HostDriverVar *v = &d->vars[i];
    SCHED_ACCESS("anim.driver.variables", v, sizeof(*v), 0);
    PyObject *target = bpy_wrap_id(v->target);
    if (!target)
        return NULL;
    return Py_BuildValue("(siNiisd)", v->name, (int)v->type, target, (int)v->channel, v->index,
                         v->prop, v->curval);
}

/* (object, channel, index, i, name, type, target, channel, index, prop) */
static PyObject *py_drv_var_set(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    PyObject *o, *target;
    int ch, index, i, type, vch, vindex;
    const char *name, *prop;
    if (!PyArg_ParseTuple(args, "OiiisiOiis", &o, &ch, &index, &i, &name, &type, &target, &vch,
                          &vindex, &prop))
        return NULL;
    HostDriver *d = driver_of(o, ch, index);
    if (!d)
        return NULL;
    HostDriverVar v = {0};
    if (strlen(name) >= sizeof(v.name) || strlen(prop) >= sizeof(v.prop)) {
        PyErr_SetString(PyExc_ValueError, "driver variable name or property name too long");
        return NULL;
    }
    snprintf(v.name, sizeof(v.name), "%s", name);
    snprintf(v.prop, sizeof(v.prop), "%s", prop);
    v.type = (host_dvar_type)type;
    v.channel = (host_channel)vch;
    v.index = vindex;
    if (target != Py_None) {
        v.target = bpy_unwrap_id(target, -1);
        if (!v.target)
            return NULL;
    }
    SCHED_READ("anim.driver.variables", &d->nvars);
    if (i < 0 || i >= d->nvars) {
        PyErr_SetString(PyExc_ReferenceError, "StructRNA of type DriverVariable has been removed");
        return NULL;
    }
    host_driver_var_set(bpy_host, d, i, &v);
    Py_RETURN_NONE;
}

/* ViewLayer.update(): evaluates the depsgraph on the calling thread */
static PyObject *py_depsgraph_update(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    ENTER();
    host_depsgraph_evaluate(bpy_host);
    if (PyErr_Occurred())
        return NULL;
    Py_RETURN_NONE;
}

PyMethodDef bpy_anim_methods[] = {
    {"depsgraph_update", py_depsgraph_update, METH_NOARGS, NULL},
    {"drv_add", py_drv_add, METH_VARARGS, NULL},
    {"drv_remove", py_drv_remove, METH_VARARGS, NULL},
    {"drv_list", py_drv_list, METH_O, NULL},
    {"drv_get", py_drv_get, METH_VARARGS, NULL},
    {"drv_set_type", py_drv_set_type, METH_VARARGS, NULL},
    {"drv_set_use_self", py_drv_set_use_self, METH_VARARGS, NULL},
    {"drv_set_expression", py_drv_set_expression, METH_VARARGS, NULL},
    {"drv_var_add", py_drv_var_add, METH_VARARGS, NULL},
    {"drv_var_remove", py_drv_var_remove, METH_VARARGS, NULL},
    {"drv_var_count", py_drv_var_count, METH_VARARGS, NULL},
    {"drv_var_get", py_drv_var_get, METH_VARARGS, NULL},
    {"drv_var_set", py_drv_var_set, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

/* ---- host callbacks ------------------------------------------------------- */

/* BPY_driver_exec: on a depsgraph worker, python_driver_lock held. The
 * Python half (_driver_exec) compiles and evaluates the expression in
 * bpy.app.driver_namespace and reports an exception as a finding. */
static int cb_driver_exec(void *ud, HostDriver *d, const double *vals, int nvals, double *out)
{
    (void)ud;
    if (!bpy_python_ready)
        return -1;
    PyGILState_STATE g = bpy_gil_ensure();
    int rc = -1;
    PyObject *names = PyTuple_New(nvals > 0 ? nvals - 1 : 0);
    PyObject *values = PyTuple_New(nvals);
    PyObject *owner = bpy_wrap_id(&d->owner->id);
    if (names && values && owner) {
        for (int i = 0; i < nvals; i++) {
            PyTuple_SET_ITEM(values, i, PyFloat_FromDouble(vals[i]));
            if (i > 0)
                PyTuple_SET_ITEM(names, i - 1, PyUnicode_FromString(d->vars[i - 1].name));
        }
        PyObject *args = Py_BuildValue("(OiisOOO)", owner, d->channel, d->index, d->expression,
                                       names, values, d->use_self ? Py_True : Py_False);
        PyObject *r = args ? bpy_call_hook("driver_exec", args) : NULL;
        Py_XDECREF(args);
        if (r && r != Py_None) {
            *out = PyFloat_AsDouble(r);
            if (*out == -1.0 && PyErr_Occurred())
                bpy_report_exception(NULL, "driver");
            else
                rc = 0;
        }
        Py_XDECREF(r);
    }
    if (PyErr_Occurred())
        bpy_report_exception(NULL, "driver");
    Py_XDECREF(names);
    Py_XDECREF(values);
    Py_XDECREF(owner);
    bpy_gil_release(g);
    return rc;
}

static void *cb_allow_threads(void *ud)
{
    (void)ud;
    if (!bpy_python_ready || !PyGILState_Check())
        return NULL;
    return PyEval_SaveThread();
}

static void cb_end_allow_threads(void *ud, void *saved)
{
    (void)ud;
    bpy_gil_restore((PyThreadState *)saved);
}

void bpy_anim_fill_callbacks(host_callbacks *cb)
{
    cb->driver_exec = cb_driver_exec;
    cb->allow_threads = cb_allow_threads;
    cb->end_allow_threads = cb_end_allow_threads;
}
