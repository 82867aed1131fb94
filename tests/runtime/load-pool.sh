#!/usr/bin/env bash
# The containers of load.sh: runs as the test user inside RootlessKit's user
# and mount namespaces, and starts COUNT containers with `ctr run --rm
# --runc-binary RUNTIME`, at most JOBS at once (a pool of background jobs:
# a new container starts when one has ended).
#
# usage: load-pool.sh SOCK RUNTIME IMAGE PREFIX COUNT JOBS OUTDIR
# Container I is PREFIX-I, with OCIRL_LOAD_ID=I in its environment and
# PREFIX-I as $0 of its shell; it prints
#   ocirl-load PREFIX-I env=I
#   its /proc/self/uid_map
#   end
# ctr's standard output goes to OUTDIR/I.out, its standard error to
# OUTDIR/I.err; OUTDIR/times gets "I START-us END-us EXIT-STATUS" per
# container (wall clock, microseconds) in the order they end.
set -u
sock=$1 runtime=$2 image=$3 prefix=$4 count=$5 jobs=$6 outdir=$7
# shellcheck disable=SC2016
# one write: the shim copies the container's output through a FIFO, and a
# process that ends right after several small writes gave, once in about
# 2,000 runs here, its first line without the rest
cmd='m=$(cat /proc/self/uid_map); printf "ocirl-load %s env=%s\n%s\nend\n" "$0" "$OCIRL_LOAD_ID" "$m"'

one() { # I
    local i=$1 t0 t1 r
    t0=${EPOCHREALTIME/./}
    timeout -k 5 120 ctr --address "$sock" run --rm --runc-binary "$runtime" --env "OCIRL_LOAD_ID=$i" \
        "$image" "$prefix-$i" sh -c "$cmd" "$prefix-$i" > "$outdir/$i.out" 2> "$outdir/$i.err" < /dev/null
    r=$?
    t1=${EPOCHREALTIME/./}
    echo "$i $t0 $t1 $r" >> "$outdir/times"
}

running=0
for ((i = 1; i <= count; i++)); do
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
    one "$i" &
    running=$((running + 1))
done
wait
