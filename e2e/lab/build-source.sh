#!/usr/bin/env bash
# Builds the lab's "physical" P2V source disk: build-source.sh OUT.img
#   A sparse 2 GiB image: MBR (syslinux mbr.bin), one bootable ext4 partition
#   (^64bit,^metadata_csum,^orphan_file: features syslinux 6.04 reads) with
#   /boot/vmlinuz + /boot/initrd.img + extlinux, ~100 MiB of random data and a
#   marker file with random content (/virtdeck-p2v-marker). Prints the marker.
#
# Kernel: Debian's generic kernel, not the lab's cloud kernel, because the
# cloud kernel has no AHCI (CONFIG_SATA_AHCI is not set) and a P2V copy boots
# on SATA by default. The initramfs runs the lab's own guest-init.sh, which
# loads the SATA and ext4 modules when they are present and prints the marker
# it finds on a disk. The kernel + initrd are cached in .lab/images/source-*.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=${1:?usage: build-source.sh OUT.img}
debs=$LAB_DIR/debs
mkdir -p "$LAB_IMAGES" "$debs"

# Dependency order (busybox insmod has no modules.dep): SATA disk, then ext4.
SOURCE_MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk
  scsi_common scsi_mod libata libahci ahci crct10dif_common crct10dif_generic crc-t10dif crc64
  crc64_rocksoft_generic crc64-rocksoft t10-pi sd_mod crc16 mbcache jbd2 crc32c_generic ext4"

build_boot_files() {
  local stamp_want kpkg kdeb bdeb work kver root m f
  stamp_want=$(cat "$LAB_HERE/guest-init.sh" "$LAB_HERE/guest-udhcpc.sh" "$0" | sha256sum | cut -c1-16)
  if [ -f "$LAB_IMAGES/source-vmlinuz" ] && [ -f "$LAB_IMAGES/source-initrd.img" ] &&
    [ "$(cat "$LAB_IMAGES/source-stamp" 2>/dev/null)" = "$stamp_want" ]; then
    return 0
  fi
  kpkg=$(find "$debs" -maxdepth 1 -name 'linux-image-*-cloud-amd64_*.deb' -printf '%f\n' | sort | tail -n 1 | cut -d_ -f1)
  [ -n "$kpkg" ] || lab_die "build the lab images first (lab.sh up): the source uses the same kernel version"
  kpkg=${kpkg%-cloud-amd64}-amd64
  kdeb=$(lab_fetch_deb "$kpkg") || lab_die "apt-get download $kpkg failed"
  bdeb=$(lab_fetch_deb busybox-static) || lab_die "apt-get download busybox-static failed"
  work=$(mktemp -d "$LAB_DIR/build-source.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" RETURN
  dpkg-deb -x "$kdeb" "$work/kernel"
  dpkg-deb -x "$bdeb" "$work/busybox"
  kver=$(basename "$(find "$work/kernel/lib/modules" -mindepth 1 -maxdepth 1 -type d -print -quit)")
  root=$work/initramfs
  mkdir -p "$root/bin" "$root/sbin" "$root/etc" "$root/lib/modules/$kver"
  cp "$work/busybox/bin/busybox" "$root/bin/busybox"
  ln -s busybox "$root/bin/sh"
  for m in $SOURCE_MODULES; do
    f=$(find "$work/kernel/lib/modules/$kver" -name "$m.ko" -print -quit)
    [ -n "$f" ] || lab_die "module $m.ko not found in $kpkg"
    cp "$f" "$root/lib/modules/$kver/"
  done
  # guest-init.sh loads these after its own list (one name a line, in order).
  echo "$SOURCE_MODULES" | tr -s ' \n' '\n\n' | sed '/^$/d' >"$root/etc/modules-extra"
  install -m 755 "$LAB_HERE/guest-init.sh" "$root/init"
  install -m 755 "$LAB_HERE/guest-udhcpc.sh" "$root/etc/udhcpc.script"
  (cd "$root" && find . | "$work/busybox/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initrd.img"
  install -m 644 "$work/kernel/boot/vmlinuz-$kver" "$LAB_IMAGES/source-vmlinuz"
  install -m 644 "$work/initrd.img" "$LAB_IMAGES/source-initrd.img"
  echo "$stamp_want" >"$LAB_IMAGES/source-stamp"
  lab_log "source kernel $kver + initramfs built"
}

build_boot_files

marker=$(head -c 64 /dev/urandom | sha256sum | cut -c1-32)
rm -f "$out"
truncate -s 2G "$out"
# One bootable Linux partition from 1 MiB to the end.
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$out" >/dev/null
loop=$(losetup --find --show --partscan "$out")
mnt=$(mktemp -d "$LAB_DIR/source-mnt.XXXXXX")
cleanup() { umount "$mnt" 2>/dev/null || true; losetup -d "$loop" 2>/dev/null || true; rmdir "$mnt" 2>/dev/null || true; }
trap cleanup EXIT
# The kernel here does not always scan at attach time: ask again.
for _ in $(seq 1 100); do
  [ -b "${loop}p1" ] && break
  partx -a "$loop" 2>/dev/null || blockdev --rereadpt "$loop" 2>/dev/null || true
  sleep 0.05
done
[ -b "${loop}p1" ] || lab_die "no partition device ${loop}p1"
mkfs.ext4 -q -F -L vdsource -O ^64bit,^metadata_csum,^orphan_file "${loop}p1" 2>/dev/null ||
  mkfs.ext4 -q -F -L vdsource -O ^64bit,^metadata_csum "${loop}p1"
mount "${loop}p1" "$mnt"
mkdir -p "$mnt/boot/extlinux" "$mnt/data" "$mnt/etc"
cp "$LAB_IMAGES/source-vmlinuz" "$mnt/boot/vmlinuz"
cp "$LAB_IMAGES/source-initrd.img" "$mnt/boot/initrd.img"
cat >"$mnt/boot/extlinux/extlinux.conf" <<EOF
DEFAULT linux
PROMPT 0
TIMEOUT 1
SERIAL 0 115200
LABEL linux
  KERNEL /boot/vmlinuz
  INITRD /boot/initrd.img
  APPEND console=tty0 console=ttyS0 panic=-1
EOF
extlinux --install "$mnt/boot/extlinux" >/dev/null 2>&1
echo "vd-physical" >"$mnt/etc/hostname"
head -c $((100 << 20)) /dev/urandom >"$mnt/data/random.bin"
echo "$marker" >"$mnt/virtdeck-p2v-marker"
sync
umount "$mnt"
# The MBR boot code that chain-loads the active partition's extlinux.
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$loop" bs=440 count=1 conv=notrunc status=none
sync
echo "$marker"
