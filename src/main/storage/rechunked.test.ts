import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StreamItem } from '../libvirt/rpc/stream';
import { Rechunked } from './rechunked';

async function* pieces(items: Array<Buffer | StreamItem>): AsyncGenerator<Buffer | StreamItem> {
  for (const i of items) yield i;
}
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('Rechunked', () => {
  it('re-cuts small pieces into full views of its few buffers, holes in place', async () => {
    const a = randomBytes(250);
    const b = randomBytes(130);
    const src = new Rechunked(pieces([a.subarray(0, 70), a.subarray(70), { hole: 4096 }, b]), { chunk: 100, buffers: 2 });
    const got: Array<Buffer | StreamItem> = [];
    const memory = new Set<ArrayBufferLike>();
    for await (const x of src) {
      if (Buffer.isBuffer(x)) {
        memory.add(x.buffer);
        got.push(Buffer.from(x)); // a copy: the view's memory is reused once dropped
        src.dropView(x);
      } else got.push(x);
    }
    const lens = got.map((x) => (Buffer.isBuffer(x) ? x.length : `hole ${x.hole}`));
    expect(lens).toEqual([100, 100, 50, 'hole 4096', 100, 30]);
    const data = got.filter((x): x is Buffer => Buffer.isBuffer(x));
    expect(Buffer.concat(data.slice(0, 3)).equals(a)).toBe(true);
    expect(Buffer.concat(data.slice(3)).equals(b)).toBe(true);
    expect(memory.size).toBe(2);
  });

  it('waits for a drop before it refills a buffer; stopReading() ends the wait', async () => {
    const data = randomBytes(400);
    const src = new Rechunked(pieces([data]), { chunk: 100, buffers: 2 });
    const it = src[Symbol.asyncIterator]();
    const first = (await it.next()).value as Buffer;
    const second = (await it.next()).value as Buffer;
    expect(second.equals(data.subarray(100, 200))).toBe(true);
    let third: Buffer | undefined;
    const pending = it.next().then((r) => (third = r.value as Buffer | undefined));
    await settle();
    expect(third).toBeUndefined(); // both buffers are held
    expect(first.equals(data.subarray(0, 100))).toBe(true); // and not overwritten
    src.dropView(first);
    await pending;
    expect(third?.equals(data.subarray(200, 300))).toBe(true);
    expect(third?.buffer).toBe(first.buffer);
    const waiting = it.next(); // needs the second buffer, still held
    src.stopReading();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });
});
