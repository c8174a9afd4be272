"""livepix.auto_levels against NumPy: min/max, and percentiles that equal
numpy.percentile(method="lower") / (method="higher") exactly."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import livepix

DTYPES = ["uint8", "uint16", "float16", "float32"]


def finite(values):
    v = np.asarray(values, dtype=np.float64).ravel()
    return v[np.isfinite(v)]


def levels_rule(lo, hi, dtype):
    """The fitted range, or the constant rule when the two ends meet."""
    if lo < hi:
        return (lo, hi)
    if np.dtype(dtype).kind == "f":
        half = max(abs(lo), 1.0) * 0.5
        return (lo - half, lo + half)
    return (max(lo - 0.5, 0.0), min(lo + 0.5, float(np.iinfo(dtype).max)))


def noisy(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "u":
        return rng.integers(0, np.iinfo(dtype).max // 3, size=shape).astype(dtype)
    a = (rng.standard_normal(shape) * 50 + 10).astype(dtype)
    a.reshape(-1)[::31] = np.nan
    a.reshape(-1)[3::37] = np.inf
    return a


@pytest.mark.parametrize("dtype", DTYPES)
def test_minmax_linked_pools_the_colour_channels_and_leaves_alpha(dtype):
    a = noisy((90, 800, 4), dtype, 1)
    levels = livepix.auto_levels(a)
    colour = finite(a[..., :3])
    assert levels[:3] == [(colour.min(), colour.max())] * 3
    full = {"uint8": (0.0, 255.0), "uint16": (0.0, 65535.0)}.get(dtype, (0.0, 1.0))
    assert levels[3] == full


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("low,high", [(0.1, 99.9), (0.0, 100.0), (2.0, 98.0), (35.0, 36.0)])
def test_percentile_equals_numpy(dtype, low, high):
    a = noisy((90, 800, 3), dtype, 2)
    linked = livepix.auto_levels(a, mode="percentile", low=low, high=high)
    pooled = finite(a)
    want = levels_rule(np.percentile(pooled, low, method="lower"), np.percentile(pooled, high, method="higher"), dtype)
    assert linked == [want] * 3
    per_channel = livepix.auto_levels(a, mode="percentile", low=low, high=high, linked=False)
    for c in range(3):
        v = finite(a[..., c])
        lo, hi = np.percentile(v, low, method="lower"), np.percentile(v, high, method="higher")
        assert per_channel[c] == levels_rule(lo, hi, dtype)


def test_constant_and_empty_channels_get_a_non_empty_range():
    assert livepix.auto_levels(np.full((4, 4), 7, np.uint8)) == [(6.5, 7.5)]
    assert livepix.auto_levels(np.full((4, 4), 0, np.uint16)) == [(0.0, 0.5)]
    assert livepix.auto_levels(np.full((4, 4), 255, np.uint8)) == [(254.5, 255.0)]
    assert livepix.auto_levels(np.full((4, 4), 0.25, np.float32)) == [(-0.25, 0.75)]
    assert livepix.auto_levels(np.full((4, 4), -1000, np.float32)) == [(-1500.0, -500.0)]
    assert livepix.auto_levels(np.full((4, 4), np.nan, np.float32)) == [(0.0, 1.0)]


def test_chosen_channels_only():
    a = noisy((20, 30, 3), "float32", 3)
    levels = livepix.auto_levels(a, channels=[2])
    assert levels[0] == (0.0, 1.0) and levels[1] == (0.0, 1.0)
    assert levels[2] == (finite(a[..., 2]).min(), finite(a[..., 2]).max())


def test_bad_arguments_are_errors():
    with pytest.raises(ValueError, match='"sideways".*"minmax", "percentile"'):
        livepix.auto_levels(np.zeros((2, 2), np.uint8), mode="sideways")
    with pytest.raises(ValueError, match="0..100"):
        livepix.auto_levels(np.zeros((2, 2), np.uint8), mode="percentile", low=50, high=10)
    with pytest.raises(ValueError, match="channel 5"):
        livepix.auto_levels(np.zeros((2, 2), np.uint8), channels=[5])


@settings(max_examples=60, deadline=None)
@given(
    a=hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=40),
                 elements=st.floats(-1e4, 1e4, width=32)),
    low=st.floats(0, 50),
    span=st.floats(0, 50),
)
def test_any_float_percentile_equals_numpy(a, low, span):
    high = low + span
    got = livepix.auto_levels(a, mode="percentile", low=low, high=high)[0]
    v = finite(a)
    lo, hi = np.percentile(v, low, method="lower"), np.percentile(v, high, method="higher")
    assert got == levels_rule(lo, hi, "float32")
