#!/usr/bin/python3
"""Fuzzes the attach protocol's message reader (core/python/livepix/_wire.py)
for SECONDS (default 60): random bytes and mutations of valid messages, with
and without descriptors, through a real socket pair. Anything but a checked
message, ProtocolError or EOFError is a crash (the input is saved and the
script exits 1), and so is a descriptor left open.

    /usr/bin/python3 fuzz/fuzz_attach_wire.py [SECONDS]     (./setup.sh fuzz runs it)
"""

import importlib.util
import os
import random
import socket
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("_wire", HERE.parent / "core/python/livepix/_wire.py")
_wire = importlib.util.module_from_spec(spec)
spec.loader.exec_module(_wire)

SEEDS = [
    _wire.encode_header(len(b), 0) + b
    for b in (b'{"op":"hello","id":1}', b'{"op":"get","id":2,"name":"image"}',
              b'{"op":"changed","id":null,"buffers":[1,2],"written":true}', b'{"id":3,"ok":true,"result":null}')
]


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        if choice < 0.4 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice < 0.6:
            data[rng.randrange(len(data) + 1):rng.randrange(len(data) + 1)] = os.urandom(rng.randint(1, 16))
        elif choice < 0.8 and data:
            start = rng.randrange(len(data))
            del data[start:start + rng.randint(1, 16)]
        else:
            data += rng.choice(SEEDS)
    return bytes(data)


def one(data, fd_count):
    before = len(os.listdir("/proc/self/fd"))
    a, b = socket.socketpair()
    channel = _wire.Channel(a)
    r, w = os.pipe()
    try:
        if fd_count:
            socket.send_fds(b, [data or b"\0"], [r] * fd_count)
        else:
            b.sendall(data)
        b.shutdown(socket.SHUT_WR)
        while True:
            try:
                message, fds = channel.receive()
            except (_wire.ProtocolError, EOFError):
                break
            assert isinstance(message, dict)
            for fd in fds:
                os.close(fd)
    finally:
        b.close()
        channel.close()
        os.close(r)
        os.close(w)
    after = len(os.listdir("/proc/self/fd"))
    assert after == before, f"{after - before} descriptors left open"


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    rng = random.Random(int.from_bytes(os.urandom(8), "little"))
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:
        data = mutate(rng, rng.choice(SEEDS)) if rng.random() < 0.8 else os.urandom(rng.randint(0, 256))
        fd_count = rng.choice((0, 0, 0, 1, 3))
        try:
            one(data, fd_count)
        except Exception:
            crash = HERE / f"attach-wire-crash-{runs}.bin"
            crash.write_bytes(data)
            traceback.print_exc()
            print(f"fuzz_attach_wire: crash after {runs} runs; input in {crash} ({fd_count} descriptors)")
            return 1
        runs += 1
    print(f"fuzz_attach_wire: {runs} runs in {seconds:g} s, no crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
