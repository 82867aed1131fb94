#!/usr/bin/env bash
# Builds (or finds in the cache) the Debian 12 guest image of the VM suite and
# prints the folder that holds it: disk.raw (ext4, the whole root file
# system), vmlinuz and initrd.img (the image's own kernel, copied out).
#
# The image: Debian 12 from Debian's packages (mmdebstrap, as root), systemd
# with logind and a user manager, the runtimes, and the user "ocirl" (uid
# 1000, subordinate ids 100000+65536, lingering enabled so that
# user@1000.service runs from boot). The 9p share tagged "share" is mounted
# at /mnt/share; the unit ocirl-vm.service runs /mnt/share/guest/main.sh once
# the user manager is up, then powers the machine off.
#
# Cache: $OCIRL_VM_CACHE (default /var/cache/oci-rootless-vm)/KEY, KEY being
# a hash of this script and of the apt sources it reads: a second run on the
# same machine skips the build (about 70 s); building one removes the others.
#
# usage: image.sh            (as root)
set -euo pipefail
export LC_ALL=C

SOURCES=${OCIRL_VM_SOURCES:-/etc/apt/sources.list.d/debian.sources}
CACHE=${OCIRL_VM_CACHE:-/var/cache/oci-rootless-vm}
PACKAGES=(systemd systemd-sysv udev dbus dbus-user-session libpam-systemd
    linux-image-amd64 initramfs-tools kmod procps
    runc crun uidmap rootlesskit busybox-static jq libcap2-bin)

[ "$(id -u)" = 0 ] || { echo "image.sh: must run as root (mmdebstrap --mode=root)" >&2; exit 1; }
[ -r "$SOURCES" ] || { echo "image.sh: cannot read the apt sources $SOURCES (set OCIRL_VM_SOURCES)" >&2; exit 1; }

key=$( { cat "$0"; cat "$SOURCES"; } | sha256sum | cut -c1-16)
out=$CACHE/$key
if [ -s "$out/disk.raw" ] && [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ]; then
    echo "$out"
    exit 0
fi

mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root

# The guest's own files, written by the customize hook below.
cat > "$work/ocirl-vm.service" <<'UNIT'
[Unit]
Description=oci-rootless VM suite (runs /mnt/share/guest/main.sh, then powers off)
After=systemd-user-sessions.service systemd-logind.service user@1000.service
Wants=user@1000.service
RequiresMountsFor=/mnt/share

[Service]
Type=oneshot
ExecStart=/bin/bash /mnt/share/guest/main.sh
ExecStopPost=/bin/systemctl --no-block poweroff
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
UNIT

# shellcheck disable=SC2016 # the hooks are run by mmdebstrap with "$1" the root
mmdebstrap --variant=minbase --mode=root \
    --aptopt 'Acquire::Check-Valid-Until "false"' --aptopt 'Acquire::Check-Date "false"' \
    --include="$(IFS=,; echo "${PACKAGES[*]}")" \
    --customize-hook='echo ocirl-vm > "$1/etc/hostname"' \
    --customize-hook='printf "127.0.0.1 localhost\n127.0.1.1 ocirl-vm\n" > "$1/etc/hosts"' \
    --customize-hook='printf "/dev/vda / ext4 rw 0 1\nshare /mnt/share 9p trans=virtio,version=9p2000.L,msize=262144 0 0\n" > "$1/etc/fstab"' \
    --customize-hook='mkdir -p "$1/mnt/share"' \
    --customize-hook='chroot "$1" useradd -m -u 1000 -s /bin/bash ocirl' \
    --customize-hook='echo ocirl:100000:65536 > "$1/etc/subuid"; echo ocirl:100000:65536 > "$1/etc/subgid"' \
    --customize-hook='mkdir -p "$1/var/lib/systemd/linger"; touch "$1/var/lib/systemd/linger/ocirl"' \
    --customize-hook="cp '$work/ocirl-vm.service' \"\$1/etc/systemd/system/ocirl-vm.service\"" \
    --customize-hook='chroot "$1" systemctl enable ocirl-vm.service' \
    --customize-hook='chroot "$1" passwd -d root' \
    bookworm "$root" "$SOURCES" >&2

cp "$root"/boot/vmlinuz-* "$work/vmlinuz"
cp "$root"/boot/initrd.img-* "$work/initrd.img"
mkfs.ext4 -q -L root -d "$root" "$work/disk.raw" 3G >&2
rm -rf "$root"
mkdir -p "$out"
mv "$work/disk.raw" "$work/vmlinuz" "$work/initrd.img" "$out/"
# images built from an older image.sh or other sources are not used again
for old in "$CACHE"/*; do
    case $old in "$out" | "$work") ;; *) [ -f "$old/disk.raw" ] && rm -rf "$old" ;; esac
done
echo "$out"
