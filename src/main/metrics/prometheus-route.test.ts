import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serve, type Served } from '../serve';
import { silentLogger } from '../util/log';

// `virtdeck serve --metrics` on loopback: GET /metrics behind the read-only scrape token.
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
  it('answers the scrape token, refuses without, and refuses the full-control token', async () => {
    const url = `http://127.0.0.1:${served.port}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    expect(served.scrapeToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(served.scrapeToken).not.toBe(served.token);
    // A scraper's config is not where the key to every host should live.
    expect((await fetch(url, { headers: { authorization: `Bearer ${served.token}` } })).status).toBe(403);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${served.scrapeToken}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await ok.text()).toBe(''); // no host connected: no samples yet
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('keeps the scrape token in the config dir, the same across restarts, and lets it do nothing else', async () => {
    const file = path.join(dir, 'a', 'metrics-token');
    expect(served.scrapeTokenFile).toBe(file);
    expect(readFileSync(file, 'utf8').trim()).toBe(served.scrapeToken);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await serve({ host: '127.0.0.1', port: 0, configDir: path.join(dir, 'a2'), staticDir: dir, log: silentLogger, metricsEndpoint: true, scrapeTokenFile: file });
    try {
      expect(again.scrapeToken).toBe(served.scrapeToken);
    } finally {
      await again.close();
    }
    const auth = { authorization: `Bearer ${served.scrapeToken}` };
    expect((await fetch(`http://127.0.0.1:${served.port}/api/session`, { headers: auth })).status).toBe(403);
    const ws = await new Promise<number>((resolve) => {
      const s = new WebSocket(`ws://127.0.0.1:${served.port}/ws`, { headers: auth, origin: `http://127.0.0.1:${served.port}` });
      s.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      s.once('open', () => resolve(101));
      s.once('error', () => {});
    });
    expect(ws).toBe(403);
  });

  it('is off unless asked for', async () => {
    const r = await fetch(`http://127.0.0.1:${plain.port}/metrics`, { headers: { authorization: `Bearer ${plain.token}` } });
    expect(r.status).not.toBe(200);
  });
});
