#!/usr/bin/env bash
# The VM suite (TAP): the cgroup cases (guest/cgroups.sh) and the end-to-end
# suite (tests/e2e/) in a Debian 12 guest with systemd and cgroup v2, booted
# under qemu from the image image.sh builds. See README.md in this folder.
#
# Run as root: tests/vm/run.sh. The programs under test reach the guest as
# the package oci-rootless, built from this tree (scripts/build-deb.sh).
# Environment:
#   OCIRL_VM_TIMEOUT      seconds the guest may run (default 1400)
#   OCIRL_VM_E2E=0        skip the end-to-end suite in the guest
#   OCIRL_VM_E2E_RUNTIMES runtimes of that suite (default "runc crun")
#   OCIRL_VM_CONTEXTS, OCIRL_VM_RUNTIMES, OCIRL_VM_DRIVERS, OCIRL_VM_PATHS
#                         narrow the cgroup cases (guest/cgroups.sh)
#   OCIRL_VM_KEEP=1       keep the share folder (console.log, out/)
#   OCIRL_VM_CACHE, OCIRL_VM_ACCEL  see image.sh and boot.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP the VM suite must run as root (it installs packages and builds the image)"; exit 0; }
ensure_packages bail qemu-system-x86 qemu-utils mmdebstrap e2fsprogs \
    debhelper dpkg-dev fakeroot meson ninja-build pkgconf libjson-c-dev

SECONDS=0
img=$("$HERE/image.sh" 2> "${TMPDIR:-/tmp}/ocirl-vm-image.log") \
    || { sed 's/^/# /' "${TMPDIR:-/tmp}/ocirl-vm-image.log" | tail -30; bail "building the guest image failed"; }
echo "# image $img (ready in $SECONDS s)"

share=$(mktemp -d /tmp/ocirl-vm-share.XXXXXX) || bail "mktemp failed"
cleanup() { if [ "${OCIRL_VM_KEEP:-0}" = 1 ]; then echo "# kept $share"; else rm -rf "$share"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mkdir -p "$share/deb" "$share/tests" "$share/guest" "$share/out"
# the programs reach the guest as the Debian package (debian/), built from
# this tree; its own suites ran in the build tree already
SECONDS=0
DEB_BUILD_OPTIONS=nocheck "$HERE/../../scripts/build-deb.sh" "$share/deb" > "$share/deb.err" 2>&1 \
    || { sed 's/^/# /' "$share/deb.err" | tail -20; bail "building the Debian package failed"; }
echo "# package $(basename "$(ls "$share"/deb/oci-rootless_*.deb)") built in $SECONDS s"
rm -rf "$share/deb/src"
install -m 755 "$HERE/guest/main.sh" "$share/guest/main.sh" # the image's unit runs it
cp -r "$HERE" "$HERE/../e2e" "$HERE/../lib" "$share/tests/"
for v in OCIRL_VM_E2E OCIRL_VM_E2E_RUNTIMES OCIRL_VM_CONTEXTS OCIRL_VM_RUNTIMES OCIRL_VM_DRIVERS OCIRL_VM_PATHS; do
    [ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
done > "$share/env"
chmod -R a+rX "$share"

SECONDS=0
booted=0
"$HERE/boot.sh" "$img" "$share" "${OCIRL_VM_TIMEOUT:-1400}" 2> "$share/boot.err" && booted=1
sed 's/^/# /' "$share/boot.err"
sed -n 's/^# /# guest: /p' "$share/out/main.log" 2> /dev/null
echo "# VM booted, ran and stopped in $SECONDS s"

# One TAP stream of the guest's files, renumbered; a file that ended early
# (fewer results than its plan, or no plan) is a failure.
n=0
failed=0
for f in cgroups e2e; do
    tap=$share/out/$f.tap
    if [ "$f" = e2e ] && [ "${OCIRL_VM_E2E:-1}" != 1 ]; then continue; fi
    if [ ! -f "$tap" ]; then
        n=$((n + 1)); failed=1
        echo "not ok $n - $f: the guest wrote no results"
        continue
    fi
    plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$tap" | tail -1)
    seen=0
    while IFS= read -r line; do
        case $line in
        ok\ * | not\ ok\ *)
            seen=$((seen + 1)); n=$((n + 1))
            st=${line%% [0-9]*}; rest=${line#"$st "}; rest=${rest#*[0-9] }
            [ "$st" = "not ok" ] && failed=1
            echo "$st $n - $f: ${rest#- }" ;;
        1..*) ;;
        *) echo "$line" ;;
        esac
    done < "$tap"
    if [ -z "$plan" ] || [ "$seen" != "$plan" ]; then
        n=$((n + 1)); failed=1
        echo "not ok $n - $f: ended early ($seen results, plan ${plan:-missing})"
        sed 's/^/#   stderr: /' "$share/out/$f.err" 2> /dev/null | tail -15
    fi
done
if [ "$booted" != 1 ]; then
    n=$((n + 1)); failed=1
    echo "not ok $n - the guest finished within the time limit"
fi
echo "1..$n"
[ "$failed" = 0 ]
