# expect: clean
# hostrace: --invoke shot_validator.validate:distance_limit=50.0
# Shot Validator: the Validate operator copies object names and locations
# into plain tuples on the main thread, runs three checks and the manifest
# digest in worker threads (pure Python, results in a dict), and JOINS every
# worker inside execute() before it writes the issues and the manifest digest
# into scene properties. The workers never touch bpy and the main thread is
# blocked in execute() while they run, so no draw can overlap: clean.
"""Check a shot against pipeline rules before it is published."""

bl_info = {
    "name": "Shot Validator",
    "author": "hostrace corpus",
    "version": (3, 2, 0),
    "blender": (4, 2, 0),
    "location": "3D Viewport > Sidebar > Pipeline",
    "description": "Validates object naming and layout and computes the shot manifest",
    "category": "Scene",
}

import threading

import bpy

from . import checks


class ValidationIssue(bpy.types.PropertyGroup):
    check: bpy.props.StringProperty(name="Check")
    message: bpy.props.StringProperty(name="Message")


class ShotValidatorResults(bpy.types.PropertyGroup):
    issues: bpy.props.CollectionProperty(type=ValidationIssue)
    manifest: bpy.props.StringProperty(name="Manifest", default="")
    validated: bpy.props.BoolProperty(name="Validated", default=False)


def run_checks(snapshot, distance_limit):
    """Run the checks side by side; returns {check name: result}."""
    jobs = {
        "naming": (checks.check_names, (snapshot,)),
        "bounds": (checks.check_bounds, (snapshot, distance_limit)),
        "duplicates": (checks.check_duplicates, (snapshot,)),
        "manifest": (checks.manifest_digest, (snapshot,)),
    }
    results = {}

    def run(key, func, args):
        results[key] = func(*args)

    workers = [threading.Thread(target=run, args=(key, func, args), name="check-" + key)
               for key, (func, args) in jobs.items()]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


class SHOTVALIDATOR_OT_validate(bpy.types.Operator):
    """Validate the objects of the file against the pipeline rules"""
    bl_idname = "shot_validator.validate"
    bl_label = "Validate Shot"
    bl_options = {'REGISTER', 'UNDO'}

    distance_limit: bpy.props.FloatProperty(name="Distance Limit", default=100.0, min=1.0)

    def execute(self, context):
        snapshot = [(obj.name, tuple(obj.location)) for obj in bpy.data.objects]
        results = run_checks(snapshot, self.distance_limit)

        state = context.scene.shot_validator
        state.issues.clear()
        for check in ("naming", "bounds", "duplicates"):
            for message in results[check]:
                issue = state.issues.add()
                issue.check = check
                issue.message = message
        state.manifest = results["manifest"]
        state.validated = True
        self.report({'INFO'}, "%d issues, manifest %s" % (len(state.issues), state.manifest))
        return {'FINISHED'}


class SHOTVALIDATOR_PT_panel(bpy.types.Panel):
    bl_label = "Shot Validator"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Pipeline"

    def draw(self, context):
        layout = self.layout
        state = context.scene.shot_validator
        layout.operator(SHOTVALIDATOR_OT_validate.bl_idname, icon='CHECKMARK')
        if not state.validated:
            layout.label(text="Not validated yet")
            return
        layout.label(text="Manifest: " + state.manifest)
        box = layout.box()
        if len(state.issues) == 0:
            box.label(text="No issues", icon='CHECKMARK')
        for issue in state.issues:
            row = box.row()
            row.alert = True
            row.label(text="[%s] %s" % (issue.check, issue.message), icon='ERROR')


classes = (ValidationIssue, ShotValidatorResults, SHOTVALIDATOR_OT_validate, SHOTVALIDATOR_PT_panel)


def register():
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.Scene.shot_validator = bpy.props.PointerProperty(type=ShotValidatorResults)


def unregister():
    del bpy.types.Scene.shot_validator
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
