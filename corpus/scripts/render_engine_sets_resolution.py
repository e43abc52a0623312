# expect: data-race
# skip-free-threaded: as render_engine_reads_context: in a clean-clone CI run on 2026-12-06 (ctest -j2) ft-tsan found its race after 21 schedules instead of 2 and the replays lost it (0/10); a Python engine's steps on the render thread meet a timing the scheduler does not control there
# A render engine that "fixes" the output size from render(): it rounds
# scene.render.resolution_x to a multiple of its tile size on the render
# job thread. The main thread reads the render size at every draw of the 3D
# view (the camera frame's aspect) with no lock, and the render result was
# already allocated for the old size. Render settings belong to the main
# thread: an engine reads its size from resolution_x/resolution_y of the
# engine, and an add-on changes settings before it starts the render.
import bpy


class RoundingEngine(bpy.types.RenderEngine):
    bl_idname = "HOSTRACE_ROUNDING"
    bl_label = "Rounding"

    def render(self, depsgraph):
        settings = depsgraph.scene.render  # the original scene's settings
        tile = 16
        settings.resolution_x = (settings.resolution_x + tile - 1) // tile * tile
        width, height = self.resolution_x, self.resolution_y
        for y in range(0, height, tile):
            if self.test_break():
                return
            result = self.begin_result(0, y, width, tile)
            n = result.resolution_x * result.resolution_y
            result.layers[0].passes["Combined"].rect = [[0.2, y / height, 0.8, 1.0]] * n
            self.end_result(result)


bpy.utils.register_class(RoundingEngine)

scene = bpy.context.scene
scene.render.engine = "HOSTRACE_ROUNDING"
scene.render.resolution_x = 100
scene.render.resolution_y = 50
bpy.ops.render.render('INVOKE_DEFAULT')
