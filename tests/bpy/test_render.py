"""bpy.ops.render.render from a script (EXEC): result image and handler order."""
import cases
import bpy

RENDER_LISTS = ("render_init", "render_pre", "render_post", "render_write", "render_stats",
                "render_complete", "render_cancel", "frame_change_pre", "frame_change_post")


class _Settings:
    """Save scene settings, apply small ones, restore on exit."""

    def __init__(self, **kw):
        self.kw = kw

    def __enter__(self):
        sc = bpy.context.scene
        r = sc.render
        self.saved = (r.resolution_x, r.resolution_y, r.resolution_percentage, r.filepath,
                      sc.frame_start, sc.frame_end, sc.frame_current)
        r.resolution_x = self.kw.get("x", 32)
        r.resolution_y = self.kw.get("y", 16)
        r.resolution_percentage = self.kw.get("pct", 100)
        r.filepath = "/tmp/hostrace_bpytest_render_"
        return sc

    def __exit__(self, *exc):
        sc = bpy.context.scene
        r = sc.render
        (r.resolution_x, r.resolution_y, r.resolution_percentage, r.filepath) = self.saved[:4]
        sc.frame_start, sc.frame_end = self.saved[4], self.saved[5]
        sc.frame_current = self.saved[6]
        return False


class _Recorder:
    """Append a recording handler to every render/frame handler list; remove on exit."""

    def __init__(self):
        self.events = []
        self.fns = {}

    def __enter__(self):
        for name in RENDER_LISTS:
            h = self._make(name)
            self.fns[name] = h
            getattr(bpy.app.handlers, name).append(h)
        return self

    def _make(self, name):
        def h(scene, depsgraph):
            self.events.append((name, scene.frame_current))
        return h

    def __exit__(self, *exc):
        for name, h in self.fns.items():
            lst = getattr(bpy.app.handlers, name)
            while h in lst:
                lst.remove(h)
        return False

    def names(self):
        return [e[0] for e in self.events]

    def count(self, name):
        return self.names().count(name)

    def first(self, name):
        n = self.names()
        assert name in n, "handler %s never ran; events: %r" % (name, n)
        return n.index(name)


def case_render_returns_finished_and_creates_result():
    with _Settings(x=32, y=16):
        r = bpy.ops.render.render('EXEC_DEFAULT')
    assert r == {'FINISHED'}, "render('EXEC_DEFAULT') returned %r" % (r,)
    assert "Render Result" in bpy.data.images, "no 'Render Result' image after render: %r" % bpy.data.images.keys()
    img = bpy.data.images["Render Result"]
    assert len(img.pixels) == 32 * 16 * 4, "Render Result has %d pixel floats, expected %d" % (len(img.pixels), 32 * 16 * 4)


def case_render_default_call_is_exec():
    with _Settings(x=8, y=8):
        r = bpy.ops.render.render()
    assert r == {'FINISHED'}, "render() returned %r" % (r,)
    assert len(bpy.data.images["Render Result"].pixels) == 8 * 8 * 4, "Render Result pixel count %d" % len(
        bpy.data.images["Render Result"].pixels)


def case_render_percentage_scales_result():
    with _Settings(x=64, y=32, pct=50):
        r = bpy.ops.render.render('EXEC_DEFAULT')
    assert r == {'FINISHED'}, "render returned %r" % (r,)
    n = len(bpy.data.images["Render Result"].pixels)
    assert n == 32 * 16 * 4, "64x32 at 50%% gave %d floats, expected %d" % (n, 32 * 16 * 4)


def case_render_handler_order():
    with _Settings(x=16, y=8), _Recorder() as rec:
        bpy.ops.render.render('EXEC_DEFAULT')
    names = rec.names()
    assert rec.first("render_init") < rec.first("render_pre") < rec.first("render_post") < rec.first("render_complete"), \
        "render handlers out of order: %r" % names
    assert rec.count("render_pre") == 1 and rec.count("render_post") == 1, "still render ran pre/post %r" % names
    assert rec.count("render_complete") == 1, "render_complete ran %d times" % rec.count("render_complete")
    assert rec.count("render_cancel") == 0, "render_cancel ran in a completed render: %r" % names
    assert rec.count("render_write") == 0, "render_write ran without write_still: %r" % names


def case_render_write_still_runs_render_write():
    with _Settings(x=16, y=8), _Recorder() as rec:
        r = bpy.ops.render.render('EXEC_DEFAULT', write_still=True)
    assert r == {'FINISHED'}, "render(write_still=True) returned %r" % (r,)
    names = rec.names()
    assert rec.count("render_write") == 1, "render_write ran %d times: %r" % (rec.count("render_write"), names)
    assert rec.first("render_post") < rec.first("render_write") < rec.first("render_complete"), \
        "render_write out of order: %r" % names
    assert rec.count("render_cancel") == 0, "render_cancel ran: %r" % names


def case_render_animation():
    with _Settings(x=8, y=8) as sc, _Recorder() as rec:
        sc.frame_start = 1
        sc.frame_end = 3
        sc.frame_current = 2
        before = sc.frame_current
        r = bpy.ops.render.render('EXEC_DEFAULT', animation=True)
        after = sc.frame_current
    assert r == {'FINISHED'}, "animation render returned %r" % (r,)
    names = rec.names()
    assert rec.count("render_pre") == 3, "render_pre ran %d times for 3 frames: %r" % (rec.count("render_pre"), names)
    assert rec.count("render_post") == 3, "render_post ran %d times for 3 frames" % rec.count("render_post")
    assert rec.count("render_write") == 3, "render_write ran %d times for 3 frames" % rec.count("render_write")
    assert rec.count("render_complete") == 1, "render_complete ran %d times" % rec.count("render_complete")
    assert rec.count("render_cancel") == 0, "render_cancel ran: %r" % names
    pre_frames = [f for n, f in rec.events if n == "render_pre"]
    assert pre_frames == [1, 2, 3], "render_pre saw frames %r, expected [1, 2, 3]" % pre_frames
    post_frames = [f for n, f in rec.events if n == "frame_change_post"]
    assert post_frames[:3] == [1, 2, 3], "frame_change_post saw frames %r" % post_frames
    assert rec.count("frame_change_pre") >= 3, "frame_change_pre ran %d times" % rec.count("frame_change_pre")
    assert rec.first("render_init") < rec.first("render_pre"), "render_init not before render_pre: %r" % names
    last_post = max(i for i, n in enumerate(names) if n == "render_post")
    assert rec.first("render_complete") > last_post, "render_complete before the last render_post: %r" % names
    assert after == before, "frame_current after animation render is %r, expected %r restored" % (after, before)


def case_render_handlers_run_on_main_thread():
    import threading
    seen = []

    def h(scene, depsgraph):
        seen.append(threading.current_thread() is threading.main_thread())

    lists = [bpy.app.handlers.render_pre, bpy.app.handlers.render_post, bpy.app.handlers.render_complete]
    for lst in lists:
        lst.append(h)
    try:
        with _Settings(x=8, y=8):
            bpy.ops.render.render('EXEC_DEFAULT')
    finally:
        for lst in lists:
            while h in lst:
                lst.remove(h)
    assert len(seen) == 3, "expected 3 handler calls, got %d" % len(seen)
    assert all(seen), "EXEC render ran handlers off the main thread: %r" % seen


if __name__ == "__main__":
    cases.run(globals())
