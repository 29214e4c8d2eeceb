#!/usr/bin/env bash
# Prints the domain XML of a lab guest: guest-xml.sh NAME [DISK]
#   NAME  any libvirt domain name (quotes, $(...), spaces, non-ASCII are escaped)
#   DISK  qcow2 path on the host (default /var/lib/libvirt/images/NAME.qcow2)
# Env: LAB_GUEST_MEMORY_MIB (96), LAB_GUEST_VCPUS (1), LAB_GUEST_UUID (none),
#      LAB_GUEST_NETWORK (default), LAB_GUEST_CDROM (1 = an empty IDE CD-ROM drive, hdc).
# TCG (type='qemu') on purpose: under this nested KVM a stock guest kernel
# never finishes booting with type='kvm'.
set -euo pipefail

[ $# -ge 1 ] && [ $# -le 2 ] && [ -n "$1" ] || {
  echo "usage: guest-xml.sh NAME [DISK]" >&2
  exit 2
}
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
images=$LAB_IMAGES_MOUNT
name=$1
disk=${2:-/var/lib/libvirt/images/$name.qcow2}

xml_escape() {
  local s=$1
  # Quoted replacements: bash 5.2's patsub_replacement would expand a bare &.
  s=${s//'&'/'&amp;'}
  s=${s//'<'/'&lt;'}
  s=${s//'>'/'&gt;'}
  s=${s//'"'/'&quot;'}
  s=${s//"'"/'&apos;'}
  printf '%s' "$s"
}

n=$(xml_escape "$name")
d=$(xml_escape "$disk")
log=$(xml_escape "/var/log/libvirt/qemu/$name-serial.log")
mem=${LAB_GUEST_MEMORY_MIB:-96}
vcpus=${LAB_GUEST_VCPUS:-1}
net=$(xml_escape "${LAB_GUEST_NETWORK:-default}")
cdrom=
[ "${LAB_GUEST_CDROM:-}" != 1 ] || cdrom="
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>"
uuid=
[ -z "${LAB_GUEST_UUID:-}" ] || uuid="
  <uuid>$(xml_escape "$LAB_GUEST_UUID")</uuid>"

cat <<EOF
<domain type='qemu'>
  <name>$n</name>$uuid
  <memory unit='MiB'>$mem</memory>
  <currentMemory unit='MiB'>$mem</currentMemory>
  <vcpu placement='static'>$vcpus</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$images/vmlinuz</kernel>
    <initrd>$images/initrd.img</initrd>
    <cmdline>console=tty0 console=ttyS0 panic=-1</cmdline>
  </os>
  <features>
    <acpi/>
  </features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$d'/>
      <target dev='vda' bus='virtio'/>
    </disk>$cdrom
    <interface type='network'>
      <source network='$net'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'>
      <log file='$log' append='off'/>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>
      <listen type='address' address='127.0.0.1'/>
    </graphics>
    <video>
      <model type='cirrus'/>
    </video>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
