#!/usr/bin/env python3
"""How fast livepix starts, with a peer in the same run (issue 9, "Start fast").

Each figure is the median of N runs (default 5), the variants interleaved so a
change in the machine's load hits them all:

- `livepix --version` and `livepix --help`: whole process, wall time and peak
  memory (the child's own rusage);
- the window on screen: `livepix` with no file, from launch to the end of the
  canvas's first paint;
- the first frame of a 512x512 PNG: `livepix photo.png`, from launch to the
  end of the first paint that shows the image;
- `import livepix` against `import numpy` (`python3 -c ...`), whole process;
- peer: a pyqtgraph ImageView script showing the same PNG, from launch to the
  end of its first paint (`apt install python3-pyqtgraph python3-pyqt6`).

The app reports its paints on stderr when LIVEPIX_TRACE_STARTUP is set
("livepix-startup: window" / "first-frame"); the peer does the same from an
event filter; this script stamps each line as it arrives, then ends the
process. Runs use a scratch HOME, so no settings, history or recovery file of
the user is read. With DISPLAY set the windows are real X11 windows (run it
under `xvfb-run -a` on a machine without a screen); otherwise Qt's offscreen
platform is used and the figures say so.

    PYTHONPATH=build/python /usr/bin/python3 bench/startup/startup_bench.py \\
        [--app build/bin/livepix] [--runs 5] [--json]

Targets (issue 9): --version and --help at most 50 ms; the window within
300 ms; the first frame of a 512x512 PNG within 500 ms; `import livepix` at
most 50 ms more than `import numpy`. Nothing is asserted.
"""
import argparse
import json
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PEER = r"""
import sys, time
import numpy as np
from PIL import Image
import pyqtgraph as pg
from pyqtgraph.Qt import QtCore, QtWidgets

class FirstPaint(QtCore.QObject):
    def eventFilter(self, obj, event):
        if event.type() == QtCore.QEvent.Type.Paint and not getattr(self, "done", False):
            self.done = True
            # After this paint event has been handled.
            QtCore.QTimer.singleShot(0, lambda: (print("peer: first-frame", file=sys.stderr, flush=True)))
        return False

app = pg.mkQApp()
array = np.asarray(Image.open(sys.argv[1]).convert("RGB"))
view = pg.ImageView()
view.getImageItem().setOpts(axisOrder="row-major")
view.setImage(array, autoLevels=False, levels=(0, 255))
watcher = FirstPaint()
view.ui.graphicsView.viewport().installEventFilter(watcher)
view.resize(800, 600)
view.show()
app.exec()
"""


def clean_env(home, platform):
    env = {key: value for key, value in os.environ.items()
           if key in ("PATH", "DISPLAY", "XAUTHORITY", "PYTHONPATH", "LANG", "LC_ALL")}
    env.update(HOME=home, XDG_RUNTIME_DIR=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_DATA_HOME=os.path.join(home, ".local", "share"), IPYTHONDIR=os.path.join(home, ".ipython"))
    if platform == "offscreen":
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def run_whole(argv, env):
    """Wall ms of a process run to its end."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = child.communicate()
    elapsed = (time.perf_counter() - start) * 1000.0
    if child.returncode != 0:
        sys.exit(f"{argv}: exit {child.returncode}\n{err.decode(errors='replace')}")
    return elapsed


def peak_rss_mib(argv, env):
    """Peak RSS of one run of argv, through GNU time: a child forked from
    this Python process would count this process's pages as its own peak
    (the kernel keeps the pre-exec high-water mark), so the process is
    started by the small `time` instead. None without /usr/bin/time."""
    if not os.path.exists("/usr/bin/time"):
        return None
    done = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{argv}: exit {done.returncode}\n{done.stderr}")
    return int(done.stderr.strip().splitlines()[-1]) / 1024.0


def time_to_lines(argv, env, wanted, timeout=30.0):
    """ms from launch until each line in `wanted` appeared on stderr; then
    the process is ended (SIGTERM, then SIGKILL)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = {}
    buffer = b""
    try:
        while len(seen) < len(wanted):
            left = timeout - (time.perf_counter() - start)
            if left <= 0:
                raise TimeoutError(f"{argv[0]}: no {set(wanted) - set(seen)} within {timeout} s")
            ready, _, _ = select.select([child.stderr], [], [], left)
            if not ready:
                continue
            chunk = os.read(child.stderr.fileno(), 65536)
            stamp = (time.perf_counter() - start) * 1000.0
            if not chunk:
                raise RuntimeError(f"{argv}: ended (exit {child.wait()}) before {set(wanted) - set(seen)}:\n"
                                   f"{buffer.decode(errors='replace')}")
            buffer += chunk
            for line in wanted:
                if line not in seen and line.encode() in buffer:
                    seen[line] = stamp
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return seen


def make_png(path):
    import numpy as np
    import livepix

    y, x = np.mgrid[0:512, 0:512]
    rgb = np.stack([x // 2, y // 2, (x + y) // 4], -1).astype(np.uint8)
    livepix.Image.from_array(rgb).save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", default="build/bin/livepix")
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object last")
    args = parser.parse_args()
    app = os.path.abspath(args.app)
    platform = "xcb" if os.environ.get("DISPLAY") else "offscreen"
    try:
        subprocess.run([args.python, "-c", "import pyqtgraph, PIL"], check=True, capture_output=True)
        have_peer = True
    except subprocess.CalledProcessError:
        have_peer = False
        print("pyqtgraph or PIL missing: no peer (apt install python3-pyqtgraph python3-pyqt6 python3-pil)")

    samples = {name: [] for name in ("version_ms", "help_ms", "window_ms", "file_window_ms", "first_frame_ms",
                                     "import_numpy_ms", "import_livepix_ms", "peer_first_frame_ms")}
    with tempfile.TemporaryDirectory(prefix="livepix-startup-") as home:
        png = os.path.join(home, "photo512.png")
        make_png(png)
        env = clean_env(home, platform)
        trace = dict(env, LIVEPIX_TRACE_STARTUP="1")
        rss = {"version_mib": peak_rss_mib([app, "--version"], env),
               "import_numpy_mib": peak_rss_mib([args.python, "-c", "import numpy"], env),
               "import_livepix_mib": peak_rss_mib([args.python, "-c", "import livepix"], env)}
        # One untimed round first: the page cache then holds every library.
        run_whole([app, "--version"], env)
        time_to_lines([app, png], trace, ["livepix-startup: first-frame"])
        for _ in range(args.runs):
            samples["version_ms"].append(run_whole([app, "--version"], env))
            samples["help_ms"].append(run_whole([app, "--help"], env))
            samples["window_ms"].append(time_to_lines([app], trace, ["livepix-startup: window"])
                                        ["livepix-startup: window"])
            seen = time_to_lines([app, png], trace, ["livepix-startup: window", "livepix-startup: first-frame"])
            samples["file_window_ms"].append(seen["livepix-startup: window"])
            samples["first_frame_ms"].append(seen["livepix-startup: first-frame"])
            samples["import_numpy_ms"].append(run_whole([args.python, "-c", "import numpy"], env))
            samples["import_livepix_ms"].append(run_whole([args.python, "-c", "import livepix"], env))
            if have_peer:
                samples["peer_first_frame_ms"].append(
                    time_to_lines([args.python, "-c", PEER, png], env, ["peer: first-frame"])["peer: first-frame"])

    medians = {name: round(statistics.median(values), 1) for name, values in samples.items() if values}
    print(f"platform {platform}, {args.runs} runs each, medians (ms):")
    for name, value in medians.items():
        print(f"  {name:22s} {value:8.1f}   ({', '.join(f'{v:.0f}' for v in samples[name])})")
    extra = medians["import_livepix_ms"] - medians["import_numpy_ms"]
    print(f"  import livepix - import numpy: {extra:.1f} ms (target <= 50)")
    if None not in rss.values():
        print(f"peak memory: livepix --version {rss['version_mib']:.0f} MiB, python3 -c 'import numpy' "
              f"{rss['import_numpy_mib']:.0f} MiB, 'import livepix' {rss['import_livepix_mib']:.0f} MiB")
    if "peer_first_frame_ms" in medians:
        print(f"first frame: livepix {medians['first_frame_ms']:.0f} ms, pyqtgraph ImageView "
              f"{medians['peer_first_frame_ms']:.0f} ms "
              f"({medians['peer_first_frame_ms'] / medians['first_frame_ms']:.2f}x livepix)")
    if args.json:
        print(json.dumps({"platform": platform, "runs": args.runs, "median_ms": medians,
                          "import_livepix_extra_ms": round(extra, 1),
                          "peak_rss_mib": {k: v and round(v, 1) for k, v in rss.items()}}))


if __name__ == "__main__":
    main()
