# expect: data-race, thread-outlives-script
# A background thread that moves an object from outside data (a tracker, a
# socket) while the viewport draws it: the thread writes Object.location
# holding only the GIL, the main thread's draw and the depsgraph workers
# read it with no lock at all.
import threading
import time

import bpy

cube = bpy.data.objects["Cube"]


def follow_tracker():
    while True:
        cube.location.x += 0.01
        time.sleep(0.005)


threading.Thread(target=follow_tracker, name="tracker", daemon=True).start()
