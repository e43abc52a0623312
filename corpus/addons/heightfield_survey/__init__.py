# expect: data-race
# hostrace: --invoke heightfield.survey:resolution=48
# Heightfield Survey: the Survey operator starts a thread that computes a
# value-noise terrain row by row and, from that thread, reports progress with
# wm.progress_update(row) and writes the scene's "progress" percentage and
# the final statistics (scene.heightfield.*). The sidebar panel draws
# layout.prop(scene.heightfield, "progress") on the main thread every frame
# and the window reads the progress cursor state: the thread races both.
"""Survey a procedural terrain before generating it, with a progress bar."""

bl_info = {
    "name": "Heightfield Survey",
    "author": "hostrace corpus",
    "version": (0, 7, 1),
    "blender": (4, 2, 0),
    "location": "3D Viewport > Sidebar > Terrain",
    "description": "Estimates the height range of a noise terrain in the background",
    "category": "Add Mesh",
}

import math
import random
import threading
import time

import bpy

ROW_DELAY = 0.005  # keep the machine responsive while surveying
_worker = None


def _lattice(seed, size):
    rng = random.Random(seed)
    return [[rng.random() for _ in range(size + 1)] for _ in range(size + 1)]


def _smooth(t):
    return t * t * (3.0 - 2.0 * t)


def _sample(lattice, cells, u, v):
    """Bilinear value noise at (u, v) in [0, 1)."""
    x, y = u * cells, v * cells
    ix, iy = int(x), int(y)
    fx, fy = _smooth(x - ix), _smooth(y - iy)
    top = lattice[iy][ix] * (1 - fx) + lattice[iy][ix + 1] * fx
    bottom = lattice[iy + 1][ix] * (1 - fx) + lattice[iy + 1][ix + 1] * fx
    return top * (1 - fy) + bottom * fy


def survey_terrain(wm, props, resolution, seed, amplitude):
    """Thread body: sample the terrain and publish progress as it goes."""
    cells = 8
    lattice = _lattice(seed, cells)
    peak, valley, total = -math.inf, math.inf, 0.0
    for row in range(resolution):
        for column in range(resolution):
            height = amplitude * _sample(lattice, cells, column / resolution, row / resolution)
            peak, valley = max(peak, height), min(valley, height)
            total += height
        wm.progress_update(row + 1)
        props.progress = 100.0 * (row + 1) / resolution
        time.sleep(ROW_DELAY)
    props.peak = peak
    props.valley = valley
    props.mean = total / (resolution * resolution)
    props.status = "Surveyed %d x %d samples" % (resolution, resolution)
    wm.progress_end()


class HeightfieldSettings(bpy.types.PropertyGroup):
    seed: bpy.props.IntProperty(name="Seed", default=7, min=0)
    amplitude: bpy.props.FloatProperty(name="Amplitude", default=2.0, min=0.0)
    progress: bpy.props.FloatProperty(name="Progress", subtype='PERCENTAGE', min=0.0, max=100.0)
    peak: bpy.props.FloatProperty(name="Peak")
    valley: bpy.props.FloatProperty(name="Valley")
    mean: bpy.props.FloatProperty(name="Mean")
    status: bpy.props.StringProperty(name="Status", default="Not surveyed")


class HEIGHTFIELD_OT_survey(bpy.types.Operator):
    """Sample the terrain noise in the background and report its height range"""
    bl_idname = "heightfield.survey"
    bl_label = "Survey Terrain"

    resolution: bpy.props.IntProperty(name="Resolution", default=32, min=4, max=128)

    @classmethod
    def poll(cls, context):
        return _worker is None or not _worker.is_alive()

    def execute(self, context):
        global _worker
        wm = context.window_manager
        props = context.scene.heightfield
        props.progress = 0.0
        props.status = "Surveying..."
        wm.progress_begin(0, self.resolution)
        _worker = threading.Thread(
            target=survey_terrain,
            args=(wm, props, self.resolution, props.seed, props.amplitude),
            name="heightfield-survey",
            daemon=True,
        )
        _worker.start()
        return {'FINISHED'}


class HEIGHTFIELD_PT_panel(bpy.types.Panel):
    bl_label = "Terrain Survey"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Terrain"

    def draw(self, context):
        layout = self.layout
        props = context.scene.heightfield
        col = layout.column()
        col.prop(props, "seed")
        col.prop(props, "amplitude")
        layout.operator(HEIGHTFIELD_OT_survey.bl_idname, icon='RNDCURVE')
        layout.prop(props, "progress")
        box = layout.box()
        box.label(text=props.status)
        split = box.split()
        split.label(text="Peak %.3f" % props.peak)
        split.label(text="Valley %.3f" % props.valley)
        box.label(text="Mean %.3f" % props.mean)


classes = (HeightfieldSettings, HEIGHTFIELD_OT_survey, HEIGHTFIELD_PT_panel)


def register():
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.Scene.heightfield = bpy.props.PointerProperty(type=HeightfieldSettings)


def unregister():
    if _worker is not None:
        _worker.join(timeout=2.0)
    del bpy.types.Scene.heightfield
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
