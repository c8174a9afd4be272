#!/usr/bin/python3
"""Renders resources/sample.png, the image livepix opens when started with no file.

Everything is computed here (no third-party artwork), so the sample is as
free as the code. It shows what a viewer should display well: smooth colour
gradients, saturated hues, soft and hard alpha (transparent corners and a
translucent glass panel over the checkerboard), and fine detail (a zone plate
and one-pixel lines) that reveals resampling quality when zooming.

Run:  /usr/bin/python3 resources/make_sample.py   (needs NumPy and Pillow)
"""
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont

W, H = 1024, 768
yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
u, v = xx / (W - 1), yy / (H - 1)


def hsv_to_rgb(h, s, val):
    i = np.floor(h * 6.0) % 6
    f = h * 6.0 - np.floor(h * 6.0)
    p, q, t = val * (1 - s), val * (1 - f * s), val * (1 - (1 - f) * s)
    choices = [(val, t, p), (q, val, p), (p, val, t), (p, q, val), (t, p, val), (val, p, q)]
    out = np.zeros(h.shape + (3,))
    for k, (r, g, b) in enumerate(choices):
        m = i == k
        out[m, 0], out[m, 1], out[m, 2] = r[m], g[m], b[m]
    return out


# Background: a dusk sky, deep blue at the top to warm orange at the horizon.
top = np.array([0.06, 0.08, 0.22])
mid = np.array([0.55, 0.22, 0.45])
low = np.array([1.00, 0.62, 0.30])
t = v[..., None]
rgb = np.where(t < 0.6, top + (mid - top) * (t / 0.6), mid + (low - mid) * ((t - 0.6) / 0.4))

# A sun with a soft glow.
sx, sy = 0.72 * W, 0.58 * H
d = np.hypot(xx - sx, yy - sy)
glow = np.exp(-(d / 160.0) ** 2)[..., None]
rgb = rgb + glow * np.array([0.9, 0.55, 0.2]) * 0.8
disc = np.clip((70.0 - d) / 2.0, 0, 1)[..., None]
rgb = rgb * (1 - disc) + disc * np.array([1.0, 0.93, 0.75])

# Rolling hills in front (hard edges, darker hues).
for k, (amp, freq, base, col) in enumerate([
        (28, 2.3, 0.80, (0.20, 0.10, 0.25)),
        (22, 3.7, 0.87, (0.10, 0.06, 0.16)),
        (14, 6.1, 0.93, (0.04, 0.03, 0.08))]):
    ridge = base * H + amp * np.sin(freq * 2 * np.pi * u + k) + 0.4 * amp * np.sin(3.1 * freq * 2 * np.pi * u)
    edge = np.clip(yy - ridge + 0.5, 0, 1)[..., None]
    rgb = rgb * (1 - edge) + edge * np.array(col)

# A hue wheel (full saturation) top-left.
cx, cy, r0 = 190, 200, 120
dx, dy = xx - cx, yy - cy
rr = np.hypot(dx, dy)
hue = (np.arctan2(dy, dx) / (2 * np.pi)) % 1.0
wheel = hsv_to_rgb(hue, np.clip(rr / r0, 0, 1), np.ones_like(rr))
inside = np.clip(r0 - rr + 0.5, 0, 1)[..., None]
rgb = rgb * (1 - inside) + inside * wheel

# A zone plate (fine detail; aliases visibly under poor resampling).
zx, zy, zr = 520, 190, 110
dz2 = (xx - zx) ** 2 + (yy - zy) ** 2
# Local frequency r / (4 zr) cycles per pixel: 0.25 at the rim, so it is
# clean at 1:1 and shows how well a view filters when zoomed out.
zone = 0.5 + 0.5 * np.cos(np.pi * dz2 / (4.0 * zr))
zin = np.clip(zr - np.sqrt(dz2) + 0.5, 0, 1)[..., None]
rgb = rgb * (1 - zin) + zin * zone[..., None]

# One-pixel lines and a fine checker strip (detail at 1:1 and beyond).
strip = (slice(330, 360), slice(660, 980))
checker = ((xx.astype(int) // 1 + yy.astype(int) // 1) % 2).astype(float)
rgb[strip] = checker[strip][..., None]
for i, x in enumerate(range(660, 980, 8)):
    rgb[300:322, x] = hsv_to_rgb(np.array([i / 40.0]), np.array([1.0]), np.array([1.0]))[0]

rgb = np.clip(rgb, 0, 1)
alpha = np.ones((H, W))

# A translucent glass panel with a rainbow gradient (soft alpha 0.25..0.85).
px0, py0, px1, py1 = 640, 80, 980, 280
panel = (yy >= py0) & (yy < py1) & (xx >= px0) & (xx < px1)
pu = (xx - px0) / (px1 - px0)
glass = hsv_to_rgb(pu, np.full_like(pu, 0.75), np.ones_like(pu))
a_panel = 0.25 + 0.6 * pu
rgb[panel] = glass[panel]
alpha[panel] = a_panel[panel]

# Rounded, fully transparent corners and a feathered edge.
R = 48.0
qx = np.minimum(xx, W - 1 - xx)
qy = np.minimum(yy, H - 1 - yy)
cd = np.where((qx < R) & (qy < R), R - np.hypot(R - qx, R - qy), np.minimum(qx, qy))
alpha *= np.clip(cd / 3.0, 0, 1)

img = np.dstack([rgb, alpha])
img8 = (img * 255.0 + 0.5).astype(np.uint8)
pil = Image.fromarray(img8, "RGBA")

draw = ImageDraw.Draw(pil)
try:
    font = ImageFont.truetype("DejaVuSans-Bold.ttf", 64)
    small = ImageFont.truetype("DejaVuSans.ttf", 22)
except OSError:
    font = small = ImageFont.load_default()
draw.text((60, 560), "livepix", font=font, fill=(255, 255, 255, 255))
draw.text((64, 640), "one buffer: Qt, NumPy and plugins share these pixels", font=small,
          fill=(255, 240, 220, 230))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample.png")
pil.save(out, optimize=True)
print(out)
