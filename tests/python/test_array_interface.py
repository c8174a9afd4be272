"""__array_interface__ (version 3) over the core buffer."""

import sys

import numpy as np
import pytest

import livepix
from conftest import pattern

ENDIAN = "<" if sys.byteorder == "little" else ">"
TYPESTR = {"uint8": "|u1", "uint16": ENDIAN + "u2", "float16": ENDIAN + "f2", "float32": ENDIAN + "f4"}


class Exposes:
    """Any object exposing an __array_interface__ (and keeping its owner alive)."""

    def __init__(self, owner, interface):
        self.owner = owner
        self.__array_interface__ = interface


@pytest.mark.parametrize("channels", [1, 2, 4])
def test_interface_describes_the_core_memory(dtype, channels):
    img = livepix.Image(6, 3, channels, dtype)
    interface = img.__array_interface__
    assert interface["version"] == 3
    assert interface["typestr"] == TYPESTR[dtype]
    assert interface["data"] == (img._data_ptr, False)
    assert interface["shape"] == ((3, 6) if channels == 1 else (3, 6, channels))
    assert interface["strides"] == img.strides
    assert np.dtype(interface["typestr"]) == img.dtype


def test_readonly_flag_is_in_the_data_tuple():
    img = livepix.Image(2, 2)
    img.readonly = True
    assert img.__array_interface__["data"] == (img._data_ptr, True)
    array = np.asarray(Exposes(img, img.__array_interface__))
    assert not array.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        array[0, 0, 0] = 1


def test_any_exposing_object_converts_without_copy_and_edits_in_place(dtype):
    img = livepix.Image.from_array(pattern((4, 5, 3), dtype))
    before = np.asarray(img).copy()
    holder = Exposes(img, img.__array_interface__)
    array = np.asarray(holder)
    assert array.base is holder  # NumPy keeps the exposing object as base
    assert array.__array_interface__["data"][0] == img._data_ptr
    assert np.shares_memory(array, np.asarray(img))
    assert array.strides == img.strides
    array += 2  # in place: no new array, the image changes
    np.testing.assert_array_equal(np.asarray(img), before + np.asarray(2, dtype))


def test_asarray_of_image_uses_the_buffer_and_keeps_pointer_identity():
    img = livepix.Image(7, 5, 4, "uint16")
    array = np.asarray(img)
    assert array.__array_interface__["data"][0] == img._data_ptr
    assert array.__array_interface__["data"][0] == img.__array_interface__["data"][0]


def test_crop_interface_points_into_the_parent():
    img = livepix.Image(9, 9, 1, "float32")
    crop = img.view(3, 2, 4, 4)
    interface = crop.__array_interface__
    assert interface["data"][0] == img._data_ptr + 2 * img.strides[0] + 3 * 4
    array = np.asarray(Exposes(crop, interface))
    array[...] = 1.5
    assert np.asarray(img).sum() == 1.5 * 16


def test_pillow_fromarray_reads_the_interface():
    PIL = pytest.importorskip("PIL.Image")
    source = pattern((3, 4, 4), "uint8")
    img = livepix.Image.from_array(source)
    # Padded rows make Pillow copy (it only maps compact arrays); the pixels match.
    np.testing.assert_array_equal(np.asarray(PIL.fromarray(np.asarray(img))), source)
