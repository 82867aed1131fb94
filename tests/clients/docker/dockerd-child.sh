#!/bin/sh
# Installed by run.sh as "dockerd" in a folder first on the PATH that
# dockerd-rootless.sh gets: the script's child half (inside RootlessKit, as
# root of its user namespace, in its mount namespace) ends with `exec dockerd
# "$@"`, which lands here. It prepares what this host needs, then executes
# Debian's dockerd with the same arguments.
#
#   OCIRL_DOCKER_HIDE=1   hide /sys/fs/cgroup/unified under a read-only tmpfs
#                         (crun 1.8 refuses a hybrid cgroup host); only
#                         RootlessKit's mount namespace sees it
#   OCIRL_DOCKER_NETNS=1  run dockerd in a network namespace of its own,
#                         owned by RootlessKit's user namespace (what
#                         slirp4netns gives it elsewhere; /dev/net/tun is
#                         0600 here), with a veth pair ocirl0/ocirl1 so that
#                         its interfaces differ from the host's and from a
#                         container's own (lo only)
#   OCIRL_DOCKERD         the real dockerd (default /usr/sbin/dockerd)
dockerd=${OCIRL_DOCKERD:-/usr/sbin/dockerd}
if [ "${OCIRL_DOCKER_HIDE:-0}" = 1 ]; then
    mount -t tmpfs -o ro none /sys/fs/cgroup/unified || { echo "dockerd-child.sh: cannot hide /sys/fs/cgroup/unified" >&2; exit 98; }
fi
if [ "${OCIRL_DOCKER_NETNS:-0}" = 1 ]; then
    # shellcheck disable=SC2016 # expanded by the inner shell
    exec unshare --net sh -c '
        ip link set lo up && ip link add ocirl0 type veth peer name ocirl1 \
            || { echo "dockerd-child.sh: cannot set up the network namespace" >&2; exit 97; }
        dockerd=$1
        shift
        exec "$dockerd" "$@"' sh "$dockerd" "$@"
fi
exec "$dockerd" "$@"
