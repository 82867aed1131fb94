#!/usr/bin/env bash
# Rootless Docker for real: Debian's docker.io 20.10, started by the test
# user with /usr/share/docker.io/contrib/dockerd-rootless.sh (RootlessKit,
# host networking, overlay2, no systemd: XDG_RUNTIME_DIR made by root), a
# daemon.json holding docs/docker-daemon.json's "runtimes" entry as a user
# pastes it (only the path changed to the wrapper under test), a busybox
# image built offline and loaded with `docker load`. Output is TAP.
#
# Once per real runtime (runc, crun: the wrapper's runtime comes from
# OCI_ROOTLESS_RUNTIME in dockerd-rootless.sh's environment), one daemon, and
# `docker run --runtime oci-rootless` (the wrapper, default mode) beside the
# same command with `--runtime runc|crun` (plain rootless Docker, the
# control), each asserting what the container sees:
#   the user namespace and oom_score_adj; --ulimit nofile=1048576:1048576,
#   --pid host, --ipc host, --sysctl net.ipv4.ping_group_range="0 2147483647"
#   (the four that fail on plain rootless Docker); --network container:X and
#   --network host (/sys/class/net and the namespace joined); --memory (not
#   enforced here: cgroup v1 without delegation, and Docker says so only in
#   `docker info`); -v (a bind volume read and written, owners inside and
#   outside); --user with --group-add (ids inside, and the host's view).
# dockerd runs in a network namespace of its own, owned by RootlessKit's user
# namespace (dockerd-child.sh; what slirp4netns gives it on other machines).
# One more daemon, without it, shows why: its first `--network host`
# container fails in dockerd itself (setns into the host's namespace).
#
# Everything started is stopped at the end, even on failure: containers,
# dockerd, containerd, the shims, RootlessKit (by pid: the test user's
# processes that name this run's folders, and their descendants).
#
# Run: sudo OCI_ROOTLESS_RUNTIME_BIN=build/runtime/oci-rootless-runtime tests/clients/docker/run.sh
# or:  meson test -C build --suite docker --print-errorlogs
# Environment:
#   OCI_ROOTLESS_RUNTIME_BIN  the wrapper under test (required)
#   OCIRL_DOCKER_USER         the unprivileged test user (default ocirl-docker)
#   OCIRL_DOCKER_RUNTIMES     real runtimes (default "runc crun")
#   OCIRL_DOCKER_KEEP=1       keep the temporary folder (logs, daemon.json)
# It needs root (packages, the test user); as another user every case skips.
# shellcheck source-path=SCRIPTDIR
set -u
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
RT_USER=${OCIRL_DOCKER_USER:-ocirl-docker}
RUNTIMES=${OCIRL_DOCKER_RUNTIMES:-runc crun}
PACKAGES=(docker.io rootlesskit runc crun uidmap busybox-static jq util-linux iproute2)
IMAGE=ocirl-busybox:test
ROOTLESS_SH=/usr/share/docker.io/contrib/dockerd-rootless.sh
DOCKER=/usr/bin/docker # /usr/local/bin/docker may be another client
OCIRL_RT_KEEP=${OCIRL_DOCKER_KEEP:-0}

# shellcheck source=../../lib/harness.sh
. "$HERE/../../lib/harness.sh"
# oneline, as_user, ctrd_user_bin, and sweep (the test user's processes that
# name T or CSTATE, and their descendants)
# shellcheck source=../../runtime/rootless-ctrd.sh
. "$HERE/../../runtime/rootless-ctrd.sh"

CASES=("installing docker.io starts no daemon as root"
    "dockerd-rootless.sh starts; daemon.json holds docs/docker-daemon.json's runtimes entry; docker load"
    "a container: user namespace, network, oom_score_adj"
    "--ulimit nofile=1048576:1048576" "--pid host" "--ipc host" "--sysctl net.ipv4.ping_group_range"
    "--network container:X" "--network host" "--memory" "-v (a bind volume)" "--user with --group-add"
    "the life cycle: run -d, exec, stop, start, restart, rm")

# ---------------------------------------------------------------- set-up
wrapper_bin

if [ "$(id -u)" != 0 ]; then
    for c in "${CASES[@]}"; do skip "$c" "needs root (installs docker.io, creates the test user $RT_USER)"; done
    skip "dockerd in the host's network namespace: --network host" "needs root (installs docker.io, creates the test user $RT_USER)"
    finish
fi

# A root dockerd already running is not ours to judge, but one started by
# the install would be a change to the host: installing must not start one.
root_dockerd() { pgrep -u 0 -x dockerd | paste -sd' '; }
BEFORE=$(root_dockerd)
# On a machine with systemd (or sysvinit) and no policy-rc.d, the package's
# postinst starts docker.service as root: forbid that for the install only.
MADE_POLICY=0
if ! dpkg-query -W -f='${Status}' docker.io 2> /dev/null | grep -q "install ok installed" && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# made by tests/clients/docker/run.sh during apt-get install docker.io\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    MADE_POLICY=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT # also when the install bails out
fi
ensure_packages bail "${PACKAGES[@]}"
if [ $MADE_POLICY = 1 ]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
fi
for c in jq runuser nsenter unshare busybox ip rootlesskit newuidmap; do
    command -v "$c" > /dev/null || bail "$c not found (apt-get install ${PACKAGES[*]})"
done
{ [ -x "$DOCKER" ] && [ -f "$ROOTLESS_SH" ]; } || bail "$DOCKER or $ROOTLESS_SH missing (apt-get install docker.io)"
AFTER=$(root_dockerd)
[ "$AFTER" = "$BEFORE" ] || fail "a dockerd runs as root now ($AFTER) that did not before (${BEFORE:-none})"
[ -S /run/docker.sock ] && [ -z "$BEFORE" ] && fail "/run/docker.sock exists, but no root dockerd ran before"
report "${CASES[0]} (root dockerd before: ${BEFORE:-none}, after: ${AFTER:-none})"

ensure_test_user "$RT_USER"

T=$(mktemp -d /tmp/ocirl-docker.XXXXXX) || bail "mktemp failed"
chmod 755 "$T"
RUNDIR=/run/user/$UID_U
MADE_RUNDIR=0
if [ ! -d "$RUNDIR" ]; then
    mkdir -p "$RUNDIR" && chown "$RT_USER:" "$RUNDIR" && chmod 700 "$RUNDIR" && MADE_RUNDIR=1
fi
# Each daemon's XDG_RUNTIME_DIR is a folder of this one, made by root.
CSTATE=$(mktemp -d "$RUNDIR/ocirl-docker.XXXXXX") || bail "mktemp in $RUNDIR failed"
chown "$RT_USER:" "$CSTATE"
RK_PID=
DN= # the daemon running: its name
# shellcheck disable=SC2317 # run by the EXIT trap
docker_cleanup() {
    local left
    [ -n "$DN" ] && stop_dockerd > /dev/null 2>&1
    left=$(sweep ${RK_PID:+"$RK_PID"}) || echo "# processes left after the run: $left"
    [ -n "$RK_PID" ] && wait "$RK_PID" 2> /dev/null
    rm -rf "$CSTATE"
    [ "$MADE_RUNDIR" = 1 ] && rmdir "$RUNDIR" 2> /dev/null
    if [ "$OCIRL_RT_KEEP" = 1 ]; then echo "# kept $T"; else rm -rf "$T"; fi
}
trap docker_cleanup EXIT
trap 'exit 130' INT TERM HUP

# shellcheck disable=SC2153 # BIN: set by wrapper_bin
UBIN=$(ctrd_user_bin "$BIN")
sh "$HERE/docker-image.sh" "$T/busybox-docker.tar" "${IMAGE%:*}" "${IMAGE#*:}" "$T/image" > "$T/image.log" 2>&1 \
    || bail "cannot build the docker archive: $(oneline "$T/image.log")"
chmod 644 "$T/busybox-docker.tar"

HYBRID=0
if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2> /dev/null)" = cgroup2fs ] \
    && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2> /dev/null)" ]; then
    HYBRID=1
fi
# What the containers must find of the caller's (RootlessKit shares the
# host's pid and ipc namespaces; its network is the host's but dockerd's own).
# shellcheck disable=SC2012 # interface names are plain
HOST_NETS=$(ls /sys/class/net | paste -sd' ')
HOST_PIDNS=$(readlink /proc/self/ns/pid)
HOST_IPCNS=$(readlink /proc/self/ns/ipc)
HOST_INIT=$(tr '\0' ' ' < /proc/1/cmdline)
# The container stays in RootlessKit's user namespace (mode inherit, the
# default for uid 0 in a user namespace): its map is RootlessKit's.
WANT_UMAP="0 $UID_U 1|1 $SUBU_START $SUBU_COUNT"
WANT_GMAP="0 $GID_U 1|1 $SUBG_START $SUBG_COUNT"
echo "# wrapper $UBIN; test user $RT_USER uid $UID_U, subordinate uids $SUBU_START+$SUBU_COUNT, gids $SUBG_START+$SUBG_COUNT; hybrid cgroups: $HYBRID; $($DOCKER --version)"

# ---------------------------------------------------------------- the daemon
# dk ARGS...: the Docker client as the test user, on the running daemon
dk() { as_user HOME="$T/$DN/home" DOCKER_HOST="unix://$CSTATE/$DN/docker.sock" timeout -k 5 60 "$DOCKER" "$@"; }

# start_dockerd NAME RUNTIME NETNS HIDE: dockerd-rootless.sh as the test
# user, with OCI_ROOTLESS_RUNTIME=RUNTIME; NETNS 1: dockerd in a network
# namespace of its own; HIDE 1: /sys/fs/cgroup/unified hidden (crun).
start_dockerd() {
    local name=$1 rt=$2 netns=$3 hide=$4
    local d=$T/$name x=$CSTATE/$name
    DN=$name
    LOGMARK=0
    mkdir -p "$d/home/.config/docker" "$d/dbin" "$x"
    install -m 755 "$HERE/dockerd-child.sh" "$d/dbin/dockerd"
    chown "$RT_USER:" "$x"
    chmod 700 "$x"
    # The docs' snippet as a user pastes it, only its path changed, merged
    # with what a rootless daemon needs here (no iptables, no bridge) and a
    # runtime entry for plain crun (the control; runc is built in).
    sed "s|/usr/local/bin/oci-rootless-runtime|$UBIN|" "$TOP/docs/docker-daemon.json" > "$d/snippet.json"
    jq -s '.[0] * .[1]' - "$d/snippet.json" > "$d/home/.config/docker/daemon.json" << EOF || return 1
{"iptables": false, "ip-forward": false, "bridge": "none", "storage-driver": "overlay2",
 "runtimes": {"crun": {"path": "$(command -v crun)"}}}
EOF
    chown "$RT_USER:" "$d"
    chown -R "$RT_USER:" "$d/home"
    (cd / && exec runuser -u "$RT_USER" -- env -i PATH="$d/dbin:$SAFE_PATH" HOME="$d/home" XDG_RUNTIME_DIR="$x" \
        DOCKERD_ROOTLESS_ROOTLESSKIT_NET=host DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER=none \
        DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS="--state-dir=$d/rootlesskit" \
        OCIRL_DOCKER_NETNS="$netns" OCIRL_DOCKER_HIDE="$hide" \
        OCI_ROOTLESS_RUNTIME="$rt" OCI_ROOTLESS_RUNTIME_DEBUG=1 \
        sh "$ROOTLESS_SH") > "$d/dockerd.log" 2>&1 &
    RK_PID=$!
    for _ in $(seq 150); do
        dk version > /dev/null 2>&1 && return 0
        kill -0 "$RK_PID" 2> /dev/null || return 1
        sleep 0.1
    done
    return 1
}

# stop_dockerd: the containers removed, RootlessKit asked to stop (it passes
# the signal on to dockerd), then whatever is left killed.
stop_dockerd() {
    local rk
    # shellcheck disable=SC2046
    dk rm -f $(dk ps -aq 2> /dev/null) > /dev/null 2>&1
    for rk in $(pgrep -P "$RK_PID" 2> /dev/null); do kill -TERM "$rk" 2> /dev/null; done
    for _ in $(seq 100); do kill -0 "$RK_PID" 2> /dev/null || break; sleep 0.1; done
    sweep ${RK_PID:+"$RK_PID"} > /dev/null
    wait "$RK_PID" 2> /dev/null
    RK_PID=''
    DN=''
}

# mark: the case starts here in the daemon's log (report_details shows
# what follows)
LOGMARK=0
mark() { LOGMARK=$(wc -l < "$T/$DN/dockerd.log" 2> /dev/null || echo 0); }
report_details() { # DAEMON: its log's errors since mark
    [ -f "$T/$1/dockerd.log" ] || return 0
    echo "# dockerd.log, the case's last warnings and errors:"
    tail -n +"$((LOGMARK + 1))" "$T/$1/dockerd.log" | grep -v -e 'level=info' -e 'add cg to OOM monitor' -e 'IPv4 forwarding is disabled' -e 'cleaning up after shim disconnected' \
        | tail -n 6 | cut -c1-400 | sed 's/^/#   /'
}

# ---------------------------------------------------------------- running containers
# What the containers print, one "key value" a line.
# shellcheck disable=SC2016 # run by the container's shell
SHOW='m() { tr -s " " < "$1" | sed "s/^ //" | paste -sd"|" -; }
echo "uidmap $(m /proc/self/uid_map)"
echo "gidmap $(m /proc/self/gid_map)"
echo "net $(ls /sys/class/net | paste -sd" " -)"
echo "netns $(readlink /proc/self/ns/net)"
echo "pidns $(readlink /proc/self/ns/pid)"
echo "ipcns $(readlink /proc/self/ns/ipc)"
echo "init $(tr "\0" " " < /proc/1/cmdline)"
echo "mqueue $(grep -c " /dev/mqueue " /proc/self/mounts)"
echo "oom $(cat /proc/self/oom_score_adj)"
echo "nofile $(ulimit -n) $(ulimit -Hn)"
echo "ids $(id -u) $(id -g) $(sed -n "s/^Groups:[[:space:]]*//p" /proc/self/status | tr -s " \t" " " | sed "s/ $//")"
echo "end"'
val() { awk -v k="$2" '$1 == k { sub(/^[^ ]+ ?/, ""); print; exit }' "$1" 2> /dev/null; }

# drun TAG ARGS...: docker run --rm ARGS as the test user; its standard
# output in TAG.out, standard error (docker's, the wrapper's notes) in
# TAG.err; RC its status.
drun() {
    local tag=$1
    shift
    dk run --rm "$@" > "$T/$DN/$tag.out" 2> "$T/$DN/$tag.err"
    RC=$?
}
out() { echo "$T/$DN/$1.out"; }
err() { echo "$T/$DN/$1.err"; }
# docker's error, or the end of the standard error
derr() { { grep -m1 '^docker: ' "$(err "$1")" || tail -n 3 "$(err "$1")"; } 2> /dev/null | head -c 500 | tr '\n' ' '; }
# show TAG ARGS...: the container runs SHOW; it must run to its end
show() {
    local tag=$1
    shift
    drun "$tag" "$@" "$IMAGE" sh -c "$SHOW"
    if [ "$RC" != 0 ] || ! grep -qx end "$(out "$tag")"; then
        fail "$tag: docker run exit $RC: $(derr "$tag")"
        return 1
    fi
}
# expect TAG KEY WANT WHAT
expect() {
    local got
    got=$(val "$(out "$1")" "$2")
    [ "$got" = "$3" ] || fail "$1: $4: expected '$3', got '$got'"
}
# refused TAG REGEX: the control must fail, with docker's error matching REGEX
refused() {
    if [ "$RC" = 0 ]; then
        fail "$1: expected plain rootless Docker to fail, but it ran"
    elif ! grep -Eiq "$2" "$(err "$1")"; then
        fail "$1: expected an error matching /$2/: $(derr "$1")"
    fi
}
# noted TAG REGEX: the wrapper's note on the container's standard error
# notes TAG: the wrapper's notes of its changes, for a failure message
notes() { grep '^oci-rootless-runtime: ' "$(err "$1")" 2> /dev/null | grep -v ': create: bundle ' | cut -c1-300; }
# plain TAG: the control did not go through the wrapper
plain() { ! grep -q '^oci-rootless-runtime:' "$(err "$1")" 2> /dev/null || fail "$1: the control ran through the wrapper"; }
noted() { grep -Eq "$2" "$(err "$1")" || fail "$1: no note of the wrapper matching /$2/: $(oneline "$(err "$1")" 600)"; }

W=(--runtime oci-rootless)

docker_cases() { # RUNTIME
    local rt=$1 where hide=0 pl c w x pl_or_w
    where="dockerd-rootless, $rt"
    [ "$rt" = crun ] && [ $HYBRID = 1 ] && hide=1
    pl=(--runtime "$rt")
    local t0=$SECONDS

    # 1. The daemon, its daemon.json, the image.
    if ! start_dockerd "$rt" "$rt" 1 "$hide"; then
        fail "dockerd-rootless.sh did not start: $(tail -n 2 "$T/$rt/dockerd.log" 2> /dev/null | cut -c1-300)"
        report "$where: ${CASES[1]}" "$rt"
        for c in "${CASES[@]:2}"; do fail "the daemon did not start"; report "$where: $c"; done
        stop_dockerd
        return
    fi
    jq -e --arg p "$UBIN" '.runtimes["oci-rootless"].path == $p' \
        "$T/$rt/home/.config/docker/daemon.json" > /dev/null || fail "daemon.json (the docs' snippet pasted) lacks the runtimes entry oci-rootless with path $UBIN"
    dk info --format '{{json .Runtimes}}' > "$T/$rt/runtimes.json" 2>&1
    jq -e --arg p "$UBIN" '.["oci-rootless"].path == $p' "$T/$rt/runtimes.json" > /dev/null 2>&1 \
        || fail "docker info does not list the runtime oci-rootless with path $UBIN: $(oneline "$T/$rt/runtimes.json")"
    dk info --format '{{.Driver}}' 2> /dev/null | grep -qx overlay2 || fail "the storage driver is not overlay2: $(dk info --format '{{.Driver}}' 2>&1)"
    dk load -i "$T/busybox-docker.tar" > "$T/$rt/load.out" 2>&1 || fail "docker load: $(oneline "$T/$rt/load.out")"
    dk image inspect "$IMAGE" > /dev/null 2>&1 || fail "$IMAGE is not there after docker load"
    # dockerd's pid (in the host's pid namespace: RootlessKit makes none) and
    # its hard limit of open files, which containerd, the shim and the
    # runtime inherit
    local dpid hard
    dpid=$(cat "$CSTATE/$rt/docker.pid" 2> /dev/null)
    hard=$(awk '/^Max open files/ { print $5 }' "/proc/$dpid/limits" 2> /dev/null)
    [ -n "$hard" ] || fail "no dockerd process (pid '$dpid' in $CSTATE/$rt/docker.pid)"
    report "$where: ${CASES[1]} (started in $((SECONDS - t0)) s)" "$rt"

    mark
    # 2. A container: the user namespace it is in, its network, oom_score_adj.
    show basic-w "${W[@]}" --network none && {
        expect basic-w uidmap "$WANT_UMAP" "uid_map (RootlessKit's: the default mode keeps the container in the caller's user namespace)"
        expect basic-w gidmap "$WANT_GMAP" "gid_map"
        expect basic-w net lo "/sys/class/net (a network namespace of its own)"
        expect basic-w ids "0 0 0" "uid, gid, groups"
        if [ "$rt" = runc ]; then
            expect basic-w oom 0 "oom_score_adj (Docker's spec says 0; the shim's own is 1)"
        fi
    }
    noted basic-w "^oci-rootless-runtime: create: bundle $CSTATE/$rt/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/[0-9a-f]{64}, .* mode auto \(default\), .*; runtime $(command -v "$rt") \(OCI_ROOTLESS_RUNTIME\)\$"
    show basic-c "${pl[@]}" --network none && {
        expect basic-c uidmap "$WANT_UMAP" "plain: uid_map"
        expect basic-c net lo "plain: /sys/class/net"
        w=$(val "$(out basic-w)" oom) c=$(val "$(out basic-c)" oom)
        if [ "$rt" = crun ]; then
            # crun 1.8 writes no oomScoreAdj of 0: the container keeps the shim's.
            [ "$w" = "$c" ] || fail "oom_score_adj: $w through the wrapper, $c plain: expected the same (crun writes no 0)"
        fi
    }
    report "$where: a container through the wrapper (mode auto, the default) stays in RootlessKit's user namespace (uid_map $WANT_UMAP), as plain Docker's does; lo only; oom_score_adj $(val "$(out basic-w)" oom) (plain $(val "$(out basic-c)" oom)); the wrapper got runtime $rt from dockerd-rootless.sh's environment" "$rt"

    mark
    # 3. --ulimit nofile=1048576:1048576: above the caller's hard limit
    # (20000 here); where the caller may have 1048576, both must give it.
    if [ "$hard" != unlimited ] && [ "${hard:-0}" -lt 1048576 ]; then
        drun ulimit-c "${pl[@]}" --network none --ulimit nofile=1048576:1048576 "$IMAGE" true
        refused ulimit-c 'rlimit.*operation not permitted'
        show ulimit-w "${W[@]}" --network none --ulimit nofile=1048576:1048576 \
            && expect ulimit-w nofile "$hard $hard" "ulimit -n, -Hn (lowered to the caller's hard limit)"
        noted ulimit-w "RLIMIT_NOFILE lowered to hard $hard, soft $hard \(was 1048576, 1048576\)"
        report "$where: --ulimit nofile=1048576:1048576: plain Docker fails ($(derr ulimit-c | grep -Eio '[^:]*rlimit[^:]*: operation not permitted' | sed 's/^ //' | head -1)); through the wrapper the container starts with nofile $hard (the hard limit of dockerd and so of its shim), and the wrapper's note says so" "$rt"
    else
        for c in ulimit-c ulimit-w; do
            if [ $c = ulimit-c ]; then show $c "${pl[@]}" --network none --ulimit nofile=1048576:1048576; else show $c "${W[@]}" --network none --ulimit nofile=1048576:1048576; fi \
                && expect $c nofile "1048576 1048576" "ulimit -n, -Hn"
        done
        report "$where: --ulimit nofile=1048576:1048576: dockerd's hard limit is $hard here, so plain Docker and the wrapper both give 1048576 (the refusal cannot be shown on this host)" "$rt"
    fi

    mark
    # 4. --pid host: the host's pid namespace (RootlessKit shares it).
    drun pid-c "${pl[@]}" --network none --pid host "$IMAGE" true
    refused pid-c 'proc.*operation not permitted'
    show pid-w "${W[@]}" --network none --pid host && {
        expect pid-w pidns "$HOST_PIDNS" "the pid namespace"
        expect pid-w init "$HOST_INIT" "/proc/1/cmdline (the host's init)"
    }
    noted pid-w '/proc: replaced the proc mount by a recursive bind'
    report "$where: --pid host: plain Docker fails (mounting proc: operation not permitted); through the wrapper the container is in the host's pid namespace ($HOST_PIDNS) and sees its init in /proc/1/cmdline" "$rt"

    mark
    # 5. --ipc host
    drun ipc-c "${pl[@]}" --network none --ipc host "$IMAGE" true
    refused ipc-c 'mqueue.*operation not permitted'
    show ipc-w "${W[@]}" --network none --ipc host && {
        expect ipc-w ipcns "$HOST_IPCNS" "the ipc namespace"
        expect ipc-w mqueue 0 "mounts on /dev/mqueue"
    }
    noted ipc-w '/dev/mqueue: removed the mqueue mount'
    report "$where: --ipc host: plain Docker fails (mounting mqueue: operation not permitted); through the wrapper the container is in the host's ipc namespace ($HOST_IPCNS), without /dev/mqueue" "$rt"

    mark
    # 6. --sysctl net.ipv4.ping_group_range: both ends must be mapped gids.
    drun sysctl-c "${pl[@]}" --network none --sysctl net.ipv4.ping_group_range="0 2147483647" "$IMAGE" true
    refused sysctl-c 'ping_group_range.*invalid argument'
    drun sysctl-w "${W[@]}" --network none --sysctl net.ipv4.ping_group_range="0 2147483647" "$IMAGE" cat /proc/sys/net/ipv4/ping_group_range
    if [ "$RC" != 0 ]; then
        fail "sysctl-w: docker run exit $RC: $(derr sysctl-w)"
    else
        [ "$(tr -s '\t ' ' ' < "$(out sysctl-w)")" = "0 $SUBG_COUNT" ] \
            || fail "sysctl-w: ping_group_range: expected '0 $SUBG_COUNT' (the mapped gids), got '$(cat "$(out sysctl-w)")'"
    fi
    noted sysctl-w "ping_group_range: narrowed from \"0 2147483647\" to \"0 $SUBG_COUNT\""
    report "$where: --sysctl net.ipv4.ping_group_range=\"0 2147483647\": plain Docker fails (invalid argument); through the wrapper the container starts with \"0 $SUBG_COUNT\", its mapped gids" "$rt"

    mark
    # 7. --network container:X: X's network namespace, X's interfaces.
    x=ocirl-netx-$rt
    dk run -d --name "$x" "${W[@]}" --network none "$IMAGE" sleep 300 > "$T/$rt/x.out" 2> "$T/$rt/x.err" \
        || fail "the container X did not start: $(oneline "$T/$rt/x.err")"
    local xnet xns
    xnet=$(dk exec "$x" sh -c 'ls /sys/class/net | paste -sd" " -' 2> /dev/null)
    xns=$(dk exec "$x" readlink /proc/self/ns/net 2> /dev/null)
    [ -n "$xns" ] || fail "docker exec in X failed"
    for c in netc-c netc-w; do
        if [ $c = netc-c ]; then show $c "${pl[@]}" --network "container:$x"; else show $c "${W[@]}" --network "container:$x"; fi || continue
        expect $c netns "$xns" "the network namespace (X's)"
        expect $c net "$xnet" "/sys/class/net (X's interfaces; the host's are '$HOST_NETS')"
        [ "$(val "$(out $c)" net)" = "$xnet" ] || fail "$c: the wrapper's notes: $(notes $c)"
        case $c in *-w) noted $c '^oci-rootless-runtime: create: bundle ' ;; *) plain $c ;; esac
    done
    report "$where: --network container:X: through the wrapper, as plain, the container is in X's network namespace and /sys/class/net shows X's interfaces ('$xnet'), not the host's ('$HOST_NETS')" "$rt"

    mark
    # 8. --network host: dockerd's own network namespace (lo, ocirl0, ocirl1).
    local dns dnets=""
    dns=$(readlink "/proc/$dpid/ns/net" 2> /dev/null)
    [ -n "$dpid" ] && dnets=$(nsenter -t "$dpid" -n ip -o link show 2> /dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | paste -sd' ')
    { [ -n "$dns" ] && [ "$dns" != "$(readlink /proc/self/ns/net)" ]; } \
        || fail "dockerd's network namespace: '$dns', the host's is $(readlink /proc/self/ns/net)"
    for c in neth-c neth-w; do
        if [ $c = neth-c ]; then show $c "${pl[@]}" --network host; else show $c "${W[@]}" --network host; fi || continue
        expect $c netns "$dns" "the network namespace (dockerd's)"
        expect $c net "$dnets" "/sys/class/net (dockerd's interfaces; the host's are '$HOST_NETS')"
        [ "$(val "$(out $c)" net)" = "$dnets" ] || fail "$c: the wrapper's notes: $(notes $c)"
        case $c in *-w) noted $c '^oci-rootless-runtime: create: bundle ' ;; *) plain $c ;; esac
    done
    report "$where: --network host: through the wrapper, as plain, the container is in dockerd's network namespace and /sys/class/net shows its interfaces ('$dnets'), not the host's ('$HOST_NETS')" "$rt"

    mark
    # 9. --memory 64m: accepted, recorded, not enforced (no cgroup driver).
    local alloc='dd if=/dev/zero of=/dev/null bs=100M count=1 2>/dev/null && echo allocated; cat /sys/fs/cgroup/memory/memory.limit_in_bytes'
    dk info --format '{{.CgroupDriver}}' > "$T/$rt/cgdriver" 2>&1
    grep -qx none "$T/$rt/cgdriver" || fail "docker info: expected Cgroup Driver none here, got $(oneline "$T/$rt/cgdriver")"
    dk info --format '{{json .Warnings}}' > "$T/$rt/warnings" 2>&1
    grep -q 'rootless-mode without cgroups' "$T/$rt/warnings" || fail "docker info: no warning that rootless mode runs without cgroups: $(oneline "$T/$rt/warnings")"
    for c in mem-c mem-w; do
        if [ $c = mem-c ]; then pl_or_w=("${pl[@]}"); else pl_or_w=("${W[@]}"); fi
        dk run -d --name "ocirl-$c-$rt" "${pl_or_w[@]}" --network none --memory 64m "$IMAGE" sh -c "$alloc; sleep 300" > /dev/null 2> "$(err $c)" \
            || { fail "$c: docker run -d --memory 64m failed: $(derr $c)"; continue; }
        [ "$(dk inspect -f '{{.HostConfig.Memory}}' "ocirl-$c-$rt" 2> /dev/null)" = 67108864 ] || fail "$c: docker inspect: HostConfig.Memory is not 67108864"
        for _ in $(seq 50); do [ "$(dk logs "ocirl-$c-$rt" 2> /dev/null | wc -l)" -ge 2 ] && break; sleep 0.1; done
        # the container's standard error holds the wrapper's notes
        dk logs "ocirl-$c-$rt" > "$(out $c)" 2>> "$(err $c)"
        grep -qx allocated "$(out $c)" || fail "$c: the container could not use 100 MB: $(oneline "$(out $c)")"
        [ "$(sed -n 2p "$(out $c)")" != 67108864 ] || fail "$c: memory.limit_in_bytes is 67108864: then this test's claim is wrong"
        dk rm -f "ocirl-$c-$rt" > /dev/null 2>&1
    done
    noted mem-w '^oci-rootless-runtime: create: bundle '
    grep -q 'linux.resources' "$(err mem-w)" && fail "mem-w: the wrapper changed linux.resources, though Docker wrote none: $(grep 'linux.resources' "$(err mem-w)" | head -c 300)"
    report "$where: --memory 64m: Docker accepts it (exit 0, HostConfig.Memory 67108864) but has no cgroup driver here (cgroup v1, no delegation; only docker info warns) and writes no limit; through the wrapper, as plain, the container allocates 100 MB: the limit is not enforced, and the wrapper has nothing to drop" "$rt"

    mark
    # 10. -v: a folder of the test user's, read and written.
    local v=$T/$rt/vol
    mkdir -p "$v/shared"
    echo from-host > "$v/in"
    chown -R "$RT_USER:" "$v"
    chmod 777 "$v/shared"
    for c in vol-c vol-w; do
        if [ $c = vol-c ]; then pl_or_w=("${pl[@]}"); else pl_or_w=("${W[@]}"); fi
        drun $c "${pl_or_w[@]}" --network none -v "$v:/vol" "$IMAGE" sh -c "cat /vol/in; stat -c '%u:%g' /vol/in; echo $c > /vol/$c; stat -c '%u:%g' /vol/$c"
        [ "$RC" = 0 ] || { fail "$c: docker run exit $RC: $(derr $c)"; continue; }
        [ "$(paste -sd' ' "$(out $c)")" = "from-host 0:0 0:0" ] || fail "$c: inside: expected 'from-host 0:0 0:0' (content, the host file's owner, the new file's owner), got '$(paste -sd' ' "$(out $c)")'"
        [ "$(cat "$v/$c" 2> /dev/null)" = $c ] || fail "$c: the file the container wrote is not on the host"
        case $c in *-w) noted $c '^oci-rootless-runtime: create: bundle ' ;; *) plain $c ;; esac
        [ "$(stat -c %u:%g "$v/$c" 2> /dev/null)" = "$UID_U:$GID_U" ] || fail "$c: on the host the new file belongs to $(stat -c %u:%g "$v/$c" 2> /dev/null), expected $UID_U:$GID_U (the test user)"
        # uid 1000 in the container writes into a folder open to all
        drun $c-u "${pl_or_w[@]}" --network none --user 1000:1000 -v "$v:/vol" "$IMAGE" sh -c "echo x > /vol/shared/$c && stat -c '%u:%g' /vol/shared/$c"
        { [ "$RC" = 0 ] && [ "$(cat "$(out $c-u)")" = 1000:1000 ]; } || fail "$c-u: --user 1000:1000 writing to the volume: exit $RC, owner inside '$(cat "$(out $c-u)")', expected 1000:1000: $(derr $c-u)"
        [ "$(stat -c %u:%g "$v/shared/$c" 2> /dev/null)" = "$((SUBU_START + 999)):$((SUBG_START + 999))" ] \
            || fail "$c-u: on the host the file of uid 1000 belongs to $(stat -c %u:%g "$v/shared/$c" 2> /dev/null), expected $((SUBU_START + 999)):$((SUBG_START + 999))"
    done
    report "$where: -v: through the wrapper, as plain, the container reads the host's file (owner $UID_U seen as 0) and writes files the host sees as $UID_U:$GID_U (root) and $((SUBU_START + 999)):$((SUBG_START + 999)) (uid 1000)" "$rt"

    mark
    # 11. --user 1000:1000 --group-add 2000 --group-add 5: inside, and the host's view.
    for c in user-c user-w; do
        if [ $c = user-c ]; then pl_or_w=("${pl[@]}"); else pl_or_w=("${W[@]}"); fi
        dk run -d --name "ocirl-$c-$rt" "${pl_or_w[@]}" --network none --user 1000:1000 --group-add 2000 --group-add 5 "$IMAGE" sleep 300 > /dev/null 2> "$(err $c)" \
            || { fail "$c: docker run -d failed: $(derr $c)"; continue; }
        dk exec "ocirl-$c-$rt" sh -c "$SHOW" > "$(out $c)" 2>&1
        if [ $c = user-w ]; then
            dk logs "ocirl-$c-$rt" >> "$(err $c)" 2>&1
            noted $c '^oci-rootless-runtime: create: bundle '
        fi
        expect $c ids "1000 1000 5 1000 2000" "id -u, id -g, Groups"
        local pid
        pid=$(dk inspect -f '{{.State.Pid}}' "ocirl-$c-$rt" 2> /dev/null)
        local hv
        hv=$(awk '/^Uid:/ { u = $2 } /^Gid:/ { g = $2 } /^Groups:/ { $1 = ""; sub(/^ /, ""); gr = $0 } END { print u, g, gr }' "/proc/$pid/status" 2> /dev/null)
        [ "$hv" = "$((SUBU_START + 999)) $((SUBG_START + 999)) $((SUBG_START + 4)) $((SUBG_START + 999)) $((SUBG_START + 1999))" ] \
            || fail "$c: the host's view of the process (uid gid groups): expected '$((SUBU_START + 999)) $((SUBG_START + 999)) $((SUBG_START + 4)) $((SUBG_START + 999)) $((SUBG_START + 1999))', got '$hv'"
        dk rm -f "ocirl-$c-$rt" > /dev/null 2>&1
    done
    report "$where: --user 1000:1000 --group-add 2000 --group-add 5: through the wrapper, as plain, the process is uid 1000, gid 1000, groups 5 1000 2000 inside, and subordinate ids on the host" "$rt"

    mark
    # 12. The life cycle through the shim: run -d, exec, stop (SIGTERM reaches
    # the container's shell: exit 0), start (a new create of the same
    # bundle), restart, rm -f; each start counted by the container itself.
    local n name
    for c in life-c life-w; do
        if [ $c = life-c ]; then pl_or_w=("${pl[@]}"); else pl_or_w=("${W[@]}"); fi
        name=ocirl-$c-$rt
        dk run -d --name "$name" "${pl_or_w[@]}" --network none "$IMAGE" \
            sh -c 'echo started; trap "exit 0" TERM; sleep 300 & wait' > /dev/null 2> "$(err $c)" \
            || { fail "$c: docker run -d failed: $(derr $c)"; continue; }
        # (with OCI_ROOTLESS_RUNTIME_DEBUG the wrapper's note of exec is on
        # the exec'd process's standard error)
        [ "$(dk exec "$name" id -u 2> /dev/null)" = 0 ] || fail "$c: docker exec id -u: $(dk exec "$name" id -u 2>&1 | head -c 200)"
        dk stop -t 10 "$name" > /dev/null 2>&1 || fail "$c: docker stop failed"
        [ "$(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$name" 2> /dev/null)" = "exited 0" ] \
            || fail "$c: after docker stop: expected 'exited 0' (the TERM trap), got '$(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$name" 2>&1)'"
        dk start "$name" > /dev/null 2>&1 || fail "$c: docker start (again) failed: $(dk start "$name" 2>&1 | head -c 300)"
        dk restart -t 10 "$name" > /dev/null 2>&1 || fail "$c: docker restart failed"
        [ "$(dk inspect -f '{{.State.Status}}' "$name" 2> /dev/null)" = running ] || fail "$c: not running after docker restart"
        for _ in $(seq 30); do
            n=$(dk logs "$name" 2> /dev/null | grep -c '^started$')
            [ "$n" -ge 3 ] && break
            sleep 0.1
        done
        [ "$n" = 3 ] || fail "$c: the container started $n times, expected 3 (run, start, restart)"
        dk logs "$name" >> "$(out $c)" 2>> "$(err $c)"
        case $c in
        *-w) [ "$(grep -c '^oci-rootless-runtime: create: bundle ' "$(err $c)")" = 3 ] \
            || fail "$c: expected 3 notes of the wrapper's create (run, start, restart): $(grep -c '^oci-rootless-runtime: create: bundle ' "$(err $c)")" ;;
        *) plain $c ;;
        esac
        dk rm -f "$name" > /dev/null 2>&1 || fail "$c: docker rm -f failed"
        dk inspect "$name" > /dev/null 2>&1 && fail "$c: the container is still there after docker rm -f"
    done
    report "$where: the life cycle through the wrapper, as plain: run -d, exec, stop (exit 0 from the container's TERM trap), start again, restart (three creates, each converted), rm -f" "$rt"

    stop_dockerd
    echo "# $where: $((SECONDS - t0)) s"
}

# dockerd in the host's network namespace (RootlessKit --net=host, no
# namespace of its own): libnetwork binds dockerd's namespace as the host
# sandbox and enters it with setns, which needs CAP_SYS_ADMIN over the
# initial user namespace, although dockerd is in it already.
hostnet_case() {
    local where="dockerd-rootless in the host's network namespace, runc" t0=$SECONDS c
    if ! start_dockerd hostnet runc 0 0; then
        fail "dockerd-rootless.sh did not start: $(tail -n 2 "$T/hostnet/dockerd.log" 2> /dev/null | cut -c1-300)"
        report "$where" hostnet
        stop_dockerd
        return
    fi
    dk load -i "$T/busybox-docker.tar" > "$T/hostnet/load.out" 2>&1 || fail "docker load: $(oneline "$T/hostnet/load.out")"
    # the first sandbox of the daemon must be the host one: later ones leave
    # dockerd's threads in their namespaces (setns back is refused too)
    mark
    for c in first-w first-c; do
        if [ $c = first-w ]; then drun $c "${W[@]}" --network host "$IMAGE" true; else drun $c --network host "$IMAGE" true; fi
        refused $c 'failed to create default sandbox: .*failed to set into network namespace .*operation not permitted'
    done
    report "$where: --network host cannot work: dockerd itself fails, with the wrapper and without ($(derr first-c | grep -o 'failed to set into network namespace[^.]*' | head -1)): the setns into the host's namespace needs privilege over the initial user namespace; the suite runs dockerd in a namespace of its own" hostnet
    stop_dockerd
    echo "# $where: $((SECONDS - t0)) s"
}

for rt in $RUNTIMES; do docker_cases "$rt"; done
hostnet_case
finish
