"""What a batch run will do, worked out by the caller before anything is
submitted: the filter chain with complete, typed parameters, the input files
and their output paths, and the plugin folders the workers must load.

Everything a mistake in the command can cause (an unknown filter or
parameter, a value out of range, a filter that exists only in this Python
session, inputs that match nothing, two inputs writing the same output) is a
ValueError here, before a cluster is started.
"""

import glob
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from .. import _livepix
from .. import filters as _filters

# Where an output records the chain that made it: the file's "Software"
# attribute, because it says what made the file and PNG, TIFF, JPEG, EXR and
# TGA all keep it (custom names survive in PNG and EXR only, and livepix
# keeps "livepix:" names for itself). The value is RECORD_PREFIX + JSON.
RECORD_KEY = "Software"
RECORD_PREFIX = "livepix batch "

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Job:
    """What every task carries besides its two paths: small and picklable
    (no pixels, no livepix objects), so it travels through the scheduler.

    ``chain``: ((filter name, {param: value}), ...) in the order to apply.
    ``record``: the chain as text (RECORD_PREFIX + JSON); stored in each
    output's metadata under RECORD_KEY and compared on a re-run.
    ``plugin_paths``: the caller's plugin search folders, in order; workers
    load plugins from these (not from their own environment).
    ``plugins``: ((filter name, plugin name, manifest path), ...) so a worker
    missing a filter can say which folder it could not see.
    ``token``: unique per run; names the run's temporary files.
    """

    chain: tuple
    record: str
    plugin_paths: tuple
    plugins: tuple
    force: bool
    token: str

    @property
    def cancel_event(self):
        """Name of the distributed.Event the caller sets on Ctrl+C."""
        return f"livepix-batch-cancel-{self.token}"


def _parse_text(param, text):
    """A command-line string as the parameter's declared type."""
    name, kind = param["name"], param["type"]
    try:
        if kind == "float":
            return float(text)
        if kind == "int":
            return int(text)
        if kind == "bool":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(text)
    except ValueError:
        raise ValueError(f"parameter '{name}' is a {kind}, not '{text}'") from None
    return text  # choice


def resolve_chain(filters):
    """``[(name, {params})]`` -> (chain, plugins) with every parameter typed
    and defaults filled in, so ``sigma=2`` and ``sigma="2.0"`` record alike.
    Refuses filters that no plugin file provides: workers load plugins from
    files and could never see them."""
    if isinstance(filters, str) or not filters:
        raise ValueError("filters must be a non-empty list of (name, {params}) pairs")
    chain, plugins = [], []
    catalog = None
    for entry in filters:
        name, params = (entry, {}) if isinstance(entry, str) else entry
        params = dict(params or {})
        try:
            info = _filters.info(name)
        except KeyError:
            known = ", ".join(sorted(_filters.names()))
            raise ValueError(f"no filter named '{name}' (known: {known})") from None
        if not info["plugin"]:
            raise ValueError(
                f"filter '{name}' is defined only in this Python session (@livepix.filter outside a plugin "
                f"file), so batch workers cannot load it: put it in a plugin folder (see docs/PLUGINS.md)")
        # Command-line text becomes the declared type here; converting,
        # range checks, unknown names and defaults are core's, as in a run.
        declared = {p["name"]: p for p in info["params"]}
        given = {key: _parse_text(declared[key], value)
                 if isinstance(value, str) and key in declared and declared[key]["type"] != "choice" else value
                 for key, value in params.items()}
        try:
            typed = _livepix._resolve_params(name, given)
        except ValueError as exc:
            raise ValueError(f"filter '{name}': {exc}") from None
        chain.append((name, dict(sorted(typed.items(), key=lambda item: list(declared).index(item[0])))))
        if catalog is None:
            catalog = {record["name"]: record["manifest"] for record in _filters.plugins()}
        plugins.append((name, info["plugin"], catalog.get(info["plugin"], "")))
    return tuple(chain), tuple(plugins)


def chain_record(chain):
    """The text stored in outputs: same chain and parameters, same text."""
    return RECORD_PREFIX + json.dumps({"filters": [[name, params] for name, params in chain]}, sort_keys=True,
                      separators=(",", ":"))


def _readable(path):
    return Path(path).suffix.lower().lstrip(".") in set(_livepix.readable_extensions())


def expand_inputs(inputs):
    """Files, folders (their images, not recursive) and globs -> absolute
    paths in the order given, each once. A file named explicitly is kept
    even if it does not exist here (the workers report it)."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    files = []
    for item in map(os.fspath, inputs):
        if os.path.isdir(item):
            found = sorted(str(p) for p in Path(item).iterdir()
                           if p.is_file() and not p.name.startswith(".") and _readable(p))
            if not found:
                raise ValueError(f"no images in folder {item}")
        elif glob.has_magic(item):
            found = sorted(p for p in glob.glob(item, recursive=True) if os.path.isfile(p))
            if not found:
                raise ValueError(f"no files match {item}")
        else:
            found = [item]
        files += [os.path.abspath(f) for f in found]
    if not files:
        raise ValueError("no inputs given")
    return list(dict.fromkeys(files))


def output_paths(files, out, format=None):
    """The output path of each input: ``out/<input stem>.<format or input's
    extension>``. Refuses two inputs with the same output and an output that
    would overwrite its own input."""
    out = os.path.abspath(os.fspath(out))
    if format:
        format = format.lower().lstrip(".")
        if format not in _livepix.writable_extensions():
            raise ValueError(f"cannot write .{format} files (writable: {', '.join(_livepix.writable_extensions())})")
    outputs, seen = [], {}
    for path in files:
        source = Path(path)
        if not format and not source.suffix:
            raise ValueError(f"{path} has no extension to keep: give a format (--format png)")
        output = os.path.join(out, source.stem + ("." + format if format else source.suffix))
        if output in seen:
            raise ValueError(f"{seen[output]} and {path} would both be written to {output}")
        if output == path:
            raise ValueError(f"{path} would be overwritten by its own output: choose another output folder")
        seen[output] = path
        outputs.append(output)
    return outputs


def make_job(filters, force=False):
    """The Job for a filter list (see resolve_chain)."""
    chain, plugins = resolve_chain(filters)
    return Job(chain=chain, record=chain_record(chain), plugin_paths=tuple(_filters.search_paths()),
               plugins=plugins, force=bool(force), token=uuid.uuid4().hex[:12])
