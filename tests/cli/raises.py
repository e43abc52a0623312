import bpy
bpy.data.objects["NoSuchObject"]
