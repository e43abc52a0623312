# expect: clean
# expect-free-threaded: data-race
# An importer that parses its files on a ThreadPoolExecutor and has every
# worker create and link its own objects (the pattern of add-ons that
# "speed up" a batch import). Under the GIL no two bpy calls run at once,
# so Main's object list and the scene collection stay consistent and the
# script is clean. Without a GIL two workers add to the same list at the
# same time: a data race in bpy.data.objects.new / objects.link.
from concurrent.futures import ThreadPoolExecutor

import bpy

FILES = ["rock_%02d.obj" % i for i in range(4)]
scene = bpy.context.scene
mesh = bpy.data.objects["Cube"].data


def import_file(path):
    name = path.rsplit(".", 1)[0]
    ob = bpy.data.objects.new(name, mesh)
    scene.collection.objects.link(ob)
    return ob.name


with ThreadPoolExecutor(max_workers=2) as pool:
    names = list(pool.map(import_file, FILES))

for path, name in zip(FILES, names):
    assert name in bpy.data.objects, "%s was not imported" % path
    assert bpy.data.objects[name] in scene.collection.objects.values(), "%s is not linked" % name
