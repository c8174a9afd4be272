"""livepix.colormaps / livepix.colormap: the compiled-in tables are the
published data (matplotlib's copies, rounded to 8 bits)."""

import numpy as np
import pytest

import livepix

NAMES = ["gray", "viridis", "magma", "inferno", "plasma", "cividis", "turbo", "coolwarm"]


def test_names_in_menu_order():
    assert livepix.colormaps() == NAMES


def test_known_entries():
    viridis = livepix.colormap("viridis")
    assert viridis.shape == (256, 3) and viridis.dtype == np.uint8
    assert tuple(viridis[0]) == (68, 1, 84) and tuple(viridis[255]) == (253, 231, 37)
    assert tuple(livepix.colormap("gray")[200]) == (200, 200, 200)
    assert tuple(livepix.colormap("coolwarm")[0]) == (59, 76, 192)
    assert tuple(livepix.colormap("turbo")[0]) == (48, 18, 59)
    assert tuple(livepix.colormap("VIRIDIS")[10]) == tuple(viridis[10])


def test_unknown_name_is_an_error_listing_the_known_ones():
    with pytest.raises(ValueError, match="viridis"):
        livepix.colormap("jet")


@pytest.mark.parametrize("name", NAMES[1:])
def test_every_entry_equals_matplotlib(name):
    # python3-matplotlib comes with python3-skimage, which setup.sh installs.
    import matplotlib

    lut = matplotlib.colormaps[name](np.linspace(0.0, 1.0, 256))[:, :3]
    np.testing.assert_array_equal(livepix.colormap(name), np.floor(lut * 255.0 + 0.5).astype(np.uint8))
