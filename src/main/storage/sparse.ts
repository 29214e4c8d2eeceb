import type { StreamItem } from '../libvirt/rpc/stream';

// Turns a byte stream into data runs and hole runs for libvirt's sparse
// streams: a block that is all zeros travels as a hole (a 12-byte message)
// instead of its bytes. Blocks are aligned to absolute offsets, so the same
// image always splits the same way; adjacent data blocks are sent together.
// Full blocks are passed on by reference: producers must hand over fresh
// buffers, as Node streams and ssh2 channels do. A data run that lies in one
// source buffer leaves as a view of it (no copy: a 1 MiB file read becomes one
// 1 MiB run); only runs pieced together from several buffers are copied.
// Written here (not a library) because it is ~60 lines over Buffer.equals
// (memcmp) and has to accept holes already marked by a sparse download.

export const SPARSE_BLOCK = 64 * 1024;
const MAX_DATA_RUN = 1024 * 1024;

export async function* sparseRuns(source: AsyncIterable<StreamItem | Uint8Array>, block = SPARSE_BLOCK): AsyncGenerator<StreamItem> {
  const zero = Buffer.alloc(block);
  let carry: Buffer = Buffer.alloc(0);
  let data: Buffer[] = [];
  let dataLen = 0;
  let hole = 0;

  function* flushData(): Generator<StreamItem> {
    if (dataLen) yield data.length === 1 ? (data[0] as Buffer) : Buffer.concat(data, dataLen);
    data = [];
    dataLen = 0;
  }
  function* flushHole(): Generator<StreamItem> {
    if (hole) yield { hole };
    hole = 0;
  }
  function* emitBlock(b: Buffer): Generator<StreamItem> {
    if (b.length === zero.length ? b.equals(zero) : b.equals(zero.subarray(0, b.length))) {
      yield* flushData();
      hole += b.length;
    } else {
      yield* flushHole();
      const last = data[data.length - 1];
      if (last && last.buffer === b.buffer && last.byteOffset + last.length === b.byteOffset) {
        data[data.length - 1] = Buffer.from(last.buffer, last.byteOffset, last.length + b.length);
      } else data.push(b);
      dataLen += b.length;
      if (dataLen >= MAX_DATA_RUN) yield* flushData();
    }
  }

  for await (const item of source) {
    if (!(item instanceof Uint8Array)) {
      // A hole from upstream: what we hold goes first, then the hole joins any zero run.
      if (carry.length) yield* emitBlock(carry);
      carry = Buffer.alloc(0);
      yield* flushData();
      hole += item.hole;
      continue;
    }
    let buf = Buffer.isBuffer(item) ? item : Buffer.from(item.buffer, item.byteOffset, item.byteLength);
    if (carry.length) {
      const need = block - carry.length;
      if (buf.length < need) {
        carry = Buffer.concat([carry, buf]);
        continue;
      }
      yield* emitBlock(Buffer.concat([carry, buf.subarray(0, need)]));
      buf = buf.subarray(need);
      carry = Buffer.alloc(0);
    }
    let o = 0;
    for (; o + block <= buf.length; o += block) yield* emitBlock(buf.subarray(o, o + block));
    // Copy the tail: the producer may reuse its buffer once we ask for more.
    if (o < buf.length) carry = Buffer.from(buf.subarray(o));
  }
  if (carry.length) yield* emitBlock(carry);
  yield* flushData();
  yield* flushHole();
}

/** Feeds `n` zero bytes to a hash without allocating `n` bytes. */
export function hashZeros(hash: { update(b: Uint8Array): unknown }, n: number, zero: Buffer = ZERO_1M): void {
  for (let left = n; left > 0; left -= zero.length) hash.update(left >= zero.length ? zero : zero.subarray(0, left));
}
const ZERO_1M = Buffer.alloc(1024 * 1024);
