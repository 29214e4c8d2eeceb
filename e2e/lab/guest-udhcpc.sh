#!/bin/sh
# udhcpc hook inside the lab guests (installed as /etc/udhcpc.script).
case "$1" in
deconfig)
  ip -4 addr flush dev "$interface"
  ip link set "$interface" up
  ;;
bound | renew)
  ip -4 addr flush dev "$interface"
  ip addr add "$ip/${mask:-24}" dev "$interface"
  if [ -n "$router" ]; then
    ip route replace default via "${router%% *}" dev "$interface"
  fi
  : >/etc/resolv.conf
  for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done
  echo "$ip" >/run/ip
  ;;
esac
exit 0
