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
awk '$2 == "/sys" || $2 == "/dev/pts" || $2 == "/dev/mqueue" || $2 == "/data"' /proc/self/mounts
echo "== sysdev"
awk '$5 == "/sys" { print $3 }' /proc/self/mountinfo
echo "== net"
ls /sys/class/net
echo "== end"
