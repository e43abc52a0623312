# expect: data-race
# A render engine that takes the scene from bpy.context and the objects'
# locations from the original objects instead of the depsgraph it is
# handed, while a timer on the main thread moves the objects every frame
# (a turntable preview, say). render() runs on the render job thread: the
# originals are the main thread's data, written by the timer with no lock,
# and bpy.context there is the main thread's one global context, which every
# draw changes. Blender crashes or renders a torn scene; reading
# depsgraph.objects (evaluated copies made for the render) is the fix.
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
turns = [0]


def turntable():
    turns[0] += 1
    cube.location.x = (turns[0] % 60) * 0.1
    return 1 / 60 if turns[0] < 120 else None


bpy.app.timers.register(turntable, first_interval=0.0)
bpy.ops.render.render('INVOKE_DEFAULT')
