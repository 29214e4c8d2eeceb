import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StreamItem } from '../libvirt/rpc/stream';
import { hashZeros, sparseRuns } from './sparse';

async function collect(chunks: (Buffer | { hole: number })[], block = 8): Promise<(string | number)[]> {
  async function* src() {
    yield* chunks;
  }
  const out: (string | number)[] = [];
  for await (const it of sparseRuns(src(), block)) out.push(Buffer.isBuffer(it) ? it.toString('latin1') : -(it as { hole: number }).hole);
  return out;
}
const z = (n: number) => Buffer.alloc(n);
const b = (s: string) => Buffer.from(s, 'latin1');

describe('sparseRuns', () => {
  it('sends zero blocks as holes and data blocks as data, aligned to the block size', async () => {
    // 8-byte blocks: [data][zero][zero][data+zero tail]
    expect(await collect([Buffer.concat([b('abcdefgh'), z(16), b('ij'), z(6)])])).toEqual(['abcdefgh', -16, 'ij\0\0\0\0\0\0']);
  });

  it('gives the same runs however the input is chunked', async () => {
    const whole = Buffer.concat([z(20), b('hello world'), z(40), b('x')]);
    const expected = await collect([whole]);
    const pieces: Buffer[] = [];
    for (let i = 0; i < whole.length; i += 3) pieces.push(whole.subarray(i, i + 3));
    expect(await collect(pieces)).toEqual(expected);
    expect(expected.reduce<number>((n, r) => n + (typeof r === 'number' ? -r : r.length), 0)).toBe(whole.length);
  });

  it('merges adjacent data blocks and adjacent holes, including holes from upstream', async () => {
    expect(await collect([b('aaaaaaaabbbbbbbb'), z(8), { hole: 100 }, z(3), b('ccccc')])).toEqual(['aaaaaaaabbbbbbbb', -108, '\0\0\0ccccc']);
    expect(await collect([b('abc'), { hole: 5 }, b('d')])).toEqual(['abc', -5, 'd']);
  });

  it('a zero-only short tail becomes a hole; an empty source yields nothing', async () => {
    expect(await collect([b('abcdefgh'), z(3)])).toEqual(['abcdefgh', -3]);
    expect(await collect([])).toEqual([]);
  });

  it('passes a data run that lies in one source buffer on as a view of it (no copy)', async () => {
    const src = Buffer.concat([b('aaaaaaaabbbbbbbb'), z(8), b('cccccccc')]);
    async function* one(): AsyncGenerator<StreamItem> {
      yield src;
    }
    const runs: StreamItem[] = [];
    for await (const it of sparseRuns(one(), 8)) runs.push(it);
    expect(runs.map((r) => (Buffer.isBuffer(r) ? r.toString('latin1') : -r.hole))).toEqual(['aaaaaaaabbbbbbbb', -8, 'cccccccc']);
    const [first, , last] = runs as [Buffer, unknown, Buffer];
    src[0] = 0x41;
    src[24] = 0x43;
    expect([first[0], last[0]]).toEqual([0x41, 0x43]);
  });

  it('copies the partial block it carries over (a producer may recycle that buffer)', async () => {
    const reused = Buffer.from('abc');
    async function* src(): AsyncGenerator<StreamItem> {
      yield reused;
      reused.fill(0x7a); // the producer recycles its buffer
      yield b('defgh');
    }
    const out: string[] = [];
    for await (const it of sparseRuns(src(), 8)) out.push((it as Buffer).toString('latin1'));
    expect(out).toEqual(['abcdefgh']);
  });
});

describe('sparseRuns over a lease (a source that refills its buffers)', () => {
  it('holds the views it keeps, hands data runs on held and keeps none past its item; nothing stays held once they are dropped', async () => {
    // A counting lease over buffers of its own: pure bookkeeping, what FileChunks does per buffer.
    const holds = new Map<ArrayBufferLike, number>();
    const add = (v: Uint8Array, n: number) => holds.has(v.buffer) && holds.set(v.buffer, (holds.get(v.buffer) as number) + n);
    const own = (x: Buffer) => {
      const c = Buffer.from(new ArrayBuffer(x.length)); // memory of its own, as FileChunks' buffers
      x.copy(c);
      return c;
    };
    const items = [own(Buffer.concat([b('aaaaaaaa'), z(8), b('bbbbbbbb'), b('cc')])), own(Buffer.concat([b('dddddd'), b('eeeeeeee'), z(16)])), own(b('ffffffffgggggggg'))];
    const source = {
      async *[Symbol.asyncIterator]() {
        for (const [i, it] of items.entries()) {
          // Asked for the next item: nothing of the previous one may still be held (the consumer dropped what it got).
          if (i > 0) expect(holds.get((items[i - 1] as Buffer).buffer)).toBe(0);
          holds.set(it.buffer, 1); // the receiver's hold
          yield it;
        }
      },
      holdView: (v: Uint8Array) => void add(v, 1),
      dropView: (v: Uint8Array) => void add(v, -1),
    };
    const out: (string | number)[] = [];
    for await (const run of sparseRuns(source, 8)) {
      if (Buffer.isBuffer(run)) {
        out.push(run.toString('latin1'));
        // A run that is a view of a source buffer comes held; a gathered copy holds nothing.
        expect(holds.get(run.buffer) ?? 1).toBeGreaterThan(0);
        source.dropView(run);
      } else out.push(-run.hole);
    }
    // 'cc' (a partial block) is carried over as a copy; the views of the first item leave with it.
    expect(out).toEqual(['aaaaaaaa', -8, 'bbbbbbbb', 'ccddddddeeeeeeee', -16, 'ffffffffgggggggg']);
    expect([...holds.values()]).toEqual([0, 0, 0]);
  });
});

describe('hashZeros', () => {
  it('hashes like the same zeros fed as bytes', () => {
    const n = 3 * 1024 * 1024 + 17;
    const a = createHash('sha256');
    hashZeros(a, n);
    expect(a.digest('hex')).toBe(createHash('sha256').update(Buffer.alloc(n)).digest('hex'));
  });
});
