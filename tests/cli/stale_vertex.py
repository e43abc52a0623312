# expect: use-after-free
# A vertex wrapper kept across vertices.add(): it holds a raw pointer into
# the old vertex array, which add() reallocates. Blender does the same; with
# --host rna_safety=1 the wrapper is invalidated and raises ReferenceError.
import bpy

me = bpy.data.meshes["Cube"]
v = me.vertices[0]
me.vertices.add(100000)
print(v.co)
