#!/usr/bin/env bash
# oci-rootless --explain=json, TAP: the pointers name the right values (in
# the input for what was changed or removed, in the output for what was
# added), keys are escaped as RFC 6901 says, and the option's errors. Every
# golden case also checks its lines against --explain (tests/golden/run.sh).
# Run: OCI_ROOTLESS=build/src/oci-rootless tests/cli/explain-json.sh
set -u
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"
BIN=${OCI_ROOTLESS:?set OCI_ROOTLESS to the oci-rootless binary}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
command -v jq > /dev/null || bail "jq is needed (scripts/install-deps.sh installs it)"
G=$HERE/../golden
W=$(mktemp -d /tmp/ocirl-explain-json.XXXXXX) || bail "mktemp failed"
trap 'rm -rf "$W"' EXIT

# value DOC POINTER: the value there, as compact JSON
value() { jq -c --arg p "$2" 'getpath($p | .[1:] | split("/") | map(gsub("~1"; "/") | gsub("~0"; "~")) | map(if test("^[0-9]+$") then tonumber else . end))' "$1"; }
# line RULE REGEX: the first JSON line of that rule whose "what" matches
line() { jq -c --arg r "$1" --arg w "$2" 'select(.rule == $r and (.what | test($w)))' "$W/err" | head -1; }

# ---- runc spec, mode single: gid=5 removed, user namespace and maps added
in=$HERE/../../examples/runc-spec/config.json
"$BIN" --proc-self "$G/maps/proc-none" --mode single --uid 1000 --gid 1000 --explain=json "$in" > "$W/out" 2> "$W/err"
[ $? = 0 ] || fail "exit $?"
l=$(line id-options '^dropped option gid=5$')
p=$(jq -r .pointer <<< "$l")
[ "$(jq -r '.change + " " + .in' <<< "$l")" = "removed input" ] || fail "gid=5: $l"
[ "$(value "$in" "$p")" = '"gid=5"' ] || fail "gid=5: $p names $(value "$in" "$p") in the input"
[ "$(value "$in" "${p%/options/*}" | jq -r .destination)" = /dev/pts ] || fail "gid=5: ${p%/options/*} is not /dev/pts"
l=$(line user-namespace '^added')
p=$(jq -r .pointer <<< "$l")
[ "$(jq -r .in <<< "$l")" = output ] && [ "$(value "$W/out" "$p")" = '{"type":"user"}' ] || fail "user namespace: $l names $(value "$W/out" "$p")"
l=$(line id-mappings '^set to')
[ "$(jq -r .pointer <<< "$l")" = /linux/uidMappings ] && [ "$(jq -r .change <<< "$l")" = added ] || fail "uidMappings: $l"
l=$(line cgroups '^removed$')
[ "$(jq -r '.pointer + " " + .change' <<< "$l")" = "/linux/resources removed" ] || fail "resources: $l"
[ "$(value "$in" /linux/resources | jq -c .devices)" != null ] || fail "/linux/resources names no resources in the input"
report "--explain=json on runc spec (single): gid=5 at /mounts/2/options/5 of the input, the user namespace and the maps added in the output, resources removed"

# ---- the sys rule: mounts removed from the input, the bind added to the output
printf '{"linux":{"namespaces":[{"type":"mount"}]},"mounts":[{"destination":"/proc","type":"proc","source":"proc"},{"destination":"/sys","type":"sysfs","source":"sysfs","options":["nosuid","ro"]},{"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup"},{"destination":"/tmp","type":"tmpfs","source":"tmpfs"}]}' > "$W/sys.json"
"$BIN" --proc-self "$G/maps/proc-none" --mode single --uid 1000 --gid 1000 --explain=json "$W/sys.json" > "$W/out" 2> "$W/err"
l=$(line sys '^removed this sysfs mount$')
[ "$(value "$W/sys.json" "$(jq -r .pointer <<< "$l")" | jq -r .type)" = sysfs ] || fail "sysfs removed: $l"
l=$(line sys '^removed this cgroup mount under /sys$')
[ "$(jq -r .pointer <<< "$l")" = /mounts/2 ] || fail "cgroup removed: $l"
l=$(line sys '^added a recursive bind')
p=$(jq -r .pointer <<< "$l")
[ "$(value "$W/out" "$p" | jq -r '.destination + " " + .type')" = "/sys bind" ] && [ "$p" = /mounts/2 ] || fail "bind added: $l names $(value "$W/out" "$p")"
report "--explain=json, the sys rule: the sysfs and cgroup mounts at /mounts/1 and /mounts/2 of the input, the bind added at /mounts/2 of the output"

# ---- keys with / and ~ are escaped (~1, ~0); members removed from objects
printf '{"linux":{"resources":{"unified":{"a/b~c":"1","memory.high":"5"}}}}' > "$W/keys.json"
"$BIN" --mode userns --proc-self "$G/maps/proc-rk" --cgroup-root "$G/maps/cgroup-v2" --explain=json "$W/keys.json" > "$W/out" 2> "$W/err"
l=$(line cgroups '^removed$')
[ "$(jq -r .pointer <<< "$l")" = "/linux/resources/unified/a~1b~0c" ] || fail "escaped key: $l"
[ "$(value "$W/keys.json" "$(jq -r .pointer <<< "$l")")" = '"1"' ] || fail "escaped key names $(value "$W/keys.json" "$(jq -r .pointer <<< "$l")")"
report "--explain=json: a key with / and ~ is written ~1 and ~0 in its pointer"

# ---- --check with it; a second conversion; bad formats
"$BIN" --proc-self "$G/maps/proc-none" --mode single --uid 1000 --gid 1000 --check --explain=json "$in" > "$W/out" 2> "$W/err"
rc=$?
[ "$rc" = 1 ] && [ -s "$W/err" ] && jq -e . "$W/err" > /dev/null 2>&1 && [ ! -s "$W/out" ] || fail "--check --explain=json: exit $rc, $(head -c 300 "$W/err")"
"$BIN" --proc-self "$G/maps/proc-none" --mode single --uid 1000 --gid 1000 "$in" > "$W/conv.json"
"$BIN" --proc-self "$G/maps/proc-none" --mode single --uid 1000 --gid 1000 --check --explain=json "$W/conv.json" > "$W/out" 2> "$W/err"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$W/err" ] || fail "--check --explain=json on a converted config: exit $rc, stderr $(head -c 200 "$W/err")"
"$BIN" --explain=yaml "$in" > /dev/null 2> "$W/err"
rc=$?
[ "$rc" = 2 ] && grep -q "explain=yaml: unknown format (text or json)" "$W/err" || fail "--explain=yaml: exit $rc, $(cat "$W/err")"
"$BIN" --proc-self "$G/maps/proc-none" --mode single --uid 1000 --gid 1000 --explain=text "$in" > /dev/null 2> "$W/err"
grep -q '^/dev/pts: dropped option gid=5: gid 5 is not mapped in the container \[id-options\]$' "$W/err" || fail "--explain=text: $(head -3 "$W/err")"
report "--check --explain=json: JSON lines and exit 1, nothing for a converted config; --explain=text is --explain; another format is a usage error"
finish
