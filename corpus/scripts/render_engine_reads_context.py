# expect: data-race
# skip-free-threaded: under load the ft-tsan replays of its race lose it (9/10, and 0/10 in two runs of 10 on 2026-12-06; found after 16-17 schedules instead of 8 then): a timing the scheduler does not control reaches the interpreter's own synchronisation there; cause not found yet
# A render engine that takes the scene from bpy.context and the objects'
# locations from the original objects instead of the depsgraph it is
# handed. render() runs on the render job thread while the main thread
# keeps updating the viewport: the Cube is driven (a turntable driver), and
# every frame the view's depsgraph writes the driven value back into the
# original object, from a worker, with no lock and no GIL. Blender renders a
# torn scene or crashes; reading depsgraph.objects (the render's own
# evaluated copies) is the fix, and Lock Interface (--host
# lock_interface=1) or a blocking render (--host render=exec) hide it.
import bpy


class ContextEngine(bpy.types.RenderEngine):
    bl_idname = "HOSTRACE_CONTEXT"
    bl_label = "Context reader"

    def render(self, depsgraph):
        width, height = self.resolution_x, self.resolution_y
        for y in range(0, height, 16):
            if self.test_break():
                return
            scene = bpy.context.scene  # the main thread's context
            shift = sum(ob.location.x for ob in scene.objects)  # original data
            result = self.begin_result(0, y, width, 16)
            n = result.resolution_x * result.resolution_y
            result.layers[0].passes["Combined"].rect = [[shift % 1.0, y / height, 0.5, 1.0]] * n
            self.end_result(result)


bpy.utils.register_class(ContextEngine)

scene = bpy.context.scene
scene.render.engine = "HOSTRACE_CONTEXT"
scene.render.resolution_percentage = 5  # 96 x 54
cube = bpy.data.objects["Cube"]
cube.driver_add("location", 0).driver.expression = "sin(frame / 12) * 2"
bpy.ops.render.render('INVOKE_DEFAULT')
