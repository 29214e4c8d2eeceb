import http from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { wsProtocols } from '../../shared/ipc/access';
import { serve, type Served } from '../serve';
import { silentLogger } from '../util/log';

// The real serve stack on loopback: HTTP front + WsAdapter + HandlerRegistry.
let served: Served;
let origin: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-ws-'));
  const staticDir = path.join(dir, 'ui');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ui</title>');
  served = await serve({ host: '127.0.0.1', port: 0, configDir: path.join(dir, 'cfg'), staticDir, log: silentLogger });
  origin = `http://127.0.0.1:${served.port}`;
});
afterAll(() => served.close());

/** As the page opens it: the token offered as a subprotocol (browsers can't set headers on a handshake). */
function open(opts: { token?: string | null; origin?: string; via?: 'subprotocol' | 'header' | 'query' | 'cookie' } = {}): Promise<WebSocket> {
  const token = opts.token === undefined ? served.token : opts.token;
  const via = opts.via ?? 'subprotocol';
  const query = token && via === 'query' ? `?token=${encodeURIComponent(token)}` : '';
  const headers: Record<string, string> = {};
  if (token && via === 'header') headers.authorization = `Bearer ${token}`;
  if (token && via === 'cookie') headers.cookie = `vd_token=${token}`;
  const protocols = token && via === 'subprotocol' ? wsProtocols(token) : [];
  const ws = new WebSocket(`ws://127.0.0.1:${served.port}/ws${query}`, protocols, { origin: opts.origin ?? origin, headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, name: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  return new Promise((resolve) => {
    const onMsg = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString());
      if (m.t === 'result' && m.id === id) {
        ws.off('message', onMsg);
        resolve(m.result);
      }
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ t: 'call', id, name, input }));
  });
}

const closed = (ws: WebSocket) => new Promise<void>((r) => (ws.readyState === ws.CLOSED ? r() : ws.once('close', () => r())));

describe('contract over the WebSocket adapter', () => {
  it('round-trips a call', async () => {
    const ws = await open();
    const r = await call(ws, 1, 'app.ping', { echo: 'héllo "$(x)"' });
    expect(r).toMatchObject({ ok: true, value: { echo: 'héllo "$(x)"' } });
    const info = await call(ws, 2, 'app.info', {});
    expect(info).toMatchObject({ ok: true, value: { name: 'VirtDeck', mode: 'serve' } });
    ws.close();
  });

  it('answers invalid input with a typed validation error', async () => {
    const ws = await open();
    const r = await call(ws, 1, 'app.ping', { echo: 42 });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('VALIDATION');
    expect(r.error?.message).toMatch(/echo/);
    const extra = await call(ws, 2, 'app.ping', { echo: 'x', sneaky: true });
    expect(extra.error?.code).toBe('VALIDATION');
    ws.close();
  });

  it('refuses an unknown call', async () => {
    const ws = await open();
    const r = await call(ws, 1, 'fs.readFile', { path: '/etc/shadow' });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
    const proto = await call(ws, 2, '__proto__', {});
    expect(proto.error?.code).toBe('UNKNOWN_CALL');
    ws.close();
  });

  it('answers malformed frames without dropping the socket', async () => {
    const ws = await open();
    // Host events may arrive too (this machine's libvirt): wait for the error frame itself.
    const reply = new Promise<{ t: string }>((r) =>
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.t === 'error') r(m);
      }),
    );
    ws.send('not json');
    expect((await reply).t).toBe('error');
    expect((await call(ws, 3, 'app.ping', { echo: 'still here' })).ok).toBe(true);
    ws.close();
  });

  it('disposes subscriptions when the socket closes', async () => {
    // Earlier tests' sockets close asynchronously: start from a quiet server.
    await expect.poll(() => served.ws.sessionCount).toBe(0);
    const before = served.core.bus.listenerCount;
    const sockets = await Promise.all([open(), open(), open()]);
    expect(served.ws.sessionCount).toBe(3);
    expect(served.core.bus.listenerCount).toBe(before + 3);
    // Events reach every open socket…
    const got = Promise.all(sockets.map((s) => new Promise((r) => s.once('message', (d) => r(JSON.parse(d.toString()))))));
    served.core.bus.emit('app.notified', { id: 'n1', level: 'info', title: 'hello', at: 1 });
    expect(await got).toEqual(sockets.map(() => ({ t: 'event', name: 'app.notified', payload: { id: 'n1', level: 'info', title: 'hello', at: 1 } })));
    // …and closing them releases every listener they held.
    sockets.forEach((s) => s.close());
    await Promise.all(sockets.map(closed));
    await expect.poll(() => served.core.bus.listenerCount).toBe(before);
    expect(served.ws.subscriptionCount).toBe(0);
  });

  it('refuses a socket without the token, with a wrong token, or from another origin', async () => {
    await expect(open({ token: null })).rejects.toThrow(/401/);
    await expect(open({ token: 'nope' })).rejects.toThrow(/401/);
    await expect(open({ origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });
});

describe('the credential on the handshake', () => {
  it('takes the token as a subprotocol and never echoes it', async () => {
    const ws = await open();
    expect(ws.protocol).toBe('virtdeck.v1');
    ws.close();
  });

  it('takes it as a bearer header (Node clients, scripts)', async () => {
    const ws = await open({ via: 'header' });
    expect((await call(ws, 1, 'app.ping', { echo: 'hdr' })).ok).toBe(true);
    ws.close();
  });

  it('never reads it from a cookie or the URL', async () => {
    // A cookie for 127.0.0.1 reaches every port on it; a URL lands in logs and histories.
    await expect(open({ via: 'cookie' })).rejects.toThrow(/401/);
    await expect(open({ via: 'query' })).rejects.toThrow(/401/);
  });
});

describe('HTTP front', () => {
  it('serves the UI without a credential and sets no cookie', async () => {
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await page.text()).toContain('<title>ui</title>');
    // A client-side route falls back to the shell; a missing asset does not.
    expect((await fetch(`${origin}/hosts/x`)).status).toBe(200);
    expect((await fetch(`${origin}/missing.js`)).status).toBe(404);
  });

  it('answers the session check only to the control token', async () => {
    expect((await fetch(`${origin}/api/session`)).status).toBe(401);
    expect((await fetch(`${origin}/api/session`, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status).toBe(401);
    const ok = await fetch(`${origin}/api/session`, { headers: { authorization: `Bearer ${served.token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ scope: 'control' });
    expect((await fetch(`${origin}/api/nothing-here`, { headers: { authorization: `Bearer ${served.token}` } })).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    // fetch() won't forge Host; a raw request does, as a rebinding page's would arrive.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: served.port, path: '/', headers: { host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
    });
    expect(status).toBe(421);
  });

  it('does not serve files outside the UI directory', async () => {
    // Sent verbatim (fetch would normalise the dots away before they reach us).
    const get = (p: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: served.port, path: p }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });
    for (const p of ['/..%2f..%2fetc%2fpasswd', '/..%2F..%2Fetc%2Fpasswd', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..\\..\\etc\\passwd']) {
      const r = await get(p);
      expect(r.body).not.toContain('root:');
      expect([400, 403, 404, 200]).toContain(r.status);
      if (r.status === 200) expect(r.body).toContain('<title>ui</title>'); // the app shell, nothing else
    }
  });
});
