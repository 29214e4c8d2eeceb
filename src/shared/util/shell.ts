// The one quoting helper for remote commands (DESIGN convention 10). POSIX sh
// single quotes take every byte literally except the quote itself, which we
// close, escape and reopen. NUL can't be carried in an argv at all, so reject it.
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('argument contains a NUL byte');
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins argv into one command line for a remote login shell. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(shellQuote).join(' ');
}
