# hostrace program: 2 operations, 57 schedule bytes (written by the program codec, fuzz/prog.c)
# host switches: none (Blender as it is)
# Every loop is bounded and every thread that is not a daemon is joined at
# the end; run alone, one thread at a time, the program raises nothing.
from concurrent.futures import ThreadPoolExecutor

import bpy

scene = bpy.context.scene
scene.render.resolution_percentage = 6
scene.frame_start = 1
scene.frame_end = 3
renders = [4]  # render budget: keeps every program short
# the oracle's baseline: objects whose final location is known
bpy.data.objects["Cube"].location = (0.0, 0.0, 0.0)


def take(budget):
    """Takes one run from a budget [n]; False once it is spent."""
    if budget[0] <= 0:
        return False
    budget[0] -= 1
    return True


# [0] pool workers=1 loop=1
def body_0(i=0):
    for _ in range(1):
        # render mode=exec animation=1
        if take(renders):
            bpy.ops.render.render('EXEC_DEFAULT', animation=True)


pool0 = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pool0")
pool0_map = pool0.map(body_0, range(1))
pool0.shutdown(wait=False)  # no more work: its threads end after the map


# [1] loc_rmw ob=Cube axis=x form=axis
ob = bpy.data.objects.get("Cube")
if ob is not None:
    ob.location.x += 1.0

# end: every thread that is not a daemon joined, every pool shut down
pool0.shutdown(wait=True)
list(pool0_map)  # raises what a worker raised

# final state oracle: every location read-modify-write on these objects
# ran on main or on a thread joined above (lost updates show here)
loc = tuple(bpy.data.objects["Cube"].location)
assert loc == (1.0, 0.0, 0.0), "lost update: Cube.location is %r, expected (1.0, 0.0, 0.0)" % (loc,)
# --- hostrace reproducer ---
# source-name: program.py
# generated: 1
# host: lock_interface=0 render=invoke timers_lock=0 main_thread_guard=0 rna_safety=0
# frames: 240
# schedule-bytes: 000001010101010001000100010101010100000001010000010100000000010101010101010101010100000000000000000000000000000000
