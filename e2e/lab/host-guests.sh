#!/usr/bin/env bash
# Runs inside a lab host (via nsenter from lab.sh): makes sure the listed
# guests exist, and that those marked :run are active.
#   host-guests.sh NAME:run|NAME:off ...
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
v() { virsh -q -c qemu:///system "$@"; }

# Two listings up front: virsh calls are what makes this slow on a busy machine.
all=$'\n'$(v list --all --name)$'\n'
active=$'\n'$(v list --name)$'\n'
for spec in "$@"; do
  name=${spec%:*}
  want=${spec##*:}
  if [[ "$all" != *$'\n'"$name"$'\n'* ]]; then
    disk=/var/lib/libvirt/images/$name.qcow2
    [ -f "$disk" ] || qemu-img create -q -f qcow2 "$disk" 256M
    xml=$(mktemp /tmp/guest.XXXXXX.xml)
    "$here/guest-xml.sh" "$name" "$disk" >"$xml"
    v define --file "$xml" >/dev/null
    rm -f "$xml"
  fi
  if [ "$want" = run ] && [[ "$active" != *$'\n'"$name"$'\n'* ]]; then
    v start --domain "$name" >/dev/null
  fi
done
