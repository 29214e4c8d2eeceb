import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { checkTokenOverHttp, WsBridge, type WsBridgeDeps } from '../../renderer/app/transport';
import { serve, type Served } from '../serve';
import { silentLogger } from '../util/log';

// Both ends of serve mode's transport: the page's WsBridge (given Node's `ws`
// as its WebSocket, the one browser API it needs) against the real serve
// stack. What matters: a call reported as failed never reaches a core later.

const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-transport-'));
const TOKEN = 'transport-test-token-0123456789ab';
const started: Served[] = [];
const bridges: WsBridge[] = [];
afterEach(async () => {
  bridges.splice(0).forEach((b) => b.dispose());
  for (const s of started.splice(0)) await s.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function core(port = 0, token = TOKEN): Promise<Served & { calls: string[] }> {
  const s = await serve({ host: '127.0.0.1', port, configDir: path.join(dir, `cfg-${started.length}-${port}`), staticDir: dir, log: silentLogger, token });
  started.push(s);
  // Every call that reaches this core, as "name:echo".
  const calls: string[] = [];
  const dispatch = s.core.registry.dispatch.bind(s.core.registry);
  s.core.registry.dispatch = (name, input, ctx) => {
    calls.push(`${String(name)}:${(input as { echo?: string })?.echo ?? ''}`);
    return dispatch(name, input, ctx);
  };
  return Object.assign(s, { calls });
}

function bridge(port: number, token: string | null | Promise<string | null>, extra: Partial<WsBridgeDeps> = {}): WsBridge {
  const b = new WsBridge(`ws://127.0.0.1:${port}/ws`, token, {
    WebSocket: WebSocket as unknown as WsBridgeDeps['WebSocket'],
    checkToken: (t) => checkTokenOverHttp(`http://127.0.0.1:${port}`, t),
    retry: { firstMs: 50, maxMs: 200 },
    ...extra,
  });
  bridges.push(b);
  return b;
}

describe('the page’s WebSocket transport', () => {
  it('calls the core with the token offered as a subprotocol', async () => {
    const c = await core();
    const b = bridge(c.port, TOKEN);
    // Made before the socket opened: waits for it, then goes out once.
    const early = b.invoke('app.ping', { echo: 'early' });
    await expect(early).resolves.toMatchObject({ ok: true, value: { echo: 'early' } });
    expect(b.state).toBe('open');
    expect(c.calls).toEqual(['app.ping:early']);
  });

  it('never replays: calls failed while connecting, closed or in flight never reach a later core', async () => {
    const first = await core();
    const port = first.port;
    const b = bridge(port, TOKEN);
    await expect(b.invoke('app.ping', { echo: 'ok' })).resolves.toMatchObject({ ok: true });

    // In flight when the core goes away: reported as lost, outcome unknown.
    const dispatch = first.core.registry.dispatch.bind(first.core.registry);
    first.core.registry.dispatch = (name, input, ctx) => {
      const answer = dispatch(name, input, ctx); // recorded
      return (input as { echo?: string })?.echo === 'hold' ? new Promise(() => {}) : answer;
    };
    const inFlight = b.invoke('app.ping', { echo: 'hold' });
    await expect.poll(() => first.calls.includes('app.ping:hold')).toBe(true);
    await first.close();
    started.splice(started.indexOf(first), 1);
    await expect(inFlight).resolves.toMatchObject({ ok: false, error: { code: 'HOST_UNREACHABLE', message: expect.stringMatching(/may or may not have happened/) } });

    // A listener that accepts TCP but never completes the handshake keeps the next attempt "connecting".
    const sockets = new Set<net.Socket>();
    const tarpit = net.createServer((s) => sockets.add(s.on('error', () => {})));
    await new Promise<void>((r) => tarpit.listen(port, '127.0.0.1', r));
    await expect.poll(() => b.state).toBe('connecting');
    await expect.poll(() => sockets.size).toBeGreaterThan(0);
    const whileConnecting = b.invoke('app.ping', { echo: 'force-off-while-connecting' });
    // Stop listening (close() waits for open connections), then drop the half-made handshakes.
    const tarpitClosed = new Promise<void>((r) => tarpit.close(() => r()));
    sockets.forEach((s) => s.destroy());
    await tarpitClosed;
    await expect(whileConnecting).resolves.toMatchObject({ ok: false, error: { code: 'NOT_CONNECTED', message: expect.stringMatching(/nothing was sent/) } });

    // Closed and retrying: refused at once.
    await expect.poll(() => b.state).toBe('closed');
    await expect(b.invoke('app.ping', { echo: 'while-closed' })).resolves.toMatchObject({ ok: false, error: { code: 'NOT_CONNECTED' } });

    // The core comes back on the same port with the same token: the bridge reconnects…
    const second = await core(port);
    await expect.poll(() => b.state, { timeout: 10_000 }).toBe('open');
    await expect(b.invoke('app.ping', { echo: 'after' })).resolves.toMatchObject({ ok: true });
    // …and only the new call ever arrived there.
    expect(second.calls).toEqual(['app.ping:after']);
  });

  it('stops retrying and says "unauthorized" when the core refuses the token, then takes a new one', async () => {
    const c = await core();
    let refused = 0;
    const b = bridge(c.port, 'a-token-this-core-never-made', { onRefused: () => refused++ });
    await expect.poll(() => b.state).toBe('unauthorized');
    expect(refused).toBe(1);
    await expect(b.invoke('app.ping', { echo: 'x' })).resolves.toMatchObject({ ok: false, error: { code: 'NOT_CONNECTED', message: expect.stringMatching(/no valid access token/) } });
    b.setToken(TOKEN);
    await expect.poll(() => b.state).toBe('open');
    await expect(b.invoke('app.ping', { echo: 'y' })).resolves.toMatchObject({ ok: true });
    expect(c.calls).toEqual(['app.ping:y']);
  });

  it('waits for a token that is still being asked for, and refuses calls when none comes', async () => {
    const c = await core();
    let give!: (t: string | null) => void;
    const b = bridge(c.port, new Promise<string | null>((r) => (give = r)));
    expect(b.state).toBe('connecting');
    const early = b.invoke('app.ping', { echo: 'waited' });
    give(TOKEN);
    await expect(early).resolves.toMatchObject({ ok: true, value: { echo: 'waited' } });

    const none = bridge(c.port, Promise.resolve<string | null>(null));
    await expect.poll(() => none.state).toBe('unauthorized');
  });
});
