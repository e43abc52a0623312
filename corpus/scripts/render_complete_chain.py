# expect: data-race, operator-refused
# From the same question: renders chained through render_pre and
# render_complete handlers. render_complete runs on the render job thread
# before the job ends, so the next 'INVOKE_DEFAULT' render is refused with
# {'CANCELLED'} and the chain stops; the handlers also call bpy.ops and read
# the context from the job thread while the main thread draws.
import bpy

scene = bpy.context.scene
scene.render.resolution_percentage = 10  # 192 x 108
scene.frame_start = 1
scene.frame_end = 60

render_marker_infos = [(61, 120), (121, 180)]


def marker_scene_settings(context, rmi):
    context.scene.frame_start, context.scene.frame_end = rmi


def render_pre_handler(dummy):
    print("render_pre frame", bpy.context.scene.frame_current)


def render_complete_handler(dummy):
    if render_marker_infos:
        rmi = render_marker_infos.pop(0)
        marker_scene_settings(bpy.context, rmi)
        result = bpy.ops.render.render('INVOKE_DEFAULT', animation=True)
        print("chained render:", result)


bpy.app.handlers.render_pre.append(render_pre_handler)
bpy.app.handlers.render_complete.append(render_complete_handler)
bpy.ops.render.render('INVOKE_DEFAULT', animation=True)
