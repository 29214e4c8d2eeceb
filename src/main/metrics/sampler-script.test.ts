// Runs the real scripts under this machine's /bin/sh (dash on Debian, like the
// lab hosts) and every awk found here (mawk: Debian's; busybox: Alpine's;
// gawk: RHEL's, when installed) against throwaway files named like hostile VMs.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REMOTE_SH, remoteScript } from '../../shared/util/shell';
import { DISCOVER_SCRIPT, parseDiscovery, pidfileCandidates, pidfilePath } from './discovery';
import { encodeList, TickParser, type RawTick } from './sampler-protocol';
import { SAMPLER_AWK, SAMPLER_SCRIPT } from './sampler-script';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-sampler-'));
const canary = path.join(tmp, 'pwned');
// libvirt refuses '/' in names; everything else a shell might act on is here.
// Commands would run in `tmp` (the processes' cwd), creating `pwned`.
const HOSTILE = [`it's "q" $(touch pwned) \`touch pwned\``, 'spaces  and\ttab', 'ünïcødé-虚拟机', '-rf *', '; touch pwned #', '$HOME\\n', ' lead " - " trail ', "x\\'; touch pwned; echo \\'"];
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * A PATH holding only `dd` (REMOTE_SH reads the script with it) and `awk` as the
 * named implementation (busybox dispatches on its argv[0]), or no awk at all.
 */
function toolPath(name: string, awk?: string): string {
  const dir = path.join(tmp, `bin-${name}`);
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, 'dd'))) fs.symlinkSync('/bin/dd', path.join(dir, 'dd'));
  if (awk && !fs.existsSync(path.join(dir, 'awk'))) fs.symlinkSync(awk, path.join(dir, 'awk'));
  return dir;
}
const which = (p: string) => (fs.existsSync(p) ? [p] : []);
const AWKS: [string, string][] = [
  ...which('/usr/bin/mawk').map((p): [string, string] => ['mawk', p]),
  ...which('/usr/bin/gawk').map((p): [string, string] => ['gawk', p]),
  ...which('/bin/busybox').map((p): [string, string] => ['busybox', p]),
];

function vmDir(name: string, cpu: number): string {
  const d = path.join(tmp, name);
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, 'cpuacct.usage'), `${cpu}\n`);
  fs.writeFileSync(path.join(d, 'memory.stat'), 'cache 10\nrss 20\nrss_huge 0\n');
  fs.writeFileSync(path.join(d, 'io'), 'rchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n');
  return d;
}

interface Sampler {
  child: ChildProcessWithoutNullStreams;
  parser: TickParser;
  next(cmd: string): Promise<RawTick>;
  ready: Promise<void>;
}

// As sshd runs our commands: `<login shell> -c REMOTE_SH`, the script framed on
// stdin (HostTransport.spawnScript). fish (not POSIX) is the login shell that
// POSIX quoting got wrong. Found on our PATH, as the sampler runs with a PATH of its own.
const LOGIN_SHELL = (process.env.PATH ?? '').split(':').map((d) => path.join(d, 'fish')).find((p) => fs.existsSync(p)) ?? 'fish';

/** Starts the sampler as the core launches it, with PATH = `bin` only (REMOTE_SH needs dd from it). */
function startSampler(bin: string): Sampler {
  const child = spawn(LOGIN_SHELL, ['-c', REMOTE_SH], { stdio: ['pipe', 'pipe', 'pipe'], cwd: tmp, env: { PATH: bin, HOME: tmp } });
  child.stdin.write(remoteScript(SAMPLER_SCRIPT));
  const parser = new TickParser();
  const queue: RawTick[] = [];
  let wake: (() => void) | undefined;
  child.stdout.setEncoding('utf8');
  let readyResolve: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  child.stdout.on('data', (c: string) => {
    queue.push(...parser.push(c));
    if (parser.ready || parser.failure !== undefined) readyResolve();
    wake?.();
  });
  const next = async (cmd: string): Promise<RawTick> => {
    child.stdin.write(cmd);
    while (!queue.length) await new Promise<void>((r) => (wake = r));
    return queue.shift()!;
  };
  return { child, parser, next, ready };
}

const exited = (c: ChildProcessWithoutNullStreams) => new Promise((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', r)));

describe('sampler script', () => {
  it('has awk implementations to test with', () => {
    expect(AWKS.length).toBeGreaterThan(0);
  });

  it.each(AWKS)('with %s: hostile names are data; lists change without a restart; gone files read as missing', async (name, bin) => {
    const dirs = HOSTILE.map((n, i) => vmDir(`${name}-${n}`, 1000 + i));
    const s = startSampler(toolPath(name, bin));
    await s.ready;
    expect(s.parser.ready).toBe(true);
    expect(s.parser.pid).toBeGreaterThan(1); // announced before R
    s.child.stdin.write(
      encodeList('F', [
        ...dirs.flatMap((d, i) => [
          { tag: `${i}c`, kind: 1, path: path.join(d, 'cpuacct.usage') },
          { tag: `${i}m`, kind: 2, path: path.join(d, 'memory.stat') },
          { tag: `${i}i`, kind: '5-6' as const, path: path.join(d, 'io') },
        ]),
        { tag: 'lo', kind: 'n', path: 'lo' },
        { tag: 'nx', kind: 'n', path: 'vnet-none' },
      ]),
    );
    const t1 = await s.next('T\n');
    expect(t1.uptime).toBeGreaterThan(0);
    HOSTILE.forEach((_, i) => {
      expect(t1.items.get(`${i}c`)).toEqual([String(1000 + i)]);
      expect(t1.items.get(`${i}m`)).toEqual(['cache 10', 'rss 20']);
      expect(t1.items.get(`${i}i`)).toEqual(['read_bytes: 4096', 'write_bytes: 8192']);
    });
    // Loopback counters from /proc/net/dev: rx bytes, tx bytes, rx packets, tx packets.
    expect(t1.items.get('lo')?.[0]).toMatch(/^n \d+ \d+ \d+ \d+$/);
    expect(t1.missing.has('nx')).toBe(true);
    // The watched list is separate; a VM that stops shows as missing.
    s.child.stdin.write(encodeList('W', [{ tag: '0c', kind: 1, path: path.join(dirs[0]!, 'cpuacct.usage') }, { tag: '9c', kind: 1, path: path.join(tmp, 'gone', 'cpuacct.usage') }]));
    const t2 = await s.next('t\n');
    expect([...t2.items.keys()]).toEqual(['0c']);
    expect(t2.missing).toEqual(new Set(['9c']));
    // Same process, new full list; the old one is gone entirely.
    s.child.stdin.write(encodeList('F', [{ tag: '5c', kind: 1, path: path.join(dirs[5]!, 'cpuacct.usage') }]));
    const t3 = await s.next('T\n');
    expect([...t3.items.keys()]).toEqual(['5c']);
    expect(t3.missing.size).toBe(0);
    s.child.stdin.write('p\n');
    s.child.stdin.end('q\n');
    expect(await exited(s.child)).toBe(0);
    expect(fs.existsSync(canary)).toBe(false);
  });

  it.each(AWKS)('with %s: the framed script becomes awk, which reads the commands that follow it on stdin', async (name, bin) => {
    const d = vmDir(`${name}-stdin`, 7);
    const s = startSampler(toolPath(name, bin));
    await s.ready;
    s.child.stdin.write(encodeList('F', [{ tag: 'c', kind: 1, path: path.join(d, 'cpuacct.usage') }]));
    const t = await s.next('T\n');
    expect(t.items.get('c')).toEqual(['7']);
    // fish exec'd /bin/sh, which exec'd awk: the pid it announced is the process we started.
    expect(s.parser.pid).toBe(s.child.pid);
    s.child.stdin.end('q\n');
    expect(await exited(s.child)).toBe(0);
  });

  it('a big tick (300 VMs) comes back whole, in order', async () => {
    const [name, bin] = AWKS[0]!;
    const d = vmDir(`${name}-big`, 123456789);
    const s = startSampler(toolPath(name, bin));
    await s.ready;
    const items = Array.from({ length: 300 }, (_, i) => [
      { tag: `${i}c`, kind: 1 as const, path: path.join(d, 'cpuacct.usage') },
      { tag: `${i}m`, kind: 2 as const, path: path.join(d, 'memory.stat') },
    ]).flat();
    s.child.stdin.write(encodeList('F', items));
    const t = await s.next('T\n');
    expect(t.items.size).toBe(600);
    expect([...t.items.keys()].slice(0, 4)).toEqual(['0c', '0m', '1c', '1m']);
    s.child.stdin.end('q\n');
    await exited(s.child);
  });

  it('without awk it says so and exits (the core then uses libvirt)', async () => {
    const s = startSampler(toolPath('no-awk'));
    await s.ready;
    expect(s.parser.failure).toMatch(/no awk/);
    expect(await exited(s.child)).toBe(0);
  });

  it('the awk program runs nothing: no system(), no pipes, no command getline', () => {
    expect(SAMPLER_AWK).not.toMatch(/system\s*\(|\|\s*getline|print[^\n]*\|/);
  });
});

describe('discovery script', () => {
  it('reads pidfiles with hostile names passed as argv (as is, or XML-escaped as libvirt 9 writes them), finds vCPU threads by name, rejects non-numeric pids', () => {
    const run = path.join(tmp, 'run');
    fs.mkdirSync(run, { recursive: true });
    // A process of ours named like QEMU's vCPU threads: a shell may rename itself (comm is writable by its own process only).
    const fake = spawn('/bin/sh', ['-c', `printf 'CPU 0/KVM' >/proc/self/comm && read x`], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      while (!fs.existsSync(`/proc/${fake.pid}/comm`) || fs.readFileSync(`/proc/${fake.pid}/comm`, 'utf8') !== 'CPU 0/KVM\n') spawnSync('true');
      // libvirt 9.0 names it with the XML-escaped name: `it's "q"` -> `it&apos;s &quot;q&quot;`.
      fs.writeFileSync(pidfileCandidates(HOSTILE[0]!, run)[1], `${fake.pid}\n`);
      fs.writeFileSync(pidfilePath(HOSTILE[1]!, run), '1; touch /tmp/x\n');
      const args = [...HOSTILE.slice(0, 3), HOSTILE.at(-1)!].flatMap((n) => pidfileCandidates(n, run));
      const r = spawnSync(LOGIN_SHELL, ['-c', REMOTE_SH], { input: remoteScript(DISCOVER_SCRIPT, args), encoding: 'utf8', cwd: tmp, env: { PATH: process.env.PATH, HOME: tmp } });
      expect(r.status).toBe(0);
      const found = parseDiscovery(r.stdout, 4);
      expect(found[0]?.pid).toBe(fake.pid);
      expect(found[0]?.vcpuThreads).toEqual([{ vcpu: 0, tid: fake.pid }]);
      expect(found[0]?.ioReadable).toBe(true); // our own process
      expect(found[1]?.pid).toBeUndefined();
      expect(found[2]?.pid).toBeUndefined();
      expect(found[2]?.ioReadable).toBe(false);
      expect(found[3]?.pid).toBeUndefined();
      expect(r.stdout).toMatch(/^M .* - cgroup2? /m);
      expect(fs.existsSync(canary)).toBe(false);
    } finally {
      fake.stdin.end();
    }
  });
});
