import type { StreamItem } from '../libvirt/rpc/stream';

// Zero runs found ON the source never cross its SSH link. When the source has
// python3 (most Linux systems do), a short reader there sends a framed stream:
//   "VDS1" then records: 'D' + u64be length + bytes  |  'H' + u64be length
// (64 KiB granularity, the same block the upload's hole detection uses).
// Without python3 the script falls back to plain dd and says "VDR1" first;
// the upload then finds the zero runs itself (they cross the source's link).
// Written here, not a library: a 20-line reader we can ship as text to any
// source, and its 40-line parser below.

export const SPARSE_READER_PY = `
import os, sys, struct
fd = os.open(sys.argv[1], os.O_RDONLY)
out = sys.stdout.buffer
B = 4 << 20
S = 64 << 10
zero = bytes(S)
out.write(b"VDS1")
done = 0
while True:
    b = os.read(fd, B)
    if not b:
        break
    mv = memoryview(b)
    i = 0
    while i < len(b):
        kind = mv[i:i + S] == zero[:min(S, len(b) - i)]
        j = i + S
        while j < len(b) and (mv[j:j + S] == zero[:min(S, len(b) - j)]) == kind:
            j += S
        j = min(j, len(b))
        if kind:
            out.write(b"H" + struct.pack(">Q", j - i))
        else:
            out.write(b"D" + struct.pack(">Q", j - i))
            out.write(mv[i:j])
        i = j
    done += len(b)
    if done % (256 << 20) < B:
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        except Exception:
            pass
out.flush()
`;

export const FRAMED_MAGIC = 'VDS1';
export const RAW_MAGIC = 'VDR1';

/** Turns the reader's output (either form) into data buffers and holes, in order. */
export async function* parseSourceStream(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer | StreamItem> {
  let buf: Buffer = Buffer.alloc(0);
  let mode: 'framed' | 'raw' | undefined;
  let dataLeft = 0; // bytes of the current 'D' record still to pass on
  for await (const chunk of chunks) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    if (!mode) {
      if (buf.length < 4) continue;
      const magic = buf.subarray(0, 4).toString('latin1');
      if (magic === FRAMED_MAGIC) mode = 'framed';
      else if (magic === RAW_MAGIC) mode = 'raw';
      else throw new Error(`the source's reader sent an unknown stream (${JSON.stringify(magic)})`);
      buf = buf.subarray(4);
    }
    if (mode === 'raw') {
      if (buf.length) yield buf;
      buf = Buffer.alloc(0);
      continue;
    }
    while (buf.length) {
      if (dataLeft > 0) {
        const n = Math.min(dataLeft, buf.length);
        yield buf.subarray(0, n);
        dataLeft -= n;
        buf = buf.subarray(n);
        continue;
      }
      if (buf.length < 9) break;
      const kind = buf[0];
      const len = Number(buf.readBigUInt64BE(1));
      buf = buf.subarray(9);
      if (kind === 0x48) yield { hole: len };
      else if (kind === 0x44) dataLeft = len;
      else throw new Error(`the source's reader sent a bad record (type ${kind})`);
    }
  }
  if (!mode) throw new Error("the source's reader sent nothing");
  if (dataLeft > 0 || buf.length) throw new Error("the source's reader stopped inside a record");
}
