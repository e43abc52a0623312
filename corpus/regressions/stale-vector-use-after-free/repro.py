# hostrace program: 2 operations, 10 schedule bytes (written by the program codec, fuzz/prog.c)
# host switches: none (Blender as it is)
# Every loop is bounded and every thread that is not a daemon is joined at
# the end; run alone, one thread at a time, the program raises nothing.
import threading

import bpy

scene = bpy.context.scene
scene.render.resolution_percentage = 1
scene.frame_start = 1
scene.frame_end = 1


# [0] thread daemon=1 loop=14
def body_0(i=0):
    for _ in range(14):
        # verts_add n=3
        me = bpy.data.meshes.get("Cube")
        if me is not None:
            me.vertices.add(3)


t0 = threading.Thread(target=body_0, name="t0", daemon=True)
t0.start()


# [1] vert_rmw index=2 axis=z
me = bpy.data.meshes.get("Cube")
if me is not None:
    me.vertices[2].co.z += 1.0
# --- hostrace reproducer ---
# source-name: program.py
# generated: 1
# host: lock_interface=0 render=invoke timers_lock=0 main_thread_guard=0 rna_safety=0
# frames: 240
# schedule-bytes: c1c2cec4c2c2c2008017
