# A driver function that raises: Blender prints the error and disables the
# driver (its channel reads 0 from then on); hostrace reports it once, as a
# script-error naming the driver and the function's line.
import bpy

cube = bpy.data.objects["Cube"]


def broken(frame):
    return {}[frame]  # KeyError


bpy.app.driver_namespace["broken"] = broken
fc = cube.driver_add("location", 0)
fc.driver.expression = "broken(frame)"
for f in (1, 2, 3):
    bpy.context.scene.frame_set(f)
assert not fc.driver.is_valid
assert cube.location.x == 0.0
