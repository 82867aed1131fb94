#!/bin/sh
# Checks that the end-to-end suite catches broken conversions: for each
# mutant, a wrapper runs the real CLI and then breaks one rule in its output
# (as a buggy converter would), and run.sh must report at least one failure
# that the unbroken CLI does not have (the baseline, run first).
# Not part of `meson test` (it runs the whole suite once per mutant, ~15 s each).
#
# usage (as root): OCI_ROOTLESS=/abs/path/oci-rootless tests/e2e/mutants.sh [MUTANT...]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REAL=${OCI_ROOTLESS:?set OCI_ROOTLESS to the CLI under test}
ALL="keep-gid5 drop-mapped-gid5 no-sort second-column gid-from-uid keep-sysfs always-bind-sys keep-cgroups-path no-userns
 keep-oom keep-rlimits keep-proc keep-mqueue keep-gids drop-all-gids keep-bind-options inherit-userns bind-sys-without-netns"
[ $# -gt 0 ] && ALL=$*

W=$(mktemp -d /tmp/ocirl-mutants.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"

# map_of FILE COLUMN: mappings from a /proc map in file order (no sort), hostID from COLUMN
cat > "$W/mutate" <<'EOF'
#!/bin/sh
# usage: mutate MUTANT REAL ARGS...  (runs as the test user, in the case's context)
mut=$1 real=$2
shift 2
case " $* " in *" --version "* | *" --help "*) exec "$real" "$@" ;; esac
for last in "$@"; do :; done
out=$(mktemp) || exit 5
"$real" "$@" > "$out"
rc=$?
if [ $rc != 0 ]; then cat "$out"; rm -f "$out"; exit $rc; fi
map_of() {
    awk -v col="$2" 'BEGIN { c = 0; printf "[" } { if (NR > 1) printf ","; printf "{\"containerID\":%d,\"hostID\":%s,\"size\":%s}", c, $col, $3; c += $3 } END { print "]" }' "$1"
}
inns=0
[ "$(awk '{ print $1, $2, $3 }' /proc/self/uid_map)" = "0 0 4294967295" ] || inns=1
case " $* " in *" single "* | *" subid "*) inns=0 ;; esac
case $mut in
keep-gid5) f='.mounts |= map(if .destination == "/dev/pts" and ((.options // []) | index("gid=5") | not) then .options += ["gid=5"] else . end)' ;;
drop-mapped-gid5) f='.mounts |= map(if .options then .options |= map(select(test("^gid=") | not)) else . end)' ;;
no-sort) [ $inns = 1 ] && f=".linux.uidMappings = $(map_of /proc/self/uid_map 1) | .linux.gidMappings = $(map_of /proc/self/gid_map 1)" ;;
second-column) [ $inns = 1 ] && f=".linux.uidMappings = $(map_of /proc/self/uid_map 2) | .linux.gidMappings = $(map_of /proc/self/gid_map 2)" ;;
gid-from-uid) f='.linux.gidMappings = .linux.uidMappings' ;;
keep-sysfs) f='if any(.linux.namespaces[]; .type == "network") then . else .mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]} else . end) end' ;;
always-bind-sys) f='.mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "bind", "source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]} else . end)' ;;
keep-cgroups-path) p=$(jq -c '.linux.cgroupsPath // empty' "$last"); [ -n "$p" ] && f=".linux.cgroupsPath = $p" ;;
no-userns) f='.linux.namespaces |= map(select(.type != "user")) | del(.linux.uidMappings, .linux.gidMappings)' ;;
# the fix-ups of issue 6, each undone from the input ($last)
keep-oom) p=$(jq -c '.process.oomScoreAdj // empty' "$last"); [ -n "$p" ] && f=".process.oomScoreAdj = $p" ;;
keep-rlimits) p=$(jq -c '.process.rlimits // empty' "$last"); [ -n "$p" ] && f=".process.rlimits = $p" ;;
keep-proc) f='.mounts |= map(if .destination == "/proc" and .type != "proc" then {"destination": "/proc", "type": "proc", "source": "proc"} else . end)' ;;
keep-mqueue) p=$(jq -c '.mounts[]? | select(.type == "mqueue")' "$last" | head -1)
    [ -n "$p" ] && f=".mounts |= map(select(.destination != \"/dev/mqueue\")) + [$p]" ;;
keep-gids) p=$(jq -c '.process.user.additionalGids // empty' "$last"); [ -n "$p" ] && f=".process.user.additionalGids = $p" ;;
drop-all-gids) f='del(.process.user.additionalGids)' ;;
keep-bind-options) [ -f "$last" ] && p=$(jq -c '[.mounts[]? | select(.type == "bind") | {(.destination): .options}] | add // {}' "$last")
    [ -n "$p" ] && f=".mounts |= map(. as \$m | if \$m.type == \"bind\" and ($p | has(\$m.destination)) then .options = $p[\$m.destination] else . end)" ;;
# --mode inherit: a user namespace of its own after all (mappings as userns would make them)
inherit-userns) case " $* " in *" inherit "*)
    f=".linux.namespaces += [{\"type\": \"user\"}] | .linux.uidMappings = $(map_of /proc/self/uid_map 1) | .linux.gidMappings = $(map_of /proc/self/gid_map 1)" ;; esac ;;
# /sys bound whenever the spec has no network namespace, even when the caller's own is its user namespace's
bind-sys-without-netns) f='if any(.linux.namespaces[]; .type == "network") then . else .mounts |= (map(select(.destination != "/sys" and (.destination | startswith("/sys/") | not))) + [{"destination": "/sys", "type": "bind", "source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]}]) end' ;;
esac
jq "${f:-.}" "$out"
rc=$?
rm -f "$out"
exit $rc
EOF
chmod 755 "$W/mutate"

# failed_of TAP: "N(runtime)" for each failed check
failed_of() { sed -n 's/^not ok \([0-9]*\) - \([a-z]*\):.*/\1(\2)/p' "$1" | paste -sd' '; }

# The unbroken CLI first: a check that already fails there (a known converter
# bug the suite shows) cannot count as killing a mutant.
OCI_ROOTLESS="$REAL" "$HERE/run.sh" > "$W/baseline.tap" 2>&1
grep -q '^Bail out!' "$W/baseline.tap" && { echo "ERROR    baseline: $(grep '^Bail out!' "$W/baseline.tap")"; exit 1; }
base=" $(failed_of "$W/baseline.tap") "
[ "$base" = "  " ] || echo "baseline: already failing without a mutant:$base(ignored below)"

survivors=0
for m in $ALL; do
    printf '#!/bin/sh\nexec %s/mutate %s %s "$@"\n' "$W" "$m" "$REAL" > "$W/$m"
    chmod 755 "$W/$m"
    OCI_ROOTLESS="$W/$m" "$HERE/run.sh" > "$W/$m.tap" 2>&1
    failed=
    for f in $(failed_of "$W/$m.tap"); do
        case $base in *" $f "*) ;; *) failed="$failed $f" ;; esac
    done
    if grep -q '^Bail out!' "$W/$m.tap"; then
        echo "ERROR    $m: $(grep '^Bail out!' "$W/$m.tap")"
        survivors=$((survivors + 1))
    elif [ -n "$failed" ]; then
        echo "killed   $m: failed$failed"
    else
        echo "SURVIVED $m: the suite passed with this broken conversion (apart from the baseline's failures)"
        survivors=$((survivors + 1))
    fi
done
[ $survivors = 0 ]
