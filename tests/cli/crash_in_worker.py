# expect: use-after-free
# A worker thread takes a lock in turn with the main thread a few times,
# then reads through a vertex wrapper whose array an edit-mode toggle freed
# before the worker started: the crash comes after scheduling decisions,
# which the schedule saved with it must hold for its replay.
import threading

import bpy

me = bpy.data.meshes["Cube"]
me.vertices.add(400000)
v = me.vertices[200000]
bpy.ops.object.editmode_toggle()
lock = threading.Lock()


def worker():
    for _ in range(5):
        with lock:
            pass
    print(v.co)


t = threading.Thread(target=worker, name="reader")
t.start()
for _ in range(5):
    with lock:
        pass
t.join()
