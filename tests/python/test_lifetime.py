"""Exported views keep the pixel buffer alive; the last reference frees it."""

import gc

import numpy as np
import pytest

import livepix
from conftest import pattern


def filled(value=7, dtype="uint8", shape=(6, 9, 4)):
    img = livepix.Image(shape[1], shape[0], shape[2], dtype)
    np.asarray(img)[...] = value
    return img


def test_image_alone_frees_its_buffer(live_buffers):
    count = live_buffers()
    img = livepix.Image(10, 10)
    assert live_buffers() == count + 1
    del img
    assert live_buffers() == count


EXPORTS = {
    "asarray": lambda img: np.asarray(img),
    "memoryview": lambda img: memoryview(img),
    "memoryview_ndarray": lambda img: np.asarray(memoryview(img)),
    "dlpack": lambda img: np.from_dlpack(img),
    "slice": lambda img: np.asarray(img)[::2, 1::3],
    "view_asarray": lambda img: np.asarray(img.view(1, 1, 3, 3)),
}


@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_export_outlives_the_image(kind, live_buffers):
    count = live_buffers()
    img = filled(7)
    exported = EXPORTS[kind](img)
    del img
    assert live_buffers() == count + 1  # not freed: the export holds the buffer
    values = np.asarray(exported)
    assert (values == 7).all()
    # Copying through memcpy makes ASan builds read every byte of it.
    assert bytes(memoryview(values)) == bytes([7]) * values.size
    if kind != "dlpack":  # NumPy 1.24 makes DLPack imports read-only
        values[...] = 3  # still writable memory that belongs to us
        assert (np.asarray(exported) == 3).all()
    del exported, values
    assert live_buffers() == count  # ... and freed with the last reference


def test_array_outlives_every_handle_including_a_replacement(live_buffers):
    # What the GUI does when it closes or replaces an image: drop its handle.
    count = live_buffers()
    images = {"current": filled(11)}
    array = np.asarray(images["current"])
    images["current"] = filled(22)  # replaced
    del images
    assert live_buffers() == count + 1
    assert (array == 11).all()
    del array
    assert live_buffers() == count


def test_view_keeps_the_parent_buffer(live_buffers):
    count = live_buffers()
    img = filled(5, "float32", (8, 8, 1))
    crop = img.view(2, 2, 4, 4)
    del img
    assert live_buffers() == count + 1
    assert (np.asarray(crop) == 5).all()
    del crop
    assert live_buffers() == count


def test_buffer_references_are_counted_per_export():
    img = livepix.Image(4, 4)
    base = img._buffer_refs
    a = np.asarray(img)
    m = memoryview(img)
    d = np.from_dlpack(img)
    assert img._buffer_refs == base + 3
    del a, m, d
    gc.collect()
    assert img._buffer_refs == base


def test_array_interface_base_keeps_the_image(live_buffers):
    class Exposes:
        def __init__(self, img):
            self.__array_interface__ = img.__array_interface__
            self.img = img

    count = live_buffers()
    img = filled(9, "uint16", (3, 3, 3))
    array = np.asarray(Exposes(img))
    del img
    assert live_buffers() == count + 1  # the base (holding the image) is alive
    assert (array == 9).all()
    del array
    assert live_buffers() == count


def test_from_array_copies_do_not_keep_the_source(live_buffers):
    count = live_buffers()
    img = filled(1)
    copy = livepix.Image.from_array(np.asarray(img))
    assert live_buffers() == count + 2
    del img
    assert live_buffers() == count + 1
    assert (np.asarray(copy) == 1).all()
    del copy
    assert live_buffers() == count


def test_many_exports_then_release_free_everything(live_buffers):
    count = live_buffers()
    arrays = []
    for i in range(50):
        img = livepix.Image.from_array(pattern((8, 8, 3), "uint8"))
        arrays += [np.asarray(img), memoryview(img), np.from_dlpack(img), img.view(1, 1, 2, 2)]
    del img
    assert live_buffers() == count + 50
    del arrays
    assert live_buffers() == count
