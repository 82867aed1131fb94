#!/bin/sh
# The container's process in the cgroup cases (busybox sh, pid 1 of its pid
# namespace, its own cgroup namespace): what its cgroup enforces.
m=$(cat /sys/fs/cgroup/memory.max 2> /dev/null || echo none)
p=$(cat /sys/fs/cgroup/pids.max 2> /dev/null || echo none)
w=$(cat /sys/fs/cgroup/cpu.weight 2> /dev/null || echo none)
echo "cgroup=$(cat /proc/self/cgroup) memory.max=$m pids.max=$p cpu.weight=$w"
# a memory hog: tail keeps a line without end in memory; killed (137) under a 64 MiB limit
if [ "$m" != max ] && [ "$m" != none ]; then
    dd if=/dev/zero bs=1M count=200 2> /dev/null | tail > /dev/null
    echo "hog=$?"
fi
# a fork loop: how many processes there are once 50 more were asked for
if [ "$p" != max ] && [ "$p" != none ]; then
    # in a shell of its own: ash exits when a fork fails
    sh -c 'i=0; while [ $i -lt 50 ]; do sleep 30 & i=$((i + 1)); done' 2> /dev/null
    set -- /proc/[0-9]*
    echo "procs=$#"
    kill -9 -1 2> /dev/null
fi
echo end
