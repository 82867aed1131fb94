#!/bin/sh
# A CNI plugin for the CRI suite (installed there as "ocirl-testnet"): the
# pod network a rootless containerd can make here. Debian's `bridge` plugin
# cannot work inside RootlessKit on this machine (it needs a bridge in the
# host's network namespace); this one stays inside the pod's namespace: it
# brings up lo and a veth pair, CNI_IFNAME (eth0) with an address and its
# peer "ocirl-peer0", so the pod's /sys/class/net shows something no other
# namespace has.
#
# Network config (stdin): {"cniVersion": "1.0.0", "name": ..., "type":
# "ocirl-testnet", "dataDir": DIR, "subnet": "10.88.0"}. DIR keeps one file a
# container (its address) and calls.log, a line a call: COMMAND CONTAINERID
# NETNS. Runs as containerd's user: root of RootlessKit's user namespace,
# which owns the pod's network namespace.
set -eu
conf=$(cat)
field() { printf '%s' "$conf" | jq -r --arg k "$1" '.[$k] // empty'; }
version=$(field cniVersion)
dir=$(field dataDir)
err() { # CODE MESSAGE: a CNI error on stdout
    jq -cn --arg v "${version:-1.0.0}" --argjson c "$1" --arg m "$2" '{cniVersion: $v, code: $c, msg: $m}'
    exit 1
}
if [ "${CNI_COMMAND:-}" = VERSION ]; then
    echo '{"cniVersion": "1.0.0", "supportedVersions": ["0.4.0", "1.0.0"]}'
    exit 0
fi
[ -n "$dir" ] || err 7 "dataDir is not set"
mkdir -p "$dir"
echo "${CNI_COMMAND:-} ${CNI_CONTAINERID:-} ${CNI_NETNS:-}" >> "$dir/calls.log"

case ${CNI_COMMAND:-} in
ADD)
    # the next free host number, from the addresses handed out
    n=2
    while grep -qx "$(field subnet).$n" "$dir"/ip-* 2> /dev/null; do n=$((n + 1)); done
    [ $n -lt 255 ] || err 11 "no address left"
    ip=$(field subnet).$n
    # shellcheck disable=SC2016 # expanded by the inner shell
    nsenter --net="$CNI_NETNS" sh -c '
        set -e
        ip link set lo up
        ip link add "$1" type veth peer name ocirl-peer0
        ip addr add "$2/24" dev "$1"
        ip link set ocirl-peer0 up
        ip link set "$1" up' sh "$CNI_IFNAME" "$ip" > "$dir/add.err" 2>&1 \
        || err 11 "setting up $CNI_IFNAME in $CNI_NETNS: $(tr '\n' ' ' < "$dir/add.err")"
    echo "$ip" > "$dir/ip-$CNI_CONTAINERID"
    jq -cn --arg v "$version" --arg i "$CNI_IFNAME" --arg ns "$CNI_NETNS" --arg a "$ip/24" \
        '{cniVersion: $v, interfaces: [{name: $i, sandbox: $ns}], ips: [{address: $a, interface: 0}]}'
    ;;
DEL)
    # the namespace goes with the pod; only the address is given back
    rm -f "$dir/ip-${CNI_CONTAINERID:-}"
    ;;
CHECK) ;;
*) err 4 "unknown CNI_COMMAND '${CNI_COMMAND:-}'" ;;
esac
