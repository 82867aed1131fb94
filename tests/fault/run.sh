#!/usr/bin/env bash
# Fault injection for --in-place (TAP). After each fault, config.json holds
# the whole old config or the whole new one, never a part, and no temporary
# file is left in its folder. Needs root for the small tmpfs (made inside a
# private mount namespace, the host is not touched).
set -uo pipefail
# As root, run in a private mount namespace so the test's mounts never reach the host.
if [ "$(id -u)" -eq 0 ] && [ -z "${OCIRL_FAULT_NS:-}" ]; then
    OCIRL_FAULT_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
bin=${OCI_ROOTLESS:?set OCI_ROOTLESS to the oci-rootless binary}
here=$(cd "$(dirname "$0")" && pwd)
example=$here/../../examples/runc-spec/config.json
args=(--mode single --uid 1000 --gid 1000)

n=0 failed=0
ok()   { n=$((n+1)); echo "ok $n - $1"; }
nok()  { n=$((n+1)); failed=$((failed+1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { local desc=$1; shift; if "$@"; then ok "$desc"; else nok "$desc" "failed: $*"; fi; }

work=$(mktemp -d /tmp/ocirl-fault.XXXXXX)
trap 'umount -l "$work/full" 2>/dev/null; rm -rf "$work"' EXIT
"$bin" "${args[@]}" "$example" > "$work/expected.json"

only_config() { [ "$(ls -A "$1")" = "config.json" ]; }
whole_old_or_new() { cmp -s "$1" "$example" || cmp -s "$1" "$work/expected.json"; }

# 1. a full file system: a tmpfs just big enough for the old config
if [ "$(id -u)" -eq 0 ]; then
    mkdir -p "$work/full"
    size=$(( $(stat -c %s "$example") + 4096 ))
    mount -t tmpfs -o size=$size,nr_inodes=64 tmpfs "$work/full"
    cp "$example" "$work/full/config.json"
    # fill the rest of the space
    dd if=/dev/zero of="$work/full/filler" bs=1k count=100000 2>/dev/null
        "$bin" "${args[@]}" -i "$work/full/config.json" 2> "$work/err"; rc=$?
    check "full file system: exit 5" [ $rc -eq 5 ]
    check "full file system: the message says why" grep -q "No space left on device" "$work/err"
    check "full file system: config.json is the whole old config" cmp -s "$work/full/config.json" "$example"
    rm -f "$work/full/filler"
    check "full file system: no temporary file left" only_config "$work/full"
    umount "$work/full"
else
    n=$((n+1)); echo "ok $n - full file system # SKIP needs root to mount a small tmpfs"
fi

# 2. a read-only folder (a read-only bind mount: it holds even for root)
mkdir -p "$work/ro" && cp "$example" "$work/ro/config.json"
if [ "$(id -u)" -eq 0 ] && mount --bind "$work/ro" "$work/ro" && mount -o remount,bind,ro "$work/ro"; then
    "$bin" "${args[@]}" -i "$work/ro/config.json" 2> "$work/err"; rc=$?
    check "read-only folder: exit 5" [ $rc -eq 5 ]
    check "read-only folder: the message says why" grep -q "Read-only file system" "$work/err"
    check "read-only folder: config.json unchanged" cmp -s "$work/ro/config.json" "$example"
    check "read-only folder: no temporary file left" only_config "$work/ro"
    umount "$work/ro"
else
    n=$((n+1)); echo "ok $n - read-only folder # SKIP needs root for a read-only bind mount"
fi

# 3. no write permission on the folder, as an unprivileged user
mkdir -p "$work/noperm" && cp "$example" "$work/noperm/config.json"
chmod 0755 "$work" ; chmod 0555 "$work/noperm"; chmod 0666 "$work/noperm/config.json"
if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" "${args[@]}" -i "$work/noperm/config.json" 2> "$work/err"; rc=$?
else
    "$bin" "${args[@]}" -i "$work/noperm/config.json" 2> "$work/err"; rc=$?
fi
check "no write permission: exit 5" [ $rc -eq 5 ]
check "no write permission: the message says why" grep -q "Permission denied" "$work/err"
check "no write permission: config.json unchanged" cmp -s "$work/noperm/config.json" "$example"
check "no write permission: no temporary file left" only_config "$work/noperm"
chmod 0755 "$work/noperm"

# 4. config.json is a symbolic link: the target is converted, the link stays
mkdir -p "$work/link/real" && cp "$example" "$work/link/real/config.json" && chmod 0640 "$work/link/real/config.json"
ln -s real/config.json "$work/link/config.json"
"$bin" "${args[@]}" -i "$work/link/config.json"; rc=$?
check "symlink: exit 0" [ $rc -eq 0 ]
check "symlink: still a symlink" [ -L "$work/link/config.json" ]
check "symlink: the target is converted" cmp -s "$work/link/real/config.json" "$work/expected.json"
check "symlink: the target keeps its mode" [ "$(stat -c %a "$work/link/real/config.json")" = 640 ]
check "symlink: no temporary file left" [ "$(ls -A "$work/link/real")" = "config.json" ]

# 5. SIGKILL at random points of a large write
big=$work/big.json
awk 'BEGIN { printf "{\"ociVersion\":\"1.0.2\",\"mounts\":[" ;
             for (i = 0; i < 100000; i++) printf "%s{\"destination\":\"/m/%d\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"uid=%d\",\"gid=5\"]}", (i ? "," : ""), i, i % 3000;
             printf "]}\n" }' > "$big"
"$bin" "${args[@]}" "$big" > "$work/big-expected.json"
mkdir -p "$work/kill"
bad=0 killed=0 old=0 new=0
for i in $(seq 1 25); do
    cp "$big" "$work/kill/config.json"
    "$bin" "${args[@]}" -i "$work/kill/config.json" &
    pid=$!
    sleep "$(printf '0.%03d' $(( RANDOM % 700 )))"   # a conversion of this file takes about 0.5 s
    kill -KILL $pid 2>/dev/null && killed=$((killed+1))
    wait $pid 2>/dev/null
    if cmp -s "$work/kill/config.json" "$big"; then old=$((old+1))
    elif cmp -s "$work/kill/config.json" "$work/big-expected.json"; then new=$((new+1))
    else bad=$((bad+1)); echo "# run $i: config.json is neither the old nor the new config"
    fi
    if ! only_config "$work/kill"; then
        bad=$((bad+1)); echo "# run $i: left behind: $(ls -A "$work/kill" | tr '\n' ' ')"
        find "$work/kill" -mindepth 1 ! -name config.json -delete
    fi
done
check "SIGKILL at random points (25 runs, $killed killed while running; $old old, $new new): always whole, nothing left" [ $bad -eq 0 ]

# 6. two --in-place runs at once on the same file
mkdir -p "$work/race"
bad=0
for i in $(seq 1 10); do
    cp "$big" "$work/race/config.json"
    "$bin" "${args[@]}" -i "$work/race/config.json" & p1=$!
    "$bin" "${args[@]}" -i "$work/race/config.json" & p2=$!
    wait $p1; r1=$?; wait $p2; r2=$?
    cmp -s "$work/race/config.json" "$work/big-expected.json" || { bad=$((bad+1)); echo "# run $i: not one complete conversion"; }
    [ $r1 -eq 0 ] && [ $r2 -eq 0 ] || { bad=$((bad+1)); echo "# run $i: exit codes $r1 $r2"; }
    only_config "$work/race" || { bad=$((bad+1)); echo "# run $i: left behind: $(ls -A "$work/race")"; }
done
check "two --in-place runs at once (10 times): one complete conversion, both succeed" [ $bad -eq 0 ]

echo "1..$n"
[ $failed -eq 0 ]
