import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSourceStream, SPARSE_READER_PY } from './sparse-read';

// The source-side reader runs here with this machine's python3, as it does on
// a source; its framed output goes through the core's parser. A fake source
// would prove nothing about the Python, so the real interpreter runs.

const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-sparse-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KiB = 1024;
const MiB = 1024 * KiB;

function image(): Buffer {
  const b = Buffer.alloc(9 * MiB + 3 * KiB); // not a multiple of the 64 KiB block
  for (let i = 0; i < 256 * KiB; i++) b[i] = (i * 7 + 3) & 0xff; // first 256 KiB: data
  b.write('lonely', 5 * MiB + 100); // one 64 KiB block of data inside zeros
  b.fill(0xab, b.length - 2 * KiB); // the short tail
  return b;
}

async function* chunksOf(file: string, split: number): AsyncGenerator<Buffer> {
  const p = spawn('python3', ['-c', SPARSE_READER_PY, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let pending = Buffer.alloc(0);
  for await (const c of p.stdout as AsyncIterable<Buffer>) {
    pending = Buffer.concat([pending, c]);
    // Re-cut at an odd size: records must survive any split.
    while (pending.length >= split) {
      yield pending.subarray(0, split);
      pending = pending.subarray(split);
    }
  }
  if (pending.length) yield pending;
}

describe('source-side sparse reader', () => {
  it('sends data and holes that rebuild the device exactly; zeros never cross', async () => {
    const img = image();
    const file = path.join(dir, 'disk.img');
    writeFileSync(file, img);
    for (const split of [7, 4096, 1 << 20]) {
      const h = createHash('sha256');
      let data = 0;
      let holes = 0;
      for await (const item of parseSourceStream(chunksOf(file, split))) {
        if (Buffer.isBuffer(item)) {
          h.update(item);
          data += item.length;
        } else {
          h.update(Buffer.alloc(item.hole));
          holes += item.hole;
        }
      }
      expect(h.digest('hex')).toBe(createHash('sha256').update(img).digest('hex'));
      expect(data + holes).toBe(img.length);
      expect(data).toBe(256 * KiB + 64 * KiB + (img.length - 9 * MiB)); // the data, one block, the tail block
    }
  });

  it('passes a raw dd stream through, and refuses what is neither', async () => {
    async function* raw() {
      yield Buffer.from('VD');
      yield Buffer.from('R1abc');
      yield Buffer.from('def');
    }
    const out: Buffer[] = [];
    for await (const item of parseSourceStream(raw())) out.push(item as Buffer);
    expect(Buffer.concat(out).toString()).toBe('abcdef');
    async function* junk() {
      yield Buffer.from('HTTP/1.1 400');
    }
    await expect(async () => {
      for await (const _ of parseSourceStream(junk())) void _;
    }).rejects.toThrow(/unknown stream/);
    async function* cut() {
      yield Buffer.concat([Buffer.from('VDS1D'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 10]), Buffer.from('abc')]);
    }
    await expect(async () => {
      for await (const _ of parseSourceStream(cut())) void _;
    }).rejects.toThrow(/inside a record/);
  });
});
