# expect: data-race
# An animation render started with 'INVOKE_DEFAULT' and nothing else: the
# render job thread writes the original scene's frame_current while the
# main thread draws it. Blender's "Lock Interface" option exists for this;
# with --host lock_interface=1 the draw skips locked regions and the race
# is gone.
import bpy

scene = bpy.context.scene
scene.render.resolution_percentage = 10  # 192 x 108
scene.frame_start = 1
scene.frame_end = 60
bpy.ops.render.render('INVOKE_DEFAULT', animation=True)
