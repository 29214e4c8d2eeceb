import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalTransport, openLocal } from './local';

// This machine as a host, with real processes and real sockets (a unix
// socket server stands in for libvirtd's; the byte stream is all we test).

const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-local-'));
const sock = path.join(dir, 'libvirt-sock');
const echo = net.createServer((c) => c.pipe(c));
const tcp = net.createServer((c) => c.end('HELLO\n'));
const ready = Promise.all([
  new Promise<void>((r) => echo.listen(sock, r)),
  new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r)),
]);
afterAll(async () => {
  await new Promise((r) => echo.close(r));
  await new Promise((r) => tcp.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const target = { transport: 'local' as const, socketPath: sock, libvirtPath: 'system' as const };
const first = (s: Duplex) => new Promise<string>((r) => s.once('data', (d: Buffer) => r(d.toString())));

describe('LocalTransport', () => {
  it('runs argv without a shell', async () => {
    const t = new LocalTransport('local', target);
    const marker = path.join(dir, 'pwned');
    const r = await t.exec(['printf', '%s', `$(touch ${marker}) it's "x"`]);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout.toString()).toBe(`$(touch ${marker}) it's "x"`);
    expect(existsSync(marker)).toBe(false);
    expect((await t.exec(['cat'], { stdin: 'in' })).stdout.toString()).toBe('in');
    expect(await t.exec(['sh', '-c', 'exit 4'])).toMatchObject({ code: 4 });
    await expect(t.exec(['/nonexistent/binary'])).rejects.toThrow(/cannot run/);
    await expect(t.exec(['sleep', '30'], { timeoutMs: 100 })).rejects.toMatchObject({ error: { code: 'TIMEOUT' } });
  });

  it('streams: libvirt socket, spawn, forwards; shell is refused', async () => {
    await ready;
    const t = new LocalTransport('local', target);
    const lv = await t.openLibvirtStream('system');
    lv.write('ping');
    expect(await first(lv)).toBe('ping');
    const cat = await t.spawn(['cat']);
    cat.write('meow');
    expect(await first(cat)).toBe('meow');
    const port = (tcp.address() as net.AddressInfo).port;
    expect(await first(await t.forwardTcp('127.0.0.1', port))).toBe('HELLO\n');
    const unix = await t.forwardUnix(sock);
    unix.write('u');
    expect(await first(unix)).toBe('u');
    await expect(t.shell()).rejects.toMatchObject({ error: { code: 'UNSUPPORTED' } });
    t.close();
    expect(lv.destroyed && unix.destroyed).toBe(true);
    expect(await cat.exitCode()).toBeNull(); // killed by close()
    await expect(t.exec(['true'])).rejects.toMatchObject({ error: { code: 'NOT_CONNECTED' } });
  });

  it('openLocal probes the socket and explains a missing one', async () => {
    await ready;
    const link = await openLocal('local', target);
    expect(link.transport.kind).toBe('local');
    link.close();
    await expect(openLocal('local', { ...target, socketPath: path.join(dir, 'none') })).rejects.toMatchObject({ message: expect.stringMatching(/^socket not found/) });
  });
});
