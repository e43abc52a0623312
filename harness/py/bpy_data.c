/* _bpy, data half: ID wrappers and every read and write of scene data that
 * bpy.data, bpy.types.Object/Mesh/Image/Collection/Scene perform.
 *
 * The ID wrapper (_bpy.ID, subclassed by bpy.types.*) is cached on the ID
 * and invalidated when the ID is freed. Vertex wrappers (_bpy.VertRef) keep
 * a raw pointer into the vertex array and are never invalidated, as in
 * Blender, unless the rna_safety host switch tracks them. */
#include "py_internal.h"

#include <string.h>

/* ---- ID wrappers -------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    HostID *id;
    int type;
} BpyID;

static PyTypeObject BpyID_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_bpy.ID",
    .tp_basicsize = sizeof(BpyID),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Base of bpy.types ID wrappers; refers to one host ID.",
};

/* bpy.types classes per host_id_type, set by the Python half. */
static PyObject *id_classes[HOST_ID_TYPE_COUNT];

PyObject *bpy_wrap_id(HostID *id)
{
    if (!id)
        Py_RETURN_NONE;
    BPY_BOOKKEEPING_BEGIN();
    PyObject *cached = id->py_wrapper;
    BPY_BOOKKEEPING_END();
    if (cached)
        return Py_NewRef(cached);
    PyTypeObject *cls = (PyTypeObject *)id_classes[id->type];
    if (!cls)
        cls = &BpyID_Type;
    BpyID *w = (BpyID *)cls->tp_alloc(cls, 0);
    if (!w)
        return NULL;
    w->id = id;
    w->type = id->type;
    Py_INCREF(w); /* the host's reference */
    BPY_BOOKKEEPING_BEGIN();
    id->py_wrapper = w;
    BPY_BOOKKEEPING_END();
    return (PyObject *)w;
}

HostID *bpy_unwrap_id(PyObject *o, int t)
{
    if (!PyObject_TypeCheck(o, &BpyID_Type)) {
        PyErr_Format(PyExc_TypeError, "expected a bpy ID, not %.100s", Py_TYPE(o)->tp_name);
        return NULL;
    }
    BpyID *w = (BpyID *)o;
    if (!w->id) {
        PyErr_Format(PyExc_ReferenceError, "StructRNA of type %s has been removed",
                     host_id_type_name((host_id_type)w->type));
        return NULL;
    }
    if (t >= 0 && w->type != t) {
        PyErr_Format(PyExc_TypeError, "expected a %s, not a %s", host_id_type_name(t),
                     host_id_type_name((host_id_type)w->type));
        return NULL;
    }
    return w->id;
}

/* PyArg_ParseTuple "O&" converters: a wrapper to the ID behind it, of the
 * right type, or an exception. */
#define ID_CONVERTER(name, ctype, t)                                           \
    static int name(PyObject *o, void *out)                                    \
    {                                                                          \
        ctype **p = out;                                                       \
        *p = (ctype *)bpy_unwrap_id(o, t);                                     \
        return *p != NULL;                                                     \
    }
ID_CONVERTER(to_object, HostObject, HOST_ID_OB)
ID_CONVERTER(to_mesh, HostMesh, HOST_ID_ME)
ID_CONVERTER(to_image, HostImage, HOST_ID_IM)
ID_CONVERTER(to_collection, HostCollection, HOST_ID_GR)
ID_CONVERTER(to_scene, HostScene, HOST_ID_SCE)

void bpy_cb_id_freed(void *ud, HostID *id)
{
    (void)ud;
    BPY_BOOKKEEPING_BEGIN();
    PyObject *w = id->py_wrapper;
    id->py_wrapper = NULL;
    BPY_BOOKKEEPING_END();
    if (!w || !bpy_python_ready)
        return;
    PyGILState_STATE g = bpy_gil_ensure();
    ((BpyID *)w)->id = NULL;
    Py_DECREF(w);
    bpy_gil_release(g);
}

/* ---- vertex wrappers -------------------------------------------------- */

typedef struct VertRef {
    PyObject_HEAD
    HostMesh *me;
    float *co; /* raw pointer into me->verts */
    int index;
    int tracked;
    int invalid;
    struct VertRef *prev, *next;
} VertRef;

static VertRef *tracked_verts; /* GIL-protected */

static void vert_dealloc(VertRef *v)
{
    if (v->tracked) {
        BPY_BOOKKEEPING_BEGIN();
        if (v->prev)
            v->prev->next = v->next;
        else
            tracked_verts = v->next;
        if (v->next)
            v->next->prev = v->prev;
        BPY_BOOKKEEPING_END();
    }
    Py_TYPE(v)->tp_free((PyObject *)v);
}

static PyTypeObject VertRef_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_bpy.VertRef",
    .tp_basicsize = sizeof(VertRef),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = (destructor)vert_dealloc,
    .tp_doc = "A mesh vertex: a raw pointer into the mesh's vertex array.",
};

void bpy_cb_subdata_moved(void *ud, HostID *owner)
{
    (void)ud;
    if (!bpy_python_ready)
        return;
    BPY_BOOKKEEPING_BEGIN();
    int any = tracked_verts != NULL;
    BPY_BOOKKEEPING_END();
    if (!any)
        return;
    PyGILState_STATE g = bpy_gil_ensure();
    BPY_BOOKKEEPING_BEGIN();
    for (VertRef *v = tracked_verts; v; v = v->next)
        if (&v->me->id == owner)
            v->invalid = 1;
    BPY_BOOKKEEPING_END();
    bpy_gil_release(g);
}

static float *vert_co(PyObject *o)
{
    if (!PyObject_TypeCheck(o, &VertRef_Type)) {
        PyErr_SetString(PyExc_TypeError, "expected a mesh vertex");
        return NULL;
    }
    VertRef *v = (VertRef *)o;
    if (v->invalid) {
        PyErr_SetString(PyExc_ReferenceError,
                        "StructRNA of type MeshVertex has been removed [host switch rna_safety]");
        return NULL;
    }
    return v->co;
}

/* ---- helpers ------------------------------------------------------------ */

static int parse_type(int t)
{
    if (t < 0 || t >= HOST_ID_TYPE_COUNT) {
        PyErr_Format(PyExc_ValueError, "bad ID type %d", t);
        return -1;
    }
    return 0;
}

static int read_floats(PyObject *seq, float *out, Py_ssize_t n, const char *what)
{
    PyObject *fast = PySequence_Fast(seq, "expected a sequence of numbers");
    if (!fast)
        return -1;
    if (PySequence_Fast_GET_SIZE(fast) != n) {
        PyErr_Format(PyExc_ValueError, "%s: expected a sequence of %zd numbers, got %zd", what,
                     n, PySequence_Fast_GET_SIZE(fast));
        Py_DECREF(fast);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        double d = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(fast, i));
        if (d == -1.0 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
        out[i] = (float)d;
    }
    Py_DECREF(fast);
    return 0;
}

static PyObject *vec3_tuple(const float v[3])
{
    return Py_BuildValue("(ddd)", (double)v[0], (double)v[1], (double)v[2]);
}

/* ---- Main ------------------------------------------------------------- */

static PyObject *py_set_id_classes(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *tuple;
    if (!PyArg_ParseTuple(args, "O!", &PyTuple_Type, &tuple))
        return NULL;
    if (PyTuple_GET_SIZE(tuple) != HOST_ID_TYPE_COUNT) {
        PyErr_SetString(PyExc_ValueError, "need one class per ID type");
        return NULL;
    }
    for (int i = 0; i < HOST_ID_TYPE_COUNT; i++) {
        PyObject *c = PyTuple_GET_ITEM(tuple, i);
        if (!PyType_Check(c) || !PyType_IsSubtype((PyTypeObject *)c, &BpyID_Type)) {
            PyErr_SetString(PyExc_TypeError, "ID classes must subclass _bpy.ID");
            return NULL;
        }
        Py_XSETREF(id_classes[i], Py_NewRef(c));
    }
    Py_RETURN_NONE;
}

static PyObject *py_id_new(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    int t;
    const char *name;
    if (!PyArg_ParseTuple(args, "is", &t, &name) || parse_type(t) < 0)
        return NULL;
    HostID *id = host_id_new(bpy_host, (host_id_type)t, name);
    if (!id)
        return PyErr_NoMemory();
    return bpy_wrap_id(id);
}

static PyObject *py_id_remove(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostID *id = bpy_unwrap_id(o, -1);
    if (!id)
        return NULL;
    if (id->type == HOST_ID_SCE && host_id_count(bpy_host, HOST_ID_SCE) <= 1) {
        PyErr_SetString(PyExc_RuntimeError, "cannot remove the last scene");
        return NULL;
    }
    host_id_remove(bpy_host, id);
    Py_RETURN_NONE;
}

static PyObject *py_id_list(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    int t;
    if (!PyArg_ParseTuple(args, "i", &t) || parse_type(t) < 0)
        return NULL;
    PyObject *list = PyList_New(0);
    if (!list)
        return NULL;
    /* readers walk the list without the lock, as in Blender */
    SCHED_READ("bpy.data.iterate", &bpy_host->main.lists[t]);
    for (HostID *id = bpy_host->main.lists[t].first; id; id = id->next) {
        PyObject *w = bpy_wrap_id(id);
        if (!w || PyList_Append(list, w) < 0) {
            Py_XDECREF(w);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(w);
    }
    return list;
}

static PyObject *py_id_count(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    int t;
    if (!PyArg_ParseTuple(args, "i", &t) || parse_type(t) < 0)
        return NULL;
    return PyLong_FromLong(host_id_count(bpy_host, (host_id_type)t));
}

static PyObject *py_id_find(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    int t;
    const char *name;
    if (!PyArg_ParseTuple(args, "is", &t, &name) || parse_type(t) < 0)
        return NULL;
    return bpy_wrap_id(host_id_find(bpy_host, (host_id_type)t, name));
}

static PyObject *py_id_name(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostID *id = bpy_unwrap_id(o, -1);
    if (!id)
        return NULL;
    SCHED_READ("bpy.id.name", id);
    return PyUnicode_FromString(id->name);
}

static PyObject *py_id_rename(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    PyObject *o;
    const char *name;
    if (!PyArg_ParseTuple(args, "Os", &o, &name))
        return NULL;
    HostID *id = bpy_unwrap_id(o, -1);
    if (!id)
        return NULL;
    if (id->type == HOST_ID_GR && !id->prev && !id->next &&
        bpy_host->main.lists[HOST_ID_GR].first != id) {
        PyErr_SetString(PyExc_AttributeError, "the scene's master collection cannot be renamed");
        return NULL;
    }
    host_id_rename(bpy_host, id, name);
    Py_RETURN_NONE;
}

static PyObject *py_id_users(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostID *id = bpy_unwrap_id(o, -1);
    if (!id)
        return NULL;
    SCHED_READ("bpy.id.users", &id->users);
    return PyLong_FromLong(id->users);
}

static PyObject *py_id_valid(PyObject *self, PyObject *o)
{
    (void)self;
    if (!PyObject_TypeCheck(o, &BpyID_Type)) {
        PyErr_SetString(PyExc_TypeError, "expected a bpy ID");
        return NULL;
    }
    return PyBool_FromLong(((BpyID *)o)->id != NULL);
}

static PyObject *py_main_check(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    char msg[256];
    int n = host_main_check(bpy_host, msg, sizeof(msg));
    return Py_BuildValue("(is)", n, msg);
}

/* ---- objects ---------------------------------------------------------- */

static PyObject *py_ob_new(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    const char *name;
    PyObject *data;
    if (!PyArg_ParseTuple(args, "sO", &name, &data))
        return NULL;
    HostID *me = NULL;
    if (data != Py_None && !(me = bpy_unwrap_id(data, HOST_ID_ME)))
        return NULL;
    HostObject *ob = (HostObject *)host_id_new(bpy_host, HOST_ID_OB, name);
    if (!ob)
        return PyErr_NoMemory();
    if (me)
        host_object_set_data(bpy_host, ob, me);
    return bpy_wrap_id(&ob->id);
}

static int parse_which(int which)
{
    if (which < HOST_VEC_LOC || which > HOST_VEC_SCALE) {
        PyErr_SetString(PyExc_ValueError, "bad transform vector");
        return -1;
    }
    return 0;
}

static PyObject *py_ob_vec_get(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostObject *ob;
    int which;
    if (!PyArg_ParseTuple(args, "O&i", to_object, &ob, &which) || parse_which(which) < 0)
        return NULL;
    float v[3];
    host_object_get_vec(bpy_host, ob, which, v);
    return vec3_tuple(v);
}

static PyObject *py_ob_vec_set(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostObject *ob;
    PyObject *seq;
    int which;
    if (!PyArg_ParseTuple(args, "O&iO", to_object, &ob, &which, &seq) || parse_which(which) < 0)
        return NULL;
    float v[3];
    if (read_floats(seq, v, 3, "bpy_struct: item.attr = val") < 0)
        return NULL;
    host_object_set_vec(bpy_host, ob, which, v);
    Py_RETURN_NONE;
}

static PyObject *py_ob_axis_get(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostObject *ob;
    int which, axis;
    if (!PyArg_ParseTuple(args, "O&ii", to_object, &ob, &which, &axis) || parse_which(which) < 0)
        return NULL;
    if (axis < 0 || axis > 2) {
        PyErr_SetString(PyExc_IndexError, "vector index out of range");
        return NULL;
    }
    return PyFloat_FromDouble(host_object_get_axis(bpy_host, ob, which, axis));
}

static PyObject *py_ob_axis_set(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostObject *ob;
    int which, axis;
    double value;
    if (!PyArg_ParseTuple(args, "O&iid", to_object, &ob, &which, &axis, &value) || parse_which(which) < 0)
        return NULL;
    if (axis < 0 || axis > 2) {
        PyErr_SetString(PyExc_IndexError, "vector index out of range");
        return NULL;
    }
    host_object_set_axis(bpy_host, ob, which, axis, (float)value);
    Py_RETURN_NONE;
}

static PyObject *py_ob_data_get(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostObject *ob = (HostObject *)bpy_unwrap_id(o, HOST_ID_OB);
    if (!ob)
        return NULL;
    SCHED_READ("bpy.object.data", &ob->data);
    return bpy_wrap_id(ob->data);
}

static PyObject *py_ob_data_set(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostObject *ob;
    PyObject *d;
    if (!PyArg_ParseTuple(args, "O&O", to_object, &ob, &d))
        return NULL;
    HostID *me = NULL;
    if (d != Py_None && !(me = bpy_unwrap_id(d, HOST_ID_ME)))
        return NULL;
    host_object_set_data(bpy_host, ob, me);
    Py_RETURN_NONE;
}

static PyObject *py_ob_parent_get(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostObject *ob = (HostObject *)bpy_unwrap_id(o, HOST_ID_OB);
    if (!ob)
        return NULL;
    SCHED_READ("bpy.object.parent", &ob->parent);
    return bpy_wrap_id(ob->parent ? &ob->parent->id : NULL);
}

static PyObject *py_ob_parent_set(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostObject *ob;
    PyObject *p;
    if (!PyArg_ParseTuple(args, "O&O", to_object, &ob, &p))
        return NULL;
    HostObject *parent = NULL;
    if (p != Py_None && !(parent = (HostObject *)bpy_unwrap_id(p, HOST_ID_OB)))
        return NULL;
    for (HostObject *it = parent; it; it = it->parent)
        if (it == ob) {
            PyErr_SetString(PyExc_ValueError, "Object.parent: loop in parents");
            return NULL;
        }
    SCHED_WRITE("bpy.object.parent", &ob->parent);
    ob->parent = parent;
    Py_RETURN_NONE;
}

static PyObject *py_ob_hide_get(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostObject *ob = (HostObject *)bpy_unwrap_id(o, HOST_ID_OB);
    if (!ob)
        return NULL;
    SCHED_READ("bpy.object.hide_viewport", &ob->hide_viewport);
    return PyBool_FromLong(ob->hide_viewport);
}

static PyObject *py_ob_hide_set(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostObject *ob;
    int hide;
    if (!PyArg_ParseTuple(args, "O&p", to_object, &ob, &hide))
        return NULL;
    host_object_set_hide(bpy_host, ob, hide);
    Py_RETURN_NONE;
}

/* ---- meshes ------------------------------------------------------------ */

static PyObject *py_me_totvert(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostMesh *me = (HostMesh *)bpy_unwrap_id(o, HOST_ID_ME);
    if (!me)
        return NULL;
    SCHED_ACCESS("bpy.mesh.totvert", me, sizeof(*me), 0);
    return PyLong_FromLong(me->totvert);
}

static PyObject *py_me_vert(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostMesh *me;
    int i;
    if (!PyArg_ParseTuple(args, "O&i", to_mesh, &me, &i))
        return NULL;
    float *co = host_mesh_vert_co(bpy_host, me, i);
    if (!co) {
        PyErr_SetString(PyExc_IndexError, "bpy_prop_collection[index]: index out of range");
        return NULL;
    }
    VertRef *v = PyObject_New(VertRef, &VertRef_Type);
    if (!v)
        return NULL;
    v->me = me;
    v->co = co;
    v->index = i;
    v->invalid = 0;
    v->prev = v->next = NULL;
    v->tracked = bpy_host->sw.rna_safety;
    if (v->tracked) {
        BPY_BOOKKEEPING_BEGIN();
        v->next = tracked_verts;
        if (tracked_verts)
            tracked_verts->prev = v;
        tracked_verts = v;
        BPY_BOOKKEEPING_END();
    }
    return (PyObject *)v;
}

static PyObject *py_vert_co_get(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    float *co = vert_co(o);
    if (!co)
        return NULL;
    /* reads through the raw pointer: stale after the array moved */
    SCHED_ACCESS("bpy.mesh.vertex.co.read", co, 3 * sizeof(float), 0);
    return vec3_tuple(co);
}

static PyObject *py_vert_co_set(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    PyObject *o, *seq;
    if (!PyArg_ParseTuple(args, "OO", &o, &seq))
        return NULL;
    float *co = vert_co(o);
    if (!co)
        return NULL;
    float v[3];
    if (read_floats(seq, v, 3, "MeshVertex.co") < 0)
        return NULL;
    SCHED_ACCESS("bpy.mesh.vertex.co.write", co, 3 * sizeof(float), 1);
    memcpy(co, v, sizeof(v));
    Py_RETURN_NONE;
}

static PyObject *py_vert_index(PyObject *self, PyObject *o)
{
    (void)self;
    if (!PyObject_TypeCheck(o, &VertRef_Type)) {
        PyErr_SetString(PyExc_TypeError, "expected a mesh vertex");
        return NULL;
    }
    return PyLong_FromLong(((VertRef *)o)->index);
}

static PyObject *py_me_add_verts(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostMesh *me;
    int n;
    if (!PyArg_ParseTuple(args, "O&i", to_mesh, &me, &n))
        return NULL;
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "MeshVertices.add(count): count must be >= 0");
        return NULL;
    }
    host_mesh_add_verts(bpy_host, me, n);
    Py_RETURN_NONE;
}

static PyObject *py_me_update(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostMesh *me = (HostMesh *)bpy_unwrap_id(o, HOST_ID_ME);
    if (!me)
        return NULL;
    host_mesh_update(bpy_host, me);
    Py_RETURN_NONE;
}

static PyObject *py_me_edit_mode(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostMesh *me;
    int on;
    if (!PyArg_ParseTuple(args, "O&i", to_mesh, &me, &on))
        return NULL;
    if (on < 0)
        return PyBool_FromLong(me->edit_mode);
    host_mesh_set_edit_mode(bpy_host, me, on);
    Py_RETURN_NONE;
}

/* ---- images -------------------------------------------------------------- */

static PyObject *py_im_new(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    const char *name;
    int w, h, alpha;
    if (!PyArg_ParseTuple(args, "siip", &name, &w, &h, &alpha))
        return NULL;
    if (w < 1 || h < 1 || w > 65536 || h > 65536 || (long)w * h > (1L << 26)) {
        PyErr_Format(PyExc_ValueError, "images.new(): size %dx%d out of range", w, h);
        return NULL;
    }
    HostImage *im = (HostImage *)host_id_new(bpy_host, HOST_ID_IM, name);
    if (!im)
        return PyErr_NoMemory();
    static const float black[4] = {0, 0, 0, 1};
    static const float clear[4] = {0, 0, 0, 0};
    host_image_alloc(bpy_host, im, w, h, alpha ? clear : black);
    return bpy_wrap_id(&im->id);
}

static PyObject *py_im_size(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostImage *im;
    if (!to_image(o, &im))
        return NULL;
    SCHED_ACCESS("bpy.image.size", im, sizeof(*im), 0);
    return Py_BuildValue("(ii)", im->w, im->h);
}

/* Reads pixels [start, stop) with step. The pixels accessor does not take
 * the render-result lock: reading "Render Result" races with the render. */
static PyObject *py_im_get(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostImage *im;
    Py_ssize_t start, stop, step;
    if (!PyArg_ParseTuple(args, "O&nnn", to_image, &im, &start, &stop, &step))
        return NULL;
    SCHED_ACCESS("bpy.image.size", im, sizeof(*im), 0);
    Py_ssize_t len = (Py_ssize_t)im->w * im->h * 4;
    Py_ssize_t n = PySlice_AdjustIndices(len, &start, &stop, step);
    PyObject *t = PyTuple_New(n);
    if (!t || !n)
        return t;
    const float *px = im->pixels;
    SCHED_ACCESS("bpy.image.pixels.read", px, (size_t)len * sizeof(float), 0);
    for (Py_ssize_t i = 0, k = start; i < n; i++, k += step)
        PyTuple_SET_ITEM(t, i, PyFloat_FromDouble(px[k]));
    return t;
}

static PyObject *py_im_set(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostImage *im;
    PyObject *seq;
    Py_ssize_t start, stop, step;
    if (!PyArg_ParseTuple(args, "O&nnnO", to_image, &im, &start, &stop, &step, &seq))
        return NULL;
    SCHED_ACCESS("bpy.image.size", im, sizeof(*im), 0);
    Py_ssize_t len = (Py_ssize_t)im->w * im->h * 4;
    Py_ssize_t n = PySlice_AdjustIndices(len, &start, &stop, step);
    PyObject *fast = PySequence_Fast(seq, "pixels: expected a sequence of floats");
    if (!fast)
        return NULL;
    if (PySequence_Fast_GET_SIZE(fast) != n) {
        PyErr_Format(PyExc_ValueError,
                     "bpy_prop_array[slice] = value: re-sizing bpy_struct element in arrays "
                     "isn't supported (expected %zd items, got %zd)",
                     n, PySequence_Fast_GET_SIZE(fast));
        Py_DECREF(fast);
        return NULL;
    }
    float *px = im->pixels;
    SCHED_ACCESS("bpy.image.pixels.write", px, (size_t)len * sizeof(float), 1);
    for (Py_ssize_t i = 0, k = start; i < n; i++, k += step) {
        double d = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(fast, i));
        if (d == -1.0 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return NULL;
        }
        px[k] = (float)d;
    }
    Py_DECREF(fast);
    Py_RETURN_NONE;
}

static PyObject *py_im_scale(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostImage *im;
    int w, h;
    if (!PyArg_ParseTuple(args, "O&ii", to_image, &im, &w, &h))
        return NULL;
    if (w < 1 || h < 1 || (long)w * h > (1L << 26)) {
        PyErr_Format(PyExc_ValueError, "Image.scale(): size %dx%d out of range", w, h);
        return NULL;
    }
    host_image_scale(bpy_host, im, w, h);
    Py_RETURN_NONE;
}

/* im_filepath(im[, path]): Image.filepath (and filepath_raw) */
static PyObject *py_im_filepath(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostImage *im;
    const char *path = NULL;
    if (!PyArg_ParseTuple(args, "O&|s", to_image, &im, &path))
        return NULL;
    if (path) {
        if (strlen(path) >= sizeof(im->filepath)) {
            PyErr_Format(PyExc_ValueError, "Image.filepath: longer than %zu bytes",
                         sizeof(im->filepath) - 1);
            return NULL;
        }
        host_image_set_filepath(bpy_host, im, path);
        Py_RETURN_NONE;
    }
    char buf[sizeof(im->filepath)];
    host_image_get_filepath(bpy_host, im, buf, sizeof(buf));
    return PyUnicode_DecodeFSDefault(buf);
}

/* im_meta(im[, source, file_format]): Image.source (an index) and
 * Image.file_format */
static PyObject *py_im_meta(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostImage *im;
    int source = -1;
    const char *fmt = NULL;
    if (!PyArg_ParseTuple(args, "O&|iz", to_image, &im, &source, &fmt))
        return NULL;
    if (source >= 0) {
        SCHED_WRITE("image.source", &im->source);
        im->source = source;
    }
    if (fmt) {
        SCHED_WRITE("image.file_format", &im->file_format);
        snprintf(im->file_format, sizeof(im->file_format), "%s", fmt);
    }
    SCHED_READ("image.source", &im->source);
    return Py_BuildValue("(is)", im->source, im->file_format[0] ? im->file_format : "PNG");
}

static PyObject *py_im_pack(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostImage *im;
    if (!to_image(o, &im))
        return NULL;
    if (host_image_pack(bpy_host, im) < 0)
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyObject *py_im_unpack(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostImage *im;
    if (!to_image(o, &im))
        return NULL;
    return PyBool_FromLong(host_image_unpack(bpy_host, im));
}

static PyObject *py_im_packed_size(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostImage *im;
    if (!to_image(o, &im))
        return NULL;
    return PyLong_FromLong(host_image_packed_size(bpy_host, im));
}

static PyObject *py_im_reload(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostImage *im;
    if (!to_image(o, &im))
        return NULL;
    host_image_reload(bpy_host, im);
    Py_RETURN_NONE;
}

ID_CONVERTER(to_text, HostText, HOST_ID_TXT)

/* txt_write(text, str, append): Text.write / from_string / clear */
static PyObject *py_txt_write(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostText *t;
    const char *s;
    Py_ssize_t n;
    int append;
    if (!PyArg_ParseTuple(args, "O&s#p", to_text, &t, &s, &n, &append))
        return NULL;
    if (host_text_write(bpy_host, t, s, (size_t)n, append) < 0)
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyObject *py_txt_read(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostText *t;
    if (!to_text(o, &t))
        return NULL;
    size_t n = 0;
    char *s = host_text_read(bpy_host, t, &n);
    if (!s)
        return PyErr_NoMemory();
    PyObject *r = PyUnicode_DecodeUTF8(s, (Py_ssize_t)n, "replace");
    free(s);
    return r;
}

/* ---- collections ----------------------------------------------------------- */

static PyObject *objects_list(HostObject **obs, int n)
{
    PyObject *list = PyList_New(n);
    if (!list)
        return NULL;
    for (int i = 0; i < n; i++) {
        PyObject *w = bpy_wrap_id(&obs[i]->id);
        if (!w) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, w);
    }
    return list;
}

static PyObject *py_coll_objects(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostCollection *c = (HostCollection *)bpy_unwrap_id(o, HOST_ID_GR);
    if (!c)
        return NULL;
    SCHED_READ("bpy.collection.objects", &c->objects);
    return objects_list(c->objects, c->nobjects);
}

static PyObject *py_coll_all_objects(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostCollection *c = (HostCollection *)bpy_unwrap_id(o, HOST_ID_GR);
    if (!c)
        return NULL;
    int n = 0;
    HostObject **obs = host_collection_all_objects(bpy_host, c, &n);
    return objects_list(obs, n);
}

static PyObject *py_coll_children(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostCollection *c = (HostCollection *)bpy_unwrap_id(o, HOST_ID_GR);
    if (!c)
        return NULL;
    SCHED_READ("bpy.collection.children", &c->children);
    PyObject *list = PyList_New(c->nchildren);
    for (int i = 0; list && i < c->nchildren; i++) {
        PyObject *w = bpy_wrap_id(&c->children[i]->id);
        if (!w) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, w);
    }
    return list;
}

static PyObject *py_coll_link(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostCollection *c;
    HostObject *ob;
    int unlink;
    if (!PyArg_ParseTuple(args, "O&O&p", to_collection, &c, to_object, &ob, &unlink))
        return NULL;
    int rc = unlink ? host_collection_unlink(bpy_host, c, ob) : host_collection_link(bpy_host, c, ob);
    if (rc != 0) {
        PyErr_Format(PyExc_RuntimeError,
                     unlink ? "Object '%s' not in collection '%s'"
                            : "Object '%s' already in collection '%s'",
                     ob->id.name, c->id.name);
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *py_coll_has(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostCollection *c;
    HostObject *ob;
    if (!PyArg_ParseTuple(args, "O&O&", to_collection, &c, to_object, &ob))
        return NULL;
    return PyBool_FromLong(host_collection_has(bpy_host, c, ob));
}

static PyObject *py_coll_link_child(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostCollection *c, *child;
    if (!PyArg_ParseTuple(args, "O&O&", to_collection, &c, to_collection, &child))
        return NULL;
    if (host_collection_link_child(bpy_host, c, child) != 0) {
        PyErr_Format(PyExc_RuntimeError,
                     "Collection '%s' already in collection '%s', or linking it would make a cycle",
                     child->id.name, c->id.name);
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *py_coll_hide(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostCollection *c;
    int hide;
    if (!PyArg_ParseTuple(args, "O&i", to_collection, &c, &hide))
        return NULL;
    if (hide < 0) {
        SCHED_READ("bpy.collection.hide_viewport", &c->hide_viewport);
        return PyBool_FromLong(c->hide_viewport);
    }
    host_collection_set_hide(bpy_host, c, hide);
    Py_RETURN_NONE;
}

/* ---- scenes ---------------------------------------------------------------- */

static int *scene_field(HostScene *sce, const char *name)
{
    if (strcmp(name, "frame_current") == 0)
        return &sce->frame_current;
    if (strcmp(name, "frame_start") == 0)
        return &sce->frame_start;
    if (strcmp(name, "frame_end") == 0)
        return &sce->frame_end;
    if (strcmp(name, "resolution_x") == 0)
        return &sce->resolution_x;
    if (strcmp(name, "resolution_y") == 0)
        return &sce->resolution_y;
    if (strcmp(name, "resolution_percentage") == 0)
        return &sce->resolution_percentage;
    PyErr_Format(PyExc_AttributeError, "Scene has no integer property '%s'", name);
    return NULL;
}

static PyObject *py_sce_get(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostScene *sce;
    const char *name;
    if (!PyArg_ParseTuple(args, "O&s", to_scene, &sce, &name))
        return NULL;
    int *f = scene_field(sce, name);
    if (!f)
        return NULL;
    SCHED_READ("bpy.scene.property", f);
    return PyLong_FromLong(*f);
}

static PyObject *py_sce_set(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostScene *sce;
    const char *name;
    int value;
    if (!PyArg_ParseTuple(args, "O&si", to_scene, &sce, &name, &value))
        return NULL;
    int *f = scene_field(sce, name);
    if (!f)
        return NULL;
    if (f == &sce->resolution_x || f == &sce->resolution_y) {
        if (value < 4 || value > 65536) {
            PyErr_Format(PyExc_ValueError, "%s: %d out of range [4, 65536]", name, value);
            return NULL;
        }
    } else if (f == &sce->resolution_percentage && (value < 1 || value > 32767)) {
        PyErr_Format(PyExc_ValueError, "%s: %d out of range [1, 32767]", name, value);
        return NULL;
    }
    SCHED_WRITE("bpy.scene.property", f);
    *f = value;
    Py_RETURN_NONE;
}

static PyObject *py_sce_filepath(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostScene *sce;
    PyObject *value = NULL;
    if (!PyArg_ParseTuple(args, "O&|O", to_scene, &sce, &value))
        return NULL;
    if (!value) {
        SCHED_READ("bpy.scene.render.filepath", &sce->filepath);
        return PyUnicode_FromString(sce->filepath);
    }
    const char *s = PyUnicode_AsUTF8(value);
    if (!s)
        return NULL;
    SCHED_WRITE("bpy.scene.render.filepath", &sce->filepath);
    snprintf(sce->filepath, sizeof(sce->filepath), "%s", s);
    Py_RETURN_NONE;
}

static PyObject *py_sce_frame_set(PyObject *self, PyObject *args)
{
    (void)self;
    ENTER();
    HostScene *sce;
    int frame;
    if (!PyArg_ParseTuple(args, "O&i", to_scene, &sce, &frame))
        return NULL;
    host_scene_frame_set(bpy_host, sce, frame);
    if (PyErr_Occurred())
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_sce_collection(PyObject *self, PyObject *o)
{
    (void)self;
    ENTER();
    HostScene *sce = (HostScene *)bpy_unwrap_id(o, HOST_ID_SCE);
    if (!sce)
        return NULL;
    return bpy_wrap_id(sce->master ? &sce->master->id : NULL);
}

#define M(name, fn, flags) {name, (PyCFunction)(void (*)(void))fn, flags, NULL}

PyMethodDef bpy_data_methods[] = {
    M("set_id_classes", py_set_id_classes, METH_VARARGS),
    M("id_new", py_id_new, METH_VARARGS),
    M("id_remove", py_id_remove, METH_O),
    M("id_list", py_id_list, METH_VARARGS),
    M("id_count", py_id_count, METH_VARARGS),
    M("id_find", py_id_find, METH_VARARGS),
    M("id_name", py_id_name, METH_O),
    M("id_rename", py_id_rename, METH_VARARGS),
    M("id_users", py_id_users, METH_O),
    M("id_valid", py_id_valid, METH_O),
    M("main_check", py_main_check, METH_NOARGS),
    M("ob_new", py_ob_new, METH_VARARGS),
    M("ob_vec_get", py_ob_vec_get, METH_VARARGS),
    M("ob_vec_set", py_ob_vec_set, METH_VARARGS),
    M("ob_axis_get", py_ob_axis_get, METH_VARARGS),
    M("ob_axis_set", py_ob_axis_set, METH_VARARGS),
    M("ob_data_get", py_ob_data_get, METH_O),
    M("ob_data_set", py_ob_data_set, METH_VARARGS),
    M("ob_parent_get", py_ob_parent_get, METH_O),
    M("ob_parent_set", py_ob_parent_set, METH_VARARGS),
    M("ob_hide_get", py_ob_hide_get, METH_O),
    M("ob_hide_set", py_ob_hide_set, METH_VARARGS),
    M("me_totvert", py_me_totvert, METH_O),
    M("me_vert", py_me_vert, METH_VARARGS),
    M("me_add_verts", py_me_add_verts, METH_VARARGS),
    M("me_update", py_me_update, METH_O),
    M("me_edit_mode", py_me_edit_mode, METH_VARARGS),
    M("vert_co_get", py_vert_co_get, METH_O),
    M("vert_co_set", py_vert_co_set, METH_VARARGS),
    M("vert_index", py_vert_index, METH_O),
    M("im_new", py_im_new, METH_VARARGS),
    M("im_size", py_im_size, METH_O),
    M("im_get", py_im_get, METH_VARARGS),
    M("im_set", py_im_set, METH_VARARGS),
    M("im_scale", py_im_scale, METH_VARARGS),
    M("im_filepath", py_im_filepath, METH_VARARGS),
    M("im_meta", py_im_meta, METH_VARARGS),
    M("im_pack", py_im_pack, METH_O),
    M("im_unpack", py_im_unpack, METH_O),
    M("im_packed_size", py_im_packed_size, METH_O),
    M("im_reload", py_im_reload, METH_O),
    M("txt_write", py_txt_write, METH_VARARGS),
    M("txt_read", py_txt_read, METH_O),
    M("coll_objects", py_coll_objects, METH_O),
    M("coll_all_objects", py_coll_all_objects, METH_O),
    M("coll_children", py_coll_children, METH_O),
    M("coll_link", py_coll_link, METH_VARARGS),
    M("coll_has", py_coll_has, METH_VARARGS),
    M("coll_link_child", py_coll_link_child, METH_VARARGS),
    M("coll_hide", py_coll_hide, METH_VARARGS),
    M("sce_get", py_sce_get, METH_VARARGS),
    M("sce_set", py_sce_set, METH_VARARGS),
    M("sce_filepath", py_sce_filepath, METH_VARARGS),
    M("sce_frame_set", py_sce_frame_set, METH_VARARGS),
    M("sce_collection", py_sce_collection, METH_O),
    {NULL, NULL, 0, NULL},
};

int bpy_data_init_types(PyObject *module)
{
    if (PyType_Ready(&BpyID_Type) < 0 || PyType_Ready(&VertRef_Type) < 0)
        return -1;
    if (PyModule_AddObjectRef(module, "ID", (PyObject *)&BpyID_Type) < 0)
        return -1;
    if (PyModule_AddObjectRef(module, "VertRef", (PyObject *)&VertRef_Type) < 0)
        return -1;
    PyModule_AddIntConstant(module, "OB", HOST_ID_OB);
    PyModule_AddIntConstant(module, "ME", HOST_ID_ME);
    PyModule_AddIntConstant(module, "IM", HOST_ID_IM);
    PyModule_AddIntConstant(module, "MA", HOST_ID_MA);
    PyModule_AddIntConstant(module, "GR", HOST_ID_GR);
    PyModule_AddIntConstant(module, "SCE", HOST_ID_SCE);
    PyModule_AddIntConstant(module, "TXT", HOST_ID_TXT);
    return 0;
}
