import { crc32 } from 'node:zlib';

// One frame = one tick of one host: every series sampled at that instant.
// Writing a frame is ONE append per tick per host, whatever the VM count.
//
//   u32 length (whole frame) | f64 t (unix ms) | u16 n
//   n × (u16 series id | u8 count | count × f32)        NaN = not measured
//   u32 crc32 of everything before
//
// A torn write at the end of a file (crash, power loss) fails the length or
// CRC check; the reader keeps every frame before it and the writer truncates.

export interface Frame {
  t: number;
  ids: Uint16Array;
  /** Start of each entry's values in `vals`; entry i spans starts[i]..starts[i+1]. */
  starts: Uint32Array;
  vals: Float32Array;
}

export interface FrameEntry {
  id: number;
  values: readonly (number | null)[];
}

export function encodeFrame(t: number, entries: readonly FrameEntry[]): Buffer {
  let size = 8 + 2 + 4 + 4;
  for (const e of entries) size += 3 + 4 * e.values.length;
  const b = Buffer.alloc(size);
  b.writeUInt32LE(size, 0);
  b.writeDoubleLE(t, 4);
  b.writeUInt16LE(entries.length, 12);
  let o = 14;
  for (const e of entries) {
    b.writeUInt16LE(e.id, o);
    b.writeUInt8(e.values.length, o + 2);
    o += 3;
    for (const v of e.values) {
      b.writeFloatLE(v === null || !Number.isFinite(v) ? NaN : v, o);
      o += 4;
    }
  }
  b.writeUInt32LE(crc32(b.subarray(0, o)), o);
  return b;
}

export function decodeFrame(b: Buffer, at = 0): { frame: Frame; next: number } | undefined {
  if (at + 18 > b.length) return undefined;
  const size = b.readUInt32LE(at);
  if (size < 18 || at + size > b.length) return undefined;
  const body = b.subarray(at, at + size - 4);
  if (crc32(body) !== b.readUInt32LE(at + size - 4)) return undefined;
  const n = body.readUInt16LE(12);
  const ids = new Uint16Array(n);
  const starts = new Uint32Array(n + 1);
  const total = (size - 18 - 3 * n) / 4;
  if (!Number.isInteger(total) || total < 0) return undefined;
  const vals = new Float32Array(total);
  let o = 14;
  let k = 0;
  for (let i = 0; i < n; i++) {
    ids[i] = body.readUInt16LE(o);
    const count = body.readUInt8(o + 2);
    o += 3;
    starts[i] = k;
    for (let j = 0; j < count; j++, o += 4) vals[k++] = body.readFloatLE(o);
  }
  starts[n] = k;
  return { frame: { t: body.readDoubleLE(4), ids, starts, vals }, next: at + size };
}

/** A frame could start here: a sane length and a timestamp in this era (cheap checks before the CRC). */
function plausible(b: Buffer, at: number): boolean {
  if (at + 18 > b.length) return false;
  const size = b.readUInt32LE(at);
  if (size < 18 || at + size > b.length) return false;
  const t = b.readDoubleLE(at + 4);
  return Number.isFinite(t) && t > 9e11 && t < 1e13;
}

/**
 * Every intact frame of a file's bytes, and where the last one ends. A damaged
 * stretch in the middle (a torn write that a crash kept from being cut back)
 * is skipped to the next frame that checks out, so frames after it survive.
 */
export function decodeAll(b: Buffer): { frames: Frame[]; validBytes: number } {
  const frames: Frame[] = [];
  let at = 0;
  let validBytes = 0;
  while (at < b.length) {
    const r = decodeFrame(b, at);
    if (r) {
      frames.push(r.frame);
      at = validBytes = r.next;
      continue;
    }
    // Resync: the next offset holding a frame whose CRC matches.
    let next = -1;
    for (let i = at + 1; i + 18 <= b.length; i++) {
      if (plausible(b, i) && decodeFrame(b, i)) {
        next = i;
        break;
      }
    }
    if (next < 0) break;
    at = next;
  }
  return { frames, validBytes };
}

/** The values of series `id` in a frame, or undefined when it wasn't sampled then. */
export function entryOf(f: Frame, id: number): Float32Array | undefined {
  // ids are written in ascending order, so this is a binary search.
  let lo = 0;
  let hi = f.ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = f.ids[mid]!;
    if (v === id) return f.vals.subarray(f.starts[mid]!, f.starts[mid + 1]!);
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** In-memory size of a decoded frame, for the footprint report. */
export const frameBytes = (f: Frame): number => f.ids.byteLength + f.starts.byteLength + f.vals.byteLength + 64;
