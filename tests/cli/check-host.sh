#!/usr/bin/env bash
# oci-rootless --check-host (src/check-host.c), TAP: each finding on a
# made-up host (--host-root, --proc-self, --cgroup-root, PATH,
# XDG_RUNTIME_DIR), the exit status, the usage errors, and on this machine
# findings that agree with what the machine does.
# Run: OCI_ROOTLESS=build/src/oci-rootless tests/cli/check-host.sh
set -u
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"
BIN=${OCI_ROOTLESS:?set OCI_ROOTLESS to the oci-rootless binary}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac

W=$(mktemp -d /tmp/ocirl-check-host.XXXXXX) || bail "mktemp failed"
trap 'rm -rf "$W"' EXIT
ME=$(id -u)
MENAME=hostuser

# host DIR: a host where everything is as a rootless container needs it,
# for the user hostuser with this process's uid
host() {
    local r=$1 cg=/user.slice/user-$ME.slice/user@$ME.service/app.slice/run-1.scope
    mkdir -p "$r/proc/sys/user" "$r/proc/sys/kernel" "$r/etc" "$r/usr/bin" "$r/run/user/$ME" "$r/self" "$r/cg$cg"
    echo 15000 > "$r/proc/sys/user/max_user_namespaces"
    echo "$MENAME:x:$ME:$ME::/:/bin/sh" > "$r/etc/passwd"
    echo "$MENAME:100000:65536" > "$r/etc/subuid"
    echo "$ME:100000:65536" > "$r/etc/subgid"
    for t in newuidmap newgidmap; do printf '#!/bin/sh\n' > "$r/usr/bin/$t"; chmod 4755 "$r/usr/bin/$t"; done
    # a long --version, slowly, with errors and a read of stdin: the first line counts
    printf '#!/bin/sh\necho "runc version 9.9.9"\nread x\necho oops >&2\ni=0; while [ $i -lt 300 ]; do echo "line $i of more"; i=$((i + 1)); done\n' > "$r/usr/bin/runc"
    chmod 755 "$r/usr/bin/runc"
    printf '22 1 8:1 / / rw - ext4 /dev/sda1 rw\n23 22 0:5 / /proc rw - proc proc rw\n24 22 0:6 / /sys rw - sysfs sysfs rw\n25 24 0:7 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n26 23 0:8 / /proc/sys/fs/binfmt_misc rw - autofs systemd-1 rw\n' > "$r/self/mountinfo"
    echo "0::$cg" > "$r/self/cgroup"
    echo "cpu memory pids" > "$r/cg$cg/cgroup.controllers"
    echo "cpu memory pids" > "$r/cg${cg%/*}/cgroup.controllers"
    : > "$r/cg${cg%/*}/cgroup.procs"
    echo "cpu memory pids" > "$r/cg${cg%/*}/cgroup.subtree_control"
    echo "cpu memory pids" > "$r/cg/user.slice/user-$ME.slice/user@$ME.service/cgroup.controllers"
}
# check DIR [ENV...]: runs --check-host on it; RC, OUT
check() {
    local r=$1
    shift
    env -i PATH=/usr/bin XDG_RUNTIME_DIR=/run/user/$ME "$@" "$BIN" --check-host --host-root "$r" \
        --proc-self "$r/self" --cgroup-root "$r/cg" > "$W/out" 2> "$W/err"
    RC=$?
    OUT=$(cat "$W/out")
}
has() { grep -Eq "$1" <<< "$OUT" || fail "no line /$1/ in: $(head -c 1500 <<< "$OUT")"; }

# ---- a good host
host "$W/good"
check "$W/good"
[ "$RC" = 0 ] || fail "exit $RC, not 0"
has "^ok +user namespaces: allowed \(user.max_user_namespaces 15000\)$"
if [ "$ME" = 0 ]; then
    has "^ok +newuidmap: $W/good/usr/bin/newuidmap, setuid root$"
    has "^ok +newgidmap: .*, setuid root$"
else
    has "^warning +newuidmap: .* is neither setuid root nor has file capabilities"
fi
has "^ok +/etc/subuid: $MENAME has 65536 subordinate uids in 1 range$"
has "^ok +/etc/subgid: $MENAME has 65536 subordinate gids in 1 range$"
has "^ok +cgroups: cgroup v2; the cgroupfs driver can make the container's cgroup in /user.slice/user-$ME.slice/user@$ME.service/app.slice \(controllers: cpu memory pids\)$"
has "^ok +cgroups: cgroup v2; the systemd driver gets a scope of the user manager /user.slice/user-$ME.slice/user@$ME.service "
has "^ok +/proc: fully visible"
has "^ok +/sys: fully visible"
has "^ok +runtime: $W/good/usr/bin/runc: runc version 9.9.9$"
has "^ok +XDG_RUNTIME_DIR: /run/user/$ME, the user's$"
[ "$ME" = 0 ] && has "^0 problems, 0 warnings$"
[ -s "$W/err" ] && fail "stderr (the runtime's own errors must not show): $(cat "$W/err")"
report "--check-host on a host with everything: every finding ok, exit 0; a runtime's long --version is read to its end, its stderr hidden"

# ---- user namespaces refused, three ways: problems, exit 1
host "$W/nouserns"
echo 0 > "$W/nouserns/proc/sys/user/max_user_namespaces"
echo 0 > "$W/nouserns/proc/sys/kernel/unprivileged_userns_clone"
echo 1 > "$W/nouserns/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
check "$W/nouserns"
[ "$RC" = 1 ] || fail "exit $RC, not 1"
has "^problem +user namespaces: user.max_user_namespaces is 0"
has "fix: sysctl -w user.max_user_namespaces=15000"
has "^problem +user namespaces: kernel.unprivileged_userns_clone is 0"
has "^problem +user namespaces: kernel.apparmor_restrict_unprivileged_userns is 1"
has "^3 problems, "
report "--check-host: user namespaces off (max 0, unprivileged_userns_clone 0, AppArmor's restriction): three problems with their fixes, exit 1"

# ---- what some setups need: warnings, exit 0
host "$W/partial"
rm "$W/partial/usr/bin/newgidmap"
chmod 755 "$W/partial/usr/bin/newuidmap"
echo "other:100000:65536" > "$W/partial/etc/subuid"
echo "$MENAME:100000:1000" > "$W/partial/etc/subgid"
printf '22 1 8:1 / / rw - ext4 /dev/sda1 rw\n23 22 0:5 / /proc rw - proc proc rw\n27 23 0:9 /null /proc/kcore rw - devtmpfs udev rw\n28 23 0:10 / /proc/acpi ro - tmpfs tmpfs ro\n24 22 0:6 / /sys rw - sysfs sysfs rw\n29 24 0:11 / /sys/firmware ro - tmpfs tmpfs ro\n30 24 0:12 / /sys/fs/selinux rw - selinuxfs selinuxfs rw\n' > "$W/partial/self/mountinfo"
echo "0::/system.slice/x.service" > "$W/partial/self/cgroup"
mkdir -p "$W/partial/cg/system.slice/x.service"
echo memory > "$W/partial/cg/system.slice/x.service/cgroup.controllers"
check "$W/partial"
[ "$RC" = 0 ] || fail "exit $RC, not 0 (warnings only)"
has "^warning +newuidmap: $W/partial/usr/bin/newuidmap is neither setuid root nor has file capabilities"
has "^warning +newgidmap: not found on PATH"
has "fix: apt-get install uidmap"
has "^warning +/etc/subuid: no range for $MENAME \(uid $ME\)"
has "fix: usermod --add-subuids 100000-165535 $MENAME"
has "^warning +/etc/subgid: $MENAME has 1000 subordinate gids: fewer than 65536"
has "^warning +cgroups: cgroup v2, but nothing is delegated to the caller's cgroup /system.slice/x.service"
has "^warning +/proc: 2 mounts over parts of it \(/proc/kcore, /proc/acpi\)"
has "fix: run the caller with an unmasked /proc \(Docker --security-opt systempaths=unconfined"
has "^warning +/sys: 1 mount over parts of it \(/sys/firmware\)"
report "--check-host: newuidmap not setuid, newgidmap missing, no or few subordinate ids, no delegation, a masked /proc and /sys: warnings with fixes, exit 0"

# ---- no runtime, no XDG_RUNTIME_DIR, cgroup v1, hybrid
host "$W/bare"
rm "$W/bare/usr/bin/runc"
echo "1:name=systemd:/user.slice" > "$W/bare/self/cgroup"
mkdir -p "$W/bare/sys/fs/cgroup/unified"
echo hugetlb > "$W/bare/sys/fs/cgroup/unified/cgroup.controllers"
check "$W/bare" XDG_RUNTIME_DIR=
[ "$RC" = 1 ] || fail "exit $RC, not 1"
has "^problem +runtime: neither runc nor crun is on PATH"
has "^warning +XDG_RUNTIME_DIR: not set"
has "^warning +cgroups: not cgroup v2"
has "^warning +cgroups: hybrid cgroups \(the cgroup2 hierarchy holds hugetlb\): crun refuses every container"
check "$W/bare" XDG_RUNTIME_DIR=/run/nonesuch
has "^warning +XDG_RUNTIME_DIR: /run/nonesuch is not a folder"
check "$W/bare" XDG_RUNTIME_DIR=run/user
has "^warning +XDG_RUNTIME_DIR: run/user is not an absolute path"
report "--check-host: no runtime is a problem (exit 1); XDG_RUNTIME_DIR unset or not a folder, cgroup v1 and hybrid cgroups are warnings"

# ---- usage
"$BIN" --check-host some/bundle > /dev/null 2> "$W/err"; rc=$?
[ "$rc" = 2 ] && grep -q "check-host takes no PATH" "$W/err" || fail "--check-host PATH: exit $rc, $(cat "$W/err")"
"$BIN" --host-root / config.json > /dev/null 2> "$W/err"; rc=$?
[ "$rc" = 2 ] && grep -q "host-root is an option of --check-host" "$W/err" || fail "--host-root alone: exit $rc, $(cat "$W/err")"
report "--check-host with a PATH, --host-root without --check-host: usage errors (exit 2)"

# ---- this machine: the findings agree with what it does
"$BIN" --check-host > "$W/real" 2>&1; rc=$?
OUT=$(cat "$W/real")
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "exit $rc"
if unshare --user true 2> /dev/null; then
    has "^ok +user namespaces: allowed"
else
    has "^problem +user namespaces"
fi
if [ "$(stat -f -c %T /sys/fs/cgroup 2> /dev/null)" = cgroup2fs ]; then
    grep -q "not cgroup v2" <<< "$OUT" && fail "this machine has cgroup v2, the check says not"
else
    has "^warning +cgroups: not cgroup v2"
fi
for rt in runc crun; do
    p=$(command -v $rt) && has "^ok +runtime: $p: "
done
grep -Evq '^(ok|warning|problem) +[^ ].*: |^ +fix: |^oci-rootless --check-host: |^[0-9]+ problems?, [0-9]+ warnings?$' <<< "$OUT" \
    && fail "a line of another shape: $(grep -Ev '^(ok|warning|problem) +[^ ].*: |^ +fix: |^oci-rootless --check-host: |^[0-9]+ problems?, [0-9]+ warnings?$' <<< "$OUT" | head -3)"
report "--check-host on this machine: user namespaces, cgroup version and runtimes as the machine has them"
finish
