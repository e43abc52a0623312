"""bpy.data ID collections: lookup, get, index, keys/values/items, membership, len, order."""
import cases
import bpy

_uid = cases.uid


def case_startup_objects_present():
    names = set(bpy.data.objects.keys())
    for n in ("Camera", "Cube", "Light"):
        assert n in names, "startup object %r missing from bpy.data.objects.keys(): %r" % (n, names)
        assert n in bpy.data.objects, "%r in bpy.data.objects should be True" % n


def case_startup_other_collections_present():
    assert "Cube" in bpy.data.meshes, "mesh 'Cube' missing: %r" % bpy.data.meshes.keys()
    assert "Material" in bpy.data.materials, "material 'Material' missing: %r" % bpy.data.materials.keys()
    assert "Collection" in bpy.data.collections, "collection 'Collection' missing: %r" % bpy.data.collections.keys()
    assert "Scene" in bpy.data.scenes, "scene 'Scene' missing: %r" % bpy.data.scenes.keys()


def case_getitem_by_name():
    ob = bpy.data.objects["Cube"]
    assert ob.name == "Cube", "objects['Cube'].name is %r" % ob.name
    me = bpy.data.meshes["Cube"]
    assert me.name == "Cube", "meshes['Cube'].name is %r" % me.name


def case_getitem_missing_raises_keyerror():
    try:
        bpy.data.objects["hr_no_such_object"]
    except KeyError as e:
        msg = str(e)
        assert 'key "hr_no_such_object" not found' in msg, "unhelpful KeyError message: %r" % msg
    else:
        raise AssertionError("objects['hr_no_such_object'] did not raise KeyError")
    try:
        bpy.data.materials["hr_no_such_material"]
    except KeyError:
        pass
    else:
        raise AssertionError("materials['hr_no_such_material'] did not raise KeyError")


def case_getitem_by_index():
    keys = bpy.data.objects.keys()
    assert len(keys) == len(bpy.data.objects), "keys() length %d != len() %d" % (len(keys), len(bpy.data.objects))
    first = bpy.data.objects[0]
    assert first.name == keys[0], "objects[0].name %r != keys()[0] %r" % (first.name, keys[0])
    last = bpy.data.objects[len(keys) - 1]
    assert last.name == keys[-1], "objects[len-1].name %r != keys()[-1] %r" % (last.name, keys[-1])


def case_getitem_index_out_of_range():
    n = len(bpy.data.objects)
    try:
        bpy.data.objects[n + 1000]
    except IndexError:
        pass
    else:
        raise AssertionError("objects[%d] with len %d did not raise IndexError" % (n + 1000, n))


def case_getitem_invalid_key_type():
    try:
        bpy.data.objects[1.5]
    except TypeError:
        pass
    else:
        raise AssertionError("objects[1.5] did not raise TypeError")


def case_get_with_and_without_default():
    assert bpy.data.objects.get("Cube").name == "Cube", "get('Cube') did not return Cube"
    assert bpy.data.objects.get("hr_missing_get") is None, "get(missing) should return None"
    sentinel = object()
    assert bpy.data.objects.get("hr_missing_get", sentinel) is sentinel, "get(missing, default) should return default"
    assert bpy.data.objects.get("Cube", sentinel).name == "Cube", "get('Cube', default) should return Cube"


def case_keys_values_items_consistent():
    keys = bpy.data.objects.keys()
    values = bpy.data.objects.values()
    items = bpy.data.objects.items()
    assert len(keys) == len(values) == len(items) == len(bpy.data.objects), \
        "lengths differ: keys %d values %d items %d len %d" % (len(keys), len(values), len(items), len(bpy.data.objects))
    assert [v.name for v in values] == list(keys), "values() names %r != keys() %r" % ([v.name for v in values], keys)
    for k, v in items:
        assert k == v.name, "items() pair (%r, %r) mismatched" % (k, v.name)
    assert dict(items)["Cube"] == bpy.data.objects["Cube"], "dict(items())['Cube'] is not Cube"


def case_iteration_matches_keys():
    iterated = [ob.name for ob in bpy.data.objects]
    assert iterated == list(bpy.data.objects.keys()), "iteration order %r != keys() %r" % (iterated, bpy.data.objects.keys())
    assert len(iterated) == len(bpy.data.objects), "iteration count %d != len %d" % (len(iterated), len(bpy.data.objects))


def case_startup_objects_sorted():
    keys = [k for k in bpy.data.objects.keys() if k in ("Camera", "Cube", "Light")]
    assert keys == ["Camera", "Cube", "Light"], "startup objects not in sorted order: %r" % keys


def case_new_objects_iterate_sorted():
    p = _uid("hrsort")
    made = [bpy.data.objects.new(p + "_" + s, None) for s in ("c", "a", "b")]
    try:
        names = [k for k in bpy.data.objects.keys() if k.startswith(p + "_")]
        assert names == [p + "_a", p + "_b", p + "_c"], "new objects not sorted by name: %r" % names
        iterated = [o.name for o in bpy.data.objects if o.name.startswith(p + "_")]
        assert iterated == names, "iteration order %r differs from keys() %r" % (iterated, names)
    finally:
        for ob in made:
            bpy.data.objects.remove(ob)


def case_new_and_remove_changes_len_and_membership():
    for coll, make in (
        (bpy.data.objects, lambda n: bpy.data.objects.new(n, None)),
        (bpy.data.meshes, lambda n: bpy.data.meshes.new(n)),
        (bpy.data.materials, lambda n: bpy.data.materials.new(n)),
        (bpy.data.collections, lambda n: bpy.data.collections.new(n)),
        (bpy.data.images, lambda n: bpy.data.images.new(n, 4, 4)),
    ):
        name = _uid("hrnew")
        before = len(coll)
        idb = make(name)
        assert idb.name == name, "new(%r) returned ID named %r" % (name, idb.name)
        assert len(coll) == before + 1, "len did not grow after new(%r): %d -> %d" % (name, before, len(coll))
        assert name in coll, "%r not in collection after new" % name
        assert coll[name] == idb, "coll[%r] is not the ID returned by new" % name
        coll.remove(idb)
        assert len(coll) == before, "len did not shrink after remove(%r): %d" % (name, len(coll))
        assert name not in coll, "%r still in collection after remove" % name
        assert coll.get(name) is None, "get(%r) not None after remove" % name


def case_scenes_new_and_remove():
    name = _uid("hrscene")
    before = len(bpy.data.scenes)
    sc = bpy.data.scenes.new(name)
    assert sc.name == name, "scenes.new returned %r" % sc.name
    assert len(bpy.data.scenes) == before + 1, "scene count did not grow"
    assert bpy.data.scenes[name] == sc, "scenes[name] is not the new scene"
    bpy.data.scenes.remove(sc)
    assert name not in bpy.data.scenes, "scene still present after remove"
    assert len(bpy.data.scenes) == before, "scene count did not shrink"


def case_texts_new_write_read_remove():
    t = bpy.data.texts.new(_uid("hr_notes") + ".py")
    t.write("x = 1\n")
    t.write("y = x + 1\n")
    assert t.as_string() == "x = 1\ny = x + 1\n", repr(t.as_string())
    assert [l.body for l in t.lines] == ["x = 1", "y = x + 1", ""], [l.body for l in t.lines]
    assert t.as_module().y == 2
    t.from_string("replaced")
    assert t.as_string() == "replaced"
    t.clear()
    assert t.as_string() == ""
    assert bpy.data.texts[t.name] == t and t.name in bpy.data.texts
    name = t.name
    bpy.data.texts.remove(t)
    assert name not in bpy.data.texts


def case_texts_load_reads_the_file():
    import os
    import tempfile
    with tempfile.TemporaryDirectory(prefix="hr-txt-") as d:
        p = os.path.join(d, "config.txt")
        with open(p, "w") as f:
            f.write("key = 3\n")
        t = bpy.data.texts.load(p)
        assert t.name == "config.txt" and t.as_string() == "key = 3\n", (t.name, t.as_string())
        try:
            bpy.data.texts.load(os.path.join(d, "missing.txt"))
        except RuntimeError as e:
            assert "Cannot open" in str(e), str(e)
        else:
            raise AssertionError("loading a missing text did not raise")
        bpy.data.texts.remove(t)


def case_libraries_empty_and_load_not_modelled():
    libs = bpy.data.libraries
    assert len(libs) == 0 and list(libs) == [] and libs.get("lib.blend") is None
    assert "lib.blend" not in libs
    try:
        libs["lib.blend"]
    except KeyError:
        pass
    else:
        raise AssertionError("libraries['lib.blend'] did not raise KeyError")
    try:
        libs.load  # reading .blend files: an unsupported-api warning, and AttributeError
    except AttributeError:
        pass
    else:
        raise AssertionError("libraries.load exists, but hostrace does not model it")


if __name__ == "__main__":
    cases.run(globals())
