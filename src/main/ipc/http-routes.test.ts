import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../util/log';
import { tokenAuthenticator } from './auth';
import { HttpFront } from './http-server';

// HttpFront's route table on a real loopback socket: prefix routes, the
// ticket-only scope (null), and refused uploads closing instead of draining.

const token = 'route-test-token-0123456789abcdef';
let front: HttpFront;
let origin: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-routes-'));
  front = new HttpFront({ host: '127.0.0.1', port: 0, staticDir: dir, log: silentLogger, auth: tokenAuthenticator({ control: token }) });
  front.addRoute({ path: '/up/', methods: ['PUT'], scope: 'control', handle: (req, res, { url, grant }) => void req.resume().on('end', () => res.end(`${url.pathname} ${grant?.scope}`)) });
  front.addRoute({ path: '/down/', scope: null, handle: (_req, res, { url, grant }) => void res.end(`${url.pathname} ${String(grant)}`) });
  front.addRoute({ path: '/exact', scope: 'control', handle: (_req, res) => void res.end('exact') });
  origin = `http://127.0.0.1:${(await front.listen()).port}`;
});

afterAll(async () => {
  await front?.close();
  rmSync(dir, { recursive: true, force: true });
});

function send(method: string, p: string, opts: { auth?: boolean; body?: Buffer } = {}): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(opts.auth ? { Authorization: `Bearer ${token}` } : {}), ...(opts.body ? { 'Content-Length': opts.body.length } : {}) };
    const req = http.request(`${origin}${p}`, { method, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('HttpFront routes', () => {
  it('a path ending in / takes everything under it; an exact path only itself', async () => {
    expect(await send('PUT', '/up/abc', { auth: true, body: Buffer.from('x') })).toMatchObject({ status: 200, body: '/up/abc control' });
    expect((await send('GET', '/exact', { auth: true })).body).toBe('exact');
    expect((await send('GET', '/exact/more', { auth: true })).status).not.toBe(200);
  });

  it('a scoped route wants the credential; a ticket-only route (scope null) is reached without one', async () => {
    expect((await send('PUT', '/up/abc', { body: Buffer.from('x') })).status).toBe(401);
    expect(await send('GET', '/down/t1')).toMatchObject({ status: 200, body: '/down/t1 null' });
  });

  it('answers a refused upload with Connection: close rather than reading the body', async () => {
    const r = await send('PUT', '/up/abc', { body: Buffer.alloc(64 * 1024) });
    expect(r.status).toBe(401);
    expect(r.connection).toBe('close');
    expect((await send('POST', '/down/t1', { body: Buffer.from('x') })).status).toBe(405);
  });
});
