#!/usr/bin/env bash
# Boots the guest image once with a share: the guest's unit runs
# SHARE/guest/main.sh and powers off. The disk is opened with snapshot=on:
# every boot starts from the same image and nothing is written back.
#
# usage: boot.sh IMAGE_DIR SHARE_DIR SECONDS
#   IMAGE_DIR  what image.sh printed (disk.raw, vmlinuz, initrd.img)
#   SHARE_DIR  the 9p share (tag "share", /mnt/share in the guest)
#   SECONDS    hard limit: qemu is killed after it
# The console goes to SHARE_DIR/console.log; when the guest did not write
# SHARE_DIR/out/done, its last lines are printed on stderr and the exit
# status is 1.
# OCIRL_VM_ACCEL=tcg|kvm overrides the choice (kvm when /dev/kvm works:
# not the PVM module of this project's build machines, which cannot boot
# Debian's kernel).
set -uo pipefail
img=$1 share=$2 limit=$3
mkdir -p "$share/out"
rm -f "$share/out/done"

accel=${OCIRL_VM_ACCEL:-}
if [ -z "$accel" ]; then
    accel=tcg
    if [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ]; then accel=kvm; fi
fi
# shellcheck disable=SC2054 # qemu's option values have commas of their own
case $accel in
kvm) cpu=(-accel kvm -cpu host) ;;
*) cpu=(-accel tcg,thread=multi -cpu max) ;;
esac

start=$(date +%s)
timeout --kill-after=10 "$limit" qemu-system-x86_64 "${cpu[@]}" -smp 2 -m 2048 \
    -nodefaults -no-reboot -display none -serial "file:$share/console.log" \
    -kernel "$img/vmlinuz" -initrd "$img/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 panic=-1 systemd.show_status=0" \
    -drive "file=$img/disk.raw,format=raw,if=virtio,snapshot=on" \
    -virtfs "local,path=$share,mount_tag=share,security_model=none" \
    -device virtio-rng-pci
rc=$?
echo "# VM ($accel) ran $(($(date +%s) - start)) s, qemu exit status $rc" >&2
if [ ! -f "$share/out/done" ]; then
    [ "$rc" = 124 ] && echo "# VM: killed after the limit of $limit s" >&2
    echo "# VM: the guest did not finish; the console's last lines:" >&2
    tail -n 40 "$share/console.log" 2> /dev/null | sed 's/^/#   /' >&2
    exit 1
fi
exit 0
