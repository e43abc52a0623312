# expect: hang
# The script waits on the main thread for a result that only a timer can
# deliver, and the timer cannot run until the script returns. Meanwhile a
# worker polls a "ready" flag that nothing ever sets. Every thread sleeps and
# wakes forever: Blender's interface hangs, using no CPU.
import threading
import time

import bpy

state = {"ready": False, "result": None}


def deliver():
    # would hand the result over; keeps rescheduling itself until then
    if state["result"] is None:
        return 0.1
    return None


def worker():
    while not state["ready"]:  # nobody sets it
        time.sleep(0.05)
    state["result"] = bpy.data.objects["Cube"].location.x


bpy.app.timers.register(deliver)
threading.Thread(target=worker, name="poller", daemon=True).start()
while state["result"] is None:  # the main thread never returns to the loop
    time.sleep(0.1)
