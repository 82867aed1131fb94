#!/usr/bin/env bash
# Builds the Debian packages (debian/) from a copy of the source tree, so
# that the clone is left as it was: dpkg-buildpackage -us -uc -b in
# OUT/src, the .deb, .changes and .buildinfo files in OUT, its log in
# OUT/build.log. The build tools must be installed (debhelper, dpkg-dev,
# fakeroot, meson, ninja-build, pkgconf, libjson-c-dev).
# usage: build-deb.sh OUT     (DEB_BUILD_OPTIONS=nocheck skips the suites)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${1:?usage: build-deb.sh OUT}
mkdir -p "$out/src"
# the files git knows (tracked, or new and not ignored), else all but build folders
if git -C "$top" rev-parse --git-dir > /dev/null 2>&1; then
    (cd "$top" && git ls-files -z -c -o --exclude-standard | while IFS= read -r -d '' f; do
        [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) | tar -xf - -C "$out/src"
else
    (cd "$top" && tar --exclude='./build*' --exclude='./obj-*' -cf - .) | tar -xf - -C "$out/src"
fi
(cd "$out/src" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1 \
    || { echo "build-deb.sh: dpkg-buildpackage failed; the end of $out/build.log:" >&2; tail -20 "$out/build.log" >&2; exit 1; }
# dpkg-buildpackage writes into the parent of the source folder: $out
ls "$out"/*.deb > /dev/null
