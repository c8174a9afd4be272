#!/usr/bin/python3
"""tev UpdateImage throughput of `livepix --tev` against a raw loopback send.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench/attach/tev_bench.py [--app build/bin/livepix] [--runs 5] [--json]

A 3840x2160 float32 RGBA image is sent as UpdateImageV3 packets of 128x128
tiles (interleaved: offsets 0..3, stride 4; 510 packets, 132.8 MB) to a
running livepix, and the very same bytes to a plain sink process that only
reads them (recv_into a 4 MiB buffer) on another loopback port, in the same
run, alternating. Both are timed from the first byte sent until the
receiver has consumed the last one: the client half-closes its socket after
sending, and each receiver closes the connection only after it has handled
everything before the end of the stream (livepix applies every packet it
read first), so the client's recv() returning EOF marks the end.

The image is created once (its first pages cost the same on every viewer);
each run rewrites all of it with new values, so every run is also a 132.8 MB
"Background writes" undo step (taken in the 0.5 s of quiet after the run,
outside the timing; the app's undo budget drops old steps). The write
tracker keeps the old bytes of every chunk written, in fresh pages when a
unit writes more than 64 MiB: that copy is part of the figure, as it is part
of every tev update. A second figure sends only the first 512 rows (31.5 MB),
where the tracker's copies land in warm memory. Prints medians; --json
prints one JSON object last. Figures are printed, never asserted.
"""

import argparse
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

WIDTH, HEIGHT, TILE = 3840, 2160, 128
# A band of the image small enough that the write tracker keeps its copies
# of the old bytes in warm memory (units under 64 MiB, docs/UNDO.md).
BAND_ROWS = 512
CHANNELS = ["R", "G", "B", "A"]

SINK = r"""
import socket, sys
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(8)
print(server.getsockname()[1], flush=True)
buffer = bytearray(4 << 20)
while True:
    conn, _ = server.accept()
    while conn.recv_into(buffer):
        pass
    conn.close()
"""


def _string(text):
    return text.encode() + b"\0"


def create_image(name):
    payload = b"\1" + _string(name) + struct.pack("<iii", WIDTH, HEIGHT, len(CHANNELS))
    payload += b"".join(_string(c) for c in CHANNELS)
    return struct.pack("<IB", 5 + len(payload), 4) + payload


def update_stream(name, image, rows=HEIGHT):
    """Every 128x128 tile of the first `rows` rows of `image` (H, W, 4 float32)
    as UpdateImageV3 packets."""
    head = b"\0" + _string(name) + struct.pack("<i", 4) + b"".join(_string(c) for c in CHANNELS)
    strides = struct.pack("<4q", 0, 1, 2, 3) + struct.pack("<4q", 4, 4, 4, 4)
    parts = []
    for y in range(0, rows, TILE):
        for x in range(0, WIDTH, TILE):
            tile = image[y:min(y + TILE, rows), x:x + TILE]
            h, w = tile.shape[:2]
            payload = head + struct.pack("<iiii", x, y, w, h) + strides + np.ascontiguousarray(tile).tobytes()
            parts.append(struct.pack("<IB", 5 + len(payload), 6) + payload)
    return b"".join(parts)


def connect(port, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=120)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def timed_send(port, data):
    """Seconds from the first byte sent until the receiver closed after the last."""
    sock = connect(port)
    start = time.perf_counter()
    sock.sendall(data)
    sock.shutdown(socket.SHUT_WR)
    while sock.recv(1 << 16):
        pass
    elapsed = time.perf_counter() - start
    sock.close()
    return elapsed


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", default=os.path.join(os.path.dirname(__file__), "../../build/bin/livepix"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    args = parser.parse_args()

    sandbox = tempfile.TemporaryDirectory()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               XDG_CONFIG_HOME=os.path.join(sandbox.name, "config"),
               XDG_STATE_HOME=os.path.join(sandbox.name, "state"), XDG_DATA_HOME=os.path.join(sandbox.name, "data"))
    port = free_port()
    app = subprocess.Popen([args.app, "--tev", f"127.0.0.1:{port}"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sink = subprocess.Popen([sys.executable, "-c", SINK], stdout=subprocess.PIPE, text=True)
    sink_port = int(sink.stdout.readline())
    try:
        with connect(port) as setup:
            setup.sendall(create_image("bench"))
        rng = np.random.default_rng(1)
        base = rng.random((HEIGHT, WIDTH, 4), dtype=np.float32)
        raw_s, tev_s, band_raw_s, band_tev_s = [], [], [], []
        size = band_size = 0
        for run in range(args.runs):
            data = update_stream("bench", base + np.float32(run))
            size = len(data)
            raw_s.append(timed_send(sink_port, data))
            tev_s.append(timed_send(port, data))
            time.sleep(1.0)  # the run's "Background writes" step is taken outside the timing
            band = update_stream("bench", base + np.float32(run + 0.5), BAND_ROWS)
            band_size = len(band)
            band_raw_s.append(timed_send(sink_port, band))
            band_tev_s.append(timed_send(port, band))
            time.sleep(1.0)
            if app.poll() is not None:
                raise RuntimeError("livepix exited: " + app.stderr.read().decode())
    finally:
        app.terminate()
        sink.terminate()
        app.wait(10)
        sink.wait(10)

    raw_ms, tev_ms = statistics.median(raw_s) * 1e3, statistics.median(tev_s) * 1e3
    band_raw_ms, band_tev_ms = statistics.median(band_raw_s) * 1e3, statistics.median(band_tev_s) * 1e3
    result = {
        "image": f"{WIDTH}x{HEIGHT} float32 RGBA",
        "tile": TILE,
        "packets": ((HEIGHT + TILE - 1) // TILE) * ((WIDTH + TILE - 1) // TILE),
        "bytes": size,
        "runs": args.runs,
        "raw_send_ms": round(raw_ms, 1),
        "tev_update_ms": round(tev_ms, 1),
        "raw_MBps": round(size / raw_ms / 1e3, 1),
        "tev_MBps": round(size / tev_ms / 1e3, 1),
        "tev_vs_raw": round(raw_ms / tev_ms, 3),
        "band_rows": BAND_ROWS,
        "band_bytes": band_size,
        "band_raw_send_ms": round(band_raw_ms, 1),
        "band_tev_update_ms": round(band_tev_ms, 1),
        "band_tev_vs_raw": round(band_raw_ms / band_tev_ms, 3),
        "tev_update_ms_all": [round(t * 1e3, 1) for t in tev_s],
        "raw_send_ms_all": [round(t * 1e3, 1) for t in raw_s],
    }
    print(f"4K float32 RGBA in {TILE}x{TILE} UpdateImageV3 tiles ({size / 1e6:.1f} MB), median of {args.runs}:")
    print(f"  raw loopback send  {raw_ms:8.1f} ms  {result['raw_MBps']:8.1f} MB/s")
    print(f"  livepix --tev      {tev_ms:8.1f} ms  {result['tev_MBps']:8.1f} MB/s  ({result['tev_vs_raw']:.2f}x raw)")
    print(f"  first {BAND_ROWS} rows only ({band_size / 1e6:.1f} MB, under the write tracker's 64 MiB warm workspace):")
    print(f"  raw loopback send  {band_raw_ms:8.1f} ms")
    print(f"  livepix --tev      {band_tev_ms:8.1f} ms  ({band_raw_ms / band_tev_ms:.2f}x raw)")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
