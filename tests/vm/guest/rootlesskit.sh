#!/bin/sh
# The RootlessKit context of the cgroup cases, run in a delegated scope
# (systemd-run --user --scope -p Delegate=yes): moves itself into a leaf of
# the scope, enables the controllers for the scope's children (a cgroup with
# processes cannot), then runs the command inside RootlessKit.
#   sh rootlesskit.sh STATE-DIR COMMAND...
state=$1
shift
cg=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
if ! { mkdir "$cg/leaf" && echo $$ > "$cg/leaf/cgroup.procs" &&
    echo "+cpu +memory +pids" > "$cg/cgroup.subtree_control"; }; then
    echo "rootlesskit.sh: cannot move to a leaf of $cg" >&2
    exit 1
fi
exec rootlesskit --net=host --state-dir="$state" "$@"
