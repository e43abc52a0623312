# hostrace program: 1 operation, 31 schedule bytes (written by the program codec, fuzz/prog.c)
# host switches: none (Blender as it is)
# Every loop is bounded and every thread that is not a daemon is joined at
# the end; run alone, one thread at a time, the program raises nothing.
import threading

import bpy

scene = bpy.context.scene
scene.render.resolution_percentage = 8
scene.frame_start = 1
scene.frame_end = 1


# [0] timer delay_ms=100 daemon=1 loop=1
def body_0(i=0):
    for _ in range(1):
        # remove ob=Camera
        ob = bpy.data.objects.get("Camera")
        if ob is not None:
            bpy.data.objects.remove(ob)


t0 = threading.Timer(0.100, body_0)
t0.name = "t0"
t0.daemon = True
t0.start()
# --- hostrace reproducer ---
# source-name: program.py
# generated: 1
# host: lock_interface=0 render=invoke timers_lock=0 main_thread_guard=0 rna_safety=0
# frames: 240
# schedule-bytes: 00000000000000000000000000000000000000000000000000000000000000
