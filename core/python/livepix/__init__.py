"""livepix: images in shared, strided pixel buffers, viewable live.

The same package works in a plain ``python3`` and inside the livepix app's
console. ``np.asarray(img)`` is a writable view of the image's memory (no
copy); so are ``memoryview(img)``, ``np.from_dlpack(img)`` and
``PIL.Image.frombuffer(mode, size, img, "raw", mode, img.strides[0], 1)``.
Every such view keeps the pixel memory alive on its own.

See docs/PYTHON.md for the full reference.
"""

from ._livepix import Image, ImageError, open, readable_extensions, writable_extensions, _live_buffers
from ._livepix import histogram, statistics, auto_levels, colormaps, colormap, compare_metrics, difference
from ._livepix import History, HistoryEntry, set_undo_limit
from ._metadata import Metadata
from . import filters
from .filters import filter
from .attach import connect

# Show the public home of the type (livepix.Image, not livepix._livepix.Image).
Image.__module__ = __name__
History.__module__ = __name__
HistoryEntry.__module__ = __name__

__all__ = [
    "Image",
    "ImageError",
    "Metadata",
    "open",
    "readable_extensions",
    "writable_extensions",
    "histogram",
    "statistics",
    "auto_levels",
    "colormaps",
    "colormap",
    "compare_metrics",
    "difference",
    "History",
    "HistoryEntry",
    "set_undo_limit",
    "filters",
    "filter",
    "connect",
    "batch",
]


def __getattr__(name):
    # livepix.batch on first use: it is a subpackage that `import livepix`
    # does not load (it is only needed for batch runs, which import Dask).
    if name == "batch":
        import importlib
        return importlib.import_module(".batch", __name__)
    raise AttributeError(f"module 'livepix' has no attribute '{name}'")
