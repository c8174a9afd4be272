#!/usr/bin/env python3
"""Seed corpus for fuzz_tevpacket: one small stream per packet type and version
of tev's IPC protocol (layout from tev's include/tev/Ipc.h), written to
OUT_DIR. Run by fuzz/make_seed_corpus.sh."""
import os
import struct
import sys


def packet(kind, body):
    return struct.pack("<IB", 5 + len(body), kind) + body


def s(text):
    return text.encode() + b"\0"


def b(flag):
    return bytes([1 if flag else 0])


def main(out):
    os.makedirs(out, exist_ok=True)
    tile = struct.pack("<4f", 0.1, 0.2, 0.3, 0.4)
    seeds = {
        "open": packet(0, b(True) + s("a.exr:R")),
        "open2": packet(7, b(False) + s("a.exr") + s("R")),
        "reload": packet(1, b(True) + s("a")),
        "close": packet(2, s("a")),
        "create": packet(4, b(True) + s("a") + struct.pack("<3i", 2, 2, 2) + s("R") + s("G")),
        "update1": packet(3, b(False) + s("a") + s("R") + struct.pack("<4i", 0, 0, 2, 2) + tile),
        "update2": packet(5, b(False) + s("a") + struct.pack("<i", 2) + s("R") + s("G")
                          + struct.pack("<4i", 0, 0, 2, 1) + tile),
        "update3": packet(6, b(False) + s("a") + struct.pack("<i", 2) + s("R") + s("G")
                          + struct.pack("<4i", 0, 0, 2, 1) + struct.pack("<2q", 0, 1) + struct.pack("<2q", 2, 2) + tile),
        "vector": packet(8, b(False) + s("a") + b(True) + struct.pack("<i", 0)),
    }
    seeds["stream"] = seeds["create"] + seeds["update3"] + seeds["close"]
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1])
