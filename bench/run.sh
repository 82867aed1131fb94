#!/usr/bin/env bash
# The benchmark of issue 4, in one run: installs what is missing (Debian 12, as
# root), builds oci-rootless (release) and its competitors, generates the
# inputs, measures, and writes bench/results.md and bench/results.png.
#
#   bench/run.sh            # the whole run, about 10 minutes on 2 cores
#   BENCH_QUICK=1 bench/run.sh   # fewer runs, no callgrind beyond 10,000 mounts
#   BENCH_ONLY=wrapper bench/run.sh   # only the wrapper's part (bench/wrapper.sh)
#
# Competitors, on the same inputs, all applying the rules of mode single with
# uid 1000 and gid 1000 (their outputs are checked to be the same JSON):
#   oci-rootless               as `meson setup --buildtype=release` builds it
#                              (static: meson option static_programs)
#   oci-rootless, dynamic      its dynamic twin (src/meson.build), the same
#                              objects linked against the shared libc
#   floor                      bench/floor.c, gcc -static -O2: read the file, write it
#   floor, dynamic libc        the same, linked dynamically against libc
#   Go                         bench/go: specs.Spec from golang-github-opencontainers-specs-dev
#   jq                         bench/rootless.jq, jq 1.6
# Then bench/wrapper.sh: what oci-rootless-runtime adds to runc's and crun's
# calls (paired runs, as an unprivileged user), where that time goes, and the
# load test of tests/runtime/load.sh with 500 containers a runtime; its
# section of bench/results.md. It needs root.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
OUT=$BENCH/out
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
QUICK=${BENCH_QUICK:-0}
PY=/usr/bin/python3 # not a pyenv shim
# --cgroups drop: the same on every host (auto keeps what a delegated cgroup v2
# could enforce); --source-root an empty folder: no bind source is found, so
# the locked-flags rule changes nothing on any host (it still looks).
ARGS="--mode single --uid 1000 --gid 1000 --cgroups drop --source-root OUT/no-sources"

log() { printf 'bench: %s\n' "$*" >&2; }

if [ "${BENCH_ONLY:-}" = wrapper ]; then
    exec "$BENCH/wrapper.sh"
fi

# ---- what is missing ----
packages=(meson ninja-build gcc libc6-dev pkg-config libjson-c-dev jq hyperfine valgrind time
          golang-go golang-github-opencontainers-specs-dev gnuplot-nox python3)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "missing packages: ${missing[*]} (run as root, or install them)"
        exit 1
    fi
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- build ----
rm -rf "$OUT"
mkdir -p "$OUT/bin" "$OUT/in" "$OUT/res" "$OUT/cmp" "$OUT/no-sources"
ARGS=${ARGS/OUT/$OUT}
BIN=$OUT/bin
# werror off: gcc 12 at -O3 warns where the default build does not (a
# warning must not stop a measurement).
if [ ! -f "$BUILD/build.ninja" ]; then
    meson setup "$BUILD" "$ROOT" --buildtype=release -Dwerror=false >/dev/null
fi
ninja -C "$BUILD" src/oci-rootless src/oci-rootless-dynamic >/dev/null
cp "$BUILD/src/oci-rootless" "$BUILD/src/oci-rootless-dynamic" "$BIN/"
gcc -static -O2 -o "$BIN/floor" "$BENCH/floor.c"
gcc -O2 -o "$BIN/floor-dyn" "$BENCH/floor.c"
# No module downloads here: GOPATH mode over Debian's /usr/share/gocode.
(cd "$BENCH/go" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$OUT/gocache GOFLAGS= \
    go build -o "$BIN/rootless-go" .)
log "built: $(cd "$BIN" && echo *)"

# ---- inputs ----
cp "$ROOT/examples/runc-spec/config.json" "$OUT/in/runc-spec.json"
# Podman's real config (32 mounts, one line), with the container user root
# (its -u 1000:1000 is not mapped in mode single: oci-rootless refuses it) and
# RLIMIT_NOFILE 1024 (1048576 is above most callers' hard limit: oci-rootless
# would lower it to the caller's, a fact of the host the others do not read).
sed -e 's/"user":{"uid":1000,"gid":1000,/"user":{"uid":0,"gid":0,/' \
    -e 's/"RLIMIT_NOFILE","hard":1048576,"soft":1048576/"RLIMIT_NOFILE","hard":1024,"soft":1024/' \
    "$ROOT/tests/golden/inputs/podman-many-mounts.json" >"$OUT/in/podman.json"
grep -q '"user":{"uid":0,"gid":0,' "$OUT/in/podman.json" && grep -q '"hard":1024,"soft":1024' "$OUT/in/podman.json" ||
    { log "tests/golden/inputs/podman-many-mounts.json changed: update the derivation in bench/run.sh"; exit 1; }
SIZES="1000 10000 100000"
"$PY" "$BENCH/gen-inputs.py" "$ROOT/examples/runc-spec/config.json" "$OUT/in" $SIZES
INPUTS="runc-spec podman mounts-1000 mounts-10000 mounts-100000"

# ---- the tools: name|command (the input path is appended) ----
TOOLS=(
    "oci-rootless|$BIN/oci-rootless $ARGS"
    "oci-rootless-dynamic|$BIN/oci-rootless-dynamic $ARGS"
    "floor|$BIN/floor"
    "floor-dyn|$BIN/floor-dyn"
    "go|$BIN/rootless-go 1000 1000"
    "jq|jq @FMT@ --argjson uid 1000 --argjson gid 1000 -f $BENCH/rootless.jq"
)
# jq writes one line for a one-line input (-c), else tabs (--tab), as oci-rootless and bench/go do.
command_for() { # TOOL-ENTRY INPUT-FILE
    local cmd=${1#*|} fmt=--tab
    [ "$(head -c 1000000 "$2" | wc -l)" -le 1 ] && fmt=-c
    echo "${cmd//@FMT@/$fmt} $2"
}

# ---- same output: every converter must give oci-rootless's JSON ----
for in in $INPUTS; do
    f=$OUT/in/$in.json
    for t in "${TOOLS[@]}"; do
        name=${t%%|*}
        case $name in floor*) continue ;; esac
        $(command_for "$t" "$f") >"$OUT/cmp/$in.$name.json"
    done
    cmp -s "$OUT/cmp/$in.oci-rootless.json" "$OUT/cmp/$in.oci-rootless-dynamic.json" ||
        { log "the dynamic twin differs from oci-rootless on $in"; exit 1; }
done
"$PY" - "$OUT/cmp" $INPUTS >"$OUT/res/same.txt" <<'EOF'
import json, sys
d = sys.argv[1]
for i in sys.argv[2:]:
    ref = json.load(open(f"{d}/{i}.oci-rootless.json"))
    for t in ("go", "jq"):
        print(i, t, "same" if json.load(open(f"{d}/{i}.{t}.json")) == ref else "DIFFERENT")
EOF
if grep -q DIFFERENT "$OUT/res/same.txt"; then
    log "a competitor's output differs from oci-rootless's:"; grep DIFFERENT "$OUT/res/same.txt" >&2; exit 1
fi
rm -rf "$OUT/cmp"
log "all converters give the same JSON on every input"

# ---- wall time: hyperfine, minimum and median ----
# Other work on the machine shows in the medians: the load is recorded with the
# results, and as root the timing runs get a higher priority than the rest.
# hyperfine runs one program after the other, so a change of load would fall
# on some programs only: the runs are split into ROUNDS rounds, each timing
# every program in turn, and report.py takes the min and median of all runs.
ROUNDS=3
NICE=; [ "$(id -u)" -eq 0 ] && NICE="nice -n -10"
echo "before $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/res/load.txt"
runs_for() {
    case $1 in
    runc-spec | podman) echo "20 300" ;;
    mounts-1000) echo "5 60" ;;
    mounts-10000) echo "2 15" ;;
    mounts-100000) echo "1 3" ;;
    esac
}
for in in $INPUTS; do
    read -r warm runs <<<"$(runs_for "$in")"
    [ "$QUICK" = 1 ] && runs=$(((runs + 2) / 3)) && warm=1
    rounds=$ROUNDS; [ "$runs" -lt "$ROUNDS" ] && rounds=1
    log "timing $in ($runs runs each, in $rounds rounds)"
    for round in $(seq "$rounds"); do
        hf=($NICE hyperfine -N --style basic --warmup "$warm" --runs $((runs / rounds))
            --export-json "$OUT/res/time.$in.$round.json")
        for t in "${TOOLS[@]}"; do hf+=(-n "${t%%|*}" "$(command_for "$t" "$OUT/in/$in.json")"); done
        "${hf[@]}" >"$OUT/res/hyperfine.$in.$round.log"
    done
done

echo "after $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/res/load.txt"

# ---- peak memory: /usr/bin/time %M (KiB), the median of 3 runs (1 above 1 MB) ----
for in in $INPUTS; do
    f=$OUT/in/$in.json
    n=3; [ "$(stat -c %s "$f")" -gt 1000000 ] && n=1
    for t in "${TOOLS[@]}"; do
        name=${t%%|*} cmd=$(command_for "$t" "$f")
        for _ in $(seq $n); do
            /usr/bin/time -f %M -o "$OUT/res/rss.tmp" $cmd >/dev/null
            cat "$OUT/res/rss.tmp"
        done | sort -n | sed -n "$(((n + 1) / 2))p" | sed "s/^/$in $name /" >>"$OUT/res/rss.txt"
    done
done
rm -f "$OUT/res/rss.tmp"
log "peak memory measured"

# ---- instructions: callgrind, two at a time (counts do not depend on load) ----
jobs=()
for in in $INPUTS; do
    for t in "${TOOLS[@]}"; do
        name=${t%%|*}
        case $in/$name in
        mounts-10000/jq | mounts-100000/jq) continue ;; # 0.6 s and 5.5 s natively: hours under valgrind
        mounts-100000/oci-rootless-*) continue ;; # the same work as oci-rootless
        mounts-100000/*) [ "$QUICK" = 1 ] && continue ;;
        esac
        jobs+=("$in|$name|$(command_for "$t" "$OUT/in/$in.json")")
    done
done
log "counting instructions: ${#jobs[@]} callgrind runs"
printf '%s\n' "${jobs[@]}" | xargs -P 2 -I{} -d '\n' bash -c '
    job="$1"; out="$2"; in=${job%%|*}; rest=${job#*|}; name=${rest%%|*}; cmd=${rest#*|}
    # Go preempts goroutines with signals, which callgrind does not survive.
    GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$out/res/cg.$in.$name" \
        $cmd >/dev/null 2>"$out/res/cg.$in.$name.log"
' _ {} "$OUT"
for f in "$OUT"/res/cg.*.log; do
    base=${f%.log}; base=${base##*/cg.}
    ir=$(sed -n 's/.*I *refs: *//p' "$f" | tr -d ,)
    [ -n "$ir" ] || { log "callgrind failed: $f"; exit 1; }
    echo "${base%%.*} ${base#*.} $ir" >>"$OUT/res/ir.txt"
done

# ---- the report and the plot ----
"$PY" "$BENCH/report.py" "$OUT" "$BENCH/results.md" "$OUT/res/plot.dat" $INPUTS
gnuplot -e "datafile='$OUT/res/plot.dat'; outfile='$BENCH/results.png'" "$BENCH/plot.gp"
log "wrote bench/results.md and bench/results.png"

# ---- the runtime wrapper: overhead and load (its section of results.md) ----
BENCH_OUT=$OUT BENCH_BUILD=$BUILD "$BENCH/wrapper.sh"
cat "$BENCH/results.md"
