#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those that are missing.
# Run as root on Debian 12; as another user it only reports what is missing.
# --list prints the packages, one a line, and installs nothing.
#
# This is the one place for every package of the build, of `make run` and of
# the suites without an installer of their own; nothing is taken as already
# there, though a new Debian 12 image has most of these.
#   build: meson ninja-build gcc libc6-dev (the static oci-rootless links libc.a)
#          pkg-config libjson-c-dev
#   make test, the summary (scripts/test-summary.sh), suite cli: jq
#   suite valgrind: valgrind
#   suite install: binutils (nm, readelf), man-db (man -w)
#   suite runtime, the man page check: groff-base (groff)
#   suite fault, make run: util-linux (unshare, setpriv), mount (mount, umount)
#   tests/lib/harness.sh, for e2e and runtime: passwd (useradd, usermod),
#          procps (pgrep)
# The suites that need root install their own packages when run as root
# (tests/lib/harness.sh's ensure_packages, each suite's PACKAGES): e2e runc
# crun uidmap rootlesskit busybox-static; runtime containerd podman
# python3-yaml and e2e's.
set -euo pipefail

packages=(meson ninja-build gcc libc6-dev pkg-config libjson-c-dev
          jq valgrind binutils man-db groff-base util-linux mount passwd procps)

if [ "${1:-}" = --list ]; then printf '%s\n' "${packages[@]}"; exit 0; fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
