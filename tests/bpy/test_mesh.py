"""bpy.types.Mesh: vertices (len, index, co read/write, add, iteration) and update()."""
import cases
import bpy


_uid = cases.uid
_close = cases.close
EPS = 1e-5


def case_cube_has_eight_vertices():
    me = bpy.data.meshes["Cube"]
    assert len(me.vertices) == 8, "Cube mesh has %d vertices, expected 8" % len(me.vertices)


def case_cube_vertices_are_unit_corners():
    me = bpy.data.meshes["Cube"]
    corners = set()
    for v in me.vertices:
        co = tuple(v.co)
        assert len(co) == 3, "vertex co has %d components" % len(co)
        assert all(abs(abs(c) - 1.0) < EPS for c in co), "default cube vertex %r is not a (+-1,+-1,+-1) corner" % (co,)
        corners.add(tuple(round(c) for c in co))
    assert len(corners) == 8, "default cube has %d distinct corners, expected 8" % len(corners)


def case_new_mesh_is_empty():
    me = bpy.data.meshes.new(_uid("hrmesh"))
    try:
        assert len(me.vertices) == 0, "new mesh has %d vertices" % len(me.vertices)
        assert list(me.vertices) == [], "iterating an empty mesh yields %r" % list(me.vertices)
    finally:
        bpy.data.meshes.remove(me)


def case_vertices_add_appends_at_origin():
    me = bpy.data.meshes.new(_uid("hrmeshadd"))
    try:
        me.vertices.add(3)
        assert len(me.vertices) == 3, "after add(3) len is %d" % len(me.vertices)
        me.vertices[0].co = (1.0, 1.0, 1.0)
        me.vertices.add(2)
        assert len(me.vertices) == 5, "after add(2) len is %d" % len(me.vertices)
        assert _close(me.vertices[0].co, (1, 1, 1)), "add() disturbed an existing vertex: %r" % (tuple(me.vertices[0].co),)
        for i in range(1, 5):
            assert _close(me.vertices[i].co, (0, 0, 0)), "vertex %d not at origin: %r" % (i, tuple(me.vertices[i].co))
    finally:
        bpy.data.meshes.remove(me)


def case_vertex_co_assignment():
    me = bpy.data.meshes.new(_uid("hrmeshco"))
    try:
        me.vertices.add(2)
        me.vertices[1].co = (1.0, 2.0, 3.0)
        assert _close(me.vertices[1].co, (1, 2, 3)), "co after assignment %r" % (tuple(me.vertices[1].co),)
        assert _close(me.vertices[0].co, (0, 0, 0)), "assignment to vertex 1 changed vertex 0"
        me.vertices[1].co.x = 5.0
        assert abs(me.vertices[1].co.x - 5.0) < EPS, "co.x write did not reach the mesh: %r" % (tuple(me.vertices[1].co),)
        co = me.vertices[1].co
        me.vertices[1].co = (7.0, 8.0, 9.0)
        assert _close(co, (7, 8, 9)), "held co vector did not read through: %r" % (tuple(co),)
    finally:
        bpy.data.meshes.remove(me)


def case_negative_index_and_out_of_range():
    me = bpy.data.meshes.new(_uid("hrmeshidx"))
    try:
        me.vertices.add(4)
        me.vertices[3].co = (3.0, 3.0, 3.0)
        assert _close(me.vertices[-1].co, (3, 3, 3)), "vertices[-1] is not the last vertex: %r" % (tuple(me.vertices[-1].co),)
        for bad in (4, 100, -5):
            try:
                me.vertices[bad]
            except IndexError:
                pass
            else:
                raise AssertionError("vertices[%d] with 4 vertices did not raise IndexError" % bad)
    finally:
        bpy.data.meshes.remove(me)


def case_vertices_iteration():
    me = bpy.data.meshes.new(_uid("hrmeshiter"))
    try:
        me.vertices.add(3)
        for i in range(3):
            me.vertices[i].co = (float(i), 0.0, 0.0)
        xs = [v.co.x for v in me.vertices]
        assert len(xs) == 3, "iteration yielded %d vertices" % len(xs)
        assert _close(xs, (0, 1, 2)), "iteration order/values %r" % (xs,)
    finally:
        bpy.data.meshes.remove(me)


def case_update_returns_none():
    me = bpy.data.meshes.new(_uid("hrmeshupd"))
    try:
        me.vertices.add(1)
        me.vertices[0].co = (0.5, 0.5, 0.5)
        r = me.update()
        assert r is None, "Mesh.update() returned %r" % (r,)
        assert _close(me.vertices[0].co, (0.5, 0.5, 0.5)), "update() changed vertex data"
    finally:
        bpy.data.meshes.remove(me)


def case_mesh_through_object_data():
    me = bpy.data.meshes.new(_uid("hrmeshob"))
    ob = bpy.data.objects.new(_uid("hrmeshobj"), me)
    try:
        ob.data.vertices.add(2)
        assert len(me.vertices) == 2, "vertices added via ob.data not visible on the mesh"
        ob.data.vertices[0].co = (1.0, 0.0, 0.0)
        assert _close(me.vertices[0].co, (1, 0, 0)), "co set via ob.data not visible on the mesh"
    finally:
        bpy.data.objects.remove(ob)
        bpy.data.meshes.remove(me)


def case_removed_mesh_raises_reference_error():
    me = bpy.data.meshes.new(_uid("hrmeshrm"))
    bpy.data.meshes.remove(me)
    try:
        me.vertices
    except ReferenceError as e:
        assert "StructRNA of type Mesh has been removed" in str(e), "unexpected message %r" % str(e)
    else:
        raise AssertionError("me.vertices on a removed mesh did not raise ReferenceError")


if __name__ == "__main__":
    cases.run(globals())
