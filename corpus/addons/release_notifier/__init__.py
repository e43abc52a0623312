# expect: data-race
# hostrace:
# Release Notifier: on register, a background thread reads the add-on's
# release feed (releases.json, through urllib's file:// handler) and, from
# that thread, writes the newest version into the add-on preferences and a
# WindowManager flag, then calls area.tag_redraw() on every area of the first
# window. The sidebar panel reads those same properties every frame on the
# main thread, and the redraw flags are read by the main draw loop: a race.
"""Tell the user when a newer release of the add-on is available."""

bl_info = {
    "name": "Release Notifier",
    "author": "hostrace corpus",
    "version": (1, 3, 0),
    "blender": (4, 2, 0),
    "location": "3D Viewport > Sidebar > Updates",
    "description": "Checks the release feed at startup and shows what is new",
    "category": "System",
}

import json
import os
import threading
import time
import urllib.request

import bpy

FEED_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "releases.json")
STARTUP_DELAY = 0.2  # let Blender finish loading before touching the disk

_stop = threading.Event()
_checker = None


def _version_string(version):
    return ".".join(str(part) for part in version)


def _fetch_newest_release(url):
    """Read the release feed and return its newest entry (a dict)."""
    with urllib.request.urlopen(url) as response:
        feed = json.loads(response.read().decode("utf-8"))
    return max(feed["releases"], key=lambda release: tuple(release["version"]))


def _check_for_update():
    """Thread body: fetch the feed, then publish the result to the UI."""
    time.sleep(STARTUP_DELAY)
    if _stop.is_set():
        return
    try:
        newest = _fetch_newest_release("file://" + FEED_PATH)
    except (OSError, ValueError, KeyError) as error:
        print("Release Notifier: could not read the feed:", error)
        return
    if _stop.is_set():
        return

    prefs = bpy.context.preferences.addons[__package__].preferences
    prefs.latest_version = _version_string(newest["version"])
    prefs.release_notes = newest.get("notes", "")
    prefs.last_checked = time.strftime("%Y-%m-%d %H:%M")

    wm = bpy.context.window_manager
    wm.release_notifier_available = tuple(newest["version"]) > bl_info["version"]
    for area in wm.windows[0].screen.areas:
        area.tag_redraw()


def start_check():
    global _checker
    if _checker is not None and _checker.is_alive():
        return
    _stop.clear()
    _checker = threading.Thread(target=_check_for_update, name="release-notifier", daemon=True)
    _checker.start()


class ReleaseNotifierPreferences(bpy.types.AddonPreferences):
    bl_idname = __package__

    check_on_startup: bpy.props.BoolProperty(
        name="Check on Startup",
        description="Read the release feed when the add-on is enabled",
        default=True,
    )
    latest_version: bpy.props.StringProperty(name="Latest Version", default="")
    release_notes: bpy.props.StringProperty(name="Release Notes", default="")
    last_checked: bpy.props.StringProperty(name="Last Checked", default="never")

    def draw(self, context):
        layout = self.layout
        layout.prop(self, "check_on_startup")
        layout.label(text="Last checked: " + self.last_checked)


class RELEASENOTIFIER_OT_check_now(bpy.types.Operator):
    """Read the release feed again"""
    bl_idname = "release_notifier.check_now"
    bl_label = "Check Now"

    def execute(self, context):
        start_check()
        self.report({'INFO'}, "Checking for updates...")
        return {'FINISHED'}


class RELEASENOTIFIER_PT_sidebar(bpy.types.Panel):
    bl_label = "Updates"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Updates"

    def draw(self, context):
        layout = self.layout
        prefs = context.preferences.addons[__package__].preferences
        wm = context.window_manager
        layout.label(text="Installed: " + _version_string(bl_info["version"]))
        box = layout.box()
        if wm.release_notifier_available:
            box.alert = True
            box.label(text="Version %s is available" % prefs.latest_version, icon='INFO')
            box.label(text=prefs.release_notes)
        else:
            box.label(text="Up to date (checked %s)" % prefs.last_checked, icon='CHECKMARK')
        layout.operator(RELEASENOTIFIER_OT_check_now.bl_idname, icon='FILE_REFRESH')


classes = (
    ReleaseNotifierPreferences,
    RELEASENOTIFIER_OT_check_now,
    RELEASENOTIFIER_PT_sidebar,
)


def register():
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.WindowManager.release_notifier_available = bpy.props.BoolProperty(
        name="Update Available",
        default=False,
    )
    if bpy.context.preferences.addons[__package__].preferences.check_on_startup:
        start_check()


def unregister():
    _stop.set()
    del bpy.types.WindowManager.release_notifier_available
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
