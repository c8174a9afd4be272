"""The attach protocol's framing (livepix/_wire.py) against random and
hostile bytes: whatever arrives, Channel.receive() returns a checked
message or raises ProtocolError / EOFError, and never leaks a descriptor."""

import os
import socket
import struct

import pytest
from hypothesis import given, settings, strategies as st

from livepix import _wire


def pair():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    return _wire.Channel(a), b


def open_fds():
    return len(os.listdir("/proc/self/fd"))


def test_round_trip_with_descriptors():
    channel, peer = pair()
    sender = _wire.Channel(peer)
    r, w = os.pipe()
    try:
        sender.send({"op": "x", "id": 3, "value": [1.5, "é", None]}, [r, w])
        message, fds = channel.receive()
        assert message == {"op": "x", "id": 3, "value": [1.5, "é", None]}
        assert len(fds) == 2
        os.write(fds[1], b"ok")
        assert os.read(r, 2) == b"ok"  # the same pipe arrived
        for fd in fds:
            os.close(fd)
    finally:
        os.close(r)
        os.close(w)
        channel.close()
        sender.close()


def test_header_checks_name_the_reason():
    cases = {
        b"ABCD" + bytes(12): "bad magic",
        struct.pack("<4sHHII", b"LPXA", 2, 0, 1, 0): "protocol version 2",
        struct.pack("<4sHHII", b"LPXA", 1, 1, 1, 0): "unknown flags",
        struct.pack("<4sHHII", b"LPXA", 1, 0, 0, 0): "payload of 0 bytes",
        struct.pack("<4sHHII", b"LPXA", 1, 0, _wire.MAX_PAYLOAD + 1, 0): "payload of",
        struct.pack("<4sHHII", b"LPXA", 1, 0, 1, _wire.MAX_FDS + 1): "descriptors announced",
    }
    for header, reason in cases.items():
        with pytest.raises(_wire.ProtocolError, match=reason):
            _wire.decode_header(header)


def test_sending_refuses_what_the_peer_would_refuse():
    channel, peer = pair()
    with pytest.raises(_wire.ProtocolError):
        channel.send({"op": "x", "blob": "a" * (_wire.MAX_PAYLOAD + 1)})
    channel.close()
    peer.close()


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=0, max_size=600))
def test_random_bytes_never_escape_the_checks(data):
    before = open_fds()
    channel, peer = pair()
    try:
        peer.sendall(data)
        peer.shutdown(socket.SHUT_WR)
        while True:
            try:
                message, fds = channel.receive()
            except (_wire.ProtocolError, EOFError):
                break
            assert isinstance(message, dict)
            assert fds == []
    finally:
        peer.close()
        channel.close()
    assert open_fds() == before


@settings(max_examples=200, deadline=None)
@given(length=st.integers(0, 2**32 - 1), fds=st.integers(0, 2**32 - 1), body=st.binary(max_size=64),
       send_fds=st.integers(0, 3))
def test_hostile_headers_with_descriptors_leak_nothing(length, fds, body, send_fds):
    before = open_fds()
    channel, peer = pair()
    r, w = os.pipe()
    try:
        data = struct.pack("<4sHHII", b"LPXA", 1, 0, length, fds) + body
        if send_fds:
            socket.send_fds(peer, [data], [r] * send_fds)
        else:
            peer.sendall(data)
        peer.shutdown(socket.SHUT_WR)
        try:
            message, got = channel.receive()
        except (_wire.ProtocolError, EOFError):
            pass
        else:
            assert isinstance(message, dict)
            for fd in got:
                os.close(fd)
    finally:
        peer.close()
        channel.close()  # closes whatever arrived and was not claimed
        os.close(r)
        os.close(w)
    assert open_fds() == before
