#!/usr/bin/env bash
# Regenerates the seed corpus from the golden inputs and a few maps. The
# convert target's first byte picks the mappings (0 userns, 1 single, 2 subid;
# +4 for compact output, and higher bits for the caller facts: see fuzz-convert.c),
# so each config is seeded with several first bytes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
inputs=$here/../golden/inputs
out=$here/corpus
mkdir -p "$out/convert" "$out/idmap" "$out/subid"
for f in "$inputs"/*.json; do
    name=$(basename "$f" .json)
    for b in 0 1 5; do
        { printf "\\x0$b"; cat "$f"; } > "$out/convert/$name-$b"
    done
done
# the golden cases' own inputs (the rules' cases, invalid input), with every fact known
for f in "$here"/../golden/cases/*/input.json "$here"/../rules/*/*/input.json; do
    case $f in
    */rules/*) name=$(basename "$(dirname "$(dirname "$f")")").$(basename "$(dirname "$f")") ;;
    *) name=$(basename "$(dirname "$f")") ;;
    esac
    for b in c0 e3; do { printf "\x$b"; cat "$f"; } > "$out/convert/case-$name-$b"; done
done
printf '         0       1000          1\n' > "$out/idmap/unshare"
printf '         0       1000          1\n         1     100000      65536\n' > "$out/idmap/rootlesskit"
printf '         0          0 4294967295\n' > "$out/idmap/initial"
printf '1 100000 65536\n0 1000 1\n' > "$out/idmap/unsorted"
printf '0 1000\n' > "$out/idmap/bad"
printf 'alice:100000:65536\nbob:165536:65536\n' > "$out/subid/useradd"
printf '# comment\n1000:200000:10\nalice:100000:10\nalice:100005:10\n\n' > "$out/subid/mixed"
printf 'alice:x:1\n' > "$out/subid/bad"
