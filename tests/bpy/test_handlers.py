"""bpy.app.handlers lists, @persistent, frame_set handlers, bpy.app.timers, run_on_main, draw handlers."""
import cases
import bpy
from bpy.app.handlers import persistent

HANDLER_LISTS = (
    "render_init", "render_pre", "render_post", "render_write", "render_stats", "render_complete",
    "render_cancel", "frame_change_pre", "frame_change_post", "depsgraph_update_pre",
    "depsgraph_update_post", "load_pre", "load_post", "save_pre", "save_post",
)


def _discard(lst, fn):
    while fn in lst:
        lst.remove(fn)


def case_handler_lists_exist():
    for name in HANDLER_LISTS:
        lst = getattr(bpy.app.handlers, name, None)
        assert lst is not None, "bpy.app.handlers.%s is missing" % name
        assert isinstance(lst, list), "bpy.app.handlers.%s is %r, expected a list" % (name, type(lst))


def case_append_remove_in_len():
    lst = bpy.app.handlers.load_post

    def h(*args):
        pass

    n = len(lst)
    lst.append(h)
    try:
        assert h in lst, "appended handler not `in` the list"
        assert len(lst) == n + 1, "len did not grow: %d -> %d" % (n, len(lst))
        assert lst[-1] is h, "appended handler is not last"
        assert h in list(iter(lst)), "iteration does not yield the appended handler"
    finally:
        lst.remove(h)
    assert h not in lst, "handler still present after remove"
    assert len(lst) == n, "len did not shrink after remove"


def case_insert_and_clear():
    lst = bpy.app.handlers.save_pre
    saved = list(lst)

    def a(*args):
        pass

    def b(*args):
        pass

    try:
        lst.append(a)
        lst.insert(0, b)
        assert lst[0] is b, "insert(0, f) did not put f first"
        lst.clear()
        assert len(lst) == 0, "clear() left %d handlers" % len(lst)
    finally:
        lst[:] = saved


def case_persistent_returns_same_function():
    def f(*args):
        pass

    assert persistent(f) is f, "persistent(f) did not return f itself"
    assert bpy.app.handlers.persistent(f) is f, "bpy.app.handlers.persistent(f) did not return f itself"

    @persistent
    def g(scene, depsgraph):
        return 7

    assert callable(g) and g(None, None) == 7, "@persistent changed the function's behaviour"
    assert g.__name__ == "g", "@persistent changed the function name to %r" % g.__name__


def case_frame_set_calls_pre_then_post():
    sc = bpy.context.scene
    orig = sc.frame_current
    calls = []

    def pre(scene, depsgraph):
        calls.append(("pre", scene.name))

    def post(scene, depsgraph):
        calls.append(("post", scene.name, scene.frame_current))

    bpy.app.handlers.frame_change_pre.append(pre)
    bpy.app.handlers.frame_change_post.append(post)
    try:
        sc.frame_set(11)
    finally:
        _discard(bpy.app.handlers.frame_change_pre, pre)
        _discard(bpy.app.handlers.frame_change_post, post)
        sc.frame_set(orig)
    assert calls[:2] == [("pre", "Scene"), ("post", "Scene", 11)], "frame_set(11) handler calls %r" % calls
    assert len(calls) == 2, "frame_set(11) ran handlers %d times: %r" % (len(calls), calls)


def case_frame_handler_one_and_two_args():
    sc = bpy.context.scene
    orig = sc.frame_current
    got = {}

    def one(scene):
        got["one"] = scene

    def two(scene, depsgraph):
        got["two"] = (scene, depsgraph)

    bpy.app.handlers.frame_change_post.append(one)
    bpy.app.handlers.frame_change_post.append(two)
    try:
        sc.frame_set(5)
    finally:
        _discard(bpy.app.handlers.frame_change_post, one)
        _discard(bpy.app.handlers.frame_change_post, two)
        sc.frame_set(orig)
    assert "one" in got, "one-argument handler was not called"
    assert got["one"] == sc, "one-argument handler got %r, expected the scene" % (got["one"],)
    assert "two" in got, "two-argument handler was not called"
    assert got["two"][0] == sc, "two-argument handler got %r as scene" % (got["two"][0],)


def case_handlers_run_in_list_order():
    sc = bpy.context.scene
    orig = sc.frame_current
    order = []

    def first(scene, depsgraph):
        order.append("first")

    def second(scene, depsgraph):
        order.append("second")

    def zeroth(scene, depsgraph):
        order.append("zeroth")

    lst = bpy.app.handlers.frame_change_pre
    lst.append(first)
    lst.append(second)
    lst.insert(0, zeroth)
    try:
        sc.frame_set(orig + 1)
    finally:
        for f in (first, second, zeroth):
            _discard(lst, f)
        sc.frame_set(orig)
    assert order == ["zeroth", "first", "second"], "handlers ran in order %r" % order


def case_removed_handler_not_called():
    sc = bpy.context.scene
    orig = sc.frame_current
    calls = []

    def h(scene, depsgraph):
        calls.append(scene.frame_current)

    bpy.app.handlers.frame_change_post.append(h)
    try:
        sc.frame_set(20)
        bpy.app.handlers.frame_change_post.remove(h)
        sc.frame_set(21)
    finally:
        _discard(bpy.app.handlers.frame_change_post, h)
        sc.frame_set(orig)
    assert calls == [20], "handler calls %r, expected [20] (not called after remove)" % calls


def case_timer_registration_state():
    def tick():
        return None

    assert not bpy.app.timers.is_registered(tick), "is_registered True before register"
    bpy.app.timers.register(tick)
    try:
        assert bpy.app.timers.is_registered(tick), "is_registered False after register"
    finally:
        bpy.app.timers.unregister(tick)
    assert not bpy.app.timers.is_registered(tick), "is_registered True after unregister"


def case_timer_first_interval_keyword():
    def tick():
        return 1.0

    bpy.app.timers.register(tick, first_interval=5.0)
    try:
        assert bpy.app.timers.is_registered(tick), "timer with first_interval not registered"
    finally:
        bpy.app.timers.unregister(tick)


def case_timer_does_not_run_synchronously():
    ran = []

    def tick():
        ran.append(1)
        return None

    bpy.app.timers.register(tick, first_interval=0.0)
    try:
        assert ran == [], "timer ran inside register()"
    finally:
        if bpy.app.timers.is_registered(tick):
            bpy.app.timers.unregister(tick)


def case_timer_unregister_unknown_raises():
    def never():
        return None

    try:
        bpy.app.timers.unregister(never)
    except ValueError:
        pass
    else:
        raise AssertionError("unregistering a never-registered timer did not raise ValueError")


def case_run_on_main():
    r = bpy.app.run_on_main(lambda: 41 + 1, wait=True)
    assert r == 42, "run_on_main(fn, wait=True) from main returned %r, expected 42" % (r,)
    calls = []
    r = bpy.app.run_on_main(lambda: calls.append(1), wait=False)
    assert r is None, "run_on_main(fn, wait=False) returned %r, expected None" % (r,)


def case_draw_handler_add_remove():
    def draw():
        pass

    handle = bpy.types.SpaceView3D.draw_handler_add(draw, (), 'WINDOW', 'POST_VIEW')
    assert handle is not None, "draw_handler_add returned None"
    r = bpy.types.SpaceView3D.draw_handler_remove(handle, 'WINDOW')
    assert r is None, "draw_handler_remove returned %r" % (r,)


if __name__ == "__main__":
    cases.run(globals())
