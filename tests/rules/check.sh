#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The table of rules and what is kept from it agree (TAP):
#   - every rule of the table (the arguments: lib/rules/meson.build's list)
#     has lib/rules/NAME.c, tests/rules/NAME/unit.c and at least one golden
#     case tests/rules/NAME/CASE/;
#   - every folder of tests/rules/ names a rule, and so does every file of
#     lib/rules/ but the driver's (driver, registry, rules, schema-gen);
#   - oci-rootless --list-rules ($OCI_ROOTLESS) lists the same rules in the
#     same order, and so do the README's table and the man page.
#
# usage: check.sh TESTS-RULES-DIR RULE...
set -u
here=$1
shift
top=$here/../..
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [ -z "${2:-}" ] || echo "# $2"; }
check() { if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2" "${3:-}"; fi; }

table=$(printf '%s\n' "$@")
for r in "$@"; do
	[ -f "$top/lib/rules/$r.c" ]
	check $? "$r: its code is lib/rules/$r.c"
	[ -f "$here/$r/unit.c" ]
	check $? "$r: its unit tests are tests/rules/$r/unit.c"
	cases=$(find "$here/$r" -mindepth 2 -maxdepth 2 -name args 2>/dev/null | wc -l)
	[ "$cases" -gt 0 ]
	check $? "$r: it has golden cases in tests/rules/$r/ ($cases)"
	grep -Eq "^[[:space:]]+\.name = \"$r\",$" "$top/lib/rules/$r.c" 2>/dev/null
	check $? "$r: lib/rules/$r.c names it \"$r\""
done

strays=
for d in "$here"/*/; do
	d=$(basename "$d")
	printf '%s\n' "$table" | grep -qxF "$d" || strays="$strays $d"
done
[ -z "$strays" ]
check $? "every folder of tests/rules/ names a rule" "folders that name none:$strays"

orphans=
for f in "$top"/lib/rules/*.c; do
	f=$(basename "$f" .c)
	case $f in driver | registry | rules | schema-gen) continue ;; esac
	printf '%s\n' "$table" | grep -qxF "$f" || orphans="$orphans $f"
done
[ -z "$orphans" ]
check $? "every file of lib/rules/ but the driver's is a rule of the table" "files that are no rule:$orphans"

listed=$("$OCI_ROOTLESS" --list-rules | sed 1d | awk '{ print $1 }')
[ "$listed" = "$table" ]
check $? "--list-rules lists the table, in its order" "--list-rules: $(echo $listed)"

# README: the rows of the table under "### The rules", "| N | `name` | ..."
readme=$(sed -n '/^### The rules/,/^### /p' "$top/README.md" | sed -n 's/^| [0-9]* | `\([a-z0-9-]*\)` |.*/\1/p')
[ "$readme" = "$table" ]
check $? "README.md's table of rules is the table, in its order" "README: $(echo $readme)"

# the man page: one ".TP" entry "\fBname\fR" a rule, in the RULES section
man=$(sed -n '/^\.SH RULES/,/^\.SH [A-QS-Z]/p' "$top/docs/oci-rootless.1" | sed 's/\\-/-/g' | sed -n 's/^\\fB\([a-z0-9-]*\)\\fR$/\1/p')
[ "$man" = "$table" ]
check $? "docs/oci-rootless.1's RULES section is the table, in its order" "man page: $(echo $man)"

echo "1..$n"
[ "$failed" = 0 ]
