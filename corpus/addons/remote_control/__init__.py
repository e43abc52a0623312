# expect: data-race
# hostrace: --invoke remote_control.start_server --invoke remote_control.send_test:object_name=Cube,offset=0.5
# Remote Control: a thread polls a non-blocking loopback socket server
# (127.0.0.1, free port, 50 polls of 50 ms) and hands every command line and
# its own shutdown notice to the main thread with bpy.app.timers.register()
# CALLED FROM THAT THREAD. Blender's timer list has no lock: the thread
# appends to it while the main thread's event loop walks and runs the timers
# (and the panel reads the WindowManager state they update): a race.
"""Drive Blender from another program over a local socket."""

bl_info = {
    "name": "Remote Control",
    "author": "hostrace corpus",
    "version": (0, 9, 2),
    "blender": (4, 2, 0),
    "location": "3D Viewport > Sidebar > Remote",
    "description": "Accepts simple commands from local tools over TCP",
    "category": "Interface",
}

import socket

import bpy

from . import server

_server = None


def apply_command(line):
    """Run one command in the main thread (called from a timer)."""
    if _server is None:  # the add-on was disabled meanwhile
        return None
    wm = bpy.data.window_managers[0]
    wm.remote_control_last = line
    words = line.split()
    if len(words) == 3 and words[0] == "nudge":
        obj = bpy.data.objects.get(words[1])
        if obj is not None:
            obj.location.z += float(words[2])
    else:
        print("Remote Control: unknown command", repr(line))
    return None


def session_closed():
    """The server thread ended (timeout or stop request)."""
    if _server is None:
        return None
    wm = bpy.data.window_managers[0]
    wm.remote_control_running = False
    wm.remote_control_port = 0
    return None


class REMOTECONTROL_OT_start_server(bpy.types.Operator):
    """Listen for commands on a local port"""
    bl_idname = "remote_control.start_server"
    bl_label = "Start Listening"

    def execute(self, context):
        global _server
        if _server is not None and _server.is_alive():
            self.report({'INFO'}, "Already listening on port %d" % _server.port)
            return {'CANCELLED'}
        _server = server.CommandServer(server.open_listener(), apply_command, session_closed)
        context.window_manager.remote_control_port = _server.port
        context.window_manager.remote_control_running = True
        _server.start()
        self.report({'INFO'}, "Listening on 127.0.0.1:%d" % _server.port)
        return {'FINISHED'}


class REMOTECONTROL_OT_stop_server(bpy.types.Operator):
    """Stop listening"""
    bl_idname = "remote_control.stop_server"
    bl_label = "Stop"

    def execute(self, context):
        if _server is not None:
            _server.stop()
        return {'FINISHED'}


class REMOTECONTROL_OT_send_test(bpy.types.Operator):
    """Send a nudge command to the running server, as an external tool would"""
    bl_idname = "remote_control.send_test"
    bl_label = "Send Test Command"

    object_name: bpy.props.StringProperty(name="Object", default="Cube")
    offset: bpy.props.FloatProperty(name="Offset", default=0.25, min=-10.0, max=10.0)

    def execute(self, context):
        port = context.window_manager.remote_control_port
        if not port:
            self.report({'WARNING'}, "The server is not running")
            return {'CANCELLED'}
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as client:
            client.sendall(("nudge %s %g\n" % (self.object_name, self.offset)).encode("utf-8"))
        return {'FINISHED'}


class REMOTECONTROL_PT_panel(bpy.types.Panel):
    bl_label = "Remote Control"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Remote"

    def draw(self, context):
        layout = self.layout
        wm = context.window_manager
        if wm.remote_control_running:
            layout.label(text="Listening on port %d" % wm.remote_control_port, icon='LINKED')
            layout.operator(REMOTECONTROL_OT_stop_server.bl_idname, icon='CANCEL')
            layout.operator(REMOTECONTROL_OT_send_test.bl_idname)
        else:
            layout.operator(REMOTECONTROL_OT_start_server.bl_idname, icon='PLAY')
        layout.prop(wm, "remote_control_last")


classes = (
    REMOTECONTROL_OT_start_server,
    REMOTECONTROL_OT_stop_server,
    REMOTECONTROL_OT_send_test,
    REMOTECONTROL_PT_panel,
)


def register():
    for cls in classes:
        bpy.utils.register_class(cls)
    wm_type = bpy.types.WindowManager
    wm_type.remote_control_port = bpy.props.IntProperty(name="Port", default=0, min=0, max=65535)
    wm_type.remote_control_running = bpy.props.BoolProperty(name="Running", default=False)
    wm_type.remote_control_last = bpy.props.StringProperty(name="Last Command", default="")


def unregister():
    global _server
    if _server is not None:
        _server.stop()
        _server.join(timeout=1.0)
        _server = None
    del bpy.types.WindowManager.remote_control_port
    del bpy.types.WindowManager.remote_control_running
    del bpy.types.WindowManager.remote_control_last
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
