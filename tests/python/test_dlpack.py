"""__dlpack__ / __dlpack_device__: np.from_dlpack(img) is zero-copy."""

import gc

import numpy as np
import pytest

import livepix
from conftest import pattern


def test_device_is_the_cpu():
    assert livepix.Image(1, 1).__dlpack_device__() == (1, 0)


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_from_dlpack_is_zero_copy_with_the_real_strides(dtype, channels):
    source = pattern((5, 6, channels), dtype)
    img = livepix.Image.from_array(source)
    array = np.from_dlpack(img)
    assert array.dtype == img.dtype
    assert array.shape == img.shape
    assert array.strides == img.strides
    assert array.__array_interface__["data"][0] == img._data_ptr
    np.testing.assert_array_equal(array.reshape(source.shape), source)
    np.asarray(img)[0, 0] = 3  # a write through another view shows up
    assert (array[0, 0] == 3).all()


def test_crop_and_channel_view_export_offset_and_strides():
    img = livepix.Image.from_array(pattern((6, 7, 4), "float32"))
    crop = img.view(2, 1, 3, 4).channel_view(1, 2)
    array = np.from_dlpack(crop)
    assert array.__array_interface__["data"][0] == crop._data_ptr
    np.testing.assert_array_equal(array, np.asarray(img)[1:5, 2:5, 1:3])


def test_capsule_not_consumed_releases_its_buffer_reference(live_buffers):
    img = livepix.Image(4, 4)
    refs = img._buffer_refs
    capsule = img.__dlpack__()
    assert img._buffer_refs == refs + 1
    del capsule
    gc.collect()
    assert img._buffer_refs == refs


def test_copy_true_exports_a_copy():
    img = livepix.Image(3, 3, 1)
    array = np.from_dlpack(_Wrap(img.__dlpack__(copy=True)))
    assert array.__array_interface__["data"][0] != img._data_ptr


def test_readonly_image_is_refused_like_numpy_does():
    img = livepix.Image(3, 3)
    img.readonly = True
    with pytest.raises(BufferError, match="read-only"):
        np.from_dlpack(img)


def test_non_cpu_requests_are_refused():
    img = livepix.Image(3, 3)
    with pytest.raises(BufferError, match="stream"):
        img.__dlpack__(stream=1)
    with pytest.raises(BufferError, match="CPU"):
        img.__dlpack__(dl_device=(2, 0))


class _Wrap:
    """Hands an existing capsule to np.from_dlpack."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, stream=None):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)
