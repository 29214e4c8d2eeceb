import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileChunks } from './file-chunks';

// A real file in a temporary directory; the point is when buffers are refilled.
let dir = '';
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));
function file(bytes: Buffer): string {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-chunks-'));
  const p = path.join(dir, 'f.img');
  writeFileSync(p, bytes);
  return p;
}
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('FileChunks', () => {
  it('yields the whole file in order through its few buffers', async () => {
    const data = randomBytes(10 * 1000 + 123);
    const src = new FileChunks(file(data), { chunk: 1000, buffers: 2 });
    const got: Buffer[] = [];
    const memory = new Set<ArrayBufferLike>();
    for await (const b of src) {
      got.push(Buffer.from(b));
      memory.add(b.buffer);
      src.dropView(b);
    }
    expect(Buffer.concat(got).equals(data)).toBe(true);
    expect(got.map((b) => b.length)).toEqual([...Array(10).fill(1000), 123]);
    expect(memory.size).toBe(2);
  });

  it('refills a buffer only when no hold on it is left', async () => {
    const data = randomBytes(4 * 100);
    const src = new FileChunks(file(data), { chunk: 100, buffers: 2 });
    const it = src[Symbol.asyncIterator]();
    const first = (await it.next()).value as Buffer;
    const kept = first.subarray(10, 20);
    src.holdView(kept); // e.g. a data run being gathered
    src.dropView(first);
    src.holdView(Buffer.alloc(5)); // other memory: ignored
    const second = (await it.next()).value as Buffer;
    expect(second.equals(data.subarray(100, 200))).toBe(true);
    // The third chunk needs the first buffer, which `kept` still holds.
    let third: Buffer | undefined;
    void it.next().then((r) => (third = r.value as Buffer));
    await settle();
    expect(third).toBeUndefined();
    expect(kept.equals(data.subarray(10, 20))).toBe(true);
    src.dropView(kept);
    await expect.poll(() => third).toBeDefined();
    expect(third?.equals(data.subarray(200, 300))).toBe(true);
    expect(third?.buffer).toBe(first.buffer); // the same memory, refilled
    src.stopReading();
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('stopReading() ends an iteration that waits for a drop', async () => {
    const src = new FileChunks(file(randomBytes(1000)), { chunk: 100, buffers: 2 });
    const it = src[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    const waiting = it.next();
    src.stopReading();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });
});
