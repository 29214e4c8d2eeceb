import type { EventName, EventPayload } from '../../shared/ipc/contract';
import type { Dispose } from '../util/disposable';

export interface BusMessage {
  name: EventName;
  payload: unknown;
  /** Deliver only to this connection (e.g. metrics a window subscribed to). */
  to?: string;
}

type Listener = (msg: BusMessage) => void;

/** Services emit typed events here; transport adapters forward them. */
export class EventBus {
  private listeners = new Set<Listener>();

  emit<K extends EventName>(name: K, payload: EventPayload<K>, opts: { to?: string } = {}): void {
    const msg: BusMessage = { name, payload, ...(opts.to ? { to: opts.to } : {}) };
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
