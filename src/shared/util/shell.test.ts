import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXEC_ARGV, REMOTE_SH, remoteScript, shellQuote } from './shell';

// Real shells, no ssh: sshd does nothing to the command string but hand it to
// `$SHELL -c`, which is exactly what these tests do with each login shell.

const hostile = [
  "it's",
  '$(touch pwned)',
  '`touch pwned`',
  '(touch pwned)', // fish's command substitution
  'a b\tc\nd',
  'naïve — 虚拟机 🚀',
  '"double" \\back',
  "x\\'; touch pwned; echo \\'", // the example: breaks POSIX quoting under fish
  '-rf',
  '',
  ';touch pwned;',
  "'; touch pwned; '",
  '$HOME %s {a,b} *',
];

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vd-shell-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const which = (name: string) => {
  try {
    return execFileSync('/bin/sh', ['-c', 'command -v "$1"', 'sh', name]).toString().trim() || undefined;
  } catch {
    return undefined;
  }
};
// fish is what CI installs for this (.ci/run); the others run where present.
const REQUIRED = ['sh', 'bash', 'fish'];
const OPTIONAL = ['dash', 'zsh', 'tcsh', 'csh', 'ksh', 'mksh'];
const loginShells = [...REQUIRED, ...OPTIONAL.filter((s) => which(s))];

/** Waits until a process named `comm` runs below `pid` (from /proc: Linux, like every host we manage). */
async function waitForDescendant(pid: number, comm: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const parent = new Map<number, number>();
    const named: number[] = [];
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        parent.set(Number(e), Number(stat.slice(close + 2).split(' ')[1]));
        if (stat.slice(stat.indexOf('(') + 1, close) === comm) named.push(Number(e));
      } catch {
        // gone meanwhile
      }
    }
    const below = (p: number): boolean => p === pid || (p > 1 && parent.has(p) && below(parent.get(p)!));
    if (named.some((p) => below(parent.get(p) ?? 0))) return;
    if (Date.now() > deadline) throw new Error(`no ${comm} below ${pid} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Runs REMOTE_SH the way sshd does (`<shell> -c <command>`), in an empty cwd, feeding `input` (in pieces if given several). */
function asLoginShell(shell: string, input: Buffer | string | Buffer[]): Promise<{ code: number | null; stdout: string; stderr: string; pid: number; cwd: string }> {
  const cwd = mkdtempSync(path.join(tmp, `${shell}-`));
  // fish keeps its state under $HOME: give it one apart from the cwd we watch.
  const home = mkdtempSync(path.join(tmp, `${shell}-home-`));
  const child = spawn(which(shell) ?? shell, ['-c', REMOTE_SH], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH, HOME: home } });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const pieces = Array.isArray(input) ? input : [input];
  void (async () => {
    // Each later piece is written only once a dd under this shell is reading:
    // it arrives as a separate, short read on the pipe.
    for (const [i, p] of pieces.entries()) {
      if (i > 0) await waitForDescendant(child.pid!, 'dd');
      if (i < pieces.length - 1) child.stdin.write(p);
      else child.stdin.end(p);
    }
  })();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), pid: child.pid!, cwd }));
  });
}

describe('shellQuote', () => {
  it.each(hostile)('round-trips %j through /bin/sh unchanged', (name) => {
    const out = execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(name)}`]).toString();
    expect(out).toBe(name);
  });

  it('refuses NUL bytes', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
    expect(() => remoteScript('true', ['a\0b'])).toThrow(/NUL/);
  });
});

describe('REMOTE_SH', () => {
  it('is one single-quoted word after `exec /bin/sh -c` with nothing any shell expands inside', () => {
    const m = /^exec \/bin\/sh -c '([^']*)'$/.exec(REMOTE_SH);
    expect(m).not.toBeNull();
    // Backslash (fish's escape inside '...'), ! (csh history), newline (csh refuses it in quotes).
    expect(m![1]).not.toMatch(/[\\!\n]/);
  });

  it('every required login shell is installed', () => {
    expect(REQUIRED.filter((s) => !which(s))).toEqual([]);
  });

  it.each(loginShells)('under %s: hostile arguments stay data, stdin after the script reaches the command', async (shell) => {
    const r = await asLoginShell(shell, Buffer.concat([remoteScript('printf "[%s]\\n" "$@"; cat', hostile), Buffer.from('after the script\n')]));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(hostile.map((h) => `[${h}]\n`).join('') + 'after the script\n');
    expect(r.code).toBe(0);
    expect(readdirSync(r.cwd)).toEqual([]);
  });

  it.each(loginShells)('under %s: runs argv as is, keeps the exit status, reports the pid that a kill must target', async (shell) => {
    const r = await asLoginShell(shell, remoteScript(`echo "$$"; ${EXEC_ARGV}`, ['sh', '-c', 'echo "$1"; exit 7', 'sh', "x\\'; touch pwned"]));
    expect(r.stdout).toBe(`${r.pid}\nx\\'; touch pwned\n`);
    expect(r.code).toBe(7);
    expect(readdirSync(r.cwd)).toEqual([]);
  });

  it('a script arriving in pieces is read whole, and nothing of the input after it', async () => {
    const framed = Buffer.concat([remoteScript(`${': padding;'.repeat(3000)}\nread -r first; echo "got $first"`, []), Buffer.from('line one\nline two\n')]);
    const cut = [7, 5000, 20000];
    const pieces = cut.map((end, i) => framed.subarray(i ? cut[i - 1] : 0, end)).concat(framed.subarray(cut.at(-1)));
    const r = await asLoginShell('fish', pieces);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('got line one\n');
  });

  it('a script cut short is refused, not run in part', async () => {
    const full = remoteScript('touch ran-first\ntouch ran-second');
    const r = await asLoginShell('sh', full.subarray(0, full.length - 5));
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/incomplete command script/);
    expect(existsSync(path.join(r.cwd, 'ran-first'))).toBe(false);
  });
});
