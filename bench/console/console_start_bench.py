#!/usr/bin/env python3
"""What the IPython console costs at start, side by side with the standard one.

Runs `livepix SAMPLE --exec CODE --screenshot OUT` (a whole batch process: window,
Python, the code, one frame) N times with each shell, alternating, and prints the
medians. Python starts on its worker thread after the window showed, so the
difference is time to the first console result, not to the first window.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench/console/console_start_bench.py \
        --app build/bin/livepix --runs 5 [--json]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

SHELLS = ("python", "ipython")


def run_once(app, shell, code, shot, ipython_dir):
    env = dict(os.environ, LIVEPIX_CONSOLE_SHELL=shell, QT_QPA_PLATFORM="offscreen",
               IPYTHONDIR=ipython_dir)
    start = time.perf_counter()
    done = subprocess.run([app, "--exec", code, "--screenshot", shot], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = (time.perf_counter() - start) * 1000.0
    if done.returncode != 0:
        sys.exit(f"{shell}: livepix failed ({done.returncode}):\n{done.stderr}")
    return elapsed, done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", default="build/bin/livepix")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object last")
    args = parser.parse_args()
    code = "import sys; print(type(get_ipython()).__name__ if 'get_ipython' in globals() else 'code')"
    times = {shell: [] for shell in SHELLS}
    with tempfile.TemporaryDirectory() as tmp:
        shot = os.path.join(tmp, "shot.png")
        for _ in range(args.runs):
            for shell in SHELLS:
                elapsed, out = run_once(args.app, shell, code, shot, tmp)
                expected = "LivepixShell" if shell == "ipython" else "code"
                if expected not in out:
                    sys.exit(f"{shell}: the console ran {out.strip()!r}, not {expected}")
                times[shell].append(elapsed)
    medians = {shell: statistics.median(values) for shell, values in times.items()}
    for shell in SHELLS:
        print(f"{shell:8s} batch run (start, code, frame, exit): median {medians[shell]:7.1f} ms "
              f"of {args.runs} ({', '.join(f'{v:.0f}' for v in times[shell])})")
    extra = medians["ipython"] - medians["python"]
    print(f"IPython adds {extra:.1f} ms ({medians['ipython'] / medians['python']:.2f}x)")
    if args.json:
        print(json.dumps({"runs": args.runs, "median_ms": medians, "ipython_extra_ms": extra,
                          "ratio": medians["ipython"] / medians["python"]}))


if __name__ == "__main__":
    main()
