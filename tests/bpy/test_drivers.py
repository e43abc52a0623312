"""Drivers: driver_add/driver_remove, animation_data.drivers, Driver and
DriverVariable fields, which expressions are simple (no Python), and the
values depsgraph evaluation writes into the driven channels."""
import math

import cases
import bpy

scene = bpy.context.scene


def _object(prefix, loc=(0.0, 0.0, 0.0)):
    ob = bpy.data.objects.new(cases.uid(prefix), None)
    scene.collection.objects.link(ob)
    ob.location = loc
    return ob


def _drive(ob, path, index, expression, variables=()):
    """A SCRIPTED driver with TRANSFORMS variables (name, target, type)."""
    fc = ob.driver_add(path, index)
    d = fc.driver
    d.type = 'SCRIPTED'
    for name, target, transform in variables:
        v = d.variables.new()
        v.name = name
        v.type = 'TRANSFORMS'
        v.targets[0].id = target
        v.targets[0].transform_type = transform
    d.expression = expression
    return fc


def case_driver_add_returns_fcurves():
    ob = _object("drv_add")
    assert ob.animation_data is None
    fc = ob.driver_add("location", 1)
    assert isinstance(fc, bpy.types.FCurve)
    assert fc.data_path == "location" and fc.array_index == 1
    assert fc.driver.type == 'SCRIPTED' and fc.driver.expression == ""
    assert ob.animation_data is not None
    # the same channel again: the existing FCurve
    assert ob.driver_add("location", 1) == fc
    all3 = ob.driver_add("scale")
    assert [f.array_index for f in all3] == [0, 1, 2]
    assert len(ob.animation_data.drivers) == 4
    assert ob.animation_data.drivers.find("scale", 2) == all3[2]
    assert ob.animation_data.drivers.find("rotation_euler") is None


def case_driver_add_bad_path():
    ob = _object("drv_bad")
    for path, index in (("no_such_property", 0), ("location", 3)):
        try:
            ob.driver_add(path, index)
        except TypeError:
            continue
        raise AssertionError("driver_add(%r, %d) did not raise" % (path, index))


def case_driver_remove():
    ob = _object("drv_rm")
    fc = ob.driver_add("location", 0)
    ob.driver_add("location", 2)
    assert ob.driver_remove("location", 0) is True
    assert ob.driver_remove("location", 0) is False
    try:
        fc.driver.expression = "1"
    except ReferenceError:
        pass
    else:
        raise AssertionError("a removed driver's FCurve still works")
    ob.animation_data_clear()
    assert ob.animation_data is None


def case_variables_names_and_removal():
    ob = _object("drv_vars")
    d = ob.driver_add("location", 0).driver
    a, b, c = d.variables.new(), d.variables.new(), d.variables.new()
    assert [v.name for v in d.variables] == ["var", "var_001", "var_002"]
    assert a.type == 'SINGLE_PROP' and a.targets[0].id_type == 'OBJECT'
    d.variables.remove(b)
    assert [v.name for v in d.variables] == ["var", "var_002"]
    c.name = "height"
    assert d.variables["height"].name == "height"
    assert len(d.variables) == 2


def case_simple_expressions():
    ob = _object("drv_simple")
    d = ob.driver_add("location", 0).driver
    v = d.variables.new()
    v.name = "x"
    simple = ("x * 2 + frame", "-x", "min(x, 1, frame)", "x if frame > 2 else 0",
              "1 < x < 3", "not x or frame", "sin(frame) + pi", "clamp(x, 0, 1)",
              "log(x, 2)", "True")
    python = ("x ** 2", "x % 2", "bounce(frame)", "bpy.data.objects[0].location.x", "'a'",
              "math.sin(x)", "clamp(x, 1)(0)")
    for e in simple:
        d.expression = e
        assert d.is_simple_expression, e
    for e in python:
        d.expression = e
        assert not d.is_simple_expression, e
    ob.driver_remove("location", 0)  # not evaluated: these raise in Python


def case_simple_values():
    src = _object("drv_src", (3.0, -2.0, 0.5))
    ob = _object("drv_dst")
    _drive(ob, "location", 0, "x * 2 + frame", [("x", src, 'LOC_X')])
    _drive(ob, "location", 1, "max(x, y) if frame > 2 else -1",
           [("x", src, 'LOC_X'), ("y", src, 'LOC_Y')])
    _drive(ob, "location", 2, "smoothstep(0, 1, z) + lerp(0, 10, 0.5)", [("z", src, 'LOC_Z')])
    scene.frame_set(4)
    assert cases.close(ob.location, (10.0, 3.0, 5.5)), tuple(ob.location)
    scene.frame_set(1)
    assert cases.close(ob.location, (7.0, -1.0, 5.5)), tuple(ob.location)


def case_division_by_zero_invalidates():
    src = _object("drv_div", (0.0, 0.0, 0.0))
    ob = _object("drv_div_dst", (1.0, 1.0, 1.0))
    fc = _drive(ob, "location", 0, "1 / x", [("x", src, 'LOC_X')])
    scene.frame_set(2)
    assert not fc.driver.is_valid
    assert ob.location.x == 0.0
    src.location.x = 4.0
    fc.driver.expression = "1 / x"  # a new expression is tried again
    assert fc.driver.is_valid
    scene.frame_set(3)
    assert cases.close((ob.location.x,), (0.25,))


def case_sum_average_min_max():
    a = _object("drv_a", (1.0, 2.0, 3.0))
    b = _object("drv_b", (5.0, 0.0, -1.0))
    ob = _object("drv_kinds")
    for index, kind in enumerate(("SUM", "AVERAGE", "MAX")):
        d = ob.driver_add("location", index).driver
        d.type = kind
        for target in (a, b):
            v = d.variables.new()
            v.type = 'TRANSFORMS'
            v.targets[0].id = target
            v.targets[0].transform_type = 'LOC_X'
    d = ob.driver_add("scale", 0).driver
    d.type = 'MIN'
    v = d.variables.new()
    v.type = 'TRANSFORMS'
    v.targets[0].id = a
    v.targets[0].transform_type = 'SCALE_AVG'
    v = d.variables.new()
    v.type = 'TRANSFORMS'
    v.targets[0].id = b
    v.targets[0].transform_type = 'LOC_Z'
    bpy.context.view_layer.update()
    assert cases.close(ob.location, (6.0, 3.0, 5.0)), tuple(ob.location)
    assert cases.close((ob.scale.x,), (-1.0,)), ob.scale.x


def case_single_prop_paths():
    src = _object("drv_sp", (0.0, 7.0, 0.0))
    src["gain"] = 2.5
    ob = _object("drv_sp_dst")
    d = ob.driver_add("location", 0).driver
    for name, idtype, target, path in (("y", 'OBJECT', src, "location[1]"),
                                       ("g", 'OBJECT', src, '["gain"]'),
                                       ("f", 'SCENE', scene, "frame_current"),
                                       ("bad", 'OBJECT', src, "location")):
        v = d.variables.new()
        v.name = name
        v.targets[0].id_type = idtype
        v.targets[0].id = target
        v.targets[0].data_path = path
    d.expression = "y + g * 10 + f * 100 + bad"
    scene.frame_set(3)
    assert cases.close((ob.location.x,), (7.0 + 25.0 + 300.0,)), ob.location.x


def case_python_driver_function():
    src = _object("drv_py", (2.0, 0.0, 0.0))
    ob = _object("drv_py_dst")
    calls = []

    def twice_plus_frame(value):
        calls.append(value)
        return value * 2 + bpy.app.driver_namespace["frame"]

    bpy.app.driver_namespace["twice_plus_frame"] = twice_plus_frame
    fc = _drive(ob, "location", 1, "twice_plus_frame(x)", [("x", src, 'LOC_X')])
    assert not fc.driver.is_simple_expression
    scene.frame_set(5)
    assert cases.close((ob.location.y,), (9.0,)), ob.location.y
    assert calls == [2.0], calls
    # the namespace has math's names and bpy, as Blender's
    assert bpy.app.driver_namespace["sqrt"] is math.sqrt
    fc.driver.expression = "sqrt(x) + (1 if bpy else 0)"
    scene.frame_set(5)
    assert cases.close((ob.location.y,), (math.sqrt(2.0) + 1,)), ob.location.y


def case_use_self():
    ob = _object("drv_self", (1.5, 0.0, 0.0))
    fc = ob.driver_add("location", 2)
    fc.driver.use_self = True
    assert fc.driver.use_self
    fc.driver.expression = "self.location.x * 2"
    scene.frame_set(1)
    assert cases.close((ob.location.z,), (3.0,)), ob.location.z


def case_render_evaluates_python_drivers():
    """The render's own depsgraph evaluates the drivers for the frame it
    renders, Python ones included, without writing the originals."""
    ob = _object("drv_render", (0.0, 0.0, 0.0))
    frames = []

    def record(frame):
        frames.append(frame)
        return 42.0

    bpy.app.driver_namespace["record"] = record
    ob.driver_add("location", 1).driver.expression = "record(frame)"
    r = scene.render
    saved = (r.resolution_x, r.resolution_y, r.resolution_percentage, scene.frame_current)
    r.resolution_x, r.resolution_y, r.resolution_percentage = 16, 8, 100
    scene.frame_current = 7  # no evaluation of the view's depsgraph
    try:
        bpy.ops.render.render('EXEC_DEFAULT')
    finally:
        r.resolution_x, r.resolution_y, r.resolution_percentage = saved[:3]
        scene.frame_current = saved[3]
    assert frames == [7.0], frames
    assert ob.location.y == 0.0, ob.location.y  # the render's copies only
    ob.animation_data_clear()


def case_removed_target_reads_zero():
    src = _object("drv_gone", (4.0, 0.0, 0.0))
    ob = _object("drv_gone_dst")
    fc = _drive(ob, "location", 0, "x + 1", [("x", src, 'LOC_X')])
    bpy.context.view_layer.update()
    assert cases.close((ob.location.x,), (5.0,))
    bpy.data.objects.remove(src)
    assert fc.driver.variables[0].targets[0].id is None
    bpy.context.view_layer.update()
    assert cases.close((ob.location.x,), (1.0,))


def case_unmodelled_variable_type_raises():
    ob = _object("drv_unmod")
    v = ob.driver_add("location", 0).driver.variables.new()
    try:
        v.type = 'NOT_A_TYPE'
    except TypeError:
        pass
    else:
        raise AssertionError("an unknown variable type was accepted")


cases.run(globals())
