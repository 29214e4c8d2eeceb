#!/usr/bin/env bash
# PID 1 of one simulated lab host. Started by lab.sh as
#   ip netns exec lab-N unshare --mount --uts --ipc --pid --cgroup --fork \
#     --mount-proc --propagation private bash host-init.sh N
# after being moved into the host's own cgroup directories. Gives the host
# private mounts (its own /run, /etc/libvirt, /etc/ssh, /root, libvirt state),
# starts virtlogd, libvirtd and sshd, writes a ready marker, then waits.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

n=$1
HD=$(lab_host_dir "$n")
IP=$(lab_host_ip "$n")
READY=$HD/ready
t0=$(lab_now_ms)

fail() {
  echo "fail $*" >"$READY"
  echo "host-init lab-$n: $*" >&2
  exit 1
}
trap 'fail "line $LINENO: $BASH_COMMAND"' ERR

# TERM from `lab.sh down`: leaving PID 1 makes the kernel kill the namespace.
trap 'exit 0' TERM INT

# Cgroups: `ip netns exec` mounted a fresh /sys; mount the hierarchies again.
# Inside our cgroup namespace each shows this host's own directory as root, so
# two libvirtds never create the same machine/qemu-<id>-<name> directory.
lab_remount_cgroups <"$HD/cgroup-mounts"

mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run
mkdir -p /run/sshd /run/libvirt /run/lock
chmod 755 /run/sshd
# A private /tmp, unless the lab itself lives under /tmp (a checkout there,
# as CI may use): hiding it would hide this host's own config and state.
case "$HD" in
/tmp/*) ;;
*) mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp ;;
esac

bind() { mount --bind "$1" "$2"; }
bind "$HD/etc-libvirt" /etc/libvirt
bind "$HD/etc-ssh" /etc/ssh
bind "$HD/root" /root
bind "$HD/var-lib-libvirt" /var/lib/libvirt
bind "$HD/var-log-libvirt" /var/log/libvirt
bind "$HD/var-cache-libvirt" /var/cache/libvirt
bind "$HD/hosts" /etc/hosts
bind "$HD/hostname" /etc/hostname
mkdir -p "$LAB_IMAGES_MOUNT"
bind "$LAB_IMAGES" "$LAB_IMAGES_MOUNT"

hostname "lab-$n"
ip link set lo up

virtlogd -d
libvirtd -d
/usr/sbin/sshd -E /var/log/libvirt/sshd.log

# Ready = libvirtd answers with the default network active, and sshd has bound
# its port (it writes the pid file after listening).
deadline=$(($(date +%s) + 60))
net_active() { local out; out=$(virsh -q -c qemu:///system net-info default 2>/dev/null) && [[ "$out" =~ Active:[[:space:]]+yes ]]; }
until [ -s /run/sshd.pid ] && net_active; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "daemons not ready after 60 s (see $HD/var-log-libvirt)"
  sleep 0.05
done

trap - ERR
echo "ok $(lab_secs_since "$t0")" >"$READY"

# Wait forever; bash (as PID 1) also reaps orphans while waiting.
while :; do
  sleep infinity &
  wait $! || true
done
