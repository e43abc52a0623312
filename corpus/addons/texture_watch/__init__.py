# expect: data-race
# hostrace: --invoke texture_watch.start --invoke texture_watch.write_probe
# Texture Watch: a thread polls a folder (os.stat/os.listdir every 0.1 s, at
# most 100 polls) for textures written by a paint or bake tool and, from that
# thread, adds one entry per new or changed file to the scene's
# CollectionProperty (files.add()) and sets the ID property
# window_manager["texture_watch_changed"]. The panel draws that collection
# with template_list on the main thread every frame: the collection races.
"""Watch an export folder and list the textures other tools write into it."""

bl_info = {
    "name": "Texture Watch",
    "author": "hostrace corpus",
    "version": (1, 0, 4),
    "blender": (4, 2, 0),
    "location": "3D Viewport > Sidebar > Textures",
    "description": "Lists textures as soon as external tools export them",
    "category": "Import-Export",
}

import os
import threading
import time

import bpy

POLL_INTERVAL = 0.1
MAX_POLLS = 100
EXTENSIONS = (".png", ".jpg", ".exr", ".tif", ".ppm")

_stop = threading.Event()
_watcher = None


def _snapshot(folder):
    """{file name: mtime} of the textures in ``folder``."""
    found = {}
    for name in sorted(os.listdir(folder)):
        if name.lower().endswith(EXTENSIONS):
            found[name] = os.stat(os.path.join(folder, name)).st_mtime
    return found


def watch_folder(folder, files):
    """Thread body: poll the folder and record what appears or changes."""
    seen = {}
    last_mtime = None
    for _ in range(MAX_POLLS):
        if _stop.is_set():
            return
        mtime = os.stat(folder).st_mtime_ns
        if mtime != last_mtime or not seen:
            last_mtime = mtime
            current = _snapshot(folder)
            for name, modified in current.items():
                if seen.get(name) != modified:
                    entry = files.add()
                    entry.name = name
                    entry.modified = time.strftime("%H:%M:%S", time.localtime(modified))
                    bpy.context.window_manager["texture_watch_changed"] = True
            seen = current
        time.sleep(POLL_INTERVAL)


class WatchedFile(bpy.types.PropertyGroup):
    name: bpy.props.StringProperty(name="File")
    modified: bpy.props.StringProperty(name="Modified")


class TextureWatchSettings(bpy.types.PropertyGroup):
    directory: bpy.props.StringProperty(name="Folder", subtype='DIR_PATH', default="")
    files: bpy.props.CollectionProperty(type=WatchedFile)
    active_index: bpy.props.IntProperty(default=0)


def resolve_folder(settings):
    folder = bpy.path.abspath(settings.directory) if settings.directory else ""
    return folder or os.path.join(bpy.app.tempdir, "texture_watch")


class TEXTUREWATCH_UL_files(bpy.types.UIList):
    def draw_item(self, context, layout, data, item, icon, active_data, active_propname, index):
        row = layout.row()
        row.label(text=item.name, icon='IMAGE_DATA')
        row.label(text=item.modified)


class TEXTUREWATCH_OT_start(bpy.types.Operator):
    """Start watching the folder for new or updated textures"""
    bl_idname = "texture_watch.start"
    bl_label = "Start Watching"

    def execute(self, context):
        global _watcher
        if _watcher is not None and _watcher.is_alive():
            return {'CANCELLED'}
        settings = context.scene.texture_watch
        folder = resolve_folder(settings)
        os.makedirs(folder, exist_ok=True)
        _stop.clear()
        _watcher = threading.Thread(target=watch_folder, args=(folder, settings.files),
                                    name="texture-watch", daemon=True)
        _watcher.start()
        self.report({'INFO'}, "Watching " + folder)
        return {'FINISHED'}


class TEXTUREWATCH_OT_write_probe(bpy.types.Operator):
    """Write a small test texture into the watched folder"""
    bl_idname = "texture_watch.write_probe"
    bl_label = "Write Test Texture"

    def execute(self, context):
        folder = resolve_folder(context.scene.texture_watch)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "probe_0001.ppm"), "w", encoding="ascii") as handle:
            handle.write("P3\n2 2\n255\n255 0 0  0 255 0\n0 0 255  255 255 255\n")
        return {'FINISHED'}


class TEXTUREWATCH_OT_acknowledge(bpy.types.Operator):
    """Clear the 'new textures' notice"""
    bl_idname = "texture_watch.acknowledge"
    bl_label = "Got It"

    def execute(self, context):
        context.window_manager["texture_watch_changed"] = False
        return {'FINISHED'}


class TEXTUREWATCH_PT_panel(bpy.types.Panel):
    bl_label = "Texture Watch"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Textures"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.texture_watch
        layout.prop(settings, "directory")
        if context.window_manager.get("texture_watch_changed"):
            row = layout.row()
            row.alert = True
            row.label(text="New textures arrived", icon='ERROR')
            row.operator(TEXTUREWATCH_OT_acknowledge.bl_idname)
        layout.template_list("TEXTUREWATCH_UL_files", "", settings, "files", settings, "active_index")
        row = layout.row()
        row.operator(TEXTUREWATCH_OT_start.bl_idname, icon='VIEWZOOM')
        row.operator(TEXTUREWATCH_OT_write_probe.bl_idname)


classes = (WatchedFile, TextureWatchSettings, TEXTUREWATCH_UL_files, TEXTUREWATCH_OT_start,
           TEXTUREWATCH_OT_write_probe, TEXTUREWATCH_OT_acknowledge, TEXTUREWATCH_PT_panel)


def register():
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.Scene.texture_watch = bpy.props.PointerProperty(type=TextureWatchSettings)


def unregister():
    _stop.set()
    if _watcher is not None:
        _watcher.join(timeout=1.0)
    del bpy.types.Scene.texture_watch
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
