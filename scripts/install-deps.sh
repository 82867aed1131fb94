#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those that are missing.
# Run as root on Debian 12; as another user it only reports what is missing.
set -euo pipefail

# build: meson ninja-build gcc pkg-config libjson-c-dev
# tests: jq (CLI tests), valgrind; e2e: runc crun uidmap rootlesskit busybox-static util-linux
packages=(meson ninja-build gcc pkg-config libjson-c-dev jq
          runc crun uidmap rootlesskit busybox-static util-linux)

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
