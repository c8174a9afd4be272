"""Edit-to-screen latency of livepix's peers, for bench/latency/latency.cpp.

Usage: PYQTGRAPH_QT_LIB=PyQt6 QT_QPA_PLATFORM=offscreen /usr/bin/python3 peers.py [ITERATIONS [PAUSE_MS]]
Prints one JSON object per line: {"name": ..., "median_ms": ...}.

pyqtgraph's fastest path (uint8, levels=None) is also measured "isolated":
each edit after a pause of PAUSE_MS (latency.cpp passes the pause of its own
isolated cases), since on this VM the first draw after a pause costs about
twice a draw right after another one, for any program.

Same task as livepix: a 3840x2160 RGBA array is edited in place (a 256x256
patch), then the widget shows it; latency = from the end of the edit to the
end of a synchronous repaint, fit zoom in 1600x900. Measured fairly, as
ENVIRONMENT.md notes: pyqtgraph with imageAxisOrder='row-major' (no per-frame
transpose), autoLevels=False, repainting view.viewport() (a QGraphicsView's own
repaint() paints nothing offscreen).
"""
import json
import os
import statistics
import sys
import time

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PyQt6")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtGui, QtWidgets

W, H = 3840, 2160
ITERATIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
PAUSE_S = (int(sys.argv[2]) if len(sys.argv) > 2 else 250) / 1000.0
WARMUP = 3


def report(name, samples):
    print(json.dumps({"name": name, "median_ms": statistics.median(samples) * 1e3,
                      "min_ms": min(samples) * 1e3, "n": len(samples)}), flush=True)


def edit(array, i):
    value = (i * 37) % 200 + 20
    if array.dtype == np.uint8:
        array[1000:1256, 1800:2056] = value
    else:
        array[1000:1256, 1800:2056] = value / 255.0


def bench_pyqtgraph(app, array, levels, pause_s=0.0):
    pg.setConfigOptions(imageAxisOrder="row-major")
    view = pg.GraphicsView()
    box = pg.ViewBox(lockAspect=True, invertY=True)
    view.setCentralItem(box)
    item = pg.ImageItem(axisOrder="row-major")
    box.addItem(item)
    view.resize(1600, 900)
    view.show()
    item.setImage(array, autoLevels=False, levels=levels)
    box.autoRange(padding=0)
    app.processEvents()
    samples = []
    for i in range(ITERATIONS + WARMUP):
        edit(array, i)
        t0 = time.perf_counter()
        item.setImage(array, autoLevels=False, levels=levels)
        view.viewport().repaint()
        t1 = time.perf_counter()
        if i >= WARMUP:
            samples.append(t1 - t0)
        app.processEvents()
        if pause_s:
            time.sleep(pause_s)
    view.close()
    return samples


def bench_qlabel(app, array):
    label = QtWidgets.QLabel()
    label.setScaledContents(True)  # 3840x2160 into 1600x900 is exactly fit
    label.resize(1600, 900)
    label.show()
    app.processEvents()
    samples = []
    for i in range(ITERATIONS + WARMUP):
        edit(array, i)
        t0 = time.perf_counter()
        if array.dtype == np.uint8:
            shown = array
        else:  # no float QImage path a QLabel user would take: convert
            shown = (np.clip(array, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
        image = QtGui.QImage(shown.data, W, H, shown.strides[0], QtGui.QImage.Format.Format_RGBA8888)
        label.setPixmap(QtGui.QPixmap.fromImage(image))
        label.repaint()
        t1 = time.perf_counter()
        if i >= WARMUP:
            samples.append(t1 - t0)
        app.processEvents()
    label.close()
    return samples


def main():
    app = pg.mkQApp()
    rgba8 = np.full((H, W, 4), 128, np.uint8)
    rgba8[..., 3] = 255
    rgba32f = np.full((H, W, 4), 0.5, np.float32)
    rgba32f[..., 3] = 1.0
    report("pyqtgraph uint8 levels=None", bench_pyqtgraph(app, rgba8, None))
    report("pyqtgraph uint8 levels=None isolated", bench_pyqtgraph(app, rgba8, None, PAUSE_S))
    report("pyqtgraph uint8 levels=(0,255)", bench_pyqtgraph(app, rgba8, (0, 255)))
    report("pyqtgraph float32 levels=(0,1)", bench_pyqtgraph(app, rgba32f, (0.0, 1.0)))
    report("qlabel uint8", bench_qlabel(app, rgba8))
    report("qlabel float32 (numpy to uint8)", bench_qlabel(app, rgba32f))


if __name__ == "__main__":
    main()
