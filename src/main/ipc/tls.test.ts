import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { wsProtocols } from '../../shared/ipc/access';
import { serve } from '../serve';
import { silentLogger } from '../util/log';
import { selfSignedTls, tlsFromFiles, unusable } from './tls';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('self-signed certificate', () => {
  it('is made once, kept private in the config dir, and keeps its fingerprint across restarts', async () => {
    const cfg = path.join(dir, 'a');
    const first = await selfSignedTls(cfg, ['localhost', '127.0.0.1', '::1', 'vd.example'], silentLogger);
    expect(first.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(statSync(path.join(cfg, 'tls', 'serve-key.pem')).mode & 0o777).toBe(0o600);
    const x = new X509Certificate(readFileSync(path.join(cfg, 'tls', 'serve-cert.pem')));
    expect(x.checkHost('vd.example')).toBe('vd.example');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.checkIP('::1')).toBe('::1');
    const again = await selfSignedTls(cfg, ['localhost', 'vd.example'], silentLogger);
    expect(again.fingerprint).toBe(first.fingerprint);
  });

  it('is made again when it does not cover a name we now answer to, and says why', async () => {
    const cfg = path.join(dir, 'b');
    const first = await selfSignedTls(cfg, ['localhost'], silentLogger);
    const warned: string[] = [];
    const log = { ...silentLogger, warn: (m: string) => warned.push(m) };
    const second = await selfSignedTls(cfg, ['localhost', 'new.example'], log);
    expect(second.fingerprint).not.toBe(first.fingerprint);
    expect(warned.join('\n')).toMatch(/does not name new\.example/);
  });

  it('knows a certificate about to expire, or a key that is not its own', async () => {
    const a = await selfSignedTls(path.join(dir, 'c'), ['localhost'], silentLogger);
    const b = await selfSignedTls(path.join(dir, 'd'), ['localhost'], silentLogger);
    expect(unusable(a.cert, a.key, ['localhost'])).toBeNull();
    expect(unusable(a.cert, b.key, ['localhost'])).toMatch(/does not match/);
    expect(unusable(a.cert, a.key, ['localhost'], Date.now() + 824 * 24 * 3600_000)).toMatch(/expires/);
    expect(unusable('garbage', a.key, [])).toMatch(/unreadable/);
  });

  it('refuses a --tls-cert/--tls-key pair that does not belong together', async () => {
    const a = await selfSignedTls(path.join(dir, 'e'), ['localhost'], silentLogger);
    const b = await selfSignedTls(path.join(dir, 'f'), ['localhost'], silentLogger);
    writeFileSync(path.join(dir, 'cert.pem'), a.cert);
    writeFileSync(path.join(dir, 'key.pem'), b.key);
    await expect(tlsFromFiles(path.join(dir, 'cert.pem'), path.join(dir, 'key.pem'))).rejects.toThrow(/do not make a usable pair/);
    writeFileSync(path.join(dir, 'key.pem'), a.key);
    await expect(tlsFromFiles(path.join(dir, 'cert.pem'), path.join(dir, 'key.pem'))).resolves.toMatchObject({ fingerprint: a.fingerprint });
  });
});

describe('serve over HTTPS', () => {
  it('serves the UI and the WebSocket with the certificate whose fingerprint it reports', async () => {
    const cfg = path.join(dir, 'serve');
    const tls = await selfSignedTls(cfg, ['localhost', '127.0.0.1'], silentLogger);
    const ui = path.join(dir, 'ui');
    rmSync(ui, { recursive: true, force: true });
    mkdirSync(ui);
    writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>tls ui</title>');
    const served = await serve({ host: '127.0.0.1', port: 0, configDir: cfg, staticDir: ui, log: silentLogger, tls });
    try {
      expect(served.url).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${served.port}/#token=`));
      expect(served.fingerprint).toBe(tls.fingerprint);
      // Trust exactly this certificate, as a user who compared the fingerprint does.
      const seen = await new Promise<{ status: number; body: string; fingerprint: string }>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port: served.port, path: '/', ca: tls.cert, agent: false }, (res) => {
            const fingerprint = (res.socket as TLSSocket).getPeerX509Certificate()!.fingerprint256;
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, fingerprint }));
          })
          .on('error', reject);
      });
      expect(seen).toMatchObject({ status: 200, fingerprint: served.fingerprint });
      expect(seen.body).toContain('tls ui');
      const ws = new WebSocket(`wss://127.0.0.1:${served.port}/ws`, wsProtocols(served.token), { ca: tls.cert, origin: served.origin });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const reply = await new Promise<{ ok: boolean }>((resolve) => {
        ws.on('message', (d) => {
          const m = JSON.parse(d.toString());
          if (m.t === 'result') resolve(m.result);
        });
        ws.send(JSON.stringify({ t: 'call', id: 1, name: 'app.ping', input: { echo: 'over tls' } }));
      });
      expect(reply).toMatchObject({ ok: true, value: { echo: 'over tls' } });
      ws.close();
    } finally {
      await served.close();
    }
  });
});
