#!/bin/sh
# /init of the lab guests' initramfs (busybox only). Packed by build-images.sh.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mkdir -p /proc /sys /dev /run /tmp /etc /var/log /root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp

# The cloud kernel ships these uncompressed and without modules.dep: load them
# in dependency order.
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
  failover net_failover virtio_net virtio_blk \
  scsi_common scsi_mod libata ata_piix cdrom sr_mod isofs virtio_scsi virtio_balloon; do
  f=$(find /lib/modules -name "$m.ko" | head -n 1)
  [ -n "$f" ] && insmod "$f" 2>/dev/null
done

# Extra modules an initramfs may list (the P2V source disk's: SATA + ext4),
# then, in the background, the P2V marker: a disk copied from the lab's
# "physical" source holds /virtdeck-p2v-marker; say what it holds.
for m in $(cat /etc/modules-extra 2>/dev/null); do
  f=$(find /lib/modules -name "$m.ko" | head -n 1)
  [ -n "$f" ] && insmod "$f" 2>/dev/null
done
(
  mkdir -p /mnt/p2v
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    for dev in /dev/sd[a-z][0-9] /dev/vd[a-z][0-9] /dev/hd[a-z][0-9]; do
      [ -b "$dev" ] || continue
      mount -o ro "$dev" /mnt/p2v 2>/dev/null || continue
      if [ -f /mnt/p2v/virtdeck-p2v-marker ]; then
        echo "VIRTDECK-P2V-MARKER $(cat /mnt/p2v/virtdeck-p2v-marker) on $dev" >/dev/ttyS0
        umount /mnt/p2v
        exit 0
      fi
      umount /mnt/p2v
    done
    sleep 1
  done
) &
# What udev does on a distro: online a hot-added vCPU (ACPI hotplug sends
# "add" for cpuN). busybox's uevent applet runs the helper for each netlink
# uevent (this kernel has no /proc/sys/kernel/hotplug).
cat >/bin/vd-hotplug <<'HP'
#!/bin/sh
[ "$SUBSYSTEM" = cpu ] && [ "$ACTION" = add ] && [ -w "/sys$DEVPATH/online" ] && echo 1 >"/sys$DEVPATH/online"
exit 0
HP
chmod 755 /bin/vd-hotplug
(uevent /bin/vd-hotplug >/dev/null 2>&1 &)

hostname guest
echo 'root:x:0:0:root:/root:/bin/sh' >/etc/passwd
echo 'root:x:0:' >/etc/group
echo 'export PS1="guest:\w# "' >/etc/profile
ip link set lo up
ip link set eth0 up 2>/dev/null

# Both screens get the banner: ttyS0 (serial console, logged by libvirt) and
# the VGA text console that VNC shows.
banner="VIRTDECK-GUEST READY ($(uname -r), $(grep -c '^processor' /proc/cpuinfo) vcpu, \
$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB)"
echo "$banner" >/dev/ttyS0
echo "$banner" >/dev/tty1

# The kernel notices a disc put into a CD-ROM drive only when something polls
# for media changes (udev/udisks do it on real systems): poll every second.
echo 1000 >/sys/module/block/parameters/events_dfl_poll_msecs 2>/dev/null

# The first lease arrives 7-11 s after boot under TCG: keep retrying quietly.
(udhcpc -f -i eth0 -t 10 -T 2 -A 2 -s /etc/udhcpc.script >/var/log/udhcpc.log 2>&1 &)

# A login shell on the VGA console too (for typing through VNC).
(while :; do setsid sh -c 'exec sh -l <>/dev/tty1 >&0 2>&1'; sleep 1; done &)

# The shell on the serial console; cttyhack makes ttyS0 its controlling tty.
while :; do
  setsid cttyhack sh -l <>/dev/ttyS0 >&0 2>&1
  sleep 0.2
done
