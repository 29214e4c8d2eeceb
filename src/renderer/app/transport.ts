import type { Dispose, RawBridge } from '../../shared/ipc/api';
import type { Result } from '../../shared/ipc/result';

declare global {
  interface Window {
    /** Present under Electron (preload); absent in a browser (serve mode). */
    virtdeck?: RawBridge;
  }
}

export type LinkState = 'connecting' | 'open' | 'closed';

/**
 * serve mode's side of the contract: one WebSocket to the core (the token
 * travels as an HttpOnly cookie set by the first page load). Reconnects with
 * backoff; calls in flight when the socket drops answer NOT_CONNECTED.
 */
export class WsBridge implements RawBridge {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private pending = new Map<number, (r: Result<unknown>) => void>();
  private listeners = new Set<(event: string, payload: unknown) => void>();
  private linkListeners = new Set<(s: LinkState) => void>();
  private queue: string[] = [];
  private retryMs = 500;
  state: LinkState = 'connecting';

  constructor(private readonly url: string) {
    this.open();
  }

  private setState(s: LinkState) {
    this.state = s;
    for (const l of this.linkListeners) l(s);
  }

  private open() {
    this.setState('connecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 500;
      this.setState('open');
      for (const m of this.queue.splice(0)) ws.send(m);
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as { t: string; id?: number; result?: Result<unknown>; name?: string; payload?: unknown };
      if (msg.t === 'result' && msg.id !== undefined) {
        this.pending.get(msg.id)?.(msg.result as Result<unknown>);
        this.pending.delete(msg.id);
      } else if (msg.t === 'event' && msg.name) {
        for (const l of this.listeners) l(msg.name, msg.payload);
      }
    };
    ws.onclose = () => {
      for (const resolve of this.pending.values()) {
        resolve({ ok: false, error: { code: 'HOST_UNREACHABLE', message: 'Lost the connection to the VirtDeck core' } });
      }
      this.pending.clear();
      this.setState('closed');
      const wait = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
      setTimeout(() => this.open(), wait);
    };
  }

  invoke(name: string, input: unknown): Promise<Result<unknown>> {
    const id = this.nextId++;
    const frame = JSON.stringify({ t: 'call', id, name, input });
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
      else this.queue.push(frame);
    });
  }

  on(listener: (event: string, payload: unknown) => void): Dispose {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onLink(listener: (s: LinkState) => void): Dispose {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }
}

export function createBridge(): { bridge: RawBridge; onLink?: (l: (s: LinkState) => void) => Dispose; linkState?: () => LinkState } {
  if (window.virtdeck) return { bridge: window.virtdeck };
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WsBridge(`${proto}//${location.host}/ws`);
  return { bridge: ws, onLink: (l) => ws.onLink(l), linkState: () => ws.state };
}
