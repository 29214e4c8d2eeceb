# Shared settings and helpers for the VirtDeck lab (sourced, never run).
# shellcheck shell=bash

LAB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_REPO=$(cd "$LAB_HERE/../.." && pwd)
LAB_DIR=${VIRTDECK_LAB_DIR:-$LAB_REPO/.lab}

# Several labs can run side by side (one per checkout): VIRTDECK_LAB_ID=K
# (1..9) names its namespaces labK, labK-<n> and uses 10.77.K.0/24. The
# default (unset or 0) is the lab everyone knows: `lab`, `lab-<n>`, 10.77.0.0/24.
LAB_ID=${VIRTDECK_LAB_ID:-0}
[[ "$LAB_ID" =~ ^[0-9]$ ]] || { echo "[lab] error: VIRTDECK_LAB_ID must be 0..9" >&2; exit 1; }
if [ "$LAB_ID" = 0 ]; then LAB_NETNS=lab; else LAB_NETNS=lab$LAB_ID; fi
LAB_SUBNET=10.77.$LAB_ID
LAB_BRIDGE=br0
LAB_GATEWAY=$LAB_SUBNET.1
LAB_PREFIX=24
LAB_MAX_HOSTS=3
# Same path inside every host, so shared-storage migration sees one file.
LAB_IMAGES_MOUNT=/var/lib/virtdeck-lab${LAB_ID#0}/images
# Users that exist machine-wide (helpdesk) share one password across labs.
LAB_USERS_DIR=/var/lib/virtdeck-lab-users
LAB_BANNER='VIRTDECK-GUEST READY'
LAB_CGROUP_NAME=virtdeck-lab${LAB_ID#0}

LAB_SSH_DIR=$LAB_DIR/ssh
LAB_SSH_KEY=$LAB_SSH_DIR/id_ed25519
LAB_KNOWN_HOSTS=$LAB_SSH_DIR/known_hosts
LAB_SSH_CONFIG=$LAB_SSH_DIR/ssh_config
LAB_JSON=$LAB_DIR/lab.json
LAB_RUN=$LAB_DIR/run
LAB_IMAGES=$LAB_DIR/images

lab_log() { printf '[lab] %s\n' "$*" >&2; }
lab_die() { printf '[lab] error: %s\n' "$*" >&2; exit 1; }

# Milliseconds since the epoch, for timings.
lab_now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }
lab_secs_since() { local ms=$(($(lab_now_ms) - $1)); printf '%d.%02d' $((ms / 1000)) $((ms % 1000 / 10)); }

lab_host_ip() { echo "$LAB_SUBNET.1$1"; }
# Network namespace of host n (its hostname stays lab-<n> in every lab).
lab_host_ns() { echo "$LAB_NETNS-$1"; }
lab_host_dir() { echo "$LAB_DIR/hosts/lab-$1"; }
lab_guest_names() { echo "lab$1-web lab$1-db lab$1-off"; }
lab_guest_running() { echo "lab$1-web lab$1-db"; }
lab_net_prefix() { echo "192.168.12$1"; }

# Accepts "lab-2", "2" or "10.77.0.12"; prints the host number.
lab_host_num() {
  local a=$1
  case "$a" in
    lab-[1-9]) echo "${a#lab-}" ;;
    [1-9]) echo "$a" ;;
    "$LAB_SUBNET".1[1-9]) echo "${a#"$LAB_SUBNET".1}" ;;
    *) lab_die "unknown host '$a' (use lab-1, lab-2, ...)" ;;
  esac
}

# JSON string literal (the values we write are paths, names and keys).
lab_json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}

# Cgroup hierarchies mounted on this machine, one per line:
# "<mountpoint> <fstype> <mount options>" (options without rw/ro).
lab_cgroup_mounts() {
  awk '{
    mp = $5
    for (i = 7; i <= NF; i++) if ($i == "-") break
    fstype = $(i + 1); n = split($(i + 3), o, ",")
    if (fstype != "cgroup" && fstype != "cgroup2") next
    if (mp != "/sys/fs/cgroup" && index(mp, "/sys/fs/cgroup/") != 1) next
    opts = ""
    for (j = 1; j <= n; j++) if (o[j] != "rw" && o[j] != "ro") opts = opts (opts == "" ? "" : ",") o[j]
    print mp, fstype, (opts == "" ? "-" : opts)
  }' /proc/self/mountinfo
}

# Mount the machine's cgroup hierarchies again after `ip netns exec` replaced
# /sys (it mounts a fresh sysfs). Takes lab_cgroup_mounts output on stdin; in a
# cgroup namespace each hierarchy then shows the caller's cgroup as its root.
lab_remount_cgroups() {
  local mp fstype opts
  mountpoint -q /sys/fs/cgroup || mount -t tmpfs -o mode=755,nosuid,nodev,noexec cgroup_root /sys/fs/cgroup
  while read -r mp fstype opts; do
    [ -n "$mp" ] || continue
    [ "$mp" = /sys/fs/cgroup ] || mkdir -p "$mp"
    mountpoint -q "$mp" && [ "$mp" != /sys/fs/cgroup ] && continue
    if [ "$fstype" = cgroup2 ]; then
      if [ "$mp" = /sys/fs/cgroup ]; then umount /sys/fs/cgroup 2>/dev/null || true; fi
      mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$mp"
    else
      mount -t cgroup -o "nosuid,nodev,noexec,$opts" cgroup "$mp"
    fi
  done
}

# Per-host cgroup directories, one per hierarchy. They sit at each hierarchy's
# root, not under the caller's cgroup: the caller may be a short-lived session
# (here memory:/process_api/<session>) and the lab must outlive it.
lab_host_cgroup_dirs() {
  local n=$1 mp fstype opts
  lab_cgroup_mounts | while read -r mp fstype opts; do
    echo "$mp/$LAB_CGROUP_NAME/lab-$n"
  done
}

lab_make_host_cgroups() {
  local n=$1 d parent f
  while read -r d; do
    parent=${d%/*}
    mkdir -p "$d"
    # cpuset children start empty and refuse tasks until cpus/mems are set.
    for f in cpuset.cpus cpuset.mems; do
      if [ -f "$parent/$f" ] && [ -z "$(cat "$parent/$f")" ]; then cat "${parent%/*}/$f" >"$parent/$f"; fi
      if [ -f "$d/$f" ] && [ -z "$(cat "$d/$f")" ]; then cat "$parent/$f" >"$d/$f"; fi
    done
  done < <(lab_host_cgroup_dirs "$n")
}

# Remove a host's cgroup dirs (deepest first); libvirt leaves machine/... inside.
lab_remove_host_cgroups() {
  local n=$1 d deadline
  deadline=$(($(date +%s) + 10))
  while read -r d; do
    [ -d "$d" ] || continue
    until find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || [ ! -d "$d" ]; do
      [ -z "${LAB_DEBUG:-}" ] || lab_log "rmdir $d: $(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | paste -sd' ' -)"
      [ "$(date +%s)" -lt "$deadline" ] || { lab_log "could not remove cgroup $d"; break; }
      sleep 0.1
    done
  done < <(lab_host_cgroup_dirs "$n")
  while read -r d; do rmdir "${d%/*}" 2>/dev/null || true; done < <(lab_host_cgroup_dirs "$n")
}

# --- recorded PIDs ---------------------------------------------------------
# Each host records "<pid> <starttime>" of its namespace init (and of the
# unshare parent) so that we only ever signal the process we started.
lab_proc_start() { [ -r "/proc/$1/stat" ] && awk '{sub(/^.*\) /, ""); print $20}' "/proc/$1/stat" 2>/dev/null; }
lab_proc_state() { [ -r "/proc/$1/stat" ] && awk '{sub(/^.*\) /, ""); print $1}' "/proc/$1/stat" 2>/dev/null; }

lab_record_pid() { echo "$2 $(lab_proc_start "$2")" >"$LAB_RUN/$1"; }

# Prints the recorded PID if that exact process is still alive.
lab_recorded_pid() {
  local f=$LAB_RUN/$1 pid start st
  [ -f "$f" ] || return 1
  read -r pid start <"$f" || return 1
  [ -n "$pid" ] || return 1
  [ "$(lab_proc_start "$pid")" = "$start" ] || return 1
  st=$(lab_proc_state "$pid")
  [ -n "$st" ] && [ "$st" != Z ] || return 1
  echo "$pid"
}

lab_host_pid() { lab_recorded_pid "lab-$1.pid"; }

# Run a command inside a host (all its namespaces, cwd /), without ssh.
lab_nsenter() { timeout "$1" nsenter -t "$2" -m -u -i -n -p -C -- "${@:3}"; } # <secs> <pid> <cmd...>
lab_in_host() {
  local n=$1 pid
  shift
  pid=$(lab_host_pid "$n") || lab_die "lab-$n is not running"
  nsenter -t "$pid" -m -u -i -n -p -C -- "$@"
}

lab_virsh() { local n=$1; shift; lab_in_host "$n" virsh -q -c qemu:///system "$@"; }

lab_ns_exists() { [ -e "/run/netns/$1" ]; }

# <package> -> path of its .deb in $LAB_DIR/debs, downloaded once (no install).
lab_fetch_deb() {
  local pkg=$1 debs=$LAB_DIR/debs f
  mkdir -p "$debs"
  f=$(find "$debs" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -n 1)
  if [ -z "$f" ]; then
    (cd "$debs" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >&2) || return 1
    f=$(find "$debs" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -n 1)
  fi
  [ -n "$f" ] && echo "$f"
}

# <dir> <host key file> <listen ip> <comment>: <dir>/etc-ssh holds the
# machine's /etc/ssh but only that host key and the lab's sshd_config (a lab
# host's or the P2V source's, bind-mounted over /etc/ssh there).
lab_write_etc_ssh() {
  local e=$1/etc-ssh k=$2
  mkdir -p "$e"
  cp -a /etc/ssh/. "$e/"
  rm -f "$e"/ssh_host_* "$e/sshd_config.d"/*.conf
  install -m 600 "$k" "$e/ssh_host_ed25519_key"
  install -m 644 "$k.pub" "$e/ssh_host_ed25519_key.pub"
  cat >"$e/sshd_config" <<EOF
# $4
ListenAddress $3:22
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
MaxSessions 64
MaxStartups 100
UseDNS no
PrintMotd no
PrintLastLog no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
}
