# The lab's "physical" P2V source machine (sourced by lab.sh).
#   lab.sh source up|down|status
# A network namespace labK-src on the lab bridge at 10.77.K.21 with its own
# PID/mount/UTS namespaces, sshd (root by the lab key; the machine-wide
# `helpdesk` user by password, no root and no sudo), hostname vd-physical and
# no libvirt. Its one disk is a loop device over .lab/source/disk.img, built
# fresh at each `source up` by build-source.sh (bootable, random marker).
# lab.json gets a "source" entry; the lab's known_hosts and ssh_config list it.
# shellcheck shell=bash

LAB_SOURCE_DIR=$LAB_DIR/source
LAB_SOURCE_NS=$LAB_NETNS-src
LAB_SOURCE_IP=$LAB_SUBNET.21
LAB_SOURCE_NAME=vd-physical

source_key_file() { echo "$LAB_DIR/keys/source/ssh_host_ed25519_key"; }
source_pid() { lab_recorded_pid source.pid; }
source_loop() { cat "$LAB_RUN/source.loop" 2>/dev/null; }

# A line for the lab's known_hosts (when the source is up).
source_known_host_line() {
  [ -f "$LAB_RUN/source.loop" ] && [ -f "$(source_key_file).pub" ] || return 0
  echo "$LAB_SOURCE_IP $(cut -d' ' -f1,2 <"$(source_key_file).pub")"
}

source_ssh_config() {
  [ -f "$LAB_RUN/source.loop" ] || return 0
  printf 'Host %s\n  HostName %s\n' "$LAB_SOURCE_NAME" "$LAB_SOURCE_IP"
}

# The "source" value in lab.json: null when down.
source_json() {
  local q=lab_json_str loop
  if ! loop=$(source_loop) || ! source_pid >/dev/null; then
    echo null
    return 0
  fi
  cat <<EOF
{
    "name": "$LAB_SOURCE_NAME",
    "ip": "$LAB_SOURCE_IP",
    "port": 22,
    "netns": "$LAB_SOURCE_NS",
    "pid": $(source_pid),
    "hostKey": $($q "$(cut -d' ' -f1,2 <"$(source_key_file).pub")"),
    "fingerprint": $($q "$(ssh-keygen -l -E sha256 -f "$(source_key_file).pub" | cut -d' ' -f2)"),
    "disk": $($q "$loop"),
    "image": $($q "$LAB_SOURCE_DIR/disk.img"),
    "size": $(stat -c %s "$LAB_SOURCE_DIR/disk.img"),
    "imageSha256": $($q "$(cat "$LAB_SOURCE_DIR/disk.sha256")"),
    "usedBytes": $(($(stat -c %b "$LAB_SOURCE_DIR/disk.img") * 512)),
    "marker": $($q "$(cat "$LAB_SOURCE_DIR/marker")"),
    "markerFile": "/virtdeck-p2v-marker",
    "serialBanner": "VIRTDECK-P2V-MARKER"
  }
EOF
}

# Rewrites the lab's known_hosts/ssh_config and lab.json with the source's state.
source_publish() {
  local count
  count=$(cat "$LAB_RUN/count" 2>/dev/null || echo 0)
  [ "$count" -gt 0 ] || return 0
  write_client_ssh "$count"
  write_lab_json "$count"
}

source_healthy() {
  source_pid >/dev/null && grep -q '^ok' "$LAB_SOURCE_DIR/ready" 2>/dev/null && [ -b "$(source_loop)" ]
}

source_up() {
  need_root
  [ -f "$LAB_RUN/count" ] || lab_die "the lab is down: run lab.sh up first"
  if source_healthy; then
    lab_log "source $LAB_SOURCE_NAME is up ($LAB_SOURCE_IP, disk $(source_loop))"
    source_publish
    return 0
  fi
  source_down quiet
  local t0 k marker loop launcher init deadline
  t0=$(lab_now_ms)
  mkdir -p "$LAB_SOURCE_DIR" "$LAB_RUN"
  chmod 755 "$LAB_SOURCE_DIR"
  marker=$(bash "$LAB_HERE/build-source.sh" "$LAB_SOURCE_DIR/disk.img" | tail -n 1)
  [ -n "$marker" ] || lab_die "build-source.sh gave no marker"
  echo "$marker" >"$LAB_SOURCE_DIR/marker"
  sha256sum "$LAB_SOURCE_DIR/disk.img" | cut -d' ' -f1 >"$LAB_SOURCE_DIR/disk.sha256"
  loop=$(losetup --find --show --partscan "$LAB_SOURCE_DIR/disk.img")
  echo "$loop" >"$LAB_RUN/source.loop"
  for _ in $(seq 1 100); do
    [ -b "${loop}p1" ] && break
    partx -a "$loop" 2>/dev/null || blockdev --rereadpt "$loop" 2>/dev/null || true
    sleep 0.05
  done

  k=$(source_key_file)
  mkdir -p "${k%/*}"
  [ -f "$k" ] || ssh-keygen -q -t ed25519 -N '' -C "root@$LAB_SOURCE_NAME" -f "$k"
  rm -rf "$LAB_SOURCE_DIR/etc-ssh" "$LAB_SOURCE_DIR/root" "$LAB_SOURCE_DIR/ready"
  mkdir -p "$LAB_SOURCE_DIR/root/.ssh"
  lab_write_etc_ssh "$LAB_SOURCE_DIR" "$k" "$LAB_SOURCE_IP" "VirtDeck lab P2V source $LAB_SOURCE_NAME"
  chmod 700 "$LAB_SOURCE_DIR/root" "$LAB_SOURCE_DIR/root/.ssh"
  install -m 600 "$LAB_SSH_KEY.pub" "$LAB_SOURCE_DIR/root/.ssh/authorized_keys"
  echo "$LAB_SOURCE_NAME" >"$LAB_SOURCE_DIR/hostname"

  ip netns add "$LAB_SOURCE_NS"
  ip -n "$LAB_NETNS" link add hsrc type veth peer name eth0 netns "$LAB_SOURCE_NS"
  ip -n "$LAB_NETNS" link set hsrc master "$LAB_BRIDGE" up
  ip -n "$LAB_SOURCE_NS" link set lo up
  ip -n "$LAB_SOURCE_NS" addr add "$LAB_SOURCE_IP/$LAB_PREFIX" dev eth0
  ip -n "$LAB_SOURCE_NS" link set eth0 up
  (
    exec 9>&-
    exec setsid ip netns exec "$LAB_SOURCE_NS" unshare --mount --uts --ipc --pid --fork \
      --mount-proc --propagation private bash "$LAB_HERE/source-init.sh" "$loop"
  ) </dev/null >"$LAB_RUN/source.log" 2>&1 &
  launcher=$!
  lab_record_pid source.launcher "$launcher"
  deadline=$(($(lab_now_ms) + 10000))
  until init=$(find_ns_init "$launcher"); do
    [ "$(lab_now_ms)" -lt "$deadline" ] || lab_die "source: PID 1 did not appear (see $LAB_RUN/source.log)"
    sleep 0.01
  done
  lab_record_pid source.pid "$init"
  deadline=$(($(lab_now_ms) + 30000))
  until [ -s "$LAB_SOURCE_DIR/ready" ]; do
    source_pid >/dev/null || { tail -n 20 "$LAB_RUN/source.log" >&2; lab_die "source: PID 1 exited"; }
    [ "$(lab_now_ms)" -lt "$deadline" ] || lab_die "source: not ready after 30 s"
    sleep 0.05
  done
  grep -q '^ok' "$LAB_SOURCE_DIR/ready" || lab_die "source: $(cat "$LAB_SOURCE_DIR/ready")"
  source_publish
  lab_log "source $LAB_SOURCE_NAME up at $LAB_SOURCE_IP, disk $loop (2 GiB, marker $marker) in $(lab_secs_since "$t0")s"
}

source_down() { # [quiet]
  local pid loop
  if pid=$(source_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone source.pid 5 || { kill -KILL "$pid" 2>/dev/null || true; wait_gone source.pid 5 || lab_die "source: PID $pid does not exit"; }
  fi
  if ! wait_gone source.launcher 3; then
    pid=$(lab_recorded_pid source.launcher) && kill -KILL "$pid" 2>/dev/null || true
  fi
  if lab_ns_exists "$LAB_SOURCE_NS"; then
    [ -z "$(ip netns pids "$LAB_SOURCE_NS" 2>/dev/null)" ] || lab_die "netns $LAB_SOURCE_NS holds processes the lab did not record"
    ip netns del "$LAB_SOURCE_NS"
  fi
  ip -n "$LAB_NETNS" link del hsrc 2>/dev/null || true
  # Only the loop device we recorded, and only while it still maps our image.
  if loop=$(source_loop) && [ -n "$loop" ] && losetup -n -O BACK-FILE "$loop" 2>/dev/null | grep -qF "$LAB_SOURCE_DIR/disk.img"; then
    losetup -d "$loop"
  fi
  rm -f "$LAB_RUN/source.loop" "$LAB_RUN/source.pid" "$LAB_RUN/source.launcher" "$LAB_SOURCE_DIR/ready"
  [ "${1:-}" = quiet ] && return 0
  source_publish
  lab_log "source $LAB_SOURCE_NAME is down"
}

source_status() {
  local loop
  if source_healthy; then
    loop=$(source_loop)
    if timeout 15 ip netns exec "$LAB_NETNS" ssh -F "$LAB_SSH_CONFIG" -o BatchMode=yes "root@$LAB_SOURCE_NAME" true </dev/null >/dev/null 2>&1; then
      echo "source $LAB_SOURCE_NAME $LAB_SOURCE_IP up (pid $(source_pid)) sshd:ok disk:$loop"
      return 0
    fi
    echo "source $LAB_SOURCE_NAME $LAB_SOURCE_IP up (pid $(source_pid)) sshd:FAIL disk:$loop"
    return 1
  fi
  echo "source $LAB_SOURCE_NAME is down"
  return 1
}

cmd_source() {
  case "${1:-}" in
  up) with_lock && source_up ;;
  down) need_root && with_lock && source_down ;;
  status) source_status ;;
  *) usage ;;
  esac
}
