"""Shared fixtures for the livepix Python tests (run through ctest)."""

import gc
import os
from pathlib import Path

import numpy as np
import pytest

import livepix

# ctest puts the build-tree package first on sys.path; make sure that is the
# one under test and not an installed copy.
_build_dir = os.environ.get("LIVEPIX_BUILD_DIR")
if _build_dir:
    assert Path(livepix.__file__).resolve().is_relative_to(Path(_build_dir).resolve()), livepix.__file__

DTYPES = ["uint8", "uint16", "float16", "float32"]

SKIMAGE_DATA = Path("/usr/lib/python3/dist-packages/skimage/data")


def pattern(shape, dtype):
    """Distinct, exactly representable values for every component."""
    count = int(np.prod(shape))
    values = np.arange(count) % (251 if dtype == "uint8" else 2000)
    if np.dtype(dtype).kind == "f":
        values = values / 8.0
    return values.astype(dtype).reshape(shape)


def collect():
    """Full collection, so only real references keep buffers alive."""
    for _ in range(3):
        gc.collect()


@pytest.fixture
def live_buffers():
    """Returns a function giving the number of PixelBuffers alive now."""
    collect()

    def count():
        collect()
        return livepix._live_buffers()

    return count


@pytest.fixture(params=DTYPES)
def dtype(request):
    return request.param


# --- Direct access to the buffer protocol, to test each request flag. ---
import ctypes  # noqa: E402
from contextlib import contextmanager  # noqa: E402

PyBUF_SIMPLE = 0
PyBUF_WRITABLE = 0x0001
PyBUF_FORMAT = 0x0004
PyBUF_ND = 0x0008
PyBUF_STRIDES = 0x0010 | PyBUF_ND
PyBUF_C_CONTIGUOUS = 0x0020 | PyBUF_STRIDES
PyBUF_F_CONTIGUOUS = 0x0040 | PyBUF_STRIDES
PyBUF_ANY_CONTIGUOUS = 0x0080 | PyBUF_STRIDES


class Py_buffer(ctypes.Structure):
    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.py_object),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
        ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
        ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)),
        ("internal", ctypes.c_void_p),
    ]


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(Py_buffer), ctypes.c_int]
_get_buffer.restype = ctypes.c_int
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.POINTER(Py_buffer)]
_release_buffer.restype = None


@contextmanager
def raw_buffer(obj, flags):
    """PyObject_GetBuffer(obj, flags) as a context manager yielding a dict."""
    view = Py_buffer()
    _get_buffer(obj, ctypes.byref(view), flags)  # raises the Python error on failure
    try:
        ndim = view.ndim
        yield {
            "buf": view.buf,
            "len": view.len,
            "itemsize": view.itemsize,
            "readonly": bool(view.readonly),
            "ndim": ndim,
            "format": view.format.decode() if view.format else None,
            "shape": tuple(view.shape[i] for i in range(ndim)) if view.shape else None,
            "strides": tuple(view.strides[i] for i in range(ndim)) if view.strides else None,
        }
    finally:
        _release_buffer(ctypes.byref(view))
