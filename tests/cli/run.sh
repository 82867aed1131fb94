#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# CLI tests: the command line contract of issue 2 (exit codes, PATH forms,
# stdin, -o, -i, --check, --explain, --compact, error messages) and the
# fidelity promises, against the binary in $OCI_ROOTLESS. Output is TAP.
#
# Expected conversions are taken from the golden cases (../golden/cases,
# ../rules/RULE/CASE),
# whose files are checked by hand; here the point is how they get in and out.
set -u

if [ -z "${OCI_ROOTLESS:-}" ]; then
	echo "Bail out! OCI_ROOTLESS is not set (the oci-rootless binary to test)"
	exit 99
fi
case $OCI_ROOTLESS in
/*) B=$OCI_ROOTLESS ;;
*) B=$(cd -- "$(dirname -- "$OCI_ROOTLESS")" && pwd)/$(basename -- "$OCI_ROOTLESS") ;;
esac
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd) || exit 99
cd "$here" || exit 99

[ -x "$B" ] || { echo "Bail out! $B is not executable"; exit 99; }
command -v jq >/dev/null || { echo "Bail out! jq is needed"; exit 99; }

G=$here/../golden
IN=$G/inputs
CASES=$G/cases
RULES=$here/../rules
# The modes' inputs are always given, so that nothing depends on /proc or /etc:
# the caller's facts come from an empty fake /proc/self, as in the golden suite.
HERMETIC=(--proc-self "$G/maps/proc-none" --source-root /nonexistent)
SINGLE=(--mode single --uid 1000 --gid 1000 "${HERMETIC[@]}")
USERNS=(--mode userns --uid-map "$G/maps/rootlesskit" --gid-map "$G/maps/rootlesskit" "${HERMETIC[@]}")

W=$(mktemp -d "${TMPDIR:-/tmp}/ocirl-cli.XXXXXX") || exit 99
trap 'chmod -R u+rwx "$W" 2>/dev/null; rm -rf "$W"' EXIT INT TERM
umask 022

# ---- a small TAP harness: begin, problem, end ----
# shellcheck source=../lib/cases.sh
. "$here/../lib/cases.sh"

# run ARGS...: runs the binary with stdin from /dev/null (or from $STDIN);
# stdout goes to $W/out, stderr to $W/err, the exit code to $rc.
STDIN=/dev/null
run() {
	"$B" "$@" <"$STDIN" >"$W/out" 2>"$W/err"
	rc=$?
	STDIN=/dev/null
}
show() { head -c 600 "$1" | sed 's/^/  /'; }
expect_rc() {
	[ "$rc" = "$1" ] || { problem "exit code $rc, expected $1; stderr:"; problem "$(show "$W/err")"; }
}
expect_no_stdout() {
	[ -s "$W/out" ] && { problem "stdout should be empty, got:"; problem "$(show "$W/out")"; }
	return 0
}
expect_no_stderr() {
	[ -s "$W/err" ] && { problem "stderr should be empty, got:"; problem "$(show "$W/err")"; }
	return 0
}
expect_stdout_file() { # FILE: stdout is byte-identical to FILE
	cmp -s "$1" "$W/out" || { problem "stdout differs from ${1#"$here"/}:"; problem "$(diff "$1" "$W/out" | head -n 12)"; }
}
expect_stderr_file() { # FILE: stderr is byte-identical to FILE
	cmp -s "$1" "$W/err" || { problem "stderr differs from ${1#"$here"/}:"; problem "$(diff "$1" "$W/err" | head -n 12)"; }
}
expect_stderr_is() { # TEXT: stderr is exactly TEXT and a newline
	printf '%s\n' "$1" >"$W/want"
	cmp -s "$W/want" "$W/err" || { problem "stderr should be: $1"; problem "got: $(show "$W/err")"; }
}
expect_stderr_has() { # FIXED-STRING
	grep -qF -- "$1" "$W/err" || { problem "stderr lacks: $1"; problem "got: $(show "$W/err")"; }
}
expect_stdout_has() {
	grep -qF -- "$1" "$W/out" || { problem "stdout lacks: $1"; }
}
expect_jq() { # FILTER: jq -e FILTER is true on stdout
	jq -e "$1" "$W/out" >/dev/null 2>&1 || problem "stdout does not satisfy jq: $1"
}
expect_same_file() { # A B
	cmp -s "$1" "$2" || problem "${1#"$W"/} and ${2#"$W"/} differ"
}
# An error: the code, nothing on stdout, one message line naming the program.
expect_error() { # CODE
	expect_rc "$1"
	expect_no_stdout
	head -n 1 "$W/err" | grep -q '^oci-rootless: ' || problem "the message does not start with 'oci-rootless: ': $(show "$W/err")"
}
# The state of a file, to see whether it was touched: content, inode, mtime, mode.
state() { stat -c '%i %y %a %s' "$1" && sha256sum <"$1"; }
# The names in a folder (temporary files left behind show here).
names() { ls -A "$1" | tr '\n' ' '; }

# ---- --help, --version ----

begin "--help: usage on stdout, exit 0, nothing on stderr"
run --help
expect_rc 0
expect_no_stderr
expect_stdout_has "Usage: oci-rootless [OPTIONS] [PATH]"
for o in --output --in-place --check --explain --compact --mode --uid-map --gid-map --uid --gid --subuid --subgid --help --version; do
	grep -qE -- "(^|[ ,])$o( |\$)" "$W/out" || problem "--help does not list $o"
done
for m in auto userns single subid; do
	grep -qE -- "(^|[^a-z])${m}[:( ]" "$W/out" || problem "--help does not describe mode $m"
done
end

begin "--help lists the exit codes 0 to 5"
run --help
grep -q '^Exit status' "$W/out" || problem "no 'Exit status' section"
for c in 0 1 2 3 4 5; do
	grep -qE "^ +$c +[a-zA-Z-]" "$W/out" || problem "exit code $c is not listed"
done
grep -qE '^ +1 +.*--check' "$W/out" || problem "1 is not tied to --check"
grep -qE '^ +2 +usage' "$W/out" || problem "2 is not 'usage'"
grep -qE '^ +3 +invalid input' "$W/out" || problem "3 is not 'invalid input'"
grep -qE '^ +5 +I/O' "$W/out" || problem "5 is not 'I/O'"
end

begin "-h is --help"
run --help
cp "$W/out" "$W/help"
run -h
expect_rc 0
expect_stdout_file "$W/help"
end

begin "--version names oci-rootless (the project's version)"
run --version
expect_rc 0
expect_no_stderr
pv=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$here/../../meson.build" | head -n 1)
[ "$(cat "$W/out")" = "oci-rootless $pv" ] || problem "not one line 'oci-rootless $pv': $(show "$W/out")"
end

begin "-V is --version"
run --version
cp "$W/out" "$W/version"
run -V
expect_rc 0
expect_stdout_file "$W/version"
end

# ---- exit code 0: PATH forms ----

begin "exit 0: a file PATH, result on stdout, nothing on stderr"
run "${SINGLE[@]}" "$IN/runc-spec.json"
expect_rc 0
expect_no_stderr
expect_stdout_file "$CASES/runc-spec.single/expected.json"
end

begin "stdin: PATH - reads standard input"
STDIN=$IN/crun-spec.json run "${SINGLE[@]}" -
expect_rc 0
expect_no_stderr
expect_stdout_file "$CASES/crun-spec.single/expected.json"
end

begin "stdin: from a pipe, errors name <stdin>"
printf '{"a": 1,}' | "$B" "${SINGLE[@]}" - >"$W/out" 2>"$W/err"
rc=$?
expect_error 3
expect_stderr_is "oci-rootless: <stdin>:1:9: invalid JSON: expected a key in double quotes (no trailing comma)"
end

begin "default PATH: ./config.json of the working directory"
mkdir "$W/cwd"
cp "$IN/containerd-ctr.json" "$W/cwd/config.json"
(cd "$W/cwd" && "$B" "${SINGLE[@]}" >"$W/out" 2>"$W/err")
rc=$?
expect_rc 0
expect_no_stderr
expect_stdout_file "$CASES/containerd-ctr.single/expected.json"
end

begin "default PATH: no ./config.json is an I/O error naming config.json (exit 5)"
mkdir "$W/empty-cwd"
(cd "$W/empty-cwd" && "$B" "${SINGLE[@]}" >"$W/out" 2>"$W/err")
rc=$?
expect_error 5
expect_stderr_is "oci-rootless: config.json: No such file or directory"
end

begin "a bundle folder as PATH: its config.json is used"
mkdir "$W/bundle"
cp "$IN/runc-spec.json" "$W/bundle/config.json"
run "${SINGLE[@]}" "$W/bundle"
expect_rc 0
expect_no_stderr
expect_stdout_file "$CASES/runc-spec.single/expected.json"
end

begin "a bundle folder as PATH: messages name FOLDER/config.json"
mkdir "$W/badbundle"
printf '{\n\t"a": tru\n}\n' >"$W/badbundle/config.json"
run "${SINGLE[@]}" "$W/badbundle"
expect_error 3
expect_stderr_has "$W/badbundle/config.json:2:"
end

# ---- exit code 1 and --check ----

begin "--check: exit 1 when changes are needed, the changes on stderr, nothing written"
cp "$IN/runc-spec.json" "$W/check.json"
before=$(state "$W/check.json")
run "${SINGLE[@]}" --check "$W/check.json"
expect_rc 1
expect_no_stdout
expect_stderr_file "$CASES/runc-spec.single/expected.stderr"
[ "$(state "$W/check.json")" = "$before" ] || problem "--check changed the file"
end

begin "--check: exit 0 and nothing on stderr for a config that needs no change"
run "${SINGLE[@]}" --check "$CASES/runc-spec.single/expected.json"
expect_rc 0
expect_no_stdout
expect_no_stderr
end

begin "--check --explain on a converted config: says no change is needed"
run "${SINGLE[@]}" --check --explain "$CASES/runc-spec.single/expected.json"
expect_rc 0
expect_no_stdout
expect_stderr_is "$CASES/runc-spec.single/expected.json: no change needed"
end

begin "--check on stdin"
STDIN=$IN/podman.json run "${USERNS[@]}" --check -
expect_rc 1
expect_no_stdout
expect_stderr_file "$CASES/podman.userns-rootlesskit/expected.stderr"
end

begin "--check with -o or -i is a usage error and writes nothing"
cp "$IN/runc-spec.json" "$W/check2.json"
before=$(state "$W/check2.json")
run "${SINGLE[@]}" --check -o "$W/check-out.json" "$W/check2.json"
expect_error 2
[ -e "$W/check-out.json" ] && problem "--check -o created the output file"
run "${SINGLE[@]}" --check -i "$W/check2.json"
expect_error 2
[ "$(state "$W/check2.json")" = "$before" ] || problem "--check -i changed the file"
end

# ---- --explain, --compact ----

begin "--explain: one line per change on stderr, the same output on stdout"
run "${SINGLE[@]}" --explain "$IN/docker-moby.json"
expect_rc 0
expect_stdout_file "$CASES/docker-moby.single/expected.json"
expect_stderr_file "$CASES/docker-moby.single/expected.stderr"
expect_stderr_has "/dev/pts: dropped option gid=5: gid 5 is not mapped in the container"
expect_stderr_has "linux.resources: removed: "
expect_stderr_has "linux.cgroupsPath: removed: "
grep -vqE '^[^ :]+: [a-z]' "$W/err" && problem "a line is not 'PLACE: what and why': $(grep -vE '^[^ :]+: [a-z]' "$W/err" | head -n 2)"
end

begin "--explain: a config that needs no change explains nothing"
run "${SINGLE[@]}" --explain "$CASES/runc-spec.single/expected.json"
expect_rc 0
expect_no_stderr
expect_stdout_file "$CASES/runc-spec.single/expected.json"
end

begin "--compact: one line, the same JSON as the indented output"
run "${SINGLE[@]}" "$IN/crun-spec.json"
jq -c . "$W/out" >"$W/pretty-as-jq"
run "${SINGLE[@]}" --compact "$IN/crun-spec.json"
expect_rc 0
expect_no_stderr
[ "$(wc -l <"$W/out")" = 1 ] || problem "--compact output has $(wc -l <"$W/out") lines (input ends with a newline: expected 1)"
grep -q $'\t' "$W/out" && problem "--compact output has tabs"
grep -qE '": |, ' "$W/out" && problem "--compact output has spaces after : or ,"
jq -c . "$W/out" >"$W/compact-as-jq" 2>/dev/null || problem "--compact output is not JSON"
expect_same_file "$W/pretty-as-jq" "$W/compact-as-jq"
end

begin "--compact: no final newline when the input has none; idempotent"
run "${SINGLE[@]}" --compact "$IN/runc-spec.json"
expect_rc 0
[ "$(wc -l <"$W/out")" = 0 ] || problem "expected no newline at all"
[ "$(head -c 1 "$W/out")" = "{" ] || problem "does not start with {"
cp "$W/out" "$W/compact1.json"
run "${SINGLE[@]}" --compact "$W/compact1.json"
expect_rc 0
expect_no_stderr
expect_stdout_file "$W/compact1.json"
end

# ---- -o FILE ----

begin "-o FILE: the result goes to FILE, nothing to stdout"
run "${SINGLE[@]}" -o "$W/o1.json" "$IN/runc-spec.json"
expect_rc 0
expect_no_stdout
expect_no_stderr
cmp -s "$W/o1.json" "$CASES/runc-spec.single/expected.json" || problem "FILE does not hold the conversion"
[ "$(stat -c %a "$W/o1.json")" = 644 ] || problem "a new FILE should have mode 0666 less the umask (0644), has $(stat -c %a "$W/o1.json")"
end

begin "-o FILE: an existing FILE is replaced, its mode kept"
printf 'old content\n' >"$W/o2.json"
chmod 600 "$W/o2.json"
run "${SINGLE[@]}" -o "$W/o2.json" "$IN/runc-spec.json"
expect_rc 0
expect_no_stdout
cmp -s "$W/o2.json" "$CASES/runc-spec.single/expected.json" || problem "FILE does not hold the conversion"
[ "$(stat -c %a "$W/o2.json")" = 600 ] || problem "mode not kept: $(stat -c %a "$W/o2.json")"
end

begin "-o FILE on bad JSON: exit 3, FILE not created"
mkdir "$W/odir"
printf '{"a": [1, 2}' >"$W/bad.json"
run "${SINGLE[@]}" -o "$W/odir/new.json" "$W/bad.json"
expect_error 3
[ -e "$W/odir/new.json" ] && problem "FILE was created"
[ -z "$(names "$W/odir")" ] || problem "files left in the folder: $(names "$W/odir")"
end

begin "-o FILE when the mode cannot apply: exit 4, an existing FILE unchanged"
printf 'keep me\n' >"$W/odir/keep.json"
before=$(state "$W/odir/keep.json")
run --mode userns --uid-map "$G/maps/initial" --gid-map "$G/maps/initial" -o "$W/odir/keep.json" "$IN/runc-spec.json"
expect_error 4
[ "$(state "$W/odir/keep.json")" = "$before" ] || problem "FILE was changed"
[ "$(names "$W/odir")" = "keep.json " ] || problem "files left in the folder: $(names "$W/odir")"
end

begin "-o into a folder that does not exist: exit 5"
run "${SINGLE[@]}" -o "$W/no/such/dir/out.json" "$IN/runc-spec.json"
expect_error 5
expect_stderr_has "$W/no/such/dir/out.json"
[ -e "$W/no" ] && problem "something was created"
end

begin "-o - writes to stdout"
run "${SINGLE[@]}" -o - "$IN/runc-spec.json"
expect_rc 0
expect_stdout_file "$CASES/runc-spec.single/expected.json"
end

begin "-o with -i is a usage error"
cp "$IN/runc-spec.json" "$W/oi.json"
before=$(state "$W/oi.json")
run "${SINGLE[@]}" -o "$W/oi-out.json" -i "$W/oi.json"
expect_error 2
[ -e "$W/oi-out.json" ] && problem "the -o file was created"
[ "$(state "$W/oi.json")" = "$before" ] || problem "the file was changed"
end

# ---- --in-place ----

begin "--in-place: PATH is replaced by the conversion, mode 0640 kept, nothing on stdout"
mkdir "$W/ip"
cp "$IN/runc-spec.json" "$W/ip/config.json"
chmod 640 "$W/ip/config.json"
ino=$(stat -c %i "$W/ip/config.json")
run "${SINGLE[@]}" -i "$W/ip/config.json"
expect_rc 0
expect_no_stdout
expect_no_stderr
cmp -s "$W/ip/config.json" "$CASES/runc-spec.single/expected.json" || problem "the file does not hold the conversion"
[ "$(stat -c %a "$W/ip/config.json")" = 640 ] || problem "mode not kept: $(stat -c %a "$W/ip/config.json")"
[ "$(stat -c %i "$W/ip/config.json")" != "$ino" ] || problem "same inode: not replaced atomically by rename"
[ "$(names "$W/ip")" = "config.json " ] || problem "files left in the folder: $(names "$W/ip")"
end

begin "--in-place --explain: the changes on stderr"
cp "$IN/docker-moby.json" "$W/ip/config.json"
run "${SINGLE[@]}" --in-place --explain "$W/ip/config.json"
expect_rc 0
expect_no_stdout
expect_stderr_file "$CASES/docker-moby.single/expected.stderr"
cmp -s "$W/ip/config.json" "$CASES/docker-moby.single/expected.json" || problem "the file does not hold the conversion"
end

begin "--in-place on a bundle folder converts FOLDER/config.json"
mkdir "$W/ipb"
cp "$IN/crun-spec.json" "$W/ipb/config.json"
run "${SINGLE[@]}" -i "$W/ipb"
expect_rc 0
expect_no_stdout
cmp -s "$W/ipb/config.json" "$CASES/crun-spec.single/expected.json" || problem "the file does not hold the conversion"
[ "$(names "$W/ipb")" = "config.json " ] || problem "files left in the folder: $(names "$W/ipb")"
end

begin "--in-place: a config that needs no change is not rewritten (inode, mtime kept)"
cp "$CASES/runc-spec.single/expected.json" "$W/ip/config.json"
touch -d '2001-02-03 04:05:06' "$W/ip/config.json"
before=$(state "$W/ip/config.json")
run "${SINGLE[@]}" -i "$W/ip/config.json"
expect_rc 0
expect_no_stdout
expect_no_stderr
[ "$(state "$W/ip/config.json")" = "$before" ] || problem "rewritten: $before -> $(state "$W/ip/config.json")"
end

begin "--in-place twice: the second run changes nothing"
cp "$IN/docker-moby.json" "$W/ip/config.json"
run "${USERNS[@]}" -i "$W/ip/config.json"
expect_rc 0
cmp -s "$W/ip/config.json" "$CASES/docker-moby.userns-rootlesskit/expected.json" || problem "first run: wrong result"
touch -d '2001-02-03 04:05:06' "$W/ip/config.json"
before=$(state "$W/ip/config.json")
run "${USERNS[@]}" -i --explain "$W/ip/config.json"
expect_rc 0
expect_no_stderr
[ "$(state "$W/ip/config.json")" = "$before" ] || problem "the second run rewrote the file"
end

for bad in mode json type; do
	case $bad in
	mode)
		begin "--in-place when the mode cannot apply (exit 4): the original is byte-identical, no temp file"
		src=$IN/runc-spec.json
		args=(--mode userns --uid-map "$G/maps/initial" --gid-map "$G/maps/initial")
		code=4 ;;
	json)
		begin "--in-place on bad JSON (exit 3): the original is byte-identical, no temp file"
		src=$CASES/invalid.truncated/input.json
		args=("${SINGLE[@]}")
		code=3 ;;
	type)
		begin "--in-place on a field of the wrong type (exit 3): the original is byte-identical, no temp file"
		src=$RULES/sys/invalid.option-not-string/input.json
		args=("${SINGLE[@]}")
		code=3 ;;
	esac
	rm -rf "$W/ipe"
	mkdir "$W/ipe"
	cp "$src" "$W/ipe/config.json"
	chmod 640 "$W/ipe/config.json"
	touch -d '2001-02-03 04:05:06' "$W/ipe/config.json"
	before=$(state "$W/ipe/config.json")
	run "${args[@]}" -i "$W/ipe/config.json"
	expect_error "$code"
	cmp -s "$src" "$W/ipe/config.json" || problem "the content changed"
	[ "$(state "$W/ipe/config.json")" = "$before" ] || problem "inode, mtime or mode changed"
	[ "$(names "$W/ipe")" = "config.json " ] || problem "files left in the folder: $(names "$W/ipe")"
	end
done

begin "--in-place on a symlink: it stays a symlink, its target is converted"
mkdir -p "$W/sl/a" "$W/sl/b"
cp "$IN/runc-spec.json" "$W/sl/b/config.json"
chmod 640 "$W/sl/b/config.json"
ln -s ../b/config.json "$W/sl/a/config.json"
run "${SINGLE[@]}" -i "$W/sl/a/config.json"
expect_rc 0
expect_no_stdout
[ -L "$W/sl/a/config.json" ] || problem "the link is no longer a symlink"
[ "$(readlink "$W/sl/a/config.json")" = ../b/config.json ] || problem "the link points elsewhere now"
cmp -s "$W/sl/b/config.json" "$CASES/runc-spec.single/expected.json" || problem "the target does not hold the conversion"
[ "$(stat -c %a "$W/sl/b/config.json")" = 640 ] || problem "the target's mode was not kept"
[ "$(names "$W/sl/a")" = "config.json " ] || problem "files left next to the link: $(names "$W/sl/a")"
[ "$(names "$W/sl/b")" = "config.json " ] || problem "files left next to the target: $(names "$W/sl/b")"
end

begin "--in-place on a bundle folder whose config.json is a symlink"
mkdir -p "$W/sl2/bundle" "$W/sl2/real"
cp "$IN/crun-spec.json" "$W/sl2/real/spec.json"
ln -s ../real/spec.json "$W/sl2/bundle/config.json"
run "${SINGLE[@]}" -i "$W/sl2/bundle"
expect_rc 0
[ -L "$W/sl2/bundle/config.json" ] || problem "the link is no longer a symlink"
cmp -s "$W/sl2/real/spec.json" "$CASES/crun-spec.single/expected.json" || problem "the target does not hold the conversion"
end

begin "--in-place with stdin is a usage error"
STDIN=$IN/runc-spec.json run "${SINGLE[@]}" -i -
expect_error 2
expect_stderr_has "--in-place"
end

# ---- usage errors (exit 2) ----

usage_case() { # DESCRIPTION EXPECTED-TEXT ARGS...
	local d=$1 text=$2
	shift 2
	begin "usage error (exit 2): $d"
	cp "$IN/runc-spec.json" "$W/u.json"
	run "$@"
	expect_error 2
	expect_stderr_has "$text"
	expect_stderr_has "Try 'oci-rootless --help'."
	cmp -s "$IN/runc-spec.json" "$W/u.json" || problem "the file was changed"
	end
}
usage_case "unknown long option" "unknown option '--bogus'" --bogus "$W/u.json"
usage_case "unknown short option" "unknown option '-z'" -z "$W/u.json"
usage_case "unknown mode" "unknown mode 'rootless'" --mode rootless "$W/u.json"
usage_case "unknown mode, -m" "unknown mode 'USERNS'" -m USERNS "$W/u.json"
usage_case "--mode without its argument" "option '--mode' needs an argument" "$W/u.json" --mode
usage_case "-o without its argument" "option '-o' needs an argument" "$W/u.json" -o
usage_case "--uid abc" "--uid: 'abc'" --mode single --uid abc --gid 1000 "$W/u.json"
usage_case "--uid -1" "--uid: '-1'" --mode single --uid -1 --gid 1000 "$W/u.json"
usage_case "--uid +5" "--uid: '+5'" --mode single --uid +5 --gid 1000 "$W/u.json"
usage_case "--uid empty" "--uid: ''" --mode single --uid '' --gid 1000 "$W/u.json"
usage_case "--uid 12x" "--uid: '12x'" --mode single --uid 12x --gid 1000 "$W/u.json"
usage_case "--uid 4294967295" "--uid: '4294967295'" --mode single --uid 4294967295 --gid 1000 "$W/u.json"
usage_case "--uid 99999999999999999999" "--uid: '99999999999999999999'" --mode single --uid 99999999999999999999 --gid 1000 "$W/u.json"
usage_case "--gid abc" "--gid: 'abc'" --mode single --uid 1000 --gid abc "$W/u.json"
usage_case "two PATHs" "one PATH at most" "${SINGLE[@]}" "$W/u.json" "$W/u.json"
usage_case "-i with stdin" "--in-place needs a file" "${SINGLE[@]}" -i -
usage_case "-i with -o" "exclude each other" "${SINGLE[@]}" -i -o "$W/x.json" "$W/u.json"
usage_case "--check with -i" "--check writes nothing" "${SINGLE[@]}" --check -i "$W/u.json"
usage_case "--max-size 0" "--max-size" "${SINGLE[@]}" --max-size 0 "$W/u.json"

begin "--uid 4294967294 is the largest id accepted"
run --mode single --uid 4294967294 --gid 0 --compact "$IN/runc-spec.json"
expect_rc 0
expect_jq '.linux.uidMappings == [{"containerID": 0, "hostID": 4294967294, "size": 1}]'
end

begin "unknown short option grouped with another (-xi) is named as -x"
run -xi "$IN/runc-spec.json"
expect_error 2
expect_stderr_has "'-x'"
end

# ---- exit code 3: invalid input ----

invalid_case() { # DESCRIPTION CONTENT(printf format) EXPECTED-MESSAGE-AFTER-FILE
	begin "invalid input (exit 3): $1"
	# shellcheck disable=SC2059 # $2 holds printf escapes on purpose
	printf "$2" >"$W/in.json"
	run "${SINGLE[@]}" "$W/in.json"
	expect_error 3
	expect_stderr_is "oci-rootless: $W/in.json$3"
	end
}
invalid_case "bad JSON names file:line:column" '{\n\t"a": 1,\n\t"b": [1 2]\n}\n' \
	":3:10: invalid JSON: expected ',' or ']'"
invalid_case "truncated JSON" '{\n\t"mounts": [\n\t\t{"destination": "/proc"}' \
	":3:27: invalid JSON: unexpected end of input (truncated?)"
invalid_case "truncated inside a string" '{"hostname": "abc' \
	":1:18: invalid JSON: unexpected end of input in a string (truncated?)"
invalid_case "trailing data after the object" '{"a": 1}\n{"b": 2}\n' \
	":2:1: invalid JSON: trailing data after the JSON object"
invalid_case "trailing comma" '{"a": 1,}' \
	":1:9: invalid JSON: expected a key in double quotes (no trailing comma)"
invalid_case "invalid UTF-8" '{"hostname": "\xc3\x28"}\n' \
	":1:15: invalid JSON: invalid UTF-8"
invalid_case "a NUL byte" '{"a": 1}\n\0' \
	":2:1: invalid JSON: NUL byte"
invalid_case "a top-level array" '[{"ociVersion": "1.0.2"}]\n' \
	":1:1: invalid JSON: expected a JSON object at the top level"
invalid_case "a top-level number" '  42\n' \
	":1:3: invalid JSON: expected a JSON object at the top level"
invalid_case "an empty file" '' \
	": empty input: expected a JSON object"
invalid_case "only white space" '\n \t\n' \
	": empty input: expected a JSON object"
invalid_case "an integer above 18446744073709551615" '{\n  "hard": 18446744073709551616\n}\n' \
	":2:11: invalid JSON: integer above 18446744073709551615 cannot be kept exactly (a number such as 18446744073709552000 usually comes from a tool that went through a double, as jq 1.6 does; unlimited is 18446744073709551615)"
invalid_case "a 30-digit integer" '{"x": [1, 123456789012345678901234567890]}' \
	":1:11: invalid JSON: integer above 18446744073709551615 cannot be kept exactly (a number such as 18446744073709552000 usually comes from a tool that went through a double, as jq 1.6 does; unlimited is 18446744073709551615)"
invalid_case "an integer below -9223372036854775808" '{"x": -9223372036854775809}' \
	":1:7: invalid JSON: integer below -9223372036854775808 cannot be kept exactly"
invalid_case "a field of the wrong type names its place" \
	'{"mounts": [{"destination": "/a"}, {"destination": "/b"}, {"destination": "/c"}, {"destination": "/dev/pts", "options": ["nosuid", 5]}]}' \
	": mounts[3].options[1]: expected a string"
invalid_case "linux is not an object" '{"linux": "yes"}' \
	": linux: expected an object"
invalid_case "nesting deeper than 64" "$(printf '{"a":%.0s' {1..70})1$(printf '}%.0s' {1..70})" \
	":1:321: invalid JSON: nested deeper than the limit of 64 levels"

begin "invalid input: a config larger than --max-size (exit 3)"
run "${SINGLE[@]}" --max-size 100 "$IN/runc-spec.json"
expect_error 3
expect_stderr_has "larger than the limit of 100 bytes"
end

# Input that is not JSON must be refused (exit 3, nothing on stdout), never
# passed through: json-c's strict mode still accepts these.
not_json() { # DESCRIPTION CONTENT
	begin "invalid input (exit 3): not JSON: $1"
	printf '%s' "$2" >"$W/in.json"
	run "${SINGLE[@]}" "$W/in.json"
	expect_error 3
	expect_stderr_has "$W/in.json:1:"
	end
}
not_json "NaN" '{"a": NaN}'
not_json "Infinity" '{"a": Infinity}'
not_json "-Infinity" '{"a": -Infinity}'
not_json "a leading zero (00)" '{"a": 00}'
not_json "a leading zero (-01)" '{"a": -01}'
not_json "a leading zero (01.5)" '{"a": 01.5}'
not_json "a fraction without digits (1.)" '{"a": 1.}'
not_json "single quotes" "{'a': 1}"
not_json "a raw tab in a string" $'{"a": "x\ty"}'
not_json "a raw newline in a string" $'{"a": "x\ny"}'

# Invalid UTF-8 must be refused: json-c's check only looks at the shape of
# the sequences, so it lets through overlong forms, surrogates and code
# points above U+10FFFF, which then reach the output.
not_utf8() { # DESCRIPTION BYTES(printf escapes)
	begin "invalid input (exit 3): invalid UTF-8: $1"
	# shellcheck disable=SC2059 # $2 holds printf escapes on purpose
	printf '{"hostname": "a'"$2"'b"}\n' >"$W/in.json"
	run "${SINGLE[@]}" "$W/in.json"
	expect_error 3
	expect_stderr_has "$W/in.json:1:"
	end
}
not_utf8 "a lone continuation byte (80)" '\x80'
not_utf8 "a truncated sequence (E2 82)" '\xe2\x82'
not_utf8 "a byte that never occurs (FF)" '\xff'
not_utf8 "an overlong / (C0 AF)" '\xc0\xaf'
not_utf8 "an overlong 3-byte form (E0 80 AF)" '\xe0\x80\xaf'
not_utf8 "an encoded surrogate (ED A0 80)" '\xed\xa0\x80'
not_utf8 "a code point above U+10FFFF (F4 90 80 80)" '\xf4\x90\x80\x80'

# Values json-c cannot hold as read must be refused, not changed.
begin "invalid input (exit 3): a lone surrogate escape is refused, not replaced by U+FFFD"
printf '{"hostname": "a\\ud800b"}\n' >"$W/in.json"
run "${SINGLE[@]}" "$W/in.json"
expect_error 3
end

begin "invalid input (exit 3): a key with an escaped NUL is refused, not cut short"
printf '{"a\\u0000b": 1}\n' >"$W/in.json"
run "${SINGLE[@]}" "$W/in.json"
expect_error 3
end

# ---- exit code 4 ----

begin "exit 4: --mode userns outside a user namespace"
run --mode userns --uid-map "$G/maps/initial" --gid-map "$G/maps/initial" "$IN/runc-spec.json"
expect_error 4
expect_stderr_has "not inside a user namespace"
expect_stderr_has "--mode single"
end

begin "exit 4: auto as root outside a user namespace says which option to use"
run --uid-map "$G/maps/initial" --gid-map "$G/maps/initial" --uid 0 --gid 0 "$IN/runc-spec.json"
expect_error 4
expect_stderr_has "--mode single"
expect_stderr_has "--mode subid"
end

begin "exit 4: a user namespace joined by path"
run "${SINGLE[@]}" "$IN/userns-path.json"
expect_error 4
expect_stderr_has "$IN/userns-path.json: linux.namespaces[4]: joins the user namespace at \"/proc/4242/ns/user\""
end

begin "exit 4: subid with no subordinate range"
run --mode subid --uid 0 --gid 0 --subuid "$G/maps/subid-none" --subgid "$G/maps/subgid" "$IN/runc-spec.json"
expect_error 4
expect_stderr_has "no subordinate uids for root (uid 0)"
end

begin "auto inside a user namespace: inherit as uid 0, userns as another; auto outside as a user is single"
run --uid-map "$G/maps/rootlesskit" --gid-map "$G/maps/rootlesskit" --uid 0 --gid 0 "$IN/runc-spec.json"
expect_rc 0
expect_stdout_file "$CASES/auto.in-userns/expected.json"
run --uid-map "$G/maps/rootlesskit" --gid-map "$G/maps/rootlesskit" --uid 1000 --gid 1000 "$IN/runc-spec.json"
expect_rc 0
expect_stdout_file "$CASES/runc-spec.userns-rootlesskit/expected.json"
run --uid-map "$G/maps/initial" --gid-map "$G/maps/initial" --uid 1000 --gid 1000 "$IN/runc-spec.json"
expect_rc 0
expect_stdout_file "$CASES/runc-spec.single/expected.json"
end

# ---- exit code 5 ----

begin "exit 5: a file that does not exist"
run "${SINGLE[@]}" "$W/does-not-exist.json"
expect_error 5
expect_stderr_is "oci-rootless: $W/does-not-exist.json: No such file or directory"
end

begin "exit 5: a folder without config.json"
mkdir "$W/nocfg"
run "${SINGLE[@]}" "$W/nocfg"
expect_error 5
expect_stderr_is "oci-rootless: $W/nocfg/config.json: No such file or directory"
end

begin "exit 5: a path through a file (ENOTDIR)"
run "${SINGLE[@]}" "$IN/runc-spec.json/config.json"
expect_error 5
expect_stderr_has "Not a directory"
end

begin "exit 5: an unreadable file"
printf '{}' >"$W/unreadable.json"
chmod 000 "$W/unreadable.json"
if [ "$(id -u)" = 0 ]; then
	# root reads anything: a folder named config.json cannot be read either
	mkdir -p "$W/dirbundle/config.json"
	run "${SINGLE[@]}" "$W/dirbundle"
	expect_error 5
	expect_stderr_has "$W/dirbundle/config.json: Is a directory"
else
	run "${SINGLE[@]}" "$W/unreadable.json"
	expect_error 5
	expect_stderr_has "Permission denied"
fi
end

begin "exit 5: the uid map cannot be read"
run --mode userns --uid-map "$W/no-map" --gid-map "$W/no-map" "$IN/runc-spec.json"
expect_error 5
expect_stderr_has "$W/no-map: No such file or directory"
end

begin "exit 5: standard output cannot be written (/dev/full)"
"$B" "${SINGLE[@]}" "$IN/runc-spec.json" >/dev/full 2>"$W/err"
rc=$?
expect_rc 5
expect_stderr_has "standard output"
end

# ---- fidelity ----

FID=$IN/fidelity.json
begin "fidelity: unknown fields and untouched values are kept (jq)"
run "${SINGLE[@]}" "$FID"
expect_rc 0
cp "$W/out" "$W/fid.json"
rest='del(.linux.resources, .linux.cgroupsPath, .linux.namespaces, .linux.uidMappings, .linux.gidMappings, .mounts, .process.user.additionalGids)'
[ "$(jq -c "$rest" "$FID")" = "$(jq -c "$rest" "$W/fid.json")" ] || problem "fields other than the converted ones differ"
jq -e '.vm.hypervisor["x-vm-ext"] and .["x-top-unknown"].nested.flag and .linux["x-linux-ext"].future[1].b == [2, 3]
	and .mounts[0]["x-mount-ext"].a == [null, true, false] and .hooks["x-hooks-ext"] == []' "$W/fid.json" >/dev/null ||
	problem "unknown fields lost"
[ "$(jq -c '[.mounts[] | select(.destination != "/dev/pts")]' "$FID")" = \
	"$(jq -c '[.mounts[] | select(.destination != "/dev/pts")]' "$W/fid.json")" ] || problem "mounts other than /dev/pts changed"
jq -e '.mounts[2] | .["x-order"] == 3 and (.options | index("gid=5") | not)' "$W/fid.json" >/dev/null || problem "/dev/pts wrong"
end

begin "fidelity: key order is kept at every level; added keys go last"
[ "$(jq -c 'del(.linux.resources, .linux.cgroupsPath, .process.user.additionalGids) | del(.mounts[2].options[5]) | [paths | map(tostring) | join(".")]' "$FID")" = \
	"$(jq -c 'del(.linux.uidMappings, .linux.gidMappings) | del(.linux.namespaces[5]) | [paths | map(tostring) | join(".")]' "$W/fid.json")" ] ||
	problem "the order of keys (or the set of paths) differs"
[ "$(jq -c '.linux | keys_unsorted' "$W/fid.json")" = '["sysctl","namespaces","maskedPaths","readonlyPaths","x-linux-ext","uidMappings","gidMappings"]' ] ||
	problem "linux keys: $(jq -c '.linux | keys_unsorted' "$W/fid.json")"
[ "$(jq -c 'keys_unsorted' "$W/fid.json")" = "$(jq -c 'keys_unsorted' "$FID")" ] || problem "top-level keys differ"
end

begin "fidelity: replaced keys keep their place (mounts in the middle, uidMappings first)"
run "${SINGLE[@]}" "$RULES/user-namespace/user-ns.several-entries/input.json"
expect_rc 0
[ "$(jq -c '.linux | keys_unsorted' "$W/out")" = '["uidMappings","namespaces","x-after","gidMappings"]' ] ||
	problem "linux keys: $(jq -c '.linux | keys_unsorted' "$W/out")"
run "${SINGLE[@]}" "$RULES/sys/mounts-null/input.json"
[ "$(jq -c 'keys_unsorted' "$W/out")" = '["ociVersion","mounts","linux","annotations"]' ] ||
	problem "top-level keys: $(jq -c 'keys_unsorted' "$W/out")"
end

begin "fidelity: numbers are written as read"
for lit in '"hard": 18446744073709551615' '"soft": 18446744073709551615' '"oomScoreAdj": -1' '"x-rlimit-ext": 1.0' \
	'"ratio": 1.50e3' '"small": 1E-7' '"exp": 1e+2' '"neg": -0.5' '"zero": 0' '"x-trailing-unknown": 18446744073709551615' \
	'"x-vm-ext": 1.0' '"x-hook-ext": 1.0'; do
	grep -qF -- "$lit" "$W/fid.json" || problem "not kept: $lit"
done
printf '{"a": [9223372036854775807, 9223372036854775808, -9223372036854775808, 0.1, 1e400, -0.0, 12345678901234567890.5]}' >"$W/nums.json"
run "${SINGLE[@]}" --compact "$W/nums.json"
expect_rc 0
expect_stdout_has '{"a":[9223372036854775807,9223372036854775808,-9223372036854775808,0.1,1e400,-0.0,12345678901234567890.5],'
end

begin "fidelity: strings are kept as written (raw UTF-8, \\u escapes, \\/)"
# A string no rule changes is copied byte for byte, its escapes too.
for lit in '"RAW_UTF8=héllo wörld ☃ 😀 日本語"' '"GREETING=h\u00e9llo w\u00f6rld \u2603 \ud83d\ude00"' '"SLASH=a\/b"' \
	'"ключ.юникод": "значение"' '"hostname": "fid\u00e9lit\u00e9"' '"destination": "/data/\u65e5\u672c"' '"x-bind-ext": "ünïcödé"' \
	'"Grüße, 世界! \u00e7a va? \ud83d\udc33"' '"tab\there \"quote\" back\\slash \u0001 ctl \/ slash"'; do
	grep -qF -- "$lit" "$W/fid.json" || problem "not kept as written: $lit"
done
[ "$(jq -c '[.annotations, .process.env, .process.args, .hostname, .mounts[7]]' "$FID")" = \
	"$(jq -c '[.annotations, .process.env, .process.args, .hostname, .mounts[7]]' "$W/fid.json")" ] || problem "string values differ"
end

indent_case() { # DESCRIPTION INPUT UNIT-REGEX-OF-ONE-LEVEL WRONG-REGEX
	begin "fidelity: indentation kept: $1"
	run "${SINGLE[@]}" "$2"
	expect_rc 0
	sed -n 2p "$W/out" | grep -qE "^$3\"" || problem "line 2 is not indented by one unit: $(sed -n 2p "$W/out" | cat -A)"
	grep -qE "$4" "$W/out" && problem "a line is indented otherwise: $(grep -nE "$4" "$W/out" | head -n 2 | cat -A)"
	end
}
indent_case "tabs (runc spec)" "$IN/runc-spec.json" $'\t' '^ |^(\t)* '
indent_case "4 spaces (ctr oci spec)" "$IN/containerd-ctr.json" '    ' $'^\t|^(    )* {1,3}[^ ]'
indent_case "2 spaces" "$FID" '  ' $'^\t|^(  )* [^ ]'

# ---- the rules: --list-rules, --skip, names in --explain ----
begin "--list-rules: a header, then one line a rule: its name, modes and summary; exit 0, nothing on stderr"
run --list-rules
expect_rc 0
expect_no_stderr
[ "$(head -n 1 "$W/out" | awk '{ print $1 }')" = RULE ] || problem "no header line: $(head -n 1 "$W/out")"
rules=$(sed 1d "$W/out" | awk '{ print $1 }')
[ "$(printf '%s\n' "$rules" | wc -l)" -ge 16 ] || problem "fewer than 16 rules: $rules"
[ "$(printf '%s\n' "$rules" | sort -u | wc -l)" = "$(printf '%s\n' "$rules" | wc -l)" ] || problem "a name is listed twice"
printf '%s\n' "$rules" | grep -qvE '^[a-z][a-z0-9-]*$' && problem "a name is not lower-case words with dashes: $rules"
sed 1d "$W/out" | awk 'NF < 3 { exit 1 }' || problem "a line without modes and summary"
[ "$(printf '%s\n' "$rules" | head -n 1)" = user-namespace ] || problem "the first rule is not user-namespace"
end

begin "--explain: every change line ends with the name of a listed rule in brackets"
run "${SINGLE[@]}" --explain "$IN/docker-moby.json"
expect_rc 0
while IFS= read -r line; do
	r=$(printf '%s\n' "$line" | sed -n 's/.* \[\([a-z0-9-]*\)\]$/\1/p')
	[ -n "$r" ] || { problem "no [rule] at the end of: $line"; continue; }
	printf '%s\n' "$rules" | grep -qxF "$r" || problem "[$r] is not a listed rule: $line"
done <"$W/err"
grep -q ' \[id-options\]$' "$W/err" || problem "no change of id-options (devpts gid=5 in mode single)"
grep -q ' \[user-namespace\]$' "$W/err" || problem "no change of user-namespace"
end

begin "--skip RULE: that rule changes nothing, the others run as before"
run "${SINGLE[@]}" --explain "$IN/docker-moby.json"
cp "$W/err" "$W/all.err"
cp "$W/out" "$W/all.out"
run "${SINGLE[@]}" --explain --skip id-options "$IN/docker-moby.json"
expect_rc 0
grep -q '\[id-options\]$' "$W/err" && problem "--skip id-options: it still made changes"
grep -v ' \[id-options\]$' "$W/all.err" >"$W/rest.err"
cmp -s "$W/rest.err" "$W/err" || problem "the other rules' changes differ: $(diff "$W/rest.err" "$W/err" | head -5)"
jq -e '[.mounts[] | select(.destination == "/dev/pts") | .options[] | select(. == "gid=5")] | length == 1' "$W/out" >/dev/null ||
	problem "devpts lost gid=5 though id-options was skipped"
end

begin "--skip: repeated, comma-separated and twice the same name"
run "${SINGLE[@]}" --explain --skip id-options,sys --skip sys "$IN/docker-moby.json"
expect_rc 0
grep -qE '\[(id-options|sys)\]$' "$W/err" && problem "a skipped rule made changes: $(grep -E '\[(id-options|sys)\]$' "$W/err" | head -2)"
grep -vE ' \[(id-options|sys)\]$' "$W/all.err" >"$W/rest.err"
cmp -s "$W/rest.err" "$W/err" || problem "the other rules' changes differ"
end

begin "--skip turns a refusal off too: process-user lets an unmapped gid through"
printf '{"process":{"user":{"uid":0,"gid":5}},"linux":{"namespaces":[{"type":"network"}]}}' >"$W/unmapped.json"
run "${SINGLE[@]}" "$W/unmapped.json"
expect_error 4
run "${SINGLE[@]}" --skip process-user "$W/unmapped.json"
expect_rc 0
expect_jq '.process.user.gid == 5'
end

begin "--skip with an unknown rule: exit 2, naming it, nothing on stdout"
run "${SINGLE[@]}" --skip sys,nonesuch "$IN/docker-moby.json"
expect_error 2
expect_stderr_has "--skip: unknown rule 'nonesuch'"
run "${SINGLE[@]}" --skip "" "$IN/docker-moby.json"
expect_rc 0
end

# ---- --uid without --gid ----
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1008:1234::/home/app:/bin/sh\nbad:x:1009::/home/bad:/bin/sh\n' >"$W/passwd"
printf '{"linux":{"namespaces":[{"type":"network"}]}}' >"$W/plain.json"
begin "--uid without --gid: the gid is that user's in the password file (--passwd), not the caller's"
run --mode single --uid 1008 --passwd "$W/passwd" "${HERMETIC[@]}" "$W/plain.json"
expect_rc 0
expect_jq '.linux.uidMappings == [{"containerID":0,"hostID":1008,"size":1}] and .linux.gidMappings == [{"containerID":0,"hostID":1234,"size":1}]'
run --mode single --uid 1008 --gid 77 --passwd "$W/passwd" "${HERMETIC[@]}" "$W/plain.json"
expect_jq '.linux.gidMappings == [{"containerID":0,"hostID":77,"size":1}]'
end

begin "--uid without --gid for a uid the password file does not know (or whose gid is blank): exit 2, saying to give --gid"
for u in 4000 1009; do
	run --mode single --uid "$u" --passwd "$W/passwd" "${HERMETIC[@]}" "$W/plain.json"
	expect_error 2
	expect_stderr_has "uid $u was given without a gid, and $W/passwd has no entry for it to take its group from; give the gid too (--gid)"
done
end

begin "--mode auto as root outside a user namespace with --uid of another user: mode single for that user"
run --uid 1008 --passwd "$W/passwd" --uid-map "$G/maps/initial" --gid-map "$G/maps/initial" --explain "${HERMETIC[@]}" "$W/plain.json"
expect_rc 0
expect_stderr_has "container root is the caller's uid (mode single)"
expect_jq '.linux.uidMappings == [{"containerID":0,"hostID":1008,"size":1}] and .linux.gidMappings == [{"containerID":0,"hostID":1234,"size":1}]'
end

begin "fidelity: the final newline is kept, or its absence"
run "${SINGLE[@]}" "$IN/runc-spec.json"
[ "$(tail -c 1 "$W/out")" = "}" ] || problem "runc spec has no final newline: the output must not either"
run "${SINGLE[@]}" "$IN/crun-spec.json"
[ "$(tail -c 1 "$W/out" | od -An -c | tr -d ' ')" = '\n' ] || problem "crun spec ends with a newline: the output must too"
[ "$(tail -c 2 "$W/out" | od -An -c | tr -d ' ')" = '}\n' ] || problem "exactly one final newline expected"
cp "$IN/runc-spec.json" "$W/ip/config.json"
run "${SINGLE[@]}" -i "$W/ip/config.json"
[ "$(tail -c 1 "$W/ip/config.json")" = "}" ] || problem "-i added a final newline"
end

begin "fidelity: the output of every golden input converts to itself (--check 0)"
for f in "$IN"/*.json; do
	case $(basename "$f") in userns-path.json | integer-too-big.json) continue ;; esac
	"$B" "${USERNS[@]}" "$f" >"$W/i1" 2>/dev/null || { problem "$(basename "$f"): first conversion failed"; continue; }
	"$B" "${USERNS[@]}" --explain "$W/i1" >"$W/i2" 2>"$W/i2err" || problem "$(basename "$f"): second conversion failed"
	cmp -s "$W/i1" "$W/i2" || problem "$(basename "$f"): not idempotent"
	[ -s "$W/i2err" ] && problem "$(basename "$f"): the second conversion lists changes"
	"$B" "${USERNS[@]}" --check "$W/i1" 2>/dev/null || problem "$(basename "$f"): --check on the output exits $?"
done
end

echo "1..$n"
[ "$failed" = 0 ]
