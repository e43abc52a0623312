# expect: clean
# expect-free-threaded: data-race
# A baking add-on that splits the frame range between two threads: each
# sets the scene to its frame and records where the object is. Under the
# GIL a frame_set and the reads after it cannot be cut by the other
# thread's frame_set; without a GIL the two threads write the scene's
# current frame at once.
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
