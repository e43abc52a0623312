# expect: clean
# The pattern Blender's documentation supports: worker threads that finish
# (join) before the script returns, while the main thread is blocked. The
# workers touch no bpy data; the main thread applies their results after.
import threading
import time

import bpy

urls = ["file-1.blend", "file-2.blend", "file-3.blend"]
sizes = {}


def download(url):
    name = threading.current_thread().name
    print("{}: Starting".format(name))
    time.sleep(0.01)  # stands for the network request
    sizes[url] = len(url) * 1000
    print("{}: done".format(name))


threads = [threading.Thread(name="thread-{}".format(i), target=download, args=(url,))
           for i, url in enumerate(urls)]
print("Starting threads...")
for t in threads:
    t.start()
print("Waiting for threads to finish...")
for t in threads:
    t.join()
print("Threads all done, now Blender can continue")

cube = bpy.data.objects["Cube"]
cube.location.x = sum(sizes.values()) / 1000.0
assert cube.location.x == float(sum(len(u) for u in urls))
