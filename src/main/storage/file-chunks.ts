import { open } from 'node:fs/promises';
import type { Lease } from './sparse';

// A local file read for upload in 1 MiB chunks through a few buffers that are
// refilled once nothing holds them any more. A fresh 1 MiB buffer per read
// (createReadStream) lives long enough to reach V8's old generation, and 1 GiB
// of that made V8 run a full, concurrent mark-compact every ~64 MiB: measured
// on a 1 GiB upload, ~3 s of CPU on GC threads and ~1 s on the main thread,
// on a machine that needs its two cores for SSH, libvirtd and the UI.
// It is a lease: every chunk it yields is held by whoever receives it, who
// drops it when done (uploadVolume: once the transport let go of it) and
// holds any other view it keeps of it (sparseRuns: a data run being
// gathered). A buffer is refilled only when no hold on it is left.

/** A lease (hold/drop: views of other memory are ignored) that can be stopped. */
export interface RecyclingSource extends AsyncIterable<Buffer>, Lease {
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
  private pool: Buffer[] = [];
  private holds: number[] = [];
  private wake: (() => void) | null = null;
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
    const slot = this.slotOf(view);
    if (slot >= 0) this.holds[slot] = (this.holds[slot] as number) + 1;
  }

  dropView(view: Uint8Array): void {
    const slot = this.slotOf(view);
    if (slot < 0) return;
    this.holds[slot] = (this.holds[slot] as number) - 1;
    if (this.holds[slot] === 0) this.poke();
  }

  stopReading(): void {
    this.stopped = true;
    this.poke();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const fh = await open(this.path, 'r');
    this.pool = Array.from({ length: this.count }, () => Buffer.allocUnsafeSlow(this.chunk));
    this.holds = new Array<number>(this.count).fill(0);
    const fill = async (slot: number, at: number): Promise<{ view: Buffer; end: number } | null> => {
      while (!this.stopped && (this.holds[slot] as number) > 0) await new Promise<void>((r) => (this.wake = r));
      if (this.stopped) return null;
      const buf = this.pool[slot] as Buffer;
      const { bytesRead } = await fh.read(buf, 0, this.chunk, at);
      if (bytesRead === 0) return null;
      this.holds[slot] = 1; // the receiver's
      return { view: buf.subarray(0, bytesRead), end: at + bytesRead };
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
      for (let slot = 0; ; slot = (slot + 1) % this.count) {
        const got = await ahead;
        if (!got) return;
        ahead = next((slot + 1) % this.count, got.end);
        yield got.view;
      }
    } finally {
      this.stopped = true;
      this.poke();
      await ahead.catch(() => undefined);
      await fh.close();
    }
  }

  private slotOf(view: Uint8Array): number {
    return this.pool.findIndex((b) => b.buffer === view.buffer);
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
