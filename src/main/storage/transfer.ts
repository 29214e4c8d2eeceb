import { once } from 'node:events';
import { AppFailure } from '../../shared/ipc/result';
import type { HostTransport } from '../hosts/transport';
import { toLibvirtFailure } from '../libvirt/errors';
import { P } from '../libvirt/rpc/procedures/index';
import { RpcClosedError } from '../libvirt/rpc/errors';
import type { RpcStream, StreamItem } from '../libvirt/rpc/stream';
import type { StorageVolRef as StorageVol } from '../libvirt/rpc/types';
import type { LibvirtSessions } from '../libvirt/sessions';
import { contentHash } from './content-hash';
import type { RecyclingSource } from './file-chunks';
import { Rechunked } from './rechunked';
import { sparseRuns } from './sparse';

// Bulk bytes in and out of volumes: uploads (ISO, disk images, P2V disks),
// downloads, and host-to-host relays (offline migration, restore). Each
// transfer rides its own bulk session (a second virt-ssh-helper channel on
// the host's one SSH connection), so it never holds the channel that carries
// calls, events and keepalive. Zero runs travel as stream holes (flag
// *_SPARSE_STREAM = 1); the SHA-256 covers the logical content (holes count
// as zeros), so it can be compared with `sha256sum` of the volume on the host.

const SPARSE_STREAM = 1; // VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM = VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM

export interface TransferProgress {
  /** Logical bytes done (data + holes). */
  done: number;
  /** Bytes that crossed the wire as data. */
  sent: number;
  /** Bytes skipped as holes. */
  holes: number;
  total?: number;
}

export interface TransferResult {
  sha256: string;
  /** Logical size moved (data + holes). */
  bytes: number;
  /** Data bytes on the wire. */
  bytesSent: number;
  holeBytes: number;
  seconds: number;
}

interface Common {
  sessions: LibvirtSessions;
  hostId: string;
  vol: StorageVol;
  signal: AbortSignal;
  onProgress?: (p: TransferProgress) => void;
}

export interface UploadOptions extends Common {
  /** Exact number of logical bytes the source yields; the upload fails if it yields another amount. */
  size: number;
  /**
   * Byte chunks and, from a sparse download, holes. Buffers are sent by
   * reference: a source either hands over fresh ones (as Node streams do) or
   * is a lease (FileChunks) that refills one once every view of it was dropped.
   */
  source: AsyncIterable<Uint8Array | StreamItem> & Partial<Pick<RecyclingSource, 'holdView' | 'dropView' | 'stopReading'>>;
  /**
   * Send zero runs as holes (default true). Holes skip writing, so the target
   * must read as zeros where they land: a freshly created volume does.
   */
  sparse?: boolean;
  offset?: number;
}

/** Uploads `size` bytes into an existing volume. Cancel = abort the stream; the caller removes the volume. */
export async function uploadVolume(o: UploadOptions): Promise<TransferResult> {
  const started = performance.now();
  const sparse = o.sparse ?? true;
  const bulk = await o.sessions.openBulk(o.hostId, o.signal).catch((e: unknown) => {
    throw toLibvirtFailure(e, o.hostId, `Opening a transfer session to ${o.hostId}`);
  });
  const hash = contentHash(o.size);
  const p: TransferProgress = { done: 0, sent: 0, holes: 0, total: o.size };
  let stream: RpcStream | undefined;
  let items: AsyncIterator<StreamItem | Uint8Array> | undefined;
  try {
    stream = await bulk.client.openStream(
      P.STORAGE_VOL_UPLOAD,
      { vol: o.vol, offset: o.offset ?? 0, length: o.size, flags: sparse ? SPARSE_STREAM : 0 },
      { signal: o.signal, finishTimeoutMs: 120_000 },
    );
    const s = stream;
    // A bulk session closed under us (the host's link dropped) destroys the stream without an 'error'.
    const failed = new Promise<never>((_, reject) => {
      s.once('error', reject);
      s.once('close', () => {
        if (!s.writableFinished) reject(new RpcClosedError(`${o.vol.name}: the transfer connection closed`));
      });
    });
    failed.catch(() => undefined);
    const it = (items = (sparse ? sparseRuns(o.source) : asItems(o.source))[Symbol.asyncIterator]());
    // A data item from a lease (straight, or via sparseRuns) comes held: dropped once sent.
    const drop = o.source.dropView?.bind(o.source);
    // A source that stalls (a browser holding its request body) must not hold
    // the task past a cancel or a dropped stream: each read races both.
    const aborted = new Promise<never>((_, reject) => {
      if (o.signal.aborted) reject(o.signal.reason);
      else o.signal.addEventListener('abort', () => reject(o.signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    for (;;) {
      const next = await Promise.race([it.next(), failed, aborted]);
      if (next.done) break;
      const item = next.value;
      o.signal.throwIfAborted();
      if (Buffer.isBuffer(item) || item instanceof Uint8Array) {
        const buf = Buffer.isBuffer(item) ? item : Buffer.from(item.buffer, item.byteOffset, item.byteLength);
        if (p.done + buf.length > o.size) throw sizeMismatch(o, `more than ${o.size}`);
        const behind = hash.update(buf);
        if (behind) await behind;
        // The callback comes once the transport let go of `buf`.
        if (!s.write(buf, drop && ((e) => e || drop(buf)))) await Promise.race([once(s, 'drain'), failed]);
        p.done += buf.length;
        p.sent += buf.length;
      } else {
        if (p.done + item.hole > o.size) throw sizeMismatch(o, `more than ${o.size}`);
        hash.zeros(item.hole);
        if (sparse) await Promise.race([s.writeHole(item.hole), failed]);
        else await writeZeros(s, item.hole, failed);
        p.done += item.hole;
        p.holes += sparse ? item.hole : 0;
        p.sent += sparse ? 0 : item.hole;
      }
      o.onProgress?.({ ...p });
    }
    if (p.done !== o.size) throw sizeMismatch(o, String(p.done));
    // The server confirms the finish once everything is written (and flushed).
    await Promise.race([new Promise<void>((resolve, reject) => s.end((e?: Error | null) => (e ? reject(e) : resolve()))), failed]);
  } catch (e) {
    stream?.abort(e instanceof Error ? e : undefined);
    hash.dispose();
    if (o.source.stopReading) {
      // A lease may wait for a drop that will not come: stop it, then let it close its file.
      o.source.stopReading();
      void items?.return?.(undefined).catch(() => undefined);
    }
    throw transferFailure(e, o, 'Upload', p);
  } finally {
    await bulk.close();
  }
  return { sha256: await hash.digest(), bytes: p.done, bytesSent: p.sent, holeBytes: p.holes, seconds: (performance.now() - started) / 1000 };
}

export interface DownloadOptions extends Common {
  /** Where the bytes go, in order. Holes arrive as { hole } when sparse (default true). */
  sink: (item: StreamItem) => Promise<void> | void;
  sparse?: boolean;
  offset?: number;
  /** 0 = to the end of the volume. */
  length?: number;
  /** For progress only (e.g. the volume's capacity). */
  total?: number;
}

/** Downloads a volume (or a range of it) into `sink`. */
export async function downloadVolume(o: DownloadOptions): Promise<TransferResult> {
  const started = performance.now();
  const sparse = o.sparse ?? true;
  const bulk = await o.sessions.openBulk(o.hostId, o.signal).catch((e: unknown) => {
    throw toLibvirtFailure(e, o.hostId, `Opening a transfer session to ${o.hostId}`);
  });
  const hash = contentHash(o.length || o.total);
  const p: TransferProgress = { done: 0, sent: 0, holes: 0, ...(o.total !== undefined ? { total: o.total } : {}) };
  let stream: RpcStream | undefined;
  try {
    stream = await bulk.client.openStream(
      P.STORAGE_VOL_DOWNLOAD,
      { vol: o.vol, offset: o.offset ?? 0, length: o.length ?? 0, flags: sparse ? SPARSE_STREAM : 0 },
      { signal: o.signal, sparse: true, flow: 'pause' },
    );
    for await (const item of stream.items()) {
      o.signal.throwIfAborted();
      if (Buffer.isBuffer(item)) {
        const behind = hash.update(item);
        if (behind) await behind;
        p.sent += item.length;
        p.done += item.length;
      } else {
        hash.zeros(item.hole);
        p.holes += item.hole;
        p.done += item.hole;
      }
      await o.sink(item);
      o.onProgress?.({ ...p });
    }
    if (!stream.destroyed) await once(stream, 'close');
  } catch (e) {
    stream?.abort(e instanceof Error ? e : undefined);
    hash.dispose();
    throw transferFailure(e, o, 'Download', p);
  } finally {
    await bulk.close();
  }
  return { sha256: await hash.digest(), bytes: p.done, bytesSent: p.sent, holeBytes: p.holes, seconds: (performance.now() - started) / 1000 };
}

export interface RelayOptions {
  from: { sessions: LibvirtSessions; hostId: string; vol: StorageVol };
  to: { sessions: LibvirtSessions; hostId: string; vol: StorageVol };
  /** Logical bytes to copy (the source volume's capacity). */
  size: number;
  signal: AbortSignal;
  onProgress?: (p: TransferProgress) => void;
}

/**
 * Copies a volume between two hosts through VirtDeck (for hosts with no route
 * between them): a sparse download from one feeds a sparse upload to the
 * other, holes passed through, with a bounded queue between the two.
 */
export async function relayVolume(o: RelayOptions): Promise<TransferResult & { sourceSha256: string }> {
  const queue = new ItemQueue(16 << 20);
  const inner = new AbortController();
  const onAbort = () => inner.abort(o.signal.reason);
  o.signal.addEventListener('abort', onAbort, { once: true });
  const down = downloadVolume({
    ...o.from,
    signal: inner.signal,
    total: o.size,
    sink: (item) => queue.put(item),
  }).then(
    (r) => {
      queue.close();
      return r;
    },
    (e: unknown) => {
      queue.fail(e instanceof Error ? e : new Error(String(e)));
      throw e;
    },
  );
  try {
    // Download packets re-cut into recycled 1 MiB views (Rechunked says why).
    const up = await uploadVolume({ ...o.to, size: o.size, source: new Rechunked(queue.drain()), signal: inner.signal, ...(o.onProgress ? { onProgress: o.onProgress } : {}) }).catch((e: unknown) => {
      inner.abort(e);
      throw e;
    });
    const d = await down;
    return { ...up, sourceSha256: d.sha256 };
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    await down.catch(() => undefined);
  }
}

/**
 * SHA-256 of the first `size` bytes of a volume, computed ON the host (so a
 * checksum proves what was written there, not what we sent). `path` is data:
 * it reaches `head` as an argument, never through a shell's parser.
 */
export async function volumeSha256OnHost(transport: HostTransport, path: string, size: number, signal?: AbortSignal): Promise<string> {
  const r = await transport.execScript('head -c "$1" -- "$2" | sha256sum', [String(size), path], { ...(signal ? { signal } : {}), timeoutMs: 3_600_000 });
  const hex = /^[0-9a-f]{64}/.exec(r.stdout.toString('latin1'))?.[0];
  if (r.code !== 0 || !hex) {
    throw new AppFailure('INTERNAL', `Could not checksum ${path} on ${transport.hostId}: ${r.stderr.toString('utf8').trim() || `exit ${r.code}`}`, { hostId: transport.hostId });
  }
  return hex;
}

async function* asItems(src: AsyncIterable<Uint8Array | StreamItem>): AsyncGenerator<StreamItem | Uint8Array> {
  yield* src;
}

async function writeZeros(s: RpcStream, n: number, failed: Promise<never>): Promise<void> {
  const zero = Buffer.alloc(256 * 1024);
  for (let left = n; left > 0; left -= zero.length) {
    if (!s.write(left >= zero.length ? zero : zero.subarray(0, left))) await Promise.race([once(s, 'drain'), failed]);
  }
}

function sizeMismatch(o: UploadOptions, got: string): AppFailure {
  return new AppFailure('VALIDATION', `The source gave ${got} bytes but ${o.size} were expected for volume ${o.vol.name}`, { hostId: o.hostId });
}

function transferFailure(e: unknown, o: Common, what: 'Upload' | 'Download', p: TransferProgress): AppFailure {
  const at = `after ${p.done} of ${p.total ?? '?'} bytes (${p.sent} sent as data)`;
  if (o.signal.aborted) {
    const reason = o.signal.reason instanceof AppFailure ? o.signal.reason.error.message : 'cancelled';
    return new AppFailure('CANCELLED', `${what} of ${o.vol.name} stopped ${at}: ${reason}`, { hostId: o.hostId });
  }
  if (e instanceof AppFailure) return e;
  const f = toLibvirtFailure(e, o.hostId, `${what} of ${o.vol.name} failed ${at}`);
  return f;
}

/** A bounded FIFO between a producer and a consumer (the relay's two streams). */
class ItemQueue {
  private items: StreamItem[] = [];
  private bytes = 0;
  private closed = false;
  private error: Error | null = null;
  private wakeConsumer: (() => void) | null = null;
  private wakeProducer: (() => void) | null = null;

  constructor(private readonly maxBytes: number) {}

  async put(item: StreamItem): Promise<void> {
    while (this.bytes >= this.maxBytes && !this.error) await new Promise<void>((r) => (this.wakeProducer = r));
    if (this.error) throw this.error;
    this.items.push(item);
    if (Buffer.isBuffer(item)) this.bytes += item.length;
    this.wake('consumer');
  }

  close(): void {
    this.closed = true;
    this.wake('consumer');
  }

  fail(e: Error): void {
    this.error = e;
    this.wake('consumer');
    this.wake('producer');
  }

  async *drain(): AsyncGenerator<StreamItem> {
    try {
      for (;;) {
        const item = this.items.shift();
        if (item) {
          if (Buffer.isBuffer(item)) this.bytes -= item.length;
          this.wake('producer');
          yield item;
          continue;
        }
        if (this.error) throw this.error;
        if (this.closed) return;
        await new Promise<void>((r) => (this.wakeConsumer = r));
      }
    } finally {
      // The consumer stopped (done or failed): unblock a waiting producer.
      if (!this.closed) this.fail(this.error ?? new Error('the receiving side stopped'));
    }
  }

  private wake(who: 'consumer' | 'producer'): void {
    const w = who === 'consumer' ? this.wakeConsumer : this.wakeProducer;
    if (who === 'consumer') this.wakeConsumer = null;
    else this.wakeProducer = null;
    w?.();
  }
}
