#!/usr/bin/env python3
"""Bundled filters on a 4K RGBA8 image against their peers, side by side in one run.

    PYTHONPATH=build/python /usr/bin/python3 bench/filters/filter_bench.py [--runs 9] [--json]

Each row: the median of RUNS calls of livepix.filters.apply(name, image) on a
livepix.Image (so the run's restore copy and its bookkeeping are included), next
to the peer the issue names, timed the same way in the same process, the two
calls taking turns run by run:
  Gaussian sigma 2   cv2.GaussianBlur(a, (13, 13), 2)      (python3-opencv)
  Median 3x3         cv2.medianBlur(a, 3)
  Invert             a memcpy of the image (np.copyto)
  Threshold          the NumPy line it runs, on a plain array
  False Colour       luma and np.interp through the map, on a plain array
cv2 rows are left out (and said so) when python3-opencv is not installed.
"""
import argparse
import json
import statistics
import time

import numpy as np

import livepix

try:
    import cv2
except ImportError:
    cv2 = None


def _time_ms(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def medians_side_by_side(ours, peer, runs):
    """(our median, the peer's median or None), the two timed in turn, run
    by run, so a drift of the machine (another process, the memory bus)
    reaches both alike."""
    ours()  # warm up: plugin load, first-touch of scratch memory
    if peer:
        peer()
    mine, theirs = [], []
    for _ in range(runs):
        mine.append(_time_ms(ours))
        if peer:
            theirs.append(_time_ms(peer))
    return statistics.median(mine), (statistics.median(theirs) if peer else None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object last")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (2160, 3840, 4), dtype=np.uint8)
    image = livepix.Image.from_array(pixels)
    a = np.asarray(image)
    scratch = np.empty_like(a)
    apply = livepix.filters.apply

    def numpy_threshold():
        # The one line plugins/threshold runs, on a plain array.
        colour = scratch[..., :3]
        colour[...] = np.where(a[..., :3] >= 0.5 * 255, 255, 0)

    points = np.array([(0.0, 0.267, 0.005, 0.329), (0.25, 0.229, 0.322, 0.546), (0.5, 0.128, 0.567, 0.551),
                       (0.75, 0.369, 0.789, 0.383), (1.0, 0.993, 0.906, 0.144)], dtype=np.float32)

    def numpy_false_colour():
        # Luma, then np.interp through the map's control points: what a NumPy
        # user writes for a colour map (plugins/colormap does the same).
        luma = (a[..., :3].astype(np.float32) @ np.float32([0.2126, 0.7152, 0.0722])) / 255.0
        for c in range(3):
            scratch[..., c] = np.rint(np.interp(luma, points[:, 0], points[:, c + 1]) * 255.0)

    rows = [
        ("Gaussian sigma 2 (OpenCV plugin)", lambda: apply("Gaussian Blur (OpenCV)", image, sigma=2.0),
         "cv2.GaussianBlur", (lambda: cv2.GaussianBlur(a, (13, 13), 2.0, sigmaY=2.0)) if cv2 else None, 2.0),
        ("Gaussian sigma 2 (OIIO plugin)", lambda: apply("Gaussian Blur (OIIO)", image, sigma=2.0),
         "cv2.GaussianBlur", (lambda: cv2.GaussianBlur(a, (13, 13), 2.0, sigmaY=2.0)) if cv2 else None, None),
        ("Median 3x3 (OpenCV plugin)", lambda: apply("Median (OpenCV)", image, size=3),
         "cv2.medianBlur", (lambda: cv2.medianBlur(a, 3)) if cv2 else None, 2.0),
        ("Median 3x3 (OIIO plugin)", lambda: apply("Median (OIIO)", image, size=3),
         "cv2.medianBlur", (lambda: cv2.medianBlur(a, 3)) if cv2 else None, None),
        ("Invert", lambda: apply("Invert", image), "memcpy", lambda: np.copyto(scratch, a), 3.0),
        ("Threshold (Python plugin)", lambda: apply("Threshold", image, level=0.5),
         "NumPy one-liner", numpy_threshold, 3.0),
        ("False Colour (Python plugin)", lambda: apply("False Colour", image),
         "NumPy one-liner", numpy_false_colour, 3.0),
    ]
    print(f"4K RGBA8 (3840x2160), medians of {args.runs} runs, ms; "
          f"cv2 {'%s' % cv2.__version__ if cv2 else 'not installed'}; numpy {np.__version__}")
    print(f"{'filter':34s} {'livepix':>9s}  {'peer':18s} {'peer ms':>8s} {'ratio':>7s}  target")
    figures = {}
    for name, ours, peer_name, peer, target in rows:
        mine, theirs = medians_side_by_side(ours, peer, args.runs)
        ratio = mine / theirs if theirs else None
        verdict = ""
        if target and ratio is not None:
            verdict = f"within {target:g}x: {'met' if ratio <= target else 'NOT met'}"
        print(f"{name:34s} {mine:9.2f}  {peer_name:18s} "
              f"{(f'{theirs:8.2f}' if theirs else '       -')} {(f'{ratio:6.2f}x' if ratio else '      -')}  {verdict}")
        figures[name] = {"ms": mine, "peer": peer_name, "peer_ms": theirs, "ratio": ratio, "target": target}
    if args.json:
        print(json.dumps({"runs": args.runs, "image": "3840x2160 RGBA uint8", "filters": figures}))


if __name__ == "__main__":
    main()
