#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Golden tests: every folder cases/NAME/, and every case of a rule,
# ../rules/RULE/NAME/ (tests/rules/), is one conversion.
#
#   args            the options, one line (paths relative to tests/golden/)
#   input           one line: the name of a file in inputs/  (or:)
#   input.json      the input itself
#   expected.json   the exact standard output (absent: nothing on stdout)
#   expected.stderr the exact standard error; the driver always adds
#                   --explain, so for a success these are the change lines
#                   (absent: nothing on stderr)
#   exit            the exit code when it is not 0
#
# For a case that succeeds, the output must also be a fixed point: converting
# expected.json again with the same options gives the same bytes and no
# change line, and --check on it exits 0. And it must never be less isolated
# than its input: $OCI_ROOTLESS_WIDEN (never-widens, tests/lib/never-widens.c)
# compares input and expected.json, with the rules named at the end of the
# change lines (" [RULE]") as the only exceptions.
#
# Output is TAP. The binary comes from $OCI_ROOTLESS.
#   UPDATE=1 run.sh [NAME...]   rewrites the expected files from what the
#                               binary does now: read every one before keeping it.
set -u

if [ -z "${OCI_ROOTLESS:-}" ]; then
	echo "Bail out! OCI_ROOTLESS is not set (the oci-rootless binary to test)"
	exit 99
fi
case $OCI_ROOTLESS in
/*) ;;
*) OCI_ROOTLESS=$(cd -- "$(dirname -- "$OCI_ROOTLESS")" && pwd)/$(basename -- "$OCI_ROOTLESS") ;;
esac
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd) || exit 99
cd "$here" || exit 99

if [ ! -x "$OCI_ROOTLESS" ]; then
	echo "Bail out! $OCI_ROOTLESS is not executable"
	exit 99
fi
# Without OCI_ROOTLESS_WIDEN the "never widens" lines are skipped.
OCI_ROOTLESS_WIDEN=${OCI_ROOTLESS_WIDEN:-}
case $OCI_ROOTLESS_WIDEN in
'' | /*) ;;
*) OCI_ROOTLESS_WIDEN=$(cd -- "$(dirname -- "$OCI_ROOTLESS_WIDEN")" && pwd)/$(basename -- "$OCI_ROOTLESS_WIDEN") ;;
esac
if [ -n "$OCI_ROOTLESS_WIDEN" ] && [ ! -x "$OCI_ROOTLESS_WIDEN" ]; then
	echo "Bail out! $OCI_ROOTLESS_WIDEN is not executable"
	exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ocirl-golden.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

# A case is named cases/NAME or rules/RULE/NAME (its folder is ../rules/RULE/NAME).
if [ $# -gt 0 ]; then
	cases=
	for c in "$@"; do
		case $c in
		rules/* | ../rules/*) cases="$cases ../rules/${c#*rules/}" ;;
		*) cases="$cases cases/${c#cases/}" ;;
		esac
	done
else
	cases=$(ls -d cases/*/ ../rules/*/*/ 2>/dev/null | sed 's,/$,,' | LC_ALL=C sort)
fi

n=0
failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	sed 's/^/# /' "$tmp/why"
}
# Compares an expected file (absent = empty) with what was produced; on a
# difference appends a diff to $tmp/why and returns 1.
same() { # label expected actual
	if [ -f "$2" ]; then
		cmp -s "$2" "$3" && return 0
	else
		[ -s "$3" ] || return 0
	fi
	{
		echo "$1 differs (--- expected, +++ actual):"
		if [ -f "$2" ]; then
			diff -u "$2" "$3" | sed -n '3,40p'
		else
			echo "expected nothing, got:"
			head -n 20 "$3"
		fi
	} >>"$tmp/why"
	return 1
}

for c in $cases; do
	name=${c#cases/}
	name=${name#../}
	if [ ! -f "$c/args" ]; then
		echo "Bail out! $c has no args file"
		exit 99
	fi
	if [ -f "$c/input.json" ]; then
		input=$c/input.json
	elif [ -f "$c/input" ]; then
		input=inputs/$(cat "$c/input")
	else
		echo "Bail out! $c has neither input nor input.json"
		exit 99
	fi
	[ -e "$input" ] || { echo "Bail out! $c: $input does not exist"; exit 99; }
	args=$(cat "$c/args")
	# Hermetic by default: the caller's facts come from an empty fake /proc/self
	# (all unknown, so the fix-ups that need them stay put) and no bind source is
	# looked up on this machine's file systems; a case can name its own.
	case " $args " in *" --proc-self "*) ;; *) args="--proc-self maps/proc-none $args" ;; esac
	case " $args " in *" --source-root "*) ;; *) args="--source-root /nonexistent $args" ;; esac
	want_exit=0
	[ -f "$c/exit" ] && want_exit=$(cat "$c/exit")

	# shellcheck disable=SC2086 # args is a list of words
	(set -f; exec "$OCI_ROOTLESS" $args --explain "$input") >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?

	if [ "${UPDATE:-0}" = 1 ]; then
		if [ -s "$tmp/out" ]; then cp "$tmp/out" "$c/expected.json"; else rm -f "$c/expected.json"; fi
		if [ -s "$tmp/err" ]; then cp "$tmp/err" "$c/expected.stderr"; else rm -f "$c/expected.stderr"; fi
		if [ "$rc" != 0 ]; then echo "$rc" >"$c/exit"; else rm -f "$c/exit"; fi
		if [ "$rc" != "$want_exit" ]; then
			echo "# $name: the exit code changed from $want_exit to $rc"
		fi
		want_exit=$rc
	fi

	: >"$tmp/why"
	good=true
	if [ "$rc" != "$want_exit" ]; then
		echo "exit code $rc, expected $want_exit" >>"$tmp/why"
		good=false
	fi
	same stdout "$c/expected.json" "$tmp/out" || good=false
	same stderr "$c/expected.stderr" "$tmp/err" || good=false
	if $good; then ok "$name"; else not_ok "$name"; fi

	[ "$want_exit" = 0 ] || continue

	# The output is a fixed point of the conversion.
	: >"$tmp/why"
	good=true
	if [ ! -f "$c/expected.json" ]; then
		echo "a successful case needs an expected.json" >>"$tmp/why"
		good=false
	else
		# shellcheck disable=SC2086
		(set -f; exec "$OCI_ROOTLESS" $args --explain "$c/expected.json") >"$tmp/out2" 2>"$tmp/err2" </dev/null
		rc=$?
		[ "$rc" = 0 ] || { echo "converting expected.json again: exit code $rc" >>"$tmp/why"; good=false; }
		same "second conversion's stdout" "$c/expected.json" "$tmp/out2" || good=false
		: >"$tmp/empty"
		same "second conversion's change list" "$tmp/empty" "$tmp/err2" || good=false
		# shellcheck disable=SC2086
		(set -f; exec "$OCI_ROOTLESS" $args --check "$c/expected.json") >"$tmp/out3" 2>"$tmp/err3" </dev/null
		rc=$?
		[ "$rc" = 0 ] || { echo "--check on expected.json: exit code $rc" >>"$tmp/why"; sed -n 1,10p "$tmp/err3" >>"$tmp/why"; good=false; }
		same "--check's stdout" "$tmp/empty" "$tmp/out3" || good=false
	fi
	if $good; then ok "$name: idempotent"; else not_ok "$name: idempotent"; fi

	# --explain=json says the same, each place a JSON Pointer that resolves.
	: >"$tmp/why"
	good=true
	# shellcheck disable=SC2086
	(set -f; exec "$OCI_ROOTLESS" $args --explain=json "$input") >"$tmp/outj" 2>"$tmp/errj" </dev/null
	rc=$?
	[ "$rc" = 0 ] || { echo "--explain=json: exit code $rc" >>"$tmp/why"; good=false; }
	same "--explain=json's stdout" "$c/expected.json" "$tmp/outj" || good=false
	text=$c/expected.stderr
	[ -f "$text" ] || { : >"$tmp/noexplain"; text=$tmp/noexplain; }
	jq -n -r --slurpfile in "$input" --slurpfile out "$c/expected.json" --slurpfile ch "$tmp/errj" \
		--rawfile text "$text" -f explain-json.jq >>"$tmp/why" 2>&1 </dev/null || good=false
	[ -s "$tmp/why" ] && good=false
	if $good; then ok "$name: --explain=json"; else not_ok "$name: --explain=json"; fi

	# The output never widens the input, but where a rule that made a change says why.
	if [ -z "$OCI_ROOTLESS_WIDEN" ]; then
		ok "$name: never widens # SKIP OCI_ROOTLESS_WIDEN is not set"
		continue
	fi
	: >"$tmp/why"
	good=true
	if [ ! -f "$c/expected.json" ]; then
		echo "a successful case needs an expected.json" >>"$tmp/why"
		good=false
	else
		rules=
		[ ! -f "$c/expected.stderr" ] || rules=$(sed -n 's/.* \[\([a-z0-9-]*\)\]$/\1/p' "$c/expected.stderr")
		# shellcheck disable=SC2086 # one word per rule name
		"$OCI_ROOTLESS_WIDEN" "$input" "$c/expected.json" $rules >>"$tmp/why" 2>&1 || good=false
	fi
	if $good; then ok "$name: never widens"; else not_ok "$name: never widens"; fi
done

echo "1..$n"
[ "$failed" = 0 ]
