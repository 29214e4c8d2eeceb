// Remote commands that never depend on the login shell (DESIGN convention 10).
//
// sshd runs every exec request as `$SHELL -c <string>`, so whatever string we
// send is parsed by the user's login shell: bash, zsh, fish, tcsh, ... Their
// quoting rules differ (fish treats \' inside '...' as an escape, so POSIX
// quoting of `x\'; touch pwned` runs `touch pwned` there). So the login shell
// only ever sees REMOTE_SH, one constant string every shell parses the same
// way, which starts /bin/sh reading a length-prefixed script from stdin. The
// script and its arguments travel as data on the channel and are parsed by
// /bin/sh only, for which POSIX quoting is exact. Whatever follows the script
// on stdin is the command's own input.
//
// Why not plain `/bin/sh -s`: POSIX wants a shell reading commands from stdin
// to leave the rest of it to the commands, but dash (Debian's /bin/sh) reads
// ahead in blocks, swallowing input meant for the script. `read` is exact (it
// reads one byte at a time from a pipe), and so is dd asking for at most the
// remaining bytes (`iflag=fullblock`, GNU and busybox; `bs=1` where a dd lacks
// it). `head -c` is not: busybox's reads ahead.

/** Quotes one word for POSIX sh: single quotes take every byte literally except the quote itself. */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('argument contains a NUL byte');
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The last line of every framed script: a comment, so the script's exit status stands. */
const END = '# virtdeck-end';

/**
 * The exec request's command line. Inside one pair of single quotes with no
 * quote, backslash, `!` or newline in it, which sh, bash, zsh, fish, csh and
 * tcsh all take literally; `exec` replaces the login shell, so the pid the
 * script reports ($$) is the session's process group leader. A script cut short
 * (the channel closed mid-way) lacks its last line and is refused, never run
 * in part.
 */
export const REMOTE_SH =
  `exec /bin/sh -c 'IFS= read -r n || exit 125; ` +
  `s=$(dd bs="$n" count=1 iflag=fullblock 2>/dev/null || dd bs=1 count="$n" 2>/dev/null); ` +
  `case $s in *"${END}") eval "$s" ;; *) echo "virtdeck: incomplete command script" >&2; exit 125 ;; esac'`;

/**
 * What REMOTE_SH reads from stdin: the script's byte length, a newline, then
 * `set -- <args>` (POSIX-quoted: only /bin/sh parses it), the script and the
 * end marker. Write the command's own input after it.
 */
export function remoteScript(script: string, args: readonly string[] = []): Buffer {
  const body = Buffer.from(`${args.length ? `set -- ${args.map(shellQuote).join(' ')}\n` : ''}${script}\n${END}`, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}\n`), body]);
}

/** The script that runs argv as it is (no shell parsing of the words). */
export const EXEC_ARGV = 'exec "$@"';
