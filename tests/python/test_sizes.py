"""Sizes that do not fit raise a clear error naming the values.

Byte counts, strides and offsets are computed with overflow-checked arithmetic
in the core: a huge size must never wrap around to a small allocation that
later writes run past (the issue's example crashed the interpreter).
"""

import numpy as np
import pytest
from numpy.lib.stride_tricks import as_strided

import livepix

INT_MAX = 2**31 - 1


@pytest.mark.parametrize("size, overflow", [
    # The issue's example: the byte count was 2^64, which wrapped to 0.
    ((2**29, 2**29, 16, "float32"), "34359738368 * 536870912 overflows"),
    # One to four channels overflow too; refusing many channels is no fix.
    ((INT_MAX, INT_MAX, 4, "float32"), "34359738368 * 2147483647 overflows"),
    ((INT_MAX, INT_MAX, 3, "uint8"), "is larger than the largest offset"),
    ((INT_MAX, INT_MAX, 2, "uint16"), "is larger than the largest offset"),
    ((INT_MAX, INT_MAX, 1, "float32"), "is larger than the largest offset"),
    ((INT_MAX, 2**30, 1, "float32"), "is larger than the largest offset"),
    ((2**30, 2**30, 4, "float16"), "is larger than the largest offset"),
])
def test_overflowing_byte_counts_raise_value_error_naming_the_layout(size, overflow, live_buffers):
    before = live_buffers()
    width, height, channels, dtype = size
    with pytest.raises(ValueError) as info:
        livepix.Image(width, height, channels, dtype)
    message = str(info.value)
    assert f"{width}x{height} image with {channels} {dtype} channel" in message
    assert "too large" in message and overflow in message
    assert live_buffers() == before


def test_the_issue_example_no_longer_reaches_a_write():
    with pytest.raises(ValueError, match="too large"):
        img = livepix.Image(2**29, 2**29, channels=16, dtype="float32")
        np.asarray(img.view(0, 0, 64, 64))[:] = 1  # used to segfault


def test_representable_but_impossible_sizes_raise_memory_error():
    # 2^62 bytes: the arithmetic fits, the memory does not.
    with pytest.raises(MemoryError):
        livepix.Image(INT_MAX, INT_MAX, 1, "uint8")


@pytest.mark.parametrize("args, message", [
    ((2**31, 4), "width 2147483648 is outside the range"),
    ((4, 2**31), "height 2147483648 is outside the range"),
    ((4, 4, 2**32 + 3), "channels 4294967299 is outside the range"),
    ((2**64, 4), "width 18446744073709551616 is outside the range"),
    ((-(2**63) - 1, 4), "width -9223372036854775809 is outside the range"),
    ((-1, 4), "size must be positive, got -1x4"),
])
def test_sizes_beyond_int_raise_value_error_naming_the_value(args, message):
    with pytest.raises(ValueError, match=message):
        livepix.Image(*args)


def test_numpy_integers_are_accepted_as_sizes():
    img = livepix.Image(np.int64(5), np.uint16(3), np.int8(2))
    assert img.shape == (3, 5, 2)
    assert img.view(np.int32(1), np.int64(1), np.uint8(2), np.int16(2)).shape == (2, 2, 2)


@pytest.mark.parametrize("rect", [
    (1, 0, INT_MAX, 1),       # x + width wrapped negative with int sums
    (0, 1, 1, INT_MAX),
    (INT_MAX, INT_MAX, INT_MAX, INT_MAX),
    (-(2**31), 0, 1, 1),
    (2**31, 0, 1, 1),         # beyond int altogether
    (0, 0, 2**64, 1),
    (0, 0, -(2**70), 1),
])
def test_views_outside_the_image_raise_index_error(rect):
    img = livepix.Image(10, 8, 4, "float32")
    with pytest.raises(IndexError):
        img.view(*rect)
    with pytest.raises(IndexError):
        img.view(2, 2, 4, 4).view(*rect)


@pytest.mark.parametrize("first, count", [(1, INT_MAX), (INT_MAX, 1), (0, 2**40), (-1, 1), (4, 1)])
def test_channel_views_outside_the_image_raise_index_error(first, count):
    with pytest.raises(IndexError):
        livepix.Image(3, 3, 4).channel_view(first, count)


@pytest.mark.parametrize("shape, dtype, error", [
    ((INT_MAX, INT_MAX), "uint8", MemoryError),        # 2^62 bytes: fits the arithmetic, not the memory
    ((2**29, 2**29, 16), "uint8", MemoryError),
    ((INT_MAX, 2**31), "uint8", ValueError),           # wider than an int
    ((3, 3, 1025), "float32", ValueError),
])
def test_from_array_of_a_huge_broadcast_array_raises_cleanly(shape, dtype, error, live_buffers):
    # A zero-stride array can claim any shape NumPy accepts while holding one
    # element; NumPy itself refuses more than 2^63 bytes, so the byte counts
    # that overflow are tested with Image() above.
    before = live_buffers()
    huge = as_strided(np.zeros(1, dtype), shape=shape, strides=(0,) * len(shape))
    with pytest.raises(error):
        livepix.Image.from_array(huge)
    assert live_buffers() == before


@pytest.mark.parametrize("shape, message", [
    ((2**31, 1), "is too large for an image: width and height are at most 2147483647"),
    ((1, 2**31, 3), "is too large for an image"),
    ((1, 1, 2000), "at most 1024 channels"),
])
def test_from_array_names_the_shape_it_refuses(shape, message):
    huge = as_strided(np.zeros(1, np.uint8), shape=shape, strides=(0,) * len(shape))
    with pytest.raises(ValueError, match=message):
        livepix.Image.from_array(huge)


@pytest.mark.parametrize("channels", [1, 2, 3, 4, 7])
def test_nbytes_and_exports_of_a_wide_image_agree(channels):
    # A row longer than 2^31 bytes would wrap a 32-bit count: about 2 GiB of
    # address space, of which only the last page is touched.
    width = 2**29 // channels + 1
    img = livepix.Image(width, 1, channels, "float32")
    assert img.nbytes == width * channels * 4
    assert memoryview(img).nbytes == img.nbytes
    interface = img.__array_interface__
    assert interface["shape"][:2] == (1, width)
    array = np.asarray(img)
    array[0, -1] = 5  # the last pixel is addressable
    assert float(np.from_dlpack(img)[0, -1].max()) == 5
