# expect: deadlock
# A worker hands its result to the main thread with
# bpy.app.run_on_main(fn, wait=True) and waits for it to run, while the main
# thread, still inside the script, joins the worker. The call can only run
# in the event loop, which the main thread never gets back to: Blender's
# interface freezes for good.
import threading

import bpy


def apply(value):
    bpy.data.objects["Cube"].location.x = value


def worker():
    value = sum(i * 0.001 for i in range(100))
    bpy.app.run_on_main(lambda: apply(value), wait=True)


t = threading.Thread(target=worker, name="worker")
t.start()
t.join()  # the main thread waits here; the worker waits for the main thread
print("never printed")
