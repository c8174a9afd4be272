"""Property-based tests (Hypothesis) over shapes, strides, views, channel
subsets and dtypes.

- from_array of any array (non-contiguous, negative strides, Fortran order)
  round-trips exactly;
- any valid view or channel view, through every export (NumPy, memoryview,
  DLPack), equals the NumPy slice of its parent and shares its memory;
- invalid sizes and views always raise, never crash.

Runs are bounded (max_examples, no deadline, no example database) so the
suite stays fast, also under ASan.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import as_strided

import livepix
from conftest import DTYPES

INT_MAX = 2**31 - 1
PTRDIFF_MAX = 2**63 - 1

bounded = settings(max_examples=60, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def fill(shape, dtype, seed):
    """Distinct-ish values, exactly representable in `dtype`."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 2000 if dtype != "uint8" else 256, size=shape)
    if np.dtype(dtype).kind == "f":
        values = values / 8.0
    return values.astype(dtype)


@st.composite
def arrays(draw, dtypes=DTYPES + ["float64"]):
    """Any (H, W) or (H, W, C) array: sliced with steps (negative too), maybe
    transposed to Fortran order, maybe not owning its data."""
    dtype = draw(st.sampled_from(dtypes))
    height = draw(st.integers(1, 20))
    width = draw(st.integers(1, 20))
    channels = draw(st.none() | st.integers(1, 6))
    steps = [draw(st.sampled_from([1, 2, 3, -1, -2])) for _ in range(3)]
    shape = (height * abs(steps[0]), width * abs(steps[1]))
    if channels is not None:
        shape += (channels * abs(steps[2]),)
    base = fill(shape, dtype, draw(st.integers(0, 2**32 - 1)))
    index = (slice(None, None, steps[0]), slice(None, None, steps[1]))
    if channels is not None:
        index += (slice(None, None, steps[2]),)
    array = base[index]
    if draw(st.booleans()):
        array = np.asfortranarray(array)
    return array


@st.composite
def images(draw):
    dtype = draw(st.sampled_from(DTYPES))
    width = draw(st.integers(1, 24))
    height = draw(st.integers(1, 24))
    channels = draw(st.integers(1, 6))
    img = livepix.Image(width, height, channels, dtype)
    np.asarray(img)[...] = fill(img.shape, dtype, draw(st.integers(0, 2**32 - 1)))
    return img


@st.composite
def images_with_rect(draw):
    img = draw(images())
    x = draw(st.integers(0, img.width - 1))
    y = draw(st.integers(0, img.height - 1))
    w = draw(st.integers(1, img.width - x))
    h = draw(st.integers(1, img.height - y))
    return img, (x, y, w, h)


def as_3d(array):
    return array if array.ndim == 3 else array[..., np.newaxis]


@bounded
@given(arrays())
def test_from_array_round_trips_any_array(array):
    img = livepix.Image.from_array(array)
    expected = array.astype(np.float32) if array.dtype == np.float64 else array
    if expected.ndim == 3 and expected.shape[2] == 1:
        expected = expected[..., 0]  # one channel exports as (H, W)
    out = np.asarray(img)
    assert out.dtype == expected.dtype
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)
    assert not np.shares_memory(out, array)


@bounded
@given(images_with_rect())
def test_any_valid_view_is_the_numpy_slice_and_shares_memory(case):
    img, (x, y, w, h) = case
    parent = np.asarray(img)
    view = img.view(x, y, w, h)
    expected = parent[y:y + h, x:x + w]
    for exported in (np.asarray(view), np.asarray(memoryview(view)), np.from_dlpack(view)):
        assert exported.shape == expected.shape
        assert exported.strides == expected.strides
        np.testing.assert_array_equal(exported, expected)
        assert np.shares_memory(exported, parent)
    # A write through the view lands in the parent, at the right place.
    marker = np.array(7, dtype=img.dtype)
    np.asarray(view)[-1, -1] = marker
    assert (parent[y + h - 1, x + w - 1] == marker).all()


@bounded
@given(images_with_rect(), st.data())
def test_channel_views_of_views_are_numpy_slices(case, data):
    img, (x, y, w, h) = case
    first = data.draw(st.integers(0, img.channels - 1))
    count = data.draw(st.integers(1, img.channels - first))
    sub = img.view(x, y, w, h).channel_view(first, count)
    expected = as_3d(np.asarray(img))[y:y + h, x:x + w, first:first + count]
    if count == 1:
        expected = expected[..., 0]
    out = np.asarray(sub)
    assert out.shape == expected.shape and out.strides == expected.strides
    np.testing.assert_array_equal(out, expected)
    assert np.shares_memory(out, np.asarray(img))
    # The same subset taken the other way round is the same memory.
    other = np.asarray(img.channel_view(first, count).view(x, y, w, h))
    assert other.__array_interface__["data"][0] == out.__array_interface__["data"][0]
    np.testing.assert_array_equal(sub.copy(), expected)


@bounded
@given(images(), st.tuples(*[st.integers(-2**70, 2**70)] * 4))
def test_invalid_views_always_raise_index_error(img, rect):
    x, y, w, h = rect
    assume(not (0 <= x and 0 <= y and w > 0 and h > 0 and x + w <= img.width and y + h <= img.height))
    with pytest.raises(IndexError):
        img.view(x, y, w, h)


@bounded
@given(images(), st.integers(-2**40, 2**40), st.integers(-2**40, 2**40))
def test_invalid_channel_views_always_raise_index_error(img, first, count):
    assume(not (0 <= first and count > 0 and first + count <= img.channels))
    with pytest.raises(IndexError):
        img.channel_view(first, count)


def byte_count(width, height, channels, dtype):
    row = width * channels * np.dtype(dtype).itemsize
    return (row + 63) // 64 * 64 * height


sizes = st.integers(1, 40) | st.integers(-2**64, 2**64) | st.sampled_from([0, -1, INT_MAX, 2**31, 2**29, 2**30])


@bounded
@given(sizes, sizes, st.integers(1, 8) | st.integers(-2**40, 2**40), st.sampled_from(DTYPES))
def test_sizes_either_make_the_image_or_raise_value_error(width, height, channels, dtype):
    valid = (0 < width <= INT_MAX and 0 < height <= INT_MAX and 1 <= channels <= 1024
             and byte_count(width, height, channels, dtype) <= PTRDIFF_MAX)
    # Valid but huge would only test the machine's memory: leave those out.
    assume(not valid or byte_count(width, height, channels, dtype) <= 1 << 22)
    if valid:
        img = livepix.Image(width, height, channels, dtype)
        assert (img.width, img.height, img.channels) == (width, height, channels)
        assert img.nbytes == width * height * channels * np.dtype(dtype).itemsize
    else:
        with pytest.raises(ValueError):
            livepix.Image(width, height, channels, dtype)


edges = st.integers(1, 8) | st.sampled_from([2**29, 2**30, INT_MAX, 2**31, 2**40])


@bounded
@given(edges, edges, st.none() | st.integers(1, 8) | st.sampled_from([16, 1024, 1025]), st.sampled_from(DTYPES))
def test_from_array_of_any_claimed_shape_copies_or_raises(height, width, channels, dtype):
    # Zero strides let an array claim any shape over one element.
    shape = (height, width) if channels is None else (height, width, channels)
    try:
        array = as_strided(np.ones(1, dtype), shape=shape, strides=(0,) * len(shape))
    except ValueError:  # NumPy refuses more than 2^63 bytes itself
        assume(False)
    count = byte_count(width, height, channels or 1, dtype)
    fits = height <= INT_MAX and width <= INT_MAX and (channels or 1) <= 1024 and count <= PTRDIFF_MAX
    assume(not fits or count <= 1 << 22)
    if fits:
        assert (np.asarray(livepix.Image.from_array(array)) == 1).all()
    else:
        with pytest.raises(ValueError):
            livepix.Image.from_array(array)
