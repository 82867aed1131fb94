#!/usr/bin/env bash
# Tests of oci-rootless-runtime, the runc-compatible wrapper. Output is TAP.
#
#  1. Against a fake runtime that records how it was executed: argument
#     parsing (every bundle form, global options that take values), every
#     other subcommand handed over untouched, config.json converted only on
#     create and run, retries, the choice of the real runtime, never
#     executing itself, settings, and its own errors in --log (text, json).
#  2. Against real runc and crun, as an unprivileged user inside
#     `unshare --user --map-root-user --mount` and `rootlesskit --net=host`:
#     the calls a containerd shim makes on the default root `runc spec`
#     bundle, `run -b`, `run` from the bundle folder, a shim-like spec with
#     cgroup settings, and the same specs without the wrapper (negative
#     controls). The assertions read what the container printed.
#  3. The docs' snippets, read by the real tools (containerd, Podman), the
#     bash completion and the man page.
#
# Run: OCI_ROOTLESS_RUNTIME_BIN=build/runtime/oci-rootless-runtime tests/runtime/run.sh
# Environment:
#   OCI_ROOTLESS_RUNTIME_BIN  the wrapper under test (required)
#   OCIRL_RT_FAKE             the fake runtime (default: built here with cc)
#   OCI_ROOTLESS              the oci-rootless CLI (optional: compares bytes,
#                             checks the completion against its --help)
#   OCIRL_RT_USER             the unprivileged test user (default ocirl-rt)
#   OCIRL_RT_RUNTIMES         real runtimes (default "runc crun")
#   OCIRL_RT_KEEP=1           keep the temporary folder
# Part 2 and the Podman check need root (packages, a test user); as another
# user they report a skip.
set -u
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
VERSION=$(sed -n "s/^  version : '\(.*\)',\$/\1/p" "$TOP/meson.build")
RT_USER=${OCIRL_RT_USER:-ocirl-rt}
RUNTIMES=${OCIRL_RT_RUNTIMES:-runc crun}
PACKAGES=(runc crun uidmap rootlesskit busybox-static jq containerd podman python3-yaml)

# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"

# ---------------------------------------------------------------- set-up
wrapper_bin
CLI=${OCI_ROOTLESS:-}
[ -n "$CLI" ] && case $CLI in /*) ;; *) CLI=$PWD/$CLI ;; esac
IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1

if [ $IS_ROOT = 1 ]; then
    ensure_packages warn "${PACKAGES[@]}"
fi
command -v jq > /dev/null || bail "jq is needed (apt-get install jq)"

T=$(mktemp -d /tmp/ocirl-rt.XXXXXX) || bail "mktemp failed"
chmod 755 "$T"
CTX_PID=
cleanup() {
    kill_containers "$T"/real/*/state/*/state.json "$T"/real/*/state/*/status
    if [ -n "$CTX_PID" ]; then
        kill_tree "$CTX_PID"
        wait "$CTX_PID" 2> /dev/null
    fi
    if [ "${OCIRL_RT_KEEP:-0}" = 1 ]; then echo "# kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The fake runtime.
FAKE=${OCIRL_RT_FAKE:-}
if [ -z "$FAKE" ]; then
    FAKE=$T/fake-runtime
    ${CC:-cc} -std=c11 -D_GNU_SOURCE -O1 -o "$FAKE" "$HERE/fake-runtime.c" || bail "cannot build the fake runtime (set OCIRL_RT_FAKE)"
fi
case $FAKE in /*) ;; *) FAKE=$PWD/$FAKE ;; esac
[ -x "$FAKE" ] || bail "$FAKE is not an executable file"

# The default `runc spec` config, written for root (no runc needed: a copy
# lives in examples/).
ROOTSPEC=$TOP/examples/runc-spec/config.json
[ -f "$ROOTSPEC" ] || bail "$ROOTSPEC is missing"
MYUID=$(id -u)
MYGID=$(id -g)
if [ -n "$CLI" ] && [ -x "$CLI" ]; then
    "$CLI" --mode single "$ROOTSPEC" > "$T/expected-single.json" 2> "$T/expected.err" \
        || bail "$CLI --mode single failed: $(cat "$T/expected.err")"
fi
: > "$T/empty.conf"
mkdir -p "$T/cwd" "$T/p/none"
REC=$T/rec
FPATH=$T/p/none

# wrap [VAR=VALUE...] -- ARGS...: the wrapper, run in $CWD (default $T/cwd)
# with a clean environment: the fake runtime, mode single, an empty config
# file; VAR=VALUE adds or replaces (VAR= empties, which counts as unset).
# Sets RC; output in $T/out and $T/err.
wrap() {
    local envs=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    rm -f "$REC".*
    (cd "${CWD:-$T/cwd}" && exec env -i PATH="$FPATH" HOME="$T" FAKE_RUNTIME_RECORD="$REC" \
        OCI_ROOTLESS_RUNTIME="$FAKE" OCI_ROOTLESS_MODE=single OCI_ROOTLESS_CONFIG="$T/empty.conf" \
        "${envs[@]}" "$BIN" "$@") > "$T/out" 2> "$T/err" < /dev/null
    RC=$?
}
show_argv() { tr '\0' '\n' < "$1" | awk '{ printf "%s\"%s\"", (NR > 1 ? " " : ""), $0 }'; }
# expect_exec RUNTIME ARGS...: the runtime ran with exactly this argv, and the wrapper said nothing
expect_exec() {
    printf '%s\0' "$@" > "$T/expected.argv"
    if [ ! -f "$REC.argv" ]; then
        fail "the runtime was not executed (exit $RC; stderr: $(head -3 "$T/err" | paste -sd' '))"
        return
    fi
    cmp -s "$T/expected.argv" "$REC.argv" || fail "argv: expected [$(show_argv "$T/expected.argv")], got [$(show_argv "$REC.argv")]"
    [ "$RC" = 0 ] || fail "exit status $RC, expected the runtime's 0"
}
expect_not_exec() {
    [ -f "$REC.argv" ] && fail "the runtime was executed: [$(show_argv "$REC.argv")]"
    [ "$RC" = 1 ] || fail "exit status: expected 1, got $RC"
}
expect_err() { # REGEX: stderr matches
    grep -Eq -- "$1" "$T/err" || fail "stderr does not match /$1/: $(head -3 "$T/err" | paste -sd' ')"
}

# Bundles: a copy of the root spec; its inode and mtime are remembered.
declare -A SNAP
new_bundle() {
    mkdir -p "$1"
    cp "$ROOTSPEC" "$1/${2:-config.json}"
    SNAP[$1/${2:-config.json}]=$(stat -c '%i %y' "$1/${2:-config.json}")
}
expect_untouched() { # FILE
    cmp -s "$ROOTSPEC" "$1" || fail "$1 was changed"
    [ "$(stat -c '%i %y' "$1" 2> /dev/null)" = "${SNAP[$1]:-}" ] || fail "$1 was rewritten (inode or mtime changed)"
}
# expect_converted FILE [UID GID]: converted in mode single for the given ids
expect_converted() {
    local f=$1 u=${2:-$MYUID} g=${3:-$MYGID}
    jq -e --argjson u "$u" --argjson g "$g" '
        ([.linux.namespaces[] | select(.type == "user")] | length) == 1
        and .linux.uidMappings == [{"containerID": 0, "hostID": $u, "size": 1}]
        and .linux.gidMappings == [{"containerID": 0, "hostID": $g, "size": 1}]
        and (.linux | has("resources") | not)' "$f" > /dev/null 2>&1 \
        || { fail "$f is not converted (mode single, uid $u gid $g): $(jq -c '.linux | {namespaces, uidMappings, gidMappings}' "$f" 2>&1 | head -c 300)"; return; }
    if [ -f "$T/expected-single.json" ] && [ "$u" = "$MYUID" ]; then
        cmp -s "$T/expected-single.json" "$f" || fail "$f differs from what oci-rootless --mode single writes"
    fi
}

# ================================================================ 1. fake runtime
echo "# wrapper $BIN, fake runtime $FAKE, uid $MYUID"

# --- every other subcommand goes through untouched
B=$T/pt/bundle
CWD=$T/pt/cwd
passthrough() { # DESC ARGS...
    local d=$1
    shift
    rm -rf "$T/pt"
    new_bundle "$B"
    new_bundle "$CWD"
    wrap -- "$@"
    expect_exec "$FAKE" "$@"
    expect_untouched "$B/config.json"
    expect_untouched "$CWD/config.json"
    [ -s "$T/err" ] && fail "the wrapper wrote on stderr: $(head -3 "$T/err" | paste -sd' ')"
    report "pass-through: $d"
}
passthrough "--version, the runtime's own output" --version
[ "$(head -n 1 "$T/out")" = 'fake-runtime version 0.0.1' ] || fail "stdout does not start with the runtime's --version: $(head -3 "$T/out")"
[ "$(tail -n 1 "$T/out")" = "oci-rootless-runtime version $VERSION: converts each bundle's config.json, then runs $FAKE" ] \
    || fail "the last line is not the wrapper's own version: $(tail -n 1 "$T/out")"
report "pass-through: --version prints the real runtime's version on stdout (first, as clients parse it), then the wrapper's"
wrap FAKE_RUNTIME_EXIT=3 -- --version
[ "$RC" = 3 ] || fail "--version: the runtime's exit status 3 became $RC"
report "--version and --help: the runtime's exit status is kept"
passthrough "-v" -v
passthrough "--help" --help
grep -Fqx "oci-rootless-runtime $VERSION runs $FAKE, whose help this is, after making the bundle's config.json rootless on create and run; see oci-rootless-runtime(1)." "$T/out" \
    || fail "--help: no line of the wrapper's own after the runtime's help: $(tail -n 2 "$T/out")"
report "--help: the runtime's help, then a line naming the wrapper and its manual"
passthrough "-h" -h
passthrough "no arguments at all"
passthrough "start ID" start ctr1
passthrough "state ID" state ctr1
passthrough "kill ID KILL" kill ctr1 KILL
passthrough "kill --all ID TERM" kill --all ctr1 TERM
passthrough "delete --force ID" delete --force ctr1
passthrough "exec with a process and odd arguments (spaces, empty, newline, UTF-8, -b)" \
    exec --tty --cwd / ctr1 sh -c 'echo "a  b"' '' $'two\nlines' 'ünïcødé' -b "$B" --bundle "$B"
passthrough "exec -p process.json ID" exec -p "$B/process.json" ctr1
passthrough "ps --format json ID" ps --format json ctr1
passthrough "features" features
passthrough "spec" spec
passthrough "spec --rootless --bundle B" spec --rootless --bundle "$B"
passthrough "list" list
passthrough "pause, resume" pause ctr1
passthrough "update --memory" update --memory 1M ctr1
passthrough "events --stats" events --stats ctr1
passthrough "checkpoint --image-path" checkpoint --image-path "$T/img" ctr1
passthrough "restore --bundle B (restores, does not create from the config)" restore --bundle "$B" --image-path "$T/img" ctr1
passthrough "help create" help create
passthrough "create --help (no conversion for a help request)" create --help
passthrough "run -h ID" run -h ctr1
passthrough "--help create (global help)" --help create
passthrough "create without a container id" create --bundle "$B"
passthrough "create --bundle without its value (left to the runtime to refuse)" create ctr1 --bundle
passthrough "global options with values that look like subcommands: --root create --log run state ID" \
    --root create --log run --log-format text state ctr1
passthrough "every global option of runc and crun, then state ID" \
    --root "$T/st" --log "$T/l" --log-format=json --criu /usr/sbin/criu --rootless=true --systemd-cgroup \
    --cgroup-manager cgroupfs --log-level warning --debug=false -root "$T/st" --some-future-flag state ctr1
passthrough "-- before the subcommand: -- state ID" --root "$T/st" -- state ctr1

# --- create and run convert the bundle's config.json, then hand over the same argv
convert_case() { # DESC CONVERTED-FILE ARGS...   (cwd $CWD; $B and $CWD hold root specs)
    local d=$1 target=$2 f
    shift 2
    wrap -- "$@"
    expect_exec "$FAKE" "$@"
    expect_converted "$target"
    for f in "$B/config.json" "$CWD/config.json" "$B2/config.json" "$T/conv/other.json"; do
        [ "$f" = "$target" ] || [ ! -f "$f" ] || expect_untouched "$f"
    done
    [ "$(cat "$REC.cwd" 2> /dev/null)" = "$CWD" ] || fail "the runtime ran in $(cat "$REC.cwd" 2> /dev/null), not in $CWD"
    [ -s "$T/err" ] && fail "the wrapper wrote on stderr: $(head -3 "$T/err" | paste -sd' ')"
    report "$d"
}
fresh() {
    rm -rf "$T/conv"
    B=$T/conv/bundle B2=$T/conv/bundle2 CWD=$T/conv/cwd
    new_bundle "$B"
    new_bundle "$B2"
    new_bundle "$CWD"
}
for cmd in create run; do
    fresh; convert_case "$cmd --bundle B ID (go-runc's form)" "$B/config.json" $cmd --bundle "$B" ctr1
    fresh; convert_case "$cmd --bundle=B ID" "$B/config.json" $cmd --bundle="$B" ctr1
    fresh; convert_case "$cmd -b B ID" "$B/config.json" $cmd -b "$B" ctr1
    fresh; convert_case "$cmd -b=B ID" "$B/config.json" $cmd -b="$B" ctr1
    fresh; convert_case "$cmd -bundle B ID (Go's single dash)" "$B/config.json" $cmd -bundle "$B" ctr1
    fresh; convert_case "$cmd -bB ID (crun's joined short option)" "$B/config.json" $cmd -b"$B" ctr1
    fresh; convert_case "$cmd ID --bundle B (option after the id)" "$B/config.json" $cmd ctr1 --bundle "$B"
    fresh; convert_case "$cmd ID from the bundle folder (no --bundle: the working directory)" "$CWD/config.json" $cmd ctr1
    fresh; convert_case "$cmd with a relative bundle: -b ../bundle ID" "$B/config.json" $cmd -b ../bundle ctr1
    fresh; convert_case "$cmd with every option of go-runc and conmon: --pid-file, --console-socket, --no-pivot, --no-new-keyring, --preserve-fds" \
        "$B/config.json" $cmd --bundle "$B" --pid-file "$T/conv/pid" --console-socket "$T/conv/sock" \
        --no-pivot --no-new-keyring --preserve-fds 0 ctr1
    fresh; convert_case "$cmd: the last --bundle counts (-b B2 --bundle B)" "$B/config.json" $cmd -b "$B2" --bundle "$B" ctr1
    fresh; convert_case "$cmd --bundle B -- ID" "$B/config.json" $cmd --bundle "$B" -- ctr1
    fresh; convert_case "global options before $cmd (a shim's): --root R --log L --log-format json --systemd-cgroup --rootless=false" \
        "$B/config.json" --root "$T/conv/st" --log "$T/conv/log" --log-format json --systemd-cgroup --rootless=false \
        --criu criu $cmd --bundle "$B" ctr1
    fresh; convert_case "global option values that look like subcommands: --root state --log start $cmd -b B ID" \
        "$B/config.json" --root state --log start $cmd -b "$B" ctr1
    fresh; convert_case "-- ends the global options: --root R -- $cmd -b B ID" "$B/config.json" --root "$T/conv/st" -- $cmd -b "$B" ctr1
    fresh; convert_case "Go's single-dash global options: -root R -log-format json $cmd -b B ID" "$B/config.json" \
        -root "$T/conv/st" -log-format json $cmd -b "$B" ctr1
    fresh; cp "$ROOTSPEC" "$T/conv/other.json"; SNAP[$T/conv/other.json]=$(stat -c '%i %y' "$T/conv/other.json")
    convert_case "crun's $cmd -f FILE: FILE (relative to the working directory) is converted, not BUNDLE/config.json" \
        "$T/conv/other.json" $cmd -b "$B" -f ../other.json ctr1
    fresh; convert_case "crun's $cmd -f config.json: relative to the bundle" "$B/config.json" $cmd --config config.json -b "$B" ctr1
done

# --- retries, atomicity, errors
fresh
wrap -- create --bundle "$B" ctr1
first=$(stat -c '%i %y' "$B/config.json")
cp "$B/config.json" "$T/conv/first.json"
wrap -- create --bundle "$B" ctr1
expect_exec "$FAKE" create --bundle "$B" ctr1
cmp -s "$T/conv/first.json" "$B/config.json" || fail "the second create changed the converted config"
[ "$(stat -c '%i %y' "$B/config.json")" = "$first" ] || fail "the second create rewrote the config (inode or mtime changed)"
report "a retried create is harmless: the converted config is not rewritten, the runtime gets the same argv"

fresh
chmod 640 "$B/config.json"
wrap -- create --bundle "$B" ctr1
[ "$(stat -c %a "$B/config.json")" = 640 ] || fail "mode of config.json: expected 640, got $(stat -c %a "$B/config.json")"
[ "$(ls -A "$B")" = config.json ] || fail "files left in the bundle: $(ls -A "$B" | paste -sd' ')"
report "the config is replaced in place: same mode, no temporary file left"

fresh
printf '{"ociVersion": "1.0.2", "process": ' > "$B/config.json"
cp "$B/config.json" "$T/conv/bad.json"
wrap -- --log "$T/conv/log" create --bundle "$B" ctr1
expect_not_exec
cmp -s "$T/conv/bad.json" "$B/config.json" || fail "the invalid config was changed"
expect_err "^oci-rootless-runtime: cannot make $B/config.json rootless: $B/config.json:1:"
report "an invalid config.json: exit 1, the runtime is not executed, the file is unchanged, the error names file, line and column"

fresh
rm "$B/config.json"
wrap -- create --bundle "$B" ctr1
expect_not_exec
expect_err "$B/config.json.*No such file"
report "a bundle without config.json: exit 1 and an error naming it; the runtime is not executed"

fresh
printf '{"linux": {"namespaces": [{"type": "user", "path": "/proc/1/ns/user"}]}}\n' > "$B/config.json"
wrap -- create --bundle "$B" ctr1
expect_not_exec
expect_err "user namespace"
report "a config that cannot be made rootless (a user namespace joined by path): exit 1, the runtime is not executed"

# --- only the bundle's own config is read and written (docs/threat-model.md)
fresh
mkdir -p "$T/conv/other"
cp "$ROOTSPEC" "$T/conv/other/victim.json"
SNAP[$T/conv/other/victim.json]=$(stat -c '%i %y' "$T/conv/other/victim.json")
rm "$B/config.json"
ln -s ../other/victim.json "$B/config.json"
wrap -- --log "$T/conv/log" create --bundle "$B" ctr1
expect_not_exec
expect_untouched "$T/conv/other/victim.json"
[ -L "$B/config.json" ] || fail "the link was replaced"
expect_err "$B/config.json is a symbolic link to $T/conv/other/victim.json, outside the bundle folder $B: refused"
grep -q "outside the bundle folder" "$T/conv/log" || fail "the refusal is not in the runtime's log (--log): $(head -c 300 "$T/conv/log")"
report "config.json a symbolic link out of the bundle (../other/victim.json): refused in the log, the target untouched, the runtime not executed"

fresh
mkdir -p "$T/conv/other"
cp "$ROOTSPEC" "$T/conv/other/victim.json"
SNAP[$T/conv/other/victim.json]=$(stat -c '%i %y' "$T/conv/other/victim.json")
rm "$B/config.json"
ln -s "$T/conv/other/victim.json" "$B/next.json"
ln -s next.json "$B/config.json"
wrap -- create --bundle "$B" ctr1
expect_not_exec
expect_untouched "$T/conv/other/victim.json"
expect_err "outside the bundle folder"
report "config.json a link to a link inside the bundle that leads out (absolute): refused, the target untouched"

fresh
mkdir -p "$B/sub"
mv "$B/config.json" "$B/sub/real.json"
ln -s sub/real.json "$B/config.json"
wrap -- create --bundle "$B" ctr1
expect_exec "$FAKE" create --bundle "$B" ctr1
[ -L "$B/config.json" ] && [ "$(readlink "$B/config.json")" = sub/real.json ] || fail "the link inside the bundle was replaced"
expect_converted "$B/sub/real.json"
report "config.json a link inside the bundle (sub/real.json): the target converted, the link kept"

fresh
ln -s "$B" "$T/conv/bundle-link"
wrap -- create --bundle "$T/conv/bundle-link" ctr1
expect_exec "$FAKE" create --bundle "$T/conv/bundle-link" ctr1
expect_converted "$B/config.json"
[ -L "$T/conv/bundle-link" ] || fail "the bundle link was replaced"
report "a --bundle path that is itself a symbolic link is followed, as runc does"

fresh
cp "$ROOTSPEC" "$T/conv/elsewhere.json"
SNAP[$T/conv/elsewhere.json]=$(stat -c '%i %y' "$T/conv/elsewhere.json")
ln -s "$T/conv/elsewhere.json" "$CWD/linked.json"
wrap -- create --config linked.json -b "$B" ctr1
expect_not_exec
expect_untouched "$T/conv/elsewhere.json"
expect_err "linked.json is a symbolic link to $T/conv/elsewhere.json, outside the bundle folder"
report "crun's -f FILE, a link out of the bundle: refused, the target untouched"

fresh
rm "$B/config.json"
mkfifo "$B/config.json"
SECONDS=0
wrap -- create --bundle "$B" ctr1
expect_not_exec
[ "$SECONDS" -lt 5 ] || fail "the wrapper took ${SECONDS}s on a FIFO (it must not wait for a writer)"
expect_err "$B/config.json is a FIFO, not a regular file: refused"
report "config.json a FIFO: refused at once (no hang), the runtime not executed"

fresh
rm "$B/config.json"
mkdir "$B/config.json"
wrap -- create --bundle "$B" ctr1
expect_not_exec
expect_err "$B/config.json is a folder, not a regular file: refused"
report "config.json a folder: refused"

if [ $IS_ROOT = 1 ]; then
    fresh
    rm "$B/config.json"
    mknod "$B/config.json" c 1 5 # /dev/zero: reading it never ends
    wrap -- create --bundle "$B" ctr1
    expect_not_exec
    expect_err "$B/config.json is a character device, not a regular file: refused"
    report "config.json a device node (/dev/zero's): refused, nothing read"
else
    skip "config.json a device node (/dev/zero's): refused, nothing read" "mknod needs root"
fi

fresh
{ printf '{"ociVersion": "1.0.2", "annotations": {"pad": "'; head -c $((64 * 1024 * 1024)) /dev/zero | tr '\0' a; printf '"}}'; } > "$B/config.json"
cp "$B/config.json" "$T/conv/big.json"
wrap -- create --bundle "$B" ctr1
expect_not_exec
cmp -s "$T/conv/big.json" "$B/config.json" || fail "the oversized config was changed"
expect_err "larger than"
rm -f "$T/conv/big.json"
report "a config over 64 MiB: refused, unchanged (a regression test of the limit)"

# --- the real runtime's exit status, pid, file descriptors
fresh
wrap FAKE_RUNTIME_EXIT=7 -- state ctr1
[ "$RC" = 7 ] || fail "exit status: expected the runtime's 7, got $RC"
report "the runtime's exit status is the wrapper's"

fresh
(cd "$CWD" && exec env -i PATH="$FPATH" FAKE_RUNTIME_RECORD="$REC" OCI_ROOTLESS_RUNTIME="$FAKE" \
    OCI_ROOTLESS_MODE=single OCI_ROOTLESS_CONFIG="$T/empty.conf" "$BIN" create ctr1) > /dev/null 2>&1 &
pid=$!
wait $pid
[ "$(cat "$REC.pid" 2> /dev/null)" = "$pid" ] || fail "the runtime ran as pid $(cat "$REC.pid" 2> /dev/null), the wrapper was $pid: not an exec"
expect_converted "$CWD/config.json"
report "the wrapper execs the runtime: same process id (a shim's pid and signals reach the runtime)"

fresh
(cd "$CWD" && exec 7< /dev/null 9> "$T/conv/fd9" && exec env -i FAKE_RUNTIME_RECORD="$REC.direct" "$FAKE" state x) > /dev/null 2>&1
(cd "$CWD" && exec 7< /dev/null 9> "$T/conv/fd9" && exec env -i FAKE_RUNTIME_RECORD="$REC" OCI_ROOTLESS_RUNTIME="$FAKE" \
    OCI_ROOTLESS_MODE=single OCI_ROOTLESS_CONFIG="$T/empty.conf" "$BIN" --log "$T/conv/log" create ctr1) > /dev/null 2>&1
grep -qx 7 "$REC.fds" 2> /dev/null && grep -qx 9 "$REC.fds" || fail "inherited descriptors 7 and 9 did not reach the runtime: $(paste -sd' ' "$REC.fds" 2> /dev/null)"
cmp -s "$REC.direct.fds" "$REC.fds" || fail "descriptors: the runtime alone has $(paste -sd' ' "$REC.direct.fds"), through the wrapper $(paste -sd' ' "$REC.fds" 2> /dev/null)"
report "inherited file descriptors (--preserve-fds, sockets) reach the runtime, and the wrapper leaks none"

# --- the choice of the real runtime
P=$T/paths
rm -rf "$P"
mkdir -p "$P/a" "$P/b" "$P/self" "$P/named" "$P/cfg"
ln -s "$FAKE" "$P/a/runc"
ln -s "$FAKE" "$P/b/crun"
ln -s "$FAKE" "$P/named/my-runtime"
ln -s "$FAKE" "$P/cfg/cfg-runtime"
ln -s "$BIN" "$P/self/runc"
ln -s "$BIN" "$P/self/crun"
ln -s "$BIN" "$P/self/ocirl-only-self"
cp "$FAKE" "$P/runtime-copy"
fresh
choose() { # DESC EXPECTED-RUNTIME [VAR=VALUE...]
    local d=$1 want=$2
    shift 2
    wrap "$@" -- state ctr1
    expect_exec "$want" state ctr1
    report "runtime choice: $d"
}
choose "OCI_ROOTLESS_RUNTIME as a path" "$P/runtime-copy" OCI_ROOTLESS_RUNTIME="$P/runtime-copy" PATH="$P/a:$P/b"
choose "OCI_ROOTLESS_RUNTIME as a name on PATH" "$P/named/my-runtime" OCI_ROOTLESS_RUNTIME=my-runtime PATH="$P/a:$P/named"
printf 'runtime = %s\n' "$P/runtime-copy" > "$T/rt.conf"
choose "OCI_ROOTLESS_RUNTIME comes before the config file's runtime" "$P/named/my-runtime" \
    OCI_ROOTLESS_RUNTIME=my-runtime OCI_ROOTLESS_CONFIG="$T/rt.conf" PATH="$P/named"
choose "the config file's runtime (a path) when the environment has none" "$P/runtime-copy" \
    OCI_ROOTLESS_RUNTIME= OCI_ROOTLESS_CONFIG="$T/rt.conf" PATH="$P/a:$P/b"
printf '# a comment\n\n  runtime   =   "cfg-runtime"  \nmode=single\n' > "$T/rt2.conf"
choose "the config file's runtime as a quoted name on PATH, with comments and spaces" "$P/cfg/cfg-runtime" \
    OCI_ROOTLESS_RUNTIME= OCI_ROOTLESS_CONFIG="$T/rt2.conf" PATH="$P/a:$P/cfg"
# OCI_ROOTLESS_CGROUPFS: an empty folder stands for a /sys/fs/cgroup that is not hybrid
mkdir -p "$P/no-cgroups"
NOHYB=OCI_ROOTLESS_CGROUPFS=$P/no-cgroups
choose "neither: crun on PATH comes before runc, even when runc's folder is first" "$P/b/crun" \
    OCI_ROOTLESS_RUNTIME= PATH="$P/a:$P/b" "$NOHYB"
choose "neither: runc on PATH when there is no crun" "$P/a/runc" OCI_ROOTLESS_RUNTIME= PATH="$P/a" "$NOHYB"
choose "the wrapper installed as crun and runc first on PATH skips itself and finds the real runc" "$P/a/runc" \
    OCI_ROOTLESS_RUNTIME= PATH="$P/self:$P/a" "$NOHYB"
# This host's cgroups, read as crun 1.8 reads them: v1 with a cgroup2 hierarchy holding controllers.
HYBRID_HOST=0
if [ "$(stat -f -c %T /sys/fs/cgroup 2> /dev/null)" != cgroup2fs ] \
    && [ "$(stat -f -c %T /sys/fs/cgroup/unified 2> /dev/null)" = cgroup2fs ] \
    && [ -n "$(tr -d ' \n' < /sys/fs/cgroup/unified/cgroup.controllers 2> /dev/null)" ]; then
    HYBRID_HOST=1
fi
if [ $HYBRID_HOST = 1 ]; then
    choose "neither, on this hybrid-cgroup host: runc before crun (crun refuses hybrid cgroups)" "$P/a/runc" \
        OCI_ROOTLESS_RUNTIME= PATH="$P/b:$P/a"
    wrap OCI_ROOTLESS_RUNTIME= PATH="$P/b:$P/a" -- --debug state ctr1
    expect_err "runtime $P/a/runc \\(PATH, runc before crun: crun refuses this host's hybrid cgroups\\)"
    report "runtime choice: the debug note says why runc was picked before crun on a hybrid host"
    choose "a configured crun is used as configured, even on a hybrid host" "$P/b/crun" \
        OCI_ROOTLESS_RUNTIME=crun PATH="$P/b:$P/a"
else
    choose "neither, on this host without hybrid cgroups: crun first" "$P/b/crun" OCI_ROOTLESS_RUNTIME= PATH="$P/a:$P/b"
    skip "runtime choice: the debug note says why runc was picked before crun on a hybrid host" "this host's cgroups are not hybrid"
    skip "runtime choice: a configured crun is used as configured, even on a hybrid host" "this host's cgroups are not hybrid"
fi
choose "OCI_ROOTLESS_RUNTIME=runc with the wrapper first on PATH as runc: the next runc" "$P/a/runc" \
    OCI_ROOTLESS_RUNTIME=runc PATH="$P/self:$P/a"
if [ -x /usr/bin/crun ] || [ -x /usr/sbin/runc ] || [ -x /usr/bin/runc ]; then
    want=$(for f in /usr/local/sbin/crun /usr/local/bin/crun /usr/sbin/crun /usr/bin/crun /sbin/crun /bin/crun \
        /usr/local/sbin/runc /usr/local/bin/runc /usr/sbin/runc /usr/bin/runc /sbin/runc /bin/runc; do
        [ -x "$f" ] && { echo "$f"; break; }; done)
    wrap OCI_ROOTLESS_RUNTIME= OCI_ROOTLESS_RUNTIME_DEBUG=1 PATH="$P/self" "$NOHYB" -- --version
    [ "$RC" = 0 ] || fail "exit $RC: $(head -3 "$T/err" | paste -sd' ')"
    grep -Fq "runtime $want (PATH)" "$T/err" || fail "expected $want to be chosen: $(head -3 "$T/err" | paste -sd' ')"
    grep -q "version" "$T/out" || fail "no version from $want: $(head -2 "$T/out")"
    report "only the wrapper on PATH: it looks in the system folders ($want), never at itself"
else
    skip "only the wrapper on PATH: it looks in the system folders" "neither crun nor runc is installed"
fi
wrap OCI_ROOTLESS_RUNTIME="$P/self/runc" -- state ctr1
expect_not_exec
expect_err "is this program itself"
report "OCI_ROOTLESS_RUNTIME naming the wrapper itself (through a link) is an error, not an endless exec"
wrap OCI_ROOTLESS_RUNTIME=ocirl-only-self PATH="$P/self" -- state ctr1
expect_not_exec
expect_err "no executable 'ocirl-only-self' .* other than this program"
report "OCI_ROOTLESS_RUNTIME naming a command found only as the wrapper itself is an error"
wrap OCI_ROOTLESS_RUNTIME="$P/missing/runc" -- state ctr1
expect_not_exec
expect_err "OCI_ROOTLESS_RUNTIME: '$P/missing/runc' is not an executable file"
report "OCI_ROOTLESS_RUNTIME naming a missing file is an error"
wrap OCI_ROOTLESS_RUNTIME=ocirl-no-such-runtime -- state ctr1
expect_not_exec
expect_err "no executable 'ocirl-no-such-runtime'"
report "OCI_ROOTLESS_RUNTIME naming an unknown command is an error"

# --- settings: the mode and the config file
fresh
printf 'mode = single\n' > "$T/single.conf"
wrap OCI_ROOTLESS_MODE= OCI_ROOTLESS_CONFIG="$T/single.conf" -- create -b "$B" ctr1
expect_exec "$FAKE" create -b "$B" ctr1
expect_converted "$B/config.json"
report "the mode from the config file when OCI_ROOTLESS_MODE is not set"

if [ "$(awk '{ print $1, $2, $3 }' /proc/self/uid_map)" = "0 0 4294967295" ] && command -v unshare > /dev/null \
    && unshare --user --map-root-user true 2> /dev/null; then
    fresh
    rm -f "$REC".*
    (cd "$CWD" && exec env -i PATH="$FPATH" FAKE_RUNTIME_RECORD="$REC" OCI_ROOTLESS_RUNTIME="$FAKE" \
        OCI_ROOTLESS_CONFIG="$T/single.conf" OCI_ROOTLESS_MODE=auto "$(command -v unshare)" --user --map-root-user \
        "$BIN" create ctr1) > "$T/out" 2> "$T/err"
    RC=$?
    expect_exec "$FAKE" create ctr1
    jq -e '(.linux | has("uidMappings") or has("resources") | not) and ([.linux.namespaces[] | select(.type == "user")] | length == 0)' "$CWD/config.json" > /dev/null \
        || fail "mode auto under unshare -r: expected mode inherit (no user namespace, no mappings), not the config file's single"
    report "OCI_ROOTLESS_MODE=auto comes before the config file's mode; inside unshare --map-root-user, as root there, it is inherit"
else
    skip "OCI_ROOTLESS_MODE=auto inside unshare --map-root-user" "already in a user namespace, or no unshare"
fi

if [ $IS_ROOT = 1 ] && [ "$(awk '{ print $1, $2, $3 }' /proc/self/uid_map)" = "0 0 4294967295" ]; then
    fresh
    wrap OCI_ROOTLESS_MODE= -- --log "$T/conv/log" --log-format json create -b "$B" ctr1
    expect_not_exec
    expect_untouched "$B/config.json"
    expect_err "OCI_ROOTLESS_MODE"
    jq -e 'select(.level == "error") | .msg | test("OCI_ROOTLESS_MODE")' "$T/conv/log" > /dev/null 2>&1 \
        || fail "the log has no error naming OCI_ROOTLESS_MODE: $(head -c 300 "$T/conv/log" 2> /dev/null)"
    report "mode auto as root outside any user namespace: an error in the log that names OCI_ROOTLESS_MODE; nothing runs"
else
    skip "mode auto as root outside any user namespace" "not root outside a user namespace"
fi

settings_error() { # DESC REGEX VAR=VALUE...
    local d=$1 re=$2
    shift 2
    fresh
    wrap "$@" -- create -b "$B" ctr1
    expect_not_exec
    expect_untouched "$B/config.json"
    expect_err "$re"
    wrap "$@" -- state ctr1
    expect_not_exec
    report "settings: $d: exit 1 on every command (create and state), nothing runs"
}
settings_error "OCI_ROOTLESS_MODE=bogus" "OCI_ROOTLESS_MODE: unknown mode 'bogus'" OCI_ROOTLESS_MODE=bogus
printf 'runtime = %s\n\nmode = sideways\n' "$FAKE" > "$T/badmode.conf"
settings_error "a bad mode in the config file, named by file and line" "$T/badmode.conf:3: mode: unknown mode 'sideways'" \
    OCI_ROOTLESS_CONFIG="$T/badmode.conf" OCI_ROOTLESS_MODE=
settings_error "OCI_ROOTLESS_CGROUPS=some" "OCI_ROOTLESS_CGROUPS: unknown value 'some'" OCI_ROOTLESS_CGROUPS=some
printf 'cgroups = all\n' > "$T/badcg.conf"
settings_error "a bad cgroups in the config file" "$T/badcg.conf:1: cgroups: unknown value 'all'" OCI_ROOTLESS_CONFIG="$T/badcg.conf"
printf 'runtime\n' > "$T/badline.conf"
settings_error "a line without '=' in the config file" "$T/badline.conf:1: expected 'key = value'" OCI_ROOTLESS_CONFIG="$T/badline.conf"
printf 'runtime =\n' > "$T/empty-rt.conf"
settings_error "an empty runtime in the config file" "$T/empty-rt.conf:1: runtime: empty value" OCI_ROOTLESS_CONFIG="$T/empty-rt.conf"
settings_error "OCI_ROOTLESS_CONFIG naming a missing file" "OCI_ROOTLESS_CONFIG=$T/missing.conf: No such file" OCI_ROOTLESS_CONFIG="$T/missing.conf"

fresh
printf '# later versions\nsomething-new = 42\nmode = single\n' > "$T/future.conf"
wrap OCI_ROOTLESS_CONFIG="$T/future.conf" OCI_ROOTLESS_MODE= -- create -b "$B" ctr1
expect_exec "$FAKE" create -b "$B" ctr1
expect_converted "$B/config.json"
report "settings: an unknown key in the config file (something-new) is accepted and ignored"

has_resources() { jq -e '.linux | has("resources")' "$1" > /dev/null 2>&1; }
fresh
printf 'cgroups = keep\n' > "$T/keep.conf"
wrap OCI_ROOTLESS_CONFIG="$T/keep.conf" -- create -b "$B" ctr1
expect_exec "$FAKE" create -b "$B" ctr1
has_resources "$B/config.json" || fail "cgroups = keep in the config file: linux.resources was removed"
fresh
wrap OCI_ROOTLESS_CONFIG="$T/keep.conf" OCI_ROOTLESS_CGROUPS=drop -- create -b "$B" ctr1
has_resources "$B/config.json" && fail "OCI_ROOTLESS_CGROUPS=drop over cgroups = keep: linux.resources was kept"
fresh
wrap OCI_ROOTLESS_CGROUPS=keep -- create -b "$B" ctr1
has_resources "$B/config.json" || fail "OCI_ROOTLESS_CGROUPS=keep: linux.resources was removed"
report "settings: cgroups from OCI_ROOTLESS_CGROUPS, else the config file's cgroups (keep leaves linux.resources)"

# skip: rules turned off, from OCI_ROOTLESS_SKIP, else the config file's skip
has_gid5() { jq -e '[.mounts[] | select(.destination == "/dev/pts") | .options[] | select(. == "gid=5")] | length == 1' "$1" > /dev/null 2>&1; }
fresh
wrap -- create -b "$B" ctr1
has_gid5 "$B/config.json" && fail "no skip: devpts kept gid=5 (mode single maps gid 0 only)"
fresh
wrap OCI_ROOTLESS_SKIP=id-options -- create -b "$B" ctr1
expect_exec "$FAKE" create -b "$B" ctr1
has_gid5 "$B/config.json" || fail "OCI_ROOTLESS_SKIP=id-options: devpts lost gid=5"
jq -e '[.linux.namespaces[] | select(.type == "user")] | length == 1' "$B/config.json" > /dev/null || fail "OCI_ROOTLESS_SKIP=id-options: the other rules did not run"
fresh
printf 'skip = "id-options, cgroups"\n' > "$T/skip.conf"
wrap OCI_ROOTLESS_CONFIG="$T/skip.conf" -- --debug create -b "$B" ctr1
has_gid5 "$B/config.json" || fail "skip = id-options in the config file: devpts lost gid=5"
has_resources "$B/config.json" || fail "skip = cgroups in the config file: linux.resources was removed"
expect_err "skipping id-options,cgroups \\($T/skip.conf\\)"
fresh
wrap OCI_ROOTLESS_CONFIG="$T/skip.conf" OCI_ROOTLESS_SKIP=cgroups -- create -b "$B" ctr1
has_gid5 "$B/config.json" && fail "OCI_ROOTLESS_SKIP=cgroups over the config file's skip: devpts kept gid=5"
has_resources "$B/config.json" || fail "OCI_ROOTLESS_SKIP=cgroups: linux.resources was removed"
report "settings: skip from OCI_ROOTLESS_SKIP, else the config file's skip; a skipped rule changes nothing, the others run; the debug note names them"
settings_error "OCI_ROOTLESS_SKIP naming no rule" "OCI_ROOTLESS_SKIP: unknown rule 'bogus'" OCI_ROOTLESS_SKIP=sys,bogus
printf 'skip = sys nonesuch\n' > "$T/badskip.conf"
settings_error "a bad skip in the config file, named by file and line" "$T/badskip.conf:1: skip: unknown rule 'nonesuch'" \
    OCI_ROOTLESS_CONFIG="$T/badskip.conf"

if [ ! -e /etc/oci-rootless/runtime.conf ]; then
    fresh
    wrap OCI_ROOTLESS_CONFIG= -- create -b "$B" ctr1
    expect_exec "$FAKE" create -b "$B" ctr1
    report "settings: no /etc/oci-rootless/runtime.conf is no error"
else
    skip "settings: no /etc/oci-rootless/runtime.conf is no error" "this machine has one"
fi

# --- its own errors, written as runc writes them
RFC3339='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})'
fresh
L=$T/conv/runtime.log
printf 'an earlier line\n' > "$L"
wrap OCI_ROOTLESS_RUNTIME=ocirl-no-such-runtime -- --root "$T/st" --log "$L" create --bundle "$B" ctr1
expect_not_exec
[ "$(head -1 "$L")" = "an earlier line" ] || fail "the log's earlier content was not kept"
[ "$(wc -l < "$L")" = 2 ] || fail "expected one line appended to the log, it has $(wc -l < "$L") lines"
tail -1 "$L" | grep -Eq "^time=\"$RFC3339\" level=error msg=\"oci-rootless-runtime: OCI_ROOTLESS_RUNTIME: no executable 'ocirl-no-such-runtime'[^\"]*\"\$" \
    || fail "text log line: $(tail -1 "$L")"
expect_err "^oci-rootless-runtime: OCI_ROOTLESS_RUNTIME: no executable"
report "error with --log FILE (text): one logrus text line appended (time=RFC3339 level=error msg=...), and on stderr"

json_error_case() { # DESC LOGFILE-TO-READ ARGS-BEFORE-create...
    local d=$1 log=$2
    shift 2
    fresh
    wrap OCI_ROOTLESS_RUNTIME=ocirl-no-such-runtime -- "$@" create --bundle "$B" ctr1
    expect_not_exec
    if [ "$(wc -l < "$log" 2> /dev/null)" != 1 ]; then
        fail "expected one line in $log, got: $(head -c 300 "$log" 2> /dev/null)"
    else
        jq -e --arg re "^$RFC3339\$" '
            (keys_unsorted == ["level", "msg", "time"]) and .level == "error"
            and (.msg | startswith("oci-rootless-runtime: OCI_ROOTLESS_RUNTIME: no executable"))
            and (.time | test($re))' "$log" > /dev/null 2>&1 || fail "JSON log line: $(cat "$log")"
    fi
    expect_err "^oci-rootless-runtime: OCI_ROOTLESS_RUNTIME: no executable"
    report "$d"
}
json_error_case "error with --log FILE --log-format json: one line {\"level\":\"error\",\"msg\":...,\"time\":RFC3339}, as runc's logrus writes it" \
    "$T/conv/j.log" --root "$T/st" --log "$T/conv/j.log" --log-format json
json_error_case "error with --log=FILE --log-format=json" "$T/conv/j.log" --log="$T/conv/j.log" --log-format=json
json_error_case "error with Go's single-dash -log FILE -log-format json" "$T/conv/j.log" -log "$T/conv/j.log" -log-format json
json_error_case "error with crun's --log=file:FILE" "$T/conv/j.log" --log=file:"$T/conv/j.log" --log-format=json

fresh
wrap OCI_ROOTLESS_RUNTIME=ocirl-no-such-runtime -- --log "journald:ocirl" create --bundle "$B" ctr1
expect_not_exec
[ -e "$CWD/journald:ocirl" ] && fail "a file named after crun's journald: log driver was created"
expect_err "^oci-rootless-runtime: "
report "error with crun's --log journald:ID: no file written, the error on stderr"

fresh
W=$T/conv/we\"ird$'\t'dir
new_bundle "$W"
printf '{' > "$W/config.json"
wrap -- --log "$T/conv/t.log" create --bundle "$W" ctr1
wrap -- --log "$T/conv/j.log" --log-format json create --bundle "$W" ctr1
grep -Fq 'we\"ird\tdir' "$T/conv/t.log" || fail "text log: quote and tab not escaped as Go's %q: $(cat "$T/conv/t.log")"
jq -e --arg w "$W" '.msg | contains($w)' "$T/conv/j.log" > /dev/null 2>&1 || fail "JSON log: the message does not hold the path as is: $(cat "$T/conv/j.log")"
report "error messages with a quote and a tab: escaped in the text log, exact in the JSON log"

# --- the debug note
fresh
wrap OCI_ROOTLESS_RUNTIME_DEBUG=1 -- --version
expect_exec "$FAKE" --version
[ "$(head -n 1 "$T/out")" = "fake-runtime version 0.0.1" ] && [ "$(wc -l < "$T/out")" = 2 ] || fail "stdout is not the runtime's version and the wrapper's line: $(head -3 "$T/out")"
grep -Fq "oci-rootless-runtime: --version: passed through unchanged; runtime $FAKE (OCI_ROOTLESS_RUNTIME)" "$T/err" \
    || fail "no note naming the runtime on stderr: $(head -3 "$T/err")"
report "OCI_ROOTLESS_RUNTIME_DEBUG=1 --version: the runtime's version on stdout, a note naming the runtime on stderr"
wrap -- --debug --version
grep -Fq "oci-rootless-runtime: --version: passed through unchanged; runtime $FAKE (OCI_ROOTLESS_RUNTIME)" "$T/err" \
    || fail "--debug --version: the note does not name --version: $(head -2 "$T/err" | paste -sd' ')"
report "--debug --version: the note names the command --version, not --debug"

fresh
wrap OCI_ROOTLESS_RUNTIME_DEBUG=1 -- create --bundle "$B" ctr1
grep -Fq "oci-rootless-runtime: create: bundle $B, config $B/config.json: " "$T/err" || fail "no note naming the bundle: $(cat "$T/err")"
grep -Fq "runtime $FAKE (OCI_ROOTLESS_RUNTIME)" "$T/err" || fail "no note naming the runtime: $(cat "$T/err")"
grep -q '^oci-rootless-runtime: linux.uidMappings: ' "$T/err" || fail "the changes are not listed: $(cat "$T/err")"
report "OCI_ROOTLESS_RUNTIME_DEBUG=1 create: notes name the bundle, the config, the changes and the runtime"

fresh
wrap -- --debug create --bundle "$B" ctr1
grep -Fq "oci-rootless-runtime: create: bundle $B" "$T/err" || fail "--debug without --log: no note on stderr: $(cat "$T/err")"
fresh
wrap -- --debug --log "$T/conv/d.log" --log-format json create --bundle "$B" ctr1
[ -s "$T/err" ] && fail "--debug --log: stderr is not empty (clients read it): $(head -3 "$T/err")"
jq -e --arg b "$B" 'select(.level == "debug") | .msg | contains("bundle " + $b)' "$T/conv/d.log" > /dev/null 2>&1 \
    || fail "--debug --log: no debug line naming the bundle in the log: $(head -c 300 "$T/conv/d.log")"
# each change's line: runc's three fields and those of oci-rootless --explain=json
jq -s -e 'map(select(.level == "debug" and .rule == "id-mappings" and .pointer == "/linux/uidMappings" and .change == "added"
    and .in == "output" and .place == "linux.uidMappings" and (.what | startswith("set to ")) and (.why | length > 0)
    and (.msg | startswith("oci-rootless-runtime: linux.uidMappings: set to ")) and (.time | length > 0))) | length == 1' \
    "$T/conv/d.log" > /dev/null 2>&1 \
    || fail "--log-format json: no change line with rule, change, pointer, in, place, what, why: $(grep -m1 id-mappings "$T/conv/d.log")"
report "--debug: the note on stderr, or in the --log file at level debug (where runc writes its own), never mixed into stdout; in JSON, each change with the fields of --explain=json"

# the runtime's cgroup driver, from its own options
for args in "--debug create --bundle $B ctr1:cgroupfs" "--systemd-cgroup --debug create --bundle $B ctr1:systemd" \
    "--debug --cgroup-manager=systemd create --bundle $B ctr1:systemd" "--cgroup-manager systemd --debug create --bundle $B ctr1:systemd" \
    "--systemd-cgroup=false --debug create --bundle $B ctr1:cgroupfs" "--cgroup-manager=cgroupfs --debug create --bundle $B ctr1:cgroupfs" \
    "--cgroup-manager=disabled --debug create --bundle $B ctr1:disabled (so drop)"; do
    fresh
    # shellcheck disable=SC2086 # the arguments are split on purpose
    wrap -- ${args%:*}
    grep -Fq "for the ${args##*:} driver" "$T/err" || fail "${args%:*}: the note does not name the ${args##*:} driver: $(grep -F 'create:' "$T/err")"
done
report "the cgroup driver is the runtime's own: runc --systemd-cgroup and crun --cgroup-manager=systemd mean systemd, crun's disabled drops the limits, else cgroupfs"

# ================================================================ 2. real runtimes
real_skip() { for rt in $RUNTIMES; do for ctx in unshare rootlesskit; do skip "$rt, $ctx: real runtime cases" "$1"; done; done; }
if [ $IS_ROOT != 1 ]; then
    real_skip "needs root (installs packages, creates the test user $RT_USER)"
else
    for c in runc crun rootlesskit busybox unshare runuser newuidmap; do
        command -v "$c" > /dev/null || bail "$c not found (apt-get install ${PACKAGES[*]})"
    done
    ensure_test_user "$RT_USER"

    # From / : the test user may not be able to enter the working directory
    # (a clone in a 0700 folder, as a home folder often is).
    as_user() { (cd / && exec runuser -u "$RT_USER" -- env -i PATH="$SAFE_PATH" HOME="$UHOME" "$@"); }
    # The wrapper must be runnable by the test user; if its folder is not, a copy.
    UBIN=$BIN
    if ! as_user "$UBIN" --version > /dev/null 2>&1; then
        mkdir -p "$T/ubin"
        cp "$BIN" "$T/ubin/oci-rootless-runtime"
        chmod -R a+rX "$T/ubin"
        UBIN=$T/ubin/oci-rootless-runtime
    fi

    # A busybox rootfs, shared and read-only, and the container processes.
    R=$T/rootfs
    mkdir -p "$R/bin" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/etc" "$R/root"
    cp "$(command -v busybox)" "$R/bin/busybox"
    for a in $("$R/bin/busybox" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
    printf 'root:x:0:\ntty:x:5:\n' > "$R/etc/group"
    # process FILE ARGS-JSON: the root spec, no terminal, the rootfs above, these args
    SEQ_ARGS='["/bin/sh", "-c", "cat /proc/self/uid_map; echo ready; trap \"echo got-term; exit 0\" TERM; sleep 60 & wait"]'
    RUN_ARGS='["/bin/sh", "-c", "cat /proc/self/uid_map; echo done"]'
    # the default root spec, written by `runc spec` as root
    mkdir -p "$T/runc-spec"
    (cd "$T/runc-spec" && runc spec) || bail "runc spec failed"
    spec() {
        jq --arg r "$R" --argjson a "$2" '.process.terminal = false | .process.args = $a | .root.path = $r' \
            "$T/runc-spec/config.json" > "$1"
    }
    limits() { # a shim's spec: cgroupsPath and limits, as containerd writes them
        jq '.linux.cgroupsPath = "/ocirl-rt/limits" | .linux.resources.memory = {"limit": 67108864}
            | .linux.resources.cpu = {"shares": 1024}' "$1" > "$1.new" && mv "$1.new" "$1"
    }
    mkdir -p "$T/real"
    chmod -R a+rX "$T"
    # The cases below run from a folder the test user cannot enter, as the
    # build folder of a clone made inside a 0700 folder is (Podman, for one,
    # changes back into its working directory after entering its namespace).
    mkdir -p "$T/private/clone/build" && chmod 700 "$T/private" && cd "$T/private/clone/build" || bail "cannot make $T/private"
    if as_user sh -c 'cd "$1"' sh "$T/private/clone/build" 2> /dev/null; then
        fail "the test user can enter $T/private/clone/build (mode 0700, owned by root)"
    fi
    report "the unprivileged cases run from a folder the test user cannot enter ($T/private is 0700), as from a clone inside a 0700 folder"
    HYBRID=0
    if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2> /dev/null)" = cgroup2fs ] \
        && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2> /dev/null)" ]; then
        HYBRID=1
    fi
    install -m 755 "$HERE/sequence.sh" "$T/sequence.sh"
    echo "# test user $RT_USER uid $UID_U, $SUBU_COUNT subordinate uids; hybrid cgroups: $HYBRID; wrapper for the user: $UBIN"

    NOUSERNS=
    as_user unshare --user --map-root-user --mount true 2> /dev/null || NOUSERNS="unprivileged user namespaces are not available"

    # helpers reading a case folder $D
    rc_of() { cat "$D/$1.rc" 2> /dev/null || echo none; }
    uidmap_of() { awk 'NF == 3 && $1 ~ /^[0-9]+$/ { print $1, $2, $3 }' "$D/$1.out" 2> /dev/null | paste -sd'|'; }
    step_ok() { # STEP
        [ "$(rc_of "$1")" = 0 ] || fail "$1: exit $(rc_of "$1"): $(head -3 "$D/$1.err" 2> /dev/null | paste -sd' ')"
    }
    status_of() { jq -r .status "$D/$1.out" 2> /dev/null; }
    expect_status() { # STEP STATUS
        step_ok "$1"
        [ "$(status_of "$1")" = "$2" ] || fail "$1: expected status $2, got '$(status_of "$1")'"
    }
    expect_uidmap() { # STEP EXPECTED
        local got
        got=$(uidmap_of "$1")
        [ "$got" = "$2" ] || fail "$1: the container's /proc/self/uid_map: expected '$2', got '$got'"
    }

    for rt in $RUNTIMES; do
        for ctx in unshare rootlesskit; do
            D=$T/real/$rt-$ctx
            if [ -n "$NOUSERNS" ]; then skip "$rt, $ctx: real runtime cases" "$NOUSERNS"; continue; fi
            mkdir -p "$D"
            for b in seq run1 run2 limits raw rawlimits; do mkdir -p "$D/$b"; done
            spec "$D/seq/config.json" "$SEQ_ARGS"
            for b in run1 run2 limits raw rawlimits; do spec "$D/$b/config.json" "$RUN_ARGS"; done
            limits "$D/limits/config.json"
            limits "$D/rawlimits/config.json"
            chown -R "$RT_USER:" "$D"
            hide=0
            [ "$rt" = crun ] && [ "$HYBRID" = 1 ] && hide=1
            # the default mode for root in a user namespace is inherit: the
            # container stays in the caller's, and shows its map
            WANT="0 $UID_U 1"
            [ $ctx = rootlesskit ] && WANT="0 $UID_U 1|1 $SUBU_START $SUBU_COUNT"
            case $ctx in
            unshare)
                as_user timeout -k 5 90 unshare --user --map-root-user --mount \
                    sh "$T/sequence.sh" "$rt" "$UBIN" "$D" "$hide" ;;
            rootlesskit)
                as_user timeout -k 5 90 rootlesskit --net=host --state-dir="$D/rootlesskit" \
                    sh "$T/sequence.sh" "$rt" "$UBIN" "$D" "$hide" ;;
            esac > "$D/context.out" 2>&1 &
            CTX_PID=$!
            wait "$CTX_PID"
            echo $? > "$D/context.rc"
            CTX_PID=
            kill_containers "$D"/state/*/state.json "$D"/state/*/status
            CALLER=$(awk '{ print $1, $2, $3 }' "$D/caller.uid_map" 2> /dev/null | paste -sd'|')
            where="$rt, as $RT_USER in $( [ $ctx = unshare ] && echo 'unshare --user --map-root-user --mount' || echo 'rootlesskit --net=host')"
            if [ "$(rc_of context)" != 0 ] || [ -f "$D/hide.rc" ]; then
                fail "the context failed: exit $(rc_of context): $(head -5 "$D/context.out" "$D/hide.err" 2> /dev/null | paste -sd' ')"
            fi

            step_ok create
            expect_status state1 created
            step_ok start
            expect_status state2 running
            step_ok kill
            expect_status state3 stopped
            step_ok delete
            [ "$(rc_of state4)" != 0 ] && [ "$(rc_of state4)" != none ] || fail "state after delete: expected an error, got exit $(rc_of state4)"
            expect_uidmap create "$WANT"
            grep -qx ready "$D/create.out" 2> /dev/null || fail "the container did not print 'ready': $(head -5 "$D/create.out" 2> /dev/null | paste -sd' ')"
            grep -qx got-term "$D/create.out" 2> /dev/null || fail "the container did not get SIGTERM from kill: $(paste -sd' ' "$D/create.out" 2> /dev/null)"
            jq -e '(.linux.resources | not) and ([.linux.namespaces[] | select(.type == "user")] | length == 0)' "$D/seq/config.json" > /dev/null 2>&1 \
                || fail "seq/config.json: expected the default mode's conversion (inherit: linux.resources gone, no user namespace): $(jq -c '.linux | {namespaces, resources}' "$D/seq/config.json" 2> /dev/null)"
            grep -q '"level":"error"' "$D/runtime.log" 2> /dev/null && fail "errors in the runtime's --log: $(grep '"level":"error"' "$D/runtime.log" | head -3)"
            report "$where: a shim's calls on the default root spec (create --bundle, state, start, state, kill TERM, state, delete) through the wrapper: created, running, stopped, deleted; the container's uid_map is $WANT"

            step_ok runb
            expect_uidmap runb "$WANT"
            grep -qx "done" "$D/runb.out" 2> /dev/null || fail "run -b: the container did not finish"
            report "$where: run -b BUNDLE ID from another folder through the wrapper: the container's uid_map is $WANT"

            step_ok runcwd
            expect_uidmap runcwd "$WANT"
            grep -qx "done" "$D/runcwd.out" 2> /dev/null || fail "run: the container did not finish"
            report "$where: run ID from the bundle folder through the wrapper: the container's uid_map is $WANT"

            step_ok limits
            expect_uidmap limits "$WANT"
            report "$where: a shim-like spec (cgroupsPath, memory and cpu limits) through the wrapper starts"

            if [ $ctx = unshare ]; then
                r=$(rc_of raw)
                [ "$r" != 0 ] && [ "$r" != none ] || fail "the root spec without the wrapper: expected a failure, got exit $r"
                grep -qx "done" "$D/raw.out" 2> /dev/null && fail "the root spec without the wrapper: the container ran"
                grep -Eiq 'devpts.*invalid argument' "$D/raw.err" 2> /dev/null || fail "expected the devpts gid=5 error: $(head -3 "$D/raw.err" 2> /dev/null | paste -sd' ')"
                report "$where: negative control: the same root spec without the wrapper fails (devpts gid=5: invalid argument)"
            else
                # runc and crun run as root in RootlessKit's namespace start a root
                # spec as if rootful (gid 5 is mapped there): the container stays
                # in the caller's namespace, as the default mode (inherit) keeps
                # it; the shim-like spec below is what fails without the wrapper.
                step_ok raw
                expect_uidmap raw "$CALLER"
                [ "$CALLER" = "$WANT" ] || fail "the caller's map '$CALLER': expected '$WANT'"
                report "$where: the same root spec without the wrapper starts as well, in the caller's user namespace (uid_map '$CALLER'), as the default mode keeps it"
            fi
            r=$(rc_of rawlimits)
            [ "$r" != 0 ] && [ "$r" != none ] || fail "the shim-like spec without the wrapper: expected a failure, got exit $r"
            grep -Eiq 'cgroup|devpts' "$D/rawlimits.err" 2> /dev/null || fail "expected a cgroup (or devpts) error: $(head -3 "$D/rawlimits.err" 2> /dev/null | paste -sd' ')"
            report "$where: negative control: the shim-like spec without the wrapper fails ($(grep -Eio 'cgroup[^:]*|devpts' "$D/rawlimits.err" 2> /dev/null | head -1))"
        done
    done
fi

# ================================================================ 3. docs, completion, man page
DOCS=$TOP/docs
# containerd reads the snippet: as the whole config and imported from another.
if command -v containerd > /dev/null; then
    sed "s|/usr/local/bin/oci-rootless-runtime|$BIN|" "$DOCS/containerd-config.toml" > "$T/containerd.toml"
    printf 'version = 2\nimports = ["%s"]\n' "$T/containerd.toml" > "$T/containerd-main.toml"
    for cfg in "$T/containerd.toml" "$T/containerd-main.toml"; do
        containerd --config "$cfg" config dump > "$T/dump.toml" 2> "$T/dump.err" || fail "containerd config dump failed: $(head -3 "$T/dump.err")"
        awk -v b="$BIN" '
            /^ *\[/ { sec = $0; gsub(/^ +/, "", sec) }
            sec == "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.oci-rootless]" && $0 ~ /^ *runtime_type = "io.containerd.runc.v2"$/ { t = 1 }
            sec == "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.oci-rootless.options]" && $0 ~ "^ *BinaryName = \"" b "\"$" { o = 1 }
            END { exit !(t && o) }' "$T/dump.toml" \
            || fail "containerd's dump of $(basename "$cfg") lacks runtime oci-rootless with runtime_type io.containerd.runc.v2 and BinaryName $BIN"
    done
    report "docs/containerd-config.toml: containerd reads it (alone and through imports): handler oci-rootless, io.containerd.runc.v2, BinaryName"

    # ... and its CRI plugin loads with it, as the whole config and imported
    # (naming a runtime replaces containerd's list: runc must be there too)
    for how in whole imported; do
        [ "$(id -u)" = 0 ] || break
        cd_=$T/cri-$how
        mkdir -p "$cd_"
        top="root = \"$cd_/root\"\nstate = \"$cd_/state\""
        if [ $how = whole ]; then
            awk -v top="$top" '{ print } /^version = 2$/ { gsub(/\\n/, "\n", top); print top }' "$T/containerd.toml" > "$cd_/config.toml"
        else
            printf 'version = 2\n%b\nimports = ["%s"]\n' "$top" "$T/containerd.toml" > "$cd_/config.toml"
        fi
        printf '[grpc]\n  address = "%s"\n' "$cd_/c.sock" >> "$cd_/config.toml"
        containerd --config "$cd_/config.toml" > "$cd_/log" 2>&1 &
        cpid=$!
        for _ in $(seq 50); do [ -S "$cd_/c.sock" ] && ctr --address "$cd_/c.sock" plugins ls > "$cd_/plugins" 2>&1 && break; sleep 0.2; done
        kill "$cpid" 2> /dev/null
        wait "$cpid" 2> /dev/null
        awk '$2 == "cri" { print $4 }' "$cd_/plugins" 2> /dev/null | grep -qx ok \
            || fail "$how: the CRI plugin did not load: $(grep -m1 'io.containerd.grpc.v1.cri' "$cd_/log" | head -c 300)"
    done
    if [ "$(id -u)" = 0 ]; then
        report "docs/containerd-config.toml: containerd's CRI plugin loads with it, as the whole config and imported (runc stays a runtime)"
    else
        skip "docs/containerd-config.toml: containerd's CRI plugin loads with it" "starting containerd needs root"
    fi
else
    skip "docs/containerd-config.toml read by containerd" "containerd is not installed"
fi

jq -e 'keys == ["runtimes"] and (.runtimes | keys == ["oci-rootless"])
       and (.runtimes["oci-rootless"] | keys == ["path"]) and (.runtimes["oci-rootless"].path | test("^/.*/oci-rootless-runtime$"))' \
    "$DOCS/docker-daemon.json" > /dev/null 2>&1 || fail "docker-daemon.json: expected {\"runtimes\": {\"oci-rootless\": {\"path\": \"/.../oci-rootless-runtime\"}}}"
report "docs/docker-daemon.json: valid JSON with Docker's runtimes.NAME.path"

if [ $IS_ROOT = 1 ] && command -v podman > /dev/null && [ -n "${UBIN:-}" ]; then
    sed "s|/usr/local/bin/oci-rootless-runtime|$UBIN|" "$DOCS/containers.conf" > "$T/containers.conf"
    chmod 644 "$T/containers.conf"
    # Its own runtime folder and storage, so that the pause process Podman
    # starts is found (its pid file) and stopped, and nothing is left behind.
    mkdir -p "$T/podman/run" "$T/podman/storage"
    chown -R "$RT_USER:" "$T/podman"
    chmod 700 "$T/podman/run"
    as_user CONTAINERS_CONF="$T/containers.conf" OCI_ROOTLESS_RUNTIME=runc XDG_RUNTIME_DIR="$T/podman/run" timeout 60 \
        podman --runtime oci-rootless --root "$T/podman/storage" --runroot "$T/podman/run/storage" \
        --storage-driver vfs --cgroup-manager cgroupfs --events-backend file \
        info --format '{{.Host.OCIRuntime.Name}}|{{.Host.OCIRuntime.Path}}|{{.Host.OCIRuntime.Version}}' > "$T/podman.out" 2> "$T/podman.err"
    r=$?
    pause=$(cat "$T/podman/run/libpod/tmp/pause.pid" 2> /dev/null)
    case $pause in '' | *[!0-9]*) ;; *) [ "$(awk '/^Uid:/ { print $2 }' "/proc/$pause/status" 2> /dev/null)" = "$UID_U" ] && kill -KILL "$pause" ;; esac
    [ $r = 0 ] || fail "podman info failed (exit $r): $(tail -3 "$T/podman.err" | paste -sd' ')"
    IFS='|' read -r pname ppath pver < "$T/podman.out"
    [ "$pname" = oci-rootless ] || fail "podman's runtime name: expected oci-rootless, got '$pname'"
    [ "$ppath" = "$UBIN" ] || fail "podman's runtime path: expected $UBIN, got '$ppath'"
    case $pver in "runc version"*) ;; *) fail "podman's runtime version: expected runc's, through the wrapper; got '$pver'" ;; esac
    report "docs/containers.conf: Podman, as $RT_USER, finds runtime oci-rootless at the wrapper and reads the real runtime's version through it"
else
    skip "docs/containers.conf read by Podman" "needs root (a test user) and podman"
fi

if python3 -c 'import yaml' 2> /dev/null; then
    # the snippet's handler: the runtime that is not containerd's own runc
    handler=$(sed -n 's/^\[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.\([a-z0-9-]*\)\]$/\1/p' "$DOCS/containerd-config.toml" | grep -vx runc)
    python3 - "$DOCS/runtimeclass.yaml" "$handler" > "$T/rc.err" 2>&1 << 'EOF' || fail "runtimeclass.yaml: $(cat "$T/rc.err")"
import re, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]
assert len(docs) == 1, "one document expected"
d = docs[0]
assert d.get("apiVersion") == "node.k8s.io/v1", d.get("apiVersion")
assert d.get("kind") == "RuntimeClass", d.get("kind")
assert set(d) <= {"apiVersion", "kind", "metadata", "handler", "overhead", "scheduling"}, sorted(d)
name, handler = d["metadata"]["name"], d["handler"]
for v in (name, handler):
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", v) and len(v) <= 63, "not a DNS label: %r" % v
assert handler == sys.argv[2], "handler %r is not containerd's runtime %r" % (handler, sys.argv[2])
EOF
    report "docs/runtimeclass.yaml: a node.k8s.io/v1 RuntimeClass whose handler ($handler) is the containerd snippet's runtime"
else
    skip "docs/runtimeclass.yaml" "python3-yaml is not installed"
fi

# Bash completion: both programs, their options, values and subcommands.
COMP=$TOP/completion/oci-rootless.bash
complete_words() { # CWORD WORDS...: the candidates bash would offer
    local cword=$1
    shift
    bash --norc --noprofile -c '
        source "$1" || exit 1
        shift
        cword=$1
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$cword
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        spec=$(complete -p "$1" 2> /dev/null) || { echo "no completion for $1" >&2; exit 1; }
        fn=$(sed -n "s/.*-F \([^ ]*\).*/\1/p" <<< "$spec")
        "$fn" "$1" "${COMP_WORDS[cword]}" "${COMP_WORDS[cword - 1]}"
        printf "%s\n" "${COMPREPLY[@]}"' bash "$COMP" "$cword" "$@"
}
expect_completion() { # DESC WANTED-WORDS CWORD WORDS...
    local d=$1 want=$2 w got
    shift 2
    got=$(complete_words "$@" 2> "$T/comp.err" | sort -u)
    for w in $want; do
        grep -qxF -- "$w" <<< "$got" || fail "'$*': '$w' not offered; got: $(paste -sd' ' <<< "$got") $(head -2 "$T/comp.err")"
    done
    report "bash completion: $d"
}
expect_completion "oci-rootless-runtime global options" "--root --log --log-format --debug --systemd-cgroup --rootless --criu --help --version" \
    1 oci-rootless-runtime --
expect_completion "oci-rootless-runtime subcommands, after global options with values" "create run start state kill delete exec ps features spec" \
    5 oci-rootless-runtime --root /run/x --log-format json ""
expect_completion "oci-rootless-runtime --log-format values" "text json" 2 oci-rootless-runtime --log-format ""
expect_completion "oci-rootless-runtime create options" "--bundle --console-socket --pid-file --no-pivot --no-new-keyring --preserve-fds" \
    4 oci-rootless-runtime --root /x create --
expect_completion "oci-rootless-runtime --bundle completes folders" "$T" \
    3 oci-rootless-runtime run --bundle "$(dirname "$T")/ocirl-rt."
expect_completion "oci-rootless --mode values" "auto userns single subid" 2 oci-rootless --mode ""
expect_completion "oci-rootless --cgroups=VALUE (split at = by bash)" "auto drop keep" 3 oci-rootless --cgroups = ""
if [ -n "$CLI" ] && [ -x "$CLI" ]; then
    # the options of --help: "  -o, --output FILE" and "      --check" lines
    want=$("$CLI" --help | grep -oE -- '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+' | sort -u | paste -sd' ')
    expect_completion "oci-rootless: every long option of its --help" "$want" 1 oci-rootless --
    want=$("$CLI" --list-rules | awk 'NR > 1 { print $1 }' | paste -sd' ')
    PATH="$(dirname "$CLI"):$PATH" expect_completion "oci-rootless --skip: the rules of --list-rules" "$want" 2 oci-rootless --skip ""
else
    skip "bash completion: every long option of oci-rootless --help" "OCI_ROOTLESS is not set"
    skip "bash completion: oci-rootless --skip: the rules of --list-rules" "OCI_ROOTLESS is not set"
fi

# The man page: groff reads it without a warning, and it names every setting.
MAN=$DOCS/oci-rootless-runtime.1
if command -v groff > /dev/null; then
    groff -man -Tutf8 -ww -z "$MAN" > "$T/groff.out" 2>&1 && [ ! -s "$T/groff.out" ] || fail "groff: $(head -5 "$T/groff.out")"
fi
for w in OCI_ROOTLESS_RUNTIME OCI_ROOTLESS_MODE OCI_ROOTLESS_CGROUPS OCI_ROOTLESS_SKIP OCI_ROOTLESS_CONFIG OCI_ROOTLESS_RUNTIME_DEBUG /etc/oci-rootless/runtime.conf \
    containerd-config.toml docker-daemon.json containers.conf runtimeclass.yaml; do
    grep -qF -- "$w" "$MAN" || fail "the man page does not mention $w"
done
report "docs/oci-rootless-runtime.1: groff reads it without warnings; it documents every setting and snippet"

echo "1..$N"
[ "$FAILED" = 0 ]
