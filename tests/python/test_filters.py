"""livepix.filters and @livepix.filter: C++ and Python plugins from a plain
python3, by pixels for every dtype; errors, skipped plugins and reload."""

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import livepix
from conftest import DTYPES

WHITE = {"uint8": 255, "uint16": 65535, "float16": 1.0, "float32": 1.0}


def make_image(dtype, channels=4, width=23, height=17, seed=1):
    rng = np.random.default_rng(seed)
    values = rng.random((height, width, channels)) * WHITE[dtype]
    if np.dtype(dtype).kind == "u":
        values = np.rint(values)
    return livepix.Image.from_array(values.astype(dtype))


def test_examples_are_discovered():
    names = livepix.filters.names()
    for name in ["Invert", "Gaussian Blur (OIIO)", "Median (OIIO)", "Threshold", "False Colour"]:
        assert name in names
    kinds = {p["name"]: (p["kind"], p["state"]) for p in livepix.filters.plugins()}
    assert kinds["invert"] == ("cpp", "loaded")
    assert kinds["threshold"] == ("python", "loaded")


def test_info_describes_parameters():
    info = livepix.filters.info("Threshold")
    assert info["kind"] == "python"
    assert info["plugin"] == "threshold"
    assert info["params"] == [{"name": "level", "type": "float", "label": "Level", "min": 0.0, "max": 1.0,
                               "default": 0.5}]
    assert info["dtypes"] == DTYPES
    # Threshold and False Colour promise pointwise results (plugin.json and
    # the decorator agree); the blurs do not.
    assert info["pointwise"] is True
    assert livepix.filters.info("False Colour")["pointwise"] is True
    assert livepix.filters.info("Invert")["pointwise"] is True
    assert livepix.filters.info("Gaussian Blur (OIIO)")["pointwise"] is False
    # The blurs and medians declare their lengths in pixels instead.
    assert info["lengths"] == []
    assert livepix.filters.info("Gaussian Blur (OIIO)")["lengths"] == ["sigma"]
    assert livepix.filters.info("Median (OIIO)")["lengths"] == ["size"]
    reasons = {p["name"]: p["reason"] for p in livepix.filters.plugins()}
    assert "pointwise" not in reasons["threshold"] + reasons["colormap"]


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_invert_cpp_plugin(dtype, channels):
    image = make_image(dtype, channels)
    before = np.asarray(image).copy()
    assert livepix.filters.apply("Invert", image) is image
    after = np.asarray(image)
    colours = channels - 1 if channels in (2, 4) else channels
    expected = before.copy()
    if channels == 1:
        expected = (WHITE[dtype] - before.astype(np.float64)).astype(dtype)
    else:
        expected[..., :colours] = (WHITE[dtype] - before[..., :colours].astype(np.float64)).astype(dtype)
    np.testing.assert_allclose(after.astype(np.float64), expected.astype(np.float64), atol=1e-3)


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_threshold_python_plugin(dtype, channels):
    image = make_image(dtype, channels)
    before = np.asarray(image).copy()
    livepix.filters.apply("Threshold", image, level=0.25)
    after = np.asarray(image)
    white = WHITE[dtype]
    colour = slice(0, 3) if channels >= 3 else slice(0, 1)
    if channels == 1:
        np.testing.assert_array_equal(after, np.where(before >= 0.25 * white, white, 0).astype(dtype))
    else:
        np.testing.assert_array_equal(after[..., colour],
                                      np.where(before[..., colour] >= 0.25 * white, white, 0).astype(dtype))
        np.testing.assert_array_equal(after[..., 3:], before[..., 3:])  # alpha kept


@pytest.mark.parametrize("cmap", ["viridis", "magma", "heat", "gray"])
def test_false_colour_python_plugin(dtype, cmap):
    image = make_image(dtype, 4)
    before = np.asarray(image).copy()
    livepix.filters.apply("False Colour", image, map=cmap)
    after = np.asarray(image).astype(np.float64)
    white = WHITE[dtype]
    luma = before[..., :3].astype(np.float64) @ [0.2126, 0.7152, 0.0722] / white
    if cmap == "gray":
        tolerance = 1.0 if np.dtype(dtype).kind == "u" else 2e-3
        for c in range(3):
            np.testing.assert_allclose(after[..., c], luma * white, atol=tolerance)
    else:
        # Brighter input lands further along the map: its darkest point is
        # the map's start, its brightest the map's end.
        start = np.array(__import__("livepix_plugin_colormap").MAPS[cmap][0][1:]) * white
        darkest = np.unravel_index(np.argmin(luma), luma.shape)
        assert np.linalg.norm(after[darkest][:3] - start) < np.linalg.norm(after[darkest][:3] - white)
    np.testing.assert_array_equal(np.asarray(image)[..., 3], before[..., 3])


def test_false_colour_refuses_grey_images():
    image = make_image("uint8", 1)
    before = np.asarray(image).copy()
    with pytest.raises(ValueError, match="needs an RGB or RGBA image"):
        livepix.filters.apply("False Colour", image)
    np.testing.assert_array_equal(np.asarray(image), before)


def test_gaussian_blur_cpp_plugin_with_param(dtype):
    image = livepix.Image(31, 31, 1, dtype)
    a = np.asarray(image)
    a[10:21, 10:21] = WHITE[dtype]
    livepix.filters.apply("Gaussian Blur (OIIO)", image, sigma=1.0)
    assert 0 < float(a[15, 9]) < WHITE[dtype] * 0.5
    assert float(a[15, 15]) == pytest.approx(WHITE[dtype], rel=1e-3)
    assert float(a[0, 0]) == 0


def test_apply_to_a_numpy_array_writes_back():
    array = np.zeros((4, 5, 3), np.uint8)
    livepix.filters.apply("Invert", array)
    assert (array == 255).all()


def test_apply_to_a_crop_changes_only_the_crop():
    image = livepix.Image(10, 10, 1, "uint8")
    livepix.filters.apply("Invert", image.view(2, 2, 3, 3))
    a = np.asarray(image)
    assert a.sum() == 9 * 255
    assert a[2:5, 2:5].min() == 255


def test_decorator_registers_a_script_filter():
    @livepix.filter("Test Add", params=[{"name": "amount", "type": "int", "min": 0, "max": 50, "default": 5}],
                    dtypes=["uint8"])
    def add(array, amount):
        array += amount

    assert "Test Add" in livepix.filters.names()
    image = livepix.Image(3, 2, 3, "uint8")
    livepix.filters.apply("Test Add", image)
    livepix.filters.apply("Test Add", image, amount=np.int64(10))
    assert (np.asarray(image) == 15).all()
    with pytest.raises(ValueError, match="parameter 'amount' = 51 is outside"):
        livepix.filters.apply("Test Add", image, amount=51)
    with pytest.raises(ValueError, match="unknown parameter 'amont'"):
        livepix.filters.apply("Test Add", image, amont=1)
    with pytest.raises(livepix.filters.FilterError, match="does not support float32"):
        livepix.filters.apply("Test Add", livepix.Image(2, 2, 1, "float32"))
    with pytest.raises(livepix.filters.FilterError, match="no filter named 'Nope'"):
        livepix.filters.apply("Nope", image)

    # Redefining replaces it (a script run twice).
    @livepix.filter("Test Add", dtypes=["uint8"])
    def add_again(array):
        array[...] = 1

    livepix.filters.apply("Test Add", image)
    assert (np.asarray(image) == 1).all()
    assert livepix.filters.names().count("Test Add") == 1
    assert livepix.filters.info("Test Add")["pointwise"] is False

    # pointwise=True is kept with the filter (the dialog's preview drafts it).
    @livepix.filter("Test Add", dtypes=["uint8"], pointwise=True)
    def add_pointwise(array):
        array += 1

    assert livepix.filters.info("Test Add")["pointwise"] is True
    # A string is not a promise ("no" would be truthy).
    with pytest.raises(TypeError, match="pointwise must be True or False, got 'no'"):
        livepix.filter("Test Add", pointwise="no")
    assert livepix.filters.info("Test Add")["pointwise"] is True


def test_a_filter_declares_its_lengths():
    params = [{"name": "radius", "type": "int", "default": 2, "min": 0, "max": 50},
              {"name": "mode", "type": "choice", "choices": ["a", "b"], "default": "a"}]

    @livepix.filter("Test Lengths", params=params, dtypes=["uint8"], lengths=["radius"])
    def spread(array, radius, mode):
        pass

    assert livepix.filters.info("Test Lengths")["lengths"] == ["radius"]
    # A bare string would be its letters; names that are not int or float
    # parameters promise nothing the preview can use.
    with pytest.raises(TypeError, match="lengths must be a list of parameter names"):
        livepix.filter("Test Lengths", params=params, lengths="radius")
    with pytest.raises(TypeError, match="lengths must be a list of parameter names, .* got None"):
        livepix.filter("Test Lengths", params=params, lengths=None)
    # Any iterable of names will do, a generator too (read once).
    livepix.filter("Test Lengths", params=params, dtypes=["uint8"], lengths=(n for n in ["radius"]))(spread)
    assert livepix.filters.info("Test Lengths")["lengths"] == ["radius"]
    with pytest.raises(ValueError, match="declares \"sigma\" a length, but it has no int or float parameter"):
        livepix.filter("Test Lengths", params=params, lengths=["sigma"])(spread)
    with pytest.raises(ValueError, match="declares \"mode\" a length"):
        livepix.filter("Test Lengths", params=params, lengths=["mode"])(spread)
    assert livepix.filters.info("Test Lengths")["lengths"] == ["radius"]  # the refused ones changed nothing
    livepix._livepix._unregister_filter("Test Lengths")


def test_exception_in_filter_leaves_the_image_as_it_was(dtype):
    @livepix.filter("Test Fail")
    def fail(array):
        array[: array.shape[0] // 2] = 0
        raise ArithmeticError("went wrong half way")

    image = make_image(dtype)
    before = np.asarray(image).copy()
    revision = image.revision
    with pytest.raises(ArithmeticError, match="went wrong half way"):
        livepix.filters.apply("Test Fail", image)
    np.testing.assert_array_equal(np.asarray(image), before)
    assert image.revision > revision  # the view is told to repaint the restored pixels


def test_cancel_interrupts_a_python_filter_and_restores(dtype):
    started = threading.Event()

    @livepix.filter("Test Forever")
    def forever(array):
        array[...] = 0
        started.set()
        while True:  # pure Python: only an asynchronous KeyboardInterrupt stops it
            pass

    image = make_image(dtype)
    before = np.asarray(image).copy()
    run = livepix.filters.Run()
    outcome = []

    def worker():
        try:
            livepix.filters.apply("Test Forever", image, run=run)
        except BaseException as error:  # noqa: BLE001 - the test inspects it
            outcome.append(error)

    thread = threading.Thread(target=worker)
    thread.start()
    assert started.wait(10)
    run.cancel()
    thread.join(10)
    assert not thread.is_alive()
    assert isinstance(outcome[0], livepix.filters.FilterCancelled)
    assert isinstance(outcome[0], KeyboardInterrupt)
    assert run.cancelled
    np.testing.assert_array_equal(np.asarray(image), before)
    # The interrupt does not leak into later code on that thread or this one.
    livepix.filters.apply("Invert", image)


def test_cancel_stops_a_cpp_filter_and_reports_progress():
    image = livepix.Image(256, 4096, 4, "float32")
    np.asarray(image)[::7] = 1.0
    before = np.asarray(image).copy()
    run = livepix.filters.Run()
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(
        pytest.raises(livepix.filters.FilterCancelled, livepix.filters.apply, "Median (OIIO)", image,
                      size=15, run=run)))
    thread.start()
    deadline = time.monotonic() + 20
    while run.progress == 0 and time.monotonic() < deadline:
        time.sleep(0.001)
    run.cancel()
    thread.join(30)
    assert outcome and outcome[0].type is livepix.filters.FilterCancelled
    assert 0 < run.progress < 1
    np.testing.assert_array_equal(np.asarray(image), before)


def test_bad_parameter_declarations_are_refused():
    with pytest.raises(ValueError, match="needs a 'default'"):
        livepix.filter("Bad", params=[{"name": "x", "type": "float"}])(lambda a, x: None)
    with pytest.raises(ValueError, match="outside"):
        livepix.filter("Bad", params=[{"name": "x", "type": "int", "min": 0, "max": 1, "default": 3}])(
            lambda a, x: None)


# --- plugin folders: each case in a fresh interpreter with its own LIVEPIX_PLUGIN_PATH


def write_plugin(folder, name, source, api_version=1, filters=()):
    folder = Path(folder) / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plugin.json").write_text(json.dumps({
        "name": name, "version": "0.1", "api_version": api_version, "kind": "python",
        "entry": name + ".py", "filters": [{"name": f} for f in filters]}))
    (folder / (name + ".py")).write_text(textwrap.dedent(source))
    return folder


def run_python(code, plugin_path):
    env = dict(os.environ, LIVEPIX_PLUGIN_PATH=str(plugin_path), XDG_DATA_HOME=str(Path(plugin_path) / "xdg"))
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result


GOOD = """
import livepix

@livepix.filter("Set Seven")
def seven(array):
    array[...] = 7
"""


def test_broken_python_plugins_are_skipped_with_reasons(tmp_path):
    write_plugin(tmp_path, "good", GOOD, filters=["Set Seven"])
    write_plugin(tmp_path, "syntax", "import livepix\n\ndef f(:\n    pass\n")
    write_plugin(tmp_path, "raises", "import livepix\nraise RuntimeError('no licence file')\n")
    write_plugin(tmp_path, "future", GOOD.replace("Set Seven", "Future"), api_version=99)
    result = run_python("""
        import json, livepix
        print(json.dumps({p["name"]: p for p in livepix.filters.plugins()}))
        img = livepix.Image(2, 2, 1, "uint8")
        livepix.filters.apply("Set Seven", img)
        import numpy as np
        assert (np.asarray(img) == 7).all()
        assert "Future" not in livepix.filters.names()
    """, tmp_path)
    records = json.loads(result.stdout.splitlines()[0])
    assert records["good"]["state"] == "loaded"
    assert records["good"]["filters"] == ["Set Seven"]
    assert records["syntax"]["state"] == "skipped"
    assert records["syntax"]["reason"] == "syntax.py, line 3: SyntaxError: invalid syntax"
    assert records["raises"]["state"] == "skipped"
    assert records["raises"]["reason"] == "raises.py, line 2: RuntimeError: no licence file"
    assert records["future"]["state"] == "skipped"
    assert records["future"]["reason"] == "manifest declares plugin API 99, this livepix has API 1"
    # Reported on the console (stderr) as well.
    assert "plugin syntax skipped: syntax.py, line 3: SyntaxError" in result.stderr
    # The C++ examples still load next to them.
    assert records["invert"]["state"] == "loaded"


def test_cpp_test_plugins_from_python(tmp_path):
    build = os.environ.get("LIVEPIX_BUILD_DIR")
    if not build:
        pytest.skip("needs LIVEPIX_BUILD_DIR (run through ctest)")
    result = run_python("""
        import json, numpy as np, livepix
        records = {p["name"]: p for p in livepix.filters.plugins()}
        print(json.dumps({n: [r["state"], r["reason"]] for n, r in records.items()}))
        img = livepix.Image(8, 8, 3, "uint16")
        np.asarray(img)[...] = 1234
        try:
            livepix.filters.apply("Test Throw", img)
        except RuntimeError as e:
            assert str(e) == "deliberate failure in row 4", str(e)
        else:
            raise AssertionError("no exception")
        assert (np.asarray(img) == 1234).all()
        livepix.filters.apply("Test Fill", livepix.Image(2, 2, 1, "uint8"), value=3, mode="first")
    """, Path(build) / "tests" / "plugins" / "testplugins")
    states = json.loads(result.stdout.splitlines()[0])
    assert states["lp_testfilters"][0] == "loaded"
    assert states["lp_wrongversion"] == ["skipped",
                                         "built for plugin API 999, this livepix has API 1; rebuild the plugin"]
    assert states["lp_nosymbol"][0] == "skipped"


def test_reload_picks_up_an_edited_python_plugin(tmp_path):
    write_plugin(tmp_path, "edit", GOOD)
    result = run_python(f"""
        from pathlib import Path
        import numpy as np, livepix
        img = livepix.Image(2, 2, 1, "uint8")
        livepix.filters.apply("Set Seven", img)
        assert (np.asarray(img) == 7).all()
        # Same size, same second: the reload must still see the edit.
        source = Path({str(tmp_path / 'edit' / 'edit.py')!r})
        source.write_text(source.read_text().replace("= 7", "= 8"))
        livepix.filters.reload()
        livepix.filters.apply("Set Seven", img)
        assert (np.asarray(img) == 8).all(), np.asarray(img)
        # Renamed filter: the old name disappears.
        source.write_text(source.read_text().replace('"Set Seven"', '"Set Eight"'))
        livepix.filters.reload()
        names = livepix.filters.names()
        assert "Set Eight" in names and "Set Seven" not in names, names
        # A reload that breaks the plugin skips it and drops its filters.
        source.write_text("raise ValueError('oops')")
        livepix.filters.reload()
        assert "Set Eight" not in livepix.filters.names()
        print("ok")
    """, tmp_path)
    assert result.stdout.strip().endswith("ok")
