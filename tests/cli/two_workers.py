# Two workers move the cube, each under one lock, and are joined: correct
# code with several choice points, for the scheduler's command-line checks.
import threading

import bpy

lock = threading.Lock()
cube = bpy.data.objects["Cube"]


def work(dx):
    for _ in range(5):
        with lock:
            cube.location.x += dx


threads = [threading.Thread(target=work, args=(d,), name="w%d" % i) for i, d in enumerate((1.0, 2.0))]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert cube.location.x == 15.0, cube.location.x
