// Runs the real scripts under this machine's /bin/sh (dash on Debian, like the
// lab hosts) against throwaway directories named like hostile VMs.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REMOTE_SH, remoteScript } from '../../shared/util/shell';
import { DISCOVER_SCRIPT, parseDiscovery, pidfilePath } from './discovery';
import { encodeList, TickParser, type RawTick } from './sampler-protocol';
import { SAMPLER_SCRIPT } from './sampler-script';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-sampler-'));
const canary = path.join(tmp, 'pwned');
// libvirt refuses '/' in names; everything else a shell might act on is here.
// Commands would run in `tmp` (the processes' cwd), creating `pwned`.
const HOSTILE = [`it's "q" $(touch pwned) \`touch pwned\``, 'spaces  and\ttab', 'ünïcødé-虚拟机', '-rf *', '; touch pwned #', '$HOME\\n', "x\\'; touch pwned; echo \\'"];
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function vmDir(name: string, cpu: number): string {
  const d = path.join(tmp, name);
  fs.mkdirSync(path.join(d, 'net'), { recursive: true });
  fs.writeFileSync(path.join(d, 'cpuacct.usage'), `${cpu}\n`);
  fs.writeFileSync(path.join(d, 'memory.stat'), 'cache 10\nrss 20\nrss_huge 0\n');
  for (const f of ['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets']) fs.writeFileSync(path.join(d, 'net', f), '5\n');
  return d;
}

// As sshd runs our commands: `<login shell> -c REMOTE_SH`, the script framed on
// stdin. fish (not POSIX) is the login shell that POSIX quoting got wrong.
const LOGIN_SHELL = 'fish';

/** The sampler as the core launches it (HostTransport.spawnScript over SSH). */
function startSampler() {
  const child = spawn(LOGIN_SHELL, ['-c', REMOTE_SH], { stdio: ['pipe', 'pipe', 'pipe'], cwd: tmp, env: { PATH: process.env.PATH, HOME: tmp } });
  child.stdin.write(remoteScript(SAMPLER_SCRIPT));
  const parser = new TickParser();
  const queue: RawTick[] = [];
  let wake: (() => void) | undefined;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c: string) => {
    queue.push(...parser.push(c));
    wake?.();
  });
  const next = async (cmd: string): Promise<RawTick> => {
    child.stdin.write(cmd);
    while (!queue.length) await new Promise<void>((r) => (wake = r));
    return queue.shift()!;
  };
  return { child, next };
}

describe('sampler script', () => {
  it('treats hostile names as data and updates its work list without restarting', async () => {
    const dirs = HOSTILE.map((n, i) => vmDir(n, 1000 + i));
    const s = startSampler();
    s.child.stdin.write(encodeList('F', dirs.flatMap((d, i) => [
      { tag: `${i}c`, kind: 1, path: path.join(d, 'cpuacct.usage') },
      { tag: `${i}m`, kind: 2, path: path.join(d, 'memory.stat') },
      { tag: `${i}n0`, kind: 'n' as const, path: path.join(d, 'net') },
    ])));
    const t1 = await s.next('T\n');
    expect(t1.uptime).toBeGreaterThan(0);
    HOSTILE.forEach((_, i) => {
      expect(t1.items.get(`${i}c`)).toEqual([String(1000 + i)]);
      expect(t1.items.get(`${i}m`)).toEqual(['cache 10', 'rss 20']);
      expect(t1.items.get(`${i}n0`)).toEqual(['n 5 5 5 5']);
    });
    // The watched list is separate; a VM that stops shows as missing.
    s.child.stdin.write(encodeList('W', [{ tag: '0c', kind: 1, path: path.join(dirs[0]!, 'cpuacct.usage') }, { tag: '9c', kind: 1, path: path.join(tmp, 'gone', 'cpuacct.usage') }]));
    const t2 = await s.next('t\n');
    expect([...t2.items.keys()]).toEqual(['0c']);
    expect(t2.missing).toEqual(new Set(['9c']));
    // Same process, new full list.
    s.child.stdin.write(encodeList('F', [{ tag: '5c', kind: 1, path: path.join(dirs[5]!, 'cpuacct.usage') }]));
    const t3 = await s.next('T\n');
    expect([...t3.items.keys()]).toEqual(['5c']);
    s.child.stdin.end('q\n');
    expect(await new Promise((r) => s.child.once('exit', r))).toBe(0);
    expect(fs.existsSync(canary)).toBe(false);
  });

  it('forks nothing per tick: it still works with no PATH at all (only builtins run)', async () => {
    const d = vmDir('no-path', 42);
    const child = spawn('/bin/sh', ['-c', SAMPLER_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: path.join(tmp, 'empty') } });
    const parser = new TickParser();
    const ticks: RawTick[] = [];
    child.stdout.setEncoding('utf8');
    const got = new Promise<void>((resolve) =>
      child.stdout.on('data', (c: string) => {
        ticks.push(...parser.push(c));
        if (ticks.length && parser.pid) resolve();
      }),
    );
    child.stdin.write(encodeList('F', [{ tag: 'c', kind: 1, path: path.join(d, 'cpuacct.usage') }, { tag: 'm', kind: 2, path: path.join(d, 'memory.stat') }, { tag: 'n', kind: 'n', path: path.join(d, 'net') }]));
    child.stdin.write('T\np\n');
    await got;
    child.stdin.end('q\n');
    expect(ticks[0]!.items).toEqual(new Map([['c', ['42']], ['m', ['cache 10', 'rss 20']], ['n', ['n 5 5 5 5']]]));
    expect(parser.pid).toBe(child.pid);
  });
});

describe('discovery script', () => {
  it('reads pidfiles with hostile names passed as argv, and rejects non-numeric pids', () => {
    const run = path.join(tmp, 'run');
    fs.mkdirSync(run, { recursive: true });
    fs.writeFileSync(pidfilePath(HOSTILE[0]!, run), `${process.pid}\n`);
    fs.writeFileSync(pidfilePath(HOSTILE[1]!, run), '1; touch /tmp/x\n');
    const args = [...HOSTILE.slice(0, 3), HOSTILE.at(-1)!].map((n) => pidfilePath(n, run));
    const r = spawnSync(LOGIN_SHELL, ['-c', REMOTE_SH], { input: remoteScript(DISCOVER_SCRIPT, args), encoding: 'utf8', cwd: tmp, env: { PATH: process.env.PATH, HOME: tmp } });
    expect(r.status).toBe(0);
    const found = parseDiscovery(r.stdout, 4);
    expect(found[0]?.pid).toBe(process.pid);
    expect(found[1]?.pid).toBeUndefined();
    expect(found[2]?.pid).toBeUndefined();
    expect(found[3]?.pid).toBeUndefined();
    expect(r.stdout).toMatch(/^M .* - cgroup2? /m);
    expect(fs.existsSync(canary)).toBe(false);
  });
});
