"""The app's side of ``livepix.connect()``: a Unix-socket server that runs
inside the livepix app's Python and answers clients with the console's own
``viewer`` object.

Security: the socket lives in a folder only the user can enter (see
socket_dir()), is made with mode 0600, and every connection's peer user is
checked with SO_PEERCRED before anything is read from it. Only the viewer's
public attributes can be reached; nothing is evaluated.

Pixels: an image sent to a client is first moved into shared memory (a memfd
mapped over the same address, so nothing in the app notices; see
PixelBuffer::shareMemory) and its descriptor travels with the reply. The
client maps the same memfd: both sides see one copy of the pixels. Writes a
client reports ("changed") bump the buffer's revision so the window
repaints; the app's write tracker cannot see another process's writes, so a
step with such writes is made "not undoable" with the reason (never a wrong
undo).

Threading: one accept thread and one thread per connection, all daemon
threads of the app's interpreter. They take the GIL like any Python thread;
the viewer calls they make wait for the GUI thread with the GIL released, so
the GUI never waits for them.
"""

import logging
import os
import secrets
import socket
import stat
import sys
import threading
import time

from . import _livepix
from . import _wire

log = logging.getLogger("livepix.attach")
if not log.handlers:
    # The app's sys.stderr is the console; refusals and closed connections
    # belong in the process's own error stream (and its logs).
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(_handler)
    log.propagate = False

NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def check_name(name):
    if not name or len(name) > 64 or not set(name) <= NAME_CHARS or name.startswith("."):
        raise ValueError(f"instance name {name!r}: use 1-64 letters, digits, '.', '_' or '-' "
                         "(not starting with '.')")
    return name


def socket_dir(create=False):
    """Where the instances' sockets live: $XDG_RUNTIME_DIR/livepix, or
    /tmp/livepix-UID when XDG_RUNTIME_DIR is not set. The folder must be the
    user's own and mode 0700; anything else is refused (another user could
    otherwise put a socket there to catch our clients)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    path = os.path.join(runtime, "livepix") if runtime else f"/tmp/livepix-{os.getuid()}"
    if create:
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
        raise PermissionError(f"{path}: not a folder of this user with mode 0700; refusing to use it "
                              "for livepix sockets")
    return path


def _allowed_uid():
    # Tests simulate a client of another user by naming a different uid here.
    override = os.environ.get("LIVEPIX_ATTACH_TEST_ALLOWED_UID")
    return int(override) if override else os.getuid()


class _Connection:
    """One client. Keeps the app-side images it handed out (by buffer
    address) so that later messages can name them."""

    def __init__(self, server, sock, peer_pid):
        self.server = server
        self.channel = _wire.Channel(sock)
        self.peer_pid = peer_pid
        self.exports = {}  # app buffer address -> livepix.Image (full view of the document)
        self.in_cell = False

    # ---- values ----
    def encode(self, value, fds):
        def leaf(value):
            if value is None or isinstance(value, (bool, int, float, str)):
                return value
            if isinstance(value, _livepix.Image):
                return self.encode_image(value, fds)
            if isinstance(value, _livepix.HistoryEntry):
                return {"$entry": {"label": str(value), "bytes": value.bytes}}
            raise TypeError(f"cannot send a {type(value).__name__} to a client")
        return _wire.encode_value(value, leaf)

    def encode_image(self, image, fds):
        if len(fds) >= _wire.MAX_FDS:
            raise ValueError(f"too many images in one reply (at most {_wire.MAX_FDS})")
        desc = _livepix._share(image)
        fds.append(desc.pop("fd"))
        desc["fd_index"] = len(fds) - 1
        desc["channel_names"] = list(image.channel_names)
        desc["path"] = image.path or ""
        self.exports[desc["buffer"]] = image
        return {"$image": desc}

    def decode(self, value, fds):
        return _wire.decode_value(value, {"$image": lambda desc: self.decode_image(desc, fds)})

    def decode_image(self, desc, fds):
        if not isinstance(desc, dict):
            raise _wire.ProtocolError("$image is not an object")
        if "fd_index" in desc:  # the client's own shared image (viewer.show)
            index = desc["fd_index"]
            if not isinstance(index, int) or not 0 <= index < len(fds) or fds[index] < 0:
                raise _wire.ProtocolError(f"image descriptor names fd {index!r}, not sent")
            fd, fds[index] = fds[index], -1
            try:
                image = _livepix._map_shared(fd, *_image_fields(desc))
            except (TypeError, ValueError, OverflowError) as e:
                raise ValueError(f"the client's image cannot be mapped: {e}") from None
            names = desc.get("channel_names")
            if isinstance(names, list) and len(names) == image.channels:
                image.channel_names = [str(n) for n in names]
            return image
        key = desc.get("buffer")
        image = self.exports.get(key)
        if image is None:
            raise ValueError("this image is not one the viewer sent to this client")
        return image

    # ---- requests ----
    def serve(self):
        try:
            while True:
                try:
                    message, fds = self.channel.receive()
                except EOFError:
                    return
                try:
                    self.handle(message, fds)
                finally:
                    for fd in fds:
                        if fd >= 0:
                            os.close(fd)
        except _wire.ProtocolError as e:
            log.warning("livepix attach: closing the connection of process %s: %s", self.peer_pid, e)
        except (OSError, ValueError) as e:
            if not self.server.stopping:
                log.warning("livepix attach: connection of process %s failed: %s", self.peer_pid, e)
        finally:
            if self.in_cell:
                self.server.hooks.end_unit()
            self.channel.close()
            self.server.forget(self)

    def handle(self, message, fds):
        op = message.get("op")
        request_id = message.get("id")
        if not isinstance(op, str):
            raise _wire.ProtocolError("message without an 'op'")
        if request_id is not None and not isinstance(request_id, int):
            raise _wire.ProtocolError("'id' is not an integer")
        handler = getattr(self, "op_" + op, None) if op.isidentifier() else None
        if handler is None:
            raise _wire.ProtocolError(f"unknown op {op!r}")
        out_fds = []
        try:
            result = self.encode(handler(message, fds), out_fds)
            reply = {"id": request_id, "ok": True, "result": result}
        except _wire.ProtocolError:
            raise
        except BaseException as e:  # the client gets the error, the app goes on
            for fd in out_fds:
                os.close(fd)
            out_fds = []
            reply = {"id": request_id, "ok": False,
                     "error": {"type": type(e).__name__, "message": str(e)}}
        try:
            if request_id is not None:
                self.channel.send(reply, out_fds)
        finally:
            for fd in out_fds:
                os.close(fd)

    def op_hello(self, message, fds):
        return {"pid": os.getpid(), "name": self.server.name, "protocol": _wire.VERSION}

    def _member(self, name, kind):
        if not isinstance(name, str) or name.startswith("_") or not name.isidentifier():
            raise AttributeError(f"viewer has no attribute {name!r}")
        attribute = getattr(type(self.server.viewer), name, None)
        if attribute is None:
            raise AttributeError(f"viewer has no attribute {name!r}")
        is_property = isinstance(attribute, property)
        if kind == "call" and is_property or kind != "call" and not is_property:
            raise AttributeError(f"viewer.{name} is {'a property' if is_property else 'a method'}")
        return name

    def op_get(self, message, fds):
        return getattr(self.server.viewer, self._member(message.get("name"), "get"))

    def op_set(self, message, fds):
        setattr(self.server.viewer, self._member(message.get("name"), "set"), self.decode(message.get("value"), fds))
        return None

    def op_call(self, message, fds):
        name = self._member(message.get("name"), "call")
        args = self.decode(message.get("args", []), fds)
        kwargs = self.decode(message.get("kwargs", {}), fds)
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise _wire.ProtocolError("call arguments are not a list and an object")
        return getattr(self.server.viewer, name)(*args, **kwargs)

    def op_changed(self, message, fds):
        """The client's pixels changed: repaint; `written` pixels cannot be
        undone (the app never saw the writes)."""
        buffers = message.get("buffers")
        if not isinstance(buffers, list):
            raise _wire.ProtocolError("'changed' without a list of buffers")
        reason = f"written by attached process {self.peer_pid} (writes of other processes cannot be undone)"
        for key in buffers:
            image = self.exports.get(key)
            if image is None:
                continue
            if message.get("written"):
                _livepix._unprotect_writes(image, reason)
            image.mark_changed()
        self.server.hooks.pixels_changed()
        return None

    def op_cell(self, message, fds):
        """A client's cell begins ('label') or ends: one unit of work."""
        if message.get("begin"):
            if not self.in_cell:
                label = message.get("label")
                self.server.hooks.begin_unit(label if isinstance(label, str) else "attached client")
                self.in_cell = True
        elif self.in_cell:
            self.in_cell = False
            self.server.hooks.end_unit()
        return None

    def op_sync(self, message, fds):
        return None

    def op_revision(self, message, fds):
        """Revision of the current image's pixels as the app sees it (tests:
        did a client's report arrive? Unlike a screenshot, this refreshes
        nothing itself)."""
        image = self.server.viewer.image
        return None if image is None else image.revision

    def op_paint_count(self, message, fds):
        """Completed paints of the canvas (benchmarks wait for a frame)."""
        return self.server.hooks.paint_count()


class Server:
    """Listens on the instance's socket; see the module comment."""

    def __init__(self, viewer, hooks, name=None):
        self.viewer = viewer
        self.hooks = hooks
        self.name = check_name(name) if name else f"livepix-{os.getpid()}"
        self.stopping = False
        self._lock = threading.Lock()
        self._connections = set()
        directory = socket_dir(create=True)
        self.path = os.path.join(directory, self.name + ".sock")
        self._sock = self._listen()
        self._thread = threading.Thread(target=self._accept, name="livepix-attach", daemon=True)
        self._thread.start()

    def _listen(self):
        if os.path.exists(self.path):
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(self.path)
            except ConnectionRefusedError:
                os.unlink(self.path)  # left by an instance that crashed
            except OSError:
                pass
            else:
                raise self._name_taken()
            finally:
                probe.close()
        # The socket is bound and listening under a hidden name first and
        # then linked to its own: a client that finds NAME.sock can connect
        # at once (between bind() and listen() a connect() is refused, so a
        # script that started the app and waits for the file would otherwise
        # race it). link() fails when the name was taken meanwhile, where a
        # rename would silently replace the other instance's socket. The
        # folder is 0700 (socket_dir), so nobody else can reach the socket
        # before the chmod; the umask is process-wide and left alone.
        hidden = os.path.join(os.path.dirname(self.path), f".{os.getpid()}-{secrets.token_hex(4)}.binding")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        try:
            sock.bind(hidden)
            os.chmod(hidden, 0o600)
            sock.listen(8)
            os.link(hidden, self.path)
        except FileExistsError:
            sock.close()
            raise self._name_taken() from None
        except BaseException:
            sock.close()
            raise
        finally:
            try:
                os.unlink(hidden)
            except FileNotFoundError:
                pass
        return sock

    def _name_taken(self):
        return FileExistsError(f"another livepix instance is already called {self.name!r} ({self.path})")

    def _accept(self):
        while not self.stopping:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            creds = client.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
            pid, uid, gid = (int.from_bytes(creds[i:i + 4], sys.byteorder, signed=True) for i in (0, 4, 8))
            if uid != _allowed_uid():
                log.warning("livepix attach: refused process %s of user %s (only user %s may attach)",
                            pid, uid, _allowed_uid())
                client.close()
                continue
            connection = _Connection(self, client, pid)
            with self._lock:
                self._connections.add(connection)
            threading.Thread(target=connection.serve, name=f"livepix-attach-{pid}", daemon=True).start()

    def forget(self, connection):
        with self._lock:
            self._connections.discard(connection)

    def stop(self, timeout=2.0):
        """Closes the socket and every connection (clients then raise
        ConnectionError) and waits for the connection threads."""
        self.stopping = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.channel.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        for thread in threading.enumerate():
            if thread.name.startswith("livepix-attach") and thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))


def _image_fields(desc):
    fields = ("size", "capacity", "offset", "width", "height", "channels", "dtype", "x_stride", "y_stride")
    missing = [f for f in fields if f not in desc]
    if missing:
        raise ValueError(f"image descriptor lacks {', '.join(missing)}")
    return tuple(desc[f] for f in fields)
