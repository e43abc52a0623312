# hostrace program: 1 operation, 9 schedule bytes (written by the program codec, fuzz/prog.c)
# host switches: none (Blender as it is)
# Every loop is bounded and every thread that is not a daemon is joined at
# the end; run alone, one thread at a time, the program raises nothing.
import threading

import bpy

scene = bpy.context.scene
scene.render.resolution_percentage = 1
scene.frame_start = 1
scene.frame_end = 1


def nudge(name, axis):
    """Location read-modify-write, on the thread that calls it."""
    ob = bpy.data.objects.get(name)
    if ob is not None:
        ob.location[axis] += 1.0


# [0] thread daemon=1 loop=1
def body_0(i=0):
    for _ in range(1):
        # timer_call ob=Obj1 axis=y
        bpy.app.timers.register(lambda: nudge("Obj1", 1))


t0 = threading.Thread(target=body_0, name="t0", daemon=True)
t0.start()
# --- hostrace reproducer ---
# source-name: program.py
# generated: 1
# host: lock_interface=0 render=invoke timers_lock=0 main_thread_guard=0 rna_safety=0
# frames: 240
# schedule-bytes: 140a01000000010100
