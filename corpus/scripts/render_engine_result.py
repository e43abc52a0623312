# expect: clean
# A render engine written in Python, done the way Blender expects: render()
# runs on the render job thread ('INVOKE_DEFAULT'), reads the scene only
# through the depsgraph it is handed (the render's own evaluated copies),
# and hands its pixels over only through begin_result/end_result. A result
# is the engine's own buffer until end_result merges it into the render
# result under the render-result lock, which the image editor's draw takes
# too; progress goes through update_progress, cancelling through test_break.
# The main thread keeps drawing the viewport and the image editor meanwhile.
import bpy


class TileEngine(bpy.types.RenderEngine):
    bl_idname = "HOSTRACE_TILES"
    bl_label = "Tiles"
    bl_use_preview = False

    def __init__(self):
        self.tint = 0.0

    def update(self, data, depsgraph):
        # scene sync: evaluated objects only
        self.tint = sum(ob.location.x for ob in depsgraph.objects) * 0.01

    def render(self, depsgraph):
        width, height = self.resolution_x, self.resolution_y
        frame = depsgraph.scene_eval.frame_current
        tile = 32
        tiles = [(x, y) for y in range(0, height, tile) for x in range(0, width, tile)]
        for done, (x, y) in enumerate(tiles, 1):
            if self.test_break():
                return
            result = self.begin_result(x, y, tile, tile)
            n = result.resolution_x * result.resolution_y
            color = [x / width, y / height, (frame % 10) / 10 + self.tint, 1.0]
            result.layers[0].passes["Combined"].rect = [color] * n
            self.end_result(result)
            self.update_progress(done / len(tiles))


bpy.utils.register_class(TileEngine)

scene = bpy.context.scene
scene.render.engine = "HOSTRACE_TILES"
scene.render.resolution_percentage = 5  # 96 x 54
bpy.ops.render.render('INVOKE_DEFAULT')
