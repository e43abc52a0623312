/* _bpy, properties half: IDProperty groups (custom properties of IDs and
 * of the window manager, add-on properties declared with bpy.props,
 * add-on preferences), collections of property groups, the add-on UI's
 * buttons and redraw tags, and the window manager's status values.
 *
 * A group is named to Python by its address (an int), as the Python half
 * keeps raw pointers where Blender's RNA does: a PropertyGroup or
 * collection item a script keeps after its owner removed it is a dangling
 * pointer, in hostrace as in Blender. */
#include "py_internal.h"

#include <string.h>

static int to_props(PyObject *o, void *out)
{
    HostProps **g = out;
    void *p = PyLong_AsVoidPtr(o);
    if (!p) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ReferenceError, "property group has been removed");
        return 0;
    }
    *g = p;
    return 1;
}

static PyObject *py_id_props(PyObject *self, PyObject *o)
{
    (void)self;
    HostID *id = bpy_unwrap_id(o, -1);
    if (!id)
        return NULL;
    return PyLong_FromVoidPtr(&id->props);
}

static PyObject *py_wm_props(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    return PyLong_FromVoidPtr(&bpy_host->wm_props);
}

static PyObject *py_wm_ui_props(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    __atomic_store_n(&bpy_host->wm_ui_used, 1, __ATOMIC_RELAXED);
    return PyLong_FromVoidPtr(&bpy_host->wm_ui);
}

static PyObject *py_props_new(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    HostProps *g = host_props_new();
    if (!g)
        return PyErr_NoMemory();
    return PyLong_FromVoidPtr(g);
}

static PyObject *py_props_free(PyObject *self, PyObject *args)
{
    (void)self;
    HostProps *g;
    if (!PyArg_ParseTuple(args, "O&", to_props, &g))
        return NULL;
    host_props_free(bpy_host, g);
    Py_RETURN_NONE;
}

static PyObject *num_value(char t, const double *v, int n)
{
    char lower = (char)(t | 0x20);
    if (t == lower && n == 1) {
        if (t == 'b')
            return PyBool_FromLong(v[0] != 0);
        if (t == 'i')
            return PyLong_FromDouble(v[0]);
        return PyFloat_FromDouble(v[0]);
    }
    PyObject *tup = PyTuple_New(n);
    if (!tup)
        return NULL;
    for (int i = 0; i < n; i++) {
        PyObject *x = lower == 'b' ? PyBool_FromLong(v[i] != 0)
                      : lower == 'i' ? PyLong_FromDouble(v[i])
                                     : PyFloat_FromDouble(v[i]);
        if (!x) {
            Py_DECREF(tup);
            return NULL;
        }
        PyTuple_SET_ITEM(tup, i, x);
    }
    return tup;
}

/* prop_get(group, name) -> None when absent, else (kind, value): kind 'n'
 * (a number, or a tuple for an array), 's', 'o', 'g' (the nested group's
 * address) or 'c' (the collection's address). */
static PyObject *py_prop_get(PyObject *self, PyObject *args)
{
    (void)self;
    HostProps *g;
    const char *name;
    if (!PyArg_ParseTuple(args, "O&s", to_props, &g, &name))
        return NULL;
    ENTER();
    HostProp *p = host_prop_find(bpy_host, g, name);
    if (!p)
        Py_RETURN_NONE;
    PyObject *v = NULL;
    const char *kind = "n";
    switch (p->kind) {
    case HOST_PROP_NUM: {
        double num[HOST_PROP_MAX_ARRAY];
        char t;
        int n = host_prop_get_num(bpy_host, p, &t, num);
        v = num_value(t, num, n);
        break;
    }
    case HOST_PROP_STR: {
        size_t len;
        const char *s = host_prop_get_str(bpy_host, p, &len);
        v = PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "replace");
        kind = "s";
        break;
    }
    case HOST_PROP_OBJ: {
        PyObject *o = host_prop_get_obj(bpy_host, p);
        v = Py_NewRef(o ? o : Py_None);
        kind = "o";
        break;
    }
    case HOST_PROP_GROUP:
        v = PyLong_FromVoidPtr(host_prop_group(bpy_host, p));
        kind = "g";
        break;
    case HOST_PROP_COLL:
        v = PyLong_FromVoidPtr(p);
        kind = "c";
        break;
    }
    if (!v)
        return NULL;
    return Py_BuildValue("(sN)", kind, v);
}

/* prop_set(group, name, kind, value): kind 'b'/'i'/'f' (a scalar),
 * 'B'/'I'/'F' (an array), 's', 'o'; or 'g'/'c' (value ignored), which
 * make sure the nested group or collection exists and return its
 * address. */
static PyObject *py_prop_set(PyObject *self, PyObject *args)
{
    (void)self;
    HostProps *g;
    const char *name, *kind;
    PyObject *value;
    if (!PyArg_ParseTuple(args, "O&ssO", to_props, &g, &name, &kind, &value))
        return NULL;
    if (strlen(name) >= HOST_PROP_MAX_NAME) {
        PyErr_Format(PyExc_KeyError, "the length of IDProperty names is limited to %d characters",
                     HOST_PROP_MAX_NAME - 1);
        return NULL;
    }
    char k = kind[0];
    double num[HOST_PROP_MAX_ARRAY];
    int n = 0;
    const char *s = NULL;
    Py_ssize_t slen = 0;
    /* convert before entering the host: no Python runs inside it */
    if (k == 'b' || k == 'i' || k == 'f') {
        num[0] = PyFloat_AsDouble(value);
        if (num[0] == -1.0 && PyErr_Occurred())
            return NULL;
        n = 1;
    } else if (k == 'B' || k == 'I' || k == 'F') {
        PyObject *seq = PySequence_Fast(value, "expected a sequence of numbers");
        if (!seq)
            return NULL;
        Py_ssize_t len = PySequence_Fast_GET_SIZE(seq);
        if (len > HOST_PROP_MAX_ARRAY) {
            Py_DECREF(seq);
            PyErr_Format(PyExc_ValueError, "arrays are limited to %d values here",
                         HOST_PROP_MAX_ARRAY);
            return NULL;
        }
        for (Py_ssize_t i = 0; i < len; i++) {
            num[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(seq, i));
            if (num[i] == -1.0 && PyErr_Occurred()) {
                Py_DECREF(seq);
                return NULL;
            }
        }
        n = (int)len;
        Py_DECREF(seq);
    } else if (k == 's') {
        s = PyUnicode_AsUTF8AndSize(value, &slen);
        if (!s)
            return NULL;
    } else if (k != 'o' && k != 'g' && k != 'c') {
        PyErr_Format(PyExc_ValueError, "prop_set: unknown kind '%s'", kind);
        return NULL;
    }
    ENTER();
    host_prop_kind pk = k == 's'   ? HOST_PROP_STR
                        : k == 'o' ? HOST_PROP_OBJ
                        : k == 'g' ? HOST_PROP_GROUP
                        : k == 'c' ? HOST_PROP_COLL
                                   : HOST_PROP_NUM;
    HostProp *p = host_prop_ensure(bpy_host, g, name, pk);
    if (!p)
        return PyErr_NoMemory();
    switch (pk) {
    case HOST_PROP_NUM:
        host_prop_set_num(bpy_host, p, k, num, n);
        break;
    case HOST_PROP_STR:
        host_prop_set_str(bpy_host, p, s, (size_t)slen);
        break;
    case HOST_PROP_OBJ: {
        PyObject *old = host_prop_set_obj(bpy_host, p, Py_NewRef(value));
        Py_XDECREF(old);
        break;
    }
    case HOST_PROP_GROUP:
        return PyLong_FromVoidPtr(host_prop_group(bpy_host, p));
    case HOST_PROP_COLL:
        return PyLong_FromVoidPtr(p);
    }
    Py_RETURN_NONE;
}

static PyObject *py_prop_del(PyObject *self, PyObject *args)
{
    (void)self;
    HostProps *g;
    const char *name;
    if (!PyArg_ParseTuple(args, "O&s", to_props, &g, &name))
        return NULL;
    ENTER();
    return PyBool_FromLong(host_prop_remove(bpy_host, g, name));
}

static PyObject *py_prop_keys(PyObject *self, PyObject *args)
{
    (void)self;
    HostProps *g;
    if (!PyArg_ParseTuple(args, "O&", to_props, &g))
        return NULL;
    ENTER();
    PyObject *list = PyList_New(0);
    if (!list)
        return NULL;
    SCHED_READ("idprop.group", &g->first);
    for (HostProp *p = g->first; p; p = p->next) {
        PyObject *s = PyUnicode_FromString(p->name);
        if (!s || PyList_Append(list, s) < 0) {
            Py_XDECREF(s);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(s);
    }
    return list;
}

static int to_coll(PyObject *o, void *out)
{
    HostProp **p = out;
    *p = PyLong_AsVoidPtr(o);
    return *p != NULL;
}

static PyObject *py_coll_len(PyObject *self, PyObject *args)
{
    (void)self;
    HostProp *c;
    if (!PyArg_ParseTuple(args, "O&", to_coll, &c))
        return NULL;
    ENTER();
    return PyLong_FromLong(host_prop_coll_len(bpy_host, c));
}

static PyObject *py_coll_at(PyObject *self, PyObject *args)
{
    (void)self;
    HostProp *c;
    int i;
    if (!PyArg_ParseTuple(args, "O&i", to_coll, &c, &i))
        return NULL;
    ENTER();
    HostProps *item = host_prop_coll_at(bpy_host, c, i);
    if (!item)
        Py_RETURN_NONE;
    return PyLong_FromVoidPtr(item);
}

static PyObject *py_coll_add(PyObject *self, PyObject *args)
{
    (void)self;
    HostProp *c;
    if (!PyArg_ParseTuple(args, "O&", to_coll, &c))
        return NULL;
    ENTER();
    HostProps *item = host_prop_coll_add(bpy_host, c);
    if (!item)
        return PyErr_NoMemory();
    return PyLong_FromVoidPtr(item);
}

static PyObject *py_coll_remove(PyObject *self, PyObject *args)
{
    (void)self;
    HostProp *c;
    int i;
    if (!PyArg_ParseTuple(args, "O&i", to_coll, &c, &i))
        return NULL;
    ENTER();
    return PyBool_FromLong(host_prop_coll_remove(bpy_host, c, i) == 0);
}

static PyObject *py_coll_move(PyObject *self, PyObject *args)
{
    (void)self;
    HostProp *c;
    int a, b;
    if (!PyArg_ParseTuple(args, "O&ii", to_coll, &c, &a, &b))
        return NULL;
    ENTER();
    return PyBool_FromLong(host_prop_coll_move(bpy_host, c, a, b) == 0);
}

static PyObject *py_coll_clear(PyObject *self, PyObject *args)
{
    (void)self;
    HostProp *c;
    if (!PyArg_ParseTuple(args, "O&", to_coll, &c))
        return NULL;
    ENTER();
    host_prop_coll_clear(bpy_host, c);
    Py_RETURN_NONE;
}

static HostRegion *region_arg(const char *space, const char *type)
{
    HostRegion *r = host_region_find(bpy_host, space, type);
    if (!r)
        PyErr_Format(PyExc_ValueError, "no region %s of %s", type, space);
    return r;
}

/* ui_button(space, region, group, name): the UI shows name of group in
 * that region this frame (main thread, inside its draw). */
static PyObject *py_ui_button(PyObject *self, PyObject *args)
{
    (void)self;
    const char *space, *type, *name;
    HostProps *g;
    if (!PyArg_ParseTuple(args, "ssO&s", &space, &type, to_props, &g, &name))
        return NULL;
    HostRegion *r = region_arg(space, type);
    if (!r)
        return NULL;
    host_ui_button(bpy_host, r, g, name);
    Py_RETURN_NONE;
}

static PyObject *py_ui_classes(PyObject *self, PyObject *args)
{
    (void)self;
    int n;
    if (!PyArg_ParseTuple(args, "i", &n))
        return NULL;
    __atomic_store_n(&bpy_host->ui_classes, n, __ATOMIC_RELAXED);
    Py_RETURN_NONE;
}

/* user_input(): the add-on run's user has actions (see host.h) */
static PyObject *py_user_input(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    bpy_host->user_pending = 1;
    Py_RETURN_NONE;
}

static PyObject *py_region_tag_redraw(PyObject *self, PyObject *args)
{
    (void)self;
    const char *space, *type;
    if (!PyArg_ParseTuple(args, "ss", &space, &type))
        return NULL;
    HostRegion *r = region_arg(space, type);
    if (!r)
        return NULL;
    ENTER();
    host_region_tag_redraw(bpy_host, r);
    Py_RETURN_NONE;
}

#define M(name, fn, flags) {name, (PyCFunction)(void (*)(void))fn, flags, NULL}

PyMethodDef bpy_props_methods[] = {
    M("id_props", py_id_props, METH_O),
    M("wm_props", py_wm_props, METH_NOARGS),
    M("wm_ui_props", py_wm_ui_props, METH_NOARGS),
    M("props_new", py_props_new, METH_NOARGS),
    M("props_free", py_props_free, METH_VARARGS),
    M("prop_get", py_prop_get, METH_VARARGS),
    M("prop_set", py_prop_set, METH_VARARGS),
    M("prop_del", py_prop_del, METH_VARARGS),
    M("prop_keys", py_prop_keys, METH_VARARGS),
    M("coll_len", py_coll_len, METH_VARARGS),
    M("coll_at", py_coll_at, METH_VARARGS),
    M("coll_add", py_coll_add, METH_VARARGS),
    M("coll_remove", py_coll_remove, METH_VARARGS),
    M("coll_move", py_coll_move, METH_VARARGS),
    M("coll_clear", py_coll_clear, METH_VARARGS),
    M("ui_button", py_ui_button, METH_VARARGS),
    M("ui_classes", py_ui_classes, METH_VARARGS),
    M("user_input", py_user_input, METH_NOARGS),
    M("region_tag_redraw", py_region_tag_redraw, METH_VARARGS),
    {NULL, NULL, 0, NULL},
};
