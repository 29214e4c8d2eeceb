import type { StreamItem } from '../libvirt/rpc/stream';
import { BufferRing } from './buffer-ring';
import type { RecyclingSource } from './file-chunks';

// A stream of small pieces (an SSH channel hands over one SSH packet, ~32 KiB,
// at a time) re-cut into 1 MiB views of a few recycled buffers, holes passed
// through in order. Without it an upload fed from a channel glued those pieces
// together with Buffer.concat: a fresh 1 MiB run (and a 64 KiB block before
// it) per MiB sent, the old-generation garbage BufferRing explains. Each byte
// is copied once here instead, into memory that is reused.

export interface RechunkedOptions {
  /** Bytes per view (default 1 MiB). */
  chunk?: number;
  /** Buffers in rotation (default 4, at least 2). */
  buffers?: number;
}

export class Rechunked implements RecyclingSource<Buffer | StreamItem> {
  private readonly ring: BufferRing;

  constructor(
    private readonly upstream: AsyncIterable<Buffer | StreamItem>,
    opts: RechunkedOptions = {},
  ) {
    this.ring = new BufferRing(opts.chunk ?? 1024 * 1024, opts.buffers ?? 4);
  }

  holdView(view: Uint8Array): void {
    this.ring.holdView(view);
  }

  dropView(view: Uint8Array): void {
    this.ring.dropView(view);
  }

  stopReading(): void {
    this.ring.stop();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer | StreamItem> {
    const ring = this.ring;
    let slot = 0;
    let buf: Buffer | null = null;
    let fill = 0;
    const lendFilled = (): Buffer => {
      const view = ring.lend(slot, (buf as Buffer).subarray(0, fill));
      slot = (slot + 1) % ring.count;
      buf = null;
      fill = 0;
      return view;
    };
    try {
      for await (const item of this.upstream) {
        if (!Buffer.isBuffer(item)) {
          if (fill) yield lendFilled(); // data before the hole goes first
          yield item;
          continue;
        }
        for (let o = 0; o < item.length; ) {
          buf ??= await ring.acquire(slot);
          if (!buf) return; // stopped
          const n = item.copy(buf, fill, o);
          fill += n;
          o += n;
          if (fill === ring.size) yield lendFilled();
        }
      }
      if (fill) yield lendFilled();
    } finally {
      ring.stop();
    }
  }
}
