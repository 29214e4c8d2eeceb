// The host side of the metrics sampler: one long-lived process per host,
// started once over the host's SSH connection and fed on stdin. It installs
// nothing and, per tick, forks nothing.
//
// It is a POSIX sh script that becomes awk (a POSIX utility on every Linux
// host: mawk, gawk, busybox or BWK awk). Why not sh's own `read`: dash reads
// one byte per syscall, so a tick of 100 VMs cost ~10 ms of host CPU in
// syscalls alone; awk reads each file with one buffered read, reads
// /proc/net/dev once for every tap, and writes one chunk per tick (one SSH
// packet instead of one per line). See README.md in this folder for figures.
//
// Protocol (stdin, one command per line):
//   F | W         start replacing the full (F) or the watched (W) work list;
//                 item lines `<tag> <kind> <path>` follow, ended by a line `.`
//   T | t         sample: host uptime, then every item of the full (T) or the
//                 watched (t) list; answers `T <uptime>`, item lines, `E`
//   p             answers `P <pid>` (the process's pid, for diagnostics and the bench)
//   q             exit
// At start it prints `P <pid>` then `R` (ready): nothing is written to it
// before `R`, so whatever launches it (sh -c, or sh -s with this script on
// stdin) never mixes script text and commands. Without awk it prints
// `X <reason>` and exits; the core then uses libvirt's numbers.
// Item kinds:
//   N     the first N lines of the file at <path>
//   A-B   lines A to B of the file
//   n     the counters of network device <path> (a name, not a path), from
//         /proc/net/dev read once per tick: `<tag> n rxB txB rxP txP`
// Output lines are `<tag> <text>`, or `<tag> -` when the file is gone or
// unreadable (the VM stopped).
//
// Paths are data: awk opens them by name (no shell parses them); the core
// only sends absolute paths outside /dev and /inet (gawk's special names)
// and never a path containing a newline (the list separator). The awk
// program is a fixed literal: no quote inside it, no input reaches it as code.

/** The awk program (no single quote may appear in it: the shell wraps it in '...'). */
export const SAMPLER_AWK = `
BEGIN { printf "P %s\\nR\\n", pid; fflush() }
# Work-list lines until ".": item k of list F is at k, of list W at 1000000 + k (numeric keys:
# cheaper than SUBSEP pairs); the line range is worked out once here, not per tick.
lm != "" {
  if ($0 == ".") { N[lm] = c - O[lm]; lm = ""; next }
  a = index($0, " "); r = substr($0, a + 1); b = index(r, " ")
  if (a < 2 || b < 2) next
  c++; G[c] = substr($0, 1, a - 1) " "; k = substr(r, 1, b - 1); Q[c] = substr(r, b + 1)
  if (k == "n") { A[c] = 0; B[c] = 0 }
  else { j = index(k, "-"); if (j) { A[c] = substr(k, 1, j - 1) + 0; B[c] = substr(k, j + 1) + 0 } else { A[c] = 1; B[c] = k + 0 } }
  next
}
$0 == "F" { lm = $0; c = O[lm] = 0; next }
$0 == "W" { lm = $0; c = O[lm] = 1000000; next }
$0 == "T" { tick("F"); next }
$0 == "t" { tick("W"); next }
$0 == "p" { printf "P %s\\n", pid; fflush(); next }
$0 == "q" { exit }
function netdev(   s, j, d, f, x) {
  for (x in D) delete D[x]
  while ((getline s < "/proc/net/dev") > 0) {
    j = index(s, ":"); if (!j) continue
    d = substr(s, 1, j - 1); gsub(/[ \\t]/, "", d)
    split(substr(s, j + 1), f, " ")
    D[d] = f[1] " " f[9] " " f[2] " " f[10]
  }
  close("/proc/net/dev")
}
# Output is built in chunks and written once: mawk -W interactive writes unbuffered.
function tick(l,   o, s, i, e, n, p, g, a, b, m, u, nd, f, x) {
  u = "T 0\\n"
  if ((getline s < "/proc/uptime") > 0) { split(s, f, " "); u = "T " f[1] "\\n" }
  close("/proc/uptime")
  o = ""; s = ""; nd = 0
  e = O[l] + N[l]
  for (i = O[l] + 1; i <= e; i++) {
    g = G[i]; p = Q[i]; b = B[i]
    if (!b) {
      if (!nd) { netdev(); nd = 1 }
      if (p in D) s = s g "n " D[p] "\\n"; else s = s g "-\\n"
    } else {
      a = A[i]; m = 0; n = 0
      while (m < b && (getline x < p) > 0) { if (++m >= a) { s = s g x "\\n"; n++ } }
      close(p)
      if (!n) s = s g "-\\n"
    }
    if (length(s) > 1024) { o = o s; s = "" }
  }
  printf "%s%s%sE\\n", u, o, s
  fflush()
}
`;

if (SAMPLER_AWK.includes("'")) throw new Error('the sampler awk program must not contain a single quote');

// One compound command, so a shell reading this from stdin (sh -s) has read
// all of it before anything runs. mawk buffers stdin in blocks unless told
// -W interactive; other awks read a pipe line by line as it comes.
export const SAMPLER_SCRIPT = `{
LC_ALL=C
export LC_ALL
P='${SAMPLER_AWK}'
if command -v awk >/dev/null 2>&1; then
  case $(awk -W version 2>&1 </dev/null) in
  *mawk*) exec awk -W interactive -v pid="$$" "$P" ;;
  esac
  exec awk -v pid="$$" "$P"
fi
printf 'X no awk on this host\\n'
exit 0
}
`;
