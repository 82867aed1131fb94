# shellcheck shell=bash
# Shared by clients.sh and load.sh (source it after tests/lib/harness.sh and
# ensure_test_user, with HERE, RT_USER and SAFE_PATH set): the run's
# folders, containerd started by the test user inside RootlessKit, ctr
# through nsenter, and the sweep that stops everything a run started.
#
#   ctrd_init PREFIX    T (a new folder /tmp/PREFIX.XXXXXX, mode 755, with
#                       oci-image.sh and containerd-child.sh), RUNDIR
#                       (/run/user/UID, made when missing, removed at the
#                       end), CSTATE (this run's folder under it, the test
#                       user's), and the EXIT trap that cleans up
#   ctrd_user_bin BIN   a path of BIN the test user can run: BIN, or a copy
#                       in T/ubin
#   ctrd_image          T/busybox.tar, the OCI archive of oci-image.sh
#                       (docker.io/library/ocirl-busybox:test)
#   ctrd_start D SOCK CONFIG HIDE [NAME=VALUE...]
#                       containerd --config CONFIG in `rootlesskit --net=host
#                       --copy-up=/etc --copy-up=/run --propagation=rslave
#                       --state-dir=D/rootlesskit` as the test user, with HOME
#                       D and the given environment (it reaches the shims and
#                       the runtime); HIDE 1 hides /sys/fs/cgroup/unified
#                       (crun on a hybrid host); more RootlessKit flags from
#                       the array CTRD_RK_FLAGS (e.g. --copy-up=/var/lib for
#                       libcni's cache). Sets RK_PID; fails when ctr gets no
#                       answer on SOCK within 10 s.
#   ctrd_ctr D SOCK ARGS...
#                       ctr as the test user in RootlessKit's user and mount
#                       namespaces (timeout CTR_TIMEOUT, default 30 s)
#   ctrd_in D CMD...    CMD as the test user in those namespaces
#   sweep [PID...]      kills the given processes, this run's processes and
#                       their descendants; prints what is left after 3 s
#   stop_containerd     sweep RootlessKit and all below it
# Environment: OCIRL_RT_KEEP=1 keeps T.

# one line of a file, for messages
oneline() { head -c "${2:-400}" "$1" 2> /dev/null | tr '\n' ' '; }

# ---------------------------------------------------------------- cleanup
# What this run started, found by pid: the test user's processes whose
# command line or environment names one of this run's folders (RootlessKit,
# containerd, the shims with -address CSTATE/..., conmon, Podman's pause
# process with XDG_RUNTIME_DIR=T/...), the containers' init processes from
# the runtimes' state files, and all their descendants.
alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2> /dev/null; }
# the real uid of a process (/proc/PID itself belongs to root when the
# process is not dumpable, as the shims are)
uid_of() { awk '/^Uid:/ { print $2 }' "/proc/$1/status" 2> /dev/null; }
ours() {
    local p pid f
    for p in /proc/[0-9]*; do
        [ "$(uid_of "${p#/proc/}")" = "$UID_U" ] || continue
        if grep -qaF -e "$T" -e "$CSTATE" "$p/cmdline" "$p/environ" 2> /dev/null; then echo "${p#/proc/}"; fi
    done
    for f in "$CSTATE"/*/io.containerd.runtime.v2.task/*/*/init.pid "$T"/podman-*/run/runc/*/state.json "$T"/podman-*/run/crun/*/status; do
        [ -f "$f" ] || continue
        case $f in
        *.pid) pid=$(cat "$f" 2> /dev/null) ;;
        *) pid=$(jq -r '.init_process_pid // .pid // empty' "$f" 2> /dev/null) ;;
        esac
        case $pid in '' | *[!0-9]*) continue ;; esac
        [ "$(uid_of "$pid")" = "$UID_U" ] && echo "$pid"
    done
}
descendants() { # PID...: the processes and all their descendants
    local p
    for p in "$@"; do
        echo "$p"
        # shellcheck disable=SC2046
        descendants $(pgrep -P "$p")
    done
}
# sweep [PID...]: kills the given processes, ours() and their descendants
# until none is left (a process forked meanwhile is found on the next turn);
# prints what is still alive after 3 s and fails then.
sweep() {
    local p pids left
    for _ in $(seq 30); do
        # shellcheck disable=SC2046
        pids=$(descendants "$@" $(ours) | sort -un)
        left=
        for p in $pids; do alive "$p" && left="$left $p"; done
        [ -z "$left" ] && return 0
        # shellcheck disable=SC2086
        kill -KILL $left 2> /dev/null
        sleep 0.1
    done
    echo "$left"
    return 1
}
RK_PID=
CTRD_RK_FLAGS=()
stop_containerd() {
    sweep $RK_PID > /dev/null
    [ -n "$RK_PID" ] && wait "$RK_PID" 2> /dev/null
    RK_PID=
}
ctrd_cleanup() {
    local left
    left=$(sweep $RK_PID) || echo "# processes left after the run: $left"
    [ -n "$RK_PID" ] && wait "$RK_PID" 2> /dev/null
    rm -rf "$CSTATE"
    [ "$MADE_RUNDIR" = 1 ] && rmdir "$RUNDIR" 2> /dev/null
    if [ "${OCIRL_RT_KEEP:-0}" = 1 ]; then echo "# kept $T"; else rm -rf "$T"; fi
}

# from /: the test user may not be able to enter the working directory
as_user() { (cd / && exec runuser -u "$RT_USER" -- env -i PATH="$SAFE_PATH" "$@"); }

ctrd_init() { # PREFIX
    T=$(mktemp -d "/tmp/$1.XXXXXX") || bail "mktemp failed"
    chmod 755 "$T"
    # containerd's state and socket live under /run/user/UID (no logind here:
    # root makes the folder when it is missing, and removes it afterwards).
    RUNDIR=/run/user/$UID_U
    MADE_RUNDIR=0
    if [ ! -d "$RUNDIR" ]; then
        mkdir -p "$RUNDIR" && chown "$RT_USER:" "$RUNDIR" && chmod 700 "$RUNDIR" && MADE_RUNDIR=1
    fi
    CSTATE=$(mktemp -d "$RUNDIR/ocirl-ctrd.XXXXXX") || bail "mktemp in $RUNDIR failed"
    chown "$RT_USER:" "$CSTATE"
    trap ctrd_cleanup EXIT
    trap 'exit 130' INT TERM HUP
    local f
    for f in oci-image.sh containerd-child.sh; do install -m 755 "$HERE/$f" "$T/$f"; done
}

ctrd_user_bin() { # BIN
    local name
    if as_user "$1" --version > /dev/null 2>&1; then
        echo "$1"
        return
    fi
    name=$(basename "$1")
    mkdir -p "$T/ubin"
    cp "$1" "$T/ubin/$name"
    chmod -R a+rX "$T/ubin"
    echo "$T/ubin/$name"
}

ctrd_image() {
    sh "$T/oci-image.sh" "$T/busybox.tar" ocirl-busybox test "$T/image" > "$T/image.log" 2>&1 \
        || bail "cannot build the OCI archive: $(oneline "$T/image.log")"
    chmod 644 "$T/busybox.tar"
}

ctrd_in() { # D CMD...
    local d=$1
    shift
    as_user HOME="$d" nsenter -U --preserve-credentials -m -t "$(cat "$d/rootlesskit/child_pid")" "$@"
}

ctrd_ctr() { # D SOCK ARGS...
    local d=$1 sock=$2
    shift 2
    as_user HOME="$d" timeout -k 5 "${CTR_TIMEOUT:-30}" nsenter -U --preserve-credentials -m -t "$(cat "$d/rootlesskit/child_pid")" \
        ctr --address "$sock" "$@"
}

ctrd_start() { # D SOCK CONFIG HIDE [NAME=VALUE...]
    local d=$1 sock=$2 config=$3 hide=$4
    shift 4
    (cd / && exec runuser -u "$RT_USER" -- env -i PATH="$SAFE_PATH" HOME="$d" "$@" \
        rootlesskit --net=host --copy-up=/etc --copy-up=/run --propagation=rslave --state-dir="$d/rootlesskit" \
        "${CTRD_RK_FLAGS[@]}" "$T/containerd-child.sh" "$config" "$hide" "$d/containerd.log") > "$d/rootlesskit.log" 2>&1 &
    RK_PID=$!
    for _ in $(seq 100); do
        if [ -s "$d/rootlesskit/child_pid" ] && [ -S "$sock" ] && ctrd_ctr "$d" "$sock" version > /dev/null 2>&1; then return 0; fi
        kill -0 "$RK_PID" 2> /dev/null || break
        sleep 0.1
    done
    return 1
}
