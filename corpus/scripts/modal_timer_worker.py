# expect: thread-outlives-script
# The pattern answers recommend: a modal operator with a TIMER event polls a
# worker thread that touches no bpy data; the results are applied on the
# main thread in modal(). No error-level finding; the worker is still
# running when the script returns, which is reported as a warning.
import queue
import threading
import time

import bpy

results = queue.Queue()
applied = []


def worker():
    for i in range(5):
        time.sleep(0.02)  # stands for work outside Blender
        results.put(float(i))


class WM_OT_poll_worker(bpy.types.Operator):
    bl_idname = "wm.poll_worker"
    bl_label = "Poll a worker thread"

    def invoke(self, context, event):
        self.thread = threading.Thread(target=worker, name="worker")
        self.thread.start()
        self.timer = context.window_manager.event_timer_add(0.05, window=context.window)
        context.window_manager.modal_handler_add(self)
        return {'RUNNING_MODAL'}

    def modal(self, context, event):
        if event.type == 'TIMER':
            while not results.empty():
                value = results.get()
                context.active_object.location.z = value
                applied.append(value)
            if not self.thread.is_alive() and results.empty():
                context.window_manager.event_timer_remove(self.timer)
                self.thread.join()
                return {'FINISHED'}
        return {'PASS_THROUGH'}


def check_done():
    assert applied == [0.0, 1.0, 2.0, 3.0, 4.0], "worker results not applied: %r" % applied
    assert bpy.data.objects["Cube"].location.z == 4.0


bpy.utils.register_class(WM_OT_poll_worker)
bpy.ops.wm.poll_worker('INVOKE_DEFAULT')
bpy.app.timers.register(check_done, first_interval=3.0)
