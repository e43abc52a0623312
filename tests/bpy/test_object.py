"""bpy.types.Object: transforms write through, data, parent, visibility, type, identity, removal."""
import cases
import bpy
from mathutils import Vector


_uid = cases.uid
_close = cases.close
EPS = 1e-5


def case_new_empty_defaults():
    ob = bpy.data.objects.new(_uid("hrob"), None)
    try:
        assert ob.type == 'EMPTY', "objects.new(name, None).type is %r, expected 'EMPTY'" % ob.type
        assert ob.data is None, "empty object's data is %r, expected None" % (ob.data,)
        assert _close(ob.location, (0, 0, 0)), "default location %r" % (tuple(ob.location),)
        assert _close(ob.rotation_euler, (0, 0, 0)), "default rotation %r" % (tuple(ob.rotation_euler),)
        assert _close(ob.scale, (1, 1, 1)), "default scale %r, expected (1,1,1)" % (tuple(ob.scale),)
        assert ob.parent is None, "default parent is %r" % (ob.parent,)
        assert ob.hide_viewport is False, "default hide_viewport is %r" % (ob.hide_viewport,)
    finally:
        bpy.data.objects.remove(ob)


def case_cube_is_mesh_object():
    cube = bpy.data.objects["Cube"]
    assert cube.type == 'MESH', "Cube.type is %r" % cube.type
    assert cube.data == bpy.data.meshes["Cube"], "Cube.data is not mesh 'Cube': %r" % (cube.data,)


def case_location_assign_and_read():
    ob = bpy.data.objects.new(_uid("hrloc"), None)
    try:
        ob.location = (1.0, 2.0, 3.0)
        assert _close(ob.location, (1, 2, 3)), "location after assign is %r" % (tuple(ob.location),)
        assert ob.location.x == 1.0 and ob.location.y == 2.0 and ob.location.z == 3.0, \
            "location components %r" % (tuple(ob.location),)
        ob.location = Vector((4.0, 5.0, 6.0))
        assert _close(ob.location, (4, 5, 6)), "location after Vector assign is %r" % (tuple(ob.location),)
    finally:
        bpy.data.objects.remove(ob)


def case_location_vector_reads_through():
    ob = bpy.data.objects.new(_uid("hrlocref"), None)
    try:
        v = ob.location
        ob.location = (1.0, 2.0, 3.0)
        assert v.x == 1.0, "a vector fetched before assignment must read through: v.x=%r" % v.x
        assert _close(v, (1, 2, 3)), "held location vector is %r, expected (1,2,3)" % (tuple(v),)
    finally:
        bpy.data.objects.remove(ob)


def case_location_component_write_through():
    ob = bpy.data.objects.new(_uid("hrlocx"), None)
    try:
        ob.location.x = 5.0
        assert ob.location.x == 5.0, "ob.location.x = 5 did not change the object: %r" % (tuple(ob.location),)
        ob.location[1] = 4.0
        assert ob.location.y == 4.0, "ob.location[1] = 4 did not change the object: %r" % (tuple(ob.location),)
        v = ob.location
        v.z = 7.0
        assert ob.location.z == 7.0, "writing a held location vector did not change the object"
    finally:
        bpy.data.objects.remove(ob)


def case_location_inplace_add():
    ob = bpy.data.objects.new(_uid("hrlocadd"), None)
    try:
        ob.location = (1.0, 2.0, 3.0)
        ob.location += Vector((1.0, 0.0, 0.0))
        assert _close(ob.location, (2, 2, 3)), "after += location is %r, expected (2,2,3)" % (tuple(ob.location),)
        for _ in range(3):
            ob.location.x += 0.5
        assert abs(ob.location.x - 3.5) < EPS, "after 3x location.x += 0.5 got %r" % ob.location.x
    finally:
        bpy.data.objects.remove(ob)


def case_location_copy_is_independent():
    ob = bpy.data.objects.new(_uid("hrloccopy"), None)
    try:
        ob.location = (1.0, 1.0, 1.0)
        c = ob.location.copy()
        c.x = 99.0
        assert ob.location.x == 1.0, "changing a copy changed the object: %r" % (tuple(ob.location),)
        ob.location.y = 42.0
        assert c.y == 1.0, "changing the object changed the copy: %r" % (tuple(c),)
    finally:
        bpy.data.objects.remove(ob)


def case_rotation_and_scale_write_through():
    ob = bpy.data.objects.new(_uid("hrrot"), None)
    try:
        ob.rotation_euler = (0.5, 0.25, 0.125)
        assert _close(ob.rotation_euler, (0.5, 0.25, 0.125)), "rotation_euler %r" % (tuple(ob.rotation_euler),)
        ob.rotation_euler.z = 1.0
        assert abs(ob.rotation_euler[2] - 1.0) < EPS, "rotation_euler.z write did not stick"
        ob.scale = (2.0, 3.0, 4.0)
        assert _close(ob.scale, (2, 3, 4)), "scale %r" % (tuple(ob.scale),)
        s = ob.scale
        ob.scale.x = 0.5
        assert abs(s.x - 0.5) < EPS, "held scale vector did not read through"
    finally:
        bpy.data.objects.remove(ob)


def case_data_assignable():
    me1 = bpy.data.meshes.new(_uid("hrme"))
    me2 = bpy.data.meshes.new(_uid("hrme"))
    ob = bpy.data.objects.new(_uid("hrdata"), me1)
    try:
        assert ob.type == 'MESH', "object with mesh data has type %r" % ob.type
        assert ob.data == me1, "ob.data is %r, expected %r" % (ob.data, me1)
        ob.data = me2
        assert ob.data == me2, "after assignment ob.data is %r, expected %r" % (ob.data, me2)
        assert ob.data.name == me2.name, "ob.data.name %r" % ob.data.name
    finally:
        bpy.data.objects.remove(ob)
        bpy.data.meshes.remove(me1)
        bpy.data.meshes.remove(me2)


def case_parent_assign_and_clear():
    p = bpy.data.objects.new(_uid("hrparent"), None)
    c = bpy.data.objects.new(_uid("hrchild"), None)
    try:
        c.parent = p
        assert c.parent == p, "child.parent is %r, expected %r" % (c.parent, p)
        assert c.parent.name == p.name, "child.parent.name %r" % c.parent.name
        c.parent = None
        assert c.parent is None, "child.parent after clearing is %r" % (c.parent,)
    finally:
        bpy.data.objects.remove(c)
        bpy.data.objects.remove(p)


def case_hide_viewport_toggle():
    ob = bpy.data.objects.new(_uid("hrhide"), None)
    try:
        ob.hide_viewport = True
        assert ob.hide_viewport is True, "hide_viewport after True is %r" % (ob.hide_viewport,)
        ob.hide_viewport = False
        assert ob.hide_viewport is False, "hide_viewport after False is %r" % (ob.hide_viewport,)
    finally:
        bpy.data.objects.remove(ob)


def case_isinstance_types():
    cube = bpy.data.objects["Cube"]
    assert isinstance(cube, bpy.types.Object), "Cube is not a bpy.types.Object: %r" % type(cube)
    assert isinstance(cube, bpy.types.ID), "Cube is not a bpy.types.ID: %r" % type(cube)
    assert isinstance(bpy.data.meshes["Cube"], bpy.types.ID), "mesh is not a bpy.types.ID"
    assert not isinstance(bpy.data.meshes["Cube"], bpy.types.Object), "a mesh claims to be an Object"


def case_equality_and_hash():
    a = bpy.data.objects["Cube"]
    b = bpy.data.objects["Cube"]
    assert a == b, "two lookups of Cube are not equal"
    assert not (a != b), "two lookups of Cube compare !="
    assert hash(a) == hash(b), "two lookups of Cube hash differently"
    assert len({a, b}) == 1, "set of two Cube lookups has %d elements" % len({a, b})
    assert {a: 1}[b] == 1, "Cube lookup unusable as dict key"
    assert a != bpy.data.objects["Light"], "Cube == Light"


def case_removed_object_raises_reference_error():
    ob = bpy.data.objects.new(_uid("hrremoved"), None)
    bpy.data.objects.remove(ob)
    for attr in ("name", "location", "parent"):
        try:
            getattr(ob, attr)
        except ReferenceError as e:
            assert "StructRNA of type Object has been removed" in str(e), "unexpected message: %r" % str(e)
        else:
            raise AssertionError("ob.%s on a removed object did not raise ReferenceError" % attr)
    try:
        ob.name = "hr_zombie"
    except ReferenceError:
        pass
    else:
        raise AssertionError("assigning ob.name on a removed object did not raise ReferenceError")


def case_remove_object_keeps_mesh():
    me = bpy.data.meshes.new(_uid("hrkeep"))
    ob = bpy.data.objects.new(_uid("hrkeepob"), me)
    mname = me.name
    bpy.data.objects.remove(ob)
    try:
        assert mname in bpy.data.meshes, "removing the object removed its mesh %r" % mname
        assert me.name == mname, "mesh unusable after removing its object"
    finally:
        bpy.data.meshes.remove(me)


def case_objects_share_mesh():
    me = bpy.data.meshes.new(_uid("hrshared"))
    me.vertices.add(1)
    a = bpy.data.objects.new(_uid("hrsa"), me)
    b = bpy.data.objects.new(_uid("hrsb"), me)
    try:
        assert a.data == b.data, "objects created with the same mesh have different data"
        a.data.vertices[0].co = (1.0, 2.0, 3.0)
        assert _close(b.data.vertices[0].co, (1, 2, 3)), "vertex change through a.data not visible via b.data"
    finally:
        bpy.data.objects.remove(a)
        bpy.data.objects.remove(b)
        bpy.data.meshes.remove(me)


def case_remove_parent_clears_child_parent():
    p = bpy.data.objects.new(_uid("hrrmparent"), None)
    c = bpy.data.objects.new(_uid("hrrmchild"), None)
    try:
        c.parent = p
        bpy.data.objects.remove(p)
        assert c.parent is None, "child.parent after removing the parent is %r, expected None" % (c.parent,)
    finally:
        bpy.data.objects.remove(c)


def case_location_wrong_length_raises():
    ob = bpy.data.objects.new(_uid("hrlocbad"), None)
    try:
        ob.location = (1.0, 2.0, 3.0)
        try:
            ob.location = (1.0, 2.0)
        except ValueError:
            pass
        else:
            raise AssertionError("ob.location = (1, 2) did not raise ValueError")
        assert _close(ob.location, (1, 2, 3)), "failed assignment changed location to %r" % (tuple(ob.location),)
    finally:
        bpy.data.objects.remove(ob)


if __name__ == "__main__":
    cases.run(globals())
