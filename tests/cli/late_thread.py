# The script returns with no thread running; a timer it registered starts
# a worker later, which never finishes. That thread outlived the timer that
# started it: a thread-outlives-script warning naming the timer.
import threading

import bpy

stop = threading.Event()


def start_worker():
    threading.Thread(target=stop.wait, name="late-worker", daemon=True).start()
    return None


bpy.app.timers.register(start_worker, first_interval=0.1)
