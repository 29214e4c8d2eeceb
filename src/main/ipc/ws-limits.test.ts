import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EventBus } from './bus';
import { HandlerRegistry, type Handlers } from './registry';
import { WsAdapter, type WsAdapterOptions } from './ws-adapter';
import type { Logger } from '../util/log';

// The WebSocket adapter's protections, on a real socket: half-open clients,
// clients that stop reading, clients that flood calls. The registry holds one
// handler (app.ping) whose answer the test releases, to hold calls in flight.

interface Rig {
  adapter: WsAdapter;
  bus: EventBus;
  url: string;
  warnings: string[];
  release(): void;
  close(): Promise<void>;
}
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function start(opts: WsAdapterOptions): Promise<Rig> {
  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m), child: () => log };
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };
  let gate = deferred();
  const ping = async ({ echo }: { echo?: string }) => {
    if (echo === 'hold') await gate.promise;
    return { echo: echo ?? '', at: Date.now() };
  };
  const handlers = new Proxy({}, { get: (_t, name) => (name === 'app.ping' ? ping : undefined) }) as unknown as Handlers;
  const bus = new EventBus();
  const adapter = new WsAdapter(new HandlerRegistry(handlers, log), bus, log, opts);
  const server: Server = createServer();
  server.on('upgrade', (req, socket, head) => adapter.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    adapter,
    bus,
    url: `ws://127.0.0.1:${port}/ws`,
    warnings,
    release() {
      gate.resolve();
      gate = deferred();
    },
    async close() {
      adapter.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

function connect(url: string, opts: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, ['virtdeck.v1'], opts);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const closed = (ws: WebSocket) => new Promise<void>((r) => (ws.readyState === ws.CLOSED ? r() : ws.once('close', () => r())));

describe('heartbeat', () => {
  it('drops a client that stops answering pings, and its subscriptions with it', async () => {
    rig = await start({ heartbeatMs: 100 });
    const healthy = await connect(rig.url);
    let pings = 0;
    healthy.on('ping', () => pings++);
    // autoPong off: the socket stays open at TCP level but never answers, like a half-open peer.
    const halfOpen = await connect(rig.url, { autoPong: false });
    expect(rig.adapter.sessionCount).toBe(2);
    expect(rig.bus.listenerCount).toBe(2);
    await closed(halfOpen);
    await expect.poll(() => rig!.adapter.sessionCount).toBe(1);
    expect(rig.bus.listenerCount).toBe(1);
    expect(rig.warnings.some((w) => /no answer to the last ping/.test(w))).toBe(true);
    // The client that answers stays, beat after beat.
    await expect.poll(() => pings, { timeout: 5000 }).toBeGreaterThanOrEqual(4);
    expect(healthy.readyState).toBe(WebSocket.OPEN);
    healthy.close();
  });
});

describe('slow clients', () => {
  it('drops a client that stops reading once its unsent bytes pass the cap, and says why', async () => {
    rig = await start({ maxBufferedBytes: 256 << 10 });
    const url = new URL(rig.url);
    // A raw client: handshake, then never read again.
    const sock = net.connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve) => {
      sock.once('connect', () =>
        sock.write(`GET /ws HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: virtdeck.v1\r\n\r\n`),
      );
      sock.once('data', (d) => {
        expect(d.toString()).toMatch(/^HTTP\/1\.1 101/);
        sock.pause();
        resolve();
      });
    });
    sock.on('error', () => {});
    await expect.poll(() => rig!.adapter.sessionCount).toBe(1);
    const chunk = 'x'.repeat(64 << 10);
    // Kernel buffers take the first few MB; then the adapter's own buffer grows to the cap.
    for (let i = 0; i < 4000 && rig.adapter.sessionCount > 0; i++) {
      rig.bus.emit('app.notified', { id: `n${i}`, level: 'info', title: chunk, at: i });
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await expect.poll(() => rig!.adapter.sessionCount).toBe(0);
    expect(rig.bus.listenerCount).toBe(0);
    expect(rig.warnings.find((w) => /stopped reading/.test(w))).toMatch(/bytes unsent \(over 262144\)/);
    sock.destroy();
  });
});

describe('calls in flight', () => {
  it('refuses calls past the cap with BUSY, and accepts again once answers went out', async () => {
    rig = await start({ maxCallsInFlight: 4 });
    const ws = await connect(rig.url);
    const results = new Map<number, { ok: boolean; error?: { code: string } }>();
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.t === 'result') results.set(m.id, m.result);
    });
    for (let id = 1; id <= 6; id++) ws.send(JSON.stringify({ t: 'call', id, name: 'app.ping', input: { echo: 'hold' } }));
    await expect.poll(() => results.size).toBe(2);
    expect(results.get(5)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    expect(results.get(6)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    rig.release();
    await expect.poll(() => results.size).toBe(6);
    for (let id = 1; id <= 4; id++) expect(results.get(id)).toMatchObject({ ok: true, value: { echo: 'hold' } });
    ws.send(JSON.stringify({ t: 'call', id: 7, name: 'app.ping', input: { echo: 'again' } }));
    await expect.poll(() => results.get(7)).toMatchObject({ ok: true, value: { echo: 'again' } });
    ws.close();
  });
});
