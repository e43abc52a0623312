"""The worker of mp_start_methods.py: no bpy, importable by a plain Python."""


def cube(x):
    return x * x * x
