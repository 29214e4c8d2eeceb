// A libvirt data stream (console, volume upload/download) as a Node Duplex.
// Wire rules (rpc.rst): after the opening call's OK reply, data travels as
// type STREAM + status CONTINUE with raw bytes; a side finishes with status OK
// and no payload and the peer confirms alike; status ERROR aborts (from the
// server it carries a remote_error).
import { Duplex } from 'node:stream';
import { RpcError, RpcStreamOverflowError, RpcTimeoutError, decodeLibvirtError } from './errors';
import { type Header, MessageStatus, MessageType, STREAM_CHUNK_MAX } from './packet';
import { XdrReader, XdrWriter } from './xdr';

/** What a stream needs from its client; kept narrow so the stream can be tested alone. */
export interface StreamHost {
  /**
   * Sends one STREAM packet; false = the transport buffer is full (wait for
   * drain). `onWritten` runs once the transport has let go of `payload`.
   */
  sendStream(proc: number, serial: number, status: number, payload?: Uint8Array, onWritten?: (err?: Error | null) => void): boolean;
  /** Sends one STREAM_HOLE packet (sparse streams only). */
  sendHole(proc: number, serial: number, payload: Uint8Array): boolean;
  waitDrain(): Promise<void>;
  /** `p`, or the connection's failure if it closes first (a transport may drop pending write callbacks). */
  unlessClosed(p: Promise<void>): Promise<void>;
  /** Stop/restart reading the transport while a consumer is not reading. */
  pauseFor(s: RpcStream): void;
  resumeFor(s: RpcStream): void;
  release(s: RpcStream): void;
  isAlive(): boolean;
}

export interface RpcStreamOptions {
  /** How long end() waits for the server to confirm the finish (default 30 s: it may be flushing). */
  finishTimeoutMs?: number;
  /**
   * What happens when the reader falls behind:
   * - 'bounded' (default): never stop reading the connection (it also carries
   *   replies, events and keepalive for everything else); buffer up to
   *   `maxBufferedBytes`, then close this stream alone with RpcStreamOverflowError.
   * - 'pause': stop reading the connection until the reader catches up. Only
   *   for a connection that carries nothing else (a bulk-transfer session).
   */
  flow?: 'bounded' | 'pause';
  /** Limit for 'bounded' (default 8 MiB). */
  maxBufferedBytes?: number;
  /**
   * Read side delivers data AND holes, in order, through `items()` instead of
   * the Readable (a sparse download). Holes only arrive on streams opened with
   * a *_SPARSE_STREAM flag.
   */
  sparse?: boolean;
}

/** What `items()` yields: bytes, or a run of zeros the server did not send. */
export type StreamItem = Buffer | { hole: number };

interface SparseQueue {
  items: StreamItem[];
  bytes: number;
  ended: boolean;
  error: Error | null;
  wake: (() => void) | null;
}

export class RpcStream extends Duplex {
  private finishCb: ((err?: Error | null) => void) | null = null;
  private finishTimer: NodeJS.Timeout | null = null;
  private localFinished = false;
  private finishConfirmed = false;
  private remoteFinished = false;
  private released = false;
  private readonly finishTimeoutMs: number;
  private readonly flow: 'bounded' | 'pause';
  private readonly maxBuffered: number;
  private readonly sparseQ: SparseQueue | null;

  constructor(
    private readonly host: StreamHost,
    readonly proc: number,
    readonly serial: number,
    readonly procName: string,
    opts: RpcStreamOptions = {},
  ) {
    super({ allowHalfOpen: true });
    this.finishTimeoutMs = opts.finishTimeoutMs ?? 30_000;
    this.flow = opts.flow ?? 'bounded';
    this.maxBuffered = opts.maxBufferedBytes ?? 8 << 20;
    this.sparseQ = opts.sparse ? { items: [], bytes: 0, ended: false, error: null, wake: null } : null;
  }

  /**
   * Data and holes in arrival order (streams opened with `sparse: true`).
   * Backpressure as for the Readable: past `maxBufferedBytes` queued, 'pause'
   * streams stop reading the connection and 'bounded' ones overflow.
   */
  async *items(): AsyncGenerator<StreamItem> {
    const q = this.sparseQ;
    if (!q) throw new RpcError(`${this.procName}: items() needs a stream opened with sparse: true`);
    for (;;) {
      const item = q.items.shift();
      if (item) {
        if (Buffer.isBuffer(item)) {
          q.bytes -= item.length;
          if (q.bytes <= this.maxBuffered / 2) this.host.resumeFor(this);
        }
        yield item;
        continue;
      }
      if (q.error) throw q.error;
      if (q.ended) return;
      await new Promise<void>((r) => (q.wake = r));
    }
  }

  private enqueue(item: StreamItem): void {
    const q = this.sparseQ as SparseQueue;
    q.items.push(item);
    if (Buffer.isBuffer(item)) {
      q.bytes += item.length;
      if (q.bytes > this.maxBuffered) {
        if (this.flow === 'pause') this.host.pauseFor(this);
        else this.destroy(new RpcStreamOverflowError(`${this.procName}: the reader fell ${(q.bytes / 1048576).toFixed(1)} MiB behind; this stream was closed`));
      }
    }
    this.wakeReader();
  }

  private wakeReader(): void {
    const q = this.sparseQ;
    const w = q?.wake;
    if (q && w) {
      q.wake = null;
      w();
    }
  }

  /** Called by the client for every STREAM / STREAM_HOLE packet with our serial. */
  handlePacket(h: Header, payload: Buffer): void {
    if (this.destroyed) return;
    if (h.type === MessageType.STREAM_HOLE) {
      // Sparse streams: `hyper length; unsigned flags`. Only sent when asked for.
      try {
        const r = new XdrReader(payload);
        const length = r.hyper();
        if (this.sparseQ) this.enqueue({ hole: Number(length) });
        else this.emit('hole', length);
      } catch {
        /* malformed hole: ignore, holes are advisory */
      }
      return;
    }
    switch (h.status) {
      case MessageStatus.CONTINUE:
        if (payload.length > 0 && this.sparseQ) {
          this.enqueue(payload);
          return;
        }
        if (payload.length > 0) {
          const more = this.push(payload);
          if (this.flow === 'pause') {
            if (!more) this.host.pauseFor(this);
          } else if (this.readableLength > this.maxBuffered) {
            this.destroy(
              new RpcStreamOverflowError(
                `${this.procName}: the reader fell ${(this.readableLength / 1048576).toFixed(1)} MiB behind; this stream was closed so the connection keeps serving everything else`,
              ),
            );
          }
          return;
        }
        // libvirtd marks end-of-data with an EMPTY CONTINUE packet (its read
        // loop sends the 0-byte result of the final read as data).
        this.remoteEof();
        return;
      case MessageStatus.OK:
        // The confirmation of our finish (or, on the hangup path, an EOF).
        this.remoteEof();
        if (this.finishCb) this.settleFinish(null);
        this.maybeDone();
        return;
      case MessageStatus.ERROR: {
        this.remoteFinished = true;
        const err =
          payload.length === 0
            ? new RpcError(`${this.procName} stream aborted by the server`)
            : decodeLibvirtError(payload, this.procName);
        this.releaseOnce();
        this.destroy(err);
        return;
      }
      default:
        return;
    }
  }

  private remoteEof(): void {
    if (this.sparseQ && !this.sparseQ.ended) {
      this.sparseQ.ended = true;
      this.wakeReader();
    }
    if (!this.remoteFinished) {
      this.remoteFinished = true;
      this.push(null);
      // Nobody reads an upload stream: let the (empty) readable side end so
      // the Duplex can close. Buffered data would still be delivered.
      if (this.readableLength === 0) this.resume();
    }
    // The server finished first (download EOF, console closed): libvirt expects
    // the reader to answer with its own finish, which the server confirms.
    if (!this.localFinished && !this.writableEnded && !this.finishCb) this.end();
  }

  /**
   * Sends a hole of `length` bytes (a run of zeros the server need not store).
   * Only for streams opened with a *_SPARSE_STREAM flag; waits for queued data
   * first so the hole lands after it.
   */
  async writeHole(length: number): Promise<void> {
    if (length <= 0) return;
    await new Promise<void>((resolve, reject) => {
      // Ordered behind pending writes: cork-free, ride the write queue itself.
      this.write(Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
    });
    if (this.remoteFinished || !this.host.isAlive()) throw new RpcError(`${this.procName} stream is closed`);
    const payload = new XdrWriter(12).hyper(length).uint(0).view();
    if (!this.host.sendHole(this.proc, this.serial, payload)) await this.host.waitDrain();
  }

  /** Aborts the stream (status ERROR to the server). */
  abort(reason?: Error): void {
    this.destroy(reason);
  }

  override _read(): void {
    this.host.resumeFor(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    void this.writeChunks(chunk).then(() => cb(), cb);
  }

  // Payloads go to the transport by reference (not copied into packets), so a
  // write's callback waits until the transport let go of the last of them:
  // then the writer may reuse its buffer (an upload recycles its read buffers).
  private async writeChunks(chunk: Buffer): Promise<void> {
    let written: Promise<void> = Promise.resolve();
    for (let o = 0; o < chunk.length; o += STREAM_CHUNK_MAX) {
      if (this.remoteFinished || !this.host.isAlive()) throw new RpcError(`${this.procName} stream is closed`);
      let onWritten: ((err?: Error | null) => void) | undefined;
      if (o + STREAM_CHUNK_MAX >= chunk.length) {
        written = new Promise<void>((resolve, reject) => (onWritten = (err) => (err ? reject(err) : resolve())));
        written.catch(() => undefined); // awaited below, unless a drain wait fails first
      }
      const ok = this.host.sendStream(this.proc, this.serial, MessageStatus.CONTINUE, chunk.subarray(o, o + STREAM_CHUNK_MAX), onWritten);
      if (!ok) await this.host.waitDrain();
    }
    await this.host.unlessClosed(written);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.localFinished = true;
    if (!this.host.isAlive()) return cb(new RpcError(`${this.procName} stream: connection closed`));
    this.host.sendStream(this.proc, this.serial, MessageStatus.OK);
    this.finishCb = cb;
    // The peer answers our finish with its own OK (or ERROR). If it had
    // already finished, that answer still comes: libvirt confirms every finish.
    this.finishTimer = setTimeout(() => {
      this.settleFinish(new RpcTimeoutError(`${this.procName} stream: no finish confirmation`));
    }, this.finishTimeoutMs);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.sparseQ && !this.sparseQ.ended) {
      this.sparseQ.error = err ?? new RpcError(`${this.procName} stream closed before its end`);
      this.wakeReader();
    }
    const clean = this.localFinished && this.remoteFinished && !err;
    if (!clean && !this.remoteFinished && this.host.isAlive() && !this.released) {
      this.host.sendStream(this.proc, this.serial, MessageStatus.ERROR);
    }
    this.settleFinish(err ?? new RpcError(`${this.procName} stream destroyed`));
    this.releaseOnce();
    cb(err);
  }

  private settleFinish(err: Error | null): void {
    if (this.finishTimer) clearTimeout(this.finishTimer);
    this.finishTimer = null;
    const cb = this.finishCb;
    this.finishCb = null;
    if (!err && cb) this.finishConfirmed = true;
    if (cb) cb(err);
  }

  private maybeDone(): void {
    // Only once our finish is confirmed: the confirmation carries our serial.
    if (this.finishConfirmed && this.remoteFinished) this.releaseOnce();
  }

  private releaseOnce(): void {
    if (this.released) return;
    this.released = true;
    this.host.release(this);
  }
}
