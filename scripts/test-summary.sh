#!/usr/bin/env bash
# The closing lines of `make test`, from meson's test logs (testlog.json,
# one JSON object a test program): the TAP results of every suite, counted
# as meson reads them, then one line, always the last:
#
#   tests: N passed, N failed, N skipped
#
# Counted as:
#   ok                 passed
#   ok ... # SKIP      skipped (a case this host cannot run)
#   1..0 # SKIP why    a suite skipped as a whole: one skipped (how many
#                      cases it would have run is not known from its output)
#   not ok             failed
#   not ok ... # SKIP  failed (meson says FAIL too)
#   not ok ... # TODO  todo: a known failure, neither passed nor failed,
#                      counted apart on the line before the last
#   ok ... # TODO      failed: it passes though marked TODO (meson says
#                      UNEXPECTEDPASS and fails the suite)
#   Bail out!          one failed
#   a program that meson calls FAIL, ERROR, TIMEOUT or INTERRUPT without a
#   not ok or a Bail out! of its own (a crash, a signal, a time-out, too few
#   tests for its plan): one failed
#
# Before the last line: each failure, todo and skip with its reason, and the
# suites that ran nothing at all (a skipped plan, or every case skipped).
#
# usage: test-summary.sh [--may-skip NAME]... [--may-skip-reason ERE] TESTLOG.json...
#   --may-skip NAME  the test NAME (meson's name, or the part after " / ",
#                    e.g. e2e) may be skipped as a whole on this machine
#   --may-skip-reason ERE  so may a test whose every skip reason (of its
#                    plan, or of each case) matches the awk regex ERE
# Exit status: 0, or 1 when a test failed, a log is missing or unreadable, or
# a suite was skipped as a whole that no --may-skip or --may-skip-reason
# allows (this machine can run it: a missing tool is a failure, not a skip);
# 2 on a usage error.
set -euo pipefail

usage() { echo "usage: test-summary.sh [--may-skip NAME]... [--may-skip-reason ERE] TESTLOG.json..." >&2; exit 2; }
may_skip='' may_reason=''
while [ $# -gt 0 ]; do
    case $1 in
        --may-skip) [ $# -ge 2 ] || usage; may_skip+=" $2"; shift 2 ;;
        --may-skip=*) may_skip+=" ${1#--may-skip=}"; shift ;;
        --may-skip-reason) [ $# -ge 2 ] || usage; may_reason=$2; shift 2 ;;
        --may-skip-reason=*) may_reason=${1#--may-skip-reason=}; shift ;;
        --) shift; break ;;
        -*) usage ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || usage
command -v jq > /dev/null || { echo "test-summary: jq is needed (scripts/install-deps.sh installs it)" >&2; exit 1; }

# One record line per test program, "S<TAB>result<TAB>returncode<TAB>name",
# then its stdout, each line behind "|"; "E<TAB>message" for a log that
# cannot be read.
records() {
    local log
    for log in "$@"; do
        if [ ! -r "$log" ] || [ -d "$log" ]; then
            printf 'E\tno test log %s (its suites did not run)\n' "$log"
        elif ! jq -r '"S\t\(.result // "")\t\(.returncode // "")\t\(.name // "?")",
                      ((.stdout // "") | split("\n")[] | "|" + .)' "$log"; then
            printf 'E\t%s is not a readable meson test log\n' "$log"
        fi
    done
}

records "$@" | awk -v may_skip="$may_skip" -v may_reason="$may_reason" '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function bad(r) { return r == "FAIL" || r == "ERROR" || r == "TIMEOUT" || r == "INTERRUPT" || r == "UNEXPECTEDPASS" }
# a skip reason: does it allow a skip as a whole?
function reason_seen(r) { if (may_reason == "" || r !~ may_reason) reasons_ok = 0 }
function note(kind, text) { nn[kind]++; if (nn[kind] <= 30) lines[kind, nn[kind]] = text }
# the end of one test program: what its own lines did not say
function close_test(   reason) {
    if (name == "") return
    if (bad(result) && t_fail == 0) {
        fail++
        note("failed", name ": meson says " result (rc != "" && rc != "0" ? " (exit status " rc ")" : "") \
            ", with no not ok line of its own")
    } else if (!bad(result) && t_pass + t_fail + t_todo == 0) {
        # it ran nothing: a skipped plan, no test at all, or every case skipped
        if (t_skip == 0) skip++
        reason = plan_reason != "" ? plan_reason : (t_skip ? "every case skipped" : "no test ran")
        if (t_skip == 0 && plan_reason == "") reasons_ok = 0
        if ((name in allowed) || (short in allowed) || reasons_ok) {
            note("suite", name ": " reason " (allowed on this machine)")
        } else {
            unexpected++
            note("suite", name ": " reason " -- this machine can run it: a failure")
        }
    }
    name = ""
}
BEGIN {
    n = split(may_skip, m, " ")
    for (i = 1; i <= n; i++) allowed[m[i]] = 1
    pass = fail = skip = todo = unexpected = errors = 0
}
/^E\t/ { close_test(); errors++; note("error", substr($0, 3)); next }
/^S\t/ {
    close_test()
    split($0, f, "\t")
    result = f[2]; rc = f[3]; name = substr($0, length(f[1] f[2] f[3]) + 4)
    short = name; sub(/.* \/ /, "", short)
    t_pass = t_fail = t_skip = t_todo = 0; plan_reason = ""; reasons_ok = 1
    next
}
{
    line = substr($0, 2); sub(/[ \t\r]+$/, "", line)
    if (line == "" || line ~ /^#/) next
    if (line ~ /^(not )?ok/) {              # a test line, as meson reads it
        isok = line ~ /^ok/
        rest = substr(line, isok ? 3 : 7)
        directive = ""; why = ""; desc = rest
        h = index(rest, "#")
        if (h) {
            desc = substr(rest, 1, h - 1)
            d = trim(substr(rest, h + 1)); ld = tolower(d)
            if (ld ~ /^skip/) { directive = "SKIP"; why = d; sub(/^[^ \t]*[ \t]*/, "", why) }
            else if (ld ~ /^todo([^a-z0-9_]|$)/) { directive = "TODO"; why = trim(substr(d, 5)) }
        }
        desc = trim(desc); sub(/^[0-9]+[ \t]*/, "", desc); sub(/^-[ \t]*/, "", desc)
        what = name ": " desc (why != "" ? " (" why ")" : "")
        if (directive == "SKIP" && isok)     { skip++; t_skip++; note("skipped", what); reason_seen(why) }
        else if (directive == "TODO" && !isok) { todo++; t_todo++; note("todo", what) }
        else if (directive == "TODO")        { fail++; t_fail++; note("failed", what " -- passes though marked TODO") }
        else if (isok)                       { pass++; t_pass++ }
        else                                 { fail++; t_fail++; note("failed", what) }
        next
    }
    if (line ~ /^1\.\.[0-9]+/) {            # the plan
        if (line ~ /^1\.\.0+([^0-9]|$)/) {
            plan_reason = "skipped plan"; r = ""
            if (match(line, /#[ \t]*[Ss][Kk][Ii][Pp][^ \t]*/)) {
                r = trim(substr(line, RSTART + RLENGTH))
                if (r != "") plan_reason = "skipped plan: " r
            }
            reason_seen(r)
        }
        next
    }
    if (line ~ /^Bail out!/) { fail++; t_fail++; note("failed", name ": " line); next }
}
END {
    close_test()
    split("error failed todo skipped suite", kinds, " ")
    title["error"] = "not counted (a log is missing)"
    title["failed"] = "failed"
    title["todo"] = "todo (not ok # TODO: known failures, neither passed nor failed)"
    title["skipped"] = "skipped cases"
    title["suite"] = "suites that ran nothing"
    for (k = 1; k <= 5; k++) {
        kind = kinds[k]
        if (!nn[kind]) continue
        printf "summary: %s:\n", title[kind]
        for (i = 1; i <= nn[kind] && i <= 30; i++) printf "  %s\n", lines[kind, i]
        if (nn[kind] > 30) printf "  ... and %d more\n", nn[kind] - 30
    }
    printf "summary: %d todo, %d suites skipped as a whole though this machine can run them\n", todo, unexpected
    printf "tests: %d passed, %d failed, %d skipped\n", pass, fail, skip
    exit (fail > 0 || unexpected > 0 || errors > 0) ? 1 : 0
}'
