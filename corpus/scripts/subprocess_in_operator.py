# expect: clean
# timing: real (a child process)
# An operator that runs an external tool without freezing the interface: a
# worker thread runs the process with subprocess.run (it waits in the
# child's pipes and in waitpid, which leave the scheduler), and puts the
# result on a queue.Queue; a timer the operator registered ON THE MAIN
# THREAD polls the queue and applies the result there. Safe in Blender.
import queue
import subprocess
import threading

import bpy

results = queue.Queue()


def run_tool(args):
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    results.put(done.stdout.strip())


def apply_when_done():
    try:
        text = results.get_nowait()
    except queue.Empty:
        return 0.05  # poll again
    bpy.data.objects["Cube"]["tool_output"] = text
    return None


class HOSTRACE_OT_run_tool(bpy.types.Operator):
    bl_idname = "hostrace.run_tool"
    bl_label = "Run External Tool"

    def execute(self, context):
        worker = threading.Thread(target=run_tool, args=(["/bin/echo", "scale", "2.0"],),
                                  name="tool-runner")
        worker.start()
        bpy.app.timers.register(apply_when_done, first_interval=0.05)
        worker.join()  # the tool is quick; joined before the script returns
        return {'FINISHED'}


bpy.utils.register_class(HOSTRACE_OT_run_tool)
bpy.ops.hostrace.run_tool()
