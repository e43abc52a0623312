"""The add-on surface around the UI: bpy.utils (previews, paths,
classes), addon_utils and preferences.addons, bpy.app, bpy.path, context
areas and temp_override, layouts outside a draw."""
import os
import sys
import tempfile

import cases
import bpy


def _png(path, w, h):
    """A w x h RGBA PNG written with bpy itself."""
    im = bpy.data.images.new(cases.uid("hr_png"), w, h, alpha=True)
    im.save(filepath=path)
    bpy.data.images.remove(im)


def case_previews_load_icon_and_size():
    import bpy.utils.previews
    with tempfile.TemporaryDirectory(prefix="hr-prev-") as d:
        p = os.path.join(d, "thumb.png")
        _png(p, 4, 3)
        pcoll = bpy.utils.previews.new()
        try:
            prev = pcoll.load("thumb", p, 'IMAGE')
            assert prev.icon_id > 0, prev.icon_id
            assert tuple(prev.image_size) == (4, 3), tuple(prev.image_size)
            assert "thumb" in pcoll and pcoll["thumb"].icon_id == prev.icon_id
            try:
                pcoll.load("thumb", p, 'IMAGE')
            except KeyError as e:
                assert "already exists" in str(e), str(e)
            else:
                raise AssertionError("loading an existing key did not raise KeyError")
        finally:
            bpy.utils.previews.remove(pcoll)


def case_user_paths():
    scripts = bpy.utils.user_resource('SCRIPTS')
    assert os.path.isabs(scripts), scripts
    assert bpy.utils.script_path_user() and os.path.isabs(bpy.utils.script_path_user())
    assert isinstance(bpy.utils.script_paths(), list)


def case_app_fields():
    assert isinstance(bpy.app.version, tuple) and len(bpy.app.version) == 3, bpy.app.version
    assert bpy.app.version_string.startswith("%d.%d" % bpy.app.version[:2]), bpy.app.version_string
    assert bpy.app.background is False and isinstance(bpy.app.online_access, bool)
    assert isinstance(bpy.app.binary_path, str)  # "" as for Blender built as a module
    for name in ("load_post", "save_pre", "depsgraph_update_post", "frame_change_pre",
                 "render_complete", "undo_post"):
        assert isinstance(getattr(bpy.app.handlers, name), list), name
    assert bpy.app.translations.pgettext_iface("Open") == "Open"
    assert bpy.app.translations.pgettext_tip("Open") == "Open"


def case_path_helpers():
    assert bpy.path.abspath("//tex/a.png") == os.path.join(os.getcwd(), "tex", "a.png"), \
        bpy.path.abspath("//tex/a.png")
    assert bpy.path.abspath("/abs/a.png") == "/abs/a.png"
    assert bpy.path.basename("/x/y/z.blend") == "z.blend"
    assert bpy.path.ensure_ext("a.PNG", ".png") == "a.PNG"
    assert bpy.path.ensure_ext("a.PNG", ".png", case_sensitive=True) == "a.PNG.png"


def case_context_areas_and_temp_override():
    ctx = bpy.context
    assert ctx.window is ctx.window_manager.windows[0] and ctx.screen is ctx.window.screen
    area = next(a for a in ctx.screen.areas if a.type == 'IMAGE_EDITOR')
    region = next(r for r in area.regions if r.type == 'WINDOW')
    with ctx.temp_override(area=area, region=region):
        assert bpy.context.area is area and bpy.context.region is region
    assert bpy.context.area is not area


def case_addon_utils_enable_disable():
    calls = []
    with tempfile.TemporaryDirectory(prefix="hr-addon-") as d:
        name = cases.uid("hr_tmp_addon")
        with open(os.path.join(d, name + ".py"), "w") as f:
            f.write("bl_info = {'name': 'tmp', 'blender': (4, 2, 0)}\n"
                    "import builtins\n"
                    "def register(): builtins._hr_calls.append('register')\n"
                    "def unregister(): builtins._hr_calls.append('unregister')\n")
        import builtins
        import addon_utils
        builtins._hr_calls = calls
        sys.path.insert(0, d)
        try:
            addon_utils.enable(name, default_set=True)
            assert calls == ["register"], calls
            assert addon_utils.check(name) == (True, True)
            assert name in bpy.context.preferences.addons
            assert bpy.context.preferences.addons.get(name) is not None
            assert any(m.__name__ == name for m in addon_utils.modules())
            addon_utils.disable(name)
            assert calls == ["register", "unregister"], calls
            assert addon_utils.check(name) == (False, False)
            assert bpy.context.preferences.addons.get(name) is None
        finally:
            sys.path.remove(d)
            del builtins._hr_calls


def case_layout_calls_outside_draw():
    """A UILayout records what an add-on draws; the calls add-ons make are
    accepted and nested layouts inherit a greyed-out parent."""
    lay = bpy.types.UILayout("VIEW_3D", "UI")
    col = lay.column(align=True)
    col.enabled = False
    row = col.row()
    assert row.enabled is False
    box = lay.box()
    split = box.split(factor=0.5)
    split.label(text="x", icon='INFO')
    split.separator()
    op = split.operator("wm.hr_none", text="Go")
    op.value = 3
    assert op.value == 3
    lay.prop(bpy.context.scene, "frame_current")
    lay.scale_y = 1.5
    lay.alert = True


if __name__ == "__main__":
    cases.run(globals())
