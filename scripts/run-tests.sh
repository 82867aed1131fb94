#!/usr/bin/env bash
# make test: runs every suite through meson, then prints one summary line
# counting the individual TAP results of all suites.
set -uo pipefail
build=${1:-build}
meson test -C "$build" --print-errorlogs "${@:2}"
rc=$?
log="$build/meson-logs/testlog.json"
if [ -f "$log" ]; then
    jq -r '.stdout // ""' "$log" | awk '
        /^ok /      { if ($0 ~ /# [Ss][Kk][Ii][Pp]/) skip++; else pass++ }
        /^not ok /  { if ($0 ~ /# TODO/) pass++; else fail++ }
        END { printf "tests: %d passed, %d failed, %d skipped\n", pass, fail + 0, skip + 0 }'
fi
exit $rc
