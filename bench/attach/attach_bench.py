#!/usr/bin/python3
"""Attach benchmark: what livepix.connect() costs, against the in-app figures
of the same run.

    PYTHONPATH=build/python /usr/bin/python3 bench/attach/attach_bench.py [RUNS] [--json]

1. Edit to frame from a client: a 256x256 patch written into a 3840x2160
   RGBA8 image through np.asarray(viewer.image), then viewer.flush() (what
   a cell end does), until the canvas completed a paint that started after
   it (polled through the socket). Reference, same run: the app's own
   console path measured by build/bin/latency_bench (statement end
   to painted), isolated edits. Target: within 2x.
2. What shared memory adds: new 4K RGBA8 image + first fill, private vs
   shared=True; and the one-time move of a private 4K buffer into a memfd
   (the first attach of an open image).
Medians; nothing is asserted. The last line is one JSON object (--json).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import livepix
from livepix import _livepix

BUILD = Path(livepix.__file__).resolve().parents[2]
W, H = 3840, 2160


def median_ms(samples):
    return round(statistics.median(samples) * 1000, 3)


def start_app(runtime_dir):
    name = f"bench-{os.getpid()}"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=runtime_dir)
    process = subprocess.Popen([str(BUILD / "bin" / "livepix"), "--name", name], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ["XDG_RUNTIME_DIR"] = runtime_dir
    deadline = time.monotonic() + 60
    while True:
        try:
            return process, livepix.connect(name)
        except ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.1)


def client_edit_to_frame(viewer, runs):
    viewer.show(np.zeros((H, W, 4), np.uint8), name="bench")
    viewer.zoom = 0  # fit, like the in-app benchmark
    a = np.asarray(viewer.image)
    samples = []
    for i in range(runs + 2):
        time.sleep(0.15)  # isolated edits: the canvas is idle
        before = viewer._request({"op": "paint_count"})
        start = time.perf_counter()
        y, x = (i * 97) % (H - 256), (i * 193) % (W - 256)
        a[y:y + 256, x:x + 256] = (i * 37) % 256
        viewer.flush()
        while viewer._request({"op": "paint_count"}) <= before:
            pass
        if i >= 2:  # the first edits warm the display path
            samples.append(time.perf_counter() - start)
    return median_ms(samples)


def in_app_edit_to_frame(runs):
    """The console path's isolated RGBA8 figure at fit from latency_bench
    (4K, its JSON line)."""
    program = BUILD / "bin" / "latency_bench"
    if not program.exists():
        return None
    out = subprocess.run([str(program), "--iterations", str(runs), "--no-peers", "--json"],
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), capture_output=True, text=True)
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        return None
    return json.loads(lines[-1])["livepix_ms"]["3840x2160"].get("rgba8 fit isolated")


def allocation(runs):
    def new_and_fill(shared):
        start = time.perf_counter()
        image = livepix.Image(W, H, 4, "uint8", shared=shared)
        np.asarray(image)[:] = 7
        return time.perf_counter() - start

    private = [new_and_fill(False) for _ in range(runs)]
    shared = [new_and_fill(True) for _ in range(runs)]
    moves = []
    for _ in range(runs):
        image = livepix.Image(W, H, 4, "uint8")
        np.asarray(image)[:] = 7
        start = time.perf_counter()
        os.close(_livepix._share(image)["fd"])
        moves.append(time.perf_counter() - start)
    return median_ms(private), median_ms(shared), median_ms(moves)


def main():
    args = [a for a in sys.argv[1:] if a != "--json"]
    runs = int(args[0]) if args else 15
    figures = {}
    with tempfile.TemporaryDirectory() as runtime_dir:
        os.chmod(runtime_dir, 0o700)
        process, viewer = start_app(runtime_dir)
        try:
            figures["client_edit_to_frame_ms"] = client_edit_to_frame(viewer, runs)
        finally:
            viewer.disconnect()
            process.terminate()
            process.wait(30)
    figures["in_app_edit_to_frame_ms"] = in_app_edit_to_frame(runs)
    if figures["in_app_edit_to_frame_ms"]:
        figures["client_over_in_app"] = round(figures["client_edit_to_frame_ms"] /
                                              figures["in_app_edit_to_frame_ms"], 2)
    private, shared, move = allocation(max(5, runs // 3))
    figures.update(new_fill_private_ms=private, new_fill_shared_ms=shared,
                   shared_over_private=round(shared / private, 2), move_4k_into_memfd_ms=move)
    for key, value in figures.items():
        print(f"{key:28} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
