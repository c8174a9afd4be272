"""``livepix.connect()``: drive a running livepix window from any Python
process of the same user (Jupyter, IPython, a script), on the same pixels.

    import livepix, numpy as np
    viewer = livepix.connect()          # the most recently started window
    a = np.asarray(viewer.image)        # the very memory the window draws
    a[..., 0] = 255                     # on screen within a frame or two

``viewer.image`` is a ``livepix.Image`` over shared memory (a memfd the app
maps at the address its own views use): no pixel is copied in either
direction. Writes are noticed by a write watch on this side (page
protection, as in the app) and reported about 30 times a second, so the
window follows loops as they run; in IPython/Jupyter each cell is also one
unit of work (one undo step) of the window. See docs/ATTACH.md.

Threading: a RemoteViewer may be used from several threads; requests are
serialised on its connection, and a daemon thread ("livepix-refresh") sends
the change reports.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import weakref

from . import _livepix
from . import _wire
from ._attach_server import socket_dir, check_name

__all__ = ["connect", "RemoteViewer", "RemoteHistoryEntry", "instances"]

REFRESH_HZ = 30


class RemoteHistoryEntry:
    """One undo step of the window: str(entry) is its label, entry.bytes
    the memory it holds (like livepix.HistoryEntry)."""

    __slots__ = ("label", "bytes")

    def __init__(self, label, nbytes):
        self.label = label
        self.bytes = nbytes

    def __str__(self):
        return self.label

    def __repr__(self):
        return f"<HistoryEntry '{self.label}' {self.bytes} bytes>"


def instances():
    """Socket paths of the running instances, most recently started first."""
    directory = socket_dir()
    try:
        names = [n for n in os.listdir(directory) if n.endswith(".sock")]
    except FileNotFoundError:
        return []
    paths = [os.path.join(directory, n) for n in names]
    return sorted(paths, key=lambda p: os.stat(p).st_mtime_ns if os.path.exists(p) else 0, reverse=True)


def _open_socket(path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        raise
    return sock


def _find(name):
    """A connected socket to the named instance, or to the newest one."""
    if name is not None:
        path = os.path.join(socket_dir(), check_name(name) + ".sock")
        try:
            return _open_socket(path)
        except (FileNotFoundError, ConnectionRefusedError):
            raise ConnectionError(f"no livepix instance is called {name!r} (no one listens on {path})") from None
    for path in instances():
        try:
            return _open_socket(path)
        except FileNotFoundError:
            continue
        except ConnectionRefusedError:
            # An instance that ended without removing its socket (killed):
            # nobody listens, so the file only misleads the next search.
            with contextlib.suppress(OSError):
                os.unlink(path)
    raise ConnectionError("no livepix window is running (start one with `livepix`, or use "
                          "livepix.connect(spawn=True))")


def _livepix_executable():
    """The app next to this package (build tree or install), else on PATH."""
    override = os.environ.get("LIVEPIX_EXECUTABLE")
    if override:
        return override
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "..", "..", "bin", "livepix"),          # build/python/livepix
                      os.path.join(here, "..", "..", "..", "..", "bin", "livepix")):  # prefix/lib/python3/dist-packages
        if os.access(candidate, os.X_OK):
            return os.path.normpath(candidate)
    found = shutil.which("livepix")
    if not found:
        raise FileNotFoundError("cannot find the livepix program to start (set LIVEPIX_EXECUTABLE)")
    return found


def _spawn(name, timeout):
    name = name or f"spawned-{os.getpid()}-{int(time.monotonic() * 1000) % 100000}"
    path = os.path.join(socket_dir(), check_name(name) + ".sock")
    process = subprocess.Popen([_livepix_executable(), "--name", name], stdin=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return _open_socket(path)
        except (FileNotFoundError, ConnectionRefusedError):
            if process.poll() is not None:
                raise ConnectionError(f"livepix exited with status {process.returncode} before it listened") from None
            time.sleep(0.05)
    raise ConnectionError(f"livepix did not start listening on {path} within {timeout:g} s")


def connect(name=None, *, spawn=False, timeout=30.0):
    """A viewer object for a running livepix window.

    name: the instance started with ``livepix --name NAME``; by default the
    most recently started one. spawn: start the app when none is running
    (or the named one is not) and wait up to `timeout` seconds for it.
    Raises ConnectionError when there is nothing to connect to.
    """
    try:
        sock = _find(name)
    except ConnectionError:
        if not spawn:
            raise
        sock = _spawn(name, timeout)
    return RemoteViewer(sock)


def _dtype_name(array):
    kind = array.dtype
    if kind.name in ("uint8", "uint16", "float16", "float32"):
        return kind.name, array
    if kind.name == "float64":
        return "float32", array.astype("float32")
    raise TypeError(f"viewer.show: dtype {kind} is not supported (uint8, uint16, float16, float32; "
                    "float64 is converted to float32)")


class RemoteViewer:
    """The window's viewer, seen from another process: the console's
    ``viewer`` API (image, images, open, show, close, zoom, display
    settings, compare, undo/redo/history, screenshot) plus live()."""

    def __init__(self, sock):
        self._channel = _wire.Channel(sock)
        self._lock = threading.RLock()  # one request at a time on the socket
        self._next_id = 1
        self._closed = None  # reason, once the window went away
        self._mapped = {}  # (st_dev, st_ino) of a memfd -> livepix.Image over all of it
        self._app_key = {}  # id(our buffer image) -> app buffer address
        self._watched = []  # [(app buffer address, weakref to a full-buffer image)]
        self._last_revision = {}
        hello = self._request({"op": "hello", "pid": os.getpid(), "cwd": os.getcwd()})
        self.pid = hello["pid"]
        self.name = hello["name"]
        self._stop = threading.Event()
        self._refresher = threading.Thread(target=self._refresh_loop, name="livepix-refresh", daemon=True)
        self._refresher.start()
        self._ipython = None
        self._register_ipython()

    # ---- transport ----
    def _request(self, message, fds=()):
        with self._lock:
            if self._closed:
                raise ConnectionError(self._closed)
            message["id"] = self._next_id
            self._next_id += 1
            try:
                self._channel.send(message, fds)
                reply, reply_fds = self._channel.receive()
            except (OSError, EOFError, _wire.ProtocolError) as e:
                self._closed = f"the livepix window (pid {getattr(self, 'pid', '?')}) is gone: {e}"
                self._channel.close()
                raise ConnectionError(self._closed) from None
        try:
            if reply.get("id") != message["id"]:
                raise ConnectionError("livepix answered out of order")
            if not reply.get("ok"):
                error = reply.get("error") or {}
                raise _error_type(error.get("type"))(error.get("message", "livepix refused the request"))
            return self._decode(reply.get("result"), reply_fds)
        finally:
            for fd in reply_fds:
                if fd >= 0:
                    os.close(fd)

    def _notify(self, message):
        if self._closed:
            return
        message["id"] = None
        try:
            self._channel.send(message)
        except OSError as e:
            self._closed = f"the livepix window (pid {self.pid}) is gone: {e}"

    # ---- values ----
    def _encode(self, value, fds):
        def leaf(value):
            if isinstance(value, _livepix.Image):
                key = self._app_key.get(_livepix._buffer_state(value)[0])
                if key is None:
                    raise ValueError("this image is not open in the viewer (viewer.show() it first)")
                return {"$image": {"buffer": key}}
            if hasattr(value, "__fspath__"):
                return os.fspath(value)
            return value
        return _wire.encode_value(value, leaf)

    def _decode(self, value, fds):
        return _wire.decode_value(value, {
            "$entry": lambda entry: RemoteHistoryEntry(entry.get("label", ""), entry.get("bytes", 0)),
            "$image": lambda desc: self._image(desc, fds),
        })

    def _image(self, desc, fds):
        """A livepix.Image over the app's buffer, mapped once per buffer."""
        fd = fds[desc["fd_index"]]
        info = os.fstat(fd)
        key = (info.st_dev, info.st_ino)
        whole = self._mapped.get(key)
        if whole is None:
            fds[desc["fd_index"]] = -1  # _map_shared owns it now
            whole = _livepix._map_shared(fd, desc["size"], desc["capacity"], 0, 1, 1, 1, "uint8", 1, 1)
            self._mapped[key] = whole
        self._watch(desc["buffer"], whole)
        image = _livepix._view_of(whole, desc["offset"], desc["width"], desc["height"], desc["channels"],
                                  desc["dtype"], desc["x_stride"], desc["y_stride"])
        names = desc.get("channel_names")
        if isinstance(names, list) and len(names) == image.channels:
            image.channel_names = names
        if desc.get("path"):
            image.path = desc["path"]
        return image

    def _watch(self, app_key, whole):
        """Follows writes into `whole` (this process's mapping of the app
        buffer `app_key`) so they reach the window."""
        address = _livepix._buffer_state(whole)[0]
        with self._lock:
            if address in self._app_key:
                return
            _livepix._watch_writes(whole)
            self._app_key[address] = app_key
            self._last_revision[app_key] = whole.revision
            self._watched.append((app_key, whole))

    # ---- the viewer API ----
    def _get(self, name):
        return self._request({"op": "get", "name": name})

    def _set(self, name, value):
        fds = []
        self._request({"op": "set", "name": name, "value": self._encode(value, fds)}, fds)

    def _call(self, name, *args, **kwargs):
        fds = []
        message = {"op": "call", "name": name, "args": self._encode(list(args), fds),
                   "kwargs": self._encode(kwargs, fds)}
        return self._request(message, fds)

    image = property(lambda self: self._get("image"),
                     doc="The image shown now: a writable view of the window's own pixel memory.")
    images = property(lambda self: self._get("images"), doc="Every open image, in tab order.")
    history = property(lambda self: self._get("history"),
                       doc="Undo steps of the current image, oldest first (str(entry), entry.bytes).")

    def open(self, path):
        """Opens a file (resolved in this process's working directory) and
        makes it current; returns its image."""
        return self._call("open", os.path.abspath(os.fspath(path)))

    def show(self, image, name=None):
        """Shows an image or array as a new, current document. An array is
        copied once into shared memory; an Image made with shared=True is
        handed over as it is. Returns the image (this process's view)."""
        fds = []
        local = image if isinstance(image, _livepix.Image) else None
        if local is None or not _livepix._buffer_state(local)[2]:
            local = self._shared_copy(image)
        desc = _livepix._share(local)  # already shared: only a new descriptor
        fds.append(desc.pop("fd"))
        info = os.fstat(fds[0])
        self._mapped.setdefault((info.st_dev, info.st_ino), local)  # the reply names our own memory
        desc["fd_index"] = 0
        desc["channel_names"] = list(local.channel_names)
        try:
            args = [{"$image": desc}, name if name is None else str(name)]
            shown = self._request({"op": "call", "name": "show", "args": args, "kwargs": {}}, fds)
        finally:
            os.close(fds[0])
        return shown

    def _shared_copy(self, image):
        import numpy as np
        array = np.asarray(image)
        if array.ndim not in (2, 3):
            raise ValueError(f"viewer.show: need an array of shape (H, W) or (H, W, C), got {array.shape}")
        dtype, array = _dtype_name(array)
        channels = 1 if array.ndim == 2 else array.shape[2]
        shared = _livepix.Image(array.shape[1], array.shape[0], channels, dtype, shared=True)
        np.copyto(np.asarray(shared), array)
        if isinstance(image, _livepix.Image):
            shared.channel_names = image.channel_names
        return shared

    def close(self, image=None):
        """Closes an image (default: the current one)."""
        return self._call("close", image)

    def auto_levels(self, mode="minmax", low=0.1, high=99.9, per_channel=False):
        return self._call("auto_levels", mode, low, high, per_channel)

    def compare(self, other, mode="difference"):
        return self._call("compare", other, mode)

    def compare_metrics(self, *args, **kwargs):
        return self._call("compare_metrics", *args, **kwargs)

    def undo(self):
        self.flush()
        return self._call("undo")

    def redo(self):
        self.flush()
        return self._call("redo")

    def screenshot(self, path):
        """Saves what the window's canvas shows as PNG (path resolved here)."""
        self.flush()
        return self._call("screenshot", os.path.abspath(os.fspath(path)))

    # ---- liveness ----
    def _take_changes(self):
        """(app buffer addresses whose revision moved here since the last
        call, whether any of them has bytes that really changed). Taking
        the written pages also protects them again, so later writes are
        seen too."""
        changed, written = [], False
        with self._lock:
            for key, whole in self._watched:
                revision = whole.revision
                if self._last_revision.get(key) == revision:
                    continue
                self._last_revision[key] = revision
                changed.append(key)
                written = _livepix._take_written_bytes(whole) > 0 or written
        return changed, written

    def flush(self):
        """Reports this process's writes now and waits until the window has
        them (cell ends, undo and screenshot do it for you)."""
        changed, written = self._take_changes()
        if changed:
            self._request({"op": "changed", "buffers": changed, "written": written})

    def _refresh_loop(self):
        period = 1.0 / REFRESH_HZ
        while not self._stop.wait(period) and not self._closed:
            changed, written = self._take_changes()
            if changed:
                self._notify({"op": "changed", "buffers": changed, "written": written})

    @contextlib.contextmanager
    def live(self):
        """For plain scripts: the window follows writes made inside the
        block (about 30 times a second) and has all of them when it ends."""
        try:
            yield self
        finally:
            self.flush()

    # ---- IPython / Jupyter ----
    def _register_ipython(self):
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython else None
        if shell is None:
            return
        shell.events.register("pre_run_cell", self._pre_run_cell)
        shell.events.register("post_run_cell", self._post_run_cell)
        self._ipython = shell

    def _pre_run_cell(self, info):
        if self._closed:
            return
        self.flush()
        code = (getattr(info, "raw_cell", "") or "").strip().splitlines()
        label = code[0][:60] if code else "attached cell"
        self._request({"op": "cell", "begin": True, "label": label})

    def _post_run_cell(self, result):
        if self._closed:
            return
        self.flush()
        self._request({"op": "cell", "begin": False})

    def disconnect(self):
        """Closes the connection; arrays stay valid (the memory is mapped here)."""
        self._stop.set()
        if self._ipython is not None:
            for event, callback in (("pre_run_cell", self._pre_run_cell), ("post_run_cell", self._post_run_cell)):
                with contextlib.suppress(ValueError):
                    self._ipython.events.unregister(event, callback)
            self._ipython = None
        with self._lock:
            if not self._closed:
                self._closed = "this viewer was disconnected"
                self._channel.close()

    def __repr__(self):
        state = f"closed: {self._closed}" if self._closed else "connected"
        return f"<livepix.RemoteViewer {self.name!r} pid {getattr(self, 'pid', '?')} ({state})>"


def _make_property(name, doc):
    return property(lambda self: self._get(name), lambda self, value: self._set(name, value), doc=doc)


for _name, _doc in (("zoom", "Display pixels per image pixel (1.0 is 1:1); 0 means fit."),
                    ("exposure", "Display exposure of the current image in stops."),
                    ("gamma", "Display gamma of the current image."),
                    ("levels", "Display levels: (low, high), or one pair per channel."),
                    ("colormap", "Colormap name of the current image, or None."),
                    ("channel", "Channel (or group) shown, or None for all."),
                    ("display_view", "OpenColorIO display view, or None."),
                    ("input_colorspace", "OpenColorIO input colour space, or None.")):
    setattr(RemoteViewer, _name, _make_property(_name, _doc))


_ERRORS = {"ValueError": ValueError, "TypeError": TypeError, "KeyError": KeyError, "IndexError": IndexError,
           "AttributeError": AttributeError, "FileNotFoundError": FileNotFoundError, "OSError": OSError,
           "PermissionError": PermissionError, "RuntimeError": RuntimeError, "ImageError": _livepix.ImageError}


def _error_type(name):
    return _ERRORS.get(name, RuntimeError)
