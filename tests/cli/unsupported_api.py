# An add-on pattern that probes for API the mock lacks and catches the error:
# the run must still say what was not modelled.
import bpy

try:
    engine = bpy.context.scene.cycles.samples
except AttributeError:
    engine = None
if hasattr(bpy.types, "GizmoGroup"):
    pass
print("probed", engine)
