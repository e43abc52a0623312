# expect: use-after-free
# A vertex wrapper into a large vertex array, kept across an edit-mode
# toggle that frees the array and builds a new one: the old pages are
# returned to the system, so reading through the stale wrapper crashes the
# host in a build without ASan (ASan names it heap-use-after-free).
import bpy

me = bpy.data.meshes["Cube"]
me.vertices.add(400000)
v = me.vertices[200000]
bpy.ops.object.editmode_toggle()
print(v.co)
