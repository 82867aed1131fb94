#!/usr/bin/env bash
# The wrapper's part of `make bench`: what oci-rootless-runtime adds to a
# runtime's calls, and the long load test. Writes its section of
# bench/results.md (between "<!-- wrapper" and "<!-- /wrapper -->", replaced
# when it is there, else appended).
#
#   bench/wrapper.sh                 # as root; bench/run.sh calls it last
#   BENCH_ONLY=wrapper bench/run.sh  # the same, alone
#
# 1. Overhead, for runc and crun: as the unprivileged test user inside
#    `unshare --user --map-root-user --mount`, BENCH_PAIRS (200) pairs of a
#    `run -d` + `delete --force` cycle of a trivial busybox container
#    (/bin/true, terminal false, --root a folder of the user's) through the
#    wrapper and with the runtime alone, the order alternating; the same
#    for a passed-through `state`; the wrapper's own time in a call by the
#    time probes (tests/runtime/time-probe.c); the CLI on the same config
#    against bench/floor.c. bench/wrapper.py runs them and writes the report.
# 2. Load: tests/runtime/load.sh with BENCH_LOAD_COUNT (500) containers a
#    runtime through containerd, rootless; 0 failures or the bench fails.
# BENCH_QUICK=1: 50 pairs, 100 containers.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
OUT=${BENCH_OUT:-$BENCH/out}
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
QUICK=${BENCH_QUICK:-0}
PAIRS=${BENCH_PAIRS:-200}
LOAD_COUNT=${BENCH_LOAD_COUNT:-500}
if [ "$QUICK" = 1 ]; then PAIRS=${BENCH_PAIRS:-50} LOAD_COUNT=${BENCH_LOAD_COUNT:-100}; fi
WARMUP=10
RUNTIMES=${BENCH_RUNTIMES:-runc crun}
PY=/usr/bin/python3 # not a pyenv shim
RT_USER=${OCIRL_RT_USER:-ocirl-rt}
SAFE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf 'bench: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { log "the wrapper's part needs root (packages, the test user, the load test)"; exit 1; }

# shellcheck source=../tests/lib/harness.sh
. "$ROOT/tests/lib/harness.sh"
ensure_packages bail runc crun uidmap rootlesskit busybox-static jq containerd util-linux \
    meson ninja-build gcc libc6-dev pkg-config libjson-c-dev python3
ensure_test_user "$RT_USER"

# ---- build: the release build of bench/run.sh ----
# werror off: gcc 12 at -O3 warns where the default build does not (a
# warning must not stop a measurement).
if [ ! -f "$BUILD/build.ninja" ]; then
    meson setup "$BUILD" "$ROOT" --buildtype=release -Dwerror=false > /dev/null
fi
ninja -C "$BUILD" runtime/oci-rootless-runtime src/oci-rootless tests/runtime/time-probe > /dev/null
mkdir -p "$OUT/res"
rm -f "$OUT"/res/wrapper.*.json "$OUT"/res/probe.*.log "$OUT/res/load.txt" "$OUT/res/load.tap" "$OUT/res/wrapper.md"

W=$(mktemp -d /tmp/ocirl-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"
mkdir -p "$W/bin"
cp "$BUILD/runtime/oci-rootless-runtime" "$BUILD/src/oci-rootless" "$W/bin/"
cp "$BUILD/tests/runtime/time-probe" "$W/bin/ocirl-probe-in"
cp "$BUILD/tests/runtime/time-probe" "$W/bin/ocirl-probe-out"
gcc -static -O2 -o "$W/bin/floor" "$BENCH/floor.c"
cp "$BENCH/wrapper.py" "$W/bin/"
chmod -R a+rX "$W/bin"

# ---- the bundle: busybox, /bin/true, terminal false; `runc spec` as a client writes it ----
# On disk here; the measurement copies it into a tmpfs of its own mount
# namespace too (W/tmpfs).
B=$W/disk/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/sys" "$B/rootfs/dev" "$B/rootfs/tmp" "$W/disk/root" "$W/tmpfs"
cp "$(command -v busybox)" "$B/rootfs/bin/busybox"
ln -s busybox "$B/rootfs/bin/true"
ln -s busybox "$B/rootfs/bin/sh"
(cd "$B" && runc spec)
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$B/config.json" > "$W/orig.json"
cp "$W/orig.json" "$B/config.json"
chown -R "$RT_USER:" "$W"
DISK_FS=$(findmnt -n -o FSTYPE --target "$W" 2> /dev/null || stat -f -c %T "$W")
NICE=(nice -n -10)

# ---- 1. the overhead, a runtime at a time ----
for rt in $RUNTIMES; do
    rtbin=$(command -v "$rt") || { log "$rt is not installed"; exit 1; }
    hide=0
    if [ "$rt" = crun ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified 2> /dev/null)" = cgroup2fs ] \
        && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2> /dev/null)" ]; then
        hide=1
    fi
    rm -rf "$W/disk/root" "$W/probe.log" "$W/err.log"
    mkdir -p "$W/disk/root"
    : > "$W/err.log"
    chown "$RT_USER:" "$W/disk/root" "$W/err.log"
    jq -n --arg rt "$rtbin" --arg name "$rt" --arg w "$W/bin/oci-rootless-runtime" \
        --arg orig "$W/orig.json" --arg conv "$W/conv.json" --argjson pairs "$PAIRS" \
        --argjson warm "$WARMUP" --arg pin "$W/bin/ocirl-probe-in" --arg pout "$W/bin/ocirl-probe-out" \
        --arg log "$W/probe.log" --arg err "$W/err.log" --arg floor "$W/bin/floor" --arg cli "$W/bin/oci-rootless" \
        --arg user "$RT_USER" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
        --arg tb "$W/tmpfs/bundle" --arg tr "$W/tmpfs/root" --arg db "$B" --arg dr "$W/disk/root" \
        --arg dfs "$DISK_FS" --arg dir "$W" \
        '{runtime: $rt, runtime_name: $name, wrapper: $w, orig: $orig, conv: $conv,
          pairs: $pairs, warmup: $warm, probe_in: $pin, probe_out: $pout, probe_log: $log, errlog: $err,
          floor: $floor, cli: $cli, user: $user, loadavg: $load,
          locations: [{name: "tmpfs", text: "a tmpfs mounted in the measurement'"'"'s own mount namespace", bundle: $tb, root: $tr},
                      {name: "disk", text: ($dfs + ", under " + $dir), bundle: $db, root: $dr}]}' > "$W/plan.$rt.json"
    chmod 644 "$W/plan.$rt.json"
    log "wrapper overhead with $rt: $PAIRS pairs of each measurement, bundle on tmpfs and on $DISK_FS"
    # The converted config: the wrapper's own output, made in the same user
    # namespace (mode auto maps the caller's ids); the CLI must agree.
    # shellcheck disable=SC2016
    if ! (cd / && "${NICE[@]}" runuser -u "$RT_USER" -- env -i PATH="$SAFE_PATH" HOME="$W" \
        unshare --user --map-root-user --mount sh -c '
            W=$1 hide=$2 rt=$3
            set -e
            if [ "$hide" = 1 ]; then mount -t tmpfs -o ro none /sys/fs/cgroup/unified; fi
            cp "$W/orig.json" "$W/disk/bundle/config.json"
            OCI_ROOTLESS_RUNTIME=/bin/true "$W/bin/oci-rootless-runtime" create --bundle "$W/disk/bundle" convert-once
            cp "$W/disk/bundle/config.json" "$W/conv.json"
            "$W/bin/oci-rootless" "$W/orig.json" > "$W/cli.json"
            cmp -s "$W/conv.json" "$W/cli.json" || { echo "the CLI and the wrapper convert differently" >&2; exit 1; }
            mount -t tmpfs -o mode=755 none "$W/tmpfs"
            cp -a "$W/disk/bundle" "$W/tmpfs/bundle"
            mkdir "$W/tmpfs/root"
            exec /usr/bin/python3 "$W/bin/wrapper.py" measure "$W/plan.$rt.json" "$W/result.$rt.json"
        ' sh "$W" "$hide" "$rt") 2>> "$W/err.log"; then
        log "the measurement with $rt failed: $(tail -5 "$W/err.log" 2> /dev/null | tr '\n' ' ')"
        exit 1
    fi
    cp "$W/result.$rt.json" "$OUT/res/wrapper.$rt.json"
    cp "$W/probe.log" "$OUT/res/probe.$rt.log"
done

# ---- 2. the long load test (BENCH_LOAD_COUNT=0: none) ----
if [ "$LOAD_COUNT" != 0 ]; then
log "load test: $LOAD_COUNT containers a runtime through containerd (tests/runtime/load.sh)"
if ! OCIRL_LOAD_COUNT=$LOAD_COUNT OCIRL_LOAD_RUNTIMES="$RUNTIMES" OCIRL_LOAD_RESULT="$OUT/res/load.txt" \
    OCIRL_RT_PROBE="$BUILD/tests/runtime/time-probe" OCI_ROOTLESS_RUNTIME_BIN="$BUILD/runtime/oci-rootless-runtime" \
    "$ROOT/tests/runtime/load.sh" > "$OUT/res/load.tap" 2>&1 || grep -q '^not ok' "$OUT/res/load.tap"; then
    cat "$OUT/res/load.tap" >&2
    log "the load test failed"
    exit 1
fi
grep '^# load' "$OUT/res/load.tap" >&2 || true
fi

# ---- the section of bench/results.md ----
"$PY" "$BENCH/wrapper.py" report "$OUT/res" > "$OUT/res/wrapper.md"
RES=$BENCH/results.md
[ -f "$RES" ] || : > "$RES"
"$PY" - "$RES" "$OUT/res/wrapper.md" << 'EOF'
import re, sys
res, sec = sys.argv[1], sys.argv[2]
text = open(res).read()
new = open(sec).read().rstrip("\n") + "\n"
pat = re.compile(r"<!-- wrapper[^\n]*-->\n.*?<!-- /wrapper -->\n?", re.S)
if pat.search(text):
    text = pat.sub(lambda m: new, text, count=1)
else:
    text = text.rstrip("\n") + "\n\n" + new
open(res, "w").write(text)
EOF
log "wrote the wrapper's section of bench/results.md"
