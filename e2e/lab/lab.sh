#!/usr/bin/env bash
# VirtDeck lab: turns this machine into N real libvirt hosts (see LAB.md).
#   lab.sh up [N]                 start N hosts (default 2, max 3); idempotent
#   lab.sh down                   stop everything the lab started; idempotent
#   lab.sh status                 per-host health; non-zero if not healthy
#   lab.sh exec -- CMD...         run CMD inside the `lab` network namespace
#   lab.sh ssh [USER@]HOST [CMD]  ssh to a host (lab-1, ...) from inside `lab`
#   lab.sh in HOST CMD...         run CMD inside a host's namespaces (no ssh; cwd /)
#   lab.sh wait-guest HOST GUEST [TIMEOUT_S]
#                                 wait until the guest's serial log shows the banner
#   lab.sh source up|down|status  the "physical" P2V source (source.sh)
#   lab.sh block HOST HOST        firewall two hosts from each other (both directions)
#   lab.sh unblock HOST HOST      remove that rule again (idempotent)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=hosts.sh
. "$LAB_HERE/hosts.sh"
# shellcheck source=source.sh
. "$LAB_HERE/source.sh"

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

need_root() { [ "$(id -u)" = 0 ] || lab_die "must run as root (namespaces, cgroups, mounts)"; }

with_lock() {
  mkdir -p "$LAB_DIR" "$LAB_RUN"
  exec 9>"$LAB_DIR/lab.lock"
  flock -w 600 9 || lab_die "another lab.sh holds $LAB_DIR/lab.lock"
}

cmd_up() {
  local want=${1:-2} n t0 t pids=() failed=0
  [[ "$want" =~ ^[1-9]$ ]] && [ "$want" -le "$LAB_MAX_HOSTS" ] || lab_die "N must be 1..$LAB_MAX_HOSTS"
  need_root
  with_lock
  t0=$(lab_now_ms)
  ensure_lab_users # machine-wide: another lab may have changed them

  # Hosts 1..N that are not healthy get (re)started; hosts above N stop.
  local todo=() extra=() hp=() timings=""
  for n in $(seq 1 "$want"); do host_healthy "$n" & hp+=($!); done
  for n in $(seq 1 "$want"); do wait "${hp[$((n - 1))]}" || todo+=("$n"); done
  for n in $(seq $((want + 1)) "$LAB_MAX_HOSTS"); do host_has_state "$n" && extra+=("$n"); done
  if [ ${#todo[@]} -gt 0 ] || [ ${#extra[@]} -gt 0 ]; then
    start_hosts "$want" "${#extra[@]}" "${extra[@]}" "${todo[@]}"
  else
    # Healthy hosts: the guest image may still be older than its scripts (a
    # pull changed guest-init.sh). Rebuilding is a no-op when the stamp matches.
    bash "$LAB_HERE/build-images.sh" || lab_die "building guest images failed"
  fi
  echo "$want" >"$LAB_RUN/count"

  t=$(lab_now_ms)
  ensure_all_guests "$want"
  local t_start; t_start=$(lab_secs_since "$t")
  t=$(lab_now_ms)
  local g specs=()
  for n in $(seq 1 "$want"); do
    for g in $(lab_guest_running "$n"); do specs+=("$n/$g"); done
  done
  # LAB_BOOT_WAIT: seconds; callers on a loaded machine may give the guests longer.
  wait_guests "${LAB_BOOT_WAIT:-90}" "${specs[@]}" || lab_die "some guests did not boot (see $LAB_DIR/hosts/*/var-log-libvirt/qemu/)"
  local t_boot; t_boot=$(lab_secs_since "$t")

  write_lab_json "$want"
  [ -z "$timings" ] || lab_log "timings: ${timings}guests started ${t_start}s, guests booted (banner) ${t_boot}s, total $(lab_secs_since "$t0")s"
  print_summary "$want"
}

# Stops the given stale/extra hosts and starts the given ones; sets `timings`.
start_hosts() { # <count> <number of extra> <extra...> <todo...>
  local want=$1 n t p pids=() failed=0
  local extra=("${@:3:$2}") todo=("${@:$((3 + $2))}")
  for n in "${extra[@]}" "${todo[@]}"; do
    host_has_state "$n" && { stop_host "$n" & pids+=($!); }
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  [ "$failed" = 0 ] || lab_die "could not stop stale hosts"
  [ ${#todo[@]} -gt 0 ] || { write_client_ssh "$want"; for n in $(seq 1 "$want"); do install_root_ssh "$n"; done; return 0; }

  # Guest images build in the background while the hosts start.
  local img_pid img_t0
  img_t0=$(lab_now_ms)
  bash "$LAB_HERE/build-images.sh" &
  img_pid=$!

  t=$(lab_now_ms)
  ensure_lab_netns
  local t_net; t_net=$(lab_secs_since "$t")

  t=$(lab_now_ms)
  ensure_client_key
  for n in $(seq 1 "$want"); do ensure_host_key "$n"; done
  write_client_ssh "$want"
  for n in "${todo[@]}"; do prepare_host "$n"; done
  for n in $(seq 1 "$want"); do install_root_ssh "$n"; done
  local t_cfg; t_cfg=$(lab_secs_since "$t")

  t=$(lab_now_ms)
  for n in "${todo[@]}"; do launch_host "$n"; done
  for n in "${todo[@]}"; do wait_host_ready "$n"; done
  local t_hosts; t_hosts=$(lab_secs_since "$t")

  wait "$img_pid" || lab_die "building guest images failed"
  local t_img; t_img=$(lab_secs_since "$img_t0")

  local ready_list=""
  for n in "${todo[@]}"; do ready_list+=" lab-$n:$(cut -d' ' -f2 <"$(lab_host_dir "$n")/ready")s"; done
  timings="network ${t_net}s, config ${t_cfg}s, hosts ready ${t_hosts}s (${ready_list# }), images ${t_img}s, "
}

cmd_down() {
  need_root
  with_lock
  local n pids=() failed=0 t0
  t0=$(lab_now_ms)
  source_down quiet
  for n in $(seq 1 "$LAB_MAX_HOSTS"); do
    host_has_state "$n" && { stop_host "$n" & pids+=($!); }
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  if lab_ns_exists "$LAB_NETNS"; then
    local inside
    inside=$(ip netns pids "$LAB_NETNS" 2>/dev/null | paste -sd' ' -)
    if [ -n "$inside" ]; then
      lab_log "keeping netns '$LAB_NETNS': processes still inside (PIDs $inside), not started by the lab"
    else
      ip netns del "$LAB_NETNS"
    fi
  fi
  rmdir "$LAB_IMAGES_MOUNT" "${LAB_IMAGES_MOUNT%/images}" 2>/dev/null || true
  rm -f "$LAB_JSON" "$LAB_RUN/count"
  [ "$failed" = 0 ] || lab_die "some hosts did not stop cleanly"
  lab_log "lab is down ($(lab_secs_since "$t0")s)"
}

cmd_status() {
  local count=0 n bad=0 pid up sshd virt guests
  [ -f "$LAB_RUN/count" ] && count=$(cat "$LAB_RUN/count")
  if [ "$count" = 0 ]; then
    echo "lab is down (run: npm run lab)"
    for n in $(seq 1 "$LAB_MAX_HOSTS"); do host_has_state "$n" && echo "lab-$n: leftover state (run: npm run lab:down)"; done
    return 1
  fi
  for n in $(seq 1 "$count"); do
    up=down sshd=- virt=- guests=-
    if pid=$(lab_host_pid "$n"); then
      up="up (pid $pid)"
      if ssh_ok "$n"; then sshd=ok; else sshd=FAIL; bad=1; fi
      if guests=$(lab_nsenter 10 "$pid" virsh -q -c qemu:///system list --name 2>/dev/null); then
        virt=ok
        guests=$(echo "$guests" | sed '/^$/d' | paste -sd' ' -)
      else
        virt=FAIL guests=- bad=1
      fi
    else
      bad=1
    fi
    printf '%-6s %-11s %-14s sshd:%-5s libvirtd:%-5s running: %s\n' "lab-$n" "$(lab_host_ip "$n")" "$up" "$sshd" "$virt" "${guests:-none}"
  done
  for n in $(seq $((count + 1)) "$LAB_MAX_HOSTS"); do host_has_state "$n" && echo "lab-$n: unexpected leftover state"; done
  return "$bad"
}

cmd_exec() {
  [ "${1:-}" = -- ] && shift
  [ $# -gt 0 ] || usage
  lab_ns_exists "$LAB_NETNS" || lab_die "netns '$LAB_NETNS' does not exist (run: npm run lab)"
  # `ip netns exec` mounts a fresh /sys: mount the cgroup hierarchies again in
  # that private mount namespace for anything that reads them (best effort).
  LAB_CGROUP_MOUNTS=$(lab_cgroup_mounts) exec ip netns exec "$LAB_NETNS" bash -c '
    . "$1"; shift
    [ "$(id -u)" = 0 ] && lab_remount_cgroups <<<"$LAB_CGROUP_MOUNTS" 2>/dev/null || true
    unset LAB_CGROUP_MOUNTS
    exec "$@"' lab-exec "$LAB_HERE/lib.sh" "$@"
}

cmd_ssh() {
  [ $# -ge 1 ] || usage
  local target=$1 user=root host
  shift
  case "$target" in *@*) user=${target%@*} host=${target#*@} ;; *) host=$target ;; esac
  host="lab-$(lab_host_num "$host")"
  [ -f "$LAB_SSH_CONFIG" ] || lab_die "no $LAB_SSH_CONFIG (run: npm run lab)"
  exec ip netns exec "$LAB_NETNS" ssh -F "$LAB_SSH_CONFIG" "$user@$host" "$@"
}

cmd_in() {
  [ $# -ge 2 ] || usage
  local n
  n=$(lab_host_num "$1")
  shift
  [ "${1:-}" = -- ] && shift
  lab_in_host "$n" "$@"
}

cmd_wait_guest() {
  [ $# -ge 2 ] || usage
  local n
  n=$(lab_host_num "$1")
  [[ "${3:-60}" =~ ^[0-9]+$ ]] || usage
  wait_guests "${3:-60}" "$n/$2"
}

# A firewall between two hosts, as a real site might have: each host's netns
# drops everything from the other (the workstation still reaches both).
# Rules carry a comment so unblock removes exactly ours, however often added.
LAB_BLOCK_TAG=virtdeck-lab-block

block_rule() { # <-I|-D|-C> <n> <other-ip>
  ip netns exec "$(lab_host_ns "$2")" iptables -w 5 "$1" INPUT -s "$3" -m comment --comment "$LAB_BLOCK_TAG" -j DROP
}

cmd_block() {
  [ $# -eq 2 ] || usage
  need_root
  local a b
  a=$(lab_host_num "$1") b=$(lab_host_num "$2")
  [ "$a" != "$b" ] || lab_die "block needs two different hosts"
  for pair in "$a $b" "$b $a"; do
    set -- $pair
    lab_ns_exists "$(lab_host_ns "$1")" || lab_die "lab-$1 is not running"
    block_rule -C "$1" "$(lab_host_ip "$2")" 2>/dev/null || block_rule -I "$1" "$(lab_host_ip "$2")"
  done
  lab_log "lab-$a and lab-$b are firewalled from each other"
}

cmd_unblock() {
  [ $# -eq 2 ] || usage
  need_root
  local a b
  a=$(lab_host_num "$1") b=$(lab_host_num "$2")
  for pair in "$a $b" "$b $a"; do
    set -- $pair
    lab_ns_exists "$(lab_host_ns "$1")" || continue
    while block_rule -C "$1" "$(lab_host_ip "$2")" 2>/dev/null; do block_rule -D "$1" "$(lab_host_ip "$2")"; done
  done
  lab_log "lab-$a and lab-$b reach each other again"
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case "$cmd" in
  up) cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  exec) cmd_exec "$@" ;;
  ssh) cmd_ssh "$@" ;;
  in) cmd_in "$@" ;;
  wait-guest) cmd_wait_guest "$@" ;;
  source) cmd_source "$@" ;;
  block) cmd_block "$@" ;;
  unblock) cmd_unblock "$@" ;;
  *) usage ;;
  esac
}

main "$@"
