# hostrace program: 1 operation, 5 schedule bytes (written by the program codec, fuzz/prog.c)
# host switches: none (Blender as it is)
# Every loop is bounded and every thread that is not a daemon is joined at
# the end; run alone, one thread at a time, the program raises nothing.
import threading

import bpy

scene = bpy.context.scene
scene.render.resolution_percentage = 1
scene.frame_start = 1
scene.frame_end = 5


def nudge(name, axis):
    """Location read-modify-write, on the thread that calls it."""
    ob = bpy.data.objects.get(name)
    if ob is not None:
        ob.location[axis] += 1.0


# [0] thread daemon=0 loop=1
def body_0(i=0):
    for _ in range(1):
        # run_on_main ob=Cube axis=x wait=1
        try:
            bpy.app.run_on_main(lambda: nudge("Cube", 0), wait=True)
        except RuntimeError:  # the host shut down before the call ran
            pass


t0 = threading.Thread(target=body_0, name="t0", daemon=False)
t0.start()

# end: every thread that is not a daemon joined, every pool shut down
t0.join()
# --- hostrace reproducer ---
# source-name: program.py
# generated: 1
# host: lock_interface=0 render=invoke timers_lock=0 main_thread_guard=0 rna_safety=0
# frames: 240
# schedule-bytes: 0000000000
