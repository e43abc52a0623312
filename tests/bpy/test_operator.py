"""bpy.types.Operator subclasses: register_class, execute, invoke, poll, unregister, unknown operators."""
import cases
import bpy


def case_execute_called_and_returns_finished():
    calls = []

    class HR_OT_exec(bpy.types.Operator):
        bl_idname = "test.hr_exec"
        bl_label = "HR exec"

        def execute(self, context):
            calls.append(context.scene.name)
            return {'FINISHED'}

    bpy.utils.register_class(HR_OT_exec)
    try:
        r = bpy.ops.test.hr_exec()
        assert r == {'FINISHED'}, "bpy.ops.test.hr_exec() returned %r" % (r,)
        assert calls == ["Scene"], "execute calls %r, expected one call with context.scene 'Scene'" % calls
        r = bpy.ops.test.hr_exec('EXEC_DEFAULT')
        assert r == {'FINISHED'} and len(calls) == 2, "EXEC_DEFAULT call returned %r, calls %r" % (r, calls)
    finally:
        bpy.utils.unregister_class(HR_OT_exec)


def case_execute_receives_context():
    got = []

    class HR_OT_ctx(bpy.types.Operator):
        bl_idname = "test.hr_ctx"
        bl_label = "HR ctx"

        def execute(self, context):
            got.append((context.scene, context.active_object))
            return {'FINISHED'}

    bpy.utils.register_class(HR_OT_ctx)
    try:
        bpy.ops.test.hr_ctx()
    finally:
        bpy.utils.unregister_class(HR_OT_ctx)
    assert len(got) == 1, "execute ran %d times" % len(got)
    assert got[0][0] == bpy.context.scene, "context.scene in execute is %r" % (got[0][0],)
    assert got[0][1] == bpy.context.active_object, "context.active_object in execute is %r" % (got[0][1],)


def case_execute_cancelled_result():
    class HR_OT_cancel(bpy.types.Operator):
        bl_idname = "test.hr_cancel"
        bl_label = "HR cancel"

        def execute(self, context):
            return {'CANCELLED'}

    bpy.utils.register_class(HR_OT_cancel)
    try:
        r = bpy.ops.test.hr_cancel()
        assert r == {'CANCELLED'}, "operator returning {'CANCELLED'} gave %r" % (r,)
    finally:
        bpy.utils.unregister_class(HR_OT_cancel)


def case_invoke_default_calls_invoke():
    calls = []

    class HR_OT_inv(bpy.types.Operator):
        bl_idname = "test.hr_inv"
        bl_label = "HR invoke"

        def invoke(self, context, event):
            calls.append("invoke")
            return self.execute(context)

        def execute(self, context):
            calls.append("execute")
            return {'FINISHED'}

    bpy.utils.register_class(HR_OT_inv)
    try:
        r = bpy.ops.test.hr_inv('INVOKE_DEFAULT')
        assert r == {'FINISHED'}, "INVOKE_DEFAULT returned %r" % (r,)
        assert calls == ["invoke", "execute"], "INVOKE_DEFAULT calls %r, expected invoke then execute" % calls
        del calls[:]
        r = bpy.ops.test.hr_inv('EXEC_DEFAULT')
        assert calls == ["execute"], "EXEC_DEFAULT must not call invoke: calls %r" % calls
    finally:
        bpy.utils.unregister_class(HR_OT_inv)


def case_invoke_default_without_invoke_calls_execute():
    calls = []

    class HR_OT_noinv(bpy.types.Operator):
        bl_idname = "test.hr_noinv"
        bl_label = "HR no invoke"

        def execute(self, context):
            calls.append("execute")
            return {'FINISHED'}

    bpy.utils.register_class(HR_OT_noinv)
    try:
        r = bpy.ops.test.hr_noinv('INVOKE_DEFAULT')
        assert r == {'FINISHED'} and calls == ["execute"], "INVOKE_DEFAULT without invoke: %r, calls %r" % (r, calls)
    finally:
        bpy.utils.unregister_class(HR_OT_noinv)


def case_poll_false_raises_runtime_error():
    calls = []

    class HR_OT_poll(bpy.types.Operator):
        bl_idname = "test.hr_poll"
        bl_label = "HR poll"

        @classmethod
        def poll(cls, context):
            return False

        def execute(self, context):
            calls.append(1)
            return {'FINISHED'}

    bpy.utils.register_class(HR_OT_poll)
    try:
        try:
            bpy.ops.test.hr_poll()
        except RuntimeError:
            pass
        else:
            raise AssertionError("calling an operator whose poll() is False did not raise RuntimeError")
        assert calls == [], "execute ran although poll() returned False"
    finally:
        bpy.utils.unregister_class(HR_OT_poll)


def case_poll_true_allows_call():
    class HR_OT_pollok(bpy.types.Operator):
        bl_idname = "test.hr_pollok"
        bl_label = "HR poll ok"

        @classmethod
        def poll(cls, context):
            return context.scene is not None

        def execute(self, context):
            return {'FINISHED'}

    bpy.utils.register_class(HR_OT_pollok)
    try:
        r = bpy.ops.test.hr_pollok()
        assert r == {'FINISHED'}, "operator with true poll returned %r" % (r,)
    finally:
        bpy.utils.unregister_class(HR_OT_pollok)


def case_unregistered_operator_unavailable():
    class HR_OT_gone(bpy.types.Operator):
        bl_idname = "test.hr_gone"
        bl_label = "HR gone"

        def execute(self, context):
            return {'FINISHED'}

    bpy.utils.register_class(HR_OT_gone)
    assert bpy.ops.test.hr_gone() == {'FINISHED'}, "registered operator did not run"
    bpy.utils.unregister_class(HR_OT_gone)
    try:
        bpy.ops.test.hr_gone()
    except AttributeError:
        pass
    else:
        raise AssertionError("calling an unregistered operator did not raise AttributeError")


def case_unknown_operator_raises_attribute_error():
    try:
        bpy.ops.test.hr_never_registered_op()
    except AttributeError:
        pass
    else:
        raise AssertionError("calling an unknown operator did not raise AttributeError")


def case_operator_is_subclass_of_operator():
    class HR_OT_cls(bpy.types.Operator):
        bl_idname = "test.hr_cls"
        bl_label = "HR cls"
        seen = []

        def execute(self, context):
            HR_OT_cls.seen.append(isinstance(self, bpy.types.Operator))
            return {'FINISHED'}

    bpy.utils.register_class(HR_OT_cls)
    try:
        bpy.ops.test.hr_cls()
    finally:
        bpy.utils.unregister_class(HR_OT_cls)
    assert HR_OT_cls.seen == [True], "execute's self is not a bpy.types.Operator instance: %r" % HR_OT_cls.seen


def _op_class(idname, options=None, body=None):
    ns = {"bl_idname": idname, "bl_label": idname}
    if options is not None:
        ns["bl_options"] = options
    ns.update(body or {})
    return type("HR_OT_" + idname.replace(".", "_"), (bpy.types.Operator,), ns)


def case_bl_idname_checked_as_blender_does():
    for bad, why in (("test.MyOp", "at position 5"), ("test", "must contain 1 '.'"),
                     ("a.b.c", "must contain 1 '.'"), ("test.my-op", "at position 7"),
                     ("test." + "x" * 60, "too long")):
        try:
            bpy.utils.register_class(_op_class(bad))
        except RuntimeError as e:
            assert "invalid bl_idname '%s'" % bad in str(e) and why in str(e), str(e)
        else:
            raise AssertionError("bl_idname %r was accepted" % bad)


def case_bl_options_checked():
    try:
        bpy.utils.register_class(_op_class("test.hr_badopt", {"REGISTER", "UNDOO"}))
    except TypeError as e:
        assert "UNDOO" in str(e), str(e)
    else:
        raise AssertionError("bl_options {'UNDOO'} was accepted")
    cls = _op_class("test.hr_goodopt", {"REGISTER", "UNDO", "INTERNAL"})
    bpy.utils.register_class(cls)
    bpy.utils.unregister_class(cls)
    panel = type("HR_PT_badopt", (bpy.types.Panel,), {
        "bl_label": "x", "bl_space_type": "VIEW_3D", "bl_region_type": "UI",
        "bl_options": {"REGISTER"}})
    try:
        bpy.utils.register_class(panel)
    except TypeError as e:
        assert "REGISTER" in str(e), str(e)
    else:
        raise AssertionError("a panel with bl_options {'REGISTER'} was accepted")


def case_report_types_and_message_checked():
    seen = []
    cls = _op_class("test.hr_report", body={
        "execute": lambda self, ctx: (seen.append(self), self.report({'WARNING'}, "careful"),
                                      {'FINISHED'})[-1]})
    bpy.utils.register_class(cls)
    try:
        assert bpy.ops.test.hr_report() == {'FINISHED'}
        op = cls.__new__(cls)
        for bad_type, needle in (("INFO", "expected a set"), ({"LOUD"}, 'enum "LOUD" not found')):
            try:
                op.report(bad_type, "x")
            except TypeError as e:
                assert needle in str(e), str(e)
            else:
                raise AssertionError("report(%r) accepted" % (bad_type,))
        try:
            op.report({'INFO'}, 3)
        except TypeError as e:
            assert "message" in str(e), str(e)
        else:
            raise AssertionError("report with a non-str message accepted")
    finally:
        bpy.utils.unregister_class(cls)


def case_finished_operator_is_freed_unless_registered():
    """Blender frees an operator when it finishes (WM_operator_free
    invalidates its Python instance); one with 'REGISTER' is kept for redo
    (the last 32). A thread that still holds self then gets ReferenceError."""
    kept = []
    body = {
        "size": bpy.props.IntProperty(default=3),
        "execute": lambda self, ctx: (kept.append(self), {'FINISHED'})[-1],
        "__annotations__": {"size": bpy.props.IntProperty(default=3)},
    }
    plain = _op_class("test.hr_plain", None, dict(body))
    registered = _op_class("test.hr_registered", {'REGISTER', 'UNDO'}, dict(body))
    bpy.utils.register_class(plain)
    bpy.utils.register_class(registered)
    try:
        bpy.ops.test.hr_plain(size=5)
        bpy.ops.test.hr_registered(size=6)
        freed, alive = kept
        try:
            freed.size
        except ReferenceError as e:
            assert "has been removed" in str(e), str(e)
        else:
            raise AssertionError("a finished operator without REGISTER is still readable")
        try:
            freed.report({'INFO'}, "late")
        except ReferenceError:
            pass
        else:
            raise AssertionError("report() on a freed operator did not raise")
        assert alive.size == 6, alive.size
        for _ in range(32):  # 32 more registered runs push it out
            bpy.ops.test.hr_registered()
        try:
            alive.size
        except ReferenceError:
            pass
        else:
            raise AssertionError("the 33rd-last registered operator is still alive")
    finally:
        bpy.utils.unregister_class(plain)
        bpy.utils.unregister_class(registered)


def case_cancelled_operator_is_freed_even_with_register():
    kept = []
    cls = _op_class("test.hr_cancel_reg", {'REGISTER'}, {
        "__annotations__": {"n": bpy.props.IntProperty()},
        "execute": lambda self, ctx: (kept.append(self), {'CANCELLED'})[-1]})
    bpy.utils.register_class(cls)
    try:
        bpy.ops.test.hr_cancel_reg()
        try:
            kept[0].n
        except ReferenceError:
            pass
        else:
            raise AssertionError("a cancelled operator is still readable")
    finally:
        bpy.utils.unregister_class(cls)


def case_popup_menu_draws():
    drawn = []
    bpy.context.window_manager.popup_menu(lambda menu, ctx: drawn.append(menu.layout.row()),
                                          title="t")
    assert len(drawn) == 1 and isinstance(drawn[0], bpy.types.UILayout), drawn


if __name__ == "__main__":
    cases.run(globals())
