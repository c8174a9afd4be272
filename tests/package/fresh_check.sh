#!/usr/bin/env bash
# The package on a fresh Debian 12: debootstraps a minimal bookworm into a
# scratch folder, and inside it (chroot) installs the .deb with apt, which
# must pull in every dependency by itself, then runs apt_check.sh (install,
# run, purge, nothing left) and check_package.sh (unpacked run, batch on the
# Dask that Recommends brought). Needs root, debootstrap and the network;
# about 5 minutes and 2 GB. Outside CI (`LIVEPIX_FRESH_CHECK=1 ./setup.sh package`).
#   tests/package/fresh_check.sh build/livepix_<version>_<arch>.deb [ROOT]
# ROOT (default: a new folder under /var/tmp) is kept for a second run.
set -euo pipefail
deb=$(realpath "$1")
root=${2:-$(mktemp -d /var/tmp/livepix-fresh-XXXXXX)}
here=$(cd "$(dirname "$0")" && pwd)
mirror=${LIVEPIX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
fail() { echo "fresh_check: FAILED: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap and chroot)"
command -v debootstrap >/dev/null || fail "needs debootstrap (apt install debootstrap)"

if [ ! -x "$root/usr/bin/apt-get" ]; then
  echo "fresh_check: debootstrap bookworm into $root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 \
    || fail "debootstrap (log: $root.debootstrap.log)"
  # What a Debian 12 installation lists: the release, its updates and security.
  cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" || true; done
}
trap cleanup EXIT
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount --bind /dev "$root/dev" && mounted+=("$root/dev")
mount -t devpts devpts "$root/dev/pts" && mounted+=("$root/dev/pts")
mount -t tmpfs tmpfs "$root/tmp" && mounted+=("$root/tmp")
mkdir -p "$root/root/check"
cp "$deb" "$here/apt_check.sh" "$here/check_package.sh" "$root/root/check/"
name=$(basename "$deb")
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

in_root apt-get update -qq || fail "apt-get update in the fresh root"
# apt_check.sh installs it (apt resolves Depends and Recommends from the
# archive), runs it and purges it; check_package.sh runs it unpacked.
in_root bash /root/check/apt_check.sh "/root/check/$name" || fail "apt_check.sh in the fresh root"
in_root bash /root/check/check_package.sh "/root/check/$name" || fail "check_package.sh in the fresh root"
echo "fresh_check: $name installs, runs and removes cleanly on a fresh Debian 12 ($root)"
