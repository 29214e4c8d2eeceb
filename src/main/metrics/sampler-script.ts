// The host side of the metrics sampler: one POSIX sh process per host, started
// once over the host's SSH connection and fed on stdin. It installs nothing
// and, per tick, forks nothing: only builtins (read, printf, case, arithmetic)
// run, so its cost is a few syscalls per file.
//
// Protocol (stdin, one command per line):
//   F | W         start replacing the full (F) or the watched (W) work list;
//                 item lines `<tag> <kind> <path>` follow, ended by a line `.`
//   T | t         sample: host uptime, then every item of the full (T) or the
//                 watched (t) list; answers `T <uptime>`, item lines, `E`
//   p             answers `P <pid>` (the shell's own pid, for diagnostics and the bench)
//   q             exit
// Item kinds: a digit N = the first N lines of the file at <path>; `n` = the
// four counters of a network statistics directory. Output lines are
// `<tag> <text>`, or `<tag> -` when the file is gone (the VM stopped).
//
// Paths are data: they sit in variables that are only ever quoted ("$p") in
// redirections. There is no eval, no command substitution and globbing is off,
// so a VM name full of quotes or $(...) can't become code. The core never
// sends a path containing a newline (the list separator).
// A plain template literal: `\${` and `\\n` below are the shell's ${ and \n.
export const SAMPLER_SCRIPT = `set -f
NL='
'
FULL=''
FAST=''
exec 2>/dev/null
sample() {
  IFS=$NL
  for it in $1; do
    IFS=' '
    tag=\${it%% *}; rest=\${it#* }; k=\${rest%% *}; p=\${rest#* }
    case $k in
    n)
      if read -r a <"$p/rx_bytes" && read -r b <"$p/tx_bytes" && read -r c <"$p/rx_packets" && read -r d <"$p/tx_packets"; then
        printf '%s n %s %s %s %s\\n' "$tag" "$a" "$b" "$c" "$d"
      else
        printf '%s -\\n' "$tag"
      fi ;;
    [1-9])
      n=$k
      if [ -r "$p" ]; then
        while [ $n -gt 0 ] && IFS= read -r l; do
          printf '%s %s\\n' "$tag" "$l"
          n=$((n - 1))
        done <"$p"
      fi
      [ $n -lt $k ] || printf '%s -\\n' "$tag" ;;
    esac
  done
  IFS=' '
}
while IFS= read -r cmd; do
  case $cmd in
  T|t)
    read -r up idle </proc/uptime
    printf 'T %s\\n' "$up"
    if [ "$cmd" = T ]; then sample "$FULL"; else sample "$FAST"; fi
    printf 'E\\n' ;;
  F|W)
    l=''
    while IFS= read -r x && [ "$x" != . ]; do l=$l$x$NL; done
    if [ "$cmd" = F ]; then FULL=$l; else FAST=$l; fi ;;
  p) printf 'P %s\\n' "$$" ;;
  q) exit 0 ;;
  esac
done
`;
