#!/usr/bin/env bash
# tests: summary. What `make test` and `make run` print at the end (TAP):
#  1. scripts/test-summary.sh on meson test logs made here: per-case skips,
#     a skipped plan, a suite whose every case skipped, TODO failures, a
#     passing TODO, failures, a Bail out!, a crash, a time-out, two logs, a
#     missing log; the counts, the last line's form (the plain closing line
#     'N passed, N failed, N skipped') and the exit status;
#  2. the same on logs written by meson itself (a small project), and
#     scripts/run-tests.sh on that project: a skipped suite fails the run,
#     the ASan build is named after the build, a stale log is not counted;
#  3. scripts/install-deps.sh with stand-ins for dpkg-query, apt-get and id:
#     what it installs (valgrind when missing), and as another user; the
#     tools the suites use are installed here, by the package it lists;
#  4. scripts/demo.sh (`make run`) with stdout to a pipe: no terminal escape,
#     the reasons then the diff, then the run as an unprivileged user (the
#     container's id and uid_map, the unconverted config's error), and last
#     where the converted file is; on a terminal the headings are bold and
#     the text the same.
#
# Run: OCI_ROOTLESS=build/src/oci-rootless tests/summary/run.sh
set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
SUMMARY=$top/scripts/test-summary.sh
BIN=${OCI_ROOTLESS:-}
[ -n "$BIN" ] && case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
command -v jq > /dev/null || { echo "Bail out! jq is needed (scripts/install-deps.sh installs it)"; exit 1; }

W=$(mktemp -d /tmp/ocirl-summary.XXXXXX) || { echo "Bail out! mktemp failed"; exit 1; }
trap 'rm -rf "$W"' EXIT

# ---- TAP: begin, problem, end
# shellcheck source=../lib/cases.sh
. "$here/../lib/cases.sh"
show() { sed 's/^/    /' "$1" | head -30; }

# ---- meson test logs, made by hand: entry NAME RESULT RETURNCODE TAP-TEXT
LOG=$W/testlog.json
newlog() { LOG=${1:-$W/testlog.json}; : > "$LOG"; }
entry() {
    jq -nc --arg n "oci-rootless:$1" --arg r "$2" --argjson rc "$3" --arg o "$4" \
        '{name: $n, stdout: $o, result: $r, starttime: 0, duration: 0.1, returncode: $rc, command: ["run.sh"]}' >> "$LOG"
}
# summarize ARGS...: runs the summary; its stdout in $W/out, exit status in $rc
summarize() { "$SUMMARY" "$@" > "$W/out" 2> "$W/err"; rc=$?; }
# The closing line as the workplace reads it: 'N passed, N failed' alone on a
# line, ', N skipped' may follow, one word with a colon may stand before it.
PLAIN='^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$'
expect_last() { # LINE: the last line, the only closing-line-like one, in the plain form
    local last
    last=$(tail -n 1 "$W/out")
    [ "$last" = "$1" ] || { problem "last line: '$last', expected '$1'; output:"; problem "$(show "$W/out")"; }
    printf '%s\n' "$last" | grep -Eq "$PLAIN" || problem "the last line is not in the plain form: $last"
    [ "$(grep -Ec '[0-9]+ passed, [0-9]+ failed' "$W/out")" = 1 ] || problem "more than one line looks like the closing line"
}
expect_rc() { [ "$rc" = "$1" ] || problem "exit status $rc, expected $1; stderr: $(head -c 300 "$W/err")"; }
expect_has() { grep -qF -- "$1" "$W/out" || { problem "the output lacks: $1"; problem "$(show "$W/out")"; }; }
expect_todo() { # N: the line before the last counts N todo
    tail -n 2 "$W/out" | head -n 1 | grep -q "^summary: $1 todo," || problem "the line before the last does not count $1 todo: $(tail -n 2 "$W/out" | head -n 1)"
}

# ================================================================ 1. the counts
begin "passes and per-case skips (directives SKIP, skip, SKIPPED:): counted; comments and a hash sign that is no directive ignored; exit 0"
newlog
entry "unit / unit-a" OK 0 $'# a comment\nok 1 - a\nok 2 - b # SKIP needs root\nok 3 - c # skip lower case\nok 4 - d # SKIPPED: too old\nok 5 - e # a hash, no directive\n1..5'
entry "cli / cli" OK 0 $'ok 1\nok 2\n1..2'
summarize "$LOG"
expect_rc 0
expect_last "tests: 4 passed, 0 failed, 3 skipped"
expect_has "unit / unit-a: b (needs root)"
expect_todo 0
end

begin "a skipped plan (1..0, directive SKIP) counts as one skipped, is named with its reason, and fails the run (exit 1)"
newlog
entry "unit / unit-a" OK 0 $'ok 1\n1..1'
entry "valgrind / valgrind" SKIP 0 '1..0 # SKIP valgrind is not installed'
summarize "$LOG"
expect_rc 1
expect_last "tests: 1 passed, 0 failed, 1 skipped"
expect_has "oci-rootless:valgrind / valgrind: skipped plan: valgrind is not installed -- this machine can run it: a failure"
grep -q "^summary: 0 todo, 1 suites skipped as a whole" "$W/out" || problem "the skipped suite is not counted on the line before the last"
end

begin "--may-skip NAME (the part after ' / ', or meson's whole name): the skipped plan is allowed (exit 0), still counted skipped"
summarize --may-skip valgrind "$LOG"
expect_rc 0
expect_last "tests: 1 passed, 0 failed, 1 skipped"
expect_has "skipped plan: valgrind is not installed (allowed on this machine)"
summarize --may-skip "oci-rootless:valgrind / valgrind" "$LOG"
expect_rc 0
summarize --may-skip unit "$LOG"
expect_rc 1
end

begin "a plan 1..0 without a reason, and a test program with no TAP line at all: each one skipped, a failure"
newlog
entry "a / a" SKIP 0 '1..0'
entry "b / b" SKIP 0 ''
summarize "$LOG"
expect_rc 1
expect_last "tests: 0 passed, 0 failed, 2 skipped"
expect_has "oci-rootless:a / a: skipped plan -- this machine"
expect_has "oci-rootless:b / b: no test ran -- this machine"
end

begin "a suite whose every case skipped (meson: SKIP): its cases counted, skipped as a whole: exit 1 unless allowed"
newlog
entry "runtime / runtime" OK 0 $'ok 1 - fake\nok 2 - real # SKIP needs root\n1..2'
entry "runtime / clients" SKIP 0 $'ok 1 - containerd, runc # SKIP needs root\nok 2 - podman, runc # SKIP needs root\n1..2'
summarize "$LOG"
expect_rc 1
expect_last "tests: 1 passed, 0 failed, 3 skipped"
expect_has "oci-rootless:runtime / clients: every case skipped -- this machine can run it"
summarize --may-skip clients "$LOG"
expect_rc 0
end

# the rule of run-tests.sh when not root
ROOT_RE=$(sed -n "s/.*--may-skip-reason '\([^']*\)'.*/\1/p" "$top/scripts/run-tests.sh")
begin "--may-skip-reason (run-tests.sh's, when not root): allowed only when every skip reason names root"
[ -n "$ROOT_RE" ] || problem "run-tests.sh passes no --may-skip-reason"
newlog
entry "e2e / e2e" SKIP 0 '1..0 # SKIP the end-to-end suite must run as root (it installs packages and creates a test user)'
entry "runtime / clients" SKIP 0 $'ok 1 - containerd, runc # SKIP needs root (installs packages)\nok 2 - podman, runc # SKIP needs root (installs packages)\n1..2'
summarize --may-skip-reason "$ROOT_RE" "$LOG"
expect_rc 0
expect_last "tests: 0 passed, 0 failed, 3 skipped"
newlog
entry "runtime / clients" SKIP 0 $'ok 1 - containerd, runc # SKIP needs root\nok 2 - podman, crun # SKIP rootlesskit is not installed\n1..2'
entry "valgrind / valgrind" SKIP 0 '1..0 # SKIP valgrind is not installed'
entry "x / x" SKIP 0 '1..0'
summarize --may-skip-reason "$ROOT_RE" "$LOG"
expect_rc 1
grep -q "^summary: 0 todo, 3 suites skipped as a whole" "$W/out" || problem "expected 3 suites not allowed: $(tail -n 2 "$W/out" | head -n 1)"
end

begin "not ok with the directive TODO: neither passed nor failed, counted as todo on the line before the last, listed; exit 0"
newlog
entry "unit / unit-a" OK 0 $'ok 1 - a\nnot ok 2 - b # TODO parser gap\nnot ok 3 - c # todo\n1..3'
summarize "$LOG"
expect_rc 0
expect_last "tests: 1 passed, 0 failed, 0 skipped"
expect_todo 2
expect_has "oci-rootless:unit / unit-a: b (parser gap)"
end

begin "ok with the directive TODO (meson: UNEXPECTEDPASS) is a failure"
newlog
entry "unit / unit-a" FAIL 1 $'ok 1 - a # TODO not done yet\n1..1'
summarize "$LOG"
expect_rc 1
expect_last "tests: 0 passed, 1 failed, 0 skipped"
expect_has "a (not done yet) -- passes though marked TODO"
end

begin "a normal failure: counted, listed with its suite, exit 1; not ok with the directive SKIP is a failure too (as meson)"
newlog
entry "cli / cli" FAIL 1 $'ok 1 - a\nnot ok 2 - broken\n# stderr: why\nok 3 - c\nnot ok 4 - d # SKIP not allowed\n1..4'
summarize "$LOG"
expect_rc 1
expect_last "tests: 2 passed, 2 failed, 0 skipped"
expect_has "oci-rootless:cli / cli: broken"
end

begin "a Bail out! counts as one failure, with its message; exit 1"
newlog
entry "cli / cli" ERROR 99 $'ok 1 - a\nBail out! jq is needed'
summarize "$LOG"
expect_rc 1
expect_last "tests: 1 passed, 1 failed, 0 skipped"
expect_has "oci-rootless:cli / cli: Bail out! jq is needed"
end

begin "a crash with no not ok line (meson: ERROR, too few tests) and a time-out each count as one failure"
newlog
entry "golden / golden" ERROR 134 $'1..5\nok 1\nok 2'
entry "e2e / e2e" TIMEOUT -15 $'ok 1\nok 2'
summarize "$LOG"
expect_rc 1
expect_last "tests: 4 passed, 2 failed, 0 skipped"
expect_has "oci-rootless:golden / golden: meson says ERROR (exit status 134), with no not ok line of its own"
expect_has "oci-rootless:e2e / e2e: meson says TIMEOUT"
end

begin "two logs (the build and the ASan build) are added up"
newlog "$W/one.json"
entry "unit / unit-a" OK 0 $'ok 1\nok 2 # SKIP x\n1..2'
newlog "$W/two.json"
entry "unit / unit-a" FAIL 1 $'ok 1\nnot ok 2\n1..2'
summarize "$W/one.json" "$W/two.json"
expect_rc 1
expect_last "tests: 2 passed, 1 failed, 1 skipped"
end

begin "a missing log and one that is not JSON: exit 1, each named, the others still counted"
printf 'not json\n' > "$W/bad.json"
summarize "$W/one.json" "$W/nonexistent.json" "$W/bad.json"
expect_rc 1
expect_last "tests: 1 passed, 0 failed, 1 skipped"
expect_has "no test log $W/nonexistent.json"
expect_has "$W/bad.json is not a readable meson test log"
summarize
expect_rc 2
end

# ================================================================ 2. real meson
P=$W/proj
mkdir -p "$P"
cat > "$P/meson.build" << 'EOF'
project('summary-sample', 'c')
sh = find_program('sh')
tap = {
  'pass' : 'echo "ok 1 - a"; echo "ok 2 - b # SKIP not here"; echo 1..2',
  'skipplan' : 'echo "1..0 # SKIP valgrind is not installed"',
  'todo' : 'echo "ok 1 - a"; echo "not ok 2 - b # TODO known"; echo 1..2',
}
foreach t, s : tap
  test(t, sh, args : ['-c', s], protocol : 'tap', suite : t == 'skipplan' ? 'valgrind' : 'unit')
endforeach
if get_option('with_failure')
  test('fail', sh, args : ['-c', 'echo "not ok 1 - broken"; echo 1..1'], protocol : 'tap', suite : 'cli')
endif
EOF
echo "option('with_failure', type : 'boolean', value : false)" > "$P/meson_options.txt"

begin "meson's own testlog.json: a skipped plan, a per-case skip, a TODO and a failure, counted as meson ran them"
if (cd "$P" && meson setup m -Dwith_failure=true) > "$W/setup.log" 2>&1; then
    meson test -C "$P/m" > "$W/mtest.log" 2>&1
    mrc=$?
    [ "$mrc" != 0 ] || problem "meson test passed with a failing test"
    [ "$(jq -r 'select(.name | endswith("/ skipplan")) | .result' "$P/m/meson-logs/testlog.json")" = SKIP ] ||
        problem "meson did not say SKIP for the skipped plan"
    summarize "$P/m/meson-logs/testlog.json"
    expect_rc 1
    expect_last "tests: 2 passed, 1 failed, 2 skipped"
    expect_todo 1
    expect_has "summary-sample:valgrind / skipplan: skipped plan: valgrind is not installed -- this machine can run it"
else
    problem "meson setup failed: $(tail -5 "$W/setup.log")"
fi
end

begin "run-tests.sh: a suite skipped as a whole fails the run, the summary comes last, the ASan build is BUILD-asan"
if (cd "$P" && meson setup b) > "$W/setup.log" 2>&1; then
    (cd "$P" && "$top/scripts/run-tests.sh" b) > "$W/out" 2> "$W/err"
    rc=$?
    expect_rc 1
    # build: pass, skipplan, todo; b-asan (suite unit only): pass, todo
    expect_last "tests: 4 passed, 0 failed, 3 skipped"
    expect_has "summary-sample:valgrind / skipplan: skipped plan: valgrind is not installed -- this machine can run it"
    [ -f "$P/b-asan/build.ninja" ] || problem "no ASan build in b-asan"
    [ "$(meson introspect --buildoptions "$P/b-asan" 2> /dev/null | jq -r '.[] | select(.name == "b_sanitize") | .value')" = address,undefined ] ||
        problem "b-asan is not built with address,undefined"
    OCIRL_MAY_SKIP=skipplan bash -c 'cd "$1" && "$2" b' _ "$P" "$top/scripts/run-tests.sh" > "$W/out" 2> "$W/err"
    rc=$?
    expect_rc 0
    expect_last "tests: 4 passed, 0 failed, 3 skipped"
else
    problem "meson setup failed: $(tail -5 "$W/setup.log")"
fi
end

begin "run-tests.sh: when the ASan build fails, its earlier testlog.json is not counted: the log is missing, exit 1"
if [ -f "$P/b-asan/meson-logs/testlog.json" ]; then
    echo 'this is not a build file' > "$P/b-asan/build.ninja"
    OCIRL_MAY_SKIP=skipplan bash -c 'cd "$1" && "$2" b b-asan' _ "$P" "$top/scripts/run-tests.sh" > "$W/out" 2> "$W/err"
    rc=$?
    expect_rc 1
    expect_has "no test log b-asan/meson-logs/testlog.json"
    expect_last "tests: 2 passed, 0 failed, 2 skipped"
else
    problem "the case before left no b-asan/meson-logs/testlog.json"
fi
end

# ================================================================ 3. install-deps.sh
STUB=$W/stub
mkdir -p "$STUB"
# dpkg-query -W -f=... PACKAGE: installed unless PACKAGE is in $MISSING
cat > "$STUB/dpkg-query" << 'EOF'
#!/bin/sh
for p; do :; done
case " $MISSING " in *" $p "*) echo "dpkg-query: no packages found matching $p" >&2; exit 1 ;; esac
printf 'install ok installed'
EOF
cat > "$STUB/apt-get" << 'EOF'
#!/bin/sh
echo "apt-get $*" >> "$APT_LOG"
EOF
cat > "$STUB/id" << 'EOF'
#!/bin/sh
echo "$FAKE_UID"
EOF
chmod +x "$STUB"/*
deps() { # ENV...: install-deps.sh with the stand-ins
    : > "$W/apt.log"
    env PATH="$STUB:$PATH" APT_LOG="$W/apt.log" FAKE_UID=0 MISSING= "$@" "$top/scripts/install-deps.sh" > "$W/out" 2> "$W/err"
    rc=$?
}

begin "install-deps.sh: valgrind missing is installed (apt-get update, then install of the missing ones only)"
deps MISSING="valgrind jq"
expect_rc 0
[ "$(cat "$W/apt.log")" = "apt-get update -qq
apt-get install -y -qq --no-install-recommends jq valgrind" ] || problem "apt-get calls: $(cat "$W/apt.log")"
grep -q "installing jq valgrind" "$W/err" || problem "it does not say what it installs: $(cat "$W/err")"
end

begin "install-deps.sh: nothing missing, no apt-get; as another user, missing valgrind is an error naming it"
deps
expect_rc 0
[ -s "$W/apt.log" ] && problem "apt-get called: $(cat "$W/apt.log")"
deps MISSING=valgrind FAKE_UID=1000
expect_rc 1
[ -s "$W/apt.log" ] && problem "apt-get called as another user"
grep -q "missing packages: valgrind" "$W/err" || problem "stderr: $(cat "$W/err")"
end

begin "the tools of the suites without an installer of their own are installed, each by a package install-deps.sh lists"
"$top/scripts/install-deps.sh" --list > "$W/list"
# tool:package (the suites and scripts that use it: see install-deps.sh)
for tp in valgrind:valgrind jq:jq nm:binutils readelf:binutils man:man-db groff:groff-base \
    unshare:util-linux setpriv:util-linux nsenter:util-linux runuser:util-linux mount:mount umount:mount \
    useradd:passwd usermod:passwd pgrep:procps meson:meson ninja:ninja-build gcc:gcc pkg-config:pkg-config; do
    t=${tp%%:*} p=${tp#*:}
    grep -qx "$p" "$W/list" || problem "install-deps.sh does not list $p (for $t)"
    command -v "$t" > /dev/null || { problem "$t is not installed (package $p)"; continue; }
    [ "$p" = pkg-config ] && continue # /usr/bin/pkg-config is pkgconf's, which pkg-config depends on
    owner=
    for d in /usr/bin /bin /usr/sbin /sbin; do
        owner=$(dpkg-query -S "$d/$t" 2> /dev/null | cut -d: -f1) && [ -n "$owner" ] && break
    done
    [ "$owner" = "$p" ] || problem "$t belongs to '$owner', not to $p"
done
while read -r p; do
    dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || problem "$p is not installed (run scripts/install-deps.sh)"
done < "$W/list"
end

# ================================================================ 4. make run
begin "make run's script, stdout to a pipe: no ESC byte; the reasons, then the diff, then the run (the container's id and uid_map, the unconverted config's error), and last where the converted file is"
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    problem "OCI_ROOTLESS is not set to the oci-rootless binary"
else
    mkdir -p "$W/b/src"
    ln -s "$BIN" "$W/b/src/oci-rootless"
    (cd "$top" && scripts/demo.sh "$W/b/src/oci-rootless" examples/runc-spec 2> "$W/err" | cat > "$W/out")
    rc=$?
    expect_rc 0
    grep -q $'\033' "$W/out" && problem "an ESC byte in the output: $(grep -n $'\033' "$W/out" | head -3 | cat -v)"
    lines=$(wc -l < "$W/out")
    [ "$lines" -le 120 ] || problem "$lines lines (the old end was a 200-line dump)"
    grep -qx '{' "$W/out" && problem "a JSON dump in the output (a line '{')"
    d=$(grep -n '^--- config.json (root)$' "$W/out" | cut -d: -f1)
    r=$(grep -n 'gid 5 is not mapped in the container \[id-options\]$' "$W/out" | tail -n 1 | cut -d: -f1)
    [ -n "$d" ] && grep -qx '+++ config.json (rootless)' "$W/out" || problem "no diff of the config"
    [ -n "$r" ] || problem "no reason for the devpts change on stdout"
    [ -n "$d" ] && [ -n "$r" ] && [ "$r" -lt "$d" ] || problem "the reasons do not come before the diff"
    grep -qx '+		"gidMappings": \[' "$W/out" || problem "the diff does not show the gid mappings added"
    # after the diff: the run, as an unprivileged user (as root: ocirl-demo)
    run_at=$(grep -n '^4\. Run it: ' "$W/out" | cut -d: -f1)
    [ -n "$run_at" ] && [ -n "$d" ] && [ "$run_at" -gt "$d" ] || problem "no step 4 (the run) after the diff"
    if [ "$(id -u)" = 0 ] || command -v runc > /dev/null; then
        grep -qx '   container: uid=0 gid=0 groups=0' "$W/out" || problem "the container's id is not shown: $(sed -n "${run_at:-1},\$p" "$W/out" | head -12)"
        grep -Eqx '   container: +0 +[1-9][0-9]* +1' "$W/out" || problem "the container's uid_map (0 UID 1) is not shown"
        grep -Eq '^   runc \(exit [1-9][0-9]*\): .+' "$W/out" || problem "the unconverted config's error is not shown"
    fi
    tail -n 1 "$W/out" | grep -q " $W/b/demo/config.json\$" || problem "the last line does not say where the converted file is: $(tail -n 1 "$W/out")"
    "$BIN" --mode single --uid 1000 --gid 1000 "$top/examples/runc-spec" > "$W/expected.json" 2> /dev/null
    cmp -s "$W/expected.json" "$W/b/demo/config.json" || problem "$W/b/demo/config.json is not the conversion"
    [ -s "$W/err" ] && problem "stderr: $(head -c 300 "$W/err")"
fi
end

begin "make run's script on a terminal: the headings are bold, the same text"
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    problem "OCI_ROOTLESS is not set to the oci-rootless binary"
elif ! command -v script > /dev/null; then
    problem "script (bsdutils) is not installed"
else
    (cd "$top" && script -qec "scripts/demo.sh '$W/b/src/oci-rootless' examples/runc-spec '$W/tty'" /dev/null < /dev/null > "$W/tty.out" 2>&1)
    rc=$?
    expect_rc 0
    grep -qF $'\033[1m1. The example: ' "$W/tty.out" || problem "no bold heading on a terminal: $(head -c 300 "$W/tty.out" | cat -v)"
    tr -d '\r' < "$W/tty.out" | sed $'s/\033\\[[0-9]*m//g' | sed "s|$W/tty/|$W/b/demo/|g" > "$W/tty.plain"
    cmp -s "$W/tty.plain" "$W/out" || problem "the text differs from the pipe's: $(diff "$W/out" "$W/tty.plain" | head -5)"
fi
end

echo "1..$n"
[ "$failed" = 0 ]
