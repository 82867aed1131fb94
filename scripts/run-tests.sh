#!/usr/bin/env bash
# make test: every suite in the normal build, then the unit, golden, CLI,
# fuzz-replay and fault suites again in a build with AddressSanitizer and
# UndefinedBehaviorSanitizer; then one summary line counting the individual
# TAP results of all of them.
set -uo pipefail
build=${1:-build}
asan=${2:-build-asan}
rc=0

meson test -C "$build" --print-errorlogs || rc=1

if [ ! -f "$asan/build.ninja" ]; then
    meson setup "$asan" -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args=-fno-sanitize-recover=all >/dev/null || rc=1
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
ninja -C "$asan" >/dev/null && \
    meson test -C "$asan" --print-errorlogs --suite unit --suite golden --suite cli --suite fuzz --suite fault || rc=1

summary() {
    for log in "$build/meson-logs/testlog.json" "$asan/meson-logs/testlog.json"; do
        [ -f "$log" ] && jq -r '.stdout // ""' "$log"
    done | awk '
        /^ok /      { if ($0 ~ /# [Ss][Kk][Ii][Pp]/) skip++; else pass++ }
        /^not ok /  { if ($0 ~ /# TODO/) pass++; else fail++ }
        END { printf "tests: %d passed, %d failed, %d skipped\n", pass + 0, fail + 0, skip + 0 }'
}
summary
exit $rc
