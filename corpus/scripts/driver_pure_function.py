# expect: clean
# Drivers written the safe way: simple expressions Blender evaluates
# without Python, and a driver_namespace function that uses only its
# arguments. A worker thread computes a table off the main thread and
# hands it back through bpy.app.timers; the bake loop runs on main.
import threading

import bpy

scene = bpy.context.scene
cube = bpy.data.objects["Cube"]
camera = bpy.data.objects["Camera"]


def bounce(t, height):
    t = t % 1.0
    return 4.0 * height * t * (1.0 - t)


bpy.app.driver_namespace["bounce"] = bounce
z = cube.driver_add("location", 2)
z.driver.expression = "bounce(frame / 24.0, 2.0)"
rx = cube.driver_add("rotation_euler", 0).driver
rx.type = 'SCRIPTED'
var = rx.variables.new()
var.targets[0].id = camera
var.targets[0].data_path = "location.x"
rx.expression = "var * 0.1 + sin(frame / 10)"
sx = cube.driver_add("scale", 0).driver
sx.type = 'AVERAGE'
for axis in ("LOC_X", "LOC_Y"):
    v = sx.variables.new()
    v.type = 'TRANSFORMS'
    v.targets[0].id = camera
    v.targets[0].transform_type = axis

table = {}


def apply(values):
    table.update(values)
    return None


def compute():
    values = {f: bounce(f / 24.0, 2.0) for f in range(1, 25)}
    bpy.app.timers.register(lambda: apply(values))


worker = threading.Thread(target=compute)
worker.start()
for frame in range(1, 9):
    scene.frame_set(frame)
worker.join()
