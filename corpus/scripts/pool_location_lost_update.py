# expect: assertion
# expect-free-threaded: data-race
# From the forum thread on bpy thread safety: ten ThreadPoolExecutor
# workers each add to the same object's location. Under the GIL no two
# run at once, yet a worker can be switched out between reading the
# location and writing it back, and an update is lost. The final assert is
# the oracle.
from concurrent.futures import ThreadPoolExecutor

import bpy
from mathutils import Vector

cube = bpy.data.objects["Cube"]
cube.location = (0.0, 0.0, 0.0)
prod_vec = Vector((1.0, 0.0, 0.0))
WORKERS, STEPS = 10, 200


def work(i):
    for _ in range(STEPS):
        cube.location += prod_vec


with ThreadPoolExecutor(max_workers=WORKERS) as pool:
    list(pool.map(work, range(WORKERS)))

expected = WORKERS * STEPS
assert cube.location.x == expected, "lost updates: x=%s, expected %s" % (cube.location.x, expected)
