"""bpy.types.Scene, Collection and bpy.context."""
import cases
import bpy

_uid = cases.uid


def case_context_scene_is_scene():
    sc = bpy.context.scene
    assert sc is not None, "bpy.context.scene is None"
    assert sc.name == "Scene", "bpy.context.scene.name is %r" % sc.name
    assert sc == bpy.data.scenes["Scene"], "bpy.context.scene != bpy.data.scenes['Scene']"


def case_context_members_exist():
    assert bpy.context.view_layer is not None, "bpy.context.view_layer is None"
    assert bpy.context.window_manager is not None, "bpy.context.window_manager is None"


def case_context_active_object_is_cube():
    ao = bpy.context.active_object
    assert ao is not None and ao.name == "Cube", "active_object is %r, expected Cube" % (ao,)
    assert bpy.context.object == ao, "context.object %r != context.active_object %r" % (bpy.context.object, ao)
    assert bpy.context.view_layer.objects.active == ao, "view_layer.objects.active != active_object"


def case_set_active_object():
    sc = bpy.context.scene
    ob = bpy.data.objects.new(_uid("hractive"), None)
    sc.collection.objects.link(ob)
    cube = bpy.data.objects["Cube"]
    try:
        bpy.context.view_layer.objects.active = ob
        assert bpy.context.view_layer.objects.active == ob, "view_layer.objects.active not updated"
        assert bpy.context.active_object == ob, "active_object is %r after setting %r" % (bpy.context.active_object, ob.name)
        assert bpy.context.object == ob, "context.object is %r after setting %r" % (bpy.context.object, ob.name)
    finally:
        bpy.context.view_layer.objects.active = cube
        bpy.data.objects.remove(ob)
    assert bpy.context.active_object == cube, "could not restore Cube as active object"


def case_scene_frame_defaults():
    sc = bpy.context.scene
    assert sc.frame_start == 1, "frame_start is %r" % sc.frame_start
    assert sc.frame_end == 250, "frame_end is %r" % sc.frame_end
    assert isinstance(sc.frame_current, int), "frame_current is %r, not int" % type(sc.frame_current)


def case_frame_current_assign():
    sc = bpy.context.scene
    orig = sc.frame_current
    try:
        sc.frame_current = 17
        assert sc.frame_current == 17, "frame_current after assign is %r" % sc.frame_current
    finally:
        sc.frame_current = orig
    assert sc.frame_current == orig, "frame_current not restored"


def case_frame_set():
    sc = bpy.context.scene
    orig = sc.frame_current
    try:
        r = sc.frame_set(42)
        assert r is None, "frame_set returned %r" % (r,)
        assert sc.frame_current == 42, "frame_current after frame_set(42) is %r" % sc.frame_current
        sc.frame_set(3)
        assert sc.frame_current == 3, "frame_current after frame_set(3) is %r" % sc.frame_current
    finally:
        sc.frame_set(orig)


def case_frame_range_assign():
    sc = bpy.context.scene
    s0, e0 = sc.frame_start, sc.frame_end
    try:
        sc.frame_end = 100
        sc.frame_start = 10
        assert (sc.frame_start, sc.frame_end) == (10, 100), "frame range %r" % ((sc.frame_start, sc.frame_end),)
    finally:
        sc.frame_start, sc.frame_end = s0, e0


def case_render_settings_defaults_and_assign():
    r = bpy.context.scene.render
    saved = (r.resolution_x, r.resolution_y, r.resolution_percentage, r.filepath)
    assert saved[:3] == (1920, 1080, 100), "resolution defaults %r" % (saved[:3],)
    assert saved[3] == "/tmp/", "render.filepath default is %r" % saved[3]
    try:
        r.resolution_x = 64
        r.resolution_y = 48
        r.resolution_percentage = 50
        r.filepath = "/tmp/hostrace_scene_test_"
        got = (r.resolution_x, r.resolution_y, r.resolution_percentage, r.filepath)
        assert got == (64, 48, 50, "/tmp/hostrace_scene_test_"), "render settings read back %r" % (got,)
    finally:
        r.resolution_x, r.resolution_y, r.resolution_percentage, r.filepath = saved


def case_new_scene_defaults():
    sc = bpy.data.scenes.new(_uid("hrscene"))
    try:
        assert (sc.frame_start, sc.frame_end) == (1, 250), "new scene frame range %r" % ((sc.frame_start, sc.frame_end),)
        assert (sc.render.resolution_x, sc.render.resolution_y) == (1920, 1080), "new scene resolution %r" % (
            (sc.render.resolution_x, sc.render.resolution_y),)
        assert len(sc.collection.objects) == 0, "new scene master collection has %d objects" % len(sc.collection.objects)
        assert bpy.context.scene.name == "Scene", "creating a scene changed context.scene"
    finally:
        bpy.data.scenes.remove(sc)


def case_scene_objects_and_children():
    sc = bpy.context.scene
    names = [o.name for o in sc.objects]
    for n in ("Camera", "Cube", "Light"):
        assert n in names, "%r not among scene.objects %r" % (n, names)
        assert n in sc.objects, "%r in scene.objects is False" % n
    assert "Collection" in sc.collection.children, "'Collection' not in scene.collection.children"
    child_names = [c.name for c in sc.collection.children]
    assert "Collection" in child_names, "iterating children gave %r" % child_names
    coll = bpy.data.collections["Collection"]
    cnames = {o.name for o in coll.objects}
    assert {"Camera", "Cube", "Light"} <= cnames, "startup Collection objects %r" % cnames


def case_link_unlink_master_collection():
    sc = bpy.context.scene
    ob = bpy.data.objects.new(_uid("hrlink"), None)
    try:
        assert ob.name not in sc.objects, "unlinked new object already in scene.objects"
        n = len(sc.collection.objects)
        sc.collection.objects.link(ob)
        assert ob.name in sc.collection.objects, "object not in scene.collection.objects after link"
        assert ob.name in sc.objects, "linked object not in scene.objects"
        assert len(sc.collection.objects) == n + 1, "len did not grow after link"
        sc.collection.objects.unlink(ob)
        assert ob.name not in sc.collection.objects, "object still in collection after unlink"
        assert ob.name not in sc.objects, "object still in scene.objects after unlink"
        assert len(sc.collection.objects) == n, "len did not shrink after unlink"
        assert ob.name in bpy.data.objects, "unlink removed the object from bpy.data"
    finally:
        bpy.data.objects.remove(ob)


def case_link_twice_raises_runtime_error():
    coll = bpy.data.collections.new(_uid("hrcoll"))
    ob = bpy.data.objects.new(_uid("hrtwice"), None)
    try:
        coll.objects.link(ob)
        try:
            coll.objects.link(ob)
        except RuntimeError as e:
            assert "already in collection" in str(e), "unexpected message %r" % str(e)
        else:
            raise AssertionError("linking the same object twice did not raise RuntimeError")
        assert len(coll.objects) == 1, "collection has %d objects after a refused double link" % len(coll.objects)
    finally:
        bpy.data.objects.remove(ob)
        bpy.data.collections.remove(coll)


def case_collection_all_objects_includes_children():
    sc = bpy.context.scene
    parent = bpy.data.collections.new(_uid("hrparentcoll"))
    child = bpy.data.collections.new(_uid("hrchildcoll"))
    a = bpy.data.objects.new(_uid("hrpa"), None)
    b = bpy.data.objects.new(_uid("hrcb"), None)
    try:
        sc.collection.children.link(parent)
        parent.children.link(child)
        parent.objects.link(a)
        child.objects.link(b)
        assert child.name in parent.children, "child collection not in parent.children"
        assert [o.name for o in parent.objects] == [a.name], "parent.objects %r" % [o.name for o in parent.objects]
        all_names = {o.name for o in parent.all_objects}
        assert all_names == {a.name, b.name}, "parent.all_objects %r, expected %r" % (all_names, {a.name, b.name})
        assert b.name in sc.objects, "object in nested collection not in scene.objects"
        assert b.name not in parent.objects, "child's object appears in parent.objects"
    finally:
        bpy.data.objects.remove(a)
        bpy.data.objects.remove(b)
        bpy.data.collections.remove(child)
        bpy.data.collections.remove(parent)


def case_collection_hide_viewport():
    coll = bpy.data.collections.new(_uid("hrhidecoll"))
    try:
        assert coll.hide_viewport is False, "new collection hide_viewport is %r" % (coll.hide_viewport,)
        coll.hide_viewport = True
        assert coll.hide_viewport is True, "hide_viewport did not become True"
        coll.hide_viewport = False
        assert coll.hide_viewport is False, "hide_viewport did not become False"
    finally:
        bpy.data.collections.remove(coll)


def case_collection_objects_iteration_and_len():
    coll = bpy.data.collections.new(_uid("hritercoll"))
    obs = [bpy.data.objects.new(_uid("hritob"), None) for _ in range(3)]
    try:
        for ob in obs:
            coll.objects.link(ob)
        assert len(coll.objects) == 3, "len(coll.objects) is %d" % len(coll.objects)
        assert {o.name for o in coll.objects} == {o.name for o in obs}, "iteration gave %r" % [o.name for o in coll.objects]
        coll.objects.unlink(obs[1])
        assert len(coll.objects) == 2, "len after unlink is %d" % len(coll.objects)
        assert obs[1].name not in coll.objects, "unlinked object still in coll.objects"
    finally:
        for ob in obs:
            bpy.data.objects.remove(ob)
        bpy.data.collections.remove(coll)


def case_remove_object_unlinks_from_scene():
    sc = bpy.context.scene
    coll = bpy.data.collections.new(_uid("hrrmcoll"))
    sc.collection.children.link(coll)
    ob = bpy.data.objects.new(_uid("hrrmlinked"), None)
    name = ob.name
    try:
        sc.collection.objects.link(ob)
        coll.objects.link(ob)
        n_master = len(sc.collection.objects)
        bpy.data.objects.remove(ob)
        assert name not in sc.objects, "removed object still in scene.objects"
        assert name not in sc.collection.objects, "removed object still in scene.collection.objects"
        assert name not in coll.objects, "removed object still in a collection's objects"
        assert len(sc.collection.objects) == n_master - 1, "master collection len did not shrink on remove"
        assert len(coll.objects) == 0, "collection still has %d objects" % len(coll.objects)
    finally:
        bpy.data.collections.remove(coll)


def case_collection_objects_lookup_by_name():
    sc = bpy.context.scene
    coll = bpy.data.collections["Collection"]
    assert coll.objects["Cube"] == bpy.data.objects["Cube"], "Collection.objects['Cube'] is not Cube"
    assert sc.objects["Cube"] == bpy.data.objects["Cube"], "scene.objects['Cube'] is not Cube"
    assert coll.objects.get("hr_not_linked") is None, "Collection.objects.get(missing) is not None"


def case_frame_current_rejects_float():
    sc = bpy.context.scene
    orig = sc.frame_current
    try:
        sc.frame_current = 1.5
    except TypeError:
        pass
    else:
        sc.frame_current = orig
        raise AssertionError("scene.frame_current = 1.5 did not raise TypeError")
    assert sc.frame_current == orig, "failed assignment changed frame_current to %r" % sc.frame_current


if __name__ == "__main__":
    cases.run(globals())
