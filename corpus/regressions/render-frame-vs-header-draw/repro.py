# hostrace program: 1 operation, 79 schedule bytes (written by the program codec, fuzz/prog.c)
# host switches: none (Blender as it is)
# Every loop is bounded and every thread that is not a daemon is joined at
# the end; run alone, one thread at a time, the program raises nothing.

import bpy

scene = bpy.context.scene
scene.render.resolution_percentage = 14
scene.frame_start = 1
scene.frame_end = 6
renders = [4]  # render budget: keeps every program short


def take(budget):
    """Takes one run from a budget [n]; False once it is spent."""
    if budget[0] <= 0:
        return False
    budget[0] -= 1
    return True


# [0] render mode=invoke animation=1
if take(renders):
    bpy.ops.render.render('INVOKE_DEFAULT', animation=True)
# --- hostrace reproducer ---
# source-name: program.py
# generated: 1
# host: lock_interface=0 render=invoke timers_lock=0 main_thread_guard=0 rna_safety=0
# frames: 240
# schedule-bytes: 00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
