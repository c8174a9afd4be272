"""livepix.Image: construction, attributes, copy, view, metadata, revision."""

import copy
import pickle

import numpy as np
import pytest

import livepix
from conftest import DTYPES


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_new_image_is_zero_filled_with_padded_rows(dtype, channels):
    img = livepix.Image(10, 7, channels, dtype)
    assert (img.width, img.height, img.channels) == (10, 7, channels)
    assert img.dtype == np.dtype(dtype)
    assert img.dtype == dtype  # a numpy.dtype compares equal to its name
    itemsize = np.dtype(dtype).itemsize
    row = 10 * channels * itemsize
    padded = (row + 63) // 64 * 64
    if channels == 1:
        assert img.shape == (7, 10)
        assert img.strides == (padded, itemsize)
    else:
        assert img.shape == (7, 10, channels)
        assert img.strides == (padded, channels * itemsize, itemsize)
    assert img.itemsize == itemsize
    assert img.nbytes == 10 * 7 * channels * itemsize
    assert img._data_ptr % 64 == 0
    assert not np.asarray(img).any()


def test_defaults_are_rgba_uint8():
    img = livepix.Image(3, 2)
    assert img.shape == (2, 3, 4)
    assert img.dtype == np.uint8
    assert img.channel_names == ["R", "G", "B", "A"]
    assert img.path == ""
    assert img.readonly is False
    assert img.source_type == ""
    assert dict(img.metadata) == {}


@pytest.mark.parametrize("spelling", [np.float32, "float32", "f4", np.dtype("<f4"), "single"])
def test_dtype_accepts_what_numpy_understands(spelling):
    assert livepix.Image(2, 2, 1, spelling).dtype == np.float32


@pytest.mark.parametrize("spelling, named", [("int32", "int32"), ("float", "float64"), ("b", "int8"),
                                             (np.float64, "float64"), (bool, "bool")])
def test_unsupported_dtype_is_a_type_error_naming_it(spelling, named):
    with pytest.raises(TypeError, match=f"not {named}"):
        livepix.Image(2, 2, 1, spelling)


def test_nonsense_dtype_is_a_type_error():
    with pytest.raises(TypeError, match="not understood"):
        livepix.Image(2, 2, 1, "pixels")


@pytest.mark.parametrize("args, message", [
    ((0, 5), "size must be positive, got 0x5"),
    ((5, -1), "size must be positive, got 5x-1"),
    ((5, 5, 0), "channels must be 1..1024, got 0"),
    ((5, 5, 2000), "channels must be 1..1024, got 2000"),
])
def test_bad_sizes_raise_value_errors_naming_the_value(args, message):
    with pytest.raises(ValueError, match=message):
        livepix.Image(*args)


def test_non_integer_size_is_a_type_error():
    with pytest.raises(TypeError, match=r"width must be an int, got 2.5 \(float\)"):
        livepix.Image(2.5, 3)
    with pytest.raises(TypeError, match="x must be an int"):
        livepix.Image(4, 3).view(0.5, 0, 1, 1)


def test_keyword_arguments():
    img = livepix.Image(width=4, height=3, channels=1, dtype="uint16")
    assert img.shape == (3, 4)


def test_repr_names_size_channels_dtype_and_file(tmp_path):
    img = livepix.Image(640, 480)
    assert repr(img) == "<livepix.Image 640x480 RGBA uint8>"
    img.path = tmp_path / "x.png"
    img.readonly = True
    assert repr(img) == f"<livepix.Image 640x480 RGBA uint8 from '{tmp_path / 'x.png'}', read-only>"
    assert repr(livepix.Image(2, 2, 6, "float32")) == "<livepix.Image 2x2 6 channels float32>"
    assert repr(livepix.Image(2, 2, 1, "float16")) == "<livepix.Image 2x2 Y float16>"


def test_channel_names_can_be_renamed_with_the_same_count():
    img = livepix.Image(2, 2, 3)
    img.channel_names = ["X", "Y", "Z"]
    assert img.channel_names == ["X", "Y", "Z"]
    with pytest.raises(ValueError, match="expected 3 channel names, got 2"):
        img.channel_names = ["X", "Y"]


def test_copy_is_deep_and_keeps_descriptive_state():
    img = livepix.Image(4, 3, 3)
    np.asarray(img)[:] = 9
    img.metadata["Artist"] = "me"
    img.channel_names = ["a", "b", "c"]
    twin = img.copy()
    assert twin._data_ptr != img._data_ptr
    np.testing.assert_array_equal(np.asarray(twin), np.asarray(img))
    assert twin.metadata["Artist"] == "me"
    assert twin.channel_names == ["a", "b", "c"]
    np.asarray(twin)[:] = 1
    assert (np.asarray(img) == 9).all()
    assert copy.deepcopy(img)._data_ptr != img._data_ptr
    assert copy.copy(img)._data_ptr == img._data_ptr  # a new handle, same pixels


def test_view_is_a_crop_sharing_memory():
    img = livepix.Image(8, 6, 4)
    crop = img.view(2, 1, 3, 4)
    assert crop.shape == (4, 3, 4)
    assert crop.strides == img.strides
    assert crop._data_ptr == img._data_ptr + 1 * img.strides[0] + 2 * img.strides[1]
    np.asarray(crop)[:] = 77
    whole = np.asarray(img)
    assert (whole[1:5, 2:5] == 77).all()
    assert whole.sum() == 77 * 4 * 3 * 4


def test_view_outside_the_image_is_an_index_error():
    with pytest.raises(IndexError, match="outside the 8x6 image"):
        livepix.Image(8, 6).view(6, 0, 3, 3)


def test_channel_view_shares_memory_with_the_channels():
    img = livepix.Image(3, 2, 4)
    alpha = img.channel_view(3)
    assert alpha.shape == (2, 3)
    assert alpha.channel_names == ["A"]
    np.asarray(alpha)[:] = 255
    assert (np.asarray(img)[..., 3] == 255).all()
    assert not np.asarray(img)[..., :3].any()


def test_mark_changed_bumps_the_shared_revision():
    img = livepix.Image(2, 2)
    crop = img.view(0, 0, 1, 1)
    before = img.revision
    img.mark_changed()
    assert img.revision == before + 1
    assert crop.revision == img.revision  # the revision belongs to the buffer


def test_metadata_is_a_live_typed_mapping():
    img = livepix.Image(2, 2)
    img.metadata["Artist"] = "Ada"
    img.metadata["Orientation"] = 1
    img.metadata["XResolution"] = 72.5
    assert img.metadata["Artist"] == "Ada"
    assert img.metadata["Orientation"] == 1 and isinstance(img.metadata["Orientation"], int)
    assert img.metadata["XResolution"] == 72.5
    assert img.metadata.types() == {"Artist": "string", "Orientation": "int", "XResolution": "float"}
    assert len(img.metadata) == 3 and "Artist" in img.metadata
    del img.metadata["Artist"]
    assert "Artist" not in img.metadata
    with pytest.raises(KeyError):
        img.metadata["Artist"]
    img.metadata = {"Software": "livepix"}
    assert dict(img.metadata) == {"Software": "livepix"}


def test_readonly_is_a_flag_checked_at_export():
    img = livepix.Image(2, 2)
    img.readonly = True
    with pytest.raises(ValueError, match="read-only"):
        np.asarray(img)[0, 0] = 1
    img.readonly = False
    np.asarray(img)[0, 0] = 1
    assert np.asarray(img)[0, 0, 0] == 1


def test_pickle_round_trip_copies_pixels_and_state():
    img = livepix.Image.from_array(np.arange(24, dtype=np.uint16).reshape(2, 4, 3))
    img.channel_names = ["X", "Y", "Z"]
    img.path = "/some/where.tif"
    img.metadata["Artist"] = "me"
    img.readonly = True
    back = pickle.loads(pickle.dumps(img))
    assert back._data_ptr != img._data_ptr
    np.testing.assert_array_equal(np.asarray(back), np.asarray(img))
    assert back.dtype == np.uint16 and back.shape == img.shape
    assert back.channel_names == ["X", "Y", "Z"]
    assert back.path == "/some/where.tif"
    assert back.metadata["Artist"] == "me"
    assert back.readonly
