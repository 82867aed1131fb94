#!/usr/bin/env bash
# Real clients of oci-rootless-runtime, as an unprivileged user. Output is TAP.
#
#  1. containerd (Debian's containerd 1.6), started by the test user inside
#     `rootlesskit --net=host --copy-up=/etc --copy-up=/run
#     --propagation=rslave` (as nerdctl's containerd-rootless.sh does), with
#     a config that imports docs/containerd-config.toml (only its path
#     changed). A busybox image built here as an OCI archive
#     (oci-image.sh) is imported with `ctr images import`; then, through
#     nsenter into RootlessKit's namespaces: `ctr run --runc-binary WRAPPER`
#     (own network namespace, and --net-host), a detached container through
#     the whole shim life cycle (run -d, kill, task rm), the docs' runtime
#     handler (its runtime_type and BinaryName) passed to ctr, and the same
#     `ctr run` without the wrapper (negative control: the runtime's error).
#     Under runc and crun: the wrapper gets OCI_ROOTLESS_RUNTIME through
#     containerd's environment, which the shims keep.
#  2. Podman 4.3 (Debian's podman), as the test user: `podman load` of the
#     same archive, `podman --runtime WRAPPER run`, `podman --runtime
#     oci-rootless run` with docs/containers.conf installed in the user's
#     containers.conf.d, Podman with the runtime alone, and mode inherit. The wrapper's settings come from
#     /etc/oci-rootless/runtime.conf, put there by an overlay of /etc in a
#     mount namespace of the test's own (the host's /etc is not touched):
#     Podman runs `start` and `delete` with only PATH and XDG_RUNTIME_DIR in
#     the environment, so an OCI_ROOTLESS_RUNTIME would not reach them.
#
# Everything started is stopped at the end, even on failure: containers by
# their init pids, shims, containerd and RootlessKit, Podman's pause process.
#
# Run: sudo OCI_ROOTLESS_RUNTIME_BIN=build/runtime/oci-rootless-runtime tests/runtime/clients.sh
# Environment:
#   OCI_ROOTLESS_RUNTIME_BIN  the wrapper under test (required)
#   OCIRL_RT_USER             the unprivileged test user (default ocirl-rt)
#   OCIRL_RT_RUNTIMES         real runtimes (default "runc crun")
#   OCIRL_RT_CLIENTS          clients (default "containerd podman")
#   OCIRL_RT_KEEP=1           keep the temporary folder
# It needs root (packages, the test user); as another user every case skips.
set -u
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
RT_USER=${OCIRL_RT_USER:-ocirl-rt}
RUNTIMES=${OCIRL_RT_RUNTIMES:-runc crun}
CLIENTS=${OCIRL_RT_CLIENTS:-containerd podman}
PACKAGES=(runc crun uidmap rootlesskit busybox-static jq containerd podman util-linux)
IMAGE=docker.io/library/ocirl-busybox:test

# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"
# shellcheck source=rootless-ctrd.sh
. "$HERE/rootless-ctrd.sh"

# ---------------------------------------------------------------- set-up
wrapper_bin

if [ "$(id -u)" != 0 ]; then
    for c in $CLIENTS; do for rt in $RUNTIMES; do skip "$c, $rt" "needs root (installs packages, creates the test user $RT_USER)"; done; done
    finish
fi
ensure_packages warn "${PACKAGES[@]}"
for c in jq runuser nsenter unshare busybox; do
    command -v "$c" > /dev/null || bail "$c not found (apt-get install ${PACKAGES[*]})"
done

ensure_test_user "$RT_USER"

# T, RUNDIR (/run/user/UID: containerd's state and socket), CSTATE, and the
# cleanup (rootless-ctrd.sh): everything started is found by pid and stopped.
ctrd_init ocirl-clients

# The wrapper must be runnable by the test user; if its folder is not, a copy.
UBIN=$(ctrd_user_bin "$BIN")

# The image, as an OCI archive.
ctrd_image

HYBRID=0
if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2> /dev/null)" = cgroup2fs ] \
    && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2> /dev/null)" ]; then
    HYBRID=1
fi
hide_for() { [ "$1" = crun ] && [ $HYBRID = 1 ] && echo 1 || echo 0; }
rt_path() { command -v "$1"; }
echo "# wrapper $UBIN; test user $RT_USER uid $UID_U, subordinate uids $SUBU_START+$SUBU_COUNT, gids $SUBG_START+$SUBG_COUNT; hybrid cgroups: $HYBRID"

# What a container printed: the lines of its uid_map or gid_map, joined by '|'.
# The containers print "uid_map", the map, "gid_map", the map, "mounts",
# /proc/self/mounts, "id" and `id -u`:`id -g`.
SHOW='echo uid_map; cat /proc/self/uid_map; echo gid_map; cat /proc/self/gid_map; echo mounts; cat /proc/self/mounts; echo id; echo "$(id -u):$(id -g)"; echo net; ls /sys/class/net | paste -sd" "; echo end'
section() { # FILE NAME: the lines after NAME up to the next section word
    awk -v s="$2" '/^(uid_map|gid_map|mounts|id|net|end)$/ { on = ($0 == s); next } on' "$1" 2> /dev/null
}
map_of() { section "$1" "$2" | awk 'NF == 3 { print $1, $2, $3 }' | paste -sd'|'; }
mount_of() { section "$1" mounts | awk -v d="$2" '$2 == d' | head -1; }
# expect_container OUT WANT-UIDMAP WANT-GIDMAP: what every started container must show
expect_container() {
    local out=$1 got
    grep -qx end "$out" 2> /dev/null || { fail "the container did not run to its end: $(oneline "$out")"; return; }
    got=$(map_of "$out" uid_map)
    [ "$got" = "$2" ] || fail "the container's /proc/self/uid_map: expected '$2', got '$got'"
    got=$(map_of "$out" gid_map)
    [ "$got" = "$3" ] || fail "the container's /proc/self/gid_map: expected '$3', got '$got'"
    got=$(section "$out" id)
    [ "$got" = "0:0" ] || fail "the container's process: expected uid:gid 0:0, got '$got'"
}
# containerd and Podman run the runtime as root in a user namespace (RootlessKit's,
# Podman's), where the default mode is inherit: the container stays in it and
# shows its map, the user's id then its subordinate ids
WANT_UMAP="0 $UID_U 1|1 $SUBU_START $SUBU_COUNT"
WANT_GMAP="0 $GID_U 1|1 $SUBG_START $SUBG_COUNT"
HOST_NETS=$(ls /sys/class/net | paste -sd' ')

# ================================================================ 1. containerd
containerd_cases() { # RUNTIME
    local rt=$1
    local D=$T/containerd-$rt hide out r
    local where="containerd in rootlesskit, $rt"
    hide=$(hide_for "$rt")
    mkdir -p "$D/root"
    # The docs' snippet, only its path changed; the rest of the config
    # (folders, socket, no CRI plugin) imports it.
    sed "s|/usr/local/bin/oci-rootless-runtime|$UBIN|" "$TOP/docs/containerd-config.toml" > "$D/oci-rootless.toml"
    local sock=$CSTATE/$rt/containerd.sock
    cat > "$D/config.toml" << EOF
version = 2
root = "$D/root"
state = "$CSTATE/$rt"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
imports = ["$D/oci-rootless.toml"]

[grpc]
  address = "$sock"
EOF
    chown -R "$RT_USER:" "$D"
    chmod -R a+rX "$D"

    # Start containerd inside RootlessKit, as the test user.
    ctr_() { ctrd_ctr "$D" "$sock" "$@"; } # ctr, as the test user, in RootlessKit's user and mount namespaces
    local up=0
    ctrd_start "$D" "$sock" "$D/config.toml" "$hide" OCI_ROOTLESS_RUNTIME="$rt" OCI_ROOTLESS_RUNTIME_DEBUG=1 && up=1
    if [ $up = 0 ]; then
        fail "containerd did not start: $(oneline "$D/rootlesskit.log") $(tail -3 "$D/containerd.log" 2> /dev/null | tr '\n' ' ')"
        report "$where: containerd starts as $RT_USER inside rootlesskit and imports the OCI archive"
        stop_containerd
        return
    fi
    ctr_ images import "$T/busybox.tar" > "$D/import.out" 2> "$D/import.err" || fail "ctr images import failed: $(oneline "$D/import.err")"
    ctr_ images ls -q > "$D/images.out" 2>&1
    grep -qxF "$IMAGE" "$D/images.out" || fail "the image $IMAGE is not listed after the import: $(oneline "$D/images.out")"
    report "$where: containerd starts as $RT_USER inside rootlesskit (config importing docs/containerd-config.toml) and imports the OCI archive built here ($IMAGE)"

    # The wrapper's note on create: containerd's environment reached it
    # (OCI_ROOTLESS_RUNTIME_DEBUG=1 writes it on the runtime's standard
    # error, which is the container's, so ctr shows it).
    expect_note() { # ERRFILE ID
        local note
        note=$(grep -F "oci-rootless-runtime: create: bundle $CSTATE/$rt/io.containerd.runtime.v2.task/default/$2," "$1" 2> /dev/null)
        if [ -z "$note" ]; then
            fail "no note of the wrapper's create on ctr's standard error: $(oneline "$1")"
            return
        fi
        grep -Eq ": [1-9][0-9]* changes, mode auto \(default\), cgroups auto \(default\) for the cgroupfs driver, no rule skipped \(default\); runtime $(rt_path "$rt") \(OCI_ROOTLESS_RUNTIME\)\$" <<< "$note" \
            || fail "the wrapper's note: expected some changes, mode auto and runtime $(rt_path "$rt") from OCI_ROOTLESS_RUNTIME: $note"
        grep -q '^oci-rootless-runtime: linux.cgroupsPath: removed' "$1" || fail "the wrapper did not remove ctr's cgroupsPath: $(oneline "$1")"
    }

    # 1. ctr run --runc-binary WRAPPER: the container has a network namespace of its own.
    out=$D/run.out
    ctr_ run --rm --runc-binary "$UBIN" "$IMAGE" "run-$rt" sh -c "$SHOW" > "$out" 2> "$D/run.err"
    r=$?
    [ $r = 0 ] || fail "ctr run exit $r: $(oneline "$D/run.err")"
    expect_container "$out" "$WANT_UMAP" "$WANT_GMAP"
    expect_note "$D/run.err" "run-$rt"
    mount_of "$out" / | grep -q '^overlay / overlay ' || fail "/ is not the overlayfs snapshot: $(mount_of "$out" /)"
    mount_of "$out" /sys | grep -Eq '^sysfs /sys sysfs ro,' || fail "/sys: expected a fresh read-only sysfs (own network namespace): $(mount_of "$out" /sys)"
    mount_of "$out" /dev/pts | grep -Eq '^devpts /dev/pts devpts .*[ ,]gid=[0-9]+' || fail "/dev/pts: expected devpts with its gid= option kept (gid 5 is mapped): $(mount_of "$out" /dev/pts)"
    mount_of "$out" /dev/mqueue | grep -q '^mqueue ' || fail "/dev/mqueue: expected an mqueue mount: $(mount_of "$out" /dev/mqueue)"
    [ "$(section "$out" net)" = lo ] || fail "network devices: expected only lo (a network namespace of its own), got '$(section "$out" net)'"
    report "$where: ctr run --runc-binary oci-rootless-runtime: the container starts as root of RootlessKit's user namespace, where the default mode (inherit) keeps it (uid_map $WANT_UMAP), with overlayfs /, a fresh sysfs, devpts gid= kept, mqueue; the wrapper converted ctr's spec with $rt"

    # 2. --net-host: no network namespace of its own, so /sys is the host's, bound.
    out=$D/nethost.out
    ctr_ run --rm --net-host --runc-binary "$UBIN" "$IMAGE" "nethost-$rt" sh -c "$SHOW" > "$out" 2> "$D/nethost.err"
    r=$?
    [ $r = 0 ] || fail "ctr run --net-host exit $r: $(oneline "$D/nethost.err")"
    expect_container "$out" "$WANT_UMAP" "$WANT_GMAP"
    expect_note "$D/nethost.err" "nethost-$rt"
    mount_of "$out" /sys | grep -Eq '^sysfs /sys sysfs ro,' || fail "/sys: expected a read-only sysfs: $(mount_of "$out" /sys)"
    section "$out" mounts | awk '$2 ~ "^/sys/fs/cgroup/"' | grep -q . || fail "/sys: no submounts under /sys/fs/cgroup, so not a recursive bind of the host's /sys"
    [ "$(section "$out" net)" = "$HOST_NETS" ] || fail "network devices: expected the host's '$HOST_NETS', got '$(section "$out" net)'"
    report "$where: ctr run --net-host --runc-binary oci-rootless-runtime: starts; /sys is the host's, bound read-only with its submounts; the host's network devices"

    # 3. The life cycle through the shim: run -d, task ls, kill TERM, task rm, container rm.
    local id=detached-$rt bundle=$CSTATE/$rt/io.containerd.runtime.v2.task/default/detached-$rt
    ctr_ run -d --runc-binary "$UBIN" "$IMAGE" "$id" sh -c 'trap "exit 0" TERM; sleep 60 & wait' > "$D/d-run.out" 2> "$D/d-run.err" \
        || fail "ctr run -d: $(oneline "$D/d-run.err")"
    ctr_ task ls > "$D/d-ls1.out" 2>&1
    awk -v id="$id" '$1 == id { print $3 }' "$D/d-ls1.out" | grep -qx RUNNING || fail "ctr task ls: $id is not RUNNING: $(oneline "$D/d-ls1.out")"
    # converted in the default mode, inherit: no user namespace, no mappings, no cgroup settings
    jq -e '
        ([.linux.namespaces[] | select(.type == "user")] | length) == 0
        and (.linux | has("uidMappings") or has("gidMappings") or has("cgroupsPath") or has("resources") | not)' "$bundle/config.json" > /dev/null 2>&1 \
        || fail "the bundle's config.json is not converted: $(jq -c '.linux | {namespaces, uidMappings, cgroupsPath}' "$bundle/config.json" 2>&1 | head -c 300)"
    jq -e --arg b "$UBIN" '.binary_name == $b' "$bundle/options.json" > /dev/null 2>&1 || fail "the shim's options: $(oneline "$bundle/options.json")"
    ctr_ task kill "$id" > "$D/d-kill.out" 2>&1 || fail "ctr task kill: $(oneline "$D/d-kill.out")"
    local stopped=0
    for _ in $(seq 50); do
        ctr_ task ls 2> /dev/null | awk -v id="$id" '$1 == id { print $3 }' | grep -qx STOPPED && { stopped=1; break; }
        sleep 0.1
    done
    [ $stopped = 1 ] || fail "after ctr task kill (SIGTERM) the task is not STOPPED"
    ctr_ task rm "$id" > "$D/d-rm.out" 2>&1 || fail "ctr task rm: $(oneline "$D/d-rm.out")"
    grep -q 'non-zero exit code' "$D/d-rm.out" && fail "the container did not exit 0 on SIGTERM: $(oneline "$D/d-rm.out")"
    ctr_ containers rm "$id" > "$D/d-crm.out" 2>&1 || fail "ctr containers rm: $(oneline "$D/d-crm.out")"
    [ -z "$(ctr_ containers ls -q 2> /dev/null)" ] || fail "containers left: $(ctr_ containers ls -q 2>&1 | paste -sd' ')"
    [ -e "$bundle" ] && fail "the bundle $bundle is still there"
    report "$where: the shim's life cycle through the wrapper: run -d (RUNNING, the bundle's config.json converted, BinaryName the wrapper), kill (SIGTERM, exit 0), task rm, containers rm"

    # 4. The runtime handler of docs/containerd-config.toml: ctr does not
    # read CRI handlers, so its type and options are given to ctr as flags.
    containerd --config "$D/oci-rootless.toml" config dump > "$D/dump.toml" 2> "$D/dump.err"
    local rtype bname
    rtype=$(awk '/^ *\[/ { s = $0; gsub(/^ +/, "", s) } s == "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.oci-rootless]" && /^ *runtime_type = / { gsub(/.*= *"|"$/, ""); print }' "$D/dump.toml")
    bname=$(awk '/^ *\[/ { s = $0; gsub(/^ +/, "", s) } s == "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.oci-rootless.options]" && /^ *BinaryName = / { gsub(/.*= *"|"$/, ""); print }' "$D/dump.toml")
    if [ -z "$rtype" ] || [ -z "$bname" ]; then
        fail "containerd's dump of the snippet has no handler oci-rootless with runtime_type and BinaryName: $(oneline "$D/dump.err")"
    else
        [ "$bname" = "$UBIN" ] || fail "the handler's BinaryName is $bname, not the wrapper"
        out=$D/handler.out
        ctr_ run --rm --runtime "$rtype" --runc-binary "$bname" "$IMAGE" "handler-$rt" sh -c "$SHOW" > "$out" 2> "$D/handler.err"
        r=$?
        [ $r = 0 ] || fail "ctr run --runtime $rtype --runc-binary $bname: exit $r: $(oneline "$D/handler.err")"
        expect_container "$out" "$WANT_UMAP" "$WANT_GMAP"
        ctr_ run --rm --runtime oci-rootless "$IMAGE" "byname-$rt" true > "$D/byname.out" 2> "$D/byname.err"
        r=$?
        [ $r != 0 ] || fail "ctr run --runtime oci-rootless: expected ctr to refuse a handler name, it ran"
        grep -q 'invalid runtime name oci-rootless' "$D/byname.err" || fail "ctr run --runtime oci-rootless: expected 'invalid runtime name': $(oneline "$D/byname.err")"
    fi
    report "$where: the docs' runtime handler (runtime_type ${rtype:-?}, BinaryName the wrapper) given to ctr as --runtime and --runc-binary starts the container; ctr itself does not read handlers (--runtime oci-rootless: invalid runtime name)"

    # 5. Negative control: the same ctr run with the runtime alone.
    local args=()
    [ "$rt" = runc ] || args=(--runc-binary "$rt")
    out=$D/raw.out
    ctr_ run --rm "${args[@]}" "$IMAGE" "raw-$rt" sh -c "$SHOW" > "$out" 2> "$D/raw.err"
    r=$?
    [ $r != 0 ] || fail "without the wrapper: expected a failure, ctr run exited 0"
    grep -qx end "$out" && fail "without the wrapper the container ran"
    local re
    case $rt in
    runc) re='runc create failed: .*unable to apply cgroup configuration: mkdir /sys/fs/cgroup/[a-z_,]+/default: permission denied' ;;
    *) re="creating cgroup directory \`/sys/fs/cgroup/[a-z_,]+/default/raw-$rt\`: No such file or directory" ;;
    esac
    grep -Eq "$re" "$D/raw.err" || fail "expected the runtime's cgroup error /$re/: $(oneline "$D/raw.err")"
    report "$where: negative control: the same ctr run ${args[*]:-(runc, the default)} without the wrapper fails: $(grep -Eo "$re" "$D/raw.err" | head -1 | cut -c1-120)"

    # stop it all, and check that nothing of it is left
    local left
    left=$(sweep $RK_PID) || fail "processes left: $left"
    [ -n "$RK_PID" ] && wait "$RK_PID" 2> /dev/null
    RK_PID=
    report "$where: containerd, RootlessKit and the shims are stopped"
}

# ================================================================ 2. Podman
podman_cases() { # RUNTIME
    local rt=$1
    local D=$T/podman-$rt hide out r
    local where="podman, $rt"
    hide=$(hide_for "$rt")
    local dropins=$D/home/.config/containers/containers.conf.d
    mkdir -p "$dropins" "$D/run" "$D/etc-upper/oci-rootless" "$D/etc-work"
    # /etc/oci-rootless/runtime.conf, seen only in the test's mount namespace
    ln -s "$D/runtime.conf" "$D/etc-upper/oci-rootless/runtime.conf"
    printf 'runtime = %s\n' "$rt" > "$D/runtime.conf"
    # docs/containers.conf installed as it says, for one user; only its path changed
    sed "s|/usr/local/bin/oci-rootless-runtime|$UBIN|" "$TOP/docs/containers.conf" > "$dropins/oci-rootless.conf"
    chown -R "$RT_USER:" "$D/home" "$D/run"
    chmod 700 "$D/run"
    chmod -R a+rX "$D/etc-upper" "$D/runtime.conf"
    # podman_ ARGS...: as the test user, with its own storage and runtime
    # folder, in a mount namespace where /etc has the wrapper's config and,
    # for crun, /sys/fs/cgroup/unified is hidden. The first call starts
    # Podman's pause process there; later calls join its namespaces.
    podman_() {
        (cd / && exec timeout -k 5 60 unshare --mount --propagation private sh -c '
            D=$1 hide=$2 user=$3 path=$4
            shift 4
            mount -t overlay overlay -o "lowerdir=/etc,upperdir=$D/etc-upper,workdir=$D/etc-work" /etc || exit 90
            if [ "$hide" = 1 ]; then mount -t tmpfs -o ro none /sys/fs/cgroup/unified || exit 91; fi
            exec runuser -u "$user" -- env -i PATH="$path" HOME="$D/home" XDG_RUNTIME_DIR="$D/run" \
                podman --root "$D/home/storage" --runroot "$D/run/storage" \
                --storage-driver vfs --cgroup-manager cgroupfs --events-backend file "$@"' \
            sh "$D" "$hide" "$RT_USER" "$SAFE_PATH" "$@")
    }
    podman_ load -i "$T/busybox.tar" > "$D/load.out" 2> "$D/load.err"
    r=$?
    if [ $r != 0 ]; then
        fail "podman load exit $r: $(grep -v 'is not a shared mount' "$D/load.err" | head -3 | tr '\n' ' ')"
        report "$where: podman load of the OCI archive"
        sweep > /dev/null
        return
    fi
    grep -qF "Loaded image: $IMAGE" "$D/load.out" "$D/load.err" || fail "podman load did not load $IMAGE: $(oneline "$D/load.out")"
    report "$where: podman load of the OCI archive built here, as $RT_USER ($IMAGE)"

    # The runtime's state folder shows which runtime ran: runc and crun keep
    # their state in XDG_RUNTIME_DIR/runc and XDG_RUNTIME_DIR/crun.
    local other=runc
    [ "$rt" = runc ] && other=crun
    expect_runtime() {
        [ -d "$D/run/$rt" ] || fail "no $D/run/$rt: $rt did not run"
        [ -e "$D/run/$other" ] && fail "$D/run/$other exists: $other ran"
    }
    local run=(run --rm --network host "$IMAGE" sh -c "$SHOW")

    # 1. podman --runtime WRAPPER run: mode auto, which is inherit as root
    # inside Podman's user namespace: the container stays in it.
    out=$D/path.out
    podman_ --runtime "$UBIN" "${run[@]}" > "$out" 2> "$D/path.err"
    r=$?
    [ $r = 0 ] || fail "podman --runtime $UBIN run: exit $r: $(grep -v 'is not a shared mount' "$D/path.err" | head -3 | tr '\n' ' ')"
    expect_container "$out" "$WANT_UMAP" "$WANT_GMAP"
    mount_of "$out" /sys | grep -Eq '^sysfs /sys sysfs ro,' || fail "/sys: expected the host's sysfs, read-only: $(mount_of "$out" /sys)"
    [ "$(section "$out" net)" = "$HOST_NETS" ] || fail "network devices: expected the host's '$HOST_NETS', got '$(section "$out" net)'"
    expect_runtime
    report "$where: podman --runtime oci-rootless-runtime run --network host: starts through $rt (from /etc/oci-rootless/runtime.conf); mode auto is inherit there: the container stays in Podman's user namespace (uid_map $WANT_UMAP)"

    # 2. By the name of docs/containers.conf.
    out=$D/name.out
    podman_ --runtime oci-rootless "${run[@]}" > "$out" 2> "$D/name.err"
    r=$?
    [ $r = 0 ] || fail "podman --runtime oci-rootless run: exit $r: $(grep -v 'is not a shared mount' "$D/name.err" | head -3 | tr '\n' ' ')"
    expect_container "$out" "$WANT_UMAP" "$WANT_GMAP"
    report "$where: podman --runtime oci-rootless run (docs/containers.conf in ~/.config/containers/containers.conf.d): starts, the same container"

    # 3. The runtime alone: Podman's spec is already rootless; the container
    # shares Podman's user namespace, whose map shows the host's ids.
    # (No --rm: the bundle's config.json is read afterwards.)
    local podman_umap="0 $UID_U 1|1 $SUBU_START $SUBU_COUNT" podman_gmap="0 $GID_U 1|1 $SUBG_START $SUBG_COUNT"
    local keep=(run --name "alone-$rt" --network host "$IMAGE" sh -c "$SHOW")
    out=$D/alone.out
    podman_ --runtime "$(rt_path "$rt")" "${keep[@]}" > "$out" 2> "$D/alone.err"
    r=$?
    [ $r = 0 ] || fail "podman --runtime $(rt_path "$rt") run: exit $r: $(grep -v 'is not a shared mount' "$D/alone.err" | head -3 | tr '\n' ' ')"
    expect_container "$out" "$podman_umap" "$podman_gmap"
    local alone_cfg inherit_cfg
    alone_cfg=$(podman_ container inspect --format '{{.StaticDir}}' "alone-$rt" 2> /dev/null)/config.json
    jq -e '.linux | has("resources") and ([.namespaces[] | select(.type == "user")] | length == 0)' "$alone_cfg" > /dev/null 2>&1 \
        || fail "Podman's own spec: expected linux.resources and no user namespace: $(jq -c '.linux | {namespaces, resources}' "$alone_cfg" 2>&1 | head -c 300)"
    report "$where: control: podman --runtime $rt alone starts too (Podman writes rootless specs: no user namespace, the container in Podman's, uid_map $podman_umap)"

    # 4. mode = inherit: the wrapper converts the spec but keeps the
    # container in Podman's user namespace.
    printf 'runtime = %s\nmode = inherit\n' "$rt" > "$D/runtime.conf"
    keep=(run --name "inherit-$rt" --network host "$IMAGE" sh -c "$SHOW")
    out=$D/inherit.out
    podman_ --runtime "$UBIN" "${keep[@]}" > "$out" 2> "$D/inherit.err"
    r=$?
    [ $r = 0 ] || fail "podman --runtime $UBIN run with mode = inherit: exit $r: $(grep -v 'is not a shared mount' "$D/inherit.err" | head -3 | tr '\n' ' ')"
    expect_container "$out" "$podman_umap" "$podman_gmap"
    inherit_cfg=$(podman_ container inspect --format '{{.StaticDir}}' "inherit-$rt" 2> /dev/null)/config.json
    jq -e '(.linux | has("resources") | not) and ([.linux.namespaces[] | select(.type == "user")] | length == 0)' "$inherit_cfg" > /dev/null 2>&1 \
        || fail "the bundle's config.json: expected the wrapper's conversion in mode inherit (no user namespace, linux.resources removed): $(jq -c '.linux | {namespaces, resources}' "$inherit_cfg" 2>&1 | head -c 300)"
    podman_ rm "alone-$rt" "inherit-$rt" > "$D/rm.out" 2>&1 || fail "podman rm: $(oneline "$D/rm.out")"
    report "$where: mode = inherit in runtime.conf: the wrapper converts Podman's spec (linux.resources removed) and the container stays in Podman's user namespace, as with $rt alone"

    local pid left
    pid=$(cat "$D/run/libpod/tmp/pause.pid" 2> /dev/null)
    [ -n "$pid" ] || fail "no pause process was recorded in $D/run/libpod/tmp/pause.pid"
    left=$(sweep $pid) || fail "processes left: $left"
    report "$where: Podman's pause process is stopped"
}

for c in $CLIENTS; do
    for rt in $RUNTIMES; do
        if ! command -v "$rt" > /dev/null; then skip "$c, $rt" "$rt is not installed"; continue; fi
        case $c in
        containerd)
            if ! command -v containerd > /dev/null || ! command -v ctr > /dev/null || ! command -v rootlesskit > /dev/null; then
                skip "containerd, $rt" "containerd, ctr or rootlesskit is not installed"
            else
                containerd_cases "$rt"
            fi ;;
        podman)
            if ! command -v podman > /dev/null; then
                skip "podman, $rt" "podman is not installed"
            else
                podman_cases "$rt"
            fi ;;
        *) bail "unknown client $c" ;;
        esac
    done
done
finish
