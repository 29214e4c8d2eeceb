// Benchmark: the console bridge (WebSocket -> bridge -> ssh2 forward -> host)
// against a raw ssh2 forward to the same target on the same SSH connection
// (the baseline: what the bridge adds is the WebSocket hop and our copy).
// The target is a small echo/source/sink server started on lab-1 over our
// own connection, listening on the host's loopback like a VNC display.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConsoleBridge } from '../../src/main/consoles/bridge';
import { startConsoleServer } from '../../src/main/consoles/server';
import { EventBus } from '../../src/main/ipc/bus';
import { HostRegistry } from '../../src/main/hosts/registry';
import { MemorySecretStore } from '../../src/main/hosts/secrets';
import { silentLogger } from '../../src/main/util/log';
import { down, latency, MIB, MSG, PINGS, rawPipe, up, type Pipe } from './ops';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lab = JSON.parse(readFileSync(path.join(ROOT, '.lab/lab.json'), 'utf8'));
const host = lab.hosts[0];
const ROUNDS = 5;

// Runs on the host. First byte picks the mode: e = echo, s = send N MiB, k = take N MiB then answer "k".
// It exits when its stdin closes, i.e. when our exec channel goes.
const SERVER = `
const net = require('net');
const s = net.createServer((c) => {
  c.setNoDelay(true);
  c.once('data', (b) => {
    const mode = String.fromCharCode(b[0]);
    if (mode === 'e') { if (b.length > 1) c.write(b.subarray(1)); c.pipe(c); return; }
    const n = b.readUInt32BE(1) * 1048576;
    if (mode === 's') {
      const chunk = Buffer.alloc(65536, 7); let sent = 0;
      const pump = () => { while (sent < n) { sent += chunk.length; if (!c.write(chunk)) return c.once('drain', pump); } c.end(); };
      return pump();
    }
    let got = b.length - 5;
    const done = () => { c.write('k'); c.end(); };
    if (got >= n) return done();
    c.on('data', (d) => { got += d.length; if (got >= n) done(); });
  });
});
s.listen(0, '127.0.0.1', () => console.log('ready ' + s.address().port));
process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); process.stdin.on('error', () => process.exit(0));
`;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { median: q(0.5), p95: q(0.95), p99: q(0.99), n: s.length };
};
const median = (xs: number[]) => stats(xs).median;

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-bench-consoles-'));
  const hosts = new HostRegistry({ configDir: dir, sshConfigPath: path.join(dir, 'none'), knownHostsPaths: [lab.ssh.knownHosts], secretStore: new MemorySecretStore(), bus: new EventBus(), log: silentLogger, localSocketPath: path.join(dir, 'no-sock'), home: dir, agent: null });
  await hosts.start();
  const added = await hosts.add({ name: 'bench-consoles', target: { transport: 'ssh', hostname: host.ip, port: host.port, user: 'root', identityFiles: [lab.ssh.key], jumpHosts: [], libvirtPath: 'system' }, tags: [], autoConnect: false });
  const state = await hosts.connect(added.config.id);
  if (state.status !== 'connected') throw new Error(`connect failed: ${state.reason}`);
  const transport = hosts.transport(added.config.id);
  const bridge = new ConsoleBridge(silentLogger);
  const server = await startConsoleServer(bridge.handleUpgrade, silentLogger);
  bridge.setOrigin(server.origin);
  const target = await transport.spawn(['node', '-e', SERVER]);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      target.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /ready (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      target.stderr.on('data', (d: Buffer) => reject(new Error(d.toString())));
    });
    const raw = async <T>(f: (p: Pipe) => Promise<T>): Promise<T> => {
      const p = rawPipe(await transport.forwardTcp('127.0.0.1', port));
      try {
        return await f(p);
      } finally {
        p.close();
      }
    };
    // The page runs in its own process, so the core's thread does only what it does for a real tab.
    const page = fork(path.join(ROOT, 'bench/consoles/page.ts'), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const bridged = async <T>(op: 'latency' | 'down' | 'up'): Promise<T> => {
      const { url } = bridge.issue({ kind: 'vnc', label: 'bench', stream: await transport.forwardTcp('127.0.0.1', port) });
      const answer = new Promise<{ value?: T; error?: string }>((r) => page.once('message', (m) => r(m as { value?: T; error?: string })));
      page.send({ op, url });
      const m = await answer;
      if (m.error !== undefined) throw new Error(`page: ${m.error}`);
      return m.value as T;
    };

    const lat = { raw: await raw(latency), bridge: await bridged<number[]>('latency') };
    const thr = { rawDown: [] as number[], bridgeDown: [] as number[], rawUp: [] as number[], bridgeUp: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      thr.rawDown.push(await raw(down));
      thr.bridgeDown.push(await bridged<number>('down'));
      thr.rawUp.push(await raw(up));
      thr.bridgeUp.push(await bridged<number>('up'));
    }
    page.disconnect();
    // Closing handshakes finish a round trip later: wait for them before reading leftovers.
    for (let i = 0; i < 200 && bridge.stats.sockets + bridge.stats.live > 0; i++) await new Promise((r) => setTimeout(r, 10));
    const result = {
      host: host.name,
      messageBytes: MSG,
      roundTrips: PINGS,
      transferMiB: MIB,
      rounds: ROUNDS,
      latencyMs: { bridge: stats(lat.bridge), baselineRawForward: stats(lat.raw) },
      downMBps: { bridge: median(thr.bridgeDown), baselineRawForward: median(thr.rawDown), all: thr },
      upMBps: { bridge: median(thr.bridgeUp), baselineRawForward: median(thr.rawUp) },
      leftOver: bridge.stats,
    };
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench/results/consoles.json'), JSON.stringify(result, null, 2));
    const l = result.latencyMs;
    const f = (x: number) => `${x.toFixed(3)} ms`;
    console.log(`host ${host.name}: target on the host's 127.0.0.1, one SSH connection for everything`);
    console.log(`  round trip, ${MSG} B, ${PINGS}x       bridge   median ${f(l.bridge.median)}, p95 ${f(l.bridge.p95)}, p99 ${f(l.bridge.p99)}`);
    console.log(`                                 BASELINE raw ssh2 forward  median ${f(l.baselineRawForward.median)}, p95 ${f(l.baselineRawForward.p95)}, p99 ${f(l.baselineRawForward.p99)}`);
    console.log(`                                 bridge adds ${f(l.bridge.median - l.baselineRawForward.median)} per round trip (median)`);
    console.log(`  host -> page, ${MIB} MiB (median of ${ROUNDS})  bridge ${result.downMBps.bridge.toFixed(1)} MiB/s, BASELINE raw forward ${result.downMBps.baselineRawForward.toFixed(1)} MiB/s (${((100 * result.downMBps.bridge) / result.downMBps.baselineRawForward).toFixed(0)}%)`);
    console.log(`  page -> host, ${MIB} MiB (median of ${ROUNDS})  bridge ${result.upMBps.bridge.toFixed(1)} MiB/s, BASELINE raw forward ${result.upMBps.baselineRawForward.toFixed(1)} MiB/s (${((100 * result.upMBps.bridge) / result.upMBps.baselineRawForward).toFixed(0)}%)`);
    console.log('  (page -> host is bounded by WebSocket masking: client frames are XOR-masked, and ws without its native');
    console.log('   bufferutil unmasks in JS, ~110 MiB/s here even without SSH; keystrokes and pointer events need a few kB/s)');
  } finally {
    target.end();
    target.destroy();
    bridge.dispose();
    await server.close();
    await hosts.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
