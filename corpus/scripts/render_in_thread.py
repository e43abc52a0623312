# expect: data-race, thread-outlives-script
# From an add-on author's question: rendering from a threading.Thread to
# keep the UI responsive, polled with is_alive() from a timer. The render
# runs on the Python thread, writing the scene's frame and the render
# globals while the main thread draws them.
import threading

import bpy

scene = bpy.context.scene
scene.render.resolution_percentage = 10  # 192 x 108; frames 1-250 as in a new file

render_thread = threading.Thread(target=bpy.ops.render.render, kwargs={"animation": True})
render_thread.start()


def check_render():
    if render_thread.is_alive():
        return 0.1
    print("render finished")
    return None


bpy.app.timers.register(check_render, first_interval=0.1)
