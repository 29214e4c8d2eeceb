import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Served } from '../serve';
import { silentLogger } from '../util/log';

// `virtdeck serve --metrics` on loopback: GET /metrics behind the same token.
let served: Served;
let plain: Served;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-prom-'));
  served = await serve({ host: '127.0.0.1', port: 0, configDir: path.join(dir, 'a'), staticDir: dir, log: silentLogger, metricsEndpoint: true });
  plain = await serve({ host: '127.0.0.1', port: 0, configDir: path.join(dir, 'b'), staticDir: dir, log: silentLogger });
});
afterAll(async () => {
  await served.close();
  await plain.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Prometheus endpoint', () => {
  it('answers with a bearer token, refuses without', async () => {
    const url = `http://127.0.0.1:${served.port}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${served.token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await ok.text()).toBe(''); // no host connected: no samples yet
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('is off unless asked for', async () => {
    const r = await fetch(`http://127.0.0.1:${plain.port}/metrics`, { headers: { authorization: `Bearer ${plain.token}` } });
    expect(r.status).not.toBe(200);
  });
});
