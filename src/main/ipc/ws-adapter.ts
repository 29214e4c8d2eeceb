import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { WS_PROTOCOL } from '../../shared/ipc/access';
import type { EventBus } from './bus';
import { ClientSession, type ClientIdentity, type SessionLimits } from './connection';
import type { HandlerRegistry } from './registry';
import type { Logger } from '../util/log';

// Wire format of the serve-mode WebSocket. Calls carry a client-chosen id so
// answers can arrive out of order; events are pushed unprompted.
const ClientMessage = z.object({
  t: z.literal('call'),
  id: z.number().int().nonnegative(),
  name: z.string().max(100),
  input: z.unknown(),
});
export type WsServerMessage =
  | { t: 'result'; id: number; result: unknown }
  | { t: 'event'; name: string; payload: unknown }
  | { t: 'error'; message: string };

export const MAX_WS_MESSAGE = 4 * 1024 * 1024;

export interface WsAdapterOptions extends SessionLimits {
  /**
   * Ping period. A client that has not answered the previous ping when the
   * next is due is half-open (laptop asleep, NAT dropped it): it is dropped,
   * and its subscriptions with it.
   */
  heartbeatMs?: number;
  /** A client that leaves more than this unsent (it stopped reading) is dropped. */
  maxBufferedBytes?: number;
}

export const WS_DEFAULTS = { heartbeatMs: 30_000, maxBufferedBytes: 16 << 20 } as const;

/** Close code when the credential behind a socket stopped being good (signed out, expired, mode changed). */
export const WS_CLOSE_SESSION_ENDED = 4401;

/** Contract over WebSocket: one ClientSession per socket, disposed on close. */
export class WsAdapter {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_WS_MESSAGE,
    // Select our protocol and only it: the token the page offers as a second
    // subprotocol is never echoed back.
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  private readonly sessions = new Set<ClientSession>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly identities = new Map<WebSocket, ClientIdentity | undefined>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxBuffered: number;

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly opts: WsAdapterOptions = {},
  ) {
    this.maxBuffered = opts.maxBufferedBytes ?? WS_DEFAULTS.maxBufferedBytes;
    this.heartbeat = setInterval(() => this.beat(), opts.heartbeatMs ?? WS_DEFAULTS.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Call only after the front checked credential and origin; `identity` says who the credential is (accounts). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, identity?: ClientIdentity): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, identity));
  }

  /**
   * Closes the sockets whose credential is no longer good (a session ended,
   * the token stopped working); the page then asks for a new one.
   */
  closeWhere(match: (identity: ClientIdentity | undefined) => boolean, reason: string): number {
    let n = 0;
    for (const [ws, identity] of this.identities) {
      if (!match(identity)) continue;
      n++;
      this.identities.delete(ws);
      ws.close(WS_CLOSE_SESSION_ENDED, reason.slice(0, 120));
      setTimeout(() => ws.terminate(), 2000).unref();
    }
    return n;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Subscriptions still held by live sockets (tests check this drops to 0). */
  get subscriptionCount(): number {
    let n = 0;
    for (const s of this.sessions) n += s.disposables.size;
    return n;
  }

  private beat(): void {
    for (const ws of this.wss.clients) {
      if (this.alive.get(ws) === false) {
        this.log.warn(`dropping a WebSocket client: no answer to the last ping in ${this.opts.heartbeatMs ?? WS_DEFAULTS.heartbeatMs} ms (half-open connection)`);
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      ws.ping();
    }
  }

  private attach(ws: WebSocket, identity: ClientIdentity | undefined): void {
    this.identities.set(ws, identity);
    const send = (m: WsServerMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify(m));
      // bufferedAmount counts what neither ws nor the kernel could send yet:
      // it only grows when the client stops reading.
      if (ws.bufferedAmount > this.maxBuffered) {
        this.log.warn(`dropping ws client ${s.id}: ${ws.bufferedAmount} bytes unsent (over ${this.maxBuffered}): the client stopped reading`);
        ws.terminate();
      }
    };
    const s = new ClientSession(this.registry, this.bus, (msg) => send({ t: 'event', name: msg.name, payload: msg.payload }), this.opts, identity);
    this.sessions.add(s);
    this.alive.set(ws, true);
    this.log.info(`ws client ${s.id} connected`);

    ws.on('pong', () => this.alive.set(ws, true));
    ws.on('message', (data, isBinary) => {
      this.alive.set(ws, true);
      if (isBinary) return send({ t: 'error', message: 'binary frames are not part of the contract' });
      let parsed: z.infer<typeof ClientMessage>;
      try {
        parsed = ClientMessage.parse(JSON.parse(data.toString()));
      } catch {
        return send({ t: 'error', message: 'malformed message: expected {t:"call", id, name, input}' });
      }
      s.invoke(parsed.name, parsed.input).then(
        (result) => send({ t: 'result', id: parsed.id, result }),
        (e: unknown) => this.log.error(`ws client ${s.id}: ${parsed.name} failed outside the registry: ${String(e)}`),
      );
    });
    ws.on('close', () => {
      this.identities.delete(ws);
      s.dispose();
      this.sessions.delete(s);
      this.log.info(`ws client ${s.id} closed`);
    });
    ws.on('error', (e) => this.log.warn(`ws client ${s.id}: ${e.message}`));
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const s of this.sessions) s.dispose();
    this.sessions.clear();
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}
