#!/usr/bin/env bash
# Checks a livepix .deb without installing it: unpacks it (dpkg-deb -x) into a
# scratch root and runs what it holds from there with a clean environment (no
# build tree, no PYTHONPATH or plugin path inherited; only the package's own
# paths). Run by `./setup.sh package`; outside CI's budget.
#   tests/package/check_package.sh build/livepix_<version>_<arch>.deb
set -euo pipefail
deb=$(realpath "$1")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
pkg=$scratch/root
mkdir -p "$scratch/home" "$scratch/run" "$scratch/work"
chmod 700 "$scratch/run"
dpkg-deb -x "$deb" "$pkg"
python_dir=$(echo "$pkg"/usr/lib/python3*/dist-packages)

fail() { echo "check_package: FAILED: $*" >&2; exit 1; }
clean() {
  env -i PATH=/usr/bin:/bin HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/run" QT_QPA_PLATFORM=offscreen "$@"
}

echo "check_package: $(basename "$deb") unpacked into $pkg"

# Every library resolves, and none from a build tree: relative RPATHs only.
# Plugins are loaded into a process that has liblivepix_core already, so
# they carry no RPATH and only that one may stay unresolved for ldd.
# liblivepix_io is loaded by core with dlopen, so check it too.
for binary in "$pkg/usr/bin/livepix" "$pkg/usr/bin/livepix-app" "$python_dir"/livepix/_livepix*.so "$pkg"/usr/lib/liblivepix_io.so.* \
              "$pkg"/usr/lib/livepix/plugins/*/*.so; do
  deps=$(ldd "$binary")
  missing=$(grep "not found" <<<"$deps" || true)
  [[ $binary == */plugins/* ]] && missing=$(grep -v "liblivepix_core" <<<"$missing" || true)
  [ -z "$missing" ] || fail "$binary: $missing"
  if grep -qE "/work/|/build" <<<"$deps"; then fail "$binary links into a build tree: $deps"; fi
  if readelf -d "$binary" | grep -qE "R(UN)?PATH.*(/work/|/build)"; then fail "$binary keeps a build-tree RPATH"; fi
done

# The app starts.
version=$(clean "$pkg/usr/bin/livepix" --version)
[[ $version == *0.* ]] || fail "livepix --version printed '$version'"
echo "check_package: $version"

# It opens its sample image, runs a bundled plugin from its console and
# takes a screenshot: the embedded Python found the package's livepix.
clean "$pkg/usr/bin/livepix" --exec 'livepix.filters.apply("Invert", viewer.image)' \
  --screenshot "$scratch/work/shot.png" || fail "livepix --exec ... --screenshot failed"
clean env PYTHONPATH="$python_dir" /usr/bin/python3 - "$scratch/work/shot.png" "$pkg" <<'EOF' || fail "screenshot or import check"
import sys
import numpy as np
import livepix
shot, root = sys.argv[1], sys.argv[2]
assert livepix.__file__.startswith(root), livepix.__file__
image = np.asarray(livepix.open(shot))
assert image.shape[0] > 100 and image.shape[1] > 100, image.shape
assert image[..., :3].std() > 5, "the screenshot is blank"
names = livepix.filters.names()
for name in ("Invert", "Gaussian Blur (OIIO)", "Threshold", "False Colour"):
    assert name in names, names
assert all(path.startswith(root) or "/.local/" in path for path in livepix.filters.search_paths()), \
    livepix.filters.search_paths()
print("check_package: import livepix from", livepix.__file__, "with", len(names), "filters")
EOF

# A batch run through the package's own python3 -m livepix, when Dask is there.
if /usr/bin/python3 -c "import distributed" 2>/dev/null; then
  clean env PYTHONPATH="$python_dir" /usr/bin/python3 -c \
    'import numpy as np, livepix; livepix.Image.from_array(np.full((20, 30, 3), 40, np.uint8)).save("'"$scratch"'/work/in.png")'
  clean env PYTHONPATH="$python_dir" /usr/bin/python3 -m livepix batch --quiet --filter Invert \
    "$scratch/work/in.png" --out "$scratch/work/out" --workers 1 || fail "python3 -m livepix batch"
  clean env PYTHONPATH="$python_dir" /usr/bin/python3 -c \
    'import numpy as np, livepix; assert (np.asarray(livepix.open("'"$scratch"'/work/out/in.png")) == 215).all()' \
    || fail "batch output"
  echo "check_package: python3 -m livepix batch works from the package"
fi
echo "check_package: OK"
