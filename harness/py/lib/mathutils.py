"""mathutils for hostrace: Vector (and Euler) with Blender's semantics.

A vector returned by a property (Object.location, MeshVertex.co) is owned
by its data: every read fetches the current values from the host and every
write stores them back, as Blender's callback-backed vectors do. So
``obj.location.x += 1`` is a read followed by a separate write.
"""

import math as _math


class Vector:
    __slots__ = ("_data", "_owner")

    def __init__(self, seq=(0.0, 0.0, 0.0)):
        data = [float(v) for v in seq]
        if not 2 <= len(data) <= 4:
            raise ValueError("Vector(): expected a sequence of 2 to 4 numbers")
        self._data = data
        self._owner = None

    @classmethod
    def _owned(cls, owner):
        """owner: an object with get() -> tuple and set(tuple)."""
        v = cls.__new__(cls)
        v._data = None
        v._owner = owner
        return v

    # -- storage --
    def _read(self):
        if self._owner is not None:
            return list(self._owner.get())
        return list(self._data)

    def _write(self, data):
        if self._owner is not None:
            self._owner.set(tuple(data))
        else:
            self._data = list(data)

    # -- sequence --
    def __len__(self):
        return len(self._read())

    def __getitem__(self, i):
        d = self._read()
        if isinstance(i, slice):
            return tuple(d[i])
        try:
            return d[i]
        except IndexError:
            raise IndexError("vector[index]: out of range") from None

    def __setitem__(self, i, value):
        d = self._read()
        if isinstance(i, slice):
            new = [float(v) for v in value]
            if len(d[i]) != len(new):
                raise ValueError("vector[a:b] = value: size mismatch")
            d[i] = new
        else:
            try:
                d[i] = float(value)
            except IndexError:
                raise IndexError("vector[index] = x: assignment index out of range") from None
        self._write(d)

    def __iter__(self):
        return iter(self._read())

    def _axis(i):
        def get(self):
            return self[i]

        def set_(self, value):
            self[i] = value

        return property(get, set_)

    x = _axis(0)
    y = _axis(1)
    z = _axis(2)
    w = _axis(3)
    del _axis

    # -- arithmetic --
    @staticmethod
    def _other(o, n):
        if isinstance(o, Vector):
            d = o._read()
        else:
            try:
                d = [float(v) for v in o]
            except TypeError:
                return None
        if len(d) != n:
            raise ValueError("Vector addition: vectors must have the same dimensions")
        return d

    def __add__(self, o):
        a = self._read()
        b = self._other(o, len(a))
        if b is None:
            return NotImplemented
        return Vector([x + y for x, y in zip(a, b)])

    __radd__ = __add__

    def __sub__(self, o):
        a = self._read()
        b = self._other(o, len(a))
        if b is None:
            return NotImplemented
        return Vector([x - y for x, y in zip(a, b)])

    def __rsub__(self, o):
        a = self._read()
        b = self._other(o, len(a))
        if b is None:
            return NotImplemented
        return Vector([y - x for x, y in zip(a, b)])

    def __mul__(self, o):
        if isinstance(o, (int, float)):
            return Vector([x * o for x in self._read()])
        if isinstance(o, Vector):
            a, b = self._read(), o._read()
            if len(a) != len(b):
                raise ValueError("Vector multiplication: vectors must have the same dimensions")
            return Vector([x * y for x, y in zip(a, b)])
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, o):
        if isinstance(o, (int, float)):
            if o == 0:
                raise ZeroDivisionError("Vector division: divide by zero error")
            return Vector([x / o for x in self._read()])
        return NotImplemented

    def __matmul__(self, o):
        if isinstance(o, Vector):
            return self.dot(o)
        return NotImplemented

    # in place: one read of the owner, one write back (two host accesses)
    def __iadd__(self, o):
        a = self._read()
        b = self._other(o, len(a))
        if b is None:
            return NotImplemented
        self._write([x + y for x, y in zip(a, b)])
        return self

    def __isub__(self, o):
        a = self._read()
        b = self._other(o, len(a))
        if b is None:
            return NotImplemented
        self._write([x - y for x, y in zip(a, b)])
        return self

    def __imul__(self, o):
        if not isinstance(o, (int, float)):
            return NotImplemented
        self._write([x * o for x in self._read()])
        return self

    def __neg__(self):
        return Vector([-x for x in self._read()])

    def __pos__(self):
        return Vector(self._read())

    def __eq__(self, o):
        if isinstance(o, Vector):
            return self._read() == o._read()
        return NotImplemented

    def __ne__(self, o):
        r = self.__eq__(o)
        return r if r is NotImplemented else not r

    __hash__ = None

    # -- methods --
    @property
    def length(self):
        return _math.sqrt(sum(x * x for x in self._read()))

    @property
    def length_squared(self):
        return sum(x * x for x in self._read())

    def dot(self, o):
        a = self._read()
        b = self._other(o, len(a))
        return sum(x * y for x, y in zip(a, b))

    def cross(self, o):
        a = self._read()
        b = self._other(o, len(a))
        if len(a) != 3:
            raise ValueError("Vector.cross(other): expects both vectors to be 3D")
        return Vector((a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]))

    def normalized(self):
        n = self.length
        d = self._read()
        return Vector([x / n for x in d]) if n else Vector(d)

    def normalize(self):
        self._write(list(self.normalized()))

    def copy(self):
        return Vector(self._read())

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    def to_tuple(self, precision=-1):
        d = self._read()
        if precision >= 0:
            return tuple(round(x, precision) for x in d)
        return tuple(d)

    def __repr__(self):
        return "<Vector (" + ", ".join("%.4f" % x for x in self._read()) + ")>"


class Euler(Vector):
    __slots__ = ()

    def __init__(self, angles=(0.0, 0.0, 0.0), order="XYZ"):
        super().__init__(angles)

    @property
    def order(self):
        return "XYZ"

    def copy(self):
        return Euler(self._read())

    def __repr__(self):
        return "<Euler (x=%.4f, y=%.4f, z=%.4f), order='XYZ'>" % tuple(self._read()[:3])
