import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { EventBus } from './bus';
import { ClientSession } from './connection';
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

/** Contract over WebSocket: one ClientSession per socket, disposed on close. */
export class WsAdapter {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE });
  private readonly sessions = new Set<ClientSession>();

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  /** Call only after the server checked token and origin. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
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

  private attach(ws: WebSocket): void {
    const send = (m: WsServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const session = new ClientSession(this.registry, this.bus, (msg) => send({ t: 'event', name: msg.name, payload: msg.payload }));
    this.sessions.add(session);
    this.log.info(`ws client ${session.id} connected`);

    ws.on('message', (data, isBinary) => {
      if (isBinary) return send({ t: 'error', message: 'binary frames are not part of the contract' });
      let parsed: z.infer<typeof ClientMessage>;
      try {
        parsed = ClientMessage.parse(JSON.parse(data.toString()));
      } catch {
        return send({ t: 'error', message: 'malformed message: expected {t:"call", id, name, input}' });
      }
      void session.invoke(parsed.name, parsed.input).then((result) => send({ t: 'result', id: parsed.id, result }));
    });
    ws.on('close', () => {
      session.dispose();
      this.sessions.delete(session);
      this.log.info(`ws client ${session.id} closed`);
    });
    ws.on('error', (e) => this.log.warn(`ws client ${session.id}: ${e.message}`));
  }

  close(): void {
    for (const s of this.sessions) s.dispose();
    this.sessions.clear();
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}
