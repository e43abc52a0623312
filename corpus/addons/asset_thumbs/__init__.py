# expect: data-race
# hostrace: --invoke asset_thumbs.fetch_previews
# Asset Thumbnails: the Fetch operator starts one thread per catalog asset;
# each "downloads" a PNG thumbnail into bpy.app.tempdir (plain file I/O),
# then loads it itself with pcoll.load(name, path, 'IMAGE') into the
# add-on's bpy.utils.previews collection and tags the 3D views for redraw.
# Meanwhile the main thread draws the sidebar every frame, looking up the
# same previews by icon_value (the preview/icon tables are not locked): race.
"""Browse the studio prop library with thumbnails in the sidebar."""

bl_info = {
    "name": "Asset Thumbnails",
    "author": "hostrace corpus",
    "version": (1, 1, 0),
    "blender": (4, 2, 0),
    "location": "3D Viewport > Sidebar > Assets",
    "description": "Shows thumbnails of the prop library, fetched in the background",
    "category": "Import-Export",
}

import json
import os
import threading

import bpy
import bpy.utils.previews

from . import thumbnails

CATALOG_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog.json")

preview_collections = {}
catalog = []
_fetchers = []


def load_catalog():
    """Read the library catalog (main thread, at registration)."""
    with open(CATALOG_PATH, "r", encoding="utf-8") as handle:
        catalog[:] = json.load(handle)["assets"]


def _fetch_thumbnail(asset, path, pcoll):
    """Thread body: download one thumbnail and register it as a preview."""
    thumbnails.download(asset, path)
    pcoll.load(asset["id"], path, 'IMAGE')
    for area in bpy.context.window_manager.windows[0].screen.areas:
        if area.type == 'VIEW_3D':
            area.tag_redraw()


_category_cache = []  # Blender needs Python to keep the item strings alive


def _category_items(self, context):
    categories = sorted({asset["category"] for asset in catalog})
    _category_cache[:] = [('ALL', "All", "Every asset")] + [
        (name, name.title(), "Assets filed under " + name) for name in categories]
    return _category_cache


class AssetThumbsSettings(bpy.types.PropertyGroup):
    category: bpy.props.EnumProperty(name="Category", items=_category_items)
    show_labels: bpy.props.BoolProperty(name="Show Names", default=True)


class ASSETTHUMBS_OT_fetch_previews(bpy.types.Operator):
    """Download the thumbnails of the library in the background"""
    bl_idname = "asset_thumbs.fetch_previews"
    bl_label = "Fetch Thumbnails"

    def execute(self, context):
        pcoll = preview_collections["main"]
        folder = os.path.join(bpy.app.tempdir, "asset_thumbs")
        os.makedirs(folder, exist_ok=True)
        started = 0
        for asset in catalog:
            if asset["id"] in pcoll:
                continue
            path = os.path.join(folder, asset["id"] + ".png")
            worker = threading.Thread(target=_fetch_thumbnail, args=(asset, path, pcoll),
                                      name="thumb-" + asset["id"], daemon=True)
            worker.start()
            _fetchers.append(worker)
            started += 1
        self.report({'INFO'}, "Fetching %d thumbnails" % started)
        return {'FINISHED'}


class ASSETTHUMBS_PT_browser(bpy.types.Panel):
    bl_label = "Prop Library"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Assets"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.asset_thumbs
        pcoll = preview_collections["main"]
        layout.prop(settings, "category")
        layout.prop(settings, "show_labels")
        box = layout.box()
        for asset in catalog:
            if settings.category not in ('ALL', asset["category"]):
                continue
            text = asset["label"] if settings.show_labels else ""
            row = box.row()
            row.scale_y = 1.5
            if asset["id"] in pcoll:
                row.label(text=text, icon_value=pcoll[asset["id"]].icon_id)
            else:
                row.label(text=text, icon='TIME')
        layout.operator(ASSETTHUMBS_OT_fetch_previews.bl_idname, icon='IMPORT')


classes = (AssetThumbsSettings, ASSETTHUMBS_OT_fetch_previews, ASSETTHUMBS_PT_browser)


def register():
    load_catalog()
    preview_collections["main"] = bpy.utils.previews.new()
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.Scene.asset_thumbs = bpy.props.PointerProperty(type=AssetThumbsSettings)


def unregister():
    for worker in _fetchers:
        worker.join(timeout=1.0)
    _fetchers.clear()
    del bpy.types.Scene.asset_thumbs
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
    for pcoll in preview_collections.values():
        bpy.utils.previews.remove(pcoll)
    preview_collections.clear()
