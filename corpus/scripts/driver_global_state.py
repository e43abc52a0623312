# expect: assertion
# An add-on's driver function counts its evaluations in a module-level dict
# for a statistics readout, and a monitor thread takes the count and resets
# it. Drivers run one at a time (Blender's python_driver_lock), but on a
# depsgraph worker, while the thread runs: the thread reads the count,
# makes a bpy call (the GIL may change hands there), and writes 0 back, so
# an evaluation counted in between is lost. The final assert is the oracle.
import threading

import bpy

scene = bpy.context.scene
cube = bpy.data.objects["Cube"]
light = bpy.data.objects["Light"]
stats = {"evaluations": 0}


def counted_wave(frame):
    stats["evaluations"] += 1
    return 0.25 * (frame % 4)


bpy.app.driver_namespace["counted_wave"] = counted_wave
for axis in (0, 1):
    cube.driver_add("location", axis).driver.expression = "counted_wave(frame)"

taken = []
done = threading.Event()


def monitor():
    while not done.is_set():
        n = stats["evaluations"]
        taken.append((n, light.location.x))
        stats["evaluations"] = 0
        done.wait(0.001)


thread = threading.Thread(target=monitor)
thread.start()
FRAMES = 6
for frame in range(1, FRAMES + 1):
    scene.frame_set(frame)
done.set()
thread.join()
total = sum(n for n, _ in taken) + stats["evaluations"]
assert total == 2 * FRAMES, "counted %d driver evaluations of %d" % (total, 2 * FRAMES)
