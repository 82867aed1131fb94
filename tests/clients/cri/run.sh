#!/usr/bin/env bash
# Kubernetes' path, for real: containerd's CRI plugin with the RuntimeClass
# handler of docs/containerd-config.toml, driven by a CRI client (cri.py)
# that sends what a kubelet sends for a pod with runtimeClassName
# oci-rootless. Output is TAP.
#
# containerd (Debian's 1.6) runs as the unprivileged test user inside
# `rootlesskit --net=host --copy-up=/etc --copy-up=/run --copy-up=/var/lib`
# (tests/runtime/rootless-ctrd.sh), once per real runtime (runc, crun: the
# wrapper gets OCI_ROOTLESS_RUNTIME from containerd's environment, which the
# shims keep), with the CRI plugin enabled and a config that is the docs'
# snippet as a user pastes it (only BinaryName changed to the build's
# wrapper) plus, visibly apart, what a rootless containerd needs. Images are
# built offline (busybox, and a pause image that sleeps) and imported into
# the k8s.io namespace; the pod network comes from a CNI plugin of this
# suite (cni-testnet.sh: lo and a veth pair inside the pod's namespace).
#
# Cases, each asserting what the containers printed to their CRI logs:
#   - the hand-written runtime-v1.proto matches the descriptor compiled into
#     containerd (and a wrong field number is caught);
#   - a pod with its own network (the CNI plugin's interfaces and address,
#     a fresh sysfs, the pod's hostname, uid_map, the wrapper's note: mode,
#     runtime, the cgroup path and the limits removed);
#   - a hostNetwork pod (network NODE): the host's interfaces and network
#     and uts namespaces;
#   - a pod sharing its pid namespace (pid POD): a container sees the pause
#     process and the other container;
#   - two containers in one pod: the same network, ipc and uts namespaces,
#     pid namespaces of their own; oom_score_adj as the kubelet sets it;
#   - controls: containerd's default handler (runc, no rootless knobs) fails
#     at RunPodSandbox; in mode userns the pod's containers lose /dev/mqueue
#     and see the host's /sys;
#   - once: the snippet with its default_runtime_name uncommented runs a pod
#     that names no handler through the wrapper.
# Everything started is stopped at the end, even on failure.
#
# Run: sudo OCI_ROOTLESS_RUNTIME_BIN=build/runtime/oci-rootless-runtime tests/clients/cri/run.sh
#      meson test -C build --suite cri --print-errorlogs
# Environment:
#   OCI_ROOTLESS_RUNTIME_BIN  the wrapper under test (required)
#   OCIRL_CRI_USER            the unprivileged test user (default ocirl-cri)
#   OCIRL_CRI_RUNTIMES        real runtimes (default "runc crun")
#   OCIRL_CRI_MODE            a mode for the pod cases ("mode =" in
#                             /etc/oci-rootless/runtime.conf inside
#                             RootlessKit; default: none, the wrapper's
#                             default mode)
#   OCIRL_CRI_KEEP=1          keep the temporary folder (configs, CRI logs,
#                             containerd's log, cri.py's results)
# It needs root (packages, the test user); as another user every case skips.
set -u
export LC_ALL=C PYTHONDONTWRITEBYTECODE=1

CRI_HERE=$(cd "$(dirname "$0")" && pwd)
# rootless-ctrd.sh keeps its temporary folder with OCIRL_RT_KEEP=1
[ "${OCIRL_CRI_KEEP:-0}" = 1 ] && export OCIRL_RT_KEEP=1
TOP=$(cd "$CRI_HERE/../../.." && pwd)
RT_USER=${OCIRL_CRI_USER:-ocirl-cri}
RUNTIMES=${OCIRL_CRI_RUNTIMES:-runc crun}
MODE=${OCIRL_CRI_MODE:-}
PACKAGES=(containerd rootlesskit runc crun uidmap busybox-static jq iproute2 util-linux procps containernetworking-plugins
    python3-grpcio python3-protobuf python3-grpc-tools)
PY=/usr/bin/python3 # Debian's, with its modules (root's python3 may be another)
BUSYBOX=docker.io/library/ocirl-busybox:test
PAUSE=docker.io/library/ocirl-pause:test
PAUSE_CMD='["/bin/sleep", "2147483647"]'
HANDLER=oci-rootless

# shellcheck source=../../lib/harness.sh
. "$TOP/tests/lib/harness.sh"
# rootless-ctrd.sh copies oci-image.sh and containerd-child.sh from $HERE
HERE=$TOP/tests/runtime
# shellcheck source=../../runtime/rootless-ctrd.sh
. "$HERE/rootless-ctrd.sh"

CASES=("the hand-written runtime.v1 proto against containerd's descriptor")
for rt in $RUNTIMES; do
    CASES+=("$rt: containerd with the CRI plugin" "$rt: a pod with its own network" "$rt: a hostNetwork pod"
        "$rt: a pod sharing its pid namespace" "$rt: two containers in one pod" "$rt: control: mode userns"
        "$rt: everything stopped")
    [ "$rt" = runc ] && CASES+=("$rt: control: containerd's default handler")
done
CASES+=("docs/containerd-config.toml with default_runtime_name uncommented: containerd" "docs/containerd-config.toml with default_runtime_name uncommented: a pod without a handler")

# ---------------------------------------------------------------- set-up
wrapper_bin
if [ "$(id -u)" != 0 ]; then
    for c in "${CASES[@]}"; do skip "$c" "needs root (installs packages, creates the test user $RT_USER)"; done
    finish
fi
ensure_packages bail "${PACKAGES[@]}"
for c in containerd ctr rootlesskit jq runuser nsenter busybox ip "$PY" /usr/lib/cni/loopback; do
    command -v "$c" > /dev/null || bail "$c not found (apt-get install ${PACKAGES[*]})"
done
ensure_test_user "$RT_USER"

# T, RUNDIR (/run/user/UID), CSTATE (containerd's state and sockets) and the
# EXIT trap that stops everything this run started (rootless-ctrd.sh).
ctrd_init ocirl-cri
UBIN=$(ctrd_user_bin "$BIN")
ctrd_image
sh "$T/oci-image.sh" "$T/pause.tar" ocirl-pause test "$T/pause-image" "$PAUSE_CMD" > "$T/pause.log" 2>&1 \
    || bail "cannot build the pause image: $(oneline "$T/pause.log")"
chmod 644 "$T/pause.tar"
install -m 755 "$CRI_HERE/cri.py" "$T/cri.py"
install -m 644 "$CRI_HERE/runtime-v1.proto" "$T/runtime-v1.proto"
mkdir -p "$T/cni-bin"
install -m 755 "$CRI_HERE/cni-testnet.sh" "$T/cni-bin/ocirl-testnet"
# containerd's CRI plugin adds a loopback network to every pod: Debian's plugin
ln -s /usr/lib/cni/loopback "$T/cni-bin/loopback"
"$PY" "$T/cri.py" compile "$T/runtime-v1.proto" "$T/gen" > "$T/compile.log" 2>&1 \
    || bail "cannot compile runtime-v1.proto: $(oneline "$T/compile.log")"
chmod -R a+rX "$T/gen"

HYBRID=0
if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2> /dev/null)" = cgroup2fs ] \
    && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2> /dev/null)" ]; then
    HYBRID=1
fi
hide_for() { [ "$1" = crun ] && [ $HYBRID = 1 ] && echo 1 || echo 0; }
# shellcheck disable=SC2012 # interface names: no spaces or newlines
HOST_NETS=$(ls /sys/class/net | paste -sd' ')
HOST_NAME=$(uname -n)
HOST_NETNS=$(readlink /proc/self/ns/net)
HOST_UTSNS=$(readlink /proc/self/ns/uts)
# The pod containers' user namespace: the wrapper's default inside
# RootlessKit keeps them in containerd's (inherit), whose map shows the
# test user and its subordinate ids; mode userns nests one of their own.
case ${MODE:-inherit} in
userns) WANT_UMAP="0 0 1|1 1 $SUBU_COUNT" ;;
*) WANT_UMAP="0 $UID_U 1|1 $SUBU_START $SUBU_COUNT" ;;
esac
echo "# wrapper $UBIN; test user $RT_USER uid $UID_U, subordinate uids $SUBU_START+$SUBU_COUNT; hybrid cgroups: $HYBRID; mode ${MODE:-(default)}"
echo "# host: network devices '$HOST_NETS', hostname $HOST_NAME"

cri() { # ARGS...: cri.py as the test user, from outside RootlessKit
    as_user PYTHONDONTWRITEBYTECODE=1 timeout -k 5 120 "$PY" "$T/cri.py" --gen "$T/gen" "$@"
}

# ---------------------------------------------------------------- 1. the proto
out=$T/check-proto.out
cri check-proto /usr/bin/containerd > "$out" 2>&1 || fail "the proto differs from containerd's: $(head -20 "$out")"
grep -q '^compared with /usr/bin/containerd (api.proto, package runtime.v1): [1-9]' "$out" || fail "no comparison: $(oneline "$out")"
# a control: the same proto with one field number and one type wrong
mkdir -p "$T/mutant"
sed 's/string runtime_handler = 2;/string runtime_handler = 3;/; s/int64 memory_limit_in_bytes = 4;/int32 memory_limit_in_bytes = 4;/' \
    "$T/runtime-v1.proto" > "$T/mutant/runtime-v1.proto"
"$PY" "$T/cri.py" compile "$T/mutant/runtime-v1.proto" "$T/mutant/gen" > "$T/mutant/compile.log" 2>&1 && chmod -R a+rX "$T/mutant"
as_user PYTHONDONTWRITEBYTECODE=1 "$PY" "$T/cri.py" --gen "$T/mutant/gen" check-proto /usr/bin/containerd > "$T/mutant/check.out" 2>&1 \
    && fail "a proto with a wrong field number passed the check"
grep -qx "RunPodSandboxRequest.runtime_handler: number 3, containerd's is 2" "$T/mutant/check.out" \
    || fail "the check did not name the wrong field number: $(oneline "$T/mutant/check.out")"
grep -qx "LinuxContainerResources.memory_limit_in_bytes: type TYPE_INT32, containerd's is TYPE_INT64" "$T/mutant/check.out" \
    || fail "the check did not name the wrong type: $(oneline "$T/mutant/check.out")"
report "${CASES[0]}: every message, field (number, type, label), enum value and RPC of runtime-v1.proto is the one compiled into /usr/bin/containerd ($(sed -n 's/^compared with .*: //p' "$out")); a copy with one wrong number and one wrong type fails, naming both"

# ---------------------------------------------------------------- helpers
# The containers print sections: a word alone on a line, then its lines.
# shellcheck disable=SC2016 # run by the container's shell
SHOW='echo uid_map; cat /proc/self/uid_map
echo gid_map; cat /proc/self/gid_map
echo net; ls /sys/class/net | paste -sd" "
echo addr; ip -4 addr | awk "/inet /{ print \$NF, \$2 }"
echo host; hostname
echo oom; cat /proc/self/oom_score_adj
echo ns; for n in net ipc uts pid mnt user; do echo "$n $(readlink /proc/self/ns/$n)"; done
echo procs; for p in /proc/[0-9]*; do echo "${p#/proc/} $(tr "\0" " " < "$p/cmdline")"; done
echo mounts; cat /proc/self/mounts
echo end'
section() { # FILE NAME: the lines after NAME up to the next section word
    awk -v s="$2" '/^(uid_map|gid_map|net|addr|host|oom|ns|procs|mounts|end)$/ { on = ($0 == s); next } on' "$1" 2> /dev/null
}
map_of() { section "$1" "$2" | awk 'NF == 3 { print $1, $2, $3 }' | paste -sd'|'; }
ns_of() { section "$1" ns | awk -v n="$2" '$1 == n { print $2 }'; }
# crilog LOG STREAM: the lines containerd wrote for STREAM (stdout, stderr)
# in its CRI log format: TIMESTAMP STREAM F|P TEXT
crilog() { awk -v s="$2" '$2 == s { sub(/^[^ ]+ [^ ]+ [^ ]+ ?/, ""); print }' "$1" 2> /dev/null; }

# pod NAME JSON: runs the plan (cri.py pod), leaving D/NAME.json (the
# result), D/NAME/CONTAINER.out (its standard output in the CRI log) and
# D/NAME/CONTAINER.err; sets RC and SID.
pod() {
    local name=$1 c
    printf '%s\n' "$2" > "$D/plans/$name.json"
    cri --socket "$SOCK" pod "$D/plans/$name.json" > "$D/$name.json" 2> "$D/$name.stderr"
    RC=$?
    SID=$(jq -r '.sandbox_id // empty' "$D/$name.json" 2> /dev/null)
    mkdir -p "$D/$name"
    for c in $(jq -r '.containers[].name' "$D/plans/$name.json"); do
        crilog "$D/pods/$name/$c/0.log" stdout > "$D/$name/$c.out"
        crilog "$D/pods/$name/$c/0.log" stderr > "$D/$name/$c.err"
    done
    printf '# %s: %s\n' "$name" "$(jq -r '[.times | to_entries[] | "\(.key) \(.value | map(tostring) | join("+")) s"] | join(", ")' "$D/$name.json" 2> /dev/null)"
}
# plan NAME NETWORK PID CONTAINERS-JSON [HANDLER]: a pod as a kubelet asks
# for it (metadata, hostname unless hostNetwork, log directory, cgroup
# parent, namespace options)
plan() {
    local uid
    uid=$(printf '%s' "$1" | sha256sum | cut -c1-8)-0000-4000-8000-$(printf '%s' "$1" | sha256sum | cut -c9-20)
    jq -n --arg name "$1" --arg uid "$uid" --arg net "$2" --arg pid "$3" --argjson cs "$4" \
        --arg handler "${5-$HANDLER}" --arg logs "$D/pods/$1" '{
        name: $name, uid: $uid, namespace: "default", handler: $handler,
        hostname: (if $net == "NODE" then "" else $name end),
        log_directory: $logs, cgroup_parent: "/kubepods/besteffort/pod\($uid)",
        network: $net, pid: $pid, ipc: "POD", containers: $cs}'
}
container() { # NAME PID WAIT SCRIPT: a busybox container running sh -c SCRIPT
    jq -cn --arg name "$1" --arg pid "$2" --arg wait "$3" --arg image "$BUSYBOX" --arg script "$4" \
        '{name: $name, image: $image, pid: $pid, wait: $wait, command: ["sh", "-c", $script]}'
}
# expect_ok NAME CONTAINER...: the pod ran, each container printed its
# sections to the end and exited 0 (or runs, when its plan waited for that)
expect_ok() {
    local name=$1 c st want
    shift
    [ "$RC" = 0 ] || fail "cri.py pod $name: exit $RC: $(jq -c '.error, .cleanup_errors' "$D/$name.json" 2> /dev/null | paste -sd' ') $(oneline "$D/$name.stderr")"
    for c in "$@"; do
        want="CONTAINER_EXITED 0"
        [ "$(jq -r --arg c "$c" '.containers[] | select(.name == $c) | .wait' "$D/plans/$name.json")" = running ] && want="CONTAINER_RUNNING 0"
        st=$(jq -r --arg c "$c" '.containers[] | select(.name == $c) | "\(.state) \(.exit_code)"' "$D/$name.json" 2> /dev/null)
        [ "$st" = "$want" ] || fail "container $c: expected $want, got '$st'"
        grep -qx end "$D/$name/$c.out" || fail "container $c: its CRI log $D/pods/$name/$c/0.log does not show it ran to its end: $(oneline "$D/pods/$name/$c/0.log")"
    done
}
expect_user() { # OUT: the container's user namespace map
    local got
    got=$(map_of "$1" uid_map)
    [ "$got" = "$WANT_UMAP" ] || fail "$(basename "$1" .out)'s /proc/self/uid_map: expected '$WANT_UMAP', got '$got'"
}
# expect_note ERR: the wrapper's note on create (OCI_ROOTLESS_RUNTIME_DEBUG=1
# writes it on the runtime's standard error, the container's: in the CRI log)
expect_note() {
    local note want_mode="mode auto \(default\)"
    [ -n "$MODE" ] && want_mode="mode $MODE \(/etc/oci-rootless/runtime.conf\)"
    note=$(grep '^oci-rootless-runtime: create: bundle ' "$1" 2> /dev/null | head -1)
    if [ -z "$note" ]; then
        fail "no note of the wrapper's create in the CRI log's stderr: $(oneline "$1")"
        return
    fi
    grep -Eq ": [1-9][0-9]* changes?, $want_mode, .*; runtime $(command -v "$rt") \(OCI_ROOTLESS_RUNTIME\)\$" <<< "$note" \
        || fail "the wrapper's note: expected changes, $want_mode and runtime $(command -v "$rt") from OCI_ROOTLESS_RUNTIME: $note"
}
# user_procs: the test user's processes that are still alive after 3 s
# (pid and command line), none when all have gone
user_procs() {
    local p left
    for _ in $(seq 30); do
        left=
        for p in $(pgrep -u "$RT_USER"); do alive "$p" && left="$left $p $(tr '\0' ' ' < "/proc/$p/cmdline" 2> /dev/null | cut -c1-80);"; done
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    echo "$left"
}
# set_mode [MODE]: "mode = MODE" in /etc/oci-rootless/runtime.conf inside
# RootlessKit (its /etc is a copy: the host's is not touched); none: no file
set_mode() {
    if [ -n "$1" ]; then
        # shellcheck disable=SC2016 # expanded by the inner shell
        ctrd_in "$D" sh -c 'mkdir -p /etc/oci-rootless && echo "mode = $1" > /etc/oci-rootless/runtime.conf' sh "$1"
    else
        ctrd_in "$D" rm -rf /etc/oci-rootless
    fi
}
report_details() { # D: containerd's last errors
    grep -E 'level=(error|warning)' "$1/containerd.log" 2> /dev/null | tail -8 | cut -c1-400 | sed 's/^/# containerd: /'
}

# start_cri KEY RUNTIME SNIPPET DESC: containerd with the CRI plugin, its
# config SNIPPET pasted between what the suite adds; D (T/cri-KEY) and SOCK;
# the images imported, Version and ImageStatus asked; reports the case;
# fails when containerd did not start (then it is stopped).
start_cri() {
    local key=$1 rt=$2 snippet=$3 desc=$4 c
    D=$T/cri-$key
    SOCK=$CSTATE/$key/containerd.sock
    mkdir -p "$D/root" "$D/cni/conf" "$D/cni/data" "$D/pods" "$D/plans"
    # The config: the docs' snippet as a user pastes it, only BinaryName
    # changed; before it (top-level keys) and after it (tables), what a
    # rootless containerd needs on this machine.
    {
        cat << EOF
# ---- added by tests/clients/cri/run.sh (top-level keys come first in TOML)
root = "$D/root"
state = "$CSTATE/$key"

# ---- $desc, pasted (BinaryName: the build's wrapper)
EOF
        sed "s|/usr/local/bin/oci-rootless-runtime|$UBIN|" "$snippet"
        cat << EOF

# ---- added by tests/clients/cri/run.sh: a socket of this run, the local
# pause image (offline), the CNI plugin of this suite, a streaming port the
# kernel picks (10010 may be taken)
[grpc]
  address = "$SOCK"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE"
  stream_server_port = "0"

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "$T/cni-bin"
  conf_dir = "$D/cni/conf"
EOF
    } > "$D/config.toml"
    jq -n --arg d "$D/cni/data" '{cniVersion: "1.0.0", name: "ocirl-test",
        plugins: [{type: "ocirl-testnet", dataDir: $d, subnet: "10.88.0"}]}' > "$D/cni/conf/10-ocirl-test.conflist"
    chown -R "$RT_USER:" "$D"
    chmod -R a+rX "$D"

    local env=(OCI_ROOTLESS_RUNTIME="$rt" OCI_ROOTLESS_RUNTIME_DEBUG=1)
    # libcni keeps its cache in /var/lib/cni: a copy-up of /var/lib
    # shellcheck disable=SC2034 # read by ctrd_start
    CTRD_RK_FLAGS=(--copy-up=/var/lib)
    local t0=$SECONDS
    if ! ctrd_start "$D" "$SOCK" "$D/config.toml" "$(hide_for "$rt")" "${env[@]}"; then
        fail "containerd did not start: $(oneline "$D/rootlesskit.log") $(tail -3 "$D/containerd.log" 2> /dev/null | tr '\n' ' ')"
        report "$rt: containerd with the CRI plugin and $desc starts as $RT_USER inside rootlesskit" "$D"
        stop_containerd
        return 1
    fi
    # The copied-up folders link to the host's entries: the host's
    # /etc/oci-rootless (a runtime.conf) and /var/lib/cni must not be used.
    ctrd_in "$D" rm -f /etc/oci-rootless /var/lib/cni
    set_mode "$MODE"
    for c in busybox pause; do
        CTR_TIMEOUT=60 ctrd_ctr "$D" "$SOCK" -n k8s.io images import "$T/$c.tar" > "$D/import-$c.out" 2>&1 \
            || fail "ctr -n k8s.io images import $c.tar: $(oneline "$D/import-$c.out")"
    done
    cri --socket "$SOCK" version > "$D/version.json" 2>&1 || fail "Version: $(oneline "$D/version.json")"
    jq -e '.runtime_name == "containerd" and .runtime_api_version == "v1"' "$D/version.json" > /dev/null 2>&1 \
        || fail "Version: expected containerd speaking runtime.v1: $(oneline "$D/version.json")"
    cri --socket "$SOCK" image-status "$BUSYBOX" "$PAUSE" > "$D/images.json" 2>&1 \
        || fail "ImageStatus: the CRI plugin does not see both imported images: $(oneline "$D/images.json")"
    grep -q 'failed to load plugin io.containerd.grpc.v1.cri' "$D/containerd.log" && fail "the CRI plugin did not load: $(grep 'io.containerd.grpc.v1.cri' "$D/containerd.log" | tail -1 | cut -c1-300)"
    report "$rt: containerd starts as $RT_USER inside rootlesskit with the CRI plugin and $desc (up and both images imported in $((SECONDS - t0)) s); Version says $(jq -r '"\(.runtime_name) \(.runtime_version), \(.runtime_api_version)"' "$D/version.json" 2> /dev/null); ImageStatus sees $BUSYBOX and $PAUSE in k8s.io" "$D"
}
# stop_cri: containerd and all below it stopped, and nothing of the test user left
stop_cri() {
    local left
    left=$(sweep "$RK_PID") || fail "processes left: $left"
    [ -n "$RK_PID" ] && wait "$RK_PID" 2> /dev/null
    RK_PID=
    left=$(user_procs)
    [ -z "$left" ] || fail "processes of $RT_USER left: $left"
}

# ================================================================ per runtime
cri_cases() { # RUNTIME
    local rt=$1 out c
    start_cri "$rt" "$rt" "$TOP/docs/containerd-config.toml" "the pasted docs/containerd-config.toml" || return

    # ---- a pod with a network of its own
    local name=net-$rt ip got
    pod "$name" "$(plan "$name" POD CONTAINER "[$(container show CONTAINER exit "$SHOW" |
        jq -c '. + {memory: 67108864, cpu_shares: 256}')]")"
    expect_ok "$name" show
    out=$D/$name/show.out
    [ "$(jq -r .handler "$D/$name.json")" = "$HANDLER" ] || fail "PodSandboxStatus: runtime_handler $(jq -r .handler "$D/$name.json"), not $HANDLER"
    expect_user "$out"
    [ "$(section "$out" net)" = "eth0 lo ocirl-peer0" ] || fail "/sys/class/net: expected the pod's 'eth0 lo ocirl-peer0' (a fresh sysfs of its own network namespace), got '$(section "$out" net)'"
    ip=$(jq -r '.ip // empty' "$D/$name.json")
    case $ip in 10.88.0.*) ;; *) fail "PodSandboxStatus: expected the CNI plugin's address 10.88.0.N, got '$ip'" ;; esac
    got=$(section "$out" addr | paste -sd' ')
    [ "$got" = "lo 127.0.0.1/8 eth0 $ip/24" ] || fail "addresses: expected 'lo 127.0.0.1/8 eth0 $ip/24', got '$got'"
    [ "$(section "$out" host)" = "$name" ] || fail "hostname: expected the pod's '$name', got '$(section "$out" host)'"
    [ "$(ns_of "$out" net)" != "$HOST_NETNS" ] || fail "the container is in the host's network namespace"
    section "$out" procs | grep -q '^1 sh -c ' || fail "pid 1 is not its own command (pid CONTAINER): $(section "$out" procs | head -3 | paste -sd'|')"
    expect_note "$D/$name/show.err"
    grep -q '^oci-rootless-runtime: linux.cgroupsPath: removed' "$D/$name/show.err" || fail "the wrapper did not remove the kubelet-style cgroupsPath: $(oneline "$D/$name/show.err")"
    section "$out" mounts | awk '$2 == "/dev/mqueue" && $3 == "mqueue"' | grep -q . || fail "/dev/mqueue: expected an mqueue mount (the pod's ipc namespace is the container's user namespace's): $(section "$out" mounts | awk '$2 ~ "^/dev/"' | paste -sd'|')"
    grep -q '^oci-rootless-runtime: /sys: ' "$D/$name/show.err" && fail "the wrapper changed /sys although the pod's network namespace is its user namespace's: $(grep '^oci-rootless-runtime: /sys: ' "$D/$name/show.err" | head -1 | cut -c1-200)"
    grep -q '^oci-rootless-runtime: linux.resources.*removed' "$D/$name/show.err" || fail "the wrapper did not say it removed the limits (linux.resources): $(oneline "$D/$name/show.err")"
    # oomScoreAdj 0 (no value from the kubelet): the shim raised its own to 1;
    # the kernel lets it go back to 0, and runc writes it. crun 1.8 writes no
    # 0, so its containers keep the shim's 1.
    got=$(section "$out" oom)
    case $rt in
    runc) [ "$got" = 0 ] || fail "oom_score_adj: expected the spec's 0, got '$got'" ;;
    *) case $got in 0 | 1) ;; *) fail "oom_score_adj: expected 0 (or 1: crun 1.8 writes no 0 and leaves the shim's), got '$got'" ;; esac ;;
    esac
    local oom_a=$got
    grep -qx "ADD $SID /var/run/netns/cni-[0-9a-f-]*" "$D/cni/data/calls.log" || fail "the CNI plugin had no ADD for $SID: $(oneline "$D/cni/data/calls.log")"
    grep -q "^DEL $SID " "$D/cni/data/calls.log" || fail "the CNI plugin had no DEL for $SID after StopPodSandbox: $(oneline "$D/cni/data/calls.log")"
    report "$rt: a pod with its own network through RuntimeClass handler $HANDLER: the container (uid_map $WANT_UMAP) sees the CNI plugin's eth0 $ip and ocirl-peer0 in a fresh /sys (the wrapper kept the sysfs mount), an mqueue at /dev/mqueue, the pod's hostname, itself as pid 1, oom_score_adj $oom_a (0 asked); the wrapper's note: ${MODE:-the default} mode, $rt, cgroupsPath and the limits removed (memory 64 MiB and cpu shares are not enforced: no cgroup delegation here); CNI ADD and DEL" "$D"

    # ---- hostNetwork
    name=hostnet-$rt
    pod "$name" "$(plan "$name" NODE CONTAINER "[$(container show CONTAINER exit "$SHOW")]")"
    expect_ok "$name" show
    out=$D/$name/show.out
    expect_user "$out"
    [ "$(section "$out" net)" = "$HOST_NETS" ] || fail "/sys/class/net: expected the host's '$HOST_NETS', got '$(section "$out" net)'"
    [ "$(ns_of "$out" net)" = "$HOST_NETNS" ] || fail "network namespace: expected the host's $HOST_NETNS, got '$(ns_of "$out" net)'"
    [ "$(ns_of "$out" uts)" = "$HOST_UTSNS" ] || fail "uts namespace: expected the host's $HOST_UTSNS, got '$(ns_of "$out" uts)'"
    [ "$(section "$out" host)" = "$HOST_NAME" ] || fail "hostname: expected the host's '$HOST_NAME', got '$(section "$out" host)'"
    [ -n "$SID" ] && grep -q " $SID " "$D/cni/data/calls.log" && fail "the CNI plugin was called for a hostNetwork pod"
    expect_note "$D/$name/show.err"
    for n in uts:uts network:net; do
        grep -Eq "^oci-rootless-runtime: linux.namespaces: removed \{\"type\": \"${n%:*}\", \"path\": \"/proc/[0-9]+/ns/${n#*:}\"\}: it is the caller's own" "$D/$name/show.err" \
            || fail "the wrapper's note does not say it removed containerd's ${n%:*} entry (/proc/SANDBOX/ns/${n#*:}, the caller's own): $(grep 'linux.namespaces' "$D/$name/show.err" | head -2 | cut -c1-200)"
    done
    report "$rt: a hostNetwork pod (network NODE): the wrapper removed containerd's uts and network entries (the caller's own, own-namespaces); the container is in the host's network and uts namespaces ($HOST_NETNS) and /sys/class/net lists the host's '$HOST_NETS'; no CNI call" "$D"

    # ---- a pod sharing its pid namespace
    name=sharepid-$rt
    local first=$D/$name/first.out
    # shellcheck disable=SC2016 # run by the container's shell
    pod "$name" "$(plan "$name" POD POD "[$(container first POD running 'for n in pid net ipc; do echo "$n $(readlink /proc/self/ns/$n)"; done; echo end; exec sleep 86399'),
        $(container second POD exit "$SHOW")]")"
    expect_ok "$name" first second
    out=$D/$name/second.out
    [ "$(jq -r '.containers[0].state' "$D/$name.json")" = CONTAINER_RUNNING ] || fail "the first container was not running: $(jq -c '.containers[0]' "$D/$name.json")"
    expect_user "$out"
    section "$out" procs | grep -qx '1 /bin/sleep 2147483647 ' || fail "pid 1 is not the pause process (/bin/sleep 2147483647): $(section "$out" procs | head -3 | paste -sd'|')"
    section "$out" procs | grep -Eq '^[0-9]+ sleep 86399 $' || fail "the first container's process (sleep 86399) is not seen: $(section "$out" procs | paste -sd'|')"
    got=$(awk '$1 == "pid" { print $2 }' "$first")
    { [ -n "$got" ] && [ "$got" = "$(ns_of "$out" pid)" ]; } || fail "pid namespaces: the first container's '$got', the second's '$(ns_of "$out" pid)'"
    report "$rt: a pod sharing its pid namespace (pid POD): the second container sees the pause process as pid 1 and the first container's sleep, in the same pid namespace" "$D"

    # ---- two containers in one pod
    name=two-$rt
    # the first keeps running: namespaces of containers alive at once (the
    # kernel reuses the inode numbers of namespaces that have gone)
    # and their oom_score_adj as the kubelet sets it: 1000 for a BestEffort
    # pod's container, -997 for a Guaranteed one's
    pod "$name" "$(plan "$name" POD CONTAINER "[$(container one CONTAINER running "$SHOW; exec sleep 86398" | jq -c '. + {oom_score_adj: 1000}'),
        $(container two CONTAINER exit "$SHOW" | jq -c '. + {oom_score_adj: -997}')]")"
    expect_ok "$name" one two
    local a=$D/$name/one.out b=$D/$name/two.out n
    for c in "$a" "$b"; do
        expect_user "$c"
        [ "$(section "$c" net)" = "eth0 lo ocirl-peer0" ] || fail "$(basename "$c" .out): /sys/class/net '$(section "$c" net)', not the pod's"
    done
    for n in net ipc uts; do
        { [ -n "$(ns_of "$a" $n)" ] && [ "$(ns_of "$a" $n)" = "$(ns_of "$b" $n)" ]; } || fail "$n namespace: expected one for the pod, got '$(ns_of "$a" $n)' and '$(ns_of "$b" $n)'"
    done
    for n in pid mnt; do
        [ "$(ns_of "$a" $n)" != "$(ns_of "$b" $n)" ] || fail "$n namespace: expected one for each container, both are '$(ns_of "$a" $n)'"
    done
    got=$(section "$b" addr | paste -sd' ')
    { [ "$(section "$a" addr | paste -sd' ')" = "$got" ] && [ "$got" = "lo 127.0.0.1/8 eth0 $(jq -r .ip "$D/$name.json")/24" ]; } \
        || fail "addresses: '$(section "$a" addr | paste -sd' ')' and '$got', the pod's $(jq -r .ip "$D/$name.json")"
    got=$(section "$a" oom)
    [ "$got" = 1000 ] || fail "one (BestEffort): oom_score_adj: expected 1000, got '$got'"
    got=$(section "$b" oom)
    # the wrapper raises -997 to the lowest the kernel lets the shim set (its
    # floor, 0 here); crun 1.8 writes no 0, so its container keeps the shim's 1
    local raised
    raised=$(sed -n 's/^oci-rootless-runtime: process.oomScoreAdj: raised from -997 to \(-\{0,1\}[0-9]*\), .*/\1/p' "$D/$name/two.err" | head -1)
    [ -n "$raised" ] || fail "two (Guaranteed, -997): no note of oomScoreAdj raised: $(grep oomScoreAdj "$D/$name/two.err" | cut -c1-200)"
    case $rt:$raised:$got in
    *:"$got":"$got" | crun:0:1) ;;
    *) fail "two (Guaranteed, -997): oom_score_adj $got, but the wrapper's note says raised to '$raised'" ;;
    esac
    case $raised in 0 | 1) ;; *) fail "two (Guaranteed, -997): expected oom_score_adj raised to the shim's floor (0 or 1), got '$raised'" ;; esac
    report "$rt: two containers in one pod, each with its own CRI log: one network, ipc and uts namespace (the pod's eth0 $(jq -r .ip "$D/$name.json")), a pid and mount namespace each; oom_score_adj 1000 (BestEffort) kept, -997 (Guaranteed) raised to the shim's floor, $raised, as the wrapper's note says (the container has $(section "$b" oom): crun 1.8 writes no 0)" "$D"

    # ---- control: the wrapper in mode userns (/etc/oci-rootless/runtime.conf
    # in RootlessKit's /etc) nests a user namespace for each container,
    # which owns neither the pod's ipc nor its network namespace (both made
    # by containerd and the sandbox): the container starts without
    # /dev/mqueue (ipc-mounts removes it) and with the host's /sys beside the
    # pod's network.
    name=userns-$rt
    set_mode userns
    pod "$name" "$(plan "$name" POD CONTAINER "[$(container show CONTAINER exit "$SHOW")]")"
    set_mode "$MODE"
    out=$D/$name/show.out
    expect_ok "$name" show
    local nested="0 0 1|1 1 $SUBU_COUNT" pod_ip
    [ "$(map_of "$out" uid_map)" = "$nested" ] || fail "mode userns: expected a user namespace nested in containerd's (uid_map $nested), got '$(map_of "$out" uid_map)'"
    pod_ip=$(jq -r '.ip // empty' "$D/$name.json")
    { [ -n "$pod_ip" ] && section "$out" addr | grep -qx "eth0 $pod_ip/24"; } || fail "mode userns: the container is not in the pod's network ($pod_ip): $(section "$out" addr | paste -sd' ')"
    [ "$(section "$out" net)" = "$HOST_NETS" ] || fail "mode userns: expected /sys/class/net to be the host's '$HOST_NETS' (a bind: the nested user namespace cannot mount the pod's sysfs), got '$(section "$out" net)'"
    section "$out" mounts | awk '$2 == "/dev/mqueue"' | grep -q . && fail "mode userns: expected no /dev/mqueue, got: $(section "$out" mounts | awk '$2 == "/dev/mqueue"')"
    grep -q '^oci-rootless-runtime: /dev/mqueue: removed the mqueue mount: the container joins the ipc namespace at ' "$D/$name/show.err" \
        || fail "mode userns: the wrapper's note does not say it removed /dev/mqueue: $(grep mqueue "$D/$name/show.err" | cut -c1-200)"
    report "$rt: control: in mode userns (runtime.conf) the pod's container starts in a nested user namespace (uid_map $nested) without /dev/mqueue (the wrapper removed it: the pod's ipc namespace is not its user namespace's) and with the host's /sys ('$HOST_NETS') while its network is the pod's (eth0 $pod_ip): the default mode is what gives pods their own" "$D"

    # ---- control: containerd's default handler, plain runc, no rootless knobs
    if [ "$rt" = runc ]; then
        name=default-$rt
        pod "$name" "$(plan "$name" POD CONTAINER "[$(container show CONTAINER exit "$SHOW")]" "")"
        got=$(jq -r '.error | "\(.rpc): \(.details)"' "$D/$name.json" 2> /dev/null)
        [ "$RC" != 0 ] || fail "the default handler: expected RunPodSandbox to fail, the pod ran"
        grep -Eq '^RunPodSandbox: .*mkdir /sys/fs/cgroup/[^ :]+: permission denied' <<< "$got" || fail "the default handler: expected RunPodSandbox to fail on a cgroup (mkdir /sys/fs/cgroup/...: permission denied): $got"
        report "$rt: control: containerd's default handler (runc, no rootless knobs) fails at RunPodSandbox: $(grep -Eo 'mkdir /sys/fs/cgroup/[^ :]+: permission denied' <<< "$got" | head -1)" "$D"
    fi

    # ---- stop it all
    stop_cri
    report "$rt: containerd, RootlessKit, the shims and the containers are stopped; no process of $RT_USER is left"
}

# ================================================================ the snippet's other way
# "To run every CRI container through it, uncomment default_runtime_name":
# done as the snippet says, a pod without a RuntimeClass (no handler) runs
# through the wrapper.
default_runtime_cases() { # RUNTIME
    local rt=$1 name out snippet=$T/containerd-config-default.toml
    sed -e 's/^# \(\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\]\)$/\1/' \
        -e 's/^#   \(default_runtime_name = "oci-rootless"\)$/  \1/' "$TOP/docs/containerd-config.toml" > "$snippet"
    if [ "$(diff "$TOP/docs/containerd-config.toml" "$snippet" | grep -c '^>')" != 2 ]; then
        fail "docs/containerd-config.toml has no commented-out default_runtime_name = \"oci-rootless\" under its [plugins.\"io.containerd.grpc.v1.cri\".containerd] line"
        report "$rt: docs/containerd-config.toml with default_runtime_name uncommented"
        return
    fi
    start_cri "default-$rt" "$rt" "$snippet" "docs/containerd-config.toml with default_runtime_name uncommented" || return
    name=nohandler-$rt
    pod "$name" "$(plan "$name" POD CONTAINER "[$(container show CONTAINER exit "$SHOW")]" "")"
    expect_ok "$name" show
    out=$D/$name/show.out
    expect_user "$out"
    expect_note "$D/$name/show.err"
    [ "$(section "$out" net)" = "eth0 lo ocirl-peer0" ] || fail "/sys/class/net: expected the pod's 'eth0 lo ocirl-peer0', got '$(section "$out" net)'"
    stop_cri
    report "$rt: with default_runtime_name = \"oci-rootless\" uncommented in the snippet, a pod without a RuntimeClass (no handler) runs through the wrapper (its note, uid_map $WANT_UMAP, the pod's interfaces); containerd stopped, nothing left" "$D"
}

for rt in $RUNTIMES; do
    if ! command -v "$rt" > /dev/null; then
        skip "$rt: the CRI cases" "$rt is not installed"
        continue
    fi
    t0=$SECONDS
    cri_cases "$rt"
    echo "# $rt: $((SECONDS - t0)) s"
done
# once, with the first runtime
for rt in $RUNTIMES; do
    command -v "$rt" > /dev/null || continue
    default_runtime_cases "$rt"
    break
done
finish
