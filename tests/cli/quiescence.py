# When the event loop may end early: once no script code can run again (no
# script thread alive, nothing registered that calls Python). The mode comes
# from HOSTRACE_TEST_MODE; cli_check.py's `quiescence` case gives the frames
# each mode must run.
import os
import threading
import time

import bpy

mode = os.environ.get("HOSTRACE_TEST_MODE", "joined")
cube = bpy.data.objects["Cube"]

if mode == "joined":
    # threads that end before the script does: nothing left after it
    threads = [threading.Thread(target=lambda: cube.location.x) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
elif mode == "timer_5":
    # a timer that fires five times, one frame apart, then unregisters
    calls = []

    def tick():
        calls.append(1)
        return 0.0 if len(calls) < 5 else None

    bpy.app.timers.register(tick)
elif mode == "timer_forever":
    bpy.app.timers.register(lambda: 0.5)
elif mode == "handler":
    bpy.app.handlers.depsgraph_update_post.append(lambda scene, depsgraph: None)
elif mode == "late_thread":
    # a daemon thread that outlives the script by one second (60 frames);
    # it only reads, so the run has no error in any build
    def late():
        time.sleep(1.0)
        assert cube.location.x == 0.0

    threading.Thread(target=late, daemon=True).start()
else:
    raise SystemExit("unknown HOSTRACE_TEST_MODE " + mode)
