# expect: clean
# hostrace: --invoke prompt_palette.generate:prompt=sunset,variants=3
# Prompt Palette: the Generate operator copies its settings on the main
# thread and submits one job per variant to a concurrent.futures
# ThreadPoolExecutor; the jobs compute colours with plain Python and return
# them. A modal operator driven by wm.event_timer_add polls future.done() on
# the main thread and writes the finished palettes into the scene's
# collection there; the workers never touch bpy, so nothing races the draw.
"""Generate colour palettes from a text prompt without freezing the UI."""

bl_info = {
    "name": "Prompt Palette",
    "author": "hostrace corpus",
    "version": (0, 4, 0),
    "blender": (4, 2, 0),
    "location": "3D Viewport > Sidebar > Palette",
    "description": "Generates colour palettes from a prompt in the background",
    "category": "Material",
}

from concurrent.futures import ThreadPoolExecutor

import bpy

from . import generator


class PaletteSwatch(bpy.types.PropertyGroup):
    variant: bpy.props.IntProperty(name="Variant", default=0)
    color: bpy.props.FloatVectorProperty(name="Color", subtype='COLOR', size=3, min=0.0, max=1.0)


class PromptPaletteSettings(bpy.types.PropertyGroup):
    prompt: bpy.props.StringProperty(name="Prompt", default="sunset over the sea")
    swatches: bpy.props.CollectionProperty(type=PaletteSwatch)
    busy: bpy.props.BoolProperty(name="Generating", default=False)


class PROMPTPALETTE_OT_generate(bpy.types.Operator):
    """Generate palettes for the prompt in the background"""
    bl_idname = "prompt_palette.generate"
    bl_label = "Generate Palettes"
    bl_options = {'REGISTER', 'UNDO'}

    prompt: bpy.props.StringProperty(name="Prompt", default="")
    variants: bpy.props.IntProperty(name="Variants", default=2, min=1, max=6)
    colors: bpy.props.IntProperty(name="Colours", default=5, min=3, max=8)

    def invoke(self, context, event):
        settings = context.scene.prompt_palette
        prompt = self.prompt or settings.prompt
        settings.prompt = prompt
        settings.swatches.clear()
        settings.busy = True

        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="palette")
        self._futures = [
            self._executor.submit(generator.generate_palette, prompt, variant, self.colors)
            for variant in range(self.variants)
        ]
        self._applied = set()
        wm = context.window_manager
        self._timer = wm.event_timer_add(0.1, window=context.window)
        wm.progress_begin(0, len(self._futures))
        wm.modal_handler_add(self)
        return {'RUNNING_MODAL'}

    def modal(self, context, event):
        if event.type == 'ESC':
            self.cancel(context)
            return {'CANCELLED'}
        if event.type != 'TIMER':
            return {'PASS_THROUGH'}

        settings = context.scene.prompt_palette
        for variant, future in enumerate(self._futures):
            if variant in self._applied or not future.done():
                continue
            for rgb in future.result():
                swatch = settings.swatches.add()
                swatch.variant = variant
                swatch.color = rgb
            self._applied.add(variant)
            context.window_manager.progress_update(len(self._applied))

        if len(self._applied) < len(self._futures):
            return {'PASS_THROUGH'}
        self._finish(context)
        self.report({'INFO'}, "Generated %d palettes" % len(self._futures))
        return {'FINISHED'}

    def _finish(self, context, cancel_pending=False):
        wm = context.window_manager
        wm.event_timer_remove(self._timer)
        wm.progress_end()
        self._executor.shutdown(wait=False, cancel_futures=cancel_pending)
        context.scene.prompt_palette.busy = False

    def cancel(self, context):
        self._finish(context, cancel_pending=True)


class PROMPTPALETTE_PT_panel(bpy.types.Panel):
    bl_label = "Prompt Palette"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Palette"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.prompt_palette
        layout.prop(settings, "prompt", text="")
        row = layout.row()
        row.enabled = not settings.busy
        row.operator(PROMPTPALETTE_OT_generate.bl_idname, icon='COLOR')
        current, row = None, None
        for swatch in settings.swatches:
            if swatch.variant != current:
                current = swatch.variant
                row = layout.box().row()
            row.prop(swatch, "color", text="")


classes = (PaletteSwatch, PromptPaletteSettings, PROMPTPALETTE_OT_generate, PROMPTPALETTE_PT_panel)


def register():
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.Scene.prompt_palette = bpy.props.PointerProperty(type=PromptPaletteSettings)


def unregister():
    del bpy.types.Scene.prompt_palette
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
