#!/usr/bin/env bash
# The Debian package (debian/): built from a copy of the source tree with
# `dpkg-buildpackage -us -uc -b`, checked with lintian at its default level,
# installed, used and removed. Output is TAP. Needs root (it installs the
# build tools and the packages); as another user it reports a skip.
#
#  1. dpkg-buildpackage builds oci-rootless, liboci-rootless0 and
#     liboci-rootless-dev (its dh_auto_test runs the library's own suites);
#  2. lintian on the .changes reports no error and no warning;
#  3. each package holds what it should (the programs, man pages and
#     completions; the library; the header, the .so link and the .pc file);
#  4. installed with dpkg -i: oci-rootless --version and
#     oci-rootless-runtime --help answer from /usr/bin, and converting the
#     example gives what the build tree's program gives;
#  5. a program built with `pkg-config --cflags --libs oci-rootless` against
#     the installed package (tests/install/consumer.c) runs and converts;
#  6. dpkg -r of the three leaves none of their files.
#
# Run: OCI_ROOTLESS=build/src/oci-rootless tests/deb/run.sh
# OCIRL_DEB_KEEP=1 keeps the temporary folder (the .deb files, the logs).
set -u
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP the package test must run as root (it installs the build tools and the packages)"; exit 0; }
[ -x "${OCI_ROOTLESS:-}" ] || bail "OCI_ROOTLESS is not set to the oci-rootless binary of the build tree"
PKGS=(oci-rootless liboci-rootless0 liboci-rootless-dev)
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" \
        && bail "$p is installed on this machine already: this test would remove it"
done
ensure_packages bail debhelper dpkg-dev lintian fakeroot build-essential meson ninja-build pkgconf libjson-c-dev

W=$(mktemp -d /tmp/ocirl-deb.XXXXXX) || bail "mktemp failed"
cleanup() {
    dpkg -r "${PKGS[@]}" > /dev/null 2>&1
    if [ "${OCIRL_DEB_KEEP:-0}" = 1 ]; then echo "# kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- 1. build (scripts/build-deb.sh: a copy of the tree, then dpkg-buildpackage)
SECONDS=0
"$TOP/scripts/build-deb.sh" "$W" > "$W/build.err" 2>&1 || fail "$(head -c 1500 "$W/build.err")"
for p in "${PKGS[@]}"; do
    ls "$W/${p}"_*.deb > /dev/null 2>&1 || fail "no ${p}_*.deb built"
done
report "dpkg-buildpackage -us -uc -b builds ${PKGS[*]} ($SECONDS s)"

# ---- 2. lintian
changes=$(find "$W" -maxdepth 1 -name "oci-rootless_*.changes" | head -1)
if [ -z "$changes" ]; then
    fail "no .changes file"
else
    lintian "$changes" > "$W/lintian.out" 2>&1
    grep -E '^[EW]: ' "$W/lintian.out" > "$W/lintian.ew"
    [ -s "$W/lintian.ew" ] && fail "lintian: $(head -10 "$W/lintian.ew")"
fi
report "lintian at its default level: no error, no warning (overrides: debian/*.lintian-overrides)"

# ---- 3. contents
contents() { dpkg-deb -c "$W/${1}"_*.deb 2> /dev/null | awk '{ print $6 }' | sed 's|^\./|/|'; }
want_in() { # PACKAGE PATTERN...
    local p=$1 pat
    shift
    for pat in "$@"; do
        contents "$p" | grep -Eqx "$pat" || fail "$p has no $pat"
    done
}
want_in oci-rootless /usr/bin/oci-rootless /usr/bin/oci-rootless-runtime \
    '/usr/share/man/man1/oci-rootless\.1\.gz' '/usr/share/man/man1/oci-rootless-runtime\.1\.gz' \
    /usr/share/bash-completion/completions/oci-rootless /usr/share/bash-completion/completions/oci-rootless-runtime
want_in liboci-rootless0 '/usr/lib/[^/]+/liboci-rootless\.so\.0(\..*)?'
want_in liboci-rootless-dev /usr/include/oci-rootless.h '/usr/lib/[^/]+/liboci-rootless\.so' \
    '/usr/lib/[^/]+/pkgconfig/oci-rootless\.pc'
contents liboci-rootless0 | grep -q '/usr/include' && fail "liboci-rootless0 holds the header"
report "each package holds its files: programs, man pages and completions; the library; header, .so link and .pc"

# ---- 4. installed
dpkg -i "$W"/oci-rootless_*.deb "$W"/liboci-rootless0_*.deb "$W"/liboci-rootless-dev_*.deb > "$W/install.log" 2>&1 \
    || fail "dpkg -i: $(tail -5 "$W/install.log")"
v=$(/usr/bin/oci-rootless --version 2>&1)
[ "$v" = "$("$OCI_ROOTLESS" --version 2>&1)" ] || fail "/usr/bin/oci-rootless --version: '$v', the build tree's: '$("$OCI_ROOTLESS" --version 2>&1)'"
/usr/bin/oci-rootless-runtime --help > "$W/rt-help" 2>&1 || true
grep -q 'oci-rootless-runtime' "$W/rt-help" || fail "/usr/bin/oci-rootless-runtime --help does not name itself: $(head -3 "$W/rt-help")"
args=(--mode single --uid 1000 --gid 1000 "$TOP/examples/runc-spec")
/usr/bin/oci-rootless "${args[@]}" > "$W/pkg.json" 2> /dev/null || fail "the installed oci-rootless failed on the example"
"$OCI_ROOTLESS" "${args[@]}" > "$W/tree.json" 2> /dev/null
cmp -s "$W/pkg.json" "$W/tree.json" || fail "the installed oci-rootless converts the example differently"
man -w oci-rootless > /dev/null 2>&1 || [ ! -x /usr/bin/man ] || fail "man -w oci-rootless finds no page"
report "installed: oci-rootless --version ($v), oci-rootless-runtime --help, the example converted as the build tree converts it"

# ---- 5. a program built against the installed package
mkdir "$W/consumer"
cp "$TOP/tests/install/consumer.c" "$W/consumer/"
# shellcheck disable=SC2046 # pkg-config's flags are words
if cc -o "$W/consumer/consumer" "$W/consumer/consumer.c" $(pkg-config --cflags --libs oci-rootless) 2> "$W/cc.err"; then
    "$W/consumer/consumer" "$TOP/examples/runc-spec/config.json" 1000 1000 > "$W/consumer.json" 2> "$W/consumer.err" \
        || fail "the consumer failed: $(head -3 "$W/consumer.err")"
    cmp -s "$W/consumer.json" "$W/tree.json" || fail "the consumer converts the example differently from oci-rootless"
    ldd "$W/consumer/consumer" | grep -Eq "liboci-rootless.so.0 => (/usr)?/lib/" || fail "the consumer does not use the installed library: $(ldd "$W/consumer/consumer" | grep oci)"
else
    fail "cc with pkg-config oci-rootless failed: $(head -5 "$W/cc.err")"
fi
report "a program built with pkg-config oci-rootless against the installed package runs on /usr/lib's library and converts as oci-rootless does"

# ---- 6. removed
dpkg -r "${PKGS[@]}" > "$W/remove.log" 2>&1 || fail "dpkg -r: $(tail -3 "$W/remove.log")"
for f in /usr/bin/oci-rootless /usr/bin/oci-rootless-runtime /usr/include/oci-rootless.h; do
    [ -e "$f" ] && fail "$f is still there after dpkg -r"
done
report "dpkg -r removes the three packages and their files"
finish
