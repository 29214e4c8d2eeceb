import { open } from 'node:fs/promises';
import { BufferRing } from './buffer-ring';
import type { Lease } from './sparse';

// A local file read for upload in 1 MiB chunks through a few buffers that are
// refilled once nothing holds them any more (BufferRing says why and how the
// lease works).

/** A lease (hold/drop: views of other memory are ignored) that can be stopped. */
export interface RecyclingSource<T = Buffer> extends AsyncIterable<T>, Lease {
  /** The consumer gave up (a failed upload): end without reading or refilling anything more. */
  stopReading(): void;
}

export interface FileChunksOptions {
  /** Bytes per read (default 1 MiB). */
  chunk?: number;
  /** Buffers in rotation (default 4, at least 2). */
  buffers?: number;
}

export class FileChunks implements RecyclingSource {
  private ring: BufferRing | null = null;
  private stopped = false;
  private readonly chunk: number;
  private readonly count: number;

  constructor(
    private readonly path: string,
    opts: FileChunksOptions = {},
  ) {
    this.chunk = opts.chunk ?? 1024 * 1024;
    this.count = Math.max(2, opts.buffers ?? 4);
  }

  holdView(view: Uint8Array): void {
    this.ring?.holdView(view);
  }

  dropView(view: Uint8Array): void {
    this.ring?.dropView(view);
  }

  stopReading(): void {
    this.stopped = true;
    this.ring?.stop();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const fh = await open(this.path, 'r');
    const ring = (this.ring = new BufferRing(this.chunk, this.count));
    if (this.stopped) ring.stop();
    const fill = async (slot: number, at: number): Promise<{ view: Buffer; end: number } | null> => {
      const buf = await ring.acquire(slot);
      if (!buf) return null;
      const { bytesRead } = await fh.read(buf, 0, this.chunk, at);
      if (bytesRead === 0) return null;
      return { view: ring.lend(slot, buf.subarray(0, bytesRead)), end: at + bytesRead };
    };
    // One read ahead, so the disk and the network work at the same time. (A
    // failed read surfaces at its `await`; until then it must not count as unhandled.)
    const next = (slot: number, at: number) => {
      const p = fill(slot, at);
      p.catch(() => undefined);
      return p;
    };
    let ahead = next(0, 0);
    try {
      for (let slot = 0; ; slot = (slot + 1) % ring.count) {
        const got = await ahead;
        if (!got) return;
        ahead = next((slot + 1) % ring.count, got.end);
        yield got.view;
      }
    } finally {
      ring.stop();
      await ahead.catch(() => undefined);
      await fh.close();
    }
  }
}
