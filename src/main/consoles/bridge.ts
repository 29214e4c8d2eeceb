import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CONSOLE_CLOSE, ConsoleControlSchema } from '../../shared/ipc/calls/consoles';
import type { Logger } from '../util/log';
import { TokenStore } from './tokens';

export const CONSOLE_PATH = '/console';

/** A byte stream a console shows: an ssh2 forward (VNC), a libvirt console stream, an ssh2 shell. */
export interface ConsoleTarget {
  kind: 'vnc' | 'serial' | 'shell';
  /** For logs: "lab-1/web vnc 127.0.0.1:5900". */
  label: string;
  stream: Duplex;
  resize?(cols: number, rows: number): void;
  /** Releases the target; idempotent. Default: stream.destroy(). */
  close?(): void;
  /** Turns a stream error into the close code and words the page shows. */
  describeError?(e: Error): { code: number; reason: string };
  /** The sign-in session that opened it (serve accounts): it closes when that session ends. */
  owner?: string;
}

export interface BridgeOptions {
  /** Pause the target once this much waits in the WebSocket's send buffer… */
  highWater?: number;
  /** …and resume it once it drained below this. */
  lowWater?: number;
  ttlMs?: number;
}

interface Live {
  target: ConsoleTarget;
  ws: WebSocket;
  end(code: number, reason: string): void;
}

/**
 * The one stream bridge: a contract call binds a target to a one-time token,
 * and the page opens `/console/<token>` as a WebSocket of binary frames
 * (framing: src/shared/ipc/calls/consoles.ts). Backpressure runs both ways
 * and either side closing closes the other.
 */
export class ConsoleBridge {
  private readonly tokens: TokenStore<ConsoleTarget>;
  // No compression: RFB is already compressed, terminal traffic is tiny, and
  // deflate would cost latency on every keystroke.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20, perMessageDeflate: false });
  private readonly live = new Set<Live>();
  private readonly pendingWatch = new Map<ConsoleTarget, () => void>();
  private readonly high: number;
  private readonly low: number;
  private origin: string | null = null;
  private disposed = false;

  constructor(
    private readonly log: Logger,
    opts: BridgeOptions = {},
  ) {
    this.high = opts.highWater ?? 1 << 20;
    this.low = opts.lowWater ?? 256 << 10;
    this.tokens = new TokenStore<ConsoleTarget>({
      ttlMs: opts.ttlMs,
      onExpire: (t) => {
        this.log.info(`${t.label}: token expired unused`);
        this.unwatch(t);
        closeTarget(t);
      },
    });
  }

  /** Electron mode: the core's own listener, e.g. ws://127.0.0.1:41234. Serve mode leaves it unset (same origin as the page). */
  setOrigin(origin: string | null): void {
    this.origin = origin;
  }

  /** Binds an already-open target to a fresh token; the target is closed if nobody connects in time. */
  issue(target: ConsoleTarget): { url: string; expiresAt: number } {
    if (this.disposed) {
      closeTarget(target);
      throw new Error('console bridge is shut down');
    }
    // Until a page connects, a target that dies (guest shut down) takes its token with it,
    // and its errors must have a listener or Node would crash the core.
    const onGone = () => this.tokens.revoke((t) => t === target);
    const onError = (e: Error) => this.log.warn(`${target.label}: closed before anyone connected: ${e.message}`);
    target.stream.once('close', onGone);
    target.stream.on('error', onError);
    this.pendingWatch.set(target, () => {
      target.stream.off('close', onGone);
      target.stream.off('error', onError);
    });
    const { token, expiresAt } = this.tokens.issue(target);
    return { url: `${this.origin ?? ''}${CONSOLE_PATH}/${token}`, expiresAt };
  }

  /** Upgrade handler for `/console/<token>`; the caller already checked Origin and Host. */
  handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    const token = url.pathname.startsWith(CONSOLE_PATH + '/') ? url.pathname.slice(CONSOLE_PATH.length + 1) : '';
    const target = this.disposed ? undefined : this.tokens.take(token);
    if (!target) {
      this.log.warn('refused a console WebSocket: unknown, used or expired token');
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.unwatch(target);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, target));
  };

  get stats(): { pending: number; live: number; sockets: number } {
    return { pending: this.tokens.size, live: this.live.size, sockets: this.wss.clients.size };
  }

  /** Closes the consoles a sign-in session opened, and voids its unused tokens (signed out, expired). */
  endOwnedBy(owner: string, reason: string): number {
    this.tokens.revoke((t) => t.owner === owner);
    let n = 0;
    for (const l of [...this.live]) {
      if (l.target.owner !== owner) continue;
      n++;
      l.end(CONSOLE_CLOSE.SESSION_ENDED, reason);
    }
    return n;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.tokens.dispose();
    for (const l of [...this.live]) l.end(CONSOLE_CLOSE.SHUTDOWN, 'VirtDeck is shutting down');
    this.wss.close();
  }

  private unwatch(target: ConsoleTarget): void {
    this.pendingWatch.get(target)?.();
    this.pendingWatch.delete(target);
  }

  private attach(ws: WebSocket, target: ConsoleTarget): void {
    const src = target.stream;
    let wsFull = false; // the page is slow to take what we send
    let pageAsked = false; // the page said pause (xterm.js write buffer above its watermark)
    let wsPaused = false; // the target is slow to take what the page sends
    let ended = false;

    const flow = () => {
      if (wsFull || pageAsked) src.pause();
      else src.resume();
    };
    const afterSend = (err?: Error) => {
      if (!err && wsFull && ws.bufferedAmount <= this.low) {
        wsFull = false;
        flow();
      }
    };
    const onData = (chunk: Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(chunk, { binary: true }, afterSend);
      if (!wsFull && ws.bufferedAmount > this.high) {
        wsFull = true;
        flow();
      }
    };
    const onDrain = () => {
      wsPaused = false;
      ws.resume();
    };
    const onMessage = (data: RawData, isBinary: boolean) => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (!isBinary) return control(buf.toString('utf8'));
      if (!src.writable) return;
      // write()'s false is the target's own watermark (2 MiB for an ssh2 channel), and only
      // then is 'drain' promised: pausing on any other condition could wait forever.
      if (!src.write(buf) && !wsPaused) {
        wsPaused = true;
        ws.pause();
        src.once('drain', onDrain);
      }
    };
    const control = (text: string) => {
      let msg;
      try {
        msg = ConsoleControlSchema.parse(JSON.parse(text));
      } catch {
        return this.log.debug(`${target.label}: ignored malformed control frame`);
      }
      if (msg.t === 'resize') target.resize?.(msg.cols, msg.rows);
      else {
        pageAsked = msg.t === 'pause';
        flow();
      }
    };
    const onSrcEnd = () => end(CONSOLE_CLOSE.ENDED, `${target.kind === 'shell' ? 'The shell' : 'The console'} closed`);
    const onSrcError = (e: Error) => {
      const { code, reason } = target.describeError?.(e) ?? { code: CONSOLE_CLOSE.FAILED, reason: e.message };
      end(code, reason);
    };
    const end = (code: number, reason: string) => {
      if (ended) return;
      ended = true;
      this.live.delete(live);
      src.off('data', onData);
      src.off('end', onSrcEnd);
      src.off('close', onSrcEnd);
      src.off('drain', onDrain);
      // Late errors from a target being torn down are expected; keep a listener.
      src.off('error', onSrcError);
      closeTarget(target);
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
        ws.close(code, clip(reason));
        // A page that never answers the close handshake must not hold the socket.
        setTimeout(() => ws.terminate(), 2000).unref();
      }
      this.log.info(`${target.label}: console closed (${code} ${reason})`);
    };
    const live: Live = { target, ws, end };
    this.live.add(live);

    ws.on('message', onMessage);
    ws.on('close', () => end(CONSOLE_CLOSE.ENDED, 'page closed'));
    ws.on('error', (e) => end(CONSOLE_CLOSE.FAILED, e.message));
    src.on('error', onSrcError);
    src.on('end', onSrcEnd);
    src.on('close', onSrcEnd);
    if (src.destroyed || src.readableEnded) return onSrcEnd();
    src.on('data', onData);
    this.log.info(`${target.label}: console attached`);
  }
}

function closeTarget(t: ConsoleTarget): void {
  // Closing raises late errors (a libvirt finish on a dead connection…); they must not crash the core.
  if (t.stream.listenerCount('error') === 0) t.stream.on('error', () => {});
  try {
    if (t.close) t.close();
    else t.stream.destroy();
  } catch {
    // Closing a target whose connection already died can throw (ssh2); it is gone either way.
  }
}

/** WebSocket close reasons are limited to 123 bytes of UTF-8. */
function clip(reason: string): string {
  const b = Buffer.from(reason, 'utf8');
  if (b.length <= 123) return reason;
  return b.subarray(0, 120).toString('utf8').replace(/\uFFFD*$/, '') + '…';
}
