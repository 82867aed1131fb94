#!/usr/bin/env bash
# The CLI under valgrind's memcheck on every golden input, in each mode and
# on each error path worth having: no invalid access, no uninitialised value,
# no leak (TAP).
set -uo pipefail
bin=${OCI_ROOTLESS:?set OCI_ROOTLESS to the oci-rootless binary}
here=$(cd "$(dirname "$0")" && pwd)
golden=$here/../golden
command -v valgrind >/dev/null || { echo "1..0 # SKIP valgrind is not installed"; exit 0; }

n=0 failed=0
vg() {
    local desc=$1; shift
    local log; log=$(mktemp)
    valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
        --errors-for-leak-kinds=all --log-file="$log" "$bin" "$@" >/dev/null 2>&1
    local rc=$?
    # valgrind does not know NS_GET_USERNS (ioctl 0xb701) and says so: not an error
    sed -i '/noted but unhandled ioctl 0xb701/,+2d' "$log"
    n=$((n+1))
    if [ $rc -eq 99 ] || [ -s "$log" ]; then
        failed=$((failed+1)); echo "not ok $n - $desc"; sed 's/^/# /' "$log" | head -40
    else
        echo "ok $n - $desc (exit $rc)"
    fi
    rm -f "$log"
}

maps=$(mktemp -d); trap 'rm -rf "$maps"' EXIT
printf '0 1000 1\n1 100000 65536\n' > "$maps/rk"
printf 'alice:100000:65536\n' > "$maps/sub"
fake=(--proc-self "$golden/maps/proc-rk" --cgroup-root "$golden/maps/cgroup-v2")
for f in "$golden"/inputs/*.json; do
    name=$(basename "$f")
    vg "$name, mode single (this process's /proc/self)" --mode single --uid 1000 --gid 1000 --explain "$f"
    vg "$name, mode inherit (a fake RootlessKit caller, every fix-up's facts known)" --mode inherit "${fake[@]}" "$f"
    vg "$name, mode userns" --mode userns --uid-map "$maps/rk" --gid-map "$maps/rk" --compact "$f"
    vg "$name, mode subid" --mode subid --uid 1000 --gid 1000 --subuid "$maps/sub" --subgid "$maps/sub" --check "$f"
done
vg "userns outside a user namespace (exit 4)" --mode userns --uid-map /dev/null "$golden/inputs/runc-spec.json"
vg "a missing file (exit 5)" /nonexistent/config.json
printf '{"a": [1, 2' > "$maps/trunc.json"
vg "truncated JSON (exit 3)" --mode single "$maps/trunc.json"
printf '{"mounts": [{"destination": 5}]}' > "$maps/type.json"
vg "a field of the wrong type (exit 3)" --mode single "$maps/type.json"
vg "a usage error (exit 2)" --mode nope
echo "1..$n"
[ $failed -eq 0 ]
