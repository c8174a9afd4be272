#!/usr/bin/env bash
# livepix developer entry point. On a fresh Debian 12 machine:
#   ./setup.sh run [livepix args...]   install what is missing, build, start the viewer
#   ./setup.sh test                    install what is missing, build, run every test
#                                      (normal build, then AddressSanitizer+UBSan build)
#   ./setup.sh bench                   build and run the benchmarks (prints figures)
# Environment: BUILD_DIR (default build), ASAN_BUILD_DIR (default build-asan),
# LIVEPIX_SKIP_ASAN=1 to skip the sanitizer pass of `test`, JOBS (default: nproc).
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev libxkbcommon-dev libgl-dev
  libopenimageio-dev openimageio-tools
  pybind11-dev python3-dev python3-numpy python3-pil python3-pytest
  nlohmann-json3-dev
  xvfb xauth
  python3-skimage          # real images made by others, used by the tests
  imagemagick              # writes an interlaced PNG for the format tests
  libopencolorio-dev       # display/view transforms (app only)
  python3-hypothesis       # property tests of histogram, levels and metrics against NumPy
)
BENCH_PACKAGES=(python3-pyqtgraph python3-pyqt6)

BUILD_DIR=${BUILD_DIR:-build}
ASAN_BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
JOBS=${JOBS:-$(nproc)}

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() { # build DIR [cmake args...]
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DPython3_EXECUTABLE=/usr/bin/python3 "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
  run)
    install_missing "${PACKAGES[@]}"
    build "$BUILD_DIR"
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      echo "setup: no display found; starting under xvfb-run (set DISPLAY to see the window)" >&2
      exec xvfb-run -a "$BUILD_DIR/bin/livepix" "$@"
    fi
    exec "$BUILD_DIR/bin/livepix" "$@"
    ;;
  test)
    install_missing "${PACKAGES[@]}"
    build "$BUILD_DIR"
    (cd "$BUILD_DIR" && ctest --output-on-failure -j "$JOBS")
    if [ "${LIVEPIX_SKIP_ASAN:-0}" != 1 ]; then
      echo "setup: sanitizer pass (AddressSanitizer + UndefinedBehaviorSanitizer) in $ASAN_BUILD_DIR"
      build "$ASAN_BUILD_DIR" -DLIVEPIX_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DLIVEPIX_BUILD_BENCHMARKS=OFF
      (cd "$ASAN_BUILD_DIR" && ctest --output-on-failure -j "$JOBS")
    fi
    ;;
  bench)
    install_missing "${PACKAGES[@]}" "${BENCH_PACKAGES[@]}"
    build "$BUILD_DIR"
    for b in "$BUILD_DIR"/bin/*_bench; do
      [ -x "$b" ] || continue
      echo "== $b"; QT_QPA_PLATFORM=offscreen "$b"
    done
    ;;
  *)
    echo "usage: ./setup.sh run [livepix args] | test | bench" >&2
    exit 2
    ;;
esac
