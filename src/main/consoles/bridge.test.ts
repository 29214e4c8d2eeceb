// The bridge against real sockets: a loopback TCP peer stands in for the
// host side (what an ssh2 forward delivers is a Duplex just like it).
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CONSOLE_CLOSE } from '../../shared/ipc/calls/consoles';
import { silentLogger } from '../util/log';
import { ConsoleBridge, type ConsoleTarget } from './bridge';
import { startConsoleServer, type ConsoleServer } from './server';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function setup(opts: { ttlMs?: number } = {}) {
  const bridge = new ConsoleBridge(silentLogger, { highWater: 64 << 10, lowWater: 16 << 10, ...opts });
  const server: ConsoleServer = await startConsoleServer(bridge.handleUpgrade, silentLogger);
  bridge.setOrigin(server.origin);
  const remotes: net.Socket[] = [];
  const peer = net.createServer((s) => remotes.push(s));
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    bridge.dispose();
    await server.close();
    for (const s of remotes) s.destroy();
    await new Promise((r) => peer.close(r));
  });
  /** Opens a target (the bridge side) and returns it with the peer's end. */
  const target = async (extra: Partial<ConsoleTarget> = {}) => {
    const n = remotes.length;
    const stream = net.connect((peer.address() as net.AddressInfo).port, '127.0.0.1');
    await waitFor(() => remotes.length > n, 'peer accept');
    return { target: { kind: 'vnc', label: 'test', stream, ...extra } as ConsoleTarget, remote: remotes[n]! };
  };
  return { bridge, server, target };
}

/** Opens a client; `got` collects messages from the first frame (one may arrive with the handshake). */
function connect(url: string, headers: Record<string, string> = {}, got?: Buffer[]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    if (got) ws.on('message', (d: Buffer) => got.push(d));
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
    cleanups.push(() => ws.terminate());
  });
}

const closed = (ws: WebSocket) => new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));

describe('ConsoleBridge', () => {
  it('carries bytes both ways and the token works once', async () => {
    const { bridge, target } = await setup();
    const { target: t, remote } = await target();
    const { url } = bridge.issue(t);
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/console\/[A-Za-z0-9_-]{43}$/);
    // Bytes the target sent before the page connected (the RFB greeting) are kept.
    remote.write('RFB 003.008\n');
    const got: Buffer[] = [];
    const ws = await connect(url, {}, got);
    await waitFor(() => Buffer.concat(got).toString() === 'RFB 003.008\n', 'greeting');
    const upstream: Buffer[] = [];
    remote.on('data', (d: Buffer) => upstream.push(d));
    ws.send(Buffer.from('hello'));
    await waitFor(() => Buffer.concat(upstream).toString() === 'hello', 'upstream bytes');
    await expect(connect(url)).rejects.toThrow('HTTP 403');
    expect(bridge.stats).toEqual({ pending: 0, live: 1, sockets: 1 });
  });

  it('refuses missing, unknown and expired tokens and closes an expired target', async () => {
    const { bridge, server, target } = await setup({ ttlMs: 50 });
    await expect(connect(`${server.origin}/console/`)).rejects.toThrow('HTTP 403');
    await expect(connect(`${server.origin}/console/${'A'.repeat(43)}`)).rejects.toThrow('HTTP 403');
    await expect(connect(`${server.origin}/other`)).rejects.toThrow('HTTP 404');
    const { target: t, remote } = await target();
    const { url } = bridge.issue(t);
    let remoteClosed = false;
    remote.on('close', () => (remoteClosed = true));
    await waitFor(() => remoteClosed, 'expired target closed');
    await expect(connect(url)).rejects.toThrow('HTTP 403');
    expect(bridge.stats.pending).toBe(0);
  });

  it('checks Origin and Host on its own listener', async () => {
    const { bridge, server, target } = await setup();
    const { target: t } = await target();
    const { url } = bridge.issue(t);
    await expect(connect(url, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect(url, { Host: `attacker.example:${server.port}` })).rejects.toThrow('HTTP 403');
    // The refused attempts did not spend the token.
    const ws = await connect(url, { Origin: 'file://' });
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes the target when the page goes, and the page when the target ends', async () => {
    const { bridge, target } = await setup();
    const a = await target();
    const wsA = await connect(bridge.issue(a.target).url);
    let aClosed = false;
    a.remote.on('close', () => (aClosed = true));
    a.remote.resume();
    wsA.close();
    await waitFor(() => aClosed, 'target closed after page left');

    const b = await target();
    const wsB = await connect(bridge.issue(b.target).url);
    const done = closed(wsB);
    b.remote.end();
    expect(await done).toEqual({ code: CONSOLE_CLOSE.ENDED, reason: 'The console closed' });
    await waitFor(() => bridge.stats.live === 0 && bridge.stats.sockets === 0, 'nothing live');
  });

  it('reports target errors with the target\'s own words', async () => {
    const { bridge, target } = await setup();
    const { target: t } = await target({ describeError: () => ({ code: CONSOLE_CLOSE.TAKEN_OVER, reason: 'Another client took over this console.' }) });
    const ws = await connect(bridge.issue(t).url);
    const done = closed(ws);
    t.stream.destroy(new Error('stream aborted'));
    expect(await done).toEqual({ code: CONSOLE_CLOSE.TAKEN_OVER, reason: 'Another client took over this console.' });
  });

  it('pauses the target while the page is not reading, losing nothing', async () => {
    const { bridge, target } = await setup();
    const { target: t, remote } = await target();
    const ws = await connect(bridge.issue(t).url);
    // The page stops reading: its socket is paused, so the bridge's WebSocket buffer fills.
    ws.pause();
    const total = 64 << 20;
    const chunk = Buffer.alloc(64 << 10, 7);
    let written = 0;
    let stalled = false;
    const pump = () => {
      while (written < total) {
        written += chunk.length;
        if (!remote.write(chunk)) return void remote.once('drain', pump);
      }
      remote.end();
    };
    pump();
    // Backpressure reaches the peer: it stops being able to write, far short of the total.
    let last = -1;
    let steady = 0;
    await waitFor(() => {
      steady = written === last ? steady + 1 : 0;
      last = written;
      return steady > 20;
    }, 'writer stalled', 10_000);
    stalled = written < total;
    expect(stalled).toBe(true);
    expect((t.stream as net.Socket).isPaused()).toBe(true);
    let received = 0;
    ws.on('message', (d: Buffer) => (received += d.length));
    const done = closed(ws);
    ws.resume();
    await done;
    expect(received).toBe(total);
  });

  it('pauses the page while the target is not reading, losing nothing', async () => {
    const { bridge, target } = await setup();
    const { target: t, remote } = await target();
    const ws = await connect(bridge.issue(t).url);
    remote.pause();
    const chunk = Buffer.alloc(256 << 10, 1);
    const total = 128 * chunk.length;
    for (let i = 0; i < 128; i++) ws.send(chunk);
    // The bridge stops reading the WebSocket, so the page's own send buffer holds the rest.
    await waitFor(() => ws.bufferedAmount > 0 && (t.stream as net.Socket).writableNeedDrain, 'both sides full');
    let received = 0;
    remote.on('data', (d: Buffer) => (received += d.length));
    remote.resume();
    await waitFor(() => received === total, 'all bytes upstream', 10_000);
  });

  it('applies control frames: resize, and pause/resume from the page', async () => {
    const { bridge, target } = await setup();
    const sizes: Array<[number, number]> = [];
    const { target: t } = await target({ kind: 'shell', resize: (c, r) => sizes.push([c, r]) });
    const ws = await connect(bridge.issue(t).url);
    ws.send(JSON.stringify({ t: 'resize', cols: 120, rows: 40 }));
    ws.send('not json');
    ws.send(JSON.stringify({ t: 'resize', cols: -1, rows: 40 }));
    ws.send(JSON.stringify({ t: 'pause' }));
    await waitFor(() => sizes.length === 1 && (t.stream as net.Socket).isPaused(), 'resize and pause');
    expect(sizes).toEqual([[120, 40]]);
    ws.send(JSON.stringify({ t: 'resume' }));
    await waitFor(() => !(t.stream as net.Socket).isPaused(), 'resume');
  });

  it('closes everything on dispose', async () => {
    const { bridge, target } = await setup();
    const a = await target();
    const b = await target();
    const ws = await connect(bridge.issue(a.target).url);
    bridge.issue(b.target);
    let bClosed = false;
    b.remote.on('close', () => (bClosed = true));
    const done = closed(ws);
    bridge.dispose();
    expect((await done).code).toBe(CONSOLE_CLOSE.SHUTDOWN);
    await waitFor(() => bClosed && a.target.stream.destroyed, 'targets closed');
    await waitFor(() => bridge.stats.sockets === 0, 'server sockets gone');
    expect(bridge.stats).toEqual({ pending: 0, live: 0, sockets: 0 });
    expect(() => bridge.issue(b.target)).toThrow(/shut down/);
  });
});
