"""bpy for hostrace: Blender's Python API over the mock host.

Every read and write of host data goes through _bpy (C, instrumented), so a
sanitizer sees it and the scheduler can name it; this module holds only the
Python-side bookkeeping that Blender keeps in Python too (operator classes,
handler lists, argument handling).
"""

import sys as _sys
import threading as _threading
import types as _types

import _bpy
import mathutils as _mathutils

_Vector = _mathutils.Vector
_Euler = _mathutils.Euler


def _submodule(name, doc):
    m = _types.ModuleType("bpy." + name, doc)
    _sys.modules["bpy." + name] = m
    return m


types = _submodule("types", "bpy.types: the classes of Blender data and of add-on code")
app = _submodule("app", "bpy.app: application values, handlers and timers")
ops = _submodule("ops", "bpy.ops: operators")
utils = _submodule("utils", "bpy.utils: class registration")
props = _submodule("props", "bpy.props: property definitions")
_handlers_mod = _types.ModuleType("bpy.app.handlers")
_timers_mod = _types.ModuleType("bpy.app.timers")
_sys.modules["bpy.app.handlers"] = _handlers_mod
_sys.modules["bpy.app.timers"] = _timers_mod
app.handlers = _handlers_mod
app.timers = _timers_mod


def _not_found(key):
    return KeyError('bpy_prop_collection[key]: key "%s" not found' % key)


# ---------------------------------------------------------------------------
# IDs


class ID(_bpy.ID):
    __slots__ = ()
    _collection = "ids"
    _idprops = {}

    @property
    def name(self):
        return _bpy.id_name(self)

    @name.setter
    def name(self, value):
        _bpy.id_rename(self, str(value))

    @property
    def name_full(self):
        return _bpy.id_name(self)

    @property
    def users(self):
        return _bpy.id_users(self)

    def __getitem__(self, key):
        _bpy.id_name(self)  # ReferenceError once removed
        try:
            return ID._idprops[(id(self), key)]
        except KeyError:
            raise KeyError('bpy_struct[key]: key "%s" not found' % key) from None

    def __setitem__(self, key, value):
        _bpy.id_name(self)
        ID._idprops[(id(self), key)] = value

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __repr__(self):
        if not _bpy.id_valid(self):
            return "<bpy_struct, %s invalid>" % type(self).__name__
        return 'bpy.data.%s["%s"]' % (self._collection, _bpy.id_name(self))


class _ObVec:
    __slots__ = ("ob", "which")

    def __init__(self, ob, which):
        self.ob = ob
        self.which = which

    def get(self):
        return _bpy.ob_vec_get(self.ob, self.which)

    def set(self, value):
        _bpy.ob_vec_set(self.ob, self.which, value)


def _vec_property(which, cls):
    def get(self):
        _bpy.id_name(self)
        return cls._owned(_ObVec(self, which))

    def set_(self, value):
        _bpy.ob_vec_set(self, which, tuple(value))

    return property(get, set_)


class Object(ID):
    __slots__ = ()
    _collection = "objects"
    location = _vec_property(0, _Vector)
    rotation_euler = _vec_property(1, _Euler)
    scale = _vec_property(2, _Vector)

    @property
    def data(self):
        return _bpy.ob_data_get(self)

    @data.setter
    def data(self, value):
        _bpy.ob_data_set(self, value)

    @property
    def type(self):
        return "MESH" if isinstance(_bpy.ob_data_get(self), Mesh) else "EMPTY"

    @property
    def parent(self):
        return _bpy.ob_parent_get(self)

    @parent.setter
    def parent(self, value):
        _bpy.ob_parent_set(self, value)

    @property
    def hide_viewport(self):
        return _bpy.ob_hide_get(self)

    @hide_viewport.setter
    def hide_viewport(self, value):
        _bpy.ob_hide_set(self, bool(value))


class _VertCo:
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def get(self):
        return _bpy.vert_co_get(self.v)

    def set(self, value):
        _bpy.vert_co_set(self.v, value)


class MeshVertex:
    """A vertex of a mesh: keeps a raw pointer into the vertex array."""

    __slots__ = ("_ref",)

    def __init__(self, ref):
        self._ref = ref

    @property
    def co(self):
        _bpy.vert_co_get(self._ref)
        return _Vector._owned(_VertCo(self._ref))

    @co.setter
    def co(self, value):
        _bpy.vert_co_set(self._ref, tuple(value))

    @property
    def index(self):
        return _bpy.vert_index(self._ref)

    def __repr__(self):
        return "bpy.data.meshes[...].vertices[%d]" % self.index


class MeshVertices:
    __slots__ = ("_me",)

    def __init__(self, me):
        self._me = me

    def __len__(self):
        return _bpy.me_totvert(self._me)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        return MeshVertex(_bpy.me_vert(self._me, i))

    def __iter__(self):
        for i in range(len(self)):
            yield MeshVertex(_bpy.me_vert(self._me, i))

    def add(self, count):
        _bpy.me_add_verts(self._me, int(count))

    def foreach_get(self, attr, seq):
        if attr != "co":
            raise AttributeError("foreach_get: only 'co' is supported")
        n = len(self)
        if len(seq) != 3 * n:
            raise RuntimeError("internal error setting the array")
        for i in range(n):
            seq[3 * i:3 * i + 3] = _bpy.vert_co_get(_bpy.me_vert(self._me, i))

    def foreach_set(self, attr, seq):
        if attr != "co":
            raise AttributeError("foreach_set: only 'co' is supported")
        n = len(self)
        if len(seq) != 3 * n:
            raise RuntimeError("internal error setting the array")
        for i in range(n):
            _bpy.vert_co_set(_bpy.me_vert(self._me, i), tuple(seq[3 * i:3 * i + 3]))


class Mesh(ID):
    __slots__ = ()
    _collection = "meshes"

    @property
    def vertices(self):
        _bpy.id_name(self)
        return MeshVertices(self)

    @property
    def is_editmode(self):
        return _bpy.me_edit_mode(self, -1)

    def update(self, calc_edges=False, calc_edges_loose=False):
        _bpy.me_update(self)


class _Pixels:
    """Image.pixels: a flat RGBA float array. Takes no render-result lock."""

    __slots__ = ("_im",)

    def __init__(self, im):
        self._im = im

    def __len__(self):
        w, h = _bpy.im_size(self._im)
        return w * h * 4

    def __getitem__(self, i):
        n = len(self)
        if isinstance(i, slice):
            start, stop, step = i.indices(n)
            return _bpy.im_get(self._im, start, stop, step)
        i = int(i)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("bpy_prop_array[index]: index %d out of range" % i)
        return _bpy.im_get(self._im, i, i + 1, 1)[0]

    def __setitem__(self, i, value):
        n = len(self)
        if isinstance(i, slice):
            start, stop, step = i.indices(n)
            _bpy.im_set(self._im, start, stop, step, value)
            return
        i = int(i)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("bpy_prop_array[index] = value: index %d out of range" % i)
        _bpy.im_set(self._im, i, i + 1, 1, (float(value),))

    def __iter__(self):
        return iter(_bpy.im_get(self._im, 0, len(self), 1))

    def foreach_get(self, seq):
        values = _bpy.im_get(self._im, 0, len(self), 1)
        if len(seq) != len(values):
            raise RuntimeError("internal error setting the array")
        for i, v in enumerate(values):  # any mutable sequence or buffer
            seq[i] = v

    def foreach_set(self, seq):
        _bpy.im_set(self._im, 0, len(self), 1, seq)

    def __repr__(self):
        return "bpy.data.images[...].pixels"


class Image(ID):
    __slots__ = ()
    _collection = "images"

    @property
    def size(self):
        return _bpy.im_size(self)

    @property
    def pixels(self):
        _bpy.id_name(self)
        return _Pixels(self)

    @pixels.setter
    def pixels(self, value):
        _bpy.im_set(self, 0, len(_Pixels(self)), 1, value)

    @property
    def has_data(self):
        return True

    def scale(self, width, height):
        _bpy.im_scale(self, int(width), int(height))

    def update(self):
        _bpy.im_size(self)


class Material(ID):
    __slots__ = ()
    _collection = "materials"


class _NamedList:
    """A read-only bpy_prop_collection over a list of IDs."""

    def _items(self):
        raise NotImplementedError

    def __len__(self):
        return len(self._items())

    def __iter__(self):
        return iter(self._items())

    def __getitem__(self, key):
        items = self._items()
        if isinstance(key, str):
            for it in items:
                if it.name == key:
                    return it
            raise _not_found(key)
        if isinstance(key, slice):
            return items[key]
        try:
            return items[key]
        except IndexError:
            raise IndexError("bpy_prop_collection[index]: index %d out of range" % key) from None

    def __contains__(self, key):
        if isinstance(key, str):
            return any(it.name == key for it in self._items())
        return key in self._items()

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def keys(self):
        return [it.name for it in self._items()]

    def values(self):
        return list(self._items())

    def items(self):
        return [(it.name, it) for it in self._items()]


class CollectionObjects(_NamedList):
    __slots__ = ("_c",)

    def __init__(self, c):
        self._c = c

    def _items(self):
        return _bpy.coll_objects(self._c)

    def link(self, ob):
        _bpy.coll_link(self._c, ob, False)

    def unlink(self, ob):
        _bpy.coll_link(self._c, ob, True)

    def __contains__(self, key):
        if isinstance(key, Object):
            return _bpy.coll_has(self._c, key)
        return _NamedList.__contains__(self, key)


class CollectionAllObjects(_NamedList):
    __slots__ = ("_c",)

    def __init__(self, c):
        self._c = c

    def _items(self):
        return _bpy.coll_all_objects(self._c)


class CollectionChildren(_NamedList):
    __slots__ = ("_c",)

    def __init__(self, c):
        self._c = c

    def _items(self):
        return _bpy.coll_children(self._c)

    def link(self, child):
        _bpy.coll_link_child(self._c, child)


class Collection(ID):
    __slots__ = ()
    _collection = "collections"

    @property
    def objects(self):
        _bpy.id_name(self)
        return CollectionObjects(self)

    @property
    def all_objects(self):
        _bpy.id_name(self)
        return CollectionAllObjects(self)

    @property
    def children(self):
        _bpy.id_name(self)
        return CollectionChildren(self)

    @property
    def hide_viewport(self):
        return _bpy.coll_hide(self, -1)

    @hide_viewport.setter
    def hide_viewport(self, value):
        _bpy.coll_hide(self, 1 if value else 0)


def _int_property(field, target="_scene"):
    def get(self):
        return _bpy.sce_get(getattr(self, target) if target else self, field)

    def set_(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("%s.%s expected an int type, not %s"
                            % ("RenderSettings" if target else "Scene", field, type(value).__name__))
        _bpy.sce_set(getattr(self, target) if target else self, field, value)

    return property(get, set_)


class RenderSettings:
    __slots__ = ("_scene",)

    def __init__(self, scene):
        self._scene = scene

    resolution_x = _int_property("resolution_x")
    resolution_y = _int_property("resolution_y")
    resolution_percentage = _int_property("resolution_percentage")

    @property
    def filepath(self):
        return _bpy.sce_filepath(self._scene)

    @filepath.setter
    def filepath(self, value):
        _bpy.sce_filepath(self._scene, str(value))


class Scene(ID):
    __slots__ = ()
    _collection = "scenes"
    frame_current = _int_property("frame_current", None)
    frame_start = _int_property("frame_start", None)
    frame_end = _int_property("frame_end", None)

    def frame_set(self, frame, subframe=0.0):
        _bpy.sce_frame_set(self, int(frame))

    @property
    def render(self):
        _bpy.id_name(self)
        return RenderSettings(self)

    @property
    def collection(self):
        return _bpy.sce_collection(self)

    @property
    def objects(self):
        return CollectionAllObjects(_bpy.sce_collection(self))


_bpy.set_id_classes((Object, Mesh, Image, Material, Collection, Scene))


# ---------------------------------------------------------------------------
# bpy.data


class BlendDataCollection(_NamedList):
    __slots__ = ("_type", "_name")

    def __init__(self, t, name):
        self._type = t
        self._name = name

    def _items(self):
        return _bpy.id_list(self._type)

    def __len__(self):
        return _bpy.id_count(self._type)

    def __getitem__(self, key):
        if isinstance(key, str):
            found = _bpy.id_find(self._type, key)
            if found is None:
                raise _not_found(key)
            return found
        return _NamedList.__getitem__(self, key)

    def __contains__(self, key):
        if isinstance(key, str):
            return _bpy.id_find(self._type, key) is not None
        return _NamedList.__contains__(self, key)

    def get(self, key, default=None):
        if not isinstance(key, str):
            raise TypeError("bpy_prop_collection.get(key, ...): key must be a string")
        found = _bpy.id_find(self._type, key)
        return default if found is None else found

    def remove(self, datablock, do_unlink=True, do_id_user=True, do_ui_user=True):
        if not isinstance(datablock, ID):
            raise TypeError("remove(): expected an ID")
        _bpy.id_remove(datablock)

    def __repr__(self):
        return "bpy.data.%s" % self._name


class BlendDataObjects(BlendDataCollection):
    def new(self, name, object_data):
        return _bpy.ob_new(str(name), object_data)


class BlendDataImages(BlendDataCollection):
    def new(self, name, width, height, alpha=False, float_buffer=False, stereo3d=False,
            is_data=False, tiled=False):
        return _bpy.im_new(str(name), int(width), int(height), bool(alpha))


class BlendDataSimple(BlendDataCollection):
    def new(self, name):
        return _bpy.id_new(self._type, str(name))


class BlendData:
    objects = BlendDataObjects(_bpy.OB, "objects")
    meshes = BlendDataSimple(_bpy.ME, "meshes")
    images = BlendDataImages(_bpy.IM, "images")
    materials = BlendDataSimple(_bpy.MA, "materials")
    collections = BlendDataSimple(_bpy.GR, "collections")
    scenes = BlendDataSimple(_bpy.SCE, "scenes")

    @property
    def filepath(self):
        return ""

    @property
    def is_dirty(self):
        return True


data = BlendData()


# ---------------------------------------------------------------------------
# context, window manager, events


class Timer:
    __slots__ = ("_handle", "time_step", "time_duration")

    def __init__(self, handle, step):
        self._handle = handle
        self.time_step = step
        self.time_duration = 0.0


class WindowManager:
    __slots__ = ()

    def modal_handler_add(self, operator):
        _bpy.modal_add(operator)
        return True

    def event_timer_add(self, time_step, window=None):
        step = float(time_step)
        if step < 0:
            raise ValueError("event_timer_add(): time_step must be >= 0")
        return Timer(_bpy.event_timer_add(step), step)

    def event_timer_remove(self, timer):
        if not isinstance(timer, Timer):
            raise TypeError("event_timer_remove(): expected a Timer")
        _bpy.event_timer_remove(timer._handle)

    def progress_begin(self, min, max):
        pass

    def progress_update(self, value):
        pass

    def progress_end(self):
        pass


class _ViewLayerObjects:
    __slots__ = ()

    @property
    def active(self):
        return _bpy.ctx_active_object()

    @active.setter
    def active(self, ob):
        _bpy.ctx_active_object(ob)

    def __iter__(self):
        return iter(_bpy.ctx_scene().objects)

    def __len__(self):
        return len(_bpy.ctx_scene().objects)


class ViewLayer:
    __slots__ = ()
    name = "ViewLayer"
    objects = _ViewLayerObjects()

    def update(self):
        pass


class Event:
    __slots__ = ("type", "value", "mouse_x", "mouse_y", "shift", "ctrl", "alt")

    def __init__(self, type_, value="NOTHING"):
        self.type = type_
        self.value = value
        self.mouse_x = self.mouse_y = 0
        self.shift = self.ctrl = self.alt = False


class Context:
    __slots__ = ()

    @property
    def scene(self):
        return _bpy.ctx_scene()

    @property
    def view_layer(self):
        return _view_layer

    @property
    def active_object(self):
        return _bpy.ctx_active_object()

    @property
    def object(self):
        return _bpy.ctx_active_object()

    @property
    def window_manager(self):
        return _window_manager

    @property
    def mode(self):
        ob = _bpy.ctx_active_object()
        if isinstance(ob, Object) and isinstance(ob.data, Mesh) and ob.data.is_editmode:
            return "EDIT_MESH"
        return "OBJECT"

    window = None
    area = None
    region = None
    screen = None


_window_manager = WindowManager()
_view_layer = ViewLayer()
context = Context()


# ---------------------------------------------------------------------------
# bpy.types for add-on code


class bpy_struct:
    pass


class Operator(bpy_struct):
    bl_idname = ""
    bl_label = ""
    bl_description = ""
    bl_options = set()

    def report(self, type, message):
        level = next(iter(type)) if type else "INFO"
        print("%s: %s" % (level, message))


class Panel(bpy_struct):
    pass


class Menu(bpy_struct):
    pass


class Header(bpy_struct):
    pass


class UIList(bpy_struct):
    pass


class PropertyGroup(bpy_struct):
    pass


class AddonPreferences(bpy_struct):
    pass


class SpaceView3D:
    @staticmethod
    def draw_handler_add(callback, args, region_type, draw_type):
        if not callable(callback):
            raise TypeError("draw_handler_add(): callback must be callable")
        return _DrawHandle(_bpy.draw_handler_add((callback, tuple(args))))

    @staticmethod
    def draw_handler_remove(handle, region_type):
        if not isinstance(handle, _DrawHandle):
            raise TypeError("draw_handler_remove(): expected a handle from draw_handler_add")
        if not _bpy.draw_handler_remove(handle._ptr):
            raise ValueError("draw_handler_remove(): handler not found")


class _DrawHandle:
    __slots__ = ("_ptr",)

    def __init__(self, ptr):
        self._ptr = ptr


for _cls in (ID, Object, Mesh, MeshVertex, Image, Material, Collection, Scene, RenderSettings,
             BlendData, Context, WindowManager, Timer, Event, ViewLayer, bpy_struct, Operator,
             Panel, Menu, Header, UIList, PropertyGroup, AddonPreferences, SpaceView3D):
    setattr(types, _cls.__name__, _cls)
types.BlendDataObjects = BlendDataObjects
types.Depsgraph = None  # set below


class Depsgraph:
    __slots__ = ("scene",)

    def __init__(self, scene):
        self.scene = scene


types.Depsgraph = Depsgraph


# ---------------------------------------------------------------------------
# bpy.props: defaults only (there is no UI to edit them)


def _prop(kind):
    def make(**kw):
        return ("_hostrace_prop", kind, kw)

    make.__name__ = kind
    return make


for _k in ("BoolProperty", "IntProperty", "FloatProperty", "StringProperty", "EnumProperty",
           "FloatVectorProperty", "IntVectorProperty", "BoolVectorProperty",
           "PointerProperty", "CollectionProperty"):
    setattr(props, _k, _prop(_k))


def _prop_default(spec):
    _, kind, kw = spec
    if "default" in kw:
        return kw["default"]
    if kind == "EnumProperty":
        items = kw.get("items") or ()
        return items[0][0] if items and not callable(items) else ""
    return {"BoolProperty": False, "IntProperty": 0, "FloatProperty": 0.0,
            "StringProperty": ""}.get(kind)


# ---------------------------------------------------------------------------
# bpy.utils and bpy.ops

_operators = {}


def register_class(cls):
    for name, spec in list(getattr(cls, "__annotations__", {}).items()):
        if isinstance(spec, tuple) and spec and spec[0] == "_hostrace_prop":
            setattr(cls, name, _prop_default(spec))
    if isinstance(cls, type) and issubclass(cls, Operator):
        idname = getattr(cls, "bl_idname", "")
        if idname.count(".") != 1 or not all(idname.split(".")):
            raise ValueError("register_class(...): invalid bl_idname '%s', expected 'category.name'" % idname)
        _operators[idname] = cls


def unregister_class(cls):
    for k, v in list(_operators.items()):
        if v is cls:
            del _operators[k]


utils.register_class = register_class
utils.unregister_class = unregister_class


def _to_set(r, idname):
    if isinstance(r, (set, frozenset)):
        return set(r)
    raise ValueError("Python operator %s returned %r, expected a set of strings" % (idname, r))


def _builtin_render(exec_ctx, animation=False, write_still=False, use_viewport=False, layer="",
                    scene=""):
    r = _bpy.render(exec_ctx.startswith("INVOKE"), bool(animation), bool(write_still))
    return {r}


def _builtin_editmode_toggle(exec_ctx):
    return {_bpy.editmode_set(-1)}


def _builtin_mode_set(exec_ctx, mode="OBJECT", toggle=False):
    if mode not in ("OBJECT", "EDIT"):
        raise TypeError("mode_set(): mode '%s' not supported here" % mode)
    return {_bpy.editmode_set(1 if mode == "EDIT" else 0)}


_builtins = {
    "render.render": _builtin_render,
    "object.editmode_toggle": _builtin_editmode_toggle,
    "object.mode_set": _builtin_mode_set,
}

_EXEC_CONTEXTS = ("INVOKE_DEFAULT", "INVOKE_REGION_WIN", "INVOKE_AREA", "INVOKE_SCREEN",
                  "EXEC_DEFAULT", "EXEC_REGION_WIN", "EXEC_AREA", "EXEC_SCREEN")


class _OpCaller:
    __slots__ = ("idname",)

    def __init__(self, idname):
        self.idname = idname

    def __call__(self, *args, **kw):
        exec_ctx = "EXEC_DEFAULT"
        args = list(args)
        if args and isinstance(args[0], str):
            exec_ctx = args.pop(0)
            if exec_ctx not in _EXEC_CONTEXTS:
                raise TypeError("bpy.ops.%s(): unknown execution context '%s'" % (self.idname, exec_ctx))
        if args and isinstance(args[0], bool):
            args.pop(0)  # undo flag
        builtin = _builtins.get(self.idname)
        cls = _operators.get(self.idname)
        if builtin is None and cls is None:
            raise AttributeError('Calling operator "bpy.ops.%s" error, could not be found' % self.idname)
        _bpy.op_enter()
        try:
            if builtin is not None:
                return builtin(exec_ctx, **kw)
            return _call_python_operator(cls, self.idname, exec_ctx, kw)
        finally:
            _bpy.op_exit()

    def poll(self, *args):
        cls = _operators.get(self.idname)
        if cls is None:
            return self.idname in _builtins
        poll = getattr(cls, "poll", None)
        return bool(poll(context)) if poll else True

    def __repr__(self):
        return "bpy.ops.%s" % self.idname


def _call_python_operator(cls, idname, exec_ctx, kw):
    poll = getattr(cls, "poll", None)
    if poll is not None and not poll(context):
        raise RuntimeError("Operator bpy.ops.%s.poll() failed, context is incorrect" % idname)
    op = cls.__new__(cls)
    init = getattr(cls, "__init__", None)
    if init is not None and init is not object.__init__:
        try:
            op.__init__()
        except TypeError:
            pass
    for k, v in kw.items():
        setattr(op, k, v)
    if exec_ctx.startswith("INVOKE") and hasattr(op, "invoke"):
        return _to_set(op.invoke(context, Event("NONE")), idname)
    if hasattr(op, "execute"):
        return _to_set(op.execute(context), idname)
    return {"CANCELLED"}


class _OpCategory:
    __slots__ = ("_cat",)

    def __init__(self, cat):
        self._cat = cat

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _OpCaller(self._cat + "." + name)


def _ops_getattr(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _OpCategory(name)


ops.__getattr__ = _ops_getattr


# ---------------------------------------------------------------------------
# bpy.app: handlers, timers, run_on_main

_HANDLER_NAMES = _bpy.handler_names()
_RENDER_HANDLERS = {n for n in _HANDLER_NAMES if n.startswith("render_")}


class _HandlerList(list):
    """A handler list; the host mirrors its length and reads it before it
    takes the GIL."""

    __slots__ = ("_index",)

    def __init__(self, index):
        super().__init__()
        self._index = index

    def _sync(self):
        _bpy.handler_count_set(self._index, list.__len__(self))

    def append(self, fn):
        list.append(self, fn)
        self._sync()

    def insert(self, i, fn):
        list.insert(self, i, fn)
        self._sync()

    def remove(self, fn):
        list.remove(self, fn)
        self._sync()

    def pop(self, *args):
        r = list.pop(self, *args)
        self._sync()
        return r

    def clear(self):
        list.clear(self)
        self._sync()

    def extend(self, fns):
        list.extend(self, fns)
        self._sync()

    def __delitem__(self, i):
        list.__delitem__(self, i)
        self._sync()

    def __setitem__(self, i, v):
        list.__setitem__(self, i, v)
        self._sync()

    def __iadd__(self, other):
        list.extend(self, other)
        self._sync()
        return self


for _i, _n in enumerate(_HANDLER_NAMES):
    setattr(_handlers_mod, _n, _HandlerList(_i))


def persistent(fn):
    """Keeps a handler registered across file loads."""
    try:
        fn._bpy_persistent = True
    except AttributeError:
        pass
    return fn


_handlers_mod.persistent = persistent


def _arity(fn):
    code = getattr(fn, "__code__", None)
    if code is None:
        call = getattr(fn, "__call__", None)
        code = getattr(getattr(call, "__func__", None), "__code__", None)
        if code is None:
            return 2
        return code.co_argcount - 1
    if code.co_flags & 0x04:  # *args
        return 2
    n = code.co_argcount
    if getattr(fn, "__self__", None) is not None:
        n -= 1
    return n


def _run_handlers(name, scene):
    lst = getattr(_handlers_mod, name)
    depsgraph = None if name in _RENDER_HANDLERS else Depsgraph(scene)
    for fn in list(lst):
        try:
            n = _arity(fn)
            fn(*(scene, depsgraph)[:max(0, min(n, 2))])
        except Exception as e:
            _bpy.report_exception(e, "handler bpy.app.handlers.%s" % name)


def _timers_register(function, first_interval=0.0, persistent=False):
    if not callable(function):
        raise TypeError("bpy.app.timers.register(function): function must be callable")
    _bpy.timer_register(function, float(first_interval))


def _timers_unregister(function):
    if not _bpy.timer_unregister(function):
        raise ValueError("Error: function is not registered")


def _timers_is_registered(function):
    return _bpy.timer_is_registered(function)


_timers_mod.register = _timers_register
_timers_mod.unregister = _timers_unregister
_timers_mod.is_registered = _timers_is_registered


def _run_timer(fn):
    try:
        r = fn()
    except Exception as e:
        _bpy.report_exception(e, "timer %s" % getattr(fn, "__qualname__", repr(fn)))
        return None
    if r is None:
        return None
    return float(r)


class _MainCall:
    __slots__ = ("fn", "event", "done", "cancelled", "result", "exc")

    def __init__(self, fn, wait):
        self.fn = fn
        self.event = _threading.Event() if wait else None
        self.done = False
        self.cancelled = False
        self.result = None
        self.exc = None

    def _hr_cancel(self):
        if not self.done:
            self.cancelled = True
            if self.event is not None:
                self.event.set()


def run_on_main(fn, wait=False):
    """Runs fn on the main thread at the next event-loop iteration: the safe
    way for a thread to touch Blender data. With wait=True, blocks until it
    ran and returns its result (or raises its exception)."""
    if not callable(fn):
        raise TypeError("run_on_main(fn): fn must be callable")
    if _bpy.is_main_thread():
        if wait:
            return fn()
        _bpy.queue_on_main(_MainCall(fn, False))
        return None
    call = _MainCall(fn, wait)
    _bpy.queue_on_main(call)
    if not wait:
        return None
    call.event.wait()
    if call.cancelled:
        raise RuntimeError("bpy.app.run_on_main(): the host shut down before the call ran")
    if call.exc is not None:
        raise call.exc
    return call.result


def _run_queued(call):
    try:
        call.result = call.fn()
    except Exception as e:
        if call.event is not None:
            call.exc = e
        else:
            _bpy.report_exception(e, "bpy.app.run_on_main call")
    finally:
        call.done = True
        if call.event is not None:
            call.event.set()


app.run_on_main = run_on_main
app.version = (4, 2, 0)
app.version_string = "4.2.0 (hostrace mock)"
app.binary_path = ""
app.background = False
app.debug = False
app.driver_namespace = {}
app.is_job_running = lambda job_type: _bpy.jobs_running(str(job_type))


# ---------------------------------------------------------------------------
# hooks the host calls


def _modal(op, event_type):
    try:
        r = _to_set(op.modal(context, Event(event_type)), type(op).__name__)
    except Exception as e:
        _bpy.report_exception(e, "modal operator %s" % type(op).__name__)
        return False
    return "RUNNING_MODAL" in r or "PASS_THROUGH" in r


def _modal_cancel(op):
    cancel = getattr(op, "cancel", None)
    if cancel is not None:
        try:
            cancel(context)
        except Exception as e:
            _bpy.report_exception(e, "modal operator %s cancel" % type(op).__name__)


def _draw(handler):
    cb, args = handler
    try:
        cb(*args)
    except Exception as e:
        _bpy.report_exception(e, "draw handler %s" % getattr(cb, "__qualname__", repr(cb)))


def _describe_target(t):
    fn = getattr(t, "_target", None) or getattr(t, "function", None)
    fn = getattr(fn, "__func__", fn)
    code = getattr(fn, "__code__", None)
    qual = getattr(fn, "__qualname__", None) or (repr(fn) if fn is not None else type(t).__name__)
    if code is None:
        return qual, qual
    base = code.co_filename.rsplit("/", 1)[-1]
    where = "%s:%d" % (base, code.co_firstlineno)
    return "%s (%s)" % (qual, where), "%s@%s" % (qual, where)


def _check_threads():
    main = _threading.main_thread()
    for t in _threading.enumerate():
        if t is main or not t.is_alive():
            continue
        desc, key = _describe_target(t)
        _bpy.report_warning(
            "thread-outlives-script", "%s:%s" % (type(t).__name__, key),
            "thread '%s' (%s%s, target %s) is still running after the script returned; "
            "Blender supports only threads that finish before the script does"
            % (t.name, "daemon " if t.daemon else "", type(t).__name__, desc), t.name)


def _join_threads(timeout):
    import time
    deadline = time.monotonic() + timeout
    main = _threading.main_thread()
    stuck = []
    for t in _threading.enumerate():
        if t is main or t.daemon or not t.is_alive():
            continue
        t.join(max(0.0, deadline - time.monotonic()))
        if t.is_alive():
            stuck.append(t)
    for t in stuck:
        desc, key = _describe_target(t)
        _bpy.report_warning(
            "hang", "join:%s" % key,
            "non-daemon thread '%s' (target %s) did not finish within %.0f s after the "
            "event loop stopped; Python's shutdown would wait for it forever" % (t.name, desc, timeout),
            t.name)
    return bool(stuck)


_orig_excepthook = _threading.excepthook


def _thread_excepthook(args):
    if args.exc_type is SystemExit:
        return
    _bpy.report_exception(args.exc_value, "thread '%s'" % (args.thread.name if args.thread else "?"))
    _orig_excepthook(args)


_threading.excepthook = _thread_excepthook

_bpy.set_hooks({
    "handlers": _run_handlers,
    "timer": _run_timer,
    "modal": _modal,
    "modal_cancel": _modal_cancel,
    "draw": _draw,
    "queued": _run_queued,
    "check_threads": _check_threads,
    "join_threads": _join_threads,
})

del _cls, _k, _i, _n
