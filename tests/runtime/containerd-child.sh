#!/bin/sh
# The child of RootlessKit for the containerd cases (clients.sh): runs as the
# test user, as root of RootlessKit's user namespace, in its mount namespace
# (--copy-up=/etc --copy-up=/run), and does what nerdctl's
# containerd-rootless.sh does before it starts containerd.
#
# usage: containerd-child.sh CONFIG HIDE LOG
#   HIDE  1: hide /sys/fs/cgroup/unified under a read-only tmpfs first (crun
#         refuses a hybrid cgroup host); only this mount namespace sees it.
# containerd's output goes to LOG; the environment (OCI_ROOTLESS_*) reaches
# the shims and through them the runtime.
config=$1 hide=$2 log=$3
# The copied-up /run and /etc hold symbolic links to the parent's entries:
# remove those containerd and the runtimes would write through, so that they
# create their own here (the parent's files are not touched).
rm -f /run/containerd /run/runc /run/crun /etc/containerd 2> /dev/null
if [ "$hide" = 1 ]; then
    mount -t tmpfs -o ro none /sys/fs/cgroup/unified 2> "$log" || exit 98
fi
exec containerd --config "$config" >> "$log" 2>&1
