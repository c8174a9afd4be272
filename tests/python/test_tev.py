"""`livepix --tev`: the real app, offscreen, driven over tev's IPC protocol.

The client below is written from tev's published packet layout
([uint32 length incl. itself][uint8 type][payload], little-endian, strings
NUL-terminated, bools one byte; include/tev/Ipc.h), not from livepix's code.
The app runs an --exec block that waits for the test's packets, then saves
every image's pixels (and channel names) to an .npz file; --screenshot then
grabs what the window shows.
"""

import json
import os
import socket
import stat
import struct
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

APP = Path(os.environ.get("LIVEPIX_BUILD_DIR", "build")) / "bin" / "livepix"

OPEN_IMAGE, RELOAD_IMAGE, CLOSE_IMAGE, UPDATE_IMAGE, CREATE_IMAGE = 0, 1, 2, 3, 4
UPDATE_IMAGE_V2, UPDATE_IMAGE_V3, OPEN_IMAGE_V2, VECTOR_GRAPHICS = 5, 6, 7, 8


# --- the client: packets from the layout -----------------------------------

def _string(text):
    return text.encode() + b"\0"


def _packet(kind, payload):
    return struct.pack("<IB", 4 + 1 + len(payload), kind) + payload


def create_image(name, width, height, channels, grab_focus=True):
    payload = bytes([grab_focus]) + _string(name) + struct.pack("<iii", width, height, len(channels))
    return _packet(CREATE_IMAGE, payload + b"".join(_string(c) for c in channels))


def update_image_v3(name, channels, x, y, tile):
    """tile: float32 array (h, w, n), sent interleaved (offset c, stride n)."""
    h, w, n = tile.shape
    payload = bytes([0]) + _string(name) + struct.pack("<i", n) + b"".join(_string(c) for c in channels)
    payload += struct.pack("<iiii", x, y, w, h)
    payload += struct.pack(f"<{n}q", *range(n)) + struct.pack(f"<{n}q", *([n] * n))
    return _packet(UPDATE_IMAGE_V3, payload + np.ascontiguousarray(tile, "<f4").tobytes())


def update_image_v2(name, channels, x, y, planes):
    """planes: float32 array (n, h, w), sent planar."""
    n, h, w = planes.shape
    payload = bytes([0]) + _string(name) + struct.pack("<i", n) + b"".join(_string(c) for c in channels)
    payload += struct.pack("<iiii", x, y, w, h)
    return _packet(UPDATE_IMAGE_V2, payload + np.ascontiguousarray(planes, "<f4").tobytes())


def update_image_v1(name, channel, x, y, plane):
    h, w = plane.shape
    payload = bytes([0]) + _string(name) + _string(channel) + struct.pack("<iiii", x, y, w, h)
    return _packet(UPDATE_IMAGE, payload + np.ascontiguousarray(plane, "<f4").tobytes())


def close_image(name):
    return _packet(CLOSE_IMAGE, _string(name))


def vector_graphics(name):
    return _packet(VECTOR_GRAPHICS, bytes([0]) + _string(name) + bytes([0]) + struct.pack("<i", 0))


def connect_tcp(port, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def connect_unix(path, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(str(path))
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def closed_by_peer(sock, timeout=10.0):
    """True when the app closes `sock` (EOF or reset) within `timeout`."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the app ---------------------------------------------------------------

# Waits for the test's go file and for images whose channel names are the
# markers, then saves every open image.
DUMP = r"""
import json, time
import numpy as np
_cfg = json.loads(%r)
_deadline = time.time() + 60
def _names():
    return [tuple(i.channel_names) for i in viewer.images]
while time.time() < _deadline and not (os.path.exists(_cfg["go"]) and
                                       all((m,) in _names() for m in _cfg["markers"])):
    time.sleep(0.02)
time.sleep(0.3)
_out = {}
for _i, _img in enumerate(viewer.images):
    _out["names%%d" %% _i] = np.array(_img.channel_names)
    _out["pixels%%d" %% _i] = np.array(np.asarray(_img))
np.savez(_cfg["out"], **_out)
"""


def start_app(tmp_path, tev, markers, env_extra=None):
    cfg = {"go": str(tmp_path / "go"), "out": str(tmp_path / "images.npz"), "markers": markers}
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"))
    env.update(env_extra or {})
    code = "import os\n" + DUMP % json.dumps(cfg)
    proc = subprocess.Popen([str(APP), "--tev", tev, "--exec", code, "--screenshot", str(tmp_path / "shot.png")],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, cfg


def finish_app(proc, tmp_path):
    (tmp_path / "go").touch()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    data = np.load(tmp_path / "images.npz")
    images = {}
    for key in data.files:
        if key.startswith("names"):
            index = key[len("names"):]
            images[tuple(data[key])] = data["pixels" + index]
    return images, err


def gradient(width, height):
    """RGBA float32: R rises left to right, G top to bottom, B 0.5, A 1."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    return np.stack([x / (width - 1), y / (height - 1), np.full_like(x, 0.5), np.ones_like(x)], axis=-1)


RGBA = ["R", "G", "B", "A"]


@pytest.fixture
def app_tcp(tmp_path):
    port = free_port()
    proc, _ = start_app(tmp_path, f"127.0.0.1:{port}", ["marker1", "marker2"])
    yield proc, port
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_tcp_every_update_version_bad_packets_and_a_second_client(tmp_path, app_tcp):
    proc, port = app_tcp
    width, height = 64, 32
    expected = gradient(width, height)
    with connect_tcp(port) as first:
        first.sendall(create_image("grad", width, height, RGBA))
        for ty in range(0, height, 16):  # V3 tiles, interleaved
            for tx in range(0, width, 16):
                first.sendall(update_image_v3("grad", RGBA, tx, ty, expected[ty:ty + 16, tx:tx + 16]))
        # V2 (planar, channels by name in another order) and V1 (one channel).
        expected[24:32, 56:64, 0] = 0.125
        expected[24:32, 56:64, 1] = 0.75
        first.sendall(update_image_v2("grad", ["G", "R"], 56, 24,
                                      np.stack([expected[24:32, 56:64, 1], expected[24:32, 56:64, 0]])))
        expected[0:4, 0:8, 2] = 0.25
        first.sendall(update_image_v1("grad", "B", 0, 0, expected[0:4, 0:8, 2]))
        first.sendall(update_image_v1("grad", "Z", 0, 0, np.ones((2, 2), np.float32)))  # unknown: ignored
        first.sendall(vector_graphics("grad"))  # accepted, ignored
        first.sendall(create_image("doomed", 4, 4, ["doomedc"], grab_focus=False))
        first.sendall(close_image("doomed"))
        first.sendall(create_image("marker1", 1, 1, ["marker1"], grab_focus=False))

    # A bad packet closes only its own connection...
    bad = connect_tcp(port)
    bad.sendall(struct.pack("<IB", 0xFFFFFFF0, 4))  # 4 GiB: over the limit
    assert closed_by_peer(bad)
    bad.close()
    garbage = connect_tcp(port)
    garbage.sendall(struct.pack("<IB", 9, 77) + b"junk")  # unknown type
    assert closed_by_peer(garbage)
    garbage.close()
    # ...and a second client still works.
    with connect_tcp(port) as second:
        second.sendall(create_image("second", 4, 4, ["S"], grab_focus=False))
        second.sendall(update_image_v3("second", ["S"], 1, 2, np.full((2, 3, 1), 7.5, np.float32)))
        second.sendall(create_image("marker2", 1, 1, ["marker2"], grab_focus=False))

    images, err = finish_app(proc, tmp_path)
    assert proc.returncode == 0
    grad = images[tuple(RGBA)]
    assert grad.dtype == np.float32 and grad.shape == (height, width, 4)
    np.testing.assert_array_equal(grad, expected)
    want = np.zeros((4, 4), np.float32)
    want[2:4, 1:4] = 7.5
    np.testing.assert_array_equal(images[("S",)], want)
    assert ("doomedc",) not in images  # CloseImage closed it
    assert "closing the connection from 127.0.0.1:" in err and "over the limit" in err
    assert "unknown packet type 77" in err
    assert "no channel 'Z'" in err

    # The screenshot shows the gradient (the current image: "grad" asked for
    # focus, the others did not): red rises from left to right.
    shot = np.asarray(PILImage.open(tmp_path / "shot.png").convert("RGB")).astype(int)
    row = shot[shot.shape[0] // 2]
    background = shot[0, 0]
    lit = np.nonzero(np.abs(row - background).max(axis=1) > 8)[0]
    assert len(lit) > 10
    left, right = row[lit[0] + 2], row[lit[-1] - 2]
    assert right[0] > left[0] + 100, (left, right)


def test_unix_socket_is_user_only(tmp_path):
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    proc, _ = start_app(tmp_path, "unix:pytest", ["umarker"], {"XDG_RUNTIME_DIR": str(runtime)})
    try:
        path = runtime / ".tev.pytest.sock"
        with connect_unix(path) as client:
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
            client.sendall(create_image("u", 2, 2, ["L"]))
            client.sendall(update_image_v3("u", ["L"], 0, 0, np.array([[[0.5], [1.5]]], np.float32)))
            client.sendall(create_image("umarker", 1, 1, ["umarker"], grab_focus=False))
        images, _ = finish_app(proc, tmp_path)
        np.testing.assert_array_equal(images[("L",)], np.array([[0.5, 1.5], [0, 0]], np.float32))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_unix_socket_refused_without_xdg_runtime_dir(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = subprocess.run([str(APP), "--tev", "unix:nope", "--screenshot", str(tmp_path / "shot.png")],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "XDG_RUNTIME_DIR" in result.stderr
    assert not (tmp_path / "shot.png").exists()
