#!/bin/sh
# One cgroup case, run as the test user in its caller context (cgroups.sh):
#   sh case.sh RUNTIME DRIVER CONVERSION DIR ID
# The wrapper converts DIR/config.json in place (--cgroups CONVERSION, the
# driver taken from the runtime's options) and runs the container.
# OCIRL_VM_RUNTIME: the program the wrapper runs instead of RUNTIME (a mutant).
rt=$1 driver=$2 conv=$3 dir=$4 id=$5
set --
if [ "$driver" = systemd ]; then
    if [ "$rt" = runc ]; then set -- --systemd-cgroup; else set -- --cgroup-manager=systemd; fi
fi
cat /proc/self/cgroup > "$dir/caller.cgroup"
cd "$dir" || exit 1
OCI_ROOTLESS_RUNTIME=$(command -v "${OCIRL_VM_RUNTIME:-$rt}") OCI_ROOTLESS_CGROUPS=$conv \
    timeout 120 oci-rootless-runtime --root "$dir/state" "$@" run -b "$dir" "$id" > "$dir/run.out" 2> "$dir/run.err"
echo $? > "$dir/rc"
