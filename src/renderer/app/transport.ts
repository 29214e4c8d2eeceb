import type { Dispose, RawBridge } from '../../shared/ipc/api';
import { SESSION_PATH, bearer, isWellFormedToken, wsProtocols } from '../../shared/ipc/access';
import type { Result } from '../../shared/ipc/result';
import { accessKeeper } from './access';

declare global {
  interface Window {
    /** Present under Electron (preload); absent in a browser (serve mode). */
    virtdeck?: RawBridge;
  }
}

/** 'unauthorized': no access token in this tab, or the core refused it (serve restarted). */
export type LinkState = 'connecting' | 'open' | 'closed' | 'unauthorized';

/** The slice of the browser this bridge needs; tests hand in Node's equivalents. */
export interface WsBridgeDeps {
  WebSocket: { new (url: string, protocols: string[]): WebSocket; readonly OPEN: number };
  /** Answers whether the core still takes a token: 'refused' (401/403) or 'unknown' (unreachable, 5xx). */
  checkToken(token: string): Promise<'ok' | 'refused' | 'unknown'>;
  /** The token was refused: forget it wherever it was kept. */
  onRefused?(): void;
  retry?: { firstMs: number; maxMs: number };
}

const NOT_SENT = (why: string): Result<unknown> => ({ ok: false, error: { code: 'NOT_CONNECTED', message: `Not connected to the VirtDeck core (${why}): nothing was sent` } });
const LOST: Result<unknown> = {
  ok: false,
  error: { code: 'HOST_UNREACHABLE', message: 'Lost the connection to the VirtDeck core before it answered: the action may or may not have happened; check its state before trying again' },
};

/**
 * serve mode's side of the contract: one WebSocket to the core, the access
 * token offered as a subprotocol. Reconnects with backoff. A call is sent at
 * most once, on one socket: calls made while connecting wait for that socket
 * and fail with it; calls in flight when it drops fail (their outcome is
 * unknown); nothing is ever replayed on a later socket, so a "Force off"
 * reported as failed can't run afterwards.
 */
export class WsBridge implements RawBridge {
  private ws: WebSocket | null = null;
  private nextId = 1;
  /** Sent on the current socket, waiting for their answer. */
  private pending = new Map<number, (r: Result<unknown>) => void>();
  /** Made while the current socket was connecting: sent when it opens, failed if it doesn't. */
  private waiting: Array<{ frame: string; id: number; resolve: (r: Result<unknown>) => void }> = [];
  private listeners = new Set<(event: string, payload: unknown) => void>();
  private linkListeners = new Set<(s: LinkState) => void>();
  private retryMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  state: LinkState = 'connecting';
  /** The core answered "not this token" (serve restarted with a new one), as opposed to "no token here". */
  refused = false;

  /** token: a promise while another tab is asked for one (the state stays 'connecting' meanwhile). */
  constructor(
    private readonly url: string,
    token: string | null | Promise<string | null>,
    private readonly deps: WsBridgeDeps,
  ) {
    this.retryMs = deps.retry?.firstMs ?? 500;
    if (token instanceof Promise) {
      this.token = null;
      void token.then((t) => {
        if (this.token !== null || this.ws) return; // a token arrived another way first
        if (t) this.setToken(t);
        else this.open();
      });
    } else {
      this.token = token;
      this.open();
    }
  }

  private token: string | null;

  private setState(s: LinkState) {
    if (this.state === s) return;
    this.state = s;
    // Calls wait only while a socket is coming: any other outcome fails them, now and for good.
    if (s !== 'connecting' && s !== 'open') for (const w of this.waiting.splice(0)) w.resolve(NOT_SENT(s === 'unauthorized' ? 'no valid access token' : 'the connection attempt failed'));
    for (const l of [...this.linkListeners]) l(s);
  }

  /** Signed out: forget the credential and stop; the access screen (sign-in form) takes over. */
  clearToken(): void {
    this.token = null;
    this.refused = false;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(); // its onclose sees the token gone and settles 'unauthorized'
    else this.setState('unauthorized');
  }

  /** A new token (pasted, or handed over by another tab): reconnect with it. */
  setToken(token: string): void {
    this.token = token;
    this.refused = false;
    this.retryMs = this.deps.retry?.firstMs ?? 500;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(); // its onclose reconnects with the new token
    else this.open();
  }

  private open() {
    if (this.disposed) return;
    const used = this.token;
    if (!used || !isWellFormedToken(used)) return this.setState('unauthorized');
    this.setState('connecting');
    const ws = new this.deps.WebSocket(this.url, wsProtocols(used));
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.retryMs = this.deps.retry?.firstMs ?? 500;
      this.setState('open');
      for (const w of this.waiting.splice(0)) {
        this.pending.set(w.id, w.resolve);
        ws.send(w.frame);
      }
    };
    // Browsers report a failed handshake as error then close; close does all the work.
    ws.onerror = () => {};
    ws.onmessage = (ev) => {
      let msg: { t: string; id?: number; result?: Result<unknown>; name?: string; payload?: unknown };
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (msg.t === 'result' && msg.id !== undefined) {
        this.pending.get(msg.id)?.(msg.result as Result<unknown>);
        this.pending.delete(msg.id);
      } else if (msg.t === 'event' && msg.name) {
        for (const l of this.listeners) l(msg.name, msg.payload);
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      for (const resolve of this.pending.values()) resolve(LOST);
      this.pending.clear();
      if (this.disposed) return;
      if (this.token !== used) return this.open(); // a new token arrived meanwhile: use it now
      this.setState('closed');
      // A handshake that never opened may be a refused token: ask once, plainly, before retrying.
      const verdict = opened ? Promise.resolve<'unknown'>('unknown') : this.deps.checkToken(used);
      void verdict.then((v) => {
        if (this.disposed || this.ws || this.token !== used) return;
        if (v === 'refused') {
          this.token = null;
          this.refused = true;
          this.deps.onRefused?.();
          this.setState('unauthorized');
          return;
        }
        const wait = this.retryMs;
        this.retryMs = Math.min(this.retryMs * 2, this.deps.retry?.maxMs ?? 10_000);
        this.timer = setTimeout(() => this.open(), wait);
      });
    };
  }

  invoke(name: string, input: unknown): Promise<Result<unknown>> {
    const id = this.nextId++;
    const frame = JSON.stringify({ t: 'call', id, name, input });
    return new Promise((resolve) => {
      const ws = this.ws;
      if (ws && ws.readyState === this.deps.WebSocket.OPEN) {
        this.pending.set(id, resolve);
        ws.send(frame);
      } else if (this.state === 'connecting') {
        this.waiting.push({ frame, id, resolve });
      } else {
        resolve(NOT_SENT(this.state === 'unauthorized' ? 'no valid access token' : 'reconnecting'));
      }
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

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }
}

/** GET /api/session with the token: the one request that tells "refused" from "unreachable". */
export async function checkTokenOverHttp(origin: string, token: string, fetchFn: typeof fetch = fetch): Promise<'ok' | 'refused' | 'unknown'> {
  try {
    const r = await fetchFn(origin + SESSION_PATH, { headers: { authorization: bearer(token) }, cache: 'no-store' });
    if (r.status === 401 || r.status === 403) return 'refused';
    return r.ok ? 'ok' : 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface BridgeHandle {
  bridge: RawBridge;
  onLink?: (l: (s: LinkState) => void) => Dispose;
  linkState?: () => LinkState;
  accessRefused?: () => boolean;
  /** Serve mode: `Bearer <token>` for fetch() to the core's routes (uploads, downloads), or null. */
  authorization?: () => string | null;
  /** Serve mode: use this access link or token (the access screen). */
  useToken?: (token: string) => void;
  /** Serve mode: forget this tab's credential (after signing out). */
  signOut?: () => void;
}

export function createBridge(): BridgeHandle {
  if (window.virtdeck) return { bridge: window.virtdeck };
  const keeper = accessKeeper();
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // No token in this tab yet: another open tab of ours may have one (a console popped out, a new tab).
  const first = keeper.token() ?? keeper.askOtherTabs().then((t) => (t ? (keeper.keep(t), t) : null));
  const ws = new WsBridge(`${proto}//${location.host}/ws`, first, {
    WebSocket,
    checkToken: (t) => checkTokenOverHttp(location.origin, t),
    onRefused: () => keeper.forget(),
  });
  const useToken = (t: string) => {
    keeper.keep(t);
    ws.setToken(t);
  };
  keeper.onToken(useToken);
  return {
    bridge: ws,
    onLink: (l) => ws.onLink(l),
    linkState: () => ws.state,
    accessRefused: () => ws.refused,
    authorization: () => {
      const t = keeper.token();
      return t ? bearer(t) : null;
    },
    useToken,
    signOut: () => {
      keeper.forget();
      ws.clearToken();
    },
  };
}
