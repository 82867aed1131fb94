#!/usr/bin/env bash
# A load test of oci-rootless-runtime through a real client, rootless.
# Output is TAP.
#
# containerd 1.6 (Debian's) runs as the unprivileged test user inside
# RootlessKit, as in clients.sh (rootless-ctrd.sh), with the busybox OCI
# archive of oci-image.sh imported. Then, through nsenter, load-pool.sh
# starts OCIRL_LOAD_COUNT containers with `ctr run --rm --runc-binary`, at
# most OCIRL_LOAD_JOBS at once, each through the wrapper, under runc and
# crun (for crun, containerd-child.sh hides /sys/fs/cgroup/unified: crun
# refuses this host's hybrid cgroups). Every container prints its own id (as
# $0 and in its environment) and its user namespace's uid_map; a container
# that printed another's output, or nothing, or whose ctr failed, is a
# failure. Checked afterwards: every bundle was converted exactly once (one
# create through the wrapper a container, with changes, noted by its debug
# note), no temporary file of the replacement was in the bundle when the
# wrapper handed over to the runtime, no bundle, task, container, snapshot
# or runtime state is left, and containerd, RootlessKit and the shims are
# stopped with nothing left running.
#
# The wrapper's share of the time is measured by time probes around it
# (time-probe.c): ctr's --runc-binary is PROBE-in, which notes the time and
# executes the wrapper; the wrapper's runtime (OCI_ROOTLESS_RUNTIME) is
# PROBE-out, which notes the time and executes runc or crun. Same process,
# same pid: the difference is the wrapper's exec, start-up, work and exec of
# the next program, less what the probes cost alone (the chain in -> out
# without the wrapper, timed first). The share is the sum over all calls
# divided by the sum of the containers' `ctr run` times.
#
# Run: sudo OCI_ROOTLESS_RUNTIME_BIN=build/runtime/oci-rootless-runtime tests/runtime/load.sh
# Environment:
#   OCI_ROOTLESS_RUNTIME_BIN  the wrapper under test (required)
#   OCIRL_RT_PROBE            the time-probe binary (else built here with cc)
#   OCIRL_LOAD_COUNT          containers per runtime (default 100)
#   OCIRL_LOAD_JOBS           at most this many at once (default 8)
#   OCIRL_LOAD_RUNTIMES       runtimes (default "runc crun")
#   OCIRL_LOAD_RESULT         a file for the figures, one "key value" a line
#                             per runtime (bench/run.sh reads it)
#   OCIRL_RT_USER             the unprivileged test user (default ocirl-rt)
#   OCIRL_RT_KEEP=1           keep the temporary folder
# It needs root (packages, the test user); as another user every case skips.
set -u
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
RT_USER=${OCIRL_RT_USER:-ocirl-rt}
RUNTIMES=${OCIRL_LOAD_RUNTIMES:-runc crun}
COUNT=${OCIRL_LOAD_COUNT:-100}
JOBS=${OCIRL_LOAD_JOBS:-8}
RESULT=${OCIRL_LOAD_RESULT:-}
PACKAGES=(runc crun uidmap rootlesskit busybox-static jq containerd util-linux gcc libc6-dev)
IMAGE=docker.io/library/ocirl-busybox:test

# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"
# shellcheck source=rootless-ctrd.sh
. "$HERE/rootless-ctrd.sh"

# ---------------------------------------------------------------- set-up
wrapper_bin
case $COUNT in '' | *[!0-9]* | 0) bail "OCIRL_LOAD_COUNT must be a positive number, not '$COUNT'" ;; esac
case $JOBS in '' | *[!0-9]* | 0) bail "OCIRL_LOAD_JOBS must be a positive number, not '$JOBS'" ;; esac

if [ "$(id -u)" != 0 ]; then
    for rt in $RUNTIMES; do skip "load, $rt" "needs root (installs packages, creates the test user $RT_USER)"; done
    finish
fi
ensure_packages warn "${PACKAGES[@]}"
for c in jq runuser nsenter busybox containerd ctr rootlesskit; do
    command -v "$c" > /dev/null || bail "$c not found (apt-get install ${PACKAGES[*]})"
done
ensure_test_user "$RT_USER"
ctrd_init ocirl-load
UBIN=$(ctrd_user_bin "$BIN")
install -m 755 "$HERE/load-pool.sh" "$T/load-pool.sh"

# The probes: two copies of one program, told apart by their names.
mkdir -p "$T/probe"
if [ -n "${OCIRL_RT_PROBE:-}" ] && [ -x "$OCIRL_RT_PROBE" ]; then
    cp "$OCIRL_RT_PROBE" "$T/probe/ocirl-probe-in"
else
    cc -O2 -static -o "$T/probe/ocirl-probe-in" "$HERE/time-probe.c" 2> "$T/probe.log" \
        || cc -O2 -o "$T/probe/ocirl-probe-in" "$HERE/time-probe.c" 2> "$T/probe.log" \
        || bail "cannot build time-probe.c: $(oneline "$T/probe.log")"
fi
cp "$T/probe/ocirl-probe-in" "$T/probe/ocirl-probe-out"
chmod -R a+rX "$T/probe"
PIN=$T/probe/ocirl-probe-in POUT=$T/probe/ocirl-probe-out

ctrd_image
HYBRID=0
if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2> /dev/null)" = cgroup2fs ] \
    && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2> /dev/null)" ]; then
    HYBRID=1
fi
echo "# wrapper $UBIN; test user $RT_USER uid $UID_U; $COUNT containers per runtime, at most $JOBS at once; hybrid cgroups: $HYBRID; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "$RESULT" ] && : > "$RESULT"

# median of the numbers on standard input (one a line); "nan" when none
median() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# pairs PROBE-LOG: "COMMAND ID WALL-ns CPU-ns" of each call, from its "in"
# record and the next "out" record of the same pid
pairs() {
    awk '$1 == "in" { w[$2] = $3; c[$2] = $4; next }
         $1 == "out" && ($2 in w) { print $5, $6, $3 - w[$2], $4 - c[$2]; delete w[$2]; delete c[$2] }' "$1" 2> /dev/null
}
# ms NANOSECONDS [DECIMALS]
ms() { awk -v v="$1" -v d="${2:-2}" 'BEGIN { if (v == "nan" || v == "") print "n/a"; else printf "%.*f", d, v / 1e6 }'; }

# The CPU time of everything the load runs (containerd, the shims, the
# runtimes, the containers, ctr): a cgroup of this run's own (v1 cpuacct, or
# v2 cpu.stat), which the script joins before it starts containerd, and
# leaves and removes when it is stopped; no CPU share when none can be made.
CG='' CG_ROOT='' CG_KIND=''
if [ -f /sys/fs/cgroup/cpuacct/cpuacct.usage ]; then
    CG_ROOT=/sys/fs/cgroup/cpuacct CG_KIND=v1
elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    CG_ROOT=/sys/fs/cgroup CG_KIND=v2
fi
cg_usage() { # nanoseconds
    [ -n "$CG" ] || return 0
    case $CG_KIND in
    v1) cat "$CG/cpuacct.usage" ;;
    v2) awk '$1 == "usage_usec" { print $2 * 1000 }' "$CG/cpu.stat" ;;
    esac 2> /dev/null
}
cg_leave() {
    [ -n "$CG" ] || return 0
    echo $$ > "$CG_ROOT/cgroup.procs" 2> /dev/null
    rmdir "$CG" 2> /dev/null
    CG=
}
load_cleanup() {
    ctrd_cleanup
    cg_leave
}
trap load_cleanup EXIT

# ================================================================ one runtime
load_cases() { # RUNTIME
    local rt=$1
    local D=$T/load-$rt hide=0 sock=$CSTATE/$rt/containerd.sock where="load, $rt" rtbin
    rtbin=$(command -v "$rt")
    [ "$rt" = crun ] && [ $HYBRID = 1 ] && hide=1
    mkdir -p "$D/root" "$D/out"
    printf 'version = 2\nroot = "%s"\nstate = "%s"\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n\n[grpc]\n  address = "%s"\n' \
        "$D/root" "$CSTATE/$rt" "$sock" > "$D/config.toml"
    chown -R "$RT_USER:" "$D"
    chmod -R a+rX "$D"
    ctr_() { ctrd_ctr "$D" "$sock" "$@"; }
    if [ -n "$CG_KIND" ]; then
        CG=$CG_ROOT/${T##*/}-$rt
        if ! { mkdir "$CG" && echo $$ > "$CG/cgroup.procs"; } 2> /dev/null; then
            echo "# cannot make the cgroup $CG: no CPU share"
            rmdir "$CG" 2> /dev/null
            CG=
        fi
    fi

    # 1. containerd, with the probes around the wrapper.
    if ! ctrd_start "$D" "$sock" "$D/config.toml" "$hide" \
        OCI_ROOTLESS_RUNTIME="$POUT" OCI_ROOTLESS_RUNTIME_DEBUG=1 \
        OCIRL_PROBE_WRAPPER="$UBIN" OCIRL_PROBE_RUNTIME="$rtbin" OCIRL_PROBE_LOG="$D/probe.log"; then
        fail "containerd did not start: $(oneline "$D/rootlesskit.log") $(tail -3 "$D/containerd.log" 2> /dev/null | tr '\n' ' ')"
        report "$where: containerd starts as $RT_USER inside rootlesskit and imports the OCI archive"
        stop_containerd
        cg_leave
        return
    fi
    ctr_ images import "$T/busybox.tar" > "$D/import.out" 2>&1 || fail "ctr images import failed: $(oneline "$D/import.out")"
    # The probes alone (in -> out -> true, no wrapper), in the same
    # namespaces: 200 times now; during the load, 20 times a second until
    # the file $2 exists.
    # shellcheck disable=SC2016
    local chain='i=1; while [ ! -e "$2" ]; do "$1" --root /nowhere state calib; if [ -n "$3" ]; then [ $i -ge "$3" ] && break; else sleep 0.05; fi; i=$((i + 1)); done'
    ctrd_in "$D" env OCIRL_PROBE_WRAPPER="$POUT" OCIRL_PROBE_RUNTIME=/bin/true OCIRL_PROBE_LOG="$D/calib.log" \
        sh -c "$chain" sh "$PIN" "$D/no-such-file" 200 > /dev/null 2>&1
    local calib_w calib_c
    calib_w=$(pairs "$D/calib.log" | awk '{ print $3 }' | median)
    calib_c=$(pairs "$D/calib.log" | awk '{ print $4 }' | median)
    [ "$calib_w" != nan ] || fail "the probes alone recorded nothing: $(oneline "$D/calib.log")"
    # One container first, not counted: the image's first snapshot, caches.
    ctr_ run --rm --runc-binary "$PIN" "$IMAGE" "warmup-$rt" true > "$D/warmup.out" 2>&1 \
        || fail "the first container failed: $(oneline "$D/warmup.out")"
    report "$where: containerd starts as $RT_USER inside rootlesskit, imports the OCI archive ($IMAGE) and runs a first container through the probes and the wrapper; the probes alone cost $(ms "$calib_w" 3) ms a call ($(ms "$calib_c" 3) ms CPU)"

    # 2. The load; meanwhile the probes alone, outside the cgroup.
    : > "$D/probe.log"
    chown "$RT_USER:" "$D/probe.log"
    (
        [ -n "$CG" ] && echo "$BASHPID" > "$CG_ROOT/cgroup.procs"
        ctrd_in "$D" env OCIRL_PROBE_WRAPPER="$POUT" OCIRL_PROBE_RUNTIME=/bin/true OCIRL_PROBE_LOG="$D/calib-load.log" \
            sh -c "$chain" sh "$PIN" "$D/out/stop" "" > /dev/null 2>&1
    ) &
    local calib_pid=$! t0 t1 u0 u1
    u0=$(cg_usage)
    t0=${EPOCHREALTIME/./}
    CTR_TIMEOUT=$((COUNT * 10 + 120)) ctrd_in "$D" timeout -k 5 $((COUNT * 10 + 60)) \
        bash "$T/load-pool.sh" "$sock" "$PIN" "$IMAGE" "load-$rt" "$COUNT" "$JOBS" "$D/out" > "$D/pool.log" 2>&1
    t1=${EPOCHREALTIME/./}
    u1=$(cg_usage)
    touch "$D/out/stop"
    wait "$calib_pid"
    local secs rate
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
    rate=$(awk -v n="$COUNT" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", n / ((b - a) / 1e6) }')

    # Each container's own output, and its one conversion.
    local i id out err got bad=0 conv=0 first=() r want_map="0 $UID_U 1|1 $SUBU_START $SUBU_COUNT" notes map
    local bprefix="$CSTATE/$rt/io.containerd.runtime.v2.task/default"
    for ((i = 1; i <= COUNT; i++)); do
        id=load-$rt-$i out=$D/out/$i.out err=$D/out/$i.err
        r=$(awk -v i="$i" '$1 == i { print $4 }' "$D/out/times" 2> /dev/null)
        map=$(sed -n '2,/^end$/p' "$out" 2> /dev/null | awk 'NF == 3 { print $1, $2, $3 }' | paste -sd'|')
        got=
        if [ "$r" != 0 ]; then
            got="ctr run exit ${r:-(none: not run)}: $(grep -v '^oci-rootless-runtime: ' "$err" 2> /dev/null | head -c 300 | tr '\n' ' ')"
        elif [ "$(head -1 "$out")" != "ocirl-load $id env=$i" ]; then
            got="printed '$(head -1 "$out" | head -c 100)', not 'ocirl-load $id env=$i'"
        elif [ "$map" != "$want_map" ]; then
            got="its uid_map is '$map', not RootlessKit's '$want_map' (the default mode, inherit, keeps it there)"
        elif [ "$(tail -1 "$out")" != end ]; then
            got="did not print its whole output: $(oneline "$out" 200)"
        fi
        # the wrapper's note of the create, exactly once, with changes
        notes=$(grep -cE "^oci-rootless-runtime: create: bundle $bprefix/$id, config $bprefix/$id/config.json: [1-9][0-9]* changes?," "$err" 2> /dev/null)
        if [ "${notes:-0}" = 1 ]; then
            conv=$((conv + 1))
        elif [ -z "$got" ]; then
            got="the wrapper's create note for its bundle: found ${notes:-0} times, expected once with changes"
        fi
        if [ -n "$got" ]; then
            bad=$((bad + 1))
            [ ${#first[@]} -lt 5 ] && first+=("$id: $got;")
        fi
    done
    # at most JOBS at once, from the recorded start and end times
    local most lat
    most=$(awk '{ print $2, 1; print $3, -1 }' "$D/out/times" 2> /dev/null | sort -k1,1n -k2,2n | awk '{ n += $2; if (n > m) m = n } END { print m + 0 }')
    lat=$(awk '{ print ($3 - $2) * 1e3 }' "$D/out/times" 2> /dev/null | median)
    [ "$bad" = 0 ] || fail "$bad of $COUNT containers failed; the first: ${first[*]}"
    [ "$(wc -l < "$D/out/times" 2> /dev/null)" = "$COUNT" ] || fail "load-pool.sh ran $(wc -l < "$D/out/times" 2> /dev/null) containers, not $COUNT: $(oneline "$D/pool.log")"
    [ "$most" -le "$JOBS" ] || fail "$most containers ran at once, more than $JOBS"
    echo "# $where: $COUNT containers in $secs s: $rate containers/s; ctr run median $(ms "$lat" 0) ms; at most $most at once; $bad failures"
    report "$where: $COUNT containers through containerd (ctr run --rm --runc-binary, the wrapper, $rt), at most $JOBS at once (seen: $most): $bad failures; each printed its own id, its env and its own user namespace's uid_map; $rate containers/s ($secs s)"

    # 3. One conversion a bundle, no temporary file, nothing left.
    # The probes' records: "STAGE PID WALL CPU COMMAND ID STRAY".
    local creates n_creates stray left_b tmps
    creates=$(awk -v p="load-$rt-" '$1 == "out" && $5 == "create" && index($6, p) == 1 { print $6 }' "$D/probe.log" | sort | uniq -c | awk '$1 != 1 { print $2 " (" $1 " creates)" }' | head -5 | paste -sd' ')
    [ -z "$creates" ] || fail "bundles created more than once: $creates"
    n_creates=$(awk -v p="load-$rt-" '$1 == "out" && $5 == "create" && index($6, p) == 1' "$D/probe.log" | wc -l)
    [ "$n_creates" = "$COUNT" ] || fail "the runtime got $n_creates creates from the wrapper, not $COUNT"
    [ "$conv" = "$COUNT" ] || fail "$conv of $COUNT bundles have exactly one create note of the wrapper with changes"
    stray=$(awk '$1 == "out" && $7 != "-" { print $6 ": " $7 }' "$D/probe.log" | head -5 | paste -sd' ')
    [ -z "$stray" ] || fail "temporary files in bundles after the wrapper's conversion: $stray"
    [ -z "$(ctr_ containers ls -q 2>&1)" ] || fail "containers left: $(ctr_ containers ls -q 2>&1 | head -5 | paste -sd' ')"
    [ -z "$(ctr_ tasks ls -q 2>&1)" ] || fail "tasks left: $(ctr_ tasks ls -q 2>&1 | head -5 | paste -sd' ')"
    ctr_ snapshots ls > "$D/snapshots.out" 2>&1 || fail "ctr snapshots ls: $(oneline "$D/snapshots.out")"
    grep -q "load-$rt-" "$D/snapshots.out" && fail "snapshots left: $(grep "load-$rt-" "$D/snapshots.out" | head -3 | tr '\n' ' ')"
    left_b=$(ls -A "$bprefix" 2> /dev/null | head -5 | paste -sd' ')
    [ -z "$left_b" ] || fail "bundles left in $bprefix: $left_b"
    # the shim's runtime root (--root), in RootlessKit's copied-up /run
    ctrd_in "$D" ls -A /run/containerd/runc/default > "$D/rtroot.out" 2>&1
    [ -s "$D/rtroot.out" ] && ! grep -q 'No such file' "$D/rtroot.out" && fail "runtime state left in /run/containerd/runc/default: $(oneline "$D/rtroot.out")"
    tmps=$(find "$CSTATE/$rt" "$D/root" \( -name '*.tmp' -o -name '.config.json*' -o -name 'config.json?*' \) 2> /dev/null | head -5 | paste -sd' ')
    [ -z "$tmps" ] || fail "temporary files left in the state or root folders: $tmps"
    report "$where: every bundle converted once ($conv of $COUNT: one create through the wrapper each, with changes); no temporary file in a bundle when the runtime took over; no bundle, task, container, snapshot or runtime state left; no *.tmp in containerd's state and root folders"

    # 4. The wrapper's share: each "in" and the next "out" of the same pid,
    # less what the probes cost alone (wall time: under the same load; CPU
    # time: alone).
    local calib_lw
    calib_lw=$(pairs "$D/calib-load.log" | awk '{ print $3 }' | median)
    [ "$calib_lw" = nan ] && calib_lw=$calib_w
    pairs "$D/probe.log" | awk -v p="load-$rt-" -v w="$calib_lw" -v c="$calib_c" \
        'index($2, p) == 1 { print $1, $2, $3 - w, $4 - c }' > "$D/wrapper.ns"
    local calls sum_w sum_c sum_l share cpu_share w_create w_other c_create c_other per_w per_c cmds load_cpu=
    calls=$(wc -l < "$D/wrapper.ns")
    sum_w=$(awk '{ s += $3 } END { printf "%.0f", s }' "$D/wrapper.ns")
    sum_c=$(awk '{ s += $4 } END { printf "%.0f", s }' "$D/wrapper.ns")
    sum_l=$(awk '{ s += ($3 - $2) * 1e3 } END { printf "%.0f", s }' "$D/out/times")
    share=$(awk -v w="$sum_w" -v l="$sum_l" 'BEGIN { printf "%.2f", (l > 0) ? 100 * w / l : 0 }')
    w_create=$(awk '$1 == "create" { print $3 }' "$D/wrapper.ns" | median)
    w_other=$(awk '$1 != "create" { print $3 }' "$D/wrapper.ns" | median)
    c_create=$(awk '$1 == "create" { print $4 }' "$D/wrapper.ns" | median)
    c_other=$(awk '$1 != "create" { print $4 }' "$D/wrapper.ns" | median)
    per_w=$(awk -v s="$sum_w" -v n="$COUNT" 'BEGIN { print s / n }')
    per_c=$(awk -v s="$sum_c" -v n="$COUNT" 'BEGIN { print s / n }')
    cmds=$(awk '{ n[$1]++ } END { for (c in n) print c, n[c] }' "$D/wrapper.ns" | sort | awk -v k="$COUNT" '{ printf "%s%s %.3g", (NR > 1) ? ", " : "", $1, $2 / k }')
    cpu_share=n/a
    if [ -n "$u0" ] && [ -n "$u1" ]; then
        load_cpu=$((u1 - u0))
        cpu_share=$(awk -v c="$sum_c" -v u="$load_cpu" 'BEGIN { printf "%.2f", (u > 0) ? 100 * c / u : 0 }')
    fi
    [ "$calls" -ge $((COUNT * 2)) ] || fail "the probes recorded $calls calls, fewer than 2 a container"
    echo "# $where: calls a container: $cmds; the wrapper (the probes' own cost subtracted): $(ms "$per_w") ms a container (median $(ms "$w_create") ms a create, $(ms "$w_other") ms another call), $share % of the containers' ctr run time; CPU: $(ms "$per_c") ms a container (median $(ms "$c_create") ms a create, $(ms "$c_other") ms another call), $cpu_share % of the load's CPU time$([ -n "$load_cpu" ] && echo " ($(ms "$((load_cpu / COUNT))" 1) ms a container)")"
    report "$where: the wrapper's share, by time probes around it: $share % of the containers' ctr run time ($(ms "$per_w") ms of $(ms "$lat" 0) ms a container), $cpu_share % of the load's CPU time ($(ms "$per_c") ms a container)"

    if [ -n "$RESULT" ]; then
        {
            echo "$rt count $COUNT"
            echo "$rt jobs $JOBS"
            echo "$rt most $most"
            echo "$rt failures $bad"
            echo "$rt seconds $secs"
            echo "$rt per_second $rate"
            echo "$rt latency_ms $(ms "$lat" 1)"
            echo "$rt calls $cmds"
            echo "$rt wrapper_share_percent $share"
            echo "$rt wrapper_ms_per_container $(ms "$per_w" 3)"
            echo "$rt wrapper_ms_create $(ms "$w_create" 3)"
            echo "$rt wrapper_ms_other $(ms "$w_other" 3)"
            echo "$rt wrapper_cpu_share_percent $cpu_share"
            echo "$rt wrapper_cpu_ms_per_container $(ms "$per_c" 3)"
            echo "$rt wrapper_cpu_ms_create $(ms "$c_create" 3)"
            echo "$rt wrapper_cpu_ms_other $(ms "$c_other" 3)"
            echo "$rt load_cpu_ms_per_container $([ -n "$load_cpu" ] && ms "$((load_cpu / COUNT))" 2 || echo n/a)"
            echo "$rt probe_ms $(ms "$calib_w" 3)"
            echo "$rt probe_ms_under_load $(ms "$calib_lw" 3)"
            echo "$rt probe_cpu_ms $(ms "$calib_c" 3)"
        } >> "$RESULT"
    fi

    # 5. Stop it all; nothing may be left.
    local left
    left=$(sweep $RK_PID) || fail "processes left: $left"
    [ -n "$RK_PID" ] && wait "$RK_PID" 2> /dev/null
    RK_PID=
    left=$(ours | head -5 | paste -sd' ')
    [ -z "$left" ] || fail "processes of this run still there: $left"
    cg_leave
    report "$where: containerd, RootlessKit and the shims are stopped; nothing of the run is left running"
}

for rt in $RUNTIMES; do
    if ! command -v "$rt" > /dev/null; then skip "load, $rt" "$rt is not installed"; continue; fi
    load_cases "$rt"
done
finish
