# expect: clean
# hostrace:
# Studio Updates: on register, a worker thread reads the studio's release
# feed (feed.json beside this file, with open()) and puts the parsed result
# into a queue.Queue. It never touches bpy. A bpy.app.timers function
# registered in register() (main thread) drains the queue and writes the
# preferences / WindowManager properties and tags areas for redraw, so every
# bpy access happens on the main thread, between draws: no race.
"""Check the studio release feed without blocking Blender's startup."""

bl_info = {
    "name": "Studio Updates",
    "author": "hostrace corpus",
    "version": (2, 0, 3),
    "blender": (4, 2, 0),
    "location": "3D Viewport > Sidebar > Studio",
    "description": "Shows the latest studio tool release for the chosen channel",
    "category": "System",
}

import json
import os
import queue
import threading

import bpy

FEED_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "feed.json")
POLL_INTERVAL = 0.25
MAX_POLLS = 40  # give up waiting after ~10 s

_results = queue.Queue()
_stop = threading.Event()
_polls_left = 0


def _parse_version(text):
    """'2.2.0-beta.3' -> (2, 2, 0)"""
    core = text.split("-", 1)[0]
    return tuple(int(part) for part in core.split("."))


def _read_feed(path, channel, installed):
    """Thread body: read the feed from disk and queue a plain dict."""
    try:
        with open(path, "r", encoding="utf-8") as handle:
            entry = json.load(handle)["channels"][channel]
        result = {
            "version": entry["version"],
            "summary": entry.get("summary", ""),
            "newer": _parse_version(entry["version"]) > installed,
        }
    except (OSError, ValueError, KeyError) as error:
        result = {"error": str(error)}
    if not _stop.is_set():
        _results.put(result)


def _deliver_result():
    """Timer on the main thread: apply the worker's result to Blender."""
    global _polls_left
    result = None
    while True:  # keep only the newest answer if several checks ran
        try:
            result = _results.get_nowait()
        except queue.Empty:
            break
    if result is None:
        _polls_left -= 1
        return POLL_INTERVAL if _polls_left > 0 else None

    prefs = bpy.context.preferences.addons[__package__].preferences
    wm = bpy.context.window_manager
    if "error" in result:
        prefs.status = "Feed unavailable: " + result["error"]
        return None
    prefs.latest_version = result["version"]
    prefs.status = result["summary"]
    wm.studio_updates_newer = result["newer"]
    for area in wm.windows[0].screen.areas:
        if area.type == 'VIEW_3D':
            area.tag_redraw()
    return None


def request_check(channel):
    """Start a feed read; called on the main thread only."""
    global _polls_left
    _stop.clear()
    worker = threading.Thread(
        target=_read_feed,
        args=(FEED_PATH, channel, bl_info["version"]),
        name="studio-updates",
        daemon=True,
    )
    worker.start()
    _polls_left = MAX_POLLS
    if not bpy.app.timers.is_registered(_deliver_result):
        bpy.app.timers.register(_deliver_result, first_interval=POLL_INTERVAL)


class StudioUpdatesPreferences(bpy.types.AddonPreferences):
    bl_idname = __package__

    channel: bpy.props.EnumProperty(
        name="Channel",
        items=[
            ('stable', "Stable", "Tested releases"),
            ('beta', "Beta", "Pre-releases for early testers"),
        ],
        default='stable',
    )
    latest_version: bpy.props.StringProperty(name="Latest Version")
    status: bpy.props.StringProperty(name="Status", default="Not checked yet")

    def draw(self, context):
        self.layout.prop(self, "channel")


class STUDIOUPDATES_OT_check(bpy.types.Operator):
    """Read the release feed for the selected channel"""
    bl_idname = "studio_updates.check"
    bl_label = "Check for Updates"

    def execute(self, context):
        request_check(context.preferences.addons[__package__].preferences.channel)
        return {'FINISHED'}


class STUDIOUPDATES_PT_panel(bpy.types.Panel):
    bl_label = "Studio Tools"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Studio"

    def draw(self, context):
        layout = self.layout
        prefs = context.preferences.addons[__package__].preferences
        layout.prop(prefs, "channel")
        col = layout.column()
        col.alert = context.window_manager.studio_updates_newer
        col.label(text="Latest: " + (prefs.latest_version or "unknown"))
        col.label(text=prefs.status)
        layout.operator(STUDIOUPDATES_OT_check.bl_idname, icon='URL')


classes = (StudioUpdatesPreferences, STUDIOUPDATES_OT_check, STUDIOUPDATES_PT_panel)


def register():
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.WindowManager.studio_updates_newer = bpy.props.BoolProperty(default=False)
    request_check(bpy.context.preferences.addons[__package__].preferences.channel)


def unregister():
    _stop.set()
    if bpy.app.timers.is_registered(_deliver_result):
        bpy.app.timers.unregister(_deliver_result)
    del bpy.types.WindowManager.studio_updates_newer
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
