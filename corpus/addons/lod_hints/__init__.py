# expect: data-race
# hostrace: --invoke lod_hints.refresh
# LOD Hints: a depsgraph_update_post handler (and the Refresh button) takes a
# snapshot of object names and locations and starts a thread that grades each
# object's level of detail by its distance to the focus point. The thread
# writes the result straight into the objects' custom properties
# (ob["lod_hint"], ob["lod_distance"]) while the main thread's panel reads
# them with ob.get() every frame and draws the viewport: an ID-property race.
"""Tag objects with a level-of-detail hint for the game exporter."""

bl_info = {
    "name": "LOD Hints",
    "author": "hostrace corpus",
    "version": (0, 3, 2),
    "blender": (4, 2, 0),
    "location": "3D Viewport > Sidebar > LOD",
    "description": "Keeps a level-of-detail hint on every object up to date",
    "category": "Object",
}

import threading
import time

import bpy

LEVELS = ("LOD0", "LOD1", "LOD2")
GRADE_DELAY = 0.01  # the real grader also estimates screen coverage

_worker = None
_last_snapshot = None


def take_snapshot(settings):
    """Main thread: everything the grader needs, as plain Python values."""
    objects = tuple((obj.name, tuple(obj.location)) for obj in bpy.data.objects)
    return objects, tuple(settings.focus), settings.near, settings.far


def grade_objects(snapshot):
    """Thread body: compute each object's hint and store it on the object."""
    objects, focus, near, far = snapshot
    for name, location in objects:
        distance = sum((a - b) ** 2 for a, b in zip(location, focus)) ** 0.5
        level = 0 if distance < near else (1 if distance < far else 2)
        time.sleep(GRADE_DELAY)
        obj = bpy.data.objects.get(name)
        if obj is None:
            continue
        obj["lod_hint"] = LEVELS[level]
        obj["lod_distance"] = round(distance, 3)


def start_grading(scene):
    """Start the grader unless it is busy or nothing relevant changed."""
    global _worker, _last_snapshot
    snapshot = take_snapshot(scene.lod_hints)
    if snapshot == _last_snapshot or (_worker is not None and _worker.is_alive()):
        return False
    _last_snapshot = snapshot
    _worker = threading.Thread(target=grade_objects, args=(snapshot,), name="lod-grader", daemon=True)
    _worker.start()
    return True


def on_depsgraph_update(scene, depsgraph):
    if scene.lod_hints.auto_update:
        start_grading(scene)


class LodHintSettings(bpy.types.PropertyGroup):
    auto_update: bpy.props.BoolProperty(name="Auto Update", default=True)
    focus: bpy.props.FloatVectorProperty(name="Focus", size=3, subtype='TRANSLATION')
    near: bpy.props.FloatProperty(name="Near", default=5.0, min=0.0)
    far: bpy.props.FloatProperty(name="Far", default=20.0, min=0.0)


class LODHINTS_OT_refresh(bpy.types.Operator):
    """Grade every object again"""
    bl_idname = "lod_hints.refresh"
    bl_label = "Refresh Hints"

    def execute(self, context):
        global _last_snapshot
        _last_snapshot = None  # force a new pass
        if not start_grading(context.scene):
            self.report({'INFO'}, "The grader is still running")
        return {'FINISHED'}


class LODHINTS_PT_panel(bpy.types.Panel):
    bl_label = "LOD Hints"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "LOD"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.lod_hints
        layout.prop(settings, "auto_update")
        layout.prop(settings, "focus")
        row = layout.row()
        row.prop(settings, "near")
        row.prop(settings, "far")
        box = layout.box()
        for obj in bpy.data.objects:
            split = box.split()
            split.label(text=obj.name, icon='OBJECT_DATA')
            hint = obj.get("lod_hint")
            split.label(text="%s (%.1f m)" % (hint, obj.get("lod_distance", 0.0)) if hint else "-")
        layout.operator(LODHINTS_OT_refresh.bl_idname, icon='FILE_REFRESH')


classes = (LodHintSettings, LODHINTS_OT_refresh, LODHINTS_PT_panel)


def register():
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.Scene.lod_hints = bpy.props.PointerProperty(type=LodHintSettings)
    bpy.app.handlers.depsgraph_update_post.append(on_depsgraph_update)


def unregister():
    if on_depsgraph_update in bpy.app.handlers.depsgraph_update_post:
        bpy.app.handlers.depsgraph_update_post.remove(on_depsgraph_update)
    if _worker is not None:
        _worker.join(timeout=2.0)
    del bpy.types.Scene.lod_hints
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
