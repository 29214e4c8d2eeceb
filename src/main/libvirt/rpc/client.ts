// The libvirt RPC client over any byte Duplex (unix socket, ssh2 exec channel).
// One reader; calls are numbered by serial and matched on reply (replies may
// come out of order, interleaved with serial-0 events); streams share the
// call's serial.
import type { Duplex } from 'node:stream';
import { type Codec, decode, encode } from './codec';
import { LibvirtError, RpcAbortError, RpcClosedError, RpcProtocolError, RpcTimeoutError, decodeLibvirtError } from './errors';
import { Keepalive, type KeepaliveOptions } from './keepalive';
import { Listeners } from './listeners';
import {
  KEEPALIVE_PROGRAM,
  KeepaliveProc,
  MessageStatus,
  MessageType,
  type Packet,
  PacketReader,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
  encodeHeader,
  encodePacket,
} from './packet';
import { type EventMap, type EventName, Events } from './procedures/events';
import { P } from './procedures/index';
import type { Procedure } from './procedures/define';
import { RpcStream, type RpcStreamOptions, type StreamHost } from './stream';

export interface CallOptions {
  /** Reject with RpcTimeoutError after this long (the late reply is dropped). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RpcClientOptions {
  maxPacket?: number;
  /** How long close() waits for the CONNECT_CLOSE reply or the transport to end. */
  closeTimeoutMs?: number;
  /** Where exceptions thrown by event listeners go (default console.error). */
  onListenerError?: (err: unknown) => void;
  /**
   * Flow control for streams that don't choose (RpcStreamOptions.flow). The
   * default 'bounded' never stops reading the connection; a bulk-transfer
   * session that carries nothing else uses 'pause'.
   */
  streamFlow?: 'bounded' | 'pause';
}

type ArgsParam<A> = [A] extends [void] ? [args?: undefined, opts?: CallOptions] : [args: A, opts?: CallOptions];

interface PendingCall {
  onReply: (p: Packet) => void;
  fail: (err: Error) => void;
}

/** Payloads from this size on are written after their header instead of copied behind it. */
const GATHER_MIN = 16 * 1024;

const EVENTS_BY_PROC = new Map<number, EventName>(
  (Object.keys(Events) as EventName[]).map((name) => [Events[name].proc, name]),
);

export class RpcClient {
  private nextSerial = 1;
  private readonly pending = new Map<number, PendingCall>();
  private readonly streams = new Map<number, RpcStream>();
  private readonly pausedBy = new Set<RpcStream>();
  private readonly drainWaiters = new Set<{ ok: () => void; fail: (e: Error) => void }>();
  private readonly closeWaiters = new Set<(e: Error) => void>();
  private readonly listeners: Listeners<EventMap>;
  private readonly closeListeners: Listeners<{ close: RpcClosedError }>;
  private readonly reader: PacketReader;
  private readonly keepalive: Keepalive;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closedError: RpcClosedError | null = null;
  private closing: Promise<void> | null = null;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);
  private readonly onEnd = () => this.teardown(new RpcClosedError('connection closed by the server'));
  private readonly onError = (err: Error) => this.teardown(new RpcClosedError(`transport error: ${err.message}`, { cause: err }));
  private readonly onDrain = () => this.flushDrainWaiters(null);

  constructor(
    private readonly transport: Duplex,
    private readonly opts: RpcClientOptions = {},
  ) {
    this.reader = new PacketReader(opts.maxPacket);
    const onListenerError = opts.onListenerError ?? ((e: unknown) => console.error('libvirt RPC listener failed:', e));
    this.listeners = new Listeners(onListenerError);
    this.closeListeners = new Listeners(onListenerError);
    this.keepalive = new Keepalive({
      sendPing: () => this.sendRaw(KEEPALIVE_PROGRAM, 1, KeepaliveProc.PING, MessageType.MESSAGE, 0, MessageStatus.OK),
      dead: (why) => this.teardown(new RpcClosedError(why)),
    });
    transport.on('data', this.onData);
    transport.on('end', this.onEnd);
    transport.on('close', this.onEnd);
    transport.on('error', this.onError);
    transport.on('drain', this.onDrain);
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Counts of everything the client holds, for leak checks. */
  get resources(): { pending: number; streams: number; listeners: number; timers: number; transportListeners: number } {
    const ours = [this.onData, this.onEnd, this.onError, this.onDrain] as unknown[];
    const transportListeners = ['data', 'end', 'close', 'error', 'drain']
      .map((e) => this.transport.listeners(e).filter((l) => ours.includes(l)).length)
      .reduce((a, b) => a + b, 0);
    return {
      pending: this.pending.size,
      streams: this.streams.size,
      listeners: this.listeners.size + this.closeListeners.size,
      timers: this.keepalive.timers,
      transportListeners,
    };
  }

  call<A, R>(p: Procedure<A, R>, ...[args, opts]: ArgsParam<A>): Promise<R> {
    return this.invoke(p, args as A, opts, false) as Promise<R>;
  }

  /** Calls a stream procedure; resolves once the server accepted it. */
  openStream<A>(p: Procedure<A, void>, args: A, opts?: CallOptions & RpcStreamOptions): Promise<RpcStream> {
    return this.invoke(p, args, opts, true).then((s) => s as RpcStream);
  }

  private invoke<A, R>(p: Procedure<A, R>, args: A, opts: CallOptions | undefined, wantStream: boolean, internal = false): Promise<unknown> {
    if (this.state === 'closed' || (this.state === 'closing' && !internal)) {
      return Promise.reject(this.closedError ?? new RpcClosedError('connection is closing'));
    }
    let payload: Buffer;
    try {
      payload = encode(p.args, args);
    } catch (e) {
      return Promise.reject(e);
    }
    if (opts?.signal?.aborted) return Promise.reject(new RpcAbortError(`${p.name} aborted`, { cause: opts.signal.reason }));
    const serial = this.allocSerial();
    return new Promise<unknown>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => done(new RpcAbortError(`${p.name} aborted`, { cause: opts?.signal?.reason }));
      const cleanup = () => {
        this.pending.delete(serial);
        if (timer) clearTimeout(timer);
        opts?.signal?.removeEventListener('abort', onAbort);
      };
      const stream = wantStream
        ? new RpcStream(this.streamHost, p.proc, serial, p.name, { flow: this.opts.streamFlow, ...(opts as RpcStreamOptions) })
        : null;
      const done = (err: Error | null, value?: unknown) => {
        cleanup();
        if (err) {
          if (stream) {
            this.streams.delete(serial);
            // We gave up (timeout/abort) but the server may still open it: abort there too.
            if (!(err instanceof LibvirtError)) this.sendRaw(REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, p.proc, MessageType.STREAM, serial, MessageStatus.ERROR);
          }
          reject(err);
        } else resolve(value);
      };
      this.pending.set(serial, {
        fail: (err) => done(err),
        onReply: ({ header, payload: body }) => {
          if (header.status === MessageStatus.ERROR) return done(decodeLibvirtError(body, p.name));
          if (header.status !== MessageStatus.OK) return done(new RpcProtocolError(`${p.name}: reply status ${header.status}`));
          try {
            const v = decode(p.ret, body);
            done(null, stream ?? v);
          } catch (e) {
            done(new RpcProtocolError(`${p.name}: undecodable reply: ${(e as Error).message}`, { cause: e }));
          }
        },
      });
      if (stream) this.streams.set(serial, stream);
      if (opts?.timeoutMs !== undefined) {
        timer = setTimeout(() => done(new RpcTimeoutError(`${p.name}: no reply after ${opts.timeoutMs} ms`)), opts.timeoutMs);
      }
      opts?.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        this.transport.write(encodePacket({ prog: REMOTE_PROGRAM, vers: REMOTE_PROTOCOL_VERSION, proc: p.proc, type: MessageType.CALL, serial, status: MessageStatus.OK }, payload));
      } catch (e) {
        done(new RpcClosedError(`${p.name}: write failed`, { cause: e }));
      }
    });
  }

  /** Listens to one event kind; the returned function stops listening. */
  onEvent<K extends EventName>(name: K, cb: (ev: EventMap[K]) => void): () => void {
    return this.listeners.on(name, cb);
  }

  /** Called once when the connection is gone, for whatever reason. */
  onClose(cb: (err: RpcClosedError) => void): () => void {
    if (this.state !== 'closed') return this.closeListeners.on('close', cb);
    queueMicrotask(() => cb(this.closedError as RpcClosedError));
    return () => undefined;
  }

  /** Sends our own PINGs when idle; the connection is declared dead after maxMissed silent intervals. */
  startKeepalive(opts?: KeepaliveOptions): void {
    if (this.state === 'open') this.keepalive.start(opts);
  }

  /**
   * CONNECT_CLOSE, then drop the transport. The reply is often lost (the SSH
   * helper exits first), so the transport closing counts as success.
   */
  close(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    if (this.closing) return this.closing;
    this.state = 'closing';
    // Our own decision, not a failure: abort open streams without an 'error' event.
    for (const s of [...this.streams.values()]) s.destroy();
    const wait = this.opts.closeTimeoutMs ?? 2000;
    this.closing = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      const stop = this.closeListeners.on('close', () => resolve());
      this.invoke(P.CONNECT_CLOSE, undefined, undefined, false, true)
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          stop();
          resolve();
        });
    }).then(() => this.teardown(new RpcClosedError('connection closed by the client')));
    return this.closing;
  }

  /** Drops the connection at once; pending calls reject with `err`. */
  destroy(err?: Error): void {
    this.teardown(err instanceof RpcClosedError ? err : new RpcClosedError(err?.message ?? 'connection destroyed', { cause: err }));
  }

  private allocSerial(): number {
    // Serials are u32; skip 0 (events use it) and any still in flight.
    do {
      this.nextSerial = this.nextSerial >= 0xffffffff ? 1 : this.nextSerial + 1;
    } while (this.pending.has(this.nextSerial) || this.streams.has(this.nextSerial));
    return this.nextSerial;
  }

  private sendRaw(prog: number, vers: number, proc: number, type: number, serial: number, status: number, payload?: Uint8Array, onWritten?: (err?: Error | null) => void): boolean {
    if (this.state === 'closed' || this.transport.destroyed || !this.transport.writable) {
      onWritten?.(this.closedError ?? new RpcClosedError('connection closed'));
      return false;
    }
    const h = { prog, vers, proc, type, serial, status };
    if (!payload || payload.length < GATHER_MIN) return this.transport.write(encodePacket(h, payload), onWritten);
    // Bulk data: header and payload as two writes in the same tick (nothing
    // can come between them), so the payload is not copied into a packet
    // buffer; `onWritten` tells when the transport let go of it.
    this.transport.write(encodeHeader(h, payload.length));
    return this.transport.write(Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), onWritten);
  }

  private receive(chunk: Buffer): void {
    if (this.state === 'closed') return;
    try {
      this.reader.push(chunk, (p) => this.dispatch(p));
    } catch (e) {
      this.teardown(new RpcClosedError(`protocol error: ${(e as Error).message}`, { cause: e }));
    }
  }

  private dispatch(p: Packet): void {
    const h = p.header;
    this.keepalive.received();
    if (h.prog === KEEPALIVE_PROGRAM) {
      if (h.type === MessageType.MESSAGE && h.proc === KeepaliveProc.PING) {
        this.sendRaw(KEEPALIVE_PROGRAM, 1, KeepaliveProc.PONG, MessageType.MESSAGE, 0, MessageStatus.OK);
      }
      return;
    }
    if (h.prog !== REMOTE_PROGRAM || h.vers !== REMOTE_PROTOCOL_VERSION) return; // not ours: drop, keep going
    switch (h.type) {
      case MessageType.REPLY: {
        const call = this.pending.get(h.serial);
        if (call) call.onReply(p);
        // libvirtd reports a failed stream finish as a REPLY on the stream's serial.
        else this.streams.get(h.serial)?.handlePacket({ ...h, type: MessageType.STREAM }, p.payload);
        return;
      }
      case MessageType.STREAM:
      case MessageType.STREAM_HOLE:
        this.streams.get(h.serial)?.handlePacket(h, p.payload);
        return;
      case MessageType.MESSAGE:
        this.emitEvent(h.proc, p.payload);
        return;
      default:
        return;
    }
  }

  private emitEvent(proc: number, payload: Buffer): void {
    const name = EVENTS_BY_PROC.get(proc);
    if (!name || !this.listeners.has(name)) return;
    let ev: EventMap[typeof name];
    try {
      ev = decode(Events[name].msg as Codec<EventMap[typeof name]>, payload);
    } catch {
      return; // a malformed event must not take the connection down
    }
    this.listeners.emit(name, ev);
  }

  private readonly streamHost: StreamHost = {
    sendStream: (proc, serial, status, payload, onWritten) =>
      this.sendRaw(REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, proc, MessageType.STREAM, serial, status, payload, onWritten),
    sendHole: (proc, serial, payload) =>
      this.sendRaw(REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, proc, MessageType.STREAM_HOLE, serial, MessageStatus.CONTINUE, payload),
    waitDrain: () =>
      this.state === 'closed'
        ? Promise.reject(this.closedError)
        : new Promise<void>((ok, fail) => this.drainWaiters.add({ ok, fail })),
    unlessClosed: (p) => {
      if (this.state === 'closed') return Promise.reject(this.closedError);
      return new Promise<void>((ok, fail) => {
        this.closeWaiters.add(fail);
        p.then(ok, fail).finally(() => this.closeWaiters.delete(fail));
      });
    },
    pauseFor: (s) => {
      this.pausedBy.add(s);
      this.transport.pause();
      // Our own choice, not a dead peer: keep pinging (so the server's keepalive
      // sees us) but don't count the silence we caused against the server.
      this.keepalive.hold(true);
    },
    resumeFor: (s) => {
      if (this.pausedBy.delete(s) && this.pausedBy.size === 0 && this.state !== 'closed') {
        this.transport.resume();
        this.keepalive.hold(false);
      }
    },
    release: (s) => {
      if (this.streams.get(s.serial) === s) this.streams.delete(s.serial);
      this.streamHost.resumeFor(s);
    },
    isAlive: () => this.state !== 'closed' && !this.transport.destroyed,
  };

  private flushDrainWaiters(err: Error | null): void {
    const waiters = [...this.drainWaiters];
    this.drainWaiters.clear();
    for (const w of waiters) {
      if (err) w.fail(err);
      else w.ok();
    }
  }

  private teardown(err: RpcClosedError): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closedError = err;
    this.keepalive.stop();
    for (const call of [...this.pending.values()]) call.fail(err);
    this.pending.clear();
    for (const s of [...this.streams.values()]) s.destroy(err);
    this.streams.clear();
    this.pausedBy.clear();
    this.flushDrainWaiters(err);
    for (const fail of [...this.closeWaiters]) fail(err);
    this.closeWaiters.clear();
    const t = this.transport;
    t.off('data', this.onData);
    t.off('end', this.onEnd);
    t.off('close', this.onEnd);
    t.off('error', this.onError);
    t.off('drain', this.onDrain);
    // A write racing the destroy may still error: swallow it rather than crash.
    t.once('error', () => undefined);
    t.destroy();
    this.listeners.clear();
    this.closeListeners.emit('close', err);
    this.closeListeners.clear();
  }
}
