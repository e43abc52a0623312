"""A tiny colour-palette "model": deterministic, pure Python, no bpy.

It stands in for a generative model behind an API: each call takes a while
(a fixed number of denoising steps) and returns a list of RGB triples.
"""

import colorsys
import hashlib
import time

STEPS = 8
STEP_TIME = 0.02

MOODS = {
    "sunset": (0.05, 0.8), "ocean": (0.55, 0.6), "forest": (0.3, 0.5),
    "neon": (0.85, 1.0), "desert": (0.1, 0.45), "ice": (0.52, 0.25),
}


def _seed_floats(prompt, variant):
    digest = hashlib.sha256(("%s#%d" % (prompt, variant)).encode("utf-8")).digest()
    return [byte / 255.0 for byte in digest]


def generate_palette(prompt, variant, count):
    """Return ``count`` (r, g, b) colours for ``prompt``; variant picks a seed."""
    noise = _seed_floats(prompt.lower(), variant)
    base_hue, saturation = 0.0, 0.6
    for word, (hue, sat) in MOODS.items():
        if word in prompt.lower():
            base_hue, saturation = hue, sat
            break
    else:
        base_hue = noise[0]
    colors = []
    for step in range(STEPS):  # "denoising": refine the palette step by step
        time.sleep(STEP_TIME)
        spread = 0.25 * (1.0 - step / STEPS)
        colors = []
        for i in range(count):
            hue = (base_hue + (noise[i + 1] - 0.5) * spread + i * 0.04) % 1.0
            value = 0.35 + 0.6 * noise[i + 9]
            colors.append(colorsys.hsv_to_rgb(hue, saturation, value))
    return colors
