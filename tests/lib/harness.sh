# Shared by the shell suites (tests/e2e, tests/runtime, tests/install): TAP
# output, installing missing Debian packages, and killing what a failed case
# left running. Source it; it defines functions and N, FAILED, ERRS.

bail() { echo "Bail out! $*"; exit 1; }

# The PATH the test users' commands get (a normal user's lacks the sbin
# folders, where runc lives).
# shellcheck disable=SC2034 # used by the suites
SAFE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# wrapper_bin: BIN, the wrapper under test, from $OCI_ROOTLESS_RUNTIME_BIN,
# made absolute; a bail out when it is not set or not executable.
wrapper_bin() {
    [ -n "${OCI_ROOTLESS_RUNTIME_BIN:-}" ] || bail "OCI_ROOTLESS_RUNTIME_BIN is not set (the oci-rootless-runtime binary under test)"
    BIN=$OCI_ROOTLESS_RUNTIME_BIN
    case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
    [ -x "$BIN" ] || bail "$BIN is not an executable file"
}

# ---- TAP: collect assertions with fail, then report one test
N=0
FAILED=0
ERRS=()
fail() { ERRS+=("$*"); }
# report DESC [ARG]: ok / not ok for the assertions collected since the last
# report; a suite may define report_details ARG to print more on failure.
report() {
    local desc=$1 f
    N=$((N + 1))
    if [ ${#ERRS[@]} -eq 0 ]; then
        echo "ok $N - $desc"
    else
        FAILED=$((FAILED + 1))
        echo "not ok $N - $desc"
        # every line of a message as a comment: a line of the output it quotes could read as TAP
        for f in "${ERRS[@]}"; do printf '%s\n' "$f" | head -20 | sed 's/^/# /'; done
        if [ -n "${2:-}" ] && declare -F report_details > /dev/null; then report_details "$2"; fi
    fi
    ERRS=()
}
skip() { N=$((N + 1)); echo "ok $N - $1 # SKIP $2"; }
finish() { echo "1..$N"; [ "$FAILED" = 0 ]; exit; }

# ensure_packages bail|warn PACKAGE...: installs the missing ones (as root);
# on failure bails out, or only says so.
ensure_packages() {
    local on_fail=$1 p missing=()
    shift
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "# installing ${missing[*]}"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } > /dev/null 2>&1; then
        [ "$on_fail" = bail ] && bail "apt-get install ${missing[*]} failed"
        echo "# apt-get install ${missing[*]} failed; the cases that need them will fail or skip"
    fi
}

kill_tree() { # PID: the process and its descendants, children first
    local c
    for c in $(pgrep -P "$1"); do kill_tree "$c"; done
    kill -TERM "$1" 2> /dev/null
}

# kill_containers STATEFILE...: containers still alive (the runtime timed out
# or was killed): their init pids are in the runtimes' state files (runc
# state.json, crun status); a runtime deletes them when it ends well. Never a
# root-owned process: container processes belong to the test user or its
# subordinate ids.
kill_containers() {
    local f pid
    for f in "$@"; do
        [ -f "$f" ] || continue
        pid=$(jq -r '.init_process_pid // .pid // empty' "$f" 2> /dev/null)
        case $pid in '' | *[!0-9]*) continue ;; esac
        [ -d "/proc/$pid" ] && [ "$(stat -c %u "/proc/$pid")" != 0 ] && kill -KILL "$pid" 2> /dev/null
    done
}

# ensure_test_user NAME: the unprivileged test user, created when missing
# (useradd -m), with a 65536-id range in /etc/subuid and /etc/subgid added
# when it has none. Sets UID_U, GID_U, UHOME, SUBU_START, SUBU_COUNT,
# SUBG_START, SUBG_COUNT (the user's first range, by name or number).
ensure_test_user() {
    local user=$1 f s
    if ! id -u "$user" > /dev/null 2>&1; then
        useradd -m -s /bin/sh "$user" > /dev/null 2>&1 || bail "useradd $user failed"
    fi
    UID_U=$(id -u "$user")
    GID_U=$(id -g "$user")
    UHOME=$(getent passwd "$user" | cut -d: -f6)
    [ -d "$UHOME" ] || UHOME=/
    touch /etc/subuid /etc/subgid
    for f in subuid subgid; do
        if [ -z "$(subid_first_range "$user" /etc/$f)" ]; then
            # a start above every range in the file, at least 100000
            s=$(awk -F: 'BEGIN { m = 100000 } NF >= 3 && $2 + $3 > m { m = $2 + $3 } END { print m }' /etc/$f)
            usermod --add-${f}s "$s-$((s + 65535))" "$user" || bail "usermod --add-${f}s failed"
        fi
    done
    read -r SUBU_START SUBU_COUNT <<< "$(subid_first_range "$user" /etc/subuid)"
    read -r SUBG_START SUBG_COUNT <<< "$(subid_first_range "$user" /etc/subgid)"
}

# subid_first_range USER FILE: "start count" of the user's first range (by
# name or number), lowest start first.
subid_first_range() {
    local uid
    uid=$(id -u "$1")
    [ -f "$2" ] || return 0
    awk -F: -v n="$1" -v u="$uid" '($1 == n || $1 == u) && $3 > 0 { print $2, $3 }' "$2" | sort -n | head -1
}
