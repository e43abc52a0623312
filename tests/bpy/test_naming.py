"""ID naming: .001 suffixes on collisions, renaming, re-sorting, 63-character limit."""
import cases
import bpy

_uid = cases.uid


def case_duplicate_object_name_gets_suffix():
    base = _uid("hrdup")
    a = bpy.data.objects.new(base, None)
    b = bpy.data.objects.new(base, None)
    c = bpy.data.objects.new(base, None)
    try:
        assert a.name == base, "first object named %r, expected %r" % (a.name, base)
        assert b.name == base + ".001", "second object named %r, expected %r" % (b.name, base + ".001")
        assert c.name == base + ".002", "third object named %r, expected %r" % (c.name, base + ".002")
        assert bpy.data.objects[base + ".001"] == b, "lookup of .001 name does not give the second object"
    finally:
        for ob in (a, b, c):
            bpy.data.objects.remove(ob)


def case_duplicate_names_are_per_id_type():
    base = _uid("hrdupmat")
    m1 = bpy.data.materials.new(base)
    m2 = bpy.data.materials.new(base)
    me1 = bpy.data.meshes.new(base)
    me2 = bpy.data.meshes.new(base)
    try:
        assert m2.name == base + ".001", "duplicate material named %r" % m2.name
        # names are per ID type: a mesh may share a material's name
        assert me1.name == base, "mesh named %r, expected %r (namespaces are per type)" % (me1.name, base)
        assert me2.name == base + ".001", "duplicate mesh named %r" % me2.name
    finally:
        bpy.data.materials.remove(m1)
        bpy.data.materials.remove(m2)
        bpy.data.meshes.remove(me1)
        bpy.data.meshes.remove(me2)


def case_rename_updates_lookup():
    old = _uid("hrren_old")
    new = _uid("hrren_new")
    ob = bpy.data.objects.new(old, None)
    try:
        ob.name = new
        assert ob.name == new, "name after rename is %r, expected %r" % (ob.name, new)
        assert new in bpy.data.objects, "new name not found after rename"
        assert old not in bpy.data.objects, "old name still present after rename"
        assert bpy.data.objects.get(old) is None, "get(old name) is not None after rename"
        assert bpy.data.objects[new] == ob, "objects[new name] is not the renamed object"
    finally:
        bpy.data.objects.remove(ob)


def case_rename_to_taken_name_suffixes_renamed_id():
    base = _uid("hrtaken")
    a = bpy.data.objects.new(base + "_x", None)
    b = bpy.data.objects.new(base + "_y", None)
    try:
        b.name = base + "_x"
        assert a.name == base + "_x", "existing object was renamed to %r; it must be left alone" % a.name
        assert b.name == base + "_x.001", "renamed object got %r, expected %r" % (b.name, base + "_x.001")
        assert bpy.data.objects[base + "_x"] == a, "lookup of the taken name no longer gives the original"
    finally:
        bpy.data.objects.remove(a)
        bpy.data.objects.remove(b)


def case_rename_resorts():
    p = _uid("hrresort")
    obs = [bpy.data.objects.new(p + "_" + s, None) for s in ("a", "b", "c")]
    try:
        obs[0].name = p + "_z"
        names = [k for k in bpy.data.objects.keys() if k.startswith(p + "_")]
        assert names == [p + "_b", p + "_c", p + "_z"], "order after rename not re-sorted: %r" % names
        iterated = [o.name for o in bpy.data.objects if o.name.startswith(p + "_")]
        assert iterated == names, "iteration order %r != keys() %r after rename" % (iterated, names)
    finally:
        for ob in obs:
            bpy.data.objects.remove(ob)


def case_long_name_truncated_to_63():
    long_name = ("hrlong" + "x" * 80)[:70]
    ob = bpy.data.objects.new(long_name, None)
    try:
        assert len(ob.name) == 63, "name length %d, expected 63" % len(ob.name)
        assert ob.name == long_name[:63], "truncated name %r != first 63 chars" % ob.name
        assert long_name[:63] in bpy.data.objects, "truncated name not found in bpy.data.objects"
    finally:
        bpy.data.objects.remove(ob)


def case_long_rename_truncated_to_63():
    ob = bpy.data.objects.new(_uid("hrlongren"), None)
    long_name = ("hrlongren" + "y" * 80)[:70]
    try:
        ob.name = long_name
        assert ob.name == long_name[:63], "renamed to %r (len %d), expected the first 63 chars" % (ob.name, len(ob.name))
    finally:
        bpy.data.objects.remove(ob)


def case_duplicate_image_and_collection_names():
    base = _uid("hrdupimg")
    i1 = bpy.data.images.new(base, 2, 2)
    i2 = bpy.data.images.new(base, 2, 2)
    c1 = bpy.data.collections.new(base)
    c2 = bpy.data.collections.new(base)
    try:
        assert i2.name == base + ".001", "duplicate image named %r" % i2.name
        assert c2.name == base + ".001", "duplicate collection named %r" % c2.name
    finally:
        bpy.data.images.remove(i1)
        bpy.data.images.remove(i2)
        bpy.data.collections.remove(c1)
        bpy.data.collections.remove(c2)


def case_rename_to_own_name_keeps_name():
    name = _uid("hrself")
    ob = bpy.data.objects.new(name, None)
    try:
        ob.name = name
        assert ob.name == name, "renaming to its own name gave %r" % ob.name
    finally:
        bpy.data.objects.remove(ob)


def case_freed_name_is_reused_exactly():
    name = _uid("hrfreed")
    a = bpy.data.objects.new(name, None)
    a.name = name + "_moved"
    b = bpy.data.objects.new(name, None)
    try:
        assert b.name == name, "new object after the name was freed by a rename got %r" % b.name
    finally:
        bpy.data.objects.remove(a)
        bpy.data.objects.remove(b)
    c = bpy.data.objects.new(name, None)
    try:
        assert c.name == name, "new object after the name was freed by remove got %r" % c.name
    finally:
        bpy.data.objects.remove(c)


def case_name_of_exactly_63_kept():
    name = ("hrexact" + "q" * 80)[:63]
    ob = bpy.data.objects.new(name, None)
    try:
        assert ob.name == name, "63-character name changed to %r" % ob.name
    finally:
        bpy.data.objects.remove(ob)


if __name__ == "__main__":
    cases.run(globals())
