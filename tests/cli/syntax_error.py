import bpy
def broken(:
    pass
