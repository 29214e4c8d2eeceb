#!/usr/bin/env bash
# Runs inside a lab host (via nsenter from lab.sh): makes sure the listed
# guests exist, and that those marked :run are running.
#   host-guests.sh NAME:run|NAME:off ...
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
v() { virsh -q -c qemu:///system "$@"; }

for spec in "$@"; do
  name=${spec%:*}
  want=${spec##*:}
  if ! v domstate --domain "$name" >/dev/null 2>&1; then
    disk=/var/lib/libvirt/images/$name.qcow2
    [ -f "$disk" ] || qemu-img create -q -f qcow2 "$disk" 256M
    xml=$(mktemp /tmp/guest.XXXXXX.xml)
    "$here/guest-xml.sh" "$name" "$disk" >"$xml"
    v define --file "$xml" >/dev/null
    rm -f "$xml"
  fi
  [ "$want" = run ] || continue
  case "$(v domstate --domain "$name")" in
  running) ;;
  paused) v resume --domain "$name" >/dev/null ;;
  *) v start --domain "$name" >/dev/null ;;
  esac
done
