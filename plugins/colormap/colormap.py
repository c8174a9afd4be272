"""False colour: maps each pixel's brightness through a colour map into the
R, G, B channels (alpha is kept). Needs an RGB or RGBA image."""
import numpy as np

import livepix

# Control points (position, r, g, b) sampled from matplotlib's maps; np.interp
# fills in between.
MAPS = {
    "viridis": [(0.0, 0.267, 0.005, 0.329), (0.25, 0.229, 0.322, 0.546), (0.5, 0.128, 0.567, 0.551),
                (0.75, 0.369, 0.789, 0.383), (1.0, 0.993, 0.906, 0.144)],
    "magma": [(0.0, 0.001, 0.000, 0.014), (0.25, 0.316, 0.072, 0.485), (0.5, 0.716, 0.215, 0.475),
              (0.75, 0.987, 0.536, 0.382), (1.0, 0.987, 0.991, 0.750)],
    "heat": [(0.0, 0.0, 0.0, 0.0), (0.4, 1.0, 0.0, 0.0), (0.8, 1.0, 1.0, 0.0), (1.0, 1.0, 1.0, 1.0)],
    "gray": [(0.0, 0.0, 0.0, 0.0), (1.0, 1.0, 1.0, 1.0)],
}


@livepix.filter("False Colour", params=[
    {"name": "map", "type": "choice", "choices": list(MAPS), "default": "viridis", "label": "Colour map"},
    {"name": "invert", "type": "bool", "default": False, "label": "Reverse the map"},
], pointwise=True)
def false_colour(array, map, invert):
    if array.ndim != 3 or array.shape[2] < 3:
        raise ValueError("False Colour needs an RGB or RGBA image")
    white = float(np.iinfo(array.dtype).max) if array.dtype.kind == "u" else 1.0
    rgb = array[..., :3]
    # Rec. 709 luma of the (display-referred) values, as a fraction of white.
    luma = np.clip((rgb.astype(np.float32) @ np.float32([0.2126, 0.7152, 0.0722])) / white, 0.0, 1.0)
    if invert:
        luma = 1.0 - luma
    points = np.array(MAPS[map], dtype=np.float32)
    for c in range(3):
        channel = np.interp(luma, points[:, 0], points[:, c + 1]) * white
        rgb[..., c] = np.rint(channel) if array.dtype.kind == "u" else channel
