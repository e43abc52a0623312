# expect: data-race
# A baking add-on that splits the frame range between two threads: each
# sets the scene to its frame and records where the object is. frame_set
# evaluates the depsgraph for the new frame with the GIL released (as
# Blender's rna_Scene_frame_set always has), so the other thread's
# frame_set runs meanwhile: two evaluations of one depsgraph at once, each
# freeing the evaluated copies the other is filling.
import threading

import bpy

scene = bpy.context.scene
cube = bpy.data.objects["Cube"]
baked = {}


def bake(frames):
    for f in frames:
        scene.frame_set(f)
        baked[f] = scene.frame_current


threads = [threading.Thread(target=bake, args=(range(1 + k, 9, 2),)) for k in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert sorted(baked) == list(range(1, 9)), "frames baked: %s" % sorted(baked)
