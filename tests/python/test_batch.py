"""livepix.batch and `python3 -m livepix batch` on real Dask clusters: a
distributed.LocalCluster of two worker processes, a scheduler and workers
started as separate processes with a clean environment, and the local
cluster the command starts itself. Outputs are compared bit for bit with
livepix.filters.apply in this process."""

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import distributed
import numpy as np
import pytest

import livepix
from livepix import batch

TEST_DATA = Path(os.environ.get("LIVEPIX_TEST_DATA", Path(__file__).resolve().parents[1] / "data"))
PYTHON_DIR = Path(livepix.__file__).resolve().parents[1]  # the package's folder on sys.path

PLUGIN = textwrap.dedent('''
    """Filters for the batch tests; loaded by the workers from this folder."""
    import time

    import numpy as np

    import livepix


    @livepix.filter("Batch Test Gain", dtypes=["uint8", "uint16"], params=[
        {"name": "gain", "type": "float", "min": 0.0, "max": 4.0, "default": 1.0},
        {"name": "offset", "type": "int", "min": -255, "max": 255, "default": 0},
    ])
    def gain(array, gain, offset):
        white = np.iinfo(array.dtype).max
        array[...] = np.clip(np.rint(array * gain) + offset, 0, white).astype(array.dtype)


    @livepix.filter("Batch Test Slow Invert", dtypes=["uint8"], params=[
        {"name": "seconds", "type": "float", "min": 0.0, "max": 10.0, "default": 0.0},
    ])
    def slow_invert(array, seconds):
        time.sleep(seconds)
        array[...] = 255 - array
''')

BLUR_AND_GAIN = [("Gaussian Blur (OIIO)", {"sigma": 1.5}), ("Batch Test Gain", {"gain": 1.25, "offset": -3})]


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory):
    """A Python plugin in a folder of its own, on this process's plugin path
    only (the workers must get it from the job)."""
    folder = tmp_path_factory.mktemp("plugins") / "batchtest"
    folder.mkdir()
    (folder / "batchtest.py").write_text(PLUGIN)
    (folder / "plugin.json").write_text(json.dumps({
        "name": "batchtest", "version": "1.0.0", "api_version": livepix.filters.PLUGIN_API_VERSION,
        "kind": "python", "entry": "batchtest.py"}))
    livepix._livepix._set_plugin_search_paths([str(folder.parent)] + livepix.filters.search_paths())
    livepix.filters.reload()
    assert "Batch Test Gain" in livepix.filters.names()
    yield folder
    livepix._livepix._set_plugin_search_paths([])
    livepix.filters.reload()


@pytest.fixture(scope="module")
def cluster():
    """A real LocalCluster: two worker processes of one thread each."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as local:
        yield local.scheduler_address


def write_inputs(folder, count=3):
    """Small RGB and RGBA 8-bit PNGs and one 16-bit one, different sizes."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(13)
    paths = []
    for i in range(count):
        shape = (37 + 5 * i, 53, 4 if i % 2 == 0 else 3)
        path = folder / f"in{i}.png"
        livepix.Image.from_array(rng.integers(0, 256, shape, dtype=np.uint8)).save(path)
        paths.append(path)
    path = folder / "deep.png"
    livepix.Image.from_array(rng.integers(0, 65536, (29, 31, 3), dtype=np.uint16)).save(path)
    return paths + [path]


def expected(path, chain):
    image = livepix.open(path)
    for name, params in chain:
        livepix.filters.apply(name, image, **params)
    return np.asarray(image).copy()


def assert_outputs_match(inputs, out, chain, ext=None):
    for path in inputs:
        output = Path(out) / (path.stem + (ext or path.suffix))
        written = np.asarray(livepix.open(output))
        want = expected(path, chain)
        assert written.dtype == want.dtype and written.shape == want.shape, output
        assert np.array_equal(written, want), f"{output} differs from livepix.filters.apply in-process"


def hidden_files(folder):
    return sorted(p.name for p in Path(folder).iterdir() if p.name.startswith("."))


def test_outputs_equal_in_process_filters_bit_for_bit(tmp_path, plugin_dir, cluster):
    inputs = write_inputs(tmp_path / "in")
    report = batch.run(BLUR_AND_GAIN, [tmp_path / "in"], tmp_path / "out", scheduler=cluster)
    assert report.ok, str(report)
    assert [r.name for r in report.written] == sorted(p.name for p in inputs)
    assert len({r.worker for r in report.results}) >= 1 and all(r.worker.startswith("tcp://") for r in report.results)
    assert_outputs_match(inputs, tmp_path / "out", BLUR_AND_GAIN)
    assert hidden_files(tmp_path / "out") == []
    # The input's dtype is kept, and the chain is recorded in the file.
    assert livepix.open(tmp_path / "out" / "deep.png").dtype == "uint16"
    record = livepix.open(tmp_path / "out" / "in0.png").metadata[batch.RECORD_KEY]
    assert "Batch Test Gain" in record and '"gain":1.25' in record


def test_format_and_globs(tmp_path, plugin_dir, cluster):
    inputs = write_inputs(tmp_path / "in")
    report = batch.run([("Invert", {})], [str(tmp_path / "in" / "in*.png")], tmp_path / "out", scheduler=cluster,
                       format="tif")
    assert report.ok, str(report)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["in0.tif", "in1.tif", "in2.tif"]
    assert_outputs_match([p for p in inputs if p.name.startswith("in")], tmp_path / "out", [("Invert", {})], ".tif")


def test_corrupt_input_is_reported_and_the_others_finish(tmp_path, plugin_dir, cluster):
    inputs = write_inputs(tmp_path / "in")
    shutil.copy(TEST_DATA / "truncated_pixels.png", tmp_path / "in" / "broken.png")
    missing = tmp_path / "in" / "gone.png"
    report = batch.run(BLUR_AND_GAIN, [tmp_path / "in", missing], tmp_path / "out", scheduler=cluster)
    assert not report.ok
    failed = {r.name: r.reason for r in report.failed}
    assert sorted(failed) == ["broken.png", "gone.png"]
    assert "cannot read it" in failed["broken.png"] and "truncated" in failed["broken.png"].lower()
    assert "cannot see" in failed["gone.png"] and "no such file" in failed["gone.png"]
    assert "broken.png: cannot read it" in str(report)
    assert len(report.written) == len(inputs)
    assert_outputs_match(inputs, tmp_path / "out", BLUR_AND_GAIN)
    assert not (tmp_path / "out" / "broken.png").exists() and hidden_files(tmp_path / "out") == []


def test_a_failing_filter_fails_only_its_files(tmp_path, plugin_dir, cluster):
    inputs = write_inputs(tmp_path / "in")  # the 16-bit one is not a type Slow Invert takes
    report = batch.run([("Batch Test Slow Invert", {})], [tmp_path / "in"], tmp_path / "out", scheduler=cluster)
    assert [r.name for r in report.failed] == ["deep.png"]
    assert "filter 'Batch Test Slow Invert' failed" in report.failed[0].reason
    assert len(report.written) == len(inputs) - 1


def test_rerun_skips_outputs_made_by_the_same_chain(tmp_path, plugin_dir, cluster):
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    assert batch.run(BLUR_AND_GAIN, [tmp_path / "in"], out, scheduler=cluster).ok
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}

    # Same chain, parameters spelled differently (defaults, ints for floats): all skipped.
    same = [("Gaussian Blur (OIIO)", {"sigma": "1.5"}), ("Batch Test Gain", {"gain": 1.25, "offset": -3.0})]
    report = batch.run(same, [tmp_path / "in"], out, scheduler=cluster)
    assert len(report.skipped) == len(inputs) and report.ok
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps

    # A newer input is made again; the others are still skipped.
    time.sleep(0.01)
    os.utime(inputs[1])
    report = batch.run(BLUR_AND_GAIN, [tmp_path / "in"], out, scheduler=cluster)
    assert [r.name for r in report.written] == [inputs[1].name]

    # --force makes everything again.
    report = batch.run(BLUR_AND_GAIN, [tmp_path / "in"], out, scheduler=cluster, force=True)
    assert len(report.written) == len(inputs)


def test_changed_parameter_runs_again(tmp_path, plugin_dir, cluster):
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    assert batch.run(BLUR_AND_GAIN, [tmp_path / "in"], out, scheduler=cluster).ok
    changed = [BLUR_AND_GAIN[0], ("Batch Test Gain", {"gain": 0.5, "offset": -3})]
    report = batch.run(changed, [tmp_path / "in"], out, scheduler=cluster)
    assert len(report.written) == len(inputs) and not report.skipped
    assert_outputs_match(inputs, out, changed)
    # So does a changed chain (one filter fewer).
    report = batch.run(BLUR_AND_GAIN[:1], [tmp_path / "in"], out, scheduler=cluster)
    assert len(report.written) == len(inputs)
    assert_outputs_match(inputs, out, BLUR_AND_GAIN[:1])


def test_filters_of_this_session_only_are_refused(tmp_path):
    @livepix.filter("Batch Session Only")
    def session_only(array):
        array[...] = 0

    write_inputs(tmp_path / "in", 1)
    with pytest.raises(ValueError, match="defined only in this Python session.*plugin"):
        batch.run([("Batch Session Only", {})], [tmp_path / "in"], tmp_path / "out")
    livepix._livepix._unregister_filter("Batch Session Only")


@pytest.mark.parametrize("chain, message", [
    ([("No Such Filter", {})], "no filter named 'No Such Filter'"),
    ([("Gaussian Blur (OIIO)", {"radius": 2})], r"Blur \(OIIO\)': unknown parameter 'radius' \(parameters: sigma\)"),
    ([("Gaussian Blur (OIIO)", {"sigma": "wide"})], "parameter 'sigma' is a float, not 'wide'"),
    ([("Gaussian Blur (OIIO)", {"sigma": 500})], r"parameter 'sigma' = 500 is outside \[0.3, 50\]"),
])
def test_bad_chains_are_refused_before_any_cluster(tmp_path, chain, message):
    write_inputs(tmp_path / "in", 1)
    with pytest.raises(ValueError, match=message):
        batch.run(chain, [tmp_path / "in"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_two_inputs_with_one_output_name_are_refused(tmp_path):
    a, b = write_inputs(tmp_path / "a", 1)[0], write_inputs(tmp_path / "b", 1)[0]
    with pytest.raises(ValueError, match="would both be written to"):
        batch.run([("Invert", {})], [a, b], tmp_path / "out")


def test_worker_that_cannot_see_the_plugin_folder_fails_the_run_clearly(tmp_path, cluster):
    # This process loaded the plugin, then its folder went away: the workers,
    # which load plugins from the job's folders, cannot see it.
    folder = tmp_path / "plugins" / "vanishing"
    folder.mkdir(parents=True)
    (folder / "vanishing.py").write_text(PLUGIN.replace("Batch Test", "Vanishing Test"))
    (folder / "plugin.json").write_text(json.dumps({
        "name": "vanishing", "version": "1", "api_version": livepix.filters.PLUGIN_API_VERSION,
        "kind": "python", "entry": "vanishing.py"}))
    previous = livepix.filters.search_paths()
    livepix._livepix._set_plugin_search_paths([str(folder.parent)] + previous)
    try:
        livepix.filters.reload()
        assert "Vanishing Test Gain" in livepix.filters.names()
        shutil.rmtree(folder)
        write_inputs(tmp_path / "in", 1)
        with pytest.raises(batch.BatchError, match=r"cannot see plugin 'vanishing'.*shared filesystem"):
            batch.run([("Vanishing Test Gain", {})], [tmp_path / "in"], tmp_path / "out", scheduler=cluster)
        assert list((tmp_path / "out").iterdir()) == []
    finally:
        livepix._livepix._set_plugin_search_paths(previous)
        livepix.filters.reload()


def nice_of_thread():
    """A function that returns the calling thread's nice value (on Linux it
    is per thread). Made inside a function, so Dask sends it by value: the
    workers cannot import this test module."""
    def thread_nice():
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    return thread_nice


def test_priority_preload_starts_every_file_thread_before_lowering_the_event_loop():
    """livepix.batch.priority on a worker of three threads: all three file
    threads keep the process's nice value, only the event-loop thread (here
    a thread of the test's own, since lowering cannot be undone) goes 10
    lower."""
    from types import SimpleNamespace

    from distributed.threadpoolexecutor import ThreadPoolExecutor

    from livepix.batch import priority

    executor = ThreadPoolExecutor(3)
    worker = SimpleNamespace(state=SimpleNamespace(nthreads=3), executor=executor)
    thread_nice = nice_of_thread()
    loop = {}

    def event_loop():
        priority.dask_setup(worker)
        loop["nice"] = thread_nice()

    try:
        thread = threading.Thread(target=event_loop)
        thread.start()
        thread.join(30)
        files = sorted(os.getpriority(os.PRIO_PROCESS, t.native_id) for t in executor._threads)
    finally:
        executor.shutdown()
    base = thread_nice()
    assert (files, loop["nice"]) == ([base] * 3, min(19, base + 10))


def clean_environment(home):
    """No PYTHONPATH, no plugin path: livepix is "installed" for this user
    (a .pth file in the user site-packages of a fresh HOME)."""
    site = home / ".local" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    site.mkdir(parents=True)
    (site / "livepix-build-tree.pth").write_text(str(PYTHON_DIR) + "\n")
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}


def test_separate_scheduler_and_workers_with_a_clean_environment(tmp_path, plugin_dir):
    env = clean_environment(tmp_path / "home")
    scheduler_file = tmp_path / "scheduler.json"
    python = sys.executable
    processes = [subprocess.Popen(
        [python, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
         "--dashboard-address", ":0", "--scheduler-file", str(scheduler_file)],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists():
            assert time.monotonic() < deadline and processes[0].poll() is None, "scheduler did not start"
            time.sleep(0.1)
        for _ in range(2):
            processes.append(subprocess.Popen(
                [python, "-m", "distributed.cli.dask_worker", "--scheduler-file", str(scheduler_file),
                 "--nthreads", "1", "--no-dashboard", "--preload", "livepix.batch.priority"],
                env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        address = json.loads(scheduler_file.read_text())["address"]
        with distributed.Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
            seen = client.run(lambda: (os.environ.get("PYTHONPATH"), os.environ.get("LIVEPIX_PLUGIN_PATH")))
            assert list(seen.values()) == [(None, None)] * 2
            # --preload livepix.batch.priority (docs/BATCH.md): each worker's
            # event loop runs 10 nice levels below its file thread.
            thread_nice = nice_of_thread()
            loops = list(client.run(thread_nice).values())
            files = [client.submit(thread_nice, workers=[w], pure=False).result()
                     for w in client.scheduler_info()["workers"]]
            assert (loops, files) == ([min(19, thread_nice() + 10)] * 2, [thread_nice()] * 2)

        inputs = write_inputs(tmp_path / "in")
        report = batch.run(BLUR_AND_GAIN, [tmp_path / "in"], tmp_path / "out", scheduler=address)
        assert report.ok, str(report)
        assert len({r.worker for r in report.results}) >= 1
        assert_outputs_match(inputs, tmp_path / "out", BLUR_AND_GAIN)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def cli(args, env_extra=None, **kwargs):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.Popen([sys.executable, "-m", "livepix", "batch", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def test_command_line_on_its_own_local_cluster(tmp_path, plugin_dir):
    inputs = write_inputs(tmp_path / "in")
    shutil.copy(TEST_DATA / "truncated_pixels.png", tmp_path / "in" / "broken.png")
    process = cli(["--filter", "Gaussian Blur (OIIO)", "--param", "sigma=1.5", tmp_path / "in",
                   "--filter", "Batch Test Gain", "--param", "gain=1.25", "--param", "offset=-3",
                   "--out", tmp_path / "out", "--workers", "2"],
                  {"LIVEPIX_PLUGIN_PATH": str(plugin_dir.parent)})
    stdout, stderr = process.communicate(timeout=240)
    assert process.returncode == 1, stderr
    assert "1 failed" in stderr and "broken.png: cannot read it" in stderr
    assert "files/s" in stderr and "ETA" in stderr  # the progress bar
    assert_outputs_match(inputs, tmp_path / "out", BLUR_AND_GAIN)


def test_command_line_usage_errors_exit_2(tmp_path):
    write_inputs(tmp_path / "in", 1)
    process = cli(["--param", "sigma=2", "--filter", "Invert", tmp_path / "in", "--out", tmp_path / "out"])
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and "give the --filter it belongs to first" in stderr
    process = cli(["--filter", "Invert", "--param", "strength=2", tmp_path / "in", "--out", tmp_path / "out"])
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and "filter 'Invert': unknown parameter 'strength' (parameters: none)" in stderr


def test_ctrl_c_cancels_and_leaves_no_partial_files(tmp_path, plugin_dir):
    inputs = write_inputs(tmp_path / "in", 16)[:16]
    (tmp_path / "in" / "deep.png").unlink()  # Slow Invert takes uint8 only
    out = tmp_path / "out"
    # Its own session, so the signal goes to the command and its worker
    # processes together, as a terminal's Ctrl+C does.
    process = cli(["--filter", "Batch Test Slow Invert", "--param", "seconds=0.4", tmp_path / "in", "--out", out,
                   "--workers", "2"], {"LIVEPIX_PLUGIN_PATH": str(plugin_dir.parent)}, start_new_session=True)
    deadline = time.monotonic() + 120
    while not (out.exists() and any(p.suffix == ".png" and not p.name.startswith(".") for p in out.iterdir())):
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "cancelled" in stderr
    written = sorted(p for p in out.iterdir())
    assert hidden_files(out) == []
    assert 0 < len(written) < len(inputs), "the outstanding files were not cancelled"
    for path in written:  # every file there is complete and right
        assert np.array_equal(np.asarray(livepix.open(path)), expected(tmp_path / "in" / path.name,
                                                                        [("Batch Test Slow Invert", {})]))


def test_cancel_on_an_existing_cluster_stops_files_already_running(tmp_path, plugin_dir, cluster):
    # On a cluster run() does not own, Dask cannot stop a task that is
    # running; the task must see the cancel and not put its output in place.
    inputs = write_inputs(tmp_path / "in", 8)[:8]
    (tmp_path / "in" / "deep.png").unlink()
    out = tmp_path / "out"
    finished = threading.Event()

    def ctrl_c_after_the_first_output():
        while not finished.is_set():
            if out.exists() and any(not p.name.startswith(".") for p in out.iterdir()):
                signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
                return
            time.sleep(0.02)

    threading.Thread(target=ctrl_c_after_the_first_output, daemon=True).start()
    try:
        with pytest.raises(batch.BatchCancelled) as cancelled:
            batch.run([("Batch Test Slow Invert", {"seconds": 2.0})], [tmp_path / "in"], out, scheduler=cluster)
    finally:
        finished.set()
    left = sorted(out.iterdir())
    time.sleep(3.0)  # longer than one file takes: tasks that were running have ended
    assert sorted(out.iterdir()) == left, "outputs appeared after the run was cancelled"
    assert hidden_files(out) == []
    assert 0 < len(left) < len(inputs)
    report = cancelled.value.report
    assert report.cancelled and not report.ok and len(report.written) <= len(left)
    assert len(report.results) == len(inputs)


def refaulted_pages():
    """A function (sent by value, as nice_of_thread's) that returns the
    minor page faults of the calling thread while it fills a 100 MB buffer
    for the third time, the first two having been allocated and freed: 0
    when freed image-sized memory is reused; when each buffer is mapped
    afresh, 51 with transparent huge pages (NumPy asks for them), 25600
    without."""
    def refaulted():
        import resource

        def fill():
            buffer = np.empty(100 << 20, np.uint8)
            buffer.fill(1)

        fill()
        fill()
        before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
        fill()
        return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before
    return refaulted


def test_local_cluster_workers_keep_one_thread_their_memory_and_quiet_dask_threads(monkeypatch):
    """livepix.batch.local_cluster(), what run() starts: one thread per
    worker, OpenImageIO's and OpenCV's pools pinned to one thread, glibc's
    allocator set to keep image-sized buffers' pages from one file to the
    next, and the caller's environment as it was (a Dask nanny sets its
    variables in its own process, this one, before it spawns a worker)."""
    names = ("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS",
             "OPENIMAGEIO_THREADS", "OPENCV_FOR_THREADS_NUM")
    # As a fresh `python3 -m livepix batch` has them, but for what an earlier
    # Dask nanny in this process leaves behind (Dask passes on the caller's
    # value instead of its pre-spawn one, but not for the allocator).
    for name in names:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    callers = {name: os.environ.get(name) for name in names}

    def worker_side():
        import dask
        return ({name: os.environ.get(name) for name in names},
                dask.config.get("distributed.worker.profile.enabled"))

    def tick(dask_worker=None, dask_scheduler=None):
        return (dask_worker or dask_scheduler)._tick_interval

    with batch.local_cluster(1) as local, distributed.Client(local) as client:
        environment_after_start = dict(os.environ)
        seen = client.run(worker_side)
        refaulted = client.submit(refaulted_pages(), pure=False).result()
        threads = [w["nthreads"] for w in client.scheduler_info()["workers"].values()]
        ticks = list(client.run(tick).values()) + [client.run_on_scheduler(tick)]
        ticks += [nanny._tick_interval for nanny in local.workers.values()]
        # Client.run and run_on_scheduler call on the event-loop threads,
        # submit on the thread that runs the files.
        thread_nice = nice_of_thread()
        nices = {"worker loop": list(client.run(thread_nice).values()),
                 "scheduler loop": client.run_on_scheduler(thread_nice),
                 "files": client.submit(thread_nice, pure=False).result(), "caller": thread_nice()}
    assert [environment for environment, _ in seen.values()] == [
        {"MALLOC_ARENA_MAX": "1", "MALLOC_MMAP_THRESHOLD_": str(256 << 20), "MALLOC_TRIM_THRESHOLD_": str(256 << 20),
         "OMP_NUM_THREADS": "1", "OPENIMAGEIO_THREADS": "1", "OPENCV_FOR_THREADS_NUM": "1"}]
    # ... and they take effect on the thread that runs the files: a freed
    # 100 MB buffer's pages serve the next one (refaulted_pages()).
    assert refaulted < 10, f"{refaulted} pages faulted in again"
    # The caller's own environment is as it was (Dask adds DASK_PARENT).
    assert {name: environment_after_start.get(name) for name in names} == callers
    assert threads == [1]
    # Dask's statistical profiler (10 ms stack samples for a dashboard that
    # is not started) is off in the workers; with the slower monitors that
    # gave two busy workers on two CPUs about 4 % more files per second.
    assert [profiling for _, profiling in seen.values()] == [False]
    # Each server's event loop is timed once a second, not every 20 ms
    # (Dask's default): with two busy workers on two CPUs those wake-ups were
    # most of the CPU time spent on anything but the files.
    assert ticks == [1.0, 1.0, 1.0]
    # Dask's threads yield to the files: the event loops of the worker and of
    # the scheduler and nannies (in this process) run 10 nice levels lower
    # than the worker's file thread; this test's own thread keeps its level.
    low = min(19, nices["caller"] + 10)
    assert nices == {"worker loop": [low], "scheduler loop": low, "files": nices["caller"],
                     "caller": nices["caller"]}
