import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

// A real `virtdeck serve` process (the CLI under tsx, so no build is needed)
// gets a corpus of malformed HTTP requests and WebSocket upgrades on raw
// sockets. Each must be answered (or the socket closed) without ending the
// process, which must still answer app.ping afterwards.

const ROOT = path.resolve(__dirname, '../../..');
let proc: ChildProcess;
let port: number;
let token: string;
let dir: string;
let stderr = '';

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-corpus-'));
  const ui = path.join(dir, 'ui');
  mkdirSync(ui);
  writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>ui</title>');
  // stat() calls this a regular file of size 0; reading it fails (EIO): a read error after stat.
  symlinkSync('/proc/self/mem', path.join(ui, 'unreadable.txt'));
  writeFileSync(path.join(dir, 'known_hosts'), '');
  proc = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main/cli.ts', 'serve', '--port', '0', '--config-dir', path.join(dir, 'cfg'), '--static-dir', ui, '--known-hosts', path.join(dir, 'known_hosts'), '--ssh-config', '/dev/null'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const printed = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving at (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing its URL:\n${stderr}`)));
  });
  const u = new URL(printed);
  port = Number(u.port);
  token = new URLSearchParams(u.hash.slice(1)).get('token') ?? u.searchParams.get('token')!;
}, 60_000);

afterAll(async () => {
  if (proc.exitCode === null) {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Sends raw bytes; resolves with whatever came back before the server closed (or 3 s of silence). */
function raw(bytes: string, opts: { reset?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    const done = () => {
      clearTimeout(timer);
      resolve(got);
    };
    const timer = setTimeout(() => {
      s.destroy();
      done();
    }, 3000);
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', done);
    s.on('close', done);
    s.write(bytes, () => {
      if (opts.reset) s.resetAndDestroy();
    });
  });
}

// Connection: close lets each exchange end when the server has answered.
const host = () => `Host: 127.0.0.1:${port}\r\nConnection: close\r\n`;
const upgrade = (target: string, extra = '') =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

const statusOf = (reply: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);

describe('serve survives malformed input', () => {
  const corpus: Array<{ name: string; bytes: () => string; expect?: number[]; reset?: boolean }> = [
    { name: 'cookie with a lone %', bytes: () => `GET / HTTP/1.1\r\n${host()}Cookie: vd_token=%\r\n\r\n` },
    { name: 'cookie with bad UTF-8 escapes', bytes: () => `GET /x HTTP/1.1\r\n${host()}Cookie: a=%E0%A4%A; vd_token=%ff%fe\r\n\r\n` },
    { name: 'unterminated IPv6 request-target', bytes: () => `GET http://[::1 HTTP/1.1\r\n${host()}\r\n`, expect: [400] },
    { name: 'absolute-form target with a bad port', bytes: () => `GET http://127.0.0.1:99999/ HTTP/1.1\r\n${host()}\r\n`, expect: [400, 421] },
    { name: 'bad percent-encoding in the path', bytes: () => `GET /%E0%A4%A HTTP/1.1\r\n${host()}\r\n`, expect: [400] },
    { name: 'NUL in the path', bytes: () => `GET /index.html%00.js HTTP/1.1\r\n${host()}\r\n`, expect: [400, 403, 404] },
    { name: 'token query with a lone %', bytes: () => `GET /?token=% HTTP/1.1\r\n${host()}\r\n` },
    { name: 'a file that fails to read after stat', bytes: () => `GET /unreadable.txt HTTP/1.1\r\n${host()}\r\n` },
    { name: 'no Host header', bytes: () => 'GET / HTTP/1.0\r\n\r\n', expect: [400, 421] },
    { name: 'foreign Host header', bytes: () => 'GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n', expect: [421] },
    { name: 'odd method with a body', bytes: () => `PROPFIND / HTTP/1.1\r\n${host()}Content-Length: 5\r\n\r\nhello` },
    { name: 'garbage request line', bytes: () => '\x00\x01\x02 nonsense\r\n\r\n', expect: [400] },
    { name: 'header line without a colon', bytes: () => `GET / HTTP/1.1\r\n${host()}NoColonHere\r\n\r\n`, expect: [400] },
    { name: 'oversized header', bytes: () => `GET / HTTP/1.1\r\n${host()}X-Big: ${'a'.repeat(70_000)}\r\n\r\n`, expect: [431, 400] },
    { name: 'oversized bearer token', bytes: () => `GET /metrics HTTP/1.1\r\n${host()}Authorization: Bearer ${'A'.repeat(8000)}\r\n\r\n` },
    { name: 'request cut off mid-headers', bytes: () => `GET / HTTP/1.1\r\n${host()}X-Half: `, reset: true },
    { name: 'upgrade with an unterminated IPv6 target', bytes: () => upgrade('http://[::1'), expect: [400] },
    { name: 'upgrade with bad percent-encoding', bytes: () => upgrade('/ws/%E0%A4%A'), expect: [400, 401, 404] },
    { name: 'upgrade with a lone % cookie', bytes: () => upgrade('/ws', 'Cookie: vd_token=%\r\n'), expect: [401] },
    { name: 'upgrade with a malformed Origin', bytes: () => upgrade('/ws', 'Origin: %%%\r\n'), expect: [403] },
    { name: 'upgrade with garbage subprotocols', bytes: () => upgrade('/ws', 'Sec-WebSocket-Protocol: ,, ;;\r\n'), expect: [400, 401] },
    { name: 'upgrade to a console with a lone %', bytes: () => upgrade('/console/%'), expect: [400, 403] },
    { name: 'upgrade to an unknown path, then a reset', bytes: () => upgrade('/nowhere'), reset: true },
    { name: 'upgrade with a bad WebSocket version', bytes: () => upgrade('/ws', 'Authorization: Bearer x\r\n').replace('Version: 13', 'Version: 7'), expect: [400, 401] },
  ];

  for (const c of corpus) {
    it(`answers: ${c.name}`, async () => {
      const reply = await raw(c.bytes(), { reset: c.reset });
      // A well-formed request right after proves the process lived through it.
      expect(statusOf(await raw(`GET / HTTP/1.1\r\n${host()}\r\n`)), stderr).toBe(200);
      if (c.expect) expect(c.expect).toContain(statusOf(reply));
      else if (!c.reset && reply) expect(statusOf(reply)).toBeGreaterThanOrEqual(200);
    });
  }

  it('still answers app.ping after the whole corpus', async () => {
    expect(proc.exitCode, stderr).toBeNull();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['virtdeck.v1', `virtdeck.token.${token}`], {
      origin: `http://127.0.0.1:${port}`,
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const reply = await new Promise<{ ok: boolean; value?: unknown }>((resolve) => {
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.t === 'result' && m.id === 1) resolve(m.result);
      });
      ws.send(JSON.stringify({ t: 'call', id: 1, name: 'app.ping', input: { echo: 'alive' } }));
    });
    expect(reply).toMatchObject({ ok: true, value: { echo: 'alive' } });
    ws.close();
  });
});
