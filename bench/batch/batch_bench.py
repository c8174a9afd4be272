#!/usr/bin/python3
"""Batch benchmark: images per second for N 4K PNGs through a Gaussian blur
(read, "Gaussian Blur (OIIO)" sigma 2, write PNG), livepix.batch on Dask
against the peers, same run:

    PYTHONPATH=build/python /usr/bin/python3 bench/batch/batch_bench.py [--count N] [--repeats R] [--json]

1. a plain Python loop in this process (one thread);
2. concurrent.futures.ProcessPoolExecutor with 1 and 2 processes (spawned,
   as Dask's workers are) running the same open/apply/save function; on
   request (--variants pool2_malloc) also 2 processes started with the
   glibc allocator settings local_cluster() gives its workers, to tell what
   those settings gain from what Dask costs;
3. livepix.batch.run on a distributed.LocalCluster of 1 and 2 worker
   processes of one thread each.
Every worker and peer has OpenImageIO's thread pool pinned to one thread
(OPENIMAGEIO_THREADS=1, set before livepix loads) and OMP/BLAS threads to one.

Rates time the files only (the pool or cluster already running, its
processes having imported livepix and loaded the plugins, as on a cluster
that keeps running: the cluster does a one-file job first); the seconds to
start and warm up the pool or the LocalCluster are printed apart (a
one-off `python3 -m livepix batch` pays them once). Each run also prints the
CPU seconds per file of all its processes over the same files (for Dask: the
workers, and the scheduler, nannies and client in this process). The inputs
are one photo (skimage's astronaut) scaled to 3840x2160 RGB, copied N times
(default 8; issue 13 asks for 200: --count 200). Targets (issue 13): 2 workers at least 1.7x one
worker; no slower than the process pool. Medians of R runs (default 3);
nothing is asserted. The machine's load average is printed too: on a shared
machine the 2-worker figures need two free cores. The last line is one JSON
object (--json).
"""

import os

# Before livepix (and OpenImageIO) load, here and in every spawned process.
for _name in ("OPENIMAGEIO_THREADS", "OPENCV_FOR_THREADS_NUM", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
              "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import concurrent.futures  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import unittest.mock  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import livepix  # noqa: E402
from livepix.batch.runner import _WORKER_MALLOC as WORKER_MALLOC  # noqa: E402

W, H = 3840, 2160
# --filter; through the environment so the pool's spawned processes see it too.
FILTER = os.environ.get("LIVEPIX_BENCH_FILTER", "Gaussian Blur (OIIO)")
PARAMS = {"sigma": 2.0}
PHOTO = Path("/usr/lib/python3/dist-packages/skimage/data/astronaut.png")


def make_inputs(folder, count):
    """One 4K photo, encoded once, copied ``count`` times."""
    from PIL import Image as PILImage

    if PHOTO.exists():
        photo = PILImage.open(PHOTO).convert("RGB").resize((W, H), PILImage.BILINEAR)
        array = np.asarray(photo)
    else:  # smooth gradients with some noise, if scikit-image's data is missing
        y, x = np.mgrid[0:H, 0:W]
        rng = np.random.default_rng(1)
        array = np.stack([x * 255 // W, y * 255 // H, (x + y) * 255 // (W + H)], -1)
        array = np.clip(array + rng.integers(-8, 9, array.shape), 0, 255).astype(np.uint8)
    first = folder / "img0000.png"
    livepix.Image.from_array(np.ascontiguousarray(array)).save(first)
    paths = [first]
    for i in range(1, count):
        paths.append(folder / f"img{i:04d}.png")
        shutil.copyfile(first, paths[-1])
    return paths


def blur_file(path, out):
    """What one peer does per file: exactly the work of a batch task."""
    image = livepix.open(path)
    livepix.filters.apply(FILTER, image, **PARAMS)
    image.save(os.path.join(out, os.path.basename(path)))


def _warm_up(_):
    """Started processes have imported livepix and loaded the plugins (as a
    batch worker does before its first file); the pause keeps one process
    from taking every warm-up call, so each process gets one. Returns the
    process's MALLOC_ARENA_MAX, to check what it started with."""
    livepix.filters.names()
    time.sleep(0.5)
    return os.environ.get("MALLOC_ARENA_MAX")


def _tree_cpu_seconds():
    """User and system CPU seconds of this process and every living
    descendant (the pool's processes; Dask's workers; the scheduler, nannies
    and client live in this process), from /proc."""
    children, own = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            own[int(entry)] = int(fields[11]) + int(fields[12])  # utime + stime
            children.setdefault(int(fields[1]), []).append(int(entry))
    ticks, stack = 0, [os.getpid()]
    while stack:
        pid = stack.pop()
        ticks += own.get(pid, 0)
        stack += children.get(pid, [])
    return ticks / os.sysconf("SC_CLK_TCK")


class FilesClock:
    """Wall and CPU seconds (of every process of the run, see
    _tree_cpu_seconds) over the timed files: CPU seconds per file show what a
    runner spends besides the files, which on a machine whose every core is
    a worker comes out of the files' time."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), _tree_cpu_seconds()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, _tree_cpu_seconds() - self.cpu


def plain_loop(paths, out):
    with FilesClock() as files:
        for path in paths:
            blur_file(str(path), out)
    return files, None


def process_pool(paths, out, processes, environment=None):
    """(FilesClock of the files, seconds to start the pool's processes).
    ``environment``: variables the processes start with (this process's
    own are put back once they have)."""
    started = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        with unittest.mock.patch.dict(os.environ, environment or {}):
            # Starts the processes, and checks they have the environment.
            expected = os.environ.get("MALLOC_ARENA_MAX")
            assert list(pool.map(_warm_up, range(processes))) == [expected] * processes
        start = time.perf_counter() - started - 0.5  # _warm_up's pause
        with FilesClock() as files:
            list(pool.map(blur_file, map(str, paths), [out] * len(paths)))
    return files, start


def dask_batch(paths, out, workers):
    """(FilesClock of the files on a running LocalCluster, seconds to start
    it and warm it up)."""
    started = time.perf_counter()
    # What livepix.batch.run(workers=N) starts for itself, timed apart.
    with livepix.batch.local_cluster(workers) as cluster:
        # Like the pool's _warm_up: the workers have imported livepix and
        # loaded the plugins before the timed files (one job on the running
        # cluster, as after an earlier run), and the scheduler knows them.
        warm = os.path.join(out, ".warm-up")
        os.mkdir(warm)
        livepix.batch.run([(FILTER, PARAMS)], [str(p) for p in paths[:workers]], warm,
                          scheduler=cluster.scheduler_address, force=True, progress=False)
        shutil.rmtree(warm)
        start = time.perf_counter() - started
        with FilesClock() as files:
            report = livepix.batch.run([(FILTER, PARAMS)], list(map(str, paths)), out,
                                       scheduler=cluster.scheduler_address, force=True, progress=False)
    assert report.ok and len(report.written) == len(paths), str(report)
    return files, start


def main():
    global FILTER
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=8, help="number of 4K PNGs (issue 13: 200)")
    parser.add_argument("--filter", default=FILTER, help="a Gaussian blur with a sigma parameter "
                        "(default %(default)s; 'Gaussian Blur (OpenCV)' where that plugin is built)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--variants", default="loop,pool1,pool2,dask1,dask2",
                        help="which to run, comma-separated (default: these five; a long --count may run "
                        "only pool2,dask2; also pool2_malloc)")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    args = parser.parse_args()
    FILTER = os.environ["LIVEPIX_BENCH_FILTER"] = args.filter

    with tempfile.TemporaryDirectory(prefix="livepix-batch-bench-") as scratch:
        scratch = Path(scratch)
        (scratch / "in").mkdir()
        paths = make_inputs(scratch / "in", args.count)
        print(f"{FILTER}; {args.count} inputs of {W}x{H} RGB8 PNG, {paths[0].stat().st_size / 1e6:.1f} MB each; "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
        runs = {
            "loop": lambda out: plain_loop(paths, out),
            "pool1": lambda out: process_pool(paths, out, 1),
            "pool2": lambda out: process_pool(paths, out, 2),
            "pool2_malloc": lambda out: process_pool(paths, out, 2, WORKER_MALLOC),
            "dask1": lambda out: dask_batch(paths, out, 1),
            "dask2": lambda out: dask_batch(paths, out, 2),
        }
        chosen = args.variants.split(",")
        unknown = set(chosen) - set(runs)
        if unknown:
            parser.error(f"unknown variants {sorted(unknown)}; choose from {list(runs)}")
        runs = {name: run for name, run in runs.items() if name in chosen}
        seconds = {name: [] for name in runs}
        cpu = {name: [] for name in runs}
        start = {name: [] for name in runs}
        # Interleaved, so a change in the machine's load hits every variant.
        for repeat in range(args.repeats):
            for name, run in runs.items():
                out = scratch / f"out-{name}"
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                files, started = run(str(out))
                seconds[name].append(files.wall)
                cpu[name].append(files.cpu / args.count)
                if started is not None:
                    start[name].append(started)
                print(f"  run {repeat + 1} {name:12} {args.count / files.wall:6.3f} images/s, "
                      f"CPU {files.cpu / args.count:.3f} s per file "
                      f"({files.cpu / files.wall / os.cpu_count():.1%} of the CPUs)"
                      + (f"  (start {started:.2f} s)" if started is not None else ""), flush=True)
        loads = os.getloadavg()

    rate = {name: round(args.count / statistics.median(s), 4) for name, s in seconds.items()}
    start_s = {name: round(statistics.median(s), 2) for name, s in start.items() if s}
    cpu_s = {name: round(statistics.median(s), 4) for name, s in cpu.items()}
    def ratio(a, b):
        return round(rate[a] / rate[b], 3) if a in rate and b in rate else None

    result = {
        "count": args.count,
        "repeats": args.repeats,
        "images_per_s": rate,
        "start_seconds": start_s,
        "cpu_seconds_per_file": cpu_s,
        "dask2_over_dask1": ratio("dask2", "dask1"),
        "dask2_over_pool2": ratio("dask2", "pool2"),
        "dask2_over_pool2_malloc": ratio("dask2", "pool2_malloc"),
        "dask1_over_loop": ratio("dask1", "loop"),
        "pool2_over_pool1": ratio("pool2", "pool1"),
        "load_average_end": [round(x, 2) for x in loads],
    }
    print("\nimages/s (median, files only):", ", ".join(f"{k} {v}" for k, v in rate.items()))
    print("start seconds (median):", ", ".join(f"{k} {v}" for k, v in start_s.items()))
    print("CPU seconds per file, every process of the run (median):",
          ", ".join(f"{k} {v}" for k, v in cpu_s.items()))
    for key, what, target in (("dask2_over_dask1", "2 workers / 1 worker", 1.7),
                              ("dask2_over_pool2", "2 workers / process pool of 2", 1.0)):
        if result[key] is not None:
            print(f"{what}: {result[key]}x (target >= {target}x)")
    if result["dask2_over_pool2_malloc"] is not None:
        print(f"2 workers / process pool of 2 with the workers' malloc settings: {result['dask2_over_pool2_malloc']}x")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
