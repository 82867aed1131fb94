#!/bin/sh
# The container's process (copied into the busybox rootfs as /report).
# Prints what the end-to-end assertions look at, one "== name" section each.
echo "== id"
id
echo "== uid_map"
cat /proc/self/uid_map
echo "== gid_map"
cat /proc/self/gid_map
echo "== mounts"
awk '$2 == "/sys" || $2 == "/sys/fs/cgroup" || $2 == "/dev/pts" || $2 == "/dev/mqueue" || $2 == "/dev/shm" || $2 == "/data" ||
     $2 == "/proc" || $2 ~ /^\/proc\//' /proc/self/mounts
echo "== sysdev"
awk '$5 == "/sys" { print $3 }' /proc/self/mountinfo
echo "== devs"
awk '$5 == "/proc" || $5 == "/dev/shm" || $5 == "/dev/mqueue" { print $5, $3 }' /proc/self/mountinfo
echo "== net"
ls /sys/class/net
echo "== netns"
readlink /proc/self/ns/net
echo "== ipcns"
readlink /proc/self/ns/ipc
echo "== capbnd"
grep CapBnd /proc/self/status
echo "== hostname"
cat /proc/sys/kernel/hostname
echo "== pid"
echo $$
echo "== proc1"
cat /proc/1/comm
echo "== limits"
# shellcheck disable=SC3045  # busybox ash has ulimit -H and -S
{ ulimit -Hn; ulimit -Sn; }
echo "== oom"
cat /proc/self/oom_score_adj
echo "== data"
cat /data/file 2> /dev/null
echo "== dataowner"
stat -c %u /data 2> /dev/null
echo "== devnode"
[ -c /dev/ocirl-null ] && echo "$(stat -c %t:%T /dev/ocirl-null) $(echo x > /dev/ocirl-null && echo ok)"
echo "== end"
