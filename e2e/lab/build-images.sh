#!/usr/bin/env bash
# Builds the guest kernel + initramfs once into .lab/images (cached).
# Parts come from Debian packages fetched with `apt-get download` (no install):
# busybox-static and the cloud kernel linux-image-<version>-cloud-amd64.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

debs=$LAB_DIR/debs
mkdir -p "$LAB_IMAGES" "$debs"
chmod 755 "$LAB_DIR" "$LAB_IMAGES"

# Inputs that change the image: the guest scripts and this builder.
stamp_want=$(cat "$LAB_HERE/guest-init.sh" "$LAB_HERE/guest-udhcpc.sh" "$0" | sha256sum | cut -c1-16)
if [ -f "$LAB_IMAGES/vmlinuz" ] && [ -f "$LAB_IMAGES/initrd.img" ] &&
  [ "$(cat "$LAB_IMAGES/stamp" 2>/dev/null)" = "$stamp_want" ]; then
  exit 0
fi
t0=$(lab_now_ms)

# The cloud kernel the meta package currently points at.
kernel_pkg() {
  apt-cache depends linux-image-cloud-amd64 2>/dev/null |
    awk '/Depends: linux-image-[0-9].*-cloud-amd64/ {print $2; exit}'
}

kpkg=$(find "$debs" -maxdepth 1 -name 'linux-image-*-cloud-amd64_*.deb' -printf '%f\n' | sort | tail -n 1 | cut -d_ -f1)
if [ -z "$kpkg" ]; then
  kpkg=$(kernel_pkg)
  if [ -z "$kpkg" ]; then
    lab_log "apt lists look empty; running apt-get update"
    apt-get update -qq >&2
    kpkg=$(kernel_pkg)
  fi
fi
[ -n "$kpkg" ] || lab_die "cannot find a linux-image-*-cloud-amd64 package"
kdeb=$(lab_fetch_deb "$kpkg") || lab_die "apt-get download $kpkg failed"
bdeb=$(lab_fetch_deb busybox-static) || lab_die "apt-get download busybox-static failed"

work=$(mktemp -d "$LAB_DIR/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$kdeb" "$work/kernel"
dpkg-deb -x "$bdeb" "$work/busybox"

# CD-ROM (IDE and virtio-scsi), ISO 9660 and the balloon: VM settings tests change
# media and memory live. Loaded by guest-init.sh in this order.
GUEST_EXTRA_MODULES="scsi_common scsi_mod libata ata_piix cdrom sr_mod isofs virtio_scsi virtio_balloon"
kver=$(basename "$(find "$work/kernel/lib/modules" -mindepth 1 -maxdepth 1 -type d -print -quit)")
root=$work/initramfs
mkdir -p "$root/bin" "$root/sbin" "$root/etc" "$root/lib/modules/$kver"
cp "$work/busybox/bin/busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh" # the #! of /init, before it installs the other links
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
  failover net_failover virtio_net virtio_blk $GUEST_EXTRA_MODULES; do
  f=$(find "$work/kernel/lib/modules/$kver" -name "$m.ko" -print -quit)
  [ -n "$f" ] || lab_die "module $m.ko not found in $kpkg"
  cp "$f" "$root/lib/modules/$kver/"
done
install -m 755 "$LAB_HERE/guest-init.sh" "$root/init"
install -m 755 "$LAB_HERE/guest-udhcpc.sh" "$root/etc/udhcpc.script"
(cd "$root" && find . | "$work/busybox/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initrd.img"
cp "$work/kernel/boot/vmlinuz-$kver" "$work/vmlinuz"

chmod 644 "$work/initrd.img" "$work/vmlinuz"
mv -f "$work/vmlinuz" "$LAB_IMAGES/vmlinuz"
mv -f "$work/initrd.img" "$LAB_IMAGES/initrd.img"
echo "$kver" >"$LAB_IMAGES/kernel-version"
echo "$stamp_want" >"$LAB_IMAGES/stamp"
lab_log "guest images built in $(lab_secs_since "$t0") s (kernel $kver)"
