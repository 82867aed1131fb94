#!/bin/sh
# Runs as the test user inside the caller context of a case (a user namespace
# from unshare or RootlessKit): the calls a containerd shim makes, through
# the wrapper, then the same bundles run by the real runtime without it
# (negative controls). Each step's stdout, stderr and exit code go to
# CASEDIR/STEP.out, .err and .rc; the harness (run.sh) reads them.
#
# usage: sequence.sh RUNTIME WRAPPER CASEDIR HIDE
#   RUNTIME  runc or crun (the wrapper gets it as OCI_ROOTLESS_RUNTIME)
#   HIDE     1: first hide /sys/fs/cgroup/unified under a read-only tmpfs
#            (crun on a hybrid cgroup host); this mount namespace is the case's.
# CASEDIR holds the bundles: seq (the shim sequence), run1, run2, limits, and
# raw and rawlimits (unconverted, for the runtime alone).
rt=$1 w=$2 d=$3 hide=$4
cd "$d" || exit 97
cat /proc/self/uid_map > caller.uid_map
if [ "$hide" = 1 ]; then
    mount -t tmpfs -o ro none /sys/fs/cgroup/unified 2> hide.err || { echo 99 > hide.rc; exit 0; }
fi
S=$d/state
L=$d/runtime.log
export OCI_ROOTLESS_RUNTIME="$rt"

step() { # step NAME COMMAND...
    n=$1
    shift
    "$@" > "$d/$n.out" 2> "$d/$n.err" < /dev/null
    echo $? > "$d/$n.rc"
}
# until COUNT COMMAND...: retry every 0.1 s, COUNT times at most
until_ok() {
    i=0
    while [ "$i" -lt "$1" ]; do
        "$2" "$3" "$4" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
has_line() { grep -q "^$2\$" "$1" 2> /dev/null; }
is_status() { "$w" --root "$S" state "$1" 2> /dev/null | grep -q "\"status\": *\"$2\""; }

# 1. The shim's sequence, with the global options go-runc passes. The
# container's stdout is create's (no terminal), so it lands in create.out.
id=seq-$rt
step create "$w" --root "$S" --log "$L" --log-format json create --bundle "$d/seq" --pid-file "$d/seq.pid" "$id"
step state1 "$w" --root "$S" --log "$L" --log-format json state "$id"
step start "$w" --root "$S" --log "$L" --log-format json start "$id"
until_ok 100 has_line "$d/create.out" ready
step state2 "$w" --root "$S" --log "$L" --log-format json state "$id"
step kill "$w" --root "$S" --log "$L" --log-format json kill "$id" TERM
until_ok 100 is_status "$id" stopped
step state3 "$w" --root "$S" --log "$L" --log-format json state "$id"
step delete "$w" --root "$S" --log "$L" --log-format json delete "$id"
step state4 "$w" --root "$S" state "$id" # fails: kept out of the log

# 2. run -b BUNDLE from another folder, and run from the bundle folder.
cd / && step runb "$w" --root "$S" run -b "$d/run1" "run1-$rt"
cd "$d/run2" && step runcwd "$w" --root "$S" run "run2-$rt"
cd /

# 3. A spec as a shim writes it, with a cgroupsPath and a memory limit.
step limits "$w" --root "$S" run --bundle "$d/limits" "limits-$rt"

# 4. Negative controls: the same root specs, the runtime alone.
step raw "$rt" --root "$S" run --bundle "$d/raw" "raw-$rt"
step rawlimits "$rt" --root "$S" run --bundle "$d/rawlimits" "rawlimits-$rt"
exit 0
