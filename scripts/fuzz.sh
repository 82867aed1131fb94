#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets with clang, ASan and UBSan, and runs
# each for the given number of seconds on a copy of the committed corpus.
# New crashes are copied into tests/fuzz/crashes/TARGET/ (replayed by make test).
# FUZZ_TARGETS="convert" limits the run to some targets.
set -euo pipefail
seconds=${1:-60}
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build-fuzz
if ! command -v clang >/dev/null; then
    [ "$(id -u)" -eq 0 ] && apt-get install -y -qq clang >/dev/null
fi
if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" "$top" -Dfuzzing=true -Db_sanitize=address,undefined \
        -Db_lundef=false -Dc_args=-fno-sanitize-recover=all -Dwerror=false >/dev/null
fi
ninja -C "$build" >/dev/null
for t in ${FUZZ_TARGETS:-convert idmap subid}; do
    work=$build/corpus-$t
    rm -rf "$build/artifacts-$t"   # count only what this run finds
    mkdir -p "$work" "$build/artifacts-$t"
    cp -n "$top/tests/fuzz/corpus/$t/"* "$work/" 2>/dev/null || true
    echo "== fuzz-$t for ${seconds}s"
    "$build/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        -artifact_prefix="$build/artifacts-$t/" -print_final_stats=1 "$work" 2>&1 | \
        grep -E "^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY)" || true
    found=$(ls "$build/artifacts-$t" 2>/dev/null | wc -l)
    echo "   findings: $found"
    if [ "$found" -gt 0 ]; then
        cp "$build/artifacts-$t/"* "$top/tests/fuzz/crashes/$t/"
        echo "   copied to tests/fuzz/crashes/$t/"
    fi
done
