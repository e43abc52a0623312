# expect: thread-outlives-script
# A worker thread computes and hands results over a queue.Queue; a
# bpy.app.timers function drains the queue on the main thread and applies
# them. Only the main thread touches bpy data.
import queue
import threading
import time

import bpy

todo = queue.Queue()
done = []


def worker():
    for i in range(10):
        time.sleep(0.01)
        todo.put((i, i * 0.5))
    todo.put(None)


def drain():
    while True:
        try:
            item = todo.get_nowait()
        except queue.Empty:
            return 0.05
        if item is None:
            return None
        i, z = item
        bpy.data.objects["Cube"].location.z = z
        done.append(i)


def check_done():
    assert done == list(range(10)), "timer did not apply every result: %r" % done
    assert bpy.data.objects["Cube"].location.z == 4.5


threading.Thread(target=worker, name="worker").start()
bpy.app.timers.register(drain, first_interval=0.05)
bpy.app.timers.register(check_done, first_interval=3.0)
