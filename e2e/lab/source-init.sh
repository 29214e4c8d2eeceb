#!/usr/bin/env bash
# PID 1 of the lab's "physical" P2V source (see source.sh). Started as
#   ip netns exec labK-src unshare --mount --uts --ipc --pid --fork \
#     --mount-proc --propagation private bash source-init.sh LOOPDEV
# No libvirt here: only sshd, its own hostname, /root and /etc/ssh, and a
# /sys/block that shows only its own disk (a tmpfs holding one link to the
# loop device), so lsblk on the source lists that disk and nothing else.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

loop=${1:?loop device}
SD=$LAB_DIR/source
READY=$SD/ready
fail() {
  echo "fail $*" >"$READY"
  echo "source-init: $*" >&2
  exit 1
}
trap 'fail "line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 0' TERM INT

mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run
mkdir -p /run/sshd
case "$SD" in
/tmp/*) ;;
*) mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp ;;
esac
mount --bind "$SD/etc-ssh" /etc/ssh
mount --bind "$SD/root" /root
mount --bind "$SD/hostname" /etc/hostname
mount -t tmpfs -o mode=755 tmpfs /sys/block
ln -s "../devices/virtual/block/${loop#/dev/}" "/sys/block/${loop#/dev/}"

hostname vd-physical
ip link set lo up
/usr/sbin/sshd -E "$SD/sshd.log"

deadline=$(($(date +%s) + 30))
until [ -s /run/sshd.pid ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "sshd not ready after 30 s (see $SD/sshd.log)"
  sleep 0.05
done
trap - ERR
echo "ok" >"$READY"
while :; do
  sleep infinity &
  wait $! || true
done
