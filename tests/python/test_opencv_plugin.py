"""The OpenCV example plugin (plugins/opencvfilters): Gaussian blur and median
checked against NumPy references (and bit for bit against cv2 where
python3-opencv is installed), across bands of rows, for every layout the
plugin is handed; and the filter run's reused "before" copy."""

import numpy as np
import pytest

import livepix

try:
    import cv2
except ImportError:  # python3-opencv is a benchmark peer, not a test dependency
    cv2 = None


def gaussian_kernel(sigma):
    # OpenCV's kernel for sigma > 0: +-3 sigma, normalised (getGaussianKernel).
    width = int(np.ceil(sigma * 3)) * 2 + 1
    x = np.arange(width) - (width - 1) / 2
    k = np.exp(-x * x / (2 * sigma * sigma))
    return k / k.sum()


def gaussian_reference(a, sigma):
    """Separable convolution in float64 with OpenCV's default border
    (BORDER_REFLECT_101, NumPy's "reflect")."""
    k = gaussian_kernel(sigma)
    r = len(k) // 2
    p = np.pad(a.astype(np.float64), ((r, r), (r, r), (0, 0)), mode="reflect")
    across = sum(k[i] * p[:, i:i + a.shape[1]] for i in range(len(k)))
    return sum(k[i] * across[i:i + a.shape[0]] for i in range(len(k)))


def median_reference(a, size):
    """Median of each size x size window; OpenCV's medianBlur replicates the border."""
    r = size // 2
    p = np.pad(a, ((r, r), (r, r), (0, 0)), mode="edge")
    windows = np.stack([p[dy:dy + a.shape[0], dx:dx + a.shape[1]] for dy in range(size) for dx in range(size)])
    return np.median(windows, axis=0).astype(a.dtype)


def random_image(shape, dtype, seed=3):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "u":
        return rng.integers(0, np.iinfo(dtype).max, shape, dtype=dtype, endpoint=True)
    return rng.random(shape).astype(dtype)


def test_filters_are_registered_with_their_types():
    names = livepix.filters.names()
    assert "Gaussian Blur (OpenCV)" in names and "Median (OpenCV)" in names
    info = livepix.filters.info("Median (OpenCV)")
    assert info["plugin"] == "opencvfilters"
    assert info["dtypes"] == ["uint8", "uint16", "float32"]


# Tall enough for several 4 MiB bands: 1200 rows of 1024 float32 RGBA is 16 MiB.
@pytest.mark.parametrize("shape", [(1200, 1024, 4), (61, 47, 1), (61, 47, 2), (300, 257, 5)])
@pytest.mark.parametrize("sigma", [0.8, 2.0, 4.5])
def test_gaussian_matches_the_reference_across_bands(shape, sigma):
    a = random_image(shape, np.float32)
    image = livepix.Image.from_array(a)
    livepix.filters.apply("Gaussian Blur (OpenCV)", image, sigma=sigma)
    np.testing.assert_allclose(np.asarray(image).reshape(shape), gaussian_reference(a, sigma), atol=2e-5)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("channels", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("size", [3, 5])
def test_median_matches_the_reference(dtype, channels, size):
    a = random_image((700 if channels == 4 else 90, 1500 if channels == 4 else 70, channels), dtype)
    image = livepix.Image.from_array(a)
    livepix.filters.apply("Median (OpenCV)", image, size=size)
    np.testing.assert_array_equal(np.asarray(image).reshape(a.shape), median_reference(a, size))


def test_large_median_for_uint8_and_refused_otherwise():
    a = random_image((2000, 800, 3), np.uint8)
    image = livepix.Image.from_array(a)
    livepix.filters.apply("Median (OpenCV)", image, size=7)
    np.testing.assert_array_equal(np.asarray(image), median_reference(a, 7))
    f = random_image((20, 20, 3), np.float32)
    image = livepix.Image.from_array(f)
    with pytest.raises(ValueError, match="sizes above 5 need a uint8 image"):
        livepix.filters.apply("Median (OpenCV)", image, size=7)
    np.testing.assert_array_equal(np.asarray(image), f)  # nothing changed
    with pytest.raises(ValueError, match="size must be odd, got 4"):
        livepix.filters.apply("Median (OpenCV)", image, size=4)


def test_a_layout_the_plugin_cannot_wrap_is_filtered_in_place():
    # Two channels of an RGBA image: pixels are not interleaved, so the
    # plugin packs them, filters and writes back; the other channels stay.
    base = random_image((200, 150, 4), np.float32)
    image = livepix.Image.from_array(base)
    view = image.channel_view(1, 2)
    livepix.filters.apply("Gaussian Blur (OpenCV)", view, sigma=2.0)
    whole = np.asarray(image)
    np.testing.assert_allclose(whole[..., 1:3], gaussian_reference(base[..., 1:3], 2.0), atol=2e-5)
    np.testing.assert_array_equal(whole[..., [0, 3]], base[..., [0, 3]])


@pytest.mark.skipif(cv2 is None, reason="python3-opencv is not installed")
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_bit_exact_with_cv2(dtype):
    a = random_image((1500, 1300, 4), dtype)
    image = livepix.Image.from_array(a)
    livepix.filters.apply("Gaussian Blur (OpenCV)", image, sigma=2.0)
    np.testing.assert_array_equal(np.asarray(image), cv2.GaussianBlur(a, (13, 13), 2.0, sigmaY=2.0))
    image = livepix.Image.from_array(a)
    livepix.filters.apply("Median (OpenCV)", image, size=5)
    np.testing.assert_array_equal(np.asarray(image), cv2.medianBlur(a, 5))


def test_cancelled_run_leaves_the_pixels_untouched():
    a = random_image((3000, 1000, 4), np.uint8)
    image = livepix.Image.from_array(a)
    run = livepix.filters.Run()
    run.cancel()
    with pytest.raises(livepix.filters.FilterCancelled):
        livepix.filters.apply("Gaussian Blur (OpenCV)", image, sigma=3.0, run=run)
    np.testing.assert_array_equal(np.asarray(image), a)
