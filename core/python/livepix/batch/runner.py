"""livepix.batch.run(): one task per file on a Dask cluster, results
collected as they finish, Ctrl+C turned into a clean cancel.

Dask does the scheduling, retries on lost workers and data placement; this
module only plans the run (plan.py), checks every worker once, submits
task.process_file for each file and reads the small dicts it returns.
"""

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from .plan import expand_inputs, make_job, output_paths
from .priority import lower_this_thread
from .progress import Progress
from .report import CANCELLED, FAILED, SKIPPED, FileResult, Report
from .task import SHARED_FS_HINT, check_worker, process_file


class BatchError(RuntimeError):
    """The run could not start: no scheduler, or a worker that cannot load
    the filters or see the output folder (the message names it)."""


class BatchCancelled(KeyboardInterrupt):
    """Raised by run() on Ctrl+C once outstanding work is cancelled and no
    partial file is left; ``report`` holds what finished before."""

    def __init__(self, report):
        super().__init__("batch run cancelled")
        self.report = report


def _import_distributed():
    try:
        import distributed
    except ImportError as error:
        raise ImportError("livepix.batch runs on Dask: install python3-dask and python3-distributed "
                          f"(Debian) or dask[distributed] ({error})") from None
    return distributed


# Dask's background work that a local batch cluster does not need, each on
# the same CPUs as the files: the statistical profiler samples every thread's
# stack every 10 ms for a dashboard that local_cluster() does not start, the
# system and memory monitors poll psutil every 0.5 s and 0.1 s, and every
# server (scheduler, nannies, workers) wakes its event loop every 20 ms only
# to time it (a warning when a handler blocks it for 3 s, still given at a
# 1 s tick). The tick was most of it: measured with 30 files on 2 workers,
# the CPU time of everything but the files fell from 1.56 to 0.87 s.
_LOCAL_TUNING = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.tick.interval": "1s",
    # Each worker's event-loop thread yields to its file thread (priority.py).
    "distributed.worker.preload": ["livepix.batch.priority"],
}


# glibc's allocator in each local worker process, set before it starts (the
# allocator reads these once). A file allocates image-sized buffers (a 4K
# RGB image is 25 MB; decoder, filter and encoder each take one or more);
# by default glibc hands most of them back to the kernel when freed and the
# next file faults fresh zeroed pages in again. Here buffers up to 256 MB
# come from the heap and up to 256 MB of free heap is kept, so the next file
# reuses the same pages. One arena: the files run on a worker's executor
# thread, and a thread's own arena (heaps of at most 64 MB, unmapped when
# empty) would give the pages back regardless. Measured with the OpenCV
# blur on 4K PNGs in one thread: 6600 page faults and 60 ms of system time
# per file fell to 460 and 15 ms, and the file from 1.96-2.19 s to
# 1.80-1.82 s. The cost: a worker keeps its largest file's memory between
# files (Dask's own MALLOC_TRIM_THRESHOLD_ default is dropped for this).
# Workers started by hand can take the same variables (docs/BATCH.md).
_WORKER_MALLOC = {
    "MALLOC_ARENA_MAX": "1",
    "MALLOC_MMAP_THRESHOLD_": str(256 << 20),
    "MALLOC_TRIM_THRESHOLD_": str(256 << 20),
}


@contextlib.contextmanager
def _worker_start_environment(dask):
    """While the nannies start their workers: the variables each sets just
    before it starts its worker process are Dask's (one OpenMP/BLAS thread)
    and _WORKER_MALLOC; afterwards this process's environment is as it was.

    A nanny sets them in its own process's environment, which for a
    LocalCluster is this one; putting the caller's back keeps the caller's
    later subprocesses from inheriting one malloc arena and one BLAS thread.
    (A nanny restarting a crashed worker sets them again.) Dask lets a value
    in this environment replace a pre-spawn one, and an earlier Dask nanny in
    this process (a plain distributed.LocalCluster) leaves
    MALLOC_TRIM_THRESHOLD_=65536 here: the allocator settings are
    _WORKER_MALLOC whatever the caller's environment says."""
    pre_spawn = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **_WORKER_MALLOC}
    callers = {name: os.environ.get(name) for name in pre_spawn}
    for name in _WORKER_MALLOC:
        os.environ.pop(name, None)
    try:
        with dask.config.set({"distributed.nanny.pre-spawn-environ": pre_spawn}):
            yield
    finally:
        for name, value in callers.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def local_cluster(workers=None):
    """The distributed.LocalCluster that run() starts when given no
    scheduler, for callers who keep one running across runs (pass its
    ``scheduler_address`` to run()); the caller closes it.

    Worker processes of one thread each, one per CPU (``workers`` sets the
    number): C++ filters and the decoders release the GIL, but Python
    filters hold it, so threads of one process would take turns.
    OpenImageIO's and OpenCV's own thread pools are pinned to that one
    thread so N workers keep N cores busy, not N*N threads. Each worker
    keeps its image buffers' memory from one file to the next
    (_WORKER_MALLOC); Dask's own default for nanny-started workers,
    MALLOC_TRIM_THRESHOLD_ of 64 KiB alone, did the opposite: it turns off
    glibc's adaptive mmap threshold, so every image-sized buffer was mapped
    and unmapped again for each file (one worker, OpenCV blur: 0.469 files
    per second with it, 0.509 without, a plain loop 0.534). Dask's own
    threads (each worker's event loop; the scheduler and nannies here) run
    at a lower priority than the files (priority.py)."""
    distributed = _import_distributed()
    import dask

    # The CPUs this process may run on (a container or taskset may allow
    # fewer than the machine has).
    count = workers or len(os.sched_getaffinity(0)) or 1
    # Worker processes inherit an ignored SIGINT (Python keeps SIG_IGN at
    # start-up), so Ctrl+C in a terminal reaches only this process, which
    # cancels cleanly, instead of also killing workers mid-file.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        with _worker_start_environment(dask), dask.config.set(_LOCAL_TUNING):
            cluster = distributed.LocalCluster(n_workers=count, threads_per_worker=1, processes=True,
                                               dashboard_address=None, silence_logs=logging.ERROR,
                                               env={"OPENIMAGEIO_THREADS": "1", "OPENCV_FOR_THREADS_NUM": "1"})
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    # The scheduler and the nannies run on the cluster's own event-loop
    # thread in this process; it yields to the workers' files as their
    # event loops do. Never the caller's thread.
    caller = threading.get_ident()

    def lower_the_loop():
        if threading.get_ident() != caller:
            lower_this_thread()

    cluster.loop.add_callback(lower_the_loop)
    return cluster


def _connect(distributed, scheduler):
    try:
        client = distributed.Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as error:
        raise BatchError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    try:
        client.wait_for_workers(1, timeout=60)
    except (TimeoutError, OSError):
        client.close()
        raise BatchError(f"no Dask worker connected to the scheduler at {scheduler} within 60 s") from None
    return client


def _check_workers(client, job, out):
    """Every worker loads the chain and checks the output folder before any
    file is sent, so a worker without the shared filesystem fails the run
    at once with its reason instead of failing every file it gets."""
    reasons = [r for r in client.run(check_worker, job, out).values() if r]
    if reasons:
        raise BatchError("\n".join(reasons))


def _sweep(out, job):
    """Removes this run's temporary files (left by a worker stopped mid-save)."""
    marker = f".batch-{job.token}"
    try:
        names = os.listdir(out)
    except OSError:
        return
    for name in names:
        if name.startswith(".") and marker in name:
            try:
                os.remove(os.path.join(out, name))
            except OSError:
                pass


def _result(future, input_path, output_path):
    if future.status == "finished":
        return FileResult(input_path, output_path, **future.result())
    if future.status == "error":
        # The task itself never raises; this is Dask giving up, e.g. a
        # worker that died on this file more often than allowed (KilledWorker).
        error = future.exception()
        return FileResult(input_path, output_path, FAILED, f"{type(error).__name__}: {error}")
    return FileResult(input_path, output_path, CANCELLED)


def _explain(result):
    """Adds the shared-filesystem hint when the caller sees what a worker did not."""
    if result.status == FAILED and "cannot see" in result.reason and os.path.exists(result.input):
        result.reason += f" (this computer sees it; {SHARED_FS_HINT})"
    return result


def run(filters, inputs, out, scheduler=None, workers=None, *, format=None, force=False, progress=None):
    """Applies a filter chain to every input on a Dask cluster; returns a Report.

    ``filters``: a list of ``(name, {params})`` applied in order (a bare name
    means default parameters). ``inputs``: files, folders (their images) and
    globs. Each output is ``out/<input name>`` with the input's extension or
    ``format``, written atomically, with the chain recorded in its metadata;
    an output newer than its input and made by the same chain is skipped
    unless ``force``.

    ``scheduler``: address of an existing cluster (``tcp://host:8786``);
    its workers need livepix installed and inputs, outputs and plugin folders
    at the same paths. Without it a local cluster of ``workers`` processes
    (default: one per CPU) runs for the call. ``progress``: show the progress
    bar on stderr (default: when stderr is a terminal).

    A file that fails is in ``report.failed`` with its reason; the others
    still run. Raises ValueError for a bad chain or inputs, BatchError when
    the cluster cannot run the job, and BatchCancelled (a KeyboardInterrupt)
    on Ctrl+C after cancelling the outstanding files and removing partial ones.
    """
    if scheduler and workers:
        raise ValueError("workers sizes a local cluster; a scheduler's cluster has the workers it has")
    if workers is not None and (int(workers) != workers or workers < 1):
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    job = make_job(filters, force=force)
    files = expand_inputs(inputs)
    out = os.path.abspath(os.fspath(out))
    outputs = output_paths(files, out, format)
    Path(out).mkdir(parents=True, exist_ok=True)
    distributed = _import_distributed()

    started = time.monotonic()
    cluster = None
    if scheduler:
        client = _connect(distributed, scheduler)
    else:
        cluster = local_cluster(workers)
        client = distributed.Client(cluster)
    results = [FileResult(f, o, CANCELLED) for f, o in zip(files, outputs)]
    show = progress if progress is not None else sys.stderr.isatty()
    bar = None
    futures = []
    cancelled = False
    try:
        _check_workers(client, job, out)
        # One task per file, named after it (the Dask dashboard shows the
        # names); pure=False: the same file in a later run is new work.
        keys = [f"livepix-batch-{Path(f).name}-{job.token}-{i}" for i, f in enumerate(files)]
        futures = client.map(process_file, files, outputs, job=job, key=keys, pure=False)
        position = {future.key: i for i, future in enumerate(futures)}
        bar = Progress(len(files)) if show else None
        for future in distributed.as_completed(futures):
            i = position[future.key]
            results[i] = _explain(_result(future, files[i], outputs[i]))
            if bar:
                bar.update(processed=results[i].status != SKIPPED, failed=results[i].status == FAILED)
    except KeyboardInterrupt:
        cancelled = True
        # Tasks still running see the event before renaming their output
        # into place; queued ones are dropped by Dask.
        distributed.Event(job.cancel_event, client=client).set()
        client.cancel([f for f in futures if not f.done()])
    finally:
        if bar:
            bar.close()
        client.close()
        if cluster is not None:
            cluster.close()  # stops the worker processes, also one mid-save
        _sweep(out, job)
    report = Report(results=results, seconds=time.monotonic() - started, cancelled=cancelled)
    if cancelled:
        raise BatchCancelled(report)
    return report

