#!/usr/bin/env bash
# Installs a livepix .deb with apt on this machine, checks the installed app
# and Python package, and purges it again, checking that no file of it is
# left. Changes the system: run it on a scratch machine or container, never
# in CI (`LIVEPIX_APT_CHECK=1 ./setup.sh package`).
#   tests/package/apt_check.sh build/livepix_<version>_<arch>.deb
set -euo pipefail
deb=$(realpath "$1")
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
fail() { echo "apt_check: FAILED: $*" >&2; exit 1; }

if dpkg-query -W -f='${Status}' livepix 2>/dev/null | grep -q "install ok installed"; then
  fail "livepix is installed already; remove it first"
fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$deb" >/dev/null
files=$(dpkg -L livepix)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
env -i PATH=/usr/bin:/bin HOME="$scratch" QT_QPA_PLATFORM=offscreen livepix --version || fail "livepix --version"
env -i PATH=/usr/bin:/bin HOME="$scratch" QT_QPA_PLATFORM=offscreen livepix --screenshot "$scratch/shot.png" \
  || fail "livepix --screenshot"
(cd "$scratch" && env -i PATH=/usr/bin:/bin HOME="$scratch" /usr/bin/python3 -c \
  'import livepix; assert livepix.__file__.startswith("/usr/lib/"), livepix.__file__; assert "Invert" in livepix.filters.names()') \
  || fail "import livepix from the installed package"
DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -qq livepix >/dev/null
left=""
while read -r path; do
  [ -f "$path" ] && left+="$path "
done <<<"$files"
[ -z "$left" ] || fail "files left after removal: $left"
if dpkg-query -W livepix >/dev/null 2>&1; then fail "dpkg still lists livepix after the purge"; fi
for folder in /usr/lib/python3*/dist-packages/livepix /usr/lib/livepix /usr/include/livepix /usr/lib/cmake/livepix; do
  [ ! -e "$folder" ] || fail "$folder left after removal: $(find "$folder" | head -5)"
done
echo "apt_check: installed, ran and removed cleanly"
