import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateRaw, inflateRawSync } from 'node:zlib';
import { quantize } from './aggregate';

// The 7-day tier. Minute rows arrive one frame per host per minute; at each
// hour's end they are turned column-wise into one block (per series: 60
// minutes × its metrics, deflated) appended to that day's file. A week of one
// VM is then 168 small reads instead of a scan of every host's minutes.
//
//   u32 magic | u32 length | f64 hourStart | u16 n
//   n × (u16 id | u8 width | u32 deflated length) | payloads | u32 crc32

const MAGIC = 0x42484456; // "VDHB"
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface BlockIndex {
  file: string;
  /** Offset of the block in its file; it ends at start + bytes. */
  start: number;
  hourStart: number;
  entries: Map<number, { width: number; off: number; len: number }>;
  bytes: number;
  /** The block's bytes while its write is queued (offsets are then relative to it). */
  pending?: Buffer;
}

export interface MinuteRow {
  t: number;
  entries: { id: number; values: (number | null)[] }[];
}

export const dayFile = (dir: string, t: number): string => path.join(dir, `${Math.floor(t / DAY_MS) * (DAY_MS / 1000)}.vdb`);

const deflateRawAsync = promisify(deflateRaw);

/** Builds one hour's block from its minute rows (compressed on libuv's pool: 300 VMs take ~0.1 s of CPU). */
export async function encodeBlock(hourStart: number, rows: readonly MinuteRow[]): Promise<Buffer> {
  const cols = new Map<number, Float32Array>();
  for (const r of rows) {
    const m = Math.floor((r.t - hourStart) / 60_000);
    if (m < 0 || m >= 60) continue;
    for (const e of r.entries) {
      let a = cols.get(e.id);
      if (!a) cols.set(e.id, (a = new Float32Array(60 * e.values.length).fill(NaN)));
      const w = a.length / 60;
      e.values.forEach((v, i) => {
        if (i < w) a![m * w + i] = v ?? NaN;
      });
    }
  }
  const ids = [...cols.keys()].sort((a, b) => a - b);
  const payloads = await Promise.all(ids.map((id) => deflateRawAsync(Buffer.from(quantize(cols.get(id)!).buffer))));
  const head = Buffer.alloc(18 + 7 * ids.length);
  head.writeUInt32LE(MAGIC, 0);
  head.writeDoubleLE(hourStart, 8);
  head.writeUInt16LE(ids.length, 16);
  ids.forEach((id, i) => {
    head.writeUInt16LE(id, 18 + 7 * i);
    head.writeUInt8(cols.get(id)!.length / 60, 20 + 7 * i);
    head.writeUInt32LE(payloads[i]!.length, 21 + 7 * i);
  });
  const body = Buffer.concat([head, ...payloads, Buffer.alloc(4)]);
  body.writeUInt32LE(body.length, 4);
  body.writeUInt32LE(crc32(body.subarray(0, body.length - 4)), body.length - 4);
  return body;
}

/**
 * Indexes every intact block in bytes `b` that sit at offset `base` of `file`
 * (headers only). A damaged block is skipped to the next one that checks out.
 */
export function indexBuffer(b: Buffer, file: string, base = 0): { blocks: BlockIndex[]; validBytes: number } {
  const blocks: BlockIndex[] = [];
  const magic = Buffer.alloc(4);
  magic.writeUInt32LE(MAGIC, 0);
  let at = 0;
  let validBytes = 0;
  while (at + 22 <= b.length) {
    const len = b.readUInt32LE(at) === MAGIC ? b.readUInt32LE(at + 4) : 0;
    if (len < 22 || at + len > b.length || crc32(b.subarray(at, at + len - 4)) !== b.readUInt32LE(at + len - 4)) {
      const next = b.indexOf(magic, at + 1);
      if (next < 0) break;
      at = next;
      continue;
    }
    const n = b.readUInt16LE(at + 16);
    const entries = new Map<number, { width: number; off: number; len: number }>();
    let off = at + 18 + 7 * n;
    for (let i = 0; i < n; i++) {
      const h = at + 18 + 7 * i;
      const plen = b.readUInt32LE(h + 3);
      entries.set(b.readUInt16LE(h), { width: b.readUInt8(h + 2), off: base + off, len: plen });
      off += plen;
    }
    blocks.push({ file, start: base + at, hourStart: b.readDoubleLE(at + 8), entries, bytes: len });
    at = validBytes = at + len;
  }
  return { blocks, validBytes };
}

/** One series' 60 minute rows of a block: values[minute * width + metric]. */
export async function readSeries(block: BlockIndex, id: number, fh: FileHandle | undefined): Promise<{ width: number; values: Float32Array } | undefined> {
  const e = block.entries.get(id);
  if (!e) return undefined;
  let buf: Buffer;
  if (block.pending) buf = block.pending.subarray(e.off, e.off + e.len);
  else {
    buf = Buffer.alloc(e.len);
    if (!fh) throw new Error(`${block.file}: no handle to read from`);
    await fh.read(buf, 0, e.len, e.off);
  }
  const raw = inflateRawSync(buf);
  // Copied: a Float32Array view needs 4-byte alignment, which Buffer offsets don't promise.
  return { width: e.width, values: new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length)) };
}
