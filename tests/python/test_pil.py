"""PIL.Image.frombuffer(mode, size, img, "raw", mode, stride, 1) shares memory."""

import numpy as np
import pytest

import livepix

PIL = pytest.importorskip("PIL.Image")
ImageDraw = pytest.importorskip("PIL.ImageDraw")


def shared_pil(img, mode):
    return PIL.frombuffer(mode, (img.width, img.height), img, "raw", mode, img.strides[0], 1)


def test_numpy_edit_shows_in_the_pil_image():
    img = livepix.Image(5, 3, 4)  # 20-byte rows padded to 64: Pillow must use the stride
    pil = shared_pil(img, "RGBA")
    np.asarray(img)[2, 4] = (10, 20, 30, 40)
    np.asarray(img)[1, 0] = (1, 2, 3, 4)
    assert pil.getpixel((4, 2)) == (10, 20, 30, 40)
    assert pil.getpixel((0, 1)) == (1, 2, 3, 4)
    assert np.asarray(pil).shape == (3, 5, 4)  # Pillow's own view, compact copy
    np.testing.assert_array_equal(np.asarray(pil), np.asarray(img))


@pytest.mark.parametrize("mode, channels, dtype, value", [
    ("L", 1, "uint8", 200),
    ("I;16", 1, "uint16", 60000),
])
def test_single_channel_modes_share_memory(mode, channels, dtype, value):
    img = livepix.Image(7, 2, channels, dtype)
    pil = shared_pil(img, mode)
    np.asarray(img)[1, 6] = value
    assert pil.getpixel((6, 1)) == value


def test_pil_frombuffer_image_is_readonly_so_putpixel_copies_first():
    # Pillow marks frombuffer images read-only; its first write detaches a copy.
    img = livepix.Image(4, 4, 4)
    pil = shared_pil(img, "RGBA")
    assert pil.readonly
    pil.putpixel((1, 1), (9, 9, 9, 9))
    assert pil.getpixel((1, 1)) == (9, 9, 9, 9)
    assert not np.asarray(img).any()  # the core image was not touched
    np.asarray(img)[0, 0] = 5
    assert pil.getpixel((0, 0)) == (0, 0, 0, 0)  # and the PIL image no longer shares


def test_pil_writes_reach_the_image_when_pillow_is_told_the_memory_is_writable():
    img = livepix.Image(5, 3, 4)
    pil = shared_pil(img, "RGBA")
    pil.readonly = 0  # the buffer is writable (img.readonly is False): let Pillow write in place
    pil.putpixel((4, 2), (9, 8, 7, 6))
    assert tuple(np.asarray(img)[2, 4]) == (9, 8, 7, 6)
    ImageDraw.Draw(pil).rectangle((0, 0, 1, 1), fill=(1, 2, 3, 4))
    assert (np.asarray(img)[0:2, 0:2] == (1, 2, 3, 4)).all()
    assert not np.asarray(img)[2, 0:4].any()


def test_crop_shares_memory_with_the_parent_through_pil():
    img = livepix.Image(5, 3, 4)
    crop = img.view(1, 0, 3, 2)
    pil = shared_pil(crop, "RGBA")
    np.asarray(img)[1, 2] = (1, 2, 3, 4)
    assert pil.getpixel((1, 1)) == (1, 2, 3, 4)


def test_pil_image_keeps_the_buffer_alive(live_buffers):
    img = livepix.Image(5, 3, 4)
    np.asarray(img)[2, 4] = (10, 20, 30, 40)
    pil = shared_pil(img, "RGBA")
    count = live_buffers()
    del img
    assert live_buffers() == count
    assert pil.getpixel((4, 2)) == (10, 20, 30, 40)
    del pil
    assert live_buffers() == count - 1
