# expect: clean
# A rigging add-on's bake step: set a control value, then ask for the
# evaluated scene with view_layer.update() so a Python driver recomputes
# the driven channel. Blender evaluates with the GIL released, so the
# driver takes it on a depsgraph worker. With --host
# drivers_gil_release=0 (Blender before 3.0, bug #91046) the main thread
# keeps the GIL while it waits for the worker that needs it: deadlock.
import bpy

cube = bpy.data.objects["Cube"]
control = bpy.data.objects["Light"]


def eased(value):
    value = max(0.0, min(1.0, value))
    return value * value * (3.0 - 2.0 * value)


bpy.app.driver_namespace["eased"] = eased
fcurve = cube.driver_add("scale", 2)
var = fcurve.driver.variables.new()
var.name = "ctrl"
var.type = 'TRANSFORMS'
var.targets[0].id = control
var.targets[0].transform_type = 'LOC_X'
fcurve.driver.expression = "1.0 + eased(ctrl / 10.0)"

baked = []
for step in range(5):
    control.location.x = 2.0 * step
    bpy.context.view_layer.update()
    baked.append(cube.scale.z)
assert baked == sorted(baked), baked
