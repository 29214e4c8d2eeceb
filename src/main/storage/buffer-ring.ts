import type { Lease } from './sparse';

// A few large buffers lent out as views and refilled only once no hold on
// them is left: the lease behind FileChunks (a local file) and Rechunked (a
// stream of small pieces, e.g. a P2V source's SSH channel). A fresh 1 MiB
// buffer per chunk lives long enough to reach V8's old generation, and 1 GiB
// of those made V8 run a full, concurrent mark-compact every ~64 MiB: measured
// on a 1 GiB upload, ~3 s of CPU on GC threads and ~1 s on the main thread.
// Whoever receives a view holds it and drops it when done (uploadVolume: once
// the transport let go of it); whoever keeps another view of it holds that
// too (sparseRuns: a data run being gathered).

export class BufferRing implements Lease {
  private readonly pool: Buffer[];
  private readonly holds: number[];
  private wake: (() => void) | null = null;
  private stopped = false;

  constructor(
    readonly size: number,
    count: number,
  ) {
    this.pool = Array.from({ length: Math.max(2, count) }, () => Buffer.allocUnsafeSlow(size));
    this.holds = new Array<number>(this.pool.length).fill(0);
  }

  get count(): number {
    return this.pool.length;
  }

  get isStopped(): boolean {
    return this.stopped;
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

  /** The buffer of `slot` once nothing holds it; null once stopped. */
  async acquire(slot: number): Promise<Buffer | null> {
    while (!this.stopped && (this.holds[slot] as number) > 0) await new Promise<void>((r) => (this.wake = r));
    return this.stopped ? null : (this.pool[slot] as Buffer);
  }

  /** `view` (of slot's buffer) goes to a receiver, who holds it. */
  lend(slot: number, view: Buffer): Buffer {
    this.holds[slot] = 1;
    return view;
  }

  /** The consumer gave up: every wait ends, nothing is refilled any more. */
  stop(): void {
    this.stopped = true;
    this.poke();
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
