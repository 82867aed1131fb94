#!/bin/bash
# Run by the guest's unit ocirl-vm.service (as root) as /mnt/share/guest/main.sh,
# from the 9p share (see ../README.md; the share holds tests/vm, tests/e2e and
# tests/lib as in the repository): installs the programs under test, runs the
# cgroup cases and the end-to-end suite, writes their TAP into
# /mnt/share/out/ and marks the end with out/done. The unit powers off.
set -u
S=/mnt/share
O=$S/out
mkdir -p "$O"
exec > "$O/main.log" 2>&1
echo "# guest $(uname -r), $(systemctl --version | head -1)"

# The user manager of the test user (lingering: started at boot) and its bus.
# Do not wait for the whole boot: this unit is part of it.
for _ in $(seq 300); do
    systemctl is-active -q user@1000.service && [ -S /run/user/1000/bus ] && break
    sleep 0.2
done
systemctl is-active -q user@1000.service || echo "# user@1000.service is not active"

# the programs under test, as users install them: the package (its static
# programs need nothing the image lacks)
dpkg -i "$S"/deb/oci-rootless_*.deb > "$O/dpkg.log" 2>&1 || echo "# dpkg -i oci-rootless failed: $(tail -3 "$O/dpkg.log")"
echo "# installed $(oci-rootless --version 2>&1 | head -1) from the package"

# shellcheck disable=SC1091 # the share's copy of the settings
[ -f "$S/env" ] && . "$S/env"
SECONDS=0
bash "$S/tests/vm/guest/cgroups.sh" > "$O/cgroups.tap" 2> "$O/cgroups.err"
echo "# cgroups cases: $SECONDS s"
if [ "${OCIRL_VM_E2E:-1}" = 1 ]; then
    SECONDS=0
    OCI_ROOTLESS=/usr/bin/oci-rootless OCIRL_E2E_RUNTIMES=${OCIRL_VM_E2E_RUNTIMES:-runc crun} \
        bash "$S/tests/e2e/run.sh" > "$O/e2e.tap" 2> "$O/e2e.err"
    echo "# end-to-end suite: $SECONDS s"
fi
sync
touch "$O/done"
