"""Threshold: colour values at or above `level` (a fraction of white) become
white, the others black. Alpha is left alone. The minimal Python plugin."""
import numpy as np

import livepix


@livepix.filter("Threshold", params=[
    {"name": "level", "type": "float", "min": 0.0, "max": 1.0, "default": 0.5, "label": "Level"},
], pointwise=True)
def threshold(array, level):
    white = np.iinfo(array.dtype).max if array.dtype.kind == "u" else 1.0
    colour = array if array.ndim == 2 else array[..., : 3 if array.shape[2] >= 3 else 1]
    colour[...] = np.where(colour >= level * white, white, 0)
