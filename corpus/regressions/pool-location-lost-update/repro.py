# hostrace program: 2 operations, 0 schedule bytes (written by the program codec, fuzz/prog.c)
# host switches: none (Blender as it is)
# Every loop is bounded and every thread that is not a daemon is joined at
# the end; run alone, one thread at a time, the program raises nothing.
import threading

import bpy

scene = bpy.context.scene
scene.render.resolution_percentage = 2
scene.frame_start = 1
scene.frame_end = 1
# the oracle's baseline: objects whose final location is known
bpy.data.objects["Cube"].location = (0.0, 0.0, 0.0)


# [0] thread daemon=0 loop=1
def body_0(i=0):
    for _ in range(1):
        # loc_rmw ob=Cube axis=x form=axis
        ob = bpy.data.objects.get("Cube")
        if ob is not None:
            ob.location.x += 1.0


t0 = threading.Thread(target=body_0, name="t0", daemon=False)
t0.start()


# [1] loc_rmw ob=Cube axis=x form=axis
ob = bpy.data.objects.get("Cube")
if ob is not None:
    ob.location.x += 1.0

# end: every thread that is not a daemon joined, every pool shut down
t0.join()

# final state oracle: every location read-modify-write on these objects
# ran on main or on a thread joined above (lost updates show here)
loc = tuple(bpy.data.objects["Cube"].location)
assert loc == (2.0, 0.0, 0.0), "lost update: Cube.location is %r, expected (2.0, 0.0, 0.0)" % (loc,)
# --- hostrace reproducer ---
# source-name: program.py
# generated: 1
# host: lock_interface=0 render=invoke timers_lock=0 main_thread_guard=0 rna_safety=0
# frames: 240
# schedule-bytes: 
