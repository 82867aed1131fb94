#!/usr/bin/env bash
# What `meson install` puts in place, and a program outside the tree built
# against the installed library. Output is TAP.
#
#  1. `meson install --destdir D` from the build folder installs exactly both
#     programs, the shared library with its two symbolic links, the header,
#     the pkg-config file, both man pages and the bash completions, under the
#     configured prefix (/usr/local by default) and folders; the copies are
#     the sources' bytes; nothing points back into the build folder.
#  2. A small C program (consumer.c), copied to a folder outside the source
#     and build trees, is compiled with nothing but
#     `PKG_CONFIG_PATH=D/PREFIX/LIBDIR/pkgconfig PKG_CONFIG_SYSROOT_DIR=D
#     pkg-config --cflags --libs oci-rootless`, runs with LD_LIBRARY_PATH
#     on the installed library, and converts the `runc spec` config exactly
#     as the installed `oci-rootless` does.
#  3. The library exports exactly the functions the installed header
#     declares with OCIRL_EXPORT, all named ocirl_* (nm -D).
#
# Run: OCIRL_BUILD_ROOT=build tests/install/run.sh   (meson sets it: meson test -C build --suite install)
# Environment:
#   OCIRL_BUILD_ROOT  the configured and built meson build folder (required)
#   OCIRL_VERSION     the project's version (default: meson introspect)
#   MESON             the meson command (default: meson)
#   CC                the C compiler (default: cc)
#   OCIRL_INSTALL_KEEP=1  keep the temporary folder
set -u
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
MESON=${MESON:-meson}
CC=${CC:-cc}

# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"
oneline() { head -c "${2:-400}" "$1" 2> /dev/null | tr '\n' ' '; }

[ -n "${OCIRL_BUILD_ROOT:-}" ] || bail "OCIRL_BUILD_ROOT is not set (the meson build folder)"
BUILD=$(cd "$OCIRL_BUILD_ROOT" 2> /dev/null && pwd) || bail "no folder $OCIRL_BUILD_ROOT"
[ -f "$BUILD/build.ninja" ] || bail "$BUILD is not a configured meson build folder"
for c in "$MESON" "$CC" pkg-config nm readelf jq cmp; do
    command -v "$c" > /dev/null || bail "$c not found (apt-get install meson gcc pkg-config binutils jq)"
done

W=$(mktemp -d /tmp/ocirl-install.XXXXXX) || bail "mktemp failed"
cleanup() { if [ "${OCIRL_INSTALL_KEEP:-0}" = 1 ]; then echo "# kept $W"; else rm -rf "$W"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The configured folders (absolute, or relative to the prefix).
"$MESON" introspect "$BUILD" --buildoptions > "$W/options.json" 2> "$W/options.err" \
    || bail "meson introspect --buildoptions failed: $(oneline "$W/options.err")"
opt() { jq -r --arg n "$1" '.[] | select(.name == $n) | .value' "$W/options.json"; }
PREFIX=$(opt prefix)
dir_of() { local v; v=$(opt "$1"); case $v in /*) echo "$v" ;; *) echo "$PREFIX/$v" ;; esac; }
BINDIR=$(dir_of bindir)
LIBDIR=$(dir_of libdir)
INCLUDEDIR=$(dir_of includedir)
MANDIR=$(dir_of mandir)
DATADIR=$(dir_of datadir)
VERSION=${OCIRL_VERSION:-$("$MESON" introspect "$BUILD" --projectinfo 2> /dev/null | jq -r .version)}
[ -n "$VERSION" ] && [ "$VERSION" != null ] || bail "cannot tell the project's version"
echo "# build $BUILD, version $VERSION, prefix $PREFIX, libdir $LIBDIR"

# ================================================================ 1. meson install
D=$W/destdir
"$MESON" install -C "$BUILD" --destdir "$D" --no-rebuild --quiet > "$W/install.out" 2>&1
r=$?
[ $r = 0 ] || bail "meson install --destdir $D failed (exit $r): $(tail -5 "$W/install.out" | tr '\n' ' ')"

# Exactly these, and nothing else (no test program, no static archive).
{
    echo "$BINDIR/oci-rootless"
    echo "$BINDIR/oci-rootless-runtime"
    echo "$INCLUDEDIR/oci-rootless.h"
    echo "$LIBDIR/liboci-rootless.so"
    echo "$LIBDIR/liboci-rootless.so.0"
    echo "$LIBDIR/liboci-rootless.so.$VERSION"
    echo "$LIBDIR/pkgconfig/oci-rootless.pc"
    echo "$MANDIR/man1/oci-rootless.1"
    echo "$MANDIR/man1/oci-rootless-runtime.1"
    echo "$DATADIR/bash-completion/completions/oci-rootless"
    echo "$DATADIR/bash-completion/completions/oci-rootless-runtime"
} | sort > "$W/expected.list"
(cd "$D" && find . \( -type f -o -type l \) | sed 's|^\.||' | sort) > "$W/installed.list"
if ! cmp -s "$W/expected.list" "$W/installed.list"; then
    fail "missing: $(comm -23 "$W/expected.list" "$W/installed.list" | paste -sd' ')"
    fail "unexpected: $(comm -13 "$W/expected.list" "$W/installed.list" | paste -sd' ')"
fi
report "meson install --destdir: exactly both programs, the library and its two links, the header, the pkg-config file, both man pages and both completions under $PREFIX ($(wc -l < "$W/installed.list") files)"

# The programs: run from D, no path into the build folder.
for p in oci-rootless oci-rootless-runtime; do
    f=$D$BINDIR/$p
    [ -f "$f" ] && [ ! -L "$f" ] && [ -x "$f" ] || fail "$BINDIR/$p is not an executable file"
    readelf -d "$f" 2> /dev/null | grep -E 'RUNPATH|RPATH' | grep -qF "$BUILD" && fail "$p has a run path into the build folder: $(readelf -d "$f" | grep -E 'RUNPATH|RPATH')"
    strings -a "$f" 2> /dev/null | grep -qF "$BUILD/" && fail "$p holds the build folder's path"
done
"$D$BINDIR/oci-rootless" --version > "$W/version.out" 2>&1 || fail "oci-rootless --version failed: $(oneline "$W/version.out")"
grep -qF "$VERSION" "$W/version.out" || fail "oci-rootless --version does not print $VERSION: $(oneline "$W/version.out")"
env -i OCI_ROOTLESS_RUNTIME=/bin/true OCI_ROOTLESS_CONFIG=/dev/null "$D$BINDIR/oci-rootless-runtime" --version > "$W/rt.out" 2>&1 \
    || fail "the installed oci-rootless-runtime does not run (runtime /bin/true): $(oneline "$W/rt.out")"
report "both installed programs run (oci-rootless --version prints $VERSION; oci-rootless-runtime hands over to its runtime) and hold no path into the build folder"

# The library: the real file, its soname link and its development link.
L=$D$LIBDIR
real=liboci-rootless.so.$VERSION
[ -f "$L/$real" ] && [ ! -L "$L/$real" ] || fail "$LIBDIR/$real is not a regular file"
[ "$(readlink "$L/liboci-rootless.so.0")" = "$real" ] || fail "liboci-rootless.so.0 -> '$(readlink "$L/liboci-rootless.so.0")', expected $real"
[ "$(readlink "$L/liboci-rootless.so")" = liboci-rootless.so.0 ] || fail "liboci-rootless.so -> '$(readlink "$L/liboci-rootless.so")', expected liboci-rootless.so.0"
[ "$(readlink -f "$L/liboci-rootless.so")" = "$(readlink -f "$L/$real")" ] || fail "liboci-rootless.so does not lead to $real"
soname=$(readelf -d "$L/$real" 2> /dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = liboci-rootless.so.0 ] || fail "SONAME '$soname', expected liboci-rootless.so.0"
readelf -d "$L/$real" | grep -E 'RUNPATH|RPATH' && fail "the library has a run path: $(readelf -d "$L/$real" | grep -E 'RUNPATH|RPATH')"
needed=$(readelf -d "$L/$real" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | paste -sd' ')
case " $needed " in *" libjson-c.so."*) ;; *) fail "the library does not need libjson-c: $needed" ;; esac
report "library: $real (SONAME liboci-rootless.so.0, needs $needed, no run path), liboci-rootless.so.0 -> $real, liboci-rootless.so -> liboci-rootless.so.0"

# The header, the man pages and the completions are the sources' bytes.
same() { cmp -s "$1" "$2" || fail "$3 differs from ${1#"$TOP"/}"; }
same "$TOP/include/oci-rootless.h" "$D$INCLUDEDIR/oci-rootless.h" "$INCLUDEDIR/oci-rootless.h"
same "$TOP/docs/oci-rootless.1" "$D$MANDIR/man1/oci-rootless.1" "$MANDIR/man1/oci-rootless.1"
same "$TOP/docs/oci-rootless-runtime.1" "$D$MANDIR/man1/oci-rootless-runtime.1" "$MANDIR/man1/oci-rootless-runtime.1"
for p in oci-rootless oci-rootless-runtime; do
    same "$TOP/completion/oci-rootless.bash" "$D$DATADIR/bash-completion/completions/$p" "completions/$p"
done
if command -v man > /dev/null; then
    for p in oci-rootless oci-rootless-runtime; do
        found=$(MANPATH=$D$MANDIR man -w "$p" 2> /dev/null)
        [ "$found" = "$D$MANDIR/man1/$p.1" ] || fail "man -w $p with MANPATH=$D$MANDIR: '$found'"
    done
fi
report "the header, both man pages (found by man under the installed MANPATH) and the bash completions are installed as in the source"

# The pkg-config file.
PC=$D$LIBDIR/pkgconfig
pc() { PKG_CONFIG_PATH=$PC PKG_CONFIG_SYSROOT_DIR=$D pkg-config "$@"; }
[ "$(pc --modversion oci-rootless 2> /dev/null)" = "$VERSION" ] || fail "pkg-config --modversion: '$(pc --modversion oci-rootless 2>&1)', expected $VERSION"
[ "$(PKG_CONFIG_PATH=$PC pkg-config --variable=prefix oci-rootless 2> /dev/null)" = "$PREFIX" ] || fail "prefix in the .pc file: '$(PKG_CONFIG_PATH=$PC pkg-config --variable=prefix oci-rootless 2>&1)', expected $PREFIX"
pc --cflags --libs oci-rootless > "$W/pc.out" 2>&1 || fail "pkg-config --cflags --libs oci-rootless failed: $(oneline "$W/pc.out")"
grep -qF -- "-I$D$INCLUDEDIR" "$W/pc.out" || fail "--cflags lacks -I$D$INCLUDEDIR: $(oneline "$W/pc.out")"
grep -qF -- "-L$D$LIBDIR" "$W/pc.out" && grep -qw -- "-loci-rootless" "$W/pc.out" || fail "--libs lacks -L$D$LIBDIR -loci-rootless: $(oneline "$W/pc.out")"
pc --static --libs oci-rootless 2> /dev/null | grep -qw -- -ljson-c || fail "--static --libs lacks -ljson-c (Requires.private)"
report "pkg-config oci-rootless: version $VERSION, prefix $PREFIX; with PKG_CONFIG_SYSROOT_DIR the flags point into the destdir: $(cat "$W/pc.out")"

# ================================================================ 2. a program outside the tree
C=$W/consumer
mkdir -p "$C"
cp "$HERE/consumer.c" "$C/consumer.c"
case $C in "$TOP"/* | "$BUILD"/*) bail "$C is inside the source or build tree" ;; esac
CFLAGS_PC=$(pc --cflags oci-rootless)
LIBS_PC=$(pc --libs oci-rootless)
# shellcheck disable=SC2086
(cd "$C" && "$CC" -std=c99 -pedantic -Wall -Wextra -Werror $CFLAGS_PC -o consumer consumer.c $LIBS_PC) > "$W/cc.out" 2>&1
r=$?
[ $r = 0 ] || fail "$CC $CFLAGS_PC consumer.c $LIBS_PC: exit $r: $(oneline "$W/cc.out" 600)"
report "a C program outside the tree ($C) compiles and links with only pkg-config's flags (-std=c99 -pedantic -Wall -Wextra -Werror)"

if [ -x "$C/consumer" ]; then
    export LD_LIBRARY_PATH=$D$LIBDIR
    ldd "$C/consumer" > "$W/ldd.out" 2>&1
    grep -qF "liboci-rootless.so.0 => $D$LIBDIR/liboci-rootless.so.0 " "$W/ldd.out" \
        || fail "ldd: liboci-rootless.so.0 does not resolve to the installed library: $(grep oci-rootless "$W/ldd.out")"
    SPEC=$TOP/examples/runc-spec/config.json
    (cd "$C" && ./consumer "$SPEC" 1000 1000) > "$W/conv.json" 2> "$W/conv.err"
    r=$?
    [ $r = 0 ] || fail "consumer exit $r: $(oneline "$W/conv.err")"
    grep -qx "version $VERSION" "$W/conv.err" || fail "ocirl_version(): $(head -1 "$W/conv.err")"
    n=$(sed -n 's/^changes: //p' "$W/conv.err")
    [ -n "$n" ] && [ "$n" -gt 0 ] 2> /dev/null || fail "expected some changes, got '$n'"
    jq -e '([.linux.namespaces[] | select(.type == "user")] | length) == 1
        and .linux.uidMappings == [{"containerID": 0, "hostID": 1000, "size": 1}]
        and .linux.gidMappings == [{"containerID": 0, "hostID": 1000, "size": 1}]
        and (.linux | has("resources") | not)' "$W/conv.json" > /dev/null 2>&1 \
        || fail "the output is not the runc spec converted for 1000:1000: $(jq -c '.linux | {namespaces, uidMappings, gidMappings}' "$W/conv.json" 2>&1 | head -c 300)"
    unset LD_LIBRARY_PATH
    "$D$BINDIR/oci-rootless" --mode single --uid 1000 --gid 1000 --explain "$SPEC" > "$W/cli.json" 2> "$W/cli.err" \
        || fail "the installed oci-rootless failed: $(oneline "$W/cli.err")"
    cmp -s "$W/cli.json" "$W/conv.json" || fail "the consumer's output differs from the installed oci-rootless --mode single --uid 1000 --gid 1000"
    grep -v '^version \|^changes: ' "$W/conv.err" > "$W/conv.changes"
    cmp -s "$W/cli.err" "$W/conv.changes" \
        || fail "the consumer's changes (with ocirl_changes_rule()) differ from the installed oci-rootless --explain: $(diff "$W/cli.err" "$W/conv.changes" | head -3 | paste -sd' ')"
    report "the consumer, run with LD_LIBRARY_PATH on the installed library, converts the runc spec ($n changes): the same bytes and the same changes, rule names included, as the installed oci-rootless --mode single --uid 1000 --gid 1000 --explain"

    export LD_LIBRARY_PATH=$D$LIBDIR
    (cd "$C" && ./consumer "$W/conv.json" 1000 1000) > "$W/conv2.json" 2> "$W/conv2.err"
    r=$?
    [ $r = 0 ] && grep -qx 'changes: 0' "$W/conv2.err" && cmp -s "$W/conv.json" "$W/conv2.json" \
        || fail "converting the output again: exit $r, $(grep '^changes' "$W/conv2.err"), $(cmp "$W/conv.json" "$W/conv2.json" 2>&1)"
    printf '{"ociVersion": "1.0.2",\n "process": [}\n' > "$W/bad.json"
    (cd "$C" && ./consumer "$W/bad.json" 1000 1000) > "$W/bad.out" 2> "$W/bad.err"
    r=$?
    [ $r = 1 ] && [ ! -s "$W/bad.out" ] && grep -q "^consumer: $W/bad.json:2:" "$W/bad.err" \
        || fail "invalid JSON: exit $r, stdout '$(oneline "$W/bad.out" 100)', stderr '$(oneline "$W/bad.err")' (expected exit 1 and the library's error with file and line)"
    unset LD_LIBRARY_PATH
    report "the consumer: converting its output again changes nothing (0 changes, same bytes); invalid JSON gives the library's error with file and line"
else
    report "the consumer runs against the installed library # SKIP it did not build"
    report "the consumer: idempotence and errors # SKIP it did not build"
fi

# ================================================================ 3. exported symbols
nm -D --defined-only "$L/$real" 2> "$W/nm.err" | awk '$2 ~ /^[A-Z]$/ && $2 != "U" && $2 != "w" { print $3 }' | sort -u > "$W/exported.list"
[ -s "$W/exported.list" ] || fail "nm -D found no exported symbol: $(oneline "$W/nm.err")"
# Every function the installed header declares with OCIRL_EXPORT.
grep -v '^[[:space:]]*#' "$D$INCLUDEDIR/oci-rootless.h" | tr '\n' ' ' | grep -oE 'OCIRL_EXPORT[^;{]*\(' | sed -E 's/\($//; s/.*[^A-Za-z0-9_]([A-Za-z_][A-Za-z0-9_]*)$/\1/' \
    | sort -u > "$W/declared.list"
[ -s "$W/declared.list" ] || fail "no OCIRL_EXPORT declaration found in the header"
bad=$(grep -v '^ocirl_' "$W/exported.list" | paste -sd' ')
[ -z "$bad" ] || fail "exported symbols not named ocirl_*: $bad"
extra=$(comm -23 "$W/exported.list" "$W/declared.list" | paste -sd' ')
[ -z "$extra" ] || fail "exported but not declared in oci-rootless.h: $extra"
missing=$(comm -13 "$W/exported.list" "$W/declared.list" | paste -sd' ')
[ -z "$missing" ] || fail "declared with OCIRL_EXPORT but not exported: $missing"
# each declaration right after its documentation comment
undoc=$(awk '/^[[:space:]]*#/ { next }
    /OCIRL_EXPORT/ { if (prev !~ /\*\/[[:space:]]*$/) { sub(/\(.*/, ""); n = split($0, w, /[^A-Za-z0-9_]+/); print w[n] } }
    NF { prev = $0 }' "$D$INCLUDEDIR/oci-rootless.h" | paste -sd' ')
[ -z "$undoc" ] || fail "declared without a documentation comment right before: $undoc"
report "nm -D: the library exports exactly the $(wc -l < "$W/declared.list") functions the header declares, each after its documentation comment, with OCIRL_EXPORT, all ocirl_*; nothing of json-c or the internals"

echo "1..$N"
[ "$FAILED" = 0 ]
