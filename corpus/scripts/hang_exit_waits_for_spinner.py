# expect: hang, thread-outlives-script
# A timer polls for a worker's result and always reschedules itself; the
# worker, a non-daemon thread, spins on a flag that nothing sets. The event
# loop keeps going, but when Blender quits, Python's shutdown joins every
# non-daemon thread: Blender hangs on exit.
import threading
import time

import bpy

flags = {"go": False, "done": False}


def poll():
    if flags["done"]:
        bpy.data.objects["Cube"].location.z = 1.0
        return None
    return 0.5  # always again


def worker():
    while not flags["go"]:  # nobody sets it
        time.sleep(0.2)
    flags["done"] = True


bpy.app.timers.register(poll)
threading.Thread(target=worker, name="spinner").start()
