import type { StreamItem } from '../libvirt/rpc/stream';

// Turns a byte stream into data runs and hole runs for libvirt's sparse
// streams: a block that is all zeros travels as a hole (a 12-byte message)
// instead of its bytes. Blocks are aligned to absolute offsets, so the same
// image always splits the same way; adjacent data blocks are sent together.
// Full blocks are passed on by reference: producers must hand over fresh
// buffers, as Node streams and ssh2 channels do, or be a lease (FileChunks):
// then every view kept is held and passed on held (the consumer drops it once
// sent), and runs end with their item. A data run that lies in one source buffer
// leaves as a view of it (no copy: a 1 MiB file read becomes one 1 MiB run);
// only runs pieced together from several buffers are copied.
// Written here (not a library) because it is ~60 lines over Buffer.equals
// (memcmp) and has to accept holes already marked by a sparse download.

export const SPARSE_BLOCK = 64 * 1024;
const MAX_DATA_RUN = 1024 * 1024;

/** A source whose buffers are refilled once no view of them is held (FileChunks). */
export interface Lease {
  holdView(view: Uint8Array): void;
  dropView(view: Uint8Array): void;
}

export async function* sparseRuns(source: AsyncIterable<StreamItem | Uint8Array> & Partial<Lease>, block = SPARSE_BLOCK): AsyncGenerator<StreamItem> {
  const lease = source.holdView && source.dropView ? (source as Lease) : undefined;
  const zero = Buffer.alloc(block);
  let carry: Buffer = Buffer.alloc(0);
  let data: Buffer[] = [];
  let dataLen = 0;
  let hole = 0;

  function* flushData(): Generator<StreamItem> {
    if (!dataLen) return;
    const run = data.length === 1 ? (data[0] as Buffer) : Buffer.concat(data, dataLen);
    // A copy holds nothing: let go of its pieces. A single view goes on held.
    if (data.length > 1) for (const d of data) lease?.dropView(d);
    data = [];
    dataLen = 0;
    yield run;
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
      } else {
        lease?.holdView(b);
        data.push(b);
      }
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
    try {
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
      // A lease refills its few buffers only when nothing holds them: keep no
      // view past its item, or waiting for the next one could wait on ourselves.
      if (lease) yield* flushData();
    } finally {
      lease?.dropView(item); // the item itself; the views kept of it hold on their own
    }
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
