# Host lifecycle for lab.sh (sourced): network, start, health, stop, guests.
# shellcheck shell=bash
# shellcheck source=config.sh
. "$LAB_HERE/config.sh"

ensure_lab_netns() {
  lab_ns_exists "$LAB_NETNS" || ip netns add "$LAB_NETNS"
  ip -n "$LAB_NETNS" link set lo up
  ip -n "$LAB_NETNS" link show "$LAB_BRIDGE" >/dev/null 2>&1 ||
    ip -n "$LAB_NETNS" link add "$LAB_BRIDGE" type bridge
  [[ "$(ip -n "$LAB_NETNS" -4 addr show dev "$LAB_BRIDGE")" == *" $LAB_GATEWAY/"* ]] ||
    ip -n "$LAB_NETNS" addr add "$LAB_GATEWAY/$LAB_PREFIX" dev "$LAB_BRIDGE"
  ip -n "$LAB_NETNS" link set "$LAB_BRIDGE" up
}

ssh_ok() { # <n> [cmd]: root reaches the host with the lab's strict ssh config
  timeout 15 ip netns exec "$LAB_NETNS" ssh -F "$LAB_SSH_CONFIG" -o BatchMode=yes -o ConnectTimeout=5 \
    "root@lab-$1" "${2:-true}" </dev/null >/dev/null 2>&1
}

# Healthy: our PID 1 lives, it said ready, and root gets in by ssh to a
# libvirtd that answers (one round trip proves sshd and libvirtd).
host_healthy() {
  local n=$1
  lab_host_pid "$n" >/dev/null || return 1
  grep -q '^ok' "$(lab_host_dir "$n")/ready" 2>/dev/null || return 1
  [ -f "$LAB_SSH_CONFIG" ] || return 1
  ssh_ok "$n" 'virsh -c qemu:///system uri'
}

# Anything of host n left on this machine (process, netns, cgroup dirs)?
host_has_state() {
  local n=$1 d
  [ -f "$LAB_RUN/lab-$n.pid" ] || [ -f "$LAB_RUN/lab-$n.launcher" ] || lab_ns_exists "$(lab_host_ns "$n")" && return 0
  while read -r d; do [ -d "$d" ] && return 0; done < <(lab_host_cgroup_dirs "$n")
  return 1
}

# Wait until a recorded process has gone (bounded); it is not our child.
wait_gone() { # <pidfile-name> <seconds>
  local deadline=$(($(lab_now_ms) + $2 * 1000))
  while lab_recorded_pid "$1" >/dev/null; do
    [ "$(lab_now_ms)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

stop_host() {
  local n=$1 pid g t0
  t0=$(lab_now_ms)
  if pid=$(lab_host_pid "$n"); then
    # Destroy guests first so libvirt tears down their cgroups and taps; in
    # parallel and bounded: a guest stuck in a job holds destroy for 30 s, and
    # the end of the PID namespace kills its qemu anyway.
    local dpids=()
    while IFS= read -r g; do
      [ -n "$g" ] || continue
      lab_nsenter 5 "$pid" virsh -q -c qemu:///system destroy --domain "$g" >/dev/null 2>&1 &
      dpids+=($!)
    done < <(lab_nsenter 10 "$pid" virsh -q -c qemu:///system list --name 2>/dev/null || true)
    for g in "${dpids[@]}"; do wait "$g" || true; done
    # PID 1 traps TERM and exits; the kernel then kills its whole PID namespace.
    [ -z "${LAB_DEBUG:-}" ] || lab_log "lab-$n: guests destroyed after $(lab_secs_since "$t0")s"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "lab-$n.pid" 5; then
      lab_log "lab-$n: PID $pid ignored TERM, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "lab-$n.pid" 5 || lab_die "lab-$n: PID $pid does not exit"
    fi
  fi
  # The unshare parent exits with its child; KILL it only if it is still ours.
  if ! wait_gone "lab-$n.launcher" 3; then
    pid=$(lab_recorded_pid "lab-$n.launcher") && kill -KILL "$pid" 2>/dev/null || true
    wait_gone "lab-$n.launcher" 3 || lab_log "lab-$n: launcher still present"
  fi
  if lab_ns_exists "$(lab_host_ns "$n")"; then
    local inside
    inside=$(ip netns pids "$(lab_host_ns "$n")" 2>/dev/null | paste -sd' ' -)
    [ -z "$inside" ] || lab_die "netns $(lab_host_ns "$n") still holds PIDs $inside that the lab did not record; stop them first"
    ip netns del "$(lab_host_ns "$n")"
  fi
  [ -z "${LAB_DEBUG:-}" ] || lab_log "lab-$n: processes gone after $(lab_secs_since "$t0")s"
  lab_remove_host_cgroups "$n"
  rm -f "$LAB_RUN/lab-$n.pid" "$LAB_RUN/lab-$n.launcher" "$(lab_host_dir "$n")/ready"
  lab_log "lab-$n stopped ($(lab_secs_since "$t0")s)"
}

# The host's PID 1 as seen from here: the descendant of the launcher whose
# NSpid has two levels and is 1 in its own namespace.
find_ns_init() {
  local root=$1 queue=("$1") p c
  while [ ${#queue[@]} -gt 0 ]; do
    p=${queue[0]}
    queue=("${queue[@]:1}")
    if [ "$p" != "$root" ] && grep -qE '^NSpid:[[:space:]]+[0-9]+[[:space:]]+1$' "/proc/$p/status" 2>/dev/null; then
      echo "$p"
      return 0
    fi
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do queue+=("$c"); done
  done
  return 1
}

launch_host() {
  local n=$1 ip hd launcher init deadline d cgdirs=()
  ip=$(lab_host_ip "$n")
  hd=$(lab_host_dir "$n")
  ip netns add "$(lab_host_ns "$n")"
  ip -n "$LAB_NETNS" link add "h$n" type veth peer name eth0 netns "$(lab_host_ns "$n")"
  ip -n "$LAB_NETNS" link set "h$n" master "$LAB_BRIDGE" up
  ip -n "$(lab_host_ns "$n")" link set lo up
  ip -n "$(lab_host_ns "$n")" addr add "$ip/$LAB_PREFIX" dev eth0
  ip -n "$(lab_host_ns "$n")" link set eth0 up

  lab_make_host_cgroups "$n"
  mapfile -t cgdirs < <(lab_host_cgroup_dirs "$n")
  rm -f "$hd/ready"
  (
    # Into the host's own cgroups before unshare: the new cgroup namespace is
    # rooted there. setsid: the lab must not die with the terminal that ran it.
    for d in "${cgdirs[@]}"; do echo "$BASHPID" >"$d/cgroup.procs"; done
    exec 9>&- # lab.sh's lock must not live on in the host's daemons
    exec setsid ip netns exec "$(lab_host_ns "$n")" unshare --mount --uts --ipc --pid --cgroup --fork \
      --mount-proc --propagation private bash "$LAB_HERE/host-init.sh" "$n"
  ) </dev/null >"$LAB_RUN/lab-$n.log" 2>&1 &
  launcher=$!
  lab_record_pid "lab-$n.launcher" "$launcher"
  deadline=$(($(lab_now_ms) + 10000))
  until init=$(find_ns_init "$launcher"); do
    [ "$(lab_now_ms)" -lt "$deadline" ] || lab_die "lab-$n: PID 1 did not appear (see $LAB_RUN/lab-$n.log)"
    sleep 0.01
  done
  lab_record_pid "lab-$n.pid" "$init"
}

wait_host_ready() {
  local n=$1 hd deadline
  hd=$(lab_host_dir "$n")
  deadline=$(($(lab_now_ms) + 90000))
  until [ -s "$hd/ready" ]; do
    lab_host_pid "$n" >/dev/null || { tail -n 20 "$LAB_RUN/lab-$n.log" >&2; lab_die "lab-$n: PID 1 exited"; }
    [ "$(lab_now_ms)" -lt "$deadline" ] || lab_die "lab-$n: not ready after 90 s (see $LAB_RUN/lab-$n.log)"
    sleep 0.05
  done
  grep -q '^ok' "$hd/ready" || { tail -n 20 "$LAB_RUN/lab-$n.log" >&2; lab_die "lab-$n: $(cat "$hd/ready")"; }
}

ensure_guests() { # <n>: the baseline guests exist; the :run ones run
  local n=$1 g specs=()
  for g in $(lab_guest_names "$n"); do
    if [[ " $(lab_guest_running "$n") " == *" $g "* ]]; then specs+=("$g:run"); else specs+=("$g:off"); fi
  done
  lab_in_host "$n" bash "$LAB_HERE/host-guests.sh" "${specs[@]}"
}

ensure_all_guests() {
  local n pids=() failed=0 p
  for n in $(seq 1 "$1"); do ensure_guests "$n" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  [ "$failed" = 0 ] || lab_die "could not define/start the baseline guests"
}

# Poll the serial logs (each host's /var/log/libvirt is a directory of ours)
# until every guest is running and printed the banner; one deadline for all.
# libvirt truncates the log when it starts qemu, so a banner read *after*
# seeing the guest running belongs to this boot, not to an earlier one.
wait_guests() { # <timeout s> <n>/<guest>...
  local timeout=$1 deadline=$(($(lab_now_ms) + $1 * 1000)) left=() spec n g log
  shift
  left=("$@")
  while [ ${#left[@]} -gt 0 ]; do
    local still=()
    for spec in "${left[@]}"; do
      n=${spec%%/*} g=${spec#*/}
      log="$(lab_host_dir "$n")/var-log-libvirt/qemu/$g-serial.log"
      if grep -qF "$LAB_BANNER" "$log" 2>/dev/null &&
        [ "$(lab_virsh "$n" domstate --domain "$g" 2>/dev/null)" = running ] &&
        grep -qF "$LAB_BANNER" "$log" 2>/dev/null; then
        continue
      fi
      still+=("$spec")
    done
    left=("${still[@]}")
    [ ${#left[@]} -gt 0 ] || break
    if [ "$(lab_now_ms)" -ge "$deadline" ]; then
      for spec in "${left[@]}"; do
        lab_log "lab-${spec%%/*}/${spec#*/}: not running with '$LAB_BANNER' in its serial log after $timeout s"
      done
      return 1
    fi
    sleep 0.1
  done
}
