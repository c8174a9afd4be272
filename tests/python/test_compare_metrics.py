"""livepix.compare_metrics and livepix.difference against NumPy.

Metrics are float64 over the overlap (top-left aligned) and the colour
channels (alpha excluded); difference images are float32 of the float64
result.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import livepix

DTYPES = ["uint8", "uint16", "float16", "float32"]


def random_image(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "u":
        return rng.integers(0, np.iinfo(dtype).max + 1, size=shape).astype(dtype)
    return rng.uniform(-2, 2, size=shape).astype(dtype)


def numpy_metrics(a, b, channels, peak):
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    fa = a[:h, :w, channels].astype(np.float64)
    fb = b[:h, :w, channels].astype(np.float64)
    d = fa - fb
    mse = np.mean(d * d)
    return {
        "mse": mse,
        "psnr": math.inf if mse == 0 else 10 * math.log10(peak * peak / mse),
        "max_abs": np.max(np.abs(d)),
        "differing": int(np.count_nonzero(np.any(fa != fb, axis=-1))),
    }


def assert_metrics(got, want):
    assert got["differing"] == want["differing"]
    assert got["max_abs"] == want["max_abs"]
    assert got["mse"] == pytest.approx(want["mse"], rel=1e-12, abs=0)
    assert got["psnr"] == pytest.approx(want["psnr"], rel=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 2, 3, 4, 5])
def test_metrics_equal_numpy(dtype, channels):
    a = random_image((150, 510, channels), dtype, 1)
    b = a.copy()
    b[::3] = random_image(b[::3].shape, dtype, 2)
    got = livepix.compare_metrics(a, b)
    # Default names: Y; Y,A; R,G,B; R,G,B,A; R,G,B,A,4: alpha is channel 1 of 2 and 3 of 4 or 5.
    alpha = {2: 1, 4: 3, 5: 3}.get(channels)
    compared = [c for c in range(channels) if c != alpha]
    peak = {"uint8": 255.0, "uint16": 65535.0}.get(dtype, 1.0)
    assert_metrics(got, numpy_metrics(a, b, compared, peak))
    assert got["channels"] == len(compared)
    assert got["overlap"] == (510, 150) and not got["sizes_differ"]


def test_equal_images_have_infinite_psnr():
    a = random_image((20, 30, 3), "uint8", 3)
    got = livepix.compare_metrics(a, a.copy())
    assert got["mse"] == 0 and got["psnr"] == math.inf and got["differing"] == 0 and got["max_abs"] == 0


def test_alpha_is_not_compared():
    a = random_image((10, 12, 4), "uint8", 4)
    b = a.copy()
    b[..., 3] = 255 - b[..., 3]
    got = livepix.compare_metrics(a, b)
    assert got["differing"] == 0 and got["mse"] == 0 and got["channels"] == 3


def test_different_sizes_compare_the_overlap():
    a = random_image((40, 50, 3), "float32", 5)
    b = random_image((45, 30, 3), "float32", 6)
    got = livepix.compare_metrics(a, b)
    assert got["sizes_differ"] and got["overlap"] == (30, 40)
    assert_metrics(got, numpy_metrics(a, b, [0, 1, 2], 1.0))
    diff = np.asarray(livepix.difference(a, b))
    assert diff.shape == (40, 30, 3)


def test_views_compare_their_own_pixels():
    a = livepix.Image.from_array(random_image((60, 70, 4), "uint16", 7))
    b = livepix.Image.from_array(random_image((60, 70, 3), "uint16", 8))
    va, vb = a.view(5, 6, 40, 30), b.view(20, 1, 40, 30)
    got = livepix.compare_metrics(va, vb)
    assert_metrics(got, numpy_metrics(np.asarray(va), np.asarray(vb), [0, 1, 2], 65535.0))


def test_nan_propagates_as_in_numpy():
    a = np.zeros((4, 4, 3), np.float32)
    b = a.copy()
    b[1, 2, 0] = np.nan
    got = livepix.compare_metrics(a, b)
    assert math.isnan(got["mse"]) and math.isnan(got["max_abs"]) and got["differing"] == 1


MODES = {
    "signed": lambda a, b: a - b,
    "absolute": lambda a, b: np.abs(a - b),
    "squared": lambda a, b: (a - b) ** 2,
    "relative": lambda a, b: np.abs(a - b) / np.maximum(np.abs(b), 1e-3),
}


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("dtype", DTYPES)
def test_difference_equals_numpy(mode, dtype):
    a = random_image((33, 410, 4), dtype, 9)
    b = random_image((33, 410, 4), dtype, 10)
    b[0, 0, 0] = 0  # relative: |b| below 1e-3 uses 1e-3
    result = livepix.difference(a, b, mode)
    assert result.dtype == np.float32 and result.channels == 3
    want = MODES[mode](a[..., :3].astype(np.float64), b[..., :3].astype(np.float64)).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(result), want)


def test_unknown_mode_is_an_error_naming_it():
    with pytest.raises(ValueError, match="sideways"):
        livepix.difference(np.zeros((2, 2), np.uint8), np.zeros((2, 2), np.uint8), "sideways")


@settings(max_examples=50, deadline=None)
@given(
    a=hnp.arrays(np.float32, (5, 7, 3), elements=st.floats(-1e3, 1e3, width=32)),
    b=hnp.arrays(np.float32, (6, 4, 3), elements=st.floats(-1e3, 1e3, width=32)),
)
def test_any_float_pair_equals_numpy(a, b):
    assert_metrics(livepix.compare_metrics(a, b), numpy_metrics(a, b, [0, 1, 2], 1.0))
    want = (a[:5, :4].astype(np.float64) - b[:5, :4]).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(livepix.difference(a, b)), want)
