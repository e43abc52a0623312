# expect: clean
# hostrace: --invoke pointcloud_export.export:voxel_size=0.25
# Point Cloud Export: the Export operator copies every mesh's vertex
# positions into numpy arrays with mesh.vertices.foreach_get('co', array) on
# the main thread, then a worker thread voxel-filters the points with numpy
# and writes an .xyz file into bpy.app.tempdir. The worker only sees those
# arrays; it puts a summary in a queue.Queue that a bpy.app.timers function,
# registered by the operator on the main thread, applies to the scene: clean.
"""Export the scene's meshes as a voxel-filtered point cloud."""

bl_info = {
    "name": "Point Cloud Export",
    "author": "hostrace corpus",
    "version": (1, 2, 0),
    "blender": (4, 2, 0),
    "location": "3D Viewport > Sidebar > Export",
    "description": "Writes mesh vertices as a thinned-out XYZ point cloud",
    "category": "Import-Export",
}

import os
import queue
import threading

import bpy
import numpy as np

POLL_INTERVAL = 0.1
MAX_WAIT_POLLS = 100

_summaries = queue.Queue()
_wait = {"polls_left": 0}


def collect_points():
    """Main thread: copy vertex positions (object offset applied) to numpy."""
    chunks = []
    for obj in bpy.data.objects:
        if obj.type != 'MESH':
            continue
        vertices = obj.data.vertices
        coords = np.empty(len(vertices) * 3, dtype=np.float32)
        vertices.foreach_get('co', coords)
        chunks.append(coords.reshape(-1, 3) + np.array(tuple(obj.location), dtype=np.float32))
    if not chunks:
        return np.zeros((0, 3), dtype=np.float32)
    return np.concatenate(chunks)


def export_cloud(points, voxel_size, path):
    """Worker thread: thin the cloud to one point per voxel and write it."""
    if len(points):
        cells = np.floor(points / voxel_size).astype(np.int64)
        _unique, first = np.unique(cells, axis=0, return_index=True)
        kept = points[np.sort(first)]
        low, high = kept.min(axis=0), kept.max(axis=0)
    else:
        kept = points
        low = high = np.zeros(3, dtype=np.float32)
    np.savetxt(path, kept, fmt="%.5f")
    _summaries.put({
        "path": path,
        "count": int(len(kept)),
        "source_count": int(len(points)),
        "low": tuple(float(v) for v in low),
        "high": tuple(float(v) for v in high),
    })


def apply_summary():
    """Timer (main thread): show the finished export in the panel."""
    try:
        summary = _summaries.get_nowait()
    except queue.Empty:
        _wait["polls_left"] -= 1
        return POLL_INTERVAL if _wait["polls_left"] > 0 else None
    state = bpy.context.scene.pointcloud_export
    state.last_file = summary["path"]
    state.point_count = summary["count"]
    state.source_count = summary["source_count"]
    state.bounds_min = summary["low"]
    state.bounds_max = summary["high"]
    return None


class PointCloudState(bpy.types.PropertyGroup):
    last_file: bpy.props.StringProperty(name="Last File", subtype='FILE_PATH')
    point_count: bpy.props.IntProperty(name="Points")
    source_count: bpy.props.IntProperty(name="Vertices")
    bounds_min: bpy.props.FloatVectorProperty(name="Min", size=3, subtype='XYZ')
    bounds_max: bpy.props.FloatVectorProperty(name="Max", size=3, subtype='XYZ')


class POINTCLOUDEXPORT_OT_export(bpy.types.Operator):
    """Export all meshes as a voxel-filtered point cloud"""
    bl_idname = "pointcloud_export.export"
    bl_label = "Export Point Cloud"

    voxel_size: bpy.props.FloatProperty(name="Voxel Size", default=0.1, min=0.001, max=10.0)
    filename: bpy.props.StringProperty(name="File Name", default="pointcloud.xyz")

    def execute(self, context):
        points = collect_points()
        path = os.path.join(bpy.app.tempdir, bpy.path.basename(self.filename))
        worker = threading.Thread(target=export_cloud, args=(points, self.voxel_size, path),
                                  name="pointcloud-export", daemon=True)
        worker.start()
        _wait["polls_left"] = MAX_WAIT_POLLS
        if not bpy.app.timers.is_registered(apply_summary):
            bpy.app.timers.register(apply_summary, first_interval=POLL_INTERVAL)
        self.report({'INFO'}, "Exporting %d vertices..." % len(points))
        return {'FINISHED'}


class POINTCLOUDEXPORT_PT_panel(bpy.types.Panel):
    bl_label = "Point Cloud"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Export"

    def draw(self, context):
        layout = self.layout
        state = context.scene.pointcloud_export
        layout.operator(POINTCLOUDEXPORT_OT_export.bl_idname, icon='EXPORT')
        if state.last_file:
            box = layout.box()
            box.label(text=bpy.path.basename(state.last_file), icon='FILE')
            box.label(text="%d of %d vertices kept" % (state.point_count, state.source_count))
            col = box.column()
            col.prop(state, "bounds_min")
            col.prop(state, "bounds_max")


classes = (PointCloudState, POINTCLOUDEXPORT_OT_export, POINTCLOUDEXPORT_PT_panel)


def register():
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.Scene.pointcloud_export = bpy.props.PointerProperty(type=PointCloudState)


def unregister():
    if bpy.app.timers.is_registered(apply_summary):
        bpy.app.timers.unregister(apply_summary)
    del bpy.types.Scene.pointcloud_export
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
