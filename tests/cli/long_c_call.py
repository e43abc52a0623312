# One long C call that is work, not a loop: sum() over a big range runs in
# C for a few seconds of real time (line 11) without a scheduling point and
# with its Python frame standing still. Not a hang at --stall; only
# --timeout bounds it. HOSTRACE_TEST_SUM sets the range's length.
import os

import bpy

n = int(os.environ.get("HOSTRACE_TEST_SUM", "200000000"))
bpy.context.scene.frame_current = 2
total = sum(range(n))
bpy.context.scene.frame_current = 3
