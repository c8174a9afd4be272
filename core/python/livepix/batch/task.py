"""What a Dask worker runs: one input file from disk through the filter chain
to its output on disk. Only paths and a small result dict cross the network;
pixels never leave the worker.

Workers load the plugins themselves, from the folders the Job names (the
caller's search path), so a worker needs livepix installed but no plugin
setup of its own; folders, inputs and outputs must be at the same paths on
every worker (a shared filesystem).

Threading: a worker may run several tasks at once in its threads. The
plugin configuration is process-wide and guarded by a lock; everything else
is per task.
"""

import os
import threading
import time
from pathlib import Path

from .. import _livepix
from .. import filters as _filters
from .._livepix import ImageError, open as _open
from .._metadata import _to_python
from .plan import RECORD_KEY
from .report import CANCELLED, FAILED, SKIPPED, WRITTEN

SHARED_FS_HINT = ("batch workers need inputs, outputs and plugin folders at the same paths as the caller "
                  "(a shared filesystem; see docs/BATCH.md)")

_plugins_lock = threading.Lock()
_plugin_paths = None  # the search path this process loaded plugins from


def _worker_name():
    try:
        from distributed import get_worker
        return get_worker().address
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def use_plugins(job):
    """Loads plugins from the job's folders (and this installation's own
    plugin folder, last), once per distinct search path in this process.
    Returns a reason string when a filter of the chain is still missing."""
    global _plugin_paths
    paths = list(job.plugin_paths)
    own = _livepix._installed_plugin_folder()
    if own and own not in paths:
        paths.append(own)  # livepix may be installed at another prefix here
    with _plugins_lock:
        if _plugin_paths != paths:
            _livepix._set_plugin_search_paths(paths)
            _livepix._reload_plugins()
            _plugin_paths = paths
        available = set(_livepix._filter_names())
    for name, plugin, manifest in job.plugins:
        if name in available:
            continue
        if manifest and not os.path.exists(manifest):
            return (f"worker {_worker_name()} cannot see plugin '{plugin}' for filter '{name}': "
                    f"{manifest} does not exist there; {SHARED_FS_HINT}")
        skipped = [r["reason"] for r in _filters.plugins() if r["name"] == plugin and r["reason"]]
        because = f": plugin '{plugin}' skipped: {skipped[0]}" if skipped else ""
        return f"worker {_worker_name()} has no filter '{name}'{because}"
    return None


def check_worker(job, out):
    """Run once on every worker before the files (Client.run): None when the
    worker can load the chain and write into ``out``, else the reason."""
    reason = use_plugins(job)
    if reason:
        return reason
    if not os.path.isdir(out):
        return f"worker {_worker_name()} cannot see the output folder {out}; {SHARED_FS_HINT}"
    if not os.access(out, os.W_OK | os.X_OK):
        return f"worker {_worker_name()} cannot write into the output folder {out}"
    return None


def _cancelled(job):
    """True once the caller set the run's cancel event (Ctrl+C). A check that
    cannot reach the scheduler counts as cancelled: the caller is gone."""
    try:
        from distributed import Event, get_worker
        worker = get_worker()
    except (ImportError, ValueError):
        return False  # called outside a Dask worker: nobody can cancel it
    try:
        return Event(job.cancel_event, client=worker.client).is_set()
    except Exception:  # noqa: BLE001 - no scheduler means nobody waits for this output
        return True


def _up_to_date(input_path, output_path, job):
    """The output is newer than the input and records the same chain."""
    try:
        if os.stat(output_path).st_mtime_ns <= os.stat(input_path).st_mtime_ns:
            return False
        entries = _livepix._read_metadata(output_path)
    except (OSError, ImageError):
        return False  # missing or unreadable output: make it again
    for name, kind, text in entries:
        if name == RECORD_KEY:
            # TGA appends its own version number to "Software".
            value = str(_to_python(kind, text))
            return value == job.record or value.startswith(job.record + " ")
    return False


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _temporary_path(output_path, job):
    """Hidden, beside the output (same filesystem, so the rename is atomic),
    with the output's extension (it picks the format) and the run's token
    (the caller removes leftovers of a cancelled run by it)."""
    target = Path(output_path)
    return str(target.with_name(f".{target.stem}.batch-{job.token}{target.suffix}"))


def _process(input_path, output_path, job):
    """(status, reason) for one file."""
    # No cancel check here: on Ctrl+C run() cancels every future not done,
    # and Dask drops those a worker has not started. A file that started
    # anyway checks once, after its save (below); a check here too would
    # cost every file a round trip to the scheduler (about 2.5 ms).
    if not os.path.exists(input_path):
        return FAILED, f"worker {_worker_name()} cannot see {input_path}: no such file"
    if not job.force and _up_to_date(input_path, output_path, job):
        return SKIPPED, ""
    reason = use_plugins(job)
    if reason:
        return FAILED, reason
    try:
        image = _open(input_path)
    except ImageError as error:
        return FAILED, f"cannot read it: {error.strerror}"
    for name, params in job.chain:
        try:
            _filters.apply(name, image, **params)
        except Exception as error:  # noqa: BLE001 - any filter error fails this file only
            return FAILED, f"filter '{name}' failed: {type(error).__name__}: {error}"
    image.metadata[RECORD_KEY] = job.record
    temporary = _temporary_path(output_path, job)
    try:
        image.save(temporary)
        # Checked after the pixels are written and before the rename, so a
        # cancel that arrives while this task runs leaves nothing behind.
        if _cancelled(job):
            _remove(temporary)
            return CANCELLED, ""
        os.replace(temporary, output_path)
    except ImageError as error:
        _remove(temporary)
        return FAILED, f"cannot write {output_path}: {error.strerror}"
    except BaseException:
        _remove(temporary)
        raise
    return WRITTEN, ""


def process_file(input_path, output_path, job):
    """The Dask task: a small dict (status, reason, seconds, worker)."""
    started = time.perf_counter()
    try:
        status, reason = _process(input_path, output_path, job)
    except Exception as error:  # noqa: BLE001 - reported per file; the others go on
        status, reason = FAILED, f"{type(error).__name__}: {error}"
    return {"status": status, "reason": reason, "seconds": time.perf_counter() - started,
            "worker": _worker_name()}
