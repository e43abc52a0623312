# expect: data-race, thread-outlives-script
# A thread that schedules work on the main thread by registering
# bpy.app.timers functions itself: it appends to the host's timer list,
# which the main thread walks with no lock (--host timers_lock=1 adds one).
import threading
import time

import bpy

count = []


def bump():
    count.append(1)
    return None


def producer():
    for _ in range(200):
        bpy.app.timers.register(bump)
        time.sleep(0.002)


threading.Thread(target=producer, name="producer", daemon=True).start()
