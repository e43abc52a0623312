# expect: data-race
# A still render started with 'INVOKE_DEFAULT' on a scene whose Cube is
# driven (a simple expression: no Python involved). While the render job
# reads the objects for shading, the main thread's depsgraph keeps
# evaluating the driver every frame and writes its value back into the
# original Cube, where the interface shows it. Blender's "Lock Interface"
# stops the view's depsgraph during the render; with --host
# lock_interface=1 the race is gone.
import bpy

scene = bpy.context.scene
scene.render.resolution_percentage = 10  # 192 x 108
cube = bpy.data.objects["Cube"]
camera = bpy.data.objects["Camera"]

bob = cube.driver_add("location", 2).driver
var = bob.variables.new()
var.name = "cam_z"
var.type = 'TRANSFORMS'
var.targets[0].id = camera
var.targets[0].transform_type = 'LOC_Z'
bob.expression = "cam_z * 0.25 + sin(frame / 8)"

bpy.ops.render.render('INVOKE_DEFAULT')
