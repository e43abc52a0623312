# expect: thread-outlives-script
# The path hostrace recommends: the worker never touches bpy itself; it
# hands each change to bpy.app.run_on_main(), which runs it on the main
# thread at the next event-loop iteration, and waits for the last one.
import threading
import time

import bpy

cube_name = "Cube"
seen = []


def set_z(z):
    bpy.data.objects[cube_name].location.z = z
    seen.append(z)


def worker():
    for i in range(5):
        time.sleep(0.01)
        bpy.app.run_on_main(lambda z=i * 1.0: set_z(z))
    final = bpy.app.run_on_main(lambda: bpy.data.objects[cube_name].location.z, wait=True)
    assert final == 4.0, "run_on_main(wait=True) returned %r" % final


def check_done():
    assert seen == [0.0, 1.0, 2.0, 3.0, 4.0], "not every call ran on main: %r" % seen


threading.Thread(target=worker, name="worker").start()
bpy.app.timers.register(check_done, first_interval=3.0)
