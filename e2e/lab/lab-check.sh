#!/usr/bin/env bash
# Checks a running lab (after `npm run lab`) end to end; exits non-zero on any
# failure. Real hosts, real ssh, real guests: nothing here is faked.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

fails=0
pass() { printf 'ok   %s\n' "$1"; }
fail() { printf 'FAIL %s\n' "$1"; [ -z "${2:-}" ] || printf '     %s\n' "$2" | head -n 5; fails=$((fails + 1)); }
check() { # <description> <command...>: passes if the command succeeds
  local d=$1 out
  shift
  if out=$("$@" 2>&1); then pass "$d"; else fail "$d" "$out"; fi
}
refused() { # <description> <command...>: passes if the command fails
  local d=$1 out
  shift
  if out=$("$@" 2>&1); then fail "$d" "unexpectedly succeeded: $out"; else pass "$d"; fi
}

[ -f "$LAB_JSON" ] || { echo "FAIL lab is not up: no $LAB_JSON (run: npm run lab)"; exit 1; }

# lab.json: the schema tests and the app rely on.
json() { LAB_NETNS=$LAB_NETNS LAB_GATEWAY=$LAB_GATEWAY node -e '
  const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const v = new Function("j", "return (" + process.argv[2] + ")")(j);
  process.stdout.write(Array.isArray(v) ? v.join("\n") : String(v));' "$LAB_JSON" "$1"; }
check "lab.json has the documented schema" json '(() => {
  const s = (x) => typeof x === "string" && x.length > 0, abs = (x) => s(x) && x.startsWith("/");
  const ok = j.version === 1 && j.netns === process.env.LAB_NETNS && j.gateway === process.env.LAB_GATEWAY &&
    abs(j.ssh.dir) && abs(j.ssh.key) && abs(j.ssh.knownHosts) && abs(j.ssh.config) && s(j.ssh.publicKey) &&
    s(j.users.helpdesk.password) && s(j.users.vdfish.password) && j.users.vdfish.shell === "/usr/bin/fish" && abs(j.imagesDir) && abs(j.kernel) && abs(j.initrd) && abs(j.guestXml) &&
    s(j.banner) && Array.isArray(j.hosts) && j.hosts.length >= 1 &&
    j.hosts.every((h, i) => h.name === "lab-" + (i + 1) && h.ip === process.env.LAB_GATEWAY + (i + 1) && h.port === 22 &&
      h.netns === process.env.LAB_NETNS + "-" + (i + 1) && Number.isInteger(h.pid) && h.pid > 1 && /^ssh-ed25519 /.test(h.hostKey) &&
      /^SHA256:/.test(h.fingerprint) && s(h.uri) && abs(h.serialLogDir) && h.network.name === "default" &&
      Array.isArray(h.guests) && Array.isArray(h.running) && h.running.every((g) => h.guests.includes(g)));
  if (!ok) throw new Error("schema mismatch: " + JSON.stringify(j));
  return "";
})()'
count=$(json 'j.hosts.length' 2>/dev/null || echo 0)
password=$(json 'j.users.helpdesk.password' 2>/dev/null)
fish_password=$(json 'j.users.vdfish.password' 2>/dev/null)

in_lab() { ip netns exec "$LAB_NETNS" "$@"; }
lssh() { in_lab ssh -F "$LAB_SSH_CONFIG" -o BatchMode=yes "$@" </dev/null; }
q() { printf '%q' "$1"; }

# Password logins without sshpass: OpenSSH's SSH_ASKPASS_REQUIRE=force.
askpass=$(mktemp)
work=$(mktemp -d)
cleanup_cmds=()
cleanup() {
  local c
  for c in "${cleanup_cmds[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
  rm -rf "$askpass" "$askpass.fish" "$work"
}
trap cleanup EXIT
printf '#!/bin/sh\nprintf "%%s\\n" %s\n' "$(q "$password")" >"$askpass"
printf '#!/bin/sh\nprintf "%%s\\n" %s\n' "$(q "$fish_password")" >"$askpass.fish"
chmod 700 "$askpass" "$askpass.fish"
pssh() { # <user@host> <cmd>: password authentication only
  local pw=$askpass
  [ "${1%@*}" = vdfish ] && pw=$askpass.fish
  SSH_ASKPASS="$pw" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
    in_lab ssh -F "$LAB_SSH_CONFIG" -o PreferredAuthentications=password \
    -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 "$1" "$2" </dev/null
}

# Each check is a function: quiet on success, says why on failure.
no_default_route() { local r; r=$(ip -n "$LAB_NETNS" route show default) && [ -z "$r" ] || { echo "$r"; return 1; }; }
hostname_is() { [ "$(lssh "$1" hostname)" = "$2" ]; }
host_key_matches() { # <ip> <index>
  local want got
  want=$(json "j.hosts[$2].hostKey")
  got=$(in_lab ssh-keyscan -T 5 -t ed25519 "$1" 2>/dev/null | cut -d' ' -f2,3)
  [ -n "$got" ] && [ "$got" = "$want" ] || { echo "keyscan '$got' != lab.json '$want'"; return 1; }
}
lists() { # <ip> <guest>: virsh list over ssh shows the guest
  local out
  out=$(lssh "root@$1" virsh list --name) && grep -qxF "$2" <<<"$out" || { echo "$out"; return 1; }
}
net_active() { local out; out=$(lssh "root@$1" virsh net-info default) && grep -qE '^Active:[[:space:]]+yes' <<<"$out" || { echo "$out"; return 1; }; }
refused_because() { # <stderr pattern> <command...>: fails, for that reason
  local pat=$1 out
  shift
  if out=$("$@" 2>&1); then echo "unexpectedly succeeded"; return 1; fi
  grep -qE "$pat" <<<"$out" || { echo "$out"; return 1; }
}
helpdesk_lists() { # <ip> <guest>
  local out
  out=$(pssh "helpdesk@$1" 'id -nG | grep -qw libvirt && virsh -c qemu:///system list --name') &&
    grep -qxF "$2" <<<"$out" || { echo "$out"; return 1; }
}

check "lab netns has no route off the lab subnet" no_default_route

for i in $(seq 1 "$count"); do
  h=lab-$i
  ip=$(json "j.hosts[$((i - 1))].ip")
  web=lab$i-web
  check "$h: strict ssh as root by alias, hostname is $h" hostname_is "$h" "$h"
  check "$h: host key matches lab.json and ssh-keyscan" host_key_matches "$ip" "$((i - 1))"
  check "$h: $web is running (virsh list over ssh)" lists "$ip" "$web"
  check "$h: $web serial log shows the banner" lssh "root@$ip" grep -qF "$(q "$LAB_BANNER")" "/var/log/libvirt/qemu/$web-serial.log"
  check "$h: lab$i-off is defined" lssh "root@$ip" virsh domstate "lab$i-off"
  check "$h: default network is active" net_active "$ip"
  check "$h: virt-ssh-helper present, qemu:///system answers" lssh "root@$ip" 'command -v virt-ssh-helper && virsh -c qemu:///system uri'
  check "$h: $web has its own cgroup (v1, hybrid or v2 layout)" lssh "root@$ip" \
    "ls -d /sys/fs/cgroup/cpuacct/machine/qemu-*-$web.libvirt-qemu /sys/fs/cgroup/unified/machine/qemu-*-$web.libvirt-qemu /sys/fs/cgroup/machine.slice/machine-qemu*$web.scope 2>/dev/null | grep -q ."
  other=$((i % count + 1))
  if [ "$other" != "$i" ]; then
    check "$h: reaches lab-$other as root with strict host keys (p2p migration)" lssh "root@$ip" \
      "[ \"\$(ssh -o BatchMode=yes -o StrictHostKeyChecking=yes root@$(lab_host_ip "$other") hostname)\" = lab-$other ]"
  fi

  # Strict host keys: a wrong key for this IP, or none at all, is refused.
  ssh-keygen -q -t ed25519 -N '' -f "$work/impostor-$i" >/dev/null
  echo "$ip $(cut -d' ' -f1,2 "$work/impostor-$i.pub")" >"$work/wrong-$i"
  check "$h: a wrong known_hosts entry is refused" refused_because 'IDENTIFICATION HAS CHANGED|Host key verification failed' \
    lssh -o UserKnownHostsFile="$work/wrong-$i" "root@$ip" true
  : >"$work/empty-$i"
  check "$h: an unknown host key is refused" refused_because 'Host key verification failed|No .* host key is known' \
    lssh -o UserKnownHostsFile="$work/empty-$i" "root@$ip" true

  check "$h: helpdesk logs in by password and lists guests (group libvirt)" helpdesk_lists "$ip" "$web"
  # fish parses `set x (id -nG)`, which POSIX shells refuse: proof the login shell is fish.
  check "$h: vdfish logs in by password, its login shell is fish, group libvirt" pssh "vdfish@$ip" 'set g (id -nG); string match -q "*libvirt*" "$g"'
  check "$h: root cannot log in by password" refused_because 'Permission denied' pssh "root@$ip" true
done

# A guest with a hostile name: XML escaping, serial log path, remote quoting.
if [ "$count" -ge 1 ]; then
  ip=$(lab_host_ip 1)
  name="it's \"q\" \$(touch pwned) \`touch pwned\` & <b> é 名 x"
  disk="/var/lib/libvirt/images/$name.qcow2"
  remote_cleanup="virsh destroy --domain $(q "$name"); virsh undefine --domain $(q "$name"); rm -f $(q "$disk")"
  cleanup_cmds+=("lssh root@$ip $(q "$remote_cleanup")")
  bash "$LAB_HERE/guest-xml.sh" "$name" >"$work/hostile.xml"
  define_hostile() {
    in_lab ssh -F "$LAB_SSH_CONFIG" -o BatchMode=yes "root@$ip" \
      "cat > /tmp/hostile.xml && qemu-img create -q -f qcow2 $(q "$disk") 64M && virsh define /tmp/hostile.xml && virsh start --domain $(q "$name")" <"$work/hostile.xml"
  }
  check "hostile name: define + start on lab-1" define_hostile
  check "hostile name: listed with its exact name" lists "$ip" "$name"
  check "hostile name: boots to the banner (lab.sh wait-guest)" bash "$LAB_HERE/lab.sh" wait-guest lab-1 "$name" 90
  check "hostile name: nothing was executed" lssh "root@$ip" '! test -e pwned && ! test -e /pwned'
  check "hostile name: destroy + undefine" lssh "root@$ip" "$remote_cleanup"
  cleanup_cmds=()
fi

echo
if [ "$fails" -eq 0 ]; then echo "lab-check: all passed ($count hosts)"; else echo "lab-check: $fails failed"; fi
[ "$fails" -eq 0 ]
