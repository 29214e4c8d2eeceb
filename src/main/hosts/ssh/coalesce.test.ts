import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from './coalesce';

// A real loopback TCP pair: what reaches the kernel is what the SSH socket would send.
let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

async function pair(): Promise<{ client: net.Socket; received: () => Buffer }> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const chunks: Buffer[] = [];
  server.on('connection', (s) => s.on('data', (d: Buffer) => chunks.push(d)));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  client.setNoDelay(true);
  cleanup.push(() => {
    client.destroy();
    server.close();
  });
  return { client, received: () => Buffer.concat(chunks) };
}

describe('coalesceWrites', () => {
  it('sends the writes of one tick as one writev, in order', async () => {
    const { client, received } = await pair();
    coalesceWrites(client);
    const calls: string[] = [];
    const sock = client as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
    const [w, wv] = [sock._write.bind(client), sock._writev.bind(client)];
    sock._write = (...a) => (calls.push('write'), w(...a));
    sock._writev = (chunks, ...a) => (calls.push(`writev ${(chunks as unknown[]).length}`), wv(chunks, ...a));
    client.write(Buffer.from('len!'));
    client.write(Buffer.alloc(32 * 1024, 0x61));
    client.write(Buffer.from('tag-tag-tag-tag!'));
    expect(client.writableCorked).toBe(1);
    expect(calls).toEqual([]);
    await new Promise((r) => process.nextTick(r));
    expect(client.writableCorked).toBe(0);
    expect(calls).toEqual(['writev 3']);
    // The next tick's lone write is not held back behind anything.
    client.write(Buffer.from('k'));
    await new Promise((r) => process.nextTick(r));
    expect(calls).toEqual(['writev 3', 'write']);
    const want = Buffer.concat([Buffer.from('len!'), Buffer.alloc(32 * 1024, 0x61), Buffer.from('tag-tag-tag-tag!k')]);
    await expect.poll(() => received().length).toBe(want.length);
    expect(received().equals(want)).toBe(true);
  });
});
