import { z } from 'zod';
import { events, type EventName, type EventPayload } from '../../shared/ipc/contract';
import type { Dispose } from '../util/disposable';
import { createLogger, type Logger } from '../util/log';

export interface BusMessage {
  name: EventName;
  payload: unknown;
  /** Deliver only to this connection (e.g. metrics a window subscribed to). */
  to?: string;
}

type Listener = (msg: BusMessage) => void;

const issuesText = (e: z.ZodError): string =>
  e.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'payload'}: ${i.message}`)
    .join('; ');

/**
 * Services emit typed events here; transport adapters forward them. Every
 * payload is parsed by the contract's event schema first, as HandlerRegistry
 * does for call outputs: a service can never push a field the contract does
 * not promise, and a payload that breaks the contract is dropped (and logged)
 * instead of reaching a renderer that would act on it.
 */
export class EventBus {
  private listeners = new Set<Listener>();
  /** Contract breaks already logged, by event and first issue: a 1 Hz emitter must not flood the log. */
  private readonly logged = new Set<string>();
  /** Payloads dropped for breaking the contract, by event name (tests and diagnostics). */
  readonly rejected = new Map<EventName, number>();

  constructor(private readonly log: Logger = createLogger('bus')) {}

  emit<K extends EventName>(name: K, payload: EventPayload<K>, opts: { to?: string } = {}): void {
    const spec = events[name] as { payload: z.ZodType } | undefined;
    const parsed = spec?.payload.safeParse(payload);
    if (!parsed?.success) {
      this.rejected.set(name, (this.rejected.get(name) ?? 0) + 1);
      const why = parsed ? issuesText(parsed.error) : 'not an event of the contract';
      const key = `${name}\0${why}`;
      if (!this.logged.has(key)) {
        this.logged.add(key);
        this.log.error(`event ${name} broke the contract and was not sent: ${why}`);
      }
      return;
    }
    const msg: BusMessage = { name, payload: parsed.data, ...(opts.to ? { to: opts.to } : {}) };
    for (const l of [...this.listeners]) {
      try {
        l(msg);
      } catch {
        // A broken listener (closed socket) must not stop delivery to others.
      }
    }
  }

  subscribe(listener: Listener): Dispose {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
