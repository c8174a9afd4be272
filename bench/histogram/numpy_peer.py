"""NumPy's np.histogram on the float32 pixels histogram_bench wrote: the
median time (ms) of computing all four channels' 256-bin histograms over the
finite values with one shared range, which is what livepix.histogram gives.

    numpy_peer.py RAW WIDTH HEIGHT REPEAT   (prints one number)
"""
import sys
import time

import numpy as np


def main():
    path, width, height, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    pixels = np.fromfile(path, dtype=np.float32).reshape(height, width, 4)

    def run():
        finite = [pixels[..., c][np.isfinite(pixels[..., c])] for c in range(4)]
        lo = min(v.min() for v in finite)
        hi = max(v.max() for v in finite)
        return [np.histogram(v, bins=256, range=(lo, hi)) for v in finite]

    run()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"{sorted(times)[len(times) // 2]:.3f}")


if __name__ == "__main__":
    main()
