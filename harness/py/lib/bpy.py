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
# RNA structs, add-on properties (bpy.props), custom properties, and the
# gaps of the model
#
# Property values live in the host (IDProperty groups, harness/host/props.c)
# where Blender keeps them: on the ID, the window manager or the add-on's
# preferences, so that a thread writing one races with the UI drawing it.

import inspect as _inspect

_MISSING = object()
# names add-ons defined as properties: an AttributeError on one of them is
# the add-on's own, never a gap of the model
_addon_names = set()


def _opt(obj, name, default=None):
    """getattr without __getattr__: hostrace's own probes of add-on classes
    (is there a poll(), an invoke()?) are not the add-on's API use."""
    if _inspect.getattr_static(obj, name, _MISSING) is _MISSING:
        return default
    return getattr(obj, name)


def _script_site():
    f = _sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith("<hostrace"):
        f = f.f_back
    if f is None:
        return "?"
    return "%s:%d" % (f.f_code.co_filename.rsplit("/", 1)[-1], f.f_lineno)


def _bpy_type_name(cls):
    """The bpy type a class is, or derives from: "Operator" for an add-on's
    operator class."""
    for k in cls.__mro__:
        if getattr(k, "__module__", None) == "bpy.types":
            return k.__name__
    return cls.__name__


def _unsupported(owner, name):
    """A name the model does not have: the AttributeError a missing name
    raises, and an unsupported-api warning, which the script cannot catch:
    a clean result must not hide what the mock did not run."""
    key = "%s.%s" % (owner, name)
    where = _script_site()
    _bpy.report_warning(
        "unsupported-api", key,
        "%s is not modelled by hostrace (first used at %s): what it does in Blender, "
        "and any race on it, is not covered by this result" % (key, where))
    return AttributeError("'%s' object has no attribute '%s'" % (owner, name))


def _missing(owner, name):
    if name.startswith("_") or name in _addon_names:
        return AttributeError("'%s' object has no attribute '%s'" % (owner, name))
    return _unsupported(owner, name)


class _RNAMeta(type):
    """The metaclass of bpy types: a property assigned to a type
    (bpy.types.Scene.my_tool = PointerProperty(...)) becomes an RNA
    property of every instance, stored in the instance's IDProperty group."""

    def __setattr__(cls, name, value):
        if isinstance(value, _PropertyDeferred):
            value = _RNAProperty(name, value, cls)
            _addon_names.add(name)
        type.__setattr__(cls, name, value)

    def __getattr__(cls, name):
        raise _missing(_bpy_type_name(cls), name)


class bpy_struct(metaclass=_RNAMeta):
    __slots__ = ()

    def __getattr__(self, name):
        raise _missing(_bpy_type_name(type(self)), name)

    def _hr_props(self):
        raise TypeError("bpy_struct: %s does not support custom properties" % type(self).__name__)

    # custom (ID) properties: self["key"]

    def __getitem__(self, key):
        r = _bpy.prop_get(self._hr_props(), _idprop_key(key))
        if r is None:
            raise KeyError('bpy_struct[key]: key "%s" not found' % key)
        return _idprop_value(r, self)

    def __setitem__(self, key, value):
        _idprop_set(self._hr_props(), _idprop_key(key), value)

    def __delitem__(self, key):
        if not _bpy.prop_del(self._hr_props(), _idprop_key(key)):
            raise KeyError('del bpy_struct[key]: key "%s" not found' % key)

    def __contains__(self, key):
        return _bpy.prop_get(self._hr_props(), _idprop_key(key)) is not None

    def get(self, key, default=None):
        r = _bpy.prop_get(self._hr_props(), _idprop_key(key))
        return default if r is None else _idprop_value(r, self)

    def keys(self):
        return _bpy.prop_keys(self._hr_props())

    def values(self):
        return [self[k] for k in self.keys()]

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def pop(self, key, *default):
        r = _bpy.prop_get(self._hr_props(), _idprop_key(key))
        if r is None:
            if default:
                return default[0]
            raise KeyError('bpy_struct.pop(key): key "%s" not found' % key)
        v = _idprop_value(r, self)
        if isinstance(v, IDPropertyGroup):
            v = v.to_dict()
        _bpy.prop_del(self._hr_props(), key)
        return v

    def id_properties_ensure(self):
        return IDPropertyGroup(self._hr_props(), self)

    def is_property_set(self, name, ghost=True):
        return _bpy.prop_get(self._hr_props(), name) is not None

    def property_unset(self, name):
        _bpy.prop_del(self._hr_props(), name)


def _idprop_key(key):
    if not isinstance(key, str):
        raise TypeError("bpy_struct[key]: only strings are allowed as keys of ID properties")
    return key


def _idprop_value(r, owner):
    kind, v = r
    if kind == "g":
        return IDPropertyGroup(v, owner)
    if kind == "c":
        return _PropCollection(v, PropertyGroup, owner)
    if kind == "n" and isinstance(v, tuple):
        return IDPropertyArray(v)
    return v


def _idprop_set(h, key, value):
    """Stores a Python value as Blender converts it to an IDProperty."""
    if isinstance(value, bool):
        _bpy.prop_set(h, key, "b", value)
    elif isinstance(value, int):
        if not -2 ** 31 <= value < 2 ** 31:
            raise OverflowError("the value is out of range for an ID property (32-bit int)")
        _bpy.prop_set(h, key, "i", value)
    elif isinstance(value, float):
        _bpy.prop_set(h, key, "f", value)
    elif isinstance(value, str):
        _bpy.prop_set(h, key, "s", value)
    elif isinstance(value, (dict, IDPropertyGroup)):
        items = value.to_dict() if isinstance(value, IDPropertyGroup) else value
        _bpy.prop_del(h, key)
        g = _bpy.prop_set(h, key, "g", None)
        for k, v in items.items():
            _idprop_set(g, _idprop_key(k), v)
    elif isinstance(value, (list, tuple, IDPropertyArray)) and all(
            isinstance(x, (int, float)) for x in value) and 0 < len(value) <= 32:
        kind = "F" if any(isinstance(x, float) for x in value) else (
            "B" if all(isinstance(x, bool) for x in value) else "I")
        _bpy.prop_set(h, key, kind, tuple(value))
    elif isinstance(value, (list, tuple)) and all(isinstance(x, (int, float, str, dict))
                                                 for x in value):
        _bpy.prop_set(h, key, "o", list(value))
    elif isinstance(value, ID):
        _bpy.prop_set(h, key, "o", value)
    else:
        raise TypeError("bpy_struct[key] = val: invalid type %s for an ID property"
                        % type(value).__name__)


class IDPropertyArray(tuple):
    """An array ID property (read as a tuple)."""

    def to_list(self):
        return list(self)


class IDPropertyGroup:
    """A group ID property: a dict-like view of a group in the host."""

    __slots__ = ("_hr_h", "_owner")

    def __init__(self, h, owner):
        self._hr_h = h
        self._owner = owner

    def _hr_props(self):
        return self._hr_h

    __getitem__ = bpy_struct.__getitem__
    __setitem__ = bpy_struct.__setitem__
    __delitem__ = bpy_struct.__delitem__
    __contains__ = bpy_struct.__contains__
    get = bpy_struct.get
    keys = bpy_struct.keys
    values = bpy_struct.values
    items = bpy_struct.items
    pop = bpy_struct.pop

    def __len__(self):
        return len(self.keys())

    def __iter__(self):
        return iter(self.keys())

    def update(self, other):
        for k, v in dict(other).items():
            self[k] = v

    def clear(self):
        for k in self.keys():
            del self[k]

    def to_dict(self):
        out = {}
        for k in self.keys():
            v = self[k]
            if isinstance(v, IDPropertyGroup):
                v = v.to_dict()
            elif isinstance(v, IDPropertyArray):
                v = v.to_list()
            out[k] = v
        return out

    def __eq__(self, other):
        if isinstance(other, IDPropertyGroup):
            other = other.to_dict()
        return self.to_dict() == other

    def __repr__(self):
        return "<bpy id prop: owner=%r>" % (self._owner,)


class _PropertyDeferred:
    """What bpy.props.*Property(...) returns: the definition of a property,
    made real when its class is registered or it is assigned to a type."""

    __slots__ = ("function", "keywords")

    def __init__(self, function, keywords):
        self.function = function
        self.keywords = keywords

    def __repr__(self):
        return "<_PropertyDeferred, %s, %r>" % (self.function.__name__, self.keywords)


_COMMON_KW = {"name", "description", "translation_context", "options", "override", "tags",
              "update"}
_PROP_KW = {
    "BoolProperty": {"default", "subtype", "get", "set"},
    "BoolVectorProperty": {"default", "subtype", "size", "get", "set"},
    "IntProperty": {"default", "min", "max", "soft_min", "soft_max", "step", "subtype", "get",
                    "set"},
    "IntVectorProperty": {"default", "min", "max", "soft_min", "soft_max", "step", "subtype",
                          "size", "get", "set"},
    "FloatProperty": {"default", "min", "max", "soft_min", "soft_max", "step", "precision",
                      "subtype", "unit", "get", "set"},
    "FloatVectorProperty": {"default", "min", "max", "soft_min", "soft_max", "step",
                            "precision", "subtype", "unit", "size", "get", "set"},
    "StringProperty": {"default", "maxlen", "subtype", "search", "search_options", "get",
                       "set"},
    "EnumProperty": {"items", "default", "get", "set"},
    "PointerProperty": {"type", "poll"},
    "CollectionProperty": {"type"},
}


def _make_prop_fn(kind):
    allowed = _PROP_KW[kind] | _COMMON_KW

    def fn(**kw):
        unknown = set(kw) - allowed
        if unknown:
            raise TypeError("%s() got an unexpected keyword argument '%s'"
                            % (kind, sorted(unknown)[0]))
        if kind in ("PointerProperty", "CollectionProperty"):
            t = kw.get("type")
            if not (isinstance(t, type) and issubclass(t, (PropertyGroup, ID))):
                raise TypeError("%s(type=...): expected an ID or PropertyGroup subclass, not %r"
                                % (kind, t))
            if kind == "CollectionProperty" and not issubclass(t, PropertyGroup):
                raise TypeError("CollectionProperty(type=...): expected a PropertyGroup subclass")
        if kind == "EnumProperty" and "items" not in kw:
            raise TypeError("EnumProperty() missing required keyword argument 'items'")
        return _PropertyDeferred(fn, kw)

    fn.__name__ = fn.__qualname__ = kind
    fn.__module__ = "bpy.props"
    return fn


_NUM_DEFAULT = {"BoolProperty": False, "IntProperty": 0, "FloatProperty": 0.0}
_VEC_ELEM = {"BoolVectorProperty": (bool, "B", False), "IntVectorProperty": (int, "I", 0),
             "FloatVectorProperty": (float, "F", 0.0)}


def _enum_items(kw, obj):
    items = kw["items"]
    if callable(items):
        items = items(obj, context) or ()
    out = []
    for it in items:
        if it is None:
            continue
        out.append(it[0])
    return out


class _PropArray:
    """A vector property's value: indexable, writes back to the host."""

    __slots__ = ("_obj", "_prop")

    def __init__(self, obj, prop):
        self._obj = obj
        self._prop = prop

    def _values(self):
        return self._prop._read(self._obj)

    def __len__(self):
        return len(self._values())

    def __getitem__(self, i):
        return self._values()[i]

    def __setitem__(self, i, v):
        vals = list(self._values())
        vals[i] = v
        self._prop.__set__(self._obj, vals)

    def __iter__(self):
        return iter(self._values())

    def __eq__(self, other):
        try:
            return tuple(self._values()) == tuple(other)
        except TypeError:
            return NotImplemented

    def to_list(self):
        return list(self._values())

    def __repr__(self):
        return "bpy_prop_array(%r)" % (tuple(self._values()),)


class _RNAProperty:
    """An add-on property of a type: reads and writes the owner's group."""

    __slots__ = ("name", "deferred", "kind", "kw", "owner")

    def __init__(self, name, deferred, owner):
        self.name = name
        self.deferred = deferred
        self.kind = deferred.function.__name__
        self.kw = deferred.keywords
        self.owner = owner

    def _default(self, obj):
        kw = self.kw
        if self.kind in _NUM_DEFAULT:
            return type(_NUM_DEFAULT[self.kind])(kw.get("default", _NUM_DEFAULT[self.kind]))
        if self.kind in _VEC_ELEM:
            conv, _, zero = _VEC_ELEM[self.kind]
            size = int(kw.get("size", 3))
            d = kw.get("default", (zero,) * size)
            return tuple(conv(x) for x in d)
        if self.kind == "StringProperty":
            return kw.get("default", "")
        if self.kind == "EnumProperty":
            if "ENUM_FLAG" in kw.get("options", ()):
                return set(kw.get("default", ()))
            if "default" in kw and not callable(kw["items"]):
                d = kw["default"]
                return d if isinstance(d, str) else _enum_items(kw, obj)[int(d)]
            items = _enum_items(kw, obj)
            return items[0] if items else ""
        return None

    def _read(self, obj):
        r = _bpy.prop_get(obj._hr_props(), self.name)
        if r is None:
            return self._default(obj)
        v = r[1]
        if self.kind == "EnumProperty" and "ENUM_FLAG" in self.kw.get("options", ()):
            return set(v.split(",")) - {""} if isinstance(v, str) else set()
        return v

    def __get__(self, obj, cls=None):
        if obj is None:
            return self.deferred
        kw = self.kw
        if "get" in kw and self.kind not in ("PointerProperty", "CollectionProperty"):
            return kw["get"](obj)
        if self.kind == "PointerProperty":
            t = kw["type"]
            if issubclass(t, PropertyGroup):
                return t._hr_bind(_bpy.prop_set(obj._hr_props(), self.name, "g", None), obj)
            r = _bpy.prop_get(obj._hr_props(), self.name)
            v = None if r is None else r[1]
            if v is not None and not _bpy.id_valid(v):
                return None
            return v
        if self.kind == "CollectionProperty":
            return _PropCollection(_bpy.prop_set(obj._hr_props(), self.name, "c", None),
                                   kw["type"], obj)
        if self.kind in _VEC_ELEM:
            return _PropArray(obj, self)
        return self._read(obj)

    def __set__(self, obj, value):
        kw = self.kw
        where = "%s.%s" % (_bpy_type_name(type(obj)), self.name)
        if self.kind in ("CollectionProperty",) or (
                self.kind == "PointerProperty" and issubclass(kw["type"], PropertyGroup)):
            raise AttributeError('bpy_struct: attribute "%s" from "%s" is read-only'
                                 % (self.name, _bpy_type_name(type(obj))))
        value = self._coerce(value, where, obj)
        if "set" in kw and self.kind != "PointerProperty":
            kw["set"](obj, value)
        else:
            h = obj._hr_props()
            if self.kind == "PointerProperty":
                _bpy.prop_set(h, self.name, "o", value)
            elif self.kind in _NUM_DEFAULT:
                _bpy.prop_set(h, self.name, {"BoolProperty": "b", "IntProperty": "i",
                                             "FloatProperty": "f"}[self.kind], value)
            elif self.kind in _VEC_ELEM:
                _bpy.prop_set(h, self.name, _VEC_ELEM[self.kind][1], value)
            elif self.kind == "EnumProperty" and isinstance(value, set):
                _bpy.prop_set(h, self.name, "s", ",".join(sorted(value)))
            else:
                _bpy.prop_set(h, self.name, "s", value)
        upd = kw.get("update")
        if upd is not None:
            upd(obj, context)

    def _clamp(self, v):
        lo, hi = self.kw.get("min"), self.kw.get("max")
        if lo is not None and v < lo:
            v = type(v)(lo)
        if hi is not None and v > hi:
            v = type(v)(hi)
        return v

    def _coerce(self, value, where, obj):
        k = self.kind
        if k == "BoolProperty":
            if value not in (True, False, 0, 1) or isinstance(value, float):
                raise TypeError("bpy_struct: item.attr = val: %s expected True/False or 0/1, not %s"
                                % (where, type(value).__name__))
            return bool(value)
        if k == "IntProperty":
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError("bpy_struct: item.attr = val: %s expected an int type, not %s"
                                % (where, type(value).__name__))
            return self._clamp(int(value))
        if k == "FloatProperty":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError("bpy_struct: item.attr = val: %s expected a float type, not %s"
                                % (where, type(value).__name__))
            return self._clamp(float(value))
        if k in _VEC_ELEM:
            conv = _VEC_ELEM[k][0]
            size = int(self.kw.get("size", 3))
            try:
                vals = [self._clamp(conv(x)) if conv is not bool else bool(x) for x in value]
            except TypeError:
                raise TypeError("bpy_struct: item.attr = val: %s expected a sequence, not %s"
                                % (where, type(value).__name__)) from None
            if len(vals) != size:
                raise ValueError("bpy_struct: item.attr = val: %s sequence length %d, expected %d"
                                 % (where, len(vals), size))
            return vals
        if k == "StringProperty":
            if not isinstance(value, str):
                raise TypeError("bpy_struct: item.attr = val: %s expected a string type, not %s"
                                % (where, type(value).__name__))
            maxlen = self.kw.get("maxlen", 0)
            return value[:maxlen - 1] if maxlen else value
        if k == "EnumProperty":
            items = _enum_items(self.kw, obj)
            flag = "ENUM_FLAG" in self.kw.get("options", ())
            vals = value if flag else {value}
            if flag and not isinstance(value, set):
                raise TypeError("bpy_struct: item.attr = val: %s expected a set, not %s"
                                % (where, type(value).__name__))
            for v in vals:
                if not isinstance(v, str) or v not in items:
                    raise TypeError('bpy_struct: item.attr = val: enum "%s" not found in (%s)'
                                    % (v, ", ".join("'%s'" % i for i in items)))
            return value
        if k == "PointerProperty":
            t = self.kw["type"]
            if value is not None and not isinstance(value, t):
                raise TypeError("bpy_struct: item.attr = val: %s expected a %s type, not %s"
                                % (where, t.__name__, type(value).__name__))
            poll = self.kw.get("poll")
            if value is not None and poll is not None and not poll(obj, value):
                raise ValueError("bpy_struct: item.attr = val: %s: the poll function refused %r"
                                 % (where, value))
            return value
        return value


class _PropCollection:
    """A CollectionProperty's value (bpy_prop_collection of PropertyGroups)."""

    __slots__ = ("_c", "_type", "_owner")

    def __init__(self, c, t, owner):
        self._c = c
        self._type = t
        self._owner = owner

    def _item(self, h):
        return self._type._hr_bind(h, self._owner)

    def __len__(self):
        return _bpy.coll_len(self._c)

    def __iter__(self):
        for i in range(len(self)):
            h = _bpy.coll_at(self._c, i)
            if h is not None:
                yield self._item(h)

    def __getitem__(self, key):
        if isinstance(key, str):
            for it in self:
                if it.name == key:
                    return it
            raise _not_found(key)
        if isinstance(key, slice):
            return list(self)[key]
        i = int(key)
        if i < 0:
            i += len(self)
        h = _bpy.coll_at(self._c, i)
        if h is None:
            raise IndexError("bpy_prop_collection[index]: index %d out of range" % key)
        return self._item(h)

    def __contains__(self, key):
        return any(it.name == key for it in self) if isinstance(key, str) else False

    def get(self, key, default=None):
        try:
            return self[key]
        except (KeyError, IndexError):
            return default

    def find(self, key):
        for i, it in enumerate(self):
            if it.name == key:
                return i
        return -1

    def keys(self):
        return [it.name for it in self]

    def values(self):
        return list(self)

    def items(self):
        return [(it.name, it) for it in self]

    def add(self):
        return self._item(_bpy.coll_add(self._c))

    def remove(self, index):
        if not _bpy.coll_remove(self._c, int(index)):
            raise IndexError("bpy_prop_collection.remove(): index %d out of range" % index)

    def move(self, from_index, to_index):
        _bpy.coll_move(self._c, int(from_index), int(to_index))

    def clear(self):
        _bpy.coll_clear(self._c)

    def foreach_get(self, attr, seq):
        for i, it in enumerate(self):
            seq[i] = getattr(it, attr)

    def foreach_set(self, attr, seq):
        for i, it in enumerate(self):
            setattr(it, attr, seq[i])

    def __repr__(self):
        return "bpy_prop_collection(%d items)" % len(self)


# ---------------------------------------------------------------------------
# IDs


class ID(_bpy.ID, bpy_struct):
    __slots__ = ()
    _collection = "ids"

    def _hr_props(self):
        return _bpy.id_props(self)

    @property
    def name(self):
        return _bpy.id_name(self)

    @name.setter
    def name(self, value):
        if _bpy.id_is_evaluated(self):
            raise _unsupported("ID (evaluated copy)", "name")
        _bpy.id_rename(self, str(value))

    @property
    def name_full(self):
        return _bpy.id_name(self)

    @property
    def users(self):
        return _bpy.id_users(self)

    @property
    def id_data(self):
        return self

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


class MeshVertex(bpy_struct):
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

    @property
    def filepath(self):
        return _bpy.im_filepath(self)

    @filepath.setter
    def filepath(self, value):
        if not isinstance(value, str):
            raise TypeError("bpy_struct: item.attr = val: Image.filepath expected a string type, "
                            "not %s" % type(value).__name__)
        _bpy.im_filepath(self, value)

    filepath_raw = filepath

    @property
    def source(self):
        return _IMAGE_SOURCES[_bpy.im_meta(self)[0]]

    @source.setter
    def source(self, value):
        if value not in _IMAGE_SOURCES:
            raise TypeError('bpy_struct: item.attr = val: enum "%s" not found in (%s)'
                            % (value, ", ".join(repr(s) for s in _IMAGE_SOURCES)))
        _bpy.im_meta(self, _IMAGE_SOURCES.index(value))

    @property
    def file_format(self):
        return _bpy.im_meta(self)[1]

    @file_format.setter
    def file_format(self, value):
        if value not in _IMAGE_FORMATS:
            raise TypeError('bpy_struct: item.attr = val: enum "%s" not found in (%s)'
                            % (value, ", ".join(repr(s) for s in _IMAGE_FORMATS)))
        _bpy.im_meta(self, -1, value)

    @property
    def packed_file(self):
        n = _bpy.im_packed_size(self)
        return None if n < 0 else PackedFile(n)

    @property
    def packed_files(self):
        p = self.packed_file
        return [] if p is None else [p]

    def pack(self, data=None, data_len=0):
        """Packs the image's pixels into the .blend (a copy held by the
        image; the previous packed copy is freed)."""
        _bpy.im_pack(self)

    def unpack(self, method="USE_LOCAL"):
        if method not in ("USE_LOCAL", "WRITE_LOCAL", "USE_ORIGINAL", "WRITE_ORIGINAL",
                          "KEEP", "REMOVE"):
            raise TypeError('Image.unpack(): error with keyword argument "method" - enum "%s" '
                            'not found' % method)
        if not _bpy.im_unpack(self):
            raise RuntimeError("Error: Image not packed")

    def reload(self):
        """Drops the pixel buffer and reads the file again (PNG files are
        decoded; the pixels of other formats read as black)."""
        _bpy.im_reload(self)
        path = _bpy.im_filepath(self)
        if path:
            decoded = _png_read(_abspath_blend(path))
            if decoded is not None and decoded[:2] == _bpy.im_size(self):
                _bpy.im_set(self, 0, decoded[0] * decoded[1] * 4, 1, decoded[2])

    def save(self, filepath=None, quality=None, save_copy=False):
        path = filepath if filepath else _bpy.im_filepath(self)
        if not path:
            raise RuntimeError('Error: Image "%s" does not have a file path' % self.name)
        _png_write(_abspath_blend(path), self)

    def save_render(self, filepath, scene=None, quality=None):
        _png_write(_abspath_blend(filepath), self)


_IMAGE_SOURCES = ("FILE", "SEQUENCE", "MOVIE", "GENERATED", "VIEWER", "TILED")
_IMAGE_FORMATS = ("BMP", "IRIS", "PNG", "JPEG", "JPEG2000", "TARGA", "TARGA_RAW", "CINEON",
                  "DPX", "OPEN_EXR_MULTILAYER", "OPEN_EXR", "HDR", "TIFF", "WEBP")


class PackedFile(bpy_struct):
    __slots__ = ("size",)

    def __init__(self, size):
        self.size = size

    @property
    def data(self):
        return b"\0" * self.size


def _abspath_blend(path):
    """A path as Blender opens it: '//' is the .blend's folder (the
    working directory while the file is unsaved)."""
    return _os.path.join(_os.getcwd(), path[2:]) if path.startswith("//") else path


def _png_chunks(raw):
    pos = 8
    while pos + 8 <= len(raw):
        n = int.from_bytes(raw[pos:pos + 4], "big")
        yield raw[pos + 4:pos + 8], raw[pos + 8:pos + 8 + n]
        pos += 12 + n


def _png_read(path):
    """(width, height, RGBA floats bottom row first) of an 8-bit,
    non-interlaced PNG (grey, RGB, grey+alpha or RGBA), or None."""
    import zlib
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError:
        return None
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    head, idat = None, []
    for kind, body in _png_chunks(raw):
        if kind == b"IHDR":
            head = body
        elif kind == b"IDAT":
            idat.append(body)
    if head is None or len(head) < 13 or head[8] != 8 or head[12] != 0:
        return None
    w, h = int.from_bytes(head[0:4], "big"), int.from_bytes(head[4:8], "big")
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(head[9])
    if channels is None or w < 1 or h < 1 or w * h > (1 << 24):
        return None
    try:
        data = zlib.decompress(b"".join(idat))
    except zlib.error:
        return None
    stride = w * channels
    if len(data) < h * (stride + 1):
        return None
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ftype = data[y * (stride + 1)]
        row = bytearray(data[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if ftype == 1:
                row[i] = (row[i] + a) & 255
            elif ftype == 2:
                row[i] = (row[i] + b) & 255
            elif ftype == 3:
                row[i] = (row[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(row)
        prev = row
    out = []
    for row in reversed(rows):  # Blender's pixels start at the bottom row
        for x in range(w):
            px = row[x * channels:(x + 1) * channels]
            if channels == 1:
                rgba = (px[0], px[0], px[0], 255)
            elif channels == 2:
                rgba = (px[0], px[0], px[0], px[1])
            elif channels == 3:
                rgba = (px[0], px[1], px[2], 255)
            else:
                rgba = tuple(px)
            out.extend(v / 255.0 for v in rgba)
    return w, h, out


def _png_write(path, image):
    """Writes image as an 8-bit RGBA PNG (whatever its file_format)."""
    import zlib
    w, h = _bpy.im_size(image)
    px = _bpy.im_get(image, 0, w * h * 4, 1)
    raw = bytearray()
    for y in reversed(range(h)):
        raw.append(0)
        row = px[y * w * 4:(y + 1) * w * 4]
        raw.extend(max(0, min(255, int(round(v * 255.0)))) for v in row)

    def chunk(kind, body):
        return (len(body).to_bytes(4, "big") + kind + body +
                (zlib.crc32(kind + body) & 0xffffffff).to_bytes(4, "big"))

    head = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes((8, 6, 0, 0, 0))
    try:
        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) +
                    chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))
    except OSError as e:
        raise RuntimeError("Error: Could not write image: %s, '%s'" % (e.strerror, path))


class Material(ID):
    __slots__ = ()
    _collection = "materials"


class TextLine(bpy_struct):
    __slots__ = ("body",)

    def __init__(self, body):
        self.body = body


class Text(ID):
    """A text datablock: its body lives in the host (reallocated on every
    write, so a thread writing it races with a reader)."""
    __slots__ = ()
    _collection = "texts"

    def as_string(self):
        return _bpy.txt_read(self)

    def from_string(self, text):
        _bpy.txt_write(self, str(text), False)

    def write(self, text):
        _bpy.txt_write(self, str(text), True)

    def clear(self):
        _bpy.txt_write(self, "", False)

    @property
    def lines(self):
        return [TextLine(l) for l in _bpy.txt_read(self).split("\n")]

    @property
    def filepath(self):
        return ""

    @property
    def is_in_memory(self):
        return True

    @property
    def is_dirty(self):
        return True

    def as_module(self):
        mod = _types.ModuleType(self.name.rsplit(".", 1)[0])
        mod.__file__ = self.name
        exec(compile(self.as_string(), self.name, "exec"), mod.__dict__)
        return mod


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


class RenderSettings(bpy_struct):
    __slots__ = ("_scene",)

    def __init__(self, scene):
        self._scene = scene

    resolution_x = _int_property("resolution_x")
    resolution_y = _int_property("resolution_y")
    resolution_percentage = _int_property("resolution_percentage")

    @property
    def engine(self):
        return _bpy.sce_engine(self._scene)

    @engine.setter
    def engine(self, value):
        if not isinstance(value, str):
            raise TypeError("bpy_struct: item.attr = val: RenderSettings.engine expected a string "
                            "enum, not %s" % _builtin_type(value).__name__)
        if not _bpy.sce_engine(self._scene, value):
            raise TypeError('bpy_struct: item.attr = val: enum "%s" not found in (%s)'
                            % (value, ", ".join("'%s'" % i for i in _bpy.engine_ids())))

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


_bpy.set_id_classes((Object, Mesh, Image, Material, Collection, Scene, Text))


# ---------------------------------------------------------------------------
# drivers: FCurve, Driver, DriverVariable, DriverTarget (harness/py/bpy_anim.c)
#
# Every wrapper names its driver by (object, channel, index) and each access
# goes to the host, where the depsgraph's workers read it without a lock.

import ast as _ast
import math as _math

_DRIVER_PATHS = {"location": 0, "rotation_euler": 1, "scale": 2}
_DRIVER_TYPES = ("AVERAGE", "SUM", "SCRIPTED", "MIN", "MAX")
_DVAR_TYPES = ("SINGLE_PROP", "TRANSFORMS")
_DVAR_UNMODELLED = ("ROTATION_DIFF", "LOC_DIFF", "CONTEXT_PROP")
# host_channel: NONE, LOC, ROT, SCALE, IDPROP, FRAME
_TRANSFORM_TYPES = {}
for _k, (_c, _n) in {"LOC": (1, 3), "ROT": (2, 3), "SCALE": (3, 4)}.items():
    for _i, _a in enumerate("XYZ"):
        _TRANSFORM_TYPES["%s_%s" % (_k, _a)] = (_c, _i)
_TRANSFORM_TYPES["SCALE_AVG"] = (3, 3)
_TRANSFORM_TYPES_UNMODELLED = ("ROT_W",)
_ID_TYPES = {"OBJECT": Object, "SCENE": Scene}

# Blender's simple expressions (BLI_expr_pylike): evaluated in C without
# Python. The codes are host.h's HOST_SOP_*, HOST_SBIN_* and HOST_SFN_*.
_SOP = dict(CONST=0, VAR=1, NEG=2, NOT=3, BIN=4, FN1=5, FN2=6, FN3=7, MIN=8, MAX=9, IFELSE=10,
            AND=11, OR=12)
_SBIN = {_ast.Add: 0, _ast.Sub: 1, _ast.Mult: 2, _ast.Div: 3, _ast.Eq: 5, _ast.NotEq: 6,
         _ast.Lt: 7, _ast.LtE: 8, _ast.Gt: 9, _ast.GtE: 10}
_SFN = {
    1: {"radians": 0, "degrees": 1, "abs": 2, "fabs": 2, "floor": 3, "ceil": 4, "trunc": 5,
        "int": 5, "round": 6, "sin": 7, "cos": 8, "tan": 9, "asin": 10, "acos": 11,
        "atan": 12, "exp": 13, "log": 14, "sqrt": 15, "clamp": 16},
    2: {"atan2": 17, "log": 18, "pow": 19, "fmod": 20},
    3: {"lerp": 21, "clamp": 22, "smoothstep": 23},
}
_SCONST = {"pi": _math.pi, "True": 1.0, "False": 0.0}


def _simple_compile(expression, names):
    """The postfix program of a simple expression, or None when Blender
    would run it as Python. Parameters are frame and the variables (the
    last of a repeated name wins), then pi/True/False, then the functions."""
    try:
        tree = _ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return None
    params = ["frame"] + list(names)
    ops = []

    def emit(node):
        if isinstance(node, _ast.Constant):
            if not isinstance(node.value, (int, float)):
                return False
            ops.append((_SOP["CONST"], float(node.value)))
            return True
        if isinstance(node, _ast.Name):
            for i in range(len(params) - 1, -1, -1):
                if params[i] == node.id:
                    ops.append((_SOP["VAR"], float(i)))
                    return True
            if node.id in _SCONST:
                ops.append((_SOP["CONST"], _SCONST[node.id]))
                return True
            return False
        if isinstance(node, _ast.UnaryOp):
            if not emit(node.operand):
                return False
            if isinstance(node.op, _ast.USub):
                ops.append((_SOP["NEG"], 0.0))
            elif isinstance(node.op, _ast.Not):
                ops.append((_SOP["NOT"], 0.0))
            elif not isinstance(node.op, _ast.UAdd):
                return False
            return True
        if isinstance(node, _ast.BinOp):
            code = _SBIN.get(type(node.op))
            if code is None or code > 3:
                return False
            if not (emit(node.left) and emit(node.right)):
                return False
            ops.append((_SOP["BIN"], float(code)))
            return True
        if isinstance(node, _ast.Compare):
            # a < b < c: each pair, joined with and
            left = node.left
            if not emit(left):
                return False
            for k, (op, right) in enumerate(zip(node.ops, node.comparators)):
                code = _SBIN.get(type(op))
                if code is None or code < 5:
                    return False
                if k:
                    if not emit(left):
                        return False
                if not emit(right):
                    return False
                ops.append((_SOP["BIN"], float(code)))
                if k:
                    ops.append((_SOP["AND"], 0.0))
                left = right
            return True
        if isinstance(node, _ast.BoolOp):
            op = _SOP["AND"] if isinstance(node.op, _ast.And) else _SOP["OR"]
            if not emit(node.values[0]):
                return False
            for v in node.values[1:]:
                if not emit(v):
                    return False
                ops.append((op, 0.0))
            return True
        if isinstance(node, _ast.IfExp):
            if not (emit(node.body) and emit(node.test) and emit(node.orelse)):
                return False
            ops.append((_SOP["IFELSE"], 0.0))
            return True
        if isinstance(node, _ast.Call):
            if not isinstance(node.func, _ast.Name) or node.keywords or node.func.id in params:
                return False
            n = len(node.args)
            name = node.func.id
            if name in ("min", "max") and n > 0:
                if not all(emit(a) for a in node.args):
                    return False
                ops.append((_SOP["MIN" if name == "min" else "MAX"], float(n)))
                return True
            code = _SFN.get(n, {}).get(name)
            if code is None:
                return False
            if not all(emit(a) for a in node.args):
                return False
            ops.append((_SOP["FN%d" % n], float(code)))
            return True
        return False

    if not emit(tree.body) or len(ops) > 128:
        return None
    return ops


class DriverTarget(bpy_struct):
    __slots__ = ("_var",)

    def __init__(self, var):
        self._var = var

    def _get(self):
        return self._var._get()

    @property
    def id_type(self):
        return self._var._id_type

    @id_type.setter
    def id_type(self, value):
        if value not in _ID_TYPES:
            if value in ("MESH", "MATERIAL", "IMAGE", "COLLECTION", "TEXT", "WORLD", "CAMERA",
                         "LIGHT", "CURVE", "ARMATURE", "ACTION", "NODETREE", "KEY", "LATTICE",
                         "LIBRARY", "LINESTYLE", "MASK", "META", "MOVIECLIP", "PAINTCURVE",
                         "PALETTE", "PARTICLE", "LIGHT_PROBE", "SOUND", "SPEAKER", "TEXTURE",
                         "VOLUME", "WINDOWMANAGER", "WORKSPACE", "GREASEPENCIL", "CACHEFILE",
                         "BRUSH", "FONT", "CURVES", "POINTCLOUD", "GREASEPENCIL_V3"):
                raise _unsupported("DriverTarget", "id_type '%s'" % value)
            raise TypeError("bpy_struct: item.attr = val: enum \"%s\" not found in %s"
                            % (value, tuple(_ID_TYPES)))
        self._var._id_type = value
        self._var._set(target=None)

    @property
    def id(self):
        return self._get()[2]

    @id.setter
    def id(self, value):
        if value is not None and not isinstance(value, _ID_TYPES[self._var._id_type]):
            raise TypeError("DriverTarget.id expected a %s type, not %s"
                            % (_ID_TYPES[self._var._id_type].__name__, type(value).__name__))
        self._var._set(target=value)

    @property
    def data_path(self):
        return self._var._data_path

    @data_path.setter
    def data_path(self, value):
        self._var._data_path = str(value)
        self._var._set()

    @property
    def transform_type(self):
        return self._var._transform_type

    @transform_type.setter
    def transform_type(self, value):
        if value not in _TRANSFORM_TYPES:
            if value in _TRANSFORM_TYPES_UNMODELLED:
                raise _unsupported("DriverTarget", "transform_type '%s'" % value)
            raise TypeError("bpy_struct: item.attr = val: enum \"%s\" not found in %s"
                            % (value, tuple(_TRANSFORM_TYPES)))
        self._var._transform_type = value
        self._var._set()

    # world/local space and the rotation mode are kept, not applied: the
    # model has no parent matrices; the host reads the same memory
    transform_space = "WORLD_SPACE"
    rotation_mode = "AUTO"
    bone_target = ""


def _single_prop_channel(path):
    """(channel, index, prop) a SINGLE_PROP data path reads; (0, 0, '')
    for a path Blender cannot resolve; None for one the model lacks."""
    p = path.strip().replace(" ", "")
    if p == "frame_current":
        return (5, 0, "")
    if p.startswith('["') and p.endswith('"]'):
        return (4, 0, p[2:-2])
    for name, ch in (("location", 1), ("rotation_euler", 2), ("scale", 3)):
        if p.startswith(name):
            rest = p[len(name):]
            if rest in ("[0]", ".x"):
                return (ch, 0, "")
            if rest in ("[1]", ".y"):
                return (ch, 1, "")
            if rest in ("[2]", ".z"):
                return (ch, 2, "")
            if rest in ("", "[0:3]"):
                return (0, 0, "")  # a vector is not a number: invalid target
    return None


class DriverVariable(bpy_struct):
    __slots__ = ("_fc", "_i", "_id_type", "_data_path", "_transform_type")

    def __init__(self, fc, i):
        self._fc = fc
        self._i = i
        self._id_type = "OBJECT"
        self._data_path = ""
        self._transform_type = "LOC_X"

    def _get(self):
        return _bpy.drv_var_get(*self._fc._key(), self._i)

    def _set(self, target=Ellipsis, name=None, type_=None):
        cur = self._get()
        vname = cur[0] if name is None else name
        vtype = cur[1] if type_ is None else type_
        tgt = cur[2] if target is Ellipsis else target
        ch, idx, prop = 0, 0, ""
        if tgt is not None:
            if vtype == 1:  # TRANSFORMS
                if isinstance(tgt, Object):
                    ch, idx = _TRANSFORM_TYPES[self._transform_type]
            elif self._data_path:
                r = _single_prop_channel(self._data_path)
                if r is None:
                    # Blender accepts any path; this one reads 0 here, and
                    # the result says the model lacks it
                    _unsupported("DriverTarget", "data_path '%s'" % self._data_path)
                    r = (0, 0, "")
                ch, idx, prop = r
                if ch == 5 and not isinstance(tgt, Scene):
                    ch = 0
                if ch in (1, 2, 3) and not isinstance(tgt, Object):
                    ch = 0
        _bpy.drv_var_set(*self._fc._key(), self._i, vname, vtype, tgt, ch, idx, prop)

    @property
    def name(self):
        return self._get()[0]

    @name.setter
    def name(self, value):
        self._set(name=str(value)[:63])

    @property
    def type(self):
        return _DVAR_TYPES[self._get()[1]]

    @type.setter
    def type(self, value):
        if value in _DVAR_UNMODELLED:
            raise _unsupported("DriverVariable", "type '%s'" % value)
        if value not in _DVAR_TYPES:
            raise TypeError("bpy_struct: item.attr = val: enum \"%s\" not found in %s"
                            % (value, _DVAR_TYPES + _DVAR_UNMODELLED))
        self._set(type_=_DVAR_TYPES.index(value))

    @property
    def targets(self):
        return (DriverTarget(self),)

    @property
    def is_name_valid(self):
        n = self.name
        return n.isidentifier() and not n.startswith("_")

    def __eq__(self, other):
        return isinstance(other, DriverVariable) and other._fc == self._fc and other._i == self._i

    def __hash__(self):
        return hash((self._fc, self._i))


class DriverVariables(bpy_struct):
    __slots__ = ("_fc", "_vars")

    def __init__(self, fc):
        self._fc = fc

    def _wrappers(self, n):
        # the same wrapper for a variable while its driver lives, so that a
        # target's id_type, data_path and transform_type persist
        ws = _driver_vars.setdefault(self._fc._key_hash(), [])
        while len(ws) < n:
            ws.append(DriverVariable(self._fc, len(ws)))
        return ws

    def new(self):
        i = _bpy.drv_var_add(*self._fc._key())
        ws = self._wrappers(i)
        del ws[i:]
        ws.append(DriverVariable(self._fc, i))
        return ws[i]

    def remove(self, variable):
        if not _bpy.drv_var_remove(*self._fc._key(), variable._i):
            raise ReferenceError("DriverVariables.remove(): variable not found")
        ws = self._wrappers(variable._i + 1)
        del ws[variable._i]
        for k, w in enumerate(ws):
            w._i = k

    def __len__(self):
        return _bpy.drv_var_count(*self._fc._key())

    def __getitem__(self, i):
        n = len(self)
        if isinstance(i, str):
            for w in self:
                if w.name == i:
                    return w
            raise KeyError('bpy_prop_collection[key]: key "%s" not found' % i)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("bpy_prop_collection[index]: index %d out of range" % i)
        return self._wrappers(n)[i]

    def __iter__(self):
        return iter([self[i] for i in range(len(self))])


_driver_vars = {}


class Driver(bpy_struct):
    __slots__ = ("_fc",)

    def __init__(self, fc):
        self._fc = fc

    def _get(self):
        return _bpy.drv_get(*self._fc._key())

    @property
    def type(self):
        return _DRIVER_TYPES[self._get()["type"]]

    @type.setter
    def type(self, value):
        if value not in _DRIVER_TYPES:
            raise TypeError("bpy_struct: item.attr = val: enum \"%s\" not found in %s"
                            % (value, _DRIVER_TYPES))
        _bpy.drv_set_type(*self._fc._key(), _DRIVER_TYPES.index(value))

    @property
    def expression(self):
        return self._get()["expression"]

    @expression.setter
    def expression(self, value):
        value = str(value)
        names = [v.name for v in self.variables]
        _bpy.drv_set_expression(*self._fc._key(), value, _simple_compile(value, names))

    def _recompile(self):
        self.expression = self.expression

    @property
    def use_self(self):
        return self._get()["use_self"]

    @use_self.setter
    def use_self(self, value):
        _bpy.drv_set_use_self(*self._fc._key(), bool(value))

    @property
    def variables(self):
        return DriverVariables(self._fc)

    @property
    def is_valid(self):
        return not self._get()["invalid"]

    @is_valid.setter
    def is_valid(self, value):
        if value:
            self._recompile()

    @property
    def is_simple_expression(self):
        return self._get()["simple"]

    use_pose_rotation = False


class FCurve(bpy_struct):
    __slots__ = ("_ob", "_ch", "_i")

    def __init__(self, ob, ch, i):
        self._ob = ob
        self._ch = ch
        self._i = i

    def _key(self):
        return (self._ob, self._ch, self._i)

    def _key_hash(self):
        return (id(self._ob), self._ch, self._i)

    @property
    def data_path(self):
        return ("location", "rotation_euler", "scale")[self._ch]

    @property
    def array_index(self):
        return self._i

    @property
    def driver(self):
        _bpy.drv_get(*self._key())
        return Driver(self)

    @property
    def is_valid(self):
        return not _bpy.drv_get(*self._key())["invalid"]

    mute = False
    hide = False
    lock = False
    select = False

    def evaluate(self, frame):
        return _bpy.drv_get(*self._key())["value"]

    def __eq__(self, other):
        return isinstance(other, FCurve) and other._key() == self._key()

    def __hash__(self):
        return hash((id(self._ob), self._ch, self._i))

    def __repr__(self):
        return "bpy.data.objects['%s'].animation_data.drivers[\"%s\"][%d]" % (
            _bpy.id_name(self._ob), self.data_path, self._i)


class AnimDataDrivers(bpy_struct):
    __slots__ = ("_ob",)

    def __init__(self, ob):
        self._ob = ob

    def _all(self):
        return [FCurve(self._ob, ch, i) for ch, i in _bpy.drv_list(self._ob)]

    def __len__(self):
        return len(self._all())

    def __iter__(self):
        return iter(self._all())

    def __getitem__(self, i):
        return self._all()[i]

    def find(self, data_path, index=0):
        ch = _DRIVER_PATHS.get(data_path)
        for fc in self._all():
            if fc._ch == ch and fc._i == index:
                return fc
        return None

    def from_existing(self, src_driver=None):
        raise _unsupported("AnimDataDrivers", "from_existing")

    def new(self, data_path, index=0):
        return self._ob.driver_add(data_path, index)

    def remove(self, driver):
        if not _bpy.drv_remove(*driver._key()):
            raise ReferenceError("AnimDataDrivers.remove(): driver not found")
        _driver_vars.pop(driver._key_hash(), None)


class AnimData(bpy_struct):
    __slots__ = ("_ob",)

    def __init__(self, ob):
        self._ob = ob

    @property
    def drivers(self):
        return AnimDataDrivers(self._ob)

    action = None
    use_nla = True
    nla_tracks = ()


def _driver_channel(owner, path, index, fn):
    path = str(path)
    if not isinstance(owner, Object):
        _unsupported(type(owner).__name__, fn)
        raise TypeError("bpy_struct.%s(): hostrace models drivers on objects only, not on %s"
                        % (fn, type(owner).__name__))
    ch = _DRIVER_PATHS.get(path)
    if ch is None:
        head = path.split(".")[0].split("[")[0]
        # a name the type has (looked up without the metaclass's
        # unsupported-api fallback), or a custom property
        if path.startswith("[") or any(head in c.__dict__ for c in type(owner).__mro__):
            _unsupported("Object", "%s('%s')" % (fn, path))
            raise TypeError("bpy_struct.%s(): hostrace models drivers on location, "
                            "rotation_euler and scale only, not '%s'" % (fn, path))
        raise TypeError('bpy_struct.%s(): path spec "%s" not found' % (fn, path))
    if not -1 <= index <= 2:
        raise TypeError("bpy_struct.%s(): array index out of range" % fn)
    return ch


def _id_driver_add(self, path, index=-1):
    ch = _driver_channel(self, path, index, "driver_add")
    idx = range(3) if index == -1 else (index,)
    fcs = []
    for i in idx:
        _bpy.drv_add(self, ch, i)
        fcs.append(FCurve(self, ch, i))
    return fcs if index == -1 else fcs[0]


def _id_driver_remove(self, path, index=-1):
    ch = _driver_channel(self, path, index, "driver_remove")
    removed = False
    for i in (range(3) if index == -1 else (index,)):
        if _bpy.drv_remove(self, ch, i):
            removed = True
            _driver_vars.pop((id(self), ch, i), None)
    return removed


def _ob_animation_data(self):
    return AnimData(self) if _bpy.drv_list(self) else None


def _ob_animation_data_create(self):
    return AnimData(self)


def _ob_animation_data_clear(self):
    for ch, i in _bpy.drv_list(self):
        _bpy.drv_remove(self, ch, i)
        _driver_vars.pop((id(self), ch, i), None)


ID.driver_add = _id_driver_add
ID.driver_remove = _id_driver_remove
Object.animation_data = property(_ob_animation_data)
Object.animation_data_create = _ob_animation_data_create
Object.animation_data_clear = _ob_animation_data_clear

for _cls in (FCurve, Driver, DriverVariable, DriverTarget, AnimData, AnimDataDrivers,
             DriverVariables):
    setattr(types, _cls.__name__, _cls)
    type.__setattr__(_cls, "__module__", "bpy.types")


def _driver_namespace():
    """bpy.app.driver_namespace: what Blender puts there at start (math's
    names, bpy, mathutils) and what add-ons add."""
    ns = {k: v for k, v in vars(_math).items() if not k.startswith("_")}
    ns["mathutils"] = _mathutils
    return ns


_driver_code = {}


def _driver_exec(owner, ch, index, expression, names, values, use_self):
    """BPY_driver_exec: the expression in bpy.app.driver_namespace, with
    frame (and self) set in the namespace and the variables as locals."""
    where = "driver %s[%d] of object '%s'" % (("location", "rotation_euler", "scale")[ch],
                                              index, _bpy.id_name(owner))
    code = _driver_code.get(expression)
    if code is None:
        try:
            code = compile(expression, "<driver>", "eval")
        except SyntaxError as e:
            _bpy.report_exception(e, where)
            return None
        _driver_code[expression] = code
    ns = app.driver_namespace
    ns.setdefault("bpy", _sys.modules[__name__])
    ns["frame"] = values[0]
    if use_self:
        ns["self"] = owner
    try:
        r = eval(code, ns, dict(zip(names, values[1:])))
        return float(r)
    except Exception as e:
        _bpy.report_exception(e, where)
        return None


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
        if _bpy.id_is_evaluated(datablock):
            raise _unsupported(type(self).__name__, "remove(evaluated copy)")
        _bpy.id_remove(datablock)

    def __repr__(self):
        return "bpy.data.%s" % self._name


class BlendDataObjects(BlendDataCollection):
    def new(self, name, object_data):
        return _bpy.ob_new(str(name), object_data)


class BlendDataImages(BlendDataCollection):
    def new(self, name, width, height, alpha=False, float_buffer=False, stereo3d=False,
            is_data=False, tiled=False):
        im = _bpy.im_new(str(name), int(width), int(height), bool(alpha))
        _bpy.im_meta(im, _IMAGE_SOURCES.index("GENERATED"))
        return im

    def load(self, filepath, check_existing=False):
        """Loads an image file: PNG files are decoded (8-bit); other
        formats give a black image of the size their header says, and an
        unsupported-api warning (their pixels are not modelled)."""
        if not isinstance(filepath, str):
            raise TypeError("BlendDataImages.load(): filepath must be a str")
        if check_existing:
            for im in self:
                if im.filepath == filepath:
                    return im
        path = _abspath_blend(filepath)
        try:
            with open(path, "rb") as f:
                head = f.read(32)
        except OSError as e:
            raise RuntimeError("Error: Cannot read '%s': %s" % (filepath, e.strerror))
        decoded = _png_read(path)
        if decoded is None:
            size = _image_file_size(path)
            if size == (0, 0):
                raise RuntimeError("Error: Cannot load image '%s'" % filepath)
            _unsupported("BlendDataImages", "load(%s pixels)" % (head[1:4].decode("ascii", "replace")
                                                                  if head[:1] == b"\x89" else "non-PNG"))
            decoded = (size[0], size[1], None)
        w, h, pixels = decoded
        im = _bpy.im_new(_os.path.basename(filepath), w, h, True)
        if pixels is not None:
            _bpy.im_set(im, 0, w * h * 4, 1, pixels)
        _bpy.im_filepath(im, filepath)
        _bpy.im_meta(im, _IMAGE_SOURCES.index("FILE"))
        return im


class BlendDataSimple(BlendDataCollection):
    def new(self, name):
        return _bpy.id_new(self._type, str(name))


class BlendDataTexts(BlendDataCollection):
    def new(self, name):
        return _bpy.id_new(self._type, str(name))

    def load(self, filepath, internal=False):
        try:
            with open(_abspath_blend(filepath), encoding="utf-8", errors="replace") as f:
                body = f.read()
        except OSError as e:
            raise RuntimeError("Error: Cannot open file '%s': %s" % (filepath, e.strerror))
        t = _bpy.id_new(self._type, _os.path.basename(filepath))
        t.from_string(body)
        return t


class BlendDataLibraries(bpy_struct):
    """bpy.data.libraries: linked .blend files. hostrace opens none, so
    the collection is empty; load() and write() are unsupported (reading a
    .blend file is not modelled)."""

    __module__ = "bpy.types"

    def __len__(self):
        return 0

    def __iter__(self):
        return iter(())

    def __getitem__(self, key):
        raise _not_found(key) if isinstance(key, str) else IndexError(
            "bpy_prop_collection[index]: index %r out of range, size 0" % (key,))

    def __contains__(self, key):
        return False

    def get(self, key, default=None):
        return default

    def keys(self):
        return []

    def values(self):
        return []

    def items(self):
        return []


class BlendData:
    objects = BlendDataObjects(_bpy.OB, "objects")
    meshes = BlendDataSimple(_bpy.ME, "meshes")
    images = BlendDataImages(_bpy.IM, "images")
    materials = BlendDataSimple(_bpy.MA, "materials")
    collections = BlendDataSimple(_bpy.GR, "collections")
    scenes = BlendDataSimple(_bpy.SCE, "scenes")
    texts = BlendDataTexts(_bpy.TXT, "texts")
    libraries = BlendDataLibraries()

    @property
    def filepath(self):
        return ""

    @property
    def is_dirty(self):
        return True

    def __getattr__(self, name):
        # bpy.data.node_groups, cameras, actions, ...: Blender has them
        raise _missing("BlendData", name)


data = BlendData()


# ---------------------------------------------------------------------------
# context, window manager, events


class Timer(bpy_struct):
    __slots__ = ("_handle", "time_step", "time_duration")

    def __init__(self, handle, step):
        self._handle = handle
        self.time_step = step
        self.time_duration = 0.0


class WindowManager(bpy_struct):
    __slots__ = ()

    def _hr_props(self):
        return _bpy.wm_props()

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


class ViewLayer(bpy_struct):
    __slots__ = ()
    name = "ViewLayer"
    objects = _ViewLayerObjects()

    def update(self):
        """Evaluates the depsgraph (drivers included) on the calling thread."""
        _bpy.depsgraph_update()


class Event(bpy_struct):
    __slots__ = ("type", "value", "mouse_x", "mouse_y", "shift", "ctrl", "alt")

    def __init__(self, type_, value="NOTHING"):
        self.type = type_
        self.value = value
        self.mouse_x = self.mouse_y = 0
        self.shift = self.ctrl = self.alt = False


class Context(bpy_struct):
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



_window_manager = WindowManager()
_view_layer = ViewLayer()
context = Context()


# ---------------------------------------------------------------------------
# bpy.types for add-on code


class Operator(bpy_struct):
    bl_idname = ""
    bl_label = ""
    bl_description = ""
    bl_options = set()
    bl_property = ""
    layout = None

    def _hr_props(self):
        d = self.__dict__
        h = d.get("_hr_h")
        if h is None:
            if d.get("_hr_dead"):
                raise ReferenceError("StructRNA of type %s has been removed" % type(self).__name__)
            h = d["_hr_h"] = _bpy.props_new()
        return h

    @property
    def properties(self):
        return self

    @property
    def options(self):
        return _OperatorOptions()

    def report(self, type, message):
        """Adds a report to the operator's list (thread-safe in Blender, as
        long as the operator lives); the status bar shows the last one when
        the operator finishes."""
        if not isinstance(type, (set, frozenset)):
            raise TypeError('Operator.report(): error with argument 1, "type" - expected a set, '
                            'not %s' % _builtin_type(type).__name__)
        bad = sorted(t for t in type if t not in _REPORT_TYPES)
        if bad:
            raise TypeError('Operator.report(): error with argument 1, "type" - enum "%s" not '
                            'found in (%s)' % (bad[0], ", ".join(repr(t) for t in _REPORT_ORDER)))
        if not isinstance(message, str):
            raise TypeError('Operator.report(): error with argument 2, "message" - expected a '
                            'str, not %s' % _builtin_type(message).__name__)
        self._hr_props()  # ReferenceError once the operator was freed
        self.__dict__.setdefault("_hr_reports", []).append(message)
        level = next(iter(type)) if type else "INFO"
        print("%s: %s" % (level, message))


_builtin_type = type
_REPORT_ORDER = ("DEBUG", "INFO", "OPERATOR", "PROPERTY", "WARNING", "ERROR",
                 "ERROR_INVALID_INPUT", "ERROR_INVALID_CONTEXT", "ERROR_OUT_OF_MEMORY")
_REPORT_TYPES = frozenset(_REPORT_ORDER)
_OPERATOR_OPTIONS = frozenset(("REGISTER", "UNDO", "UNDO_GROUPED", "BLOCKING", "MACRO",
                               "GRAB_CURSOR", "GRAB_CURSOR_X", "GRAB_CURSOR_Y",
                               "DEPENDS_ON_CURSOR", "PRESET", "INTERNAL", "MODAL_PRIORITY"))
_PANEL_OPTIONS = frozenset(("DEFAULT_CLOSED", "HIDE_HEADER", "INSTANCED", "HEADER_LAYOUT_EXPAND"))
_MAX_OP_REGISTERED = 32  # Blender keeps the last 32 registered operators (redo, Info editor)
_registered_ops = []


def _op_free(op):
    """WM_operator_free: the operator's properties go, and its Python
    instance is invalidated (later access raises ReferenceError)."""
    d = op.__dict__
    if d.get("_hr_dead"):
        return
    d["_hr_dead"] = True
    h = d.pop("_hr_h", None)
    if h is not None:
        _bpy.props_free(h)


def _op_finished(op, result):
    """An operator run ended with result (not running modal): the status
    bar shows its last report; an operator with 'REGISTER' that finished
    is kept (the last 32 are), any other is freed at once, as Blender
    does."""
    reports = op.__dict__.get("_hr_reports")
    if reports:
        _wm_ui_text("report", reports[-1])
    if "FINISHED" in result and "REGISTER" in (_opt(_builtin_type(op), "bl_options", None) or ()):
        _registered_ops.append(op)
        if len(_registered_ops) > _MAX_OP_REGISTERED:
            _op_free(_registered_ops.pop(0))
    else:
        _op_free(op)


class Panel(bpy_struct):
    pass


class Menu(bpy_struct):
    pass


class Header(bpy_struct):
    pass


class UIList(bpy_struct):
    pass


class PropertyGroup(bpy_struct):
    __slots__ = ("_hr_h", "_hr_owner")

    def _hr_props(self):
        return self._hr_h

    @classmethod
    def _hr_bind(cls, h, owner):
        self = cls.__new__(cls)
        self._hr_h = h
        self._hr_owner = owner
        return self

    @property
    def id_data(self):
        o = self._hr_owner
        return o if isinstance(o, ID) or o is None else getattr(o, "id_data", None)

    def __eq__(self, other):
        return isinstance(other, PropertyGroup) and other._hr_h == self._hr_h

    def __hash__(self):
        return hash(self._hr_h)

    def __repr__(self):
        return "bpy.types.%s(%s)" % (type(self).__name__, self.name)


class AddonPreferences(bpy_struct):
    bl_idname = ""
    layout = None

    def _hr_props(self):
        h = self.__dict__.get("_hr_h")
        if h is None:
            h = self.__dict__["_hr_h"] = _bpy.props_new()
        return h


class _OperatorOptions:
    __slots__ = ()
    is_invoke = False
    is_repeat = False
    is_grab_cursor = False


class SpaceView3D(bpy_struct):
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
    type.__setattr__(_cls, "__module__", "bpy.types")
types.BlendDataObjects = BlendDataObjects
types.Depsgraph = None  # set below


class Depsgraph(bpy_struct):
    __slots__ = ("scene",)

    def __init__(self, scene):
        self.scene = scene


types.Depsgraph = Depsgraph


# ---------------------------------------------------------------------------
# Render engines written in Python (bpy.types.RenderEngine). The host calls
# an engine's methods through the "engine" hook: update/render/
# render_frame_finish on the render thread (one instance per rendered
# frame), view_update/view_draw on main while the 3D view's shading is
# RENDERED (one instance per view). Pixels go through begin_result/
# end_result: a RenderResult is the engine's own buffer, merged into the
# host's render result under its write lock by update_result/end_result.

_render_engines = {}  # bl_idname -> class
_engine_reports = []  # (engine idname, report type, message), for tests
_ENGINE_STEPS = {"update", "render", "render_frame_finish", "view_update", "view_draw"}
# Blender's RenderEngine API that the model does not have: using one warns.
_ENGINE_UNMODELLED = {
    "add_pass", "get_result", "frame_set", "bind_display_space_shader",
    "unbind_display_space_shader", "support_display_space_shader", "get_preview_pixel_size",
    "free_blender_memory", "pass_by_index_get", "active_view_get", "active_view_set",
    "register_pass", "layer_override", "use_spherical_stereo", "camera_model_matrix",
    "camera_shift_x", "render", "temporary_directory",
}
_REPORT_TYPES = {"DEBUG", "INFO", "OPERATOR", "PROPERTY", "WARNING", "ERROR",
                 "ERROR_INVALID_INPUT", "ERROR_INVALID_CONTEXT", "ERROR_OUT_OF_MEMORY"}


class RenderEngine(bpy_struct):
    # no __slots__: an engine keeps its own state in attributes
    bl_idname = ""
    bl_label = ""
    bl_use_preview = False
    bl_use_postprocess = True
    bl_use_eevee_viewport = False
    bl_use_shading_nodes_custom = True
    bl_use_gpu_context = False
    bl_use_image_save = True
    bl_use_custom_freestyle = False
    bl_use_spherical_stereo = False
    bl_use_stereo_viewport = False
    bl_use_alembic_procedural = False
    bl_use_materialx = False

    def __getattr__(self, name):
        if name in _ENGINE_UNMODELLED:
            raise _unsupported("RenderEngine", name)
        raise AttributeError("'%s' object has no attribute '%s'" % (type(self).__name__, name))

    def _hr_cap(self):
        cap = self.__dict__.get("_hr_re")
        if cap is None:
            raise ReferenceError("StructRNA of type %s has been removed" % type(self).__name__)
        return cap

    def _hr_info(self):
        return _bpy.engine_info(self._hr_cap())

    @property
    def is_animation(self):
        return bool(self._hr_info()[1])

    @property
    def is_preview(self):
        # material and world preview renders are not modelled: an engine
        # only ever renders the scene or draws the 3D view here
        self._hr_cap()
        return False

    @property
    def resolution_x(self):
        return self._hr_info()[2]

    @property
    def resolution_y(self):
        return self._hr_info()[3]

    @property
    def camera_override(self):
        self._hr_cap()
        return None

    @property
    def use_highlight_tiles(self):
        return bool(self.__dict__.get("_hr_highlight", False))

    @use_highlight_tiles.setter
    def use_highlight_tiles(self, value):
        self.__dict__["_hr_highlight"] = bool(value)

    def test_break(self):
        return _bpy.engine_test_break(self._hr_cap())

    def update_progress(self, progress):
        _bpy.engine_progress(self._hr_cap(), float(progress))

    def update_stats(self, stats, info):
        self._hr_cap()
        if not isinstance(stats, str) or not isinstance(info, str):
            raise TypeError("RenderEngine.update_stats(): expected two strings")
        self.__dict__["_hr_stats"] = (stats, info)

    def update_memory_stats(self, memory_used=0.0, memory_peak=0.0):
        self._hr_cap()

    def report(self, type, message):
        self._hr_cap()
        types_ = set(type) if isinstance(type, (set, frozenset)) else None
        if not types_ or not types_ <= _REPORT_TYPES:
            raise TypeError("RenderEngine.report(): type expected a set of report types, not %r"
                            % (type,))
        if not isinstance(message, str):
            raise TypeError("RenderEngine.report(): message expected a str")
        _engine_reports.append((_builtin_type(self).bl_idname, ",".join(sorted(types_)), message))

    def error_set(self, message):
        self.report({"ERROR"}, message)

    def tag_redraw(self):
        # the 3D view's engine asks for a redraw of its region
        if self._hr_info()[0]:
            _bpy.region_tag_redraw("VIEW_3D", "WINDOW")

    def tag_update(self):
        # view_update already runs after every evaluation of the view's
        # depsgraph (every frame of the mock's loop)
        self._hr_cap()

    def begin_result(self, x, y, w, h, layer="", view=""):
        info = self._hr_info()
        if info[0]:
            return None  # the viewport has no render result
        for v in (x, y, w, h):
            if isinstance(v, bool) or not isinstance(v, int):
                raise TypeError("RenderEngine.begin_result(): x, y, w, h expected ints")
        # RE_engine_begin_result: clipped to the render's size
        rx, ry = info[2], info[3]
        if x < 0:
            w, x = w + x, 0
        if y < 0:
            h, y = h + y, 0
        w = min(w, rx - x)
        h = min(h, ry - y)
        if w <= 0 or h <= 0:
            return None
        return RenderResult(self, x, y, w, h, layer)

    def _hr_own(self, result, fn):
        if not isinstance(result, RenderResult):
            raise TypeError("RenderEngine.%s(): expected a RenderResult, not %s"
                            % (fn, _builtin_type(result).__name__))
        if result._engine is not self:
            raise ValueError("RenderEngine.%s(): result not from this engine" % fn)
        result._check()

    def update_result(self, result):
        self._hr_own(result, "update_result")
        result._merge()

    def end_result(self, result, cancel=False, highlight=False, do_merge_results=False):
        self._hr_own(result, "end_result")
        if not cancel or do_merge_results:
            result._merge()
        result._ended = True


class RenderPass(bpy_struct):
    __slots__ = ("name", "fullname", "channels", "_result", "_px")

    def __init__(self, result, name, n):
        self._result = result
        self.name = self.fullname = name
        self.channels = 4
        self._px = [0.0] * (4 * n)

    @property
    def rect(self):
        self._result._check()
        px = self._px
        return [px[i:i + 4] for i in range(0, len(px), 4)]

    @rect.setter
    def rect(self, value):
        self._result._check()
        n = len(self._px) // 4
        rows = list(value)
        if len(rows) != n:
            raise ValueError("bpy_struct: item.attr = val: RenderPass.rect: sequence of %d items "
                             "expected, not %d" % (n, len(rows)))
        flat = []
        for r in rows:
            r = list(r)
            if len(r) != 4:
                raise ValueError("bpy_struct: item.attr = val: RenderPass.rect: items of 4 "
                                 "floats expected, not %d" % len(r))
            flat.extend(float(v) for v in r)
        self._px = flat


class RenderPasses(bpy_struct):
    __slots__ = ("_passes",)

    def __init__(self, passes):
        self._passes = passes

    def __len__(self):
        return len(self._passes)

    def __iter__(self):
        return iter(self._passes)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._passes[key]
        for p in self._passes:
            if p.name == key:
                return p
        raise KeyError('bpy_prop_collection[key]: key "%s" not found' % key)

    def find_by_name(self, name, view):
        for p in self._passes:
            if p.name == name:
                return p
        return None

    def find_by_type(self, pass_type, view):
        return self._passes[0] if pass_type == "COMBINED" else None


class RenderLayer(bpy_struct):
    __slots__ = ("name", "passes")

    def __init__(self, name, passes):
        self.name = name
        self.passes = passes


class RenderResult(bpy_struct):
    __slots__ = ("_engine", "x", "y", "resolution_x", "resolution_y", "layers", "_ended")

    def __init__(self, engine, x, y, w, h, layer):
        self._engine = engine
        self.x, self.y, self.resolution_x, self.resolution_y = x, y, w, h
        self._ended = False
        combined = RenderPass(self, "Combined", w * h)
        self.layers = [RenderLayer(layer or "ViewLayer", RenderPasses([combined]))]

    def _check(self):
        if self._ended:
            raise ReferenceError("StructRNA of type RenderResult has been removed")
        self._engine._hr_cap()

    def _merge(self):
        px = self.layers[0].passes[0]._px
        _bpy.engine_merge(self._engine._hr_cap(), self.x, self.y, self.resolution_x,
                          self.resolution_y, px)


class DepsgraphObjectInstance(bpy_struct):
    __slots__ = ("object", "_original")

    def __init__(self, ob, original):
        self.object = ob
        self._original = original

    is_instance = property(lambda self: False)
    instance_object = property(lambda self: None)
    parent = property(lambda self: None)
    show_self = property(lambda self: True)
    show_particles = property(lambda self: True)


class _EngineDepsgraph(Depsgraph):
    """The depsgraph an engine's methods get: for render(), the render's own
    evaluated copies (made on the render thread, freed after the frame);
    for the 3D view, only its scene."""
    __slots__ = ("_engine",)

    def __init__(self, scene, engine):
        Depsgraph.__init__(self, scene)
        self._engine = engine

    def _data(self, name):
        d = _bpy.engine_depsgraph(self._engine._hr_cap())
        if d is None:
            if self._engine._hr_info()[0]:
                raise _unsupported("Depsgraph (3D view)", name)
            raise ReferenceError("StructRNA of type Depsgraph has been removed")
        return d

    mode = property(lambda self: "VIEWPORT" if self._engine._hr_info()[0] else "RENDER")

    @property
    def scene_eval(self):
        return self._data("scene_eval")[0]

    @property
    def objects(self):
        return list(self._data("objects")[1])

    @property
    def object_instances(self):
        d = self._data("object_instances")
        return [DepsgraphObjectInstance(e, o) for e, o in zip(d[1], d[2])]

    @property
    def ids(self):
        d = self._data("ids")
        return list(d[1]) + [d[0]]

    def id_eval_get(self, id):
        d = self._data("id_eval_get")
        if id is self.scene:
            return d[0]
        for e, o in zip(d[1], d[2]):
            if o is id:
                return e
        return id


def _check_engine_idname(cls):
    idname = _opt(cls, "bl_idname", "")
    if not isinstance(idname, str) or not idname:
        raise ValueError("register_class(...): RenderEngine %s: bl_idname must be a non-empty "
                         "str" % cls.__name__)
    if len(idname) > 63:
        raise ValueError("register_class(...): RenderEngine %s: bl_idname '%s' is too long, "
                         "maximum length is 63" % (cls.__name__, idname))
    if idname in ("BLENDER_EEVEE_NEXT", "BLENDER_WORKBENCH", "CYCLES"):
        raise ValueError("register_class(...): RenderEngine %s: bl_idname '%s' is a built-in "
                         "engine's (not modelled: replacing one)" % (cls.__name__, idname))


def _engine_register(cls):
    # rna_RenderEngine_register: a class of the same id is replaced
    old = _render_engines.get(cls.bl_idname)
    if old is not None and old is not cls:
        lst = _registered.get("RenderEngine", [])
        if old in lst:
            lst.remove(old)
    _render_engines[cls.bl_idname] = cls
    _bpy.engine_register(cls.bl_idname, True)


def _engine_unregister(cls):
    if _render_engines.get(cls.bl_idname) is cls:
        del _render_engines[cls.bl_idname]
        _bpy.engine_register(cls.bl_idname, False)


def _defines(cls, name):
    return any(name in k.__dict__ for k in cls.__mro__ if k is not RenderEngine)


def _engine_step(step, cap, idname, inst):
    if step == "create":
        cls = _render_engines.get(idname)
        if cls is None:
            return None
        is_view = _bpy.engine_info(cap)[0]
        if is_view and not _defines(cls, "view_draw"):
            return None  # Blender draws such a view with another engine
        inst = cls.__new__(cls)
        inst.__dict__["_hr_re"] = cap
        try:
            inst.__init__()
        except Exception as e:
            inst.__dict__["_hr_re"] = None
            _bpy.report_exception(e, "RenderEngine %s.__init__" % cls.__name__)
            return None
        return inst
    if step == "free":
        inst.__dict__["_hr_re"] = None
        return True
    if step not in _ENGINE_STEPS or not _defines(type(inst), step):
        return True
    try:
        if step == "update":
            inst.update(data, _EngineDepsgraph(_bpy.engine_info(cap)[4], inst))
        elif step == "render":
            inst.render(_EngineDepsgraph(_bpy.engine_info(cap)[4], inst))
        elif step == "render_frame_finish":
            inst.render_frame_finish()
        else:
            getattr(inst, step)(context, _EngineDepsgraph(_bpy.engine_info(cap)[4], inst))
    except Exception as e:
        _bpy.report_exception(e, "RenderEngine %s.%s" % (type(inst).__name__, step))
        return False
    return True


for _cls in (RenderEngine, RenderResult, RenderLayer, RenderPass, RenderPasses,
             DepsgraphObjectInstance):
    setattr(types, _cls.__name__, _cls)
    type.__setattr__(_cls, "__module__", "bpy.types")


# ---------------------------------------------------------------------------
# bpy.props and class registration

for _k in _PROP_KW:
    setattr(props, _k, _make_prop_fn(_k))
props._PropertyDeferred = _PropertyDeferred
type.__setattr__(PropertyGroup, "name",
                 _RNAProperty("name", props.StringProperty(name="Name"), PropertyGroup))

_operators = {}
# registered classes by bpy type ("Panel", "Menu", ...), in registration order
_registered = {}
_UI_TYPES = ("Panel", "Menu", "Header", "UIList")


def _install_annotations(cls):
    for klass in reversed(cls.__mro__):
        for name, spec in list(klass.__dict__.get("__annotations__", {}).items()):
            if isinstance(spec, _PropertyDeferred):
                t = spec.keywords.get("type")
                if (isinstance(t, type) and issubclass(t, PropertyGroup)
                        and t not in _registered.get("PropertyGroup", ())):
                    raise ValueError("register_class(...): %s.%s: %s(type=%s) is not registered"
                                     % (cls.__name__, name, spec.function.__name__, t.__name__))
                setattr(cls, name, spec)


def _check_operator_idname(cls):
    """WM_operator_py_idname_ok_or_report: lower-case letters, digits and
    '_', one '.', at most 61 characters."""
    idname = _opt(cls, "bl_idname", "")
    if not isinstance(idname, str):
        raise TypeError("register_class(...): %s.bl_idname must be a str" % cls.__name__)
    for i, ch in enumerate(idname):
        if not (ch == "." or ch == "_" or "a" <= ch <= "z" or "0" <= ch <= "9"):
            raise RuntimeError("Error: Registering operator class: '%s', invalid bl_idname '%s', "
                               "at position %d" % (cls.__name__, idname, i))
    if len(idname) > 61:
        raise RuntimeError("Error: Registering operator class: '%s', invalid bl_idname '%s', is "
                           "too long, maximum length is 61" % (cls.__name__, idname))
    if idname.count(".") != 1:
        raise RuntimeError("Error: Registering operator class: '%s', invalid bl_idname '%s', must "
                           "contain 1 '.' character" % (cls.__name__, idname))


def _check_options(cls, allowed):
    opts = _opt(cls, "bl_options", None)
    if opts is None:
        return
    if not isinstance(opts, (set, frozenset)):
        raise TypeError("register_class(...): %s.bl_options expected a set, not %s"
                        % (cls.__name__, _builtin_type(opts).__name__))
    for o in sorted(opts, key=str):
        if o not in allowed:
            raise TypeError("register_class(...): %s.bl_options: enum \"%s\" not found in (%s)"
                            % (cls.__name__, o, ", ".join(repr(a) for a in sorted(allowed))))


def register_class(cls):
    if not isinstance(cls, type) or not issubclass(cls, bpy_struct):
        raise ValueError("register_class(...): expected a subclass of a registrable bpy type, not %r"
                         % (cls,))
    base = _bpy_type_name(cls)
    if cls in _registered.get(base, ()):
        raise ValueError("register_class(...): already registered as a subclass '%s'" % cls.__name__)
    if issubclass(cls, Operator):
        _check_operator_idname(cls)
        _check_options(cls, _OPERATOR_OPTIONS)
    elif issubclass(cls, (Panel, Menu, Header, UIList)) and not _opt(cls, "bl_idname", ""):
        cls.bl_idname = cls.__name__
    if issubclass(cls, Panel):
        _check_options(cls, _PANEL_OPTIONS)
    if issubclass(cls, RenderEngine):
        _check_engine_idname(cls)
    _install_annotations(cls)
    if issubclass(cls, Operator):
        _operators[cls.bl_idname] = cls
    if issubclass(cls, RenderEngine):
        _engine_register(cls)
    _registered.setdefault(base, []).append(cls)
    reg = _opt(cls, "register")
    if reg is not None:
        reg()
    _bpy.ui_classes(sum(len(_registered.get(t, ())) for t in _UI_TYPES))


def unregister_class(cls):
    base = _bpy_type_name(cls)
    lst = _registered.get(base, [])
    if cls not in lst:
        raise RuntimeError("unregister_class(...): missing bl_rna attribute from '%s' instance "
                           "(may not be registered)" % type(cls).__name__)
    lst.remove(cls)
    for k, v in list(_operators.items()):
        if v is cls:
            del _operators[k]
    if issubclass(cls, RenderEngine):
        _engine_unregister(cls)
    unreg = _opt(cls, "unregister")
    if unreg is not None:
        unreg()
    _bpy.ui_classes(sum(len(_registered.get(t, ())) for t in _UI_TYPES))


def register_classes_factory(classes):
    def register():
        for c in classes:
            register_class(c)

    def unregister():
        for c in reversed(classes):
            unregister_class(c)

    return register, unregister


utils.register_classes_factory = register_classes_factory
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
        poll = _opt(cls, "poll")
        return bool(poll(context)) if poll else True

    def __repr__(self):
        return "bpy.ops.%s" % self.idname


def _call_python_operator(cls, idname, exec_ctx, kw):
    poll = _opt(cls, "poll")
    if poll is not None and not poll(context):
        raise RuntimeError("Operator bpy.ops.%s.poll() failed, context is incorrect" % idname)
    op = cls.__new__(cls)
    init = cls.__init__
    if init is not None and init is not object.__init__:
        try:
            op.__init__()
        except TypeError:
            pass
    for k, v in kw.items():
        setattr(op, k, v)
    r = {"CANCELLED"}
    try:
        if exec_ctx.startswith("INVOKE") and _opt(op, "invoke") is not None:
            r = _to_set(op.invoke(context, Event("NONE")), idname)
        elif _opt(op, "execute") is not None:
            r = _to_set(op.execute(context), idname)
    finally:
        if "RUNNING_MODAL" not in r:
            _op_finished(op, r)
    return r


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


# Host switch bpy_on_main: the remedy hostrace recommends, applied to every
# call so that `hostrace triage --fixes` can measure it. Each call of _bpy a
# script's own thread makes runs on the main thread through run_on_main
# (wait=True), as if the script had marshalled each bpy access itself.
# Threads the host runs Python on (the render job, depsgraph workers: dummy
# threads to `threading`) and main call _bpy directly, as do the calls the
# marshalling itself is made of.
_DIRECT = frozenset(("is_main_thread", "queue_on_main", "switch", "report_exception",
                     "report_warning", "set_hooks", "process_end", "signal_is_default"))


class _OnMain:
    __slots__ = ("_raw", "__dict__")

    def __init__(self, raw):
        self._raw = raw

    def __getattr__(self, name):
        f = getattr(self._raw, name)
        if name in _DIRECT or not callable(f):
            return f

        def call(*args, **kw):
            t = _threading.current_thread()
            if t is _threading.main_thread() or isinstance(t, _threading._DummyThread):
                return f(*args, **kw)
            return run_on_main(lambda: f(*args, **kw), wait=True)

        self.__dict__[name] = call
        return call


def _use_bpy_on_main():
    global _bpy
    if not isinstance(_bpy, _OnMain):
        _bpy = _OnMain(_bpy)


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
app.driver_namespace = _driver_namespace()
app.is_job_running = lambda job_type: _bpy.jobs_running(str(job_type))


# ---------------------------------------------------------------------------
# window-manager data, the add-on UI and preferences
#
# One window with the "Layout" screen: a 3D view (HEADER, UI and WINDOW
# regions) and an image editor. tag_redraw(), progress and status text write
# host state the main thread reads while it draws; panels, headers, menus
# and UI lists of add-ons are drawn by the main thread every frame, and the
# values their buttons show are read from C after draw() returned.


class Region(bpy_struct):
    __slots__ = ("type", "_space", "width", "height", "x", "y")

    def __init__(self, space, type_, width, height):
        self._space = space
        self.type = type_
        self.width = width
        self.height = height
        self.x = self.y = 0

    def tag_redraw(self):
        _bpy.region_tag_redraw(self._space, self.type)

    def __repr__(self):
        return "bpy.types.Region(%s of %s)" % (self.type, self._space)


class Space(bpy_struct):
    __slots__ = ("type",)

    def __init__(self, type_):
        self.type = type_


class Area(bpy_struct):
    __slots__ = ("type", "ui_type", "regions", "spaces", "width", "height", "x", "y")

    def __init__(self, type_, regions):
        self.type = self.ui_type = type_
        self.regions = regions
        self.spaces = [Space(type_)]
        self.width, self.height, self.x, self.y = 1280, 720, 0, 0

    def tag_redraw(self):
        for r in self.regions:
            r.tag_redraw()

    def header_text_set(self, text=None):
        _wm_ui_text("header_text", text)

    def __repr__(self):
        return "bpy.types.Area(%s)" % self.type


class Screen(bpy_struct):
    __slots__ = ("areas", "name", "is_animation_playing")

    def __init__(self, areas):
        self.areas = areas
        self.name = "Layout"
        self.is_animation_playing = False


class WorkSpace(bpy_struct):
    __slots__ = ("name", "screens")

    def __init__(self, screen):
        self.name = "Layout"
        self.screens = [screen]

    def status_text_set(self, text=None):
        _wm_ui_text("status_text", text)


class Window(bpy_struct):
    __slots__ = ("screen", "workspace", "width", "height", "x", "y")

    def __init__(self, screen, workspace):
        self.screen = screen
        self.workspace = workspace
        self.width, self.height, self.x, self.y = 1920, 1080, 0, 0

    @property
    def scene(self):
        return _bpy.ctx_scene()

    @property
    def view_layer(self):
        return _view_layer

    def cursor_set(self, cursor):
        pass

    def cursor_modal_set(self, cursor):
        pass

    def cursor_modal_restore(self):
        pass


def _wm_ui_text(key, text):
    h = _bpy.wm_ui_props()
    if text is None:
        _bpy.prop_del(h, key)
    else:
        _bpy.prop_set(h, key, "s", str(text))


_view3d_area = Area("VIEW_3D", [Region("VIEW_3D", "HEADER", 1280, 26),
                                Region("VIEW_3D", "UI", 240, 694),
                                Region("VIEW_3D", "WINDOW", 1040, 694)])
_image_area = Area("IMAGE_EDITOR", [Region("IMAGE_EDITOR", "WINDOW", 640, 694)])
_screen = Screen([_view3d_area, _image_area])
_workspace = WorkSpace(_screen)
_window = Window(_screen, _workspace)


def _wm_windows(self):
    return [_window]


def _wm_progress(value):
    _bpy.prop_set(_bpy.wm_ui_props(), "progress", "f", float(value))


def _wm_progress_end(self):
    _bpy.prop_del(_bpy.wm_ui_props(), "progress")


def _queue_operator_execute(op):
    """A dialog or file browser the user confirms: execute() at the next
    event-loop iteration, on main."""
    def confirm():
        r = {"CANCELLED"}
        try:
            r = _to_set(op.execute(context), type(op).__name__)
        except Exception as e:
            _bpy.report_exception(e, "operator %s execute" % type(op).__name__)
        if "RUNNING_MODAL" not in r:
            _op_finished(op, r)

    _bpy.queue_on_main(_MainCall(confirm, False))
    return {"RUNNING_MODAL"}


WindowManager.windows = property(_wm_windows)
WindowManager.name = "WinMan"
WindowManager.progress_begin = lambda self, min, max: _wm_progress(min)
WindowManager.progress_update = lambda self, value: _wm_progress(value)
WindowManager.progress_end = _wm_progress_end
WindowManager.invoke_props_dialog = lambda self, operator, width=300, **kw: \
    _queue_operator_execute(operator)
WindowManager.invoke_confirm = lambda self, operator, event=None, **kw: \
    _queue_operator_execute(operator)
WindowManager.invoke_popup = lambda self, operator, width=300: {"RUNNING_MODAL"}
WindowManager.invoke_props_popup = lambda self, operator, event=None: \
    _queue_operator_execute(operator)
WindowManager.fileselect_add = lambda self, operator: _queue_operator_execute(operator)


def _wm_popup_menu(self, menu_func, title="", icon="NONE"):
    menu = _UIPopup(UILayout("VIEW_3D", "HEADER"))
    menu_func(menu, context)


WindowManager.popup_menu = _wm_popup_menu


class _UIPopup:
    __slots__ = ("layout",)

    def __init__(self, layout):
        self.layout = layout


class OperatorProperties(bpy_struct):
    """What layout.operator() returns: the operator's properties for that
    button (stored, not run: no user clicks them)."""

    def _hr_props(self):
        h = self.__dict__.get("_hr_h")
        if h is None:
            h = self.__dict__["_hr_h"] = _bpy.props_new()
        return h

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.__dict__[name] = value

    def __getattr__(self, name):
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None


_LAYOUT_ATTRS = ("enabled", "active", "alert", "scale_x", "scale_y", "use_property_split",
                 "use_property_decorate", "operator_context", "alignment", "emboss",
                 "active_default", "activate_init", "ui_units_x", "ui_units_y")


class UILayout(bpy_struct):
    """The layout of a panel, header, menu or list: records what it shows;
    the values of its properties are read from C after draw() returns."""

    __slots__ = ("_space", "_region") + _LAYOUT_ATTRS

    def __init__(self, space, region):
        self._space = space
        self._region = region
        self.enabled = self.active = True
        self.alert = self.use_property_split = self.use_property_decorate = False
        self.active_default = self.activate_init = False
        self.scale_x = self.scale_y = 1.0
        self.ui_units_x = self.ui_units_y = 0.0
        self.operator_context = "INVOKE_DEFAULT"
        self.alignment = "EXPAND"
        self.emboss = "NORMAL"

    def _sub(self, *args, **kw):
        sub = UILayout(self._space, self._region)
        sub.enabled = self.enabled  # a greyed-out layout greys out what it holds
        return sub

    row = column = box = split = column_flow = grid_flow = _sub

    def menu_pie(self):
        return self._sub()

    def label(self, text="", text_ctxt="", translate=True, icon="NONE", icon_value=0):
        if icon_value:
            _preview_draw(icon_value, self)

    def separator(self, factor=1.0, type="AUTO"):
        pass

    def separator_spacer(self):
        pass

    def _button(self, data, name):
        """The UI shows property name of data: the host reads its value."""
        if data is None:
            return
        _user_sees(self, ("prop", data, name))
        if name.startswith('["') and name.endswith('"]'):  # a custom property
            _bpy.ui_button(self._space, self._region, data._hr_props(), name[2:-2])
            return
        desc = _inspect.getattr_static(type(data), name, _MISSING)
        if isinstance(desc, _RNAProperty):
            if "get" in desc.kw:
                desc.kw["get"](data)
            _bpy.ui_button(self._space, self._region, data._hr_props(), name)
        elif desc is _MISSING and isinstance(data, bpy_struct):
            # Blender draws "property not found" and raises nothing
            if not name.startswith("_") and name not in _addon_names:
                _unsupported(_bpy_type_name(type(data)), name)
        else:
            getattr(data, name)  # a modelled property: its C getter reads host data

    def prop(self, data, property, text="", text_ctxt="", translate=True, icon="NONE",
             placeholder="", expand=False, slider=False, toggle=-1, icon_only=False,
             event=False, full_event=False, emboss=True, index=-1, icon_value=0,
             invert_checkbox=False):
        self._button(data, property)

    def prop_enum(self, data, property, value, text="", text_ctxt="", translate=True,
                  icon="NONE", icon_value=0):
        self._button(data, property)

    def prop_menu_enum(self, data, property, text="", text_ctxt="", translate=True,
                       icon="NONE"):
        self._button(data, property)

    def props_enum(self, data, property):
        self._button(data, property)

    def prop_search(self, data, property, search_data, search_property, text="",
                    text_ctxt="", translate=True, icon="NONE", results_are_suggestions=False):
        self._button(data, property)
        getattr(search_data, search_property)

    def prop_tabs_enum(self, data, property, **kw):
        self._button(data, property)

    def operator(self, operator, text="", text_ctxt="", translate=True, icon="NONE",
                 emboss=True, depress=False, icon_value=0, search_weight=0.0):
        if icon_value:
            _preview_draw(icon_value, self)
        button = OperatorProperties()
        _user_sees(self, ("op", operator, button))
        return button

    def operator_menu_enum(self, operator, property, text="", text_ctxt="", translate=True,
                           icon="NONE"):
        return OperatorProperties()

    def operator_enum(self, operator, property, icon_only=False):
        pass

    def menu(self, menu, text="", text_ctxt="", translate=True, icon="NONE", icon_value=0):
        pass

    def popover(self, panel, text="", text_ctxt="", translate=True, icon="NONE", icon_value=0):
        pass

    def context_pointer_set(self, name, data):
        pass

    def progress(self, factor=0.0, type="BAR", text=""):
        pass

    def template_list(self, listtype_name, list_id, dataptr, propname, active_dataptr,
                      active_propname, item_dyntip_propname="", rows=5, maxrows=5,
                      type="DEFAULT", columns=9, sort_reverse=False, sort_lock=False):
        cls = next((c for c in _registered.get("UIList", ())
                    if _opt(c, "bl_idname", c.__name__) == listtype_name), None)
        if cls is None:
            raise RuntimeError("UILayout.template_list(): unknown list type '%s'" % listtype_name)
        items = getattr(dataptr, propname)
        getattr(active_dataptr, active_propname)
        self._button(dataptr, propname)
        self._button(active_dataptr, active_propname)
        ul = cls.__new__(cls)
        ul.layout = self
        ul.list_id = list_id
        filt = _opt(ul, "filter_items")
        flags = None
        if filt is not None:
            flags, _order = filt(context, dataptr, propname)
        for i, item in enumerate(items):
            if flags and i < len(flags) and not flags[i]:
                continue
            ul.draw_item(context, self._sub(), dataptr, item, 0, active_dataptr, active_propname, i)

    def template_icon_view(self, data, property, show_labels=False, scale=6.0,
                           scale_popup=5.0):
        self._button(data, property)

    def template_icon(self, icon_value, scale=1.0):
        _preview_draw(icon_value, self)

    def template_ID(self, data, property, new="", open="", unlink="", **kw):
        self._button(data, property)


def _draw_ui(space, region_type):
    """Draws the add-on UI of a region on main: every registered panel
    (poll() first), header and menu, and the add-ons' preferences."""
    area = _view3d_area if space == "VIEW_3D" else _image_area
    region = next((r for r in area.regions if r.type == region_type), None)
    _ui_ctx["area"], _ui_ctx["region"] = area, region
    try:
        if region_type == "UI":
            for cls in list(_registered.get("Panel", ())):
                _draw_panel(cls, space)
            for name, mod in list(_addon_modules.items()):
                _draw_addon_prefs(name)
        else:
            for kind in ("Header", "Menu"):
                for cls in list(_registered.get(kind, ())):
                    _draw_class(cls, space, region_type, "draw")
    finally:
        _ui_ctx["area"] = _ui_ctx["region"] = None


def _draw_class(cls, space, region_type, method):
    obj = cls.__new__(cls)
    try:
        obj.layout = UILayout(space, region_type)
        poll = _opt(cls, "poll")
        if poll is not None and not poll(context):
            return False
        fn = _opt(obj, method)
        if fn is not None:
            fn(context)
        return True
    except Exception as e:
        _bpy.report_exception(e, "%s %s.%s" % (_bpy_type_name(cls).lower(), cls.__name__, method))
        return False


def _draw_panel(cls, space):
    if _opt(cls, "bl_parent_id"):
        parent = next((c for c in _registered.get("Panel", ())
                       if _opt(c, "bl_idname", c.__name__) == cls.bl_parent_id), None)
        if parent is None:
            return
    obj = cls.__new__(cls)
    obj.layout = UILayout(space, "UI")
    try:
        poll = _opt(cls, "poll")
        if poll is not None and not poll(context):
            return
        for method in ("draw_header_preset", "draw_header", "draw"):
            fn = _opt(obj, method)
            if fn is not None:
                if method != "draw":
                    obj.layout = UILayout(space, "UI")
                fn(context)
                obj.layout = UILayout(space, "UI")
    except Exception as e:
        _bpy.report_exception(e, "panel %s.draw" % cls.__name__)


def _draw_addon_prefs(name):
    entry = _preferences.addons.get(name)
    prefs = entry.preferences if entry is not None else None
    if prefs is None or _opt(prefs, "draw") is None:
        return
    prefs.layout = UILayout("VIEW_3D", "UI")
    try:
        prefs.draw(context)
    except Exception as e:
        _bpy.report_exception(e, "add-on preferences %s.draw" % type(prefs).__name__)


_ui_ctx = {"area": None, "region": None}


# ---------------------------------------------------------------------------
# preferences and add-ons


class _Struct(bpy_struct):
    """A plain bpy struct of preference values."""

    def __init__(self, **values):
        self.__dict__.update(values)


class Addon(bpy_struct):
    __slots__ = ("module", "_prefs")

    def __init__(self, module):
        self.module = module
        self._prefs = None

    @property
    def preferences(self):
        if self._prefs is None:
            cls = next((c for c in _registered.get("AddonPreferences", ())
                        if c.bl_idname == self.module), None)
            if cls is not None:
                self._prefs = cls()
        return self._prefs


class _Addons(_NamedList):
    def __init__(self):
        self._list = []

    def _items(self):
        return list(self._list)

    def __getitem__(self, key):
        if isinstance(key, str):
            for a in self._list:
                if a.module == key:
                    return a
            raise _not_found(key)
        return self._list[key]

    def __contains__(self, key):
        return any(a.module == key for a in self._list)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def keys(self):
        return [a.module for a in self._list]

    def items(self):
        return [(a.module, a) for a in self._list]

    def new(self):
        a = Addon("")
        self._list.append(a)
        return a

    def remove(self, addon):
        self._list.remove(addon)


class Preferences(bpy_struct):
    __slots__ = ("addons", "view", "filepaths", "system", "edit", "inputs", "experimental")

    def __init__(self):
        import tempfile
        self.addons = _Addons()
        self.view = _Struct(show_developer_ui=False, show_tooltips=True, ui_scale=1.0,
                            language="en_US", use_translate_interface=False,
                            show_splash=False)
        self.filepaths = _Struct(temporary_directory=tempfile.gettempdir(), script_directories=[],
                                 render_output_directory="//", texture_directory="//",
                                 use_relative_paths=True)
        self.system = _Struct(dpi=72, pixel_size=1.0, use_online_access=True,
                              memory_cache_limit=4096)
        self.edit = _Struct(use_global_undo=True, undo_steps=32)
        self.inputs = _Struct(use_mouse_emulate_3_button=False)
        self.experimental = _Struct()


_preferences = Preferences()
_addon_modules = {}

Context.preferences = property(lambda self: _preferences)
Context.window = property(lambda self: _window)
Context.screen = property(lambda self: _screen)
Context.workspace = property(lambda self: _workspace)
Context.area = property(lambda self: _ui_ctx["area"])
Context.region = property(lambda self: _ui_ctx["region"])
Context.space_data = property(
    lambda self: _ui_ctx["area"].spaces[0] if _ui_ctx["area"] is not None else None)
Context.blend_data = property(lambda self: data)
Context.collection = property(lambda self: _bpy.ctx_scene().collection)
Context.selected_objects = property(
    lambda self: [o for o in _bpy.ctx_scene().objects if o is _bpy.ctx_active_object()])


class _TempOverride:
    __slots__ = ("_saved", "_kw")

    def __init__(self, kw):
        self._kw = kw
        self._saved = None

    def __enter__(self):
        self._saved = dict(_ui_ctx)
        for k in ("area", "region"):
            if k in self._kw:
                _ui_ctx[k] = self._kw[k]
        return self

    def __exit__(self, *exc):
        _ui_ctx.update(self._saved)
        return False


Context.temp_override = lambda self, **kw: _TempOverride(kw)

BlendData.window_managers = property(lambda self: _ListOf([_window_manager]))
BlendData.screens = property(lambda self: _ListOf([_screen]))
BlendData.workspaces = property(lambda self: _ListOf([_workspace]))


class _ListOf(_NamedList):
    __slots__ = ("_l",)

    def __init__(self, items):
        self._l = items

    def _items(self):
        return self._l


for _cls in (Region, Space, Area, Screen, WorkSpace, Window, UILayout, OperatorProperties,
             Addon, Preferences, IDPropertyGroup):
    setattr(types, _cls.__name__, _cls)
    type.__setattr__(_cls, "__module__", "bpy.types")


# ---------------------------------------------------------------------------
# bpy.utils.previews: preview images live in one cache the host keeps for
# every collection (unlocked, as Blender's), read by the UI when it draws
# an icon

_previews_mod = _types.ModuleType("bpy.utils.previews", "bpy.utils.previews: preview images")
_sys.modules["bpy.utils.previews"] = _previews_mod
utils.previews = _previews_mod
_preview_cache = None
_preview_ids = {}
_preview_next = [1000]


def _preview_cache_h():
    global _preview_cache
    if _preview_cache is None:
        _preview_cache = _bpy.props_new()
    return _preview_cache


def _image_file_size(path):
    """(width, height) of a PNG or JPEG file, or (0, 0)."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 20)
    except OSError:
        return 0, 0
    if head[:8] == b"\x89PNG\r\n\x1a\n" and len(head) >= 24:
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if head[:2] == b"\xff\xd8":  # JPEG: the first start-of-frame marker
        pos = 2
        while pos + 9 <= len(head) and head[pos] == 0xFF:
            marker, n = head[pos + 1], int.from_bytes(head[pos + 2:pos + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return (int.from_bytes(head[pos + 7:pos + 9], "big"),
                        int.from_bytes(head[pos + 5:pos + 7], "big"))
            pos += 2 + n
    return 0, 0


class ImagePreview(bpy_struct):
    __slots__ = ("_key", "icon_id")

    def __init__(self, key, icon_id):
        self._key = key
        self.icon_id = icon_id

    def _get(self, name):
        r = _bpy.prop_get(_preview_cache_h(), self._key)
        if r is None:
            raise ReferenceError("ImagePreview has been removed")
        v = _bpy.prop_get(r[1], name)
        return v[1] if v else (0, 0)

    @property
    def image_size(self):
        return self._get("image_size")

    icon_size = image_size

    @property
    def image_pixels_float(self):
        w, h = self.image_size
        return [0.0] * (w * h * 4)

    @property
    def is_image_custom(self):
        return True


class ImagePreviewCollection(dict):
    """bpy.utils.previews.new(): previews by name."""

    def __init__(self):
        super().__init__()
        self._serial = _preview_next[0]
        _preview_next[0] += 1

    def _add(self, name, size):
        if name in self:
            raise KeyError("key %r already exists" % name)
        key = "%d:%s" % (self._serial, name)
        icon_id = _preview_next[0]
        _preview_next[0] += 1
        g = _bpy.prop_set(_preview_cache_h(), key, "g", None)
        _bpy.prop_set(g, "image_size", "I", size)
        p = ImagePreview(key, icon_id)
        _preview_ids[icon_id] = key
        dict.__setitem__(self, name, p)
        return p

    def new(self, name):
        return self._add(name, (0, 0))

    def load(self, name, filepath, filetype, force_reload=False):
        if filetype not in ("IMAGE", "MOVIE", "BLEND", "FONT"):
            raise TypeError("load(): filetype '%s' not in ('IMAGE', 'MOVIE', 'BLEND', 'FONT')"
                            % filetype)
        return self._add(name, _image_file_size(filepath))

    def clear(self):
        for p in self.values():
            _bpy.prop_del(_preview_cache_h(), p._key)
            _preview_ids.pop(p.icon_id, None)
        dict.clear(self)

    def close(self):
        self.clear()

    def __delitem__(self, name):
        p = self[name]
        _bpy.prop_del(_preview_cache_h(), p._key)
        _preview_ids.pop(p.icon_id, None)
        dict.__delitem__(self, name)


def _previews_new():
    return ImagePreviewCollection()


def _previews_remove(pcoll):
    pcoll.close()


_previews_mod.new = _previews_new
_previews_mod.remove = _previews_remove
_previews_mod.ImagePreviewCollection = ImagePreviewCollection


def _preview_draw(icon_value, layout):
    key = _preview_ids.get(icon_value)
    if key is not None:
        _bpy.ui_button(layout._space, layout._region, _preview_cache_h(), key)


# ---------------------------------------------------------------------------
# bpy.utils, bpy.path, bpy.app: the rest add-ons use

import os as _os
import tempfile as _tempfile

# Blender's user resources (config, scripts, extensions) and its session
# temporary directory (bpy.app.tempdir, blender_XXXXXX under the system's
# temporary folder, made at start and removed at exit). hostrace gives each
# run a directory of its own, empty as the run starts (_begin_session): a
# file an earlier run (or an earlier schedule) left there must not change
# what this one does.
_config_root = _os.path.join(_tempfile.gettempdir(), "hostrace-blender", "4.2")


def _begin_session(root):
    global _config_root
    _config_root = _os.path.join(root, "user", "4.2")
    app.tempdir = _os.path.join(root, "tmp") + _os.sep
    _os.makedirs(app.tempdir, exist_ok=True)


def _user_resource(resource_type, path="", create=False):
    sub = {"DATAFILES": "datafiles", "CONFIG": "config", "SCRIPTS": "scripts",
           "EXTENSIONS": "extensions"}.get(resource_type)
    if sub is None:
        raise ValueError("user_resource(): resource_type '%s' not found" % resource_type)
    p = _os.path.join(_config_root, sub, path)
    if create:
        _os.makedirs(p, exist_ok=True)
    return p


utils.user_resource = _user_resource
utils.script_path_user = lambda: _os.path.join(_config_root, "scripts")
utils.script_paths = lambda *a, **kw: [_os.path.join(_config_root, "scripts")]
utils.extension_path_user = lambda package, path="", create=False: _user_resource(
    "EXTENSIONS", _os.path.join(".user", package.rsplit(".", 1)[-1], path), create)
utils.resource_path = lambda type, major=4, minor=2: _os.path.join(_config_root, type.lower())
utils.smpte_from_frame = lambda frame, fps=24, fps_base=1.0: "%02d:%02d:%02d:%02d" % (
    frame // (3600 * fps), frame // (60 * fps) % 60, frame // fps % 60, frame % fps)

path = _submodule("path", "bpy.path: path utilities with Blender's '//' convention")


def _abspath(p, start=None, library=None):
    if isinstance(p, bytes):
        p = p.decode()
    if p.startswith("//"):
        return _os.path.join(start or _os.getcwd(), p[2:])
    return p


def _relpath(p, start=None):
    if p.startswith("//"):
        return p
    return "//" + _os.path.relpath(p, start or _os.getcwd())


def _clean_name(name, replace="_"):
    return "".join(c if c.isalnum() or c in "-." else replace for c in name)


def _ensure_ext(filepath, ext, case_sensitive=False):
    fp = filepath if case_sensitive else filepath.lower()
    return filepath if fp.endswith(ext if case_sensitive else ext.lower()) else filepath + ext


path.abspath = _abspath
path.relpath = _relpath
path.basename = lambda p: _os.path.basename(p[2:] if p.startswith("//") else p)
path.clean_name = _clean_name
path.ensure_ext = _ensure_ext
path.display_name = lambda name, has_ext=True, title_case=True: (
    _os.path.splitext(_os.path.basename(name))[0] if has_ext else name).replace("_", " ")
path.native_pathsep = lambda p: p
path.is_subdir = lambda p, directory: _os.path.abspath(p).startswith(
    _os.path.abspath(directory) + _os.sep)

app.debug_value = 0
app.online_access = True
app.online_access_overriden = False
app.tempdir = _os.path.join(_tempfile.gettempdir(), "") # until _begin_session
app.build_platform = b"Linux"
app.build_hash = b"hostrace"
app.build_branch = b"main"
app.version_file = app.version
app.version_cycle = "release"
app.factory_startup = False
app.debug_wm = False
app.debug_python = False
app.use_userpref_skip_save_on_exit = False
_translations = _types.ModuleType("bpy.app.translations")
_translations.pgettext = lambda msgid, msgctxt=None: msgid
_translations.pgettext_iface = _translations.pgettext
_translations.pgettext_tip = _translations.pgettext
_translations.pgettext_data = _translations.pgettext
_translations.pgettext_rpt = _translations.pgettext
_translations.locale = "en_US"
_translations.register = lambda module_name, translations_dict: None
_translations.unregister = lambda module_name: None
app.translations = _translations
_sys.modules["bpy.app.translations"] = _translations
for _n in ("undo_pre", "undo_post", "redo_pre", "redo_post", "load_factory_startup_post",
           "load_factory_preferences_post", "save_post_fail", "load_post_fail",
           "version_update", "composite_pre", "composite_post", "composite_cancel",
           "object_bake_pre", "object_bake_complete", "object_bake_cancel", "annotation_pre",
           "annotation_post", "animation_playback_pre", "animation_playback_post",
           "xr_session_start_pre", "translation_update_post"):
    # events the mock never raises: their lists exist, and stay uncalled
    if not hasattr(_handlers_mod, _n):
        setattr(_handlers_mod, _n, [])


# ---------------------------------------------------------------------------
# add-ons: addon_utils, and how hostrace loads one

addon_utils = _types.ModuleType("addon_utils", "addon_utils: enabling and listing add-ons")
_sys.modules["addon_utils"] = addon_utils


def _addon_enable(module_name, default_set=False, persistent=False, handle_error=None,
                  refresh_handled=False):
    import importlib
    mod = _addon_modules.get(module_name)
    if mod is not None:
        return mod
    mod = importlib.import_module(module_name)
    if not callable(getattr(mod, "register", None)):
        raise AttributeError("add-on %s has no register()" % module_name)
    # enabled in the saved preferences: its entry exists before register()
    if module_name not in _preferences.addons:
        _preferences.addons._list.append(Addon(module_name))
    mod.register()
    _addon_modules[module_name] = mod
    return mod


def _addon_disable(module_name, default_set=False, handle_error=None):
    mod = _addon_modules.pop(module_name, None)
    if module_name in _preferences.addons:
        _preferences.addons._list.remove(_preferences.addons[module_name])
    if mod is not None and callable(getattr(mod, "unregister", None)):
        mod.unregister()


addon_utils.enable = _addon_enable
addon_utils.disable = _addon_disable
addon_utils.modules = lambda module_cache=None, refresh=True: list(_addon_modules.values())
addon_utils.check = lambda module_name: (module_name in _addon_modules,
                                         module_name in _addon_modules)
addon_utils.module_bl_info = lambda mod, info_basis=None: dict(getattr(mod, "bl_info", {}))
addon_utils.paths = lambda: [_os.path.join(_config_root, "scripts", "addons")]


def _addon_load(path):
    """Loads the add-on at path as Blender enables one: a package folder, a
    single module or a .zip, from its parent folder on sys.path; returns
    its module name. Called by `hostrace addon` before the event loop."""
    path = _os.path.abspath(path)
    if path.endswith(".zip"):
        import zipfile
        with zipfile.ZipFile(path) as z:
            tops = sorted({n.split("/", 1)[0] for n in z.namelist() if n.strip("/")})
        pkgs = [t for t in tops if t.endswith(".py") or "%s/__init__.py" % t in
                zipfile.ZipFile(path).namelist()]
        if len(pkgs) != 1:
            raise ValueError("%s: expected one add-on package or module at the top of the zip, "
                             "found %s" % (path, ", ".join(tops) or "nothing"))
        _sys.path.insert(0, path)
        name = pkgs[0][:-3] if pkgs[0].endswith(".py") else pkgs[0]
    elif _os.path.isdir(path):
        manifest = _os.path.join(path, "blender_manifest.toml")
        if not _os.path.exists(_os.path.join(path, "__init__.py")):
            raise ValueError("%s: an add-on folder needs an __init__.py" % path)
        parent, base = _os.path.split(path)
        if _os.path.exists(manifest):
            # an extension: imported as bl_ext.<repository>.<id>
            for pkg in ("bl_ext", "bl_ext.user_default"):
                if pkg not in _sys.modules:
                    m = _types.ModuleType(pkg)
                    m.__path__ = [parent] if pkg.endswith("user_default") else []
                    _sys.modules[pkg] = m
            name = "bl_ext.user_default." + base
        else:
            _sys.path.insert(0, parent)
            name = base
    elif path.endswith(".py"):
        parent, base = _os.path.split(path)
        _sys.path.insert(0, parent)
        name = base[:-3]
    else:
        raise ValueError("%s: not an add-on (a folder with __init__.py, a .py or a .zip)" % path)
    _addon_enable(name)
    return name


def _addon_unload():
    for name in reversed(list(_addon_modules)):
        try:
            _addon_disable(name)
        except Exception as e:
            _bpy.report_exception(e, "unregister() of add-on %s" % name)


addon_utils._hostrace_load = _addon_load
addon_utils._hostrace_unload = _addon_unload


# ---------------------------------------------------------------------------
# the user of an add-on run (hostrace addon --invoke, --explore-ui)
#
# Once a frame, at its start (events, before the timers; nothing on main
# has changed what the last draw showed), the host calls _user_input on main. What the user does there is
# the schedule's: every choice is a value choice (_hostrace.choose), recorded
# with the thread decisions, so a schedule stays the run's whole input and
# replays. --invoke clicks the given operators in order, each one to three
# frames after the previous (the strategy picks); --explore-ui N then acts for
# N frames as a user would: each frame it idles, clicks one operator button
# or changes one property that the UI drew last frame, or runs one
# registered operator (F3 search), among those whose poll() passes.

import _hostrace

_USER_WAIT = 3       # an --invoke click comes at most this many frames late
_USER_SHOWN_MAX = 64  # buttons of one frame the user picks among

_user = {"calls": [], "waited": 0, "explore": 0, "shown": None, "drawn": []}


def _user_sees(layout, button):
    """A button drawn by an add-on's UI; the user may click it next frame."""
    shown = _user["shown"]
    if shown is not None and layout.enabled and len(shown) < _USER_SHOWN_MAX:
        shown.append(button)


def _invoke_user(idname, props):
    """A user clicking an operator's button: INVOKE_DEFAULT with props."""
    cat, _, name = idname.partition(".")
    getattr(getattr(ops, cat), name)("INVOKE_DEFAULT", **props)


def _user_click(idname, kw):
    try:
        _invoke_user(idname, kw)
    except Exception as e:
        _bpy.report_exception(e, "operator %s invoked by the user" % idname)


def _parse_invokes(spec):
    import ast
    calls = []
    for tok in spec.split():
        idname, _, args = tok.partition(":")
        kw = {}
        for pair in filter(None, args.split(",")):
            k, eq, v = pair.partition("=")
            if not eq:
                raise ValueError("--invoke %s: '%s' is not KEY=VALUE" % (tok, pair))
            try:
                kw[k] = ast.literal_eval(v)
            except (ValueError, SyntaxError):
                kw[k] = v
        calls.append((idname, kw))
    return calls


def _user_start(spec, explore_frames=0):
    """The user of an add-on run: --invoke operators (spec) and
    --explore-ui frames."""
    _user["calls"] = _parse_invokes(spec)
    _user["explore"] = int(explore_frames)
    if _user["explore"] > 0:
        _user["shown"] = []
    if _user["calls"] or _user["explore"] > 0:
        _bpy.user_input()


def _user_input():
    """The user's turn of a frame; True while actions are left."""
    if _user["shown"] is not None:
        # the user sees what the last frame drew; this frame's draw collects anew
        _user["drawn"], _user["shown"] = _user["shown"], []
    calls = _user["calls"]
    if calls:
        if _user["waited"] >= _USER_WAIT - 1 or _hostrace.choose(2, "user.click") == 1:
            _user["waited"] = 0
            _user_click(*calls.pop(0))
        else:
            _user["waited"] += 1
    elif _user["explore"] > 0:
        _user["explore"] -= 1
        _explore_step()
    if not calls and _user["explore"] <= 0:
        _user["shown"] = None  # the user is done: the draw records nothing
        _user["drawn"] = []
    return bool(calls) or _user["explore"] > 0


def _op_polls(cls):
    poll = _opt(cls, "poll")
    if poll is None:
        return True
    try:
        return bool(poll(context))
    except Exception as e:
        _bpy.report_exception(e, "%s.poll()" % cls.__name__)
        return False


def _prop_values(data, name):
    """The values a user might give property name of data (a button they
    see): each differs from the current one, or () if it cannot be edited."""
    custom = name.startswith('["') and name.endswith('"]')
    try:
        cur = data[name[2:-2]] if custom else getattr(data, name)
    except Exception:
        return ()
    desc = None if custom else _inspect.getattr_static(type(data), name, None)
    if isinstance(desc, _RNAProperty):
        if desc.kind in ("PointerProperty", "CollectionProperty"):
            return ()
        if desc.kw.get("subtype") in ("FILE_PATH", "DIR_PATH", "FILE_NAME"):
            return ()  # chosen in a file browser, which the user model lacks
        if desc.kind == "EnumProperty":
            if "ENUM_FLAG" in desc.kw.get("options", ()):
                return ()
            try:
                items = _enum_items(desc.kw, data)
            except Exception as e:
                _bpy.report_exception(e, "items of %s.%s" % (type(data).__name__, name))
                return ()
            return tuple(i for i in items if i != cur)
    elif not custom and not (isinstance(desc, property) and desc.fset is not None) and \
            type(desc).__name__ != "getset_descriptor":
        return ()
    if isinstance(cur, bool):
        return (not cur,)
    if isinstance(cur, int):
        return (cur + 1, cur - 1, 0)
    if isinstance(cur, float):
        return (cur + 1.0, cur * 0.5, 0.0)
    if isinstance(cur, str):
        return ("", "hostrace", cur + "1")
    try:
        vec = tuple(cur)
    except TypeError:
        return ()
    if vec and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in vec):
        return (tuple(x + 1 for x in vec), tuple(0 * x for x in vec))
    return ()


def _explore_step():
    """One frame of --explore-ui: the user idles or does one thing."""
    actions, seen = [], set()
    for kind, a, b in _user["drawn"]:
        if kind == "op":
            key = ("op", a, tuple(sorted((k, repr(v)) for k, v in vars(b).items()
                                         if not k.startswith("_"))))
        else:
            key = ("prop", id(a), b)
        if key not in seen:
            seen.add(key)
            actions.append((kind, a, b))
    for cls in _registered.get("Operator", ()):
        idname = _opt(cls, "bl_idname", "")
        if idname and ("op", idname, ()) not in seen:
            seen.add(("op", idname, ()))
            actions.append(("op", idname, None))
    ready = []  # (kind, a, b, the property's candidate values)
    for kind, a, b in actions:
        if kind == "op":
            cls = _operators.get(a)
            if cls is not None and _op_polls(cls):
                ready.append((kind, a, b, None))
        else:
            values = _prop_values(a, b)
            if values:
                ready.append((kind, a, b, values))
    k = _hostrace.choose(1 + len(ready), "user.action")
    if k == 0:
        return
    kind, a, b, values = ready[k - 1]
    if kind == "op":
        kw = {} if b is None else {n: v for n, v in vars(b).items() if not n.startswith("_")}
        _user_click(a, kw)
        return
    v = values[_hostrace.choose(len(values), "user.value")]
    builtin = not b.startswith('["') and \
        not isinstance(_inspect.getattr_static(type(a), b, None), _RNAProperty)
    try:
        if b.startswith('["'):
            a[b[2:-2]] = v
        else:
            setattr(a, b, v)
    except (AttributeError, TypeError, ValueError) as e:
        # a built-in property that is read-only or takes other values:
        # Blender's button would not let the user do it
        if not builtin:
            _bpy.report_exception(e, "the user setting %s.%s" % (type(a).__name__, b))
    except Exception as e:
        _bpy.report_exception(e, "the user setting %s.%s" % (type(a).__name__, b))


addon_utils._hostrace_user = _user_start


# module-level gaps: bpy.types.X, bpy.utils.x, ... that the mock lacks
def _module_getattr(modname):
    def __getattr__(name):
        raise _missing(modname, name)

    return __getattr__


for _m, _n in ((types, "bpy.types"), (utils, "bpy.utils"), (app, "bpy.app"),
               (props, "bpy.props"), (path, "bpy.path"), (_handlers_mod, "bpy.app.handlers"),
               (_sys.modules[__name__], "bpy")):
    _m.__getattr__ = _module_getattr(_n)


# ---------------------------------------------------------------------------
# hooks the host calls


def _modal(op, event_type):
    try:
        r = _to_set(op.modal(context, Event(event_type)), type(op).__name__)
    except Exception as e:
        _bpy.report_exception(e, "modal operator %s" % type(op).__name__)
        _op_finished(op, {"CANCELLED"})
        return False
    if "RUNNING_MODAL" in r or "PASS_THROUGH" in r:
        return True
    _op_finished(op, r)
    return False


def _modal_cancel(op):
    cancel = _opt(op, "cancel")
    if cancel is not None:
        try:
            cancel(context)
        except Exception as e:
            _bpy.report_exception(e, "modal operator %s cancel" % type(op).__name__)
    _op_free(op)


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


# What the main thread is running for the host (a timer, a handler, a draw
# callback...), innermost last: a thread started meanwhile was started by
# it. Empty while the script itself runs.
_callback = []


def _in_callback(describe, fn):
    def run(*args):
        _callback.append(describe(*args))
        try:
            return fn(*args)
        finally:
            _callback.pop()
    return run


def _qual(fn):
    fn = getattr(fn, "__func__", fn)
    code = getattr(fn, "__code__", None)
    qual = getattr(fn, "__qualname__", None) or repr(fn)
    if code is None:
        return qual
    return "%s (%s:%d)" % (qual, code.co_filename.rsplit("/", 1)[-1], code.co_firstlineno)


_thread_start = _threading.Thread.start


def _start_tracked(self):
    if _threading.current_thread() is _threading.main_thread():
        self._hr_started_by = _callback[-1] if _callback else None
    else:
        self._hr_started_by = "thread '%s'" % _threading.current_thread().name
    return _thread_start(self)


_threading.Thread.start = _start_tracked


def _before_fork():
    """os.fork() with other Python threads running: whatever lock one of them
    holds stays held in the child, which has only the forking thread (CPython
    3.12+ warns of it too)."""
    me = _threading.current_thread()
    others = sorted(t.name for t in _threading.enumerate() if t is not me and t.is_alive())
    if not others:
        return
    f = _script_frame(_sys._getframe(1))
    where = "%s:%d" % (f.f_code.co_filename.rsplit("/", 1)[-1], f.f_lineno) if f else "?"
    _bpy.report_warning(
        "fork-with-threads", "fork@%s" % where,
        "the process forked at %s while %d other Python thread%s ran (%s): locks they held "
        "stay held in the child, which has only the forking thread"
        % (where, len(others), "" if len(others) == 1 else "s", ", ".join(others)),
        None if me is _threading.main_thread() else me.name)


_os.register_at_fork(before=_before_fork)


import signal as _signal_mod

_HERE = globals().get("__file__")


def _script_frame(f):
    """The innermost frame of the script's own code at or above f: the
    wrappers here and the standard library's plumbing are skipped."""
    while f is not None and (f.f_code.co_filename.startswith("<") or
                             f.f_code.co_filename == _HERE or
                             "/multiprocessing/" in f.f_code.co_filename or
                             f.f_code.co_filename.endswith(("/os.py", "/subprocess.py",
                                                            "/signal.py", "/threading.py"))):
        f = f.f_back
    return f


def _process_end(kind, what, effect, final):
    """The script ends or stops the process at the caller's line: a finding
    with its Python stack, saved before the process goes (_bpy.process_end
    does nothing in processes forked from the run)."""
    import traceback
    f = _script_frame(_sys._getframe(2))
    where = "%s:%d" % (f.f_code.co_filename.rsplit("/", 1)[-1], f.f_lineno) if f else "?"
    me = _threading.current_thread()
    who = "the script" if me is _threading.main_thread() else "thread '%s'" % me.name
    stack = "".join(traceback.format_stack(f)) if f else ""
    _bpy.process_end(kind, "%s@%s" % (what.split("(")[0], where),
                     "%s %s at %s: %s" % (who, what, where, effect),
                     me.name, stack[-2000:], final)


_real_os_exit = _os._exit


def _os_exit(code):
    _process_end("process-exit", "ended the process with os._exit(%r)" % (code,),
                 "Blender quits at once, without saving the user's work or running its "
                 "exit handlers", True)
    _real_os_exit(code)


_os_exit.__doc__ = _real_os_exit.__doc__
_os._exit = _os_exit

# Signals whose default action ends the process, and those that stop it
# (SIGCHLD, SIGCONT, SIGURG and SIGWINCH are ignored by default). SIGSEGV,
# SIGBUS and SIGABRT are left to the crash handler, which sees the fault
# itself.
_ENDING = {getattr(_signal_mod, n) for n in (
    "SIGHUP", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGUSR2",
    "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGXCPU", "SIGXFSZ", "SIGVTALRM",
    "SIGPROF", "SIGIO", "SIGPWR", "SIGSYS", "SIGINT") if hasattr(_signal_mod, n)}
_ENDING |= set(range(_signal_mod.SIGRTMIN, _signal_mod.SIGRTMAX + 1))
_STOPPING = {getattr(_signal_mod, n) for n in ("SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU")}


def _signal_to_self(sig, how):
    try:
        sig = int(sig)
        handler = _signal_mod.getsignal(sig)
    except (ValueError, TypeError, OSError):
        return
    if sig not in (_signal_mod.SIGKILL, _signal_mod.SIGSTOP) and \
            (handler not in (_signal_mod.SIG_DFL, None) or not _bpy.signal_is_default(sig)):
        return  # a Python handler, ignored, or a handler of the host's own
    try:
        name = _signal_mod.Signals(sig).name
    except ValueError:
        name = "signal %d" % sig
    if sig in _STOPPING:
        _process_end("hang", "stopped the process with %s (%s)" % (how, name),
                     "Blender freezes until something continues it", False)
    elif sig in _ENDING:
        _process_end("process-killed", "killed the process with %s (%s)" % (how, name),
                     "Blender dies at once, losing the user's work", False)


def _audit(event, args):
    if event == "os.kill":
        pid, sig = args
        if pid in (0, -1, _os.getpid()) or pid == -_os.getpgid(0):
            _signal_to_self(sig, "os.kill")
    elif event == "os.killpg":
        pgid, sig = args
        if pgid in (0, _os.getpgid(0)):
            _signal_to_self(sig, "os.killpg")
    elif event == "signal.pthread_kill":
        _signal_to_self(args[1], "signal.pthread_kill")


_sys.addaudithook(_audit)
_real_raise_signal = _signal_mod.raise_signal


def _raise_signal(sig):
    _signal_to_self(sig, "signal.raise_signal")
    _real_raise_signal(sig)


_raise_signal.__doc__ = _real_raise_signal.__doc__
_signal_mod.raise_signal = _raise_signal


def _check_threads():
    main = _threading.main_thread()
    for t in _threading.enumerate():
        if t is main or not t.is_alive():
            continue
        t._hr_reported = True
        desc, key = _describe_target(t)
        _bpy.report_warning(
            "thread-outlives-script", "%s:%s" % (type(t).__name__, key),
            "thread '%s' (%s%s, target %s) is still running after the script returned; "
            "Blender supports only threads that finish before the script does"
            % (t.name, "daemon " if t.daemon else "", type(t).__name__, desc), t.name)


def _check_late_threads():
    """Threads started after the script returned (by a timer, a handler, a
    draw callback, a modal operator, a user's action, another thread) and
    still running when the event loop ended: they outlived the code that
    started them, as the script's own would have."""
    main = _threading.main_thread()
    for t in _threading.enumerate():
        if t is main or not t.is_alive() or getattr(t, "_hr_reported", False):
            continue
        t._hr_reported = True
        desc, key = _describe_target(t)
        by = getattr(t, "_hr_started_by", None) or "the script"
        _bpy.report_warning(
            "thread-outlives-script", "%s:%s:by:%s" % (type(t).__name__, key, by.split(" (")[0]),
            "thread '%s' (%s%s, target %s), started by %s, is still running when the event "
            "loop ended; Blender supports only threads that finish before the code that "
            "started them returns" % (t.name, "daemon " if t.daemon else "", type(t).__name__,
                                      desc, by), t.name)


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


_make_invoke_excepthook = _threading._make_invoke_excepthook


def _make_reporting_excepthook():
    """An exception that ends a thread's run() is a finding whatever
    threading.excepthook the script installs: each Thread gets its hook
    caller when it is made (threading._make_invoke_excepthook), and that
    caller reports first, then calls the excepthook of the moment."""
    invoke = _make_invoke_excepthook()

    def invoke_reporting(thread):
        exc = _sys.exc_info()[1]
        if exc is not None and not isinstance(exc, SystemExit):
            _bpy.report_exception(exc, "thread '%s'" % thread.name)
        invoke(thread)

    return invoke_reporting


_threading._make_invoke_excepthook = _make_reporting_excepthook

class View3DShading(bpy_struct):
    """The 3D view's shading: RENDERED makes the scene's engine draw the view
    (an add-on engine's view_update/view_draw run on main at every draw)."""
    __slots__ = ()
    _ITEMS = ("WIREFRAME", "SOLID", "MATERIAL", "RENDERED")
    _type = ["SOLID"]

    @property
    def type(self):
        return self._type[0]

    @type.setter
    def type(self, value):
        if value not in self._ITEMS:
            raise TypeError('bpy_struct: item.attr = val: enum "%s" not found in (%s)'
                            % (value, ", ".join("'%s'" % i for i in self._ITEMS)))
        self._type[0] = value
        _bpy.view_shading(value == "RENDERED")


_view3d_shading = View3DShading()


def _space_shading(self):
    if self.type != "VIEW_3D":
        raise _missing("Space", "shading")
    return _view3d_shading


Space.shading = property(_space_shading)
types.View3DShading = View3DShading
type.__setattr__(View3DShading, "__module__", "bpy.types")

_bpy.set_hooks({
    "handlers": _in_callback(lambda name, scene: "handler bpy.app.handlers.%s" % name,
                             _run_handlers),
    "timer": _in_callback(lambda fn: "timer %s" % _qual(fn), _run_timer),
    "modal": _in_callback(lambda op, ev: "modal operator %s" % type(op).__name__, _modal),
    "modal_cancel": _in_callback(lambda op: "modal operator %s" % type(op).__name__,
                                 _modal_cancel),
    "draw": _in_callback(lambda h: "draw handler %s" % _qual(h[0]), _draw),
    "queued": _in_callback(lambda call: "bpy.app.run_on_main call %s" % _qual(call.fn),
                           _run_queued),
    "check_threads": _check_threads,
    "check_late_threads": _check_late_threads,
    "join_threads": _join_threads,
    "draw_ui": _in_callback(lambda space, region: "the UI's draw of %s" % space, _draw_ui),
    "user_input": _in_callback(lambda *a: "a user's action", _user_input),
    "driver_exec": _in_callback(
        lambda ob, ch, i, *a: "driver %s[%d] of object '%s'" % (
            ("location", "rotation_euler", "scale")[ch], i, _bpy.id_name(ob)), _driver_exec),
    "engine": _in_callback(lambda step, cap, idname, inst: "render engine %s.%s" % (idname, step),
                           _engine_step),
})

del _cls, _k, _i, _n, _c, _a
