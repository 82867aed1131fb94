#!/bin/sh
# Runs CMD in a new user and mount namespace whose uid and gid maps are
# written from outside by newuidmap/newgidmap, with map lines in exactly the
# order given (the kernel keeps the order of up to 5 lines), so a test can
# build a caller namespace whose lines are out of order or whose gid map
# differs from its uid map.
#
# usage: userns-maps.sh "UID-MAP-TRIPLETS" "GID-MAP-TRIPLETS" CMD [ARGS...]
#   triplets as newuidmap takes them: "inside outside count ..."
uidmap=$1 gidmap=$2
shift 2
dir=$(mktemp -d) || exit 96
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/go" || exit 96
# The child waits on the fifo until its maps are written, then execs CMD:
# only then is it uid 0 in the namespace, so CMD keeps full capabilities there.
unshare --user --mount sh -c 'read go < "$0" && [ "$go" = go ] && exec "$@"; exit 95' "$dir/go" "$@" &
pid=$!
self=$(readlink /proc/self/ns/user)
i=0
while [ "$(readlink /proc/$pid/ns/user 2>/dev/null)" = "$self" ]; do
    i=$((i + 1))
    if [ $i -gt 1000 ]; then
        echo "userns-maps: process $pid never entered a new user namespace" >&2
        kill $pid 2>/dev/null; wait $pid; exit 96
    fi
    sleep 0.01
done
# shellcheck disable=SC2086  # the triplets are meant to be split
if ! newuidmap $pid $uidmap || ! newgidmap $pid $gidmap; then
    echo "userns-maps: newuidmap $uidmap / newgidmap $gidmap failed" >&2
    echo no > "$dir/go"
    wait $pid
    exit 96
fi
echo go > "$dir/go"
wait $pid
