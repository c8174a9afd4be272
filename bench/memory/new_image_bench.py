#!/usr/bin/env python3
"""New image + first fill, against NumPy in the same run (issue 9, "Memory
that is fast to get"): `livepix.Image(W, H, 4, "uint8")` then
`np.asarray(image)[...] = 1`, against `np.empty((H, W, 4), np.uint8)` then the
same fill. Each sample runs in a fresh python3 process (no warm allocator or
pool), the two alternating; medians of N (default 5), whole allocation +
fill, timed inside the process.

    PYTHONPATH=build/python /usr/bin/python3 bench/memory/new_image_bench.py \\
        [--size 16384x16384] [--runs 5] [--json]

Target: livepix within 1.3x of NumPy for a 1 GiB image (16384x16384 RGBA8).
Nothing is asserted.
"""
import argparse
import json
import statistics
import subprocess
import sys

CHILD = r"""
import sys, time
import numpy as np
kind, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if kind == "livepix":
    import livepix
start = time.perf_counter()
if kind == "livepix":
    image = livepix.Image(width, height, 4, "uint8")
    array = np.asarray(image)
else:
    array = np.empty((height, width, 4), np.uint8)
array[...] = 1
print((time.perf_counter() - start) * 1000.0)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="16384x16384", help="WxH (default 16384x16384: 1 GiB of RGBA8)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object last")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    samples = {"livepix": [], "numpy": []}
    for _ in range(args.runs):
        for kind in samples:
            done = subprocess.run([sys.executable, "-c", CHILD, kind, str(width), str(height)],
                                  capture_output=True, text=True, check=True)
            samples[kind].append(float(done.stdout.strip().splitlines()[-1]))
    medians = {kind: round(statistics.median(values), 1) for kind, values in samples.items()}
    ratio = round(medians["livepix"] / medians["numpy"], 3)
    gib = width * height * 4 / 2**30
    print(f"new {width}x{height} RGBA8 ({gib:.2f} GiB) + first fill, fresh process each, medians of {args.runs}:")
    for kind, values in samples.items():
        print(f"  {kind:8s} {medians[kind]:8.1f} ms   ({', '.join(f'{v:.0f}' for v in values)})")
    print(f"livepix / numpy: {ratio}x (target <= 1.3x)")
    if args.json:
        print(json.dumps({"size": [width, height], "runs": args.runs, "median_ms": medians, "ratio": ratio}))


if __name__ == "__main__":
    main()
