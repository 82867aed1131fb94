#!/bin/sh
# Runs as the test user inside the caller context of a case (a user namespace
# from unshare, RootlessKit or newuidmap, or none): converts the bundle's
# input.json with the CLI under test, optionally edits the result (negative
# controls), then runs the container. Every outcome goes to files in BUNDLE;
# the harness (run.sh) reads them.
#
# usage: in-context.sh RUNTIME BUNDLE ID HIDE EDIT (--raw | --in-place CLI-ARGS... | CLI-ARGS...)
#   BUNDLE/pre.sh, if present, is sourced first: what the caller does to
#         itself before converting and running (raise its oom_score_adj, lower
#         its rlimits); the runtime inherits it. Its stderr goes to pre.err.
#   HIDE  1: first hide /sys/fs/cgroup/unified under a read-only tmpfs (crun
#         on a hybrid cgroup host); this mount namespace is the case's own.
#   EDIT  a jq filter applied to the converted config, or "" for none.
#   --raw run input.json as it is, unconverted.
#   --in-place  as a user would: config.json converted with -i BUNDLE, then
#         --check BUNDLE (must find nothing to change), then the runtime run
#         from the bundle folder without --bundle.
# The CLI under test is $OCI_ROOTLESS.
rt=$1 b=$2 id=$3 hide=$4 edit=$5
shift 5
cd "$b" || exit 97
if [ -f pre.sh ]; then
    . ./pre.sh 2> pre.err || { echo 97 > convert.rc; exit 0; }
fi
cat /proc/self/uid_map > caller.uid_map
cat /proc/self/gid_map > caller.gid_map
cat /proc/self/oom_score_adj > caller.oom
# shellcheck disable=SC3045  # dash (and busybox ash) have ulimit -H and -S
{ ulimit -Hn; ulimit -Sn; } > caller.nofile
if [ "$hide" = 1 ]; then
    mount -t tmpfs -o ro none /sys/fs/cgroup/unified 2> hide.err || { echo 99 > convert.rc; exit 0; }
fi
inplace=0
if [ "$1" = --raw ]; then
    cp input.json config.json
    echo 0 > convert.rc
elif [ "$1" = --in-place ]; then
    shift
    inplace=1
    cp input.json config.json
    "$OCI_ROOTLESS" "$@" -i "$b" > inplace.out 2> convert.err
    rc=$?
    echo $rc > convert.rc
    [ $rc = 0 ] || exit 0
    cp config.json converted.json
    "$OCI_ROOTLESS" "$@" --check "$b" > check.out 2> check.err
    echo $? > check.rc
else
    "$OCI_ROOTLESS" "$@" input.json > converted.json 2> convert.err
    rc=$?
    echo $rc > convert.rc
    [ $rc = 0 ] || exit 0
    if [ -n "$edit" ]; then
        jq "$edit" converted.json > config.json 2> edit.err || { echo 98 > convert.rc; exit 0; }
    else
        cp converted.json config.json
    fi
fi
if [ $inplace = 1 ]; then
    "$rt" --root "$b/state" run "$id" < /dev/null > run.out 2> run.err
else
    "$rt" --root "$b/state" run --bundle "$b" "$id" < /dev/null > run.out 2> run.err
fi
echo $? > run.rc
exit 0
