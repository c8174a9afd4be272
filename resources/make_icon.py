#!/usr/bin/python3
"""Renders resources/livepix.png, the raster twin of livepix.svg (Qt loads
PNG icons without the optional SVG plugin).

Run:  /usr/bin/python3 resources/make_icon.py   (needs NumPy and Pillow)
"""
import os

import numpy as np
from PIL import Image, ImageDraw

S = 256
K = 4  # supersampling for smooth edges
N = S * K


def s(v):
    return int(round(v * N / 128.0))


# Gradient in the inner square, as in the SVG: #ff5f6d -> #ffc371 -> #2bc0e4 along the diagonal.
yy, xx = np.mgrid[0:N, 0:N].astype(np.float64)
t = np.clip(((xx - s(18)) + (yy - s(18))) / (2.0 * s(92)), 0, 1)[..., None]
c0, c1, c2 = (np.array(c, float) for c in ((255, 95, 109), (255, 195, 113), (43, 192, 228)))
grad = np.where(t < 0.5, c0 + (c1 - c0) * (t / 0.5), c1 + (c2 - c1) * ((t - 0.5) / 0.5))
gradient = Image.fromarray(np.dstack([grad, np.full((N, N), 255.0)]).astype(np.uint8), "RGBA")

icon = Image.new("RGBA", (N, N), (0, 0, 0, 0))
draw = ImageDraw.Draw(icon)
draw.rounded_rectangle([s(8), s(8), s(120), s(120)], radius=s(20), fill=(30, 34, 48, 255))
mask = Image.new("L", (N, N), 0)
ImageDraw.Draw(mask).rounded_rectangle([s(18), s(18), s(110), s(110)], radius=s(10), fill=255)
icon.paste(gradient, (0, 0), mask)

overlay = Image.new("RGBA", (N, N), (0, 0, 0, 0))
od = ImageDraw.Draw(overlay)
dark = (30, 34, 48)
for x, y, a in ((30, 30, 0.85), (56, 30, 0.35), (30, 56, 0.35), (56, 56, 0.85), (82, 82, 0.85)):
    od.rectangle([s(x), s(y), s(x + 16) - 1, s(y + 16) - 1], fill=dark + (int(255 * a),))
for y, length in ((36, 22), (46, 14)):
    od.line([s(78), s(y), s(78 + length), s(y)], fill=dark + (255,), width=s(5))
    for x in (78, 78 + length):
        od.ellipse([s(x) - s(2.5), s(y) - s(2.5), s(x) + s(2.5), s(y) + s(2.5)], fill=dark + (255,))
icon = Image.alpha_composite(icon, overlay).resize((S, S), Image.LANCZOS)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "livepix.png")
icon.save(out, optimize=True)
print(out)
