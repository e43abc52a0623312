# expect: data-race
# A motion-capture "live link": a thread streams tracker positions into an
# Empty while a bake loop steps through the frames, and a driver function
# (registered in bpy.app.driver_namespace, as rigging add-ons do) makes the
# Cube follow the tracker. The function's own read of the Empty runs on a
# depsgraph worker holding the GIL, so it is ordered with the thread's
# writes; but each frame_set evaluates the depsgraph with the GIL released,
# and its workers copy the Empty for the evaluation while the thread writes
# it.
import threading

import bpy

scene = bpy.context.scene
cube = bpy.data.objects["Cube"]
tracker = bpy.data.objects.new("Tracker", None)
scene.collection.objects.link(tracker)


def follow_tracker(offset):
    return bpy.data.objects["Tracker"].location.z + offset


bpy.app.driver_namespace["follow_tracker"] = follow_tracker
fcurve = cube.driver_add("location", 2)
fcurve.driver.type = 'SCRIPTED'
fcurve.driver.expression = "follow_tracker(0.5)"


def stream(samples):
    for i in range(samples):
        tracker.location = (0.0, 0.0, 0.1 * i)


link = threading.Thread(target=stream, args=(8,))
link.start()
for frame in range(1, 6):
    scene.frame_set(frame)
link.join()
