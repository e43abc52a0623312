# expect: clean
# timing: real (a child process)
# A producer process feeds a multiprocessing.Queue (its feeder thread
# writes a pipe); the main thread reads until the sentinel, joins the
# process, then applies the values to bpy data.
import multiprocessing

import bpy


def produce(q):
    for frame in range(1, 5):
        q.put((frame, frame * 0.25))
    q.put(None)


q = multiprocessing.Queue()
producer = multiprocessing.Process(target=produce, args=(q,), name="producer")
producer.start()
keys = []
while True:
    item = q.get(timeout=60)
    if item is None:
        break
    keys.append(item)
producer.join()
assert len(keys) == 4, keys
bpy.data.objects["Cube"].location.z = keys[-1][1]
