"""livepix.connect(): a real app process (offscreen) and this process as the
client. Zero copy is checked by address (/proc/PID/maps of both sides),
liveness by screenshots of a float image (whose display copy is only
rebuilt when the app learns that pixels changed), robustness with client
death, app quit, two clients, a simulated wrong user and bad messages."""

import os
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

import livepix
from livepix import _wire

BUILD = Path(os.environ.get("LIVEPIX_BUILD_DIR", Path(livepix.__file__).parents[2]))
APP = BUILD / "bin" / "livepix"


@pytest.fixture
def runtime_dir(tmp_path, monkeypatch):
    """A private XDG_RUNTIME_DIR and settings folder for the app and us."""
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return run


class App:
    """One livepix process, started offscreen and waited for."""

    def __init__(self, runtime_dir, *args, name=None, env=None):
        self.name = name or "t-" + uuid.uuid4().hex[:8]
        self.socket = runtime_dir / "livepix" / (self.name + ".sock")
        environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env or {}))
        self.process = subprocess.Popen([str(APP), "--name", self.name, *map(str, args)], env=environment,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not self.socket.exists():
            if self.process.poll() is not None:
                raise AssertionError(f"livepix exited early: {self.process.communicate()}")
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError("livepix did not listen within 60 s")
            time.sleep(0.05)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.communicate()


@pytest.fixture
def empty_app(runtime_dir):
    running = App(runtime_dir)
    yield running
    running.stop()


def mapping(pid, address):
    """(offset, inode, path) of the mapping of `pid` holding `address`."""
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            fields = line.split()
            begin, end = (int(x, 16) for x in fields[0].split("-"))
            if begin <= address < end:
                return int(fields[2], 16) + (address - begin), int(fields[4]), " ".join(fields[5:])
    raise AssertionError(f"address {address:#x} is not mapped in process {pid}")


def app_revision(viewer):
    """The app-side revision of the current image: moves only when the app
    was told its pixels changed."""
    return viewer._request({"op": "revision"})


def revision_moves(viewer, before, timeout=20):
    """Waits until the app's revision differs from `before`; timeout is an
    upper bound (a loaded machine, ctest -j, is late)."""
    deadline = time.monotonic() + timeout
    while app_revision(viewer) == before and time.monotonic() < deadline:
        time.sleep(0.02)
    return app_revision(viewer) != before


def shown_pixel(viewer, tmp_path, x=None, y=None):
    """The RGB the canvas shows at its centre (or x, y), via a screenshot."""
    shot = tmp_path / f"shot-{uuid.uuid4().hex[:6]}.png"
    viewer.screenshot(shot)
    image = PILImage.open(shot).convert("RGB")
    return image.getpixel((image.width // 2 if x is None else x, image.height // 2 if y is None else y))


def test_socket_is_private(empty_app, runtime_dir):
    folder = runtime_dir / "livepix"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert empty_app.socket.stat().st_mode & 0o777 == 0o600


def test_socket_is_published_listening(runtime_dir, monkeypatch):
    """NAME.sock appears only once its socket listens, so whoever sees the
    file can connect at once: it used to appear at bind(), and a connect()
    before listen() is refused (App() above waits for the file; CI once failed
    on that). A name taken in the meantime is refused, and the other
    instance's socket stays."""
    from livepix import _attach_server

    path = runtime_dir / "livepix" / "t-publish.sock"
    published_at_listen = []
    real_listen = socket.socket.listen

    def listen(sock, *args):
        published_at_listen.append(path.exists())
        return real_listen(sock, *args)

    monkeypatch.setattr(socket.socket, "listen", listen)
    server = _attach_server.Server(None, None, name="t-publish")
    try:
        assert published_at_listen == [False]
        assert path.stat().st_mode & 0o777 == 0o600
        inode = path.stat().st_ino
        with pytest.raises(FileExistsError, match="already called 't-publish'"):
            _attach_server.Server(None, None, name="t-publish")  # found by the probe
        with monkeypatch.context() as m:
            m.setattr(os.path, "exists", lambda _: False)  # taken after the probe looked
            with pytest.raises(FileExistsError, match="already called 't-publish'"):
                _attach_server.Server(None, None, name="t-publish")
        assert path.stat().st_ino == inode
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.connect(str(path))
        probe.close()
        assert os.listdir(path.parent) == ["t-publish.sock"]  # no hidden name left
    finally:
        server.stop()
    assert not path.exists()


def test_image_is_the_apps_memory(empty_app, tmp_path):
    viewer = livepix.connect(empty_app.name)
    shown = viewer.show(np.full((64, 80, 4), 9, np.uint8), name="shared")
    a = np.asarray(viewer.image)
    assert a.shape == (64, 80, 4)
    assert (a == 9).all()
    # The client's pixels are the memfd the app maps: same file, same offset.
    address = a.__array_interface__["data"][0]
    client_buffer = livepix._livepix._buffer_state(viewer.image)[0]
    app_buffer = viewer._app_key[client_buffer]  # where the app has the same buffer
    client_offset, client_inode, client_path = mapping(os.getpid(), address)
    app_offset, app_inode, app_path = mapping(viewer.pid, app_buffer + (address - client_buffer))
    assert "memfd:livepix-pixels" in client_path and "memfd:livepix-pixels" in app_path
    assert (app_inode, app_offset) == (client_inode, client_offset)
    # Two reads of viewer.image are views of one mapping (no second map).
    assert np.asarray(viewer.image).__array_interface__["data"][0] == address
    assert np.shares_memory(np.asarray(shown), a)
    viewer.disconnect()


def test_app_file_becomes_shared_in_place(runtime_dir, tmp_path):
    """An image the app loaded (private memory) becomes shared at the same
    address: the app's own NumPy view, taken before the attach, sees the
    client's write and the client sees the app's."""
    flag, done = tmp_path / "go", tmp_path / "done"
    code = textwrap.dedent(f"""
        import threading, time, os
        a = np.asarray(viewer.image)
        def later():
            while not os.path.exists({str(flag)!r}):
                time.sleep(0.01)
            seen = int(a[1, 1, 0])
            a[0, 0, 0] = 7
            # Written aside, then renamed: the test sees the file whole.
            with open({str(done)!r} + ".part", "w") as f:
                f.write(str(seen))
            os.replace({str(done)!r} + ".part", {str(done)!r})
        threading.Thread(target=later, daemon=True).start()
    """)
    source = tmp_path / "in.png"
    PILImage.fromarray(np.zeros((32, 32, 4), np.uint8)).save(source)
    running = App(runtime_dir, source, "--exec", code)
    try:
        viewer = livepix.connect(running.name)
        a = np.asarray(viewer.image)
        a[1, 1, 0] = 42
        flag.touch()
        deadline = time.monotonic() + 20
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert done.read_text() == "42"  # the app's old view sees the client's write
        assert a[0, 0, 0] == 7  # and the client sees the app's
    finally:
        running.stop()


def writer_and_observer(app, tmp_path, name):
    """Two clients of `app`: a writer that shows a black float image, and an
    observer that sees it with levels 0..1."""
    writer = livepix.connect(app.name)
    writer.show(np.zeros((50, 50, 3), np.float32), name=name)
    observer = livepix.connect(app.name)
    observer.levels = (0.0, 1.0)
    assert shown_pixel(observer, tmp_path)[0] < 10
    return writer, observer


def test_float_edit_is_live_without_refresh(empty_app, tmp_path):
    writer, observer = writer_and_observer(empty_app, tmp_path, "float")
    a = np.asarray(writer.image)
    before = app_revision(observer)
    a[..., 0] = 1.0  # no flush, no mark_changed: the write watch reports it
    # A screenshot refreshes the view itself: the app's revision says
    # whether the client's report arrived on its own.
    assert revision_moves(observer, before)
    assert shown_pixel(observer, tmp_path)[0] > 200
    writer.disconnect()
    observer.disconnect()


def test_plain_script_is_live_inside_viewer_live(empty_app, tmp_path):
    """A plain script's loop: inside `with viewer.live():` the window follows
    while the block still runs, and has every write when it ends."""
    writer, observer = writer_and_observer(empty_app, tmp_path, "loop")
    a = np.asarray(writer.image)
    with writer.live():
        before = app_revision(observer)
        a[..., 0] = 1.0  # the loop's first half
        assert revision_moves(observer, before)  # reported while the block still runs
        assert shown_pixel(observer, tmp_path)[0] > 200
        # From here on only the block's end reports (the periodic refresh
        # is stopped), so the check below needs live()'s own hand-over.
        writer._stop.set()
        writer._refresher.join()
        before = app_revision(observer)
        a[..., 2] = 1.0
        time.sleep(0.2)
        assert app_revision(observer) == before  # nothing reports it yet
    assert app_revision(observer) != before  # the block's end handed it over
    assert shown_pixel(observer, tmp_path)[2] > 200
    writer.disconnect()
    observer.disconnect()


def test_ipython_cells_are_units_and_live(empty_app, tmp_path):
    shell_module = pytest.importorskip("IPython.core.interactiveshell")
    os.environ["IPYTHONDIR"] = str(tmp_path / "ipython")
    shell = shell_module.InteractiveShell.instance()
    try:
        result = shell.run_cell(textwrap.dedent(f"""
            import livepix, numpy as np
            viewer = livepix.connect({empty_app.name!r})
            viewer.show(np.zeros((40, 40, 3), np.float32), name="cells")
            a = np.asarray(viewer.image)
        """))
        assert result.success, result.error_in_exec
        observer = livepix.connect(empty_app.name)
        observer.levels = (0.0, 1.0)
        assert shown_pixel(observer, tmp_path)[1] < 10
        # Only the cell hooks report from here on (periodic refresh stopped).
        assert shell.run_cell("viewer._stop.set(); viewer._refresher.join()").success
        before = app_revision(observer)
        assert shell.run_cell("a[..., 1] = 1.0").success
        # The cell's end reported the write: the app knows, the next frame shows it.
        assert app_revision(observer) != before
        assert shown_pixel(observer, tmp_path)[1] > 200
        # Writes of another process cannot be undone: said, not faked.
        assert observer.undo() is False
        assert shown_pixel(observer, tmp_path)[1] > 200
        shell.run_cell("viewer.disconnect()")
        observer.disconnect()
    finally:
        shell_module.InteractiveShell.clear_instance()


def test_two_clients_share_and_one_dying_leaves_the_app(empty_app, tmp_path):
    first = livepix.connect(empty_app.name)
    first.show(np.zeros((16, 16), np.uint16), name="u16")
    open_images = len(first.images)
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import livepix, numpy as np, sys, time
        v = livepix.connect({empty_app.name!r})
        np.asarray(v.image)[3, 4] = 4321
        v.flush()
        print("written", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    assert child.stdout.readline().strip() == "written"
    assert np.asarray(first.image)[3, 4] == 4321
    child.send_signal(signal.SIGKILL)
    child.wait()
    # The window is unaffected: it answers and its image is intact.
    assert np.asarray(first.image)[3, 4] == 4321
    assert len(first.images) == open_images
    first.disconnect()


def test_app_quit_keeps_arrays_and_raises_connection_error(runtime_dir):
    running = App(runtime_dir)
    viewer = livepix.connect(running.name)
    viewer.show(np.full((8, 8), 5, np.uint8))
    a = np.asarray(viewer.image)
    running.stop()
    assert (a == 5).all()  # the mapping outlives the window
    a[:] = 6
    with pytest.raises(ConnectionError, match="gone"):
        viewer.images


def test_wrong_user_is_refused(runtime_dir):
    running = App(runtime_dir, env={"LIVEPIX_ATTACH_TEST_ALLOWED_UID": str(os.getuid() + 1)})
    try:
        with pytest.raises(ConnectionError):
            livepix.connect(running.name)
    finally:
        out, err = running.stop()
    assert "refused process" in err


def test_named_and_newest_instance(runtime_dir):
    older = App(runtime_dir, name="older")
    time.sleep(0.05)
    newer = App(runtime_dir, name="newer")
    try:
        assert livepix.connect().name == "newer"
        assert livepix.connect(name="older").name == "older"
        with pytest.raises(ConnectionError, match="no livepix instance is called 'missing'"):
            livepix.connect(name="missing")
    finally:
        older.stop()
        newer.stop()


def test_spawn_starts_the_app(runtime_dir):
    viewer = livepix.connect(name="spawned", spawn=True, timeout=60)
    try:
        assert viewer.name == "spawned"
        assert viewer.show(np.ones((3, 3), np.uint8)).width == 3
    finally:
        os.kill(viewer.pid, signal.SIGTERM)


def test_paths_resolve_in_the_clients_folder(empty_app, tmp_path, monkeypatch):
    PILImage.fromarray(np.full((10, 12, 3), 200, np.uint8)).save(tmp_path / "rel.png")
    monkeypatch.chdir(tmp_path)
    viewer = livepix.connect(empty_app.name)
    image = viewer.open("rel.png")
    assert (image.width, image.height) == (12, 10)
    assert image.path == str(tmp_path / "rel.png")
    viewer.screenshot("shot.png")
    assert (tmp_path / "shot.png").stat().st_size > 0
    keep = tmp_path / "keep.png"
    keep.write_bytes(b"old")
    with pytest.raises(OSError, match="no-such-folder"):
        viewer.screenshot(tmp_path / "no-such-folder" / "x.png")
    assert keep.read_bytes() == b"old"
    viewer.disconnect()


def test_show_and_open_make_the_new_image_current(empty_app, tmp_path):
    """Display setters act on the current document; show() and open() make
    the new document current."""
    viewer = livepix.connect(empty_app.name)
    viewer.show(np.zeros((10, 10), np.float32), name="first")
    viewer.exposure = 1.0
    second = viewer.show(np.zeros((20, 30), np.float32), name="second")
    assert (viewer.image.width, viewer.image.height) == (30, 20)
    assert viewer.exposure == 0.0  # the first image's setting stayed with it
    viewer.exposure = 2.0
    viewer.close(second)
    assert (viewer.image.width, viewer.image.height) == (10, 10)
    assert viewer.exposure == 1.0
    PILImage.fromarray(np.zeros((7, 9, 3), np.uint8)).save(tmp_path / "third.png")
    viewer.open(tmp_path / "third.png")
    assert (viewer.image.width, viewer.image.height) == (9, 7)
    viewer.disconnect()


def test_shared_image_is_handed_over_without_copy(empty_app):
    viewer = livepix.connect(empty_app.name)
    mine = livepix.Image(30, 20, 4, "uint8", shared=True)
    np.asarray(mine)[:] = 17
    shown = viewer.show(mine, "mine")
    assert np.shares_memory(np.asarray(shown), np.asarray(mine))
    theirs = np.asarray(viewer.image)
    assert theirs.__array_interface__["data"][0] == np.asarray(mine).__array_interface__["data"][0]
    viewer.disconnect()


def test_errors_come_back_as_python_errors(empty_app):
    viewer = livepix.connect(empty_app.name)
    with pytest.raises(livepix.ImageError):
        viewer.open("/nonexistent/file.png")
    with pytest.raises(ValueError, match="low < high"):
        viewer.levels = (1, 0)
    with pytest.raises(ValueError, match="not open in the viewer"):
        viewer.close(livepix.Image(2, 2))  # never shown: refused by the client
    with pytest.raises(AttributeError):
        viewer._get("_private")
    viewer.disconnect()


def raw_connect(app):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(str(app.socket))
    return sock


BAD_MESSAGES = {
    "bad magic": b"XXXX" + bytes(12),
    "wrong version": struct.pack("<4sHHII", b"LPXA", 99, 0, 2, 0) + b"{}",
    "oversized": struct.pack("<4sHHII", b"LPXA", 1, 0, 1 << 30, 0),
    "too many fds": struct.pack("<4sHHII", b"LPXA", 1, 0, 2, 1000) + b"{}",
    "fds announced, none sent": struct.pack("<4sHHII", b"LPXA", 1, 0, 2, 1) + b"{}",
    "not json": struct.pack("<4sHHII", b"LPXA", 1, 0, 3, 0) + b"{{{",
    "not an object": struct.pack("<4sHHII", b"LPXA", 1, 0, 2, 0) + b"[]",
    "unknown op": struct.pack("<4sHHII", b"LPXA", 1, 0, 20, 0) + b'{"op":"rm","id":1}  ',
    "truncated": struct.pack("<4sHHII", b"LPXA", 1, 0, 100, 0) + b'{"op"',
    "random": bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8)),
}


@pytest.mark.parametrize("what", list(BAD_MESSAGES))
def test_bad_messages_close_only_that_connection(empty_app, what):
    good = livepix.connect(empty_app.name)
    good.show(np.zeros((4, 4), np.uint8))
    open_images = len(good.images)
    sock = raw_connect(empty_app)
    sock.sendall(BAD_MESSAGES[what])
    if what == "truncated":
        sock.shutdown(socket.SHUT_WR)
    sock.settimeout(10)
    assert sock.recv(100) == b""  # the app closed this connection
    sock.close()
    assert empty_app.process.poll() is None
    assert len(good.images) == open_images  # the other client and the images are fine
    assert good.image.width == 4
    good.disconnect()
    out, err = empty_app.stop()
    assert "closing the connection of process" in err  # the reason is logged
