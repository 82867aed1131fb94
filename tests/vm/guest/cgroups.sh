#!/bin/bash
# The cgroup cases of the VM suite (run as root in the guest by main.sh;
# TAP on stdout). For each caller context of the test user ocirl (uid 1000,
# lingering):
#   login        runuser -l: a pam_systemd session, session-N.scope (root's)
#   scope        systemd-run --user --scope -p Delegate=yes, in that session
#   rootlesskit  RootlessKit in a leaf of such a scope (rootlesskit.sh)
# and runc and crun, the cgroupfs and the systemd driver, and a config with
# memory 64 MiB, pids 32 and cpu shares 512 whose cgroupsPath is
#   none, rel (ocirl-vm/ID), abs (/ocirl-vm/ID), slice (user.slice:ocirl:ID)
# the wrapper converts it with --cgroups auto and runs it. Each limit the
# output keeps must be enforced in the container (memory.max, pids.max,
# cpu.weight; a memory hog is killed; a fork loop stops at the limit). Where
# auto removed something, the control (--cgroups keep) must show it could
# not have been enforced: the runtime fails, or the container does not get it.
#
# OCIRL_VM_CONTEXTS, OCIRL_VM_RUNTIMES, OCIRL_VM_DRIVERS, OCIRL_VM_PATHS
# narrow the matrix (space-separated), for running one case by hand.
set -u
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
U=ocirl
CONTEXTS=${OCIRL_VM_CONTEXTS:-login scope rootlesskit}
RUNTIMES=${OCIRL_VM_RUNTIMES:-runc crun}
DRIVERS=${OCIRL_VM_DRIVERS:-cgroupfs systemd}
PATHS=${OCIRL_VM_PATHS:-none rel abs slice}
MEM=67108864 PIDS=32 WEIGHT=20 # cpu shares 512 is cpu.weight 20 in both runtimes

# shellcheck source=../../lib/harness.sh
. "$HERE/../../lib/harness.sh"
# On a failed case: what the caller, the conversion and the runtime said.
report_details() {
    local f
    for f in caller.cgroup explain run.err run.out; do
        [ -s "$1/$f" ] && sed "s/^/#   $f: /" "$1/$f" | head -12
    done
    return 0
}

T=$(mktemp -d /tmp/ocirl-vm.XXXXXX)
chmod 755 "$T"
R=$T/rootfs
mkdir -p "$R/bin" "$R/proc" "$R/sys" "$R/dev" "$R/tmp"
cp /bin/busybox "$R/bin/busybox"
for a in $("$R/bin/busybox" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
install -m 644 "$HERE/cg.sh" "$R/cg.sh"
install -m 755 "$HERE/case.sh" "$HERE/rootlesskit.sh" "$T/"
(cd "$T" && runc spec) || bail "runc spec failed"
# the default spec of runc 1.1 on cgroup v2 (it has a cgroup namespace), as root writes it
jq --arg r "$R" --argjson m "$MEM" --argjson p "$PIDS" '.process.terminal = false
    | .process.args = ["sh", "/cg.sh"] | .root.path = $r
    | .linux.resources.memory = {"limit": $m} | .linux.resources.pids = {"limit": $p}
    | .linux.resources.cpu = {"shares": 512}' "$T/config.json" > "$T/base.json" \
    || bail "jq failed on the runc spec"
chmod -R a+rX "$T"
echo "# guest $(uname -r); user $U: $(id $U); user manager controllers:" \
    "$(cat /sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers)"

# in_context CONTEXT DIR COMMAND: runs the command line as the test user there
in_context() {
    local ctx=$1 dir=$2 cmd=$3
    case $ctx in
    login) runuser -l "$U" -c "$cmd" ;;
    scope) runuser -l "$U" -c "systemd-run --user --scope -q -p Delegate=yes $cmd" ;;
    rootlesskit) runuser -l "$U" -c "systemd-run --user --scope -q -p Delegate=yes sh $T/rootlesskit.sh $dir/rk $cmd" ;;
    esac
}

# val DIR KEY: a value the container printed (KEY=VALUE)
val() { tr ' ' '\n' < "$1/run.out" | sed -n "s/^$2=//p" | head -1; }

CASE=0
# run_case CONTEXT RUNTIME DRIVER PATH CONVERSION: sets D, the case's folder
run_case() {
    local ctx=$1 rt=$2 drv=$3 path=$4 conv=$5
    CASE=$((CASE + 1))
    local id=c$CASE
    D=$T/$CASE-$ctx-$rt-$drv-$path-$conv
    mkdir -p "$D"
    case $path in
    none) jq 'del(.linux.cgroupsPath)' "$T/base.json" ;;
    rel) jq --arg id "$id" '.linux.cgroupsPath = "ocirl-vm/" + $id' "$T/base.json" ;;
    abs) jq --arg id "$id" '.linux.cgroupsPath = "/ocirl-vm/" + $id' "$T/base.json" ;;
    slice) jq --arg id "$id" '.linux.cgroupsPath = "user.slice:ocirl:" + $id' "$T/base.json" ;;
    # no network namespace (docker run --net=host): sys binds the host's /sys
    hostnet) jq 'del(.linux.cgroupsPath) | .linux.namespaces |= map(select(.type != "network"))' "$T/base.json" ;;
    esac > "$D/config.json"
    cp "$D/config.json" "$D/input.json"
    chown -R "$U:" "$D"
    in_context "$ctx" "$D" "env OCIRL_VM_BUNDLE=$D OCIRL_VM_RUNTIME=${MUTANT:-$rt} sh $T/case.sh $rt $drv $conv $D $id" > "$D/context.out" 2>&1
    [ -s "$D/rc" ] || fail "the case did not run in its context: $(head -c 400 "$D/context.out")"
}

# what the converted config (the bundle's config.json, rewritten by the wrapper) keeps
kept() { jq -e --arg k "$2" '.linux.resources[$k] != null' "$1/config.json" > /dev/null 2>&1; }

# check_auto DIR: a case converted with auto started, and every limit its
# output keeps is in force in the container (fail for each that is not)
check_auto() {
    local A=$1 rc procs
    rc=$(cat "$A/rc" 2> /dev/null)
    jq -r '"cgroupsPath: \(.linux.cgroupsPath // "none"); resources: \(.linux.resources // {} | keys | join(","))"' \
        "$A/config.json" > "$A/explain" 2>&1
    if [ "$rc" != 0 ]; then
        fail "auto: the container did not start (exit $rc)"
        return
    fi
    grep -q '^end$' "$A/run.out" || fail "auto: the container's process did not finish"
    if kept "$A" memory; then
        [ "$(val "$A" memory.max)" = "$MEM" ] || fail "auto keeps the memory limit, the container has memory.max $(val "$A" memory.max)"
        [ "$(val "$A" hog)" = 137 ] || fail "auto keeps the memory limit, the memory hog was not killed (status $(val "$A" hog))"
    fi
    if kept "$A" pids; then
        [ "$(val "$A" pids.max)" = "$PIDS" ] || fail "auto keeps the pids limit, the container has pids.max $(val "$A" pids.max)"
        procs=$(val "$A" procs)
        if [ -z "$procs" ] || [ "$procs" -gt "$PIDS" ]; then
            fail "auto keeps the pids limit, the fork loop reached ${procs:-?} processes"
        fi
    fi
    if kept "$A" cpu; then
        [ "$(val "$A" cpu.weight)" = "$WEIGHT" ] || fail "auto keeps cpu shares 512, the container has cpu.weight $(val "$A" cpu.weight)"
    fi
}

# The host check, as the user sees this host: from the login session, the
# systemd driver's scope and its controllers, the cgroupfs driver's
# refusal; from a delegated scope, the cgroupfs driver's parent.
UM=/user.slice/user-1000.slice/user@1000.service
mkdir -p "$T/host"
in_context login "$T" "oci-rootless --check-host" > "$T/host/run.out" 2>&1
echo $? > "$T/host/rc"
in_context scope "$T" "oci-rootless --check-host" > "$T/host/run.err" 2>&1
sed 's/^/# check-host (login session): /' "$T/host/run.out"
OUT=$(cat "$T/host/run.out")
host_has() { grep -Eq "$1" <<< "$OUT" || fail "no line /$1/ (the output is shown below)"; }
[ "$(cat "$T/host/rc")" = 0 ] || fail "--check-host exit $(cat "$T/host/rc"), not 0"
host_has "^ok +user namespaces: allowed"
host_has "^ok +newuidmap: /usr/bin/newuidmap, setuid root$"
host_has "^ok +/etc/subuid: $U has 65536 subordinate uids in 1 range$"
host_has "^ok +cgroups: cgroup v2; the systemd driver gets a scope of the user manager $UM \(controllers: cpu memory pids\)$"
host_has "^warning +cgroups: the parent of the caller's cgroup /user.slice/user-1000.slice/session-[^ ]+.scope is not writable"
host_has "^ok +/proc: fully visible"
host_has "^ok +runtime: [^ ]*/crun: crun version 1.8"
host_has "^ok +runtime: [^ ]*/runc: runc version 1.1"
host_has "^ok +XDG_RUNTIME_DIR: /run/user/1000, the user's$"
grep -q hybrid <<< "$OUT" && fail "hybrid cgroups reported on a cgroup v2 host"
OUT=$(cat "$T/host/run.err")
host_has "^ok +cgroups: cgroup v2; the cgroupfs driver can make the container's cgroup in $UM/app.slice \(controllers: cpu memory pids\)$"
report "--check-host as $U: the systemd driver's user manager from the login session, the cgroupfs driver's delegated parent from a scope, runc, crun, newuidmap, subordinate ids, XDG_RUNTIME_DIR" "$T/host"

for ctx in $CONTEXTS; do
    for rt in $RUNTIMES; do
        for drv in $DRIVERS; do
            for path in $PATHS; do
                run_case "$ctx" "$rt" "$drv" "$path" auto
                A=$D
                check_auto "$A"
                dropped=$(jq -r --slurpfile a "$A/config.json" '[.linux.resources | keys[] | select(. as $k | ($a[0].linux.resources // {})[$k] == null)] | join(",")' "$A/input.json")
                report "$ctx $rt $drv cgroupsPath=$path, auto: every limit kept is enforced ($(cat "$A/explain"); dropped: ${dropped:-none})" "$A"

                # the control: what auto dropped could not have been enforced
                if [ -n "$dropped" ] && [ "$dropped" != devices ]; then
                    run_case "$ctx" "$rt" "$drv" "$path" keep
                    rc=$(cat "$D/rc" 2> /dev/null)
                    if [ "$rc" = 0 ]; then
                        case ",$dropped," in *,memory,*)
                            [ "$(val "$D" memory.max)" = "$MEM" ] && fail "keep: the container got the memory limit auto dropped" ;;
                        esac
                        case ",$dropped," in *,pids,*)
                            [ "$(val "$D" pids.max)" = "$PIDS" ] && fail "keep: the container got the pids limit auto dropped" ;;
                        esac
                        case ",$dropped," in *,cpu,*)
                            [ "$(val "$D" cpu.weight)" = "$WEIGHT" ] && fail "keep: the container got the cpu weight auto dropped" ;;
                        esac
                    fi
                    how="the container does not get them"
                    [ "$rc" != 0 ] && how="the runtime fails: $(grep -v '^$' "$D/run.err" | tail -1 | cut -c1-160)"
                    report "$ctx $rt $drv cgroupsPath=$path, keep (control): $dropped could not be enforced: $how" "$D"
                fi
            done
        done
    done
done
# Without a network namespace of its own (docker run --net=host --pids-limit
# 32) the container gets the host's /sys bound, and on cgroup v2 the cgroup
# mount at /sys/fs/cgroup stays after the bind: with its own cgroup
# namespace the container sees its own pids.max there. The control: the same
# converted config without that mount (a runtime between the wrapper and the
# real one removes it), where /sys/fs/cgroup is the host's root, which has
# no pids.max.
if [ -z "${OCIRL_VM_CONTEXTS:-}${OCIRL_VM_DRIVERS:-}${OCIRL_VM_PATHS:-}" ]; then
    for rt in $RUNTIMES; do
        run_case scope "$rt" cgroupfs hostnet auto
        A=$D
        check_auto "$A"
        jq -e '[.mounts[] | [.destination, .type]] | index([["/sys", "bind"]]) as $s | $s != null
            and .[$s + 1] == ["/sys/fs/cgroup", "tmpfs"] and .[$s + 2] == ["/sys/fs/cgroup", "cgroup"]' \
            "$A/config.json" > /dev/null \
            || fail "the converted config has no tmpfs and cgroup mount right after the bind of /sys: $(jq -c '[.mounts[] | [.destination, .type]]' "$A/config.json")"
        [ "$(val "$A" pids.max)" = "$PIDS" ] || fail "the container sees pids.max $(val "$A" pids.max) at /sys/fs/cgroup, not $PIDS"
        report "scope $rt cgroupfs, no network namespace (--net=host): /sys bound, the cgroup mount kept after it; the container sees its own pids.max $PIDS" "$A"

        # shellcheck disable=SC2016 # the mutant's own variables
        printf '#!/bin/sh\nc=$OCIRL_VM_BUNDLE/config.json\njq "del(.mounts[] | select(.destination == \\"/sys/fs/cgroup\\"))" "$c" > "$c.new" && cat "$c.new" > "$c"\nexec %s "$@"\n' "$rt" > "$T/$rt-nocgmount"
        chmod 755 "$T/$rt-nocgmount"
        MUTANT=$T/$rt-nocgmount run_case scope "$rt" cgroupfs hostnet auto
        rc=$(cat "$D/rc" 2> /dev/null)
        [ "$rc" = 0 ] || fail "control: the container did not start (exit $rc)"
        [ "$(val "$D" pids.max)" = none ] || fail "control: without the cgroup mount the container still sees pids.max $(val "$D" pids.max)"
        report "scope $rt cgroupfs, no network namespace, control: the cgroup mount removed, /sys/fs/cgroup is the host's root, without pids.max" "$D"
    done
fi
# The suite catches a converter that claims a limit the container does not
# get: a "runtime" between the wrapper and crun drops the cgroupsPath the
# wrapper wrote (as the converter did before it knew crun creates no cgroup
# without one); the checks above must then fail.
if [ -z "${OCIRL_VM_CONTEXTS:-}${OCIRL_VM_RUNTIMES:-}${OCIRL_VM_DRIVERS:-}${OCIRL_VM_PATHS:-}" ]; then
    # shellcheck disable=SC2016 # the mutant's own variables
    printf '#!/bin/sh\nc=$OCIRL_VM_BUNDLE/config.json\njq "del(.linux.cgroupsPath)" "$c" > "$c.new" && cat "$c.new" > "$c"\nexec crun "$@"\n' > "$T/crun-mutant"
    chmod 755 "$T/crun-mutant"
    MUTANT=$T/crun-mutant run_case scope crun cgroupfs none auto
    check_auto "$D"
    if [ ${#ERRS[@]} -gt 0 ]; then
        ERRS=()
    else
        fail "the checks passed although crun ran the container without a cgroupsPath"
    fi
    report "mutant: crun given the converted config without its cgroupsPath (limits kept, none applied) fails the checks ($(val "$D" memory.max) memory.max in the container)" "$D"
fi
finish
