"""livepix.filters: run and write image filters from Python.

    livepix.filters.names()                     # every filter: C++ plugins, Python plugins, scripts
    livepix.filters.apply("Invert", image)      # in place; returns the image
    livepix.filters.apply("Gaussian Blur (OIIO)", image, sigma=3.0)

    @livepix.filter("Threshold", params=[
        {"name": "level", "type": "float", "min": 0.0, "max": 1.0, "default": 0.5},
    ])
    def threshold(array, level):          # array: np.asarray(image), a writable view
        array[...] = (array >= level * 255) * 255

Filters live in one registry shared with the app (its Filters menu) and with
C++ plugins. Plugins are discovered on first use in $LIVEPIX_PLUGIN_PATH,
~/.local/share/livepix/plugins and the installed plugin folder; see
docs/PLUGINS.md. A filter that raises leaves the image exactly as it was.
"""

import sys
import traceback
import types
from pathlib import Path

import numpy as np

from . import _livepix
from ._livepix import FilterCancelled, FilterError, PLUGIN_API_VERSION, Image

__all__ = ["filter", "names", "info", "apply", "Run", "plugins", "reload", "list_text", "search_paths",
           "FilterError", "FilterCancelled", "PLUGIN_API_VERSION"]

ALL_DTYPES = ("uint8", "uint16", "float16", "float32")


def _normalise_params(params):
    """Accepts a list of dicts or a {name: spec} dict; returns a list of dicts."""
    if params is None:
        return []
    if isinstance(params, dict):
        return [dict(spec, name=name) for name, spec in params.items()]
    return [dict(p) for p in params]


def _as_list(values):
    """`values` as a list, or None when it cannot be iterated."""
    try:
        return list(values)
    except TypeError:
        return None


def filter(name, params=None, dtypes=ALL_DTYPES, description="", pointwise=False, lengths=()):
    """Decorator: registers ``f(array, **params)`` as the filter ``name``.

    ``params`` declares the parameters, each a dict with ``name``, ``type``
    ("float", "int", "bool" or "choice"), ``default``, and optionally ``min``,
    ``max``, ``label``, ``choices`` (for "choice") and ``description``. The
    app builds the parameter dialog from them. ``dtypes`` lists the image
    types the function handles (default: all four).

    ``pointwise=True`` promises that each output pixel depends only on the
    same input pixel and the parameters (no neighbours, no whole-image
    statistics): the parameter dialog's preview then shows a draft computed
    at screen resolution first when zoomed out. A plugin's ``plugin.json``
    should say ``"pointwise": true`` for the filter too.

    ``lengths`` names the parameters measured in image pixels (a blur's
    ``"sigma"``, a window's ``"size"``), promising that the filter on an
    image reduced k times, with those divided by k, looks like its result
    reduced k times (what a blur or a median does). When the filter is slow
    the dialog's preview then shows a draft computed from a reduced image
    first, then the exact result. ``plugin.json``: ``"lengths": ["sigma"]``.

    The function gets ``np.asarray(image)`` (a writable view of the pixels,
    shape (H, W) or (H, W, C)) and edits it in place; its return value is
    ignored. Decorating again under the same name replaces the filter.
    The function is returned unchanged, so it can still be called directly.
    """
    if not isinstance(name, str) or not name:
        raise TypeError("@livepix.filter needs a name, e.g. @livepix.filter(\"Threshold\")")
    if not isinstance(pointwise, (bool, np.bool_)):
        raise TypeError(f"@livepix.filter({name!r}): pointwise must be True or False, got {pointwise!r}")
    # Taken as a list once: a generator would be used up by the check.
    names_ = None if isinstance(lengths, str) else _as_list(lengths)
    if names_ is None or not all(isinstance(n, str) for n in names_):
        raise TypeError(f"@livepix.filter({name!r}): lengths must be a list of parameter names, "
                        f"e.g. lengths=[\"sigma\"], got {lengths!r}")
    spec = _normalise_params(params)
    types_ = [str(np.dtype(t)) for t in dtypes]

    def register(function):
        doc = description or (function.__doc__ or "").strip().split("\n")[0]
        _livepix._register_filter(name, function, spec, types_, doc, bool(pointwise), names_)
        return function

    return register


def names():
    """Names of every registered filter (loads the plugins on first use)."""
    result = list(_livepix._filter_names())
    _report_skipped()
    return result


def info(name):
    """A dict describing a filter: name, description, kind, plugin, dtypes, params,
    pointwise, lengths (see filter())."""
    return _livepix._filter_info(name)


class Run:
    """Cancel and progress for a run started in another thread::

        run = livepix.filters.Run()
        threading.Thread(target=livepix.filters.apply, args=("Median (OIIO)", img),
                         kwargs={"size": 9, "run": run}).start()
        run.progress        # 0.0 .. 1.0, as the filter reports it
        run.cancel()        # the apply() call raises FilterCancelled; pixels restored

    A Python filter is interrupted with KeyboardInterrupt at its next bytecode.
    """

    def __init__(self):
        self._context = _livepix._FilterContext()

    def cancel(self):
        self._context.cancel()

    @property
    def cancelled(self):
        return self._context.cancelled

    @property
    def progress(self):
        return self._context.progress


def apply(name, image, run=None, **params):
    """Runs filter ``name`` on ``image`` in place and returns ``image``.

    ``image`` is a livepix.Image (edited in its own memory: an image shown in
    the app changes on screen) or a NumPy array (copied into a livepix image,
    filtered, and copied back). Parameters are passed by name; missing ones
    take their defaults. Raises ValueError for an unknown parameter or a value
    out of range, livepix.filters.FilterError for an unsupported dtype, and
    whatever the filter raised; in every failure the pixels are left exactly
    as they were. ``run`` (a Run) lets another thread cancel the run
    (FilterCancelled, a KeyboardInterrupt) or watch its progress.
    """
    context = run._context if run is not None else None
    if isinstance(image, Image):
        _livepix._apply_filter(name, image, params, context)
        return image
    array = np.asarray(image)
    if not array.flags.writeable:
        raise ValueError("the array is read-only")
    work = Image.from_array(array)
    _livepix._apply_filter(name, work, params, context)
    result = np.asarray(work)
    array[...] = result.reshape(array.shape).astype(array.dtype, copy=False)
    return image


def plugins():
    """Every discovered plugin: dicts with name, kind, version, state
    ("loaded", "skipped", "not loaded"), reason, filters and manifest path."""
    return list(_livepix._plugin_records())


def list_text():
    """The table ``livepix --list-plugins`` prints."""
    return _livepix._plugin_list_text()


def reload():
    """Scans the plugin folders again: changed Python plugins are re-imported
    (their old filters removed), new plugins are loaded, C++ plugins stay."""
    _livepix._reload_plugins()
    _report_skipped()


def search_paths():
    """The folders searched for plugins, in order (first match of a name wins)."""
    return list(_livepix._plugin_search_paths())


# --- loading Python plugins (called by the core's plugin catalog) -----------

def _describe(error, path):
    """'threshold.py, line 7: ZeroDivisionError: division by zero'."""
    name = Path(path).name
    if isinstance(error, SyntaxError) and error.filename:
        where = f"{Path(error.filename).name}, line {error.lineno}"
        return f"{where}: SyntaxError: {error.msg}"
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if Path(frame.filename) == Path(path):
            line = frame.lineno
    where = f"{name}, line {line}" if line else name
    return f"{where}: {type(error).__name__}: {error}"


def _load_plugin(manifest):
    """Imports a Python plugin's entry file as a fresh module. Its
    @livepix.filter calls register into the plugin. Errors are raised as
    RuntimeError with a one-line description; the catalog skips the plugin."""
    path = manifest["entry_path"]
    module_name = "livepix_plugin_" + "".join(c if c.isalnum() else "_" for c in manifest["name"])
    try:
        # Read and compile the source each time (no .pyc): a reload must see
        # an edit even when it keeps the file's size and mtime second.
        source = Path(path).read_bytes()
        code = compile(source, path, "exec")
        module = types.ModuleType(module_name)
        module.__file__ = path
        previous = sys.modules.get(module_name)
        sys.modules[module_name] = module
        try:
            exec(code, module.__dict__)
        except BaseException:
            if previous is not None:
                sys.modules[module_name] = previous
            else:
                sys.modules.pop(module_name, None)
            raise
    except FileNotFoundError:
        raise RuntimeError(f"entry file {path} does not exist") from None
    except Exception as error:  # noqa: BLE001 - any error skips the plugin, with its message
        raise RuntimeError(_describe(error, path)) from None


_reported = set()


def _report_skipped():
    """Prints each skipped plugin once to stderr (the console shows it)."""
    for record in _livepix._plugin_records():
        if record["state"] == "skipped":
            key = (record["manifest"], record["reason"])
            if key not in _reported:
                _reported.add(key)
                print(f"livepix: plugin {record['name'] or record['manifest']} skipped: {record['reason']}",
                      file=sys.stderr)


# Plugins are scanned on first use (names(), apply(), plugins()); Python
# plugins the app found before Python started load then, or when the app's
# Filters menu next opens.
_livepix._set_python_loader(_load_plugin)
