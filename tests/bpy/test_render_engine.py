"""bpy.types.RenderEngine: registration, scene.render.engine, the steps of a
render and their order, begin_result/end_result into the render result,
the render's depsgraph, and what a freed engine or result does. Renders
here are EXEC (blocking, on the main thread); the last cases start an
INVOKE render and turn the 3D view to RENDERED, and check the thread of
each call from inside the engine."""
import threading

import cases
import bpy

DEFAULT_ENGINE = "BLENDER_EEVEE_NEXT"


class _Engine:
    """Registers an engine class for a case, selects it with a small render
    size, and puts everything back on exit."""

    def __init__(self, cls, x=8, y=4, pct=100):
        self.cls, self.size = cls, (x, y, pct)

    def __enter__(self):
        sc = bpy.context.scene
        r = sc.render
        self.saved = (r.engine, r.resolution_x, r.resolution_y, r.resolution_percentage,
                      sc.frame_start, sc.frame_end, sc.frame_current)
        bpy.utils.register_class(self.cls)
        r.engine = self.cls.bl_idname
        r.resolution_x, r.resolution_y, r.resolution_percentage = self.size
        return sc

    def __exit__(self, *exc):
        sc = bpy.context.scene
        r = sc.render
        (r.engine, r.resolution_x, r.resolution_y, r.resolution_percentage) = self.saved[:4]
        sc.frame_start, sc.frame_end, sc.frame_current = self.saved[4:]
        bpy.utils.unregister_class(self.cls)
        return False


def _engine(name, **methods):
    idname = cases.uid("HOSTRACE_TEST").upper()
    ns = dict(bl_idname=idname, bl_label=name)
    ns.update(methods)
    return type(name, (bpy.types.RenderEngine,), ns)


def _pixel(x, y):
    img = bpy.data.images["Render Result"]
    w = img.size[0]
    i = 4 * (y * w + x)
    return tuple(img.pixels[i:i + 4])


def case_default_engine_and_unknown_id():
    r = bpy.context.scene.render
    assert r.engine == DEFAULT_ENGINE, "default engine %r" % r.engine
    try:
        r.engine = "NO_SUCH_ENGINE"
    except TypeError as e:
        assert 'enum "NO_SUCH_ENGINE" not found' in str(e), str(e)
    else:
        raise AssertionError("an unknown engine id was accepted")
    assert r.engine == DEFAULT_ENGINE
    try:
        r.engine = 3
    except TypeError:
        pass
    else:
        raise AssertionError("a non-string engine was accepted")
    r.engine = "CYCLES"
    r.engine = "BLENDER_WORKBENCH"
    r.engine = DEFAULT_ENGINE


def case_register_makes_the_id_selectable():
    cls = _engine("Selectable")
    r = bpy.context.scene.render
    try:
        r.engine = cls.bl_idname
    except TypeError:
        pass
    else:
        raise AssertionError("an engine id was selectable before register_class")
    with _Engine(cls):
        assert r.engine == cls.bl_idname
        assert bpy.types.RenderEngine in cls.__mro__
    assert r.engine == DEFAULT_ENGINE
    try:
        r.engine = cls.bl_idname
    except TypeError:
        pass
    else:
        raise AssertionError("an unregistered engine id was still selectable")


def case_register_checks_bl_idname():
    cls = type("NoId", (bpy.types.RenderEngine,), {"bl_label": "x"})
    try:
        bpy.utils.register_class(cls)
    except ValueError:
        pass
    else:
        bpy.utils.unregister_class(cls)
        raise AssertionError("an engine without bl_idname registered")


def case_steps_in_order_one_instance_per_frame():
    log = []

    def __init__(self):
        log.append(("init", id(self)))

    def update(self, data, depsgraph):
        assert data is bpy.data
        log.append(("update", id(self)))

    def render(self, depsgraph):
        log.append(("render", id(self), self.is_animation))

    def render_frame_finish(self):
        log.append(("finish", id(self)))

    cls = _engine("Steps", __init__=__init__, update=update, render=render,
                  render_frame_finish=render_frame_finish)
    with _Engine(cls) as sc:
        assert bpy.ops.render.render('EXEC_DEFAULT') == {'FINISHED'}
        steps = [e[0] for e in log]
        assert steps == ["init", "update", "render", "finish"], steps
        assert log[2][2] is False, "is_animation for a still: %r" % (log[2],)
        assert len({e[1] for e in log}) == 1, "one instance for the frame"
        del log[:]
        sc.frame_start, sc.frame_end = 1, 3
        assert bpy.ops.render.render('EXEC_DEFAULT', animation=True) == {'FINISHED'}
        assert [e[0] for e in log] == ["init", "update", "render", "finish"] * 3, log
        assert all(e[2] is True for e in log if e[0] == "render"), "is_animation"


def case_builtin_engine_still_renders_tiles():
    sc = bpy.context.scene
    sc.render.resolution_x, sc.render.resolution_y = 8, 4
    sc.render.resolution_percentage = 100
    try:
        assert bpy.ops.render.render('EXEC_DEFAULT') == {'FINISHED'}
        assert cases.close(_pixel(1, 0)[:2], (1 / 8, 0.0)), _pixel(1, 0)
    finally:
        sc.render.resolution_x, sc.render.resolution_y = 1920, 1080


def case_end_result_writes_the_render_result():
    def render(self, depsgraph):
        assert (self.resolution_x, self.resolution_y) == (8, 4), (self.resolution_x,
                                                                  self.resolution_y)
        full = self.begin_result(0, 0, 8, 4)
        assert full.resolution_x == 8 and full.resolution_y == 4
        rect = full.layers[0].passes["Combined"].rect
        assert len(rect) == 32 and tuple(rect[0]) == (0.0, 0.0, 0.0, 0.0), rect[0]
        full.layers[0].passes["Combined"].rect = [[0.25, 0.25, 0.25, 1.0]] * 32
        self.end_result(full)
        tile = self.begin_result(2, 1, 2, 2)
        tile.layers[0].passes["Combined"].rect = [[1.0, 0.0, 0.0, 1.0]] * 4
        self.end_result(tile)
        cancelled = self.begin_result(0, 0, 1, 1)
        cancelled.layers[0].passes["Combined"].rect = [[0.0, 1.0, 0.0, 1.0]]
        self.end_result(cancelled, cancel=True)
        clipped = self.begin_result(6, 2, 10, 10)
        assert (clipped.resolution_x, clipped.resolution_y) == (2, 2), "clipped to the render"
        self.end_result(clipped)

    with _Engine(_engine("Pixels", render=render)):
        bpy.ops.render.render('EXEC_DEFAULT')
        assert cases.close(_pixel(0, 0), (0.25, 0.25, 0.25, 1.0)), _pixel(0, 0)
        assert cases.close(_pixel(2, 1), (1.0, 0.0, 0.0, 1.0)), _pixel(2, 1)
        assert cases.close(_pixel(3, 2), (1.0, 0.0, 0.0, 1.0)), _pixel(3, 2)
        assert cases.close(_pixel(4, 1), (0.25, 0.25, 0.25, 1.0)), _pixel(4, 1)
        assert cases.close(_pixel(7, 3), (0.0, 0.0, 0.0, 0.0)), "a clipped result merged zeros"


def case_update_result_merges_before_the_end():
    seen = []

    def render(self, depsgraph):
        r = self.begin_result(0, 0, 8, 4)
        r.layers[0].passes["Combined"].rect = [[0.5, 0.5, 0.5, 1.0]] * 32
        self.update_result(r)
        seen.append(_pixel(0, 0))
        self.end_result(r, cancel=True)

    with _Engine(_engine("Partial", render=render)):
        bpy.ops.render.render('EXEC_DEFAULT')
    assert cases.close(seen[0], (0.5, 0.5, 0.5, 1.0)), seen


def case_rect_checks_its_size_and_dies_with_the_result():
    errors = []

    def render(self, depsgraph):
        r = self.begin_result(0, 0, 2, 2)
        p = r.layers[0].passes["Combined"]
        for bad in ([[1.0, 1.0, 1.0, 1.0]] * 3, [[1.0, 1.0, 1.0]] * 4):
            try:
                p.rect = bad
            except ValueError:
                errors.append("size")
        try:
            r.layers[0].passes["Depth"]
        except KeyError:
            errors.append("pass")
        assert r.layers[0].passes.find_by_name("Combined", "") is p
        self.end_result(r)
        try:
            p.rect
        except ReferenceError:
            errors.append("ended")

    with _Engine(_engine("Rect", render=render)):
        bpy.ops.render.render('EXEC_DEFAULT')
    assert errors == ["size", "size", "pass", "ended"], errors


def case_depsgraph_has_evaluated_copies():
    kept = []

    def render(self, depsgraph):
        cube = bpy.data.objects["Cube"]
        names = sorted(ob.name for ob in depsgraph.objects)
        assert names == sorted(ob.name for ob in bpy.context.scene.objects), names
        assert all(ob is not bpy.data.objects[ob.name] for ob in depsgraph.objects)
        ev = depsgraph.id_eval_get(cube)
        assert ev is not cube and ev.name == "Cube"
        assert cases.close(ev.location, cube.location)
        assert depsgraph.scene is bpy.context.scene
        assert depsgraph.scene_eval is not depsgraph.scene
        assert depsgraph.scene_eval.name == depsgraph.scene.name
        assert depsgraph.id_eval_get(depsgraph.scene) is depsgraph.scene_eval
        assert [i.object for i in depsgraph.object_instances] == depsgraph.objects
        assert depsgraph.mode == "RENDER"
        kept.append(ev)
        kept.append(depsgraph)

    with _Engine(_engine("Sync", render=render)):
        bpy.ops.render.render('EXEC_DEFAULT')
    assert len(kept) == 2, "render() did not run to its end"
    try:
        kept[0].location
    except ReferenceError:
        pass
    else:
        raise AssertionError("an evaluated object outlived the render's depsgraph")
    try:
        kept[1].objects
    except ReferenceError:
        pass
    else:
        raise AssertionError("the render's depsgraph outlived the render")


def case_evaluated_copies_are_not_in_main():
    seen = []

    def render(self, depsgraph):
        ev = depsgraph.objects[0]
        n = len(bpy.data.objects)
        for act in (lambda: setattr(ev, "name", "Renamed"),
                    lambda: bpy.data.objects.remove(ev)):
            try:
                act()
            except AttributeError:
                seen.append("refused")
        assert len(bpy.data.objects) == n and "Renamed" not in bpy.data.objects
        assert ev.name in bpy.data.objects, "the original is untouched"

    with _Engine(_engine("Copies", render=render)):
        bpy.ops.render.render('EXEC_DEFAULT')
    assert seen == ["refused", "refused"], seen


def case_freed_engine_raises():
    kept = []

    def render(self, depsgraph):
        assert self.test_break() is False
        self.update_progress(0.5)
        self.update_stats("stats", "info")
        self.report({'INFO'}, "rendering")
        kept.append(self)

    with _Engine(_engine("Kept", render=render)):
        bpy.ops.render.render('EXEC_DEFAULT')
    assert kept, "render() did not run"
    try:
        kept[0].test_break()
    except ReferenceError:
        pass
    else:
        raise AssertionError("a freed engine answered test_break()")


def case_unregistered_engine_falls_back_to_builtin():
    cls = _engine("Gone", render=lambda self, depsgraph: None)
    sc = bpy.context.scene
    saved = (sc.render.resolution_x, sc.render.resolution_y)
    bpy.utils.register_class(cls)
    sc.render.engine = cls.bl_idname
    bpy.utils.unregister_class(cls)
    sc.render.resolution_x, sc.render.resolution_y = 8, 4
    try:
        assert sc.render.engine == cls.bl_idname, "the scene keeps the id of a removed engine"
        assert bpy.ops.render.render('EXEC_DEFAULT') == {'FINISHED'}
        assert cases.close(_pixel(1, 0)[:2], (1 / 8, 0.0)), "the built-in shader rendered"
    finally:
        sc.render.engine = DEFAULT_ENGINE
        sc.render.resolution_x, sc.render.resolution_y = saved


def case_zz_invoke_render_and_rendered_view():
    """Last: leaves an INVOKE render running and the 3D view RENDERED; the
    engine checks the thread of each call itself (an assertion there is a
    finding of the run)."""
    main = threading.main_thread().ident  # current_thread() would make a dummy thread

    def render(self, depsgraph):
        assert threading.get_ident() != main, "render() ran on the main thread"
        r = self.begin_result(0, 0, self.resolution_x, self.resolution_y)
        self.end_result(r)

    def view_update(self, context, depsgraph):
        assert threading.get_ident() == main, "view_update off the main thread"
        assert depsgraph.mode == "VIEWPORT"

    def view_draw(self, context, depsgraph):
        assert threading.get_ident() == main, "view_draw off the main thread"
        assert self.begin_result(0, 0, 1, 1) is None, "the viewport has no render result"

    cls = _engine("Live", render=render, view_update=view_update, view_draw=view_draw)
    bpy.utils.register_class(cls)
    sc = bpy.context.scene
    sc.render.engine = cls.bl_idname
    sc.render.resolution_x, sc.render.resolution_y = 8, 4
    area = [a for a in bpy.context.window_manager.windows[0].screen.areas
            if a.type == "VIEW_3D"][0]
    try:
        area.spaces[0].shading.type = "NOT_A_SHADING"
    except TypeError:
        pass
    else:
        raise AssertionError("an unknown shading type was accepted")
    area.spaces[0].shading.type = "RENDERED"
    assert area.spaces[0].shading.type == "RENDERED"
    assert bpy.ops.render.render('INVOKE_DEFAULT') == {'RUNNING_MODAL'}


cases.run(globals())
