"""mathutils.Vector arithmetic and protocol used by add-on scripts."""
import cases
import mathutils
from mathutils import Vector


_close = cases.close
EPS = 1e-5


def case_import_forms():
    assert mathutils.Vector is Vector, "mathutils.Vector is not the Vector imported with from-import"


def case_components_and_indexing():
    v = Vector((1.0, 2.0, 3.0))
    assert (v.x, v.y, v.z) == (1.0, 2.0, 3.0), "x/y/z are %r" % ((v.x, v.y, v.z),)
    assert (v[0], v[1], v[2]) == (1.0, 2.0, 3.0), "indexing gives %r" % ((v[0], v[1], v[2]),)
    assert v[-1] == 3.0, "v[-1] is %r" % v[-1]
    assert len(v) == 3, "len(v) is %d" % len(v)
    try:
        v[3]
    except IndexError:
        pass
    else:
        raise AssertionError("v[3] on a 3D vector did not raise IndexError")


def case_component_assignment():
    v = Vector((1.0, 2.0, 3.0))
    v.x = 7.0
    v[2] = 9.0
    assert tuple(v) == (7.0, 2.0, 9.0), "after assignment v is %r" % (tuple(v),)


def case_add_sub_neg():
    a = Vector((1.0, 2.0, 3.0))
    b = Vector((0.5, 0.5, 0.5))
    assert _close(a + b, (1.5, 2.5, 3.5)), "a + b = %r" % (tuple(a + b),)
    assert _close(a - b, (0.5, 1.5, 2.5)), "a - b = %r" % (tuple(a - b),)
    assert _close(-a, (-1, -2, -3)), "-a = %r" % (tuple(-a),)
    assert isinstance(a + b, Vector), "a + b is %r, not a Vector" % type(a + b)
    assert _close(a, (1, 2, 3)), "a + b modified a: %r" % (tuple(a),)


def case_scalar_mul_div():
    v = Vector((1.0, 2.0, 3.0))
    assert _close(v * 2, (2, 4, 6)), "v * 2 = %r" % (tuple(v * 2),)
    assert _close(2 * v, (2, 4, 6)), "2 * v = %r" % (tuple(2 * v),)
    assert _close(v / 2, (0.5, 1, 1.5)), "v / 2 = %r" % (tuple(v / 2),)


def case_inplace_ops():
    v = Vector((1.0, 1.0, 1.0))
    w = v
    v += Vector((1.0, 2.0, 3.0))
    assert _close(v, (2, 3, 4)), "after += v is %r" % (tuple(v),)
    assert w is v, "+= on a Vector created a new object"
    v -= Vector((1.0, 1.0, 1.0))
    v *= 2
    assert _close(v, (2, 4, 6)), "after -= and *= v is %r" % (tuple(v),)


def case_equality():
    assert Vector((1.0, 2.0, 3.0)) == Vector((1.0, 2.0, 3.0)), "equal vectors compare unequal"
    assert Vector((1.0, 2.0, 3.0)) != Vector((1.0, 2.0, 4.0)), "different vectors compare equal"
    assert not (Vector((1.0, 2.0, 3.0)) == Vector((3.0, 2.0, 1.0))), "permuted vectors compare equal"


def case_length_and_normalized():
    v = Vector((3.0, 4.0, 0.0))
    assert abs(v.length - 5.0) < EPS, "length is %r" % v.length
    n = v.normalized()
    assert _close(n, (0.6, 0.8, 0.0)), "normalized() is %r" % (tuple(n),)
    assert abs(n.length - 1.0) < EPS, "normalized length is %r" % n.length
    assert _close(v, (3, 4, 0)), "normalized() modified the vector: %r" % (tuple(v),)
    v.normalize()
    assert _close(v, (0.6, 0.8, 0.0)), "normalize() in place gave %r" % (tuple(v),)


def case_dot_and_cross():
    x = Vector((1.0, 0.0, 0.0))
    y = Vector((0.0, 1.0, 0.0))
    assert abs(x.dot(y)) < EPS, "x.dot(y) = %r" % x.dot(y)
    assert abs(Vector((1.0, 2.0, 3.0)).dot(Vector((4.0, 5.0, 6.0))) - 32.0) < EPS, "dot product wrong"
    assert _close(x.cross(y), (0, 0, 1)), "x.cross(y) = %r" % (tuple(x.cross(y)),)
    assert _close(y.cross(x), (0, 0, -1)), "y.cross(x) = %r" % (tuple(y.cross(x)),)


def case_copy_independent():
    v = Vector((1.0, 2.0, 3.0))
    c = v.copy()
    assert c == v, "copy differs from original"
    c.x = 10.0
    assert v.x == 1.0, "changing the copy changed the original: %r" % (tuple(v),)


def case_tuple_slice_repr():
    v = Vector((1.0, 2.0, 3.0))
    assert tuple(v) == (1.0, 2.0, 3.0), "tuple(v) is %r" % (tuple(v),)
    assert v[:] == (1.0, 2.0, 3.0), "v[:] is %r" % (v[:],)
    assert v[0:2] == (1.0, 2.0), "v[0:2] is %r" % (v[0:2],)
    assert repr(v).startswith("<Vector ("), "repr(v) is %r" % repr(v)
    assert list(iter(v)) == [1.0, 2.0, 3.0], "iteration gives %r" % list(iter(v))


def case_construct_from_list_and_2d():
    v = Vector([1.0, 2.0, 3.0])
    assert tuple(v) == (1.0, 2.0, 3.0), "Vector(list) is %r" % (tuple(v),)
    w = Vector((1.0, 2.0))
    assert len(w) == 2, "2D vector has len %d" % len(w)
    assert (w.x, w.y) == (1.0, 2.0), "2D vector components %r" % ((w.x, w.y),)


if __name__ == "__main__":
    cases.run(globals())
