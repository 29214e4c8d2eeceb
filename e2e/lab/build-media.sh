#!/usr/bin/env bash
# Builds the lab's install media from its guest kernel + initramfs, for the
# create wizard's tests (cached in .lab/media, rebuilt when an input changes):
#   boot.iso   a BIOS-bootable ISO 9660 (isolinux, El Torito no-emulation) that
#              boots the lab kernel to its serial shell: "local install media"
#   disk.qcow2 a 64 MiB disk (MBR + ext2 partition + extlinux) booting the same:
#              "an existing disk image to import", and the lab's "cloud image"
#              (the guest init reads a NoCloud seed, see guest-init.sh)
#   tree/      a distribution tree (images/pxeboot/{vmlinuz,initrd.img} and a
#              .treeinfo, as Fedora/RHEL trees have) to serve over HTTP for a
#              network install (virt-install --location)
# Needs root (loop device for extlinux) and the packages isolinux,
# syslinux-common, extlinux, genisoimage, fdisk, qemu-utils (.ci/run).
# Prints the media directory.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

media=$LAB_DIR/media
kernel=$LAB_IMAGES/vmlinuz
initrd=$LAB_IMAGES/initrd.img
[ -f "$kernel" ] && [ -f "$initrd" ] || lab_die "no guest images in $LAB_IMAGES (run lab.sh up first)"
for f in /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 /usr/lib/syslinux/mbr/mbr.bin; do
  [ -f "$f" ] || lab_die "$f is missing (apt-get install isolinux syslinux-common)"
done
for p in genisoimage extlinux sfdisk qemu-img losetup; do
  command -v "$p" >/dev/null || lab_die "$p is missing (see .ci/run)"
done

stamp_want=$(cat "$kernel" "$initrd" "$0" | sha256sum | cut -c1-16)
if [ -f "$media/boot.iso" ] && [ -f "$media/disk.qcow2" ] && [ -f "$media/tree/.treeinfo" ] &&
  [ "$(cat "$media/stamp" 2>/dev/null)" = "$stamp_want" ]; then
  echo "$media"
  exit 0
fi
exec 8>"$LAB_DIR/media.lock"
flock -w 300 8 || lab_die "another build holds $LAB_DIR/media.lock"
t0=$(lab_now_ms)
work=$(mktemp -d "$LAB_DIR/media.XXXXXX")
loop=
mnt=$work/mnt
cleanup() {
  umount "$mnt" 2>/dev/null || true
  [ -z "$loop" ] || losetup -d "$loop" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
APPEND="console=tty0 console=ttyS0 panic=-1"

# --- boot.iso ---------------------------------------------------------------
mkdir -p "$work/iso/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$work/iso/isolinux/"
cp "$kernel" "$work/iso/vmlinuz"
cp "$initrd" "$work/iso/initrd.img"
cat >"$work/iso/isolinux/isolinux.cfg" <<EOF
SERIAL 0 115200
DEFAULT lab
PROMPT 0
TIMEOUT 1
LABEL lab
  KERNEL /vmlinuz
  INITRD /initrd.img
  APPEND $APPEND
EOF
genisoimage -quiet -o "$work/boot.iso" -V VDLABBOOT -J -R \
  -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$work/iso"

# --- disk.qcow2 ---------------------------------------------------------------
truncate -s 64M "$work/disk.img"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$work/disk.img" >/dev/null
loop=$(losetup --find --show --partscan "$work/disk.img")
for _ in $(seq 1 100); do
  [ -b "${loop}p1" ] && break
  partx -a "$loop" 2>/dev/null || blockdev --rereadpt "$loop" 2>/dev/null || true
  sleep 0.05
done
[ -b "${loop}p1" ] || lab_die "no partition device ${loop}p1"
mkfs.ext2 -q -F -L vdlabdisk "${loop}p1"
mkdir -p "$mnt"
mount "${loop}p1" "$mnt"
mkdir -p "$mnt/boot/extlinux"
cp "$kernel" "$mnt/boot/vmlinuz"
cp "$initrd" "$mnt/boot/initrd.img"
cat >"$mnt/boot/extlinux/extlinux.conf" <<EOF
SERIAL 0 115200
DEFAULT lab
PROMPT 0
TIMEOUT 1
LABEL lab
  KERNEL /boot/vmlinuz
  INITRD /boot/initrd.img
  APPEND $APPEND
EOF
extlinux --install "$mnt/boot/extlinux" >/dev/null 2>&1
umount "$mnt"
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$loop" bs=440 count=1 conv=notrunc status=none
sync
losetup -d "$loop"
loop=
qemu-img convert -q -f raw -O qcow2 "$work/disk.img" "$work/disk.qcow2"

# --- tree/ ---------------------------------------------------------------------
mkdir -p "$work/tree/images/pxeboot"
cp "$kernel" "$work/tree/images/pxeboot/vmlinuz"
cp "$initrd" "$work/tree/images/pxeboot/initrd.img"
cat >"$work/tree/.treeinfo" <<EOF
[header]
type = productmd.treeinfo
version = 1.2

[release]
name = VirtDeck lab
short = vdlab
version = 1

[tree]
arch = x86_64
platforms = x86_64

[images-x86_64]
kernel = images/pxeboot/vmlinuz
initrd = images/pxeboot/initrd.img
EOF

mkdir -p "$media"
rm -rf "$media/tree"
mv "$work/tree" "$media/tree"
mv -f "$work/boot.iso" "$media/boot.iso"
mv -f "$work/disk.qcow2" "$media/disk.qcow2"
chmod -R a+rX "$media"
echo "$stamp_want" >"$media/stamp"
lab_log "install media built in $(lab_secs_since "$t0") s: $media/{boot.iso,disk.qcow2,tree/}"
echo "$media"
