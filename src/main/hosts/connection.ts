import { HostKeyProblemSchema, type HostState } from '../../shared/model/host';
import type { Dispose } from '../util/disposable';
import type { Logger } from '../util/log';
import { backoffDelay } from './backoff';
import { cancelled, ConnectError } from './errors';
import type { Link, Opener } from './link';
import type { PromptBroker, PromptReply, PromptRequest } from './prompts';
import { initialState, nextState, sameState, type ConnEvent } from './state';
import type { HostTransport } from './transport';

export interface AttachmentContext {
  /** The attached service found the host unusable (e.g. libvirtd went away): drop and redial. */
  drop(reason: string): void;
}

/**
 * Runs after the transport is up; the host is 'connected' only once every
 * attachment resolved. The returned Dispose runs on drop or disconnect.
 */
export type Attachment = (hostId: string, transport: HostTransport, signal: AbortSignal, ctx: AttachmentContext) => Promise<Dispose>;

export interface HostConnectionOptions {
  hostId: string;
  open: Opener;
  attachments: () => readonly Attachment[];
  prompts: PromptBroker;
  log: Logger;
  attachTimeoutMs?: number;
  now?: () => number;
  random?: () => number;
}

interface Live {
  link: Link;
  abort: AbortController;
  disposers: Dispose[];
  unsubscribe: Dispose;
}

/** One host's connection: dial, attach, watch, redial with backoff, until disconnect(). */
export class HostConnection {
  readonly hostId: string;
  private opts: HostConnectionOptions;
  private current: HostState;
  private readonly listeners = new Set<(s: HostState) => void>();
  private generation = 0;
  private attempt: { abort: AbortController; done: Promise<HostState> } | undefined;
  private live: Live | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private prompting = 0;
  private readonly carry = new Map<string, string>();
  private disposed = false;

  constructor(opts: HostConnectionOptions) {
    this.opts = opts;
    this.hostId = opts.hostId;
    this.current = initialState(opts.hostId, this.now());
  }

  get state(): HostState {
    return this.current;
  }

  transport(): HostTransport | undefined {
    return this.current.status === 'connected' ? this.live?.link.transport : undefined;
  }

  get timings() {
    return this.live?.link.timings;
  }

  onStateChange(cb: (s: HostState) => void): Dispose {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }

  /** Connects, or retries now; resolves when connected or when this attempt failed. */
  connect(): Promise<HostState> {
    if (this.disposed) return Promise.reject(new ConnectError('CANCELLED', `${this.hostId}: removed`, 'never'));
    if (this.live) return Promise.resolve(this.current);
    if (this.attempt) return this.attempt.done;
    return this.startAttempt();
  }

  disconnect(): HostState {
    this.stop();
    this.failures = 0;
    this.carry.clear();
    this.apply({ type: 'disconnected' });
    return this.current;
  }

  /** New target or credentials source: redial if we were trying at all. */
  reconfigure(open: Opener): void {
    this.opts = { ...this.opts, open };
    const active = this.current.status !== 'disconnected';
    this.stop();
    if (active && !this.disposed) void this.startAttempt();
  }

  /** An attachment added while connected runs now; its failure drops the host. */
  attachLate(att: Attachment): void {
    const live = this.live;
    if (!live) return;
    att(this.hostId, live.link.transport, live.abort.signal, this.attachCtx(live)).then(
      (d) => (this.live === live ? live.disposers.push(d) : d()),
      (e: unknown) => this.live === live && this.drop(live, this.attachFailure(e)),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.stop();
    this.disposed = true;
    this.listeners.clear();
  }

  private startAttempt(): Promise<HostState> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const gen = ++this.generation;
    const abort = new AbortController();
    const done = this.run(gen, abort.signal).finally(() => {
      if (this.attempt?.abort === abort) this.attempt = undefined;
    });
    this.attempt = { abort, done };
    return done;
  }

  private async run(gen: number, signal: AbortSignal): Promise<HostState> {
    this.apply({ type: 'connecting', attempt: this.failures + 1 });
    let link: Link | undefined;
    const liveAbort = new AbortController();
    const disposers: Dispose[] = [];
    let droppedEarly: ConnectError | undefined;
    let unsubscribe: Dispose = () => {};
    try {
      link = await this.opts.open({ signal, carry: this.carry, ask: (req) => this.ask(req, signal) });
      if (gen !== this.generation) throw cancelled();
      unsubscribe = link.onClose((reason) => {
        droppedEarly = reason;
        liveAbort.abort();
      });
      const live: Live = { link, abort: liveAbort, disposers, unsubscribe };
      await this.runAttachments(live, signal);
      if (droppedEarly) throw droppedEarly;
      if (gen !== this.generation) throw cancelled();
      unsubscribe();
      live.unsubscribe = link.onClose((reason) => this.drop(live, reason));
      this.live = live;
      this.failures = 0;
      this.carry.clear();
      this.apply({ type: 'up' });
      return this.current;
    } catch (e) {
      unsubscribe();
      liveAbort.abort();
      for (const d of disposers.reverse()) safely(d);
      link?.close();
      if (gen !== this.generation) return this.current; // superseded by disconnect/reconfigure
      this.fail(droppedEarly ?? toConnectError(e));
      return this.current;
    }
  }

  private async runAttachments(live: Live, signal: AbortSignal): Promise<void> {
    if (this.opts.attachments().length === 0) return;
    const onAbort = () => live.abort.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const limit = this.opts.attachTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        live.abort.abort();
        reject(new ConnectError('TIMEOUT', `timed out (host services not ready within ${limit / 1000} s)`, 'backoff'));
      }, limit);
    });
    // A hook that finishes after we gave up (timeout) releases what it made.
    let gaveUp = false;
    const ran = new Set<Attachment>();
    const runOne = (h: Attachment) =>
      h(this.hostId, live.link.transport, live.abort.signal, this.attachCtx(live)).then((d) => {
        if (gaveUp) safely(d);
        else live.disposers.push(d);
      });
    try {
      // Hooks registered while earlier ones ran get their turn too.
      for (;;) {
        const todo = this.opts.attachments().filter((h) => !ran.has(h));
        if (todo.length === 0) break;
        todo.forEach((h) => ran.add(h));
        const results = await Promise.race([Promise.allSettled(todo.map(runOne)), timeout]);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw this.attachFailure(failed.reason);
      }
    } finally {
      gaveUp = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private attachCtx(live: Live) {
    return { drop: (reason: string) => queueMicrotask(() => this.live === live && this.drop(live, new ConnectError('HOST_UNREACHABLE', reason, 'backoff'))) };
  }

  private attachFailure(e: unknown): ConnectError {
    if (e instanceof ConnectError) return e;
    const msg = e instanceof Error ? e.message : String(e);
    return new ConnectError('HOST_UNREACHABLE', msg, 'backoff');
  }

  private drop(live: Live, reason: ConnectError): void {
    if (this.live !== live) return;
    this.opts.log.warn(`${this.hostId}: ${reason.reason}`);
    this.teardown();
    this.fail(reason);
  }

  private fail(err: ConnectError): void {
    if (err.retry === 'never') {
      this.failures = 0;
      const hostKey = err.error.code === 'HOST_KEY_MISMATCH' ? HostKeyProblemSchema.safeParse(err.error.detail).data : undefined;
      this.apply({ type: 'failed', reason: err.reason, code: err.error.code, attempt: this.current.attempt ?? 1, ...(hostKey ? { hostKey } : {}) });
      return;
    }
    const attempt = this.failures + 1;
    // 'now': the server dropped us while the user answered; go straight back.
    const delay = err.retry === 'now' ? 0 : backoffDelay(attempt, this.opts.random);
    if (err.retry === 'backoff') this.failures = attempt;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.startAttempt();
    }, delay);
    this.apply({ type: 'failed', reason: err.reason, code: err.error.code, attempt, retryAt: this.now() + delay });
  }

  private async ask(req: PromptRequest, signal: AbortSignal): Promise<PromptReply> {
    if (this.prompting++ === 0) this.apply({ type: 'prompt' });
    try {
      return await this.opts.prompts.ask(req, signal);
    } finally {
      if (--this.prompting === 0 && this.attempt) this.apply({ type: 'answered' });
    }
  }

  /** Cancels the attempt, the retry timer and the live link. */
  private stop(): void {
    this.generation++;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.attempt?.abort.abort();
    this.attempt = undefined;
    this.opts.prompts.cancelHost(this.hostId);
    this.teardown();
  }

  private teardown(): void {
    const live = this.live;
    if (!live) return;
    this.live = undefined;
    live.unsubscribe();
    live.abort.abort();
    for (const d of live.disposers.reverse()) safely(d);
    live.link.close();
  }

  private apply(ev: ConnEvent): void {
    const next = nextState(this.current, ev, this.now());
    if (sameState(next, this.current)) return;
    this.current = next;
    for (const l of [...this.listeners]) safely(() => l(next));
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}

function toConnectError(e: unknown): ConnectError {
  if (e instanceof ConnectError) return e;
  return new ConnectError('INTERNAL', `connection failed: ${e instanceof Error ? e.message : String(e)}`, 'backoff');
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // one failing disposer or listener must not keep the rest alive
  }
}
