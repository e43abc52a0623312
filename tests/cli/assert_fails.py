import bpy
assert bpy.context.scene.frame_current == 99, "frame is not 99"
