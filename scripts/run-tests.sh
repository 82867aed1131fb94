#!/usr/bin/env bash
# make test: every suite in the normal build, then the unit, rules, golden, CLI,
# fuzz-replay and fault suites again in a build with AddressSanitizer and
# UndefinedBehaviorSanitizer; then the summary of all of them
# (scripts/test-summary.sh), whose last line is
#   tests: N passed, N failed, N skipped
# It fails when a suite fails, or when a suite ran nothing although this
# machine can run it (only the suites that need root may, when not root).
#
# usage: run-tests.sh [BUILD [ASAN-BUILD]]   (default: build, and BUILD-asan)
# OCIRL_MAY_SKIP="NAME..." lets more test programs be skipped as a whole.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
asan=${2:-${build%/}-asan}
rc=0

# a log left by an earlier run must not be counted as this one's
rm -f "$build/meson-logs/testlog.json" "$asan/meson-logs/testlog.json"

meson test -C "$build" --print-errorlogs || rc=1

if [ ! -f "$asan/build.ninja" ]; then
    meson setup "$asan" -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args=-fno-sanitize-recover=all >/dev/null || rc=1
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
ninja -C "$asan" >/dev/null && \
    meson test -C "$asan" --print-errorlogs --suite unit --suite rules --suite golden --suite cli --suite fuzz --suite fault || rc=1

# What may run nothing here: when not root, a suite that needs root (e2e,
# the real clients and the load test of the runtime suite), i.e. one whose
# every skip reason names root. Everything else has what it needs once
# scripts/install-deps.sh has run, or installs it itself (as root).
may_skip=()
if [ "$(id -u)" -ne 0 ]; then may_skip+=(--may-skip-reason '(^|[^A-Za-z])root([^A-Za-z]|$)'); fi
for t in ${OCIRL_MAY_SKIP:-}; do may_skip+=(--may-skip "$t"); done

echo
"$here/test-summary.sh" "${may_skip[@]}" "$build/meson-logs/testlog.json" "$asan/meson-logs/testlog.json" || rc=1
exit $rc
