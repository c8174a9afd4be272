#!/usr/bin/env bash
# livepix developer entry point. On a fresh Debian 12 machine:
#   ./setup.sh run [livepix args...]   install what is missing, build, start the viewer
#   ./setup.sh test                    install what is missing, build, run every test
#                                      (normal build, then AddressSanitizer+UBSan build)
#   ./setup.sh bench                   build and run the benchmarks (prints figures)
# More checks, not run by CI (.ci/run runs `test` only):
#   ./setup.sh fuzz [SECONDS]          build the libFuzzer targets in fuzz/ with clang-14 and
#                                      ASan+UBSan (build-fuzz) and run each for SECONDS
#                                      (default 60) from a seed corpus (tests/data, the
#                                      skimage images, one tiny file per format, one tev
#                                      packet stream per type); a crash
#                                      leaves its input in build-fuzz/artifacts/ and fails
#   ./setup.sh tsan                    ThreadSanitizer build (build-tsan) of the core and the
#                                      Python module; runs their tests (tests/tsan.supp)
#   ./setup.sh package                 build the Debian package with CPack
#                                      ($BUILD_DIR/livepix_<version>_<arch>.deb) and check it
#                                      unpacked in a scratch root (tests/package/check_package.sh);
#                                      LIVEPIX_APT_CHECK=1 also installs it with apt and removes it
#                                      (tests/package/apt_check.sh: changes this machine);
#                                      LIVEPIX_FRESH_CHECK=1 installs it with apt in a fresh
#                                      debootstrapped Debian 12 (tests/package/fresh_check.sh: root)
# Environment: BUILD_DIR (default build), ASAN_BUILD_DIR (default build-asan),
# FUZZ_BUILD_DIR (default build-fuzz), TSAN_BUILD_DIR (default build-tsan),
# LIVEPIX_SKIP_ASAN=1 to skip the sanitizer pass of `test`, JOBS (default: nproc).
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev libxkbcommon-dev libgl-dev
  libopenimageio-dev openimageio-tools
  pybind11-dev python3-dev python3-numpy python3-pil python3-pytest
  python3-hypothesis       # property-based tests (sizes, views, histogram, levels, metrics)
  python3-ipython          # the console on IPython, and livepix.connect() from IPython cells (brings python3-jedi)
  nlohmann-json3-dev
  libxxhash-dev            # bytesHash(): the viewer's row fingerprints
  xvfb xauth
  python3-skimage          # real images made by others, used by the tests
  imagemagick              # writes an interlaced PNG for the format tests
  libopencolorio-dev       # display/view transforms (app only)
  python3-dask python3-distributed   # python3 -m livepix batch (livepix.batch) and its tests
  libopencv-core-dev libopencv-imgproc-dev   # the OpenCV example plugin (plugins/opencvfilters)
)
BENCH_PACKAGES=(python3-pyqtgraph python3-pyqt6
  python3-opencv)          # cv2: the peer of the filter benchmark
FUZZ_PACKAGES=(clang-14 libfuzzer-14-dev)
PACKAGE_PACKAGES=(dpkg-dev file)   # dpkg-shlibdeps for the .deb's library dependencies

BUILD_DIR=${BUILD_DIR:-build}
ASAN_BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
TSAN_BUILD_DIR=${TSAN_BUILD_DIR:-build-tsan}
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
    echo "== bench/filters/filter_bench.py"
    PYTHONPATH="$BUILD_DIR/python" /usr/bin/python3 bench/filters/filter_bench.py
    echo "== bench/startup/startup_bench.py"
    if command -v xvfb-run >/dev/null; then  # real X11 windows, as a user gets them
      PYTHONPATH="$BUILD_DIR/python" xvfb-run -a -s "-screen 0 1280x800x24" /usr/bin/python3 \
        bench/startup/startup_bench.py --app "$BUILD_DIR/bin/livepix"
    else
      PYTHONPATH="$BUILD_DIR/python" /usr/bin/python3 bench/startup/startup_bench.py --app "$BUILD_DIR/bin/livepix"
    fi
    echo "== bench/memory/new_image_bench.py"
    PYTHONPATH="$BUILD_DIR/python" /usr/bin/python3 bench/memory/new_image_bench.py
    echo "== bench/console/console_start_bench.py"
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench/console/console_start_bench.py --app "$BUILD_DIR/bin/livepix"
    ;;
  fuzz)
    seconds=${1:-60}
    install_missing "${PACKAGES[@]}" "${FUZZ_PACKAGES[@]}"
    build "$FUZZ_BUILD_DIR" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DLIVEPIX_SANITIZE=ON -DLIVEPIX_BUILD_FUZZERS=ON -DLIVEPIX_BUILD_PYTHON=OFF -DLIVEPIX_BUILD_APP=OFF \
      -DLIVEPIX_BUILD_PLUGINS=OFF -DLIVEPIX_BUILD_TESTS=OFF -DLIVEPIX_BUILD_BENCHMARKS=OFF
    fuzz/make_seed_corpus.sh "$FUZZ_BUILD_DIR/seeds"
    # One allocation may take up to 2 GB (OpenEXR sizes attributes from the
    # header; livepix refuses images larger than the machine's memory);
    # beyond that libFuzzer reports out-of-memory. No leak checks here: they
    # need the slow unwinder on every malloc (see tests/lsan.supp), which
    # cut the image fuzzer to one run per second; the ASan tests check leaks.
    export ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=2000:detect_leaks=0
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    failed=()
    for target in fuzz_loadimage fuzz_pluginmanifest fuzz_tevpacket; do
      corpus=$FUZZ_BUILD_DIR/corpus/$target    # grows from run to run
      artifacts=$FUZZ_BUILD_DIR/artifacts/$target/
      mkdir -p "$corpus" "$artifacts"
      echo "setup: fuzzing $target for $seconds s (crash inputs go to $artifacts)"
      "$FUZZ_BUILD_DIR/bin/$target" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 \
        -malloc_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts" \
        "$corpus" "$FUZZ_BUILD_DIR/seeds/$target" 2>"$FUZZ_BUILD_DIR/$target.log" || failed+=("$target")
      grep -E "^(stat::|Done|==[0-9]+==ERROR|SUMMARY)" "$FUZZ_BUILD_DIR/$target.log" || true
    done
    # The attach protocol's reader is Python (core/python/livepix/_wire.py).
    /usr/bin/python3 fuzz/fuzz_attach_wire.py "$seconds" || failed+=(fuzz_attach_wire)
    if [ ${#failed[@]} -gt 0 ]; then
      echo "setup: crashes in ${failed[*]}: see $FUZZ_BUILD_DIR/<target>.log and $FUZZ_BUILD_DIR/artifacts/" >&2
      exit 1
    fi
    ;;
  tsan)
    install_missing "${PACKAGES[@]}"
    build "$TSAN_BUILD_DIR" -DLIVEPIX_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIVEPIX_BUILD_BENCHMARKS=OFF \
      -DLIVEPIX_BUILD_APP=OFF -DLIVEPIX_BUILD_PLUGINS=OFF
    # No app and no plugins here, so the Python tests that start bin/livepix
    # (attach, tev) or run the plugins (filters) are not registered in this
    # build (tests/python/CMakeLists.txt); they run in the normal and ASan builds.
    (cd "$TSAN_BUILD_DIR" && ctest --output-on-failure -j "$JOBS")
    ;;
  package)
    install_missing "${PACKAGES[@]}" "${PACKAGE_PACKAGES[@]}"
    build "$BUILD_DIR"
    rm -f "$BUILD_DIR"/livepix_*.deb
    (cd "$BUILD_DIR" && cpack -G DEB)
    deb=$(echo "$BUILD_DIR"/livepix_*.deb)
    tests/package/check_package.sh "$deb"
    if [ "${LIVEPIX_APT_CHECK:-0}" = 1 ]; then
      tests/package/apt_check.sh "$deb"
    fi
    if [ "${LIVEPIX_FRESH_CHECK:-0}" = 1 ]; then
      tests/package/fresh_check.sh "$deb"
    fi
    ;;
  *)
    echo "usage: ./setup.sh run [livepix args] | test | bench | fuzz [seconds] | tsan | package" >&2
    exit 2
    ;;
esac
