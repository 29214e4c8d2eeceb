// CPU seconds per program on both ends while a transfer runs: this process
// (its main thread apart from its other threads: SHA-256 worker, GC, file
// reads), its children (ssh, virsh) and everything in the lab host's PID
// namespace (sshd, virt-ssh-helper, libvirtd, cat). A separate process polls
// /proc every 100 ms, so the bench's own main thread does no sampling, and a
// short-lived program (a session's sshd, cat) is counted up to its last poll.
// Own utime+stime only (not procCpu's children times from bench/metrics: a
// reaped child would be counted twice, once itself and once in its parent).
import { spawn } from 'node:child_process';

const SAMPLER = `
const fs = require('fs');
const [hostPid, self] = process.argv.slice(1);
const hostNs = fs.readlinkSync('/proc/' + hostPid + '/ns/pid');
const first = new Map(), last = new Map();
const ticks = (stat) => { const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); return Number(f[11]) + Number(f[12]); };
const ppidOf = (pid) => { try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'latin1'); return s.slice(s.lastIndexOf(')') + 2).split(' ')[1]; } catch { return '0'; } };
function scan(into) {
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(pid) || pid === String(process.pid)) continue;
    try {
      const ours = pid === self || ppidOf(pid) === self || ppidOf(ppidOf(pid)) === self;
      if (!ours && fs.readlinkSync('/proc/' + pid + '/ns/pid') !== hostNs) continue;
      const comm = fs.readFileSync('/proc/' + pid + '/comm', 'latin1').trim();
      if (pid === self) {
        const main = ticks(fs.readFileSync('/proc/' + pid + '/task/' + pid + '/stat', 'latin1'));
        into.set(pid + 'm', { name: 'node main thread', t: main });
        into.set(pid + 'o', { name: 'node other threads', t: ticks(fs.readFileSync('/proc/' + pid + '/stat', 'latin1')) - main });
      } else into.set(pid, { name: comm, t: ticks(fs.readFileSync('/proc/' + pid + '/stat', 'latin1')) });
    } catch {}
  }
}
scan(first);
for (const [k, v] of first) last.set(k, v);
const timer = setInterval(() => scan(last), 100);
process.stdout.write('ready\\n');
process.on('SIGTERM', () => {
  clearInterval(timer);
  scan(last);
  const by = {};
  for (const [k, v] of last) { const d = v.t - (first.get(k)?.t ?? 0); if (d > 0) by[v.name] = (by[v.name] ?? 0) + d / 100; }
  process.stdout.write(JSON.stringify(by) + '\\n');
  process.exit(0);
});
`;

/** Runs `fn` while the sampler counts; CPU seconds by program name. */
export async function cpuDuring<T>(hostPid: number, fn: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number> }> {
  const p = spawn(process.execPath, ['-e', SAMPLER, String(hostPid), String(process.pid)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    p.once('exit', (code) => reject(new Error(`CPU sampler exited ${code}`)));
    const check = () => (out.includes('ready\n') ? resolve() : setTimeout(check, 10));
    check();
  });
  p.removeAllListeners('exit');
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  try {
    const result = await fn();
    p.kill('SIGTERM');
    await exited;
    return { result, cpu: JSON.parse(out.split('\n')[1] as string) as Record<string, number> };
  } finally {
    if (p.exitCode === null) p.kill('SIGKILL');
  }
}

/** "node main thread 2.1, sshd 1.5, …" per GiB, biggest first; programs under 0.05 s/GiB left out. */
export function cpuLine(cpu: Record<string, number>, gib: number): string {
  return Object.entries(cpu)
    .map(([name, s]) => [name, s / gib] as const)
    .filter(([, s]) => s >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${s.toFixed(1)}`)
    .join(', ');
}

export const cpuTotal = (cpu: Record<string, number>) => Object.values(cpu).reduce((a, b) => a + b, 0);
