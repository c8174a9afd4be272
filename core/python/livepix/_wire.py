"""The attach protocol's framing, shared by the app's server and the client.

One message is a 16-byte header, a UTF-8 JSON object and, passed beside the
bytes with SCM_RIGHTS, the file descriptors the header announces (memfds of
pixel buffers):

    magic b"LPXA" | uint16 version | uint16 flags (0) | uint32 payload bytes
    | uint32 descriptor count                       (little-endian)

Everything a peer sends is checked before it is believed: the magic, the
version, the payload size (at most MAX_PAYLOAD), the descriptor count (at
most MAX_FDS, and exactly as many as arrived), the JSON and its shape. A
check that fails raises ProtocolError; the reader of that connection then
closes it (and every descriptor it received) and logs the reason. Pixels
never travel through the socket: only descriptors of shared memory do.

Threading: a Channel may be used from two threads at once (a request and
the client's refresh notifications): sends hold one lock, and only one
thread receives.
"""

import array
import json
import os
import socket
import struct
import threading

MAGIC = b"LPXA"
VERSION = 1
HEADER = struct.Struct("<4sHHII")
#: Largest JSON payload accepted. Messages describe images and settings,
#: never pixels, so 1 MiB is far more than any real message.
MAX_PAYLOAD = 1 << 20
#: Most descriptors in one message (viewer.images of 16 images at once;
#: larger lists are split by the server).
MAX_FDS = 16
_FD_BYTES = array.array("i").itemsize


class ProtocolError(Exception):
    """A peer sent something that is not a valid message; names the reason."""


def encode_header(payload_len, fd_count):
    return HEADER.pack(MAGIC, VERSION, 0, payload_len, fd_count)


def decode_header(data):
    """(payload length, descriptor count) of a 16-byte header, checked."""
    if len(data) != HEADER.size:
        raise ProtocolError(f"truncated header ({len(data)} of {HEADER.size} bytes)")
    magic, version, flags, length, fds = HEADER.unpack(data)
    if magic != MAGIC:
        raise ProtocolError(f"bad magic {magic!r} (not a livepix attach peer)")
    if version != VERSION:
        raise ProtocolError(f"protocol version {version} (this side speaks {VERSION})")
    if flags != 0:
        raise ProtocolError(f"unknown flags 0x{flags:04x}")
    if length == 0 or length > MAX_PAYLOAD:
        raise ProtocolError(f"payload of {length} bytes (1..{MAX_PAYLOAD} allowed)")
    if fds > MAX_FDS:
        raise ProtocolError(f"{fds} descriptors announced (at most {MAX_FDS})")
    return length, fds


def decode_payload(data):
    """The JSON object of a payload, checked to be an object with a str 'op'
    (requests) or an 'id' (replies)."""
    try:
        message = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise ProtocolError(f"payload is not JSON: {e}") from None
    if not isinstance(message, dict):
        raise ProtocolError("payload is not a JSON object")
    return message


def _close_all(fds):
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def encode_value(value, leaf):
    """The JSON form of a request or reply value, the same on both sides:
    tuples become {"$tuple": [...]}, lists and dicts are walked (keys made
    strings), and everything else is given to leaf(value), which returns its
    JSON form or raises."""
    if isinstance(value, tuple):
        return {"$tuple": [encode_value(v, leaf) for v in value]}
    if isinstance(value, list):
        return [encode_value(v, leaf) for v in value]
    if isinstance(value, dict):
        return {str(k): encode_value(v, leaf) for k, v in value.items()}
    return leaf(value)


def decode_value(value, tagged):
    """The inverse of encode_value(): {"$tuple": [...]} becomes a tuple,
    {"$TAG": body} becomes tagged["$TAG"](body) for the tags a side knows,
    lists and other dicts are walked."""
    if isinstance(value, list):
        return [decode_value(v, tagged) for v in value]
    if not isinstance(value, dict):
        return value
    if "$tuple" in value:
        items = value["$tuple"]
        if not isinstance(items, list):
            raise ProtocolError("$tuple is not a list")
        return tuple(decode_value(v, tagged) for v in items)
    for tag, make in tagged.items():
        if tag in value:
            return make(value[tag])
    return {k: decode_value(v, tagged) for k, v in value.items()}


class Channel:
    """One connected stream socket speaking the framing above."""

    def __init__(self, sock):
        self.sock = sock
        self._send_lock = threading.Lock()
        self._pending_fds = []  # received, not yet claimed by a message
        self._buffer = bytearray()

    def close(self):
        _close_all(self._pending_fds)
        self._pending_fds = []
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, message, fds=()):
        """Sends one message (a dict) with the given descriptors (not closed
        here: the caller still owns them)."""
        payload = json.dumps(message, separators=(",", ":"), allow_nan=True).encode("utf-8")
        if len(payload) > MAX_PAYLOAD:
            raise ProtocolError(f"message of {len(payload)} bytes is too large")
        if len(fds) > MAX_FDS:
            raise ProtocolError(f"{len(fds)} descriptors in one message (at most {MAX_FDS})")
        data = encode_header(len(payload), len(fds)) + payload
        with self._send_lock:
            if fds:
                # The descriptors ride on the first byte; the rest follows.
                sent = socket.send_fds(self.sock, [data], list(fds))
                if sent < len(data):
                    self.sock.sendall(data[sent:])
            else:
                self.sock.sendall(data)

    def _fill(self, want):
        """Reads until the buffer holds `want` bytes; collects descriptors."""
        while len(self._buffer) < want:
            ancillary = socket.CMSG_SPACE(MAX_FDS * _FD_BYTES)
            try:
                data, ancdata, flags, _ = self.sock.recvmsg(max(want - len(self._buffer), 4096), ancillary)
            except InterruptedError:
                continue
            for level, kind, blob in ancdata:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds = array.array("i")
                    fds.frombytes(blob[: len(blob) - len(blob) % _FD_BYTES])
                    self._pending_fds.extend(fds)
            if flags & socket.MSG_CTRUNC:
                raise ProtocolError("too many descriptors sent at once")
            if len(self._pending_fds) > MAX_FDS:
                raise ProtocolError(f"{len(self._pending_fds)} descriptors sent without messages claiming them")
            if not data:
                if self._buffer:
                    raise ProtocolError(f"connection closed inside a message ({len(self._buffer)} bytes)")
                raise EOFError("the peer closed the connection")
            self._buffer += data

    def receive(self):
        """(message dict, list of descriptors the message carries); the
        caller owns the descriptors. Raises EOFError at a clean end and
        ProtocolError for anything malformed."""
        self._fill(HEADER.size)
        length, fd_count = decode_header(bytes(self._buffer[: HEADER.size]))
        self._fill(HEADER.size + length)
        payload = bytes(self._buffer[HEADER.size : HEADER.size + length])
        del self._buffer[: HEADER.size + length]
        if len(self._pending_fds) < fd_count:
            raise ProtocolError(f"{fd_count} descriptors announced, {len(self._pending_fds)} received")
        fds = self._pending_fds[:fd_count]
        self._pending_fds = self._pending_fds[fd_count:]
        try:
            message = decode_payload(payload)
        except ProtocolError:
            _close_all(fds)
            raise
        return message, fds
