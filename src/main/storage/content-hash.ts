import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { hashZeros } from './sparse';

// The SHA-256 of a transfer's logical content (holes count as zeros). Node's
// SHA-256 runs at ~750 MiB/s on one core here: ~1.3 s of main-thread time per
// GiB that an upload needs for SSH encryption and the RPC stream, and that
// calls, events and consoles need meanwhile. So a big transfer hashes on a
// worker thread: data is copied into a ring of shared memory the worker reads
// (~0.25 ms per MiB; posting a fresh ArrayBuffer per chunk cost ~0.9 ms, most
// of it page faults) and handed over a few MiB at a time (each message wakes
// the worker, which on a busy 2-core machine preempts the main thread); zero
// runs cross as their length only. Small transfers hash inline (a worker costs
// ~20 ms and a few MiB to start).

/** Transfers of at least this many bytes (or of unknown size) hash on a worker. */
export const WORKER_MIN_BYTES = 32 * 1024 * 1024;
/** The shared ring: how far the worker may fall behind before update() makes the caller wait. */
const RING_BYTES = 16 * 1024 * 1024;
/** Copied bytes are handed to the worker once this many are waiting (or before zeros, the digest, a wrap). */
const HANDOFF_BYTES = 4 * 1024 * 1024;

export interface ContentHash {
  /**
   * Adds bytes. Returns a promise only when the caller must wait (the worker
   * is a ring's worth behind); `b` must stay unchanged until it settles.
   */
  update(b: Uint8Array): void | Promise<void>;
  /** Adds `n` zero bytes. */
  zeros(n: number): void;
  /** The hex digest; the hash is finished (and its worker gone) afterwards. */
  digest(): Promise<string>;
  /** Stops early (a failed transfer); idempotent. */
  dispose(): void;
}

export function contentHash(expectedBytes?: number): ContentHash {
  return expectedBytes !== undefined && expectedBytes < WORKER_MIN_BYTES ? inlineHash() : new WorkerHash();
}

function inlineHash(): ContentHash {
  const h = createHash('sha256');
  return {
    update: (b) => void h.update(b),
    zeros: (n) => hashZeros(h, n),
    digest: () => Promise.resolve(h.digest('hex')),
    dispose: () => undefined,
  };
}

// Plain CommonJS (not TypeScript): it runs as an eval'd worker, so the bundle
// needs no second entry point. Same zero loop as hashZeros.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ring = new Uint8Array(workerData);
const h = require('node:crypto').createHash('sha256');
const zero = Buffer.alloc(1048576);
parentPort.on('message', (m) => {
  if (Array.isArray(m)) {
    h.update(ring.subarray(m[0], m[0] + m[1]));
    parentPort.postMessage(m[1]);
  } else if (typeof m === 'number') {
    for (let left = m; left > 0; left -= zero.length) h.update(left >= zero.length ? zero : zero.subarray(0, left));
  } else if (m === 'digest') {
    parentPort.postMessage(h.digest('hex'));
  }
});
`;

type Queued = Uint8Array | number | 'digest';

class WorkerHash implements ContentHash {
  private readonly ring = new Uint8Array(new SharedArrayBuffer(RING_BYTES));
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true, workerData: this.ring.buffer });
  /** Where the next bytes go, and how much of the ring (from there, wrapping) the worker is done with. */
  private pos = 0;
  private free = RING_BYTES;
  /** Copied into the ring (ending at pos) but not yet handed to the worker. */
  private unsent = 0;
  /** What did not fit into the ring yet, in order (zero runs and the digest request wait behind data). */
  private readonly backlog: Queued[] = [];
  private failure: Error | null = null;
  private waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private result: { resolve: (hex: string) => void; reject: (e: Error) => void } | null = null;
  private done = false;

  constructor() {
    // A transfer that fails keeps no process alive through its hash.
    this.worker.unref();
    this.worker.on('message', (m: number | string) => {
      if (typeof m === 'string') {
        this.result?.resolve(m);
        this.result = null;
        this.dispose();
        return;
      }
      this.free += m;
      this.pump();
      if (this.backlog.length === 0) for (const w of this.waiting.splice(0)) w.resolve();
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', () => this.fail(new Error('the checksum worker stopped')));
  }

  update(b: Uint8Array): void | Promise<void> {
    if (this.failure) throw this.failure;
    if (b.length === 0) return;
    this.backlog.push(b);
    this.pump();
    if (this.backlog.length === 0) return;
    return new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  zeros(n: number): void {
    if (this.failure) throw this.failure;
    if (n <= 0) return;
    this.backlog.push(n);
    this.pump();
  }

  digest(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<string>((resolve, reject) => {
      this.result = { resolve, reject };
      this.backlog.push('digest');
      this.pump();
    });
  }

  dispose(): void {
    if (this.done) return;
    this.done = true;
    void this.worker.terminate();
  }

  /** Moves queued work to the worker, data as far as the ring has room. */
  private pump(): void {
    while (this.backlog.length && !this.failure) {
      const item = this.backlog[0] as Queued;
      if (typeof item !== 'object') {
        this.handOff();
        this.worker.postMessage(item);
        this.backlog.shift();
        continue;
      }
      const n = Math.min(item.length, this.free, RING_BYTES - this.pos);
      if (n === 0) {
        // Full: whatever is copied must reach the worker, or nothing frees up.
        this.handOff();
        return;
      }
      this.ring.set(n === item.length ? item : item.subarray(0, n), this.pos);
      this.pos += n;
      this.free -= n;
      this.unsent += n;
      if (this.pos === RING_BYTES || this.unsent >= HANDOFF_BYTES) this.handOff();
      this.pos %= RING_BYTES;
      if (n === item.length) this.backlog.shift();
      else this.backlog[0] = item.subarray(n);
    }
  }

  /** Tells the worker about the bytes copied since the last hand-off (one contiguous span ending at pos). */
  private handOff(): void {
    if (this.unsent === 0) return;
    this.worker.postMessage([this.pos - this.unsent, this.unsent]);
    this.unsent = 0;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const w of this.waiting.splice(0)) w.reject(e);
    this.result?.reject(e);
    this.result = null;
  }
}
