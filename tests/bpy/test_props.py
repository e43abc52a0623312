"""bpy.props on types and classes, PropertyGroups, collections, custom (ID)
properties, and window-manager data: Blender's semantics over the host's
property storage."""
import cases
import bpy
from bpy.props import (BoolProperty, CollectionProperty, EnumProperty, FloatProperty,
                       FloatVectorProperty, IntProperty, PointerProperty, StringProperty)


class HrItem(bpy.types.PropertyGroup):
    weight: FloatProperty(default=0.5)


class HrTool(bpy.types.PropertyGroup):
    count: IntProperty(default=5, min=0, max=10)
    enabled: BoolProperty(default=True)
    label: StringProperty(default="hi", maxlen=8)
    color: FloatVectorProperty(size=3, default=(1.0, 0.0, 0.0), subtype="COLOR")
    mode: EnumProperty(items=[("A", "a", ""), ("B", "b", "")], default="B")
    items: CollectionProperty(type=HrItem)
    target: PointerProperty(type=bpy.types.Object)


bpy.utils.register_class(HrItem)
bpy.utils.register_class(HrTool)
updates = []
bpy.types.Scene.hr_tool = PointerProperty(type=HrTool)
bpy.types.Scene.hr_level = IntProperty(default=2, update=lambda self, ctx: updates.append(self.hr_level))
bpy.types.WindowManager.hr_busy = BoolProperty()


def case_deferred_type_is_importable():
    d = IntProperty(default=1)
    assert isinstance(d, bpy.props._PropertyDeferred), type(d)
    assert d.function is IntProperty and d.keywords == {"default": 1}, d
    assert isinstance(bpy.types.Scene.hr_level, bpy.props._PropertyDeferred)


def case_defaults_before_any_write():
    t = bpy.context.scene.hr_tool
    assert (t.count, t.enabled, t.label, t.mode) == (5, True, "hi", "B"), (t.count, t.mode)
    assert tuple(t.color) == (1.0, 0.0, 0.0) and t.target is None


def case_int_clamped_to_min_max_and_type_checked():
    t = bpy.context.scene.hr_tool
    t.count = 42
    assert t.count == 10, t.count
    t.count = -3
    assert t.count == 0, t.count
    try:
        t.count = 1.5
    except TypeError:
        pass
    else:
        raise AssertionError("a float was accepted by an IntProperty")


def case_string_maxlen_and_enum_check():
    t = bpy.context.scene.hr_tool
    t.label = "abcdefghijkl"
    assert t.label == "abcdefg", t.label
    t.mode = "A"
    assert t.mode == "A"
    try:
        t.mode = "C"
    except TypeError as e:
        assert "not found" in str(e), e
    else:
        raise AssertionError("an unknown enum item was accepted")


def case_vector_index_write_through():
    t = bpy.context.scene.hr_tool
    t.color[1] = 0.25
    assert cases.close(t.color, (1.0, 0.25, 0.0)), tuple(t.color)
    t.color = (0, 0, 1)
    assert cases.close(t.color, (0, 0, 1))


def case_pointer_to_group_is_read_only_and_stored_per_scene():
    try:
        bpy.context.scene.hr_tool = None
    except AttributeError:
        pass
    else:
        raise AssertionError("assigning a PointerProperty to a PropertyGroup worked")
    other = bpy.data.scenes.new(cases.uid("hrscene"))
    try:
        assert other.hr_tool.count == 5, other.hr_tool.count
        other.hr_tool.count = 7
        assert other.hr_tool.count == 7 and bpy.context.scene.hr_tool.count != 7
    finally:
        bpy.data.scenes.remove(other)


def case_pointer_to_id():
    t = bpy.context.scene.hr_tool
    t.target = bpy.data.objects["Cube"]
    assert t.target == bpy.data.objects["Cube"]
    try:
        t.target = bpy.data.meshes["Cube"]
    except TypeError:
        pass
    else:
        raise AssertionError("a Mesh was accepted for a PointerProperty(type=Object)")
    t.target = None
    assert t.target is None


def case_collection_add_remove_move_clear():
    items = bpy.context.scene.hr_tool.items
    items.clear()
    for n in ("a", "b", "c"):
        it = items.add()
        it.name = n
    assert len(items) == 3 and [i.name for i in items] == ["a", "b", "c"]
    assert items["b"].weight == 0.5 and items.find("c") == 2 and "a" in items
    items.move(0, 2)
    assert items.keys() == ["b", "c", "a"], items.keys()
    items.remove(1)
    assert items.keys() == ["b", "a"], items.keys()
    items.clear()
    assert len(items) == 0


def case_update_callback_runs_on_set():
    updates.clear()
    bpy.context.scene.hr_level = 4
    assert updates == [4], updates


def case_window_manager_property_and_idprops():
    wm = bpy.context.window_manager
    assert wm.hr_busy is False
    wm.hr_busy = True
    assert bpy.data.window_managers[0].hr_busy is True
    wm["hr_flag"] = 3
    assert wm["hr_flag"] == 3 and "hr_flag" in wm.keys()
    del wm["hr_flag"]
    assert wm.get("hr_flag") is None


def case_id_properties():
    ob = bpy.data.objects["Cube"]
    ob["hr_i"] = 1
    ob["hr_f"] = 0.5
    ob["hr_s"] = "text"
    ob["hr_v"] = [1.0, 2.0, 3.0]
    ob["hr_d"] = {"a": 1, "b": {"c": "x"}}
    assert ob["hr_i"] == 1 and ob["hr_f"] == 0.5 and ob["hr_s"] == "text"
    assert list(ob["hr_v"]) == [1.0, 2.0, 3.0]
    assert ob["hr_d"].to_dict() == {"a": 1, "b": {"c": "x"}}, ob["hr_d"].to_dict()
    ob["hr_d"]["a"] = 2
    assert ob["hr_d"]["a"] == 2
    assert ob.pop("hr_i") == 1 and "hr_i" not in ob
    try:
        ob["hr_bad"] = object()
    except TypeError:
        pass
    else:
        raise AssertionError("an object() was accepted as an ID property")
    for k in ("hr_f", "hr_s", "hr_v", "hr_d"):
        del ob[k]
    try:
        ob["hr_missing"]
    except KeyError:
        pass
    else:
        raise AssertionError("a missing key did not raise KeyError")


def case_deleted_type_property():
    bpy.types.Scene.hr_tmp = IntProperty(default=9)
    assert bpy.context.scene.hr_tmp == 9
    del bpy.types.Scene.hr_tmp
    assert not hasattr(bpy.context.scene, "hr_tmp")


def case_windows_areas_regions():
    wm = bpy.data.window_managers[0]
    win = wm.windows[0]
    assert win.scene == bpy.context.scene and win.screen is bpy.context.screen
    types = [a.type for a in win.screen.areas]
    assert "VIEW_3D" in types, types
    v3d = next(a for a in win.screen.areas if a.type == "VIEW_3D")
    assert {r.type for r in v3d.regions} >= {"WINDOW", "HEADER", "UI"}
    v3d.tag_redraw()
    for r in v3d.regions:
        r.tag_redraw()
    bpy.context.workspace.status_text_set("working")
    bpy.context.workspace.status_text_set(None)
    wm.progress_begin(0, 10)
    wm.progress_update(5)
    wm.progress_end()


def case_preferences_and_paths():
    prefs = bpy.context.preferences
    assert prefs.addons.get("hr_not_an_addon") is None
    assert prefs.view.ui_scale == 1.0
    assert bpy.path.basename("//tex/a.png") == "a.png"
    assert bpy.path.ensure_ext("out", ".png") == "out.png"
    assert bpy.path.clean_name("a b/c") == "a_b_c"
    assert bpy.app.tempdir.endswith("/") and isinstance(bpy.app.debug_value, int)
    assert bpy.app.translations.pgettext("Hello") == "Hello"


def case_register_classes_factory_and_unregister():
    class HrPanel(bpy.types.Panel):
        bl_label = "hr"
        bl_space_type = "VIEW_3D"
        bl_region_type = "UI"

        def draw(self, context):
            self.layout.prop(context.scene.hr_tool, "count")

    reg, unreg = bpy.utils.register_classes_factory((HrPanel,))
    reg()
    unreg()
    try:
        bpy.utils.unregister_class(HrPanel)
    except RuntimeError:
        pass
    else:
        raise AssertionError("unregistering twice worked")


cases.run(globals())
