"""livepix.open / Image.save round trips and livepix.ImageError."""

import errno
import os
import threading

import numpy as np
import pytest

import livepix
from conftest import SKIMAGE_DATA, pattern

# (extension, dtype, channels) combinations the formats store exactly.
ROUND_TRIPS = [
    ("png", "uint8", 1), ("png", "uint8", 3), ("png", "uint8", 4),
    ("png", "uint16", 1), ("png", "uint16", 4),
    ("tif", "uint8", 3), ("tif", "uint16", 2), ("tif", "float32", 4),
    ("exr", "float16", 1), ("exr", "float16", 4), ("exr", "float32", 3),
]


@pytest.mark.parametrize("ext, dtype, channels", ROUND_TRIPS)
def test_save_then_open_gives_the_same_pixels(tmp_path, ext, dtype, channels):
    source = pattern((9, 13, channels), dtype)
    if dtype == "uint8" and channels in (2, 4):
        source[..., -1] = 255 - source[..., -1]  # an alpha with varied values, kept straight
    img = livepix.Image.from_array(source)
    path = tmp_path / f"round.{ext}"
    img.save(path)
    assert img.path == str(path)
    back = livepix.open(path)
    assert (back.width, back.height, back.channels) == (13, 9, channels)
    assert back.dtype == dtype
    assert back.path == str(path)
    np.testing.assert_array_equal(np.asarray(back).reshape(source.shape), source)


def test_float16_values_survive_exr_exactly(tmp_path):
    source = np.array([[0.0, 1.0, -2.5, 65504.0], [np.inf, -np.inf, 6.1e-5, 0.333]], np.float16)
    livepix.Image.from_array(source).save(tmp_path / "half.exr")
    np.testing.assert_array_equal(np.asarray(livepix.open(tmp_path / "half.exr")), source)


def test_crop_and_channel_view_save_only_what_they_show(tmp_path):
    img = livepix.Image.from_array(pattern((10, 10, 4), "uint8"))
    img.view(2, 3, 4, 5).channel_view(0, 3).save(tmp_path / "crop.png")
    back = livepix.open(tmp_path / "crop.png")
    np.testing.assert_array_equal(np.asarray(back), np.asarray(img)[3:8, 2:6, :3])


def test_jpeg_quality_option_changes_the_file(tmp_path):
    rng = np.random.default_rng(1)
    img = livepix.Image.from_array(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8))
    img.save(tmp_path / "low.jpg", quality=10)
    img.save(tmp_path / "high.jpg", quality=95)
    assert os.path.getsize(tmp_path / "low.jpg") < os.path.getsize(tmp_path / "high.jpg")
    assert livepix.open(tmp_path / "low.jpg").shape == (64, 64, 3)


def test_compression_option_is_passed_to_the_writer(tmp_path):
    img = livepix.Image.from_array(np.zeros((64, 64, 3), np.float32))
    img.save(tmp_path / "none.exr", compression="none")
    img.save(tmp_path / "zip.exr", compression="zip")
    assert os.path.getsize(tmp_path / "zip.exr") < os.path.getsize(tmp_path / "none.exr")


def test_bad_option_value_types_are_type_errors(tmp_path):
    with pytest.raises(TypeError, match="save option values"):
        livepix.Image(2, 2).save(tmp_path / "x.png", compression=["zip"])


def test_metadata_is_written_and_read_back(tmp_path):
    img = livepix.Image(4, 4, 3)
    img.metadata["Artist"] = "livepix tests"
    img.save(tmp_path / "meta.tif")
    assert livepix.open(tmp_path / "meta.tif").metadata["Artist"] == "livepix tests"


@pytest.mark.parametrize("ext", ["png", "tif", "jpg", "exr"])
def test_metadata_alone_is_read_without_the_pixels(tmp_path, ext):
    img = livepix.Image.from_array(pattern((6, 5, 3), "uint8"))
    img.metadata["Software"] = "made by a test"
    img.save(tmp_path / f"a.{ext}")
    entries = livepix._livepix._read_metadata(tmp_path / f"a.{ext}")
    assert ("Software", "string", "made by a test") in entries
    assert entries == livepix.open(tmp_path / f"a.{ext}")._metadata_entries()  # what a load gives
    (tmp_path / "bad.png").write_bytes(b"not an image at all")
    with pytest.raises(livepix.ImageError, match="bad.png"):
        livepix._livepix._read_metadata(tmp_path / "bad.png")


def test_opens_real_files_like_pillow_does():
    PIL = pytest.importorskip("PIL.Image")
    for name in ("astronaut.png", "camera.png", "chessboard_GRAY_U16.tif"):
        path = SKIMAGE_DATA / name
        if not path.exists():
            pytest.skip(f"{path} is missing (python3-skimage)")
        ours = np.asarray(livepix.open(path))
        theirs = np.asarray(PIL.open(path))
        assert ours.shape == theirs.shape
        np.testing.assert_array_equal(ours, theirs.astype(ours.dtype))


def test_image_error_is_an_oserror_naming_the_file(tmp_path):
    assert issubclass(livepix.ImageError, OSError)
    missing = tmp_path / "missing.png"
    with pytest.raises(OSError) as caught:
        livepix.open(missing)
    error = caught.value
    assert isinstance(error, livepix.ImageError)
    assert error.filename == str(missing)
    assert error.errno == errno.ENOENT
    assert error.strerror == "no such file"
    assert str(error) == f"{missing}: no such file"


def test_folder_is_an_eisdir_image_error(tmp_path):
    with pytest.raises(livepix.ImageError) as caught:
        livepix.open(tmp_path)
    assert caught.value.errno == errno.EISDIR
    assert caught.value.filename == str(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_an_eacces_image_error(tmp_path):
    path = tmp_path / "secret.png"
    livepix.Image(2, 2).save(path)
    path.chmod(0)
    with pytest.raises(livepix.ImageError) as caught:
        livepix.open(path)
    assert caught.value.errno == errno.EACCES


def test_not_an_image_names_file_and_reason(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("this is text, not a PNG")
    with pytest.raises(livepix.ImageError, match=r"notes\.png: ") as caught:
        livepix.open(path)
    assert caught.value.errno is None  # the file is fine, its content is not
    assert caught.value.strerror


def test_truncated_jpeg_is_an_error_not_a_half_image():
    path = SKIMAGE_DATA / "truncated.jpg"
    if not path.exists():
        pytest.skip("python3-skimage data missing")
    with pytest.raises(livepix.ImageError, match="truncated.jpg"):
        livepix.open(path)


def test_open_accepts_str_bytes_and_pathlike(tmp_path):
    path = tmp_path / "p.png"
    livepix.Image(3, 2, 1).save(str(path))
    assert livepix.open(path).shape == (2, 3)
    assert livepix.open(str(path)).shape == (2, 3)
    assert livepix.open(os.fsencode(path)).shape == (2, 3)
    with pytest.raises(TypeError, match="os.PathLike"):
        livepix.open(42)


def test_failed_save_keeps_the_original_file(tmp_path):
    path = tmp_path / "keep.jpg"
    livepix.Image.from_array(np.full((8, 8, 3), 200, np.uint8)).save(path)
    original = path.read_bytes()
    with pytest.raises(livepix.ImageError, match=r"keep\.jpg: quality .*100"):
        livepix.Image(8, 8, 3).save(path, quality=500)
    assert path.read_bytes() == original
    assert sorted(os.listdir(tmp_path)) == ["keep.jpg"]  # no temporary left behind


def test_save_into_a_missing_folder_is_an_enoent_image_error(tmp_path):
    with pytest.raises(livepix.ImageError) as caught:
        livepix.Image(2, 2).save(tmp_path / "no" / "such" / "x.png")
    assert caught.value.errno == errno.ENOENT
    assert "does not exist" in str(caught.value)


def test_unknown_extension_is_an_image_error(tmp_path):
    with pytest.raises(livepix.ImageError, match=r"x\.xyz: .*'\.xyz'"):
        livepix.Image(2, 2).save(tmp_path / "x.xyz")


def test_failed_save_does_not_change_the_path(tmp_path):
    img = livepix.Image(2, 2)
    img.path = "before.png"
    with pytest.raises(livepix.ImageError):
        img.save(tmp_path / "x.xyz")
    assert img.path == "before.png"


def test_loads_from_several_threads_at_once(tmp_path):
    # open() releases the GIL while OpenImageIO decodes, so these overlap.
    path = tmp_path / "big.tif"
    livepix.Image.from_array(pattern((512, 512, 4), "float32")).save(path)
    results = []
    threads = [threading.Thread(target=lambda: results.append(livepix.open(path).shape)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [(512, 512, 4)] * 4
