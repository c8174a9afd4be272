"""Image.from_array: copies any (H, W) or (H, W, C) array into a new image."""

import numpy as np
import pytest

import livepix
from conftest import pattern


def test_two_dimensional_array_becomes_one_channel(dtype):
    source = pattern((5, 7), dtype)
    img = livepix.Image.from_array(source)
    assert (img.width, img.height, img.channels) == (7, 5, 1)
    assert img.dtype == source.dtype
    np.testing.assert_array_equal(np.asarray(img), source)


@pytest.mark.parametrize("channels", [1, 2, 3, 4, 7])
def test_three_dimensional_array_keeps_its_channels(dtype, channels):
    source = pattern((4, 6, channels), dtype)
    img = livepix.Image.from_array(source)
    assert (img.width, img.height, img.channels) == (6, 4, channels)
    result = np.asarray(img)
    np.testing.assert_array_equal(result.reshape(4, 6, channels), source)


def test_the_image_is_a_copy_not_a_view():
    source = pattern((3, 4, 3), "uint8")
    img = livepix.Image.from_array(source)
    assert not np.shares_memory(np.asarray(img), source)
    source[:] = 0
    assert np.asarray(img).any()


def test_non_contiguous_input():
    big = pattern((10, 12, 4), "uint16")
    source = big[1::3, ::2, 1:3]  # every third row, every other column, two channels
    assert not source.flags.c_contiguous
    np.testing.assert_array_equal(np.asarray(livepix.Image.from_array(source)), source)


def test_negative_strides_input():
    source = pattern((6, 5, 3), "float32")[::-1, ::-1]
    assert source.strides[0] < 0 and source.strides[1] < 0
    np.testing.assert_array_equal(np.asarray(livepix.Image.from_array(source)), source)


def test_fortran_order_input():
    source = np.asfortranarray(pattern((6, 5, 3), "float16"))
    np.testing.assert_array_equal(np.asarray(livepix.Image.from_array(source)), source)


def test_big_endian_input_is_converted_to_native():
    source = pattern((3, 4), "uint16").astype(">u2")
    img = livepix.Image.from_array(source)
    assert img.dtype == np.uint16
    np.testing.assert_array_equal(np.asarray(img), source)


def test_float64_becomes_float32():
    source = np.linspace(0, 1, 12).reshape(3, 4)
    img = livepix.Image.from_array(source)
    assert img.dtype == np.float32
    np.testing.assert_allclose(np.asarray(img), source, rtol=1e-7)


def test_array_likes_are_accepted():
    img = livepix.Image.from_array([[1.0, 2.0], [3.0, 4.0]])  # a nested list is float64
    assert img.shape == (2, 2) and img.dtype == np.float32
    again = livepix.Image.from_array(img)  # another image: a deep copy
    assert again._data_ptr != img._data_ptr
    np.testing.assert_array_equal(np.asarray(again), np.asarray(img))


@pytest.mark.parametrize("dtype", ["bool", "int8", "int32", "int64", "uint32", "float128", "complex64"])
def test_other_dtypes_raise_type_error_naming_the_dtype(dtype):
    with pytest.raises(TypeError, match=f"from a {np.dtype(dtype).name} array"):
        livepix.Image.from_array(np.zeros((2, 2), dtype))


@pytest.mark.parametrize("shape", [(4,), (2, 3, 4, 1), ()])
def test_wrong_number_of_dimensions_is_a_value_error(shape):
    with pytest.raises(ValueError, match=r"shape \(height, width\) or \(height, width, channels\)"):
        livepix.Image.from_array(np.zeros(shape, np.uint8))


def test_empty_array_is_a_value_error():
    with pytest.raises(ValueError, match="empty array"):
        livepix.Image.from_array(np.zeros((0, 4, 3), np.uint8))


def test_channels_first_array_gets_a_hint():
    with pytest.raises(ValueError, match="moveaxis"):
        livepix.Image.from_array(np.zeros((3, 4, 5000), np.uint8))
