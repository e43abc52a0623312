# expect: data-race
# hostrace: --explore-ui=12
# Live Link: streams a tracked pose from a capture server onto the active
# object. Ticking "Live" in the sidebar starts a receiver thread (its
# property's update callback starts it); the thread writes the received
# frame count and latency into the scene's settings and the pose into the
# object's location, all of which the sidebar and the viewport read on the
# main thread every frame. Nothing happens until a user ticks the box.
bl_info = {
    "name": "Live Link",
    "author": "hostrace corpus",
    "version": (0, 3, 0),
    "blender": (4, 2, 0),
    "location": "View3D > Sidebar > Live Link",
    "description": "Stream a tracked pose onto the active object",
    "category": "Animation",
}

import math
import threading
import time

import bpy

_receiver = {"thread": None, "stop": None}


def _receive(settings, target, stop):
    """The receiver: one packet every 20 ms until stopped (30 at most)."""
    for frame in range(30):
        if stop.wait(0.02):
            return
        t = frame * 0.02
        sent = time.monotonic()
        pose = (math.sin(t) * settings.scale, math.cos(t) * settings.scale, 0.0)
        settings.frames_received = frame + 1
        settings.latency_ms = (time.monotonic() - sent) * 1000.0
        if target is not None:
            target.location = pose


def _live_changed(self, context):
    stop = _receiver["stop"]
    if stop is not None:
        stop.set()
        _receiver["thread"].join()
        _receiver["thread"] = _receiver["stop"] = None
    if self.live:
        stop = threading.Event()
        t = threading.Thread(target=_receive, args=(self, context.active_object, stop),
                             name="live-link", daemon=True)
        _receiver["thread"], _receiver["stop"] = t, stop
        t.start()


class LiveLinkSettings(bpy.types.PropertyGroup):
    live: bpy.props.BoolProperty(name="Live", default=False, update=_live_changed)
    scale: bpy.props.FloatProperty(name="Scale", default=1.0, min=0.1, max=10.0)
    frames_received: bpy.props.IntProperty(name="Frames", default=0)
    latency_ms: bpy.props.FloatProperty(name="Latency (ms)", default=0.0)


class LIVELINK_OT_reset(bpy.types.Operator):
    """Reset the received-frame counter"""
    bl_idname = "live_link.reset"
    bl_label = "Reset Counter"
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        return not context.scene.live_link.live

    def execute(self, context):
        context.scene.live_link.frames_received = 0
        return {'FINISHED'}


class LIVELINK_PT_panel(bpy.types.Panel):
    bl_label = "Live Link"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Live Link"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.live_link
        layout.prop(settings, "live", toggle=True)
        layout.prop(settings, "scale")
        col = layout.column()
        col.enabled = False
        col.prop(settings, "frames_received")
        col.prop(settings, "latency_ms")
        layout.operator(LIVELINK_OT_reset.bl_idname)


classes = (LiveLinkSettings, LIVELINK_OT_reset, LIVELINK_PT_panel)


def register():
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.Scene.live_link = bpy.props.PointerProperty(type=LiveLinkSettings)


def unregister():
    stop = _receiver["stop"]
    if stop is not None:
        stop.set()
        _receiver["thread"].join()
        _receiver["thread"] = _receiver["stop"] = None
    del bpy.types.Scene.live_link
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
