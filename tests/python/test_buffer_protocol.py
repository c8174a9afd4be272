"""The buffer protocol: memoryview(img) and np.asarray(img) view the core buffer."""

import ctypes
import struct
import zlib

import numpy as np
import pytest

import livepix
from conftest import (PyBUF_ANY_CONTIGUOUS, PyBUF_C_CONTIGUOUS, PyBUF_F_CONTIGUOUS, PyBUF_FORMAT, PyBUF_ND,
                      PyBUF_SIMPLE, PyBUF_STRIDES, PyBUF_WRITABLE, pattern, raw_buffer)

FORMATS = {"uint8": "B", "uint16": "H", "float16": "e", "float32": "f"}


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_memoryview_format_shape_and_real_strides(dtype, channels):
    img = livepix.Image(5, 3, channels, dtype)
    view = memoryview(img)
    assert view.format == FORMATS[dtype]
    assert view.itemsize == np.dtype(dtype).itemsize
    assert view.shape == img.shape
    assert view.strides == img.strides
    assert view.strides[0] % 64 == 0  # padded rows, not a compacted copy
    assert not view.readonly
    assert view.nbytes == img.nbytes
    assert not view.c_contiguous  # 5 pixels never fill a 64-byte row


def test_memoryview_writes_reach_the_image():
    img = livepix.Image(4, 3, 4)
    view = memoryview(img)
    view[1, 2, 0] = 200
    assert np.asarray(img)[1, 2, 0] == 200


@pytest.mark.parametrize("flags", [PyBUF_ND, PyBUF_C_CONTIGUOUS, PyBUF_F_CONTIGUOUS, PyBUF_ANY_CONTIGUOUS])
def test_contiguous_requests_are_refused_for_padded_rows(flags):
    img = livepix.Image(5, 3, 4)
    with pytest.raises(BufferError, match="contiguous"):
        with raw_buffer(img, flags):
            pass


def test_strided_request_gets_shape_strides_and_format():
    img = livepix.Image(5, 3, 2, "uint16")
    with raw_buffer(img, PyBUF_STRIDES | PyBUF_FORMAT | PyBUF_WRITABLE) as view:
        assert view["buf"] == img._data_ptr
        assert (view["ndim"], view["shape"], view["strides"]) == (3, img.shape, img.strides)
        assert (view["format"], view["itemsize"], view["len"]) == ("H", 2, img.nbytes)
    with raw_buffer(img, PyBUF_STRIDES) as view:
        assert view["format"] is None  # not asked for: "B" by convention, but here itemsize says 2


def test_plain_byte_request_gets_the_padded_rows():
    # What PIL.Image.frombuffer asks for: bytes it addresses with its own stride.
    img = livepix.Image(5, 3, 4)
    with raw_buffer(img, PyBUF_SIMPLE) as view:
        assert view["buf"] == img._data_ptr
        assert view["len"] == 3 * img.strides[0]
        assert (view["ndim"], view["itemsize"], view["shape"], view["strides"]) == (1, 1, None, None)
    crop = img.view(0, 1, 2, 2)
    with raw_buffer(crop, PyBUF_SIMPLE) as view:
        assert view["buf"] == img._data_ptr + img.strides[0]
        assert view["len"] == 2 * crop.strides[0]
    row = img.view(1, 1, 2, 1)  # one row is contiguous: exactly its bytes
    with raw_buffer(row, PyBUF_SIMPLE) as view:
        assert view["len"] == 2 * 4


def test_plain_byte_request_of_a_crop_at_the_bottom_stops_at_the_allocation():
    img = livepix.Image(5, 3, 4)
    crop = img.view(1, 1, 3, 2)
    with raw_buffer(crop, PyBUF_SIMPLE) as view:
        assert view["len"] == 3 * img.strides[0] - (img.strides[0] + img.strides[1])


def test_writable_request_of_a_readonly_image_is_refused():
    img = livepix.Image(5, 3, 4)
    img.readonly = True
    for flags in (PyBUF_WRITABLE, PyBUF_STRIDES | PyBUF_WRITABLE):
        with pytest.raises(BufferError, match="read-only"):
            with raw_buffer(img, flags):
                pass
    with raw_buffer(img, PyBUF_SIMPLE) as view:
        assert view["readonly"]


def test_crc32_of_the_plain_bytes_covers_the_padded_rows():
    img = livepix.Image.from_array(pattern((3, 5, 4), "uint8"))
    padded = ctypes.string_at(img._data_ptr, 3 * img.strides[0])
    assert zlib.crc32(img) == zlib.crc32(padded)


def test_compact_image_is_c_contiguous():
    img = livepix.Image(16, 2, 4)  # 16 * 4 = 64 bytes: no padding
    view = memoryview(img)
    assert view.c_contiguous
    assert np.frombuffer(img, np.uint8).size == 16 * 2 * 4


def test_bytes_gives_the_pixels_without_padding(dtype):
    source = pattern((3, 5, 3), dtype)
    img = livepix.Image.from_array(source)
    assert bytes(img) == source.tobytes()
    assert memoryview(img).tobytes() == source.tobytes()


def test_float16_round_trip():
    source = np.array([[0.0, 1.0, -2.5, 65504.0], [np.inf, -np.inf, 6.1e-5, 0.333]], np.float16)
    img = livepix.Image.from_array(source)
    view = memoryview(img)
    assert view.format == "e"  # memoryview itself cannot index "e"; NumPy and struct can
    np.testing.assert_array_equal(np.asarray(view), source)
    assert np.asarray(view).dtype == np.float16
    assert struct.unpack("<4e", bytes(img)[8:16]) == tuple(float(v) for v in source[1])
    np.asarray(img)[0, 0] = 0.5
    assert np.asarray(memoryview(img))[0, 0] == 0.5
    np.testing.assert_array_equal(np.asarray(livepix.Image.from_array(np.asarray(img))), np.asarray(img))


def test_asarray_is_zero_copy_and_writable():
    img = livepix.Image(6, 4, 3, "float32")
    array = np.asarray(img)
    assert array.__array_interface__["data"][0] == img._data_ptr
    assert array.strides == img.strides
    assert array.flags.writeable
    # NumPy took the buffer protocol: its base is a memoryview of the image,
    # which holds both the Image object and (through the export) the buffer.
    assert isinstance(array.base, memoryview) and array.base.obj is img
    array[2, 3] = (0.25, 0.5, 1.0)
    assert memoryview(img)[2, 3, 1] == 0.5


def test_readonly_image_gives_readonly_views():
    img = livepix.Image(3, 2, 1)
    img.readonly = True
    view = memoryview(img)
    assert view.readonly
    array = np.asarray(img)
    assert not array.flags.writeable
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        array[0, 0] = 1
    with pytest.raises(TypeError):
        view[0, 0] = 1


def test_slicing_stays_a_view_into_the_core_buffer():
    img = livepix.Image(8, 10, 3)
    array = np.asarray(img)
    every_other_row = array[::2]
    assert np.shares_memory(every_other_row, array)
    assert every_other_row.__array_interface__["data"][0] == img._data_ptr
    assert every_other_row.strides[0] == 2 * img.strides[0]
    every_other_row[1] = 42  # row 2 of the image
    assert (np.asarray(img)[2] == 42).all()
    assert not np.asarray(img)[1].any()
    column = array[:, 5, 1]
    assert column.__array_interface__["data"][0] == img._data_ptr + 5 * img.strides[1] + img.strides[2]


def test_fancy_indexing_is_a_copy_that_leaves_the_image_alone():
    img = livepix.Image(4, 6, 1)
    array = np.asarray(img)
    picked = array[[0, 2, 4]]
    assert not np.shares_memory(picked, array)
    picked[:] = 99
    assert not np.asarray(img).any()


def test_channel_view_exports_its_real_strides():
    img = livepix.Image.from_array(pattern((3, 4, 4), "uint16"))
    green = img.channel_view(1)
    view = memoryview(green)
    assert view.shape == (3, 4)
    assert view.strides == (img.strides[0], img.strides[1])  # steps over the other channels
    np.testing.assert_array_equal(np.asarray(green), np.asarray(img)[..., 1])


def test_plain_byte_request_of_a_channel_view_is_refused():
    img = livepix.Image(4, 3, 4)
    for view in (img.channel_view(0, 3), img.channel_view(3, 1)):
        with pytest.raises(BufferError, match="not stored row by row"):
            zlib.crc32(view)
    with raw_buffer(img.channel_view(0, 3), PyBUF_STRIDES) as strided:  # with strides it is fine
        assert strided["strides"] == img.strides
